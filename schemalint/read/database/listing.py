"""The catalog's definition as text: what `--format full` shows for a finding in the database.

A database has no source file, so the database mirror gets one: this listing, one line per
table, column, key, constraint and index, under the label `<database>`. `locate` writes it
and gives each object the `Location` of its line, so findings point into it like into a file.
"""

from __future__ import annotations

from dataclasses import replace

from schemalint.model import Location, Table

LABEL = "<database>"
"""The file name of everything the database mirror says: findings print `<database>:LINE:COL`."""


def _column_line(column) -> str:
    bits = [column.name, column.type, "NULL" if column.nullable else "NOT NULL"]
    if column.identity:
        bits.append(f"GENERATED {column.identity.upper()} AS IDENTITY")
    if column.generated:
        bits.append(f"GENERATED ALWAYS AS ({column.generated}) STORED")
    if column.default is not None:
        bits.append(f"DEFAULT {column.default}")
    if column.comment is not None:
        bits.append(f"COMMENT {column.comment!r}")
    return " ".join(bits)


def _index_line(ix) -> str:
    parts = []
    for position, part in enumerate(ix.columns):
        opclass = ix.opclasses[position] if position < len(ix.opclasses) else ""
        order = ix.orders[position] if position < len(ix.orders) else ""
        parts.append(" ".join(p for p in (part, opclass, order) if p))
    text = f"{'UNIQUE ' if ix.unique else ''}INDEX {ix.name} USING {ix.using} ({', '.join(parts)})"
    if ix.include:
        text += f" INCLUDE ({', '.join(ix.include)})"
    return text + (f" WHERE {ix.where}" if ix.where else "")


def locate(tables: list[Table]) -> tuple[list[Table], str]:
    """`tables` with the location of their line in the listing, and the listing."""
    lines: list[str] = []

    def here(text: str, indent: int = 0) -> Location:
        lines.append(" " * indent + text)
        return Location(LABEL, len(lines), indent + 1)

    located = []
    for table in sorted(tables, key=lambda t: (t.schema or "", t.name)):
        comment = f"  COMMENT {table.comment!r}" if table.comment is not None else ""
        where = here(f"TABLE {table.qualified_name}{comment}")
        columns = tuple(replace(c, location=here(_column_line(c), 2)) for c in table.columns)
        pk = table.primary_key
        if pk is not None:
            pk = replace(pk, location=here(f"PRIMARY KEY {pk.name} ({', '.join(pk.columns)})", 2))
        fks = tuple(
            replace(fk, location=here(
                f"FOREIGN KEY {fk.name} ({', '.join(fk.columns)}) REFERENCES "
                f"{fk.ref_schema + '.' if fk.ref_schema else ''}{fk.ref_table}({', '.join(fk.ref_columns)}) "
                f"ON DELETE {fk.on_delete}" + (" DEFERRABLE" if fk.deferrable else ""), 2))
            for fk in table.foreign_keys
        )
        constraints = tuple(
            replace(c, location=here(
                f"{c.kind.upper()} {c.name}" + (f" ({', '.join(c.columns)})" if c.columns and c.kind != "check" else "")
                + (f" {c.expression}" if c.expression else ""), 2))
            for c in table.constraints
        )
        indexes = tuple(replace(ix, location=here(_index_line(ix), 2)) for ix in table.indexes)
        lines.append("")
        located.append(replace(
            table, columns=columns, primary_key=pk, foreign_keys=fks, constraints=constraints, indexes=indexes,
            location=where,
        ))
    return located, "\n".join(lines)

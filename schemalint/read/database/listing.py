"""The catalog's definition as text: what `--format full` shows for a finding in the database.

A database has no source file, so the database mirror gets one: this listing, one line per
table, column, key, constraint and index, under the label `<database>`. The readers
(`catalog.py`, `snapshot.py`) number the lines while they build each object (`Lines`), in the
order `render` prints them: the table, its columns, primary key, foreign keys, constraints,
indexes, then a blank line. So findings point into `<database>` like into a file, and the
text itself is only written when a report shows it.
"""

from __future__ import annotations

from collections.abc import Iterable

from schemalint.model import Column, Constraint, ForeignKey, Index, Location, Table

LABEL = "<database>"
"""The file name of everything the database mirror says: findings print `<database>:LINE:COL`."""


class Lines:
    """Hands out the locations of consecutive lines of the listing."""

    def __init__(self) -> None:
        self.count = 0

    def take(self, indent: int = 0) -> Location:
        self.count += 1
        return Location(LABEL, self.count, indent + 1)

    def blank(self) -> None:
        self.count += 1


def table_order(schema: str | None, name: str) -> tuple[str, str]:
    """The order of tables in the listing (the readers build them in it)."""
    return (schema or "", name)


def _column(column: Column) -> str:
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


def _foreign_key(fk: ForeignKey) -> str:
    target = f"{fk.ref_schema + '.' if fk.ref_schema else ''}{fk.ref_table}({', '.join(fk.ref_columns)})"
    text = f"FOREIGN KEY {fk.name} ({', '.join(fk.columns)}) REFERENCES {target} ON DELETE {fk.on_delete}"
    return text + (" DEFERRABLE" if fk.deferrable else "") + (" INITIALLY DEFERRED" if fk.initially_deferred else "")


def _constraint(c: Constraint) -> str:
    columns = f" ({', '.join(c.columns)})" if c.columns and c.kind != "check" else ""
    return f"{c.kind.upper()} {c.name}{columns}" + (f" {c.expression}" if c.expression else "")


def _index(ix: Index) -> str:
    parts = []
    for position, part in enumerate(ix.columns):
        opclass = ix.opclasses[position] if position < len(ix.opclasses) else ""
        order = ix.orders[position] if position < len(ix.orders) else ""
        parts.append(" ".join(p for p in (part, opclass, order) if p))
    text = f"{'UNIQUE ' if ix.unique else ''}INDEX {ix.name} USING {ix.using} ({', '.join(parts)})"
    if ix.include:
        text += f" INCLUDE ({', '.join(ix.include)})"
    return text + (f" WHERE {ix.where}" if ix.where else "")


def render(tables: Iterable[Table]) -> str:
    """The listing of `tables`, as the readers numbered it."""
    out: list[str] = []
    for table in tables:
        out.append(
            f"TABLE {table.qualified_name}" + (f"  COMMENT {table.comment!r}" if table.comment is not None else "")
        )
        out += [f"  {_column(c)}" for c in table.columns]
        if table.primary_key is not None:
            out.append(f"  PRIMARY KEY {table.primary_key.name} ({', '.join(table.primary_key.columns)})")
        out += [f"  {_foreign_key(fk)}" for fk in table.foreign_keys]
        out += [f"  {_constraint(c)}" for c in table.constraints]
        out += [f"  {_index(ix)}" for ix in table.indexes]
        out.append("")
    return "\n".join(out)

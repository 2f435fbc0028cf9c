"""`schemalint export`: one source's schema as the PostgreSQL DDL that creates it.

Run with `psql -v ON_ERROR_STOP=1` on an empty database, the output builds exactly the catalog
`dump` describes. The order is the one that runs: schemas and types, tables (columns, primary
key), then unique/check constraints and indexes, then foreign keys (so tables may refer to each
other in any order), then comments. Within each step objects are sorted by name, and the header
names the generator and the source files but carries no timestamp: exporting an unchanged
project gives a byte-identical file.

What the export does not create is said, not guessed: a foreign key to a table outside the
export (`auth_user` of django.contrib) is kept and its target listed in the header; a part a
reader could not resolve is written as a `-- unknown:` comment at its place; tables Django does
not create (`managed = False`) are listed, not created.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemalint.model import Schema, Table
from schemalint.postgres import ddl

SOURCE_TITLES = {"django": "Django models", "sqlalchemy": "SQLAlchemy models", "sql": "SQL files"}


@dataclass(frozen=True)
class ExportOptions:
    idempotent: bool = False
    include_contrib: bool = False
    """Also create the framework tables the exported ones refer to (`auth_user`, ...), as
    their own migrations create them: the output then runs on an empty database."""
    command: str = "schemalint export"
    """How the file was made, for the header (the command line a user runs to regenerate it)."""


def export_ddl(schema: Schema, options: ExportOptions = ExportOptions()) -> str:
    """The DDL of every table of `schema` that its source creates."""
    idem = options.idempotent
    tables = [t for t in schema.tables if t.managed]
    if options.include_contrib:
        tables += referenced_external(schema, tables)
    tables.sort(key=lambda t: (t.schema or "", t.name))
    defined = {(t.schema, t.name) for t in tables}

    out: list[str] = _header(schema, tables, defined, options)
    schemas = sorted({t.schema for t in tables if t.schema and t.schema != "public"})
    _section(out, "Schemas", [ddl.create_schema(s, idempotent=idem) for s in schemas])
    enums = sorted(schema.enums, key=lambda e: (e.schema or "", e.name))
    _section(out, "Types", [ddl.create_enum(e.name, e.labels, e.schema, idempotent=idem) for e in enums])
    _section(
        out,
        "Sequences",
        [f"CREATE SEQUENCE {'IF NOT EXISTS ' if idem else ''}{seq};" for seq in _free_sequences(tables)],
    )

    for table in tables:
        block = [ddl.create_table(table, idempotent=idem)]
        block += _unknown_notes(table)
        _section(out, f"Table {ddl.table_name(table)}" + (f" ({table.model})" if table.model else ""), block)

    constraints = []
    for table in tables:
        for constraint in sorted(table.constraints, key=lambda c: c.name):
            if constraint.unknown or ddl.missing_columns(table, constraint.columns):
                constraints.append(
                    ddl.unknown_note(
                        f"constraint {constraint.name} of {table.name}", constraint.unknown or ("columns",)
                    )
                )
                continue
            constraints.append(ddl.add_constraint(table, constraint, idempotent=idem))
        for index in sorted(table.indexes, key=lambda i: i.name):
            if index.unknown or ddl.missing_columns(table, index.columns + index.include):
                constraints.append(
                    ddl.unknown_note(f"index {index.name} of {table.name}", index.unknown or ("columns",))
                )
                continue
            constraints.append(ddl.create_index(table, index, idempotent=idem))
    _section(out, "Constraints and indexes", constraints)

    fks = []
    for table in tables:
        for fk in sorted(table.foreign_keys, key=lambda f: (f.name or "", f.columns)):
            if fk.unknown or ddl.missing_columns(table, fk.columns):
                fks.append(
                    ddl.unknown_note(
                        f"foreign key {fk.name or ', '.join(fk.columns)} of {table.name}", fk.unknown or ("columns",)
                    )
                )
                continue
            fks.append(ddl.add_foreign_key(table, fk, idempotent=idem))
    _section(out, "Foreign keys", fks)

    comments = []
    for table in tables:
        if table.comment is not None and table.known("comment"):
            comments.append(ddl.comment_on_table(table))
        comments += [
            ddl.comment_on_column(table, c) for c in table.columns if c.comment is not None and c.known("comment")
        ]
    _section(out, "Comments", comments)
    return "\n".join(out).rstrip() + "\n"


def referenced_external(schema: Schema, tables: list[Table]) -> list[Table]:
    """The external tables (`Schema.external`) that `tables` refer to, and those they refer
    to in turn."""
    external = {(t.schema, t.name): t for t in schema.external}
    wanted: dict[tuple[str | None, str], Table] = {}
    queue = list(tables)
    while queue:
        for fk in queue.pop().foreign_keys:
            key = (fk.ref_schema, fk.ref_table)
            if key in external and key not in wanted:
                wanted[key] = external[key]
                queue.append(external[key])
    return list(wanted.values())


def _header(schema: Schema, tables: list[Table], defined: set, options: ExportOptions) -> list[str]:
    title = SOURCE_TITLES.get(schema.source, schema.source)
    lines = [
        "-- " + "=" * 76,
        f"-- PostgreSQL schema generated from the {title} by `{options.command}`.",
        "-- Do not edit: regenerate it. Source files:",
    ]
    lines += [f"--   {path}" for path in sorted(schema.files)]
    contrib = sorted(ddl.table_name(t) for t in tables if t in schema.external)
    if contrib:
        lines.append("-- Also created, as django.contrib's migrations create them (--include-contrib):")
        lines += [f"--   {name}" for name in contrib]
    external = sorted(
        {
            ddl.qualified(fk.ref_table, fk.ref_schema)
            for t in tables
            for fk in t.foreign_keys
            if (fk.ref_schema, fk.ref_table) not in defined
        }
    )
    if external:
        lines.append("-- Foreign keys refer to tables this file does not create (they must exist first):")
        lines += [f"--   {name}" for name in external]
    unmanaged = sorted(ddl.table_name(t) for t in schema.tables if not t.managed)
    if unmanaged:
        lines.append("-- Not created here (managed = False):")
        lines += [f"--   {name}" for name in unmanaged]
    unresolved = sorted({f"{d.location}: {d.message}" for d in schema.diagnostics if d.kind == "unresolved"})
    if unresolved:
        lines.append("-- Not resolved statically (SL002), so not exported as fact:")
        lines += [f"--   {text}" for text in unresolved]
    lines.append("-- " + "=" * 76)
    return lines


def _section(out: list[str], title: str, statements: list[str]) -> None:
    if not statements:
        return
    out += ["", f"-- {title}", *statements]


def _unknown_notes(table: Table) -> list[str]:
    return [ddl.unknown_note(f"table {table.name}", table.unknown)] if table.unknown else []


def _free_sequences(tables: list[Table]) -> list[str]:
    """Sequences that defaults use but that no `serial` column creates."""
    found = set()
    for table in tables:
        for column in table.columns:
            if column.default and not ddl.serial_type(table, column):
                found |= ddl.sequences_used(column.default)
    return sorted(found)


__all__ = ["ExportOptions", "export_ddl"]

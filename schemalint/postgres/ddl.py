"""PostgreSQL DDL for the objects of the schema model, one printer per kind of object.

Each function returns one statement (with its terminating `;`) that creates exactly the object
the model describes, names included: a model object always carries the name the database gives
it, so printing it explicitly makes the printed DDL build the same catalog as the source did.
Values that the model holds as PostgreSQL prints them (`format_type()` types, `pg_get_expr()`
defaults, predicates and CHECK expressions) are printed as they are.

`idempotent=True` gives statements that can run twice: `IF NOT EXISTS` where PostgreSQL has it,
a `DO` block that looks in the catalog first where it does not (constraints, comments need
nothing: they are idempotent already). These are the guards the SQL reader understands, so a
file printed this way reads back as the schema it was printed from.

Parts a reader could not resolve (`unknown`) are never printed as if they were known: the
caller gets them from `unknown_note()` and writes them as a comment.
"""

from __future__ import annotations

import re

from schemalint.model import Column, Constraint, ForeignKey, Index, PrimaryKey, Table
from schemalint.postgres.keywords import quote_ident, quote_qualified

_SERIAL = {"smallint": "smallserial", "integer": "serial", "bigint": "bigserial"}
_NEXTVAL = re.compile(r"nextval\('(?P<seq>(?:[^']|'')+)'::regclass\)")


def quote_literal(value: str) -> str:
    """A string constant that means the same whatever `standard_conforming_strings` says:
    backslashes take the E'' form, as PostgreSQL's quote_literal() function writes them (the
    pg_get_expr-style `keywords.quote_literal` prints what the catalog prints instead)."""
    body = value.replace("'", "''")
    if "\\" in value:
        return "E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"


def qualified(name: str, schema: str | None = None) -> str:
    return quote_qualified(name, schema or None)


def table_name(table: Table) -> str:
    return qualified(table.name, table.schema)


def _columns(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(quote_ident(n) for n in names)


def serial_type(table: Table, column: Column) -> str | None:
    """`serial`/`bigserial`/`smallserial` when the column is exactly what that shorthand makes:
    an integer column whose default is the sequence PostgreSQL names `<table>_<column>_seq`."""
    match = _NEXTVAL.fullmatch(column.default or "")
    if not match or column.type not in _SERIAL or column.nullable:
        return None
    sequence = match["seq"].replace("''", "'")
    expected = f"{table.name}_{column.name}_seq"
    bare = sequence.rsplit(".", 1)[-1].strip('"')
    return _SERIAL[column.type] if bare[:63] == expected[:63] else None


def reparseable(expression: str) -> str:
    """`pg_get_expr()` text rewritten so that PostgreSQL parses it back into the same tree.

    One printout does not round-trip: an array of casted elements coerced to another array type,
    `ARRAY['a'::character varying, 'b'::character varying]::text[]` (what `city IN ('a', 'b')`
    on a varchar column becomes). Parsing `ARRAY[...]::text[]` pushes the cast into the elements
    (`'a'::character varying::text`); casting to the elements' own array type first keeps the
    ArrayExpr whole, and PostgreSQL prints the result exactly as the original.
    """
    out, i = [], 0
    while (start := expression.find("ARRAY[", i)) >= 0:
        end = _closing_bracket(expression, start + 5)
        if end < 0:
            break
        out.append(expression[i : end + 1])
        i = end + 1
        outer = re.match(r"::([a-z][a-z0-9_ ]*(?:\([0-9,]+\))?)\[\]", expression[i:])
        element_types = {_trailing_cast(e) for e in _top_level_items(expression[start + 6 : end])}
        if outer and len(element_types) == 1 and None not in element_types and element_types != {outer[1]}:
            out.append(f"::{element_types.pop()}[]")
    out.append(expression[i:])
    return "".join(out)


def _closing_bracket(text: str, open_at: int) -> int:
    depth, quoted = 0, False
    for k in range(open_at, len(text)):
        ch = text[k]
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch in "[(":
            depth += 1
        elif not quoted and ch in "])":
            depth -= 1
            if depth == 0:
                return k
    return -1


def _top_level_items(text: str) -> list[str]:
    items, depth, quoted, start = [], 0, False, 0
    for k, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch in "[(":
            depth += 1
        elif not quoted and ch in "])":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            items.append(text[start:k].strip())
            start = k + 1
    items.append(text[start:].strip())
    return items


def _trailing_cast(item: str) -> str | None:
    match = re.fullmatch(r"'(?:[^']|'')*'::([a-z][a-z0-9_ ]*(?:\([0-9,]+\))?)", item)
    return match[1] if match else None


def sequences_used(expression: str) -> set[str]:
    """The sequences `nextval('...'::regclass)` calls in an expression name (as written there)."""
    return {m.replace("''", "'") for m in _NEXTVAL.findall(expression)}


def column_definition(table: Table, column: Column) -> str | None:
    """The column's line in CREATE TABLE without the parts the reader could not resolve, or
    None when its type is unknown (a column cannot be created without one)."""
    if not column.known("type"):
        return None
    serial = serial_type(table, column)
    parts = [quote_ident(column.name), serial or column.type]
    if column.identity and column.known("identity"):
        parts.append(f"GENERATED {column.identity.upper()} AS IDENTITY")
    elif column.generated is not None and column.known("generated"):
        parts.append(f"GENERATED ALWAYS AS ({reparseable(column.generated)}) STORED")
    elif column.default is not None and not serial and column.known("default"):
        parts.append(f"DEFAULT {reparseable(column.default)}")
    if not column.nullable and not serial and column.known("nullable"):
        parts.append("NOT NULL")
    return " ".join(parts)


def missing_columns(table: Table, names: tuple[str, ...] | list[str]) -> list[str]:
    """The columns among `names` that CREATE TABLE does not create (their type is unknown);
    an object on one of them cannot be created either."""
    return [n for n in names if (c := table.column(n)) is not None and not c.known("type")]


def unknown_note(what: str, unknown: tuple[str, ...]) -> str:
    """The comment that stands where an unresolved part would be printed."""
    return f"-- unknown: {', '.join(unknown)} of {what} could not be resolved statically (see SL002)"


def primary_key_clause(pk: PrimaryKey) -> str:
    name = f"CONSTRAINT {quote_ident(pk.name)} " if pk.name else ""
    return f"{name}PRIMARY KEY ({_columns(pk.columns)})"


def create_table(table: Table, *, idempotent: bool = False) -> str:
    """CREATE TABLE with the columns and the primary key; a column part that is unknown is a
    comment in place of the column (type) or after it (anything else)."""
    lines: list[tuple[str, bool]] = []  # (text, is a definition that needs a comma)
    for column in table.columns:
        definition = column_definition(table, column)
        if definition is not None:
            lines.append((definition, True))
        if column.unknown:
            lines.append((unknown_note(f"column {column.name}", column.unknown), False))
    if table.primary_key is not None and table.known("primary_key"):
        missing = missing_columns(table, table.primary_key.columns)
        if missing:
            lines.append(
                (unknown_note(f"primary key {table.primary_key.name} (on {', '.join(missing)})", ("columns",)), False)
            )
        else:
            lines.append((primary_key_clause(table.primary_key), True))
    last = max((i for i, (_, is_def) in enumerate(lines) if is_def), default=-1)
    body = "\n".join(f"    {text}{',' if is_def and i < last else ''}" for i, (text, is_def) in enumerate(lines))
    exists = "IF NOT EXISTS " if idempotent else ""
    return f"CREATE TABLE {exists}{table_name(table)} (\n{body}\n);"


def constraint_clause(constraint: Constraint) -> str:
    head = f"CONSTRAINT {quote_ident(constraint.name)} "
    if constraint.kind == "check":
        return f"{head}CHECK ({reparseable(constraint.expression or '')})"
    if constraint.kind == "exclude":
        return head + (constraint.expression or "")
    nulls = " NULLS NOT DISTINCT" if constraint.nulls_distinct is False else ""
    deferrable = " DEFERRABLE INITIALLY DEFERRED" if constraint.deferrable else ""
    return f"{head}UNIQUE{nulls} ({_columns(constraint.columns)}){deferrable}"


def is_partial_unique(constraint: Constraint) -> bool:
    """A conditional UNIQUE constraint (Django's `UniqueConstraint(condition=...)`) is, in
    PostgreSQL, a partial unique index, not a constraint."""
    return constraint.kind == "unique" and constraint.expression is not None


def add_constraint(table: Table, constraint: Constraint, *, idempotent: bool = False) -> str:
    if is_partial_unique(constraint):
        index = Index(constraint.name, constraint.columns, unique=True, where=constraint.expression)
        return create_index(table, index, idempotent=idempotent)
    statement = f"ALTER TABLE {table_name(table)} ADD {constraint_clause(constraint)};"
    return guard_constraint(table, constraint.name, statement) if idempotent else statement


def _index_part(table: Table, part: str, order: str, opclass: str) -> str:
    text = quote_ident(part) if table.column(part) is not None else f"({reparseable(part)})"
    for extra in (opclass, order):
        if extra:
            text += f" {extra}"
    return text


def create_index(table: Table, index: Index, *, idempotent: bool = False) -> str:
    orders = index.orders or ("",) * len(index.columns)
    opclasses = index.opclasses or ("",) * len(index.columns)
    parts = ", ".join(_index_part(table, p, o, c) for p, o, c in zip(index.columns, orders, opclasses))
    text = "CREATE UNIQUE INDEX " if index.unique else "CREATE INDEX "
    if idempotent:
        text += "IF NOT EXISTS "
    text += f"{quote_ident(index.name)} ON {table_name(table)}"
    if index.using != "btree":
        text += f" USING {index.using}"
    text += f" ({parts})"
    if index.include:
        text += f" INCLUDE ({_columns(index.include)})"
    if index.where:
        text += f" WHERE {reparseable(index.where)}"
    return text + ";"


def add_foreign_key(table: Table, fk: ForeignKey, *, idempotent: bool = False) -> str:
    clause = (
        f"FOREIGN KEY ({_columns(fk.columns)}) REFERENCES {qualified(fk.ref_table, fk.ref_schema)} "
        f"({_columns(fk.ref_columns)})"
    )
    if fk.on_update != "NO ACTION":
        clause += f" ON UPDATE {fk.on_update}"
    if fk.on_delete != "NO ACTION":
        clause += f" ON DELETE {fk.on_delete}"
    if fk.deferrable:
        clause += " DEFERRABLE INITIALLY DEFERRED" if fk.initially_deferred else " DEFERRABLE"
    name = f"CONSTRAINT {quote_ident(fk.name)} " if fk.name else ""
    statement = f"ALTER TABLE {table_name(table)} ADD {name}{clause};"
    return guard_constraint(table, fk.name, statement) if idempotent and fk.name else statement


def guard_constraint(table: Table, name: str, statement: str) -> str:
    """ALTER TABLE ... ADD CONSTRAINT has no IF NOT EXISTS: look in pg_constraint first (a DO
    block the SQL reader reads as a guard)."""
    relation = quote_literal(table_name(table))
    return (
        "DO $$\nBEGIN\n"
        f"    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = {quote_literal(name)} "
        f"AND conrelid = {relation}::regclass) THEN\n"
        f"        {statement}\n"
        "    END IF;\nEND $$;"
    )


def _comment_value(comment: str | None) -> str:
    return "NULL" if comment is None else quote_literal(comment)


def comment_on_table(table: Table) -> str:
    """COMMENT ON TABLE; `IS NULL` (removes the comment) when the table has none."""
    return f"COMMENT ON TABLE {table_name(table)} IS {_comment_value(table.comment)};"


def comment_on_column(table: Table, column: Column) -> str:
    """COMMENT ON COLUMN; `IS NULL` (removes the comment) when the column has none."""
    return f"COMMENT ON COLUMN {table_name(table)}.{quote_ident(column.name)} IS {_comment_value(column.comment)};"


# --------------------------------------------------------------------------- changes to a table
# What `check --fix` appends to a cumulative schema.sql: each statement runs twice without
# failing (ALTER COLUMN ... TYPE / SET / DROP and COMMENT ON are idempotent already).


def add_column(table: Table, column: Column) -> str | None:
    """ALTER TABLE ... ADD COLUMN IF NOT EXISTS, or None when the column's type is unknown."""
    definition = column_definition(table, column)
    if definition is None:
        return None
    return f"ALTER TABLE {table_name(table)} ADD COLUMN IF NOT EXISTS {definition};"


def drop_column(table: Table, name: str) -> str:
    return f"ALTER TABLE {table_name(table)} DROP COLUMN IF EXISTS {quote_ident(name)};"


def _alter_column(table: Table, name: str, action: str) -> str:
    return f"ALTER TABLE {table_name(table)} ALTER COLUMN {quote_ident(name)} {action};"


_LITERAL_CAST = re.compile(r"(?P<literal>'(?:[^']|'')*')::(?P<type>[a-z][a-z ]*)")


def plain_default(default: str, type_: str) -> str:
    """A default as a person writes it: `'x'` for `'x'::character varying` on a varchar
    column. PostgreSQL casts a bare literal to the column's type, so both store the same
    expression; casts to another type are kept."""
    match = _LITERAL_CAST.fullmatch(default)
    if match and match["type"] == _type_family(type_):
        return match["literal"]
    return default


def _type_family(type_: str) -> str:
    """`character varying(10)` -> `character varying`: a change within one family needs no USING."""
    return " ".join(re.sub(r"\([^)]*\)", " ", type_).split())


def alter_column_type(table: Table, name: str, type_: str, old_type: str | None = None) -> str:
    """ALTER COLUMN ... TYPE; with `USING c::type` when the type's family changes (PostgreSQL
    has no implicit cast from, say, text to integer, but an explicit one converts the rows)."""
    action = f"TYPE {type_}"
    if old_type is None or _type_family(old_type) != _type_family(type_):
        action += f" USING {quote_ident(name)}::{type_}"
    return _alter_column(table, name, action)


def alter_column_nullable(table: Table, name: str, nullable: bool) -> str:
    return _alter_column(table, name, "DROP NOT NULL" if nullable else "SET NOT NULL")


def alter_column_default(table: Table, name: str, default: str | None) -> str:
    return _alter_column(table, name, "DROP DEFAULT" if default is None else f"SET DEFAULT {reparseable(default)}")


def set_table_comment(table: Table, comment: str | None) -> str:
    return f"COMMENT ON TABLE {table_name(table)} IS {_comment_value(comment)};"


def set_column_comment(table: Table, name: str, comment: str | None) -> str:
    return f"COMMENT ON COLUMN {table_name(table)}.{quote_ident(name)} IS {_comment_value(comment)};"


def rename_table(table: Table, new_name: str) -> str:
    """ALTER TABLE old RENAME TO new, when `old` exists and `new` does not. (`ALTER TABLE IF
    EXISTS old` alone is not enough in a cumulative script: its `CREATE TABLE IF NOT EXISTS old`
    creates `old` again on the next run, and the rename then fails on the existing `new`.)"""
    old, new = quote_literal(table_name(table)), quote_literal(qualified(new_name, table.schema))
    return (
        "DO $$\nBEGIN\n"
        f"    IF to_regclass({old}) IS NOT NULL AND to_regclass({new}) IS NULL THEN\n"
        f"        ALTER TABLE {table_name(table)} RENAME TO {quote_ident(new_name)};\n"
        "    END IF;\nEND $$;"
    )


def drop_table(table: Table) -> str:
    return f"DROP TABLE IF EXISTS {table_name(table)};"


def drop_index(table: Table, index: Index) -> str:
    """DROP INDEX IF EXISTS (an index lives in its table's schema)."""
    return f"DROP INDEX IF EXISTS {qualified(index.name, table.schema)};"


def drop_constraint(table: Table, name: str) -> str:
    return f"ALTER TABLE {table_name(table)} DROP CONSTRAINT IF EXISTS {quote_ident(name)};"


def drop_unique(table: Table, constraint: Constraint) -> str:
    """A conditional UNIQUE is an index in PostgreSQL (`is_partial_unique`): drop that."""
    if is_partial_unique(constraint):
        return drop_index(table, Index(constraint.name, constraint.columns, unique=True))
    return drop_constraint(table, constraint.name)


def table_statements(table: Table, *, idempotent: bool = False) -> list[str]:
    """One table as `export` prints it, but together: CREATE TABLE, then its constraints and
    indexes (by name), foreign keys and comments; unresolved parts as `-- unknown:` notes."""
    out = [create_table(table, idempotent=idempotent)]
    if table.unknown:
        out.append(unknown_note(f"table {table.name}", table.unknown))
    for constraint in sorted(table.constraints, key=lambda c: c.name):
        if constraint.unknown or missing_columns(table, constraint.columns):
            what = f"constraint {constraint.name} of {table.name}"
            out.append(unknown_note(what, constraint.unknown or ("columns",)))
        else:
            out.append(add_constraint(table, constraint, idempotent=idempotent))
    for index in sorted(table.indexes, key=lambda i: i.name):
        if index.unknown or missing_columns(table, index.columns + index.include):
            out.append(unknown_note(f"index {index.name} of {table.name}", index.unknown or ("columns",)))
        else:
            out.append(create_index(table, index, idempotent=idempotent))
    for fk in sorted(table.foreign_keys, key=lambda f: (f.name or "", f.columns)):
        if fk.unknown or missing_columns(table, fk.columns):
            what = f"foreign key {fk.name or ', '.join(fk.columns)} of {table.name}"
            out.append(unknown_note(what, fk.unknown or ("columns",)))
        else:
            out.append(add_foreign_key(table, fk, idempotent=idempotent))
    if table.comment is not None and table.known("comment"):
        out.append(comment_on_table(table))
    out += [comment_on_column(table, c) for c in table.columns if c.comment is not None and c.known("comment")]
    return out


def create_schema(name: str, *, idempotent: bool = False) -> str:
    return f"CREATE SCHEMA {'IF NOT EXISTS ' if idempotent else ''}{quote_ident(name)};"


def create_enum(name: str, labels: tuple[str, ...], schema: str | None = None, *, idempotent: bool = False) -> str:
    statement = f"CREATE TYPE {qualified(name, schema)} AS ENUM ({', '.join(quote_literal(v) for v in labels)});"
    return guard_type(name, schema, statement) if idempotent else statement


def guard_type(name: str, schema: str | None, statement: str) -> str:
    """CREATE TYPE has no IF NOT EXISTS: look in pg_type first."""
    namespace = f" AND typnamespace = {quote_literal(quote_ident(schema))}::regnamespace" if schema else ""
    return (
        "DO $$\nBEGIN\n"
        f"    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = {quote_literal(name)}{namespace}) THEN\n"
        f"        {statement}\n"
        "    END IF;\nEND $$;"
    )


__all__ = [
    "add_column",
    "add_constraint",
    "add_foreign_key",
    "alter_column_default",
    "alter_column_nullable",
    "alter_column_type",
    "drop_column",
    "drop_constraint",
    "drop_index",
    "drop_table",
    "drop_unique",
    "guard_constraint",
    "guard_type",
    "plain_default",
    "rename_table",
    "set_column_comment",
    "set_table_comment",
    "table_statements",
    "column_definition",
    "comment_on_column",
    "comment_on_table",
    "create_enum",
    "create_index",
    "create_schema",
    "create_table",
    "is_partial_unique",
    "qualified",
    "reparseable",
    "quote_literal",
    "sequences_used",
    "serial_type",
    "missing_columns",
    "table_name",
    "unknown_note",
]

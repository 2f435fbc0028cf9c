"""The catalog of a live PostgreSQL as a `Schema`, in a handful of batched queries.

One query per kind of object (tables, columns, constraints, indexes, enums) for all the
schemas read at once, never one per table: a 5,000-table database is read in about a second.
Everything is spelled by PostgreSQL itself, as the readers aim to spell it
(`schemalint.model`): types by `format_type()`, defaults and predicates by `pg_get_expr()`,
expression index parts by `pg_get_indexdef()`. An index that backs a PRIMARY KEY, UNIQUE or
EXCLUDE constraint is that constraint, never an index again.

The database's names are real, but nobody may have written them: a name spelled the way
PostgreSQL or Django chooses one (`stocks_pkey`, `stocks_symbol_key`,
`stocks_symbol_e83edf1e_like`) is `implicit`, so that rules compare such objects by content.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from schemalint.model import Column, Constraint, EnumType, ForeignKey, Index, Location, PrimaryKey, Table
from schemalint.read.database.listing import Lines, table_order

ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
IDENTITY = {"a": "always", "d": "by default"}
CONSTRAINT_KINDS = {"u": "unique", "c": "check", "x": "exclude"}

TABLES_SQL = """
SELECT c.oid, n.nspname, c.relname, d.description
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY n.nspname, c.relname
"""

COLUMNS_SQL = """
SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
       NOT a.attnotnull AS nullable, a.attidentity, a.attgenerated,
       pg_get_expr(ad.adbin, ad.adrelid) AS expr, d.description
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

CONSTRAINTS_SQL = """
SELECT con.conrelid, con.conname, con.contype, con.conkey, con.confkey, con.confdeltype, con.confupdtype,
       con.condeferrable, con.condeferred, ref.relname AS ref_table, refn.nspname AS ref_schema,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.position) AS ref_columns,
       CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid, true)
            WHEN con.contype = 'x' THEN pg_get_constraintdef(con.oid, true) END AS expression,
       {nulls_not_distinct} AS nulls_not_distinct
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class ref ON ref.oid = con.confrelid
LEFT JOIN pg_namespace refn ON refn.oid = ref.relnamespace
LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid AND con.contype IN ('u', 'p')
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND con.contype IN ('p', 'u', 'f', 'c', 'x')
ORDER BY con.conrelid, con.conname
"""

INDEXES_SQL = """
SELECT ix.indrelid, i.relname AS name, ix.indisunique, ix.indnkeyatts,
       ix.indkey::int2[] AS indkey, ix.indoption::int2[] AS indoption, am.amname AS using,
       pg_get_expr(ix.indpred, ix.indrelid, true) AS predicate,
       CASE WHEN 0 = ANY(ix.indkey::int2[]) THEN
            ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, true) FROM generate_series(1, ix.indnkeyatts) AS k ORDER BY k)
       END AS parts,
       ix.indclass::oid[] AS opclasses
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class c ON c.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = i.relam
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY ix.indrelid, i.relname
"""

ENUMS_SQL = """
SELECT n.nspname, t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname = ANY(%(schemas)s)
GROUP BY n.nspname, t.typname
ORDER BY n.nspname, t.typname
"""

# Operator classes that are not their type's default, by oid (an index part names them).
OPCLASSES_SQL = "SELECT oid, opcname FROM pg_opclass WHERE NOT opcdefault"
MIGRATIONS_SQL = "SELECT app, name FROM {table} ORDER BY app, name"
MIGRATIONS_TABLE_SQL = """
SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = 'django_migrations' AND c.relkind IN ('r', 'p', 'v') AND n.nspname = ANY(%(schemas)s)
ORDER BY array_position(%(schemas)s, n.nspname::text) LIMIT 1
"""

# PostgreSQL's default names end in these labels (ChooseConstraintName / ChooseIndexName),
# possibly numbered when the name was taken.
_PG_DEFAULT = re.compile(r"_(pkey|key|fkey|idx|check|excl)\d*$")
# Django: <table>_<columns>_<8 hex digits>[_like|_uniq|_pk|_check|_fk_<table>_<col>].
_DJANGO_HASHED = re.compile(r"_[0-9a-f]{8}(_like|_uniq|_pk|_check|_fk_\w+)?$")


def implicit_name(name: str | None, table: str) -> bool:
    """Whether `name` is spelled the way PostgreSQL, Django or SQLAlchemy (`ix_<table>_...`)
    choose names: nobody wrote it, so rules pair the object by what it covers."""
    if not name:
        return True
    if _DJANGO_HASHED.search(name) or name.startswith(f"ix_{table}_"):
        return True
    return bool(_PG_DEFAULT.search(name)) and name.startswith(table[:10])


def read_catalog(
    conn: Any, schemas: tuple[str, ...], default_schema: str
) -> tuple[list[Table], list[EnumType], dict[str, str]]:
    """Tables (located in the `<database>` listing), enums and properties (`server_version`,
    `django_migrations`) of `schemas`."""
    params = {"schemas": list(schemas)}
    version = int(_rows(conn, "SHOW server_version_num")[0][0])
    nulls = "ix.indnullsnotdistinct" if version >= 150000 else "false"
    tables = _rows(conn, TABLES_SQL, params)
    grouped: dict[str, dict[int, list]] = {kind: defaultdict(list) for kind in ("columns", "constraints", "indexes")}
    queries = {
        "columns": COLUMNS_SQL,
        "constraints": CONSTRAINTS_SQL.format(nulls_not_distinct=nulls),
        "indexes": INDEXES_SQL,
    }
    for kind, sql in queries.items():
        for row in _rows(conn, sql, params):
            grouped[kind][row[0]].append(row)
    opclasses = dict(_rows(conn, OPCLASSES_SQL))
    enums = _rows(conn, ENUMS_SQL, params)
    properties = {"server_version": _rows(conn, "SHOW server_version")[0][0]}
    found = _rows(conn, MIGRATIONS_TABLE_SQL, params)
    if found:
        table = _quote(found[0][0]) + ".django_migrations"
        applied = _rows(conn, MIGRATIONS_SQL.format(table=table))
        properties["django_migrations"] = "\n".join(f"{app}.{name}" for app, name in applied)

    lines = Lines()
    built = []
    for oid, nspname, name, comment in sorted(
        tables, key=lambda r: table_order(None if r[1] == default_schema else r[1], r[2])
    ):
        schema = None if nspname == default_schema else nspname
        built.append(
            _table(
                lines,
                name,
                schema,
                comment,
                default_schema,
                grouped["columns"][oid],
                grouped["constraints"][oid],
                grouped["indexes"][oid],
                opclasses,
            )
        )
    enum_types = [EnumType(name, tuple(labels), None if nsp == default_schema else nsp) for nsp, name, labels in enums]
    return built, enum_types, properties


def _rows(conn: Any, sql: str, params: dict | None = None) -> list[tuple]:
    return conn.execute(sql, params).fetchall()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table(
    lines: Lines,
    name: str,
    schema: str | None,
    comment: str | None,
    default_schema: str,
    columns: list[tuple],
    constraints: list[tuple],
    indexes: list[tuple],
    opclasses: dict[int, str],
) -> Table:
    """One table, its objects built in the order of the listing (see `listing.render`)."""
    attnames = {c[1]: c[2] for c in columns}

    def names(attnums: list[int] | None) -> tuple[str, ...]:
        return tuple(attnames[n] for n in attnums or ())

    location = lines.take()
    built_columns = tuple(_column(c, lines.take(2)) for c in columns)
    primary_key = None
    for row in constraints:
        if row[2] == "p":
            primary_key = PrimaryKey(names(row[3]), row[1], implicit_name(row[1], name), lines.take(2))
    foreign_keys = tuple(
        ForeignKey(
            names(conkey),
            ref_table,
            tuple(ref_columns),
            on_delete=ACTIONS[ondelete],
            on_update=ACTIONS[onupdate],
            deferrable=deferrable,
            initially_deferred=deferred,
            name=conname,
            implicit=implicit_name(conname, name),
            ref_schema=None if ref_schema == default_schema else ref_schema,
            location=lines.take(2),
        )
        for (
            _,
            conname,
            contype,
            conkey,
            _k,
            ondelete,
            onupdate,
            deferrable,
            deferred,
            ref_table,
            ref_schema,
            ref_columns,
            _e,
            _n,
        ) in constraints
        if contype == "f"
    )
    others = tuple(
        Constraint(
            conname,
            CONSTRAINT_KINDS[contype],
            names(conkey) if contype != "x" else (),
            expression,
            nulls_distinct=None if contype != "u" else not nulls_not_distinct,
            deferrable=deferrable,
            implicit=implicit_name(conname, name),
            location=lines.take(2),
        )
        for (
            _,
            conname,
            contype,
            conkey,
            _k,
            _d,
            _u,
            deferrable,
            _i,
            _t,
            _s,
            _c,
            expression,
            nulls_not_distinct,
        ) in constraints
        if contype in CONSTRAINT_KINDS
    )
    built_indexes = tuple(_index(ix, name, attnames, opclasses, lines.take(2)) for ix in indexes)
    lines.blank()
    return Table(
        name=name,
        schema=schema,
        columns=built_columns,
        primary_key=primary_key,
        foreign_keys=foreign_keys,
        indexes=built_indexes,
        constraints=others,
        comment=comment,
        location=location,
    )


def _column(row: tuple, location: Location) -> Column:
    _, _, name, type_, nullable, identity, generated, expr, comment = row
    stored = expr if generated == "s" else None
    return Column(
        name=name,
        type=type_,
        nullable=nullable,
        default=None if stored is not None else expr,
        identity=IDENTITY.get(identity),
        generated=stored,
        comment=comment,
        location=location,
    )


def _index(row: tuple, table: str, attnames: dict[int, str], opclasses: dict[int, str], location: Location) -> Index:
    _, name, unique, nkey, indkey, indoption, using, predicate, parts, classes = row
    keys, included = indkey[:nkey], indkey[nkey:]
    columns = tuple(attnames[attnum] if attnum else parts[position] for position, attnum in enumerate(keys))
    orders = tuple("DESC" if option & 1 else "" for option in (indoption or [])[:nkey])
    named = tuple(opclasses.get(oid, "") for oid in classes[:nkey])
    return Index(
        name=name,
        columns=columns,
        unique=unique,
        where=predicate,
        using=using,
        orders=orders if any(orders) else (),
        opclasses=named if any(named) else (),
        include=tuple(attnames[a] for a in included),
        implicit=implicit_name(name, table),
        origin="like" if name.endswith("_like") and any(c.endswith("_pattern_ops") for c in named) else "index",
        location=location,
    )

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

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from schemalint.model import Column, Constraint, EnumType, ForeignKey, Index, Location, PrimaryKey, Table
from schemalint.read.database.listing import LABEL, table_order

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

# A default cannot refer to a column, so `pg_get_expr` needs no relation to print it: given
# one, it opens the relation, and building the server's cache entry of 5,000 tables on a
# fresh connection cost more than printing every default (~0.2 s). A generation expression
# refers to columns: it gets its relation. Types come as (oid, typmod), printed once per
# distinct pair by TYPES_SQL (`format_type` depends on nothing else).
COLUMNS_SQL = """
SELECT a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod,
       NOT a.attnotnull AS nullable, a.attidentity, a.attgenerated,
       pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END) AS expr, d.description
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

TYPES_SQL = "SELECT t, m, format_type(t, m) FROM unnest(%(types)s::oid[], %(typmods)s::int4[]) AS u(t, m)"

# The referenced columns are named here only when the referenced table is not read (another
# schema); otherwise the columns already read name them.
CONSTRAINTS_SQL = """
SELECT con.conrelid, con.conname, con.contype, con.conkey, con.confrelid, con.confdeltype, con.confupdtype,
       con.condeferrable, con.condeferred, ref.relname AS ref_table, refn.nspname AS ref_schema,
       CASE WHEN con.contype = 'f'
             AND NOT (refn.nspname = ANY(%(schemas)s) AND ref.relkind IN ('r', 'p') AND NOT ref.relispartition) THEN
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                  ORDER BY k.position)
       END AS ref_columns,
       con.confkey,
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

VERSION_SQL = "SELECT current_setting('server_version_num')::int, current_setting('server_version')"
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
    if name.startswith(table[:10]) and _PG_DEFAULT.search(name):
        return True
    return name.startswith(f"ix_{table}_") or _DJANGO_HASHED.search(name) is not None


@contextmanager
def _collections_paused() -> Iterator[None]:
    """No cyclic garbage collection while the catalog is read: its ~200,000 rows and model
    objects hold no cycles, yet their allocation triggered collections that walked them
    again and again (0.3 s of 0.8 s building 5,000 tables)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_catalog(
    conn: Any, schemas: tuple[str, ...], default_schema: str
) -> tuple[list[Table], list[EnumType], dict[str, str]]:
    """Tables (located in the `<database>` listing), enums and properties (`server_version`,
    `django_migrations`) of `schemas`."""
    with _collections_paused():
        return _read_catalog(conn, schemas, default_schema)


def _read_catalog(
    conn: Any, schemas: tuple[str, ...], default_schema: str
) -> tuple[list[Table], list[EnumType], dict[str, str]]:
    params = {"schemas": list(schemas)}
    version_num, version = _rows(conn, VERSION_SQL)[0]
    tables = _rows(conn, TABLES_SQL, params)
    column_rows = _rows(conn, COLUMNS_SQL, params)
    pairs = list({(row[3], row[4]) for row in column_rows})
    types = {
        (oid, typmod): text
        for oid, typmod, text in _rows(
            conn, TYPES_SQL, {"types": [p[0] for p in pairs], "typmods": [p[1] for p in pairs]}
        )
    }
    nulls = "ix.indnullsnotdistinct" if version_num >= 150000 else "false"
    columns = _by_table(column_rows)
    constraints = _by_table(_rows(conn, CONSTRAINTS_SQL.format(nulls_not_distinct=nulls), params))
    indexes = _by_table(_rows(conn, INDEXES_SQL, params))
    opclasses = dict(_rows(conn, OPCLASSES_SQL))
    enums = _rows(conn, ENUMS_SQL, params)
    properties = {"server_version": version}
    found = _rows(conn, MIGRATIONS_TABLE_SQL, params)
    if found:
        table = _quote(found[0][0]) + ".django_migrations"
        applied = _rows(conn, MIGRATIONS_SQL.format(table=table))
        properties["django_migrations"] = "\n".join(f"{app}.{name}" for app, name in applied)

    attnames = {oid: {row[1]: row[2] for row in rows} for oid, rows in columns.items()}
    reader = _Builder(default_schema, types, attnames, opclasses)
    built = [
        reader.table(
            name,
            None if nspname == default_schema else nspname,
            comment,
            columns.get(oid, ()),
            constraints.get(oid, ()),
            indexes.get(oid, ()),
            attnames.get(oid, {}),
        )
        for oid, nspname, name, comment in sorted(
            tables, key=lambda r: table_order(None if r[1] == default_schema else r[1], r[2])
        )
    ]
    enum_types = [EnumType(name, tuple(labels), None if nsp == default_schema else nsp) for nsp, name, labels in enums]
    return built, enum_types, properties


def _rows(conn: Any, sql: str, params: dict | None = None) -> list[tuple]:
    return conn.execute(sql, params).fetchall()


def _by_table(rows: list[tuple]) -> dict[int, list[tuple]]:
    """Rows by their first field, the table's oid (each list in the rows' order)."""
    grouped: dict[int, list[tuple]] = {}
    for row in rows:
        found = grouped.get(row[0])
        if found is None:
            grouped[row[0]] = [row]
        else:
            found.append(row)
    return grouped


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Builder:
    """Builds the tables in the order of the listing (see `listing.render`), numbering the
    line of each object as it goes: the table, its columns, primary key, foreign keys,
    constraints, indexes, then a blank line."""

    def __init__(
        self,
        default_schema: str,
        types: dict[tuple[int, int], str],
        attnames: dict[int, dict[int, str]],
        opclasses: dict[int, str],
    ) -> None:
        self.default_schema = default_schema
        self.types = types
        self.attnames = attnames
        self.opclasses = opclasses
        self.line = 0

    def table(
        self,
        name: str,
        schema: str | None,
        comment: str | None,
        columns: list[tuple] | tuple,
        constraints: list[tuple] | tuple,
        indexes: list[tuple] | tuple,
        attnames: dict[int, str],
    ) -> Table:
        line = self.line + 1
        location = Location(LABEL, line, 1)
        types = self.types
        built_columns = tuple(
            [
                Column(
                    attname,
                    types[typid, typmod],
                    nullable,
                    expr if generated != "s" else None,
                    IDENTITY.get(identity),
                    expr if generated == "s" else None,
                    column_comment,
                    Location(LABEL, line + i, 3),
                )
                for i, (_, _, attname, typid, typmod, nullable, identity, generated, expr, column_comment) in enumerate(
                    columns, 1
                )
            ]
        )
        line += len(built_columns)
        primary = None
        foreign: list[ForeignKey] = []
        others: list[Constraint] = []
        references = [row for row in constraints if row[2] == "f"]
        for row in constraints:
            if row[2] == "p":
                line += 1
                primary = PrimaryKey(
                    tuple([attnames[n] for n in row[3]]), row[1], implicit_name(row[1], name), Location(LABEL, line, 3)
                )
        for (
            _,
            conname,
            _t,
            conkey,
            confrelid,
            ondelete,
            onupdate,
            deferrable,
            deferred,
            ref_table,
            ref_schema,
            ref_columns,
            confkey,
            _e,
            _n,
        ) in references:
            line += 1
            if ref_columns is None:
                referenced = self.attnames[confrelid]
                ref_columns = [referenced[n] for n in confkey]
            foreign.append(
                ForeignKey(
                    tuple([attnames[n] for n in conkey]),
                    ref_table,
                    tuple(ref_columns),
                    on_delete=ACTIONS[ondelete],
                    on_update=ACTIONS[onupdate],
                    deferrable=deferrable,
                    initially_deferred=deferred,
                    name=conname,
                    implicit=implicit_name(conname, name),
                    ref_schema=None if ref_schema == self.default_schema else ref_schema,
                    location=Location(LABEL, line, 3),
                )
            )
        for _, conname, contype, conkey, _r, _d, _u, deferrable, _i, _t, _s, _c, _k, expression, nnd in constraints:
            kind = CONSTRAINT_KINDS.get(contype)
            if kind is None:
                continue
            line += 1
            others.append(
                Constraint(
                    conname,
                    kind,
                    tuple([attnames[n] for n in conkey]) if conkey and contype != "x" else (),
                    expression,
                    nulls_distinct=None if contype != "u" else not nnd,
                    deferrable=deferrable,
                    implicit=implicit_name(conname, name),
                    location=Location(LABEL, line, 3),
                )
            )
        built_indexes = []
        for row in indexes:
            line += 1
            built_indexes.append(self.index(row, name, attnames, Location(LABEL, line, 3)))
        self.line = line + 1  # the blank line after the table
        return Table(
            name=name,
            schema=schema,
            columns=built_columns,
            primary_key=primary,
            foreign_keys=tuple(foreign),
            indexes=tuple(built_indexes),
            constraints=tuple(others),
            comment=comment,
            location=location,
        )

    def index(self, row: tuple, table: str, attnames: dict[int, str], location: Location) -> Index:
        _, name, unique, nkey, indkey, indoption, using, predicate, parts, classes = row
        keys = indkey[:nkey]
        columns = tuple([attnames[attnum] if attnum else parts[position] for position, attnum in enumerate(keys)])
        orders = tuple(["DESC" if option & 1 else "" for option in (indoption or [])[:nkey]])
        opclasses = self.opclasses
        named = tuple([opclasses.get(oid, "") for oid in classes[:nkey]])
        return Index(
            name=name,
            columns=columns,
            unique=unique,
            where=predicate,
            using=using,
            orders=orders if any(orders) else (),
            opclasses=named if any(named) else (),
            include=tuple([attnames[a] for a in indkey[nkey:]]),
            implicit=implicit_name(name, table),
            origin="like" if name.endswith("_like") and any(c.endswith("_pattern_ops") for c in named) else "index",
            location=location,
        )

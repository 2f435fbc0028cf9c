"""The catalog of a live PostgreSQL as a `Schema`, in a handful of batched queries.

One query per kind of object (tables, columns, constraints, indexes, enums) for all the
schemas read at once, never one per table. Where the time of a 5,000-table database went
(tests/bench/bench_database.py): the server printing expressions (a printed default or check
opens its relation: building the server's cache of 5,000 relations on a fresh connection is
most of the constraints query) and Python building ~200,000 frozen model objects. So defaults
are printed without their relation, types once per (oid, typmod), and each kind of object is
built while the server already runs the next query (`_Build`), with no garbage collection.
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
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter
from typing import Any

from schemalint.model import Column, Constraint, EnumType, ForeignKey, Index, Location, PrimaryKey, Table
from schemalint.read.database.listing import LABEL, table_order

ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
IDENTITY = {"a": "always", "d": "by default"}
CONSTRAINT_KINDS = {"u": "unique", "c": "check", "x": "exclude"}

# `objects`: how many lines the table's objects take in the listing (columns, constraints, and
# the indexes that back none: a PRIMARY KEY, UNIQUE or EXCLUDE constraint has one index of its
# own table), so that each kind of object can be built, and numbered, as soon as its rows arrive.
TABLES_SQL = """
SELECT c.oid, n.nspname, c.relname, d.description,
       (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
       + (SELECT count(*) FROM pg_constraint con WHERE con.conrelid = c.oid AND con.contype IN ('f', 'c'))
       + (SELECT count(*) FROM pg_index ix WHERE ix.indrelid = c.oid) AS objects
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
    nulls = "ix.indnullsnotdistinct" if version_num >= 150000 else "false"
    tables = sorted(
        _rows(conn, TABLES_SQL, params), key=lambda r: table_order(None if r[1] == default_schema else r[1], r[2])
    )
    column_rows = _rows(conn, COLUMNS_SQL, params)
    pairs = list({(row[3], row[4]) for row in column_rows})
    types_sql = {"types": [p[0] for p in pairs], "typmods": [p[1] for p in pairs]}
    types = {(oid, typmod): text for oid, typmod, text in _rows(conn, TYPES_SQL, types_sql)}

    build = _Build(tables, {row[0]: row[4] for row in tables}, default_schema, types)
    # The server reads the rest of the catalog (the constraints query alone takes as long as
    # building every column) while this thread builds: the connection is the worker's until
    # the pool is shut down.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="schemalint-catalog") as pool:
        constraint_rows = pool.submit(_rows, conn, CONSTRAINTS_SQL.format(nulls_not_distinct=nulls), params)
        opclass_rows = pool.submit(_rows, conn, OPCLASSES_SQL)
        index_rows = pool.submit(_rows, conn, INDEXES_SQL, params)
        enum_rows = pool.submit(_rows, conn, ENUMS_SQL, params)
        migration_rows = pool.submit(_migrations, conn, params)
        build.columns(column_rows)
        build.constraints(constraint_rows.result())
        opclasses = dict(opclass_rows.result())
        build.indexes(index_rows.result(), opclasses)
        enums, applied = enum_rows.result(), migration_rows.result()
    if not build.numbered():
        # The counts of TABLES_SQL disagree with the rows (they cannot, in one snapshot): number
        # the objects by the rows themselves.
        build = _Build(tables, build.objects, default_schema, types)
        build.columns(column_rows)
        build.constraints(constraint_rows.result())
        build.indexes(index_rows.result(), opclasses)
    properties = {"server_version": version}
    if applied is not None:
        properties["django_migrations"] = "\n".join(f"{app}.{name}" for app, name in applied)
    enum_types = [EnumType(name, tuple(labels), None if nsp == default_schema else nsp) for nsp, name, labels in enums]
    return build.tables(), enum_types, properties


def _rows(conn: Any, sql: str, params: dict | None = None) -> list[tuple]:
    return conn.execute(sql, params).fetchall()


def _migrations(conn: Any, params: dict) -> list[tuple] | None:
    """The rows of the first `django_migrations` table on the schemas' path, if there is one."""
    found = _rows(conn, MIGRATIONS_TABLE_SQL, params)
    if not found:
        return None
    return _rows(conn, MIGRATIONS_SQL.format(table=_quote(found[0][0]) + ".django_migrations"))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Build:
    """The objects of every table, built a kind at a time as the rows of each query arrive, and
    numbered in the order of the listing (see `listing.render`): the table, its columns,
    primary key, foreign keys, constraints, indexes, then a blank line. `objects` says, per
    table oid, how many lines its objects take: where each table begins follows from it."""

    def __init__(
        self, tables: list[tuple], objects: dict[int, int], default_schema: str, types: dict[tuple[int, int], str]
    ) -> None:
        self.rows = tables
        self.default_schema = default_schema
        self.types = types
        self.start: dict[int, int] = {}
        line = 1
        for row in tables:
            self.start[row[0]] = line
            line += objects.get(row[0], 0) + 2
        self.expected = objects
        self.next_line = {oid: line + 1 for oid, line in self.start.items()}
        self.attnames: dict[int, dict[int, str]] = {}
        self.columns_of: dict[int, tuple[Column, ...]] = {}
        self.keys_of: dict[int, tuple[PrimaryKey | None, tuple[ForeignKey, ...], tuple[Constraint, ...]]] = {}
        self.indexes_of: dict[int, tuple[Index, ...]] = {}
        self.names = {row[0]: row[2] for row in tables}

    @property
    def objects(self) -> dict[int, int]:
        """How many lines each table's objects took."""
        return {oid: line - self.start[oid] - 1 for oid, line in self.next_line.items()}

    def numbered(self) -> bool:
        """Whether every table's objects took the lines its count said."""
        return all(self.expected.get(oid) == taken for oid, taken in self.objects.items())

    def columns(self, rows: list[tuple]) -> None:
        types = self.types
        for oid, found in groupby(rows, itemgetter(0)):
            line = self.next_line.get(oid)
            if line is None:
                continue
            group = list(found)
            self.columns_of[oid] = tuple(
                [
                    Column(
                        attname,
                        types[typid, typmod],
                        nullable,
                        expr if generated != "s" else None,
                        IDENTITY.get(identity),
                        expr if generated == "s" else None,
                        comment,
                        Location(LABEL, line + i, 3),
                    )
                    for i, (_, _, attname, typid, typmod, nullable, identity, generated, expr, comment) in enumerate(
                        group
                    )
                ]
            )
            self.attnames[oid] = {row[1]: row[2] for row in group}
            self.next_line[oid] = line + len(group)

    def constraints(self, rows: list[tuple]) -> None:
        for oid, found in groupby(rows, itemgetter(0)):
            line = self.next_line.get(oid)
            if line is None:
                continue
            group = list(found)
            table = self.names[oid]
            attnames = self.attnames.get(oid, {})
            primary = None
            for row in group:
                if row[2] == "p":
                    primary = PrimaryKey(
                        tuple([attnames[n] for n in row[3]]),
                        row[1],
                        implicit_name(row[1], table),
                        Location(LABEL, line, 3),
                    )
                    line += 1
            foreign = []
            for (
                _,
                name,
                kind,
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
                _,
                _,
            ) in group:
                if kind != "f":
                    continue
                if ref_columns is None:  # a table read: its columns name them
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
                        name=name,
                        implicit=implicit_name(name, table),
                        ref_schema=None if ref_schema == self.default_schema else ref_schema,
                        location=Location(LABEL, line, 3),
                    )
                )
                line += 1
            others = []
            for _, name, kind, conkey, _, _, _, deferrable, _, _, _, _, _, expression, nulls_not_distinct in group:
                label = CONSTRAINT_KINDS.get(kind)
                if label is None:
                    continue
                others.append(
                    Constraint(
                        name,
                        label,
                        tuple([attnames[n] for n in conkey]) if conkey and kind != "x" else (),
                        expression,
                        None if kind != "u" else not nulls_not_distinct,
                        deferrable,
                        implicit_name(name, table),
                        Location(LABEL, line, 3),
                    )
                )
                line += 1
            self.keys_of[oid] = (primary, tuple(foreign), tuple(others))
            self.next_line[oid] = line

    def indexes(self, rows: list[tuple], opclasses: dict[int, str]) -> None:
        for oid, found in groupby(rows, itemgetter(0)):
            line = self.next_line.get(oid)
            if line is None:
                continue
            table = self.names[oid]
            attnames = self.attnames.get(oid, {})
            built = []
            for _, name, unique, nkey, indkey, indoption, using, predicate, parts, classes in found:
                keys = indkey[:nkey]
                columns = tuple(
                    [attnames[attnum] if attnum else parts[position] for position, attnum in enumerate(keys)]
                )
                descending = indoption is not None and any(option & 1 for option in indoption[:nkey])
                named = tuple([opclasses.get(c, "") for c in classes[:nkey]])
                if not any(named):
                    named = ()
                built.append(
                    Index(
                        name,
                        columns,
                        unique,
                        predicate,
                        using,
                        tuple(["DESC" if option & 1 else "" for option in indoption[:nkey]]) if descending else (),
                        named,
                        tuple([attnames[attnum] for attnum in indkey[nkey:]]),
                        implicit_name(name, table),
                        "like"
                        if name.endswith("_like") and any(c.endswith("_pattern_ops") for c in named)
                        else "index",
                        Location(LABEL, line, 3),
                    )
                )
                line += 1
            self.indexes_of[oid] = tuple(built)
            self.next_line[oid] = line

    def tables(self) -> list[Table]:
        no_keys: tuple[PrimaryKey | None, tuple[ForeignKey, ...], tuple[Constraint, ...]] = (None, (), ())
        built = []
        for oid, nspname, name, comment, _ in self.rows:
            primary, foreign, others = self.keys_of.get(oid, no_keys)
            built.append(
                Table(
                    name=name,
                    schema=None if nspname == self.default_schema else nspname,
                    columns=self.columns_of.get(oid, ()),
                    primary_key=primary,
                    foreign_keys=foreign,
                    indexes=self.indexes_of.get(oid, ()),
                    constraints=others,
                    comment=comment,
                    location=Location(LABEL, self.start[oid], 1),
                )
            )
        return built

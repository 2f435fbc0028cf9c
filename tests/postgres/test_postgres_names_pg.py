"""schemalint.postgres.names and .keywords against PostgreSQL 15 itself: the names it gives
unnamed constraints and indexes (multibyte names, truncation, the `...1` suffix) and the
keyword table behind quote_ident()."""

from __future__ import annotations

import pytest

from schemalint.postgres.keywords import KEYWORDS, quote_ident
from schemalint.postgres.names import (
    NameSpace,
    byte_length,
    choose_constraint_name,
    join_column_names,
    make_object_name,
    truncate_identifier,
)

pytestmark = pytest.mark.postgres

# (table, [(column, "unique" | "check" | None)]): inline constraints PostgreSQL names itself.
TABLES = [
    ("stocks", [("symbol", "unique"), ("qty", "check")]),
    ("é" * 40, [("ü" * 30, "unique"), ("ü" * 30 + "x", "check")]),
    ("t" * 70, [("c", "unique")]),
    (
        "日本語のテーブル" * 3,
        [("列" * 20 + "一", "unique"), ("列" * 20 + "二", "unique"), ("列" * 19 + "三", "unique")],
    ),
    (
        "mixed_é_" + "a" * 50,
        [("b" * 60 + "1", "unique"), ("b" * 60 + "2", "unique"), ("b" * 60 + "3", "check"), ("b" * 60 + "4", "check")],
    ),
    ("emoji_🙂" * 8, [("🙂" * 15, "unique"), ("🙂" * 15 + "x", "unique")]),
    ("orders", [("interval", "check"), ("user", "unique")]),
]


def _create(name: str, columns: list[tuple[str, str | None]]) -> str:
    parts = ["id integer PRIMARY KEY"]
    for column, kind in columns:
        suffix = {"unique": " UNIQUE", "check": f" CHECK ({quote_ident(truncate_identifier(column))} > 0)"}.get(
            kind or "", ""
        )
        parts.append(f"{quote_ident(column)} integer{suffix}")
    return f"CREATE TABLE {quote_ident(name)} ({', '.join(parts)})"


def _expected(name: str, columns: list[tuple[str, str | None]]) -> set[str]:
    table = truncate_identifier(name)
    names = NameSpace()
    result = {names.relation(table, None, "pkey", constraint=True)}
    for column, kind in columns:
        column = truncate_identifier(column)
        if kind == "check":
            result.add(names.constraint(table, column, "check"))
        elif kind == "unique":
            result.add(names.relation(table, join_column_names([column]), "key", constraint=True))
    return result


@pytest.fixture(scope="module")
def conn(pg):
    import psycopg

    with psycopg.connect(pg.create_database("postgres_names"), autocommit=True) as connection:
        yield connection


@pytest.mark.parametrize("name, columns", TABLES, ids=[t[0][:20] for t in TABLES])
def test_implicit_constraint_names_are_postgresqls(conn, name, columns):
    conn.execute(_create(name, columns))
    rows = conn.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass", [quote_ident(truncate_identifier(name))]
    ).fetchall()
    assert {r[0] for r in rows} == _expected(name, columns)
    assert all(byte_length(r[0]) <= 63 for r in rows)


IDENTIFIERS = ["a" * 64, "é" * 32, "a" + "é" * 32, "日" * 22, "🙂" * 16, "x" * 62 + "é", "plain"]


def _created_name(conn, name: str) -> str:
    conn.execute(f"CREATE TABLE IF NOT EXISTS {quote_ident(name)} ()")
    [(relname,)] = conn.execute(
        "SELECT relname FROM pg_class WHERE relname = %s", [truncate_identifier(name)]
    ).fetchall()
    return relname


@pytest.mark.parametrize("name", IDENTIFIERS, ids=[f"{len(n)}chars" for n in IDENTIFIERS])
def test_created_tables_keep_the_truncated_name(conn, name):
    assert _created_name(conn, name) == truncate_identifier(name)


def test_unnamed_indexes_take_a_number_when_the_name_is_taken(conn):
    table, columns = "w" * 40, ["é" * 20, "ü" * 20]
    conn.execute(f"CREATE TABLE {quote_ident(table)} ({', '.join(quote_ident(c) + ' integer' for c in columns)})")
    for _ in range(3):
        conn.execute(f"CREATE INDEX ON {quote_ident(table)} ({', '.join(quote_ident(c) for c in columns)})")
    rows = conn.execute(
        "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass ORDER BY indexrelid",
        [quote_ident(table)],
    ).fetchall()
    names = NameSpace()
    names.relations.add(table)
    expected = [names.relation(table, join_column_names(columns), "idx") for _ in range(3)]
    assert [r[0].strip('"') for r in rows] == expected


def test_make_object_name_counts_bytes():
    """The review's case: 40 é and 30 ü make a 61-byte name, not a 121-byte one."""
    name = make_object_name("é" * 40, "ü" * 30, "key")
    assert byte_length(name) == 61 and name == "é" * 14 + "_" + "ü" * 14 + "_key"


def test_choose_constraint_name_numbers_taken_names():
    taken: set[str] = set()
    assert [choose_constraint_name("t", ["c"], "check", taken) for _ in range(3)] == [
        "t_c_check",
        "t_c_check1",
        "t_c_check2",
    ]


def test_keyword_table_is_postgresqls(conn):
    rows = conn.execute("SELECT word, catcode FROM pg_get_keywords()").fetchall()
    assert dict(rows) == KEYWORDS


NAMES = [
    "interval",
    "position",
    "user",
    "name",
    "type",
    "text",
    "value",
    "order",
    "select",
    "left",
    "between",
    "Mixed",
    "with space",
    'quo"te',
    "é",
    "_x",
    "x1",
    "1x",
    "a$",
    "system_user",
    "cross",
    "year",
]


def test_quote_ident_matches_postgresql(conn):
    rows = conn.execute("SELECT n, quote_ident(n) FROM unnest(%s::text[]) AS n", [NAMES + list(KEYWORDS)]).fetchall()
    assert {n: quote_ident(n) for n, _ in rows} == dict(rows)

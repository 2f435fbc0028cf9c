"""One printer for every reader: the same CHECK conditions, index predicates and defaults, read
from schema.sql by the SQL reader and from SQLAlchemy text by the SQLAlchemy reader, print
exactly as PostgreSQL 15's catalog prints them (pg_get_constraintdef / pg_get_expr)."""

from __future__ import annotations

import pytest

from schemalint.config import Config
from schemalint.engine import read_schema
from schemalint.read.sqlalchemy.sqltext import default_display, predicate_display

pytestmark = pytest.mark.postgres

COLUMNS = {
    "qty": "integer",
    "price": "numeric(10,2)",
    "name": "character varying(20)",
    "body": "text",
    "interval": "integer",
    "score": "double precision",
    "active": "boolean",
    "big": "bigint",
    "day": "date",
}
CHECKS = [
    '"interval" > 0',
    "coalesce(qty, 0) >= 0",
    "qty * 2 > price",
    "qty >= 0 AND qty < 100",
    "qty BETWEEN 1 AND 5",
    "name IN ('a', 'b')",
    "name NOT IN ('a')",
    "name <> ''",
    "length(name) > 2",
    "lower(name) = name",
    "body LIKE 'x%'",
    "body ~* '^a'",
    "price > 0",
    "price >= -1.5",
    "score > 0",
    "big > qty",
    "qty IS NOT NULL OR body IS NULL",
    "NOT active",
    "active OR (qty > 0 AND price > 0)",
    "day > '2020-01-01'",
    "CASE WHEN active THEN qty > 0 ELSE true END",
    "greatest(qty, 1) < 10",
    "char_length(body) < 100",
    "qty % 2 = 0",
    "-qty < 0",
    "upper(body) <> 'X'",
]
DEFAULTS = [
    ("integer", "0"),
    ("integer", "-5"),
    ("bigint", "-5"),
    ("numeric(10,2)", "1.50"),
    ("numeric(10,2)", "-1"),
    ("character varying(20)", "'draft'"),
    ("text", "'it''s'"),
    ("boolean", "true"),
    ("date", "'2020-01-01'"),
    ("timestamp with time zone", "now()"),
    ("timestamp with time zone", "CURRENT_TIMESTAMP"),
    ("timestamp without time zone", "(now() AT TIME ZONE 'utc')"),
    ("text", "to_char(now(), 'YYYY')"),
    ("text", "lower('ABC')"),
    ("integer", "coalesce(NULL, 5)"),
    ("double precision", "pi() * 2"),
    ("interval", "'1 day'"),
    ("text", "md5('x')"),
    ("integer", "((2 * 3) + 1)"),
]


def _table_sql() -> str:
    columns = ", ".join(f'"{name}" {type_}' for name, type_ in COLUMNS.items())
    checks = ", ".join(f"CONSTRAINT c{i} CHECK ({sql})" for i, sql in enumerate(CHECKS))
    defaults = ", ".join(f"d{i} {type_} DEFAULT {sql}" for i, (type_, sql) in enumerate(DEFAULTS))
    return f"CREATE TABLE things ({columns}, {defaults}, {checks});"


@pytest.fixture(scope="module")
def catalog(pg):
    import psycopg

    with psycopg.connect(pg.create_database("printer"), autocommit=True) as conn:
        conn.execute(_table_sql())
        checks = dict(
            conn.execute(
                "SELECT conname, pg_get_constraintdef(oid, true) FROM pg_constraint WHERE contype = 'c'"
            ).fetchall()
        )
        defaults = dict(
            conn.execute(
                "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
                "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
            ).fetchall()
        )
    return {k: v.removeprefix("CHECK (").removesuffix(")") for k, v in checks.items()}, defaults


@pytest.fixture(scope="module")
def sql_reader(tmp_path_factory):
    root = tmp_path_factory.mktemp("printer")
    (root / "schema.sql").write_text(_table_sql())
    schema = read_schema("sql", [root / "schema.sql"], Config(root=root))
    return schema.table("things")


@pytest.mark.parametrize("index", range(len(CHECKS)), ids=CHECKS)
def test_check_through_the_sql_reader(catalog, sql_reader, index):
    [check] = [c for c in sql_reader.constraints if c.name == f"c{index}"]
    assert check.expression == catalog[0][f"c{index}"]


@pytest.mark.parametrize("index", range(len(CHECKS)), ids=CHECKS)
def test_check_through_the_sqlalchemy_reader(catalog, index):
    assert predicate_display(CHECKS[index], COLUMNS)[0] == catalog[0][f"c{index}"]


@pytest.mark.parametrize("index", range(len(DEFAULTS)), ids=[d[1] for d in DEFAULTS])
def test_default_through_the_sql_reader(catalog, sql_reader, index):
    assert sql_reader.column(f"d{index}").default == catalog[1][f"d{index}"]


@pytest.mark.parametrize("index", range(len(DEFAULTS)), ids=[d[1] for d in DEFAULTS])
def test_default_through_the_sqlalchemy_reader(catalog, index):
    type_, sql = DEFAULTS[index]
    assert default_display(sql, type_) == catalog[1][f"d{index}"]

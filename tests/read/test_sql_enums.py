"""Enum types in schema.sql (`CREATE TYPE ... AS ENUM`, `ALTER TYPE ... ADD/RENAME VALUE`,
`DROP TYPE`): the reader's labels equal what PostgreSQL's pg_enum holds after running the same
file (export must create them before the tables that use them)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from schemalint.config import Config
from schemalint.engine import read_schema

CASES = {
    "create": "CREATE TYPE mood AS ENUM ('up', 'down', 'it''s');",
    "add-value": """
        CREATE TYPE mood AS ENUM ('up', 'down');
        ALTER TYPE mood ADD VALUE 'sideways';
        ALTER TYPE mood ADD VALUE IF NOT EXISTS 'up';
        ALTER TYPE mood ADD VALUE 'first' BEFORE 'up';
        ALTER TYPE mood ADD VALUE 'middle' AFTER 'up';
    """,
    "rename-value": """
        CREATE TYPE mood AS ENUM ('up', 'down');
        ALTER TYPE mood RENAME VALUE 'down' TO 'low';
    """,
    "guarded-twice": """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
                CREATE TYPE mood AS ENUM ('up', 'down');
            END IF;
        END $$;
        DO $$ BEGIN
            CREATE TYPE mood AS ENUM ('up', 'down');
        EXCEPTION WHEN duplicate_object THEN NULL;
        END $$;
    """,
    "drop": """
        CREATE TYPE mood AS ENUM ('up');
        CREATE TYPE side AS ENUM ('buy', 'sell');
        DROP TYPE IF EXISTS mood, missing;
    """,
    "other-schema": """
        CREATE SCHEMA crm;
        CREATE TYPE crm.stage AS ENUM ('lead', 'won');
        CREATE TABLE crm.deals (id int PRIMARY KEY, stage crm.stage NOT NULL);
    """,
}


def read_enums(tmp_path: Path, sql: str) -> dict:
    path = tmp_path / "schema.sql"
    path.write_text(textwrap.dedent(sql))
    schema = read_schema("sql", [path], Config(root=tmp_path))
    assert [d.message for d in schema.diagnostics] == []
    return {(e.schema or "public", e.name): list(e.labels) for e in schema.enums}


@pytest.mark.postgres
@pytest.mark.parametrize("sql", CASES.values(), ids=CASES.keys())
def test_enum_labels_equal_pg_enum(pg, tmp_path, sql):
    psycopg = pytest.importorskip("psycopg")
    dsn = pg.create_database(f"enums_{abs(hash(sql)) % 10**8}")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(textwrap.dedent(sql))
        rows = conn.execute(
            "SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e "
            "JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace GROUP BY 1, 2"
        ).fetchall()
    assert read_enums(tmp_path, sql) == {(schema, name): labels for schema, name, labels in rows}


@pytest.mark.parametrize(
    "sql, message",
    [
        ("CREATE TYPE mood AS ENUM ('up');\nCREATE TYPE mood AS ENUM ('up');", 'type "mood" already exists'),
        ("ALTER TYPE mood ADD VALUE 'x';", 'type "mood" does not exist'),
        ("CREATE TYPE mood AS ENUM ('up');\nCREATE TABLE t (m mood);\nDROP TYPE mood;", "cannot drop type mood"),
    ],
)
def test_what_postgresql_rejects_is_sl403(tmp_path, sql, message):
    path = tmp_path / "schema.sql"
    path.write_text(sql)
    schema = read_schema("sql", [path], Config(root=tmp_path))
    assert [d.kind for d in schema.diagnostics] == ["failing-statement"]
    assert message in schema.diagnostics[0].message

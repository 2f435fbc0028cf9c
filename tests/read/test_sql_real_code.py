"""The SQL reader on what real schema.sql files hold, each case run in a real PostgreSQL 15 too:

* `search_path` (`SET [LOCAL]`, `RESET`, `= DEFAULT`, `set_config(...)`) decides where an
  unqualified name is created (the first schema of the path that exists) and found;
* a whole `pg_dump --schema-only` reads back exactly as the database it was dumped from;
* an empty array default keeps its cast (`ARRAY[]::text[]`);
* a statement PostgreSQL does not accept is SL402; a statement known to be harmless to the
  schema is skipped quietly (the table in `schemalint.read.sql.statements`);
* a statement whose effect the reader cannot know is one SL002 plus an `unknown` marker.
"""

from __future__ import annotations

import subprocess
import textwrap

import pytest

from schemalint.config import Config
from schemalint.engine import read_schema
from schemalint.model import Schema
from schemalint.read.sql.split import split_statements
from schemalint.report.dump import schema_to_dict
from tests.support.catalog import compare_catalogs, read_catalog

_SCHEMAS_SQL = "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"


def read(tmp_path, sql: str) -> Schema:
    path = tmp_path / "schema.sql"
    path.write_text(textwrap.dedent(sql).lstrip("\n"))
    return read_schema("sql", [path], Config(root=tmp_path))


def run_in_postgres(dsn: str, sql: str) -> list[int]:
    """Runs `sql` statement by statement in one session, as psql does; the failed lines."""
    import psycopg

    failed = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET client_min_messages = error")
        for statement in split_statements(sql):
            try:
                conn.execute(statement.text)
            except psycopg.Error:
                failed.append(statement.line)
    return failed


def database_dump(dsn: str) -> dict:
    import psycopg

    with psycopg.connect(dsn) as conn:
        schemas = [row[0] for row in conn.execute(_SCHEMAS_SQL)]
    return {"tables": [t for schema in schemas for t in read_catalog(dsn, schema)["tables"]]}


def assert_same_as_postgres(pg, tmp_path, name: str, sql: str) -> dict:
    sql = textwrap.dedent(sql).lstrip("\n")
    dsn = pg.create_database(name)
    failed = run_in_postgres(dsn, sql)
    static = schema_to_dict(read(tmp_path, sql))
    agreement = compare_catalogs(
        static, database_dump(dsn), names=True, comments=True, labels=("schemalint", "postgres")
    )
    assert agreement.agreeing == agreement.compared, str(agreement)
    assert len(static["tables"]) == len(database_dump(dsn)["tables"])
    reported = sorted(
        int(d["location"].split(":")[1]) for d in static["diagnostics"] if d["code"] in ("SL402", "SL403")
    )
    assert reported == failed
    return static


# ------------------------------------------------------------------ search_path

SEARCH_PATH_CASES = {
    "set_to_list": """
        CREATE SCHEMA a;
        CREATE SCHEMA b;
        SET search_path TO a, b;
        CREATE TABLE t (id int PRIMARY KEY, n text);
        CREATE TABLE b.u (id int);
        ALTER TABLE u ADD COLUMN x int;
        CREATE INDEX ON t (n);
        COMMENT ON TABLE t IS 'in a';
        RESET search_path;
        CREATE TABLE t (id bigint);
    """,
    "first_existing_schema": """
        CREATE SCHEMA a;
        SET search_path = nosuch, a, public;
        CREATE TABLE t (id int);
        CREATE SCHEMA nosuch;
        CREATE TABLE t (id int, v text);
        SET search_path = DEFAULT;
        CREATE TABLE t (id smallint);
    """,
    "lookups_go_through_the_path": """
        CREATE SCHEMA a;
        CREATE TABLE p (id int PRIMARY KEY);
        SET search_path TO a, public;
        CREATE TABLE c (id serial PRIMARY KEY, p_id int REFERENCES p, self_id int REFERENCES c);
        ALTER TABLE p ADD COLUMN note text;
        CREATE TABLE p (id int PRIMARY KEY, w text);
        ALTER TABLE p ADD COLUMN z int;
        CREATE INDEX p_w ON p (w);
        DROP INDEX p_w;
        CREATE SEQUENCE q;
        CREATE TABLE w (id int DEFAULT nextval('q'), v int DEFAULT nextval('public.q2'));
    """,
    "set_local_lasts_one_transaction": """
        CREATE SCHEMA a;
        SET LOCAL search_path TO a;
        CREATE TABLE outside (id int);
        BEGIN;
        SET LOCAL search_path TO a;
        CREATE TABLE inside (id int);
        COMMIT;
        CREATE TABLE after (id int);
        BEGIN;
        SET search_path TO a;
        ROLLBACK;
        CREATE TABLE rolled_back (id int);
        BEGIN;
        SET search_path TO a;
        COMMIT;
        CREATE TABLE committed (id int);
    """,
    "set_config": """
        CREATE SCHEMA a;
        CREATE SCHEMA "B";
        SELECT set_config('search_path', 'a', false);
        CREATE TABLE t1 (id int PRIMARY KEY);
        SELECT pg_catalog.set_config('search_path', '"B", a', false);
        CREATE TABLE t2 (id int);
        BEGIN;
        SELECT pg_catalog.set_config('search_path', 'public', true);
        CREATE TABLE t3 (id int);
        END;
        CREATE TABLE t4 (id int);
        SELECT pg_catalog.set_config('search_path', '', false);
        CREATE TABLE t5 (id int);
        CREATE TABLE public.t6 (id int REFERENCES a.t1 (id));
        ALTER TABLE t1 ADD COLUMN x int;
    """,
    "quoted_names_and_set_schema": """
        CREATE SCHEMA "Mixed";
        CREATE SCHEMA IF NOT EXISTS plain;
        CREATE SCHEMA IF NOT EXISTS plain;
        SET search_path TO "Mixed";
        CREATE TABLE t (id int);
        SET SCHEMA 'plain';
        CREATE TABLE t (id int);
        SET SESSION search_path TO 'Mixed', plain;
        CREATE TABLE u (id int);
    """,
    "schemas_must_exist": """
        CREATE TABLE nosuch.t (id int);
        CREATE SCHEMA s;
        CREATE SCHEMA s;
        CREATE TABLE s.t (id int PRIMARY KEY);
        CREATE TABLE s.u (id int REFERENCES s.t);
        DROP SCHEMA s;
        DROP SCHEMA IF EXISTS s, nothing CASCADE;
        CREATE TABLE s.t (id int);
        DROP SCHEMA nothing;
    """,
    "empty_array_defaults": """
        CREATE TABLE t (
            a text[] DEFAULT ARRAY[]::text[], b text[] DEFAULT '{}'::text[], c integer[] DEFAULT ARRAY[]::integer[],
            d bigint[] NOT NULL DEFAULT ARRAY[]::bigint[], e text[] DEFAULT '{}', f text[] DEFAULT ARRAY['x', 'y']
        );
        ALTER TABLE t ALTER COLUMN e SET DEFAULT ARRAY[]::text[];
    """,
}


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(SEARCH_PATH_CASES))
def test_search_path_as_postgres(pg, tmp_path, name):
    assert_same_as_postgres(pg, tmp_path, f"sqlreal_{name}", SEARCH_PATH_CASES[name])


def test_search_path_decides_where_tables_are(tmp_path):
    schema = read(tmp_path, SEARCH_PATH_CASES["set_local_lasts_one_transaction"])
    where = {t.name: t.schema for t in schema.tables}
    assert where == {"outside": None, "inside": "a", "after": None, "rolled_back": None, "committed": "a"}


# ------------------------------------------------------------------ pg_dump

PG_DUMP_SOURCE = """
    CREATE TABLE customers (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, email varchar(254) NOT NULL UNIQUE,
        tags text[] DEFAULT ARRAY[]::text[], aliases text[] NOT NULL DEFAULT '{}'::text[],
        created timestamptz NOT NULL DEFAULT now(), "Display" text
    );
    COMMENT ON TABLE customers IS 'people who buy';
    COMMENT ON COLUMN customers.email IS 'login, unique';
    CREATE TABLE orders (
        id serial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers ON DELETE CASCADE,
        qty int CHECK (qty > 0), status varchar(10) DEFAULT 'new' CHECK (status IN ('new', 'paid')),
        total numeric(10,2) DEFAULT 0, region char(2), code text,
        UNIQUE (region, code)
    );
    CREATE INDEX orders_status_idx ON orders (lower(status)) WHERE qty > 1;
    CREATE INDEX ON orders (customer_id, qty);
    CREATE UNIQUE INDEX orders_code ON orders (code DESC) INCLUDE (qty);
    CREATE TABLE lines (
        id int GENERATED ALWAYS AS IDENTITY, order_id int REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED,
        region char(2), code text, amount numeric GENERATED ALWAYS AS (id * 2) STORED,
        PRIMARY KEY (id), FOREIGN KEY (region, code) REFERENCES orders (region, code) ON UPDATE CASCADE
    );
    CREATE SCHEMA crm;
    CREATE TABLE crm.notes (id bigserial PRIMARY KEY, customer_id bigint REFERENCES public.customers, body text NOT NULL);
    CREATE INDEX notes_body ON crm.notes USING hash (body);
    CREATE TYPE mood AS ENUM ('ok', 'sad');
    CREATE TABLE feelings (id smallint GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY, m mood DEFAULT 'ok');
    CREATE VIEW open_orders AS SELECT id, status FROM orders WHERE status = 'new';
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created := now(); RETURN NEW; END $$;
    CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION touch();
"""


@pytest.mark.postgres
def test_a_whole_pg_dump_reads_back_exactly(pg, tmp_path):
    source = textwrap.dedent(PG_DUMP_SOURCE)
    dsn = pg.create_database("sqlreal_pg_dump")
    assert run_in_postgres(dsn, source) == []
    dump = subprocess.run(
        [
            str(pg.bin_dir / "pg_dump"),
            "--schema-only",
            "-h",
            pg.host,
            "-p",
            str(pg.port),
            "-U",
            pg.user,
            "sqlreal_pg_dump",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "ADD GENERATED BY DEFAULT AS IDENTITY" in dump and "set_config('search_path', '', false)" in dump
    schema = read(tmp_path, dump)
    assert schema.diagnostics == ()
    static = schema_to_dict(schema)
    restored = pg.create_database("sqlreal_pg_restore")
    assert run_in_postgres(restored, dump) == []
    # What the dump builds: PostgreSQL itself reads a dumped CHECK back with other casts
    # (`ARRAY['new'::character varying::text, ...]`) than the database it came from.
    actual = database_dump(restored)
    agreement = compare_catalogs(static, actual, names=True, comments=True, labels=("schemalint", "postgres"))
    assert agreement.agreeing == agreement.compared, str(agreement)
    assert agreement.compared > 60
    print(f"pg_dump round trip: {agreement}")
    assert sorted(t.qualified_name for t in schema.tables) == ["crm.notes", "customers", "feelings", "lines", "orders"]
    assert schema.table("customers").column("id").identity == "by default"
    assert schema.table("lines").column("id").identity == "always"


# ------------------------------------------------------------------ harmless or not SQL

HARMLESS = [
    "SET statement_timeout = 0",
    "SET default_tablespace = ''",
    "SET client_min_messages = warning",
    "SELECT pg_catalog.set_config('search_path', 'public', false)",
    "SET default_table_access_method = heap",
    "INSERT INTO t (id) VALUES (1)",
    "UPDATE t SET id = 2 WHERE id = 1",
    "DELETE FROM t WHERE id = 3",
    "SELECT count(*) FROM t",
    "SELECT pg_catalog.setval('t_seq', 1, false)",
    "WITH x AS (SELECT 1 AS one) SELECT one FROM x",
    "GRANT SELECT ON t TO PUBLIC",
    "REVOKE ALL ON t FROM PUBLIC",
    "ANALYZE t",
    "VACUUM t",
    "CREATE ROLE app_reader",
    "ALTER ROLE app_reader NOLOGIN",
    "CREATE EXTENSION IF NOT EXISTS plpgsql",
    "CREATE TYPE color AS ENUM ('red', 'blue')",
    "CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
    "CREATE FUNCTION two() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$; SELECT two()",
    "COMMENT ON FUNCTION one() IS 'one'",
    "ALTER SEQUENCE t_seq OWNED BY t.id",
    "ALTER TABLE t OWNER TO postgres",
    "ALTER TABLE ONLY t ALTER COLUMN id SET STATISTICS 100",
    "ALTER TABLE t ENABLE ROW LEVEL SECURITY",
    "ALTER SCHEMA public OWNER TO postgres",
    "CREATE TEMP TABLE scratch (id int)",
    "TRUNCATE t",
    "DO $$ BEGIN RAISE NOTICE 'hello'; END $$",
    "BEGIN",
    "COMMIT",
]

NOT_SQL = [
    "CREATE TABLOID x ((",
    "SELEC 1",
    "CREAT TABLE t2 (id int)",
    "this is not sql",
    "ALTR TABLE t ADD COLUMN y int",
    ")))",
]


@pytest.mark.parametrize("statement", HARMLESS)
def test_harmless_statements_are_skipped_quietly(tmp_path, statement):
    schema = read(tmp_path, f"CREATE TABLE t (id int);\nCREATE SEQUENCE t_seq;\n{statement};\n")
    assert schema.diagnostics == ()
    assert [c.name for c in schema.table("t").columns] == ["id"]
    assert schema.complete and schema.table("t").unknown == ()


@pytest.mark.parametrize("statement", NOT_SQL)
def test_statements_that_are_not_sql_are_sl402(tmp_path, statement):
    schema = read(tmp_path, f"CREATE TABLE t (id int);\n{statement};\nCREATE TABLE u (id int);\n")
    assert [(d.kind, d.location.line) for d in schema.diagnostics] == [("unparsable-statement", 2)]
    assert [t.name for t in schema.tables] == ["t", "u"]


@pytest.mark.postgres
def test_postgres_agrees_on_harmless_and_not_sql(pg):
    """Each harmless example is SQL PostgreSQL runs; each SL402 example is one it rejects."""
    import psycopg

    dsn = pg.create_database("sqlreal_statements")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int); CREATE SEQUENCE t_seq")
        for statement in HARMLESS:
            conn.execute(statement)
        for statement in NOT_SQL:
            with pytest.raises(psycopg.errors.SyntaxError):
                conn.execute(statement)


# ------------------------------------------------------------------ unknown is not absent

UNKNOWN = [
    # (statement, table whose parts become unknown or None for the whole schema, parts, column)
    ("DO $$ BEGIN EXECUTE 'CREATE TABLE made_at_run_time (id int)'; END $$", None, (), None),
    ("CALL make_tables()", None, (), None),
    (
        "ALTER TABLE t ALTER COLUMN id SET GENERATED ALWAYS",
        "t",
        ("default", "generated", "identity", "nullable", "type"),
        "id",
    ),
    (
        "ALTER TABLE t ALTER CONSTRAINT t_fk DEFERRABLE",
        "t",
        ("columns", "constraints", "foreign_keys", "indexes", "primary_key"),
        None,
    ),
    ("ALTER TABLE t SET SCHEMA elsewhere", "t", ("exists",), None),
    ("ALTER SCHEMA public RENAME TO old_public", None, (), None),
    ("DROP TYPE mood CASCADE", None, (), None),
    (
        "CREATE FUNCTION mk() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE z (id int); END $$; SELECT mk()",
        None,
        (),
        None,
    ),
    (
        "CREATE PROCEDURE mk() LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'DROP TABLE t'; END $$; SELECT 1 FROM public.mk()",
        None,
        (),
        None,
    ),
    (
        "CREATE TABLE copy AS SELECT * FROM t",
        "copy",
        ("columns", "constraints", "foreign_keys", "indexes", "primary_key"),
        None,
    ),
    (
        "CREATE TABLE child (extra int) INHERITS (t)",
        "child",
        ("columns", "constraints", "foreign_keys", "indexes", "primary_key"),
        None,
    ),
    ("CREATE TABLE e (r int, EXCLUDE USING btree (r WITH =))", "e", ("constraints",), None),
    ("ALTER TABLE t ADD CONSTRAINT t_ex EXCLUDE USING btree (id WITH =)", "t", ("constraints",), None),
]


@pytest.mark.parametrize("statement, table, parts, column", UNKNOWN)
def test_statements_with_unknown_effect_are_one_sl002_and_a_marker(tmp_path, statement, table, parts, column):
    schema = read(tmp_path, f"CREATE TABLE t (id int);\n{statement};\n")
    assert [(d.kind, d.location.line) for d in schema.diagnostics] == [("unresolved", 2)]
    if table is None:
        assert not schema.complete
        return
    found = schema.table(table)
    assert (found.column(column).unknown if column else found.unknown) == parts
    assert schema.complete == ("exists" not in parts)


def test_sqlite_column_without_a_type_is_kept_as_sqlite_keeps_it(tmp_path):
    import sqlite3

    sql = "CREATE TABLE t (id INTEGER PRIMARY KEY, untyped, label TEXT)"
    path = tmp_path / "schema.sql"
    path.write_text(sql + ";\n")
    schema = read_schema("sql", [path], Config(root=tmp_path, dialect="sqlite"))
    real = sqlite3.connect(":memory:")
    real.execute(sql)
    expected = [(row[1], row[2].lower()) for row in real.execute("PRAGMA table_info(t)")]
    assert [(c.name, c.type) for c in schema.table("t").columns] == expected
    assert schema.diagnostics == ()


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE copy ALTER COLUMN name SET NOT NULL",
        "ALTER TABLE copy ADD PRIMARY KEY (id)",
        "CREATE INDEX copy_name ON copy (name)",
    ],
)
def test_statements_on_a_table_of_unknown_columns_are_not_judged(tmp_path, statement):
    """Whether they fail depends on the columns the reader could not know: no SL403, only
    the one SL002 of the CREATE TABLE AS (which says its columns are not compared)."""
    schema = read(
        tmp_path, f"CREATE TABLE t (id int, name text);\nCREATE TABLE copy AS SELECT * FROM t;\n{statement};\n"
    )
    assert [(d.kind, d.location.line) for d in schema.diagnostics] == [("unresolved", 2)]
    assert "columns" in schema.table("copy").unknown

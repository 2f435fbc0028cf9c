"""Small schema.sql files, each read statically and run in a real PostgreSQL: the two catalogs
must agree on every fact (names, types, defaults as pg_get_expr prints them, CHECK and index
expressions, truncation and numbering of generated names).

Each case isolates one behaviour the reader imitates; a new behaviour gets a new case here.
"""

from __future__ import annotations

import pytest

from schemalint.config import Config
from schemalint.engine import read_schema
from schemalint.read import decode
from schemalint.read.sql.split import split_statements
from schemalint.report.dump import schema_to_dict
from tests.support.catalog import compare_catalogs, read_catalog

LONG = "a_table_name_that_is_long_enough_to_need_truncation_by_postgres"  # 63 characters

CASES = {
    "serial_types": """
        CREATE TABLE t (a serial, b bigserial PRIMARY KEY, c smallserial, d serial4, e serial8);
    """,
    "sequence_name_collision": """
        CREATE SEQUENCE t_id_seq;
        CREATE TABLE t (id serial PRIMARY KEY);
    """,
    "truncated_names": f"""
        CREATE TABLE {LONG} (
            id serial PRIMARY KEY,
            another_rather_long_column_name_for_the_unique_key integer UNIQUE,
            ref integer REFERENCES {LONG} (id),
            qty integer CHECK (qty > 0)
        );
        CREATE INDEX ON {LONG} (another_rather_long_column_name_for_the_unique_key, qty);
    """,
    "numbered_names": """
        CREATE TABLE t (a int, b int, CHECK (a > b), CHECK (a < 10 * b), UNIQUE (a), CONSTRAINT t_a_key1 CHECK (b > 0));
        ALTER TABLE t ADD UNIQUE (a);
        CREATE INDEX ON t (a);
        CREATE INDEX ON t (a);
        CREATE INDEX ON t (a, a);
        CREATE INDEX ON t ((a + b));
        CREATE INDEX ON t (lower(b::text));
    """,
    "constraint_names_are_per_schema": """
        CREATE TABLE x (id int PRIMARY KEY);
        CREATE TABLE t (id int CONSTRAINT x_pkey1 CHECK (id > 0));
        CREATE TABLE y (id int);
        ALTER TABLE y ADD CONSTRAINT x_id_check CHECK (id > 0);
        CREATE TABLE "x_id" (id int);
        ALTER TABLE x ADD CHECK (id > 1);
    """,
    "primary_key_and_unique_dedup": """
        CREATE TABLE t (a int PRIMARY KEY UNIQUE, b int UNIQUE, c int, UNIQUE (b), UNIQUE (a), UNIQUE NULLS NOT DISTINCT (c));
    """,
    "defaults": r"""
        CREATE TABLE t (
            a int DEFAULT 0, b bigint DEFAULT -1, c numeric(10,2) DEFAULT 0, d numeric(10,2) DEFAULT 1.50,
            e varchar(20) DEFAULT 'draft', f text DEFAULT 'it''s', g char(2) DEFAULT 'ab', h boolean DEFAULT 't',
            i timestamp DEFAULT CURRENT_TIMESTAMP, j timestamptz DEFAULT now(), k date DEFAULT CURRENT_DATE,
            l jsonb DEFAULT '{}', m text[] DEFAULT '{}', n double precision DEFAULT 1.5, o int DEFAULT NULL,
            p bigint DEFAULT 10000000000, q interval DEFAULT '1 day', r timestamptz DEFAULT now() + interval '2 hours',
            s int DEFAULT (1 + 2) * 3, u text DEFAULT lower('ABC'), v varchar DEFAULT 'x'::varchar(10),
            w numeric DEFAULT -2.5, x uuid DEFAULT gen_random_uuid(), y timestamp DEFAULT LOCALTIMESTAMP,
            z jsonb DEFAULT '[]'::jsonb
        );
    """,
    "checks": r"""
        CREATE TABLE t (
            price numeric(10,2) CHECK (price > 0), qty int CHECK (qty >= 0 AND qty < 100),
            s varchar(10) CHECK (s IN ('a', 'b')), t text CHECK (t <> ''), lo int, hi int,
            f float CHECK (f > 0.5), big bigint CHECK (big > 0), k int CHECK (k BETWEEN 1 AND 5),
            d date CHECK (d > '2020-01-01'), e1 varchar(5) CHECK (e1 = 'x'), e2 text CHECK (e2 NOT IN ('y', 'z')),
            e3 int CHECK (e3 IN (1, 2, 3)), e4 int CHECK (e4 > 0 OR e4 IS NULL), e5 int CHECK ((e4 + e5) * 2 > 3),
            e6 text CHECK (e6 ~ '^[a-z]+$'), e7 text CHECK (e7 LIKE 'a%'), e8 boolean CHECK (NOT e8),
            e9 int CHECK (e9 <> -1), e10 numeric CHECK (e10 >= 0.5), e11 varchar(20) CHECK (length(e11) > 2),
            e12 char(3) CHECK (e12 IN ('abc', 'def')), e13 real CHECK (e13 > 0),
            e14 text CHECK (e14 IS NOT NULL AND (e14 = 'a' OR e14 = 'b')),
            e15 varchar(10) CHECK (e15 = ANY (ARRAY['p', 'q'])), e16 int CHECK (e16 % 2 = 0),
            CHECK (lo < hi), CHECK (lo IS NOT NULL)
        );
    """,
    "indexes": """
        CREATE TABLE t (id int, name varchar(50), tags text[], doc jsonb, created timestamptz, status varchar(10), n int);
        CREATE INDEX t_a ON t (name DESC, id);
        CREATE INDEX t_b ON t USING gin (tags);
        CREATE INDEX t_c ON t USING gin (doc jsonb_path_ops);
        CREATE INDEX t_d ON t (name varchar_pattern_ops);
        CREATE UNIQUE INDEX t_e ON t (lower(name)) WHERE status = 'live';
        CREATE INDEX t_f ON t (created) WHERE status IN ('a', 'b') AND n > 0;
        CREATE INDEX t_g ON t (id) INCLUDE (name);
        CREATE INDEX t_h ON t ((id + n), upper(name));
        CREATE INDEX t_i ON t (coalesce(n, 0));
        CREATE INDEX t_j ON t (id) WHERE NOT (n > 1 AND id < 2);
        CREATE INDEX t_k ON t USING hash (status);
    """,
    "alter_sequence_of_changes": """
        CREATE TABLE IF NOT EXISTS stocks (id serial PRIMARY KEY, symbol varchar(10) NOT NULL UNIQUE, note text);
        ALTER TABLE stocks ADD COLUMN IF NOT EXISTS market_cap bigint;
        ALTER TABLE stocks ADD COLUMN IF NOT EXISTS market_cap text;
        ALTER TABLE stocks ALTER COLUMN symbol TYPE varchar(20);
        ALTER TABLE stocks ALTER COLUMN note SET DEFAULT 'n/a';
        ALTER TABLE stocks ALTER COLUMN note SET NOT NULL;
        ALTER TABLE stocks ALTER COLUMN note DROP NOT NULL;
        ALTER TABLE stocks ALTER COLUMN market_cap SET DEFAULT 0;
        ALTER TABLE stocks ALTER COLUMN market_cap DROP DEFAULT;
        ALTER TABLE stocks RENAME COLUMN note TO remark;
        ALTER TABLE stocks RENAME TO equities;
        CREATE TABLE IF NOT EXISTS equities (id int);
        ALTER TABLE equities DROP COLUMN IF EXISTS nothing;
        ALTER TABLE equities ADD CONSTRAINT equities_cap CHECK (market_cap >= 0);
        ALTER TABLE equities DROP CONSTRAINT equities_cap;
        ALTER TABLE equities ADD COLUMN sector text, ADD COLUMN industry text;
        ALTER TABLE equities DROP COLUMN industry;
        COMMENT ON TABLE equities IS 'renamed';
        COMMENT ON COLUMN equities.remark IS 'was note';
    """,
    "type_change_rereads_dependents": """
        CREATE TABLE t (side varchar(4) CHECK (side IN ('buy', 'sell')) DEFAULT 'buy', q int CHECK (q > 0));
        CREATE INDEX t_side ON t (lower(side)) WHERE side = 'buy';
        ALTER TABLE t ALTER COLUMN side TYPE varchar(8);
        ALTER TABLE t ALTER COLUMN q TYPE numeric(10,2);
        ALTER TABLE t ALTER COLUMN side TYPE text;
    """,
    "drop_and_recreate": """
        DROP TABLE IF EXISTS a;
        CREATE TABLE a (id int PRIMARY KEY, v text UNIQUE);
        CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
        DROP TABLE a CASCADE;
        CREATE TABLE a (id bigint PRIMARY KEY, w text UNIQUE);
        CREATE INDEX a_w_idx2 ON a (w);
        DROP INDEX a_w_idx2;
        ALTER TABLE b DROP COLUMN a_id;
        ALTER TABLE b ADD COLUMN a_id bigint REFERENCES a ON DELETE SET NULL;
    """,
    "foreign_keys": """
        CREATE TABLE p (id int, code text, PRIMARY KEY (id, code));
        CREATE TABLE c (
            id int PRIMARY KEY, pid int, pcode text, parent int REFERENCES c ON DELETE CASCADE,
            FOREIGN KEY (pid, pcode) REFERENCES p ON DELETE SET NULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED
        );
        ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (pid, pcode) REFERENCES p (id, code) ON DELETE RESTRICT;
        ALTER TABLE c ADD FOREIGN KEY (parent) REFERENCES c (id) ON DELETE SET DEFAULT DEFERRABLE;
    """,
    "identifiers": """
        CREATE TABLE "Mixed" ("Id" int PRIMARY KEY, "select" text, plain TEXT, "has space" int UNIQUE);
        CREATE TABLE public.Lower_Me (ID int, "ID" int);
        CREATE INDEX ON "Mixed" ("select");
        CREATE TABLE "order" (id serial PRIMARY KEY, "user" text DEFAULT 'x');
    """,
    "generated_and_identity": """
        CREATE TABLE t (
            a int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, b bigint GENERATED BY DEFAULT AS IDENTITY,
            price numeric(10,2), qty int, total numeric GENERATED ALWAYS AS (price * qty) STORED,
            name varchar(20), label text GENERATED ALWAYS AS (lower(name) || '-' || qty) STORED
        );
    """,
    "do_block_guards": """
        CREATE TABLE t (a int);
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 't_a_positive') THEN
                ALTER TABLE t ADD CONSTRAINT t_a_positive CHECK (a > 0);
            END IF;
        END $$;
        DO $$
        BEGIN
            ALTER TABLE t ADD CONSTRAINT t_a_positive CHECK (a > 0);
        EXCEPTION WHEN duplicate_object THEN NULL;
        END $$;
        DO $guard$ BEGIN CREATE INDEX t_a_idx ON t (a); EXCEPTION WHEN duplicate_table THEN NULL; END $guard$;
    """,
    "json_and_time_zones": """
        CREATE TABLE t (
            a timestamp DEFAULT (now() AT TIME ZONE 'utc'), b timestamp DEFAULT timezone('utc', now()),
            c timestamptz DEFAULT CURRENT_TIMESTAMP(0), d jsonb NOT NULL DEFAULT '{}', e json,
            f timestamptz DEFAULT now() - interval '1 hour', g interval DEFAULT interval '90 minutes',
            h numeric(5), i decimal(7, 3), k text DEFAULT ('a' || 'b')
        );
        CREATE INDEX t_1 ON t ((d ->> 'key'));
        CREATE INDEX t_2 ON t ((d -> 'a' ->> 'b'));
        CREATE INDEX t_3 ON t ((e ->> 'k'));
        CREATE INDEX t_4 ON t (a) WHERE d ? 'x';
        CREATE INDEX t_5 ON t ((d ->> 'n')) WHERE (d ->> 'n') IS NOT NULL;
        CREATE INDEX t_6 ON t (a) WHERE d @> '{"on": true}';
        ALTER TABLE t ADD CONSTRAINT t_d_object CHECK (jsonb_typeof(d) = 'object');
    """,
    "renames_and_comments": """
        CREATE TABLE t (a int CONSTRAINT t_a_positive CHECK (a > 0), b int UNIQUE, c int);
        ALTER TABLE t RENAME CONSTRAINT t_a_positive TO t_a_over_zero;
        ALTER TABLE t RENAME CONSTRAINT t_b_key TO t_b_unique;
        ALTER INDEX t_b_unique RENAME TO t_b_uq;
        CREATE INDEX t_c_idx ON t (c);
        ALTER INDEX IF EXISTS t_c_idx RENAME TO t_c_index;
        ALTER INDEX IF EXISTS t_c_idx RENAME TO t_c_index2;
        COMMENT ON TABLE t IS 'first';
        COMMENT ON TABLE t IS NULL;
        COMMENT ON COLUMN t.a IS 'kept';
        COMMENT ON COLUMN t.b IS '';
    """,
    "comment_string_forms": r"""
        CREATE TABLE t (a int, b int, c int, d int);
        COMMENT ON TABLE t IS E'it''s \\ a path: C:\\tmp\nsecond line';
        COMMENT ON COLUMN t.a IS e'tab\there \x41\101\u0042 \'quoted\'';
        COMMENT ON COLUMN t.b IS $$dollar 'quoted' \ kept$$;
        COMMENT ON COLUMN t.c IS $tag$with $$ inside$tag$;
        COMMENT ON COLUMN t.d IS 'plain \ backslash';
    """,
    "realistic_odds_and_ends": """
        CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
        CREATE SEQUENCE invoice_numbers START 1000;
        CREATE TABLE IF NOT EXISTS customers (id serial PRIMARY KEY, email varchar(254) NOT NULL, CONSTRAINT customers_email_uq UNIQUE (email));
        CREATE TABLE IF NOT EXISTS orders (
            id bigint NOT NULL DEFAULT nextval('invoice_numbers'),
            status order_status NOT NULL DEFAULT 'new',
            customer_email varchar(254) REFERENCES customers (email) ON UPDATE CASCADE,
            note varchar(100) DEFAULT ''::character varying,
            label varchar(20) DEFAULT 'pending'::text,
            amount numeric(10,2) DEFAULT 0::numeric,
            created timestamp(0) without time zone DEFAULT now(),
            flags bit(8), ratio double precision[], t time(3)
        );
        ALTER TABLE orders ADD COLUMN IF NOT EXISTS uid serial;
        ALTER TABLE orders ADD PRIMARY KEY (id);
        ALTER TABLE ONLY orders ALTER COLUMN note SET DEFAULT 'none';
        ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_email) REFERENCES customers (email) NOT VALID;
        CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_uid_uq ON orders (uid);
        CREATE INDEX IF NOT EXISTS orders_created_idx ON orders (created) WITH (fillfactor = 70);
        ALTER TABLE orders ADD COLUMN extra_id integer CONSTRAINT orders_extra_pk UNIQUE;
        ALTER TABLE customers ADD COLUMN IF NOT EXISTS referrer_id int REFERENCES customers ON DELETE SET NULL;
        DROP TABLE IF EXISTS nothing_here, also_nothing;
        ALTER TABLE IF EXISTS missing_table ADD COLUMN x int;
    """,
    "case_expressions": """
        CREATE TABLE r (
            u int, e bigint, s varchar(5),
            x numeric GENERATED ALWAYS AS (CASE WHEN u = 0 THEN NULL ELSE e::numeric / u END) STORED,
            y text GENERATED ALWAYS AS (CASE s WHEN 'a' THEN 'x' WHEN 'b' THEN 'y' END) STORED,
            z int GENERATED ALWAYS AS (CASE WHEN u > 0 THEN u + (CASE WHEN e > 1 THEN 1 ELSE 0 END) ELSE 0 END) STORED,
            CHECK (CASE WHEN u > 0 THEN e > 0 ELSE true END)
        );
        CREATE INDEX r_case ON r ((CASE WHEN u > 0 THEN 'pos' ELSE 'neg' END));
    """,
    "views_hold_columns": """
        CREATE TABLE orders (id serial PRIMARY KEY, side varchar(4), qty int, note text, status text);
        CREATE TABLE fills (id serial PRIMARY KEY, order_id int REFERENCES orders, status text, price numeric);
        CREATE VIEW open_orders AS
            SELECT o.id, o.side FROM orders o WHERE NOT EXISTS (SELECT 1 FROM fills f WHERE f.order_id = o.id);
        CREATE VIEW everything AS SELECT * FROM fills;
        CREATE OR REPLACE VIEW counts AS SELECT count(*) AS n FROM (SELECT qty FROM orders) q;
        ALTER TABLE orders ALTER COLUMN side TYPE varchar(8);
        ALTER TABLE orders ALTER COLUMN note TYPE varchar(100);
        ALTER TABLE orders ALTER COLUMN qty TYPE bigint;
        ALTER TABLE fills ALTER COLUMN price TYPE numeric(10,2);
        ALTER TABLE fills ADD COLUMN fee numeric;
        ALTER TABLE fills ALTER COLUMN fee TYPE numeric(8,2);
        ALTER TABLE orders DROP COLUMN side;
        ALTER TABLE orders DROP COLUMN note;
        DROP TABLE fills;
        CREATE VIEW v2 AS SELECT id FROM nowhere;
        DROP VIEW everything;
        ALTER TABLE fills ALTER COLUMN price TYPE numeric(12,2);
        DROP VIEW IF EXISTS everything;
        ALTER TABLE orders DROP COLUMN side CASCADE;
        ALTER TABLE orders ALTER COLUMN status TYPE varchar(20);
        ALTER TABLE orders ALTER COLUMN status TYPE varchar(30);
        DROP SEQUENCE IF EXISTS s1, s2;
    """,
    "other_schema": """
        CREATE SCHEMA crm;
        CREATE TABLE crm.a (id serial PRIMARY KEY, n text UNIQUE);
        CREATE TABLE a (id int PRIMARY KEY, crm_a int REFERENCES crm.a);
        CREATE INDEX ON crm.a (n);
        COMMENT ON COLUMN crm.a.n IS 'in crm';
    """,
}


def _write(tmp_path, name: str, text: str):
    path = tmp_path / f"{name}.sql"
    path.write_text(text)
    return path


def _run(dsn: str, text: str) -> list[int]:
    import psycopg

    failed = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET client_min_messages = warning")
        for statement in split_statements(text):
            try:
                conn.execute(statement.text)
            except psycopg.Error:
                failed.append(statement.line)
    return failed


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_postgres(pg, tmp_path, name):
    path = _write(tmp_path, name, CASES[name])
    dsn = pg.create_database(f"sqlcase_{name}")
    failed = _run(dsn, decode(path.read_bytes()))
    static = schema_to_dict(read_schema("sql", [path], Config(root=tmp_path)))
    actual = {"tables": read_catalog(dsn, "public")["tables"] + read_catalog(dsn, "crm")["tables"]}
    agreement = compare_catalogs(static, actual, names=True, comments=True, labels=("schemalint", "postgres"))
    assert agreement.agreeing == agreement.compared, str(agreement)
    reported = sorted(
        int(d["location"].split(":")[1]) for d in static["diagnostics"] if d["code"] in ("SL402", "SL403")
    )
    assert reported == failed

"""The catalog reader on objects Django's `migrate` never makes: other schemas, generated and
identity columns, every kind of default, foreign keys to tables read and not read, expression,
partial, INCLUDE, hash and operator-class indexes, EXCLUDE, NULLS NOT DISTINCT, deferrable
constraints, partitions, a table without columns, enums, comments. Also what the reader's speed
rests on: a default prints the same without its relation, and the line numbers do not depend
on the counts the tables query gives.
"""

from __future__ import annotations

import textwrap

import psycopg
import pytest

from schemalint.read.database import catalog
from schemalint.read.database.connect import read_only_session
from schemalint.read.database.listing import render

pytestmark = pytest.mark.postgres

SCHEMA = """
CREATE SCHEMA billing;
CREATE SCHEMA other;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE other.ref (id int PRIMARY KEY, code text UNIQUE, "Weird Col" int UNIQUE);
CREATE TABLE billing.acct (
    id serial PRIMARY KEY, a int, b int, name varchar(20) COLLATE "C", m mood DEFAULT 'ok',
    total numeric GENERATED ALWAYS AS (a * 2 + b) STORED, ts timestamptz(3) DEFAULT now() - interval '1 day',
    arr int[] DEFAULT '{1,2}', "Select" text DEFAULT lower('X'), during tstzrange,
    r int REFERENCES other.ref (id) ON DELETE CASCADE ON UPDATE SET NULL, rc text, rw int,
    FOREIGN KEY (rc) REFERENCES other.ref (code),
    FOREIGN KEY (rw) REFERENCES other.ref ("Weird Col") ON DELETE SET DEFAULT,
    CONSTRAINT ck CHECK (a > b AND name <> 'x'), UNIQUE NULLS NOT DISTINCT (a, b),
    EXCLUDE USING gist (during WITH &&), UNIQUE (b) DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE billing.acct IS 'accounts';
COMMENT ON COLUMN billing.acct.total IS 'gen';
CREATE TABLE t1 (id bigint GENERATED ALWAYS AS IDENTITY, x text, y int, PRIMARY KEY (id) INCLUDE (x));
CREATE TABLE t2 (id int PRIMARY KEY, t1 bigint REFERENCES t1, acct int REFERENCES billing.acct (id), z int);
ALTER TABLE t2 DROP COLUMN z;
CREATE INDEX ON t1 (lower(x) text_pattern_ops DESC NULLS LAST, y) INCLUDE (id) WHERE y > 3;
CREATE UNIQUE INDEX t1_x_uq ON t1 USING btree (x COLLATE "C");
CREATE INDEX t1_hash ON t1 USING hash (x);
CREATE INDEX t1_x_0123abcd_like ON t1 (x varchar_pattern_ops);
CREATE TABLE parted (id int, k int, PRIMARY KEY (id, k)) PARTITION BY RANGE (k);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
CREATE TABLE t3 (a int, b int, FOREIGN KEY (a, b) REFERENCES parted (k, id));
CREATE TABLE empty ();
"""

LISTING = """
TABLE empty

TABLE parted
  id integer NOT NULL
  k integer NOT NULL
  PRIMARY KEY parted_pkey (id, k)

TABLE t1
  id bigint NOT NULL GENERATED ALWAYS AS IDENTITY
  x text NULL
  y integer NULL
  PRIMARY KEY t1_pkey (id)
  INDEX t1_hash USING hash (x)
  INDEX t1_lower_y_id_idx USING btree (lower(x) text_pattern_ops DESC, y) INCLUDE (id) WHERE y > 3
  INDEX t1_x_0123abcd_like USING btree (x varchar_pattern_ops)
  UNIQUE INDEX t1_x_uq USING btree (x)

TABLE t2
  id integer NOT NULL
  t1 bigint NULL
  acct integer NULL
  PRIMARY KEY t2_pkey (id)
  FOREIGN KEY t2_acct_fkey (acct) REFERENCES billing.acct(id) ON DELETE NO ACTION
  FOREIGN KEY t2_t1_fkey (t1) REFERENCES t1(id) ON DELETE NO ACTION

TABLE t3
  a integer NULL
  b integer NULL
  FOREIGN KEY t3_a_b_fkey (a, b) REFERENCES parted(k, id) ON DELETE NO ACTION
  FOREIGN KEY t3_a_b_fkey1 (a, b) REFERENCES parted_1(k, id) ON DELETE NO ACTION

TABLE billing.acct  COMMENT 'accounts'
  id integer NOT NULL DEFAULT nextval('billing.acct_id_seq'::regclass)
  a integer NULL
  b integer NULL
  name character varying(20) NULL
  m mood NULL DEFAULT 'ok'::mood
  total numeric NULL GENERATED ALWAYS AS (((a * 2) + b)) STORED COMMENT 'gen'
  ts timestamp(3) with time zone NULL DEFAULT (now() - '1 day'::interval)
  arr integer[] NULL DEFAULT '{1,2}'::integer[]
  Select text NULL DEFAULT lower('X'::text)
  during tstzrange NULL
  r integer NULL
  rc text NULL
  rw integer NULL
  PRIMARY KEY acct_pkey (id)
  FOREIGN KEY acct_r_fkey (r) REFERENCES other.ref(id) ON DELETE CASCADE
  FOREIGN KEY acct_rc_fkey (rc) REFERENCES other.ref(code) ON DELETE NO ACTION
  FOREIGN KEY acct_rw_fkey (rw) REFERENCES other.ref(Weird Col) ON DELETE SET DEFAULT
  UNIQUE acct_a_b_key (a, b)
  UNIQUE acct_b_key (b)
  EXCLUDE acct_during_excl EXCLUDE USING gist (during WITH &&)
  CHECK ck a > b AND name::text <> 'x'::text
"""


@pytest.fixture(scope="module")
def dsn(pg) -> str:
    dsn = pg.create_database("catalog_kinds")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SCHEMA)
    return dsn


def read(dsn: str):
    with read_only_session(dsn, 30) as conn:
        return catalog.read_catalog(conn, ("public", "billing"), "public")


def test_every_kind_of_object_is_read(dsn):
    tables, enums, properties = read(dsn)
    assert render(tables) == textwrap.dedent(LISTING).lstrip()
    by_name = {t.name: t for t in tables}
    acct, t1 = by_name["acct"], by_name["t1"]
    assert [(fk.name, fk.on_update, fk.ref_schema) for fk in acct.foreign_keys] == [
        ("acct_r_fkey", "SET NULL", "other"),
        ("acct_rc_fkey", "NO ACTION", "other"),
        ("acct_rw_fkey", "NO ACTION", "other"),
    ]
    assert [(c.name, c.nulls_distinct, c.deferrable, c.implicit) for c in acct.constraints] == [
        ("acct_a_b_key", False, False, True),
        ("acct_b_key", True, True, True),
        ("acct_during_excl", None, False, True),
        ("ck", None, False, False),
    ]
    assert [(c.name, c.generated, c.default) for c in acct.columns if c.name in ("total", "id")] == [
        ("id", None, "nextval('billing.acct_id_seq'::regclass)"),
        ("total", "((a * 2) + b)", None),
    ]
    assert [(ix.name, ix.origin, ix.implicit) for ix in t1.indexes] == [
        ("t1_hash", "index", False),
        ("t1_lower_y_id_idx", "index", True),
        ("t1_x_0123abcd_like", "like", True),
        ("t1_x_uq", "index", False),
    ]
    assert [(e.name, e.labels, e.schema) for e in enums] == [("mood", ("sad", "ok", "happy"), None)]
    assert set(properties) == {"server_version"}


def test_every_object_is_located_on_its_line_of_the_listing(dsn):
    tables, _, _ = read(dsn)
    lines = render(tables).split("\n")
    for table in tables:
        assert lines[table.location.line - 1].startswith(f"TABLE {table.qualified_name}")
        for obj in (*table.columns, table.primary_key, *table.foreign_keys, *table.constraints, *table.indexes):
            if obj is not None:
                assert f" {obj.name} " in lines[obj.location.line - 1] + " ", obj


def test_a_default_prints_alike_without_its_relation(dsn):
    """The columns query prints defaults with `pg_get_expr(adbin, 0)`: no relation to open."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT pg_get_expr(ad.adbin, ad.adrelid), pg_get_expr(ad.adbin, 0) FROM pg_attrdef ad "
            "JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum WHERE a.attgenerated = ''"
        ).fetchall()
    assert len(rows) >= 5
    assert [with_relation for with_relation, _ in rows] == [without for _, without in rows]


def test_lines_follow_the_rows_when_the_counts_disagree(dsn, monkeypatch):
    """The tables query counts each table's objects, so that each kind can be numbered as its
    rows arrive; should a count be off, the objects are numbered by the rows themselves."""
    expected = read(dsn)
    monkeypatch.setattr(catalog, "TABLES_SQL", catalog.TABLES_SQL.replace("AS objects", "- 1 AS objects"))
    assert read(dsn) == expected

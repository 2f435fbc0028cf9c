"""The change printers of `schemalint.postgres.ddl` (what `check --fix` appends to a
schema.sql), with names that need quoting and a non-default schema: the statements run twice
with `psql -v ON_ERROR_STOP=1`, and PostgreSQL then holds what the SQL reader reads from them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from schemalint.model import Column, Constraint, ForeignKey, Index, PrimaryKey, Table
from schemalint.postgres import ddl
from schemalint.read.sql.apply import link_facts
from schemalint.read.sql.extract import extract_text
from schemalint.report.dump import schema_to_dict
from tests.support.catalog import compare_catalogs, read_catalog
from tests.support.pg import find_bin_dir

ORDER = Table(
    "Order",
    "crm",
    columns=(Column("id", "bigint", False), Column("select", "text"), Column("drop me", "integer")),
    primary_key=PrimaryKey(("id",), "Order_pkey"),
)
PARENT = Table(
    "parent", "crm", columns=(Column("id", "bigint", False),), primary_key=PrimaryKey(("id",), "parent_pkey")
)
# The table as the changes below leave it (an index printer tells columns from expressions by it).
GROWN = Table(
    "Order",
    "crm",
    columns=(*ORDER.columns, Column("User Name", "character varying(40)"), Column("parent_id", "bigint")),
)
OLD = Table("Old Name", "crm", columns=(Column("id", "integer"),))


def script() -> str:
    statements = [
        ddl.create_schema("crm", idempotent=True),
        *ddl.table_statements(PARENT, idempotent=True),
        *ddl.table_statements(ORDER, idempotent=True),
        *ddl.table_statements(OLD, idempotent=True),
        ddl.add_column(ORDER, Column("User Name", "character varying(20)", False, "'it''s'::character varying")),
        ddl.add_column(ORDER, Column("parent_id", "bigint")),
        ddl.alter_column_type(ORDER, "select", "integer", "text"),
        ddl.alter_column_nullable(ORDER, "select", False),
        ddl.alter_column_default(ORDER, "select", "0"),
        ddl.alter_column_type(ORDER, "User Name", "character varying(40)", "character varying(20)"),
        ddl.set_column_comment(ORDER, "select", "a reserved word's column"),
        ddl.set_table_comment(ORDER, "it's a table"),
        ddl.create_index(ORDER, Index("Order select idx", ("select",)), idempotent=True),
        ddl.create_index(GROWN, Index("Order_gone_idx", ("User Name",)), idempotent=True),
        ddl.add_constraint(ORDER, Constraint("Order check", "check", ("select",), '"select" >= 0'), idempotent=True),
        ddl.add_constraint(ORDER, Constraint("Order_gone", "unique", ("select",)), idempotent=True),
        ddl.add_foreign_key(
            ORDER,
            ForeignKey(("parent_id",), "parent", ("id",), "CASCADE", name="Order parent", ref_schema="crm"),
            idempotent=True,
        ),
        ddl.drop_column(ORDER, "drop me"),
        ddl.drop_index(ORDER, Index("Order_gone_idx", ("User Name",))),
        ddl.drop_unique(ORDER, Constraint("Order_gone", "unique", ("select",))),
        ddl.rename_table(OLD, "New Name"),
        ddl.alter_column_default(ORDER, "select", None),
        ddl.set_column_comment(ORDER, "User Name", None),
    ]
    assert all(s is not None for s in statements)
    return "\n".join(str(s) for s in statements) + "\n"


def test_plain_default_drops_only_the_cast_to_the_columns_own_type():
    assert ddl.plain_default("'US'::character varying", "character varying(2)") == "'US'"
    assert ddl.plain_default("'it''s'::text", "text") == "'it''s'"
    assert ddl.plain_default("'2020-01-01'::date", "timestamp with time zone") == "'2020-01-01'::date"
    assert ddl.plain_default("now()", "timestamp with time zone") == "now()"


def test_a_type_change_casts_only_across_families():
    assert "USING" not in ddl.alter_column_type(ORDER, "x", "character varying(40)", "character varying(20)")
    assert ddl.alter_column_type(ORDER, "select", "integer", "text").endswith('USING "select"::integer;')


def psql(dsn: str, path: Path) -> None:
    done = subprocess.run(
        [str(find_bin_dir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"{done.stderr}\n{path.read_text()}"


@pytest.mark.postgres
def test_change_printers_run_twice_and_read_as_postgres_builds(pg, tmp_path):
    """The second run succeeds and changes nothing, but for one thing a cumulative script
    does: its own CREATE TABLE IF NOT EXISTS creates the renamed table's old name again (the
    guarded rename then leaves both alone)."""
    text = script()
    path = tmp_path / "changes.sql"
    path.write_text(text, encoding="utf-8")
    dsn = pg.create_database("ddl_changes")
    psql(dsn, path)
    schema = link_facts([extract_text(text, "changes.sql", "postgres", "public")])
    assert [d.message for d in schema.diagnostics] == []
    first = read_catalog(dsn, "crm")
    assert {t["name"] for t in first["tables"]} == {"Order", "parent", "New Name"}
    agreement = compare_catalogs(schema_to_dict(schema), first, names=True, comments=True)
    assert agreement.rate == 1.0, str(agreement)
    psql(dsn, path)
    second = read_catalog(dsn, "crm")
    assert [t for t in second["tables"] if t["name"] != "Old Name"] == first["tables"]


def test_table_statements_are_what_export_prints_for_one_table():
    from schemalint.model import Schema
    from schemalint.report.export import ExportOptions, export_ddl

    exported = export_ddl(Schema("sql", tables=(PARENT,)), ExportOptions(idempotent=True))
    for statement in ddl.table_statements(PARENT, idempotent=True):
        assert statement in exported

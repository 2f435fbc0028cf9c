"""The export's DDL for unknown parts: never guessed, never a statement PostgreSQL rejects."""

from __future__ import annotations

from schemalint.model import Column, Constraint, ForeignKey, Index, PrimaryKey, Schema, Table
from schemalint.postgres.ddl import reparseable
from schemalint.report.export import ExportOptions, export_ddl


def _schema() -> Schema:
    table = Table(
        "stocks",
        columns=(
            Column("id", "bigint", False, identity="by default"),
            Column("symbol", "", False, unknown=("type",)),
            Column("price", "numeric(12,2)", True, default="0", unknown=("default",)),
            Column("owner_id", "", True, unknown=("type", "references")),
        ),
        primary_key=PrimaryKey(("id",), "stocks_pkey"),
        indexes=(Index("stocks_symbol_idx", ("symbol",)), Index("stocks_price_idx", ("price",))),
        constraints=(Constraint("stocks_symbol_key", "unique", ("symbol",)),),
        foreign_keys=(ForeignKey(("owner_id",), "owners", ("id",), name="stocks_owner_fk"),),
    )
    return Schema("django", tables=(table,))


def test_a_column_of_unknown_type_and_what_stands_on_it_are_comments():
    ddl = export_ddl(_schema())
    assert "    -- unknown: type of column symbol could not be resolved statically (see SL002)" in ddl
    assert "symbol character" not in ddl and "symbol ," not in ddl
    assert "-- unknown: columns of index stocks_symbol_idx of stocks" in ddl
    assert "-- unknown: columns of constraint stocks_symbol_key of stocks" in ddl
    assert "-- unknown: columns of foreign key stocks_owner_fk of stocks" in ddl
    assert "CREATE INDEX stocks_price_idx ON stocks (price);" in ddl


def test_an_unknown_default_is_left_out_and_said():
    ddl = export_ddl(_schema())
    assert "price numeric(12,2)," in ddl  # no DEFAULT 0: that value is a placeholder
    assert "-- unknown: default of column price" in ddl


def test_commas_stay_right_around_comment_lines():
    ddl = export_ddl(_schema(), ExportOptions(idempotent=True))
    body = ddl[ddl.index("CREATE TABLE IF NOT EXISTS stocks (") :]
    body = body[: body.index(");") + 2]
    definitions = [line.strip() for line in body.splitlines()[1:-1] if not line.strip().startswith("--")]
    assert all(line.endswith(",") for line in definitions[:-1]) and not definitions[-1].endswith(",")


def test_arrays_of_casted_elements_are_printed_to_parse_back_the_same():
    printed = "(city)::text = ANY (ARRAY['Oslo'::character varying, 'Bergen'::character varying]::text[])"
    assert reparseable(printed) == (
        "(city)::text = ANY (ARRAY['Oslo'::character varying, 'Bergen'::character varying]::character varying[]::text[])"
    )
    assert reparseable("x = ANY (ARRAY['a'::text, 'b'::text])") == "x = ANY (ARRAY['a'::text, 'b'::text])"

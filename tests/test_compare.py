"""The compare stage on hand-built schemas: what pairs with what."""

from __future__ import annotations

import pytest

from schemalint.compare import compare, model_matches
from schemalint.compare.normalize import default, expression
from schemalint.config import Config
from schemalint.model import Column, Schema, Table
from schemalint.postgres.types import normalize_type


def table(name, *cols, model=None, mirrors=None):
    return Table(name=name, columns=tuple(Column(c, "integer") for c in cols), model=model, mirrors=mirrors)


TRUTH = Schema(
    "django", (table("stocks", "id", "symbol", model="options.Stock"), table("auth_user", "id", model="auth.User"))
)


def test_tables_pair_by_name_and_columns_by_name():
    mirror = Schema("sql", (table("stocks", "id", "legacy"),))
    cmp = compare(TRUTH, mirror, Config())
    [pair] = cmp.pairs
    assert pair.paired_by == "name"
    assert [c.truth.name for c in pair.columns] == ["id"]
    assert [c.name for c in pair.missing_columns] == ["symbol"]
    assert [c.name for c in pair.extra_columns] == ["legacy"]
    assert [t.name for t in cmp.missing_tables] == ["auth_user"]


def test_docstring_pairs_a_renamed_table():
    mirror = Schema("sqlalchemy", (table("stock", "id", "symbol", mirrors="apps.options.models.Stock"),))
    cmp = compare(TRUTH, mirror, Config())
    assert [(p.truth.name, p.mirror.name, p.paired_by) for p in cmp.pairs] == [("stocks", "stock", "mirrors")]
    assert cmp.extra_tables == ()


def test_config_pairs_win_over_names():
    mirror = Schema("sql", (table("stocks", "id"), table("stock_quotes", "id", "symbol")))
    cmp = compare(TRUTH, mirror, Config(pairs=(("stocks", "stock_quotes"),)))
    assert [(p.truth.name, p.mirror.name, p.paired_by) for p in cmp.pairs] == [("stocks", "stock_quotes", "config")]
    assert [t.name for t in cmp.extra_tables] == ["stocks"]


def test_ignored_tables_and_columns_take_no_part():
    mirror = Schema("sql", (table("stocks", "id"),))
    cmp = compare(TRUTH, mirror, Config(ignore_tables=("auth_*",), ignore_columns=("stocks.sym*",)))
    assert cmp.missing_tables == ()
    assert cmp.pairs[0].missing_columns == ()


def test_unknown_docstring_model_is_recorded():
    mirror = Schema("sqlalchemy", (table("ghosts", "id", mirrors="apps.options.models.Ghost"),))
    assert [t.name for t in compare(TRUTH, mirror, Config()).unknown_mirrors] == ["ghosts"]


@pytest.mark.parametrize(
    "model, reference, expected",
    [
        ("options.Stock", "apps.options.models.Stock", True),
        ("options.Stock", "options.Stock", True),
        ("options.Stock", "Stock", True),
        ("options.Stock", "apps.strategies.models.Stock", False),
        ("options.Stock", "apps.options.models.Stocks", False),
        (None, "Stock", False),
    ],
)
def test_model_reference_matching(model, reference, expected):
    assert model_matches(model, reference) is expected


def test_type_equivalences_from_config():
    cmp = compare(TRUTH, Schema("sql"), Config(types=(("text", "varchar"), ("app.fields.Money", "numeric(12,2)"))))
    assert cmp.same_type("text", "character varying")
    assert not cmp.same_type("text", "integer")


@pytest.mark.parametrize(
    "a, b",
    [
        ("'draft'::character varying", "'draft'"),
        ("CURRENT_TIMESTAMP", "now()"),
        ("STATEMENT_TIMESTAMP()", "now()"),
        ("(0)", "0"),
    ],
)
def test_defaults_compare_by_meaning(a, b):
    assert default(Column("c", "text", default=a)) == default(Column("c", "text", default=b))


def test_serial_and_identity_are_both_autoincrement():
    serial = Column("id", "integer", default="nextval('t_id_seq'::regclass)")
    identity = Column("id", "integer", identity="by default")
    assert default(serial) == default(identity) == "<auto>"
    assert default(Column("id", "integer")) is None


def test_expression_normalisation_keeps_function_calls():
    assert expression('("qty" >= 0)') == "qty>=0"
    assert expression("(status)::text = 'open'::text") == "status='open'"
    assert expression("lower(name)") == "lower(name)"


@pytest.mark.parametrize(
    "written, spelled",
    [
        ("VARCHAR(10)", "character varying(10)"),
        ("int8", "bigint"),
        ("BIGSERIAL", "bigint"),
        ("timestamptz", "timestamp with time zone"),
        ("TIMESTAMP", "timestamp without time zone"),
        ("timestamp(3) with time zone", "timestamp(3) with time zone"),
        ("DECIMAL(10, 2)", "numeric(10,2)"),
        ("float(24)", "real"),
        ("float", "double precision"),
        ("int[]", "integer[]"),
        ("character(3)", "character(3)"),
        ("bool", "boolean"),
    ],
)
def test_type_spellings(written, spelled):
    assert normalize_type(written) == spelled

"""The rule API: typed contexts per level, `ctx.report` defaults, per-level dispatch, diagnostic
kinds claimed by rules, and how a rule that breaks the contract is reported."""

from __future__ import annotations

import pytest

from schemalint.compare import compare
from schemalint.config import Config
from schemalint.context import ColumnContext, SchemaContext, TableContext
from schemalint.dispatch import check_target
from schemalint.model import Column, Diagnostic, Location, PrimaryKey, Schema, Table
from schemalint.registry import PluginError, Rule, diagnostic_codes, load_rules, rule, rules_in_module


def _table(source: str, nullable: bool, path: str) -> Table:
    return Table(
        name="stocks",
        columns=(
            Column("id", "bigint", nullable=False, location=Location(path, 2, 5)),
            Column("note", "text", nullable=nullable, location=Location(path, 3, 5)),
        ),
        primary_key=PrimaryKey(("id",)),
        location=Location(path, 1, 1),
    )


TRUTH = Schema("sql", (_table("sql", True, "truth.sql"),), files=("truth.sql",))
MIRROR = Schema("sqlalchemy", (_table("sqlalchemy", False, "models.py"),), files=("models.py",))


def _rule(func, **kwargs) -> Rule:
    spec = vars(func)["__schemalint_rule__"]
    return Rule(check=func, module=__name__, **{**spec, **kwargs})


def test_a_column_rule_is_called_per_comparable_column_and_reports_with_the_levels_defaults():
    seen: list[str] = []

    @rule("XT001", "note", "test", level="column", compares=("nullable",))
    def note(ctx: ColumnContext) -> None:
        seen.append(ctx.truth_column.name)
        if ctx.truth_column.nullable != ctx.mirror_column.nullable:
            ctx.report(
                f"{ctx.mirror_name}: {ctx.truth_words.nullability(ctx.truth_column.nullable)} in {ctx.truth_title}"
            )

    [v] = check_target(_rule(note), compare(TRUTH, MIRROR, Config()))
    assert seen == ["id", "note"]
    # The truth is schema.sql here: the words are its own, never Django's.
    assert v.message == "stocks.note: NULL in schema.sql"
    assert (v.location, v.table, v.column, v.related) == (
        Location("models.py", 3, 5),
        "stocks",
        "note",
        (Location("truth.sql", 3, 5),),
    )


def test_a_column_rule_is_not_called_where_a_part_it_compares_is_unknown():
    calls: list[str] = []

    @rule("XT002", "count", "test", level="column", compares=("type",))
    def count(ctx: ColumnContext) -> None:
        calls.append(ctx.truth_column.name)

    unknown = Schema("sqlalchemy", (_table_with_unknown_type(),), files=("models.py",))
    check_target(_rule(count), compare(TRUTH, unknown, Config()))
    assert calls == ["id"]


def _table_with_unknown_type() -> Table:
    table = _table("sqlalchemy", True, "models.py")
    id_, note = table.columns
    from dataclasses import replace

    return replace(table, columns=(id_, replace(note, unknown=("type",))))


def test_a_table_rule_defaults_to_the_mirror_table_and_a_fix_addressed_to_its_file():
    @rule("XT003", "table", "test", level="table")
    def table(ctx: TableContext) -> None:
        ctx.report("here", fix=ctx.mirror_fix("do nothing", "display"), column=None)

    [v] = check_target(_rule(table), compare(TRUTH, MIRROR, Config()))
    assert (v.location, v.table, v.column, v.related) == (
        Location("models.py", 1, 1),
        "stocks",
        None,
        (Location("truth.sql", 1, 1),),
    )
    assert v.fix is not None and (v.fix.source, v.fix.path, v.fix.applicability) == (
        "sqlalchemy",
        "models.py",
        "display",
    )


def test_a_schema_rule_reports_the_diagnostic_kinds_it_claims():
    @rule("XT004", "claims", "test", level="schema", claims=("unresolved",))
    def claims(ctx: SchemaContext) -> None:
        ctx.report_diagnostics()

    schema = Schema(
        "sql",
        diagnostics=(
            Diagnostic("unresolved", "cannot tell", Location("a.sql", 3, 1), "t", "c"),
            Diagnostic("unreadable", "broken", Location("a.sql", 1, 1)),
        ),
    )
    [v] = check_target(_rule(claims), schema)
    assert (v.message, v.location, v.table, v.column) == ("cannot tell", Location("a.sql", 3, 1), "t", "c")


def test_a_diagnostic_of_an_unknown_kind_is_refused_at_construction():
    # Readers name a kind; a rule code there is a merge that missed the rename.
    with pytest.raises(ValueError, match="unknown diagnostic kind 'SL002'"):
        Diagnostic("SL002", "message", Location("a.py", 1, 1))


def test_every_diagnostic_kind_is_claimed_by_exactly_one_built_in_rule():
    from schemalint.model import DIAGNOSTIC_KINDS

    codes = diagnostic_codes(load_rules())
    assert set(codes) == DIAGNOSTIC_KINDS
    assert codes["unresolved"] == "SL002" and codes["unreadable"] == "SL001"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"level": "file"}, "rule level must be one of"),
        ({"level": "table", "compares": ("type",)}, "only a column rule"),
        ({"level": "schema", "claims": ("SL002",)}, "unknown diagnostic kind"),
        ({"level": "table", "claims": ("unresolved",)}, "only a schema rule"),
    ],
)
def test_a_rule_declared_wrongly_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rule("XT005", "wrong", "test", **kwargs)


def test_a_rule_that_yields_instead_of_reporting_is_an_error_naming_the_contract():
    @rule("XT006", "old-style", "test", level="table")
    def old_style(ctx):
        yield None

    with pytest.raises(TypeError, match=r"reports with ctx.report"):
        check_target(_rule(old_style), compare(TRUTH, MIRROR, Config()))


def test_two_rules_cannot_claim_one_kind(monkeypatch):
    import types

    module = types.ModuleType("xt_claims")

    @rule("XT007", "again", "test", level="schema", claims=("unresolved",))
    def again(ctx):
        pass

    again.__module__ = module.__name__
    module.again = again  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "xt_claims", module)
    assert [r.code for r in rules_in_module(module)] == ["XT007"]
    with pytest.raises(PluginError, match="claimed twice"):
        load_rules(["xt_claims"])

"""schemalint.testing runs a plugin's VALID/INVALID cases exactly as the built-in rules' (the
example plugin's cases pass), and a wrong case fails, saying why: from Python, as a pytest test
and as `schemalint test-rules`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemalint.cli import main
from schemalint.testing import CaseFailure, RuleCase, cases_of, check_case, rule_case_tests, rules_of, run_cases

PLUGIN_SOURCE = Path(__file__).parent / "plugin_example"
EXAMPLE = "schemalint_example_plugin.rules"


@pytest.fixture
def example(monkeypatch):
    """The example plugin's only rule (XMP101), importable as if installed."""
    monkeypatch.syspath_prepend(str(PLUGIN_SOURCE))
    [rule] = rules_of([EXAMPLE])
    return rule


def test_the_example_plugins_cases_run_and_pass(example):
    outcome = list(run_cases([example]))
    assert [(c.id, failure) for c, failure in outcome] == [("XMP101-valid-0", None), ("XMP101-invalid-0", None)]


def _wrong(rule):
    """The example rule's cases, each spoilt in one way, with what the runner must say."""
    invalid = rule.invalid[0]
    return [
        (replace(rule, valid=(invalid,)), True, "a VALID case gave findings"),
        (replace(rule, invalid=(replace(invalid, expect=("django:4",)),)), False, "expected findings at"),
        (replace(rule, invalid=(replace(invalid, message="no such words"),)), False, "lacks 'no such words'"),
        (replace(rule, invalid=(replace(invalid, expect=()),)), False, "must say where it reports"),
        (replace(rule, invalid=(replace(invalid, expect=("models:3",)),)), False, "must look like 'sqlalchemy:7'"),
        (replace(rule, invalid=(replace(invalid, config=(("no-such-key", 1),)),)), False, "config is not valid"),
    ]


@pytest.mark.parametrize("spoilt", range(6))
def test_a_wrong_case_fails_and_says_why(example, spoilt, tmp_path):
    rule, valid, message = _wrong(example)[spoilt]
    [rule_case] = [c for c in cases_of([rule]) if c.valid == valid]
    with pytest.raises(CaseFailure, match=message.replace("(", r"\(")):
        check_case(rule, rule_case.case, tmp_path, valid=valid)


def test_the_pytest_helper_makes_one_test_per_case_and_fails_on_a_wrong_one(example, tmp_path):
    test = rule_case_tests(EXAMPLE)
    [parametrize] = [m for m in test.pytestmark if m.name == "parametrize"]
    assert [p.id for p in parametrize.args[1]] == ["XMP101-valid-0", "XMP101-invalid-0"]
    wrong = replace(example, valid=example.invalid)
    with pytest.raises(AssertionError, match="a VALID case gave findings"):
        test(RuleCase(wrong, wrong.valid[0], True, 0), tmp_path)


def test_source_of_truth_is_a_case_config_key_as_in_pyproject(example, tmp_path):
    # With SQLAlchemy as the truth, its table (which has no comment) is reported, not Django's.
    case = replace(
        example.invalid[0],
        sqlalchemy="""
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "shop_stock"
                id = Column(Integer, primary_key=True)
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sqlalchemy:6",),
    )
    check_case(example, case, tmp_path, valid=False)


TEAM_RULES = '''
from schemalint.registry import Case, rule


@rule("TEAM001", "no-name-columns", "Columns called name are ambiguous", level="column")
def no_name_columns(ctx):
    if ctx.truth_column.name == "name" and ctx.truth_column.location:
        ctx.report("column called name", location=ctx.truth_column.location)


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        name = models.TextField()
"""
_SQL = "CREATE TABLE shop_stock (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL);"
VALID = [Case(django=_DJANGO.replace("name", "title"), sql=_SQL.replace("name", "title"))]
INVALID = [Case(django=_DJANGO, sql=_SQL, expect=("django:{line}",))]
'''


@pytest.mark.parametrize("line, exit_code, says", [(4, 0, "2 of 2 cases pass"), (3, 1, "FAILED  TEAM001-invalid-0")])
def test_test_rules_command(tmp_path, monkeypatch, line, exit_code, says):
    module = f"team_rules_line{line}"  # one name per version: a module is imported once per process
    (tmp_path / f"{module}.py").write_text(TEAM_RULES.replace("{line}", str(line)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    run = CliRunner().invoke(main, ["test-rules", module])
    assert run.exit_code == exit_code, run.output
    assert says in run.output


def test_test_rules_command_with_a_module_that_cannot_load(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(main, ["test-rules", "no_such_rules_xyz"])
    assert run.exit_code == 2
    assert "cannot load rule module 'no_such_rules_xyz'" in run.output

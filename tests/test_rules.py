"""Every rule's own VALID and INVALID cases, and the promises every rule keeps."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemalint.cli import main
from schemalint.registry import CODE_PATTERN, DOC_SECTIONS, NAME_PATTERN, load_rules
from schemalint.testing import rule_case_tests

RULES = load_rules()
README = Path(__file__).resolve().parents[1] / "README.md"

# One test per VALID / INVALID case of every registered rule (`SL201-valid-0`), run exactly as a
# plugin's cases run (schemalint.testing). A case that shows a bug being fixed elsewhere goes in
# `known_bugs={"SL402-invalid-1": "why"}` (strict: the entry is removed with the fix).
test_rule_case = rule_case_tests()


def test_codes_are_unique_and_well_formed():
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    assert all(CODE_PATTERN.match(c) for c in codes)
    assert all(NAME_PATTERN.match(r.name) for r in RULES)
    assert len({r.name for r in RULES}) == len(RULES)


NEEDS_A_DATABASE = {"SL601": "tests/database/test_database_mirror.py"}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented_with_cases(rule):
    for section in DOC_SECTIONS:
        assert f"## {section}" in rule.docs, f"{rule.code} docs lack '## {section}'"
    assert rule.summary and not rule.summary.endswith(".")
    if rule.code in NEEDS_A_DATABASE:  # a Case is files only: its reports are proven in its own tests
        assert rule.valid, f"{rule.code} needs VALID cases"
    else:
        assert len(rule.valid) >= 3 and len(rule.invalid) >= 3, f"{rule.code} needs three VALID and three INVALID cases"
    assert all(case.expect for case in rule.invalid), f"{rule.code}: an INVALID case must say where it reports"


# The rules whose findings carry a fix (tests/fix/test_rule_fixes.py checks that exactly these do).
FIXABLE = {
    "SL010", "SL101", "SL102", "SL103", "SL201", "SL202", "SL203", "SL204", "SL206", "SL207",
    "SL208", "SL209", "SL301", "SL302", "SL303", "SL304", "SL401",
}  # fmt: skip


@pytest.mark.parametrize("rule", [r for r in RULES if r.code in FIXABLE], ids=lambda r: r.code)
def test_a_fixable_rule_checks_its_fix_and_says_how(rule):
    expected = {case.fix for case in rule.invalid} - {None, "none"}
    assert expected, f'{rule.code}: at least one INVALID case must say which fix it gets (`fix="safe"`)'
    how = rule.docs.split("## How to fix", 1)[1].split("## ", 1)[0]
    assert "schemalint check --fix" in how, f"{rule.code}: 'How to fix' must mention `schemalint check --fix`"
    if "unsafe" in expected:
        assert "--unsafe-fixes" in how, f"{rule.code}: 'How to fix' must mention `--unsafe-fixes`"


def test_a_rule_without_a_fix_expects_none():
    for rule in RULES:
        if rule.code not in FIXABLE:
            assert all(case.fix in (None, "none") for case in rule.invalid), rule.code


def test_builtin_rules_live_in_schemalint_rules_one_module_per_code():
    builtin = [r for r in RULES if r.module.startswith("schemalint.rules.")]
    assert len({r.module for r in builtin}) == len(builtin)
    for r in builtin:
        assert r.module.rsplit(".", 1)[-1].startswith(r.code.lower() + "_")


def _readme_tool():
    spec = importlib.util.spec_from_file_location(
        "readme_rules", Path(__file__).resolve().parents[1] / "tools/readme_rules.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_rule_table_is_current():
    """If this fails: `python tools/readme_rules.py` rewrites the table."""
    text = README.read_text(encoding="utf-8")
    assert _readme_tool().current_readme(text) == text


def test_readme_tool_rewrites_a_stale_table():
    text = README.read_text(encoding="utf-8")
    stale = re.sub(r"^\| SL204 \|.*\n", "", text, flags=re.M).replace(
        "| SL203 | `type-mismatch`", "| SL203 | `old-name`"
    )
    assert stale != text
    assert _readme_tool().current_readme(stale) == text


def test_rules_as_markdown_from_the_command_line():
    run = CliRunner().invoke(main, ["rules", "--format", "markdown"])
    assert run.exit_code == 0
    lines = run.output.splitlines()
    assert lines[:2] == ["| code | name | severity | what it reports |", "| --- | --- | --- | --- |"]
    assert [line.split(" | ")[0][2:] for line in lines[2:]] == [r.code for r in RULES]
    assert "| SL210 | `on-delete-not-in-database` | warning |" in run.output and "(off by default) |" in run.output

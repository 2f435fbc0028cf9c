"""Every rule's own VALID and INVALID cases, and the promises every rule keeps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemalint.registry import CODE_PATTERN, DOC_SECTIONS, NAME_PATTERN, load_rules
from tests.rule_cases import expected_places, run_case

RULES = load_rules()
VALID = [pytest.param(r, c, id=f"{r.code}-valid-{i}") for r in RULES for i, c in enumerate(r.valid)]
INVALID = [pytest.param(r, c, id=f"{r.code}-invalid-{i}") for r in RULES for i, c in enumerate(r.invalid)]
README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("rule, case", VALID)
def test_valid_case_is_silent(rule, case, tmp_path):
    findings = run_case(rule, case, tmp_path)
    assert findings == []


@pytest.mark.parametrize("rule, case", INVALID)
def test_invalid_case_is_reported_where_expected(rule, case, tmp_path):
    findings = run_case(rule, case, tmp_path)
    assert {(f.path, f.line) for f in findings} == expected_places(case), [str(f) for f in findings]
    if case.message:
        assert case.message in findings[0].message


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
    assert rule.valid, f"{rule.code} needs VALID cases"
    # A Case is files only: a rule about the live database shows its reports in its own tests.
    assert rule.invalid or rule.code in NEEDS_A_DATABASE, f"{rule.code} needs INVALID cases"
    assert all(case.expect for case in rule.invalid), f"{rule.code}: an INVALID case must say where it reports"


def test_builtin_rules_live_in_schemalint_rules_one_module_per_code():
    builtin = [r for r in RULES if r.module.startswith("schemalint.rules.")]
    assert len({r.module for r in builtin}) == len(builtin)
    for r in builtin:
        assert r.module.rsplit(".", 1)[-1].startswith(r.code.lower() + "_")


def test_readme_rule_table_matches_the_registry():
    text = README.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (SL\d{3}) \| `([a-z0-9-]+)` \| (error|warning)", text, re.M)
    builtin = [(r.code, r.name, r.severity) for r in RULES if r.module.startswith("schemalint.rules.")]
    assert rows == builtin

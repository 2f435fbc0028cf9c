"""`check --fix`, `--unsafe-fixes`, `--diff`, `--fix-only` and how every format says a finding
can be fixed: exit codes, what is written, what is printed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from tests.fix.test_fix_projects import SA, SQL, drifted_project
from tests.support.cli import schemalint

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def project(tmp_path):
    # One safe drift in each mirror, one unsafe one in the SQLAlchemy models.
    return drifted_project(tmp_path, ["sa-missing-column", "sql-comment", "sa-extra-column"])


def test_fix_applies_safe_fixes_and_reports_what_remains(project):
    before = {rel: (project / rel).read_text() for rel in (SA, SQL)}
    run = schemalint("check", "--fix", str(project))
    assert run.returncode == 1, run.stderr
    assert [line.split(": ")[1].split()[0] for line in run.stdout.splitlines()] == ["SL202"]
    assert "Fixed 2 findings in 2 files." in run.stderr
    assert "(1 fixable with `--unsafe-fixes`.)" in run.stderr
    assert all((project / rel).read_text() != before[rel] for rel in (SA, SQL))
    assert "    sector = Column(String(100), nullable=True)\n" in (project / SA).read_text()


def test_unsafe_fixes_leave_nothing_and_exit_clean(project):
    run = schemalint("check", "--fix", "--unsafe-fixes", str(project))
    assert (run.returncode, run.stdout) == (0, ""), run.stderr
    assert "Fixed 3 findings in 2 files." in run.stderr
    again = schemalint("check", "--fix", "--unsafe-fixes", str(project))
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


def test_diff_prints_and_writes_nothing(project):
    before = (project / SA).read_text()
    run = schemalint("check", "--diff", str(project))
    assert run.returncode == 1
    assert f"--- a/{SA}\n+++ b/{SA}\n" in run.stdout
    assert "+    sector = Column(String(100), nullable=True)\n" in run.stdout
    assert "retry_count" not in run.stdout  # unsafe: not without --unsafe-fixes
    assert (project / SA).read_text() == before
    assert "Would fix 2 findings in 2 files." in run.stderr


def test_diff_of_a_clean_project_is_empty_and_exits_zero(tmp_path):
    project = tmp_path / "bifrost"
    shutil.copytree(FIXTURES / "bifrost", project)
    run = schemalint("check", "--diff", str(project))
    assert (run.returncode, run.stdout) == (0, "")


def test_fix_only_prints_a_summary(project):
    run = schemalint("check", "--fix-only", str(project))
    assert run.returncode == 0
    assert run.stdout == ""
    assert run.stderr.strip().endswith("Fixed 2 findings in 2 files (1 remaining).")


@pytest.mark.parametrize("other", [["--add-noqa"], ["--statistics"]])
def test_fix_does_not_combine_with(project, other):
    run = schemalint("check", "--fix", *other, str(project))
    assert run.returncode == 2
    assert "cannot be combined" in run.stderr


def test_text_marks_fixable_findings(project):
    lines = schemalint("check", "-q", str(project)).stdout.splitlines()
    marked = {line.split(": ", 1)[1].split()[0]: "[*]" in line for line in lines}
    assert marked == {"SL201": True, "SL202": False, "SL209": True}
    unsafe = schemalint("check", "-q", "--unsafe-fixes", str(project)).stdout
    assert all("[*]" in line for line in unsafe.splitlines())


def test_json_carries_the_fix_with_its_edits(project):
    findings = json.loads(schemalint("check", "--format", "json", str(project)).stdout)
    by_code = {f["code"]: f for f in findings}
    assert by_code["SL202"]["fix"]["applicability"] == "unsafe"
    fix = by_code["SL201"]["fix"]
    assert fix["applicability"] == "safe" and fix["message"] == "add column stocks.sector"
    (edit,) = fix["edits"]
    assert edit["filename"] == SA
    assert edit["content"].strip() == "sector = Column(String(100), nullable=True)"
    assert edit["location"] == edit["end_location"]  # an insertion
    text = (project / SA).read_text().splitlines(keepends=True)
    row, column = edit["location"]["row"], edit["location"]["column"]
    fixed = "".join(text[: row - 1]) + text[row - 1][: column - 1] + edit["content"] + text[row - 1][column - 1 :]
    fixed += "".join(text[row:])
    (project / SA).write_text(fixed)
    after = json.loads(schemalint("check", "--format", "json", str(project)).stdout)
    assert "SL201" not in {f["code"] for f in after}


def test_sarif_fixes_are_valid_sarif(project):
    log = json.loads(schemalint("check", "--format", "sarif", str(project)).stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    (fix,) = results["SL209"]["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == SQL
    assert "COMMENT ON COLUMN option_snapshots.raw_chain" in change["replacements"][0]["insertedContent"]["text"]

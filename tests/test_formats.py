"""Every output format, on findings that point into files on disk."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from schemalint.findings import Finding
from schemalint.model import Location
from schemalint.registry import load_rules
from schemalint.report import FORMATS, ReportContext, get_formatter
from schemalint.report.statistics import count_by_code, format_statistics

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

DJANGO = "app_django/apps/options/models.py"
SQLALCHEMY = "src/database/models.py"
SQL = "scripts/database/schema.sql"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = {
        DJANGO: "from django.db import models\n\nclass Stock(models.Model):\n    symbol = models.CharField(max_length=10)\n",
        SQLALCHEMY: "class Stock(Base):\n    __tablename__ = 'stocks'\n    symbol = Column(String(10), nullable=True)\n",
        SQL: "CREATE TABLE stocks (\n    symbol VARCHAR(10)\n);\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def _findings() -> list[Finding]:
    truth = Location(DJANGO, 4, 5)
    return [
        Finding(
            SQL,
            2,
            5,
            "SL204",
            "stocks.symbol is NULL here but null=False, with a comma: and colon",
            severity="error",
            rule="nullability-mismatch",
            table="stocks",
            column="symbol",
            source="sql",
            related=(truth,),
        ),
        Finding(
            SQLALCHEMY,
            3,
            5,
            "SL204",
            "stocks.symbol is NULL here\nbut 100% NOT NULL there",
            severity="error",
            rule="nullability-mismatch",
            table="stocks",
            column="symbol",
            source="sqlalchemy",
            related=(truth, Location(SQL, 2, 5)),
        ),
        Finding(
            SQLALCHEMY, 1, 1, "XMP101", "plugin says hi", severity="warning", rule="example-rule", source="sqlalchemy"
        ),
    ]


def _context(root: Path, color: bool = False) -> ReportContext:
    rules = tuple(r for r in load_rules() if r.code in ("SL204", "SL010"))
    sources = {DJANGO: "django", SQLALCHEMY: "sqlalchemy", SQL: "sql"}
    return ReportContext(root=root, rules=rules, color=color, tool_version="9.9", extra={"sources": sources})


def _render(name: str, root: Path, findings=None, color=False) -> str:
    return get_formatter(name)(_findings() if findings is None else findings, _context(root, color))


def test_every_format_is_registered():
    assert set(FORMATS) == {"text", "full", "json", "sarif", "github", "gitlab"}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_no_findings(project, name):
    out = _render(name, project, findings=[])
    if name in ("text", "full", "github"):
        assert out == ""
    else:
        json.loads(out)


def test_text(project):
    assert _render("text", project).splitlines() == [
        f"{SQL}:2:5: SL204 stocks.symbol is NULL here but null=False, with a comma: and colon",
        f"{SQLALCHEMY}:3:5: SL204 stocks.symbol is NULL here",
        "but 100% NOT NULL there",
        f"{SQLALCHEMY}:1:1: XMP101 plugin says hi",
    ]


def test_text_colour_only_when_asked(project):
    plain = _render("text", project)
    coloured = _render("text", project, color=True)
    assert "\033[" not in plain and "\033[" in coloured
    assert re.sub(r"\033\[[0-9;]*m", "", coloured) == plain


def test_full_shows_every_side(project):
    out = _render("full", project, findings=_findings()[1:2])
    assert out.splitlines() == [
        f"{SQLALCHEMY}:3:5: SL204 stocks.symbol is NULL here",
        "but 100% NOT NULL there",
        f"    = sqlalchemy: {SQLALCHEMY}:3:5",
        "  3 |     symbol = Column(String(10), nullable=True)",
        "    |     ^",
        f"    = django: {DJANGO}:4:5",
        "  4 |     symbol = models.CharField(max_length=10)",
        "    |     ^",
        f"    = sql: {SQL}:2:5",
        "  2 |     symbol VARCHAR(10)",
        "    |     ^",
    ]


def test_full_survives_a_missing_file_and_uses_stdin_text(project):
    (project / DJANGO).unlink()
    finding = _findings()[1]
    context = _context(project)
    context.extra["overrides"] = {SQLALCHEMY: b"a\nb\n    symbol = Column(String(10))  # unsaved\n"}
    out = get_formatter("full")([finding], context)
    assert "  3 |     symbol = Column(String(10))  # unsaved" in out
    assert f"    = django: {DJANGO}:4:5" in out  # header kept, no source line


def test_json(project):
    data = json.loads(_render("json", project))
    assert [(d["code"], d["filename"], d["line"], d["col"]) for d in data] == [
        ("SL204", SQL, 2, 5),
        ("SL204", SQLALCHEMY, 3, 5),
        ("XMP101", SQLALCHEMY, 1, 1),
    ]
    assert data[0]["related"] == [{"filename": DJANGO, "line": 4, "col": 5}]


def test_sarif_is_valid_sarif_2_1_0(project):
    schema = json.loads(SARIF_SCHEMA.read_text())
    log = json.loads(_render("sarif", project))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "schemalint" and run["tool"]["driver"]["version"] == "9.9"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"SL010", "SL204"}
    # help text comes from the rule's docs, with its fixed sections
    assert "How to silence" in rules["SL204"]["help"]["text"]
    assert rules["SL204"]["defaultConfiguration"]["level"] == "error"
    first, second, plugin = run["results"]
    assert first["ruleId"] == "SL204" and run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "SL204"
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == SQL
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 2, "startColumn": 5}
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in second["relatedLocations"]] == [DJANGO, SQL]
    assert plugin["level"] == "warning" and "ruleIndex" not in plugin  # XMP101 is not in the rule list given


def test_sarif_without_findings_is_valid(project):
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(json.loads(_render("sarif", project, findings=[])))


def test_github_annotations(project):
    lines = _render("github", project).splitlines()
    assert lines == [
        f"::error file={SQL},line=2,col=5,title=SL204::SL204 stocks.symbol is NULL here but null=False, with a comma: and colon",
        f"::error file={SQLALCHEMY},line=3,col=5,title=SL204::SL204 stocks.symbol is NULL here%0Abut 100%25 NOT NULL there",
        f"::warning file={SQLALCHEMY},line=1,col=1,title=XMP101::XMP101 plugin says hi",
    ]


def test_github_escapes_properties(project):
    finding = Finding("weird,dir:x/models.py", 1, 1, "SL204", "m")
    assert (
        _render("github", project, findings=[finding])
        == "::error file=weird%2Cdir%3Ax/models.py,line=1,col=1,title=SL204::SL204 m\n"
    )


def test_gitlab_code_quality(project):
    report = json.loads(_render("gitlab", project))
    assert [set(item) for item in report] == [{"description", "check_name", "fingerprint", "severity", "location"}] * 3
    assert report[0]["location"] == {"path": SQL, "lines": {"begin": 2}}
    assert [r["check_name"] for r in report] == ["SL204", "SL204", "XMP101"]
    assert [r["severity"] for r in report] == ["major", "major", "minor"]
    assert len({r["fingerprint"] for r in report}) == 3


def test_gitlab_fingerprint_is_stable_across_line_moves_and_unique_for_duplicates(project):
    finding = _findings()[0]
    moved = Finding(
        finding.path, finding.line + 10, finding.col, finding.code, finding.message, table="stocks", column="symbol"
    )
    same = Finding(
        finding.path, finding.line, finding.col, finding.code, finding.message, table="stocks", column="symbol"
    )
    one = json.loads(_render("gitlab", project, findings=[same]))[0]["fingerprint"]
    two = json.loads(_render("gitlab", project, findings=[moved]))[0]["fingerprint"]
    assert one == two
    twins = json.loads(_render("gitlab", project, findings=[same, moved]))
    assert twins[0]["fingerprint"] != twins[1]["fingerprint"]


def test_statistics():
    findings = _findings()
    assert count_by_code(findings) == [("SL204", "nullability-mismatch", 2), ("XMP101", "example-rule", 1)]
    assert format_statistics(findings) == "2  SL204  nullability-mismatch\n1  XMP101  example-rule\n"
    assert json.loads(format_statistics(findings, as_json=True))[0] == {
        "code": "SL204",
        "name": "nullability-mismatch",
        "count": 2,
    }

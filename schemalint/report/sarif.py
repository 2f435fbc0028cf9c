"""`--format sarif`: a SARIF 2.1.0 log (GitHub code scanning, GitLab, IDE viewers).

Every rule that ran is listed in `tool.driver.rules` with its summary and its documentation
as help text, so a viewer can explain a result without schemalint installed."""

from __future__ import annotations

import json
from typing import Any

from schemalint.findings import Finding
from schemalint.model import Location
from schemalint.registry import Rule
from schemalint.report import ReportContext

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning"}


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _rule_descriptor(rule: Rule) -> dict:
    docs = rule.docs or rule.summary
    return {
        "id": rule.code,
        "name": _pascal(rule.name),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": docs.split("\n\n", 1)[0]},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": _LEVELS.get(rule.severity, "warning")},
        "properties": {"tags": [rule.scope], "origin": rule.module},
    }


def _physical(location: Location) -> dict:
    return {
        "artifactLocation": {"uri": location.path, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": max(location.line, 1), "startColumn": max(location.col, 1)},
    }


def _fixes(finding: Finding, context: ReportContext) -> list[dict[str, Any]]:
    """SARIF `fixes`: the finding's fix as replacements of regions (end column exclusive, as
    SARIF's `endColumn`); none when the fix has no edits to show."""
    fix = finding.fix
    edits = context.edits(finding) if fix is not None and context.edits is not None else []
    if fix is None or not edits:
        return []
    changes: dict[str, list[dict[str, Any]]] = {}
    for edit in edits:
        changes.setdefault(edit.path, []).append(
            {
                "deletedRegion": {
                    "startLine": edit.start_line,
                    "startColumn": edit.start_col,
                    "endLine": edit.end_line,
                    "endColumn": edit.end_col,
                },
                "insertedContent": {"text": edit.content},
            }
        )
    return [
        {
            "description": {"text": f"{fix.description} ({fix.applicability})"},
            "artifactChanges": [
                {"artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"}, "replacements": replacements}
                for path, replacements in changes.items()
            ],
        }
    ]


def _result(finding: Finding, rule_index: dict[str, int], context: ReportContext) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": _LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _physical(finding.location)}],
    }
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, "physicalLocation": _physical(loc), "message": {"text": str(loc)}}
            for number, loc in enumerate(finding.related, start=1)
        ]
    properties = {
        k: v for k, v in (("table", finding.table), ("column", finding.column), ("source", finding.source)) if v
    }
    if properties:
        result["properties"] = properties
    fixes = _fixes(finding, context)
    if fixes:
        result["fixes"] = fixes
    return result


def build_sarif(findings: list[Finding], context: ReportContext) -> dict:
    rules = sorted({r.code: r for r in context.rules}.values(), key=lambda r: r.code)
    rule_index = {r.code: i for i, r in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "schemalint",
                        "version": context.tool_version or "0",
                        "rules": [_rule_descriptor(r) for r in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": context.root.resolve().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, rule_index, context) for f in findings],
            }
        ],
    }


def format_sarif(findings: list[Finding], context: ReportContext) -> str:
    return json.dumps(build_sarif(findings, context), indent=2) + "\n"

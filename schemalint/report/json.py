"""One JSON array of findings (keys: code, message, filename, line, col, table, column, ...,
and `fix`: null, or its applicability, message and text edits, as ruff prints them)."""

from __future__ import annotations

import json

from schemalint.findings import Finding
from schemalint.report import ReportContext


def format_json(findings: list[Finding], context: ReportContext) -> str:
    return json.dumps([{**f.to_dict(), "fix": context.fix_dict(f)} for f in findings], indent=2) + "\n"

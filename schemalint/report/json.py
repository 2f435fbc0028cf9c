"""One JSON array of findings (keys: code, message, filename, line, col, table, column, ...)."""

from __future__ import annotations

import json

from schemalint.findings import Finding
from schemalint.report import ReportContext


def format_json(findings: list[Finding], context: ReportContext) -> str:
    return json.dumps([f.to_dict() for f in findings], indent=2) + "\n"

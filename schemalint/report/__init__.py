"""Stage 4 — report: one formatter per output format.

A formatter is a function `(findings, context) -> str` registered in `FORMATS`; the CLI
writes what it returns. Formatters never decide what is reported, only how.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from schemalint.findings import Finding
from schemalint.fix import Edit
from schemalint.registry import Rule


@dataclass(frozen=True)
class ReportContext:
    root: Path
    rules: tuple[Rule, ...] = ()
    color: bool = False
    tool_version: str = ""
    extra: dict = field(default_factory=dict)
    unsafe_fixes: bool = False
    """Whether `--unsafe-fixes` was given: an unsafe fix then counts as applicable (`[*]`)."""
    edits: Callable[[Finding], list[Edit]] | None = None
    """The text edits of a finding's fix (JSON, SARIF); None: formats leave edits out."""

    def applicable(self, finding: Finding) -> bool:
        """Whether `check --fix` (with the flags of this run) would apply the finding's fix."""
        fix = finding.fix
        return fix is not None and (
            fix.applicability == "safe" or (self.unsafe_fixes and fix.applicability == "unsafe")
        )

    def fix_dict(self, finding: Finding) -> dict | None:
        """A finding's fix as JSON formats carry it (ruff's shape), or None."""
        fix = finding.fix
        if fix is None:
            return None
        edits = self.edits(finding) if self.edits is not None else []
        return {
            "applicability": fix.applicability,
            "message": fix.description,
            "edits": [edit.to_dict() for edit in edits],
        }


# format name -> "module:function"; imported only when chosen.
FORMATS: dict[str, str] = {
    "text": "schemalint.report.text:format_text",
    "full": "schemalint.report.full:format_full",
    "json": "schemalint.report.json:format_json",
    "sarif": "schemalint.report.sarif:format_sarif",
    "github": "schemalint.report.github:format_github",
    "gitlab": "schemalint.report.gitlab:format_gitlab",
}


def get_formatter(name: str) -> Callable[[list[Finding], ReportContext], str]:
    module, _, func = FORMATS[name].partition(":")
    return getattr(importlib.import_module(module), func)

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
from schemalint.registry import Rule


@dataclass(frozen=True)
class ReportContext:
    root: Path
    rules: tuple[Rule, ...] = ()
    color: bool = False
    tool_version: str = ""
    extra: dict = field(default_factory=dict)


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

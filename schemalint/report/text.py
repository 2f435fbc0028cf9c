"""flake8-style lines: `path:line:col: CODE message`, the format editors already parse."""

from __future__ import annotations

from schemalint.findings import Finding
from schemalint.report import ReportContext

_BOLD, _RED, _YELLOW, _CYAN, _RESET = "\033[1m", "\033[31m", "\033[33m", "\033[36m", "\033[0m"


def format_line(f: Finding, color: bool, fixable: bool = False) -> str:
    """`fixable`: `check --fix` would fix it; marked `[*]` before the message, as ruff does."""
    mark = "[*] " if fixable else ""
    if not color:
        return f"{f.path}:{f.line}:{f.col}: {f.code} {mark}{f.message}"
    code_color = _YELLOW if f.severity == "warning" else _RED
    return f"{_BOLD}{f.path}{_RESET}{_CYAN}:{f.line}:{f.col}:{_RESET} {_BOLD}{code_color}{f.code}{_RESET} {mark}{f.message}"


def format_text(findings: list[Finding], context: ReportContext) -> str:
    lines = [format_line(f, context.color, context.applicable(f)) for f in findings]
    return "\n".join(lines) + ("\n" if lines else "")

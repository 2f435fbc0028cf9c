"""`--format full`: each finding followed by the source lines of every side it involves — the
mirror's line it points at and each related location (the Django field, the SQL column) —
read from disk (or from stdin for the file given with --stdin-filename)."""

from __future__ import annotations

from pathlib import Path

from schemalint.findings import Finding
from schemalint.model import Location
from schemalint.report import ReportContext
from schemalint.report.text import format_line
from schemalint.suppress import split_lines

_DIM, _BLUE, _RESET = "\033[2m", "\033[34m", "\033[0m"


class SourceLines:
    """Reads each file once; `overrides` holds unsaved content given on stdin."""

    def __init__(self, root: Path, overrides: dict[str, bytes] | None = None):
        self.root = root
        self.overrides = overrides or {}
        self._lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str | None:
        if path not in self._lines:
            data = self.overrides.get(path)
            try:
                if data is None:
                    data = (self.root / path).read_bytes()
                self._lines[path] = split_lines(data.decode("utf-8-sig", errors="replace"))
            except OSError:
                self._lines[path] = []
        lines = self._lines[path]
        return lines[number - 1] if 1 <= number <= len(lines) else None


def _side(label: str, location: Location, sources: SourceLines, color: bool) -> list[str]:
    text = sources.line(location.path, location.line)
    number = str(location.line)
    gutter = " " * len(number)
    head = f"  {gutter} = {label}: {location}"
    if text is None:
        return [head]
    caret = " " * (location.col - 1) + "^"
    rows = [head, f"  {number} | {text.rstrip()}", f"  {gutter} | {caret}"]
    if color:
        rows = [
            f"{_DIM}{rows[0]}{_RESET}",
            f"{_BLUE}  {number} |{_RESET} {text.rstrip()}",
            f"{_BLUE}  {gutter} |{_RESET} {caret}",
        ]
    return rows


def _label(path: str, context: ReportContext) -> str:
    """The source a file belongs to (django, sqlalchemy, sql), as the CLI maps it."""
    return context.extra.get("sources", {}).get(path) or ("sql" if path.lower().endswith(".sql") else "file")


def format_full(findings: list[Finding], context: ReportContext) -> str:
    sources = SourceLines(context.root, context.extra.get("overrides"))
    blocks = []
    for finding in findings:
        rows = [format_line(finding, context.color, context.applicable(finding))]
        rows += _side(finding.source or _label(finding.path, context), finding.location, sources, context.color)
        for related in finding.related:
            rows += _side(_label(related.path, context), related, sources, context.color)
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks) + ("\n" if blocks else "")

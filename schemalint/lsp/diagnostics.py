"""Findings as LSP diagnostics.

A finding's position is 1-based, its column counted in characters; LSP's is 0-based and
counted in the client's position encoding (UTF-16 unless negotiated otherwise), so every range
is converted against the line's text. A finding without an end (`end_line` 0) covers the
construct it starts (`spans.construct_end`: the field, class header, statement or column
definition), or the rest of its line in other files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from schemalint.findings import Finding
from schemalint.lsp.spans import construct_end
from schemalint.model import Location
from schemalint.suppress import split_lines

SOURCE = "schemalint"
UNNECESSARY_CODES = frozenset({"SL010"})
"""Findings that mark text that does nothing (a noqa that silences nothing): editors fade it."""

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}

Lines = Callable[[str], list[str]]
"""rel path -> the file's lines as the run read them ([] when it cannot be read)."""


def uri_for(root: Path, rel: str) -> str:
    return (root / rel).as_uri()


def lines_of(text: str | None) -> list[str]:
    return split_lines(text) if text else []


def to_range(
    codec: PositionCodec, lines: list[str], line: int, col: int, end_line: int, end_col: int, path: str = ""
) -> types.Range:
    """The LSP range of a 1-based (line, col) to (end_line, end_col) span in characters; an
    unknown end (0) is where the construct starting there ends in `path`, else the end of the
    start line."""
    start_line = max(line - 1, 0)
    start_char = max(col - 1, 0)
    if end_line <= 0 and path:
        end_line, end_col = construct_end(lines, line, col, path) or (0, 0)
    if end_line <= 0:
        stop_line = start_line
        stop_char = len(lines[start_line]) if start_line < len(lines) else start_char
        stop_char = max(stop_char, start_char)
    else:
        stop_line, stop_char = end_line - 1, max(end_col - 1, 0)
    if not lines:
        return types.Range(types.Position(start_line, start_char), types.Position(stop_line, stop_char))
    return types.Range(
        _position(codec, lines, start_line, start_char),
        _position(codec, lines, stop_line, stop_char),
    )


def _position(codec: PositionCodec, lines: list[str], line: int, char: int) -> types.Position:
    if line >= len(lines):
        return types.Position(line, char)
    text = lines[line]
    return types.Position(line, codec.client_num_units(text[:char]) + max(char - len(text), 0))


def to_diagnostic(finding: Finding, codec: PositionCodec, root: Path, lines: Lines) -> types.Diagnostic:
    related = []
    for location in finding.related:
        if location.path.startswith("<"):  # `<database>`: not a file an editor can open
            continue
        related.append(
            types.DiagnosticRelatedInformation(
                location=types.Location(uri_for(root, location.path), _location_range(location, codec, lines)),
                message=f"{location.path}:{location.line}:{location.col}",
            )
        )
    return types.Diagnostic(
        range=to_range(
            codec, lines(finding.path), finding.line, finding.col, finding.end_line, finding.end_col, finding.path
        ),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Error),
        code=finding.code,
        source=SOURCE,
        related_information=related or None,
        tags=[types.DiagnosticTag.Unnecessary] if finding.code in UNNECESSARY_CODES else None,
        data={"rule": finding.rule, "fixable": finding.fix is not None},
    )


def _location_range(location: Location, codec: PositionCodec, lines: Lines) -> types.Range:
    path = location.path
    return to_range(codec, lines(path), location.line, location.col, location.end_line, location.end_col, path)


def by_file(
    findings: list[Finding], codec: PositionCodec, root: Path, lines: Lines
) -> dict[str, list[types.Diagnostic]]:
    """Diagnostics per file (rel path), in the findings' order. Findings outside the project's
    files (`<database>`) have no editor to show them and are left out."""
    grouped: dict[str, list[types.Diagnostic]] = {}
    for finding in findings:
        if finding.path.startswith("<"):
            continue
        grouped.setdefault(finding.path, []).append(to_diagnostic(finding, codec, root, lines))
    return grouped


def config_diagnostic(message: str) -> types.Diagnostic:
    """A broken `[tool.schemalint]`, shown on pyproject.toml's first line."""
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(1, 0)),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        code="config",
        source=SOURCE,
    )

"""`--format github`: GitHub Actions workflow commands, shown as annotations on the pull
request's diff: `::error file=PATH,line=N,col=N,title=CODE::message`."""

from __future__ import annotations

from schemalint.findings import Finding
from schemalint.report import ReportContext


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: list[Finding], context: ReportContext) -> str:
    lines = []
    for f in findings:
        command = "warning" if f.severity == "warning" else "error"
        props = f"file={_escape_property(f.path)},line={f.line},col={f.col},title={_escape_property(f.code)}"
        mark = "[*] " if context.applicable(f) else ""
        lines.append(f"::{command} {props}::{_escape_data(f'{f.code} {mark}{f.message}')}")
    return "\n".join(lines) + ("\n" if lines else "")

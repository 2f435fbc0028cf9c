"""The rules as a Markdown table: `schemalint rules --format markdown`, and README.md's rule table
(`python tools/readme_rules.py` rewrites it; a test checks it is current)."""

from __future__ import annotations

from collections.abc import Iterable

from schemalint.registry import Rule

HEADER = "| code | name | severity | what it reports |\n| --- | --- | --- | --- |\n"


def rules_markdown(rules: Iterable[Rule]) -> str:
    rows = []
    for r in rules:
        state = " (off by default)" if not r.default_enabled else ""
        summary = f"{r.summary}{state}".replace("|", "\\|")
        rows.append(f"| {r.code} | `{r.name}` | {r.severity} | {summary} |\n")
    return HEADER + "".join(rows)

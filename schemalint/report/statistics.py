"""`--statistics`: how many findings each code has, most frequent first (as ruff prints it)."""

from __future__ import annotations

import json
from collections import Counter

from schemalint.findings import Finding


def count_by_code(findings: list[Finding]) -> list[tuple[str, str, int]]:
    counts = Counter(f.code for f in findings)
    names = {f.code: f.rule for f in findings}
    return sorted(((code, names[code], n) for code, n in counts.items()), key=lambda row: (-row[2], row[0]))


def format_statistics(findings: list[Finding], as_json: bool = False) -> str:
    rows = count_by_code(findings)
    if as_json:
        return json.dumps([{"code": c, "name": name, "count": n} for c, name, n in rows], indent=2) + "\n"
    width = max((len(str(n)) for _, _, n in rows), default=1)
    return "".join(f"{n:>{width}}  {code}  {name}\n" for code, name, n in rows)

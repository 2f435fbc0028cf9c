"""Rewrite README.md's rule table from the registry (the built-in rules only).

python tools/readme_rules.py          # rewrite the table in place
python tools/readme_rules.py --check  # exit 1 if the table is not current (what the tests check)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from schemalint.registry import load_rules
from schemalint.report.rules_table import rules_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
REGION = re.compile(r"(<!-- rules-table:[^\n]*-->\n)(.*?)(<!-- end rules-table -->)", re.S)


def current_readme(text: str) -> str:
    """`text` with its rule table region replaced by the table the registry gives."""
    builtin = [r for r in load_rules() if r.module.startswith("schemalint.rules.")]
    if not REGION.search(text):
        raise SystemExit(f"{README}: no '<!-- rules-table: ... -->' ... '<!-- end rules-table -->' region")
    return REGION.sub(lambda m: m.group(1) + rules_markdown(builtin) + m.group(3), text, count=1)


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    wanted = current_readme(text)
    if "--check" in argv:
        if wanted != text:
            print(f"{README.name}: the rule table is out of date; run `python tools/readme_rules.py`", file=sys.stderr)
            return 1
        return 0
    if wanted != text:
        README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

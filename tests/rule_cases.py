"""Turn a rule's `Case` into a project on disk and run the real pipeline on it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from schemalint.config import Config
from schemalint.engine import run_check
from schemalint.registry import Case, Rule

# Where each source's text goes: the seed's layout.
CASE_PATHS = {
    "django": "app_django/apps/shop/models.py",
    "sqlalchemy": "src/database/models.py",
    "sql": "scripts/database/schema.sql",
}


def write_case(case: Case, root: Path) -> None:
    for source, rel in CASE_PATHS.items():
        text = getattr(case, source)
        if text is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    (root / "app_django/apps/shop/__init__.py").parent.mkdir(parents=True, exist_ok=True)
    (root / "app_django/apps/shop/__init__.py").touch()


def run_case(rule: Rule, case: Case, root: Path):
    write_case(case, root)
    config = Config(root=root.resolve(), select=(rule.code,)).override(**dict(case.config))
    result = run_check(config, use_cache=False)
    assert not result.errors, result.errors
    return [f for f in result.findings if f.code == rule.code]


def expected_places(case: Case) -> set[tuple[str, int]]:
    places = set()
    for item in case.expect:
        source, _, line = item.partition(":")
        places.add((CASE_PATHS[source], int(line)))
    return places

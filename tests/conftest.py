"""Shared fixtures. `pg`: one PostgreSQL server per test session (see tests/support/pg.py).

Without PostgreSQL binaries the tests that use `pg` are skipped, unless the environment says
`SCHEMALINT_REQUIRE_PG=1` (CI does): then a missing or broken server fails them.

What runs: a developer's `python -m pytest` leaves out the tests marked `slow` (real
subprocess pipelines, pre-commit, pip builds) and `realworld` (the real-world corpus). CI
(`CI=true`, set by `.ci/run`) runs everything; `--run-slow` adds the slow ones locally and
`SCHEMALINT_REALWORLD=1` the corpus; `-m slow` (any `-m` naming a marker) selects as it says.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# `from tests.support import ...` must work whichever directory pytest was started from.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from hypothesis import settings  # noqa: E402

from tests.support.pg import PostgresUnavailable, start_server  # noqa: E402

# In CI the property tests replay the same examples every run: a red build must be reproducible
# and must come from the change under test, not from a new random draw. Locally they explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


# The reader reads installed packages from `$VIRTUAL_ENV` when a project has no `.venv`: a test
# run inside an activated virtualenv must not read that one's Django. Removed for the whole
# session (module- and session-scoped fixtures read projects too), before any test runs.
os.environ.pop("VIRTUAL_ENV", None)


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() not in ("", "0", "false", "no")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run the tests marked slow (CI runs them)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    left_out: set[str] = set()
    if not (_flag("CI") or config.getoption("--run-slow")):
        left_out.add("slow")
    if not (_flag("CI") or _flag("SCHEMALINT_REALWORLD")):
        left_out.add("realworld")
    left_out -= {m for m in left_out if m in (config.getoption("markexpr") or "")}
    if not left_out:
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        (dropped if any(item.get_closest_marker(m) for m in left_out) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _postgres_required() -> bool:
    return os.environ.get("SCHEMALINT_REQUIRE_PG", "") not in ("", "0")


@pytest.fixture(scope="session")
def pg():
    """A running PostgreSQL: `pg.create_database(name) -> dsn`, `pg.dsn(name)`, `pg.url(name)`,
    `pg.port`, `pg.host`, `pg.user`."""
    try:
        server = start_server()
    except PostgresUnavailable as exc:
        if _postgres_required():
            pytest.fail(f"SCHEMALINT_REQUIRE_PG=1 but {exc}", pytrace=False)
        pytest.skip(str(exc))
    except RuntimeError as exc:
        if _postgres_required():
            pytest.fail(str(exc), pytrace=False)
        pytest.skip(f"PostgreSQL did not start: {exc}")
    try:
        yield server
    finally:
        server.stop()

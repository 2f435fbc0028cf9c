"""Shared fixtures. `pg`: one PostgreSQL server per test session (see tests/support/pg.py).

Without PostgreSQL binaries the tests that use `pg` are skipped, unless the environment says
`SCHEMALINT_REQUIRE_PG=1` (CI does): then a missing or broken server fails them.
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


def _realworld_selected() -> bool:
    return any(os.environ.get(var, "") not in ("", "0", "false") for var in ("SCHEMALINT_REALWORLD", "CI"))


def pytest_collection_modifyitems(config, items):
    """The real-world corpus (tests/realworld) installs ~30 packages from PyPI into a cached
    virtualenv: it runs in CI (`CI` set) or when `SCHEMALINT_REALWORLD=1`, and is deselected
    in a developer's default run."""
    if _realworld_selected():
        return
    kept = [item for item in items if item.get_closest_marker("realworld") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("realworld")])
        items[:] = kept

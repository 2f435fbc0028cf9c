"""The real-world corpus's virtualenv, built once per pin list (see venv.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.realworld.venv import ensure_venv


@pytest.fixture(scope="session")
def realworld_venv() -> Path:
    try:
        return ensure_venv()
    except RuntimeError as exc:  # pip could not reach PyPI or a pin no longer installs
        pytest.fail(str(exc), pytrace=False)

"""The bundled fixture projects (`fixtures/`), copied for a test that edits or caches in them."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def copy_fixture(name: str, destination: Path) -> Path:
    """`fixtures/<name>` copied to `destination` without bytecode or a schemalint cache a local
    run may have left in it, so every test starts cold."""
    shutil.copytree(FIXTURES / name, destination, ignore=shutil.ignore_patterns("__pycache__", ".schemalint_cache"))
    return destination

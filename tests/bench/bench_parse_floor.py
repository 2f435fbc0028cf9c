"""Floor of the benchmark: import libcst and sqlglot, then parse every model file and the
schema.sql of a generated project once — what any tool built on these parsers pays cold.

    python tests/bench/bench_parse_floor.py PROJECT_ROOT
"""

from __future__ import annotations

import sys
from pathlib import Path

import libcst
import sqlglot


def main(root: Path) -> None:
    python_files = sorted(root.glob("app_django/apps/*/models.py")) + [root / "src/database/models.py"]
    for path in python_files:
        libcst.parse_module(path.read_bytes())
    sqlglot.parse((root / "scripts/database/schema.sql").read_text(), read="postgres")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

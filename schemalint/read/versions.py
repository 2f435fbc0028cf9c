"""Each reader's extract-format version, part of every cache key. Bump a reader's entry when
its `extract` output changes. Kept apart from the readers so that building a cache key does not
import them (and libcst/sqlglot with them)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os


def _sqlglot_build() -> str:
    """`+c` when sqlglotc's compiled modules overlay sqlglot's (seen without importing sqlglot).
    Both parse every statement to the same tree; a statement neither can parse is skipped by the
    SQL reader with sqlglot's complaint quoted, which the compiled parser words differently for
    some malformed input (an operator without its operand is a TypeError there)."""
    try:
        spec = importlib.util.find_spec("sqlglot")
        folders = list(spec.submodule_search_locations or []) if spec else []
        suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
        compiled = any(
            name.startswith("tokenizer_core.") and name.endswith(suffixes)
            for folder in folders
            for name in os.listdir(folder)
        )
    except (ImportError, OSError, ValueError):
        compiled = False
    return "+c" if compiled else ""


READER_VERSIONS = {
    "django": "13",
    "sqlalchemy": "7",
    "sql": "7" + _sqlglot_build(),
    "migrations": "2",
}

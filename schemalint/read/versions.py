"""Each reader's extract-format version, part of every cache key. Bump a reader's entry when
its `extract` output changes. Kept apart from the readers so that building a cache key does not
import them (and libcst/sqlglot with them)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os


def _sqlglot_build() -> str:
    """sqlglot's version, and `+c` when sqlglotc's compiled modules overlay sqlglot's, both seen
    without importing sqlglot (from its folder and the `sqlglot-X.dist-info` beside it).

    The SQL reader's facts are what sqlglot parses, so an upgraded sqlglot must not be served
    facts cached by the old one. Both builds parse every statement to the same tree; a statement
    neither can parse is skipped by the SQL reader with sqlglot's complaint quoted, which the
    compiled parser words differently for some malformed input (an operator without its operand
    is a TypeError there)."""
    try:
        spec = importlib.util.find_spec("sqlglot")
        folders = list(spec.submodule_search_locations or []) if spec else []
        suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
        compiled = any(
            name.startswith("tokenizer_core.") and name.endswith(suffixes)
            for folder in folders
            for name in os.listdir(folder)
        )
        versions = sorted(
            name[len("sqlglot-") : -len(".dist-info")]
            for folder in folders
            for name in os.listdir(os.path.dirname(folder))
            if name.startswith("sqlglot-") and name.endswith(".dist-info")
        )
    except (ImportError, OSError, ValueError):
        compiled, versions = False, []
    return "".join(f"+sqlglot{v}" for v in versions[:1]) + ("+c" if compiled else "")


READER_VERSIONS = {
    "django": "17",
    "sqlalchemy": "10",
    "sql": "8" + _sqlglot_build(),
    "migrations": "6",
}

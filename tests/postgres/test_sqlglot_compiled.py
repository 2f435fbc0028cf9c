"""sqlglotc, the compiled sqlglot, parses PostgreSQL to the same trees as pure sqlglot.

Two interpreters read the same SQL: one imports sqlglot as installed (sqlglotc's compiled
modules overlay sqlglot's), the other only sqlglot's Python source (an import hook skips the
compiled modules). Each prints, for every statement of the repository's .sql files, a call of
every function sqlglot knows and the CHECKs and DEFAULTs the printer is proven with, the full
tree `POSTGRES` parses (node types, every argument), the tree `parse_expression` builds and
the SQL reader's facts for each file. They must be equal. For input sqlglot refuses, only the
refusal is compared: the compiled parser words some of its complaints differently (the SQL
reader's cache key says which one read a file, `schemalint.read.versions`).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from schemalint.read.versions import READER_VERSIONS

ROOT = Path(__file__).resolve().parents[2]
PURE = "SCHEMALINT_TEST_PURE_SQLGLOT"


class _SourceOnly(importlib.abc.MetaPathFinder):
    """Imports sqlglot from its .py files only, as if sqlglotc were not installed."""

    def find_spec(self, name, path, target=None):
        if name != "sqlglot" and not name.startswith("sqlglot."):
            return None
        for entry in path or sys.path:
            finder = importlib.machinery.FileFinder(entry, (importlib.machinery.SourceFileLoader, [".py"]))
            spec = finder.find_spec(name)
            if spec is not None and spec.loader is not None:
                return spec
        return None


def _corpus() -> tuple[list[str], list[Path]]:
    from sqlglot.dialects.postgres import Postgres

    from schemalint.read.sql.split import split_statements
    from tests.postgres.test_printer_pg import CHECKS, DEFAULTS

    files = sorted(p for p in ROOT.glob("**/*.sql") if ".git" not in p.parts)
    texts = [s.text for f in files for s in split_statements(f.read_text(encoding="utf-8"), "postgres")]
    texts += CHECKS + [sql for _, sql in DEFAULTS]
    for name in sorted(set(Postgres.Parser.FUNCTIONS) | set(Postgres.Parser.FUNCTION_PARSERS)):
        texts += [f"{name.lower()}(a, 'x', 1)", f"{name}(b) > 0", f"{name}() OVER (PARTITION BY c)"]
    return texts, files


def _dump(node) -> object:
    from sqlglot import exp

    if isinstance(node, exp.Expression):
        args = {key: _dump(value) for key, value in sorted(node.args.items())}
        return [type(node).__name__, node.comments or None, args]
    if isinstance(node, list):
        return [_dump(item) for item in node]
    return repr(node)


def main() -> None:
    """Print what this interpreter's sqlglot makes of the corpus, as JSON."""
    if os.environ.get(PURE):
        sys.meta_path.insert(0, _SourceOnly())
    from sqlglot.tokens import SQLGLOTC_INSTALLED

    from schemalint.postgres.tree import POSTGRES, NotAnExpression, parse_expression
    from schemalint.read.sql.extract import extract_text

    texts, files = _corpus()
    parsed = []
    for text in texts:
        try:
            trees = [_dump(tree) for tree in POSTGRES.parse(text)]
        except Exception:  # the refusal, not its wording (see the module docstring)
            trees = "refused"
        try:
            built = repr(parse_expression(text))
        except NotAnExpression:
            built = "not an expression"
        parsed.append([text, trees, built])
    facts = [repr(extract_text(f.read_text(encoding="utf-8"), f.name, "postgres", "public")) for f in files]
    json.dump({"compiled": SQLGLOTC_INSTALLED, "parsed": parsed, "facts": facts}, sys.stdout)


def _run(pure: bool) -> dict:
    env = {**os.environ, PURE: "1" if pure else ""}
    code = "from tests.postgres.test_sqlglot_compiled import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.mark.slow
@pytest.mark.skipif(not READER_VERSIONS["sql"].endswith("+c"), reason="sqlglotc is not installed")
def test_compiled_sqlglot_parses_as_pure_sqlglot():
    compiled, pure = _run(pure=False), _run(pure=True)
    assert (compiled["compiled"], pure["compiled"]) == (True, False)
    assert len(compiled["parsed"]) == len(pure["parsed"]) > 2000
    different = [c[0] for c, p in zip(compiled["parsed"], pure["parsed"], strict=True) if c != p]
    assert different == []
    assert compiled["facts"] == pure["facts"]

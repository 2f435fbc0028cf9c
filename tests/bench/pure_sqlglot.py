"""`python tests/bench/pure_sqlglot.py ARGS` is `python -m schemalint ARGS` with sqlglot imported
from its Python source only, as where sqlglotc has no wheel, although sqlglotc is installed
(its compiled modules sit beside sqlglot's .py files; an import hook passes them over).
Workers are forked on Linux and inherit the hook. Not collected by pytest.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import runpy
import sys


class SourceOnly(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "sqlglot" and not name.startswith("sqlglot."):
            return None
        for entry in path or sys.path:
            finder = importlib.machinery.FileFinder(entry, (importlib.machinery.SourceFileLoader, [".py"]))
            spec = finder.find_spec(name)
            if spec is not None and spec.loader is not None:
                return spec
        return None


if __name__ == "__main__":
    sys.meta_path.insert(0, SourceOnly())
    sys.argv = ["schemalint", *sys.argv[1:]]
    runpy.run_module("schemalint", run_name="__main__", alter_sys=True)

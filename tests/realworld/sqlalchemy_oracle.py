"""Run inside the real-world test virtualenv (never imported by the tests): build one
SQLAlchemy package's tables in the database at `url` with real SQLAlchemy.

    python sqlalchemy_oracle.py <spec.json>

The spec gives the user module to import (`models`, may be empty) and the `oracle` code that
creates the tables (it sees `url`, `models` and `create_engine`).
"""

import importlib
import inspect
import json
import sys

from sqlalchemy import create_engine

spec = json.loads(open(sys.argv[1]).read())
models = importlib.import_module(spec["module"]) if spec["module"] else None
exec(spec["oracle"], {"url": spec["url"], "models": models, "create_engine": create_engine})

# Where each mapped class of the user module declares its table (`path:first:last` line).
declared = {}
for value in vars(models).values() if models else ():
    table = getattr(value, "__table__", None)
    if isinstance(value, type) and value.__module__ == models.__name__ and table is not None:
        lines, start = inspect.getsourcelines(value)
        declared[table.name] = [f"{inspect.getsourcefile(value)}:{start}:{start + len(lines) - 1}"]
print(json.dumps(declared))

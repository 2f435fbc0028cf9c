"""Run inside the real-world test virtualenv (never imported by the tests): build one
SQLAlchemy package's tables in the database at `url` with real SQLAlchemy.

    python sqlalchemy_oracle.py <spec.json>

The spec gives the user module to import (`models`, may be empty) and the `oracle` code that
creates the tables (it sees `url`, `models` and `create_engine`), and `refused`: what a package
declares but PostgreSQL refuses to create (`foreign key table(column, ...)` whose target columns
hold no unique constraint, `index name` with no column, `duplicate index name`: the second index
of one name), left out just before its table is created.
"""

import importlib
import inspect
import json
import sys

from sqlalchemy import Table, create_engine, event

spec = json.loads(open(sys.argv[1]).read())
refused = set(spec.get("refused", ()))


@event.listens_for(Table, "before_create")
def _leave_out_refused(table, connection, **kw):
    for fk in list(table.foreign_key_constraints):
        if f"foreign key {table.name}({', '.join(fk.column_keys)})" in refused:
            refused.discard(f"foreign key {table.name}({', '.join(fk.column_keys)})")
            table.constraints.discard(fk)
            for column in fk.columns:
                column.foreign_keys.difference_update(fk.elements)
    seen = set()
    for index in sorted(table.indexes, key=lambda index: index.name or ""):
        if f"index {index.name}" in refused or (index.name in seen and f"duplicate index {index.name}" in refused):
            refused.discard(f"index {index.name}")
            refused.discard(f"duplicate index {index.name}")
            table.indexes.discard(index)
        seen.add(index.name)


models = importlib.import_module(spec["module"]) if spec["module"] else None
exec(spec["oracle"], {"url": spec["url"], "models": models, "create_engine": create_engine})

# Where each mapped class of the user module declares its table (`path:first:last` line).
declared = {}
for value in vars(models).values() if models else ():
    table = getattr(value, "__table__", None)
    if isinstance(value, type) and value.__module__ == models.__name__ and table is not None:
        lines, start = inspect.getsourcelines(value)
        declared[table.name] = [f"{inspect.getsourcefile(value)}:{start}:{start + len(lines) - 1}"]
if refused:
    raise SystemExit(f"no such foreign key to leave out: {sorted(refused)}")
print(json.dumps(declared))

"""A schema.sql statement that fails, or does something else, when the file runs a second time.

## What it does
Reports DDL in schema.sql that is not idempotent: `CREATE TABLE` / `CREATE INDEX` without
`IF NOT EXISTS` (an unnamed `CREATE INDEX` cannot have it and adds a duplicate index on every
run), `ALTER TABLE ... ADD COLUMN` without `IF NOT EXISTS`, `DROP ...` without `IF EXISTS`,
`ADD CONSTRAINT` that is not preceded by `DROP CONSTRAINT IF EXISTS` of the same name,
`CREATE VIEW` without `OR REPLACE`, `CREATE SEQUENCE` without `IF NOT EXISTS`, and `RENAME`s
(the old name is gone after the first run). DDL inside a `DO` block is taken as guarded (that
is what such blocks are for). The finding points at the statement (at
the action, in an `ALTER TABLE` with several).

## Why it matters
schema.sql is re-run against databases that already have most of it (the seed workflow's best
practice 5: "Use Idempotent SQL in schema.sql"). A statement that fails on the second run stops
`psql -v ON_ERROR_STOP=1` half-way, and one that succeeds twice may leave duplicates behind.

## Example
```sql
CREATE INDEX idx_stocks_symbol ON stocks(symbol);        -- fails if it exists
ALTER TABLE stocks ADD COLUMN market_cap BIGINT;         -- fails on the second run
ALTER TABLE stocks ADD CONSTRAINT stocks_cap CHECK (market_cap >= 0);
```

## How to fix
```sql
CREATE INDEX IF NOT EXISTS idx_stocks_symbol ON stocks(symbol);
ALTER TABLE stocks ADD COLUMN IF NOT EXISTS market_cap BIGINT;
ALTER TABLE stocks DROP CONSTRAINT IF EXISTS stocks_cap;
ALTER TABLE stocks ADD CONSTRAINT stocks_cap CHECK (market_cap >= 0);
```
A `CREATE` or `ADD` right after `DROP ... IF EXISTS` of the same object counts as guarded.
`schemalint check --fix` adds the `IF [NOT] EXISTS` (and `OR REPLACE` to a view) in place: a
safe fix, the first run does what it did. An `ADD CONSTRAINT`, an unnamed index and a rename
need a decision (a name, a guard) and are left to you.

## How to silence
`-- noqa: SL401` on the statement's line, or `per-file-ignores` for a file of one-shot
migrations that is never re-run.
"""

from collections.abc import Iterable, Iterator

from schemalint.context import SchemaContext
from schemalint.fix import AddGuard, Fix
from schemalint.model import Schema, Statement
from schemalint.registry import Case, rule

_ADVICE = {
    "create_table": "add IF NOT EXISTS",
    "create_index": "add IF NOT EXISTS",
    "create_unnamed_index": "name the index and add IF NOT EXISTS (PostgreSQL needs a name for it)",
    "add_column": "add IF NOT EXISTS",
    "drop_table": "add IF EXISTS",
    "drop_index": "add IF EXISTS",
    "drop_view": "add IF EXISTS",
    "drop_sequence": "add IF EXISTS",
    "create_view": "use CREATE OR REPLACE VIEW",
    "create_sequence": "add IF NOT EXISTS",
    "drop_column": "add IF EXISTS",
    "drop_constraint": "add IF EXISTS",
    "add_constraint": "name it and precede it with DROP CONSTRAINT IF EXISTS of the same name",
    "rename": "it fails once the old name is gone; guard it in a DO block or move it to a migration",
}


# The kinds a keyword makes safe to run twice (IF [NOT] EXISTS, OR REPLACE): fixed in place.
_GUARDED_BY_A_KEYWORD = frozenset(_ADVICE) - {"create_unnamed_index", "add_constraint", "rename"}


def _fix(schema: Schema, statement: Statement, kind: str) -> Fix | None:
    if kind not in _GUARDED_BY_A_KEYWORD:
        return None
    add = AddGuard(statement.location, statement.kind)
    return Fix(f"{statement.summary}: {_ADVICE[kind]}", "safe", (add,), schema.source, statement.location.path)


# Re-running them sets the same value again.
_ALWAYS_TWICE = frozenset({"comment", "alter_column"})


def _runs_twice(statement: Statement, dropped: set[tuple[str, ...]]) -> bool:
    """Whether the statement succeeds and changes nothing when the file runs a second time,
    given the objects dropped with IF EXISTS by the statements before it."""
    kind = statement.kind
    if kind in _ALWAYS_TWICE:
        return True
    if kind.startswith("drop_"):
        return statement.conditional
    if statement.subjects and all(s in dropped for s in statement.subjects):
        return True  # DROP ... IF EXISTS of the same object just before
    if kind == "create_index":
        return statement.conditional and bool(statement.subjects)  # unnamed: one more each run
    if kind in ("add_constraint", "create_type"):
        return False  # PostgreSQL has no IF NOT EXISTS for them
    # A RENAME fails once the old name is gone, unless it says IF EXISTS (ALTER INDEX can).
    return statement.conditional


def not_idempotent(statements: Iterable[Statement]) -> Iterator[Statement]:
    """The statements, in file order, that fail or do something else on a second run."""
    dropped: set[tuple[str, ...]] = set()
    for statement in statements:
        if statement.kind.startswith("drop_") and statement.conditional:
            dropped.update(statement.subjects)
        if not _runs_twice(statement, dropped):
            yield statement


@rule("SL401", "non-idempotent-ddl", "schema.sql DDL fails or duplicates when the file runs twice", level="schema")
def non_idempotent_ddl(ctx: SchemaContext) -> None:
    for statement in not_idempotent(ctx.schema.statements):
        kind = statement.kind
        if kind == "create_index" and not statement.subjects:
            kind = "create_unnamed_index"
        advice = _ADVICE.get(kind, "make it safe to run twice")
        ctx.report(
            f"{statement.summary} is not idempotent: {advice}",
            location=statement.location,
            table=statement.target,
            fix=_fix(ctx.schema, statement, kind),
        )


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        symbol = models.CharField(max_length=10)
        market_cap = models.BigIntegerField(null=True)

        class Meta:
            db_table = "stocks"
"""

VALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL
            );
            ALTER TABLE stocks ADD COLUMN IF NOT EXISTS market_cap BIGINT;
            CREATE INDEX IF NOT EXISTS idx_stocks_cap ON stocks (market_cap);
            ALTER TABLE stocks DROP CONSTRAINT IF EXISTS stocks_cap_positive;
            ALTER TABLE stocks ADD CONSTRAINT stocks_cap_positive CHECK (market_cap >= 0);
            DROP INDEX IF EXISTS idx_old;
        """,
    ),
    Case(
        django=_DJANGO,
        sql="""
            DROP TABLE IF EXISTS stocks;
            CREATE TABLE stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
                market_cap BIGINT
            );
        """,
    ),
    # A view replaced in place, a sequence and a DO block.
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
                market_cap BIGINT
            );
            CREATE SEQUENCE IF NOT EXISTS stock_numbers;
            CREATE OR REPLACE VIEW big_stocks AS SELECT symbol FROM stocks WHERE market_cap > 1000;
            DROP VIEW IF EXISTS old_stocks;
        """,
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL
            );
            ALTER TABLE stocks ADD COLUMN market_cap BIGINT;
            CREATE INDEX idx_stocks_cap ON stocks (market_cap);
        """,
        expect=("sql:1", "sql:5", "sql:6"),
        fix="safe",
    ),
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
                market_cap BIGINT
            );
            ALTER TABLE stocks ADD CONSTRAINT stocks_cap_positive CHECK (market_cap >= 0);
            CREATE INDEX ON stocks (symbol);
            DROP INDEX stocks_symbol_idx;
        """,
        expect=("sql:6", "sql:7", "sql:8"),
        fix="none",  # ADD CONSTRAINT needs a DROP ... IF EXISTS before it: not a keyword
    ),
    # A plain CREATE VIEW and CREATE SEQUENCE fail on the second run.
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
                market_cap BIGINT
            );
            CREATE VIEW big_stocks AS SELECT symbol FROM stocks WHERE market_cap > 1000;
            CREATE SEQUENCE stock_numbers;
        """,
        expect=("sql:6", "sql:7"),
        message="is not idempotent: use CREATE OR REPLACE VIEW",
        fix="safe",
    ),
]

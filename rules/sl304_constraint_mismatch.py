"""A unique or check constraint that is missing from a mirror or differs there.

## What it does
Compares multi-column unique constraints (`unique_together`, `UniqueConstraint`, conditional
ones included) and check constraints (`CheckConstraint`, and the `>= 0` checks of Django's
`PositiveIntegerField` family):
- a constraint whose name is written in the model must exist under that name in the mirror,
  with the same kind, columns and expression;
- a constraint Django names by itself matches any mirror constraint with the same content.
A unique constraint may be mirrored by a unique index on the same columns (and the reverse).
Single-column uniqueness is SL208's business.

## Why it matters
The constraint is a rule of the data: without it the mirror writes rows Django's database
rejects (or the reverse), e.g. two snapshots for the same stock and minute.

## Example
```python
constraints = [models.UniqueConstraint(fields=["stock", "taken_at"], name="uniq_snapshot_minute")]
```
```sql
-- schema.sql: no UNIQUE (stock_id, taken_at)   → SL304 at CREATE TABLE
```

## How to fix
Add the constraint to the mirror with the same name and content: `UniqueConstraint("stock_id",
"taken_at", name="uniq_snapshot_minute")`, or
`ALTER TABLE ... ADD CONSTRAINT uniq_snapshot_minute UNIQUE (stock_id, taken_at)`.
`schemalint check --fix --unsafe-fixes` adds it, or replaces a differing one (unsafe: rows
already in the table may violate it).

## How to silence
`# noqa: SL304` / `-- noqa: SL304` on the mirror's class or CREATE TABLE line.
"""

from schemalint.compare.normalize import expression, first_location
from schemalint.context import TableContext, at
from schemalint.fix import AddConstraint, Change, DropConstraint, DropIndex
from schemalint.fix.describe import adding
from schemalint.model import Constraint, Table
from schemalint.registry import Case, rule

# kind, columns (sorted), canonical expression.
_Content = tuple[str, tuple[str, ...], str | None]


def _content(c: Constraint) -> _Content:
    # A CHECK is its expression: which columns it "covers" is each reader's guess.
    columns = () if c.kind == "check" else tuple(sorted(c.columns))
    return (c.kind, columns, expression(c.expression))


def _mirror_contents(table: Table) -> set[_Content]:
    contents = {_content(c) for c in table.constraints}
    # A unique index enforces what a unique constraint does.
    contents |= {("unique", tuple(sorted(i.columns)), expression(i.where)) for i in table.indexes if i.unique}
    return contents


def _describe(c: Constraint) -> str:
    if c.kind == "check":
        return f"CHECK ({c.expression})"
    where = f" WHERE {c.expression}" if c.expression else ""
    return f"UNIQUE ({', '.join(c.columns)}){where}"


def _in_scope(c: Constraint) -> bool:
    return c.kind == "check" or (c.kind == "unique" and (len(c.columns) > 1 or bool(c.expression) or not c.implicit))


@rule(
    "SL304",
    "constraint-mismatch",
    "A unique or check constraint is missing from a mirror or differs",
    level="table",
)
def constraint_mismatch(ctx: TableContext) -> None:
    pair, mirror = ctx.pair, ctx.mirror_table
    constraints = {c.name: c for c in pair.known_objects("constraints", "mirror")}
    by_name = dict(constraints)
    unique_indexes = {i.name: i for i in pair.known_objects("indexes", "mirror") if i.unique}
    by_name.update(
        {i.name: Constraint(i.name, "unique", i.columns, i.where, location=i.location) for i in unique_indexes.values()}
    )
    table, schema = mirror.name, mirror.schema
    contents = _mirror_contents(mirror)
    judgeable = set(map(id, pair.judgeable("constraints", "truth")))
    for constraint in pair.known_objects("constraints", "truth"):
        if not _in_scope(constraint):
            continue
        if constraint.kind == "unique" and len(constraint.columns) == 1 and not constraint.expression:
            # Single-column uniqueness is SL208's; only its name is ours to check.
            if constraint.implicit or constraint.name in by_name:
                continue
        related = (constraint.location,)
        other = None if constraint.implicit else by_name.get(constraint.name)
        if other is not None:
            if _content(other) != _content(constraint):
                # A unique index is dropped as an index, unless it backs a constraint of its name.
                mine = constraints.get(other.name)
                drop: Change = (
                    DropConstraint(table, mine, schema)
                    if mine is not None
                    else DropIndex(table, unique_indexes[other.name], schema)
                )
                add = AddConstraint(table, constraint, schema)
                ctx.report(
                    f"constraint {constraint.name} is {_describe(other)} here but {_describe(constraint)}{at(constraint.location)}",
                    location=first_location(other.location, mirror.location),
                    related=related,
                    fix=ctx.mirror_fix(f"replace constraint {constraint.name} on {table}", "unsafe", drop, add),
                )
            continue
        if (constraint.implicit and _content(constraint) in contents) or id(constraint) not in judgeable:
            continue
        named = "" if constraint.implicit else f" {constraint.name}"
        alias = (
            ""
            if constraint.implicit or _content(constraint) not in contents
            else " (the same constraint exists here under another name)"
        )
        ctx.report(
            f"constraint{named} {_describe(constraint)} on {table} is missing here{alias}; "
            f"{ctx.truth_words.creates()}{at(constraint.location)}",
            location=first_location(mirror.location),
            related=related,
            fix=ctx.mirror_fix(
                f"add constraint{named} {_describe(constraint)} on {table}",
                adding(constraint),
                AddConstraint(table, constraint, schema),
            ),
        )


_DJANGO = """
    from django.db import models

    class Snapshot(models.Model):
        symbol = models.CharField(max_length=10)
        minute = models.IntegerField()

        class Meta:
            db_table = "snapshots"
            constraints = [models.UniqueConstraint(fields=["symbol", "minute"], name="uniq_snapshot_minute")]
"""

VALID = [
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS snapshots (
            id BIGSERIAL PRIMARY KEY,
            symbol VARCHAR(10) NOT NULL,
            minute INTEGER NOT NULL,
            CONSTRAINT uniq_snapshot_minute UNIQUE (symbol, minute)
        );
    """,
    ),
    # The SQLAlchemy mirror: UniqueConstraint in __table_args__.
    Case(
        django=_DJANGO,
        sqlalchemy="""
        from sqlalchemy import BigInteger, Column, Integer, String, UniqueConstraint
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Snapshot(Base):
            __tablename__ = "snapshots"
            __table_args__ = (UniqueConstraint("symbol", "minute", name="uniq_snapshot_minute"),)
            id = Column(BigInteger, primary_key=True)
            symbol = Column(String(10), nullable=False)
            minute = Column(Integer, nullable=False)
    """,
    ),
    # SQLAlchemy as the source of truth: a named UNIQUE constraint, the same in schema.sql.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, Integer, String, UniqueConstraint
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Snapshot(Base):
                __tablename__ = "snapshots"
                __table_args__ = (UniqueConstraint("symbol", "minute", name="uniq_snapshot_minute"),)
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(10), nullable=False)
                minute = Column(Integer, nullable=False)
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS snapshots (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
                minute INTEGER NOT NULL,
                CONSTRAINT uniq_snapshot_minute UNIQUE (symbol, minute)
            );
        """,
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS snapshots (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
                minute INTEGER NOT NULL
            );
        """,
        expect=("sql:1",),
        message="constraint uniq_snapshot_minute UNIQUE (symbol, minute) on snapshots is missing here",
        fix="unsafe",
    ),
    # The SQLAlchemy mirror has no constraint.
    Case(
        django=_DJANGO,
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, Integer, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Snapshot(Base):
                __tablename__ = "snapshots"
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(10), nullable=False)
                minute = Column(Integer, nullable=False)
        """,
        expect=("sqlalchemy:6",),
        message="constraint uniq_snapshot_minute UNIQUE (symbol, minute) on snapshots is missing here",
        fix="unsafe",
    ),
    # SQLAlchemy as the source of truth; schema.sql lacks the constraint.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, Integer, String, UniqueConstraint
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Snapshot(Base):
                __tablename__ = "snapshots"
                __table_args__ = (UniqueConstraint("symbol", "minute", name="uniq_snapshot_minute"),)
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(10), nullable=False)
                minute = Column(Integer, nullable=False)
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS snapshots (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
                minute INTEGER NOT NULL
            );
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:1",),
        message="constraint uniq_snapshot_minute UNIQUE (symbol, minute) on snapshots is missing here",
        fix="unsafe",
    ),
    # The mirror enforces the name with a unique index on other columns: replaced (unsafe).
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS snapshots (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
                minute INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX IF NOT EXISTS uniq_snapshot_minute ON snapshots (symbol);
        """,
        expect=("sql:6",),
        message="constraint uniq_snapshot_minute is UNIQUE (symbol) here but UNIQUE (symbol, minute)",
        fix="unsafe",
    ),
]

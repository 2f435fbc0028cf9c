"""A column that is unique on one side and not on the other.

## What it does
Compares single-column uniqueness: Django's `unique=True` (or a `OneToOneField`), SQLAlchemy's
`unique=True` or a one-column `UniqueConstraint`/unique `Index`, SQL's `UNIQUE` or a unique
index. How uniqueness is enforced (constraint or unique index) and what it is called are not
compared — multi-column and named constraints are SL304's business.

## Why it matters
A mirror without the constraint lets duplicates in that the Django side assumes impossible
(`Stock.objects.get(symbol=...)` raises MultipleObjectsReturned); a mirror with an extra one
rejects rows Django writes.

## Example
```python
symbol = models.CharField(max_length=10, unique=True)
symbol = Column(String(10), nullable=False)           # SL208: not unique here
```

## How to fix
Add (or drop) `unique=True` / `UNIQUE` in the mirror: `schemalint check --fix --unsafe-fixes`
(unsafe either way: a new UNIQUE fails on duplicates already there, and dropping one lets
duplicates in).

## How to silence
`# noqa: SL208` / `-- noqa: SL208` on the column's line.
"""

from schemalint.context import TableContext
from schemalint.model import Table
from schemalint.registry import Case, rule


def _unique(table: Table) -> set[str]:
    return {s[0] for s in table.unique_column_sets() if len(s) == 1}


@rule("SL208", "unique-mismatch", "A column is unique on one side and not on the other", level="table")
def unique_mismatch(ctx: TableContext) -> None:
    # A table rule: which columns are unique is decided by the table's indexes and constraints,
    # worked out once per table rather than once per column.
    truth_unique, mirror_unique = _unique(ctx.truth_table), _unique(ctx.mirror_table)
    for col in ctx.columns("unique"):
        name = col.truth_column.name
        if (name in truth_unique) != (name in mirror_unique):
            here, there = ("UNIQUE", "not unique") if name in mirror_unique else ("not unique", "unique")
            col.report(
                f"{col.mirror_name} is {here} here but {there}{col.truth_at}",
                fix=col.alter(f"make {col.mirror_name} {there}", "unsafe", "unique"),
            )


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        symbol = models.CharField(max_length=10, unique=True)
        name = models.CharField(max_length=50)

        class Meta:
            db_table = "stocks"
"""

VALID = [
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (
            id BIGSERIAL PRIMARY KEY,
            symbol VARCHAR(10) NOT NULL UNIQUE,
            name VARCHAR(50) NOT NULL
        );
    """,
    ),
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (
            id BIGSERIAL PRIMARY KEY,
            symbol VARCHAR(10) NOT NULL,
            name VARCHAR(50) NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS stocks_symbol_uniq ON stocks (symbol);
    """,
    ),
    # The SQLAlchemy mirror: unique=True.
    Case(
        django=_DJANGO,
        sqlalchemy="""
        from sqlalchemy import BigInteger, Column, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Stock(Base):
            __tablename__ = "stocks"
            id = Column(BigInteger, primary_key=True)
            symbol = Column(String(10), nullable=False, unique=True)
            name = Column(String(50), nullable=False)
    """,
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
                name VARCHAR(50) NOT NULL UNIQUE
            );
        """,
        expect=("sql:3", "sql:4"),
        message="stocks.symbol is not unique here but unique in app_django/apps/shop/models.py:4:5",
        fix="unsafe",
    ),
    # The SQLAlchemy mirror forgets unique=True.
    Case(
        django=_DJANGO,
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(10), nullable=False)
                name = Column(String(50), nullable=False)
        """,
        expect=("sqlalchemy:9",),
        message="stocks.symbol is not unique here but unique",
    ),
    # SQLAlchemy as the source of truth; schema.sql makes email unique, the truth does not.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class User(Base):
                __tablename__ = "users"
                id = Column(BigInteger, primary_key=True)
                email = Column(String(100), nullable=False)
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS users (
                id BIGINT PRIMARY KEY,
                email VARCHAR(100) NOT NULL UNIQUE
            );
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:3",),
        message="users.email is UNIQUE here but not unique",
        fix="unsafe",
    ),
]

"""A mirror column that allows NULL where the source of truth does not, or the reverse.

## What it does
Compares each paired column's nullability. The default differs per source and is applied
before comparing: a Django field is NOT NULL unless `null=True`; a SQLAlchemy `Column` is
nullable unless `nullable=False` or a primary key; `mapped_column` follows `Optional[...]`;
a SQL column is nullable unless `NOT NULL` or `PRIMARY KEY`.

## Why it matters
A mirror that accepts NULL writes rows the Django side cannot load (or that fail on a database
built by Django); a mirror that forbids NULL rejects rows Django writes.

## Example
```python
market_cap = models.BigIntegerField(null=True)     # Django
market_cap = Column(BigInteger, nullable=False)    # SL204: NOT NULL here
```

## How to fix
Say the same thing on both sides: `nullable=True` / drop `NOT NULL` (or the other way round).
`schemalint check --fix` drops NOT NULL in the mirror (safe: it accepts more); setting NOT NULL
fails on existing NULLs and rejects inserts that worked, so it is unsafe and applied only with
`--unsafe-fixes`.

## How to silence
`# noqa: SL204` / `-- noqa: SL204` on the column's line.
"""

from schemalint.compare.wording import sql_nullability
from schemalint.context import ColumnContext
from schemalint.fix.describe import nullability_change
from schemalint.registry import Case, rule


@rule(
    "SL204",
    "nullability-mismatch",
    "A mirror column's nullability differs from the source of truth's",
    level="column",
    compares=("nullable",),
)
def nullability_mismatch(ctx: ColumnContext) -> None:
    wanted = ctx.truth_column.nullable
    if wanted != ctx.mirror_column.nullable:
        ctx.report(
            f"{ctx.mirror_name} is {sql_nullability(not wanted)} here but "
            f"{ctx.truth_words.nullability(wanted)}{ctx.truth_at}",
            fix=ctx.alter(
                f"{'drop' if wanted else 'set'} NOT NULL on {ctx.mirror_name}", nullability_change(wanted), "nullable"
            ),
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
        sqlalchemy="""
        from typing import Optional

        from sqlalchemy import BigInteger, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Stock(Base):
            __tablename__ = "stocks"
            id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
            symbol: Mapped[str] = mapped_column(String(10))
            market_cap: Mapped[Optional[int]] = mapped_column(BigInteger)
    """,
    ),
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (
            id BIGSERIAL PRIMARY KEY,
            symbol VARCHAR(10) NOT NULL,
            market_cap BIGINT
        );
    """,
    ),
    # SQLAlchemy as the source of truth: a primary key is NOT NULL without saying so.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(10), nullable=False)
                note = Column(String(50))
        """,
        sql="CREATE TABLE IF NOT EXISTS stocks (id BIGINT PRIMARY KEY, symbol VARCHAR(10) NOT NULL, note VARCHAR(50));",
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(10))
                market_cap = Column(BigInteger, nullable=False)
        """,
        expect=("sqlalchemy:9", "sqlalchemy:10"),
        message="stocks.symbol is NULL here but null=False in app_django/apps/shop/models.py:4:5",
        fix="unsafe",
    ),
    # schema.sql: symbol may be NULL, market_cap may not.
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10),
                market_cap BIGINT NOT NULL
            );
        """,
        expect=("sql:3", "sql:4"),
        message="stocks.symbol is NULL here but null=False",
    ),
    # SQLAlchemy as the source of truth; schema.sql makes note NOT NULL.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                note = Column(String(50))
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGINT PRIMARY KEY,
                note VARCHAR(50) NOT NULL
            );
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:3",),
        message="stocks.note is NOT NULL here",
        fix="safe",
    ),
]

"""A mirror table whose primary key is not the source of truth's.

## What it does
Compares the set of primary-key columns of each table pair: Django's implicit `id` (or the
field with `primary_key=True`, or `<parent>_ptr_id` under multi-table inheritance) against the
mirror's `primary_key=True` columns or `PRIMARY KEY (...)`.

## Why it matters
The primary key is what the ORM uses to identify a row: a mirror with another key updates and
deletes the wrong rows, or cannot tell two rows apart.

## Example
```sql
CREATE TABLE IF NOT EXISTS stocks (id BIGINT, symbol VARCHAR(10) PRIMARY KEY);  -- SL205
```

## How to fix
Declare the same primary key in the mirror.

## How to silence
`# noqa: SL205` on the mirror's class or CREATE TABLE line.
"""

from schemalint.compare.normalize import first_location
from schemalint.context import TableContext, at
from schemalint.model import Table
from schemalint.registry import Case, rule


def _columns(table: Table) -> tuple[str, ...]:
    """The key's columns in the order they are declared (the message shows them so)."""
    return table.primary_key.columns if table.primary_key else ()


@rule("SL205", "primary-key-mismatch", "A mirror table's primary key differs from the source of truth's", level="table")
def primary_key_mismatch(ctx: TableContext) -> None:
    truth_table, mirror_table = ctx.truth_table, ctx.mirror_table
    truth, mirror = _columns(truth_table), _columns(mirror_table)
    # The same columns in another order are the same key to this rule.
    if sorted(truth) == sorted(mirror) or not ctx.pair.known("primary_key"):
        return
    here = f"primary key ({', '.join(mirror)})" if mirror else "no primary key"
    there = f"({', '.join(truth)})" if truth else "none"
    truth_loc = (truth_table.primary_key.location if truth_table.primary_key else None) or truth_table.location
    mirror_loc = mirror_table.primary_key.location if mirror_table.primary_key else None
    ctx.report(
        f"{mirror_table.name} has {here} here but {there}{at(truth_loc)}",
        location=first_location(mirror_loc, mirror_table.location),
        related=(truth_loc,),
    )


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        symbol = models.CharField(max_length=10)

        class Meta:
            db_table = "stocks"
"""

VALID = [
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, symbol VARCHAR(10) NOT NULL);
    """,
    ),
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
    """,
    ),
    # An explicit primary key field in Django, and a composite key with SQLAlchemy as the truth.
    Case(
        sqlalchemy="""
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Bar(Base):
                __tablename__ = "bars"
                symbol = Column(String(10), primary_key=True)
                minute = Column(Integer, primary_key=True)
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS bars (
                symbol VARCHAR(10) NOT NULL,
                minute INTEGER NOT NULL,
                PRIMARY KEY (symbol, minute)
            );
        """,
        config=(("source-of-truth", "sqlalchemy"),),
    ),
    # The same composite key declared in another order is the same set of columns.
    Case(
        sqlalchemy="""
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Bar(Base):
                __tablename__ = "bars"
                symbol = Column(String(10), primary_key=True)
                minute = Column(Integer, primary_key=True)
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS bars (
                symbol VARCHAR(10) NOT NULL,
                minute INTEGER NOT NULL,
                PRIMARY KEY (minute, symbol)
            );
        """,
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGINT NOT NULL,
                symbol VARCHAR(10) PRIMARY KEY
            );
        """,
        expect=("sql:3",),
        message="stocks has primary key (symbol) here but (id)",
    ),
    # schema.sql has no primary key at all.
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGINT NOT NULL,
                symbol VARCHAR(10) NOT NULL
            );
        """,
        expect=("sql:1",),
        message="stocks has no primary key here but (id)",
    ),
    # SQLAlchemy as the source of truth (a composite key); schema.sql keys on one column.
    Case(
        sqlalchemy="""
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Bar(Base):
                __tablename__ = "bars"
                symbol = Column(String(10), primary_key=True)
                minute = Column(Integer, primary_key=True)
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS bars (
                symbol VARCHAR(10) PRIMARY KEY,
                minute INTEGER NOT NULL
            );
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:2",),
        message="bars has primary key (symbol) here but (symbol, minute)",
    ),
    # The truth (schema.sql) has no primary key; the keys are shown in their declared order.
    Case(
        sql="""
            CREATE TABLE IF NOT EXISTS bars (symbol VARCHAR(10) NOT NULL, minute INTEGER NOT NULL);
        """,
        sqlalchemy="""
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Bar(Base):
                __tablename__ = "bars"
                symbol = Column(String(10), primary_key=True)
                minute = Column(Integer, primary_key=True)
        """,
        config=(("source-of-truth", "sql"),),
        expect=("sqlalchemy:6",),
        message="bars has primary key (symbol, minute) here but none in",
    ),
]

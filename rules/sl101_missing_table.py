"""A table of the source of truth that a mirror does not have.

## What it does
Reports each Django model table (by `db_table`) for which the mirror — the SQLAlchemy models
or schema.sql — declares no table, neither by the same name, nor through a
`[tool.schemalint.pairs]` entry, nor through a "mirrors Django app.models.Model" docstring.
The finding points at the Django model, since that is where the table comes from.

## Why it matters
Code written against the mirror (a FastAPI service using SQLAlchemy, a database built from
schema.sql) cannot see the table, and nothing warns until a query fails in production.

## Example
```python
class CollectionJob(models.Model):          # SL101 if src/database/models.py
    class Meta:                            # has no __tablename__ = "collection_jobs"
        db_table = "collection_jobs"
```

## How to fix
`schemalint check --fix` adds the table to the mirror (a safe fix): a SQLAlchemy class with
that `__tablename__`, or a `CREATE TABLE IF NOT EXISTS` in schema.sql. If the mirror leaves it
out on purpose, list it in `ignore-tables`.

## How to silence
`# noqa: SL101` on the model's `class` line, or `ignore-tables = ["django_*"]`.
"""

from schemalint.compare.normalize import first_location
from schemalint.context import ComparisonContext
from schemalint.fix import AddTable, Fix
from schemalint.fix.describe import fully_known, previous
from schemalint.model import Table, replace
from schemalint.registry import Case, rule


def _fix(ctx: ComparisonContext, table: Table) -> Fix | None:
    """Create the truth's table (with its keys as the mirror declares them) after the truth's
    previous table; only a table known in full can be written."""
    if not fully_known(table):
        return None
    keys = tuple(ctx.mirror_foreign_key(fk) for fk in table.foreign_keys)
    after = previous([t.name for t in ctx.truth.tables], table.name)
    add = AddTable(replace(table, foreign_keys=keys), after)
    return ctx.mirror_fix(f"add table {table.qualified_name}", "safe", add)


@rule("SL101", "missing-table", "A table of the source of truth is missing from a mirror")
def missing_table(ctx: ComparisonContext) -> None:
    where = ", ".join(ctx.mirror.files) or "no files"
    for table in ctx.comparison.missing_tables:
        model = f" ({table.model})" if table.model else ""
        ctx.report(
            f"table {table.qualified_name}{model} is missing from {ctx.mirror_title} ({where})",
            location=first_location(table.location, fallback=ctx.truth_file),
            table=table.name,
            fix=_fix(ctx, table),
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
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, symbol VARCHAR(10) NOT NULL);
    """,
    ),
    # SQLAlchemy as the source of truth; schema.sql has its table.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
        """,
        sql="CREATE TABLE IF NOT EXISTS stocks (id BIGINT PRIMARY KEY);",
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS sectors (id BIGSERIAL PRIMARY KEY);
        """,
        expect=("django:3",),
        message="table stocks (shop.Stock) is missing from schema.sql",
        fix="safe",
    ),
    # The SQLAlchemy mirror has another table only.
    Case(
        django=_DJANGO,
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Sector(Base):
                __tablename__ = "sectors"
                id = Column(BigInteger, primary_key=True)
        """,
        expect=("django:3",),
        message="table stocks (shop.Stock) is missing from SQLAlchemy",
        fix="safe",
    ),
    # SQLAlchemy as the source of truth; schema.sql lacks its second table.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)

            class Sector(Base):
                __tablename__ = "sectors"
                id = Column(BigInteger, primary_key=True)
        """,
        sql="CREATE TABLE IF NOT EXISTS stocks (id BIGINT PRIMARY KEY);",
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sqlalchemy:10",),
        message="table sectors",
        fix="safe",
    ),
]

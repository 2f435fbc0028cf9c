"""A column in a mirror's table that the source of truth does not create.

## What it does
For each pair of tables, reports every column of the mirror's table that the Django model
does not create.

## Why it matters
Django's migrations will not create it: code using the mirror fails on a database built by
Django, or the column is a leftover of a field that was removed.

## Example
```sql
ALTER TABLE stocks ADD COLUMN IF NOT EXISTS legacy_code VARCHAR(20);  -- no such Django field
```

## How to fix
Remove the column from the mirror (`schemalint check --fix --unsafe-fixes`: dropping a column
loses its data, so the fix is unsafe), or add the field to the Django model (and a migration).

## How to silence
`# noqa: SL202` / `-- noqa: SL202` on the column's line, or `ignore-columns = ["stocks.legacy_*"]`.
"""

from schemalint.compare.normalize import first_location
from schemalint.context import TableContext
from schemalint.fix import DropColumn
from schemalint.registry import Case, rule


@rule("SL202", "extra-column", "A mirror's table has a column the source of truth does not create", level="table")
def extra_column(ctx: TableContext) -> None:
    mirror = ctx.mirror_table
    for column in ctx.pair.extra_columns:
        ctx.report(
            f"{mirror.name}.{column.name} is declared here but {ctx.truth_words.declarer(ctx.truth_table)} has no such column",
            location=first_location(column.location, mirror.location, fallback=ctx.mirror_file),
            column=column.name,
            fix=ctx.mirror_fix(
                f"drop column {mirror.name}.{column.name}", "unsafe", DropColumn(mirror.name, column, mirror.schema)
            ),
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
    # SQLAlchemy as the source of truth; schema.sql has the same columns.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(10), nullable=False)
        """,
        sql="CREATE TABLE IF NOT EXISTS stocks (id BIGINT PRIMARY KEY, symbol VARCHAR(10) NOT NULL);",
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, symbol VARCHAR(10) NOT NULL);
            ALTER TABLE stocks ADD COLUMN IF NOT EXISTS legacy_code VARCHAR(20);
        """,
        expect=("sql:2",),
        message="stocks.legacy_code is declared here but Django model shop.Stock has no such column",
        fix="unsafe",
    ),
    # An extra column in the SQLAlchemy mirror, reported at its line.
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
                legacy_code = Column(String(20))
        """,
        expect=("sqlalchemy:10",),
        message="stocks.legacy_code is declared here but Django model shop.Stock has no such column",
        fix="unsafe",
    ),
    # SQLAlchemy as the source of truth; schema.sql has a column it does not.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGINT PRIMARY KEY,
                notes TEXT
            );
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:3",),
        message="stocks.notes is declared here but SQLAlchemy model",
        fix="unsafe",
    ),
]

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

from collections.abc import Iterator

from schemalint.compare import Comparison
from schemalint.compare.normalize import first_location
from schemalint.compare.wording import declarer
from schemalint.fix import DropColumn
from schemalint.fix.describe import mirror_fix
from schemalint.registry import Case, Violation, rule


@rule("SL202", "extra-column", "A mirror's table has a column the source of truth does not create")
def extra_column(cmp: Comparison) -> Iterator[Violation]:
    for pair in cmp.pairs:
        for column in pair.extra_columns:
            yield Violation(
                f"{pair.mirror.name}.{column.name} is declared here but {declarer(cmp.truth.source, pair.truth)} has no such column",
                first_location(column.location, pair.mirror.location, fallback=cmp.mirror_file),
                table=pair.truth.name,
                column=column.name,
                related=(pair.truth.location,),
                fix=mirror_fix(
                    cmp.mirror.source,
                    pair.mirror,
                    f"drop column {pair.mirror.name}.{column.name}",
                    "unsafe",
                    DropColumn(pair.mirror.name, column, pair.mirror.schema),
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

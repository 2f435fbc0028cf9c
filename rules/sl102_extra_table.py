"""A table in a mirror that no model of the source of truth creates.

## What it does
Reports each table the mirror declares that pairs with no Django model: not by name, not by
a `[tool.schemalint.pairs]` entry, not by its "mirrors Django ..." docstring.

## Why it matters
Django's migrations will never create it, so the mirror describes a database that does not
exist: a model or table that was deleted from Django but not from the mirror, or a typo in a
table name.

## Example
```sql
CREATE TABLE IF NOT EXISTS legacy_quotes (id SERIAL PRIMARY KEY);  -- SL102
```

## How to fix
Delete it from the mirror (`schemalint check --fix --unsafe-fixes`: dropping a table loses its
rows, so the fix is unsafe), add the Django model it stands for, or pair it explicitly with
`[tool.schemalint.pairs]` when the two names differ on purpose.

## How to silence
`# noqa: SL102` / `-- noqa: SL102` on the class or CREATE TABLE line, or `ignore-tables`.
"""

from schemalint.compare.normalize import first_location
from schemalint.context import ComparisonContext
from schemalint.fix import DropTable
from schemalint.registry import Case, rule


@rule("SL102", "extra-table", "A mirror declares a table no model of the source of truth creates")
def extra_table(ctx: ComparisonContext) -> None:
    for table in ctx.comparison.extra_tables:
        ctx.report(
            f"table {table.qualified_name} is declared here but {ctx.truth_words.creates_none()}",
            location=first_location(table.location, fallback=ctx.mirror_file),
            table=table.name,
            fix=ctx.mirror_fix(f"drop table {table.qualified_name}", "unsafe", DropTable(table), table=table),
        )


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        class Meta:
            db_table = "stocks"
"""

VALID = [
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
    """,
    ),
    Case(
        django=_DJANGO,
        sqlalchemy="""
        from sqlalchemy import BigInteger, Column
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Stock(Base):
            __tablename__ = "stocks"
            id = Column(BigInteger, primary_key=True)
    """,
    ),
    # SQLAlchemy as the source of truth; schema.sql declares the same table.
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
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);

            CREATE TABLE IF NOT EXISTS legacy_quotes (id BIGSERIAL PRIMARY KEY);
        """,
        expect=("sql:3",),
        message="table legacy_quotes is declared here",
        fix="unsafe",
    ),
    # An extra model in the SQLAlchemy mirror.
    Case(
        django=_DJANGO,
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)

            class LegacyQuote(Base):
                __tablename__ = "legacy_quotes"
                id = Column(BigInteger, primary_key=True)
        """,
        expect=("sqlalchemy:10",),
        message="table legacy_quotes is declared here but no Django model creates it",
        fix="unsafe",
    ),
    # SQLAlchemy as the source of truth; schema.sql has a table it does not.
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
            CREATE TABLE IF NOT EXISTS stocks (id BIGINT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS audit_log (id BIGINT PRIMARY KEY);
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:2",),
        message="no SQLAlchemy model creates it",
        fix="unsafe",
    ),
]

"""A schema.sql statement that PostgreSQL would reject when the file runs.

## What it does
Applies schema.sql in order, the way PostgreSQL would, and reports each statement that would
fail at that point — an `ALTER TABLE` of a table that does not exist, `ADD COLUMN` of a column
that already exists (without `IF NOT EXISTS`), a foreign key to a missing table, a `DROP` of
something that is not there (without `IF EXISTS`), a type change a view depends on. The
statement is skipped and the rest of the file is still read.

## Why it matters
The file is not what the database runs: `psql -v ON_ERROR_STOP=1 -f schema.sql` stops at that
statement, and without ON_ERROR_STOP the database silently lacks what it declares.

## Example
```sql
CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
ALTER TABLE stock ADD COLUMN IF NOT EXISTS market_cap BIGINT;   -- SL403: the table is "stocks"
```

## How to fix
Fix the statement (the message says what PostgreSQL would object to), or move it after the
statement it depends on.

## How to silence
`-- noqa: SL403` on the statement's line; the statement stays skipped.
"""

from schemalint.context import SchemaContext
from schemalint.registry import Case, rule


@rule(
    "SL403",
    "failing-statement",
    "A schema.sql statement would fail in PostgreSQL (skipped)",
    level="schema",
    claims=("failing-statement",),
)
def failing_statement(ctx: SchemaContext) -> None:
    ctx.report_diagnostics()


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
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
            ALTER TABLE stocks ADD COLUMN IF NOT EXISTS symbol VARCHAR(10) NOT NULL;
            ALTER TABLE stocks ADD COLUMN IF NOT EXISTS symbol VARCHAR(10) NOT NULL;
        """,
    ),
    # Guarded statements on objects that may or may not exist.
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, symbol VARCHAR(10) NOT NULL);
            ALTER TABLE stocks DROP COLUMN IF EXISTS legacy_code;
            DROP INDEX IF EXISTS idx_gone;
            CREATE INDEX IF NOT EXISTS idx_stocks_symbol ON stocks (symbol);
        """,
    ),
    # SQLAlchemy as the source of truth; every statement of schema.sql runs.
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
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
            COMMENT ON TABLE stocks IS 'Listed stocks';
        """,
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL
            );
            ALTER TABLE stock ADD COLUMN IF NOT EXISTS market_cap BIGINT;
            ALTER TABLE stocks ADD COLUMN symbol TEXT;
        """,
        expect=("sql:5", "sql:6"),
        message="statement would fail in PostgreSQL",
    ),
    # An index on a table that does not exist, and a second CREATE TABLE without IF NOT EXISTS.
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE stocks (id BIGSERIAL PRIMARY KEY, symbol VARCHAR(10) NOT NULL);
            CREATE INDEX IF NOT EXISTS idx_quotes_symbol ON quotes (symbol);
            CREATE TABLE stocks (id BIGSERIAL PRIMARY KEY);
        """,
        expect=("sql:2", "sql:3"),
        message="statement would fail in PostgreSQL",
    ),
    # SQLAlchemy as the source of truth; a comment on a column that does not exist.
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
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
            COMMENT ON COLUMN stocks.symbol IS 'Ticker';
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:2",),
        message="statement would fail in PostgreSQL",
    ),
]

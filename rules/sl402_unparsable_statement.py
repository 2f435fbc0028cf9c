"""A schema.sql statement schemalint skipped because it cannot be parsed.

## What it does
Reports each statement of schema.sql that the SQL reader could not parse — a syntax error, or
syntax sqlglot does not know — at the statement's line, while the rest of the file is still
read. (A statement that parses but that PostgreSQL would reject is SL403.)
DO blocks, functions, triggers, views, INSERT/UPDATE, SET, GRANT and transaction statements
are not DDL the linter models; they are skipped silently.

## Why it matters
A skipped statement contributes nothing to the schema schemalint compares, so the tables and
columns it declares would be reported as missing or different. A statement PostgreSQL rejects
usually means PostgreSQL rejects it too: `psql -v ON_ERROR_STOP=1 -f schema.sql` stops there.

## Example
```sql
CREATE TABLE audit (id serial PRIMARY KEY,);                     -- trailing comma
```

## How to fix
Fix the statement; the message quotes the parser's error.

## How to silence
`-- noqa: SL402` on the statement's line; the statement stays skipped.
"""

from schemalint.context import SchemaContext
from schemalint.registry import Case, rule


@rule(
    "SL402",
    "unparsable-statement",
    "A schema.sql statement cannot be parsed (skipped)",
    level="schema",
    claims=("unparsable-statement",),
)
def unparsable_statement(ctx: SchemaContext) -> None:
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
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL
            );
            DO $$ BEGIN RAISE NOTICE 'ok; fine'; END $$;
            INSERT INTO stocks (symbol) VALUES ('SPY');
        """,
    ),
    # Comments between statements, and a function whose body holds semicolons.
    Case(
        django=_DJANGO,
        sql="""
            -- the stocks table
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL
            );
            /* a helper; it has semicolons */
            CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$
            BEGIN
                NEW.symbol := upper(NEW.symbol);
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;
        """,
    ),
    # SQLAlchemy as the source of truth; schema.sql parses.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
        """,
        sql="CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);",
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
            );
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL
            );
        """,
        expect=("sql:1",),
    ),
    # A misspelt keyword; the statements around it are still read.
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL
            );
            CRATE INDEX idx_stocks_symbol ON stocks (symbol);
            ALTER TABLE stocks ADD COLUMN IF NOT EXISTS note TEXT;
        """,
        expect=("sql:5",),
    ),
    # SQLAlchemy as the source of truth; an unbalanced parenthesis in schema.sql.
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
            CREATE INDEX IF NOT EXISTS idx_stocks_id ON stocks ((id);
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:2",),
    ),
]

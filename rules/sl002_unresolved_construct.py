"""A construct whose value schemalint cannot know without running the code.

## What it does
Reports, as a warning, each place where a reader met something it cannot evaluate statically —
`max_length=compute_length()`, a field class built at run time, a `__tablename__` returned by
a function — and says what it could not resolve. The reader then leaves that fact out instead
of guessing.

## Why it matters
schemalint never imports your code. A fact it cannot read is a fact it cannot check: the
warning tells you where the check has a blind spot, instead of comparing against a guess.

## Example
```python
class Stock(models.Model):
    symbol = models.CharField(max_length=symbol_length())
```

## How to fix
Use a literal or a module-level constant (also one imported from another module of the
project), or declare the type of a custom field in `[tool.schemalint.types]`.

## How to silence
`# noqa: SL002` on the line, or `ignore = ["SL002"]` to accept the blind spots.
"""

from schemalint.context import SchemaContext
from schemalint.registry import Case, rule


@rule(
    "SL002",
    "unresolved-construct",
    "A construct cannot be resolved statically",
    severity="warning",
    level="schema",
    claims=("unresolved",),
)
def unresolved_construct(ctx: SchemaContext) -> None:
    ctx.report_diagnostics()


VALID = [
    Case(
        django="""
        from django.db import models

        SYMBOL_LENGTH = 10

        class Stock(models.Model):
            symbol = models.CharField(max_length=SYMBOL_LENGTH)
    """
    ),
    # Literal lengths and defaults resolve.
    Case(
        django="""
        from django.db import models

        class Stock(models.Model):
            symbol = models.CharField(max_length=10, default="SPY")
            listed = models.BooleanField(default=True)
    """
    ),
    # SQLAlchemy as the source of truth, with a module-level constant for the length.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            SYMBOL_LENGTH = 10
            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(SYMBOL_LENGTH), nullable=False)
        """,
        sql="CREATE TABLE IF NOT EXISTS stocks (id BIGINT PRIMARY KEY, symbol VARCHAR(10) NOT NULL);",
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django="""
            from django.db import models
            from shop.lengths import symbol_length

            class Stock(models.Model):
                symbol = models.CharField(max_length=symbol_length())
        """,
        expect=("django:5",),
    ),
    # A length computed by a call in a SQLAlchemy mirror.
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                symbol = models.CharField(max_length=10)
        """,
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base
            from shop.lengths import symbol_length

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "shop_stock"
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(symbol_length()), nullable=False)
        """,
        expect=("sqlalchemy:10",),
    ),
    # SQLAlchemy as the source of truth: its own unresolved length is reported.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base
            from shop.lengths import symbol_length

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(symbol_length()), nullable=False)
        """,
        sql="CREATE TABLE IF NOT EXISTS stocks (id BIGINT PRIMARY KEY, symbol VARCHAR(10) NOT NULL);",
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sqlalchemy:10",),
    ),
]

"""A model file or schema.sql that cannot be read or parsed.

## What it does
Reports a source file schemalint cannot use: a Python syntax error, bytes that are not UTF-8,
a binary file, a file that cannot be read. The finding points at the first offending line.

## Why it matters
A file that does not parse contributes nothing to its schema, so every table it declares would
otherwise show up as missing (SL101) in the comparison — or drift would go unnoticed.

## Example
```python
class Stock(models.Model)      # missing colon
    symbol = models.CharField(max_length=10)
```

## How to fix
Fix the syntax or re-save the file as UTF-8; the message says what the parser expected.

## How to silence
It cannot be silenced by `noqa` (the comment would be in a file that does not parse); exclude
the file with `exclude = ["path/to/file.py"]` if it is not a model file.
"""

from schemalint.context import SchemaContext
from schemalint.registry import Case, rule


@rule("SL001", "unparsable-file", "A source file cannot be read or parsed", level="schema", claims=("unreadable",))
def unparsable_file(ctx: SchemaContext) -> None:
    ctx.report_diagnostics()


VALID = [
    Case(
        django="""
        from django.db import models

        class Stock(models.Model):
            symbol = models.CharField(max_length=10)
    """
    ),
    # A mirror that parses, with non-ASCII text in it.
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                symbol = models.CharField(max_length=10, db_comment="Kürzel")
        """,
        sqlalchemy="""
            # Aktien – stocks
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()
        """,
    ),
    # SQLAlchemy as the source of truth: its models parse.
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
        django="""
            from django.db import models

            class Stock(models.Model)
                symbol = models.CharField(max_length=10)
        """,
        expect=("django:3",),
    ),
    Case(
        sqlalchemy="""
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base
            Base = declarative_base(
        """,
        django="""
            from django.db import models

            class Stock(models.Model):
                pass
        """,
        expect=("sqlalchemy:3",),
    ),
    # SQLAlchemy is the truth; the Django mirror does not parse (an unclosed bracket).
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
        """,
        django="""
            from django.db import models

            class Stock(models.Model):
                symbol = models.CharField(max_length=10
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("django:4",),
    ),
]

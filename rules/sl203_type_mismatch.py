"""A mirror column whose type differs from the source of truth's.

## What it does
Compares each paired column's type in PostgreSQL's own spelling (`format_type()`):
`character varying(10)` vs `character varying(12)`, `numeric(10,2)` vs `numeric(12,2)`,
`timestamp with time zone` vs `timestamp without time zone`. Length, precision and scale count.
Aliases are not differences: `VARCHAR(10)`, `String(10)` and `CharField(max_length=10)` are all
`character varying(10)`; `SERIAL` is `integer`. Types a team accepts as equal on purpose are
declared in `[tool.schemalint.types]`.

## Why it matters
A shorter mirror column truncates or rejects values the other side accepts; a timestamp
without time zone silently drops the offset; a different numeric scale rounds money.

## Example
```python
price = models.DecimalField(max_digits=10, decimal_places=2)   # Django: numeric(10,2)
price = Column(Numeric(10, 4))                                  # SL203: numeric(10,4) here
```

## How to fix
Make the mirror's type match the Django field's database type (`schemalint dump --source django`
shows it). `schemalint check --fix` does it when the change widens the mirror's type
(`varchar(10)` to `varchar(20)` or `text`, `integer` to `bigint`, more numeric precision): no
value is lost. Any other change (narrowing, another type) is unsafe: it may truncate, round or
reject existing values, and is applied only with `--unsafe-fixes`.

## How to silence
`# noqa: SL203` on the column's line, or an equivalence in `[tool.schemalint.types]`
(`"text" = "character varying"`).
"""

from schemalint.context import ColumnContext
from schemalint.fix.describe import type_change
from schemalint.registry import Case, rule


@rule(
    "SL203",
    "type-mismatch",
    "A mirror column's type differs from the source of truth's",
    level="column",
    compares=("type",),
)
def type_mismatch(ctx: ColumnContext) -> None:
    truth, mirror = ctx.truth_column.type, ctx.mirror_column.type
    if not ctx.same_type(truth, mirror):
        ctx.report(
            f"{ctx.mirror_name} is {mirror} here but {truth}{ctx.truth_at}",
            fix=ctx.alter(f"change the type of {ctx.mirror_name} to {truth}", type_change(mirror, truth), "type"),
        )


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        symbol = models.CharField(max_length=10)
        price = models.DecimalField(max_digits=10, decimal_places=2)

        class Meta:
            db_table = "stocks"
"""

VALID = [
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (
            id BIGSERIAL PRIMARY KEY,
            symbol VARCHAR(10) NOT NULL,
            price DECIMAL(10, 2) NOT NULL
        );
    """,
    ),
    Case(
        django=_DJANGO,
        sqlalchemy="""
        from sqlalchemy import BigInteger, Column, Numeric, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Stock(Base):
            __tablename__ = "stocks"
            id = Column(BigInteger, primary_key=True)
            symbol = Column(String(10), nullable=False)
            price = Column(Numeric(10, 2), nullable=False)
    """,
    ),
    # SQLAlchemy as the source of truth: Text is text, Integer is integer.
    Case(
        sqlalchemy="""
            from sqlalchemy import Column, Integer, Text
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Note(Base):
                __tablename__ = "notes"
                id = Column(Integer, primary_key=True)
                body = Column(Text)
        """,
        sql="CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT);",
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(12) NOT NULL,
                price NUMERIC(10, 4) NOT NULL
            );
        """,
        expect=("sql:3", "sql:4"),
        message="stocks.symbol is character varying(12) here but character varying(10) in app_django/apps/shop/models.py:4:5",
        fix="unsafe",
    ),
    # The SQLAlchemy mirror: a longer string and a float for a decimal.
    Case(
        django=_DJANGO,
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, Float, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(12), nullable=False)
                price = Column(Float, nullable=False)
        """,
        expect=("sqlalchemy:9", "sqlalchemy:10"),
        message="stocks.symbol is character varying(12) here but character varying(10)",
    ),
    # SQLAlchemy as the source of truth; schema.sql stores body as varchar.
    Case(
        sqlalchemy="""
            from sqlalchemy import Column, Integer, Text
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Note(Base):
                __tablename__ = "notes"
                id = Column(Integer, primary_key=True)
                body = Column(Text)
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS notes (
                id INTEGER PRIMARY KEY,
                body VARCHAR(200)
            );
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:3",),
        message="notes.body is character varying(200) here but text",
        fix="safe",
    ),
]

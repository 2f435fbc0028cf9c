"""A Django `Meta.indexes` entry (or `UniqueConstraint`) without an explicit `name`.

## What it does
Warns about each `models.Index(...)` in a model's `Meta.indexes` that has no `name=`, and each
`UniqueConstraint` without one, pointing at the `indexes =` / `constraints =` line.

## Why it matters
Without a name Django makes one up: 11 characters of the table, 7 of the first column and a
hash (`shop_stock_symbol_1a2b3c_idx`). The SQLAlchemy models and `schema.sql` that mirror the
Django models then have to copy that generated name — and it changes whenever the table, the
columns or their order change, so the mirrors silently drift. (Django itself refuses an
unnamed `UniqueConstraint`.)

## Example
```python
class Stock(models.Model):
    symbol = models.CharField(max_length=10)

    class Meta:
        indexes = [models.Index(fields=["symbol"])]
```

## How to fix
Give every index a name, and use the same name in the mirrors:
`models.Index(fields=["symbol"], name="idx_stocks_symbol")`.

## How to silence
`# noqa: SL305` on the `indexes =` line, or `ignore = ["SL305"]`.
"""

from schemalint.context import SchemaContext
from schemalint.registry import Case, rule


@rule(
    "SL305",
    "unnamed-django-index",
    "A Django index or unique constraint has no explicit name",
    level="schema",
    severity="warning",
)
def unnamed_django_index(ctx: SchemaContext) -> None:
    if ctx.source != "django":
        return
    for table in ctx.schema.tables:
        for index in table.indexes:
            if not index.implicit or index.location is None or index.unknown:
                continue
            if index.origin == "index":
                what = "index"
            elif index.origin == "constraint":
                what = "UniqueConstraint"
            else:
                continue
            ctx.report(
                f"{what} on {table.name}({', '.join(index.columns)}) has no name; Django will call it "
                f"'{index.name}' — name it explicitly so mirrors can state it",
                location=index.location,
                table=table.name,
            )


VALID = [
    Case(
        django="""
        from django.db import models

        class Stock(models.Model):
            symbol = models.CharField(max_length=10, db_index=True)

            class Meta:
                db_table = "stocks"
                indexes = [models.Index(fields=["symbol"], name="idx_stocks_symbol")]
    """
    ),
    # A named UniqueConstraint.
    Case(
        django="""
        from django.db import models

        class Stock(models.Model):
            symbol = models.CharField(max_length=10)

            class Meta:
                constraints = [models.UniqueConstraint(fields=["symbol"], name="uniq_stock_symbol")]
    """
    ),
    # SQLAlchemy as the source of truth: the rule looks at Django models only.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, Index, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                __table_args__ = (Index("idx_stocks_symbol", "symbol"),)
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(10), nullable=False)
        """,
        sql="CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, symbol VARCHAR(10) NOT NULL);",
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                symbol = models.CharField(max_length=10)

                class Meta:
                    db_table = "stocks"
                    indexes = [models.Index(fields=["symbol"])]
        """,
        expect=("django:8",),
        message="stocks_symbol_",
    ),
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                symbol = models.CharField(max_length=10)

                class Meta:
                    constraints = [models.UniqueConstraint(fields=["symbol"])]
        """,
        expect=("django:7",),
        message="UniqueConstraint",
    ),
    # An unnamed two-column index, on the line that declares it.
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                symbol = models.CharField(max_length=10)
                name = models.CharField(max_length=50)

                class Meta:
                    indexes = [
                        models.Index(fields=["symbol", "name"]),
                    ]
        """,
        expect=("django:9",),
    ),
]

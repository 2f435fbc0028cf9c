"""A mirror class that mirrors a Django model under another table name.

## What it does
A SQLAlchemy class whose docstring follows the convention "(mirrors Django
apps.options.models.Stock)" is paired with that model even when its `__tablename__` differs
from the model's `db_table`. This rule reports the differing name at the `__tablename__`.

## Why it matters
The class then reads and writes a table Django never creates. Without the docstring pairing the
same drift would show up as a missing table plus an extra one; this rule says what happened.

## Example
```python
class Stock(Base):
    "Stock symbol (mirrors Django apps.options.models.Stock)."
    __tablename__ = "stock"        # SL103: Django's db_table is "stocks"
```

## How to fix
`schemalint check --fix` sets `__tablename__` to the model's `db_table` (a safe fix); or rename
the model's table instead, with a migration.

## How to silence
`# noqa: SL103` on the class line, or pair the names on purpose in `[tool.schemalint.pairs]`.
"""

from schemalint.compare.normalize import first_location
from schemalint.context import TableContext, at
from schemalint.fix import RenameTable
from schemalint.registry import Case, rule


@rule("SL103", "table-name-mismatch", "A mirrored model's table name differs from the source of truth's", level="table")
def table_name_mismatch(ctx: TableContext) -> None:
    truth, mirror = ctx.truth_table, ctx.mirror_table
    if ctx.pair.paired_by != "mirrors" or not ctx.pair.known("name"):
        return
    ctx.report(
        f"table is named {mirror.name} here but {truth.model or 'the model'} it mirrors has "
        f"{ctx.truth_words.table_name_option()} {truth.name}{at(truth.location)}",
        location=first_location(mirror.name_location, mirror.location, fallback=ctx.mirror_file),
        related=(truth.name_location or truth.location,),
        fix=ctx.mirror_fix(
            f"rename table {mirror.name} to {truth.name}", "safe", RenameTable(mirror.name, truth.name, mirror.schema)
        ),
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
        sqlalchemy='''
        from sqlalchemy import BigInteger, Column
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Stock(Base):
            """Stocks (mirrors Django apps.shop.models.Stock)."""
            __tablename__ = "stocks"
            id = Column(BigInteger, primary_key=True)
    ''',
    ),
    # No docstring claims a model: the tables pair by name (a different name is SL101/SL102's business).
    Case(
        django=_DJANGO,
        sqlalchemy="""
        from sqlalchemy import BigInteger, Column
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Stock(Base):
            __tablename__ = "stock_table"
            id = Column(BigInteger, primary_key=True)
    """,
    ),
    # Django's default table name (app_label + model), mirrored under that name.
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                symbol = models.CharField(max_length=10)
        """,
        sqlalchemy='''
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                """Mirrors Django apps.shop.models.Stock."""
                __tablename__ = "shop_stock"
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(10), nullable=False)
        ''',
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sqlalchemy='''
            from sqlalchemy import BigInteger, Column
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                """Stocks (mirrors Django apps.shop.models.Stock)."""
                __tablename__ = "stock"
                id = Column(BigInteger, primary_key=True)
        ''',
        expect=("sqlalchemy:8",),
        message="table is named stock here but shop.Stock it mirrors has db_table stocks",
        fix="safe",
    ),
    # Django's default table name is shop_stock, not stocks.
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                symbol = models.CharField(max_length=10)
        """,
        sqlalchemy='''
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                """Mirrors Django apps.shop.models.Stock."""
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                symbol = Column(String(10), nullable=False)
        ''',
        expect=("sqlalchemy:8",),
        message="table is named stocks here but shop.Stock it mirrors has db_table shop_stock",
    ),
    # The second of two mirrored models is misnamed.
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                class Meta:
                    db_table = "stocks"

            class Sector(models.Model):
                class Meta:
                    db_table = "sectors"
        """,
        sqlalchemy='''
            from sqlalchemy import BigInteger, Column
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                """Stocks (mirrors Django apps.shop.models.Stock)."""
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)

            class Sector(Base):
                """Sectors (mirrors Django apps.shop.models.Sector)."""
                __tablename__ = "sector"
                id = Column(BigInteger, primary_key=True)
        ''',
        expect=("sqlalchemy:13",),
        message="table is named sector here but shop.Sector it mirrors has db_table sectors",
        fix="safe",
    ),
]

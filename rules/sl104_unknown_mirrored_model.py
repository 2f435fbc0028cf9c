"""A mirror class whose docstring names a Django model that does not exist.

## What it does
Checks the "(mirrors Django apps.options.models.Stock)" docstring convention: the model it
names must exist among the source of truth's models.

## Why it matters
The docstring is how readers of the SQLAlchemy module (and schemalint's table pairing) know
which model a class follows. A stale reference — the model was renamed or moved to another
app — sends them to the wrong place.

## Example
```python
class Stock(Base):
    "Stock (mirrors Django apps.options.models.Stocks)."   # SL104: no model Stocks
```

## How to fix
Name the model as `<app>.models.<Class>` the way it is now.

## How to silence
`# noqa: SL104` on the class line.
"""

from schemalint.compare.normalize import first_location
from schemalint.context import ComparisonContext
from schemalint.registry import Case, rule


@rule("SL104", "unknown-mirrored-model", "A mirror's docstring names a model that does not exist")
def unknown_mirrored_model(ctx: ComparisonContext) -> None:
    for table in ctx.comparison.unknown_mirrors:
        ctx.report(
            f"docstring says {table.model or table.name} mirrors {table.mirrors}, but there is no such model",
            location=first_location(table.location, fallback=ctx.mirror_file),
            table=table.name,
        )


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        class Meta:
            db_table = "stocks"
"""

_SQLALCHEMY = '''
    from sqlalchemy import BigInteger, Column
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Stock(Base):
        """Stocks (mirrors Django apps.shop.models.{model})."""
        __tablename__ = "stocks"
        id = Column(BigInteger, primary_key=True)
'''

VALID = [
    Case(django=_DJANGO, sqlalchemy=_SQLALCHEMY.format(model="Stock")),
    # No docstring, no claim.
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
    # A docstring that mentions Django but claims no model.
    Case(
        django=_DJANGO,
        sqlalchemy='''
        from sqlalchemy import BigInteger, Column
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Stock(Base):
            """Stocks, kept in step with the Django app by hand."""
            __tablename__ = "stocks"
            id = Column(BigInteger, primary_key=True)
    ''',
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sqlalchemy=_SQLALCHEMY.format(model="Stocks"),
        expect=("sqlalchemy:6",),
        message="mirrors apps.shop.models.Stocks, but there is no such model",
    ),
    # A model of another name in the right module.
    Case(
        django=_DJANGO,
        sqlalchemy=_SQLALCHEMY.format(model="Quote"),
        expect=("sqlalchemy:6",),
        message="mirrors apps.shop.models.Quote, but there is no such model",
    ),
    # The second class names a model that does not exist; the first is fine.
    Case(
        django=_DJANGO,
        sqlalchemy=_SQLALCHEMY.format(model="Stock")
        + '''
    class Sector(Base):
        """Sectors (mirrors Django apps.shop.models.Sector)."""
        __tablename__ = "sectors"
        id = Column(BigInteger, primary_key=True)
''',
        expect=("sqlalchemy:11",),
        message="mirrors apps.shop.models.Sector, but there is no such model",
    ),
]

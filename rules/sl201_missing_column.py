"""A column of the source of truth that a mirror's table does not have.

## What it does
For each pair of tables, reports every column the Django model creates (including `<fk>_id`
columns and the implicit `id`) that the mirror's table lacks. The finding points at the
mirror's class or CREATE TABLE statement — the place that must change — and names the field.

## Why it matters
Inserts through the mirror cannot fill the column and reads cannot see it; with NOT NULL and
no default, inserts through the mirror fail outright.

## Example
```python
class Stock(models.Model):
    market_cap = models.BigIntegerField(null=True)   # but src/database/models.py has no market_cap
```

## How to fix
`schemalint check --fix` adds the column to the mirror (a safe fix): `market_cap =
Column(BigInteger, nullable=True)` after its Django neighbour, or
`ALTER TABLE stocks ADD COLUMN IF NOT EXISTS market_cap BIGINT;`.

## How to silence
`# noqa: SL201` on the mirror's class line, or `ignore-columns = ["stocks.market_cap"]`.
"""

from schemalint.context import TableContext, at
from schemalint.fix import AddColumn, AddForeignKey, Change
from schemalint.fix.describe import previous_column
from schemalint.registry import Case, rule


@rule("SL201", "missing-column", "A column of the source of truth is missing from a mirror's table", level="table")
def missing_column(ctx: TableContext) -> None:
    table, schema = ctx.mirror_table.name, ctx.mirror_table.schema
    for column in ctx.pair.missing_columns:
        changes: list[Change] = [AddColumn(table, column, previous_column(ctx.truth_table, column), schema)]
        # A new column's foreign key comes with it (SL207 leaves a missing column alone).
        changes += [
            AddForeignKey(table, ctx.mirror_foreign_key(fk), schema)
            for fk in ctx.pair.known_objects("foreign_keys", "truth")
            if fk.columns == (column.name,)
        ]
        ctx.report(
            f"{table}.{column.name} is missing here; it is {column.type}{at(column.location)}",
            column=column.name,
            related=(column.location,),
            # A column is written only when all of it is known.
            fix=None if column.unknown else ctx.mirror_fix(f"add column {table}.{column.name}", "safe", *changes),
        )


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        symbol = models.CharField(max_length=10)
        market_cap = models.BigIntegerField(null=True)

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
        ALTER TABLE stocks ADD COLUMN IF NOT EXISTS market_cap BIGINT;
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
            market_cap = Column(BigInteger)
    """,
    ),
    # SQLAlchemy as the source of truth; schema.sql has every column.
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
            -- stocks
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL
            );
        """,
        expect=("sql:2",),
        message="stocks.market_cap is missing here; it is bigint in app_django/apps/shop/models.py:5:5",
        fix="safe",
    ),
    # The SQLAlchemy mirror lacks market_cap: reported at its class.
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
        expect=("sqlalchemy:6",),
        message="stocks.market_cap is missing here; it is bigint",
        fix="safe",
    ),
    # SQLAlchemy as the source of truth; schema.sql lacks symbol.
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
        sql="CREATE TABLE IF NOT EXISTS stocks (id BIGINT PRIMARY KEY);",
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:1",),
        message="stocks.symbol is missing here; it is character varying(10) in src/database/models.py:9:5",
    ),
    # A missing foreign key column: its key comes with it, in the same fix.
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                class Meta:
                    db_table = "stocks"

            class Quote(models.Model):
                stock = models.ForeignKey(Stock, on_delete=models.CASCADE)

                class Meta:
                    db_table = "quotes"
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS quotes (
                id BIGSERIAL PRIMARY KEY
            );
        """,
        expect=("sql:2",),
        message="quotes.stock_id is missing here; it is bigint",
        fix="safe",
    ),
]

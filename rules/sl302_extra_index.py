"""An index in a mirror that the source of truth does not create.

## What it does
Reports each index of the mirror that matches no index Django creates: not by name, and — for
Django's own unnamed indexes (`db_index=True`, foreign keys, `_like`) — not by columns either.

## Why it matters
Django's migrations never create it, so the database Django builds lacks it (queries the
mirror's authors tuned are slow there), or it is a leftover of an index removed from the model.

## Example
```python
__table_args__ = (Index("idx_stocks_sector", "sector"),)   # SL302: not in Meta.indexes
```

## How to fix
Add the index to the Django model's `Meta.indexes` (and make a migration) or remove it
from the mirror: `schemalint check --fix --unsafe-fixes` drops it (unsafe: queries that use it
slow down, and a unique index stops enforcing its rule).

## How to silence
`# noqa: SL302` / `-- noqa: SL302` on the index's line.
"""

from schemalint.compare import index_key
from schemalint.compare.normalize import first_location
from schemalint.context import TableContext
from schemalint.fix import DropIndex
from schemalint.model import Index, Table
from schemalint.registry import Case, rule


def matched(index: Index, truth: Table) -> bool:
    for other in truth.indexes:
        if other.name == index.name:
            return True
        if other.implicit and index_key(other) == index_key(index):
            return True
        if (
            other.implicit
            and other.origin == "fk"
            and index.columns[: len(other.columns)] == other.columns
            and not index.unique
        ):
            return True
    return False


@rule("SL302", "extra-index", "A mirror declares an index the source of truth does not create", level="table")
def extra_index(ctx: TableContext) -> None:
    mirror = ctx.mirror_table
    for index in ctx.pair.judgeable("indexes", "mirror"):
        if matched(index, ctx.truth_table):
            continue
        ctx.report(
            f"index {index.name} on {mirror.name} ({', '.join(index.columns)}) is declared here but "
            f"{ctx.truth_words.declarer(ctx.truth_table)} does not create it",
            location=first_location(index.location, mirror.location),
            column=index.columns[0] if len(index.columns) == 1 else None,
            fix=ctx.mirror_fix(
                f"drop index {index.name} on {mirror.name}", "unsafe", DropIndex(mirror.name, index, mirror.schema)
            ),
        )


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        sector = models.CharField(max_length=20)

        class Meta:
            db_table = "stocks"
"""

VALID = [
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, sector VARCHAR(20) NOT NULL);
    """,
    ),
    # The index Django declares, in schema.sql.
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                sector = models.CharField(max_length=20)

                class Meta:
                    db_table = "stocks"
                    indexes = [models.Index(fields=["sector"], name="idx_stocks_sector")]
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, sector VARCHAR(20) NOT NULL);
            CREATE INDEX IF NOT EXISTS idx_stocks_sector ON stocks (sector);
        """,
    ),
    # SQLAlchemy as the source of truth: index=True, mirrored in schema.sql.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                sector = Column(String(20), nullable=False, index=True)
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, sector VARCHAR(20) NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_stocks_sector ON stocks (sector);
        """,
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, sector VARCHAR(20) NOT NULL);

            CREATE INDEX IF NOT EXISTS idx_stocks_sector ON stocks (sector);
        """,
        expect=("sql:3",),
        message="index idx_stocks_sector on stocks (sector) is declared here but Django model shop.Stock does not create it",
    ),
    # The SQLAlchemy mirror adds index=True.
    Case(
        django=_DJANGO,
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                sector = Column(String(20), nullable=False, index=True)
        """,
        expect=("sqlalchemy:9",),
        message="on stocks (sector) is declared here but Django model shop.Stock does not create it",
        fix="unsafe",
    ),
    # SQLAlchemy as the source of truth; schema.sql adds an index.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, String
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                sector = Column(String(20), nullable=False)
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, sector VARCHAR(20) NOT NULL);
            CREATE INDEX IF NOT EXISTS idx_stocks_sector ON stocks (sector);
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:2",),
        message="index idx_stocks_sector on stocks (sector) is declared here",
        fix="unsafe",
    ),
]

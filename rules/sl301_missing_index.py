"""An index of the source of truth that a mirror does not have.

## What it does
Checks that each index Django creates exists in the mirror:
- an index with a name written in the model (`Meta.indexes` with `name=`) must exist under
  that name (if the mirror has one with the same columns under another name, the message says so);
- an index Django creates by itself — for `db_index=True`, and for every `ForeignKey` — may
  have any name; for a foreign key, any index whose leading columns are the key's columns
  (or the primary key, or a unique constraint starting with them) serves.
Django's `…_like` companion indexes (`varchar_pattern_ops`, created for indexed or unique
text columns on PostgreSQL) are an implementation detail of Django's backend and are not required.
Uniqueness enforced by a constraint is SL208/SL304's business.

## Why it matters
Queries that are fast on the database Django migrated are sequential scans on one built from
the mirror; a foreign key without an index makes every delete of the parent scan the child table.

## Example
```python
class Meta:
    indexes = [models.Index(fields=["market_cap"], name="idx_stocks_market_cap")]
```
```sql
-- schema.sql has no CREATE INDEX idx_stocks_market_cap   → SL301 at CREATE TABLE stocks
```

## How to fix
Add the index to the mirror with the same name and columns:
`Index("idx_stocks_market_cap", "market_cap")` in `__table_args__`, or
`CREATE INDEX IF NOT EXISTS idx_stocks_market_cap ON stocks (market_cap);`.
`schemalint check --fix` does it (a safe fix); a unique index fails on duplicates already in
the table, so adding one is unsafe (`--unsafe-fixes`).

## How to silence
`# noqa: SL301` / `-- noqa: SL301` on the mirror's class or CREATE TABLE line.
"""

from schemalint.compare import index_key
from schemalint.compare.normalize import first_location
from schemalint.context import TableContext, at
from schemalint.fix import AddIndex
from schemalint.fix.describe import adding
from schemalint.model import Index, Table
from schemalint.registry import Case, rule


def required(index: Index) -> bool:
    return index.origin != "like"


def covers_fk(index_columns: tuple[str, ...], fk_columns: tuple[str, ...]) -> bool:
    return index_columns[: len(fk_columns)] == fk_columns


def satisfied(index: Index, mirror: Table) -> bool:
    if not index.implicit:
        return any(other.name == index.name for other in mirror.indexes)
    if index.origin == "fk":
        leading = [i.columns for i in mirror.indexes if not i.where]
        leading += [c.columns for c in mirror.constraints if c.kind == "unique"]
        if mirror.primary_key:
            leading.append(mirror.primary_key.columns)
        return any(covers_fk(cols, index.columns) for cols in leading)
    return any(index_key(other) == index_key(index) for other in mirror.indexes)


@rule("SL301", "missing-index", "An index of the source of truth is missing from a mirror", level="table")
def missing_index(ctx: TableContext) -> None:
    mirror = ctx.mirror_table
    for index in ctx.pair.judgeable("indexes", "truth"):
        if not required(index) or satisfied(index, mirror):
            continue
        columns = ", ".join(index.columns)
        if index.implicit:
            what = f"an index on {mirror.name} ({columns})"
            why = " (for the foreign key)" if index.origin == "fk" else ""
        else:
            what, why = f"index {index.name} on {mirror.name} ({columns})", ""
        alias = next((o.name for o in mirror.indexes if index_key(o) == index_key(index)), None)
        hint = f"; an index on the same columns exists here as {alias}" if alias and not index.implicit else ""
        ctx.report(
            f"{what} is missing here{why}; {ctx.truth_words.creates()}{at(index.location)}{hint}",
            location=first_location(mirror.location),
            column=index.columns[0] if len(index.columns) == 1 else None,
            related=(index.location,),
            fix=ctx.mirror_fix(
                f"add index {index.name} on {mirror.name} ({columns})",
                adding(index),
                AddIndex(mirror.name, index, mirror.schema),
            ),
        )


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        market_cap = models.BigIntegerField(null=True)

        class Meta:
            db_table = "stocks"
            indexes = [models.Index(fields=["market_cap"], name="idx_stocks_market_cap")]
"""

VALID = [
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, market_cap BIGINT);
        CREATE INDEX IF NOT EXISTS idx_stocks_market_cap ON stocks (market_cap);
    """,
    ),
    # The SQLAlchemy mirror declares the index in __table_args__.
    Case(
        django=_DJANGO,
        sqlalchemy="""
        from sqlalchemy import BigInteger, Column, Index
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Stock(Base):
            __tablename__ = "stocks"
            __table_args__ = (Index("idx_stocks_market_cap", "market_cap"),)
            id = Column(BigInteger, primary_key=True)
            market_cap = Column(BigInteger)
    """,
    ),
    # The index Django creates for a foreign key, under the mirror's own name.
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
                id BIGSERIAL PRIMARY KEY,
                stock_id BIGINT NOT NULL REFERENCES stocks(id) ON DELETE CASCADE
            );
            CREATE INDEX IF NOT EXISTS quotes_stock_id_idx ON quotes (stock_id);
        """,
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, market_cap BIGINT);
            CREATE INDEX IF NOT EXISTS stocks_cap ON stocks (market_cap);
        """,
        expect=("sql:1",),
        message="index idx_stocks_market_cap on stocks (market_cap) is missing here",
        fix="safe",
    ),
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
                id BIGSERIAL PRIMARY KEY,
                stock_id BIGINT NOT NULL REFERENCES stocks(id) ON DELETE CASCADE
            );
        """,
        expect=("sql:2",),
        message="an index on quotes (stock_id) is missing here (for the foreign key)",
        fix="safe",
    ),
    # SQLAlchemy as the source of truth; schema.sql lacks its index.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, Index
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                __table_args__ = (Index("idx_stocks_market_cap", "market_cap"),)
                id = Column(BigInteger, primary_key=True)
                market_cap = Column(BigInteger)
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, market_cap BIGINT);
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:1",),
        message="index idx_stocks_market_cap on stocks (market_cap) is missing here",
        fix="safe",
    ),
]

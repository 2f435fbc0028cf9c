"""An index with the same name on both sides that indexes something else.

## What it does
For each index name present in the source of truth and in the mirror, compares what the index
is: its columns (or expressions) in order, uniqueness, partial condition (`WHERE`), method
(`USING gin`), sort order and operator classes. Conditions are compared ignoring casts, quoting
and spacing.

## Why it matters
Same name, different index: the name promises the planner's help for one query, the index
serves another — or a unique index enforces a rule the other side does not have.

## Example
```python
models.Index(fields=["symbol", "date"], name="idx_snap_symbol_date")
Index("idx_snap_symbol_date", "symbol")     # SL303: columns differ
```

## How to fix
Make the mirror's index identical to Django's (`schemalint dump --source django` shows it).
`schemalint check --fix --unsafe-fixes` drops the mirror's index and creates the truth's in one
fix (unsafe: the index is missing in between, and a unique one may fail to build).

## How to silence
`# noqa: SL303` / `-- noqa: SL303` on the index's line.
"""

from schemalint.compare.normalize import expression, first_location
from schemalint.context import TableContext, at
from schemalint.fix import AddIndex, DropIndex
from schemalint.model import Index
from schemalint.registry import Case, rule


def differences(truth: Index, mirror: Index) -> list[str]:
    found = []
    if tuple(expression(c) for c in truth.columns) != tuple(expression(c) for c in mirror.columns):
        found.append(f"columns ({', '.join(mirror.columns)}) here but ({', '.join(truth.columns)})")
    if truth.unique != mirror.unique:
        found.append(
            f"{'unique' if mirror.unique else 'not unique'} here but {'unique' if truth.unique else 'not unique'}"
        )
    if expression(truth.where) != expression(mirror.where):
        found.append(f"WHERE {mirror.where or '(none)'} here but WHERE {truth.where or '(none)'}")
    if truth.using != mirror.using:
        found.append(f"USING {mirror.using} here but USING {truth.using}")
    if _orders(truth) != _orders(mirror):
        found.append(f"order ({', '.join(_orders(mirror))}) here but ({', '.join(_orders(truth))})")
    if _opclasses(truth) != _opclasses(mirror):
        found.append(f"operator classes ({', '.join(mirror.opclasses)}) here but ({', '.join(truth.opclasses)})")
    return found


def _orders(index: Index) -> tuple[str, ...]:
    return tuple((o or "ASC").upper() for o in index.orders) if any(index.orders) else ()


def _opclasses(index: Index) -> tuple[str, ...]:
    return tuple(o for o in index.opclasses if o) and tuple(index.opclasses)


@rule(
    "SL303",
    "index-differs",
    "An index of the same name differs between the source of truth and a mirror",
    level="table",
)
def index_differs(ctx: TableContext) -> None:
    mirror = ctx.mirror_table
    mirror_indexes = {i.name: i for i in ctx.pair.known_objects("indexes", "mirror")}
    for index in ctx.pair.known_objects("indexes", "truth"):
        other = mirror_indexes.get(index.name)
        found = differences(index, other) if other is not None else []
        if other is None or not found:
            continue
        ctx.report(
            f"index {index.name} has {'; '.join(found)}{at(index.location)}",
            location=first_location(other.location, mirror.location),
            related=(index.location,),
            fix=ctx.mirror_fix(
                f"recreate index {index.name} on {mirror.name}",
                "unsafe",
                DropIndex(mirror.name, other, mirror.schema),
                AddIndex(mirror.name, index, mirror.schema),
            ),
        )


_DJANGO = """
    from django.db import models

    class Snapshot(models.Model):
        symbol = models.CharField(max_length=10)
        taken_at = models.DateTimeField()

        class Meta:
            db_table = "snapshots"
            indexes = [models.Index(fields=["symbol", "-taken_at"], name="idx_snap_symbol_date")]
"""

VALID = [
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS snapshots (
            id BIGSERIAL PRIMARY KEY,
            symbol VARCHAR(10) NOT NULL,
            taken_at TIMESTAMPTZ NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_snap_symbol_date ON snapshots (symbol, taken_at DESC);
    """,
    ),
    # The SQLAlchemy mirror: the same columns and order.
    Case(
        django=_DJANGO,
        sqlalchemy="""
        from sqlalchemy import BigInteger, Column, DateTime, Index, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Snapshot(Base):
            __tablename__ = "snapshots"
            __table_args__ = (Index("idx_snap_symbol_date", "symbol", Column("taken_at").desc()),)
            id = Column(BigInteger, primary_key=True)
            symbol = Column(String(10), nullable=False)
            taken_at = Column(DateTime(timezone=True), nullable=False)
    """,
    ),
    # SQLAlchemy as the source of truth: a plain index mirrored in schema.sql.
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
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, symbol VARCHAR(10) NOT NULL);
            CREATE INDEX IF NOT EXISTS idx_stocks_symbol ON stocks (symbol);
        """,
        config=(("source-of-truth", "sqlalchemy"),),
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS snapshots (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
                taken_at TIMESTAMPTZ NOT NULL
            );
            CREATE INDEX IF NOT EXISTS idx_snap_symbol_date ON snapshots (symbol);
        """,
        expect=("sql:6",),
        message="index idx_snap_symbol_date has columns (symbol) here but (symbol, taken_at)",
        fix="unsafe",
    ),
    # The same name, the columns in another order.
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS snapshots (
                id BIGSERIAL PRIMARY KEY,
                symbol VARCHAR(10) NOT NULL,
                taken_at TIMESTAMPTZ NOT NULL
            );
            CREATE INDEX IF NOT EXISTS idx_snap_symbol_date ON snapshots (taken_at DESC, symbol);
        """,
        expect=("sql:6",),
        message="index idx_snap_symbol_date has columns (taken_at, symbol) here but (symbol, taken_at)",
    ),
    # SQLAlchemy as the source of truth; schema.sql indexes another column under the same name.
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
                name = Column(String(50))
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, symbol VARCHAR(10) NOT NULL, name VARCHAR(50));
            CREATE INDEX IF NOT EXISTS idx_stocks_symbol ON stocks (name);
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:2",),
        message="index idx_stocks_symbol has columns (name) here but (symbol)",
        fix="unsafe",
    ),
]

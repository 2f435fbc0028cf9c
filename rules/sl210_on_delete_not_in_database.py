"""A mirror whose foreign key has a database ON DELETE action Django does not create.

## What it does
Off by default (enable with `extend-select = ["SL210"]`). Django up to 5.2 — and Django 6
unless `DB_CASCADE`/`DB_SET_NULL`/`DB_SET_DEFAULT` is used — implements `on_delete` in Python
and creates every foreign key with `NO ACTION`. A mirror that declares `ON DELETE CASCADE`
(or `SET NULL`, `SET DEFAULT`) therefore describes a database that behaves differently from
the one Django's migrations create. SL207 accepts such a mirror under the default
`on-delete-policy = "declared"`; this rule points at each one.

## Why it matters
In a database built by Django, deleting a stock through SQLAlchemy (or psql) fails or leaves
orphans where a delete through Django cascades; in a database built from the mirror, the
database cascades on its own. Same code, two behaviours.

## Example
```python
stock = models.ForeignKey(Stock, on_delete=models.CASCADE)          # Django: NO ACTION in the DB
stock_id = Column(ForeignKey("stocks.id", ondelete="CASCADE"))       # SL210
```

## How to fix
Use Django 6's `on_delete=models.DB_CASCADE` to make the action real, or drop the action from
the mirror and delete through Django.

## How to silence
`# noqa: SL210` on the line; it is off unless selected.
"""

from schemalint.compare.normalize import first_location
from schemalint.context import TableContext, at
from schemalint.registry import Case, rule

_ACTIONS = {"CASCADE", "SET NULL", "SET DEFAULT"}


@rule(
    "SL210",
    "on-delete-not-in-database",
    "A mirror's ON DELETE action is one Django does not create in the database",
    level="table",
    severity="warning",
    default_enabled=False,
)
def on_delete_not_in_database(ctx: TableContext) -> None:
    if ctx.truth_source != "django":
        return  # only Django applies on_delete in Python; elsewhere a differing action is SL207's
    mirror = ctx.mirror_table
    truth_keys = {fk.columns: fk for fk in ctx.pair.known_objects("foreign_keys", "truth")}
    for fk in ctx.pair.known_objects("foreign_keys", "mirror"):
        truth = truth_keys.get(fk.columns)
        if truth is None or fk.on_delete not in _ACTIONS or fk.on_delete == truth.on_delete:
            continue
        column = mirror.column(fk.columns[0])
        ctx.report(
            f"{mirror.name}.{', '.join(fk.columns)} is ON DELETE {fk.on_delete} in the database here, but "
            f"Django creates it with {truth.on_delete} and applies {truth.intended_on_delete} in Python{at(truth.location)}",
            location=first_location(fk.location, column.location if column else None, mirror.location),
            column=fk.columns[0],
            related=(truth.location,),
        )


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        class Meta:
            db_table = "stocks"

    class Quote(models.Model):
        stock = models.ForeignKey(Stock, on_delete=models.CASCADE)

        class Meta:
            db_table = "quotes"
"""

_SQL = """
    CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS quotes (
        id BIGSERIAL PRIMARY KEY,
        stock_id BIGINT NOT NULL REFERENCES stocks(id){action}
    );
"""

VALID = [
    Case(django=_DJANGO, sql=_SQL.format(action=""), config=(("extend_select", ("SL210",)),)),
    # RESTRICT is not one of the actions Django could have meant to emulate in Python.
    Case(django=_DJANGO, sql=_SQL.format(action=" ON DELETE RESTRICT"), config=(("extend_select", ("SL210",)),)),
    # The SQLAlchemy mirror: a foreign key without ondelete, as Django creates it.
    Case(
        django=_DJANGO,
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, ForeignKey
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)

            class Quote(Base):
                __tablename__ = "quotes"
                id = Column(BigInteger, primary_key=True)
                stock_id = Column(BigInteger, ForeignKey("stocks.id"), nullable=False)
        """,
        config=(("extend_select", ("SL210",)),),
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql=_SQL.format(action=" ON DELETE CASCADE"),
        config=(("extend_select", ("SL210",)),),
        expect=("sql:4",),
        message="quotes.stock_id is ON DELETE CASCADE in the database here, but Django creates it with NO ACTION",
    ),
    # SET NULL in the database for a CASCADE in Python.
    Case(
        django=_DJANGO,
        sql=_SQL.format(action=" ON DELETE SET NULL"),
        config=(("extend_select", ("SL210",)),),
        expect=("sql:4",),
        message="quotes.stock_id is ON DELETE SET NULL in the database here",
    ),
    # The SQLAlchemy mirror states CASCADE in the database.
    Case(
        django=_DJANGO,
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, ForeignKey
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)

            class Quote(Base):
                __tablename__ = "quotes"
                id = Column(BigInteger, primary_key=True)
                stock_id = Column(BigInteger, ForeignKey("stocks.id", ondelete="CASCADE"), nullable=False)
        """,
        config=(("extend_select", ("SL210",)),),
        expect=("sqlalchemy:13",),
        message="quotes.stock_id is ON DELETE CASCADE in the database here, but Django creates it with NO ACTION",
    ),
]

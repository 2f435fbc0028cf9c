"""A foreign key that differs between the source of truth and a mirror.

## What it does
Pairs foreign keys by their columns and reports a key the mirror lacks, a key only the mirror
has, a different target table or column, and a different `ON DELETE` action.

Which `ON DELETE` a mirror must state is the `on-delete-policy`:
- `declared` (default): Django's declared behaviour. Django ≤ 5.2 applies `on_delete` in Python
  and creates the database key with NO ACTION, but teams write that behaviour into the mirrors
  (`ondelete="CASCADE"`, `ON DELETE CASCADE`) so that the other service's deletes behave alike.
  `PROTECT` is stated as `RESTRICT` (or `NO ACTION`), `DO_NOTHING` as `NO ACTION`.
- `database`: exactly what Django creates in the database (`NO ACTION` for Python-level
  behaviour; real actions for Django 6's `DB_CASCADE`, `DB_SET_NULL`, `DB_SET_DEFAULT`).
`NO ACTION` and `RESTRICT` are treated alike: both refuse the delete.

## Why it matters
A missing key lets the mirror write orphans; a different action deletes (or keeps) rows the
other side expects kept (or deleted).

## Example
```python
stock = models.ForeignKey(Stock, on_delete=models.CASCADE)
stock_id = Column(ForeignKey("stocks.id", ondelete="SET NULL"))   # SL207
```

## How to fix
Point the mirror's key at the same table and column with the action the policy asks for.
`schemalint check --fix --unsafe-fixes` adds, replaces or drops the mirror's key: every such
fix is unsafe, since a new key rejects rows that break it and another action deletes (or
keeps) other rows.

## How to silence
`# noqa: SL207` / `-- noqa: SL207` on the column's line, or `on-delete-policy = "database"`.
"""

from schemalint.compare.normalize import first_location
from schemalint.context import TableContext, at
from schemalint.fix import AddForeignKey, Change, DropForeignKey, Fix
from schemalint.model import ForeignKey
from schemalint.registry import Case, rule

_REFUSING = {"NO ACTION", "RESTRICT"}


def same_action(a: str, b: str) -> bool:
    return a == b or (a in _REFUSING and b in _REFUSING)


def expected_action(fk: ForeignKey, policy: str) -> str:
    return fk.intended_on_delete if policy == "declared" else fk.on_delete


def _target(fk: ForeignKey) -> str:
    return f"{fk.ref_table}({', '.join(fk.ref_columns)})"


def _fix(ctx: TableContext, columns: tuple[str, ...], truth: ForeignKey | None, mirror: ForeignKey | None) -> Fix:
    """Drop the mirror's key (when it has one) and add the truth's (when it has one), with the
    action the policy asks for: one unsafe fix."""
    table, schema = ctx.mirror_table.name, ctx.mirror_table.schema
    changes: list[Change] = []
    if mirror is not None:
        changes.append(DropForeignKey(table, mirror, schema))
    if truth is not None:
        changes.append(AddForeignKey(table, ctx.mirror_foreign_key(truth), schema))
    verb = "replace" if truth is not None and mirror is not None else "add" if truth is not None else "drop"
    return ctx.mirror_fix(f"{verb} the foreign key on {table}.{', '.join(columns)}", "unsafe", *changes)


@rule("SL207", "foreign-key-mismatch", "A foreign key differs between the source of truth and a mirror", level="table")
def foreign_key_mismatch(ctx: TableContext) -> None:
    pair, policy = ctx.pair, ctx.on_delete_policy
    mirror_keys = {fk.columns: fk for fk in pair.known_objects("foreign_keys", "mirror")}
    truth_keys = {fk.columns: fk for fk in pair.known_objects("foreign_keys", "truth")}
    absent_ok = set(map(id, pair.judgeable("foreign_keys", "truth")))
    for columns, truth in truth_keys.items():
        name = f"{pair.mirror.name}.{', '.join(columns)}"
        column = pair.mirror.column(columns[0]) if len(columns) == 1 else None
        if column is None and len(columns) == 1 and columns[0] not in {c.name for c in pair.mirror.columns}:
            continue  # the missing column itself is SL201's finding
        mirror = mirror_keys.get(columns)
        here = first_location(
            mirror.location if mirror else None, column.location if column else None, pair.mirror.location
        )
        related = (truth.location,)
        if mirror is None:
            if id(truth) in absent_ok:
                ctx.report(
                    f"{name} has no FOREIGN KEY here but references {_target(truth)}{at(truth.location)}",
                    location=here,
                    column=columns[0],
                    related=related,
                    fix=_fix(ctx, columns, truth, None),
                )
            continue
        if (mirror.ref_table, mirror.ref_columns) != (truth.ref_table, truth.ref_columns):
            ctx.report(
                f"{name} references {_target(mirror)} here but {_target(truth)}{at(truth.location)}",
                location=here,
                column=columns[0],
                related=related,
                fix=_fix(ctx, columns, truth, mirror),
            )
        wanted = expected_action(truth, policy)
        if not same_action(mirror.on_delete, wanted):
            declared = " (declared in Python)" if truth.declared_on_delete and policy == "declared" else ""
            ctx.report(
                f"{name} is ON DELETE {mirror.on_delete} here but {wanted}{declared}{at(truth.location)}",
                location=here,
                column=columns[0],
                related=related,
                fix=_fix(ctx, columns, truth, mirror),
            )
    related_columns = {fk.columns for fk in pair.truth.foreign_keys}
    for mirror in pair.judgeable("foreign_keys", "mirror"):
        columns = mirror.columns
        if columns not in related_columns and all(c in {col.name for col in pair.truth.columns} for c in columns):
            column = pair.mirror.column(columns[0])
            ctx.report(
                f"{pair.mirror.name}.{', '.join(columns)} references {_target(mirror)} here but "
                f"{pair.truth.model or pair.truth.name} declares no relation on it",
                location=first_location(mirror.location, column.location if column else None, pair.mirror.location),
                column=columns[0],
                fix=_fix(ctx, columns, None, mirror),
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

VALID = [
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS quotes (
            id BIGSERIAL PRIMARY KEY,
            stock_id BIGINT NOT NULL REFERENCES stocks(id) ON DELETE CASCADE
        );
        CREATE INDEX IF NOT EXISTS quotes_stock_id_idx ON quotes(stock_id);
    """,
    ),
    Case(
        django=_DJANGO,
        config=(("on_delete_policy", "database"),),
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS quotes (
            id BIGSERIAL PRIMARY KEY,
            stock_id BIGINT NOT NULL REFERENCES stocks(id)
        );
    """,
    ),
    # The SQLAlchemy mirror declares the same foreign key and action.
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
            stock_id = Column(BigInteger, ForeignKey("stocks.id", ondelete="CASCADE"), nullable=False, index=True)
    """,
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS quotes (
                id BIGSERIAL PRIMARY KEY,
                stock_id BIGINT NOT NULL REFERENCES stocks(id) ON DELETE SET NULL
            );
        """,
        expect=("sql:4",),
        message="quotes.stock_id is ON DELETE SET NULL here but CASCADE (declared in Python)",
        fix="unsafe",
    ),
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS quotes (
                id BIGSERIAL PRIMARY KEY,
                stock_id BIGINT NOT NULL
            );
        """,
        expect=("sql:4",),
        message="quotes.stock_id has no FOREIGN KEY here but references stocks(id)",
        fix="unsafe",
    ),
    # SQLAlchemy as the source of truth; schema.sql has the column but no foreign key.
    Case(
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
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGINT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS quotes (
                id BIGINT PRIMARY KEY,
                stock_id BIGINT NOT NULL
            );
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:4",),
        message="quotes.stock_id has no FOREIGN KEY here but references stocks(id)",
    ),
    # A key only the mirror has: dropping it is the (unsafe) fix.
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                class Meta:
                    db_table = "stocks"

            class Quote(models.Model):
                stock_ref = models.BigIntegerField()

                class Meta:
                    db_table = "quotes"
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS quotes (
                id BIGSERIAL PRIMARY KEY,
                stock_ref BIGINT NOT NULL REFERENCES stocks(id)
            );
        """,
        expect=("sql:4",),
        message="quotes.stock_ref references stocks(id) here but shop.Quote declares no relation on it",
        fix="unsafe",
    ),
]

"""A table or column comment of the source of truth that a mirror states differently.

## What it does
When the Django model declares a database comment (`db_comment=` on a field,
`db_table_comment` in Meta), the mirror must carry the same text (`comment=` in SQLAlchemy,
`COMMENT ON TABLE|COLUMN` in schema.sql). Comments that only the mirror has are not reported:
schema.sql often documents more than the models do.

## Why it matters
Database comments are what people read in psql and in database tools; a mirror that builds the
database with another text leaves them with stale documentation.

## Example
```python
price = models.DecimalField(..., db_comment="Last trade price in USD")
```
```sql
COMMENT ON COLUMN stocks.price IS 'Last price';   -- SL209
```

## How to fix
Copy the Django comment into the mirror: `schemalint check --fix` does it (a safe fix, metadata
only).

## How to silence
`# noqa: SL209` / `-- noqa: SL209` on the mirror's line.
"""

from schemalint.context import TableContext, at
from schemalint.fix import SetTableComment
from schemalint.registry import Case, rule


def _quoted(text: str | None) -> str:
    return "no comment" if text is None else repr(text)


@rule("SL209", "comment-mismatch", "A database comment of the source of truth differs in a mirror", level="table")
def comment_mismatch(ctx: TableContext) -> None:
    truth, mirror = ctx.truth_table, ctx.mirror_table
    if ctx.pair.known("comment") and truth.comment is not None and truth.comment != mirror.comment:
        ctx.report(
            f"table {mirror.name} has {_quoted(mirror.comment)} here but comment "
            f"{_quoted(truth.comment)}{at(truth.location)}",
            fix=ctx.mirror_fix(
                f"set the comment of table {mirror.name}",
                "safe",
                SetTableComment(mirror.name, truth.comment, mirror.schema),
            ),
        )
    for col in ctx.columns("comment"):
        wanted = col.truth_column.comment
        if wanted is not None and wanted != col.mirror_column.comment:
            col.report(
                f"{col.mirror_name} has {_quoted(col.mirror_column.comment)} here but comment "
                f"{_quoted(wanted)}{col.truth_at}",
                fix=col.alter(f"set the comment of {col.mirror_name}", "safe", "comment"),
            )


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        price = models.IntegerField(db_comment="Last trade price in cents")

        class Meta:
            db_table = "stocks"
"""

VALID = [
    Case(
        django=_DJANGO,
        sql="""
        CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, price INTEGER NOT NULL);
        COMMENT ON COLUMN stocks.price IS 'Last trade price in cents';
        COMMENT ON TABLE stocks IS 'Listed stocks';
    """,
    ),
    # No comment in the truth: a mirror may document what it likes.
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                price = models.IntegerField()

                class Meta:
                    db_table = "stocks"
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, price INTEGER NOT NULL);
            COMMENT ON COLUMN stocks.price IS 'Price in cents';
        """,
    ),
    # The SQLAlchemy mirror carries the same comment.
    Case(
        django=_DJANGO,
        sqlalchemy="""
        from sqlalchemy import BigInteger, Column, Integer
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Stock(Base):
            __tablename__ = "stocks"
            id = Column(BigInteger, primary_key=True)
            price = Column(Integer, nullable=False, comment="Last trade price in cents")
    """,
    ),
]

INVALID = [
    Case(
        django=_DJANGO,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGSERIAL PRIMARY KEY,
                price INTEGER NOT NULL
            );
            COMMENT ON COLUMN stocks.price IS 'Last price';
        """,
        expect=("sql:3",),
        message="stocks.price has 'Last price' here but comment 'Last trade price in cents'",
        fix="safe",
    ),
    # A table comment (db_table_comment) missing from schema.sql.
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                price = models.IntegerField()

                class Meta:
                    db_table = "stocks"
                    db_table_comment = "Listed stocks"
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY, price INTEGER NOT NULL);
        """,
        expect=("sql:1",),
        message="table stocks has no comment here but comment 'Listed stocks'",
        fix="safe",
    ),
    # SQLAlchemy as the source of truth; schema.sql words the column comment differently.
    Case(
        sqlalchemy="""
            from sqlalchemy import BigInteger, Column, Integer
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()

            class Stock(Base):
                __tablename__ = "stocks"
                id = Column(BigInteger, primary_key=True)
                price = Column(Integer, nullable=False, comment="Price in cents")
        """,
        sql="""
            CREATE TABLE IF NOT EXISTS stocks (
                id BIGINT PRIMARY KEY,
                price INTEGER NOT NULL
            );
            COMMENT ON COLUMN stocks.price IS 'Price in dollars';
        """,
        config=(("source-of-truth", "sqlalchemy"),),
        expect=("sql:3",),
        message="stocks.price has 'Price in dollars' here but comment 'Price in cents'",
    ),
]

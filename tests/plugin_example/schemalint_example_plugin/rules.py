"""Every table of the source of truth carries a comment (`db_table_comment` in Django).

## What it does
Reports each source-of-truth table that has no table comment.

## Why it matters
A team that documents its schema in the database wants every new table documented too.

## Example
```python
class Stock(models.Model):          # XMP101: no db_table_comment
    symbol = models.CharField(max_length=10)
```

## How to fix
Add `db_table_comment = "..."` to the model's Meta.

## How to silence
`# noqa: XMP101` on the class line.
"""

from schemalint.context import ComparisonContext
from schemalint.registry import Case, rule


@rule("XMP101", "table-without-comment", "A source-of-truth table has no comment", severity="warning")
def table_without_comment(ctx: ComparisonContext) -> None:
    # The same API as the built-in rules: a typed context per level (here the comparison as a
    # whole: ctx.truth / ctx.mirror are Schemas, ctx.comparison.pairs how their tables pair up),
    # and ctx.report(...) to say what was found.
    for table in ctx.truth.tables:
        if not table.comment and table.location is not None:
            ctx.report(f"table {table.name} has no comment", location=table.location, table=table.name)


# A comparison-level rule runs once per (truth, mirror) comparison: each case has a mirror.
_MIRROR = """
    CREATE TABLE IF NOT EXISTS shop_stock (id BIGSERIAL PRIMARY KEY, symbol VARCHAR(10) NOT NULL);
"""

VALID = [
    Case(
        django="""
        from django.db import models

        class Stock(models.Model):
            symbol = models.CharField(max_length=10)

            class Meta:
                db_table_comment = "Listed stocks"
    """,
        sql=_MIRROR,
    ),
]

INVALID = [
    Case(
        django="""
            from django.db import models

            class Stock(models.Model):
                symbol = models.CharField(max_length=10)
        """,
        sql=_MIRROR,
        expect=("django:3",),
        message="table shop_stock has no comment",
    ),
]

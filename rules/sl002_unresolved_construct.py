"""A construct whose value schemalint cannot know without running the code.

## What it does
Reports, as a warning, each place where a reader met something it cannot evaluate statically —
`max_length=compute_length()`, a field class built at run time, a `__tablename__` returned by
a function — and says what it could not resolve. The reader then leaves that fact out instead
of guessing.

## Why it matters
schemalint never imports your code. A fact it cannot read is a fact it cannot check: the
warning tells you where the check has a blind spot, instead of comparing against a guess.

## Example
```python
class Stock(models.Model):
    symbol = models.CharField(max_length=symbol_length())
```

## How to fix
Use a literal or a module-level constant (also one imported from another module of the
project), or declare the type of a custom field in `[tool.schemalint.types]`.

## How to silence
`# noqa: SL002` on the line, or `ignore = ["SL002"]` to accept the blind spots.
"""

from schemalint.model import Schema
from schemalint.registry import Case, reader_diagnostics, rule


@rule("SL002", "unresolved-construct", "A construct cannot be resolved statically", severity="warning", scope="schema")
def unresolved_construct(schema: Schema):
    return reader_diagnostics(schema, "SL002")


VALID = [
    Case(django="""
        from django.db import models

        SYMBOL_LENGTH = 10

        class Stock(models.Model):
            symbol = models.CharField(max_length=SYMBOL_LENGTH)
    """),
]

INVALID = [
    Case(
        django="""
            from django.db import models
            from shop.lengths import symbol_length

            class Stock(models.Model):
                symbol = models.CharField(max_length=symbol_length())
        """,
        expect=("django:5",),
    ),
]

"""A `noqa` comment that silences nothing, names an unknown code, or lacks its colon.

## What it does
After findings are silenced, looks at every noqa comment in the files that were read:
`# noqa: SL204` on a line with no SL204 finding, a file-level `# schemalint: noqa` in a file
with no finding, a code no rule has (`# noqa: SL999`), and `# noqa SL204` written without the
colon. Only schemalint's own codes are judged (a `# noqa: E501` for flake8 is left alone), only
codes whose rules ran, and a bare inline `# noqa` never (another linter may need it).

## Why it matters
A stale `noqa` hides the next real drift on that line: the column was fixed, the comment stayed,
and the day the column drifts again nobody is told. Without the colon, flake8 and ruff read
`# noqa SL204` as a blanket `# noqa` that silences every one of *their* checks on the line.

## Example
```python
symbol = Column(String(10), nullable=False)  # noqa: SL204   <- SL010: the columns agree now
```

## How to fix
Delete the comment (or the unused codes in it); add the colon: `# noqa: SL204`.
`schemalint check --fix` removes unused and unknown codes, and a file-level noqa that silences
nothing (a safe fix, as ruff's RUF100; other linters' codes stay). A missing colon is yours to add.

## How to silence
Add `SL010` to the same comment (`# noqa: SL204, SL010`), or `ignore = ["SL010"]` in
`[tool.schemalint]`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemalint.context import NoqaContext
from schemalint.fix import Fix, RemoveNoqa
from schemalint.model import Location
from schemalint.registry import Case, rule

if TYPE_CHECKING:  # the noqa stage's type; importing suppress would cost every warm run
    from schemalint.suppress import UnusedDirective


def _describe(unused: UnusedDirective) -> str:
    comment = "file-level noqa" if unused.file_level else "noqa"
    codes = ", ".join(unused.codes)
    if unused.kind == "unused":
        return f"unused {comment}: no finding in this file to silence"
    if unused.kind == "unknown-codes":
        return f"{comment} names unknown code(s) {codes} (see `schemalint rules`)"
    if unused.kind == "missing-colon":
        return f"write `noqa: {codes}` with a colon: without it flake8 and ruff read a blanket noqa"
    return f"unused {comment} code(s) {codes}: nothing to silence here"


def _fix(unused: UnusedDirective, location: Location) -> Fix | None:
    """Remove what silences nothing: the unused or unknown codes, or a blanket file-level noqa."""
    if unused.kind == "missing-colon":
        return None
    what = f"code(s) {', '.join(unused.codes)}" if unused.codes else "comment"
    change = RemoveNoqa(location, unused.codes)
    return Fix(f"remove the {unused.kind.split('-')[0]} noqa {what}", "safe", (change,), "noqa", unused.path)


@rule("SL010", "unused-noqa", "A noqa directive silences nothing", level="noqa", severity="warning")
def unused_noqa(ctx: NoqaContext) -> None:
    # Called once the other findings have been silenced, with the directives that silenced nothing.
    for unused in ctx.unused:
        location = Location(unused.path, unused.line, unused.col)
        ctx.report(_describe(unused), location=location, fix=_fix(unused, location))


_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        symbol = models.CharField(max_length=10)

        class Meta:
            db_table = "stocks"
"""


def _sqlalchemy(symbol_line: str) -> str:
    return f"""
        from sqlalchemy import BigInteger, Column, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Stock(Base):
            __tablename__ = "stocks"
            id = Column(BigInteger, primary_key=True)
            {symbol_line}
    """


# The cases run SL010 alone; SL204 must run too for its noqa to be judged.
_WITH_SL204 = (("extend_select", ("SL204",)),)

VALID = [
    # The noqa silences a real SL204 finding.
    Case(django=_DJANGO, sqlalchemy=_sqlalchemy("symbol = Column(String(10))  # noqa: SL204"), config=_WITH_SL204),
    # Other linters' codes and a bare noqa are left alone.
    Case(django=_DJANGO, sqlalchemy=_sqlalchemy("symbol = Column(String(10), nullable=False)  # noqa: E501")),
    Case(django=_DJANGO, sqlalchemy=_sqlalchemy("symbol = Column(String(10), nullable=False)  # noqa")),
]

INVALID = [
    Case(
        django=_DJANGO,
        sqlalchemy=_sqlalchemy("symbol = Column(String(10), nullable=False)  # noqa: SL204"),
        expect=("sqlalchemy:9",),
        message="unused noqa code(s) SL204",
        fix="safe",
        config=_WITH_SL204,
    ),
    Case(
        django=_DJANGO,
        sqlalchemy=_sqlalchemy("symbol = Column(String(10), nullable=False)  # noqa: SL999"),
        expect=("sqlalchemy:9",),
        message="unknown code(s) SL999",
        fix="safe",
    ),
    Case(
        django=_DJANGO,
        sqlalchemy=_sqlalchemy("symbol = Column(String(10))  # noqa SL204"),
        expect=("sqlalchemy:9",),
        message="with a colon",
        fix="none",
    ),
]

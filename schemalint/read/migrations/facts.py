"""The plain, picklable facts `extract` keeps from one migration file.

Values are the Django reader's facts (read/django/facts.py) with every name made absolute
through the file's imports (`models.CharField` -> `django.db.models.CharField`,
`settings.AUTH_USER_MODEL` -> `django.conf.settings.AUTH_USER_MODEL`): an operation's field
can then be read in any module, by the same code that reads a model's field.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemalint.model import Diagnostic
from schemalint.read.django.facts import Call


@dataclass(frozen=True, slots=True)
class Operation:
    call: Call
    """The operation as written (`django.db.migrations.AddField(model_name=..., ...)`)."""
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class MigrationFacts:
    rel: str
    """`apps/options/migrations/0002_stock_market_cap.py`"""
    name: str
    """`0002_stock_market_cap`"""
    line: int = 1
    col: int = 1
    found: bool = False
    """The file defines `class Migration`."""
    dependencies: tuple[object, ...] = ()
    replaces: tuple[object, ...] = ()
    run_before: tuple[object, ...] = ()
    operations: tuple[Operation, ...] = ()
    unknown: tuple[str, ...] = ()
    """Class attributes the reader cannot read as a literal list (`operations = make_ops()`)."""
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def app_dir(self) -> str:
        """The app's folder: the migrations package's parent."""
        return self.rel.rsplit("/", 2)[0] if self.rel.count("/") >= 2 else ""

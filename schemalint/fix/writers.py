"""The writer contract: one writer per mirror kind turns fixes into a file's new text.

A writer is a module `schemalint.fix.<kind>` exposing `WRITER`, an object with:

* `apply(text, fixes, context) -> Written`: the file's text with as many of `fixes` written as
  it can write together (all of one fix or none of it), and which it left out and why. A
  writer may leave a fix out because another fix of the same pass touches the same construct:
  the next pass (re-checked from the new text) gets it again.
* `parses(text) -> str | None`: None when `text` is still a file of this kind the reader can
  read, else what is wrong with it (a fix that breaks a file is dropped and reported).
* `target(fix, mirror) -> str | None`: the file a fix without a `path` (a new table) goes to,
  among the mirror's files.

Writers may import libcst and sqlglot (like readers); this module imports neither, so the
engine can tell which findings have a writer without loading one.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Protocol

from schemalint.fix import Fix
from schemalint.model import Schema

WRITER_SOURCES = ("sqlalchemy", "sql", "noqa")
"""The kinds that have a writer: the two file mirrors, and noqa comments in any file."""


@dataclass(frozen=True)
class WriteContext:
    path: str
    """The file being written, relative to the root."""
    truth: Schema
    mirror: Schema
    sql_fix_style: str = "append"
    today: str = ""
    """The date (YYYY-MM-DD) a dated block of appended SQL is headed with."""
    options: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class Written:
    text: str
    applied: tuple[int, ...] = ()
    """Indexes (into the `fixes` given) of the fixes written."""
    skipped: tuple[tuple[int, str], ...] = ()
    """(index, why) of the fixes left out; a fix in neither list is retried next pass."""


class Writer(Protocol):
    def apply(self, text: str, fixes: list[Fix], context: WriteContext) -> Written: ...

    def parses(self, text: str) -> str | None: ...

    def target(self, fix: Fix, mirror: Schema) -> str | None: ...


def get_writer(kind: str) -> Writer:
    if kind not in WRITER_SOURCES:
        raise KeyError(f"no fix writer for {kind!r}")
    writer: Writer = importlib.import_module(f"schemalint.fix.{kind}").WRITER
    return writer


__all__ = ["WRITER_SOURCES", "WriteContext", "Writer", "Written", "get_writer"]

"""Fixes: what a finding says the mirror should become, in schema terms.

A rule that knows how to make a mirror agree attaches a `Fix` to its `Violation`: a short
description, an applicability, and one or more `Change`s — plain values of the schema model
(add this `Column` to that table, set this part of that column to the truth's value). Rules
never see text: one **writer** per mirror kind (`schemalint/fix/sqlalchemy.py`,
`schemalint/fix/sql.py`, `schemalint/fix/noqa.py`) turns changes into the mirror file's new
text, and `schemalint/fix/apply.py` runs the passes (`check --fix`) and turns one fix into the
text `Edit`s reports and editors show.

Applicability, as ruff defines it:

* `safe`: additive or metadata only — the mirror gains what the truth has (a missing column or
  index, a comment, a wider type). Applied by `check --fix`.
* `unsafe`: may lose data or change behaviour (a drop, a narrower type, `SET NOT NULL`).
  Applied only with `--unsafe-fixes`.
* `display`: shown, never applied (the change is known, writing it is not).

A fix is atomic: all of its changes are written, or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from schemalint.model import Column, ColumnPart, Constraint, ForeignKey, Index, Location, Table

Applicability = Literal["safe", "unsafe", "display"]
APPLICABILITIES: tuple[Applicability, ...] = ("safe", "unsafe", "display")


# --------------------------------------------------------------------------- changes
# Each change names the mirror's table as the mirror spells it (`table`), and carries the
# truth's objects as the values the mirror should gain. `schema` is the table's schema (None:
# the default schema).


@dataclass(frozen=True, slots=True)
class AddTable:
    """The mirror lacks a table of the truth: create it (columns, keys, indexes, constraints).
    `after`: the truth's previous table, so a writer can place the new one beside it."""

    table: Table
    after: str | None = None


@dataclass(frozen=True, slots=True)
class DropTable:
    """The mirror has a table the truth does not (unsafe)."""

    table: Table


@dataclass(frozen=True, slots=True)
class RenameTable:
    """The mirror's table `table` should be called `name` (the mirrored model says so)."""

    table: str
    name: str
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class AddColumn:
    """The truth's `column` is missing from the mirror's `table`. `after`: the truth's previous
    column, so a writer can place it after its neighbour (None: first)."""

    table: str
    column: Column
    after: str | None = None
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class DropColumn:
    """The mirror's `column` has no counterpart in the truth (unsafe)."""

    table: str
    column: Column
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class AlterColumn:
    """Set `parts` of the mirror's column `name` to the truth's values, given as `column` (the
    truth's column: its `type`, `nullable`, `default`, `comment`, ...). `current` is the mirror's
    column as it is now."""

    table: str
    name: str
    parts: tuple[ColumnPart, ...]
    column: Column
    current: Column
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class AddIndex:
    table: str
    index: Index
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class DropIndex:
    table: str
    index: Index
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class AddConstraint:
    """A UNIQUE or CHECK constraint (or a primary key given as a unique constraint is not a
    thing: see `AlterColumn` with `unique`)."""

    table: str
    constraint: Constraint
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class DropConstraint:
    table: str
    constraint: Constraint
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class AddForeignKey:
    table: str
    foreign_key: ForeignKey
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class DropForeignKey:
    table: str
    foreign_key: ForeignKey
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class SetTableComment:
    table: str
    comment: str | None
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class AddGuard:
    """Make the statement at `location` safe to run twice (SL401: `IF NOT EXISTS`, ...)."""

    location: Location
    kind: str
    """The statement's kind (`schemalint.model.Statement.kind`)."""


@dataclass(frozen=True, slots=True)
class RemoveNoqa:
    """Remove `codes` from the noqa comment at `location` (all of it when `codes` covers every
    code it names, or is empty for a bare `noqa`)."""

    location: Location
    codes: tuple[str, ...]


Change = (
    AddTable
    | DropTable
    | RenameTable
    | AddColumn
    | DropColumn
    | AlterColumn
    | AddIndex
    | DropIndex
    | AddConstraint
    | DropConstraint
    | AddForeignKey
    | DropForeignKey
    | SetTableComment
    | AddGuard
    | RemoveNoqa
)


@dataclass(frozen=True, slots=True)
class Fix:
    """What makes one finding go away. `source`: the mirror kind whose writer writes it
    (`sqlalchemy`, `sql`, or `noqa` for a comment in any file); `path`: the file to edit
    (relative to the root, as `Location.path`), or None to let the writer choose among the
    mirror's files (a new table)."""

    description: str
    applicability: Applicability
    changes: tuple[Change, ...]
    source: str
    path: str | None = None


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Replace the text between `start` and `end` (1-based line and column, `end` exclusive;
    equal for an insertion) of `path` with `content`."""

    path: str
    start_line: int
    start_col: int
    end_line: int
    end_col: int
    content: str

    def to_dict(self) -> dict[str, object]:
        return {
            "filename": self.path,
            "location": {"row": self.start_line, "column": self.start_col},
            "end_location": {"row": self.end_line, "column": self.end_col},
            "content": self.content,
        }


def safe_for(fix: Fix, unsafe: bool) -> bool:
    """Whether `check --fix` (with `--unsafe-fixes` when `unsafe`) applies `fix`."""
    return fix.applicability == "safe" or (unsafe and fix.applicability == "unsafe")


__all__ = [
    "APPLICABILITIES",
    "AddColumn",
    "AddConstraint",
    "AddForeignKey",
    "AddGuard",
    "AddIndex",
    "AddTable",
    "AlterColumn",
    "Applicability",
    "Change",
    "DropColumn",
    "DropConstraint",
    "DropForeignKey",
    "DropIndex",
    "DropTable",
    "Edit",
    "Fix",
    "RemoveNoqa",
    "RenameTable",
    "SetTableComment",
    "safe_for",
]

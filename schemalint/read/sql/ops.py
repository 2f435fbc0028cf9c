"""What `extract` keeps of each statement: plain, picklable operations that `link` applies in
file order. Nothing here refers to sqlglot, so a warm run never imports it.

Expressions (defaults, CHECKs, index parts and predicates) are kept as a small tree of tuples
(`Expr`, see `schemalint.read.sql.expr`) and rendered only in `link`, when the column types
they depend on are known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

Expr = Any
"""A tuple tree: ("col", name) | ("lit", kind, text) | ("op", op, left, right) | ..."""

Pos = tuple[int, int]
"""(line, col), 1-based, in the file the operation came from."""


@dataclass(frozen=True, slots=True)
class QualifiedName:
    name: str
    schema: str | None = None
    """The schema as written; None when the name is unqualified (found through search_path)."""


@dataclass(frozen=True, slots=True)
class ReferenceSpec:
    table: QualifiedName
    columns: tuple[str, ...] = ()
    """Empty: the referenced table's primary key."""
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    deferrable: bool = False
    initially_deferred: bool = False


@dataclass(frozen=True, slots=True)
class ConstraintSpec:
    kind: str
    """primary | unique | check | foreign"""
    name: str | None = None
    columns: tuple[str, ...] = ()
    expression: Expr = None
    references: ReferenceSpec | None = None
    nulls_distinct: bool | None = None
    deferrable: bool = False
    pos: Pos = (1, 1)


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    name: str
    type: str
    serial: bool = False
    not_null: bool = False
    default: Expr = None
    identity: str | None = None
    generated: Expr = None
    constraints: tuple[ConstraintSpec, ...] = ()
    """Inline PRIMARY KEY / UNIQUE / CHECK / REFERENCES, with `columns` filled in."""
    pos: Pos = (1, 1)


@dataclass(frozen=True, slots=True)
class CreateTable:
    table: QualifiedName
    if_not_exists: bool
    columns: tuple[ColumnSpec, ...]
    constraints: tuple[ConstraintSpec, ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class AddColumn:
    column: ColumnSpec
    if_not_exists: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class DropColumn:
    name: str
    if_exists: bool
    pos: Pos
    cascade: bool = False


@dataclass(frozen=True, slots=True)
class AlterColumn:
    name: str
    change: str
    """type | set_not_null | drop_not_null | set_default | drop_default | add_identity"""
    type: str | None = None
    default: Expr = None
    pos: Pos = (1, 1)
    identity: str | None = None
    """For add_identity: always | by default."""
    sequence: QualifiedName | None = None
    """For add_identity: the SEQUENCE NAME option."""


@dataclass(frozen=True, slots=True)
class RenameColumn:
    old: str
    new: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class RenameTable:
    new: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class AddConstraint:
    constraint: ConstraintSpec
    pos: Pos


@dataclass(frozen=True, slots=True)
class DropConstraint:
    name: str
    if_exists: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class RenameConstraint:
    old: str
    new: str
    pos: Pos


AlterAction = Union[
    "Unknown",
    RenameConstraint,
    AddColumn,
    DropColumn,
    AlterColumn,
    RenameColumn,
    RenameTable,
    AddConstraint,
    DropConstraint,
]


@dataclass(frozen=True, slots=True)
class AlterTable:
    table: QualifiedName
    if_exists: bool
    actions: tuple[AlterAction, ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class IndexPart:
    column: str | None
    """The column name, or None for an expression part."""
    expression: Expr = None
    desc: bool = False
    opclass: str | None = None


@dataclass(frozen=True, slots=True)
class CreateIndex:
    name: str | None
    table: QualifiedName
    unique: bool
    if_not_exists: bool
    using: str
    parts: tuple[IndexPart, ...]
    where: Expr = None
    include: tuple[str, ...] = ()
    pos: Pos = (1, 1)


@dataclass(frozen=True, slots=True)
class DropObjects:
    kind: str
    """table | index"""
    names: tuple[QualifiedName, ...]
    if_exists: bool
    cascade: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class RenameIndex:
    old: QualifiedName
    new: str
    if_exists: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class Comment:
    kind: str
    """table | column"""
    table: QualifiedName
    column: str | None
    text: str | None
    pos: Pos


@dataclass(frozen=True, slots=True)
class CreateRelation:
    """A sequence or view: not modelled, but its name is taken for the tables and indexes that
    come after it, and a view's columns cannot change type or be dropped while it uses them."""

    name: QualifiedName
    kind: str
    if_not_exists: bool
    pos: Pos
    replace: bool = False
    uses: tuple = ()
    """What a view reads: ("table", name), ("column", name, column), ("star", name),
    ("unqualified", (names...), column) for a column that one of several tables has."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A statement `extract` could not read (SL402)."""

    message: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Guarded:
    """DDL found inside a `DO $$ ... $$` block. Such blocks exist to guard DDL PostgreSQL has no
    IF [NOT] EXISTS for (`IF NOT EXISTS (SELECT ... pg_constraint ...) THEN ALTER TABLE ... ADD
    CONSTRAINT`, `EXCEPTION WHEN duplicate_object`): each operation is applied when it can be and
    skipped silently when it would fail, as on the file's first run."""

    operations: tuple
    pos: Pos


@dataclass(frozen=True, slots=True)
class Unknown:
    """A statement whose effect on the schema the reader cannot know (SL002): a DO block that
    builds SQL at run time, a CALL, an ALTER action the reader does not interpret. `table`:
    the one table it may change (its `parts` become unknown); None: any table may be created
    or changed (the schema is not complete)."""

    message: str
    pos: Pos
    table: QualifiedName | None = None
    parts: tuple[str, ...] = ()
    column: str | None = None
    """With `table`: the column whose `parts` become unknown (else the table's)."""


@dataclass(frozen=True, slots=True)
class Routine:
    """A function or procedure whose body changes tables: calling it has unknown effects."""

    name: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Calls:
    """The functions a top-level SELECT calls."""

    names: tuple[str, ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class SetSearchPath:
    """SET [LOCAL] search_path, RESET, set_config('search_path', ...): `path` None is the
    default (`"$user", public`)."""

    path: tuple[str, ...] | None
    local: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class Transaction:
    action: str
    """begin | commit | rollback"""
    pos: Pos


@dataclass(frozen=True, slots=True)
class CreateSchema:
    name: str
    if_not_exists: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class DropSchema:
    names: tuple[str, ...]
    if_exists: bool
    cascade: bool
    pos: Pos


@dataclass(frozen=True, slots=True)
class CreateEnum:
    """`CREATE TYPE name AS ENUM ('a', 'b')`."""

    name: QualifiedName
    labels: tuple[str, ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class AlterEnum:
    """`ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'x' [BEFORE|AFTER 'y']` (`action` "add") or
    `ALTER TYPE name RENAME VALUE 'x' TO 'y'` ("rename": `label` is the old, `other` the new)."""

    name: QualifiedName
    action: str
    label: str
    pos: Pos
    other: str | None = None
    after: bool = True
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class DropEnum:
    names: tuple[QualifiedName, ...]
    if_exists: bool
    pos: Pos


Operation = (
    CreateTable
    | AlterTable
    | CreateIndex
    | DropObjects
    | RenameIndex
    | Comment
    | CreateRelation
    | Problem
    | Guarded
    | Unknown
    | SetSearchPath
    | Transaction
    | CreateSchema
    | DropSchema
    | Routine
    | Calls
    | CreateEnum
    | AlterEnum
    | DropEnum
)


@dataclass(frozen=True, slots=True)
class FileFacts:
    path: str
    dialect: str
    default_schema: str
    operations: tuple[Operation, ...] = field(default=())
    unreadable: Any = None
    """The SL001 Diagnostic when the file is not text."""

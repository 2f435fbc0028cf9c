"""The one schema model every reader returns.

A reader turns its source (Django models, SQLAlchemy models, a schema.sql) into a `Schema`:
plain frozen values, comparable and picklable, each element carrying the `Location` of the
text that declared it. Types are spelled the way PostgreSQL's `format_type()` prints them
(`character varying(10)`, `timestamp with time zone`, `numeric(10,2)`), so comparing two
sources is comparing strings.

Names: every index and constraint has the name the database will give it. `implicit` marks a
name that nobody wrote (Django's hash-suffixed names, PostgreSQL's `<table>_<col>_key`):
rules compare such objects by what they cover, not by name.

Unknown is not absent: a reader that cannot resolve part of a fact statically keeps the fact
and names the part in its `unknown` tuple (a column whose `max_length` comes from a function
call has `unknown=("type",)`; a table whose field list a metaclass may extend has
`unknown=("columns",)`). The value stored in an unknown part is a placeholder that means
nothing: `dump` prints it as null, and nothing that depends on it is compared. Each unknown
part is explained by exactly one `unresolved` diagnostic (SL002) at the construct that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple, overload

# The kinds of source a schema can come from, each with a reader under schemalint/read/. File
# sources are discovered and cached; the database (schemalint/read/database) is read live, only
# ever as a mirror; migrations are compared only with the Django models they come from.
FILE_SOURCES = ("django", "sqlalchemy", "sql", "migrations")
SOURCES = (*FILE_SOURCES, "database")

ColumnPart = Literal["type", "nullable", "default", "identity", "generated", "comment", "unique", "references"]
"""What of a column can be unknown. `references`: the column is a foreign key whose target
(table, column or action) cannot be resolved; `unique`: whether the column alone is unique."""

TablePart = Literal["exists", "name", "columns", "primary_key", "foreign_keys", "indexes", "constraints", "comment"]
"""What of a table can be unknown. `exists`: the table is declared under a condition the reader
cannot decide (a runtime `if`); `columns` (and the others): the list may be incomplete, so the
absence of a column (index, ...) on this side proves nothing, while what is listed is right."""

ObjectPart = Literal[
    "columns", "where", "expression", "using", "orders", "opclasses", "include", "ref_table", "ref_columns", "on_delete"
]
"""What of an index, constraint or foreign key can be unknown (e.g. an index predicate
`postgresql_where=` the reader cannot print): such an object is never compared in full."""


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """Where something was declared: a path relative to the project root, 1-based line/col,
    and where the construct ends (exclusive; 0 when the reader does not say). The end is
    not part of a location's identity: two locations at one place are equal."""

    path: str
    line: int = 1
    col: int = 1
    end_line: int = field(default=0, compare=False)
    end_col: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    """The database default as SQL text (`now()`, `0`, `'draft'::character varying`), or None."""
    identity: str | None = None
    """`always` / `by default` for `GENERATED ... AS IDENTITY` columns."""
    generated: str | None = None
    """The expression of a `GENERATED ALWAYS AS (...) STORED` column."""
    comment: str | None = None
    location: Location | None = None
    field_name: str | None = None
    """The attribute that declares the column in an ORM class (`stock` for `stock_id`)."""
    extra: tuple[tuple[str, str], ...] = ()
    """Source-specific facts shown by `dump` (e.g. Django's field class)."""
    unknown: tuple[ColumnPart, ...] = ()
    """Parts the reader could not resolve statically; their values above are placeholders."""

    def known(self, part: ColumnPart) -> bool:
        return part not in self.unknown


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    columns: tuple[str, ...]
    name: str | None = None
    implicit: bool = True
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = "NO ACTION"
    """What the database does: NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT."""
    declared_on_delete: str | None = None
    """What the source declares when it differs from what the database gets: Django's
    Python-level `on_delete` (CASCADE, PROTECT, ...), which Django < 6 never puts in the FK."""
    on_update: str = "NO ACTION"
    deferrable: bool = False
    initially_deferred: bool = False
    name: str | None = None
    implicit: bool = True
    ref_schema: str | None = None
    location: Location | None = None
    unknown: tuple[ObjectPart, ...] = ()

    @property
    def intended_on_delete(self) -> str:
        return self.declared_on_delete or self.on_delete


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    columns: tuple[str, ...]
    """Column names, or expression text for expression parts; `-` is never used here,
    see `orders`."""
    unique: bool = False
    where: str | None = None
    using: str = "btree"
    orders: tuple[str, ...] = ()
    """Per part: '' (ascending) or 'DESC'. Empty means all ascending."""
    opclasses: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    implicit: bool = False
    origin: str = "index"
    """Why the index exists: index (declared), db_index, unique, fk, like (Django's
    varchar_pattern_ops companion), constraint (backs a UNIQUE constraint)."""
    location: Location | None = None
    unknown: tuple[ObjectPart, ...] = ()


@dataclass(frozen=True, slots=True)
class Constraint:
    name: str
    kind: str
    """unique | check | exclude"""
    columns: tuple[str, ...] = ()
    expression: str | None = None
    """The CHECK expression, or a UNIQUE constraint's condition (Django's conditional
    UniqueConstraint becomes a partial unique index in PostgreSQL)."""
    nulls_distinct: bool | None = None
    deferrable: bool = False
    implicit: bool = False
    location: Location | None = None
    unknown: tuple[ObjectPart, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    schema: str | None = None
    """None for the default schema (`public`)."""
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    comment: str | None = None
    location: Location | None = None
    name_location: Location | None = None
    """Where the table's name is written, when that is not `location`: Django's
    `db_table = ...`, SQLAlchemy's `__tablename__ = ...`."""
    model: str | None = None
    """The declaring class: `options.Stock` for Django, the class name for SQLAlchemy."""
    mirrors: str | None = None
    """For a mirror class: the model it says it mirrors (the seed's docstring convention)."""
    managed: bool = True
    """False for Django `managed = False`: in the schema, but not created by migrations."""
    unknown: tuple[TablePart, ...] = ()
    """Parts the reader could not resolve statically (see the module docstring)."""
    state: tuple[tuple[str, str | None, Location | None], ...] = ()
    """Django only: the model's state-only facts `makemigrations` compares (choices,
    verbose_name, Meta.ordering, ...) as (key, canonical text or None when unknown, where),
    for models vs migrations (read/django/state.py); never part of the schema."""

    def known(self, part: TablePart) -> bool:
        return part not in self.unknown

    def column(self, name: str) -> Column | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def unique_column_sets(self) -> set[tuple[str, ...]]:
        """Column sets the database keeps unique, whichever object enforces it."""
        sets = {tuple(sorted(c.columns)) for c in self.constraints if c.kind == "unique" and not c.expression}
        sets |= {tuple(sorted(i.columns)) for i in self.indexes if i.unique and not i.where}
        if self.primary_key:
            sets.add(tuple(sorted(self.primary_key.columns)))
        return sets


@dataclass(frozen=True, slots=True)
class Statement:
    """One DDL statement of a SQL file as written, kept for rules about the file itself (SL401).

    The reader says what the statement does and to what; whether it runs twice is the rule's
    judgement."""

    kind: str
    """create_table, create_index, create_view, create_sequence, create_type, add_column,
    add_constraint, drop_table, drop_index, drop_view, drop_sequence, drop_column,
    drop_constraint, alter_column, rename, comment"""
    location: Location
    summary: str = ""
    target: str | None = None
    conditional: bool = False
    """Written with IF [NOT] EXISTS, or CREATE OR REPLACE."""
    subjects: tuple[tuple[str, ...], ...] = ()
    """What it creates or drops, as (kind, schema, table, name) keys the reader resolved through
    search_path, e.g. ("constraint", "public", "stocks", "stocks_cap"); none for an unnamed
    object. A DROP names each object it drops."""


DIAGNOSTIC_KINDS = frozenset(
    {
        "unreadable",  # a file cannot be read or parsed (or its reader crashed): SL001
        "unresolved",  # a construct cannot be resolved statically; its facts are unknown: SL002
        "unparsable-statement",  # a SQL statement cannot be parsed, skipped: SL402
        "failing-statement",  # a SQL statement would fail in PostgreSQL, skipped: SL403
        "migration-merge-needed",  # an app's migrations have two leaves: SL502
        "missing-migration-dependency",  # a migration depends on one that does not exist: SL503
        "unapplied-migration",  # a migration on disk is not applied to the database: SL601
    }
)
"""What a reader may say about its input. Readers name a kind, never a rule code: the rule that
claims a kind (`@rule(..., claims=("unresolved",))`) decides the code, severity and selection."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something a reader has to say about its input, of one of the `DIAGNOSTIC_KINDS`: it could
    not parse a file (`unreadable`), could not resolve a construct statically (`unresolved`),
    skipped a SQL statement (`unparsable-statement`), ..."""

    kind: str
    message: str
    location: Location
    table: str | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in DIAGNOSTIC_KINDS:
            raise ValueError(f"unknown diagnostic kind {self.kind!r}: one of {', '.join(sorted(DIAGNOSTIC_KINDS))}")


@dataclass(frozen=True, slots=True)
class EnumType:
    """A user-defined enumerated type (`CREATE TYPE mood AS ENUM (...)`, SQLAlchemy's native
    `Enum`): a column whose `type` is `mood` uses it."""

    name: str
    labels: tuple[str, ...]
    schema: str | None = None
    location: Location | None = None


class TableHead(NamedTuple):
    """What pairing tables reads of one (`schemalint.compare`): known without loading it."""

    name: str
    schema: str | None
    unknown: tuple[TablePart, ...]
    model: str | None
    mirrors: str | None

    @classmethod
    def of(cls, table: Table) -> TableHead:
        return cls(table.name, table.schema, table.unknown, table.model, table.mirrors)


class LazyTables(Sequence[Table]):
    """A schema's tables, each loaded when it is first asked for (`load(index)`), with the
    `heads` of all of them known up front. The link cache hands out an unchanged source's
    schema with its tables in one of these (`schemalint.cache.StoredTables`): comparing pairs
    tables by their heads and loads only the tables a rule has to see.

    Everything else sees a sequence of `Table`s: iteration, indexing (a slice is a tuple),
    `len`, `in`, `+`, equality and hashing as the tuple of its tables (so a `Schema` holding
    one equals the same schema holding a tuple), `repr` as that tuple, and pickling as that
    tuple (what is unpickled is a plain tuple)."""

    __slots__ = ("_items", "_load", "heads")

    def __init__(self, heads: Sequence[TableHead], load: Callable[[int], Table]):
        self.heads: tuple[TableHead, ...] = tuple(heads)
        self._items: list[Table | None] = [None] * len(self.heads)
        self._load = load

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Table: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Table, ...]: ...

    def __getitem__(self, index: int | slice) -> Table | tuple[Table, ...]:
        if isinstance(index, slice):
            return tuple(self._at(i) for i in range(*index.indices(len(self._items))))
        if index < 0:
            index += len(self._items)
        if not 0 <= index < len(self._items):
            raise IndexError("table index out of range")
        return self._at(index)

    def _at(self, index: int) -> Table:
        table = self._items[index]
        if table is None:
            table = self._items[index] = self._load(index)
        return table

    def __iter__(self) -> Iterator[Table]:
        for index in range(len(self._items)):
            yield self._at(index)

    def loaded(self) -> Iterator[tuple[int, Table]]:
        """(index, table) of the tables loaded so far."""
        return ((i, t) for i, t in enumerate(self._items) if t is not None)

    def find(self, name: str, schema: str | None = None) -> int | None:
        """The index of the first table of that name and schema, by the heads."""
        for index, head in enumerate(self.heads):
            if head.name == name and head.schema == schema:
                return index
        return None

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, Table):
            return False
        return any(
            h.name == value.name and h.schema == value.schema and self._at(i) == value for i, h in enumerate(self.heads)
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (tuple, LazyTables)):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __add__(self, other: object) -> tuple[Table, ...]:
        if isinstance(other, (tuple, LazyTables)):
            return (*self, *other)
        return NotImplemented

    def __radd__(self, other: object) -> tuple[Table, ...]:
        if isinstance(other, tuple):
            return (*other, *self)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (tuple(self),))


def table_heads(tables: Sequence[Table]) -> Sequence[TableHead]:
    """The heads of `tables`: kept by a `LazyTables`, else read off each table."""
    if isinstance(tables, LazyTables):
        return tables.heads
    return [TableHead.of(table) for table in tables]


@dataclass(frozen=True, slots=True)
class Schema:
    source: str
    tables: Sequence[Table] = ()
    """The tables the source creates: a tuple, or (from the link cache) a `LazyTables`."""
    files: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    statements: tuple[Statement, ...] = ()
    properties: tuple[tuple[str, str], ...] = field(default=())
    """Facts about the source as a whole (`django_version`, `dialect`)."""
    enums: tuple[EnumType, ...] = ()
    """The enumerated types the source creates (the tables' columns refer to them by name)."""
    external: tuple[Table, ...] = ()
    """Tables the source builds on but does not itself create (django.contrib's `auth_user`,
    `django_content_type`, ... when the project's models refer to them): known, as the owning
    framework creates them, for `export --include-contrib`; never compared."""
    complete: bool = True
    """False when the reader knows it may have missed whole tables (a loop it cannot unroll,
    a class whose bases it cannot resolve): a table absent here proves nothing."""

    def table(self, name: str, schema: str | None = None) -> Table | None:
        if isinstance(self.tables, LazyTables):
            index = self.tables.find(name, schema)
            return None if index is None else self.tables[index]
        for table in self.tables:
            if table.name == name and table.schema == schema:
                return table
        return None

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables)


__all__ = [
    "FILE_SOURCES",
    "SOURCES",
    "Column",
    "ColumnPart",
    "ObjectPart",
    "TablePart",
    "Constraint",
    "DIAGNOSTIC_KINDS",
    "Diagnostic",
    "EnumType",
    "ForeignKey",
    "Index",
    "LazyTables",
    "Location",
    "PrimaryKey",
    "Schema",
    "Statement",
    "Table",
    "TableHead",
    "replace",
    "table_heads",
]

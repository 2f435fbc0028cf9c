"""What a rule is handed: a typed context per level, and `ctx.report(...)` to say what it found.

A rule declares its level (`@rule(..., level="column")`) and the engine calls it once per
thing of that level, with the context of that thing:

* `comparison` (`ComparisonContext`): once per (truth, mirror) comparison — whole tables
  missing or extra (SL101, SL102, SL104);
* `table` (`TableContext`): once per paired table — columns, indexes, constraints, keys;
* `column` (`ColumnContext`): once per paired column; with `compares=("nullable",)` only for
  the columns whose nullability is known on both sides;
* `schema` (`SchemaContext`): once per schema read — facts of one source alone;
* `noqa` (`NoqaContext`): once per run, after silencing, with the noqa directives that
  silenced nothing (SL010);
* `migrations` (`MigrationsContext`): once, the Django models against what their migrations
  build (SL5xx).

`ctx.report(message, location=..., fix=..., related=...)` fills in what the level knows: a
column context reports at the mirror column (else its table), names the truth's table and
column, and relates the truth column's location. Contexts say which sources they compare
(`ctx.truth_source`, `ctx.truth_title`, `ctx.truth_words.nullability(...)`) so that a rule
never says "Django" when the truth is schema.sql, carry the options rules may read
(`on_delete_policy`, `same_type`), and build fixes addressed to the mirror (`ctx.mirror_fix`,
`ColumnContext.alter`).

A rule is a function of its context and keeps no state between calls: what a `table` or
`column` rule reports about a pair of tables is served from the table-pair memo while both
tables are unchanged (`schemalint.dispatch`), unless, during the call, it read past its pair
(`ctx.comparison`, `ctx.truth`, `ctx.mirror`: counted by `Reads`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import EllipsisType
from typing import TYPE_CHECKING, Any, TypeVar

from schemalint.compare import ColumnPair, Comparison, TablePair, wording
from schemalint.compare.normalize import first_location
from schemalint.fix import AlterColumn, Applicability, Change, Fix
from schemalint.fix.describe import mirror_fix, mirror_foreign_key
from schemalint.model import Column, ColumnPart, Diagnostic, ForeignKey, Location, Schema, Table
from schemalint.registry import LEVELS, Level

if TYPE_CHECKING:
    from schemalint.registry import Violation
    from schemalint.suppress import UnusedDirective

T = TypeVar("T")

_Related = tuple[Location | None, ...]


@dataclass(frozen=True)
class Wording:
    """How facts are said in one source's own terms (`schemalint.compare.wording`)."""

    source: str

    @property
    def title(self) -> str:
        """`Django`, `SQLAlchemy`, `schema.sql`, `the migrations`, `the database`."""
        return wording.title(self.source)

    def nullability(self, nullable: bool) -> str:
        """`null=True` (Django), `nullable=False` (SQLAlchemy), `NOT NULL` (SQL)."""
        return wording.nullability(self.source, nullable)

    def creates(self) -> str:
        """`Django creates it`."""
        return wording.creates(self.source)

    def creates_none(self) -> str:
        """`no Django model creates it`, `schema.sql does not create it`."""
        return wording.creates_none(self.source)

    def declarer(self, table: Table) -> str:
        """`Django model shop.Stock`, `schema.sql table stocks`."""
        return wording.declarer(self.source, table)

    def table_name_option(self) -> str:
        """`db_table`, `__tablename__`."""
        return wording.table_name_option(self.source)


def at(location: Location | None) -> str:
    """` in path:line:col`, or nothing when the location is unknown: how a message points at
    the other side."""
    return wording.at(location)


class RuleContext:
    """What every context has: `report`. Subclasses give the defaults of their level."""

    __slots__ = ("_sink",)

    def __init__(self) -> None:
        self._sink: list[Violation] = []

    # Defaults of the level: where a finding points, what it names, what it relates.
    def _location(self) -> Location:
        return Location("", 1, 1)

    def _table(self) -> str | None:
        return None

    def _column(self) -> str | None:
        return None

    def _related(self) -> _Related:
        return ()

    def report(
        self,
        message: str,
        *,
        location: Location | None = None,
        table: str | None | EllipsisType = ...,
        column: str | None | EllipsisType = ...,
        related: _Related | EllipsisType = ...,
        fix: Fix | None = None,
    ) -> None:
        """Report a finding. Left out (`...`), `table`, `column` and `related` take the level's
        defaults; `None` says "none" (a table-level finding about no column in particular)."""
        from schemalint.registry import Violation

        self._sink.append(
            Violation(
                message,
                location if location is not None else self._location(),
                self._table() if table is ... else table,
                self._column() if column is ... else column,
                self._related() if related is ... else related,
                fix,
            )
        )


class SchemaContext(RuleContext):
    """One schema read from one source (`schema` level)."""

    __slots__ = ("claims", "schema")

    def __init__(self, schema: Schema) -> None:
        super().__init__()
        self.schema = schema
        self.claims: tuple[str, ...] = ()
        """The diagnostic kinds the rule being called claims (set by the engine)."""

    @property
    def source(self) -> str:
        return self.schema.source

    @property
    def title(self) -> str:
        return wording.title(self.schema.source)

    @property
    def words(self) -> Wording:
        return Wording(self.schema.source)

    def _location(self) -> Location:
        return Location(self.schema.files[0] if self.schema.files else "", 1, 1)

    def diagnostics(self, *kinds: str) -> tuple[Diagnostic, ...]:
        """The reader's diagnostics of `kinds` (`unreadable`, `unresolved`, ...); by default
        of the kinds the rule claims."""
        wanted = kinds or self.claims
        return tuple(d for d in self.schema.diagnostics if d.kind in wanted)

    def report_diagnostics(self) -> None:
        """Report each diagnostic of the kinds the rule claims as the reader wrote it: how
        SL001, SL002, SL402 and SL403 give a code to what a reader found while reading."""
        for d in self.diagnostics():
            self.report(d.message, location=d.location, table=d.table, column=d.column)


class Reads:
    """Whether a rule looked past its table pair (`ctx.comparison`, `ctx.truth`, `ctx.mirror`)
    during one call: the engine then never serves that rule's findings about the pair from the
    table-pair memo (`schemalint.dispatch`)."""

    __slots__ = ("wide",)

    def __init__(self) -> None:
        self.wide = False


_UNWATCHED = Reads()
"""Where contexts nobody watches record their reads (never read)."""


class ComparisonContext(RuleContext):
    """A (truth, mirror) comparison as a whole (`comparison` level)."""

    __slots__ = ("_comparison", "_reads")

    def __init__(self, comparison: Comparison) -> None:
        super().__init__()
        self._comparison = comparison
        self._reads = _UNWATCHED

    # The two sides as a whole: what a table or column rule reads here is no longer about its
    # pair alone (see `Reads`). Everything below reads the comparison without counting.
    @property
    def comparison(self) -> Comparison:
        self._reads.wide = True
        return self._comparison

    @property
    def truth(self) -> Schema:
        self._reads.wide = True
        return self._comparison.truth

    @property
    def mirror(self) -> Schema:
        self._reads.wide = True
        return self._comparison.mirror

    @property
    def truth_source(self) -> str:
        return self._comparison.truth.source

    @property
    def mirror_source(self) -> str:
        return self._comparison.mirror.source

    @property
    def truth_title(self) -> str:
        return wording.title(self._comparison.truth.source)

    @property
    def mirror_title(self) -> str:
        return wording.title(self._comparison.mirror.source)

    @property
    def truth_words(self) -> Wording:
        return Wording(self._comparison.truth.source)

    @property
    def mirror_words(self) -> Wording:
        return Wording(self._comparison.mirror.source)

    @property
    def truth_file(self) -> str:
        return self._comparison.truth_file

    @property
    def mirror_file(self) -> str:
        return self._comparison.mirror_file

    # Options.
    @property
    def on_delete_policy(self) -> str:
        return self._comparison.on_delete_policy

    @property
    def type_equivalences(self) -> tuple[tuple[str, str], ...]:
        """Pairs of types the config says are the same (`type-equivalences`)."""
        return self._comparison.type_equivalences

    def same_type(self, truth_type: str, mirror_type: str) -> bool:
        """Equal, or equivalent by `type-equivalences`."""
        return self._comparison.same_type(truth_type, mirror_type)

    def mirror_foreign_key(self, fk: ForeignKey) -> ForeignKey:
        """The truth's key as the mirror should declare it under `on-delete-policy`."""
        return mirror_foreign_key(fk, self._comparison.on_delete_policy)

    # Fixes.
    def _fix_table(self) -> Table | None:
        return None

    def mirror_fix(
        self,
        description: str,
        applicability: Applicability,
        *changes: Change,
        table: Table | None | EllipsisType = ...,
    ) -> Fix:
        """A fix of the mirror, in the file of the mirror's `table` (by default the level's
        mirror table; None: the writer picks the file, for a table the mirror lacks)."""
        where = self._fix_table() if table is ... else table
        return mirror_fix(self._comparison.mirror.source, where, description, applicability, *changes)

    def _location(self) -> Location:
        return Location(self._comparison.mirror_file, 1, 1)


class MigrationsContext(ComparisonContext):
    """The Django models (`truth`) against the schema their migrations build (`mirror`)."""

    __slots__ = ("_memo",)

    def __init__(
        self, comparison: Comparison, memo: Callable[[int, int, Callable[[], Any]], Any] | None = None
    ) -> None:
        super().__init__(comparison)
        self._memo = memo

    def per_pair(self, truth: int, mirror: int, compute: Callable[[], T]) -> T:
        """`compute()`, a function of the `truth`-th models table and the `mirror`-th
        migrations table alone (what is reported about them), or what it gave for the same
        two tables in an earlier run (the table-pair memo: `schemalint.dispatch`)."""
        return compute() if self._memo is None else self._memo(truth, mirror, compute)

    def _location(self) -> Location:
        return Location(self._comparison.truth_file, 1, 1)


class TableContext(ComparisonContext):
    """A pair of tables (`table` level): `truth_table`, `mirror_table` and how they pair.

    Defaults: findings point at the mirror's table (else the mirror's first file), name the
    truth's table and relate the truth table's location."""

    __slots__ = ("pair",)

    def __init__(self, comparison: Comparison, pair: TablePair) -> None:
        super().__init__(comparison)
        self.pair = pair

    @property
    def truth_table(self) -> Table:
        return self.pair.truth

    @property
    def mirror_table(self) -> Table:
        return self.pair.mirror

    def columns(self, *parts: ColumnPart) -> list[ColumnContext]:
        """A context per paired column whose `parts` are known on both sides, reporting into
        this rule's findings (for a table rule that also looks at columns)."""
        found = []
        for cp in self.pair.comparable(*parts):
            ctx = ColumnContext(self._comparison, self.pair, cp)
            ctx._sink = self._sink
            ctx._reads = self._reads
            found.append(ctx)
        return found

    def _fix_table(self) -> Table | None:
        return self.pair.mirror

    def _location(self) -> Location:
        return first_location(self.pair.mirror.location, fallback=self._comparison.mirror_file)

    def _table(self) -> str | None:
        return self.pair.truth.name

    def _related(self) -> _Related:
        return (self.pair.truth.location,)


class ColumnContext(TableContext):
    """A pair of columns (`column` level): `truth_column`, `mirror_column`.

    Defaults: findings point at the mirror column (else its table), name the truth's table
    and column, and relate the truth column's location."""

    __slots__ = ("column_pair",)

    def __init__(self, comparison: Comparison, pair: TablePair, column_pair: ColumnPair) -> None:
        super().__init__(comparison, pair)
        self.column_pair = column_pair

    @property
    def truth_column(self) -> Column:
        return self.column_pair.truth

    @property
    def mirror_column(self) -> Column:
        return self.column_pair.mirror

    @property
    def mirror_name(self) -> str:
        """`table.column` as the mirror names it (what messages say)."""
        return f"{self.pair.mirror.name}.{self.column_pair.mirror.name}"

    @property
    def truth_at(self) -> str:
        """` in <truth column's location>` (or nothing)."""
        return wording.at(self.column_pair.truth.location)

    def known(self, *parts: ColumnPart) -> bool:
        return self.column_pair.known(*parts)

    def alter(self, description: str, applicability: Applicability, *parts: ColumnPart) -> Fix:
        """A fix that gives the mirror column the truth column's `parts`."""
        cp, table = self.column_pair, self.pair.mirror
        change = AlterColumn(table.name, cp.mirror.name, parts, cp.truth, cp.mirror, table.schema)
        return self.mirror_fix(description, applicability, change)

    def _location(self) -> Location:
        return first_location(self.column_pair.mirror.location, self.pair.mirror.location)

    def _column(self) -> str | None:
        return self.column_pair.truth.name

    def _related(self) -> _Related:
        return (self.column_pair.truth.location,)


class NoqaContext(RuleContext):
    """The noqa directives that silenced nothing once findings were silenced (`noqa` level)."""

    __slots__ = ("unused",)

    def __init__(self, unused: tuple[UnusedDirective, ...]) -> None:
        super().__init__()
        self.unused = unused


def contexts(level: str, compares: tuple[str, ...], comparison: Comparison) -> Iterator[RuleContext]:
    """The contexts a rule of a mirror's `level` is called with, in order: the comparison once,
    each paired table, or each paired column whose `compares` parts both sides know."""
    if level == "migrations":
        yield MigrationsContext(comparison)
    elif level == "comparison":
        yield ComparisonContext(comparison)
    elif level == "table":
        for pair in comparison.pairs:
            yield TableContext(comparison, pair)
    elif level == "column":
        for pair in comparison.pairs:
            for cp in pair.comparable(*compares):  # type: ignore[arg-type]
                yield ColumnContext(comparison, pair, cp)


def reported(check: Callable[[Any], object], ctx: RuleContext) -> list[Violation]:
    """Call a rule with one context and return what it reported (its exceptions propagate)."""
    ctx._sink = []
    returned = check(ctx)
    if returned is not None:
        raise TypeError(
            f"the rule returned {type(returned).__name__}: a rule reports with ctx.report(...) and returns None"
        )
    return ctx._sink


CONTEXTS: dict[str, type[RuleContext]] = {
    "comparison": ComparisonContext,
    "table": TableContext,
    "column": ColumnContext,
    "schema": SchemaContext,
    "noqa": NoqaContext,
    "migrations": MigrationsContext,
}
"""The context class each level's rules receive."""


__all__ = [
    "CONTEXTS",
    "LEVELS",
    "ColumnContext",
    "ComparisonContext",
    "Level",
    "MigrationsContext",
    "NoqaContext",
    "Reads",
    "RuleContext",
    "SchemaContext",
    "TableContext",
    "Wording",
    "at",
    "contexts",
    "reported",
]

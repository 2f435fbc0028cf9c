"""Stage 2 — compare: pair the truth's tables and columns with a mirror's.

`compare(truth, mirror, config)` decides *what corresponds to what*; it reports nothing. The
rules then look at the pairs (a nullability rule only reads `pair.columns`). Tables pair by,
in order: an explicit `[tool.schemalint.pairs]` entry, the same name, and the mirror's
"mirrors Django apps.options.models.Stock" docstring (a renamed `__tablename__` then gives one
SL103 rather than a missing table plus an extra one).

Unknown is not absent (see `schemalint.model`): the comparison only hands the rules what can be
judged. A rule that compares a part asks `ColumnPair.known(part)` (or iterates
`TablePair.comparable(part)`); a rule that reports something as missing on one side takes it
from `TablePair.missing_columns`/`extra_columns`, `Comparison.missing_tables`/`extra_tables`
or `TablePair.judgeable(kind, side)`, which leave out whatever an unknown part on the other
side could be. So every rule stays a few lines and none repeats this logic.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, overload

from schemalint.config import Config
from schemalint.model import Column, ColumnPart, Constraint, ForeignKey, Index, Schema, Table, TablePart, table_heads

Side = Literal["truth", "mirror"]
ObjectKind = Literal["indexes", "constraints", "foreign_keys"]
TableObject = Index | Constraint | ForeignKey

# The lists of the other table that could hold an object of each kind: a unique constraint
# may be enforced by a unique index and the other way round.
_HOLDERS: dict[ObjectKind, tuple[ObjectKind, ...]] = {
    "indexes": ("indexes", "constraints"),
    "constraints": ("constraints", "indexes"),
    "foreign_keys": ("foreign_keys",),
}


@dataclass(frozen=True)
class ColumnPair:
    truth: Column
    mirror: Column
    unknown: frozenset[ColumnPart] = frozenset()
    """Parts that cannot be compared: unknown on either side, or (`unique`) decided by table
    objects that are unknown on either side."""

    def known(self, *parts: ColumnPart) -> bool:
        """Whether every one of `parts` is known on both sides, so that it may be compared."""
        return not self.unknown.intersection(parts)


@dataclass(frozen=True)
class TablePair:
    truth: Table
    mirror: Table
    paired_by: str
    """name | config | mirrors (the docstring convention)"""
    columns: tuple[ColumnPair, ...]
    missing_columns: tuple[Column, ...]
    """In the truth, not in the mirror (empty when the mirror table's `columns` is unknown)."""
    extra_columns: tuple[Column, ...]
    """In the mirror, not in the truth (empty when the truth table's `columns` is unknown)."""

    def known(self, *parts: TablePart) -> bool:
        """Whether every one of `parts` is known for both tables."""
        return not any(part in self.truth.unknown or part in self.mirror.unknown for part in parts)

    def comparable(self, *parts: ColumnPart) -> tuple[ColumnPair, ...]:
        """The column pairs whose `parts` are known on both sides."""
        return tuple(cp for cp in self.columns if cp.known(*parts))

    def table(self, side: Side) -> Table:
        return self.truth if side == "truth" else self.mirror

    @overload
    def known_objects(self, kind: Literal["indexes"], side: Side) -> tuple[Index, ...]: ...
    @overload
    def known_objects(self, kind: Literal["constraints"], side: Side) -> tuple[Constraint, ...]: ...
    @overload
    def known_objects(self, kind: Literal["foreign_keys"], side: Side) -> tuple[ForeignKey, ...]: ...
    @overload
    def known_objects(self, kind: ObjectKind, side: Side) -> tuple[TableObject, ...]: ...

    def known_objects(self, kind: ObjectKind, side: Side) -> tuple[TableObject, ...]:
        """The indexes, constraints or foreign keys of one side that have no unknown part (for
        a foreign key, none of its columns has an unknown `references`): the only ones a rule
        may compare with a counterpart."""
        table = self.table(side)
        unresolved = _unresolved_references(table) if kind == "foreign_keys" else set()
        return tuple(o for o in getattr(table, kind) if not o.unknown and not unresolved.intersection(o.columns))

    @overload
    def judgeable(self, kind: Literal["indexes"], side: Side) -> tuple[Index, ...]: ...
    @overload
    def judgeable(self, kind: Literal["constraints"], side: Side) -> tuple[Constraint, ...]: ...
    @overload
    def judgeable(self, kind: Literal["foreign_keys"], side: Side) -> tuple[ForeignKey, ...]: ...
    @overload
    def judgeable(self, kind: ObjectKind, side: Side) -> tuple[TableObject, ...]: ...

    def judgeable(self, kind: ObjectKind, side: Side) -> tuple[TableObject, ...]:
        """The objects of `kind` on `side` a rule may report as absent from the other side
        (missing from the mirror, or extra in it): they have no unknown part, the other
        table's lists that could hold them are known, and nothing unknown there could be
        them (an object with unknown parts of the same name or columns, or with unknown
        columns; for a foreign key, a column whose `references` is unknown)."""
        other = self.mirror if side == "truth" else self.truth
        holders = _HOLDERS[kind]
        if any(other_kind in other.unknown for other_kind in holders):
            return ()
        unknowns = [o for k in holders for o in getattr(other, k) if o.unknown]
        unresolved = _unresolved_references(other) if kind == "foreign_keys" else set()
        return tuple(
            o
            for o in self.known_objects(kind, side)
            if not any(could_be(u, o) for u in unknowns) and not unresolved.intersection(o.columns)
        )


@dataclass(frozen=True)
class Comparison:
    truth: Schema
    mirror: Schema
    paired_at: tuple[tuple[int, int, str], ...]
    """(index in the truth's `tables`, index in the mirror's, how they pair) for each pair of
    tables, in the order of `pairs`. Tables are paired by their heads (`model.table_heads`)
    and their columns when a pair is first asked for (`pair(i)`, `pairs`): a run that serves
    a table pair's findings from the memo (`schemalint.dispatch`) never pairs its columns, nor
    loads a table a link cache's schema has not loaded yet (`model.LazyTables`)."""
    missing_tables: tuple[Table, ...]
    """Truth tables no mirror table pairs with, leaving out those whose `exists` or `name` is
    unknown; empty when the mirror is not `complete` or has a table whose name is unknown."""
    extra_tables: tuple[Table, ...]
    """Mirror tables that pair with nothing, leaving out those whose `name` is unknown; empty
    when the truth is not `complete` or has a table whose name is unknown."""
    unknown_mirrors: tuple[Table, ...]
    """Mirror tables (paired or not) whose docstring names a model the truth does not have."""
    on_delete_policy: str = "declared"
    type_equivalences: tuple[tuple[str, str], ...] = ()
    ignore_columns: tuple[str, ...] = ()
    """`ignore-columns` patterns (`table.column`): such columns are left out of every pair."""
    _built: dict[int, TablePair] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def paired(self) -> tuple[tuple[Table, Table, str], ...]:
        """(truth table, mirror table, how they pair) for each pair of tables (`paired_at`
        with the tables: loads every paired table)."""
        truth, mirror = self.truth.tables, self.mirror.tables
        return tuple((truth[t], mirror[m], how) for t, m, how in self.paired_at)

    def pair(self, index: int) -> TablePair:
        """The `index`-th pair of tables with their columns paired (built once)."""
        built = self._built.get(index)
        if built is None:
            at_truth, at_mirror, how = self.paired_at[index]
            truth, mirror = self.truth.tables[at_truth], self.mirror.tables[at_mirror]
            cols, missing, extra = _pair_columns(truth, mirror, self.ignore_columns)
            built = self._built[index] = TablePair(truth, mirror, how, cols, missing, extra)
        return built

    @cached_property
    def pairs(self) -> tuple[TablePair, ...]:
        """Every pair of tables, sorted by the truth table's name."""
        return tuple(self.pair(index) for index in range(len(self.paired_at)))

    @property
    def mirror_file(self) -> str:
        """Where a finding about the mirror as a whole points when nothing better is known."""
        return self.mirror.files[0] if self.mirror.files else ""

    @property
    def truth_file(self) -> str:
        return self.truth.files[0] if self.truth.files else ""

    def same_type(self, truth_type: str, mirror_type: str) -> bool:
        if truth_type == mirror_type:
            return True
        for a, b in self.type_equivalences:
            if {truth_type, mirror_type} == {a, b}:
                return True
        return False


def _matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def model_matches(model: str | None, reference: str) -> bool:
    """Does the docstring reference `apps.options.models.Stock` (or `options.Stock`, or
    `Stock`) name the Django model `options.Stock`?"""
    if not model:
        return False
    parts = [p for p in reference.split(".") if p]
    if not parts:
        return False
    app, _, cls = model.rpartition(".")
    if parts[-1] != cls:
        return False
    hints = [p for p in parts[:-1] if p not in ("models", "apps")]
    return not hints or not app or hints[-1] == app


def _unresolved_references(table: Table) -> set[str]:
    return {c.name for c in table.columns if not c.known("references")}


def could_be(unknown: TableObject, obj: TableObject) -> bool:
    """Could `unknown`, an object with unknown parts, be `obj` on the other side?"""
    if "columns" in unknown.unknown:
        return True
    if getattr(unknown, "name", None) and unknown.name == getattr(obj, "name", None):
        return True
    return set(unknown.columns) == set(obj.columns)


def _undecided_unique(table: Table) -> set[str] | None:
    """Columns whose single-column uniqueness `table` leaves undecided (None: all of them)."""
    if not table.known("indexes") or not table.known("constraints") or not table.known("primary_key"):
        return None
    objects = [i for i in table.indexes if i.unknown and i.unique] + [
        c for c in table.constraints if c.unknown and c.kind == "unique"
    ]
    if any("columns" in o.unknown for o in objects):
        return None
    return {o.columns[0] for o in objects if len(o.columns) == 1}


def _column_pair(truth: Column, mirror: Column, undecided: tuple[set[str] | None, ...]) -> ColumnPair:
    unknown: set[ColumnPart] = {*truth.unknown, *mirror.unknown}
    if any(names is None or truth.name in names for names in undecided):
        unknown.add("unique")
    return ColumnPair(truth, mirror, frozenset(unknown))


def _keep_columns(table: Table, patterns: tuple[str, ...]) -> list[Column]:
    return [c for c in table.columns if not _matches(f"{table.name}.{c.name}", patterns)]


def _pair_columns(
    truth: Table, mirror: Table, ignore: tuple[str, ...]
) -> tuple[tuple[ColumnPair, ...], tuple[Column, ...], tuple[Column, ...]]:
    mirror_cols = {c.name: c for c in _keep_columns(mirror, ignore)}
    undecided = (_undecided_unique(truth), _undecided_unique(mirror))
    pairs: list[ColumnPair] = []
    missing: list[Column] = []
    for col in _keep_columns(truth, ignore):
        other = mirror_cols.pop(col.name, None)
        if other is None:
            missing.append(col)
        else:
            pairs.append(_column_pair(col, other, undecided))
    # A list that may be incomplete proves nothing by what it lacks.
    if not mirror.known("columns"):
        missing = []
    extra = tuple(mirror_cols.values()) if truth.known("columns") else ()
    return tuple(pairs), tuple(missing), extra


def _equivalences(config: Config) -> tuple[tuple[str, str], ...]:
    from schemalint.postgres.types import normalize_type

    # `types` holds custom field classes (dotted names, read by the readers) and accepted
    # type equivalences (plain type spellings); only the latter matter here.
    return tuple(
        (normalize_type(a), normalize_type(b))
        for a, b in config.types
        if not any(ch.isupper() for ch in a) and "." not in a
    )


def compare(truth: Schema, mirror: Schema, config: Config) -> Comparison:
    # By the tables' heads and indexes: a table the link cache has not loaded stays unloaded
    # unless it ends up missing, extra or an unknown mirror (`model.LazyTables`).
    ignore = config.ignore_tables
    truth_heads, mirror_heads = table_heads(truth.tables), table_heads(mirror.tables)
    truth_tables = [i for i, t in enumerate(truth_heads) if not _matches(t.name, ignore)]
    mirror_tables = [i for i, m in enumerate(mirror_heads) if not _matches(m.name, ignore)]
    by_name: dict[tuple[str | None, str], int] = {}
    for i in mirror_tables:
        m = mirror_heads[i]
        if "name" not in m.unknown:
            by_name[(m.schema, m.name)] = i  # (the last of a name, as a dict built from all)
    explicit = dict(config.pairs)

    pairs: list[tuple[int, int, str]] = []
    unpaired_truth: list[int] = []
    used: set[int] = set()

    def take(t: int, m: int, how: str) -> None:
        used.add(m)
        pairs.append((t, m, how))

    for i in truth_tables:
        table = truth_heads[i]
        wanted = explicit.get(table.name)
        candidate = None
        how = "name"
        if wanted is not None:
            candidate = next(
                (m for m in mirror_tables if mirror_heads[m].name == wanted and "name" not in mirror_heads[m].unknown),
                None,
            )
            how = "config"
        if candidate is None and "name" not in table.unknown:
            candidate = by_name.get((table.schema, table.name))
            how = "name"
        if candidate is not None and candidate not in used:
            take(i, candidate, how)
        else:
            unpaired_truth.append(i)

    missing: list[int] = []
    for i in unpaired_truth:
        model = truth_heads[i].model
        candidate = next(
            (
                m
                for m in mirror_tables
                if m not in used and mirror_heads[m].mirrors and model_matches(model, mirror_heads[m].mirrors or "")
            ),
            None,
        )
        if candidate is not None:
            take(i, candidate, "mirrors")
        else:
            missing.append(i)

    extra = [m for m in mirror_tables if m not in used]
    # A table absent from a side proves nothing when that side may have missed tables, or
    # has a table whose name is unknown (it could be any of them).
    if not mirror.complete or any("name" in mirror_heads[m].unknown for m in mirror_tables):
        missing = []
    missing = [t for t in missing if "exists" not in truth_heads[t].unknown and "name" not in truth_heads[t].unknown]
    if not truth.complete or any("name" in truth_heads[t].unknown for t in truth_tables):
        extra = []
    extra = [m for m in extra if "name" not in mirror_heads[m].unknown]
    # Models by class name, so that checking every docstring stays linear in the tables.
    models_by_class: dict[str, list[str]] = {}
    for head in truth_heads:
        if head.model:
            models_by_class.setdefault(head.model.rpartition(".")[2], []).append(head.model)
    unknown = [
        m
        for m in mirror_tables
        if (mirrors := mirror_heads[m].mirrors)
        and not any(model_matches(model, mirrors) for model in models_by_class.get(mirrors.rpartition(".")[2], ()))
    ]

    pairs.sort(key=lambda p: truth_heads[p[0]].name)
    return Comparison(
        truth=truth,
        mirror=mirror,
        paired_at=tuple(pairs),
        missing_tables=tuple(truth.tables[t] for t in missing),
        extra_tables=tuple(mirror.tables[m] for m in extra),
        unknown_mirrors=tuple(mirror.tables[m] for m in unknown),
        on_delete_policy=config.on_delete_policy,
        type_equivalences=_equivalences(config),
        ignore_columns=config.ignore_columns,
    )


# columns, unique, where, using, orders, opclasses, include
IndexKey = tuple[tuple[str, ...], bool, str | None, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def index_key(index: Index) -> IndexKey:
    """What makes two indexes the same index, names aside."""
    return (
        index.columns,
        index.unique,
        index.where or None,
        index.using,
        index.orders or (),
        index.opclasses or (),
        index.include,
    )


__all__ = [
    "ColumnPair",
    "Comparison",
    "ObjectKind",
    "Side",
    "TableObject",
    "TablePair",
    "compare",
    "could_be",
    "index_key",
    "model_matches",
]

"""Stage 2 — compare: pair the truth's tables and columns with a mirror's.

`compare(truth, mirror, config)` decides *what corresponds to what*; it reports nothing. The
rules then look at the pairs (a nullability rule only reads `pair.columns`). Tables pair by,
in order: an explicit `[tool.schemalint.pairs]` entry, the same name, and the mirror's
"mirrors Django apps.options.models.Stock" docstring (a renamed `__tablename__` then gives one
SL103 rather than a missing table plus an extra one).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Iterable

from schemalint.config import Config
from schemalint.model import Column, Index, Schema, Table


@dataclass(frozen=True)
class ColumnPair:
    truth: Column
    mirror: Column


@dataclass(frozen=True)
class TablePair:
    truth: Table
    mirror: Table
    paired_by: str
    """name | config | mirrors (the docstring convention)"""
    columns: tuple[ColumnPair, ...]
    missing_columns: tuple[Column, ...]
    """In the truth, not in the mirror."""
    extra_columns: tuple[Column, ...]
    """In the mirror, not in the truth."""


@dataclass(frozen=True)
class Comparison:
    truth: Schema
    mirror: Schema
    pairs: tuple[TablePair, ...]
    missing_tables: tuple[Table, ...]
    extra_tables: tuple[Table, ...]
    unknown_mirrors: tuple[Table, ...]
    """Mirror tables (paired or not) whose docstring names a model the truth does not have."""
    on_delete_policy: str = "declared"
    type_equivalences: tuple[tuple[str, str], ...] = ()

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


def _keep_columns(table: Table, patterns: tuple[str, ...]) -> list[Column]:
    return [c for c in table.columns if not _matches(f"{table.name}.{c.name}", patterns)]


def _pair_columns(truth: Table, mirror: Table, ignore: tuple[str, ...]) -> tuple:
    mirror_cols = {c.name: c for c in _keep_columns(mirror, ignore)}
    pairs, missing = [], []
    for col in _keep_columns(truth, ignore):
        other = mirror_cols.pop(col.name, None)
        if other is None:
            missing.append(col)
        else:
            pairs.append(ColumnPair(col, other))
    return tuple(pairs), tuple(missing), tuple(mirror_cols.values())


def _equivalences(config: Config) -> tuple[tuple[str, str], ...]:
    from schemalint.postgres.types import normalize_type

    # `types` holds custom field classes (dotted names, read by the readers) and accepted
    # type equivalences (plain type spellings); only the latter matter here.
    return tuple(
        (normalize_type(a), normalize_type(b)) for a, b in config.types if not any(ch.isupper() for ch in a) and "." not in a
    )


def compare(truth: Schema, mirror: Schema, config: Config) -> Comparison:
    ignore = config.ignore_tables
    truth_tables = [t for t in truth.tables if not _matches(t.name, ignore)]
    mirror_tables = [t for t in mirror.tables if not _matches(t.name, ignore)]
    by_name = {(t.schema, t.name): t for t in mirror_tables}
    explicit = dict(config.pairs)

    pairs: list[TablePair] = []
    unpaired_truth: list[Table] = []
    used: set[int] = set()

    def take(t: Table, m: Table, how: str) -> None:
        used.add(id(m))
        cols, missing, extra = _pair_columns(t, m, config.ignore_columns)
        pairs.append(TablePair(t, m, how, cols, missing, extra))

    for table in truth_tables:
        wanted = explicit.get(table.name)
        candidate = None
        how = "name"
        if wanted is not None:
            candidate = next((m for m in mirror_tables if m.name == wanted), None)
            how = "config"
        if candidate is None:
            candidate = by_name.get((table.schema, table.name))
            how = "name"
        if candidate is not None and id(candidate) not in used:
            take(table, candidate, how)
        else:
            unpaired_truth.append(table)

    missing: list[Table] = []
    for table in unpaired_truth:
        candidate = next(
            (m for m in mirror_tables if id(m) not in used and m.mirrors and model_matches(table.model, m.mirrors)),
            None,
        )
        if candidate is not None:
            take(table, candidate, "mirrors")
        else:
            missing.append(table)

    extra = [m for m in mirror_tables if id(m) not in used]
    # Models by class name, so that checking every docstring stays linear in the tables.
    models_by_class: dict[str, list[str]] = {}
    for t in truth.tables:
        if t.model:
            models_by_class.setdefault(t.model.rpartition(".")[2], []).append(t.model)
    unknown = [
        m
        for m in mirror_tables
        if m.mirrors
        and not any(model_matches(model, m.mirrors) for model in models_by_class.get(m.mirrors.rpartition(".")[2], ()))
    ]

    pairs.sort(key=lambda p: p.truth.name)
    return Comparison(
        truth=truth,
        mirror=mirror,
        pairs=tuple(pairs),
        missing_tables=tuple(missing),
        extra_tables=tuple(extra),
        unknown_mirrors=tuple(unknown),
        on_delete_policy=config.on_delete_policy,
        type_equivalences=_equivalences(config),
    )


def index_key(index: Index) -> tuple:
    """What makes two indexes the same index, names aside."""
    return (index.columns, index.unique, index.where or None, index.using, index.orders or (), index.opclasses or (), index.include)


__all__ = ["ColumnPair", "Comparison", "TablePair", "compare", "index_key", "model_matches"]

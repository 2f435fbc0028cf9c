"""How rules describe their fixes: one place for the applicability judgements and the fix's
address, so that every rule says `safe` and `unsafe` for the same reasons.

A rule builds its `Fix` with its context's `ctx.mirror_fix(...)` (`schemalint.context`, which
calls `mirror_fix` here with the mirror's source and the file of the mirror's table) or, for a
column, `ctx.alter(...)`, and asks the judgements below for its applicability:

* `type_change`: `safe` when the mirror's type widens to the truth's (no value it holds today
  is rejected, truncated or rounded), `unsafe` otherwise;
* `nullability_change`: dropping NOT NULL is `safe`, setting it is `unsafe` (existing NULLs
  make it fail);
* `adding`: a new index or constraint is `safe`, unless it is unique or a CHECK (existing rows
  may violate it): `unsafe`.

Values must be known: `fully_known` says whether a truth table can be created as it is (no
unknown part anywhere in it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from schemalint.fix import Applicability, Change, Fix
from schemalint.model import Column, Constraint, ForeignKey, Index, Table

_INTEGERS = {"smallint": 2, "integer": 4, "bigint": 8}
_FLOATS = {"real": 4, "double precision": 8}
_PRECISION_DEFAULT = 6
"""PostgreSQL's time types without a precision keep microseconds, its maximum."""
_TYPE = re.compile(r"^(?P<base>[a-z][a-z ]*?)\s*(?:\((?P<args>[0-9, ]*)\))?(?P<rest>(?: with(?:out)? time zone)?)$")


@dataclass(frozen=True)
class _Type:
    base: str
    args: tuple[int, ...]
    rest: str


def _parse(spelling: str) -> _Type | None:
    match = _TYPE.match(spelling.strip().lower())
    if match is None:
        return None
    args = tuple(int(a) for a in (match.group("args") or "").replace(" ", "").split(",") if a)
    return _Type(match.group("base"), args, match.group("rest").strip())


def widens(current: str, wanted: str) -> bool:
    """Whether changing a column from `current` to `wanted` (PostgreSQL's `format_type()`
    spellings) keeps every value it can hold today unchanged:

    * `character varying(n)` to `character varying(m)` with m >= n, to `character varying`
      or `text` (and `character varying` to `text`);
    * `smallint` to `integer` to `bigint`; `real` to `double precision`;
    * `numeric(p,s)` to `numeric` or to `numeric(p2,s2)` with neither more integer digits
      lost (p2-s2 >= p-s) nor scale lost (s2 >= s);
    * `timestamp(p)`/`time(p)` (with or without time zone) to a greater precision;
    * arrays of the above, element by element, with as many dimensions.

    Anything else (another base type, a narrower one, `character(n)`, whose padding differs)
    is not a widening."""
    current, wanted = current.strip().lower(), wanted.strip().lower()
    if current == wanted:
        return True
    dims = len(current) - len(current.rstrip("[]"))
    if dims != len(wanted) - len(wanted.rstrip("[]")):
        return False
    if dims:
        return widens(current[:-dims], wanted[:-dims])
    for sizes in (_INTEGERS, _FLOATS):
        if current in sizes and wanted in sizes:
            return sizes[wanted] >= sizes[current]
    old, new = _parse(current), _parse(wanted)
    if old is None or new is None:
        return False
    if old.base == "character varying" and not old.rest and not new.rest:
        if new.base == "text" and not new.args:
            return True
        if new.base == "character varying":
            return not new.args or (bool(old.args) and new.args[0] >= old.args[0])
        return False
    if old.base == "numeric" == new.base and not old.rest and not new.rest:
        if not new.args:
            return True
        if not old.args:
            return False
        old_scale = old.args[1] if len(old.args) > 1 else 0
        new_scale = new.args[1] if len(new.args) > 1 else 0
        return new_scale >= old_scale and new.args[0] - new_scale >= old.args[0] - old_scale
    if old.base == new.base and old.base in ("timestamp", "time") and old.rest == new.rest:
        old_precision = old.args[0] if old.args else _PRECISION_DEFAULT
        new_precision = new.args[0] if new.args else _PRECISION_DEFAULT
        return new_precision >= old_precision
    return False


def type_change(current: str, wanted: str) -> Applicability:
    """`safe` when the mirror's type `current` widens to the truth's `wanted`, else `unsafe`."""
    return "safe" if widens(current, wanted) else "unsafe"


def nullability_change(wanted_nullable: bool) -> Applicability:
    """DROP NOT NULL (the mirror accepts more) is `safe`; SET NOT NULL fails on existing NULLs
    and rejects inserts that worked: `unsafe`."""
    return "safe" if wanted_nullable else "unsafe"


def adding(obj: Index | Constraint) -> Applicability:
    """Adding an index is `safe`; adding anything that rejects rows (a unique index, a UNIQUE,
    CHECK or EXCLUDE constraint) is `unsafe`: rows already there may violate it."""
    if isinstance(obj, Index):
        return "unsafe" if obj.unique else "safe"
    return "unsafe"


def fully_known(table: Table) -> bool:
    """Whether nothing of `table` is unknown: it can be written out whole (`AddTable`)."""
    return (
        not table.unknown
        and not any(c.unknown for c in table.columns)
        and not any(i.unknown for i in table.indexes)
        and not any(c.unknown for c in table.constraints)
        and not any(fk.unknown for fk in table.foreign_keys)
    )


def mirror_foreign_key(fk: ForeignKey, policy: str) -> ForeignKey:
    """The truth's foreign key as the mirror should declare it: with `on-delete-policy =
    "declared"` (the default), the action the truth declares (Django's Python-level
    `on_delete`), else the one its database gets. The result's `on_delete` is the action to
    write, and it has no `declared_on_delete`."""
    action = fk.intended_on_delete if policy == "declared" else fk.on_delete
    if fk.on_delete == action and fk.declared_on_delete is None:
        return fk
    return replace(fk, on_delete=action, declared_on_delete=None)


def previous(names: list[str], name: str) -> str | None:
    """The name before `name` in `names` (None when it is first, or absent)."""
    index = names.index(name) if name in names else 0
    return names[index - 1] if index > 0 else None


def previous_column(table: Table, column: Column) -> str | None:
    """The truth's column declared before `column` (the neighbour a new column goes after)."""
    return previous([c.name for c in table.columns], column.name)


def mirror_fix(
    source: str,
    table: Table | None,
    description: str,
    applicability: Applicability,
    *changes: Change,
) -> Fix:
    """A fix of the mirror `source`, in the file that declares the mirror's `table` (None for a
    table the mirror does not have yet: the writer picks the file)."""
    path = table.location.path if table is not None and table.location is not None else None
    return Fix(description, applicability, changes, source, path or None)


__all__ = [
    "adding",
    "fully_known",
    "mirror_fix",
    "mirror_foreign_key",
    "nullability_change",
    "previous",
    "previous_column",
    "type_change",
    "widens",
]

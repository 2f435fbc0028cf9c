"""The names PostgreSQL 15 gives objects, byte for byte (indexcmds.c, pg_constraint.c,
scansup.c truncate_identifier, mbutils.c pg_mbcliplen).

* An identifier longer than NAMEDATALEN - 1 = 63 *bytes* is cut to 63 bytes, never in the
  middle of a UTF-8 character (`truncate_identifier`).
* An implicit name is `<name1>_<name2>_<label>` (makeObjectName): the longer of name1 and
  name2 loses a byte at a time until the whole fits in 63 bytes, then each is clipped back
  to a character boundary. `<table>_pkey`, `<table>_<column>_key`, `<table>_<column>_check`,
  `<table>_<columns>_idx`, `<table>_<column>_seq`.
* When that name is taken, the label gets a number: `_key1`, `_key2`, ... (ChooseRelationName
  for indexes and sequences, which must be free among the schema's relations;
  ChooseConstraintName for constraints, free among the schema's constraints).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

NAMEDATALEN = 64
MAX_IDENTIFIER_BYTES = NAMEDATALEN - 1


def byte_length(name: str) -> int:
    return len(name.encode("utf-8"))


def clip(name: str, max_bytes: int) -> str:
    """pg_mbcliplen(): the longest prefix of `name` that fits in `max_bytes` UTF-8 bytes
    without cutting a character."""
    encoded = name.encode("utf-8")
    if len(encoded) <= max_bytes:
        return name
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def truncate_identifier(name: str) -> str:
    """truncate_identifier(): what PostgreSQL keeps of a name longer than 63 bytes (it says so
    in a NOTICE and carries on)."""
    return clip(name, MAX_IDENTIFIER_BYTES)


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """makeObjectName(): `name1_name2_label`, shortened to fit in 63 bytes."""
    len1 = byte_length(name1)
    len2 = byte_length(name2) if name2 else 0
    overhead = (1 if name2 else 0) + (byte_length(label) + 1 if label else 0)
    available = MAX_IDENTIFIER_BYTES - overhead
    while len1 + len2 > available:
        if len1 > len2:
            len1 -= 1
        else:
            len2 -= 1
    result = clip(name1, len1)
    if name2:
        result += "_" + clip(name2, len2)
    if label:
        result += "_" + label
    return result


def choose_name(name1: str, name2: str | None, label: str, taken: Callable[[str], bool]) -> str:
    """ChooseRelationName() / ChooseConstraintName(): the first of `name1_name2_label`,
    `..._label1`, `..._label2`, ... for which `taken` is false."""
    attempt = 0
    while True:
        candidate = make_object_name(name1, name2, label if attempt == 0 else f"{label}{attempt}")
        if not taken(candidate):
            return candidate
        attempt += 1


def choose_constraint_name(table: str, columns: list[str] | None, label: str, taken: set[str]) -> str:
    """ChooseConstraintName() with the column addition PostgreSQL uses: the name for a
    constraint on `columns` of `table` that is not in `taken`; the name is added to `taken`."""
    name = choose_name(table, join_column_names(columns) if columns else None, label, taken.__contains__)
    taken.add(name)
    return name


def join_column_names(columns: Iterable[str]) -> str:
    """ChooseIndexNameAddition() / ChooseForeignKeyConstraintNameAddition(): the column names
    joined by `_`, stopping once the result reaches NAMEDATALEN bytes."""
    result = ""
    for name in columns:
        if result:
            result += "_"
        result += clip(name, MAX_IDENTIFIER_BYTES)
        if byte_length(result) >= NAMEDATALEN:
            break
    return result


def index_column_names(parts: Iterable[str | None]) -> list[str]:
    """ChooseIndexColumnNames(): each key part's name (`expr`, or the function's name, for an
    expression), made unique with a number."""
    result: list[str] = []
    for original in parts:
        name = original or "expr"
        candidate = name
        suffix = 1
        while candidate in result:
            digits = str(suffix)
            candidate = clip(name, MAX_IDENTIFIER_BYTES - len(digits)) + digits
            suffix += 1
        result.append(candidate)
    return result


class NameSpace:
    """The names already used in one schema, by kind: relations (tables, indexes, sequences,
    views) and constraints. `relation()` and `constraint()` choose a free implicit name and
    take it, as PostgreSQL does while it runs one CREATE TABLE after another."""

    def __init__(self) -> None:
        self.relations: set[str] = set()
        self.constraints: set[str] = set()

    def relation(self, name1: str, name2: str | None, label: str, *, constraint: bool = False) -> str:
        """ChooseRelationName(): an index or sequence name free among relations (and, for an
        index that backs a constraint, among constraints too)."""
        name = choose_name(name1, name2, label, lambda n: n in self.relations or (constraint and n in self.constraints))
        self.relations.add(name)
        if constraint:
            self.constraints.add(name)
        return name

    def constraint(self, name1: str, name2: str | None, label: str) -> str:
        """ChooseConstraintName(): a CHECK or FOREIGN KEY name free among constraints."""
        name = choose_name(name1, name2, label, self.constraints.__contains__)
        self.constraints.add(name)
        return name

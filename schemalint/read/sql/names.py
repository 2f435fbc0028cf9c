"""The names PostgreSQL chooses for objects nobody named (indexcmds.c ChooseRelationName,
pg_constraint.c ChooseConstraintName, makeObjectName).

`<table>_<columns>_<label>`: the column part is the column names joined by `_` (cut once it
reaches NAMEDATALEN), then the table and column parts are shortened, the longer one first, until
the whole name fits in 63 bytes; when the name is taken, the label gets a number (`_key1`,
`_key2`, ...). Index and sequence names must be free among all relations of the schema,
constraint names (and the names of indexes that back constraints) among all constraints of
the schema.
"""

from __future__ import annotations

from typing import Callable

NAMEDATALEN = 64


def _clip(name: str, max_bytes: int) -> str:
    """pg_mbcliplen: the longest prefix of `name` that fits in `max_bytes` UTF-8 bytes without
    cutting a character."""
    encoded = name.encode("utf-8")
    if len(encoded) <= max_bytes:
        return name
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """makeObjectName(): `name1_name2_label`, shortened to fit NAMEDATALEN - 1 bytes."""
    len1 = len(name1.encode("utf-8"))
    len2 = len(name2.encode("utf-8")) if name2 else 0
    overhead = (1 if name2 else 0) + (len(label) + 1 if label else 0)
    available = NAMEDATALEN - 1 - overhead
    while len1 + len2 > available:
        if len1 > len2:
            len1 -= 1
        else:
            len2 -= 1
    result = _clip(name1, len1)
    if name2:
        result += "_" + _clip(name2, len2)
    if label:
        result += "_" + label
    return result


def join_column_names(columns: list[str]) -> str:
    """ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition: the names joined by
    `_`, stopping once the result reaches NAMEDATALEN bytes."""
    result = ""
    for name in columns:
        if result:
            result += "_"
        result += _clip(name, NAMEDATALEN - 1)
        if len(result.encode("utf-8")) >= NAMEDATALEN:
            break
    return result


def choose_name(name1: str, name2: str | None, label: str, taken: Callable[[str], bool]) -> str:
    """The first of `name1_name2_label`, `..._label1`, `..._label2`, ... that is not taken."""
    attempt = 0
    while True:
        candidate = make_object_name(name1, name2, label if attempt == 0 else f"{label}{attempt}")
        if not taken(candidate):
            return candidate
        attempt += 1


def index_column_names(parts: list[str | None]) -> list[str]:
    """ChooseIndexColumnNames: each key part's name (`expr` or the function's name for
    expressions), made unique with a number."""
    result: list[str] = []
    for original in parts:
        name = original or "expr"
        candidate = name
        suffix = 1
        while candidate in result:
            digits = str(suffix)
            candidate = _clip(name, NAMEDATALEN - 1 - len(digits)) + digits
            suffix += 1
        result.append(candidate)
    return result


def truncate_identifier(name: str) -> str:
    """Identifiers longer than 63 bytes are cut (PostgreSQL truncates with a NOTICE)."""
    return _clip(name, NAMEDATALEN - 1)

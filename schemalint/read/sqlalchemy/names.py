"""Names the database ends up with: SQLAlchemy's naming conventions and PostgreSQL's own
choice for unnamed constraints (ChooseConstraintName / makeObjectName, 63-byte names)."""

from __future__ import annotations

import hashlib
import re

MAX_IDENTIFIER = 63


def pg_object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's makeObjectName(): `name1_name2_label`, shortening the longer of name1
    and name2 until the whole fits in 63 bytes."""
    overhead = len(label) + 1 + (1 if name2 else 0)
    available = MAX_IDENTIFIER - overhead
    n1, n2 = len(name1.encode()), len(name2.encode()) if name2 else 0
    while n1 + n2 > available:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    first = name1.encode()[:n1].decode(errors="ignore")
    if name2:
        return f"{first}_{name2.encode()[:n2].decode(errors='ignore')}_{label}"
    return f"{first}_{label}"


def pg_choose_name(table: str, columns: list[str] | None, label: str, taken: set[str]) -> str:
    """ChooseConstraintName(): the default name, with 1, 2, ... appended to the label when
    the name is already used on the table."""
    addition = "_".join(columns) if columns else None
    if addition is not None and len(addition) > MAX_IDENTIFIER:
        addition = addition[:MAX_IDENTIFIER]
    suffix = 0
    while True:
        candidate = pg_object_name(table, addition, label if not suffix else f"{label}{suffix}")
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        suffix += 1


def truncate_convention_name(name: str) -> str:
    """SQLAlchemy shortens a too-long convention-generated name to 55 characters + `_` +
    the last 4 hex digits of its md5 (compiler._truncate_and_render_maxlen_name)."""
    if len(name) > MAX_IDENTIFIER:
        return name[: MAX_IDENTIFIER - 8] + "_" + hashlib.md5(name.encode()).hexdigest()[-4:]
    return name


_TOKEN = re.compile(r"%\((\w+)\)s")
_COLUMN_TOKEN = re.compile(r"^column_(\d+)(_?N)?_(name|label|key)$")
_REFERRED_TOKEN = re.compile(r"^referred_column_(\d+)(_?N)?_name$")


class ConventionError(Exception):
    pass


def apply_convention(template: str, *, table: str, schema: str | None, columns: list[str], name: str | None,
                     referred_table: str | None = None, referred_columns: list[str] | None = None) -> str:
    """Fill a naming-convention template the way sqlalchemy.sql.naming.ConventionDict does."""

    def column_values(kind: str) -> list[str]:
        if kind == "label":
            prefix = (schema.replace(".", "_") + "_" if schema else "") + table + "_"
            return [prefix + c for c in columns]
        return list(columns)

    def value(token: str) -> str:
        if token == "table_name":
            return table
        if token == "constraint_name":
            if not name:
                raise ConventionError("naming convention uses %(constraint_name)s but the constraint has no name")
            return name
        if token == "referred_table_name":
            return referred_table or ""
        match = _REFERRED_TOKEN.match(token)
        if match:
            values = referred_columns or []
            if match.group(2):
                return ("_" if match.group(2).startswith("_") else "").join(values)
            index = int(match.group(1))
            return values[index] if index < len(values) else ""
        match = _COLUMN_TOKEN.match(token)
        if match:
            values = column_values(match.group(3))
            if match.group(2):
                return ("_" if match.group(2).startswith("_") else "").join(values)
            index = int(match.group(1))
            return values[index] if index < len(values) else ""
        raise ConventionError(f"naming convention token %({token})s is not supported")

    return _TOKEN.sub(lambda m: value(m.group(1)), template)


def serial_sequence(table: str, column: str) -> str:
    return pg_object_name(table, column, "seq")

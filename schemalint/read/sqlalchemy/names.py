"""SQLAlchemy's naming conventions (sqlalchemy.sql.naming) and its shortening of long
convention names. PostgreSQL's own choice for unnamed objects is `schemalint.postgres.names`."""

from __future__ import annotations

import hashlib
import re

from schemalint.postgres.names import MAX_IDENTIFIER_BYTES as MAX_IDENTIFIER
from schemalint.postgres.names import make_object_name


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


def apply_convention(
    template: str,
    *,
    table: str,
    schema: str | None,
    columns: list[str],
    name: str | None,
    referred_table: str | None = None,
    referred_columns: list[str] | None = None,
) -> str:
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
    """The sequence a `serial` column owns: `<table>_<column>_seq` (ChooseRelationName)."""
    return make_object_name(table, column, "seq")

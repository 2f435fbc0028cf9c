"""Spelling-insensitive comparison of SQL fragments that different readers print differently:
defaults (`'draft'::character varying` vs `'draft'`), CHECK expressions and index conditions."""

from __future__ import annotations

import re

from schemalint.model import Column, Location

_CAST = re.compile(r"::\s*[a-z_][a-z0-9_ ]*(\(\d+(,\d+)?\))?(\[\])?", re.I)
_SPACE = re.compile(r"\s+")

# Defaults that PostgreSQL evaluates to the same value when a row is inserted on its own.
# Django's `db_default=Now()` renders STATEMENT_TIMESTAMP(); teams write now() or
# CURRENT_TIMESTAMP in the mirrors: within one INSERT they agree.
_SAME_DEFAULTS = {
    "current_timestamp": "now()",
    "transaction_timestamp()": "now()",
    "statement_timestamp()": "now()",
    "localtimestamp": "localtimestamp",
    "true": "true",
    "false": "false",
}


def expression(text: str | None) -> str | None:
    """A canonical form of a SQL expression for equality tests: lower case, no casts, no
    quotes around identifiers, no redundant spaces or outer parentheses."""
    if text is None:
        return None
    text = _CAST.sub("", text.strip()).replace('"', "")
    text = _SPACE.sub(" ", text).strip().lower()
    text = re.sub(r"\s*([(),=<>!+*/-])\s*", r"\1", text)
    # `(status)` left behind by a removed cast, but not `lower(status)`.
    text = re.sub(r"(?<![\w])\((\w+)\)", r"\1", text)
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1]
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def is_autoincrement(column: Column) -> bool:
    """SERIAL (a sequence default) and IDENTITY are the same thing to a user: the database
    numbers new rows. The mechanism is not compared."""
    return column.identity is not None or (column.default or "").lower().startswith("nextval(")


def default(column: Column) -> str | None:
    """The column's default in canonical form; autoincrement columns compare as `<auto>`."""
    if is_autoincrement(column):
        return "<auto>"
    text = expression(column.default)
    if text is None or text == "null":
        return None
    return _SAME_DEFAULTS.get(text, text)


def first_location(*candidates: Location | None, fallback: str = "") -> Location:
    for candidate in candidates:
        if candidate is not None:
            return candidate
    return Location(fallback, 1, 1)

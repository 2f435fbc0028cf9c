"""Column types as each database prints them back.

* postgres: `format_type()` (`character varying(10)`, `timestamp with time zone`), through the
  shared alias table `schemalint.postgres.types.normalize_type`;
* mysql: `information_schema.columns.column_type` of MySQL 8 (`int`, `varchar(10)`,
  `decimal(10,2)`, `tinyint(1)` for BOOLEAN, no display width on other integer types);
* sqlite: the declared type as written (SQLite keeps it verbatim; its affinity is derived from
  it), lower-cased with spaces normalised: `varchar(10)`, `datetime`, `integer`.
"""

from __future__ import annotations

import re

from sqlglot import exp

from schemalint.postgres.types import normalize_type

_MYSQL_INTEGERS = ("tinyint", "smallint", "mediumint", "int", "bigint")
_MYSQL_ALIASES = {
    "integer": "int",
    "bool": "tinyint(1)",
    "boolean": "tinyint(1)",
    "double precision": "double",
    "real": "double",
    "decimal": "decimal(10,0)",
    "numeric": "decimal(10,0)",
    "dec": "decimal(10,0)",
    "char": "char(1)",
    "serial": "bigint unsigned",
}


_SPELLINGS: dict[tuple, str] = {}


def type_spelling(node: exp.Expression, dialect: str, default_schema: str = "public") -> str:
    """The database's spelling of the type a column definition or cast names. Generating SQL
    with sqlglot costs about as much as parsing the column, and a file names few distinct
    types: spellings are remembered by the type's structure."""
    key = (dialect, default_schema, _structure(node))
    spelling = _SPELLINGS.get(key)
    if spelling is None:
        spelling = _spelling(node, dialect, default_schema)
        if len(_SPELLINGS) < 10_000:
            _SPELLINGS[key] = spelling
    return spelling


def _structure(value):
    """A hashable picture of a small sqlglot tree (class, args, identifier quoting)."""
    if isinstance(value, exp.Expression):
        args = tuple((k, _structure(v)) for k, v in sorted(value.args.items()) if v is not None and v is not False)
        return (type(value).__name__, args)
    if isinstance(value, list):
        return tuple(_structure(v) for v in value)
    return value if isinstance(value, (str, int, float, bool)) else str(value)


def _spelling(node: exp.Expression, dialect: str, default_schema: str) -> str:
    if dialect == "mysql":
        return mysql_type(node.sql(dialect="mysql"))
    if dialect == "sqlite":
        return _compact(node.sql())
    return postgres_type(node.sql(dialect="postgres"), default_schema)


def _compact(text: str) -> str:
    text = " ".join(text.lower().split())
    return re.sub(r"\s*,\s*", ",", re.sub(r"\(\s*", "(", re.sub(r"\s*\)", ")", text)))


def postgres_type(spelling: str, default_schema: str = "public") -> str:
    text = spelling.strip()
    prefix = f"{default_schema.lower()}."
    if text.lower().startswith(prefix):
        text = text[len(prefix) :]
    if text.startswith('"') and text.endswith('"') and text[1:-1] != text[1:-1].lower():
        return text  # a quoted mixed-case user type: format_type keeps the quotes
    if text.upper().startswith("INTERVAL "):
        return "interval " + " ".join(text.lower().split()[1:])
    return normalize_type(text)


def mysql_type(spelling: str) -> str:
    text = _compact(spelling)
    unsigned = text.endswith(" unsigned")
    if unsigned:
        text = text[: -len(" unsigned")]
    text = _MYSQL_ALIASES.get(text, text)
    base, _, rest = text.partition("(")
    if base in ("numeric", "dec"):
        text = "decimal(" + rest
    elif base == "integer":
        text = "int" + ("(" + rest if rest else "")
    base = text.partition("(")[0]
    if base in _MYSQL_INTEGERS and text != "tinyint(1)":
        text = base  # MySQL 8 prints no display width
    return text + (" unsigned" if unsigned else "")

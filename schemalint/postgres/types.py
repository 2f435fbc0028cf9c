"""PostgreSQL type spellings: every reader reports `format_type()`'s spelling.

`normalize_type("VARCHAR(10)")` -> `character varying(10)`, `int8` -> `bigint`,
`timestamptz` -> `timestamp with time zone`, `DECIMAL(10, 2)` -> `numeric(10,2)`,
`serial` -> `integer` (the sequence default is the reader's business). The table below is the
single place where a SQL alias is accepted; README's "Type spellings" table summarises it.
"""

from __future__ import annotations

import re

# alias -> format_type() spelling, for types without modifiers.
ALIASES: dict[str, str] = {
    "int": "integer",
    "int4": "integer",
    "integer": "integer",
    "serial": "integer",
    "serial4": "integer",
    "int8": "bigint",
    "bigint": "bigint",
    "bigserial": "bigint",
    "serial8": "bigint",
    "int2": "smallint",
    "smallint": "smallint",
    "smallserial": "smallint",
    "serial2": "smallint",
    "bool": "boolean",
    "boolean": "boolean",
    "float8": "double precision",
    "double precision": "double precision",
    "double": "double precision",
    "float4": "real",
    "real": "real",
    "float": "double precision",
    "decimal": "numeric",
    "numeric": "numeric",
    "varchar": "character varying",
    "character varying": "character varying",
    "char varying": "character varying",
    "char": "character(1)",
    "character": "character(1)",
    "bpchar": "bpchar",
    "text": "text",
    "timestamp": "timestamp without time zone",
    "timestamp without time zone": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
    "timestamp with time zone": "timestamp with time zone",
    "time": "time without time zone",
    "time without time zone": "time without time zone",
    "timetz": "time with time zone",
    "time with time zone": "time with time zone",
    "date": "date",
    "interval": "interval",
    "json": "json",
    "jsonb": "jsonb",
    "uuid": "uuid",
    "bytea": "bytea",
    "inet": "inet",
    "cidr": "cidr",
    "macaddr": "macaddr",
    "money": "money",
    "xml": "xml",
    "tsvector": "tsvector",
    "oid": "oid",
    "bit": "bit(1)",
    "varbit": "bit varying",
    "bit varying": "bit varying",
    "citext": "citext",
    "hstore": "hstore",
    "int4range": "int4range",
    "int8range": "int8range",
    "numrange": "numrange",
    "daterange": "daterange",
    "tsrange": "tsrange",
    "tstzrange": "tstzrange",
}

# Serial pseudo-types: the column gets the integer type plus a sequence default.
SERIAL_TYPES = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})

_MODIFIED = re.compile(r"^(?P<base>[a-z][a-z0-9 _]*?)\s*\((?P<args>[^)]*)\)(?P<rest>.*)$")
_TIME_ZONE = re.compile(r"^(timestamp|time)\s*(\(\s*\d+\s*\))?\s+(with|without)\s+time\s+zone$")


def normalize_type(spelling: str) -> str:
    """The `format_type()` spelling of a PostgreSQL type name as written in DDL or by an ORM."""
    text = " ".join(spelling.strip().lower().replace('"', "").split())
    if text.startswith("pg_catalog."):
        text = text[len("pg_catalog.") :]
    if text.endswith("[]"):
        return normalize_type(text[:-2]) + "[]"
    array = re.match(r"^(.*?)\s*array(\[\d*\])?$", text)
    if array and array.group(1):
        return normalize_type(array.group(1)) + "[]"

    zone = _TIME_ZONE.match(text)
    if zone:
        base, precision, which = zone.group(1), zone.group(2), zone.group(3)
        p = f"({precision.strip('() ')})" if precision else ""
        return f"{base}{p} {which} time zone"

    modified = _MODIFIED.match(text)
    if modified:
        base = modified.group("base").strip()
        args = ",".join(a.strip() for a in modified.group("args").split(","))
        rest = modified.group("rest").strip()
        if base in ("timestamp", "time") and not rest:
            return f"{base}({args}) without time zone"
        if base in ("timestamptz", "timetz"):
            return f"{base[:-2]}({args}) with time zone"
        if base in ("float",) and args.isdigit():
            return "real" if int(args) <= 24 else "double precision"
        if base in ("char", "character", "bpchar"):
            return f"character({args})"
        if base in ("bit",):
            return f"bit({args})"
        if base in ("numeric", "decimal") and args.isdigit() and not rest:
            return f"numeric({args},0)"  # the scale defaults to 0
        canonical = ALIASES.get(base, base)
        return f"{canonical}({args})" + (f" {rest}" if rest else "")
    return ALIASES.get(text, text)


def base_type(spelling: str | None) -> str:
    """The type without modifiers, as operators see it: `character varying(20)` ->
    `character varying`, `character(2)` -> `bpchar`, `numeric(10,2)` -> `numeric`,
    `timestamp(3) with time zone` -> `timestamp with time zone`."""
    if not spelling:
        return "unknown"
    if spelling.endswith("[]"):
        return base_type(spelling[:-2]) + "[]"
    text = re.sub(r"\([^)]*\)", "", spelling).strip()
    text = " ".join(text.split())
    if text == "character":
        return "bpchar"
    return text


def label_type(spelling: str) -> str:
    """format_type(type, -1): how a constant's or a cast's type is printed after `::`."""
    return base_type(spelling)

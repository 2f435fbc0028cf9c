"""PostgreSQL types and defaults -> the SQLAlchemy that creates them: the inverse of what the
SQLAlchemy reader maps (`schemalint/read/sqlalchemy/sqltypes.py`), kept as tables.

A type is given as `format_type()` prints it (`character varying(10)`, `numeric(12,4)`,
`timestamp with time zone`, `text[]`); the answer is a `Spelled`: the expression with
placeholders for the names it needs (`{String}(10)`), each placeholder an importable
`(module, name)`. The writer resolves placeholders to the names the file already binds (or
imports them). A type this module does not know has no spelling: the writer skips the fix
rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SA = "sqlalchemy"
PG = "sqlalchemy.dialects.postgresql"

Name = tuple[str, str]
"""(module, name): `("sqlalchemy", "String")`."""


@dataclass(frozen=True)
class Spelled:
    """`template` with `{0}`, `{1}`, ... standing for `names[0]`, `names[1]`, ... (each bound
    in the file as the writer decides: `String`, `sa.String`, `postgresql.JSONB`)."""

    template: str
    names: tuple[Name, ...] = ()

    def render(self, bound: list[str]) -> str:
        return self.template.format(*bound)


# format_type() spellings without modifiers -> the SQLAlchemy types the reader maps to them.
# Several candidates: the first the file already imports wins, else the first.
FIXED: dict[str, tuple[Name, ...]] = {
    "integer": ((SA, "Integer"), (SA, "INTEGER")),
    "bigint": ((SA, "BigInteger"), (SA, "BIGINT")),
    "smallint": ((SA, "SmallInteger"), (SA, "SMALLINT")),
    "boolean": ((SA, "Boolean"), (SA, "BOOLEAN")),
    "text": ((SA, "Text"), (SA, "TEXT")),
    "date": ((SA, "Date"), (SA, "DATE")),
    "interval": ((SA, "Interval"),),
    "bytea": ((SA, "LargeBinary"), (PG, "BYTEA")),
    "json": ((SA, "JSON"), (PG, "JSON")),
    "jsonb": ((PG, "JSONB"),),
    "jsonpath": ((PG, "JSONPATH"),),
    "uuid": ((SA, "Uuid"), (PG, "UUID"), (SA, "UUID")),
    "double precision": ((SA, "Double"), (SA, "Float"), (PG, "DOUBLE_PRECISION")),
    "real": ((SA, "REAL"), (PG, "REAL")),
    "timestamp without time zone": ((SA, "DateTime"), (SA, "TIMESTAMP")),
    "time without time zone": ((SA, "Time"), (SA, "TIME")),
    "character varying": ((SA, "String"), (SA, "VARCHAR")),
    "numeric": ((SA, "Numeric"), (SA, "NUMERIC")),
    "inet": ((PG, "INET"),),
    "cidr": ((PG, "CIDR"),),
    "macaddr": ((PG, "MACADDR"),),
    "macaddr8": ((PG, "MACADDR8"),),
    "money": ((PG, "MONEY"),),
    "oid": ((PG, "OID"),),
    "regclass": ((PG, "REGCLASS"),),
    "regconfig": ((PG, "REGCONFIG"),),
    "tsvector": ((PG, "TSVECTOR"),),
    "tsquery": ((PG, "TSQUERY"),),
    "citext": ((PG, "CITEXT"),),
    "hstore": ((PG, "HSTORE"),),
    "int4range": ((PG, "INT4RANGE"),),
    "int8range": ((PG, "INT8RANGE"),),
    "numrange": ((PG, "NUMRANGE"),),
    "daterange": ((PG, "DATERANGE"),),
    "tsrange": ((PG, "TSRANGE"),),
    "tstzrange": ((PG, "TSTZRANGE"),),
    "int4multirange": ((PG, "INT4MULTIRANGE"),),
    "int8multirange": ((PG, "INT8MULTIRANGE"),),
    "nummultirange": ((PG, "NUMMULTIRANGE"),),
    "datemultirange": ((PG, "DATEMULTIRANGE"),),
    "tsmultirange": ((PG, "TSMULTIRANGE"),),
    "tstzmultirange": ((PG, "TSTZMULTIRANGE"),),
}

# format_type() spellings with modifiers: (pattern, template over the match's groups, names).
PARAMETERIZED: tuple[tuple[str, str, tuple[Name, ...]], ...] = (
    (r"character varying\((\d+)\)", "{{0}}({1})", ((SA, "String"), (SA, "VARCHAR"))),
    (r"character\((\d+)\)", "{{0}}({1})", ((SA, "CHAR"),)),
    (r"numeric\((\d+),(\d+)\)", "{{0}}({1}, {2})", ((SA, "Numeric"), (SA, "NUMERIC"))),
    (r"timestamp with time zone", "{{0}}(timezone=True)", ((SA, "DateTime"), (SA, "TIMESTAMP"))),
    (r"timestamp\((\d)\) with time zone", "{{0}}(timezone=True, precision={1})", ((PG, "TIMESTAMP"),)),
    (r"timestamp\((\d)\) without time zone", "{{0}}(precision={1})", ((PG, "TIMESTAMP"),)),
    (r"time with time zone", "{{0}}(timezone=True)", ((SA, "Time"), (SA, "TIME"))),
    (r"time\((\d)\) with time zone", "{{0}}(timezone=True, precision={1})", ((PG, "TIME"),)),
    (r"time\((\d)\) without time zone", "{{0}}(precision={1})", ((PG, "TIME"),)),
    (r"bit\((\d+)\)", "{{0}}({1})", ((PG, "BIT"),)),
    (r"bit varying\((\d+)\)", "{{0}}({1}, varying=True)", ((PG, "BIT"),)),
)

# The Python type a `Mapped[...]` annotation gives a column of a type (its nullability is the
# annotation's business: `Optional[...]` / `... | None`). None: `Any`.
PYTHON_TYPES: tuple[tuple[str, str, tuple[Name, ...]], ...] = (
    (r"integer|bigint|smallint|oid", "int", ()),
    (r"boolean", "bool", ()),
    (r"numeric(\(.*\))?|money", "{0}", (("decimal", "Decimal"),)),
    (r"double precision|real", "float", ()),
    (r"timestamp(\(\d\))? with(out)? time zone", "{0}", (("datetime", "datetime"),)),
    (r"date", "{0}", (("datetime", "date"),)),
    (r"time(\(\d\))? with(out)? time zone", "{0}", (("datetime", "time"),)),
    (r"interval.*", "{0}", (("datetime", "timedelta"),)),
    (r"bytea", "bytes", ()),
    (r"json|jsonb", "dict[str, {0}]", (("typing", "Any"),)),
    (r"uuid", "{0}", (("uuid", "UUID"),)),
    (r"text|citext|character varying(\(\d+\))?|character\(\d+\)|inet|cidr|macaddr8?|tsvector", "str", ()),
)


def choose(candidates: tuple[Name, ...], bound: set[Name]) -> Name:
    """The first candidate the file already imports, else the first."""
    return next((c for c in candidates if c in bound), candidates[0])


def sqlalchemy_type(pg: str, enums: dict[str, tuple[str, ...]], bound: set[Name]) -> Spelled | None:
    """The SQLAlchemy type expression that the reader maps to `pg` (None: not known).
    `enums`: the truth's enumerated types by name (a column of type `mood` is `Enum(...,
    name="mood")`); `bound`: the (module, name)s the file imports, to prefer its spellings."""
    if pg.endswith("[]"):
        inner = sqlalchemy_type(pg[:-2], enums, bound)
        if inner is None or pg[:-2].endswith("[]"):
            return None
        shifted = re.sub(r"\{(\d+)\}", lambda m: "{" + str(int(m.group(1)) + 1) + "}", inner.template)
        return Spelled("{0}(" + shifted + ")", ((SA, "ARRAY"), *inner.names))
    if pg in FIXED:
        return Spelled("{0}", (choose(FIXED[pg], bound),))
    for pattern, template, names in PARAMETERIZED:
        match = re.fullmatch(pattern, pg)
        if match:
            return Spelled(template.format("", *match.groups()), (choose(names, bound),))
    if pg in enums and re.fullmatch(r"[a-z_][a-z0-9_]*", pg):
        labels = ", ".join(python_string(label).replace("{", "{{").replace("}", "}}") for label in enums[pg])
        return Spelled(f"{{0}}({labels}{', ' if labels else ''}name={python_string(pg)})", ((SA, "Enum"),))
    return None


def python_type(pg: str) -> Spelled:
    """The Python type a `Mapped[...]` annotation names for a column of type `pg`."""
    if pg.endswith("[]"):
        inner = python_type(pg[:-2])
        return Spelled(f"list[{inner.template}]", inner.names)
    for pattern, template, names in PYTHON_TYPES:
        if re.fullmatch(pattern, pg):
            return Spelled(template, names)
    return Spelled("{0}", (("typing", "Any"),))


def python_string(value: str, quote: str = '"') -> str:
    """A Python string literal of `value`, in `quote` when `value` allows it."""
    literal = repr(value)
    if quote == '"' and literal[0] == "'" and '"' not in value and "'" not in value:
        return '"' + literal[1:-1] + '"'
    return literal


__all__ = ["FIXED", "PARAMETERIZED", "PYTHON_TYPES", "Spelled", "python_string", "python_type", "sqlalchemy_type"]

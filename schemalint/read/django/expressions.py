"""Django expressions (Q, F, Value, Now, Lower, ...) as PostgreSQL prints them back.

Check constraints, index conditions, expression indexes and database defaults are compared
with PostgreSQL's own printout of what Django created (`pg_get_expr(..., true)`), so the
translation targets that spelling: `quantity >= 0`, `(status)::text = 'open'::text`,
`lower((name)::text)`, `'draft'::character varying`. What is not covered raises
`Unresolved`, which becomes SL002.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable

from schemalint.read.django.facts import BinOp, Call, Ref, Unary
from schemalint.read.django.resolve import Unresolved, describe

_LOOKUPS = {"exact": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_NUMERIC_CASTS = {"numeric", "double precision", "real"}


def quote_ident(name: str) -> str:
    plain = re.match(r"^[a-z_][a-z0-9_$]*$", name) is not None
    return name if plain and name not in _RESERVED else '"' + name.replace('"', '""') + '"'


# PostgreSQL keywords that are not UNRESERVED (`pg_get_keywords()` catcode <> 'U'): quote_ident()
# quotes a column named like one of them (`"position"`).
_RESERVED = frozenset({
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
    "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check",
    "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create", "cross",
    "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
    "current_user", "dec", "decimal", "default", "deferrable", "desc", "distinct", "do", "else", "end",
    "except", "exists", "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full",
    "grant", "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout", "int",
    "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral", "leading", "least",
    "left", "like", "limit", "localtime", "localtimestamp", "national", "natural", "nchar", "none",
    "normalize", "not", "notnull", "null", "nullif", "numeric", "offset", "on", "only", "or", "order", "out",
    "outer", "overlaps", "overlay", "placing", "position", "precision", "primary", "real", "references",
    "returning", "right", "row", "select", "session_user", "setof", "similar", "smallint", "some",
    "substring", "symmetric", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat",
    "trim", "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose", "when",
    "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest",
    "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
})


def base_type(pg_type: str) -> str:
    return pg_type.split("(")[0].strip()


def _number_text(value) -> str:
    return str(value)


def condition_literal(value, pg_type: str | None) -> str:
    """A constant compared with a column of `pg_type`, as `pg_get_expr(..., pretty)` prints it
    (`0::numeric`, `'-5'::integer`, `1.5::double precision`, `'2020-01-01'::date`)."""
    kind = base_type(pg_type) if pg_type else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        if kind in ("double precision", "real"):
            value = float(value)
        elif kind == "numeric" and not isinstance(value, Decimal):
            value = Decimal(str(value))
        text = _number_text(value)
        integral = "." not in text and "E" not in text.upper()
        if kind in ("numeric", "double precision", "real"):
            if text.startswith("-"):
                return f"'{text}'::{'integer' if integral else 'numeric'}::{kind}"
            return f"{text}::{kind}" if integral or kind != "numeric" else text
        if text.startswith("-"):
            return f"'{text}'::{_integer_type(value) if integral else 'numeric'}"
        return text
    if isinstance(value, str):
        escaped = value.replace("'", "''")
        if kind in ("character varying", "character", None, "text"):
            return f"'{escaped}'::text"
        return f"'{escaped}'::{pg_type}"
    raise Unresolved(describe(value))


def default_literal(value, pg_type: str) -> str:
    """A constant database default as `pg_get_expr(adbin, adrelid)` prints it (`5`,
    `'-5'::integer`, `'draft'::character varying`, `0.00`)."""
    kind = base_type(pg_type)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        text = _number_text(value)
        if text.startswith("-"):
            integral = isinstance(value, int)
            return f"'{text}'::{_integer_type(value) if integral else 'numeric'}"
        return text
    if isinstance(value, str):
        escaped = value.replace("'", "''")
        if kind in ("character varying", "character"):
            return f"'{escaped}'::character varying"
        if kind == "text":
            return f"'{escaped}'::text"
        return f"'{escaped}'::{pg_type}"
    raise Unresolved(describe(value))


def _integer_type(value) -> str:
    return "integer" if -(2**31) <= value < 2**31 else "bigint"


class ExpressionWriter:
    """Translates Q/F/functions over one model's fields. `column` maps a field name (or
    `<fk>_id`) to (column, PostgreSQL type); `call_name` says which Django callable a
    `Call.func` is (`Q`, `F`, `Lower`, ...) or None."""

    def __init__(self, column: Callable[[str], tuple[str, str]], call_name: Callable[[Call], str | None], evaluate) -> None:
        self.column = column
        self.call_name = call_name
        self.evaluate = evaluate

    # -- conditions (CHECK, partial index WHERE) ------------------------------------------

    def condition(self, value) -> str:
        return _render(self._node(value), None)

    # A condition is first built as a tree -- ("and"|"or", [children]), ("not", child),
    # ("leaf", text, parenthesised_under_bool) -- then printed with PostgreSQL's rules for
    # parentheses (ruleutils.c `isSimpleNode` with PRETTY_PAREN), which depend on the parent.

    def _node(self, value):
        if isinstance(value, BinOp) and value.op in ("&", "|"):
            return ("and" if value.op == "&" else "or", [self._node(value.left), self._node(value.right)])
        if isinstance(value, Unary) and value.op == "~":
            return ("not", self._node(value.operand))
        if isinstance(value, Call) and self.call_name(value) == "Q":
            return self._q(value)
        raise Unresolved(describe(value))

    def _q(self, call: Call):
        negated = False
        connector = "and"
        for key, val in call.kwargs:
            if key == "_negated":
                negated = bool(self.evaluate(val))
            elif key == "_connector":
                connector = "or" if self.evaluate(val) == "OR" else "and"
        # Q(**kwargs) sorts its keyword lookups (django/db/models/query_utils.py).
        lookups = sorted((kv for kv in call.kwargs if not kv[0].startswith("_")), key=lambda kv: kv[0])
        parts = [self._node(c) for c in call.args] + [self._lookup(k, v) for k, v in lookups]
        if not parts:
            raise Unresolved(describe(call))
        node = parts[0] if len(parts) == 1 else (connector, parts)
        return ("not", node) if negated else node

    def _lookup(self, key: str, value):
        field, _, lookup = key.partition("__")
        lookup = lookup or "exact"
        column, pg_type = self.column(field)
        col = quote_ident(column)
        kind = base_type(pg_type)
        if lookup == "isnull":
            return _leaf(f"{col} IS NULL" if self.evaluate(value) else f"{col} IS NOT NULL")
        if lookup == "range":
            low, high = self.evaluate(value)
            # BETWEEN is parsed into `x >= low AND x <= high`.
            return ("and", [_leaf(self._compare(col, kind, pg_type, ">=", low)), _leaf(self._compare(col, kind, pg_type, "<=", high))])
        if lookup not in _LOOKUPS and lookup != "in":
            raise Unresolved(f"{key}={describe(value)}")
        if isinstance(value, Call) and self.call_name(value) == "F":
            other, other_type = self.column(self.evaluate(value.args[0]))
            return _leaf(f"{self._typed(col, kind)} {_LOOKUPS[lookup]} {self._typed(quote_ident(other), base_type(other_type))}")
        constant = self.evaluate(value)
        if lookup == "in":
            return _leaf(self._in(col, kind, pg_type, constant), parenthesised=True)
        if kind == "boolean" and lookup == "exact" and isinstance(constant, bool):
            return _leaf(col) if constant else ("not", _leaf(col))
        if constant is None and lookup == "exact":
            return _leaf(f"{col} IS NULL")
        return _leaf(self._compare(col, kind, pg_type, _LOOKUPS[lookup], constant))

    @staticmethod
    def _compare(col: str, kind: str, pg_type: str, op: str, constant) -> str:
        if kind in ("character varying", "character") and isinstance(constant, str):
            return f"{col}::text {op} '{constant.replace(chr(39), chr(39) * 2)}'::text"
        return f"{col} {op} {condition_literal(constant, pg_type)}"

    @staticmethod
    def _typed(col: str, kind: str) -> str:
        return f"{col}::text" if kind in ("character varying", "character") else col

    def _in(self, col: str, kind: str, pg_type: str, values) -> str:
        if not isinstance(values, tuple):
            raise Unresolved(describe(values))
        if kind in ("character varying", "character"):
            items = ", ".join(f"'{v}'::character varying" for v in values)
            return f"{col}::text = ANY (ARRAY[{items}]::text[])"
        items = ", ".join(condition_literal(v, pg_type) for v in values)
        return f"{col} = ANY (ARRAY[{items}])"

    # -- index expressions ------------------------------------------------------------------

    def index_part(self, value) -> tuple[str, str]:
        """An expression of `Index(*expressions)`: (text, order)."""
        if isinstance(value, str):  # UniqueConstraint(Lower("name"), "city"): a plain field
            return self.column(value)[0], ""
        if isinstance(value, Call):
            name = self.call_name(value)
            if value.func in (".desc", ".asc") and value.args:
                text, _ = self.index_part(value.args[0])
                return text, "DESC" if value.func == ".desc" else ""
            if name in ("Lower", "Upper"):
                arg = value.args[0]
                column, pg_type = self.column(self.evaluate(arg.args[0]) if isinstance(arg, Call) else self.evaluate(arg))
                inner = self._typed(quote_ident(column), base_type(pg_type))
                return f"{name.lower()}({inner})", ""
            if name == "F":
                column, _ = self.column(self.evaluate(value.args[0]))
                return column, ""
        raise Unresolved(describe(value))

    # -- generated columns (non-pretty printout: `(high - low)`, `upper((label)::text)`) -------

    def generated(self, value) -> str:
        if isinstance(value, BinOp) and value.op in ("+", "-", "*"):
            left, left_kind = self._arith(value.left)
            right, right_kind = self._arith(value.right)
            if left_kind != right_kind:
                raise Unresolved(describe(value))
            return f"({left} {value.op} {right})"
        if isinstance(value, Call) and self.call_name(value) in ("Lower", "Upper") and value.args:
            arg = value.args[0]
            name = self.evaluate(arg.args[0]) if isinstance(arg, Call) else self.evaluate(arg)
            column, pg_type = self.column(name)
            col = quote_ident(column)
            inner = f"({col})::text" if base_type(pg_type) in ("character varying", "character") else col
            return f"{self.call_name(value).lower()}({inner})"
        raise Unresolved(describe(value))

    def _arith(self, value) -> tuple[str, str]:
        if isinstance(value, Call) and self.call_name(value) == "F":
            column, pg_type = self.column(self.evaluate(value.args[0]))
            kind = base_type(pg_type)
            if kind not in ("integer", "bigint", "smallint"):
                raise Unresolved(describe(value))
            return quote_ident(column), "int"
        if isinstance(value, BinOp):
            return self.generated(value), "int"
        constant = self.evaluate(value)
        if isinstance(constant, int) and not isinstance(constant, bool) and constant >= 0:
            return str(constant), "int"
        raise Unresolved(describe(value))

    # -- database defaults ------------------------------------------------------------------

    def default(self, value, pg_type: str) -> str:
        if isinstance(value, Call):
            name = self.call_name(value)
            if name == "Now":
                return "statement_timestamp()"
            if name == "Value" and value.args:
                return self.default(value.args[0], pg_type)
            if name == "RandomUUID":
                return "gen_random_uuid()"
        constant = self.evaluate(value)
        if constant is None:
            raise Unresolved(describe(value))
        if base_type(pg_type) == "jsonb":
            raise Unresolved(describe(value))
        return default_literal(constant, pg_type)


def _leaf(text: str, parenthesised: bool = False):
    """`parenthesised`: PostgreSQL wraps it in parentheses under AND/OR/NOT (`x = ANY (...)`)."""
    return ("leaf", text, parenthesised)


def _render(node, parent: str | None) -> str:
    kind = node[0]
    if kind == "leaf":
        return f"({node[1]})" if node[2] and parent is not None else node[1]
    if kind == "not":
        child = node[1]
        inner = _render(child, "not")
        return f"NOT ({inner})" if child[0] in ("and", "or") else f"NOT {inner}"
    text = f" {kind.upper()} ".join(_render(child, kind) for child in node[1])
    # Under AND or OR an AND needs no parentheses, an OR only under AND; under NOT both do
    # (NOT adds them itself).
    if parent == "and" and kind == "or":
        return f"({text})"
    return text


def is_name(call: Call, *names: str) -> bool:
    return isinstance(call, Call) and (call.func or "").rsplit(".", 1)[-1] in names


__all__ = ["ExpressionWriter", "condition_literal", "default_literal", "quote_ident", "Ref", "is_name"]

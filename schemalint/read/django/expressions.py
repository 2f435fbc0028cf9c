"""Django expressions (Q, F, Value, Now, Lower, Coalesce, Case, ...) as PostgreSQL prints them.

Django compiles an expression to SQL; PostgreSQL parses that SQL and prints it back with its
own casts (`pg_get_expr`). Here each Django construct becomes the expression tree of the SQL
Django emits for it on PostgreSQL (`schemalint.postgres.tree`: `Lower("name")` is `LOWER("name")`,
`Now()` is `STATEMENT_TIMESTAMP()`, `Concat(a, b)` is `(COALESCE(a, '') || COALESCE(b, ''))`),
and `schemalint.postgres.printer` prints it the way PostgreSQL does: `quantity >= 0`,
`code::text = 'open'::text`, `lower(name::text)`, `'draft'::character varying`. What is not
covered raises `Unresolved`, which becomes SL002.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from schemalint.postgres.printer import Resolver, print_index_part, render
from schemalint.postgres.types import base_type
from schemalint.read.django.facts import BinOp, Call, Ref, Unary
from schemalint.read.django.resolve import Unresolved, describe

if TYPE_CHECKING:  # (`tree` imports sqlglot, which a link that parses no SQL never needs)
    from schemalint.postgres.tree import Tree

_LOOKUPS = {"exact": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
# django.db.models.lookups classes used as conditions (`When(GreaterThan(a, b), ...)`).
_LOOKUP_CLASSES = {
    "Exact": "=",
    "GreaterThan": ">",
    "GreaterThanOrEqual": ">=",
    "LessThan": "<",
    "LessThanOrEqual": "<=",
}
_ARITHMETIC = {"+", "-", "*", "/", "%"}
# Functions Django writes as `NAME(args)` on PostgreSQL: Django's class -> PostgreSQL's name.
_FUNCTIONS = {
    "Lower": "lower",
    "Upper": "upper",
    "Length": "length",
    "MD5": "md5",
    "Reverse": "reverse",
    "Abs": "abs",
    "Pi": "pi",
    "Coalesce": "coalesce",
    "Greatest": "greatest",
    "Least": "least",
    "NullIf": "nullif",
    "Now": "statement_timestamp",
    "RandomUUID": "gen_random_uuid",
}
# ExtractX / TruncX: the field Django passes to EXTRACT / DATE_TRUNC.
_EXTRACT = {
    "ExtractYear": "year",
    "ExtractIsoYear": "isoyear",
    "ExtractQuarter": "quarter",
    "ExtractMonth": "month",
    "ExtractWeek": "week",
    "ExtractDay": "day",
    "ExtractHour": "hour",
    "ExtractMinute": "minute",
    "ExtractSecond": "second",
    "ExtractIsoWeekDay": "isodow",
}
_TRUNC = {
    "TruncYear": "year",
    "TruncQuarter": "quarter",
    "TruncMonth": "month",
    "TruncWeek": "week",
    "TruncDay": "day",
    "TruncHour": "hour",
    "TruncMinute": "minute",
    "TruncSecond": "second",
}
_DATETIME_FUNCTIONS = {"Now"}


def constant(value: Any) -> Tree:
    """A Python value as the literal Django writes for it (`quote_value`)."""
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("neg", ("int", str(-value))) if value < 0 else ("int", str(value))
    if isinstance(value, (float, Decimal)):
        text = str(value)
        return ("neg", ("num", text[1:])) if text.startswith("-") else ("num", text)
    if isinstance(value, str):
        return ("str", value)
    raise Unresolved(describe(value))


def _prepared(value: Any, kind: str) -> Any:
    """The value as the field's get_prep_value() hands it to the database: a FloatField
    makes every number a float (`-2` is sent as `-2.0`)."""
    if kind in ("double precision", "real") and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


class ExpressionWriter:
    """Translates Q/F/functions over one model's fields. `column` maps a field name (or
    `<fk>_id`) to (column, PostgreSQL type); `call_name` says which Django callable a
    `Call.func` is (`Q`, `F`, `Lower`, ...) or None. `time_zone`: Django's current time zone
    for Extract/Trunc over datetimes (`""` when USE_TZ is off; None when unknown, and then
    those are unresolved)."""

    def __init__(
        self,
        column: Callable[[str], tuple[str, str]],
        call_name: Callable[[Call], str | None],
        evaluate,
        time_zone: str | None = None,
    ) -> None:
        self.column = column
        self.call_name = call_name
        self.evaluate = evaluate
        self.time_zone = time_zone
        self.types: dict[str, str] = {}

    # -- what each use prints -----------------------------------------------------------------

    def condition(self, value) -> str:
        """A CHECK condition or an index predicate: pg_get_expr(..., true)."""
        return render(self._condition(value), self.types, pretty=True)

    def index_part(self, value) -> tuple[str, str]:
        """An expression of `Index(*expressions)`: (text as pg_get_indexdef prints it, order)."""
        if isinstance(value, str):  # UniqueConstraint(Lower("name"), "city"): a plain field
            return self.column(value)[0], ""
        if isinstance(value, Call):
            if value.func in (".desc", ".asc") and value.args:
                text, _ = self.index_part(value.args[0])
                return text, "DESC" if value.func == ".desc" else ""
            if self.call_name(value) == "F":
                return self.column(self.evaluate(value.args[0]))[0], ""
        return print_index_part(Resolver(self.types).resolve(self._expression(value))), ""

    def generated(self, value) -> str:
        """A GeneratedField's expression: pg_get_expr(..., false)."""
        return render(self._expression(value), self.types, pretty=False)

    def default(self, value, pg_type: str) -> str:
        """A db_default: pg_get_expr(adbin, adrelid) of what Django's migrate creates."""
        if base_type(pg_type) in ("jsonb", "json"):
            raise Unresolved(describe(value))
        tree = self._expression(value)
        if tree == ("null",):
            raise Unresolved(describe(value))
        return render(tree, self.types, pretty=False, target=pg_type)

    # -- trees ----------------------------------------------------------------------------------

    def _col(self, field: str) -> Tree:
        column, pg_type = self.column(field)
        self.types[column] = pg_type
        return ("col", column)

    def _condition(self, value) -> Tree:
        if isinstance(value, BinOp) and value.op in ("&", "|"):
            return ("and" if value.op == "&" else "or", (self._condition(value.left), self._condition(value.right)))
        if isinstance(value, Unary) and value.op == "~":
            return ("not", self._condition(value.operand))
        if isinstance(value, Call):
            name = self.call_name(value)
            if name == "Q":
                return self._q(value)
            if name in _LOOKUP_CLASSES and len(value.args) == 2:
                return ("op", _LOOKUP_CLASSES[name], self._expression(value.args[0]), self._expression(value.args[1]))
        raise Unresolved(describe(value))

    def _q(self, call: Call) -> Tree:
        negated = False
        connector = "and"
        for key, val in call.kwargs:
            if key == "_negated":
                negated = bool(self.evaluate(val))
            elif key == "_connector":
                connector = "or" if self.evaluate(val) == "OR" else "and"
        lookups = [kv for kv in call.kwargs if not kv[0].startswith("_")]
        # A positional `("field__lookup", value)` pair is how migrations write a lookup.
        parts = [
            self._lookup(c[0], c[1])
            if isinstance(c, tuple) and len(c) == 2 and isinstance(c[0], str)
            else self._condition(c)
            for c in call.args
        ] + self._lookups(lookups)
        if not parts:
            raise Unresolved(describe(call))
        node = parts[0] if len(parts) == 1 else (connector, tuple(parts))
        return ("not", node) if negated else node

    def _lookups(self, kwargs) -> list[Tree]:
        """Q(**kwargs) sorts its keyword lookups (django/db/models/query_utils.py)."""
        return [self._lookup(k, v) for k, v in sorted(kwargs, key=lambda kv: kv[0])]

    def _lookup(self, key: str, value) -> Tree:
        field, _, lookup = key.partition("__")
        lookup = lookup or "exact"
        col = self._col(field)
        kind = base_type(self.types[col[1]])
        if lookup == "isnull":
            return ("nulltest", col, not self.evaluate(value))
        if lookup == "range":  # BETWEEN, which PostgreSQL keeps as two comparisons
            low, high = self.evaluate(value)
            return (
                "and",
                (("op", ">=", col, constant(_prepared(low, kind))), ("op", "<=", col, constant(_prepared(high, kind)))),
            )
        if lookup == "in":
            values = self.evaluate(value)
            if not isinstance(values, (tuple, list)):
                raise Unresolved(describe(values))
            items = list(dict.fromkeys(v for v in values if v is not None))  # Django drops NULL and repeats
            if not items:
                raise Unresolved(f"{key}={describe(value)}")
            return ("in", col, tuple(constant(_prepared(v, kind)) for v in items), False)
        if lookup not in _LOOKUPS:
            raise Unresolved(f"{key}={describe(value)}")
        if self._is_expression(value):
            return ("op", _LOOKUPS[lookup], col, self._expression(value))
        constant_value = self.evaluate(value)
        if lookup == "exact" and constant_value is None:
            return ("nulltest", col, False)
        if lookup == "exact" and kind == "boolean" and isinstance(constant_value, bool):
            return col if constant_value else ("not", col)
        return ("op", _LOOKUPS[lookup], col, constant(_prepared(constant_value, kind)))

    def _is_expression(self, value) -> bool:
        """Whether Django sees an expression (F(), Value(), a function, arithmetic over them)
        rather than a Python value (`60 * 60` reaches Django as 3600)."""
        if isinstance(value, Call):
            return self.call_name(value) is not None
        if isinstance(value, BinOp):
            return self._is_expression(value.left) or self._is_expression(value.right)
        if isinstance(value, Unary):
            return self._is_expression(value.operand)
        return False

    def _expression(self, value) -> Tree:
        """F(), Value(), database functions, arithmetic and constants."""
        if not self._is_expression(value):
            return constant(self.evaluate(value))
        if isinstance(value, BinOp) and value.op in _ARITHMETIC:
            return ("op", value.op, self._expression(value.left), self._expression(value.right))
        if isinstance(value, Unary) and value.op == "-":
            return ("neg", self._expression(value.operand))
        if not isinstance(value, Call):
            raise Unresolved(describe(value))
        name = self.call_name(value)
        if name == "F" and value.args:
            return self._col(self.evaluate(value.args[0]))
        if name == "Value" and value.args:
            return constant(self.evaluate(value.args[0]))
        if name in _FUNCTIONS:
            return ("func", _FUNCTIONS[name], tuple(self._argument(a) for a in value.args))
        if name == "Concat":
            return self._concat(value)
        if name == "Case":
            return self._case(value)
        if name in _EXTRACT and len(value.args) == 1:
            return ("extract", _EXTRACT[name], self._in_time_zone(value.args[0]))
        if name in _TRUNC and len(value.args) == 1:
            return ("func", "date_trunc", (("str", _TRUNC[name]), self._in_time_zone(value.args[0])))
        if name == "TruncDate" and len(value.args) == 1:
            return ("cast", self._in_time_zone(value.args[0]), "date")
        raise Unresolved(describe(value))

    def _argument(self, value) -> Tree:
        """A function argument: Django reads a string as a field name (`Lower("name")`)."""
        if isinstance(value, str):
            return self._col(value)
        return self._expression(value)

    def _concat(self, call: Call) -> Tree:
        """ConcatPair on PostgreSQL: `(COALESCE(a, '') || COALESCE(b, ''))`, nested to the
        right. Only text values: other arguments get casts this does not model."""
        parts = [self._argument(a) for a in call.args]
        if len(parts) < 2 or any(p[0] != "str" for p in parts):
            raise Unresolved(describe(call))

        def pair(items: list[Tree]) -> Tree:
            right = items[1] if len(items) == 2 else pair(items[1:])
            return (
                "op",
                "||",
                ("func", "coalesce", (items[0], ("str", ""))),
                ("func", "coalesce", (right, ("str", ""))),
            )

        return pair(parts)

    def _case(self, call: Call) -> Tree:
        whens = []
        for when in call.args:
            if not isinstance(when, Call) or self.call_name(when) != "When":
                raise Unresolved(describe(call))
            kwargs = dict(when.kwargs)
            if "then" not in kwargs:
                raise Unresolved(describe(when))
            lookups = tuple((k, v) for k, v in when.kwargs if k not in ("then", "condition"))
            conditions = [self._condition(c) for c in when.args]
            if "condition" in kwargs:
                conditions.append(self._condition(kwargs["condition"]))
            if lookups:
                parts = self._lookups(lookups)
                conditions.append(parts[0] if len(parts) == 1 else ("and", tuple(parts)))
            if len(conditions) != 1:
                raise Unresolved(describe(when))
            whens.append((conditions[0], self._expression(kwargs["then"])))
        default = dict(call.kwargs).get("default")
        return ("case", None, tuple(whens), self._expression(default) if default is not None else None)

    def _in_time_zone(self, value) -> Tree:
        """Django converts a datetime to the current time zone before EXTRACT/DATE_TRUNC
        (`x AT TIME ZONE 'Europe/Paris'`, only when USE_TZ is on)."""
        tree = self._expression(value)
        is_datetime = (isinstance(value, Call) and self.call_name(value) in _DATETIME_FUNCTIONS) or (
            tree[0] == "col" and base_type(self.types.get(tree[1], "")) == "timestamp with time zone"
        )
        if not is_datetime:
            raise Unresolved(describe(value))
        if self.time_zone is None:
            raise Unresolved(describe(value), "time zone (settings.TIME_ZONE)")
        return ("op", "AT TIME ZONE", tree, ("str", self.time_zone)) if self.time_zone else tree


def is_name(call: Call, *names: str) -> bool:
    return isinstance(call, Call) and (call.func or "").rsplit(".", 1)[-1] in names


__all__ = ["ExpressionWriter", "constant", "Ref", "is_name"]

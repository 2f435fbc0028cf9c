"""Printing expressions the way PostgreSQL prints them back (`pg_get_expr`).

PostgreSQL does not keep the text of a DEFAULT, CHECK or index expression: it keeps the parsed
tree, with every implicit cast it added, and prints that. `'draft'` in a `varchar` column comes
back as `'draft'::character varying`, `price > 0` on a numeric column as `price > 0::numeric`.
To say what the database holds, this module redoes the small part of PostgreSQL's type
resolution that common schema files need, then prints in one of its two styles:

* plain (`pg_get_expr(expr, rel)`, used for defaults and generated columns): every operator
  in parentheses, `(1 + 2)`, casts of non-constants as `(x)::type`;
* pretty (`pg_get_expr(expr, rel, true)`, used for CHECKs and index parts/predicates):
  parentheses only where precedence needs them, `qty >= 0 AND qty < 100`.

What is normalised (documented in the README's SQL reader section):
  unknown-typed literals take the type of what they meet (`'x'` -> `'x'::text`);
  `varchar` operands of text operators get `::text`; integers meeting numeric or floating
  columns are cast (`0::numeric`); `IN (...)` becomes `= ANY (ARRAY[...])`; `BETWEEN`
  becomes two comparisons; `LIKE` is `~~`; negative constants print as `'-1'::integer`;
  `DEFAULT NULL` is no default. Function signatures are known for a handful of common
  text/time functions; other functions keep their arguments' own types.
  Not modelled: operator overloading of user types, implicit casts between user types,
  normalising the values of typed literals (`'2020-01-01'::timestamp` keeps its text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemalint.postgres.keywords import quote_ident, quote_literal
from schemalint.postgres.types import base_type, label_type

INTEGERS = {"smallint": 1, "integer": 2, "bigint": 3}
NUMERIC_RANK = {"smallint": 1, "integer": 2, "bigint": 3, "numeric": 4, "real": 5, "double precision": 6}
COMPARISONS = {"=", "<>", "<", ">", "<=", ">="}
ARITHMETIC = {"+", "-", "*", "/", "%"}
JSON_KEY_OPERATORS = {"->", "->>", "#>", "#>>", "?", "?|", "?&"}
TEXT_OPERATORS = {"~~", "~~*", "!~~", "!~~*", "~", "~*", "!~", "!~*", "||"}
# Functions whose text arguments are `text` (so a varchar argument is cast) and what they return.
TEXT_FUNCTIONS = {
    "lower": "text",
    "upper": "text",
    "btrim": "text",
    "ltrim": "text",
    "rtrim": "text",
    "length": "integer",
    "char_length": "integer",
    "md5": "text",
    "initcap": "text",
    "reverse": "text",
    "left": "text",
    "right": "text",
    "replace": "text",
    "substr": "text",
    "unaccent": "text",
}
RESULT_TYPES = {
    "now": "timestamp with time zone",
    "gen_random_uuid": "uuid",
    "uuid_generate_v4": "uuid",
    "to_tsvector": "tsvector",
    "nextval": "bigint",
    "random": "double precision",
    "pi": "double precision",
    "clock_timestamp": "timestamp with time zone",
    "statement_timestamp": "timestamp with time zone",
    "transaction_timestamp": "timestamp with time zone",
    "jsonb_typeof": "text",
    "json_typeof": "text",
    "to_char": "text",
    "concat": "text",
    "concat_ws": "text",
    "octet_length": "integer",
    "array_length": "integer",
    "cardinality": "integer",
    "jsonb_array_length": "integer",
    "json_array_length": "integer",
    "date_part": "double precision",
    "age": "interval",
}
KEYWORD_TYPES = {
    "CURRENT_TIMESTAMP": "timestamp with time zone",
    "CURRENT_DATE": "date",
    "CURRENT_TIME": "time with time zone",
    "LOCALTIMESTAMP": "timestamp without time zone",
    "LOCALTIME": "time without time zone",
    "CURRENT_USER": "name",
    "SESSION_USER": "name",
    "USER": "name",
}
# Functions PostgreSQL prints in capitals, as SQL syntax.
SQL_SYNTAX_FUNCTIONS = {"coalesce": "COALESCE", "greatest": "GREATEST", "least": "LEAST", "nullif": "NULLIF"}


@dataclass(frozen=True, slots=True)
class Typed:
    """An expression after type resolution: what to print and what type it has."""

    kind: str
    """const | col | op | and | or | not | nulltest | anyop | cast | func | array | kw | raw"""
    type: str
    parts: tuple = ()
    text: str = ""
    """const: the value; col/kw/raw: the text; op/anyop: the operator; func: the name."""
    shown_type: str = ""
    """const/cast: the type label to print."""


def string_const(value: str, type_: str, label: str | None = None) -> Typed:
    if type_ == "interval":  # the literal is converted on input and printed in output form
        value = normalize_interval(value)
    return Typed("const", type_, text=value, shown_type=label or label_type(type_))


# --------------------------------------------------------------------------- type resolution


class Resolver:
    """Types an expression tree (see ops.Expr) against the columns of one table."""

    def __init__(self, column_types: dict[str, str]) -> None:
        self.column_types = column_types

    def resolve(self, node) -> Typed:
        kind = node[0]
        method = getattr(self, f"_{kind}", None)
        if method is None:
            return Typed("raw", "unknown", text=str(node[-1]))
        return method(*node[1:])

    # leaves

    def _col(self, name: str) -> Typed:
        return Typed("col", self.column_types.get(name, "unknown"), text=quote_ident(name))

    def _int(self, text: str) -> Typed:
        value = int(text)
        if -(2**31) <= value < 2**31:
            return Typed("const", "integer", text=text, shown_type="integer")
        if -(2**63) <= value < 2**63:
            return Typed("const", "bigint", text=text, shown_type="bigint")
        return Typed("const", "numeric", text=text, shown_type="numeric")

    def _num(self, text: str) -> Typed:
        return Typed("const", "numeric", text=text, shown_type="numeric")

    def _str(self, value: str) -> Typed:
        return Typed("const", "unknown", text=value, shown_type="unknown")

    def _bool(self, value: bool) -> Typed:
        return Typed("const", "boolean", text="true" if value else "false", shown_type="boolean")

    def _null(self) -> Typed:
        return Typed("const", "unknown", text="NULL", shown_type="null")

    def _extract(self, field: str, inner) -> Typed:
        """EXTRACT(field FROM x): extract(text, timestamp) returns numeric (PostgreSQL 14+)."""
        return Typed("extract", "numeric", (self.resolve(inner),), text=field)

    def _kw(self, word: str) -> Typed:
        return Typed("kw", KEYWORD_TYPES.get(word, "unknown"), text=word)

    def _raw(self, text: str) -> Typed:
        return Typed("raw", "unknown", text=text)

    def _interval(self, text: str) -> Typed:
        return Typed("const", "interval", text=normalize_interval(text), shown_type="interval")

    # composite

    def _neg(self, inner) -> Typed:
        operand = self.resolve(inner)
        if operand.kind == "const" and operand.type in NUMERIC_RANK:
            return Typed("const", operand.type, text="-" + operand.text, shown_type=operand.shown_type)
        return Typed("op", operand.type, (None, operand), text="-")

    def _cast(self, inner, type_: str) -> Typed:
        if _is_node(inner) and inner[0] == "array" and type_.endswith("[]"):
            # ARRAY[...]::t[] casts each element (transformArrayExpr gets the target type).
            element = type_[:-2]
            items = tuple(self._cast(i, element) for i in inner[1])
            return Typed("array", type_, items)
        operand = self.resolve(inner)
        if operand.kind == "const" and operand.shown_type in ("unknown",):
            return Typed("const", type_, text=operand.text, shown_type=type_)
        if operand.type == type_ or (operand.kind == "const" and operand.shown_type == "null"):
            return operand
        return Typed("cast", type_, (operand,), shown_type=type_)

    def _op(self, op: str, left, right) -> Typed:
        lhs, rhs = self.resolve(left), self.resolve(right)
        lhs, rhs, result = binary(op, lhs, rhs)
        return Typed("op", result, (lhs, rhs), text=op)

    def _and(self, items) -> Typed:
        return Typed("and", "boolean", tuple(self.resolve(i) for i in items))

    def _or(self, items) -> Typed:
        return Typed("or", "boolean", tuple(self.resolve(i) for i in items))

    def _not(self, inner) -> Typed:
        return Typed("not", "boolean", (self.resolve(inner),))

    def _nulltest(self, inner, negated: bool) -> Typed:
        return Typed("nulltest", "boolean", (self.resolve(inner),), text="IS NOT NULL" if negated else "IS NULL")

    def _in(self, inner, items, negated: bool) -> Typed:
        if len(items) == 1:  # transformAExprIn: one value is a plain comparison
            return self._op("<>" if negated else "=", inner, items[0])
        lhs = self.resolve(inner)
        elements = [self.resolve(i) for i in items]
        common = common_type([lhs] + elements)
        elements = [coerce(e, common) for e in elements]
        array = Typed("array", common + "[]", tuple(elements))
        return self._any_of(lhs, "<>" if negated else "=", array, "ALL" if negated else "ANY")

    def _any(self, op: str, inner, array_node, which: str) -> Typed:
        lhs = self.resolve(inner)
        array = self.resolve(array_node)
        if array.kind == "array" and array.type == "unknown[]":
            array = Typed("array", "text[]", tuple(coerce(e, "text") for e in array.parts))
        return self._any_of(lhs, op, array, which)

    def _any_of(self, lhs: Typed, op: str, array: Typed, which: str) -> Typed:
        element = array.type[:-2] if array.type.endswith("[]") else "unknown"
        probe = Typed("const", element, text="", shown_type=element)
        lhs, probe, _ = binary(op, lhs, probe)
        if probe.type != element and probe.type != "unknown":
            array = Typed("cast", probe.type + "[]", (array,), shown_type=probe.type + "[]")
        return Typed("anyop", "boolean", (lhs, array), text=f"{op} {which}")

    def _array(self, items) -> Typed:
        elements = [self.resolve(i) for i in items]
        common = common_type(elements)
        return Typed("array", common + "[]", tuple(coerce(e, common) for e in elements))

    def _case(self, subject, whens, default) -> Typed:
        """CASE: the results take their common type; a missing ELSE is ELSE NULL::type. A simple
        CASE (`CASE x WHEN v ...`) keeps its subject and prints only the values."""
        test = self.resolve(subject) if subject is not None else None
        conditions = [self.resolve(c) for c, _ in whens]
        if test is not None:
            conditions = [binary("=", test, c)[1] for c in conditions]
        results = [self.resolve(r) for _, r in whens] + [self.resolve(default) if default is not None else self._null()]
        common = common_type([r for r in results if not _is_null_const(r)])
        results = [_typed_null(common) if _is_null_const(r) else coerce(r, common) for r in results]
        pairs = tuple(p for pair in zip(conditions, results) for p in pair)
        return Typed("case", common, (test, *pairs, results[-1]))

    def _func(self, name: str, args) -> Typed:
        resolved = [self.resolve(a) for a in args]
        if name in SQL_SYNTAX_FUNCTIONS:
            common = common_type(resolved)
            resolved = [coerce(a, common) for a in resolved]
            return Typed("func", common, tuple(resolved), text=SQL_SYNTAX_FUNCTIONS[name])
        if name in TEXT_FUNCTIONS:
            first = [coerce(resolved[0], "text")] if resolved else []
            rest = [coerce(a, "integer" if a.type in INTEGERS else "text") for a in resolved[1:]]
            return Typed("func", TEXT_FUNCTIONS[name], tuple(first + rest), text=name)
        if name in ("nextval", "currval", "setval") and resolved:
            resolved = [coerce(resolved[0], "regclass")] + resolved[1:]
            return Typed("func", "bigint", tuple(resolved), text=name)
        if name == "to_tsvector" and len(resolved) == 2:
            resolved = [coerce(resolved[0], "regconfig"), coerce(resolved[1], "text")]
        elif name == "date_trunc" and resolved:
            resolved = [coerce(resolved[0], "text")] + resolved[1:]
            return Typed("func", resolved[-1].type, tuple(resolved), text=name)
        else:
            resolved = [coerce(a, "text") if a.type == "unknown" else a for a in resolved]
        result = RESULT_TYPES.get(
            name, resolved[0].type if name in ("abs", "round", "trunc") and resolved else "unknown"
        )
        return Typed("func", result, tuple(resolved), text=name)


def _is_null_const(item: Typed) -> bool:
    return item.kind == "const" and item.shown_type == "null"


def _typed_null(type_: str) -> Typed:
    return Typed("const", type_, text="NULL", shown_type="typednull:" + type_)


def normalize_interval(text: str) -> str:
    """`1 day`, `2 hours`, `1 month`, `90` (seconds) as PostgreSQL's interval output prints them."""
    match = re.fullmatch(r"\s*(-?\d+)\s*([a-z]*)\s*", text.lower())
    if not match:
        return text
    amount, unit = int(match.group(1)), match.group(2).rstrip("s") or "second"
    plural = "" if abs(amount) == 1 else "s"
    if unit in ("day", "year"):
        return f"{amount} {unit}{plural}"
    if unit in ("mon", "month"):
        return f"{amount} mon{plural}"
    if unit in ("week",):
        return f"{amount * 7} days"
    seconds = {"hour": 3600, "minute": 60, "min": 60, "second": 1, "sec": 1}.get(unit)
    if seconds is None:
        return text
    total = amount * seconds
    sign = "-" if total < 0 else ""
    total = abs(total)
    return f"{sign}{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def common_type(items: list[Typed]) -> str:
    """select_common_type(), for the usual cases: unknowns follow the others, numbers widen."""
    known = [i.type for i in items if i.type != "unknown"]
    if not known:
        return "text"
    if all(t in NUMERIC_RANK for t in known):
        return max(known, key=lambda t: NUMERIC_RANK[t])
    first = base_type(known[0])
    if all(base_type(t) == first for t in known):
        return first
    if all(base_type(t) in ("text", "character varying", "bpchar") for t in known):
        return "text"
    return first


def coerce(item: Typed, target: str) -> Typed:
    """`item` converted to `target` the way the parser does: unknown literals become constants
    of the target type, other values get a cast node."""
    target = base_type(target)
    if base_type(item.type) == target or target == "unknown":
        return item
    if item.kind == "const" and item.shown_type == "null":
        return _typed_null(target)
    if item.kind == "const" and item.type == "unknown":
        return string_const(item.text, target)
    if item.kind == "array" and target.endswith("[]"):
        element = target[:-2]
        return Typed("array", target, tuple(coerce(e, element) for e in item.parts))
    return Typed("cast", target, (item,), shown_type=target)


def binary(op: str, lhs: Typed, rhs: Typed) -> tuple[Typed, Typed, str]:
    """Operator resolution for the operators schema files use: returns both operands with the
    casts PostgreSQL adds, and the result type."""
    lt, rt = base_type(lhs.type), base_type(rhs.type)
    if op in JSON_KEY_OPERATORS:
        rhs = coerce(rhs, "text") if rt == "unknown" else rhs
        result = "boolean" if op in ("?", "?|", "?&") else ("text" if op in ("->>", "#>>") else lt)
        return lhs, rhs, result
    if op == "AT TIME ZONE":
        rhs = coerce(rhs, "text") if rt == "unknown" else rhs
        zoned = "timestamp without time zone" if lt == "timestamp with time zone" else "timestamp with time zone"
        return lhs, rhs, zoned
    boolean_result = op in COMPARISONS or op in TEXT_OPERATORS - {"||"} or op in ("@>", "<@", "&&")
    if op == "||" or op in TEXT_OPERATORS:
        lhs, rhs = _text_side(lhs), _text_side(rhs)
        return lhs, rhs, "boolean" if boolean_result else "text"
    if lt == "unknown" and rt == "unknown" and "func" in (lhs.kind, rhs.kind):
        # A function whose result type is not in the table: most compared with a string
        # literal return text.
        lhs, rhs = (
            coerce(lhs, "text") if lhs.kind == "const" else lhs,
            coerce(rhs, "text") if rhs.kind == "const" else rhs,
        )
    elif lt == "unknown" and rt != "unknown":
        lhs = coerce(lhs, _text_family(rt))
        rhs = _text_side(rhs) if rt == "character varying" else rhs
    elif rt == "unknown" and lt != "unknown":
        rhs = coerce(rhs, _text_family(lt))
        lhs = _text_side(lhs) if lt == "character varying" else lhs
    elif lt in NUMERIC_RANK and rt in NUMERIC_RANK:
        lhs, rhs = _numeric_sides(lhs, rhs, lt, rt)
    elif lt == "character varying" or rt == "character varying":
        if base_type(_text_family(lt)) == "text" and base_type(_text_family(rt)) == "text":
            lhs, rhs = _text_side(lhs), _text_side(rhs)
    result = "boolean" if boolean_result else (lhs.type if lhs.type != "unknown" else rhs.type)
    return lhs, rhs, result


def _text_family(type_: str) -> str:
    return "text" if type_ == "character varying" else type_


def _text_side(item: Typed) -> Typed:
    if base_type(item.type) in ("unknown", "character varying"):
        return coerce(item, "text")
    return item


def _numeric_sides(lhs: Typed, rhs: Typed, lt: str, rt: str) -> tuple[Typed, Typed]:
    if lt in INTEGERS and rt in INTEGERS:
        return lhs, rhs  # cross-type integer operators exist
    floats = ("real", "double precision")
    if lt in floats and rt in floats:
        return lhs, rhs
    if lt in floats or rt in floats:
        target = "double precision"
        return (lhs if lt in floats else coerce(lhs, target)), (rhs if rt in floats else coerce(rhs, target))
    target = "numeric"
    return coerce(lhs, target), coerce(rhs, target)


# --------------------------------------------------------------------------- printing


def print_expr(item: Typed, pretty: bool) -> str:
    text = _Printer(pretty).show(item)
    if "\n" in text:  # appendContextKeyword() drops the spaces before a line break
        text = re.sub(r" +\n", "\n", text)
    return text


def print_index_part(item: Typed) -> str:
    """pg_get_indexdef(index, part, true): a bare function call as is, anything else in
    parentheses."""
    text = print_expr(item, pretty=True)
    if item.kind in ("func", "kw"):
        return text
    return f"({text})"


class _Printer:
    def __init__(self, pretty: bool) -> None:
        self.pretty = pretty
        self.indent = 0

    def show(self, item: Typed) -> str:
        return getattr(self, f"_{item.kind}")(item)

    def child(self, item: Typed, parent: Typed, first: bool = True) -> str:
        text = self.show(item)
        if self.pretty and not _simple(item, parent, first):
            return f"({text})"
        return text

    def wrap(self, text: str) -> str:
        return text if self.pretty else f"({text})"

    def _const(self, item: Typed) -> str:
        return const_text(item.text, item.shown_type)

    def _col(self, item: Typed) -> str:
        return item.text

    def _kw(self, item: Typed) -> str:
        return item.text

    def _raw(self, item: Typed) -> str:
        return item.text

    def _op(self, item: Typed) -> str:
        lhs, rhs = item.parts
        if lhs is None:
            return self.wrap(f"{item.text} {self.child(rhs, item, False)}")
        return self.wrap(f"{self.child(lhs, item, True)} {item.text} {self.child(rhs, item, False)}")

    def _and(self, item: Typed) -> str:
        return self.wrap(" AND ".join(self.child(p, item) for p in item.parts))

    def _or(self, item: Typed) -> str:
        return self.wrap(" OR ".join(self.child(p, item) for p in item.parts))

    def _not(self, item: Typed) -> str:
        return self.wrap(f"NOT {self.child(item.parts[0], item)}")

    def _nulltest(self, item: Typed) -> str:
        return self.wrap(f"{self.child(item.parts[0], item)} {item.text}")

    def _anyop(self, item: Typed) -> str:
        lhs, array = item.parts
        return self.wrap(f"{self.child(lhs, item)} {item.text} ({self.show(array)})")

    def _case(self, item: Typed) -> str:
        """ruleutils.c prints CASE on lines of its own (PRETTYFLAG_INDENT is on in both styles)."""
        test, *pairs, default = item.parts
        outer = self.indent
        self.indent += 4
        pad = " " * self.indent
        head = f"CASE {self.show(test)}" if test is not None else "CASE"
        lines = [f"\n{' ' * outer}{head}"]
        for condition, result in zip(pairs[::2], pairs[1::2]):
            lines.append(f"\n{pad}WHEN {self.show(condition)} THEN {self.child(result, item)}")
        lines.append(f"\n{pad}ELSE {self.child(default, item)}")
        self.indent = outer
        lines.append(f"\n{' ' * outer}END")
        return "".join(lines)

    def _array(self, item: Typed) -> str:
        # ruleutils.c: an empty ARRAY[] keeps the cast to its array type.
        return "ARRAY[" + ", ".join(self.show(p) for p in item.parts) + "]" + ("" if item.parts else f"::{item.type}")

    def _extract(self, item: Typed) -> str:
        return f"EXTRACT({item.text} FROM {self.show(item.parts[0])})"

    def _func(self, item: Typed) -> str:
        return f"{item.text}(" + ", ".join(self.show(p) for p in item.parts) + ")"

    def _cast(self, item: Typed) -> str:
        inner = item.parts[0]
        text = self.show(inner)
        if not self.pretty or inner.kind not in ("col", "func", "const", "kw", "array", "cast", "raw"):
            text = f"({text})"
        return f"{text}::{item.shown_type}"


def const_text(value: str, type_: str, label: bool = True) -> str:
    """get_const_expr(): integers and float-looking numerics bare, booleans as true/false,
    everything else quoted with a `::type` label."""
    if type_ == "null":
        return "NULL"
    if type_.startswith("typednull:"):
        return "NULL::" + type_[len("typednull:") :]
    if type_ == "boolean":
        return "true" if value.lower() in ("t", "true", "y", "yes", "on", "1") else "false"
    if type_ == "integer" and value.lstrip("-").isdigit():
        if not value.startswith("-"):
            return value
        return f"'{value}'::integer" if label else f"'{value}'"
    if type_ == "numeric" and value[:1].isdigit() and any(c in value for c in ".eE"):
        return value
    quoted = quote_literal(value)
    if type_ == "unknown" or not label:
        return quoted
    return f"{quoted}::{type_}"


def _simple(item: Typed, parent: Typed, first: bool) -> bool:
    """ruleutils.c isSimpleNode(): whether `item` may print without parentheses under
    `parent` in pretty mode."""
    kind = item.kind
    if kind in ("const", "col", "func", "extract", "kw", "array", "cast", "raw", "case"):
        return True
    if kind == "op":
        if parent.kind == "op":
            return _same_chain(item, parent, first)
        return parent.kind in ("and", "or", "not", "func", "extract", "array", "case")
    if kind == "nulltest":
        return parent.kind in ("and", "or", "not", "func", "array")
    if kind == "anyop":  # ScalarArrayOpExpr is never "simple" in ruleutils.c
        return parent.kind in ("func", "array")
    if kind in ("and", "or", "not"):
        if parent.kind in ("and", "or", "not"):
            if kind in ("not", "and"):
                return parent.kind in ("and", "or")
            return parent.kind == "or"
        return parent.kind in ("func", "array")
    return False


def _same_chain(item: Typed, parent: Typed, first: bool) -> bool:
    op, parent_op = item.text, parent.text
    low, high = "+-", "*/%"
    if item.parts[0] is None or op not in ARITHMETIC or parent_op not in ARITHMETIC:
        return False
    if op in high and parent_op in low:
        return True
    if op in low and parent_op in high:
        return False
    return first


def render(node, column_types: dict[str, str], *, pretty: bool, target: str | None = None) -> str:
    """Print an expression tree as pg_get_expr would. `target`: the column type a DEFAULT is
    assigned to (unknown literals take it, the outer cast itself is not printed)."""
    typed = Resolver(column_types).resolve(node)
    if target is not None:
        typed = _assign(typed, target)
    return print_expr(typed, pretty)


def _assign(item: Typed, target: str) -> Typed:
    """Assignment to a column: an unknown literal becomes a constant of the column's type (with
    no modifiers); other expressions keep their own type, the implicit cast is not printed."""
    if item.kind == "const" and item.type == "unknown" and item.shown_type != "null":
        return string_const(item.text, label_type(target), label_type(target))
    if item.kind == "array" and item.type == "unknown[]":
        return coerce(item, base_type(target))
    return item


def is_null(node) -> bool:
    return bool(node) and node[0] == "null"


def _is_node(value) -> bool:
    return isinstance(value, tuple) and bool(value) and isinstance(value[0], str)


def column_refs(node) -> list[str]:
    """The columns an expression tree mentions, in order of first appearance."""
    found: list[str] = []

    def walk(n) -> None:
        if _is_node(n):
            if n[0] == "col":
                if n[1] not in found:
                    found.append(n[1])
                return
            for part in n[1:]:
                walk(part)
        elif isinstance(n, (tuple, list)):
            for part in n:
                walk(part)

    walk(node)
    return found


def rename_column(node, old: str, new: str):
    """The expression tree with column `old` renamed to `new`."""
    if _is_node(node):
        if node[0] == "col":
            return ("col", new) if node[1] == old else node
        return (node[0],) + tuple(rename_column(p, old, new) for p in node[1:])
    if isinstance(node, (tuple, list)):
        return tuple(rename_column(p, old, new) for p in node)
    return node


def freeze(node, column_types: dict[str, str], target: str | None = None):
    """The expression tree with every cast PostgreSQL added made explicit, as it is when
    PostgreSQL re-reads its own printout: what ALTER COLUMN ... TYPE does to the CHECKs, index
    expressions and defaults that use the column."""
    typed = Resolver(column_types).resolve(node)
    if target is not None:
        typed = _assign(typed, target)
    return _to_tree(typed)


def _to_tree(item: Typed):
    kind = item.kind
    if kind == "const":
        return _const_tree(item)
    if kind in ("col",):
        return ("col", _unquote(item.text))
    if kind == "cast":
        return ("cast", _to_tree(item.parts[0]), item.shown_type)
    if kind == "op":
        lhs, rhs = item.parts
        if lhs is None:
            return ("neg", _to_tree(rhs))
        return ("op", item.text, _to_tree(lhs), _to_tree(rhs))
    if kind in ("and", "or"):
        return (kind, tuple(_to_tree(p) for p in item.parts))
    if kind == "not":
        return ("not", _to_tree(item.parts[0]))
    if kind == "nulltest":
        return ("nulltest", _to_tree(item.parts[0]), item.text == "IS NOT NULL")
    if kind == "anyop":
        op, which = item.text.split(" ")
        return ("any", op, _to_tree(item.parts[0]), _to_tree(item.parts[1]), which)
    if kind == "array":
        return ("array", tuple(_to_tree(p) for p in item.parts))
    if kind == "extract":
        return ("extract", item.text, _to_tree(item.parts[0]))
    if kind == "func":
        return ("func", item.text.lower(), tuple(_to_tree(p) for p in item.parts))
    if kind == "case":
        test, *pairs, default = item.parts
        trees = [_to_tree(p) for p in pairs]
        subject = _to_tree(test) if test is not None else None
        return ("case", subject, tuple(zip(trees[::2], trees[1::2])), _to_tree(default))
    if kind == "kw":
        return ("kw", item.text)
    return ("raw", item.text)


def _const_tree(item: Typed):
    shown = item.shown_type
    if shown == "null":
        return ("null",)
    if shown.startswith("typednull:"):
        return ("cast", ("null",), shown[len("typednull:") :])
    if shown == "unknown":
        return ("str", item.text)
    if shown == "boolean":
        return ("bool", item.text == "true")
    if shown in ("integer", "bigint") and item.text.lstrip("-").isdigit():
        return ("int", item.text)
    if shown == "numeric":
        return ("num", item.text)
    if shown == "interval":
        return ("interval", item.text)
    return ("cast", ("str", item.text), shown)


def _unquote(text: str) -> str:
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text

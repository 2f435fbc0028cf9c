"""sqlglot expressions -> the picklable expression trees `render` prints.

A tree is a tuple whose first item names its kind: ("col", name), ("int", text),
("num", text), ("str", value), ("bool", value), ("null",), ("neg", x), ("cast", x, type),
("op", operator, left, right), ("and", items), ("or", items), ("not", x),
("nulltest", x, negated), ("in", x, items, negated), ("any", operator, x, array, ANY|ALL),
("array", items), ("case", subject, ((when, then), ...), else), ("func", name, args),
("extract", field, x),
("kw", keyword), ("interval", text), ("raw", sql).

PostgreSQL is parsed with `POSTGRES` (sqlglot's dialect keeping each function call as written).
Other dialects normalise some spellings (`now()` and `CURRENT_TIMESTAMP` are one node); those
are recovered from the statement's text by the caller (`timestamps`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import ParseError, SqlglotError
from sqlglot.tokens import TokenType

from schemalint.postgres.names import truncate_identifier
from schemalint.postgres.types import normalize_type

Tree = Any
"""An expression tree: nested tuples, see the module docstring."""

BINARY_OPERATORS = {
    exp.EQ: "=",
    exp.NEQ: "<>",
    exp.GT: ">",
    exp.GTE: ">=",
    exp.LT: "<",
    exp.LTE: "<=",
    exp.Add: "+",
    exp.Sub: "-",
    exp.Mul: "*",
    exp.Div: "/",
    exp.Mod: "%",
    exp.DPipe: "||",
}
PATTERN_OPERATORS = {exp.Like: "~~", exp.ILike: "~~*", exp.RegexpLike: "~", exp.RegexpILike: "~*"}
# Operators sqlglot names after their meaning; looked up by name, as sqlglot versions differ.
JSON_OPERATORS = {
    getattr(exp, name): op
    for name, op in (
        ("JSONBContainsTopKey", "?"),
        ("ArrayContainsAll", "@>"),
        ("ArrayContainedAll", "<@"),
        ("JSONBExtractScalar", "#>>"),
        ("ArrayOverlaps", "&&"),
    )
    if hasattr(exp, name)
}
# sqlglot's function classes and the name PostgreSQL prints.
NAMED_FUNCTIONS = {
    exp.Lower: "lower",
    exp.Upper: "upper",
    exp.Length: "length",
    exp.Abs: "abs",
    exp.Round: "round",
    exp.Uuid: "gen_random_uuid",
    exp.MD5: "md5",
    exp.Greatest: "greatest",
    exp.Least: "least",
    exp.Coalesce: "coalesce",
    exp.Nullif: "nullif",
    exp.Left: "left",
    exp.Right: "right",
    exp.Initcap: "initcap",
}
KEYWORDS = {
    exp.CurrentDate: "CURRENT_DATE",
    exp.CurrentTime: "CURRENT_TIME",
    exp.Localtimestamp: "LOCALTIMESTAMP",
    exp.CurrentUser: "CURRENT_USER",
}


class TreeBuilder:
    """Builds trees for one statement. `ident` folds a name as the database stores it,
    `type_of` spells a sqlglot DataType, `timestamps` yields the statement's own spellings of
    now()/CURRENT_TIMESTAMP in order."""

    def __init__(self, ident: Callable, type_of: Callable, timestamps: Iterator[str], dialect: str) -> None:
        self.ident = ident
        self.type_of = type_of
        self.timestamps = timestamps
        self.dialect = dialect
        self.handlers: dict[type, Callable] = {
            exp.Column: lambda n: ("col", self.ident(n.this)),
            exp.Literal: self.literal,
            exp.Boolean: lambda n: ("bool", bool(n.this)),
            exp.Null: lambda n: ("null",),
            exp.Neg: lambda n: ("neg", self.build(n.this)),
            exp.Cast: self.cast,
            exp.TryCast: self.cast,
            exp.And: lambda n: ("and", tuple(self.flatten(n, exp.And))),
            exp.Or: lambda n: ("or", tuple(self.flatten(n, exp.Or))),
            exp.Not: self.negation,
            exp.In: lambda n: self.membership(n, False),
            exp.Between: self.between,
            exp.Is: self.is_test,
            exp.Case: self.case,
            exp.Array: lambda n: ("array", tuple(self.build(e) for e in n.expressions)),
            exp.JSONExtract: self.json_path,
            exp.JSONExtractScalar: self.json_path,
            exp.AtTimeZone: lambda n: ("op", "AT TIME ZONE", self.build(n.this), self.build(n.args.get("zone"))),
            exp.CurrentTimestamp: self.current_timestamp,
            exp.Interval: self.interval,
            exp.Anonymous: lambda n: ("func", str(n.this).lower(), tuple(self.build(a) for a in n.expressions)),
            exp.TimestampTrunc: self.date_trunc,
            exp.Extract: lambda n: ("extract", n.this.name.lower(), self.build(n.expression)),
        }
        for cls, op in BINARY_OPERATORS.items():
            self.handlers[cls] = lambda n, op=op: self.binary(n, op)
        for cls, op in {**PATTERN_OPERATORS, **JSON_OPERATORS}.items():
            self.handlers[cls] = lambda n, op=op: self.pattern(n, op)
        for keyword_class, word in KEYWORDS.items():
            self.handlers[keyword_class] = lambda n, word=word: ("kw", word)
        for function_class, name in NAMED_FUNCTIONS.items():
            self.handlers[function_class] = lambda n, name=name: self.function(n, name)

    def build(self, node: exp.Expression):
        while isinstance(node, exp.Paren):
            node = node.this
        handler = self.handlers.get(type(node))
        if handler is None:
            return ("raw", node.sql(dialect=self.dialect))
        return handler(node)

    # leaves

    def literal(self, node: exp.Literal):
        if node.is_string:
            return ("str", node.this)
        return ("int", node.this) if node.this.lstrip("-").isdigit() else ("num", node.this)

    def current_timestamp(self, node: exp.CurrentTimestamp):
        # Parsed with PostgresCalls, now() stays a call: the node is CURRENT_TIMESTAMP itself.
        spelling = "CURRENT_TIMESTAMP" if self.dialect == "postgres" else next(self.timestamps, "CURRENT_TIMESTAMP")
        if node.this is not None:
            return ("kw", f"CURRENT_TIMESTAMP({node.this.name})")
        return ("kw", "CURRENT_TIMESTAMP") if spelling == "CURRENT_TIMESTAMP" else ("func", spelling, ())

    def interval(self, node: exp.Interval):
        unit = node.args.get("unit")
        return ("interval", f"{node.this.name} {unit.name.lower()}" if unit is not None else node.this.name)

    def cast(self, node: exp.Expression):
        target = node.args.get("to")
        if isinstance(target, exp.DataType):
            type_ = self.type_of(target)
        else:
            type_ = str(target.this if target is not None else "unknown").lower()
        inner = self.build(node.this)
        if inner[0] == "str" and type_ == "interval":
            return ("interval", inner[1])
        return ("cast", inner, type_)

    # operators

    def binary(self, node: exp.Expression, op: str):
        right = node.expression
        if isinstance(right, (exp.Any, exp.All)):
            which = "ANY" if isinstance(right, exp.Any) else "ALL"
            return ("any", op, self.build(node.this), self.build(right.this), which)
        return ("op", op, self.build(node.this), self.build(right))

    def pattern(self, node: exp.Expression, op: str, negated: bool = False):
        negated = negated or bool(node.args.get("negate"))
        return ("op", ("!" + op) if negated else op, self.build(node.this), self.build(node.expression))

    def negation(self, node: exp.Not):
        inner = node.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if isinstance(inner, exp.In):
            return self.membership(inner, True)
        if type(inner) in PATTERN_OPERATORS:
            return self.pattern(inner, PATTERN_OPERATORS[type(inner)], negated=True)
        return ("not", self.build(inner))

    def flatten(self, node: exp.Expression, cls) -> Iterator:
        """`a AND b AND c` as one list, as PostgreSQL keeps it."""
        for side in (node.this, node.expression):
            while isinstance(side, exp.Paren) and isinstance(side.this, cls):
                side = side.this
            if type(side) is cls:
                yield from self.flatten(side, cls)
            else:
                yield self.build(side)

    def membership(self, node: exp.In, negated: bool):
        return ("in", self.build(node.this), tuple(self.build(e) for e in node.expressions), negated)

    def between(self, node: exp.Between):
        value = self.build(node.this)
        low, high = self.build(node.args["low"]), self.build(node.args["high"])
        return ("and", (("op", ">=", value, low), ("op", "<=", value, high)))

    def is_test(self, node: exp.Is):
        if isinstance(node.expression, exp.Null):
            return ("nulltest", self.build(node.this), bool(node.args.get("negate")))
        return ("raw", node.sql(dialect=self.dialect))

    def case(self, node: exp.Case):
        subject, default = node.this, node.args.get("default")
        whens = tuple((self.build(i.this), self.build(i.args.get("true"))) for i in node.args.get("ifs") or [])
        return (
            "case",
            self.build(subject) if subject is not None else None,
            whens,
            self.build(default) if default is not None else None,
        )

    def json_path(self, node: exp.Expression):
        """`doc -> 'a' ->> 'b'`: sqlglot keeps a path per operator, PostgreSQL an operator per
        step."""
        scalar = isinstance(node, exp.JSONExtractScalar)
        result = self.build(node.this)
        path = node.expression
        steps = (
            [p for p in path.expressions if not isinstance(p, exp.JSONPathRoot)]
            if isinstance(path, exp.JSONPath)
            else []
        )
        if not steps:
            return ("op", "->>" if scalar else "->", result, self.build(path))
        for number, step in enumerate(steps):
            op = "->>" if scalar and number == len(steps) - 1 else "->"
            key = str(step.this)
            subscript = isinstance(step, exp.JSONPathSubscript) and key.lstrip("-").isdigit()
            result = ("op", op, result, ("int", key) if subscript else ("str", key))
        return result

    # functions

    def function(self, node: exp.Expression, name: str):
        args = [node.this] + [v for k, v in node.args.items() if k != "this" and isinstance(v, exp.Expression)]
        args += list(node.args.get("expressions") or [])
        return ("func", name, tuple(self.build(a) for a in args if a is not None))

    def date_trunc(self, node: exp.Expression):
        unit = node.args.get("unit")
        return (
            "func",
            "date_trunc",
            (("str", unit.name.lower() if unit is not None else "day"), self.build(node.this)),
        )


class NotAnExpression(ValueError):
    """SQL text that PostgreSQL would not read as one expression."""


_SQL_SYNTAX = frozenset(
    {
        "COALESCE",
        "GREATEST",
        "LEAST",
        "NULLIF",
        "CURRENT_DATE",
        "CURRENT_TIME",
        "CURRENT_TIMESTAMP",
        "LOCALTIME",
        "LOCALTIMESTAMP",
        "CURRENT_USER",
        "CURRENT_ROLE",
        "SESSION_USER",
        "CURRENT_CATALOG",
        "CURRENT_SCHEMA",
    }
)


# The calls sqlglot would turn into its own nodes: marked, they stay the calls that were written.
_CALLS_AS_WRITTEN = frozenset(Postgres.Parser.FUNCTIONS) - _SQL_SYNTAX - frozenset(Postgres.Parser.FUNCTION_PARSERS)
_AS_WRITTEN = f"{exp.SQLGLOT_ANONYMOUS} (schemalint: the call as written)"


class PostgresCalls(Postgres):
    """PostgreSQL as sqlglot reads it, except that a function call stays the call that was
    written (`to_char(now(), 'YYYY')` is not rewritten as sqlglot's TimeToStr): PostgreSQL
    prints a call by its own name with its arguments in order. What is SQL syntax in
    PostgreSQL (COALESCE, CURRENT_TIMESTAMP(0), ...) keeps sqlglot's nodes.

    sqlglot's parser builds its node for every function it knows, unless the call's closing
    parenthesis carries the comment `/* sqlglot.anonymous */`: the tokens get that comment
    before the stock parser reads them, and the trees lose it again. (A subclass of the
    parser would do the same, but sqlglotc, the compiled sqlglot, refuses Python subclasses
    of its classes; a Dialect subclass it accepts.) Compared with such a subclass over every
    SQL text of this repository and a call of every function sqlglot knows, the trees are the
    same; only SQL that PostgreSQL rejects differs: `lower(x AS y)` is an error instead of an
    alias, and a call left unclosed is refused with sqlglot's complaint about its arguments
    instead of "Expecting )"."""

    # (The options are sqlglot's parser options, typed by each sqlglot version its own way.)
    def parse(self, sql: str, **opts: Any) -> list[exp.Expression | None]:  # type: ignore[override]
        tokens, marked = _mark_calls(self.tokenize(sql))
        try:
            return _unmarked(self.parser(**opts).parse(tokens, sql), marked)
        except ParseError as error:
            raise _unmarked_error(error, marked) from None

    def parse_into(self, expression_type: Any, sql: str, **opts: Any) -> list[exp.Expression | None]:  # type: ignore[override]
        tokens, marked = _mark_calls(self.tokenize(sql))
        try:
            return _unmarked(self.parser(**opts).parse_into(expression_type, tokens, sql), marked)
        except ParseError as error:
            raise _unmarked_error(error, marked) from None


def _mark_calls(tokens: list) -> tuple[list, bool]:
    """`tokens`, the closing parenthesis of each call of `_CALLS_AS_WRITTEN` marked."""
    marked = False
    opened: list[bool] = []
    name = ""
    for token in tokens:
        kind = token.token_type
        if kind is TokenType.L_PAREN:
            opened.append(name.upper() in _CALLS_AS_WRITTEN)
        elif kind is TokenType.R_PAREN and opened and opened.pop():
            token.comments = [*token.comments, _AS_WRITTEN]
            marked = True
        name = token.text
    return tokens, marked


def _unmarked(trees: list, marked: bool) -> list:
    if marked:
        for tree in trees:
            for node in tree.walk() if tree is not None else ():
                if node.comments and _AS_WRITTEN in node.comments:
                    node.comments = [c for c in node.comments if c != _AS_WRITTEN]
    return trees


def _unmarked_error(error: ParseError, marked: bool) -> ParseError:
    """`error` without the mark in the tokens it quotes."""
    if not marked:
        return error

    def clean(text: Any) -> Any:
        return text.replace(f", {_AS_WRITTEN!r}", "").replace(repr(_AS_WRITTEN), "") if isinstance(text, str) else text

    return ParseError(clean(str(error)), [{k: clean(v) for k, v in e.items()} for e in error.errors])


POSTGRES = PostgresCalls()
"""The dialect to parse PostgreSQL with, for every reader."""


def fold_identifier(node: exp.Expression | str | None) -> str:
    """A name as PostgreSQL stores it: unquoted names fold to lower case, and every name is
    cut at 63 bytes."""
    if node is None:
        return ""
    if isinstance(node, str):
        return truncate_identifier(node.lower())
    if isinstance(node, exp.Identifier):
        return truncate_identifier(node.this if node.quoted else node.this.lower())
    if isinstance(node, (exp.Column, exp.Table)):
        return fold_identifier(node.this)
    return fold_identifier(node.name)


def parse_expression(sql: str) -> Tree:
    """The tree of one PostgreSQL expression written as text (a CHECK condition, a DEFAULT, an
    index predicate). Raises NotAnExpression when sqlglot cannot read it as one."""
    try:
        node = sqlglot.parse_one(sql, read=POSTGRES)
    except (SqlglotError, RecursionError, ValueError, TypeError) as exc:
        # (sqlglotc reports some malformed input, an operator without its operand, as a TypeError.)
        raise NotAnExpression(str(exc)) from None
    # (Every node sqlglot parses is an Expression; parse_one is typed with its base class.)
    if not isinstance(node, exp.Expression) or isinstance(node, (exp.Command, exp.Query, exp.DDL, exp.DML)):
        raise NotAnExpression(sql)
    builder = TreeBuilder(fold_identifier, lambda t: normalize_type(t.sql(dialect="postgres")), iter(()), "postgres")
    return builder.build(node)

"""SQL text: what SQLAlchemy emits for a server default / index expression / CHECK, and how
PostgreSQL prints it back (`pg_get_expr`), for the simple forms models use.

PostgreSQL re-prints a stored expression with its own casts (`'x'::character varying`,
`k::text = 'a'::text`); the forms handled here are the ones model files actually use
(literals, `now()`, comparisons of a column with a literal joined by AND/OR, IS [NOT] NULL,
IN lists, BETWEEN, length()/lower()/upper() of a column). Anything else is kept as written.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from schemalint.read.sqlalchemy.resolve import Call, Ext, MemberRef, Unresolved

# SQL functions SQLAlchemy renders without parentheses (sql/functions.py AnsiFunction).
ANSI_FUNCTIONS = {"current_timestamp", "current_date", "current_time", "localtime", "localtimestamp",
                  "current_user", "session_user", "user", "current_schema"}


class NotStatic(Exception):
    """An expression whose SQL cannot be known without running the code; str() gives
    `'<expression>' cannot be resolved statically (<reason>)`."""

    def __init__(self, text: str, reason: str | None = None):
        super().__init__(text, reason)
        self.text, self.reason = text, reason

    def __str__(self) -> str:
        return f"{self.text} cannot be resolved statically" + (f" ({self.reason})" if self.reason else "")


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def render(value, *, strings_are: str = "literal") -> str:
    """SQL for an evaluated value as SQLAlchemy compiles it. `strings_are`: `literal`
    (server_default="x" → 'x'), `sql` (CheckConstraint("x > 0")) or `column` (Index columns)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        if strings_are == "literal":
            return quote_literal(value)
        return value
    if isinstance(value, MemberRef):
        return value.path[0]
    if isinstance(value, Call):
        name = value.sa or ""
        if name in ("text", "literal_column", "DefaultClause"):
            inner = value.args[0] if value.args else value.kwargs.get("text", value.kwargs.get("arg"))
            if isinstance(inner, str):
                return inner
            if name == "DefaultClause":
                return render(inner, strings_are=strings_are)
        if name in ("true", "false"):
            return name
        if name == "null":
            return "NULL"
        if name == "literal" and value.args:
            return render(value.args[0], strings_are="literal")
        if name.startswith("func."):
            fname = name[len("func."):]
            if fname.lower() in ANSI_FUNCTIONS and not value.args:
                return fname.upper()
            args = ", ".join(render(a, strings_are="literal") for a in value.args)
            return f"{fname}({args})"
        if name == "cast" and len(value.args) == 2:
            return f"CAST({render(value.args[0], strings_are='literal')} AS {value.args[1]})"
    raise _not_static(value)


def _not_static(value) -> NotStatic:
    if isinstance(value, Unresolved):
        return NotStatic(f"'{value.text}'", value.reason)
    if isinstance(value, Call):
        return NotStatic(f"'{value.text}'", value.func.reason if isinstance(value.func, Unresolved) else None)
    return NotStatic(repr(value))


# ---------------------------------------------------------------------------------------------
# PostgreSQL's printout of a stored default (pg_get_expr)

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_STRING = re.compile(r"^'((?:[^']|'')*)'$", re.S)
_BOOLEANS = {"t": True, "true": True, "yes": True, "on": True, "1": True, "y": True,
             "f": False, "false": False, "no": False, "off": False, "0": False, "n": False}
_INT4 = (-(2**31), 2**31 - 1)


def type_label(pg_type: str) -> str:
    """format_type() of the type without its modifier: what PostgreSQL puts after `::`."""
    if pg_type.endswith("[]"):
        return type_label(pg_type[:-2]) + "[]"
    if pg_type.startswith("character varying"):
        return "character varying"
    if pg_type.startswith("character("):
        return "bpchar"
    if pg_type.startswith("numeric"):
        return "numeric"
    if pg_type.startswith("bit varying"):
        return "bit varying"
    if pg_type.startswith("bit("):
        return "bit"
    match = re.match(r"^(timestamp|time)\(\d+\) (with|without) time zone$", pg_type)
    if match:
        return f"{match.group(1)} {match.group(2)} time zone"
    if pg_type.startswith("interval"):
        return "interval"
    return pg_type


def _strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    in_string = False
    for char in text:
        if char == "'":
            in_string = not in_string
        elif not in_string:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                return False
    return depth == 0 and not in_string


def _numeric_const(text: str) -> str:
    """A numeric constant as PostgreSQL prints it (NUMERIC output, get_const_expr rules)."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return f"'{text}'::numeric"
    if "e" in text.lower():
        number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number
        out = format(number, "f")
    else:
        out = format(number, "f")
    if out[0].isdigit() and any(c in out for c in ".eE"):
        return out
    return f"'{out}'::numeric"


def _int_const(value: int) -> str:
    if _INT4[0] <= value <= _INT4[1]:
        return str(value) if value >= 0 else f"'{value}'::integer"
    return f"'{value}'::bigint"


def default_display(sql: str, pg_type: str, family: str) -> str:
    """What pg_get_expr() prints for `DEFAULT <sql>` on a column of `pg_type`."""
    text = _strip_parens(sql)
    lowered = text.lower()
    string = _STRING.match(text)
    if string:
        value = string.group(1).replace("''", "'")
        return _typed_literal(value, pg_type, family)
    if _INTEGER.match(text):
        return _int_const(int(text))
    if _NUMBER.match(text):
        return _numeric_const(text) if not text.startswith("-") else f"'{text}'::numeric"
    if lowered in ("true", "false"):
        return lowered
    zone = re.match(r"^(.+?)\s+at\s+time\s+zone\s+'((?:[^']|'')*)'$", text, re.I | re.S)
    if zone:
        return f"({default_display(zone.group(1), pg_type, family)} AT TIME ZONE '{zone.group(2)}'::text)"
    if lowered in ANSI_FUNCTIONS:
        return lowered.upper()
    if lowered == "null":
        return f"NULL::{type_label(pg_type)}"
    if re.match(r"^[a-z_][a-z0-9_]*\(\)$", lowered):
        return lowered
    call = _call_display(text)
    return call if call is not None else text


# Functions whose literal argument PostgreSQL resolves to something other than text.
_LITERAL_ARGUMENT_TYPE = {"nextval": "regclass", "currval": "regclass", "setval": "regclass"}


def _call_display(text: str) -> str | None:
    """`f('x', g())` as pg_get_expr prints it: string literals passed to a function become
    `'x'::text` (`'seq'::regclass` for nextval); None when `text` is not such a call."""
    try:
        tokens = _tokenize(text)
    except _Unsupported:
        return None
    position = 0

    def call() -> str:
        nonlocal position
        kind, name = tokens[position]
        if kind != "word" or tokens[position + 1] != ("op", "("):
            raise _Unsupported("not a call")
        position += 2
        args = []
        while tokens[position] != ("op", ")"):
            args.append(argument(name.lower()))
            if tokens[position] == ("op", ","):
                position += 1
        position += 1
        return f"{name.lower()}({', '.join(args)})"

    def argument(function: str) -> str:
        nonlocal position
        kind, value = tokens[position]
        if kind == "str":
            position += 1
            return f"{value}::{_LITERAL_ARGUMENT_TYPE.get(function, 'text')}"
        if kind == "num":
            position += 1
            return value
        if kind == "word" and value.lower() in ANSI_FUNCTIONS and tokens[position + 1:position + 2] != [("op", "(")]:
            position += 1
            return value.upper()
        return call()

    try:
        result = call()
    except (_Unsupported, IndexError):
        return None
    return result if position == len(tokens) else None


def generated_display(sql: str) -> str:
    """pg_get_expr() of a generated column: an operator expression comes back parenthesized."""
    text = " ".join(_strip_parens(sql).split())
    if re.fullmatch(r"[A-Za-z_][\w.]*(\(.*\))?", text) and _balanced(text):
        return text
    return f"({text})"


def _typed_literal(value: str, pg_type: str, family: str) -> str:
    if pg_type == "integer" and _INTEGER.match(value.strip()):
        return _int_const(int(value))
    if pg_type == "boolean" and value.strip().lower() in _BOOLEANS:
        return "true" if _BOOLEANS[value.strip().lower()] else "false"
    if pg_type.startswith("numeric") and _NUMBER.match(value.strip()):
        return _numeric_const(value.strip())
    return f"{quote_literal(value)}::{type_label(pg_type)}"


# ---------------------------------------------------------------------------------------------
# PostgreSQL's pretty printout of a CHECK / index predicate (pg_get_expr(..., true))

_TOKENS = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op><>|!=|>=|<=|=|<|>|\(|\)|,|~\*|!~\*|!~|~|\+|-|\*|/|%)|(?P<word>\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_.]*))")


class _Unsupported(Exception):
    pass


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKENS.match(text, position)
        if not match or match.end() == position:
            raise _Unsupported(text[position:])
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


_ARITHMETIC = {"+": "additive", "-": "additive", "*": "multiplicative", "/": "multiplicative", "%": "multiplicative"}
_NUMERIC_FAMILIES = {"integer": "integer", "bigint": "bigint", "smallint": "smallint"}


class _Predicate:
    """A recursive-descent reader for `a op literal [AND|OR ...]` predicates."""

    def __init__(self, text: str, columns: dict[str, str]):
        self.tokens = _tokenize(text)
        self.pos = 0
        self.columns = columns
        self.used: list[str] = []

    def peek(self, offset: int = 0):
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        kind, value = self.peek()
        if kind == "word" and value.lower() == word:
            self.pos += 1
            return True
        return False

    def parse(self) -> str:
        result = self.disjunction(top=True)
        if self.pos != len(self.tokens):
            raise _Unsupported("trailing tokens")
        return result

    def disjunction(self, top=False) -> str:
        parts = [self.conjunction()]
        while self.keyword("or"):
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        return " OR ".join(f"({p})" if " ANY (" in p or " ALL (" in p else p for p in parts)

    def conjunction(self) -> str:
        parts = [self.negation()]
        while self.keyword("and"):
            parts.append(self.negation())
        if len(parts) == 1:
            return parts[0]
        return " AND ".join(f"({p})" if _needs_parentheses(p) else p for p in parts)

    def negation(self) -> str:
        if self.keyword("not"):
            inner = self.negation()
            return f"NOT ({inner})" if (" AND " in inner or " OR " in inner) else f"NOT {inner}"
        return self.comparison()

    def comparison(self) -> str:
        kind, value = self.peek()
        if kind == "op" and value == "(":
            self.take()
            inner = self.disjunction()
            if self.take() != ("op", ")"):
                raise _Unsupported("unbalanced parentheses")
            return inner  # the enclosing AND / NOT decides whether PostgreSQL keeps parentheses
        left, left_type = self.arithmetic()
        if self.keyword("is"):
            negated = self.keyword("not")
            if self.keyword("null"):
                return f"{left} IS {'NOT ' if negated else ''}NULL"
            if self.keyword("true") or self.keyword("false"):
                word = self.tokens[self.pos - 1][1].upper()
                return f"{left} IS {'NOT ' if negated else ''}{word}"
            raise _Unsupported("IS")
        negated = self.keyword("not")
        if self.keyword("like") or self.keyword("ilike"):
            word = self.tokens[self.pos - 1][1].lower()
            op = {"like": "~~", "ilike": "~~*"}[word]
            op = ("!" + op) if negated else op
            pattern = self.literal_for("text" if left_type in ("varchar", "text") else left_type)
            left = f"{left}::text" if left_type == "varchar" else left
            return f"{left} {op} {pattern}"
        if self.keyword("in"):
            return self._in_list(left, left_type, negated)
        if self.keyword("between"):
            low = self.literal_for(left_type)
            if not self.keyword("and"):
                raise _Unsupported("BETWEEN")
            high = self.literal_for(left_type)
            if negated:
                return f"{left} < {low} OR {left} > {high}"
            return f"{left} >= {low} AND {left} <= {high}"
        if negated:
            raise _Unsupported("NOT")
        kind, op = self.peek()
        if kind != "op" or op in ("(", ")", ","):
            if left_type == "boolean":
                return left
            raise _Unsupported("comparison")
        self.take()
        op = "<>" if op == "!=" else op
        right_kind, right_value = self.peek()
        if right_kind == "word" and right_value in self.columns:
            right, right_type = self.arithmetic()
            return f"{left} {op} {right}"
        right = self.literal_for(left_type)
        if self.peek()[0] == "op" and self.peek()[1] in _ARITHMETIC:
            raise _Unsupported("arithmetic on the right")
        if left_type == "varchar" and right.endswith("::text"):
            left = f"{left}::text"
        return f"{left} {op} {right}"

    def _in_list(self, left: str, left_type: str, negated: bool) -> str:
        if self.take() != ("op", "("):
            raise _Unsupported("IN")
        items = []
        while True:
            items.append(self.take())
            separator = self.take()
            if separator == ("op", ")"):
                break
            if separator != ("op", ","):
                raise _Unsupported("IN list")
        op = "<>" if negated else "="
        quantifier = "ALL" if negated else "ANY"
        if len(items) == 1:  # PostgreSQL turns a one-element IN list into a comparison
            self.tokens[self.pos:self.pos] = [items[0]]
            right = self.literal_for(left_type)
            if left_type == "varchar" and right.endswith("::text"):
                left = f"{left}::text"
            return f"{left} {op} {right}"
        if all(kind == "str" for kind, _ in items):
            if left_type == "varchar":
                array = ", ".join(f"{v}::character varying" for _, v in items)
                return f"{left}::text {op} {quantifier} (ARRAY[{array}]::text[])"
            label = left_type if left_type not in ("varchar",) else "text"
            array = ", ".join(f"{v}::{label}" for _, v in items)
            return f"{left} {op} {quantifier} (ARRAY[{array}])"
        if all(kind == "num" for kind, _ in items) and left_type in _NUMERIC_FAMILIES:
            return f"{left} {op} {quantifier} (ARRAY[{', '.join(v for _, v in items)}])"
        raise _Unsupported("IN list types")

    def arithmetic(self) -> tuple[str, str]:
        """`col`, or `col op literal/col ...` with one kind of operator: PostgreSQL prints
        each binary arithmetic step parenthesized, `(quota * 2)`."""
        text, kind = self.operand()
        operators = set()
        while self.peek()[0] == "op" and self.peek()[1] in _ARITHMETIC:
            op = self.take()[1]
            operators.add(_ARITHMETIC[op])
            if len(operators) > 1:
                raise _Unsupported("mixed operator precedence")
            next_kind, next_value = self.peek()
            if next_kind == "word" and next_value in self.columns:
                right, _ = self.operand()
            else:
                right = self.literal_for(kind)
            text = f"({text} {op} {right})"
        return text, kind

    def operand(self) -> tuple[str, str]:
        kind, value = self.take()
        if kind != "word":
            raise _Unsupported("operand")
        name = value.strip('"')
        if name.lower() in ("length", "char_length", "lower", "upper", "btrim", "trim") and self.peek() == ("op", "("):
            self.take()
            inner, inner_type = self.operand()
            if self.take() != ("op", ")"):
                raise _Unsupported("function")
            arg = f"{inner}::text" if inner_type == "varchar" else inner
            func = name.lower()
            return f"{func}({arg})", ("integer" if func in ("length", "char_length") else "text")
        if name not in self.columns:
            raise _Unsupported(f"unknown column {name}")
        self.used.append(name)
        return name, _family(self.columns[name])

    def literal_for(self, left_type: str) -> str:
        kind, value = self.take()
        if (kind, value) == ("op", "-") and self.peek()[0] == "num":
            number = self.take()[1]
            if "." in number:
                return f"'-{number}'::numeric"
            cast = "'::integer::numeric" if left_type == "numeric" else "'::integer"
            if left_type in ("double precision", "real"):
                cast = f"'::integer::{left_type}"
            return f"'-{number}{cast}"
        if kind == "num":
            if left_type == "numeric":
                return f"{value}::numeric" if "." not in value else value
            if left_type in ("double precision", "real"):
                return f"{value}::{left_type}"
            return value
        if kind == "str":
            if left_type in ("integer", "bigint", "smallint") and _INTEGER.match(value.strip("'")):
                return value.strip("'")
            if left_type in ("varchar", "text"):
                return f"{value}::text"
            return f"{value}::{left_type}"
        if kind == "word" and value.lower() in ("true", "false"):
            return value.lower()
        if kind == "op" and value == "(":
            raise _Unsupported("subexpression")
        raise _Unsupported("literal")


def _needs_parentheses(part: str) -> bool:
    """Inside AND, PostgreSQL's pretty printer parenthesizes OR groups and `= ANY (...)`."""
    return " OR " in part or " ANY (" in part or " ALL (" in part


def _family(pg_type: str) -> str:
    if pg_type.startswith("character varying"):
        return "varchar"
    if pg_type.startswith("numeric"):
        return "numeric"
    return type_label(pg_type)


def predicate_display(sql: str, columns: dict[str, str]) -> tuple[str, list[str]]:
    """(pg_get_expr pretty printout, columns used in order) for a simple predicate, or the
    text as written (outer parentheses dropped) when it is not one of the simple forms."""
    text = _strip_parens(sql)
    try:
        reader = _Predicate(text, columns)
        return reader.parse(), reader.used
    except (_Unsupported, IndexError):
        used = [c for c in columns if re.search(rf"\b{re.escape(c)}\b", text)]
        return " ".join(text.split()), used


def is_sa_func(value, name: str) -> bool:
    return isinstance(value, Call) and isinstance(value.func, Ext) and value.sa == name

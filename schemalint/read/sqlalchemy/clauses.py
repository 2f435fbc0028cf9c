"""SQLAlchemy column expressions -> the SQL SQLAlchemy compiles for them in DDL (literal binds,
no table prefix): `postgresql_where=t.c.state != "done"` is `state != 'done'`, as in
`CREATE INDEX ... WHERE state != 'done'`. PostgreSQL's re-spelling of that SQL is
`sqltext.predicate_display`'s job.

Handled: comparisons of a column with a literal, another column or None; `&`, `|`, `~`;
`and_`, `or_`, `not_`; `.is_()`, `.is_not()`/`.isnot()`, `.in_()`, `.not_in()`/`.notin_()`,
`.like()`, `.ilike()`, `.between()`; `func.x(col)`; `true()`, `false()`, `null()`; `text()`
and plain SQL strings. Anything else raises `NotStatic`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemalint.read.sqlalchemy.resolve import AttrOf, Call, Invert, MemberRef, SqlOp, Union, Unresolved
from schemalint.read.sqlalchemy.sqltext import NotStatic, quote_literal, render

# Python comparison -> SQL operator, and the operator SQLAlchemy's `~` turns it into.
_OPERATORS = {"==": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_NEGATED = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}
# Column methods: (SQL template, negated template); `{0}` the column, `{1}`... the arguments.
_METHODS = {
    "is_": ("{0} IS {1}", "{0} IS NOT {1}"),
    "is_not": ("{0} IS NOT {1}", "{0} IS {1}"),
    "isnot": ("{0} IS NOT {1}", "{0} IS {1}"),
    "in_": ("{0} IN ({1})", "({0} NOT IN ({1}))"),
    "not_in": ("({0} NOT IN ({1}))", "{0} IN ({1})"),
    "notin_": ("({0} NOT IN ({1}))", "{0} IN ({1})"),
    "like": ("{0} LIKE {1}", "{0} NOT LIKE {1}"),
    "not_like": ("{0} NOT LIKE {1}", "{0} LIKE {1}"),
    "ilike": ("{0} ILIKE {1}", "{0} NOT ILIKE {1}"),
    "not_ilike": ("{0} NOT ILIKE {1}", "{0} ILIKE {1}"),
    "between": ("{0} BETWEEN {1} AND {2}", "{0} NOT BETWEEN {1} AND {2}"),
}
# Binding strength, as SQLAlchemy parenthesizes: OR < AND < NOT < comparisons.
_OR, _AND, _NOT, _ATOM = 1, 2, 3, 4


def clause_sql(value: Any, column_name: Callable[[Any], str | None]) -> str:
    """The SQL of a predicate; `column_name` maps a column reference (`Model.attr`,
    `t.c.name`) to its column name, or None when it is not a column of the table. A string
    or `text()` is SQL as written."""
    if isinstance(value, str) or (isinstance(value, Call) and value.sa in ("text", "literal_column")):
        return render(value, strings_are="sql")
    return _Printer(column_name).sql(value)[0]


class _Printer:
    def __init__(self, column_name: Callable[[Any], str | None]):
        self.column_name = column_name

    def sql(self, value: Any, negate: bool = False) -> tuple[str, int]:
        """(SQL, binding strength) of `value`, negated with SQLAlchemy's rules when asked."""
        if isinstance(value, Invert):
            return self.sql(value.operand, not negate)
        if isinstance(value, SqlOp) and value.op == "&":
            return self._junction("AND", [value.left, value.right], negate)
        if isinstance(value, Union):
            return self._junction("OR", [value.left, value.right], negate)
        if isinstance(value, SqlOp) and value.op in _OPERATORS:
            return self._comparison(value, negate)
        if isinstance(value, Call) and value.sa in ("and_", "or_") and value.args:
            return self._junction("AND" if value.sa == "and_" else "OR", list(value.args), negate)
        if isinstance(value, Call) and value.sa == "not_" and len(value.args) == 1:
            return self.sql(value.args[0], not negate)
        method = self._method(value)
        if method is not None:
            column, name, args = method
            template = _METHODS[name][1 if negate else 0]
            return template.format(column, *args), _ATOM
        text = self.operand(value)
        return (f"NOT {text}", _NOT) if negate else (text, _ATOM)

    def _junction(self, word: str, parts: list, negate: bool) -> tuple[str, int]:
        strength = _AND if word == "AND" else _OR
        printed = []
        for part in parts:
            text, inner = self.sql(part)
            printed.append(f"({text})" if inner < strength else text)
        text = f" {word} ".join(printed)
        return (f"NOT ({text})", _NOT) if negate else (text, strength)

    def _comparison(self, value: SqlOp, negate: bool) -> tuple[str, int]:
        op = _NEGATED[value.op] if negate else value.op
        left, right = value.left, value.right
        if right is None and op in ("==", "!="):  # col == None is `IS NULL`
            return f"{self.operand(left)} IS {'NOT ' if op == '!=' else ''}NULL", _ATOM
        return f"{self.operand(left)} {_OPERATORS[op]} {self.operand(right)}", _ATOM

    def _method(self, value) -> tuple[str, str, list[str]] | None:
        """(column SQL, method name, argument SQL) of `col.is_(None)` and the like."""
        if not isinstance(value, Call) or not isinstance(value.func, (MemberRef, AttrOf)):
            return None
        name = value.func.path[-1]
        if name not in _METHODS or value.kwargs:
            return None
        column = type(value.func)(
            value.func.owner if isinstance(value.func, MemberRef) else value.func.base, value.func.path[:-1]
        )
        if name in ("in_", "not_in", "notin_"):
            if len(value.args) != 1 or not isinstance(value.args[0], tuple) or not value.args[0]:
                raise NotStatic(f"'{value.text}'", "only a literal, non-empty list is read")
            args = [", ".join(self.operand(v) for v in value.args[0])]
        else:
            args = [self.operand(v) for v in value.args]
        if len(args) != (2 if name == "between" else 1):
            raise NotStatic(f"'{value.text}'")
        return self.operand(column), name, args

    def operand(self, value) -> str:
        """A column, a literal or a SQL function call."""
        if isinstance(value, Unresolved):
            raise NotStatic(f"'{value.text}'", value.reason)
        if value is None:
            return "NULL"
        if isinstance(value, str):
            return quote_literal(value)
        if isinstance(value, (bool, int, float)):
            return render(value)
        if isinstance(value, (MemberRef, AttrOf)):
            name = self.column_name(value)
            if name is None:
                raise NotStatic(_show(value), "not a column of this table")
            return name
        function = value.sa if isinstance(value, Call) else None
        if function is not None and function.startswith("func."):
            return f"{function[len('func.') :]}({', '.join(self.operand(a) for a in value.args)})"
        if isinstance(value, Call) and value.sa in ("true", "false"):
            return value.sa
        if isinstance(value, Call) and value.sa == "null":
            return "NULL"
        if isinstance(value, Call) and value.sa in ("text", "literal_column"):
            return render(value, strings_are="sql")
        raise NotStatic(_show(value))


def _show(value) -> str:
    if isinstance(value, Call):
        return f"'{value.text}'"
    if isinstance(value, MemberRef):
        return f"'{value.owner.facts.name}.{'.'.join(value.path)}'"
    if isinstance(value, AttrOf):
        return f"'...{'.'.join(value.path)}'"
    return repr(value)

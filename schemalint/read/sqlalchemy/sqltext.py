"""SQL text: what SQLAlchemy emits for a server default / computed column / CHECK / index
predicate (`render`), and how PostgreSQL prints it back.

The SQL is SQLAlchemy's business; what PostgreSQL makes of it is not: the text is parsed with
sqlglot into `schemalint.postgres.tree` and printed by `schemalint.postgres.printer`, the
printer the SQL reader uses, so the same CHECK reads the same from both sources. Text sqlglot
cannot read as an expression is kept as written.
"""

from __future__ import annotations

import re

from schemalint.postgres.keywords import quote_literal
from schemalint.postgres.printer import column_refs, is_null
from schemalint.postgres.printer import render as print_tree
from schemalint.postgres.tree import NotAnExpression, Tree, parse_expression
from schemalint.read.sqlalchemy.resolve import Call, Ext, MemberRef, Unresolved

# SQL functions SQLAlchemy renders without parentheses (sql/functions.py AnsiFunction).
ANSI_FUNCTIONS = {
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "current_user",
    "session_user",
    "user",
    "current_schema",
}


class NotStatic(Exception):
    """An expression whose SQL cannot be known without running the code; str() gives
    `'<expression>' cannot be resolved statically (<reason>)`."""

    def __init__(self, text: str, reason: str | None = None):
        super().__init__(text, reason)
        self.text, self.reason = text, reason

    def __str__(self) -> str:
        return f"{self.text} cannot be resolved statically" + (f" ({self.reason})" if self.reason else "")


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
            fname = name[len("func.") :]
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
# What PostgreSQL prints back (pg_get_expr)


def _parsed(sql: str) -> Tree | None:
    try:
        return parse_expression(sql)
    except NotAnExpression:
        return None


def default_display(sql: str, pg_type: str, family: str = "") -> str | None:
    """pg_get_expr() of `DEFAULT <sql>` on a column of `pg_type`; None for `DEFAULT NULL`,
    which PostgreSQL does not store. `family` is not needed any more (kept for callers)."""
    tree = _parsed(sql)
    if tree is None:
        return " ".join(sql.split())
    if is_null(tree):
        return None
    return print_tree(tree, {}, pretty=False, target=pg_type)


def generated_display(sql: str, columns: dict[str, str] | None = None) -> str:
    """pg_get_expr() of a generated column's expression over columns {name: type}."""
    tree = _parsed(sql)
    if tree is None:
        return " ".join(sql.split())
    return print_tree(tree, columns or {}, pretty=False)


def predicate_display(sql: str, columns: dict[str, str]) -> tuple[str, list[str]]:
    """(pg_get_expr(..., true) printout, the columns used in order of appearance) of a CHECK
    condition or index predicate over columns {name: type}; the text as written when it is not
    an expression sqlglot reads."""
    tree = _parsed(sql)
    if tree is None:
        text = " ".join(sql.split())
        return text, [c for c in columns if re.search(rf"\b{re.escape(c)}\b", text)]
    return print_tree(tree, columns, pretty=True), column_refs(tree)


def is_sa_func(value, name: str) -> bool:
    return isinstance(value, Call) and isinstance(value.func, Ext) and value.sa == name

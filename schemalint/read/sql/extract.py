"""`extract`: one SQL file -> the operations its DDL statements perform, in order.

Each statement found by the splitter is classified by its first words; only the statements
that change tables are given to sqlglot (parsing is most of the cost, and INSERT data, DO
blocks and function bodies are most of many files). A statement sqlglot cannot parse becomes a
`Problem` (SL402) at its line and the rest of the file is still read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from schemalint.postgres.names import truncate_identifier
from schemalint.postgres.tree import POSTGRES, TreeBuilder
from schemalint.read.sql import ops
from schemalint.read.sql.dialects import type_spelling
from schemalint.read.sql.split import (
    WIDE,
    LineIndex,
    RawStatement,
    first_significant,
    skip_token,
    split_statements,
    structure,
    top_level_pieces,
    words,
)
from schemalint.read.sql.statements import UnreadablePath, search_path_change, statement_kind

# sqlglot logs a warning for every statement it falls back to parsing as a Command.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

SQLGLOT_DIALECTS = {"postgres": "postgres", "postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite"}
_TIMESTAMP_SPELLING = re.compile(r"\b(now\s*\(\s*\)|current_timestamp|transaction_timestamp\s*\(\s*\))", re.IGNORECASE)


def extract_text(text: str, path: str, dialect: str, default_schema: str) -> ops.FileFacts:
    """The operations of one file's text."""
    dialect = SQLGLOT_DIALECTS.get(dialect.lower(), dialect.lower())
    index = LineIndex(text)
    operations: list[ops.Operation] = []
    for statement in split_statements(text, dialect):
        operations.extend(_statement_operations(statement, text, index, dialect, default_schema))
    return ops.FileFacts(path=path, dialect=dialect, default_schema=default_schema, operations=tuple(operations))


def _statement_operations(
    statement: RawStatement, text: str, index: LineIndex, dialect: str, default_schema: str
) -> list:
    kind = statement_kind(words(statement.text, 6, dialect))
    pos = (statement.line, statement.col)
    if kind is None:
        head = " ".join(words(statement.text, 2, dialect)).upper()
        return [
            ops.Problem(
                f"unknown statement ({head} ...), skipped: not SQL PostgreSQL accepts, or not one the reader knows", pos
            )
        ]
    if kind == "harmless" and _DROP_CASCADE.match(" ".join(_blank_quoted(statement.text, dialect).split())):
        return [
            ops.Unknown(
                "DROP ... CASCADE also drops the columns, defaults and constraints that use what it drops: which ones is not followed",
                pos,
            )
        ]
    if kind == "harmless" and dialect == "postgres":
        return _routine_operations(statement)
    if kind in ("harmless", "temporary"):
        return []
    if kind == "select" and dialect == "postgres" and not _MENTIONS_SEARCH_PATH.search(statement.text):
        return _call_operations(statement, dialect)
    if kind in _SESSION_KINDS:
        return _session_operations(statement, kind, dialect)
    if kind == "do":
        if dialect != "postgres":
            return []  # MySQL's DO evaluates expressions
        return _do_block_operations(statement, text, index, dialect, default_schema)
    if kind == "create_relation":
        return _relation_operations(statement, index, dialect, default_schema)
    if kind == "type":
        return _type_operations(statement, dialect)
    if kind == "comment":
        statement = _plain_comment_string(statement, dialect)
    try:
        parsed = _dialect(dialect).parse(statement.text)
    except SqlglotError as error:
        if kind == "drop_relation":
            return []  # DROP SEQUENCE a, b: sqlglot reads one name only; views are not modelled
        return [ops.Problem(f"cannot parse this statement, skipped: {_first_line(str(error))}", pos)]
    except (RecursionError, ValueError, TypeError, AttributeError, KeyError, IndexError) as error:
        return [ops.Problem(f"cannot parse this statement ({type(error).__name__}), skipped", pos)]
    # Every node sqlglot parses is an Expression (Expr is its typed base class).
    trees = [tree for tree in parsed if isinstance(tree, exp.Expression)]
    if len(trees) != 1:
        return [ops.Problem("cannot parse this statement, skipped", pos)]
    builder = _Builder(statement, index, dialect, default_schema)
    try:
        return builder.build(trees[0], kind)
    except _Unsupported as reason:
        return [ops.Problem(f"cannot parse this statement, skipped: {reason}", pos)]
    except Exception as error:  # a shape of sqlglot tree the builder does not expect
        return [
            ops.Problem(f"cannot read this statement (internal error: {type(error).__name__}: {error}), skipped", pos)
        ]


_DROP_CASCADE = re.compile(
    r"^drop\s+(type|domain|function|procedure|routine|extension|operator|collation|aggregate|cast)\b.*\bcascade\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SESSION_KINDS = (
    "set",
    "reset",
    "select",
    "begin",
    "commit",
    "rollback",
    "call",
    "create_schema",
    "drop_schema",
    "alter_schema",
)
_TRANSACTIONS = {"begin": "begin", "commit": "commit", "rollback": "rollback"}
# Case-sensitive classes (both cases spelled): under re.IGNORECASE a class with \x80-\uffff is
# case-folded character by character, ~50 ms per pattern, 0.6 s of every run that reads SQL.
# \x80-\uffff itself is spelled `WIDE` (the same characters): `re` compiles a class holding the
# range into a 65,536-entry bitmap in Python, ~10-30 ms per pattern, ~0.2 s of this module's import.
_NAME = rf'(?:"(?:[^"]|"")+"|(?-i:(?:[A-Za-z_]|{WIDE})(?:[A-Za-z0-9_$]|{WIDE})*))'
_CREATE_SCHEMA = re.compile(
    rf"^create\s+schema\s+(?P<exists>if\s+not\s+exists\s+)?(?:(?P<name>{_NAME})\s*)?(?:authorization\s+(?P<role>{_NAME})\s*)?$",
    re.IGNORECASE,
)
_DROP_SCHEMA = re.compile(
    rf"^drop\s+schema\s+(?P<exists>if\s+exists\s+)?(?P<names>{_NAME}(?:\s*,\s*{_NAME})*)\s*(?P<mode>cascade|restrict)?\s*$",
    re.IGNORECASE,
)
_ALTER_SCHEMA_OWNER = re.compile(rf"^alter\s+schema\s+{_NAME}\s+owner\s+to\s+{_NAME}\s*$", re.IGNORECASE)


def _session_operations(statement: RawStatement, kind: str, dialect: str) -> list:
    """search_path, transactions and schemas: where unqualified names are created and found."""
    pos = (statement.line, statement.col)
    text = " ".join(_blank_quoted_comments(statement.text, dialect).split())
    if kind in _TRANSACTIONS:
        return [ops.Transaction(_TRANSACTIONS[kind], pos)] if dialect == "postgres" else []
    if kind == "call":
        return [
            ops.Unknown(
                "CALL runs a procedure whose effect on the schema the reader cannot know; tables it creates or changes are not read",
                pos,
            )
        ]
    if kind == "create_schema":
        match = _CREATE_SCHEMA.match(text)
        name = match and (match.group("name") or match.group("role"))
        if match is None or not name or name.lower() in ("current_user", "session_user", "current_role"):
            return [
                ops.Unknown(
                    "CREATE SCHEMA the reader cannot read (schema elements or a role it cannot know): tables it creates are not read",
                    pos,
                )
            ]
        return [ops.CreateSchema(_name(name), bool(match.group("exists")), pos)]
    if kind == "drop_schema":
        match = _DROP_SCHEMA.match(text)
        if match is None:
            return [ops.Problem("cannot parse this DROP SCHEMA, skipped", pos)]
        names = tuple(_name(n.strip()) for n in re.findall(_NAME, match.group("names")))
        return [
            ops.DropSchema(names, bool(match.group("exists")), (match.group("mode") or "").lower() == "cascade", pos)
        ]
    if kind == "alter_schema":
        if _ALTER_SCHEMA_OWNER.match(text):
            return []
        return [
            ops.Unknown(
                "ALTER SCHEMA (a rename moves every table in it) is not followed: the tables it moves are not read", pos
            )
        ]
    if dialect != "postgres":
        return []
    try:
        change = search_path_change(text, kind)
    except UnreadablePath as error:
        return [ops.Unknown(f"{error}: where unqualified names are created and found from here on is not known", pos)]
    if change is None:
        return []
    path, local = change
    return [ops.SetSearchPath(path, local, pos)]


_ROUTINE_HEAD = re.compile(
    rf"^create\s+(?:or\s+replace\s+)?(?:function|procedure)\s+(?:{_NAME}\s*\.\s*)?(?P<name>{_NAME})\s*\(", re.IGNORECASE
)
_MENTIONS_SEARCH_PATH = re.compile(r"search_path", re.IGNORECASE)
_CALLED = re.compile(rf"(?:{_NAME}\s*\.\s*)?({_NAME})\s*\(")


def _routine_operations(statement: RawStatement) -> list:
    """A function or procedure whose body changes tables (DDL, or SQL built at run time):
    remembered, so that a later `SELECT f()` is known to have effects the reader cannot follow."""
    head = _ROUTINE_HEAD.match(statement.text)
    if head is None:
        return []
    body = statement.text[head.end() :]
    if _DDL_HEAD.search(body) is None and _DYNAMIC_SQL.search(body) is None:
        return []
    return [ops.Routine(_name(head.group("name")), (statement.line, statement.col))]


def _call_operations(statement: RawStatement, dialect: str) -> list:
    """The functions a top-level SELECT calls (see `_routine_operations`)."""
    blanked = _blank_quoted(statement.text, dialect)
    names = tuple(dict.fromkeys(_name(m.group(1)) for m in _CALLED.finditer(blanked)))
    return [ops.Calls(names, (statement.line, statement.col))] if names else []


def _name(token: str) -> str:
    if token.startswith('"'):
        return token[1:-1].replace('""', '"')
    return truncate_identifier(token.lower())


def _blank_quoted_comments(text: str, dialect: str) -> str:
    """`text` without its comments (quoted strings kept)."""
    out, i = [], 0
    for match in re.finditer(r"--|/\*|'|\"|\$", text):
        if match.start() < i:
            continue
        end = skip_token(text, match.start(), dialect)
        if end is None:
            continue
        token = text[match.start() : end]
        out.append(text[i : match.start()])
        out.append(" " if token.startswith(("--", "/*")) else token)
        i = end
    out.append(text[i:])
    return "".join(out)


_COMMENT_NULL = re.compile(r"\s+is\s+null\s*$", re.IGNORECASE)
_DYNAMIC_SQL = re.compile(r"\bexecute\b", re.IGNORECASE)
_DO_BODY = re.compile(r"^do\s+(?:language\s+\w+\s+)?(\$[A-Za-z_]*\$)", re.IGNORECASE)
_DDL_HEAD = re.compile(
    r"\b(alter\s+table|alter\s+index|create\s+(?:unique\s+)?index|create\s+table|comment\s+on|drop\s+(?:table|index)|(?:create|alter|drop)\s+type)\b",
    re.IGNORECASE,
)


def _do_block_operations(
    statement: RawStatement, text: str, index: LineIndex, dialect: str, default_schema: str
) -> list:
    """The DDL statements inside a PL/pgSQL `DO` block, as one `Guarded` operation. Statements
    built as strings for EXECUTE are not seen."""
    pos = (statement.line, statement.col)
    head = _DO_BODY.match(statement.text)
    body_end = statement.text.find(head.group(1), head.end()) if head else -1
    if head is None or body_end < 0:
        return [ops.Unknown("a DO block the reader cannot read: what it creates or changes is not known", pos)]
    body_start = head.end()
    body = statement.text[body_start:body_end]
    unknown: list[ops.Unknown] = []
    if _DYNAMIC_SQL.search(_blank_quoted(body, dialect)):
        unknown += [
            ops.Unknown(
                "this DO block runs SQL built at run time (EXECUTE): what it creates or changes is not known", pos
            )
        ]
    found: list[ops.Operation] = []
    for piece in split_statements(body, dialect):
        blanked = _blank_quoted(piece.text, dialect)
        match = _DDL_HEAD.search(blanked)
        if match is None:
            continue
        offset = statement.offset + body_start + piece.offset + match.start()
        line, col = index.position(offset)
        inner = RawStatement(piece.text[match.start() :], offset, line, col)
        found.extend(
            op
            for op in _statement_operations(inner, text, index, dialect, default_schema)
            if not isinstance(op, ops.Problem)
        )
    return ([ops.Guarded(tuple(found), pos)] if found else []) + unknown


_RELATION_HEAD = re.compile(
    r"^create\s+(?:or\s+replace\s+)?(?:(?:temp|temporary|unlogged|recursive)\s+)*(materialized\s+view|view|sequence)\s+(if\s+not\s+exists\s+)?",
    re.IGNORECASE,
)


_QNAME = rf"(?P<name>{_NAME}(?:\s*\.\s*{_NAME})?)"
_LABEL = r"'((?:[^']|'')*)'"
_CREATE_ENUM = re.compile(rf"^create\s+type\s+{_QNAME}\s+as\s+enum\s*\((?P<labels>.*)\)\s*$", re.IGNORECASE | re.DOTALL)
_ADD_VALUE = re.compile(
    rf"^alter\s+type\s+{_QNAME}\s+add\s+value\s+(?P<exists>if\s+not\s+exists\s+)?{_LABEL}"
    rf"(?:\s+(?P<where>before|after)\s+{_LABEL})?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_RENAME_VALUE = re.compile(
    rf"^alter\s+type\s+{_QNAME}\s+rename\s+value\s+{_LABEL}\s+to\s+{_LABEL}\s*$", re.IGNORECASE | re.DOTALL
)
_DROP_TYPE = re.compile(
    rf"^drop\s+type\s+(?P<exists>if\s+exists\s+)?(?P<names>{_NAME}(?:\s*\.\s*{_NAME})?(?:\s*,\s*{_NAME}(?:\s*\.\s*{_NAME})?)*)"
    r"\s*(?P<mode>cascade|restrict)?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def _qualified(text: str) -> ops.QualifiedName:
    parts = [_name(p.strip()) for p in re.findall(rf"{_NAME}", text)]
    return ops.QualifiedName(parts[-1], parts[0] if len(parts) == 2 else None)


def _labels(text: str) -> tuple[str, ...] | None:
    """The labels of `'a', 'b'`, or None when the list is not only string constants."""
    items = [item.strip() for item in re.split(r",(?=(?:[^']*'[^']*')*[^']*$)", text)] if text.strip() else []
    labels = []
    for item in items:
        match = re.fullmatch(_LABEL, item)
        if match is None:
            return None
        labels.append(match.group(1).replace("''", "'"))
    return tuple(labels)


def _type_operations(statement: RawStatement, dialect: str) -> list:
    """Enum types (the rest of CREATE/ALTER/DROP TYPE changes no table): `export` creates them
    before the tables whose columns use them."""
    pos = (statement.line, statement.col)
    if dialect != "postgres":
        return []
    text = statement.text.strip()
    if match := _CREATE_ENUM.match(text):
        labels = _labels(match.group("labels"))
        if labels is None:
            return [ops.Problem("cannot read the labels of this enum type, skipped", pos)]
        return [ops.CreateEnum(_qualified(match.group("name")), labels, pos)]
    if match := _ADD_VALUE.match(text):
        _, _, label, where, other = match.groups()
        return [
            ops.AlterEnum(
                _qualified(match.group("name")),
                "add",
                label.replace("''", "'"),
                pos,
                other=other.replace("''", "'") if other is not None else None,
                after=(where or "").lower() != "before",
                if_not_exists=bool(match.group("exists")),
            )
        ]
    if match := _RENAME_VALUE.match(text):
        old, new = match.groups()[1:3]
        return [
            ops.AlterEnum(
                _qualified(match.group("name")), "rename", old.replace("''", "'"), pos, other=new.replace("''", "'")
            )
        ]
    if match := _DROP_TYPE.match(" ".join(_blank_quoted_comments(text, dialect).split())):
        if (match.group("mode") or "").lower() == "cascade":
            return [
                ops.Unknown(
                    "DROP ... CASCADE also drops the columns, defaults and constraints that use what it drops: which ones is not followed",
                    pos,
                )
            ]
        names = re.findall(rf"{_NAME}(?:\s*\.\s*{_NAME})?", match.group("names"))
        return [ops.DropEnum(tuple(_qualified(n) for n in names), bool(match.group("exists")), pos)]
    return []


def _relation_operations(statement: RawStatement, index: LineIndex, dialect: str, default_schema: str) -> list:
    """The name a CREATE SEQUENCE / VIEW takes: only the head is given to sqlglot, the body of a
    view is none of the linter's business."""
    head = _RELATION_HEAD.match(statement.text)
    if head is None:
        return []
    kind = "sequence" if head.group(1).lower() == "sequence" else "view"
    name_text = statement.text[head.end() : _name_end(statement.text, head.end(), dialect)]
    try:
        tree = sqlglot.parse_one(f"DROP TABLE {name_text}", read=dialect)
    except SqlglotError:
        return []
    tables = tree.args.get("tables") or [] if isinstance(tree, exp.Drop) else []
    if not tables:
        return []
    builder = _Builder(statement, index, dialect, default_schema)
    name = builder.table_name(tables[0])
    replace = bool(re.match(r"\s*create\s+or\s+replace\b", statement.text, re.IGNORECASE))
    uses = builder.view_uses(statement.text[head.end() :]) if kind == "view" else ()
    return [ops.CreateRelation(name, kind, bool(head.group(2)), (statement.line, statement.col), replace, uses)]


def _plain_comment_string(statement: RawStatement, dialect: str) -> RawStatement:
    """COMMENT ... IS with the text after IS in the one form sqlglot's parser takes, a plain string.

    `IS NULL` removes a comment, as `IS ''` does. An escape string (`E'it''s\\n'`, which the DDL
    printers write for text with backslashes, as PostgreSQL's quote_literal() does) is decoded by
    sqlglot's tokenizer by PostgreSQL's rules and written back as a plain string.
    """
    text = statement.text
    if _COMMENT_NULL.search(text):
        text = _COMMENT_NULL.sub(" IS ''", text)
    elif dialect == "postgres" and re.search(r"\bis\s+e'", text, re.IGNORECASE):
        try:
            tokens = _dialect(dialect).tokenize(text)
        except SqlglotError:
            return statement  # the parse reports it
        while tokens and tokens[-1].token_type == TokenType.SEMICOLON:
            tokens.pop()
        if (
            len(tokens) >= 2
            and tokens[-2].token_type == TokenType.IS
            and tokens[-1].token_type == TokenType.BYTE_STRING
        ):
            literal = tokens[-1]
            plain = "'" + literal.text.replace("'", "''") + "'"
            text = text[: literal.start] + plain + text[literal.end + 1 :]
    if text == statement.text:
        return statement
    return RawStatement(text, statement.offset, statement.line, statement.col)


_DIALECTS: dict[str, Dialect] = {}


def _dialect(name: str) -> Dialect:
    """One sqlglot Dialect per name: `sqlglot.parse(read=...)` builds a new one per call."""
    if name not in _DIALECTS:
        _DIALECTS[name] = POSTGRES if name == "postgres" else Dialect.get_or_raise(name)
    return _DIALECTS[name]


def _first_line(message: str) -> str:
    first = message.strip().splitlines()[0] if message.strip() else "syntax error"
    return re.sub(r"\x1b\[[0-9;]*m", "", first)


class _Unsupported(Exception):
    """A statement whose shape the reader does not know: reported, never a crash."""


class _Builder:
    """Turns one parsed statement into operations."""

    def __init__(self, statement: RawStatement, index: LineIndex, dialect: str, default_schema: str) -> None:
        self.statement = statement
        self.index = index
        self.dialect = dialect
        self.default_schema = default_schema
        self.trees = TreeBuilder(self.ident, self.type_of, self._timestamp_spellings(), dialect)

    # ------------------------------------------------------------------ helpers

    def pos_of(self, node: exp.Expression | None) -> ops.Pos:
        """The position of the first identifier in `node`, else of the statement."""
        if node is not None:
            for identifier in node.find_all(exp.Identifier) if not isinstance(node, exp.Identifier) else [node]:
                start = identifier.meta.get("start") if identifier.meta else None
                if start is not None:
                    return self.index.position(self.statement.offset + start)
        return (self.statement.line, self.statement.col)

    def at(self, offset: int) -> ops.Pos:
        return self.index.position(self.statement.offset + offset)

    def ident(self, node: exp.Expression | str | None) -> str:
        """A name as the database stores it: unquoted PostgreSQL names fold to lower case."""
        if node is None:
            return ""
        if isinstance(node, str):
            return truncate_identifier(node.lower()) if self.dialect == "postgres" else node
        if isinstance(node, exp.Identifier):
            name = node.this
            if self.dialect == "postgres" and not node.quoted:
                name = name.lower()
            return truncate_identifier(name) if self.dialect == "postgres" else name
        if isinstance(node, (exp.Column, exp.Table)):
            return self.ident(node.this)
        return self.ident(node.name)

    def table_name(self, node: exp.Expression) -> ops.QualifiedName:
        if isinstance(node, exp.Schema):
            node = node.this
        if not isinstance(node, exp.Table):
            raise _Unsupported("expected a table name")
        db = node.args.get("db")
        schema = self.ident(db) if db is not None else None
        return ops.QualifiedName(self.ident(node.this), schema)

    def type_of(self, node: exp.Expression | None) -> str:
        if node is None:
            return "unknown"
        return type_spelling(node, self.dialect, self.default_schema)

    def _timestamp_spellings(self) -> Iterator[str]:
        """now() and CURRENT_TIMESTAMP, in statement order: sqlglot reads both as one node,
        PostgreSQL prints them apart."""
        if not _TIMESTAMP_SPELLING.search(self.statement.text):
            return iter(())
        blanked = _blank_quoted(self.statement.text, self.dialect)
        spellings = []
        for match in _TIMESTAMP_SPELLING.finditer(blanked):
            word = match.group(1).lower()
            spellings.append(
                "now"
                if word.startswith("now")
                else ("transaction_timestamp" if word.startswith("trans") else "CURRENT_TIMESTAMP")
            )
        return iter(spellings)

    # ------------------------------------------------------------------ statements

    def build(self, tree: exp.Expression, kind: str) -> list:
        if kind == "create_table":
            return self.create_table(tree)
        if kind == "create_index":
            return self.create_index(tree)
        if kind in ("alter_table", "alter_index"):
            return self.alter(tree, kind)
        if kind in ("drop", "drop_relation"):
            return self.drop(tree)
        if kind == "comment":
            return self.comment(tree)
        return []

    def create_table(self, tree: exp.Expression) -> list:
        if not isinstance(tree, exp.Create):
            return []
        pos = (self.statement.line, self.statement.col)
        table = self.table_name(tree.this)
        properties = tree.args.get("properties")
        borrowed = not isinstance(tree.this, exp.Schema) or any(
            isinstance(e, exp.LikeProperty) for e in tree.this.expressions
        )
        borrowed = (
            borrowed
            or properties is not None
            and any(isinstance(p, exp.InheritsProperty) for p in properties.expressions)
        )
        if borrowed:
            # AS / LIKE / INHERITS / PARTITION OF: the table exists; its columns come from elsewhere.
            written = tuple(
                self.column(e, self.pos_of(e))
                for e in getattr(tree.this, "expressions", [])
                if isinstance(e, exp.ColumnDef)
            )
            message = "CREATE TABLE ... AS / LIKE / INHERITS / PARTITION OF takes columns, keys and indexes from elsewhere: they are not read"
            create = ops.CreateTable(table, bool(tree.args.get("exists")), written, (), pos)
            return [create, ops.Unknown(message, pos, table, _TABLE_PARTS)]
        if self._has_empty_element():
            raise _Unsupported("an empty element in the column list (a trailing comma?), which PostgreSQL rejects")
        pieces = self._body_pieces()
        elements = list(tree.this.expressions)
        columns, constraints, indexes = [], [], []
        unknown: list[ops.Unknown] = []
        for number, element in enumerate(elements):
            piece = pieces[number] if len(pieces) == len(elements) else None
            pos = self.at(piece[0]) if piece else self.pos_of(element)
            if isinstance(element, exp.ColumnDef):
                columns.append(self.column(element, pos, piece[1] if piece else None))
            elif isinstance(element, exp.Identifier) and self.dialect == "sqlite":
                columns.append(ops.ColumnSpec(self.ident(element), "", pos=pos))  # a column without a declared type
            elif isinstance(element, exp.IndexColumnConstraint):
                indexes.append(self.inline_index(element, table, pos))
            else:
                found = self.table_constraints(element, pos)
                constraints.extend(found)
                if not found and not unknown:
                    unknown.append(ops.Unknown(_UNREAD_CONSTRAINT, pos, table, ("constraints",)))
        create = ops.CreateTable(
            table,
            bool(tree.args.get("exists")),
            tuple(columns),
            tuple(constraints),
            (self.statement.line, self.statement.col),
        )
        return [create, *indexes, *unknown]

    def inline_index(self, node: exp.IndexColumnConstraint, table: ops.QualifiedName, pos: ops.Pos) -> ops.CreateIndex:
        """MySQL's `KEY name (cols)` inside CREATE TABLE."""
        parts = tuple(ops.IndexPart(self.ident(c.this if isinstance(c, exp.Ordered) else c)) for c in node.expressions)
        name = self.ident(node.this) if node.this is not None else None
        return ops.CreateIndex(name, table, False, True, "btree", parts, pos=pos)

    def _has_empty_element(self) -> bool:
        """sqlglot accepts `(a int,)`; PostgreSQL does not."""
        text = self.statement.text
        open_at = _first_paren(text, self.dialect)
        if open_at < 0:
            return False
        close_at = _matching(text, open_at, self.dialect)
        commas = [i for i in _top_level_commas(text, open_at + 1, close_at, self.dialect)]
        bounds = [open_at] + commas + [close_at]
        return len(bounds) > 2 and any(
            first_significant(text, a + 1, self.dialect) >= b for a, b in zip(bounds, bounds[1:])
        )

    def _body_pieces(self) -> list[tuple[int, int]]:
        """(start, end) offsets in the statement of each element of a CREATE TABLE's body."""
        text = self.statement.text
        open_at = _first_paren(text, self.dialect)
        if open_at < 0:
            return []
        close_at = _matching(text, open_at, self.dialect)
        return top_level_pieces(text, open_at + 1, close_at, self.dialect)

    def column(self, node: exp.ColumnDef, pos: ops.Pos, end: int | None = None) -> ops.ColumnSpec:
        name = self.ident(node.this)
        kind = node.args.get("kind")
        spelled = self.type_of(kind)
        if self.dialect == "sqlite":
            spelled = self.written_type(node, end) or spelled
        serial = _is_serial(kind)
        not_null = False
        default = identity = generated = None
        inline: list[ops.ConstraintSpec] = []
        for constraint in node.args.get("constraints") or []:
            what = constraint.args.get("kind")
            cname = self.ident(constraint.this) if constraint.this is not None else None
            if isinstance(what, exp.NotNullColumnConstraint):
                not_null = not what.args.get("allow_null")
            elif isinstance(what, exp.DefaultColumnConstraint):
                default = (
                    self.expr(what.this) if self.dialect == "postgres" else dialect_default(what.this, self.dialect)
                )
            elif isinstance(what, exp.PrimaryKeyColumnConstraint):
                inline.append(ops.ConstraintSpec("primary", cname, (name,), pos=pos))
            elif isinstance(what, exp.UniqueColumnConstraint):
                inline.append(
                    ops.ConstraintSpec("unique", cname, (name,), nulls_distinct=not what.args.get("nulls"), pos=pos)
                )
            elif isinstance(what, exp.CheckColumnConstraint):
                inline.append(ops.ConstraintSpec("check", cname, (), expression=self.expr(what.this), pos=pos))
            elif isinstance(what, exp.Reference):
                inline.append(ops.ConstraintSpec("foreign", cname, (name,), references=self.reference(what), pos=pos))
            elif isinstance(what, exp.GeneratedAsIdentityColumnConstraint):
                if what.args.get("expression") is not None:
                    generated = self.expr(what.args["expression"])
                else:
                    identity = "always" if what.args.get("this") else "by default"
            elif isinstance(what, exp.ComputedColumnConstraint):
                generated = self.expr(what.this)
            elif isinstance(what, exp.AutoIncrementColumnConstraint):
                serial = True
        return ops.ColumnSpec(name, spelled, serial, not_null, default, identity, generated, tuple(inline), pos)

    def written_type(self, node: exp.ColumnDef, end: int | None) -> str | None:
        """The declared type exactly as written after the column name (SQLite keeps it so)."""
        meta = node.this.meta if isinstance(node.this, exp.Identifier) else None
        if not meta or meta.get("end") is None:
            return None
        text = self.statement.text
        start = meta["end"] + 1
        stop = len(text) if end is None else end
        match = _TYPE_WORDS.match(text, start, stop)
        if match is None or not match.group(0).strip():
            return None
        return " ".join(match.group(0).lower().split()).replace(" (", "(").replace(", ", ",")

    def reference(self, node: exp.Reference) -> ops.ReferenceSpec:
        target = node.this
        columns: tuple[str, ...] = ()
        if isinstance(target, exp.Schema):
            columns = tuple(self.ident(c) for c in target.expressions)
            target = target.this
        table = self.table_name(target)
        on_delete = on_update = "NO ACTION"
        deferrable = deferred = False
        for option in node.args.get("options") or []:
            text = " ".join(str(option).upper().split())
            if text.startswith("ON DELETE "):
                on_delete = text[len("ON DELETE ") :]
            elif text.startswith("ON UPDATE "):
                on_update = text[len("ON UPDATE ") :]
            elif text == "DEFERRABLE":
                deferrable = True
            elif text == "INITIALLY DEFERRED":
                deferred = True
        return ops.ReferenceSpec(table, columns, on_delete, on_update, deferrable, deferred)

    def table_constraints(self, node: exp.Expression, pos: ops.Pos) -> list[ops.ConstraintSpec]:
        name = None
        parts = [node]
        if isinstance(node, exp.Constraint):
            name = self.ident(node.this)
            parts = list(node.expressions)
        found = []
        for part in parts:
            spec = self.constraint(part, name, pos)
            if spec is not None:
                found.append(spec)
        return found

    def constraint(self, node: exp.Expression, name: str | None, pos: ops.Pos) -> ops.ConstraintSpec | None:
        if isinstance(node, (exp.PrimaryKey, exp.PrimaryKeyColumnConstraint)):
            return ops.ConstraintSpec("primary", name, self._names(node.expressions), pos=pos)
        if isinstance(node, exp.UniqueColumnConstraint):
            schema = node.this
            columns = self._names(schema.expressions) if isinstance(schema, exp.Schema) else ()
            if isinstance(schema, exp.Schema) and isinstance(schema.this, exp.Identifier):
                name = name or self.ident(schema.this)  # MySQL: UNIQUE KEY name (cols)
            return ops.ConstraintSpec("unique", name, columns, nulls_distinct=not node.args.get("nulls"), pos=pos)
        if isinstance(node, exp.CheckColumnConstraint):
            return ops.ConstraintSpec("check", name, (), expression=self.expr(node.this), pos=pos)
        if isinstance(node, exp.ForeignKey):
            reference = node.args.get("reference")
            spec = self.reference(reference) if reference is not None else None
            if spec is not None:
                options = node.args.get("delete"), node.args.get("update")
                spec = ops.ReferenceSpec(
                    spec.table,
                    spec.columns,
                    str(options[0]).upper() if options[0] else spec.on_delete,
                    str(options[1]).upper() if options[1] else spec.on_update,
                    spec.deferrable,
                    spec.initially_deferred,
                )
            return ops.ConstraintSpec("foreign", name, self._names(node.expressions), references=spec, pos=pos)
        return None  # EXCLUDE, LIKE, ...: not modelled

    def _names(self, nodes) -> tuple[str, ...]:
        names = []
        for node in nodes or []:
            if isinstance(node, exp.Ordered):
                node = node.this
            names.append(self.ident(node))
        return tuple(names)

    # ------------------------------------------------------------------ CREATE INDEX

    def create_index(self, tree: exp.Expression) -> list:
        if not isinstance(tree, exp.Create) or not isinstance(tree.this, exp.Index):
            raise _Unsupported("not a CREATE INDEX")
        index = tree.this
        params = index.args.get("params")
        table_node = index.args.get("table")
        if table_node is None or params is None:
            raise _Unsupported("CREATE INDEX without a table")
        table = self.table_name(table_node)
        parts = []
        for column in params.args.get("columns") or []:
            desc = bool(column.args.get("desc")) if isinstance(column, exp.Ordered) else False
            inner = column.this if isinstance(column, exp.Ordered) else column
            opclass = None
            if isinstance(inner, exp.Opclass):
                opclass = inner.expression.name.lower()
                inner = inner.this
            while isinstance(inner, exp.Paren):
                inner = inner.this
            if isinstance(inner, exp.Column) and not inner.args.get("table"):
                parts.append(ops.IndexPart(self.ident(inner.this), None, desc, opclass))
            else:
                parts.append(ops.IndexPart(None, self.expr(inner), desc, opclass))
        using = params.args.get("using")
        where = params.args.get("where")
        include = tuple(self.ident(i) for i in params.args.get("include") or [])
        name = self.ident(index.this) if index.this is not None else None
        return [
            ops.CreateIndex(
                name=name,
                table=table,
                unique=bool(tree.args.get("unique")),
                if_not_exists=bool(tree.args.get("exists")),
                using=(using.name.lower() if using is not None else "btree"),
                parts=tuple(parts),
                where=self.expr(where.this) if where is not None else None,
                include=include,
                pos=(self.statement.line, self.statement.col),
            )
        ]

    # ------------------------------------------------------------------ ALTER

    def alter(self, tree: exp.Expression, kind: str) -> list:
        if isinstance(tree, exp.Command):
            return self.alter_by_action(kind)
        if not isinstance(tree, exp.Alter):
            return []
        pos = (self.statement.line, self.statement.col)
        if kind == "alter_index":
            renames = [a for a in tree.args.get("actions") or [] if isinstance(a, exp.AlterRename)]
            if not renames:
                return []
            return [
                ops.RenameIndex(
                    self.table_name(tree.this), self.ident(renames[0].this.this), bool(tree.args.get("exists")), pos
                )
            ]
        if (tree.args.get("kind") or "TABLE").upper() != "TABLE":
            return []
        actions = []
        for action in tree.args.get("actions") or []:
            actions.extend(self.alter_action(action))
        if not actions:
            return []
        return [ops.AlterTable(self.table_name(tree.this), bool(tree.args.get("exists")), tuple(actions), pos)]

    def alter_action(self, action: exp.Expression) -> list:
        pos = self.pos_of(action)
        if isinstance(action, exp.ColumnDef):
            return [ops.AddColumn(self.column(action, pos), bool(action.args.get("exists")), pos)]
        if isinstance(action, exp.Drop):
            kind = (action.args.get("kind") or "").upper()
            targets = action.args.get("tables") or []
            if kind == "COLUMN":
                cascade = bool(action.args.get("cascade"))
                return [ops.DropColumn(self.ident(t), bool(action.args.get("exists")), pos, cascade) for t in targets]
            if kind == "CONSTRAINT":
                return [ops.DropConstraint(self.ident(t), bool(action.args.get("exists")), pos) for t in targets]
            return [self.unknown_action(f"ALTER TABLE ... DROP {kind or '...'}", pos)]
        if isinstance(action, exp.AlterColumn):
            return [self.alter_column(action, pos)]
        if isinstance(action, exp.RenameColumn):
            return [ops.RenameColumn(self.ident(action.this), self.ident(action.args.get("to")), pos)]
        if isinstance(action, exp.AlterRename):
            return [ops.RenameTable(self.ident(action.this), pos)]
        if isinstance(action, exp.AddConstraint):
            found = []
            for node in action.expressions:
                found += [ops.AddConstraint(c, pos) for c in self.table_constraints(node, pos)]
            return found or [ops.Unknown(_UNREAD_CONSTRAINT, pos, None, ("constraints",))]
        if isinstance(action, exp.AlterSet):
            return []  # SET (...), SET TABLESPACE, SET LOGGED: no schema fact
        return [self.unknown_action(f"ALTER TABLE action {type(action).__name__}", pos)]

    def unknown_action(self, what: str, pos: ops.Pos, column: str | None = None) -> ops.Unknown:
        """An ALTER TABLE action whose effect the reader does not know: the table's (or the
        column's) facts it may change become unknown."""
        parts = _COLUMN_PARTS if column else _TABLE_PARTS
        return ops.Unknown(
            f"{what} is not interpreted: what it changes in the table is not known", pos, None, parts, column
        )

    def alter_column(self, action: exp.AlterColumn, pos: ops.Pos) -> ops.AlterColumn | ops.Unknown:
        name = self.ident(action.this)
        if action.args.get("dtype") is not None:
            return ops.AlterColumn(name, "type", type=self.type_of(action.args["dtype"]), pos=pos)
        if "allow_null" in action.args and action.args.get("allow_null") is not None:
            return ops.AlterColumn(name, "drop_not_null" if action.args["allow_null"] else "set_not_null", pos=pos)
        if action.args.get("drop"):
            return ops.AlterColumn(name, "drop_default", pos=pos)
        if action.args.get("default") is not None:
            return ops.AlterColumn(name, "set_default", default=self.expr(action.args["default"]), pos=pos)
        return self.unknown_action(f"ALTER COLUMN {name}", pos, name)

    def alter_by_action(self, kind: str) -> list:
        """sqlglot gives up on a whole ALTER TABLE when one action is unusual (`ADD CHECK`,
        `OWNER TO`): read each action alone, as its own ALTER TABLE."""
        text = self.statement.text
        head = re.match(r"\s*alter\s+(table|index)\s+(if\s+exists\s+)?(only\s+)?", text, re.IGNORECASE)
        if head is None or kind != "alter_table":
            return []
        name_end = _name_end(text, head.end(), self.dialect)
        prefix = text[:name_end]
        actions: list[ops.AlterAction] = []
        table = None
        for start, end in top_level_pieces(text, name_end, len(text), self.dialect):
            piece = text[start:end]
            renamed = _RENAME_CONSTRAINT.match(piece)
            if renamed:
                old, new = (_unquote(n) if n.startswith('"') else self.ident(n) for n in renamed.groups())
                actions.append(ops.RenameConstraint(old, new, self.at(start)))
                continue
            identity = _ADD_IDENTITY.match(piece)
            if identity:
                actions.append(self.add_identity(identity, self.at(start)))
                continue
            flat = " ".join(_blank_quoted(piece, self.dialect).split()).lower()
            if any(re.match(p, flat) for p in HARMLESS_ALTER_ACTIONS):
                continue
            piece = re.sub(r"^add\s+check\b", "ADD CONSTRAINT schemalint__unnamed CHECK", piece, flags=re.IGNORECASE)
            try:
                tree = sqlglot.parse_one(f"{prefix} {piece}", read=self.dialect)
            except SqlglotError:
                tree = None
            if not isinstance(tree, exp.Alter) or not tree.args.get("actions"):
                what = f"ALTER TABLE action {' '.join(flat.split()[:3]).upper()}"
                if flat.startswith("set schema "):
                    actions.append(
                        ops.Unknown(
                            f"{what} moves the table: where it ends up is not followed",
                            self.at(start),
                            None,
                            ("exists",),
                        )
                    )
                    continue
                column = _ALTER_COLUMN.match(piece)
                name = _name_token(column.group(1), self.ident) if column else None
                actions.append(self.unknown_action(what, self.at(start), name))
                continue
            table = table or self.table_name(tree.this)
            for action in tree.args.get("actions") or []:
                for op in self.alter_action(action):
                    actions.append(_unname(_repositioned(op, self.at(start))))
        if table is None and actions:
            table = self._table_from_prefix(prefix)
        if not actions or table is None:
            return []
        return [ops.AlterTable(table, bool(head.group(2)), tuple(actions), (self.statement.line, self.statement.col))]

    def add_identity(self, match: re.Match, pos: ops.Pos) -> ops.AlterColumn:
        sequence = None
        named = _SEQUENCE_NAME.search(match.group("options") or "")
        if named:
            as_drop = f"DROP TABLE {named.group(1)}"
            tables = sqlglot.parse_one(as_drop, read=self.dialect).args.get("tables") or []
            sequence = self.table_name(tables[0]) if tables else None
        identity = "always" if match.group("kind").lower() == "always" else "by default"
        return ops.AlterColumn(
            _name_token(match.group("column"), self.ident),
            "add_identity",
            pos=pos,
            identity=identity,
            sequence=sequence,
        )

    def _table_from_prefix(self, prefix: str) -> ops.QualifiedName | None:
        as_drop = re.sub(r"^\s*alter\s+table\s+(if\s+exists\s+)?(only\s+)?", "DROP TABLE ", prefix, flags=re.IGNORECASE)
        try:
            tree = sqlglot.parse_one(as_drop, read=self.dialect)
        except SqlglotError:
            return None
        tables = tree.args.get("tables") if isinstance(tree, exp.Drop) else None
        return self.table_name(tables[0]) if tables else None

    def view_uses(self, definition: str) -> tuple:
        """The tables and columns a view's query reads, per sqlglot's scopes. A query sqlglot
        cannot read gives no uses: the view then never blocks an ALTER (no false SL402)."""
        from sqlglot.optimizer.scope import traverse_scope

        body = re.sub(r"^.*?\bas\b", "", definition, count=1, flags=re.IGNORECASE | re.DOTALL)
        try:
            query = _dialect(self.dialect).parse(body)[0]
            scopes = traverse_scope(query) if query is not None else []
        except Exception:  # any query sqlglot cannot scope
            return ()
        uses: list[tuple] = []
        for scope in scopes:
            tables = {alias: source for alias, source in scope.sources.items() if isinstance(source, exp.Table)}
            uses += [("table", self.table_name(t)) for t in tables.values()]
            uses += self._projection_stars(scope, tables)
            for column in scope.columns:
                uses += self._column_use(scope, column, tables)
        return tuple(dict.fromkeys(uses))

    def _projection_stars(self, scope, tables: dict) -> list[tuple]:
        if not isinstance(scope.expression, exp.Select):
            return []
        found = []
        for projection in scope.expression.expressions:
            if isinstance(projection, exp.Star):
                found += [("star", self.table_name(t)) for t in tables.values()]
            elif isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
                source = tables.get(projection.table)
                if source is not None:
                    found.append(("star", self.table_name(source)))
        return found

    def _column_use(self, scope, column: exp.Column, tables: dict) -> list[tuple]:
        name = self.ident(column.this)
        if column.table:
            while scope is not None:
                source = scope.sources.get(column.table)
                if source is not None:
                    return [("column", self.table_name(source), name)] if isinstance(source, exp.Table) else []
                scope = scope.parent
            return []
        candidates = tuple(self.table_name(t) for t in tables.values())
        return [("unqualified", candidates, name)] if candidates else []

    # ------------------------------------------------------------------ DROP, COMMENT

    def drop(self, tree: exp.Expression) -> list:
        if not isinstance(tree, exp.Drop):
            return []
        kind = (tree.args.get("kind") or "").lower()
        if kind not in ("table", "index", "view", "sequence"):
            return []
        names = tuple(self.table_name(t) for t in tree.args.get("tables") or [])
        return [
            ops.DropObjects(
                kind,
                names,
                bool(tree.args.get("exists")),
                bool(tree.args.get("cascade")),
                (self.statement.line, self.statement.col),
            )
        ]

    def comment(self, tree: exp.Expression) -> list:
        if not isinstance(tree, exp.Comment):
            return []
        kind = (tree.args.get("kind") or "").lower()
        value = tree.args.get("expression")
        # A plain string, or a dollar-quoted one ($$...$$); '' removes the comment.
        text = None
        if isinstance(value, exp.RawString) or (isinstance(value, exp.Literal) and value.is_string):
            text = value.this or None
        pos = (self.statement.line, self.statement.col)
        target = tree.this
        if kind == "table" and isinstance(target, exp.Table):
            return [ops.Comment("table", self.table_name(target), None, text, pos)]
        if kind == "column" and isinstance(target, exp.Column):
            table_node = exp.Table(this=target.args.get("table"), db=target.args.get("db"))
            return [ops.Comment("column", self.table_name(table_node), self.ident(target.this), text, pos)]
        return []

    # ------------------------------------------------------------------ expressions

    def expr(self, node: exp.Expression | None):
        """The picklable tree of an expression (see render.Resolver for the node kinds)."""
        if node is None:
            return None
        try:
            return self.trees.build(node)
        except RecursionError:
            return ("raw", "...")


# A SQLite type name: words and one parenthesised argument list, up to the first constraint.
_TYPE_WORDS = re.compile(
    r"\s*((?!(?:constraint|primary|not|null|unique|check|default|collate|references|generated|as|autoincrement)\b)"
    r"[A-Za-z_][A-Za-z0-9_]*\s*)+(\(\s*[-+0-9.,\s]*\))?",
    re.IGNORECASE,
)


def dialect_default(node: exp.Expression, dialect: str):
    """A default as MySQL (information_schema COLUMN_DEFAULT: the bare value) or SQLite
    (PRAGMA table_info: the text as written) report it."""
    while isinstance(node, exp.Paren) and dialect == "mysql":
        node = node.this
    if isinstance(node, exp.Null):
        return ("null",)
    if dialect == "mysql":
        if isinstance(node, exp.Literal):
            return ("raw", node.this)
        if isinstance(node, exp.Boolean):
            return ("raw", "1" if node.this else "0")
        if isinstance(node, exp.CurrentTimestamp):
            precision = node.this.name if node.this is not None else ""
            return ("raw", f"CURRENT_TIMESTAMP({precision})" if precision else "CURRENT_TIMESTAMP")
    return ("raw", node.sql(dialect=dialect))


def _is_serial(kind: exp.Expression | None) -> bool:
    if not isinstance(kind, exp.DataType):
        return False
    name = kind.this.name if hasattr(kind.this, "name") else str(kind.this)
    if name.upper() in ("SERIAL", "BIGSERIAL", "SMALLSERIAL"):
        return True
    if name.upper() == "USERDEFINED":
        return str(kind.args.get("kind") or "").lower() in ("serial4", "serial8", "serial2")
    return False


def _repositioned(op, pos: ops.Pos):
    return op.__class__(**{**{f: getattr(op, f) for f in op.__slots__}, "pos": pos}) if hasattr(op, "pos") else op


def _unname(op):
    """Undo the placeholder name given to `ADD CHECK (...)` so that it can be parsed."""
    if isinstance(op, ops.AddConstraint) and op.constraint.name == "schemalint__unnamed":
        spec = op.constraint
        fields = {f: getattr(spec, f) for f in spec.__slots__}
        fields["name"] = None
        return ops.AddConstraint(ops.ConstraintSpec(**fields), op.pos)
    return op


_UNREAD_CONSTRAINT = "a constraint the reader does not model (EXCLUDE, ...): the table's constraints are not all known"

# ALTER TABLE actions that change no column, key or index: skipped quietly. Matched against the
# action with comments and quoted text blanked, lowercased, spaces collapsed.
HARMLESS_ALTER_ACTIONS = (
    r"owner to ",
    r"(enable|disable|force|no force) ",
    r"set (tablespace|logged|unlogged|without|with|access method|\()",
    r"reset \(",
    r"cluster on ",
    r"replica identity ",
    r"validate constraint ",
    r"inherit ",
    r"no inherit ",
    r"(alter )?(column )?\S+ (set|reset) (statistics|storage|compression|\()",
    r"(attach|detach) partition ",
)
_TABLE_PARTS = ("columns", "primary_key", "foreign_keys", "indexes", "constraints")
_COLUMN_PARTS = ("type", "nullable", "default", "identity", "generated")
_ALTER_COLUMN = re.compile(r'^alter\s+(?:column\s+)?(?!constraint\s)("(?:[^"]|"")+"|[^\s"]+)', re.IGNORECASE)
_ADD_IDENTITY = re.compile(
    r'^alter\s+(?:column\s+)?(?P<column>"(?:[^"]|"")+"|[\w$]+)\s+add\s+generated\s+(?P<kind>always|by\s+default)\s+as\s+identity'
    r"\s*(?:\((?P<options>.*)\))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SEQUENCE_NAME = re.compile(
    r'sequence\s+name\s+((?:"(?:[^"]|"")+"|[\w$]+)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[\w$]+))?)', re.IGNORECASE
)


def _name_token(token: str, ident) -> str:
    return _unquote(token) if token.startswith('"') else ident(token)


_RENAME_CONSTRAINT = re.compile(
    r'^rename\s+constraint\s+("(?:[^"]|"")+"|\w+)\s+to\s+("(?:[^"]|"")+"|\w+)\s*$', re.IGNORECASE
)


def _unquote(name: str) -> str:
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name


_NAME_RUN = re.compile(rf"(?:[A-Za-z0-9_$]|{WIDE})+")
_QUOTED_START = re.compile(r"--|/\*|['\"`#$]")


def _blank_quoted(text: str, dialect: str) -> str:
    """`text` with comments and quoted tokens replaced by spaces (offsets kept)."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        match = _QUOTED_START.search(text, i)
        if match is None:
            break
        at = match.start()
        end = skip_token(text, at, dialect)
        if end is None:
            out.append(text[i : at + 1])
            i = at + 1
            continue
        out.append(text[i:at])
        out.append(re.sub(r"[^\n]", " ", text[at:end]))
        i = end
    out.append(text[i:])
    return "".join(out)


def _top_level_commas(text: str, start: int, end: int, dialect: str) -> Iterator[int]:
    depth = 0
    for at, token in structure(text, start, end, dialect):
        if token in "([":
            depth += 1
        elif token in ")]":
            depth -= 1
        elif token == "," and depth == 0:
            yield at


def _first_paren(text: str, dialect: str) -> int:
    return next((at for at, token in structure(text, 0, len(text), dialect) if token == "("), -1)


def _matching(text: str, open_at: int, dialect: str) -> int:
    from schemalint.read.sql.split import matching_paren

    return matching_paren(text, open_at, dialect)


def _name_end(text: str, i: int, dialect: str) -> int:
    """The offset after a possibly qualified, possibly quoted name starting at `i`."""
    i = first_significant(text, i, dialect)
    n = len(text)
    while i < n:
        if text[i] in '"`':
            i = skip_token(text, i, dialect) or n
        else:
            match = _NAME_RUN.match(text, i)
            if not match:
                break
            i = match.end()
        if i < n and text[i] == ".":
            i += 1
            continue
        break
    return i

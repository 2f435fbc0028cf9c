"""The schema.sql writer: fixes as PostgreSQL statements in a hand-kept SQL file.

Two styles (`sql-fix-style`):

* `append` (the default; the convention of a cumulative, idempotent schema.sql): every change
  becomes statements that run twice without failing (`ADD COLUMN IF NOT EXISTS`,
  `CREATE INDEX IF NOT EXISTS`, constraints behind a `DO` block that looks in pg_constraint,
  drops with `IF EXISTS`, ...), appended at the end of the file under one dated block,
  `-- schemalint --fix (YYYY-MM-DD)`, framed by the file's own separator lines. A second run on
  the same date extends that block. When the file's header has a "Version history" section,
  it gains one line for the date.
* `inline` (schema.sql as a plain reference): the `CREATE TABLE` is edited in place — a new
  column is a line after its neighbour, aligned like it; a type, nullability or default change
  edits the column's line; a new table goes after the table it follows in the truth. What
  cannot be edited in place (indexes, constraints, comments, drops, renames, a table not
  created by a parenthesised CREATE TABLE in this file) is appended as in `append`.

A missing guard (SL401, `AddGuard`) is always fixed in place: `IF NOT EXISTS` / `IF EXISTS`
is added to the statement, or an `ADD CONSTRAINT` is wrapped in a guarding `DO` block.

Statements are found with the SQL reader's splitter (`schemalint.read.sql.split`): every
position used is that of a statement, or of a token inside one; the file is never searched
as a whole. The SQL text is printed by `schemalint.postgres.ddl`.

The writer reads the file with the SQL reader before writing (after the tables the mirror's
other files create, printed as a preamble, so that an ALTER of one of them reads as it does in
the project). A change the file already makes is not written again, so writing the same fixes
twice changes nothing. `parses` compares the SL402/SL403 problems of the new text with those
of the text the last `apply` was given: a fix is refused for the problems it adds, never for
those the file already had.

A rename is a `DO` block (rename when the old name exists and the new one does not), since
`ALTER TABLE IF EXISTS old RENAME TO new` fails on the second run of a cumulative script whose
`CREATE TABLE IF NOT EXISTS old` has created `old` again. That second run still leaves an
empty `old` behind: a cumulative script cannot express a rename exactly.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from schemalint.fix import (
    AddColumn,
    AddConstraint,
    AddForeignKey,
    AddGuard,
    AddIndex,
    AddTable,
    AlterColumn,
    Change,
    DropColumn,
    DropConstraint,
    DropForeignKey,
    DropIndex,
    DropTable,
    Fix,
    RemoveNoqa,
    RenameTable,
    SetTableComment,
)
from schemalint.fix.writers import WriteContext, Written
from schemalint.model import Column, Schema, Table
from schemalint.postgres import ddl
from schemalint.postgres.keywords import quote_ident
from schemalint.read.sql.split import (
    LineIndex,
    RawStatement,
    first_significant,
    matching_paren,
    skip_token,
    split_statements,
    top_level_pieces,
)

DIALECT = "postgres"
BLOCK_TITLE = "schemalint --fix ({date})"
DEFAULT_SEPARATOR = "-- " + "-" * 77

_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_\x80-\uffff][A-Za-z0-9_$\x80-\uffff]*)'
_QNAME = rf"(?P<name>{_NAME}(?:\s*\.\s*{_NAME})?)"
_CREATE_TABLE = re.compile(
    rf"^create\s+(?:(?:global|local)\s+)?(?:(?:temp|temporary|unlogged)\s+)?table\s+"
    rf"(?P<exists>if\s+not\s+exists\s+)?{_QNAME}\s*\(",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
# Words that end a column's type in its CREATE TABLE line (the column constraints).
_CONSTRAINT_WORDS = frozenset(
    {"constraint", "not", "null", "default", "primary", "unique", "references", "check", "generated", "collate"}
)
_TABLE_ITEM_WORDS = frozenset({"constraint", "primary", "unique", "check", "foreign", "exclude", "like"})

# The order appended statements run in: tables exist before their columns, columns before
# the indexes and keys on them, referenced tables before foreign keys, drops last.
_RANK_RENAME, _RANK_TABLE, _RANK_COLUMN, _RANK_ALTER, _RANK_DROP_KEY, _RANK_ADD, _RANK_FK = range(7)
_RANK_DROP_COLUMN, _RANK_DROP_TABLE, _RANK_COMMENT = 7, 8, 9


class CannotWrite(Exception):
    """A fix this writer cannot write (the reason is reported)."""


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


@dataclass
class _Result:
    edits: list[_Edit] = field(default_factory=list)
    appended: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Piece:
    """One item of a CREATE TABLE's list (a column or a table constraint)."""

    start: int
    end: int
    """The end of its text (before the `,` or `)` that follows, comments excluded)."""
    after: int
    """The offset of the `,` after it, or of the closing `)`."""
    column: str | None


@dataclass(frozen=True)
class _CreateTable:
    statement: RawStatement
    name: str
    schema: str | None
    if_not_exists: bool
    open_at: int
    close_at: int
    pieces: tuple[_Piece, ...]

    def piece(self, column: str) -> _Piece | None:
        return next((p for p in self.pieces if p.column == column), None)


# --------------------------------------------------------------------------- the file's text


class _File:
    def __init__(self, text: str) -> None:
        self.text = text
        self.statements = split_statements(text, DIALECT)
        self.index = LineIndex(text)
        self.tables = [t for s in self.statements if (t := self._create_table(s)) is not None]

    def offset(self, line: int, col: int) -> int:
        if not 1 <= line <= len(self.index.starts):
            return -1
        return self.index.starts[line - 1] + col - 1

    def statement_at(self, offset: int) -> RawStatement | None:
        starts = [s.offset for s in self.statements]
        k = bisect.bisect_right(starts, offset) - 1
        if k < 0:
            return None
        statement = self.statements[k]
        return statement if offset <= statement.offset + len(statement.text) else None

    def create_table(self, name: str, schema: str | None) -> _CreateTable | None:
        found = [t for t in self.tables if t.name == name and _same_schema(t.schema, schema)]
        return found[-1] if found else None

    def _create_table(self, statement: RawStatement) -> _CreateTable | None:
        match = _CREATE_TABLE.match(statement.text)
        if match is None:
            return None
        parts = _split_qualified(match["name"])
        open_at = statement.offset + match.end() - 1
        close_at = matching_paren(self.text, open_at, DIALECT)
        if close_at >= statement.offset + len(statement.text):
            return None
        pieces = []
        for start, after in top_level_pieces(self.text, open_at + 1, close_at, DIALECT):
            end = _content_end(self.text, start, after)
            pieces.append(_Piece(start, end, after, _column_name(self.text, start, end)))
        return _CreateTable(
            statement,
            parts[-1],
            parts[0] if len(parts) == 2 else None,
            match["exists"] is not None,
            open_at,
            close_at,
            tuple(pieces),
        )

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def line_end(self, offset: int) -> int:
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end


def _same_schema(one: str | None, other: str | None) -> bool:
    return (one or "public") == (other or "public")


def _unquote(name: str) -> str:
    name = name.strip()
    if name.startswith('"'):
        return name[1:-1].replace('""', '"')
    return name.lower()


def _split_qualified(text: str) -> list[str]:
    return [_unquote(p) for p in re.findall(_NAME, text)]


def _content_end(text: str, start: int, end: int) -> int:
    """The end of the last token of `text[start:end]` that is not a comment or a space."""
    last, i = start, start
    while i < end:
        if text[i].isspace():
            i += 1
            continue
        skipped = skip_token(text, i, DIALECT)
        if skipped is not None:
            if not text.startswith(("--", "/*"), i):
                last = min(skipped, end)
            i = skipped
            continue
        i += 1
        last = i
    return last


def _column_name(text: str, start: int, end: int) -> str | None:
    match = re.compile(_NAME).match(text, start, end)
    if match is None:
        return None
    if not match.group(0).startswith('"') and match.group(0).lower() in _TABLE_ITEM_WORDS:
        return None
    return _unquote(match.group(0))


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str | None
    """The word, lowercased, or None for anything else (a quoted token, a parenthesis group)."""


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    """The top-level tokens of `text[start:end]`: words, quoted tokens, parenthesised groups
    (as one token each) and single characters, comments skipped."""
    out: list[_Token] = []
    i = start
    while i < end:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        skipped = skip_token(text, i, DIALECT)
        if skipped is not None:
            if not text.startswith(("--", "/*"), i):
                out.append(_Token(i, skipped, None))
            i = skipped
            continue
        if ch in "([":
            close = matching_paren(text, i, DIALECT) if ch == "(" else text.find("]", i)
            close = end - 1 if close < 0 or close >= end else close
            out.append(_Token(i, close + 1, None))
            i = close + 1
            continue
        word = _WORD.match(text, i, end)
        if word is not None:
            out.append(_Token(i, word.end(), word.group(0).lower()))
            i = word.end()
            continue
        out.append(_Token(i, i + 1, None))
        i += 1
    return out


# --------------------------------------------------------------------------- values


def _find_table(schema: Schema, name: str, schema_name: str | None) -> Table | None:
    found = [t for t in schema.tables if t.name == name and _same_schema(t.schema, schema_name)]
    return found[0] if found else None


def _table(context: WriteContext, name: str, schema_name: str | None) -> Table:
    """The mirror's table (its columns tell an index's columns from its expressions)."""
    table = _find_table(context.mirror, name, schema_name) or _find_table(context.truth, name, schema_name)
    if table is not None:
        return replace(table, name=name, schema=schema_name if schema_name is not None else table.schema)
    return Table(name, schema_name)


def _with_columns(table: Table, columns: tuple[str, ...]) -> Table:
    """`table`, knowing `columns` too when they are plain names (the columns a fix of the same
    pass adds), so that the index printer names them instead of wrapping them as expressions."""
    known = {c.name for c in table.columns}
    extra = tuple(Column(n, "text") for n in columns if n not in known and _WORD.fullmatch(n))
    return replace(table, columns=table.columns + extra) if extra else table


def _plain(column: Column) -> Column:
    """The column with its default as a person writes it (`'x'`, not `'x'::character varying`)."""
    if column.default is None:
        return column
    return replace(column, default=ddl.plain_default(column.default, column.type))


# --------------------------------------------------------------------------- the writer


class SqlWriter:
    def __init__(self) -> None:
        self._baseline: Counter[tuple[str, str]] = Counter()
        self._preamble: str = ""

    # ---------------------------------------------------------------- contract

    def apply(self, text: str, fixes: list[Fix], context: WriteContext) -> Written:
        dialect = dict(context.mirror.properties).get("dialect", DIALECT)
        if dialect != DIALECT:
            why = f"the SQL writer writes PostgreSQL, and this file is read as {dialect}"
            return Written(text, (), tuple((i, why) for i in range(len(fixes))))
        self._preamble = _preamble(context)
        current = _read(text, self._preamble)
        self._baseline = _problems(current)
        file = _File(text)
        edits: list[_Edit] = []
        appended: list[tuple[int, int, str]] = []
        applied: list[int] = []
        skipped: list[tuple[int, str]] = []
        for number, fix in enumerate(fixes):
            try:
                result = self._write(file, fix, context, current)
            except CannotWrite as error:
                skipped.append((number, str(error)))
                continue
            except Exception as error:  # a writer bug costs one fix, not the run
                skipped.append((number, f"internal error in the SQL writer ({type(error).__name__}: {error})"))
                continue
            if any(_overlap(a, b) for a in result.edits for b in edits):
                continue  # the next pass, re-checked from the new text, brings it back
            edits += result.edits
            appended += [(rank, len(appended) + k, statement) for k, (rank, statement) in enumerate(result.appended)]
            applied.append(number)
        new = _apply_edits(text, edits)
        if appended:
            statements = list(dict.fromkeys(statement for _, _, statement in sorted(appended)))
            new = _append(new, statements, context.today)
        return Written(new, tuple(applied), tuple(skipped))

    def parses(self, text: str) -> str | None:
        """None unless the reader finds SL402/SL403 problems in `text` that the text given to
        the last `apply` did not have (the passes call `apply`, then `parses` on its output)."""
        new = _problems(_read(text, self._preamble)) - self._baseline
        if not new:
            return None
        from schemalint.registry import diagnostic_codes

        kind, message = sorted(new)[0]
        return f"{diagnostic_codes().get(kind, kind)}: {message}"

    def target(self, fix: Fix, mirror: Schema) -> str | None:
        if fix.path is not None:
            return fix.path
        counts: Counter[str] = Counter(t.location.path for t in mirror.tables if t.location is not None)
        for change in fix.changes:
            if isinstance(change, AddGuard):
                return change.location.path
            if not isinstance(change, AddTable):
                name = getattr(change, "table", None)
                name = name.name if isinstance(name, Table) else name
                table = _find_table(mirror, name, getattr(change, "schema", None)) if isinstance(name, str) else None
                if table is not None and table.location is not None:
                    return table.location.path
        if counts:
            return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]
        return sorted(mirror.files)[0] if mirror.files else None

    # ---------------------------------------------------------------- one fix

    def _write(self, file: _File, fix: Fix, context: WriteContext, current: Schema) -> _Result:
        result = _Result()
        inline = context.sql_fix_style == "inline"
        for change in fix.changes:
            if _already(change, current):
                continue
            if isinstance(change, AddGuard):
                result.edits += _guard(file, change)
                continue
            if inline:
                trial = _Result()
                if self._inline(file, change, context, trial) and not any(
                    _overlap(a, b) for a in trial.edits for b in result.edits
                ):
                    result.edits += trial.edits
                    result.appended += trial.appended
                    continue
            result.appended += _statements(change, context)
        return result

    def _inline(self, file: _File, change: Change, context: WriteContext, result: _Result) -> bool:
        """Edit the file in place; False when the change is appended instead."""
        if isinstance(change, AddColumn):
            edit = _inline_add_column(file, change, context)
            if edit is None:
                return False
            result.edits.append(edit)
            if change.column.comment is not None and change.column.known("comment"):
                table = _table(context, change.table, change.schema)
                result.appended.append((_RANK_COMMENT, ddl.comment_on_column(table, change.column)))
            return True
        if isinstance(change, AlterColumn):
            in_line = tuple(p for p in change.parts if p != "comment")
            edits = _inline_alter_column(file, replace(change, parts=in_line)) if in_line else []
            if edits is None:
                return False
            if "comment" in change.parts:
                if not change.column.known("comment"):
                    raise CannotWrite(f"the comment of column {change.name} is not known")
                comment = _inline_comment(file, change.table, change.schema, change.name, change.column.comment)
                if comment is None:
                    table = _table(context, change.table, change.schema)
                    result.appended.append(
                        (_RANK_COMMENT, ddl.set_column_comment(table, change.name, change.column.comment))
                    )
                else:
                    edits.append(comment)
            result.edits += edits
            return True
        if isinstance(change, DropColumn):
            edit = _inline_drop_column(file, change)
            if edit is None:
                return False
            result.edits.append(edit)
            return True
        if isinstance(change, SetTableComment):
            edit = _inline_comment(file, change.table, change.schema, None, change.comment)
            if edit is None:
                return False
            result.edits.append(edit)
            return True
        if isinstance(change, AddTable):
            return _inline_add_table(file, change, result)
        return False


_PREAMBLE_PATH = "\x00mirror"
_TEXT_PATH = "\x01schema.sql"


def _preamble(context: WriteContext) -> str:
    """The tables the mirror's other files create, printed, to be read before the file: an
    ALTER of a table another file creates then reads as it does in the project."""
    tables = [
        t
        for t in context.mirror.tables
        if t.managed and t.location is not None and t.location.path != context.path and not t.unknown
    ]
    if not tables:
        return ""
    out = [ddl.create_schema(s, idempotent=True) for s in sorted({t.schema for t in tables if t.schema})]
    out += [ddl.create_enum(e.name, e.labels, e.schema, idempotent=True) for e in context.mirror.enums]
    statements = [ddl.table_statements(t, idempotent=True) for t in tables]
    out += [group[0] for group in statements] + [s for group in statements for s in group[1:]]
    return "\n".join(out) + "\n"


@functools.lru_cache(maxsize=8)
def _read(text: str, preamble: str) -> Schema:
    """The file as the SQL reader reads it, after the preamble (cached: `edits_for` writes one
    fix at a time over the same text)."""
    from schemalint.read.sql.apply import link_facts
    from schemalint.read.sql.extract import extract_text

    facts = [extract_text(text, _TEXT_PATH, DIALECT, "public")]
    if preamble:
        facts.append(extract_text(preamble, _PREAMBLE_PATH, DIALECT, "public"))
    return link_facts(facts)


def _problems(schema: Schema) -> Counter[tuple[str, str]]:
    return Counter(
        (d.kind, d.message)
        for d in schema.diagnostics
        if d.kind in ("unparsable-statement", "failing-statement") and d.location.path == _TEXT_PATH
    )


def _already(change: Change, schema: Schema) -> bool:
    """Whether the file already says what the change would make it say (writing it again
    would change nothing but the text)."""
    if isinstance(change, (AddGuard, RemoveNoqa)):
        return False
    if isinstance(change, (AddTable, DropTable)):
        exists = _find_table(schema, change.table.name, change.table.schema) is not None
        return exists if isinstance(change, AddTable) else not exists
    if isinstance(change, RenameTable):
        return (
            _find_table(schema, change.table, change.schema) is None
            and _find_table(schema, change.name, change.schema) is not None
        )
    table = _find_table(schema, change.table, change.schema)
    if table is None:
        return False
    if isinstance(change, AddColumn):
        return table.column(change.column.name) is not None
    if isinstance(change, DropColumn):
        return table.column(change.column.name) is None
    if isinstance(change, AlterColumn):
        column = table.column(change.name)
        return (
            column is not None
            and all(
                getattr(column, part) == getattr(change.column, part)
                for part in change.parts
                if part in ("type", "nullable", "default", "comment")
            )
            and set(change.parts) <= {"type", "nullable", "default", "comment"}
        )
    names = (
        {i.name for i in table.indexes}
        | {c.name for c in table.constraints}
        | {f.name for f in table.foreign_keys if f.name}
    )
    if isinstance(change, AddIndex):
        return change.index.name in names
    if isinstance(change, DropIndex):
        return change.index.name not in names
    if isinstance(change, AddConstraint):
        return change.constraint.name in names
    if isinstance(change, DropConstraint):
        return change.constraint.name not in names
    if isinstance(change, AddForeignKey):
        return change.foreign_key.name is not None and change.foreign_key.name in names
    if isinstance(change, DropForeignKey):
        return change.foreign_key.name is not None and change.foreign_key.name not in names
    return table.comment == change.comment


def _overlap(a: _Edit, b: _Edit) -> bool:
    return a.start <= b.end and b.start <= a.end


def _apply_edits(text: str, edits: list[_Edit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


# --------------------------------------------------------------------------- appended statements


def _statements(change: Change, context: WriteContext) -> list[tuple[int, str]]:
    """The idempotent statements that make the change, each with its rank in the block."""
    if isinstance(change, AddTable):
        table = change.table
        out = [(_RANK_TABLE, statement) for statement in ddl.table_statements(_plain_table(table), idempotent=True)]
        fk_statements = {ddl.add_foreign_key(table, fk, idempotent=True) for fk in table.foreign_keys}
        out = [(_RANK_FK if s in fk_statements else rank, s) for rank, s in out]
        if table.schema not in (None, "public") and all(t.schema != table.schema for t in context.mirror.tables):
            out.insert(0, (_RANK_RENAME, ddl.create_schema(table.schema, idempotent=True)))
        return out
    if isinstance(change, DropTable):
        return [(_RANK_DROP_TABLE, ddl.drop_table(change.table))]
    if isinstance(change, RenameTable):
        return [(_RANK_RENAME, ddl.rename_table(Table(change.table, change.schema), change.name))]
    if isinstance(change, (AddGuard, RemoveNoqa)):
        raise CannotWrite(f"the SQL writer does not write {type(change).__name__} here")
    table = _table(context, change.table, change.schema)
    if isinstance(change, AddColumn):
        statement = ddl.add_column(table, _plain(change.column))
        if statement is None:
            raise CannotWrite(f"the type of column {change.column.name} is not known")
        out = [(_RANK_COLUMN, statement)]
        if change.column.comment is not None and change.column.known("comment"):
            out.append((_RANK_COMMENT, ddl.comment_on_column(table, change.column)))
        return out
    if isinstance(change, DropColumn):
        return [(_RANK_DROP_COLUMN, ddl.drop_column(table, change.column.name))]
    if isinstance(change, AlterColumn):
        return _alter_statements(table, change)
    if isinstance(change, AddIndex):
        table = _with_columns(table, change.index.columns + change.index.include)
        return [(_RANK_ADD, ddl.create_index(table, change.index, idempotent=True))]
    if isinstance(change, DropIndex):
        return [(_RANK_DROP_KEY, ddl.drop_index(table, change.index))]
    if isinstance(change, AddConstraint):
        return [(_RANK_ADD, ddl.add_constraint(table, change.constraint, idempotent=True))]
    if isinstance(change, DropConstraint):
        return [(_RANK_DROP_KEY, ddl.drop_unique(table, change.constraint))]
    if isinstance(change, AddForeignKey):
        if change.foreign_key.name is None:
            raise CannotWrite("an unnamed foreign key cannot be added so that the file runs twice")
        return [(_RANK_FK, ddl.add_foreign_key(table, change.foreign_key, idempotent=True))]
    if isinstance(change, DropForeignKey):
        if change.foreign_key.name is None:
            raise CannotWrite("an unnamed foreign key cannot be dropped by name")
        return [(_RANK_DROP_KEY, ddl.drop_constraint(table, change.foreign_key.name))]
    if isinstance(change, SetTableComment):
        return [(_RANK_COMMENT, ddl.set_table_comment(table, change.comment))]
    raise CannotWrite(f"the SQL writer does not write {type(change).__name__}")


def _plain_table(table: Table) -> Table:
    return replace(table, columns=tuple(_plain(c) for c in table.columns))


def _alter_statements(table: Table, change: AlterColumn) -> list[tuple[int, str]]:
    column, name = change.column, change.name
    out: list[tuple[int, str]] = []
    for part in change.parts:
        if not column.known(part):
            raise CannotWrite(f"the {part} of column {column.name} is not known")
        if part == "type":
            out.append((_RANK_ALTER, ddl.alter_column_type(table, name, column.type, change.current.type)))
        elif part == "nullable":
            out.append((_RANK_ALTER, ddl.alter_column_nullable(table, name, column.nullable)))
        elif part == "default":
            default = ddl.plain_default(column.default, column.type) if column.default is not None else None
            out.append((_RANK_ALTER, ddl.alter_column_default(table, name, default)))
        elif part == "comment":
            out.append((_RANK_COMMENT, ddl.set_column_comment(table, name, column.comment)))
        else:
            raise CannotWrite(f"the SQL writer does not change a column's {part}")
    return out


def _append(text: str, statements: list[str], today: str) -> str:
    """`statements` at the end of the file, under today's block (created when missing)."""
    title = "-- " + BLOCK_TITLE.format(date=today)
    body = _join(statements)
    last = split_statements(text, DIALECT)[-1:]
    if last and not last[0].terminated:  # the file's last statement lacks its `;`: give it one
        end = _content_end(text, last[0].offset, last[0].offset + len(last[0].text))
        text = text[:end] + ";" + text[end:]
    lines = text.splitlines()
    if title in lines:
        return text.rstrip("\n") + "\n" + ("\n" if "\n" in statements[0] else "") + body
    separator = next((line.rstrip() for line in reversed(lines) if re.fullmatch(r"--\s?-{20,}\s*", line)), None)
    separator = separator or DEFAULT_SEPARATOR
    text = _version_history_line(text, today)
    head = text.rstrip("\n") + "\n\n\n" if text.strip() else ""
    return f"{head}{separator}\n{title}\n{separator}\n\n{body}"


def _join(statements: list[str]) -> str:
    """One statement a line; a statement of several lines stands between blank lines."""
    out: list[str] = []
    for k, statement in enumerate(statements):
        multiline = "\n" in statement
        if k and (multiline or "\n" in statements[k - 1]):
            out.append("")
        out.append(statement)
    return "\n".join(out) + "\n"


_HISTORY = re.compile(r"--\s*version\s+history\s*:?\s*", re.IGNORECASE)


def _version_history_line(text: str, today: str) -> str:
    """Add `--   schemalint --fix (DATE)  ...` to the header's "Version history" section, if
    the file's leading comment has one."""
    statements = split_statements(text, DIALECT)
    header_end = statements[0].offset if statements else len(text)
    lines = text[:header_end].splitlines(keepends=True)
    start = next((k for k, line in enumerate(lines) if _HISTORY.fullmatch(line.strip())), None)
    if start is None:
        return text
    last = start
    for k in range(start + 1, len(lines)):
        if not re.match(r"--\s{2,}\S", lines[k]):
            break
        last = k
    indent = re.match(r"--\s*", lines[start + 1]) if last > start else None
    prefix = indent.group(0) if indent else "--   "
    entry = f"{prefix}{BLOCK_TITLE.format(date=today)}  appended at the end of this file\n"
    at = sum(len(line) for line in lines[: last + 1])
    return text[:at] + entry + text[at:]


# --------------------------------------------------------------------------- guards (SL401)


def _guard(file: _File, change: AddGuard) -> list[_Edit]:
    offset = file.offset(change.location.line, change.location.col)
    statement = file.statement_at(offset)
    if statement is None:
        raise CannotWrite(f"no statement at line {change.location.line}")
    text = statement.text
    kind = change.kind
    lowered = _blank(text)
    heads = {
        "create_table": (
            r"create\s+(?:(?:global|local)\s+)?(?:(?:temp|temporary|unlogged)\s+)?table\s+",
            "IF NOT EXISTS ",
        ),
        "create_index": (r"create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?", "IF NOT EXISTS "),
        "create_sequence": (r"create\s+(?:(?:temp|temporary|unlogged)\s+)?sequence\s+", "IF NOT EXISTS "),
        "drop_table": (r"drop\s+table\s+", "IF EXISTS "),
        "drop_index": (r"drop\s+index\s+(?:concurrently\s+)?", "IF EXISTS "),
    }
    if kind in heads:
        pattern, words = heads[kind]
        match = re.match(pattern, lowered, re.IGNORECASE)
        if match is None:
            raise CannotWrite(f"the statement at line {change.location.line} is not {kind.replace('_', ' ')}")
        rest = lowered[match.end() :]
        if re.match(r"if\s+(not\s+)?exists\b", rest, re.IGNORECASE):
            return []
        if kind == "create_index" and re.match(r"on\b", rest, re.IGNORECASE):
            raise CannotWrite("an index without a name cannot take IF NOT EXISTS")
        return [_Edit(statement.offset + match.end(), statement.offset + match.end(), words)]
    actions = {
        "add_column": (r"\badd\s+(?:column\s+)?", "IF NOT EXISTS "),
        "drop_column": (r"\bdrop\s+(?!constraint\b)(?:column\s+)?", "IF EXISTS "),
        "drop_constraint": (r"\bdrop\s+constraint\s+", "IF EXISTS "),
    }
    if kind in actions:
        pattern, words = actions[kind]
        at = offset - statement.offset
        found = [m for m in re.finditer(pattern, lowered, re.IGNORECASE)]
        before = [m for m in found if m.start() <= at]
        match = before[-1] if before and at > 0 else (found[0] if found else None)
        if match is None:
            raise CannotWrite(f"no {kind.replace('_', ' ')} at line {change.location.line}")
        if re.match(r"if\s+(not\s+)?exists\b", lowered[match.end() :], re.IGNORECASE):
            return []
        return [_Edit(statement.offset + match.end(), statement.offset + match.end(), words)]
    if kind == "add_constraint":
        return [_guard_constraint(statement, lowered)]
    if kind == "create_view":
        return _guard_view(statement, lowered)
    if kind == "create_type":
        return [_guard_type(statement, lowered)]
    raise CannotWrite(f"the SQL writer cannot guard a {kind.replace('_', ' ')} statement")


def _blank(text: str) -> str:
    """`text` with its comments and quoted tokens' insides blanked (same length), so that a
    pattern matches only the statement's own words."""
    out = list(text)
    i = 0
    while i < len(text):
        skipped = skip_token(text, i, DIALECT)
        if skipped is None:
            i += 1
            continue
        keep = 0 if text.startswith(("--", "/*"), i) else 1
        for k in range(i + keep, skipped - keep):
            if out[k] != "\n":
                out[k] = " "
        i = skipped
    return "".join(out)


_ADD_CONSTRAINT = re.compile(
    rf"^alter\s+table\s+(?:only\s+)?{_QNAME}\s+add\s+constraint\s+(?P<constraint>{_NAME})\s", re.IGNORECASE
)


def _guard_constraint(statement: RawStatement, lowered: str) -> _Edit:
    match = _ADD_CONSTRAINT.match(lowered)
    if match is None or "$$" in statement.text:
        raise CannotWrite("only a single named ADD CONSTRAINT can be wrapped in a guarding DO block")
    text = statement.text
    if _top_level_comma(text):
        raise CannotWrite("an ALTER TABLE with several actions cannot be wrapped in a guarding DO block")
    name = _unquote(text[match.start("constraint") : match.end("constraint")])
    parts = _split_qualified(text[match.start("name") : match.end("name")])
    table = Table(parts[-1], parts[0] if len(parts) == 2 else None)
    guarded = ddl.guard_constraint(table, name, text.rstrip() + ";")
    # The statement's own `;` stays after the block: replace the text and drop the `;` printed.
    return _Edit(statement.offset, statement.offset + len(text), guarded.removesuffix(";"))


_CREATE_VIEW = re.compile(
    r"^create\s+(?P<replace>or\s+replace\s+)?(?:(?:temp|temporary)\s+)?(?:recursive\s+)?"
    r"(?P<materialized>materialized\s+)?view\s+(?P<exists>if\s+not\s+exists\s+)?",
    re.IGNORECASE,
)
_CREATE_TYPE = re.compile(rf"^create\s+type\s+{_QNAME}", re.IGNORECASE)


def _guard_view(statement: RawStatement, lowered: str) -> list[_Edit]:
    """CREATE OR REPLACE VIEW; a materialized view takes IF NOT EXISTS."""
    match = _CREATE_VIEW.match(lowered)
    if match is None:
        raise CannotWrite("not a CREATE VIEW statement")
    if match["replace"] or match["exists"]:
        return []
    if match["materialized"]:
        return [_Edit(statement.offset + match.end(), statement.offset + match.end(), "IF NOT EXISTS ")]
    head = re.match(r"create\s+", lowered, re.IGNORECASE)
    at = statement.offset + (head.end() if head else len("create "))
    return [_Edit(at, at, "OR REPLACE ")]


def _guard_type(statement: RawStatement, lowered: str) -> _Edit:
    """CREATE TYPE has no IF NOT EXISTS: wrapped in a DO block that looks in pg_type."""
    match = _CREATE_TYPE.match(lowered)
    if match is None or "$$" in statement.text:
        raise CannotWrite("only a CREATE TYPE can be wrapped in a guarding DO block")
    parts = _split_qualified(statement.text[match.start("name") : match.end("name")])
    guarded = ddl.guard_type(parts[-1], parts[0] if len(parts) == 2 else None, statement.text.rstrip() + ";")
    return _Edit(statement.offset, statement.offset + len(statement.text), guarded.removesuffix(";"))


def _top_level_comma(text: str) -> bool:
    return any(t.word is None and text[t.start] == "," for t in _tokens(text, 0, len(text)))


# --------------------------------------------------------------------------- inline edits


def _style_upper(file: _File, table: _CreateTable) -> bool:
    """Whether the file writes types in upper case (`VARCHAR(10)`), judged by the table's columns."""
    votes = Counter[bool]()
    for piece in table.pieces:
        if piece.column is None:
            continue
        tokens = _tokens(file.text, piece.start, piece.end)
        if len(tokens) > 1 and tokens[1].word is not None:
            word = file.text[tokens[1].start : tokens[1].end]
            votes[word.isupper()] += 1
    return votes[True] > votes[False]


def _cased(type_: str, upper: bool) -> str:
    return type_.upper() if upper else type_


# format_type() spellings and the short names a file may use instead.
_ALIASES = (
    ("character varying", "varchar"),
    ("character", "char"),
    ("timestamp with time zone", "timestamptz"),
    ("time with time zone", "timetz"),
)


def _spelled(type_: str, file: _File, table: _CreateTable) -> str:
    """`type_` (as format_type() prints it) spelled as the table's other columns spell types:
    `varchar(40)` where they say `VARCHAR(10)`, in their case."""
    written = [
        file.text[tokens[1].start : tokens[-1].end].lower()
        for piece in table.pieces
        if piece.column is not None and len(tokens := _tokens(file.text, piece.start, piece.end)) > 1
    ]
    for long, short in _ALIASES:
        if re.match(rf"{long}\b(?!\s+varying)", type_) and any(re.search(rf"\b{short}\b", w) for w in written):
            type_ = short + type_[len(long) :]
            break
    return _cased(type_, _style_upper(file, table))


def _inline_add_column(file: _File, change: AddColumn, context: WriteContext) -> _Edit | None:
    created = file.create_table(change.table, change.schema)
    if created is None or not any(p.column for p in created.pieces):
        return None
    if created.piece(change.column.name) is not None:
        return None  # in the CREATE TABLE, and gone after it: appended
    table = _table(context, change.table, change.schema)
    column = _plain(change.column)
    definition = ddl.column_definition(table, column)
    if definition is None:
        raise CannotWrite(f"the type of column {change.column.name} is not known")
    name = quote_ident(column.name)
    rest = definition[len(name) + 1 :]
    type_ = ddl.serial_type(table, column) or column.type
    rest = _spelled(type_, file, created) + rest[len(type_) :]
    neighbour = _neighbour(created, change, context)
    columns = [p for p in created.pieces if p.column is not None]
    model = neighbour or columns[0]
    text = file.text
    line_start = file.line_start(model.start)
    if text[line_start : model.start].strip():
        return None  # items share a line: no line of its own to add
    indent = text[line_start : model.start]
    tokens = _tokens(text, model.start, model.end)
    type_col = tokens[1].start - model.start if len(tokens) > 1 else len(name) + 1
    line = indent + name + " " * max(1, type_col - len(name)) + rest
    if neighbour is None:  # first: before the first item
        return _Edit(model.start, model.start, f"{name}{' ' * max(1, type_col - len(name))}{rest},\n{indent}")
    if text[neighbour.after] == ",":
        end = file.line_end(neighbour.after)
        if first_significant(text, neighbour.after + 1, DIALECT) < end or "/*" in text[neighbour.after : end]:
            return None  # another item, or a block comment, on the neighbour's line
        return _Edit(end, end, f"\n{line},")  # after the line, a trailing `--` comment included
    # the last item: it gains a comma
    tail = text[neighbour.end : file.line_end(neighbour.end)]
    if tail.strip() and not tail.strip().startswith(")"):
        return None  # a comment after the last item
    return _Edit(neighbour.end, neighbour.end, f",\n{line}")


def _neighbour(created: _CreateTable, change: AddColumn, context: WriteContext) -> _Piece | None:
    """The column the new one goes after: the truth's previous column, or the nearest before it
    that the CREATE TABLE has (the last column when none is)."""
    if change.after is None:
        return None
    truth = _find_table(context.truth, change.table, change.schema)
    names = [c.name for c in truth.columns] if truth is not None else []
    if change.after in names:
        candidates = list(reversed(names[: names.index(change.after) + 1]))
    else:
        candidates = [change.after]
    for name in candidates:
        piece = created.piece(name)
        if piece is not None:
            return piece
    return [p for p in created.pieces if p.column is not None][-1]


def _inline_alter_column(file: _File, change: AlterColumn) -> list[_Edit] | None:
    created = file.create_table(change.table, change.schema)
    piece = created.piece(change.name) if created is not None else None
    if created is None or piece is None or "comment" in change.parts or _touched_later(file, created, change.name):
        return None
    if set(change.parts) - {"type", "nullable", "default"}:
        return None
    text = file.text
    tokens = _tokens(text, piece.start, piece.end)
    if len(tokens) < 2:
        return None
    words = [t.word for t in tokens]
    first_constraint = next((k for k in range(1, len(tokens)) if words[k] in _CONSTRAINT_WORDS), len(tokens))
    if first_constraint < 2:
        return None
    type_start, type_end = tokens[1].start, tokens[first_constraint - 1].end
    if {"primary", "references", "generated", "constraint"} & {w for w in words[first_constraint:] if w}:
        if "nullable" in change.parts or "default" in change.parts:
            return None
    column = change.column
    edits: list[_Edit] = []
    if "type" in change.parts:
        written = text[type_start:type_end]
        spelled = _spelled(column.type, file, created)
        edits.append(_Edit(type_start, type_end, spelled.upper() if written.isupper() else spelled))
    upper = text[type_start:type_end].isupper() or not text[type_start:type_end].islower()
    keyword = str.upper if upper else str.lower
    if "default" in change.parts:
        at = words.index("default") if "default" in words[first_constraint:] else -1
        value = ddl.plain_default(column.default, column.type) if column.default is not None else None
        if at >= 0:
            end = next((k for k in range(at + 2, len(tokens)) if words[k] in _CONSTRAINT_WORDS), len(tokens))
            if value is None:
                edits.append(_Edit(tokens[at - 1].end, tokens[end - 1].end, ""))
            else:
                edits.append(_Edit(tokens[at + 1].start, tokens[end - 1].end, ddl.reparseable(value)))
        elif value is not None:
            edits.append(_Edit(type_end, type_end, f" {keyword('DEFAULT')} {ddl.reparseable(value)}"))
    if "nullable" in change.parts:
        not_null = next(
            (k for k in range(first_constraint, len(tokens) - 1) if words[k] == "not" and words[k + 1] == "null"), None
        )
        if column.nullable and not_null is not None:
            edits.append(_Edit(tokens[not_null - 1].end, tokens[not_null + 1].end, ""))
        elif not column.nullable and not_null is None:
            if "primary" in words:
                return None
            bare = next(
                (k for k in range(first_constraint, len(tokens)) if words[k] == "null" and words[k - 1] != "default"),
                None,
            )
            if bare is not None:
                edits.append(_Edit(tokens[bare].start, tokens[bare].end, keyword("NOT NULL")))
            else:
                edits.append(_Edit(piece.end, piece.end, f" {keyword('NOT NULL')}"))
    for a in edits:
        for b in edits:
            if a is not b and a.start < b.end and b.start < a.end:
                return None
    return edits


def _touched_later(file: _File, created: _CreateTable, column: str) -> bool:
    """Whether a statement after the CREATE TABLE may change the column again (an ALTER TABLE
    of the table that names it, in a DO block too): editing the CREATE TABLE would then not
    be what the file ends up saying, so the change is appended instead."""
    k = file.statements.index(created.statement)
    table = re.escape(created.name.lower())
    name = re.escape(column.lower())
    for statement in file.statements[k + 1 :]:
        lowered = statement.text.lower()
        if re.search(rf"\balter\s+table\b[^;]*?\b{table}\b", lowered) and re.search(rf"\b{name}\b", lowered):
            return True
        if re.search(rf"\bdrop\s+table\b[^;]*\b{table}\b", lowered):
            return True
    return False


def _inline_drop_column(file: _File, change: DropColumn) -> _Edit | None:
    """Remove the column's line from the CREATE TABLE (when it has one of its own and nothing
    after the CREATE TABLE names the column)."""
    created = file.create_table(change.table, change.schema)
    piece = created.piece(change.column.name) if created is not None else None
    if created is None or piece is None or len([p for p in created.pieces if p.column]) < 2:
        return None
    name = re.escape(change.column.name.lower())
    k = file.statements.index(created.statement)
    if any(re.search(rf"\b{name}\b", s.text.lower()) for s in file.statements[k + 1 :]):
        return None
    if any(re.search(rf"\b{name}\b", file.text[p.start : p.end].lower()) for p in created.pieces if p is not piece):
        return None  # a table constraint names it
    text = file.text
    line_start = file.line_start(piece.start)
    if text[line_start : piece.start].strip():
        return None
    pieces = created.pieces
    at = pieces.index(piece)
    if text[piece.after] == ",":
        end = file.line_end(piece.after)
        if text[piece.after + 1 : end].strip():
            return None  # a comment or another item on the line
        return _Edit(line_start, end + 1, "")
    # the last item: the previous one loses its comma
    previous = pieces[at - 1]
    if text[previous.after + 1 : line_start].strip():
        return None
    return _Edit(previous.after, piece.end, "")


_COMMENT_ON = re.compile(
    rf"^comment\s+on\s+(?P<kind>table|column)\s+(?P<target>{_NAME}(?:\s*\.\s*{_NAME}){{0,2}})\s+is\s+", re.IGNORECASE
)


def _inline_comment(
    file: _File, table: str, schema: str | None, column: str | None, comment: str | None
) -> _Edit | None:
    """Replace the value of the last COMMENT ON that sets this comment, or None (appended)."""
    found = None
    for statement in file.statements:
        match = _COMMENT_ON.match(statement.text)
        if match is None or (match["kind"].lower() == "column") != (column is not None):
            continue
        parts = _split_qualified(match["target"])
        if column is not None:
            if len(parts) < 2 or parts[-1] != column:
                continue
            parts = parts[:-1]
        if parts[-1] == table and _same_schema(parts[0] if len(parts) == 2 else None, schema):
            found = (statement, match)
    if found is None:
        return None
    statement, match = found
    value = "NULL" if comment is None else ddl.quote_literal(comment)
    return _Edit(statement.offset + match.end(), statement.offset + len(statement.text), value)


def _inline_add_table(file: _File, change: AddTable, result: _Result) -> bool:
    table = _plain_table(change.table)
    idempotent = any(t.if_not_exists for t in file.tables) or not file.tables
    if change.after is None:
        if not file.tables:
            return False
        at = file.tables[0].statement.offset
        before = True
    else:
        created = file.create_table(change.after, change.table.schema)
        if created is None:
            return False
        at = _end_of_group(file, created)
        before = False
    defined = {(t.schema or "public", t.name) for t in file.tables if t.statement.offset < at}
    defined.add((table.schema or "public", table.name))
    statements: list[str] = []
    for statement in ddl.table_statements(table, idempotent=idempotent):
        fk = next(
            (f for f in table.foreign_keys if ddl.add_foreign_key(table, f, idempotent=idempotent) == statement), None
        )
        if fk is not None and (fk.ref_schema or "public", fk.ref_table) not in defined:
            result.appended.append((_RANK_FK, ddl.add_foreign_key(table, fk, idempotent=True)))
            continue
        statements.append(statement)
    block = _join(statements)
    if before:
        result.edits.append(_Edit(at, at, block + "\n\n"))
    else:
        result.edits.append(_Edit(at, at, "\n\n" + block.rstrip("\n")))
    return True


def _end_of_group(file: _File, created: _CreateTable) -> int:
    """The end (after its `;`) of the CREATE TABLE and of the statements right after it that
    are about the same table (its indexes, comments, ALTERs)."""
    k = file.statements.index(created.statement)
    last = created.statement
    name = created.name
    for statement in file.statements[k + 1 :]:
        if _CREATE_TABLE.match(statement.text):
            break
        blanked = _blank(statement.text).lower()
        if not re.search(rf"\b{re.escape(name.lower())}\b", blanked):
            break
        last = statement
    end = last.offset + len(last.text)
    return end + 1 if last.terminated else end


WRITER = SqlWriter()

__all__ = ["WRITER", "CannotWrite", "SqlWriter"]

"""The SQLAlchemy fix writer: schema changes -> edits of a models file, formatting and comments kept.

The file is parsed once with libcst and indexed (`_File`: the mapped classes and `Table(...)`
calls, their columns, `__table_args__`, the imports); each change becomes a few `_Splice`s of
the original text (replace this argument, insert this keyword, add this line after that
column), so everything the writer does not touch stays byte for byte. The file's own style is
followed: classic `Column(...)` or `Mapped[...] = mapped_column(...)` (whichever the class, or
the file, uses most), its quote character, `Optional[...]` or `... | None`, its base class, its
docstring convention, and names it already imports (`sa.String` when it writes `import
sqlalchemy as sa`). Imports a new construct needs are merged into the existing `from ...
import` lines once per call.

What is written reads back as the truth's value: types come from the table in
`sqlalchemy_types.py` (the inverse of the reader's), server defaults and CHECK / index
predicates are checked against the reader's own printer before they are written. A change that
cannot be written faithfully (an unknown type, a default the reader would spell differently, a
class built in a way the writer cannot edit) skips its fix with a reason. A fix whose splices
overlap those of an earlier fix of the same call is left for the next pass.
"""

from __future__ import annotations

import functools
import io
import re
import tokenize
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from schemalint.fix import (
    AddColumn,
    AddConstraint,
    AddForeignKey,
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
    RenameTable,
    SetTableComment,
)
from schemalint.fix.sqlalchemy_types import Name, Spelled, python_string, python_type, sqlalchemy_type
from schemalint.fix.writers import WriteContext, Written
from schemalint.model import Column, Constraint, ForeignKey, Index, Schema, Table
from schemalint.postgres.keywords import quote_literal
from schemalint.read.python.parse import parse_for_reading
from schemalint.read.sqlalchemy.sqltext import default_display, predicate_display
from schemalint.read.sqlalchemy.sqltypes import TYPE_NAMES

SA = "sqlalchemy"
COLUMN_CALLS = {"Column", "mapped_column"}
NOT_TYPES = {
    "ForeignKey",
    "Identity",
    "Computed",
    "Sequence",
    "CheckConstraint",
    "UniqueConstraint",
    "FetchedValue",
    "DefaultClause",
}
STDLIB = {"__future__", "datetime", "decimal", "typing", "uuid", "enum", "collections", "dataclasses"}


class Skip(Exception):
    """The change cannot be written faithfully; str() says why."""


class Defer(Exception):
    """The change builds on another fix of this pass (retried next pass)."""


@dataclass(frozen=True)
class _Splice:
    start: int
    end: int
    text: str
    late: bool = False
    """Of two insertions at one place, a late one goes second (a keyword argument after a
    positional one another fix inserts there)."""


# --------------------------------------------------------------------------- the file's index


@dataclass
class _ColumnDecl:
    name: str
    attr: str | None
    call: cst.Call
    statement: cst.SimpleStatementLine | None
    """The class attribute's statement (None for a `Table(...)` argument)."""
    arg: cst.Arg | None
    """The `Table(...)` argument (None for a class attribute)."""
    annotation: cst.Annotation | None = None

    @property
    def mapped(self) -> bool:
        return _head(self.call) == "mapped_column"


@dataclass
class _TableDecl:
    name: str
    schema: str | None
    name_node: cst.BaseExpression
    columns: list[_ColumnDecl] = field(default_factory=list)
    cls: cst.ClassDef | None = None
    call: cst.Call | None = None
    """The `Table("name", metadata, ...)` call (None for a class)."""
    statement: cst.CSTNode | None = None
    """The module-level statement declaring it (the class, or the `x = Table(...)` line)."""
    table_args: cst.BaseExpression | None = None
    table_args_statement: cst.SimpleStatementLine | None = None

    def column(self, name: str) -> _ColumnDecl | None:
        return next((c for c in self.columns if c.name == name), None)


def _head(expr: cst.CSTNode | None) -> str | None:
    """`Column` for `Column(...)`, `sa.Column(...)`, `Column`."""
    if isinstance(expr, cst.Call):
        expr = expr.func
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return None


def _string(expr: cst.CSTNode | None) -> str | None:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _kwarg(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def _positional(call: cst.Call) -> list[cst.Arg]:
    return [a for a in call.args if a.keyword is None and not a.star]


class _Positions:
    """Where nodes are, as libcst's `PositionProvider` says, resolved one top-level statement
    at a time: over a whole 200 KB models module that provider costs twice the parse, and a
    fix touches a few classes and the imports. A statement's code is the file's text from its
    offset (libcst gives the text back exactly), and it starts a line, so a node's place in a
    module of that statement alone is its place in the file, shifted by whole lines."""

    def __init__(self, module: cst.Module, text: str) -> None:
        self.module = module
        self.text = text
        codes = [module.code_for_node(stmt) for stmt in module.body]
        footer = "".join(module.code_for_node(line) for line in module.footer)
        offset = len(text) - sum(map(len, codes)) - len(footer)
        self.first_lines: list[int] = []
        for code in codes:
            self.first_lines.append(text.count("\n", 0, offset))
            offset += len(code)
        self.ranges: dict[cst.CSTNode, CodeRange] = {}
        self.owners: dict[cst.CSTNode, int] = {}
        self.walked = 0
        """How many statements (in file order) have their nodes in `owners`."""
        self.resolved: set[int] = set()

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self.ranges.get(node)
        if found is None and node is self.module:
            last = self.text.rfind("\n") + 1
            found = CodeRange(CodePosition(1, 0), CodePosition(self.text.count("\n") + 1, len(self.text) - last))
        if found is None:
            index = self._owner(node)
            if index is None:  # the module itself, its header or footer: resolve it whole
                self.ranges.update(MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider))
                self.resolved.update(range(len(self.module.body)))
            else:
                self._resolve(index)
            found = self.ranges[node]
        return found

    def _owner(self, node: cst.CSTNode) -> int | None:
        while node not in self.owners and self.walked < len(self.module.body):
            for below in self.nodes_in(self.module.body[self.walked]):
                self.owners[below] = self.walked
            self.walked += 1
        return self.owners.get(node)

    def _resolve(self, index: int) -> None:
        if index in self.resolved:
            return
        self.resolved.add(index)
        alone = self.module.with_changes(body=[self.module.body[index]], header=[], footer=[])
        shift = self.first_lines[index]
        for node, where in MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider).items():
            self.ranges[node] = CodeRange(
                CodePosition(where.start.line + shift, where.start.column),
                CodePosition(where.end.line + shift, where.end.column),
            )

    @staticmethod
    def nodes_in(within: cst.CSTNode) -> list[cst.CSTNode]:
        """`within` and every node below it."""
        found, stack = [], [within]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(current.children)
        return found


class _File:
    def __init__(self, text: str) -> None:
        self.text = text
        self.module = parse_for_reading(text)
        self.positions = _Positions(self.module, text)
        self.line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.tables: list[_TableDecl] = []
        self.autonamed: dict[str, _TableDecl] = {}
        """Mapped classes without `__tablename__` (Flask-SQLAlchemy names their tables), by class name."""
        self.classes: dict[str, cst.ClassDef] = {}
        self.from_imports: dict[Name, str] = {}
        self.import_nodes: dict[str, cst.ImportFrom] = {}
        self.module_aliases: dict[str, str] = {}
        self.bound: set[str] = set()
        self.import_statements: list[tuple[str, cst.SimpleStatementLine]] = []
        self._index()
        self.quote = self._quote()
        self.width = max(88, min(120, max((len(line) for line in text.splitlines()), default=0)))
        """The line length new lines keep to: ruff's default, or the file's longest line."""

    # positions (0-based offsets into text)
    def start(self, node: cst.CSTNode) -> int:
        pos = self.positions[node].start
        return self.line_starts[pos.line - 1] + pos.column

    def end(self, node: cst.CSTNode) -> int:
        pos = self.positions[node].end
        return self.line_starts[pos.line - 1] + pos.column

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def next_line(self, offset: int) -> int:
        at = self.text.find("\n", offset)
        return len(self.text) if at < 0 else at + 1

    def indent_at(self, offset: int) -> str:
        start = self.line_start(offset)
        line = self.text[start:offset]
        return line if not line.strip() else line[: len(line) - len(line.lstrip())]

    def code(self, node: cst.CSTNode) -> str:
        return self.text[self.start(node) : self.end(node)]

    # -------------------------------------------------------------- index
    def _index(self) -> None:
        for statement in self.module.body:
            if isinstance(statement, cst.ClassDef):
                self.classes[statement.name.value] = statement
                self.bound.add(statement.name.value)
                self._class(statement)
            elif isinstance(statement, cst.FunctionDef):
                self.bound.add(statement.name.value)
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        self._import(small, statement)
                    elif isinstance(small, (cst.Assign, cst.AnnAssign)):
                        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                        for target in targets:
                            if isinstance(target, cst.Name):
                                self.bound.add(target.value)
                        if isinstance(small.value, cst.Call) and _head(small.value) == "Table":
                            self._table_call(small.value, statement)

    def _import(self, node: cst.Import | cst.ImportFrom, statement: cst.SimpleStatementLine) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                dotted = self.module.code_for_node(alias.name)
                local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
                self.module_aliases[dotted] = local or dotted
                self.bound.add(local or dotted.split(".")[0])
                self.import_statements.append((dotted, statement))
            return
        if node.relative or node.module is None:
            return
        module = self.module.code_for_node(node.module)
        self.import_statements.append((module, statement))
        if isinstance(node.names, cst.ImportStar):
            return
        self.import_nodes.setdefault(module, node)
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            name = alias.name.value
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            self.from_imports[(module, name)] = local
            self.module_aliases.setdefault(f"{module}.{name}", local)
            self.bound.add(local)

    def _class(self, cls: cst.ClassDef) -> None:
        if not isinstance(cls.body, cst.IndentedBlock):
            return
        tablename: cst.BaseExpression | None = None
        decl = _TableDecl(name="", schema=None, name_node=cls.name, cls=cls, statement=cls)
        for line in cls.body.body:
            if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
                continue
            small = line.body[0]
            target: cst.BaseExpression | None = None
            annotation: cst.Annotation | None = None
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value, annotation = small.target, small.value, small.annotation
            else:
                continue
            if not isinstance(target, cst.Name):
                continue
            attr = target.value
            if attr == "__tablename__":
                tablename = value
            elif attr == "__table_args__":
                decl.table_args, decl.table_args_statement = value, line
            elif isinstance(value, cst.Call) and _head(value) in COLUMN_CALLS:
                positional = _positional(value)
                given = _string(positional[0].value) if positional else None
                named = _kwarg(value, "name")
                given = given or (_string(named.value) if named else None)
                decl.columns.append(_ColumnDecl(given or attr, attr, value, line, None, annotation))
        if tablename is None:
            self.autonamed.setdefault(cls.name.value, decl)
            return
        name = _string(tablename)
        if name is None:
            return
        decl.name, decl.name_node = name, tablename
        decl.schema = self._dict_schema(decl.table_args)
        self.tables.append(decl)

    def _dict_schema(self, args: cst.BaseExpression | None) -> str | None:
        found: cst.BaseExpression | None = args
        if isinstance(args, cst.Tuple) and args.elements and isinstance(args.elements[-1].value, cst.Dict):
            found = args.elements[-1].value
        if isinstance(found, cst.Dict):
            for element in found.elements:
                if isinstance(element, cst.DictElement) and _string(element.key) == "schema":
                    return _string(element.value)
        return None

    def _table_call(self, call: cst.Call, statement: cst.SimpleStatementLine) -> None:
        positional = _positional(call)
        name = _string(positional[0].value) if positional else None
        if name is None:
            return
        schema_arg = _kwarg(call, "schema")
        decl = _TableDecl(
            name=name,
            schema=_string(schema_arg.value) if schema_arg else None,
            name_node=positional[0].value,
            call=call,
            statement=statement,
        )
        for arg in positional[1:]:
            if isinstance(arg.value, cst.Call) and _head(arg.value) == "Column":
                inner = _positional(arg.value)
                column = _string(inner[0].value) if inner else None
                if column is not None:
                    decl.columns.append(_ColumnDecl(column, None, arg.value, None, arg))
        self.tables.append(decl)

    def _quote(self) -> str:
        """The quote most of the file's one-line strings use, counted by Python's tokenizer
        (the tree would need every node's position)."""
        counts: Counter[str] = Counter()
        try:
            for token in tokenize.generate_tokens(io.StringIO(self.text).readline):
                first = token.string[:1]
                if token.type == tokenize.STRING and first in ("'", '"') and token.string[:3] != first * 3:
                    counts[first] += 1
        except (tokenize.TokenError, SyntaxError):
            pass
        return "'" if counts["'"] > counts['"'] else '"'

    def table(self, name: str, schema: str | None, model: str | None = None) -> _TableDecl:
        """The declaration of table `name`; `model` is the class the reader mapped it from, which
        finds a class whose table name is generated (no `__tablename__`)."""
        for decl in self.tables:
            if decl.name == name and (schema is None or decl.schema in (schema, None)):
                return decl
        if model is not None and model in self.autonamed:
            return replace(self.autonamed[model], name=name, schema=schema)
        raise Skip(f"table {name} is not declared in this file by a form the writer can edit")

    def references(self, name: str, within: cst.CSTNode, outside: cst.CSTNode | None) -> int | None:
        """The line of a reference to `name` (as a Name, an attribute or a string) inside
        `within` but not inside `outside`, or None."""
        skip = (self.start(outside), self.end(outside)) if outside is not None else (-1, -1)
        for node in self.positions.nodes_in(within):
            hit = (
                (isinstance(node, cst.Name) and node.value == name)
                or (isinstance(node, cst.SimpleString) and _string(node) in (name,))
                or (isinstance(node, cst.SimpleString) and (_string(node) or "").startswith(name + "."))
            )
            if not hit:
                continue
            at = self.start(node)
            if self.start(within) <= at < self.end(within) and not skip[0] <= at < skip[1]:
                return self.positions[node].start.line
        return None


# --------------------------------------------------------------------------- one call's work


class _Imports:
    """Names the fixes of one call need: resolved to what the file binds, new ones collected."""

    def __init__(self, file: _File) -> None:
        self.file = file
        self.added: dict[str, list[str]] = {}

    def local(self, name: Name, pending: dict[str, list[str]]) -> str:
        module, attr = name
        if name in self.file.from_imports:
            return self.file.from_imports[name]
        if attr in self.added.get(module, []) or attr in pending.get(module, []):
            return attr
        taken = self.file.bound | {a for names in (*self.added.values(), *pending.values()) for a in names}
        alias = self.file.module_aliases.get(module)
        if alias is not None and (module not in self.file.import_nodes or attr in taken):
            return f"{alias}.{attr}"  # the file writes `sa.String`
        if attr in taken:
            raise Skip(f"{attr} is bound to something else in this file; {module}.{attr} cannot be imported")
        pending.setdefault(module, []).append(attr)
        return attr

    def commit(self, pending: dict[str, list[str]]) -> None:
        for module, names in pending.items():
            for attr in names:
                if attr not in self.added.setdefault(module, []):
                    self.added[module].append(attr)

    def splices(self) -> list[_Splice]:
        out: list[_Splice] = []
        new_lines: list[tuple[int, str]] = []
        for module, names in self.added.items():
            node = self.file.import_nodes.get(module)
            if node is not None and not isinstance(node.names, cst.ImportStar):
                out.append(self._merge(node, names))
            else:
                new_lines.append(
                    (self._new_line_at(module), f"from {module} import {', '.join(sorted(names, key=_import_key))}\n")
                )
        for at, line in sorted(new_lines):
            out.append(_Splice(at, at, line))
        return out

    def _merge(self, node: cst.ImportFrom, names: list[str]) -> _Splice:
        assert not isinstance(node.names, cst.ImportStar)
        aliases = list(node.names)
        texts = [self.file.code(a) for a in aliases]
        for name in sorted(names, key=_import_key):
            index = next(
                (
                    i
                    for i, alias in enumerate(aliases)
                    if isinstance(alias.name, cst.Name) and _import_key(alias.name.value) > _import_key(name)
                ),
                len(texts),
            )
            texts.insert(index, name)
            aliases.insert(index, cst.ImportAlias(name=cst.Name(name)))
        first, last = node.names[0], node.names[-1]
        start, end = self.file.start(first), self.file.end(last)
        region = self.file.text[start:end]
        multiline = node.lpar is not None and "\n" in self.file.code(node)
        if "#" in region:  # comments among the names: append, keep them
            return _Splice(end, end, "".join(f", {n}" for n in names))
        if multiline:
            indent = self.file.indent_at(start)
            return _Splice(start, end, f",\n{indent}".join(texts))
        line_start = self.file.line_start(self.file.start(node))
        prefix = self.file.text[line_start:start]
        joined = ", ".join(texts)
        if len(prefix) + len(joined) + 1 <= self.file.width:
            return _Splice(start, end, joined)
        if node.lpar is None:
            return _Splice(start, end, "(\n" + "".join(f"    {t},\n" for t in texts) + ")")
        return _Splice(start, end, "\n" + "".join(f"    {t},\n" for t in texts))

    def _new_line_at(self, module: str) -> int:
        root = module.split(".")[0]
        same = [s for m, s in self.file.import_statements if m.split(".")[0] == root]
        if same:
            return self.file.next_line(self.file.end(same[-1]))
        statements = self.file.import_statements
        if root in STDLIB:
            std = [s for m, s in statements if m.split(".")[0] in STDLIB]
            if std:
                return self.file.next_line(self.file.end(std[-1]))
            if statements:
                return self.file.line_start(self.file.start(statements[0][1]))
        if statements:
            return self.file.next_line(self.file.end(statements[-1][1]))
        return 0


def _import_key(name: str) -> tuple[int, str]:
    """isort's / ruff's order-by-type: CONSTANTS, Classes, functions."""
    if name.isupper() and len(name) > 1:
        return 0, name
    if name[:1].isupper():
        return 1, name
    return 2, name


class _Writer:
    """Turns the changes of one fix into splices of one file."""

    def __init__(self, file: _File, imports: _Imports, context: WriteContext) -> None:
        self.file = file
        self.imports = imports
        self.context = context
        self.pending: dict[str, list[str]] = {}
        self.splices: list[_Splice] = []
        self.enums = {e.name: e.labels for e in context.truth.enums if e.schema is None}
        bound = set(file.from_imports)
        self.bound = bound
        self.added_columns: dict[tuple[str, str], int] = {}
        """(table, column) -> where a column added by an earlier fix of this call was inserted."""
        self.batch_adds: dict[tuple[str, str], int] = {}
        """(table, column) -> the index of the fix of this call that adds it."""
        self.index = 0
        """The index of the fix being written."""
        self.changes: tuple[Change, ...] = ()
        """All the changes of the fix being written."""
        self.width = file.width
        self.replaced_fks: dict[tuple[str, str], cst.Arg] = {}
        """(table, column) -> the column's `ForeignKey(...)` argument a DropForeignKey of this
        fix left for the fix's AddForeignKey to rewrite in place (SL207's replace)."""

    # -------------------------------------------------------------- small helpers
    def q(self, value: str) -> str:
        return python_string(value, self.file.quote)

    def name(self, module: str, attr: str) -> str:
        return self.imports.local((module, attr), self.pending)

    def spell(self, spelled: Spelled) -> str:
        return spelled.render([self.name(m, a) for m, a in spelled.names])

    def type_text(self, pg: str) -> str:
        spelled = sqlalchemy_type(pg, self.enums, self.bound)
        if spelled is None:
            raise Skip(f"type {pg} has no SQLAlchemy spelling schemalint knows")
        return self.spell(spelled)

    def splice(self, start: int, end: int, text: str) -> None:
        self.splices.append(_Splice(start, end, text))

    def late(self, make: Callable[[], None]) -> None:
        """Run `make`, marking the splices it adds as late."""
        count = len(self.splices)
        make()
        self.splices[count:] = [replace(s, late=True) for s in self.splices[count:]]

    def truth_table(self, name: str, schema: str | None) -> Table:
        table = self.context.truth.table(name, schema)
        if table is None:
            raise Skip(f"the truth has no table {name}")
        return table

    # -------------------------------------------------------------- values
    def server_default(self, default: str, pg: str) -> str:
        """`server_default=` that the reader reads back as exactly `default` on a `pg` column."""
        if default.startswith("nextval("):
            raise Skip(f"default {default} is a sequence; a server_default would need the sequence to exist")
        literal = re.fullmatch(r"'((?:[^']|'')*)'(?:::[\w ]+(?:\(\d+(?:,\d+)?\))?)?", default)
        if literal:
            value = literal.group(1).replace("''", "'")
            if _display(quote_literal(value), pg) == default:
                return self.q(value)
        if _display(default, pg) == default:
            return f"{self.name(SA, 'text')}({self.q(default)})"
        raise Skip(f"default {default} would not read back the same from a server_default")

    def foreign_key_text(self, fk: ForeignKey) -> str:
        if fk.unknown:
            raise Skip("the foreign key has unknown parts")
        target = ".".join(p for p in (fk.ref_schema, fk.ref_table, fk.ref_columns[0]) if p)
        args = [self.q(target)]
        args += self.fk_options(fk)
        return f"{self.name(SA, 'ForeignKey')}({', '.join(args)})"

    def fk_options(self, fk: ForeignKey) -> list[str]:
        args = []
        if not fk.implicit and fk.name:
            args.append(f"name={self.q(fk.name)}")
        if fk.on_delete != "NO ACTION":
            args.append(f"ondelete={self.q(fk.on_delete)}")
        if fk.on_update != "NO ACTION":
            args.append(f"onupdate={self.q(fk.on_update)}")
        if fk.deferrable:
            args.append("deferrable=True")
            if fk.initially_deferred:
                args.append(f"initially={self.q('DEFERRED')}")
        return args

    # -------------------------------------------------------------- generic list editing
    def _comma_after(self, item: cst.CSTNode) -> int | None:
        at = self.file.end(item)
        text = self.file.text
        while at < len(text) and text[at] in " \t":
            at += 1
        return at if at < len(text) and text[at] == "," else None

    def _own_lines(self, item: cst.CSTNode) -> bool:
        """Whether the item sits on lines of its own (`    a,  # note\\n`)."""
        start = self.file.start(item)
        if self.file.text[self.file.line_start(start) : start].strip():
            return False
        comma = self._comma_after(item)
        after = comma + 1 if comma is not None else self.file.end(item)
        rest = self.file.text[after : self.file.next_line(after)].strip()
        return comma is not None and (not rest or rest.startswith("#"))

    def append_item(self, items: Sequence[cst.CSTNode], opening: int, text: str) -> None:
        """Add `text` as the last item of a list whose `(` / `{` / `[` ends at `opening`."""
        if not items:
            self.splice(opening, opening, text)
            return
        self.insert_after(items[-1], text)

    def insert_after(self, item: cst.CSTNode, text: str) -> None:
        comma = self._comma_after(item)
        end = self.file.end(item)
        if comma is not None and self._own_lines(item):
            indent = self.file.indent_at(self.file.start(item))
            at = self.file.next_line(comma)
            self.splice(at, at, f"{indent}{text},\n")
        elif comma is not None and self.file.text[comma + 1 : comma + 2] in (")", "]", "}"):
            self.splice(end, comma + 1, f", {text}")
        else:
            self.splice(end, end, f", {text}")

    def insert_before(self, item: cst.CSTNode, text: str) -> None:
        start = self.file.start(item)
        if self._own_lines(item):
            line = self.file.line_start(start)
            self.splice(line, line, f"{self.file.indent_at(start)}{text},\n")
        else:
            self.splice(start, start, f"{text}, ")

    def remove_item(self, items: Sequence[cst.CSTNode], item: cst.CSTNode) -> None:
        index = list(items).index(item)
        if self._own_lines(item) and len(items) > 1:
            comma = self._comma_after(item)
            assert comma is not None
            self.splice(self.file.line_start(self.file.start(item)), self.file.next_line(comma), "")
        elif index > 0:
            self.splice(self.file.end(items[index - 1]), self.file.end(item), "")
        elif len(items) > 1:
            self.splice(self.file.start(item), self.file.start(items[1]), "")
        else:
            comma = self._comma_after(item)
            self.splice(self.file.start(item), comma + 1 if comma is not None else self.file.end(item), "")

    def set_kwarg(self, call: cst.Call, keyword: str, value: str | None) -> None:
        """Set `keyword=value` in `call` (None: remove it)."""
        existing = _kwarg(call, keyword)
        if any(a.star for a in call.args) and existing is None:
            raise Skip(f"{self.file.code(call.func)}(...) passes **kwargs; {keyword}= cannot be set safely")
        if existing is not None:
            if value is None:
                self.remove_item(call.args, existing)
            elif self.file.code(existing.value) != value:
                self.splice(self.file.start(existing.value), self.file.end(existing.value), value)
            return
        if value is None:
            return
        self.late(lambda: self.append_item(call.args, self._opening(call), f"{keyword}={value}"))

    def _opening(self, call: cst.Call) -> int:
        return self.file.text.index("(", self.file.end(call.func)) + 1

    def insert_positional(self, call: cst.Call, index: int, text: str) -> None:
        positional = _positional(call)
        if index < len(positional):
            self.insert_before(positional[index], text)
        elif call.args:
            following = [a for a in call.args if a not in positional[:index]]
            if following:
                self.insert_before(following[0], text)
            else:
                self.insert_after(call.args[-1], text)
        else:
            self.append_item([], self._opening(call), text)

    def statement_lines(self, node: cst.CSTNode) -> tuple[int, int]:
        return self.file.line_start(self.file.start(node)), self.file.next_line(self.file.end(node))

    # -------------------------------------------------------------- column lookup
    def column_decl(self, decl: _TableDecl, name: str) -> _ColumnDecl:
        found = decl.column(name)
        if found is None:
            raise Skip(f"column {decl.name}.{name} is not declared in this file by a form the writer can edit")
        return found

    def type_arg(self, column: _ColumnDecl) -> cst.Arg | None:
        keyword = _kwarg(column.call, "type_")
        if keyword is not None:
            return keyword
        for index, arg in enumerate(_positional(column.call)):
            if index == 0 and _string(arg.value) is not None:
                continue
            if _head(arg.value) not in NOT_TYPES:
                return arg
        return None

    # -------------------------------------------------------------- changes
    def change(self, change: Change) -> None:
        handler = {
            AlterColumn: self.alter_column,
            AddColumn: self.add_column,
            DropColumn: self.drop_column,
            RenameTable: self.rename_table,
            SetTableComment: self.set_table_comment,
            AddIndex: self.add_index,
            AddConstraint: self.add_constraint,
            AddForeignKey: self.add_foreign_key,
            DropIndex: self.drop_index,
            DropConstraint: self.drop_constraint,
            DropForeignKey: self.drop_foreign_key,
            AddTable: self.add_table,
            DropTable: self.drop_table,
        }.get(type(change))
        if handler is None:
            raise Skip(f"{type(change).__name__} is not a change the SQLAlchemy writer makes")
        handler(change)  # type: ignore[operator]

    def alter_column(self, change: AlterColumn) -> None:
        decl = self.declaration(change.table, change.schema)
        column = self.column_decl(decl, change.name)
        truth = change.column
        for part in change.parts:
            if part in ("identity", "generated"):
                raise Skip(f"changing a column's {part} is not written by the SQLAlchemy writer")
            if not truth.known(part):
                raise Skip(f"the truth's {part} of {change.name} is not known")
        python: str | None = None
        if "type" in change.parts:
            text = self.type_text(truth.type)
            arg = self.type_arg(column)
            if arg is not None:
                if _head(arg.value) not in TYPE_NAMES:
                    raise Skip(f"type {self.file.code(arg.value)} is the project's own; change it by hand")
                self.splice(self.file.start(arg.value), self.file.end(arg.value), text)
            else:
                positional = _positional(column.call)
                named = 1 if positional and _string(positional[0].value) is not None else 0
                self.insert_positional(column.call, named, text)
            python = self.new_python_type(column, change.current.type, truth.type)
        if "nullable" in change.parts:
            self.set_nullable(decl, column, truth.nullable, python)
        elif python is not None:
            inner = self.annotation_inner(column)
            assert inner is not None
            self.rewrite_annotation(inner, None, python)
        if "default" in change.parts:
            pg = truth.type if "type" in change.parts or not change.current.type else change.current.type
            value = None if truth.default is None else self.server_default(truth.default, pg)
            if truth.default is None and _kwarg(column.call, "server_default") is None:
                raise Skip(f"the default of {change.name} does not come from server_default=")
            self.set_kwarg(column.call, "server_default", value)
        if "comment" in change.parts:
            self.set_kwarg(column.call, "comment", None if truth.comment is None else self.q(truth.comment))
        if "unique" in change.parts:
            table = self.truth_table(change.table, change.schema)
            unique = (truth.name,) in {
                tuple(c.columns) for c in table.constraints if c.kind == "unique" and c.implicit and not c.expression
            }
            if not unique and _kwarg(column.call, "unique") is None:
                raise Skip(f"{change.name} is not made unique by unique=True; drop its constraint instead")
            self.set_kwarg(column.call, "unique", "True" if unique else None)
        if "references" in change.parts:
            self.set_references(change, column)

    def set_nullable(self, decl: _TableDecl, column: _ColumnDecl, nullable: bool, python: str | None = None) -> None:
        if nullable and _kwarg(column.call, "primary_key") is not None:
            raise Skip(f"{column.name} is part of the primary key")
        inner = self.annotation_inner(column)
        if inner is not None:
            # the annotation says it (`Optional[X]` / `X`); a `nullable=` that said otherwise goes
            self.rewrite_annotation(inner, nullable, python)
            self.set_kwarg(column.call, "nullable", None)
            return
        self.set_kwarg(column.call, "nullable", "True" if nullable else "False")

    def annotation_inner(self, column: _ColumnDecl) -> cst.BaseExpression | None:
        annotation = column.annotation
        return _mapped_inner(annotation.annotation) if column.mapped and annotation is not None else None

    def new_python_type(self, column: _ColumnDecl, old: str, new: str) -> str | None:
        """The Python type the `Mapped[...]` annotation should name after a type change, when it
        names the old type's (`Mapped[int]` for an integer that becomes text: `str`)."""
        inner = self.annotation_inner(column)
        if inner is None:
            return None
        base = _optional_inner(inner) or inner
        before = python_type(old)
        names = [self.file.from_imports.get(n) for n in before.names]
        if None in names or self.file.code(base) != before.render([n for n in names if n is not None]):
            return None
        after = self.spell(python_type(new))
        return None if after == self.file.code(base) else after

    def rewrite_annotation(self, inner: cst.BaseExpression, nullable: bool | None, python: str | None) -> None:
        """Make the `X` of `Mapped[X]` `Optional[X]` / `X | None` (nullable) or plain `X`, and
        its type `python` (None: as it is)."""
        optional = _optional_inner(inner)
        base = optional or inner
        text = python or self.file.code(base)
        wanted = (optional is not None) if nullable is None else nullable
        if text == self.file.code(base) and wanted == (optional is not None):
            return
        if wanted and optional is not None:
            self.splice(self.file.start(base), self.file.end(base), text)
        else:
            self.splice(self.file.start(inner), self.file.end(inner), self.optional(text) if wanted else text)

    def optional(self, text: str) -> str:
        if "Optional[" in self.file.text and ("typing", "Optional") in self.file.from_imports:
            return f"{self.file.from_imports[('typing', 'Optional')]}[{text}]"
        return f"{text} | None"

    def set_references(self, change: AlterColumn, column: _ColumnDecl) -> None:
        table = self.truth_table(change.table, change.schema)
        fks = [fk for fk in table.foreign_keys if fk.columns == (change.name,)]
        existing = [a for a in _positional(column.call) if _head(a.value) == "ForeignKey"]
        if len(fks) > 1 or len(existing) > 1:
            raise Skip(f"{change.name} has more than one foreign key")
        if not fks:
            if not existing:
                raise Skip(f"the foreign key of {change.name} is not declared on the column")
            self.remove_item(column.call.args, existing[0])
            return
        fk = fks[0]
        if not existing:
            arg = self.type_arg(column)
            text = self.foreign_key_text(fk)
            if arg is not None and arg.keyword is None:
                self.insert_after(arg, text)
            else:
                self.insert_positional(column.call, len(_positional(column.call)), text)
            return
        call = existing[0].value
        assert isinstance(call, cst.Call)
        if fk.unknown:
            raise Skip("the truth's foreign key has unknown parts")
        target = ".".join(p for p in (fk.ref_schema, fk.ref_table, fk.ref_columns[0]) if p)
        first = _positional(call)[:1]
        if first and _string(first[0].value) != target:
            if _string(first[0].value) is None:
                raise Skip(f"the foreign key target {self.file.code(first[0].value)} is not a string")
            self.splice(self.file.start(first[0].value), self.file.end(first[0].value), self.q(target))
        self.set_kwarg(call, "ondelete", None if fk.on_delete == "NO ACTION" else self.q(fk.on_delete))
        self.set_kwarg(call, "onupdate", None if fk.on_update == "NO ACTION" else self.q(fk.on_update))
        deferrable = _kwarg(call, "deferrable")
        if fk.deferrable != (deferrable is not None and self.file.code(deferrable.value) == "True"):
            self.set_kwarg(call, "deferrable", "True" if fk.deferrable else None)
        initially = _kwarg(call, "initially")
        current = _string(initially.value) if initially is not None else None
        if fk.initially_deferred != ((current or "").upper() == "DEFERRED"):
            self.set_kwarg(call, "initially", self.q("DEFERRED") if fk.initially_deferred else None)

    # ----- columns
    def column_style(self, decl: _TableDecl) -> bool:
        """Whether new columns of `decl` are `mapped_column` (else classic `Column`)."""
        own = [c.mapped for c in decl.columns]
        if own:
            return Counter(own).most_common(1)[0][0]
        every = [c.mapped for d in self.file.tables for c in d.columns if d.cls is not None]
        return bool(every) and Counter(every).most_common(1)[0][0]

    def explicit_nullable(self, decl: _TableDecl | None) -> bool:
        """Whether classic columns say `nullable=True` (the seed's style) rather than leave it."""
        tables = [decl] if decl is not None and decl.columns else self.file.tables
        calls = [c.call for d in tables for c in d.columns if not c.mapped]
        return any(
            (arg := _kwarg(call, "nullable")) is not None and self.file.code(arg.value) == "True" for call in calls
        )

    def column_statement(
        self, table: Table, column: Column, mapped: bool, explicit: bool, decl: _TableDecl | None
    ) -> str:
        """`attr = Column(...)` / `attr: Mapped[...] = mapped_column(...)` (no indent)."""
        if column.unknown:
            raise Skip(f"the truth's {', '.join(column.unknown)} of {column.name} is not known")
        attr = column.field_name or column.name
        if (
            column.name == f"{attr}_id"
        ):  # a foreign key's column: `stock_id`, the attribute `stock` is the relationship's
            attr = column.name
        taken = {c.attr for c in decl.columns} if decl is not None else set()
        if not attr.isidentifier() or attr in ("metadata", "registry") or attr in taken:
            attr = re.sub(r"\W", "_", attr)
            attr = attr if attr.isidentifier() else f"_{attr}"
            while attr in ("metadata", "registry") or attr in taken:
                attr += "_"
        args = self.column_args(table, column, mapped, explicit, named=attr != column.name)
        if mapped:
            pk = table.primary_key is not None and column.name in table.primary_key.columns
            python = self.spell(python_type(column.type))
            annotation = python if not column.nullable or pk else self.optional(python)
            head = f"{attr}: {self.name('sqlalchemy.orm', 'Mapped')}[{annotation}] = "
            return head + self.call_text(self.name("sqlalchemy.orm", "mapped_column"), args, len(head) + 4)
        head = f"{attr} = "
        return head + self.call_text(self.name(SA, "Column"), args, len(head) + 4)

    def column_args(self, table: Table, column: Column, mapped: bool, explicit: bool, named: bool) -> list[str]:
        args: list[str] = []
        if named:
            args.append(self.q(column.name))
        args.append(self.type_text(column.type))
        fks = [fk for fk in table.foreign_keys if fk.columns == (column.name,)]
        if len(fks) == 1:
            args.append(self.foreign_key_text(fks[0]))
        if column.identity is not None:
            identity = self.name(SA, "Identity")
            args.append(f"{identity}(always=True)" if column.identity == "always" else f"{identity}()")
        if column.generated is not None:
            raise Skip(f"generated column {column.name} is not written by the SQLAlchemy writer")
        pk = table.primary_key is not None and column.name in table.primary_key.columns
        if pk:
            args.append("primary_key=True")
        elif not mapped and (explicit or not column.nullable):
            args.append(f"nullable={column.nullable}")
        if column.default is not None:
            serial = (
                pk
                and table.primary_key is not None
                and len(table.primary_key.columns) == 1
                and column.type in ("integer", "bigint", "smallint")
                and column.default.startswith("nextval(")
                and f"{table.name}_{column.name}_seq" in column.default
            )
            if not serial:
                args.append(f"server_default={self.server_default(column.default, column.type)}")
        if not pk and (column.name,) in {
            tuple(c.columns) for c in table.constraints if c.kind == "unique" and c.implicit and not c.expression
        }:
            args.append("unique=True")
        if column.comment is not None:
            args.append(f"comment={self.q(column.comment)}")
        return args

    def call_text(self, func: str, args: list[str], used: int, indent: str = "") -> str:
        """`func(a, b)`, wrapped as ruff format would when the line is too long."""
        flat = f"{func}({', '.join(args)})"
        if used + len(flat) <= self.width:
            return flat
        inner = ", ".join(args)
        if 8 + len(indent) + len(inner) <= self.width:
            return f"{func}(\n{indent}    {inner}\n{indent})"
        return f"{func}(\n" + "".join(f"{indent}    {a},\n" for a in args) + f"{indent})"

    def add_column(self, change: AddColumn) -> None:
        decl = self.declaration(change.table, change.schema)
        if decl.column(change.column.name) is not None:
            raise Skip(f"column {change.table}.{change.column.name} is already declared")
        table = self.context.truth.table(change.table, change.schema) or Table(change.table, columns=(change.column,))
        if decl.cls is None:
            assert decl.call is not None
            text = (
                "Column("
                + ", ".join(self.column_args(table, change.column, False, self.explicit_nullable(decl), named=True))
                + ")"
            )
            text = text.replace("Column(", f"{self.name(SA, 'Column')}(", 1)
            after = decl.column(change.after) if change.after else None
            if after is not None and after.arg is not None:
                self.insert_after(after.arg, text)
            elif decl.columns and decl.columns[-1].arg is not None and change.after:
                self.insert_after(decl.columns[-1].arg, text)
            elif decl.columns and decl.columns[0].arg is not None:
                self.insert_before(decl.columns[0].arg, text)
            else:
                raise Skip(f"Table {decl.name} has no column to place {change.column.name} beside")
            return
        mapped = self.column_style(decl)
        explicit = self.explicit_nullable(decl)
        statement = self.column_statement(table, change.column, mapped, explicit, decl)
        anchor = decl.column(change.after) if change.after else None
        if anchor is not None and anchor.statement is not None:
            at = self.statement_lines(anchor.statement)[1]
        elif change.after and (decl.name, change.after) in self.added_columns:
            at = self.added_columns[(decl.name, change.after)]
        elif change.after and self.batch_adds.get((decl.name, change.after), -1) > self.index:
            raise Defer  # its neighbour comes with a later fix of this call: placed beside it next pass
        elif change.after is None and decl.columns and decl.columns[0].statement is not None:
            at = self.statement_lines(decl.columns[0].statement)[0]
        elif decl.columns and decl.columns[-1].statement is not None:
            at = self.statement_lines(decl.columns[-1].statement)[1]
        else:
            assert decl.cls is not None and isinstance(decl.cls.body, cst.IndentedBlock)
            at = self.file.next_line(self.file.end(decl.cls.body.body[-1]))
        indent = self._body_indent(decl)
        self.splice(at, at, "\n".join(indent + line if line else line for line in statement.split("\n")) + "\n")
        self.added_columns[(decl.name, change.column.name)] = at

    def _body_indent(self, decl: _TableDecl) -> str:
        assert decl.cls is not None and isinstance(decl.cls.body, cst.IndentedBlock)
        return self.file.indent_at(self.file.start(decl.cls.body.body[0]))

    def drop_column(self, change: DropColumn) -> None:
        decl = self.declaration(change.table, change.schema)
        column = self.column_decl(decl, change.column.name)
        if column.arg is not None:
            assert decl.call is not None
            self.remove_item(decl.call.args, column.arg)
            return
        assert column.statement is not None and decl.cls is not None
        line = self.column_used(decl, column)
        if line is not None:
            raise Skip(f"{change.table}.{change.column.name} is still used at line {line}")
        start, end = self.statement_lines(column.statement)
        self.splice(start, end, "")

    def column_used(self, decl: _TableDecl, column: _ColumnDecl) -> int | None:
        """The line of a use of the column a drop would break: its name or attribute in its own
        class (`Index("i", "price")`, `price.desc()`), `Class.attr` anywhere, or a
        `"table.column"` foreign key string anywhere."""
        assert decl.cls is not None and column.statement is not None
        own = (self.file.start(decl.cls), self.file.end(decl.cls))
        statement = (self.file.start(column.statement), self.file.end(column.statement))
        names = {column.name, column.attr} - {None}
        for node in self.file.positions.nodes_in(self.file.module):
            if not isinstance(node, (cst.SimpleString, cst.Name, cst.Attribute)):
                continue
            at = self.file.start(node)
            if statement[0] <= at < statement[1]:
                continue
            inside = own[0] <= at < own[1]
            if isinstance(node, cst.SimpleString):
                value = _string(node)
                hit = (inside and value in names) or value == f"{decl.name}.{column.name}"
            elif isinstance(node, cst.Name):
                hit = inside and node.value in names
            elif isinstance(node, cst.Attribute):
                hit = node.attr.value == column.attr and _head(node.value) == decl.cls.name.value
            else:
                hit = False
            if hit:
                return self.file.positions[node].start.line
        return None

    def declaration(self, table: str, schema: str | None) -> _TableDecl:
        mirrored = self.context.mirror.table(table, schema)
        return self.file.table(table, schema, mirrored.model if mirrored is not None else None)

    # ----- tables
    def rename_table(self, change: RenameTable) -> None:
        decl = self.declaration(change.table, change.schema)
        if decl.name_node is getattr(decl.cls, "name", None):
            raise Skip(f"table {change.table}'s name is generated from its class name; set __tablename__ by hand")
        self.splice(self.file.start(decl.name_node), self.file.end(decl.name_node), self.q(change.name))
        for node in self.file.positions.nodes_in(self.file.module):
            if isinstance(node, cst.Call) and _head(node) in ("ForeignKey", "ForeignKeyConstraint"):
                for arg in node.args:
                    values = (
                        [arg.value]
                        if not isinstance(arg.value, (cst.List, cst.Tuple))
                        else [e.value for e in arg.value.elements]
                    )
                    for value in values:
                        text = _string(value)
                        if text is not None and text.startswith(change.table + ".") and text.count(".") == 1:
                            self.splice(
                                self.file.start(value),
                                self.file.end(value),
                                self.q(change.name + text[len(change.table) :]),
                            )

    def set_table_comment(self, change: SetTableComment) -> None:
        decl = self.declaration(change.table, change.schema)
        value = None if change.comment is None else self.q(change.comment)
        if decl.call is not None:
            self.set_kwarg(decl.call, "comment", value)
            return
        args = decl.table_args
        dictionary = args if isinstance(args, cst.Dict) else None
        if isinstance(args, cst.Tuple) and args.elements and isinstance(args.elements[-1].value, cst.Dict):
            dictionary = args.elements[-1].value
        if dictionary is not None:
            entry = next(
                (e for e in dictionary.elements if isinstance(e, cst.DictElement) and _string(e.key) == "comment"), None
            )
            if entry is not None:
                if value is None:
                    self.remove_item(dictionary.elements, entry)
                else:
                    self.splice(self.file.start(entry.value), self.file.end(entry.value), value)
            elif value is not None:
                self.append_item(dictionary.elements, self.file.start(dictionary) + 1, f"{self.q('comment')}: {value}")
            return
        if value is None:
            return
        self.add_table_arg(decl, f"{{{self.q('comment')}: {value}}}", last=True)

    def add_table_arg(self, decl: _TableDecl, text: str, last: bool = False) -> None:
        """Add an element to the class's `__table_args__` (creating it) or a `Table()` argument."""
        if decl.call is not None:
            keywords = [a for a in decl.call.args if a.keyword is not None]
            if keywords:
                self.insert_before(keywords[0], text)
            else:
                self.append_item(decl.call.args, self._opening(decl.call), text)
            return
        args = decl.table_args
        if args is None:
            assert decl.cls is not None and isinstance(decl.cls.body, cst.IndentedBlock)
            body = [s for s in decl.cls.body.body if isinstance(s, cst.SimpleStatementLine)]
            if not body:
                raise Skip(f"class for {decl.name} has no statement to place __table_args__ after")
            at = self.file.next_line(self.file.end(body[-1]))
            value = text if last else f"({text},)"
            self.splice(at, at, f"\n{self._body_indent(decl)}__table_args__ = {value}\n")
            return
        if isinstance(args, cst.Dict):
            if last:
                raise Skip(f"__table_args__ of {decl.name} already is a dict")
            self.splice(self.file.start(args), self.file.start(args), f"({text}, ")
            self.splice(self.file.end(args), self.file.end(args), ")")
            return
        if not isinstance(args, cst.Tuple) or any(isinstance(e, cst.StarredElement) for e in args.elements):
            raise Skip(f"__table_args__ of {decl.name} is not a literal tuple or dict")
        elements = list(args.elements)
        ends_with_dict = bool(elements) and isinstance(elements[-1].value, cst.Dict)
        if ends_with_dict and last:
            raise Skip(f"__table_args__ of {decl.name} already ends with a dict")
        if not elements:
            raise Skip(f"__table_args__ of {decl.name} is an empty tuple")
        source = self.file.text
        opening = source.rfind("(", 0, self.file.start(args))
        closing = source.find(")", self.file.end(args))
        if opening < 0 or source[opening + 1 : self.file.start(args)].strip() or closing < 0:
            raise Skip(f"__table_args__ of {decl.name} is a tuple without parentheses")
        if "\n" in source[opening:closing]:  # one element a line: add a line
            if ends_with_dict:
                self.insert_before(elements[-1], text)
            else:
                self.insert_after(elements[-1], text)
            return
        items = [self.file.code(e.value) for e in elements]
        items.insert(len(items) - 1 if ends_with_dict else len(items), text)
        flat = f"({', '.join(items)})"
        line_start = self.file.line_start(opening)
        rest = source[closing + 1 : self.file.next_line(closing)].rstrip("\n")
        if len(source[line_start:opening]) + len(flat) + len(rest) <= self.file.width:
            self.splice(opening, closing + 1, flat)
        else:  # as ruff format would: one element a line
            line = source[line_start:closing]
            indent = line[: len(line) - len(line.lstrip())]
            self.splice(opening, closing + 1, "(\n" + "".join(f"{indent}    {i},\n" for i in items) + f"{indent})")

    def index_text(self, table: Table | None, index: Index) -> str:
        if index.unknown:
            raise Skip(f"index {index.name} has unknown parts")
        types = {c.name: c.type for c in table.columns} if table is not None else {}
        parts = []
        orders = index.orders or ("",) * len(index.columns)
        for column, order in zip(index.columns, orders, strict=False):
            if column not in types:
                raise Skip(f"index {index.name}: part {column} is not a column the writer can name")
            parts.append(self.q(column) if not order else f"{self.name(SA, 'text')}({self.q(f'{column} {order}')})")
        args = [self.q(index.name), *parts]
        if index.unique:
            args.append("unique=True")
        if index.using != "btree":
            args.append(f"postgresql_using={self.q(index.using)}")
        if index.where:
            if predicate_display(index.where, types)[0] != index.where:
                raise Skip(f"index {index.name}: predicate {index.where} would not read back the same")
            args.append(f"postgresql_where={self.name(SA, 'text')}({self.q(index.where)})")
        if any(index.opclasses):
            ops = ", ".join(
                f"{self.q(c)}: {self.q(o)}" for c, o in zip(index.columns, index.opclasses, strict=False) if o
            )
            args.append(f"postgresql_ops={{{ops}}}")
        if index.include:
            args.append(f"postgresql_include=[{', '.join(self.q(c) for c in index.include)}]")
        return f"{self.name(SA, 'Index')}({', '.join(args)})"

    def constraint_text(self, table: Table | None, constraint: Constraint) -> str:
        if constraint.unknown:
            raise Skip(f"constraint {constraint.name} has unknown parts")
        named = [f"name={self.q(constraint.name)}"] if not constraint.implicit else []
        if constraint.kind == "unique" and not constraint.expression:
            args = [self.q(c) for c in constraint.columns] + named
            if constraint.nulls_distinct is False:
                args.append("postgresql_nulls_not_distinct=True")
            if constraint.deferrable:
                args.append("deferrable=True")
            return f"{self.name(SA, 'UniqueConstraint')}({', '.join(args)})"
        if constraint.kind == "check" and constraint.expression:
            types = {c.name: c.type for c in table.columns} if table is not None else {}
            if predicate_display(constraint.expression, types)[0] != constraint.expression:
                raise Skip(f"CHECK {constraint.expression} would not read back the same")
            return f"{self.name(SA, 'CheckConstraint')}({', '.join([self.q(constraint.expression), *named])})"
        raise Skip(f"a {constraint.kind} constraint like {constraint.name} is not written by the SQLAlchemy writer")

    def foreign_key_constraint_text(self, fk: ForeignKey) -> str:
        if fk.unknown:
            raise Skip("the foreign key has unknown parts")
        prefix = ".".join(p for p in (fk.ref_schema, fk.ref_table) if p)
        local = ", ".join(self.q(c) for c in fk.columns)
        remote = ", ".join(self.q(f"{prefix}.{c}") for c in fk.ref_columns)
        args = [f"[{local}]", f"[{remote}]", *self.fk_options(fk)]
        return f"{self.name(SA, 'ForeignKeyConstraint')}({', '.join(args)})"

    def declared(self, decl: _TableDecl, name: str) -> None:
        """Refuse to add an object `name` the table already declares (re-applying a fix)."""
        for _, value in self._table_arg_items(decl)[1]:
            named = _kwarg(value, "name") if isinstance(value, cst.Call) else None
            first = _positional(value)[:1] if isinstance(value, cst.Call) and _head(value) == "Index" else []
            if (named is not None and _string(named.value) == name) or (first and _string(first[0].value) == name):
                raise Skip(f"{decl.name} already declares {name}")

    def add_index(self, change: AddIndex) -> None:
        decl = self.declaration(change.table, change.schema)
        self.declared(decl, change.index.name)
        self.add_table_arg(decl, self.index_text(self.context.truth.table(change.table, change.schema), change.index))

    def add_constraint(self, change: AddConstraint) -> None:
        decl = self.declaration(change.table, change.schema)
        table = self.context.truth.table(change.table, change.schema)
        if not change.constraint.implicit:
            self.declared(decl, change.constraint.name)
        self.add_table_arg(decl, self.constraint_text(table, change.constraint))

    def add_foreign_key(self, change: AddForeignKey) -> None:
        decl = self.declaration(change.table, change.schema)
        fk = change.foreign_key
        column = decl.column(fk.columns[0]) if len(fk.columns) == 1 else None
        if column is not None:
            replaced = self.replaced_fks.pop((decl.name, column.name), None)
            if replaced is not None:  # this fix dropped it: the same argument, new options
                self.splice(self.file.start(replaced.value), self.file.end(replaced.value), self.foreign_key_text(fk))
                return
            if any(_head(a.value) == "ForeignKey" for a in column.call.args):
                raise Skip(f"{column.name} already has a ForeignKey")
            arg = self.type_arg(column)
            if arg is not None and arg.keyword is None:
                self.insert_after(arg, self.foreign_key_text(fk))
            else:
                self.insert_positional(column.call, len(_positional(column.call)), self.foreign_key_text(fk))
            return
        self.add_table_arg(decl, self.foreign_key_constraint_text(fk))

    def _table_arg_items(
        self, decl: _TableDecl
    ) -> tuple[Sequence[cst.CSTNode], list[tuple[cst.CSTNode, cst.BaseExpression]]]:
        if decl.call is not None:
            return decl.call.args, [(a, a.value) for a in decl.call.args if a.keyword is None]
        if isinstance(decl.table_args, cst.Tuple):
            return decl.table_args.elements, [(e, e.value) for e in decl.table_args.elements]
        return (), []

    def _remove_named(self, decl: _TableDecl, name: str, kinds: set[str]) -> bool:
        items, pairs = self._table_arg_items(decl)
        for item, value in pairs:
            if not isinstance(value, cst.Call) or _head(value) not in kinds:
                continue
            named = _kwarg(value, "name")
            first = _positional(value)[:1]
            given = (
                _string(named.value)
                if named
                else _string(first[0].value)
                if first and _head(value) == "Index"
                else None
            )
            if given == name:
                if len(items) == 1 and decl.table_args_statement is not None:
                    start, end = self.statement_lines(decl.table_args_statement)
                    self.splice(start, end, "")
                else:
                    self.remove_item(items, item)
                return True
        return False

    def drop_index(self, change: DropIndex) -> None:
        decl = self.declaration(change.table, change.schema)
        if self._remove_named(decl, change.index.name, {"Index"}):
            return
        if len(change.index.columns) == 1 and change.index.implicit:
            column = decl.column(change.index.columns[0])
            keyword = "unique" if change.index.unique else "index"
            if column is not None and _kwarg(column.call, keyword) is not None:
                self.set_kwarg(column.call, keyword, None)
                return
        raise Skip(f"index {change.index.name} is not declared in __table_args__ or by index=True")

    def drop_constraint(self, change: DropConstraint) -> None:
        decl = self.declaration(change.table, change.schema)
        kinds = {"UniqueConstraint"} if change.constraint.kind == "unique" else {"CheckConstraint"}
        if self._remove_named(decl, change.constraint.name, kinds):
            return
        if change.constraint.kind == "unique" and len(change.constraint.columns) == 1:
            column = decl.column(change.constraint.columns[0])
            if column is not None and _kwarg(column.call, "unique") is not None:
                self.set_kwarg(column.call, "unique", None)
                return
        raise Skip(f"constraint {change.constraint.name} is not declared where the writer can remove it")

    def fix_adds_foreign_key(self, table: str, column: str) -> bool:
        return any(
            isinstance(c, AddForeignKey) and c.table == table and c.foreign_key.columns == (column,)
            for c in self.changes
        )

    def drop_foreign_key(self, change: DropForeignKey) -> None:
        decl = self.declaration(change.table, change.schema)
        fk = change.foreign_key
        if fk.name and not fk.implicit and self._remove_named(decl, fk.name, {"ForeignKeyConstraint"}):
            return
        column = decl.column(fk.columns[0]) if len(fk.columns) == 1 else None
        existing = [a for a in _positional(column.call) if _head(a.value) == "ForeignKey"] if column else []
        if column is None or len(existing) != 1:
            raise Skip("the foreign key is not declared where the writer can remove it")
        if self.fix_adds_foreign_key(change.table, column.name):
            self.replaced_fks[(decl.name, column.name)] = existing[0]
            return
        self.remove_item(column.call.args, existing[0])

    def add_table(self, change: AddTable) -> None:
        table = change.table
        if table.unknown:
            raise Skip(f"the truth's {', '.join(table.unknown)} of {table.name} is not known")
        if any(d.name == table.name for d in self.file.tables):
            raise Skip(f"table {table.name} is already declared")
        classes = [d for d in self.file.tables if d.cls is not None]
        bases = Counter(self.file.code(d.cls.bases[0].value) for d in classes if d.cls is not None and d.cls.bases)
        if not bases:
            raise Skip("this file declares no mapped class whose base a new class could use")
        base = bases.most_common(1)[0][0]
        model_class = (table.model or "").rpartition(".")[2]
        name = "".join(p[:1].upper() + p[1:] for p in re.split(r"_+", model_class or table.name) if p)
        if not name.isidentifier() or name in self.file.bound:
            raise Skip(f"class name {name} is taken in this file")
        neighbour = next((d for d in classes if d.name == change.after and d.columns), None)
        mapped = (
            self.column_style(neighbour)
            if neighbour is not None
            else Counter(c.mapped for d in classes for c in d.columns).most_common(1)[0][0]
            if any(d.columns for d in classes)
            else True
        )
        explicit = self.explicit_nullable(None)
        indent = "    "
        lines = [
            f"class {name}({base}):",
            f'{indent}"""{self.docstring(table, name)}"""',
            "",
            f"{indent}__tablename__ = {self.q(table.name)}",
            "",
        ]
        for column in table.columns:
            statement = self.column_statement(table, column, mapped, explicit, None)
            lines += [indent + line if line else line for line in statement.split("\n")]
        elements = [self.index_text(table, i) for i in table.indexes]
        for constraint in table.constraints:
            if (
                constraint.kind == "unique"
                and constraint.implicit
                and len(constraint.columns) == 1
                and not constraint.expression
            ):
                continue  # unique=True on the column
            elements.append(self.constraint_text(table, constraint))
        elements += [self.foreign_key_constraint_text(fk) for fk in table.foreign_keys if len(fk.columns) > 1]
        options = []
        if table.comment is not None:
            options.append(f"{self.q('comment')}: {self.q(table.comment)}")
        if table.schema is not None:
            options.append(f"{self.q('schema')}: {self.q(table.schema)}")
        if options:
            elements.append("{" + ", ".join(options) + "}")
        if elements:
            lines.append("")
            if len(elements) == 1 and elements[0].startswith("{"):
                lines.append(f"{indent}__table_args__ = {elements[0]}")
            elif len(elements) == 1 and len(indent) + 20 + len(elements[0]) <= self.width:
                lines.append(f"{indent}__table_args__ = ({elements[0]},)")
            else:
                lines.append(f"{indent}__table_args__ = (")
                lines += [f"{indent}    {e}," for e in elements]
                lines.append(f"{indent})")
        text = "\n".join(lines) + "\n"
        after = next((d for d in self.file.tables if d.name == change.after and d.statement is not None), None)
        first = classes[0].statement if change.after is None and classes else None
        if after is not None and after.statement is not None:
            at = self.file.next_line(self.file.end(after.statement))
            self.splice(at, at, "\n\n" + text)
        elif first is not None:  # the truth's first table: before the first mapped class
            decorators = first.decorators if isinstance(first, cst.ClassDef) else ()
            at = self.file.line_start(self.file.start(decorators[0] if decorators else first))
            self.splice(at, at, text + "\n\n")
        else:
            at = len(self.file.text)
            tail = "" if self.file.text.endswith("\n") else "\n"
            self.splice(at, at, tail + "\n\n" + text)

    def docstring(self, table: Table, name: str) -> str:
        model = table.model
        if self.context.truth.source != "django" or not model:
            return f"{name} (the {table.name} table)."
        app, _, cls = model.rpartition(".")
        reference = model
        for mirror in self.context.mirror.tables:
            if not mirror.mirrors or mirror.location is None or mirror.location.path != self.context.path:
                continue
            truth = next((t for t in self.context.truth.tables if t.name == mirror.name and t.model), None)
            if truth is None or truth.model is None:
                continue
            their_app, _, their_cls = truth.model.rpartition(".")
            if not mirror.mirrors.endswith("." + their_cls):
                continue
            parts = mirror.mirrors[: -len(their_cls) - 1].split(".")
            if their_app in parts:
                reference = ".".join(app if p == their_app else p for p in parts) + "." + cls
                break
        return f"{name} (mirrors Django {reference})."

    def drop_table(self, change: DropTable) -> None:
        decl = self.file.table(change.table.name, change.table.schema)
        assert decl.statement is not None
        names = [decl.cls.name.value] if decl.cls is not None else []
        if decl.call is not None and isinstance(decl.statement, cst.SimpleStatementLine):
            small = decl.statement.body[0]
            if isinstance(small, cst.Assign) and isinstance(small.targets[0].target, cst.Name):
                names.append(small.targets[0].target.value)
        for name in [*names, decl.name]:
            line = self.file.references(name, self.file.module, decl.statement)
            if line is not None:
                raise Skip(f"{name} is still used at line {line}")
        start, end = self.statement_lines(decl.statement)
        if isinstance(decl.statement, cst.ClassDef) and decl.statement.decorators:
            start = self.file.line_start(self.file.start(decl.statement.decorators[0]))
        # the blank lines before it go with it
        while start >= 2 and self.file.text[start - 2 : start] == "\n\n":
            start -= 1
        self.splice(start, end, "")


@functools.lru_cache(maxsize=4)
def _parsed(text: str) -> _File:
    """The file's index, kept for the next call on the same text: `edits_for` runs the writer
    once per finding of a file (positions are most of the cost of a call)."""
    return _File(text)


def _display(sql: str, pg: str) -> str | None:
    try:
        return default_display(sql, pg)
    except Exception:  # noqa: BLE001 - the printer's failure means: not this spelling
        return None


def _mapped_inner(annotation: cst.BaseExpression) -> cst.BaseExpression | None:
    """The `X` of `Mapped[X]`."""
    if (
        isinstance(annotation, cst.Subscript)
        and _head(annotation.value) == "Mapped"
        and len(annotation.slice) == 1
        and isinstance(annotation.slice[0].slice, cst.Index)
    ):
        return annotation.slice[0].slice.value
    return None


def _optional_inner(inner: cst.BaseExpression) -> cst.BaseExpression | None:
    """The `X` of `Optional[X]` / `X | None` / `None | X`, else None."""
    if isinstance(inner, cst.Subscript) and _head(inner.value) == "Optional" and len(inner.slice) == 1:
        element = inner.slice[0].slice
        return element.value if isinstance(element, cst.Index) else None
    if isinstance(inner, cst.BinaryOperation) and isinstance(inner.operator, cst.BitOr):
        if isinstance(inner.right, cst.Name) and inner.right.value == "None":
            return inner.left
        if isinstance(inner.left, cst.Name) and inner.left.value == "None":
            return inner.right
    return None


def _overlaps(splice: _Splice, taken: list[_Splice]) -> bool:
    for other in taken:
        if splice.start < splice.end and other.start < other.end:
            if splice.start < other.end and other.start < splice.end:
                return True
        elif splice.start == splice.end and other.start < splice.start < other.end:
            return True
        elif other.start == other.end and splice.start < other.start < splice.end:
            return True
    return False


def _splice(text: str, splices: list[_Splice]) -> str:
    out = []
    at = 0
    for splice in sorted(enumerate(splices), key=lambda p: (p[1].start, p[1].end > p[1].start, p[1].late, p[0])):
        s = splice[1]
        out.append(text[at : s.start])
        out.append(s.text)
        at = max(at, s.end)
    out.append(text[at:])
    return "".join(out)


class SQLAlchemyWriter:
    def apply(self, text: str, fixes: list[Fix], context: WriteContext) -> Written:
        try:
            file = _parsed(text)
        except cst.ParserSyntaxError as exc:
            reason = f"the file does not parse ({exc.message})"
            return Written(text, skipped=tuple((i, reason) for i in range(len(fixes))))
        imports = _Imports(file)
        taken: list[_Splice] = []
        applied: list[int] = []
        skipped: list[tuple[int, str]] = []
        added: dict[tuple[str, str], int] = {}
        batch = {
            (c.table, c.column.name): i for i, f in enumerate(fixes) for c in f.changes if isinstance(c, AddColumn)
        }
        for index, fix in enumerate(fixes):
            writer = _Writer(file, imports, context)
            writer.added_columns = dict(added)
            writer.batch_adds, writer.index = batch, index
            writer.changes = fix.changes
            try:
                for change in fix.changes:
                    writer.change(change)
            except Skip as exc:
                skipped.append((index, str(exc)))
                continue
            except Defer:
                continue
            if any(_overlaps(s, writer.splices[:i]) for i, s in enumerate(writer.splices)):
                skipped.append((index, "its changes touch one construct in ways the writer cannot combine"))
                continue
            if any(_overlaps(s, taken) for s in writer.splices):
                continue
            taken += writer.splices
            imports.commit(writer.pending)
            added = writer.added_columns
            applied.append(index)  # no splices: the file already says what the fix asks
        new = _splice(text, taken + imports.splices()) if taken else text
        return Written(new, tuple(applied), tuple(skipped))

    def parses(self, text: str) -> str | None:
        try:
            parse_for_reading(text)
        except cst.ParserSyntaxError as exc:
            return f"line {exc.raw_line}: {exc.message}"
        return None

    def target(self, fix: Fix, mirror: Schema) -> str | None:
        after = next((c.after for c in fix.changes if isinstance(c, AddTable) and c.after), None)
        if after is not None:
            neighbour = next((t for t in mirror.tables if t.name == after and t.location is not None), None)
            if neighbour is not None and neighbour.location is not None:
                return neighbour.location.path
        counts = Counter(t.location.path for t in mirror.tables if t.location is not None)
        if counts:
            return counts.most_common(1)[0][0]
        return mirror.files[0] if mirror.files else None


WRITER = SQLAlchemyWriter()

__all__ = ["WRITER", "SQLAlchemyWriter"]

"""Parse one Python file with libcst into `FileFacts` (see facts.py).

Positions are found by scanning the source lines from a cursor (libcst's PositionProvider
would triple the parse time): a class is at its `class Name` line, a member at the first
`name =` / `name:` / `def name` line after the previous member.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import replace

import libcst as cst

from schemalint.model import Diagnostic, Location
from schemalint.read import SourceFile, decode_or_diagnose
from schemalint.read.python.functions import scan_functions
from schemalint.read.python.lines import WORD_END, AnyHead, Head
from schemalint.read.python.parse import parse_chunk, parse_for_reading, string_value, unvalidated
from schemalint.read.python.prepass import reduced_chunks
from schemalint.read.sqlalchemy.facts import (
    Assignment,
    ClassFacts,
    Expr,
    FileFacts,
    Function,
    Import,
    Loop,
    Member,
    Setter,
)

_EMPTY_MODULE = cst.Module(body=[])
_COMPARISONS = {
    cst.Equal: "==",
    cst.NotEqual: "!=",
    cst.LessThan: "<",
    cst.LessThanEqual: "<=",
    cst.GreaterThan: ">",
    cst.GreaterThanEqual: ">=",
}
_BINOPS = {
    cst.BitOr: "|",
    cst.BitAnd: "&",
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
}


def extract_file(file: SourceFile) -> FileFacts:
    text, problem = decode_or_diagnose(file)
    if text is None:
        return FileFacts(file.rel, diagnostics=(problem,), parsed=False)
    return extract_text(text, file.rel)


def extract_text(text: str, rel: str) -> FileFacts:
    """The file's facts, parsing it one run of top-level statements at a time (statements.py:
    libcst is superlinear in the size of what it parses). The facts are the same as from one
    parse of the whole file: positions come from scanning the whole text, and any chunk libcst
    rejects sends the file through the whole-file path, which reports the syntax error."""
    # Method bodies reduced to their last `return`, all `_returned` reads (read/python/prepass.py).
    # `load_dialect_impl` stays whole: its PostgreSQL branch is the column's type (_returned).
    chunks = reduced_chunks(text, keep=_KEPT_WHOLE, keep_last_return=True)
    if len(chunks) > 1:
        reader = _ModuleReader(text, rel)
        try:
            with unvalidated():  # once for all the chunks' parses (parse.py)
                for chunk in chunks:
                    reader.read_statements(parse_chunk(chunk))
            return _with_functions(reader.facts(), text)
        except (cst.ParserSyntaxError, RecursionError, ValueError):
            pass  # a cut the scan got wrong, or an error the whole-file path words exactly
    return _extract_whole(text, rel)


def _with_functions(facts: FileFacts, text: str) -> FileFacts:
    """The facts with what the module-level functions compute (read/python/functions.py)."""
    if not facts.parsed or "def " not in text:
        return facts
    scanned: list = []
    bodies, calls = scan_functions(text, _RUNTIME_CALLS, scanned)
    runtime_tables = tuple((call.func, call.function, call.line, call.col) for call in calls)
    setters = []
    for setter in scanned:
        try:
            params = tuple((name, _expression(d) if d is not None else None) for name, d in setter.params)
            assigns = tuple(
                (attr, _expression(value) if value is not None else None, line, col)
                for attr, value, line, col in setter.assigns
            )
        except (cst.ParserSyntaxError, RecursionError, ValueError):
            continue
        setters.append(Setter(setter.owner, setter.name, params, assigns, setter.varargs))
    found = []
    for body in bodies:
        try:
            params = tuple(
                (name, _expression(default) if default is not None else None) for name, default in body.params
            )
            bindings = tuple((name, _expression(value)) for name, value in body.bindings)
            returns = _expression(body.returns)
            updates = tuple((name, _expression(arg), guard, maybe) for name, arg, guard, maybe in body.updates)
        except (cst.ParserSyntaxError, RecursionError, ValueError):
            continue
        imports = tuple(Import(local, module, name, level) for local, module, name, level in body.imports)
        found.append(Function(body.name, params, bindings, body.changed, returns, body.varargs, updates, imports))
    if not found and not runtime_tables and not setters:
        return facts
    return replace(facts, function_bodies=tuple(found), runtime_tables=runtime_tables, setters=tuple(setters))


_RUNTIME_CALLS = frozenset({"Table"})


def _expression(source: str) -> Expr:
    return to_expr(cst.parse_expression(source if "\n" not in source else f"({source})"))


def _extract_whole(text: str, rel: str) -> FileFacts:
    try:
        module = parse_for_reading(text)
    except cst.ParserSyntaxError as exc:
        line, col, message = _syntax_error_position(text, exc)
        where = Location(rel, line, col)
        return FileFacts(
            rel, diagnostics=(Diagnostic("unreadable", f"syntax error, file skipped: {message}", where),), parsed=False
        )
    except (RecursionError, ValueError) as exc:  # pathological input must not be a traceback
        return FileFacts(
            rel, diagnostics=(Diagnostic("unreadable", f"cannot parse file: {exc}", Location(rel, 1, 1)),), parsed=False
        )
    try:
        return _with_functions(_ModuleReader(text, rel).read(module), text)
    except RecursionError:
        return _too_deep(rel)


def _too_deep(rel: str) -> FileFacts:
    message = "expressions nested too deeply to read; file skipped"
    return FileFacts(rel, diagnostics=(Diagnostic("unreadable", message, Location(rel, 1, 1)),), parsed=False)


def _syntax_error_position(text: str, exc) -> tuple[int, int, str]:
    """Where the syntax error is. libcst reports the token where its parser gave up (often
    the next line); on this error path only, Python's own compiler names the offending spot."""
    try:
        compile(text, "<models>", "exec", dont_inherit=True)
    except SyntaxError as error:
        if error.lineno:
            return error.lineno, max(error.offset or 1, 1), error.msg
    except (ValueError, RecursionError, MemoryError):
        pass
    return max(exc.raw_line, 1), exc.raw_column + 1, exc.message


# A pattern per member name: the same names (`id`, `created_at`) recur in every class,
# and `re`'s own cache (512 entries, one lookup per call) is slower than this one.
_compiled = functools.lru_cache(maxsize=4096)(re.compile)

# Calls located one by one (each key, index and constraint at its own call).
_LOCATED_CALL = re.compile(
    r"\b(ForeignKey|ForeignKeyConstraint|Index|UniqueConstraint|CheckConstraint|PrimaryKeyConstraint|Column)\s*\("
)


class _Lines:
    """Finds statements' lines by scanning forward from a cursor."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.cursor = 0

    def calls_from(self, line: int) -> tuple[tuple[str, int, int], ...]:
        """The located calls of the statement starting at `line` (1-based): it runs until a
        later line that is indented no deeper than its first line. Text inside strings can
        match too; the linker only trusts these when their count matches what it evaluated."""
        if line > len(self.lines):
            return ()
        first = self.lines[line - 1]
        depth = len(first) - len(first.lstrip())
        found = []
        index = line - 1
        while index < len(self.lines):
            text = self.lines[index]
            stripped = text.lstrip()
            if (
                index > line - 1
                and stripped
                and not stripped.startswith((")", "]", "}", "#"))
                and len(text) - len(stripped) <= depth
            ):
                break
            for match in _LOCATED_CALL.finditer(text):
                found.append((match.group(1), index + 1, match.start(1) + 1))
            index += 1
        return tuple(found)

    def find(self, pattern: re.Pattern[str] | Head | AnyHead, start: int | None = None) -> tuple[int, int]:
        begin = self.cursor if start is None else start
        for index in range(begin, len(self.lines)):
            match = pattern.match(self.lines[index])
            if match:
                self.cursor = index + 1
                return index + 1, len(match.group(1)) + 1
        return begin + 1 if begin < len(self.lines) else max(len(self.lines), 1), 1


_BOUND = re.compile(r"\s*[:=,]")
_FUNCTION = re.compile(r"(?:async\s+)?def\s+")
_CLASS = re.compile(r"class\s+")


@functools.lru_cache(maxsize=4096)
def _name_pattern(name: str, indent: str | None = None) -> AnyHead:
    r"""A statement binding `name`; with `indent`, only at exactly that indentation (a class
    body's own statements, not lines inside its methods): what
    `^({lead})(?:{name}\s*[:=]|{name}\s*,|(?:async\s+)?def\s+{name}\b)` matches, without a
    pattern per name (`Head`)."""
    return AnyHead(Head(name, indent, None, _BOUND), Head(name, indent, _FUNCTION, WORD_END))


@functools.lru_cache(maxsize=4096)
def _class_pattern(name: str) -> Head:
    r"""`^(\s*)class\s+{name}\b`."""
    return Head(name, None, _CLASS, WORD_END)


class _ModuleReader:
    def __init__(self, text: str, rel: str):
        self.rel = rel
        self.lines = _Lines(text)
        self.imports: list[Import] = []
        self.assignments: list[Assignment] = []
        self.classes: list[ClassFacts] = []
        self.calls: list[tuple[Expr, int, int]] = []
        self.functions: list[str] = []
        self.compiles: list[tuple[str, Expr]] = []
        self.loops: list[Loop] = []
        self.condition: str | None = None
        """The test of the runtime `if` the statements being read are under, if any."""

    def read(self, module: cst.Module) -> FileFacts:
        self.read_statements(module)
        return self.facts()

    def read_statements(self, module: cst.Module) -> None:
        """Read a module's (or a chunk's) statements; the line cursor carries on from the last."""
        self.default_indent = module.default_indent
        self._statements(module.body)

    def facts(self) -> FileFacts:
        return FileFacts(
            self.rel,
            imports=tuple(self.imports),
            assignments=tuple(self.assignments),
            classes=tuple(self.classes),
            calls=tuple(self.calls),
            functions=tuple(self.functions),
            loops=tuple(self.loops),
            compiles=tuple(self.compiles),
        )

    def _statements(self, body) -> None:
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self._small_statement(small)
            elif isinstance(statement, cst.ClassDef):
                self.classes.append(self._class(statement))
            elif isinstance(statement, cst.FunctionDef):
                self.functions.append(statement.name.value)
                for decorator in statement.decorators:
                    found = to_expr(decorator.decorator)
                    if found[0] == "call" and found[1][0] == "ref" and found[1][1].split(".")[-1] == "compiles":
                        self.compiles.append((statement.name.value, found))
            elif isinstance(statement, cst.For):
                self.loops.append(self._loop(statement))
            elif isinstance(statement, (cst.If, cst.Try)):
                # `if TYPE_CHECKING:` imports and `try: import x except ImportError` fallbacks;
                # what a runtime `if` declares is kept with its condition.
                outer = self.condition
                if isinstance(statement, cst.If) and not _is_type_checking(statement.test):
                    self.condition = self.condition or _code(statement.test)
                self._statements(statement.body.body)
                branches = [statement.orelse] if isinstance(statement, cst.If) else list(statement.handlers)
                if isinstance(statement, cst.Try) and _imports_only_sqlalchemy(statement):
                    branches = []  # the fallback of an import that cannot fail in a SQLAlchemy project
                for branch in branches:
                    if isinstance(branch, cst.If):  # elif
                        self._statements([branch])
                    elif branch is not None and hasattr(branch, "body") and hasattr(branch.body, "body"):
                        self._statements(branch.body.body)
                self.condition = outer

    def _small_statement(self, small) -> None:
        if isinstance(small, cst.Import):
            for alias in small.names:
                dotted = _dotted(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.imports.append(Import(alias.asname.name.value, dotted, None))
                else:
                    head = dotted.split(".")[0]
                    self.imports.append(Import(head, head, None))
        elif isinstance(small, cst.ImportFrom):
            module = _dotted(small.module) if small.module is not None else ""
            level = len(small.relative)
            if isinstance(small.names, cst.ImportStar):
                self.imports.append(Import("*", module, "*", level))
                return
            for alias in small.names:
                name = _dotted(alias.name)
                local = (
                    alias.asname.name.value
                    if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
                    else name
                )
                self.imports.append(Import(local, module, name, level))
        elif isinstance(small, (cst.Assign, cst.AnnAssign)):
            targets = _assign_targets(small)
            value = small.value
            annotation = to_expr(small.annotation.annotation) if isinstance(small, cst.AnnAssign) else None
            for name in targets:
                line, col = self.lines.find(_name_pattern(name))
                expr = to_expr(value) if value is not None else None
                if expr is not None or annotation is not None:
                    calls = self.lines.calls_from(line) if expr is not None and expr[0] == "call" else ()
                    self.assignments.append(Assignment(name, expr, line, col, annotation, calls, self.condition))
        elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            func = _dotted_or_none(small.value.func) or ""
            line, col = (
                self.lines.find(_compiled(rf"^(\s*){re.escape(func)}\s*\(")) if func else (self.lines.cursor + 1, 1)
            )
            self.calls.append((to_expr(small.value), line, col))

    def _loop(self, node: cst.For) -> Loop:
        """A module-level `for`: its targets, what it iterates over, and the calls of its body."""
        line, col = self.lines.find(_compiled(r"^(\s*)(?:async\s+)?for\b"))
        target = node.target
        names = (
            [target]
            if isinstance(target, cst.Name)
            else [e.value if isinstance(e, cst.Element) else e for e in target.elements]
            if isinstance(target, (cst.Tuple, cst.List))
            else []
        )
        plain = bool(names) and all(isinstance(n, cst.Name) for n in names)
        body = []
        statements = node.body.body if isinstance(node.body, cst.IndentedBlock) else [node.body]
        for statement in statements:
            smalls = (
                statement.body if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
            )
            for small in smalls:
                value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign, cst.Expr)) else None
                if isinstance(value, cst.Call):
                    func = _dotted_or_none(value.func) or ""
                    at, at_col = (
                        self.lines.find(_compiled(rf"^(\s*).*\b{re.escape(func)}\s*\(")) if func else (line, col)
                    )
                    body.append((to_expr(value), at, at_col, self.lines.calls_from(at)))
        return Loop(
            tuple(n.value for n in names if isinstance(n, cst.Name)) if plain else (),
            to_expr(node.iter) if plain else None,
            tuple(body),
            line,
            col,
        )

    def _class(self, node: cst.ClassDef, outer: str = "") -> ClassFacts:
        name = node.name.value
        line, col = self.lines.find(_class_pattern(name))
        bases = tuple(to_expr(arg.value) for arg in node.bases if arg.keyword is None and not arg.star)
        keywords = tuple((arg.keyword.value, to_expr(arg.value)) for arg in node.keywords if arg.keyword is not None)
        decorators = tuple(to_expr(d.decorator) for d in node.decorators)
        docstring = node.get_docstring(clean=True)
        members: list[Member] = []
        nested: list[ClassFacts] = []
        qualname = f"{outer}.{name}" if outer else ""
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else [node.body]
        indent = None
        if isinstance(node.body, cst.IndentedBlock) and line <= len(self.lines.lines):
            own = self.lines.lines[line - 1][: col - 1]
            indent = own + (node.body.indent if node.body.indent is not None else self.default_indent)
        runtime: list[tuple[str, int, int]] = []
        maybe: list[tuple[int, tuple[Member, ...]]] = []
        self._class_body(body, indent, qualname or name, members, nested, runtime, maybe)
        return ClassFacts(
            name,
            bases,
            keywords,
            decorators,
            docstring,
            tuple(members),
            line,
            col,
            tuple(nested),
            qualname,
            self.condition if not outer else None,
            tuple(runtime),
            tuple(maybe),
        )

    def _class_body(self, body, indent, qualname, members: list, nested: list, runtime: list, maybe: list) -> None:
        """A class body's statements. `if TYPE_CHECKING:` declares nothing at runtime: its
        `else:` branch (and the body of `if not TYPE_CHECKING:`) is read as the class body;
        any other compound statement is recorded as `runtime`, its members unread."""
        lead = re.escape(indent) if indent is not None else r"\s*"
        for statement in body:
            if isinstance(statement, cst.ClassDef):
                nested.append(self._class(statement, qualname))
            elif isinstance(statement, cst.If) and _type_checking_test(statement.test) is not None:
                taken: cst.BaseSuite | None = statement.body
                if _type_checking_test(statement.test):
                    taken = statement.orelse.body if isinstance(statement.orelse, cst.Else) else None
                    if taken is not None:  # the cursor past the `if TYPE_CHECKING:` branch
                        self.lines.find(_compiled(rf"^({lead})else\s*:"))
                if isinstance(statement.orelse, cst.If):  # `elif`: decided at runtime
                    line, col = self.lines.find(_compiled(rf"^({lead})if\b"))
                    runtime.append(("if TYPE_CHECKING ... elif", line, col))
                if isinstance(taken, cst.IndentedBlock):
                    step = taken.indent if taken.indent is not None else self.default_indent
                    inner = indent + step if indent is not None else None
                    self._class_body(taken.body, inner, qualname, members, nested, runtime, maybe)
            elif isinstance(statement, (cst.If, cst.Try, cst.For, cst.While, cst.With)):
                keyword = _RUNTIME_KEYWORDS[type(statement)]
                line, col = self.lines.find(_compiled(rf"^({lead})(?:async\s+)?{keyword}\b"))
                what = f"if {_code(statement.test)}" if isinstance(statement, cst.If) else keyword
                runtime.append((what, line, col))
                declared = self._block_members(statement, indent)
                if declared is not None:
                    maybe.append((line, declared))
            else:
                members += self._members(statement, indent)

    def _block_members(self, statement, indent: str | None) -> tuple[Member, ...] | None:
        """What a `try`/`if` in a class body may declare, when each of its branches holds only
        imports, assignments and methods (None otherwise: what it does is not followed)."""
        if not isinstance(statement, (cst.Try, cst.If)) or indent is None:
            return None
        blocks = [statement.body]
        if isinstance(statement, cst.Try):
            blocks += [handler.body for handler in statement.handlers]
            blocks += [part.body for part in (statement.orelse, statement.finalbody) if part is not None]
        elif isinstance(statement.orelse, cst.Else):
            blocks.append(statement.orelse.body)
        elif statement.orelse is not None:
            return None  # `elif`
        found: list[Member] = []
        for block in blocks:
            if not isinstance(block, cst.IndentedBlock):
                return None
            inner = indent + (block.indent if block.indent is not None else self.default_indent)
            for inner_statement in block.body:
                if isinstance(inner_statement, cst.SimpleStatementLine) and all(
                    isinstance(small, _PLAIN_SMALL) or _is_docstring(small) for small in inner_statement.body
                ):
                    found += self._members(inner_statement, inner)
                elif isinstance(inner_statement, cst.FunctionDef):
                    found += self._members(inner_statement, inner)
                else:
                    return None
        return tuple(found)

    def _members(self, statement, indent: str | None) -> list[Member]:
        found: list[Member] = []
        if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in statement.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)):
                    annotation = to_expr(small.annotation.annotation) if isinstance(small, cst.AnnAssign) else None
                    value = to_expr(small.value) if small.value is not None else None
                    for name in _assign_targets(small):
                        line, col = self.lines.find(_name_pattern(name, indent))
                        found.append(Member(name, annotation, value, line, col, calls=self.lines.calls_from(line)))
        elif isinstance(statement, cst.FunctionDef):
            name = statement.name.value
            line, col = self.lines.find(_name_pattern(name, indent))
            returns = to_expr(statement.returns.annotation) if statement.returns is not None else None
            decorators = tuple(to_expr(d.decorator) for d in statement.decorators)
            params = tuple(p.name.value for p in (*statement.params.posonly_params, *statement.params.params))
            found.append(
                Member(
                    name,
                    returns,
                    _returned(statement),
                    line,
                    col,
                    "def",
                    decorators,
                    self.lines.calls_from(line),
                    params,
                )
            )
        # Method bodies declare nothing; member patterns are anchored on their own names, so
        # the scan for the next member skips over those lines.
        return found


def _imports_only_sqlalchemy(statement: cst.Try) -> bool:
    """`try: import sqlalchemy.types as types; class AsaList(types.TypeDecorator): ... except
    ImportError: ...`: every import the `try` body makes is SQLAlchemy's (present wherever the
    models are mapped) and every handler catches only ImportError/ModuleNotFoundError."""
    imported = []
    for inner in statement.body.body:
        if isinstance(inner, cst.SimpleStatementLine):
            for small in inner.body:
                if isinstance(small, cst.Import):
                    imported += [_dotted(alias.name) for alias in small.names]
                elif isinstance(small, cst.ImportFrom):
                    imported.append(_dotted(small.module) if small.module is not None and not small.relative else "")
    if not imported or not all(name.split(".")[0] == "sqlalchemy" for name in imported):
        return False
    return bool(statement.handlers) and all(
        handler.type is not None and _dotted_or_none(handler.type) in ("ImportError", "ModuleNotFoundError")
        for handler in statement.handlers
    )


_PLAIN_SMALL = (cst.Import, cst.ImportFrom, cst.Pass, cst.Assign, cst.AnnAssign)


def _is_docstring(small) -> bool:
    return isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))


_RUNTIME_KEYWORDS = {cst.If: "if", cst.Try: "try", cst.For: "for", cst.While: "while", cst.With: "with"}


def _type_checking_test(test) -> bool | None:
    """True for `TYPE_CHECKING`, False for `not TYPE_CHECKING`, None for any other test."""
    if _is_type_checking(test):
        return True
    if (
        isinstance(test, cst.UnaryOperation)
        and isinstance(test.operator, cst.Not)
        and _is_type_checking(test.expression)
    ):
        return False
    return None


def _is_type_checking(test) -> bool:
    """`if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` (never true when the code runs)."""
    return (_dotted_or_none(test) or "").split(".")[-1] == "TYPE_CHECKING"


def _returned(func: cst.FunctionDef) -> Expr | None:
    """The expression a method returns (the last top-level `return` of its body); for
    `load_dialect_impl`, what it returns on PostgreSQL (`_postgres_body`), None when that
    cannot be told."""
    body = func.body.body if isinstance(func.body, cst.IndentedBlock) else [func.body]
    if func.name.value == "__init__":
        return _init_summary(body)
    if func.name.value in _WHOLE_METHODS:
        body = _postgres_body(body)
    return _last_return(body)


_WHOLE_METHODS = frozenset({"load_dialect_impl"})
_KEPT_WHOLE = _WHOLE_METHODS | {"__init__"}
"""Bodies the prepass keeps: `load_dialect_impl` and `__init__` (a TypeDecorator's impl)."""


def _init_summary(body) -> Expr | None:
    """What a TypeDecorator's `__init__` does with its arguments, as `("init", forwards,
    params)`: `forwards` whether `super().__init__(...)` is given any (they would go to `impl`),
    `params` the parameters that become `self.impl` under `if <param> is not None:`. None when
    `self.impl` is set any other way (what the type is cannot be told without running it)."""
    forwards = False
    chosen: list[str] = []
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and _is_super_init(small.value):
                    forwards = forwards or bool(small.value.args)
                elif _sets_impl(small):
                    return None
        elif isinstance(statement, cst.If) and statement.orelse is None and _not_none_param(statement.test):
            param = _not_none_param(statement.test)
            inner = statement.body.body if isinstance(statement.body, cst.IndentedBlock) else []
            for line in inner:
                smalls = line.body if isinstance(line, cst.SimpleStatementLine) else None
                if smalls is None:
                    if "impl" in _code(line):
                        return None
                    continue
                for small in smalls:
                    if _sets_impl(small):
                        value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
                        if not (isinstance(value, cst.Name) and value.value == param):
                            return None
                        chosen.append(param)
        elif "impl" in _code(statement):
            return None
    return ("init", forwards, tuple(chosen))


def _is_super_init(value) -> bool:
    return (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "__init__"
        and isinstance(value.func.value, cst.Call)
        and isinstance(value.func.value.func, cst.Name)
        and value.func.value.func.value == "super"
    )


def _sets_impl(small) -> bool:
    targets = (
        [t.target for t in small.targets]
        if isinstance(small, cst.Assign)
        else [small.target]
        if isinstance(small, (cst.AnnAssign, cst.AugAssign))
        else []
    )
    return any(
        isinstance(t, cst.Attribute)
        and t.attr.value == "impl"
        and isinstance(t.value, cst.Name)
        and t.value.value == "self"
        for t in targets
    )


def _not_none_param(test) -> str | None:
    """`p` of an `if p is not None:` test."""
    if (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and isinstance(test.left, cst.Name)
        and isinstance(test.comparisons[0].operator, cst.IsNot)
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
    ):
        return test.left.value
    return None


def _postgres_body(body) -> list:
    """The statements a `load_dialect_impl` body runs on PostgreSQL, following `if
    dialect.name == "..."` tests (also `!=`, `in`, `not in`, with their `else:`); [] when
    a test cannot be read."""
    for statement in body:
        if not isinstance(statement, cst.If):
            continue
        taken = _postgres_test(statement.test)
        if taken is None:
            return []
        if taken:
            return list(statement.body.body) if isinstance(statement.body, cst.IndentedBlock) else []
        orelse = statement.orelse
        if isinstance(orelse, cst.If):
            return _postgres_body([orelse])
        if isinstance(orelse, cst.Else):
            return list(orelse.body.body) if isinstance(orelse.body, cst.IndentedBlock) else []
    return list(body)


def _postgres_test(test) -> bool | None:
    """Whether `dialect.name == "postgresql"`-like `test` holds on PostgreSQL (None: unknown)."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return None
    target = test.comparisons[0]
    if not (_dotted_or_none(test.left) or "").endswith(".name"):
        return None
    value = to_expr(target.comparator)
    if value[0] == "const" and isinstance(value[1], str):
        names = {value[1]}
    elif value[0] in ("tuple", "list", "set") and all(item[0] == "const" for item in value[1]):
        names = {item[1] for item in value[1]}
    else:
        return None
    operator = target.operator
    if isinstance(operator, (cst.Equal, cst.In)):
        return "postgresql" in names
    if isinstance(operator, (cst.NotEqual, cst.NotIn)):
        return "postgresql" not in names
    return None


def _last_return(body) -> Expr | None:
    result = None
    for statement in body:
        smalls = statement.body if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
        for small in smalls:
            if isinstance(small, cst.Return) and small.value is not None:
                result = to_expr(small.value)
    return result


def _assign_targets(small) -> list[str]:
    if isinstance(small, cst.AnnAssign):
        targets = [small.target]
    else:
        targets = [t.target for t in small.targets]
    return [t.value for t in targets if isinstance(t, cst.Name)]


def _dotted(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return _dotted(node.value) + "." + node.attr.value
    return _EMPTY_MODULE.code_for_node(node)


def _dotted_or_none(node) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted_or_none(node.value)
        return None if base is None else base + "." + node.attr.value
    return None


def _code(node) -> str:
    return _EMPTY_MODULE.code_for_node(node)


def to_expr(node) -> Expr:
    """Convert a libcst expression into the tagged-tuple form of facts.py."""
    if isinstance(node, cst.Name):
        if node.value in ("True", "False", "None"):
            return ("const", {"True": True, "False": False, "None": None}[node.value])
        return ("ref", node.value)
    if isinstance(node, cst.Attribute):
        dotted = _dotted_or_none(node)
        return ("ref", dotted) if dotted is not None else ("attr", to_expr(node.value), node.attr.value)
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = string_value(node)
        return ("const", value) if isinstance(value, str) else ("other", _code(node))
    if isinstance(node, (cst.Integer, cst.Float)):
        return ("const", _number(node))
    if isinstance(node, cst.UnaryOperation):
        inner = to_expr(node.expression)
        if isinstance(node.operator, cst.Minus) and inner[0] == "const" and isinstance(inner[1], (int, float)):
            return ("const", -inner[1])
        if isinstance(node.operator, cst.BitInvert):
            return ("invert", inner)
        return ("other", _code(node))
    if (
        isinstance(node, cst.Comparison)
        and len(node.comparisons) == 1
        and type(node.comparisons[0].operator) in _COMPARISONS
    ):
        target = node.comparisons[0]
        return ("cmp", _COMPARISONS[type(target.operator)], to_expr(node.left), to_expr(target.comparator))
    if isinstance(node, cst.FormattedString):
        return _fstring(node)
    if isinstance(node, cst.Call):
        return _call(node)
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        tag = {cst.Tuple: "tuple", cst.List: "list", cst.Set: "set"}[type(node)]
        items = tuple(
            ("star", to_expr(e.value)) if isinstance(e, cst.StarredElement) else to_expr(e.value) for e in node.elements
        )
        return (tag, items)
    if isinstance(node, cst.Dict):
        pairs: list[tuple[Expr | None, Expr]] = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                pairs.append((to_expr(element.key), to_expr(element.value)))
            else:
                pairs.append((None, to_expr(element.value)))
        return ("dict", tuple(pairs))
    if isinstance(node, cst.Subscript):
        parts = []
        for subscript in node.slice:
            index = subscript.slice
            parts.append(to_expr(index.value) if isinstance(index, cst.Index) else ("other", _code(index)))
        return ("sub", to_expr(node.value), tuple(parts))
    if isinstance(node, cst.BinaryOperation) and type(node.operator) in _BINOPS:
        return ("binop", _BINOPS[type(node.operator)], to_expr(node.left), to_expr(node.right))
    if isinstance(node, cst.Lambda):
        return ("lambda", to_expr(node.body))
    return ("other", _code(node))


def _fstring(node: cst.FormattedString) -> Expr:
    """An f-string whose placeholders are plain `{expr}` (no conversion or format spec)."""
    parts: list[Expr] = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            if "\\" in part.value:  # an escape sequence: Python decides what it means
                return ("other", _code(node))
            parts.append(("const", part.value.replace("{{", "{").replace("}}", "}")))
        elif (
            isinstance(part, cst.FormattedStringExpression)
            and part.conversion is None
            and part.format_spec is None
            and part.equal is None
        ):
            parts.append(to_expr(part.expression))
        else:
            return ("other", _code(node))
    return ("fstr", tuple(parts))


def _number(node: cst.Integer | cst.Float) -> int | float:
    """A number literal's value: what `ast.literal_eval` gives, without compiling the text."""
    try:
        return int(node.value, 0) if isinstance(node, cst.Integer) else float(node.value)
    except ValueError:  # a spelling int()/float() refuse: Python decides
        return ast.literal_eval(node.value)


def _call(node: cst.Call) -> Expr:
    args: list[Expr] = []
    kwargs: list[tuple[str | None, Expr]] = []
    for arg in node.args:
        value = to_expr(arg.value)
        if arg.keyword is not None:
            kwargs.append((arg.keyword.value, value))
        elif arg.star == "**":
            kwargs.append((None, value))
        elif arg.star == "*":
            args.append(("star", value))
        else:
            args.append(value)
    return ("call", to_expr(node.func), tuple(args), tuple(kwargs))

"""Stage 1 for Django: one Python file -> `ModuleFacts`, with libcst, without importing it.

Positions come from scanning the text for `class Name` / `name =` lines, in statement order:
libcst's PositionProvider would triple the parse time of a pre-commit run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

import libcst as cst

from schemalint.model import Diagnostic, Location
from schemalint.read import ReaderSettings, SourceFile, decode_or_diagnose
from schemalint.read.django.facts import (
    Assign,
    BinOp,
    Branch,
    Call,
    ClassFact,
    FieldInit,
    FString,
    Mapping,
    ModuleFacts,
    Opaque,
    Ref,
    Spread,
    Unary,
)
from schemalint.read.python.lines import WORD_END, Head
from schemalint.read.python.parse import parse_chunk, parse_for_reading, string_value, unvalidated
from schemalint.read.python.prepass import reduced_chunks

_EMPTY_MODULE = cst.Module(body=[])
_READ_BODIES = frozenset({"__init__", "db_type", "get_internal_type"})
"""The only function bodies `_class` reads: the chunked parse gets every other one reduced
to a placeholder (read/python/prepass.py)."""

_BINARY = {
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
    cst.BitOr: "|",
    cst.BitAnd: "&",
    cst.BitXor: "^",
    cst.LeftShift: "<<",
    cst.RightShift: ">>",
}
_UNARY = {cst.Minus: "-", cst.Plus: "+", cst.Not: "not", cst.BitInvert: "~"}
_CONSTANTS = {"True": True, "False": False, "None": None}


def module_names(rel: str) -> tuple[str, str]:
    """(package, module) dotted names of a file from its path relative to the project root."""
    parts = rel[:-3].split("/") if rel.endswith(".py") else rel.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
        return ".".join(parts), ".".join(parts)
    return ".".join(parts[:-1]), ".".join(parts)


# --------------------------------------------------------------------------- expressions


def dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


def _code(node: cst.CSTNode) -> str:
    return " ".join(_EMPTY_MODULE.code_for_node(node).split())


def _number(text: str):
    text = text.replace("_", "")
    try:
        return int(text, 0)
    except ValueError:
        try:
            return int(text)
        except ValueError:
            return float(text)


def value_of(node: cst.BaseExpression):
    """A libcst expression as a plain value or a facts record (see facts.py)."""
    if isinstance(node, cst.Integer):
        return _number(node.value)
    if isinstance(node, cst.Float):
        return float(node.value.replace("_", ""))
    if isinstance(node, cst.FormattedString):
        return _fstring(node)
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        evaluated = string_value(node)
        if isinstance(evaluated, (str, bytes)):
            return evaluated
        return Opaque(_code(node))
    if isinstance(node, cst.Name):
        if node.value in _CONSTANTS:
            return _CONSTANTS[node.value]
        return Ref(node.value)
    if isinstance(node, cst.Attribute):
        name = dotted(node)
        return Ref(name) if name else Opaque(_code(node))
    if isinstance(node, cst.Call):
        return _call(node)
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        items = []
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                items.append(Spread(value_of(element.value)))
            else:
                items.append(value_of(element.value))
        return tuple(items)
    if isinstance(node, cst.Dict):
        pairs = []
        for entry in node.elements:
            if not isinstance(entry, cst.DictElement):
                return Opaque(_code(node))
            pairs.append((value_of(entry.key), value_of(entry.value)))
        return Mapping(tuple(pairs))
    if isinstance(node, cst.BinaryOperation) and type(node.operator) in _BINARY:
        return BinOp(_BINARY[type(node.operator)], value_of(node.left), value_of(node.right))
    if isinstance(node, cst.UnaryOperation) and type(node.operator) in _UNARY:
        return Unary(_UNARY[type(node.operator)], value_of(node.expression))
    return Opaque(_code(node))


def _fstring(node: cst.FormattedString):
    parts: list = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            parts.append(part.value)
        elif isinstance(part, cst.FormattedStringExpression) and part.format_spec is None and part.conversion is None:
            parts.append(value_of(part.expression))
        else:
            return Opaque(_code(node))
    return FString(tuple(parts))


def _call(node: cst.Call) -> Call:
    args, kwargs, star = [], [], False
    for arg in node.args:
        if arg.star:
            star = True
        elif arg.keyword is not None:
            kwargs.append((arg.keyword.value, value_of(arg.value)))
        else:
            args.append(value_of(arg.value))
    func = dotted(node.func)
    if func is None and isinstance(node.func, cst.Call) and dotted(node.func.func) == "super":
        func = "super()"
    elif func is None and isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Call):
        if dotted(node.func.value.func) == "super":
            func = f"super().{node.func.attr.value}"
        else:
            # A method of an expression (`Lower("name").desc()`): the receiver becomes the
            # first argument of a call named `.desc`.
            func = "." + node.func.attr.value
            args.insert(0, value_of(node.func.value))
    return Call(func, tuple(args), tuple(kwargs), star)


# --------------------------------------------------------------------------- positions


class LineFinder:
    """Finds the line of `class Name` and `name =` by scanning, starting where the previous
    statement was found (statements are visited in source order)."""

    def __init__(self, text: str, default_indent: str = "    ") -> None:
        self.lines = text.splitlines()
        self.default_indent = default_indent

    def find(self, pattern: Head, start: int) -> tuple[int, int]:
        for index in range(max(start, 0), len(self.lines)):
            match = pattern.match(self.lines[index])
            if match:
                return index + 1, len(match.group(1)) + 1
        return max(start, 0) + 1, 1

    def call_positions(self, value, line: int) -> tuple[tuple[int, int], ...]:
        """Where each call of a list of calls starts, scanning forward from the assignment."""
        if not isinstance(value, tuple) or not value or not all(isinstance(v, Call) and v.func for v in value):
            return ()
        positions = []
        row, col = line - 1, 0
        for call in value:
            needle = call.func + "("
            while row < len(self.lines):
                found = self.lines[row].find(needle, col)
                if found >= 0:
                    positions.append((row + 1, found + 1))
                    col = found + len(needle)
                    break
                row, col = row + 1, 0
            else:
                return ()
        return tuple(positions)

    def class_line(self, name: str, start: int, indent: str | None = None) -> tuple[int, int]:
        return self.find(_class_pattern(name, indent), start)

    def assign_line(self, name: str, start: int, indent: str | None = None) -> tuple[int, int]:
        return self.find(_assign_pattern(name, indent), start)


# Name-independent parts of the patterns, compiled once (`Head`: no pattern per name).
_CLASS = re.compile(r"class\s+")
_DEFINITION = re.compile(r"(async\s+)?(class|def)\s+")
_FUNCTION = re.compile(r"(async\s+)?def\s+")
_ASSIGNED = re.compile(r"\s*(:|=(?!=)|,)")


@functools.lru_cache(maxsize=4096)
def _class_pattern(name: str, indent: str | None) -> Head:
    r"""`^({lead})class\s+{name}\b`."""
    return Head(name, indent, _CLASS, WORD_END)


@functools.lru_cache(maxsize=4096)
def _assign_pattern(name: str, indent: str | None) -> Head:
    r"""`^({lead}){name}\s*(:|=(?!=)|,)`. With the block's indentation known, a keyword argument
    of a multi-line call (`    max_length=10,`) cannot be mistaken for a class attribute of the
    same name."""
    return Head(name, indent, None, _ASSIGNED)


@functools.lru_cache(maxsize=4096)
def _definition_pattern(name: str, indent: str | None) -> Head:
    r"""`^({lead})(async\s+)?(class|def)\s+{name}\b`."""
    return Head(name, indent, _DEFINITION, WORD_END)


@functools.lru_cache(maxsize=4096)
def _function_pattern(name: str) -> Head:
    r"""`^(\s*)(async\s+)?def\s+{name}\b`."""
    return Head(name, None, _FUNCTION, WORD_END)


# --------------------------------------------------------------------------- statements


def _targets(statement: cst.BaseSmallStatement) -> tuple[list[str], cst.BaseExpression | None]:
    if isinstance(statement, cst.Assign):
        names = [t.target.value for t in statement.targets if isinstance(t.target, cst.Name)]
        return names, statement.value
    if isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name):
        return [statement.target.value], statement.value
    return [], None


def _assignments(
    body, finder: LineFinder, start: int, indent: str | None = None, conditional: list[Assign] | None = None
) -> tuple[list[Assign], int]:
    """Simple `name = value` statements of a block, with their positions. With `conditional`,
    the assignments under `if`/`try`/`for`/`while` are collected there."""
    found = []
    cursor = start
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            if isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
                line, _ = finder.find(_definition_pattern(statement.name.value, indent), cursor)
                cursor = line
            elif conditional is not None and isinstance(statement, _CONDITIONAL):
                for block in _runtime_blocks(statement):
                    inner, cursor = _assignments(block, finder, cursor, None, conditional)
                    conditional.extend(inner)
            continue
        for small in statement.body:
            names, value = _targets(small)
            if value is None:
                continue
            converted = value_of(value)
            for name in names:
                line, col = finder.assign_line(name, cursor, indent)
                cursor = line
                found.append(Assign(name, converted, line, col, finder.call_positions(converted, line)))
    return found, cursor


_CONDITIONAL = (cst.If, cst.Try, cst.For, cst.While)


def _inner_blocks(statement: cst.CSTNode) -> Iterable[Sequence[cst.BaseStatement]]:
    """The statement lists of a compound statement's blocks (`if`/`elif`/`else`, `try` with
    its handlers, `for`/`while` with `else`, `with`)."""
    for name in ("body", "orelse", "finalbody"):
        part = getattr(statement, name, None)
        if isinstance(part, cst.If):
            yield from _inner_blocks(part)
        elif isinstance(part, cst.IndentedBlock):
            yield part.body
        elif part is not None and isinstance(getattr(part, "body", None), cst.IndentedBlock):
            yield part.body.body
    for handler in getattr(statement, "handlers", ()):
        if isinstance(handler.body, cst.IndentedBlock):
            yield handler.body.body


def _absolute(module: str, package: str, relative_dots: int) -> str:
    if relative_dots == 0:
        return module
    parts = package.split(".") if package else []
    if relative_dots > 1:
        parts = parts[: len(parts) - (relative_dots - 1)]
    return ".".join([*parts, module] if module else parts)


def _imports(statement: cst.BaseSmallStatement, package: str) -> list[tuple[str, str]]:
    found = []
    if isinstance(statement, cst.Import):
        for alias in statement.names:
            target = dotted(alias.name)
            if not target:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                found.append((alias.asname.name.value, target))
            else:
                found.append((target.split(".")[0], target.split(".")[0]))
    elif isinstance(statement, cst.ImportFrom):
        base = dotted(statement.module) if statement.module is not None else ""
        origin = _absolute(base or "", package, len(statement.relative))
        if isinstance(statement.names, cst.ImportStar):
            found.append(("*", origin))
        else:
            for alias in statement.names:
                name = dotted(alias.name)
                if not name:
                    continue
                local = (
                    alias.asname.name.value
                    if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
                    else name
                )
                found.append((local, f"{origin}.{name}" if origin else name))
    return found


# --------------------------------------------------------------------------- classes


def _dict_items(node: cst.Dict, kwargs: str | None, dicts: dict[str, FieldInit]) -> tuple[FieldInit, bool]:
    """A dict display in a field's `__init__`: the items before `**kwargs` are defaults, those
    after it override the caller's; the bool says whether `**kwargs` is merged in."""
    defaults: list[tuple[str, object]] = []
    forced: list[tuple[str, object]] = []
    merged = False
    for element in node.elements:
        if isinstance(element, cst.DictElement):
            key = value_of(element.key)
            if isinstance(key, str):
                (forced if merged else defaults).append((key, value_of(element.value)))
        elif isinstance(element.value, cst.Name) and element.value.value == kwargs:
            merged = True
        elif isinstance(element.value, cst.Name) and element.value.value in dicts:
            other = dicts[element.value.value]
            (forced if merged else defaults).extend(other.defaults + other.forced)
    return FieldInit(tuple(defaults), tuple(forced)), merged


def _field_init(function: cst.FunctionDef) -> FieldInit:
    """What `__init__` does to the keyword arguments: parameter defaults, `setdefault`, a
    literal dict merged with `**kwargs` (`defaults.update(kwargs)`, `{**defaults, **kwargs}`),
    and what it forces (`kwargs["x"] = ...`, `super().__init__(x=...)`)."""
    defaults: list[tuple[str, object]] = []
    forced: list[tuple[str, object]] = []
    params = tuple(p.name.value for p in function.params.params if p.name.value != "self")
    for param in (*function.params.params, *function.params.kwonly_params):
        if param.default is not None and param.name.value != "self":
            defaults.append((param.name.value, value_of(param.default)))
    star = function.params.star_kwarg
    kwargs = star.name.value if isinstance(star, cst.Param) else None
    dicts: dict[str, FieldInit] = {}  # local literal dicts, as (defaults, forced)
    merged: set[str] = set()  # the dicts `**kwargs` was merged into
    attributes: list[tuple[str, str]] = []

    def add(target: str | None, key: object, value: object, overrides: bool) -> None:
        if not isinstance(key, str):
            return
        if target in dicts:
            old = dicts[target]
            if target in merged or overrides:
                dicts[target] = FieldInit(old.defaults, old.forced + ((key, value),))
            else:
                dicts[target] = FieldInit(old.defaults + ((key, value),), old.forced)
        else:
            (forced if overrides else defaults).append((key, value))

    def spread(found: FieldInit, is_merged: bool) -> None:
        # `super().__init__(**d)`: without the caller's kwargs in d, all of d is forced.
        defaults.extend(found.defaults if is_merged else ())
        forced.extend(found.forced if is_merged else found.defaults + found.forced)

    for statement in function.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                call = small.value
                name = dotted(call.func) or ""
                receiver, _, method = name.rpartition(".")
                if method == "setdefault" and len(call.args) == 2:
                    add(
                        receiver if receiver in dicts else None,
                        value_of(call.args[0].value),
                        value_of(call.args[1].value),
                        False,
                    )
                elif method == "update" and (receiver in dicts or receiver == kwargs):
                    for arg in call.args:
                        if arg.keyword is not None:
                            add(receiver if receiver in dicts else None, arg.keyword.value, value_of(arg.value), True)
                        elif isinstance(arg.value, cst.Name) and arg.value.value == kwargs and receiver in dicts:
                            merged.add(receiver)
                        elif isinstance(arg.value, cst.Dict):
                            for key, value in _dict_items(arg.value, kwargs, dicts)[0].defaults:
                                add(receiver if receiver in dicts else None, key, value, True)
                        elif isinstance(arg.value, cst.Name) and arg.value.value in dicts:
                            found = dicts[arg.value.value]
                            for key, value in found.defaults + found.forced:
                                add(receiver if receiver in dicts else None, key, value, True)
                elif _call(call).func == "super().__init__":
                    for arg in call.args:
                        if arg.keyword is not None:
                            value = value_of(arg.value)
                            if not isinstance(value, Ref):  # `max_length=max_length` passes a parameter on
                                forced.append((arg.keyword.value, value))
                        elif arg.star == "**" and isinstance(arg.value, cst.Name) and arg.value.value in dicts:
                            spread(dicts[arg.value.value], arg.value.value in merged)
                        elif arg.star == "**" and isinstance(arg.value, cst.Dict):
                            spread(*_dict_items(arg.value, kwargs, dicts))
            elif (
                isinstance(small, cst.Assign)
                and len(small.targets) > 1
                and all(isinstance(t.target, cst.Subscript) for t in small.targets)
            ):
                # `kwargs["null"] = kwargs["blank"] = True` (django-oscar's NullCharField)
                for each in small.targets:
                    target = each.target
                    assert isinstance(target, cst.Subscript)
                    index = target.slice[0].slice if len(target.slice) == 1 else None
                    if isinstance(index, cst.Index):
                        subscripted = dotted(target.value)
                        add(
                            subscripted if subscripted in dicts else None,
                            value_of(index.value),
                            value_of(small.value),
                            subscripted not in dicts or subscripted in merged,
                        )
            elif isinstance(small, cst.Assign) and len(small.targets) == 1:
                target = small.targets[0].target
                if isinstance(target, cst.Subscript) and len(target.slice) == 1:
                    index = target.slice[0].slice
                    if isinstance(index, cst.Index):
                        subscripted = dotted(target.value)
                        key, value = value_of(index.value), value_of(small.value)
                        got = _kwargs_get(value, kwargs, key) if subscripted == kwargs else None
                        if got is not None:
                            # `kwargs["k"] = kwargs.get("k", d)`: a default, as setdefault
                            add(None, key, got[0], False)
                            continue
                        add(
                            subscripted if subscripted in dicts else None,
                            key,
                            value,
                            subscripted not in dicts or subscripted in merged,
                        )
                elif isinstance(target, cst.Name) and isinstance(small.value, cst.Dict):
                    found, is_merged = _dict_items(small.value, kwargs, dicts)
                    if target.value == kwargs:  # `kwargs = {**defaults, **kwargs}`
                        spread(found, True)
                    else:
                        dicts[target.value] = found
                        if is_merged:
                            merged.add(target.value)
                elif (
                    isinstance(target, cst.Attribute)
                    and dotted(target.value) == "self"
                    and isinstance(small.value, cst.Name)
                    and small.value.value in params + tuple(d for d, _ in defaults)
                ):
                    attributes.append((target.attr.value, small.value.value))
    return FieldInit(tuple(defaults), tuple(forced), params, tuple(attributes))


def _kwargs_get(value: object, kwargs: str | None, key: object) -> tuple[object] | None:
    """(default,) when `value` is `kwargs.get(key[, default])` (a method call's facts may put
    the receiver first: `.get(kwargs, key, default)`); None otherwise."""
    if not isinstance(value, Call) or value.kwargs or kwargs is None:
        return None
    if value.func == f"{kwargs}.get":
        args = value.args
    elif value.func == ".get" and value.args[:1] == (Ref(kwargs),):
        args = value.args[1:]
    else:
        return None
    if not 1 <= len(args) <= 2 or args[0] != key:
        return None
    return (args[1] if len(args) == 2 else None,)


def _returns(block: Sequence[cst.BaseStatement]) -> Iterable[object]:
    """What each `return` of a function body returns (not those of nested functions)."""
    for statement in block:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Return):
                    yield value_of(small.value) if small.value is not None else None
        elif not isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            for inner in _inner_blocks(statement):
                yield from _returns(inner)


def _returned_literal(function: cst.FunctionDef) -> str | None:
    for statement in function.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Return) and small.value is not None:
                    value = value_of(small.value)
                    return value if isinstance(value, str) else None
    return None


def _block_indent(block, outer: str | None, finder: LineFinder) -> str | None:
    if not isinstance(block, cst.IndentedBlock) or outer is None:
        return None
    return outer + (block.indent if block.indent is not None else finder.default_indent)


def _class(node: cst.ClassDef, finder: LineFinder, start: int, outer: str | None = "") -> tuple[ClassFact, int]:
    line, col = finder.class_line(node.name.value, start, outer)
    bases = tuple(value_of(arg.value) for arg in node.bases if arg.keyword is None and not arg.star)
    keywords = tuple(
        (arg.keyword.value, value_of(arg.value)) for arg in (*node.bases, *node.keywords) if arg.keyword is not None
    )
    body_statements = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    indent = _block_indent(node.body, outer, finder)
    conditional: list[Assign] = []
    body, _ = _assignments(body_statements, finder, line, indent, conditional)
    meta: tuple[Assign, ...] | None = None
    meta_bases: tuple[str, ...] = ()
    init: FieldInit | None = None
    db_type: tuple[object, ...] = ()
    internal: str | None = None
    meta_conditional: list[Assign] = []
    methods = []
    mptt_meta: tuple[tuple[str, object], ...] = ()
    for statement in body_statements:
        if isinstance(statement, cst.ClassDef) and statement.name.value == "Meta":
            meta_line, _ = finder.class_line("Meta", line, indent)
            inner = statement.body.body if isinstance(statement.body, cst.IndentedBlock) else ()
            found, _ = _assignments(
                inner, finder, meta_line, _block_indent(statement.body, indent or "", finder), meta_conditional
            )
            meta = tuple(found)
            meta_bases = tuple(d for d in (dotted(a.value) for a in statement.bases) if d)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            methods.append(statement.name.value)
            if isinstance(statement, cst.ClassDef) and statement.name.value == "MPTTMeta":
                mptt_meta = tuple(
                    (name, value_of(small.value))
                    for inner in (statement.body.body if isinstance(statement.body, cst.IndentedBlock) else ())
                    if isinstance(inner, cst.SimpleStatementLine)
                    for small in inner.body
                    if isinstance(small, cst.Assign)
                    for name in _targets(small)[0]
                )
            if not isinstance(statement, cst.FunctionDef):
                continue
            if statement.name.value == "__init__":
                init = _field_init(statement)
            elif statement.name.value == "db_type" and isinstance(statement.body, cst.IndentedBlock):
                db_type = tuple(_returns(statement.body.body))
            elif statement.name.value == "get_internal_type":
                internal = _returned_literal(statement)
    end = max([line] + [a.line for a in body + conditional])
    return ClassFact(
        node.name.value,
        bases,
        line,
        col,
        tuple(body),
        meta,
        meta_bases,
        init,
        db_type,
        internal,
        keywords,
        tuple(methods),
        tuple(conditional),
        tuple(meta_conditional),
        mptt_meta,
    ), end


def _syntax_error(file: SourceFile, text: str, exc: cst.ParserSyntaxError) -> Diagnostic:
    """Where the file stops being Python. libcst reports the token where it gave up (often the
    next line); CPython's own parser, asked only now that we know the file is broken, names the
    line a person would fix and says it in the words of Python's error messages."""
    import ast

    try:
        ast.parse(text)
    except SyntaxError as python_error:
        if python_error.lineno:
            return Diagnostic(
                "unreadable",
                f"syntax error: {python_error.msg}",
                Location(file.rel, python_error.lineno, max(python_error.offset or 1, 1)),
            )
    except (ValueError, RecursionError, MemoryError):
        pass
    message = str(exc.message if hasattr(exc, "message") else exc).splitlines()[0]
    return Diagnostic("unreadable", f"syntax error: {message}", Location(file.rel, exc.raw_line, exc.raw_column + 1))


def extract(file: SourceFile, settings: ReaderSettings) -> ModuleFacts:
    package, module = module_names(file.rel)
    text, problem = decode_or_diagnose(file)
    if text is None:
        return ModuleFacts(file.rel, package, module, diagnostics=(problem,) if problem else ())
    chunked = _chunked_facts(text, file.rel, package, module)
    if chunked is not None:
        return chunked
    try:
        tree = parse_for_reading(text)
    except cst.ParserSyntaxError as exc:
        return ModuleFacts(file.rel, package, module, diagnostics=(_syntax_error(file, text, exc),))
    except (RecursionError, ValueError) as exc:
        return ModuleFacts(
            file.rel,
            package,
            module,
            diagnostics=(Diagnostic("unreadable", f"cannot parse: {exc}", Location(file.rel, 1, 1)),),
        )
    return _module_facts([tree], LineFinder(text, tree.default_indent), file.rel, package, module)


def _chunked_facts(text: str, rel: str, package: str, module: str) -> ModuleFacts | None:
    """The facts, parsing one run of top-level statements at a time (libcst's cost grows
    faster than the text), or None when the file is one chunk or a chunk does not parse (a
    cut the scan got wrong, or a syntax error): then the whole-file path decides. Positions
    come from the whole text, so the facts are those of one whole parse."""
    chunks = reduced_chunks(text, _READ_BODIES)
    if len(chunks) < 2:
        return None
    finder = LineFinder(text)
    try:
        with unvalidated():  # once for all the chunks' parses (parse.py)
            return _module_facts(_chunk_trees(chunks, finder), finder, rel, package, module)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None


def _chunk_trees(chunks: list[str], finder: LineFinder):
    """Each chunk's tree, parsed only when the previous one has been read (one in memory)."""
    for chunk in chunks:
        tree = parse_chunk(chunk)
        finder.default_indent = tree.default_indent  # what a block with `indent=None` uses
        yield tree


def _module_facts(trees: Iterable[cst.Module], finder: LineFinder, rel: str, package: str, module: str) -> ModuleFacts:
    """The facts of a module's statements, given as one tree or as its chunks' trees in order."""
    imports: list[tuple[str, str]] = []
    constants: list[Assign] = []
    classes: list[ClassFact] = []
    functions: list[str] = []
    conditional: list[ClassFact] = []
    branches: list[Branch] = []
    cursor = 0
    for statement in (statement for tree in trees for statement in tree.body):
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                imports += _imports(small, package)
            found, cursor = _assignments([statement], finder, cursor, "")
            constants += found
        elif isinstance(statement, cst.ClassDef):
            fact, cursor = _class(statement, finder, cursor)
            classes.append(fact)
        elif isinstance(statement, (cst.If, cst.Try)):
            # `try: from x import y except ImportError: ...` and `if TYPE_CHECKING:` imports.
            for block in _blocks(statement):
                for inner in block:
                    if isinstance(inner, cst.SimpleStatementLine):
                        for small in inner.body:
                            imports += [i for i in _imports(small, package) if i[0] not in dict(imports)]
            # `if TYPE_CHECKING: ... else: X = ...`: the `else:` always runs, so its names are
            # the module's constants (`DateTimeFieldBase = models.DateTimeField`).
            if _is_type_checking(statement) and isinstance(getattr(statement, "orelse", None), cst.Else):
                found, cursor = _assignments(statement.orelse.body.body, finder, cursor, None)  # type: ignore[union-attr]
                constants += [a for a in found if a.name not in {c.name for c in constants}]
            # A class in any branch may or may not exist at run time (never under TYPE_CHECKING);
            # an `if`/`elif`/`else` chain keeps each block's tests, classes and assignments
            # (`if not is_model_registered(...)`, `if connection.vendor == "postgresql"`).
            if isinstance(statement, cst.If) and not _is_type_checking(statement):
                for conditions, block in _if_branches(statement):
                    lines: list[int] = []
                    assigned: list[Assign] = []
                    for inner in block:
                        if isinstance(inner, cst.ClassDef):
                            fact, cursor = _class(inner, finder, cursor, None)
                            conditional.append(fact)
                            lines.append(fact.line)
                        elif isinstance(inner, cst.SimpleStatementLine):
                            found, cursor = _assignments([inner], finder, cursor, None)
                            assigned += found
                    branches.append(Branch(conditions, tuple(lines), tuple(assigned)))
                continue
            for block in _runtime_blocks(statement):
                for inner in block:
                    if isinstance(inner, cst.ClassDef):
                        fact, cursor = _class(inner, finder, cursor, None)
                        conditional.append(fact)
        elif isinstance(statement, cst.FunctionDef):
            functions.append(statement.name.value)
            cursor, _ = finder.find(_function_pattern(statement.name.value), cursor)
    return ModuleFacts(
        rel,
        package,
        module,
        tuple(imports),
        tuple(constants),
        tuple(classes),
        functions=tuple(functions),
        conditional_classes=tuple(conditional),
        branches=tuple(branches),
    )


def _if_branches(statement: cst.If) -> Iterable[tuple[tuple[tuple[object, bool], ...], Sequence[cst.BaseStatement]]]:
    """Each block of an `if`/`elif`/`else` chain with the truth each test must have for it
    to run (`elif b:` runs when `a` is false and `b` true)."""
    earlier: list[tuple[object, bool]] = []
    node: cst.If = statement
    while True:
        test = value_of(node.test)
        yield (*earlier, (test, True)), _statements(node.body)
        earlier.append((test, False))
        if isinstance(node.orelse, cst.If):
            node = node.orelse
            continue
        if isinstance(node.orelse, cst.Else):
            yield tuple(earlier), _statements(node.orelse.body)
        return


def _statements(suite: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    """An indented block's statements (a one-line `if x: y = 1` body: none read)."""
    return suite.body if isinstance(suite, cst.IndentedBlock) else ()


def _is_type_checking(statement: cst.CSTNode) -> bool:
    """`if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:`: a body that never runs."""
    return isinstance(statement, cst.If) and (dotted(statement.test) or "").rsplit(".", 1)[-1] == "TYPE_CHECKING"


def _runtime_blocks(statement: cst.CSTNode) -> Iterable[Sequence[cst.BaseStatement]]:
    """The blocks of a compound statement that may run (all but a TYPE_CHECKING body)."""
    if _is_type_checking(statement):
        assert isinstance(statement, cst.If)
        if statement.orelse is not None:
            yield from _inner_blocks(statement.orelse)
        return
    yield from _inner_blocks(statement)


def _blocks(statement):
    if isinstance(statement, cst.If):
        yield statement.body.body
    elif isinstance(statement, cst.Try):
        yield statement.body.body


def extract_text(rel: str, text: str) -> ModuleFacts:
    """Facts of a project module read at link time (an imported constants module)."""
    package, module = module_names(rel)
    chunked = _chunked_facts(text, rel, package, module)
    if chunked is not None:
        return chunked
    try:
        tree = parse_for_reading(text)
    except Exception:  # noqa: BLE001 - a helper module that does not parse is just not resolved
        return ModuleFacts(rel, package, module)
    return _module_facts([tree], LineFinder(text, tree.default_indent), rel, package, module)

"""What a module-level function computes, when that can be told without running it.

`function_bodies(text)` reads each top-level `def` of a module with `ast` and keeps, as source
text, what an evaluator needs to compute a call of it: its parameters and their defaults, the
values its body binds with plain top-level assignments, the names whose value the body may
change in a way that cannot be followed (assigned twice, or under an `if`/`with`/`try`/loop,
mutated through a method call, an item or attribute assignment, `+=`), and its last top-level
`return`. A reader evaluates the return with those bindings; a name in `changed` is unknown.

    def create_registry(custom=None):
        meta = MetaData(naming_convention=convention)   # meta: known
        type_map = {UUID: GUID}
        if custom is not None:
            type_map.update(custom)                      # type_map: changed
        return registry(metadata=meta, type_annotation_map=type_map)
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FunctionBody:
    name: str
    params: tuple[tuple[str, str | None], ...]
    """(name, default as source text or None), positional-or-keyword then keyword-only."""
    bindings: tuple[tuple[str, str], ...]
    """Top-level `name = value` (source text), in order, for names not in `changed`."""
    changed: tuple[str, ...]
    returns: str
    """The source text of the last top-level `return`'s value."""
    varargs: bool = False
    updates: tuple[tuple[str, str, str | None, bool], ...] = ()
    """`name.update(arg)` of a bound dict: (name, arg, guard, maybe). `guard`: the parameter an
    enclosing `if <guard> is not None:` tests; `maybe`: under a `with` (`contextlib.suppress`)
    the update may not run, so the keys it adds are unknown."""
    imports: tuple[tuple[str, str, str | None, int], ...] = ()
    """Imports in the body: (local name, module, imported name or None, level)."""


@dataclass(frozen=True, slots=True)
class CallInFunction:
    """A call of one of the names looked for, made inside a function or method body (it runs
    only when the function does): `func` as written (`sa.Table`), where, and in which function."""

    func: str
    function: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class ClassSetter:
    """A `@classmethod` that sets class attributes (`cls.db = appdb`, `cls.table = Table(...)`):
    what a call of it at module level leaves on the class. `assigns` holds each `cls.<attr> =
    <value>` (value as source text, where it is written); `plain` is False when the body does
    anything else (its assignments then are not known: their values are None)."""

    owner: str
    """The class's qualified name in its module (`FsModels`, `Outer.Inner`)."""
    name: str
    params: tuple[tuple[str, str | None], ...]
    """(name, default as source text or None), `cls` first."""
    assigns: tuple[tuple[str, str | None, int, int], ...]
    plain: bool
    varargs: bool = False


def class_setters(tree: ast.Module, text: str) -> tuple[ClassSetter, ...]:
    """The class-attribute setters (`ClassSetter`) of a module's classes, nested ones too."""
    found: list[ClassSetter] = []
    _setters_in(tree.body, text, "", found)
    return tuple(found)


def _setters_in(body: list[ast.stmt], text: str, owner: str, found: list[ClassSetter]) -> None:
    for statement in body:
        if isinstance(statement, ast.ClassDef):
            qualname = f"{owner}.{statement.name}" if owner else statement.name
            for member in statement.body:
                if isinstance(member, ast.FunctionDef) and _is_classmethod(member):
                    setter = _setter(member, qualname, text)
                    if setter is not None:
                        found.append(setter)
            _setters_in(statement.body, text, qualname, found)


def _is_classmethod(function: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "classmethod" for d in function.decorator_list)


def _setter(function: ast.FunctionDef, owner: str, text: str) -> ClassSetter | None:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    if not positional:
        return None
    first = positional[0].arg
    assigns: list[tuple[str, str | None, int, int]] = []
    plain = True
    for statement in function.body:
        target = statement.targets[0] if isinstance(statement, ast.Assign) and len(statement.targets) == 1 else None
        if (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == first
            and isinstance(statement, ast.Assign)
        ):
            value = statement.value
            assigns.append((target.attr, _source(text, value), value.lineno, value.col_offset + 1))
            continue
        if isinstance(statement, ast.Pass) or (
            isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
        ):
            continue
        plain = False
        for node in ast.walk(statement):  # `cls.x = ...` anywhere else: set, to a value not followed
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id == first
            ):
                assigns.append((node.attr, None, node.lineno, node.col_offset + 1))
    if not assigns:
        return None
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = [(a.arg, _source(text, d)) for a, d in zip(positional, defaults, strict=True)]
    params += [(a.arg, _source(text, d)) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    if not plain:
        assigns = [(attr, None, line, col) for attr, _, line, col in assigns]
    return ClassSetter(
        owner,
        function.name,
        tuple(params),
        tuple(assigns),
        plain,
        varargs=args.vararg is not None or args.kwarg is not None,
    )


def function_bodies(text: str) -> tuple[FunctionBody, ...]:
    """The module-level functions of `text` that end in a `return`, read as above."""
    return scan_functions(text, frozenset())[0]


def scan_functions(
    text: str, call_names: frozenset[str], setters: list[ClassSetter] | None = None
) -> tuple[tuple[FunctionBody, ...], tuple[CallInFunction, ...]]:
    """(the module-level functions of `text` that end in a `return`, read as above; the calls
    of a name in `call_names` (by its last part) made inside any function or method body).
    With `setters`, the module's class-attribute setters (`class_setters`) are added to it."""
    if "def " not in text:
        return (), ()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return (), ()
    if setters is not None and "classmethod" in text:
        setters.extend(class_setters(tree, text))
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            body = _read(node, text)
            if body is not None:
                found.append(body)
    calls: list[CallInFunction] = []
    if call_names and any(name in text for name in call_names):
        _calls_in_functions(tree.body, call_names, "", calls)
    return tuple(found), tuple(calls)


def _calls_in_functions(body: list[ast.stmt], names: frozenset[str], owner: str, found: list) -> None:
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            qualname = f"{owner}.{statement.name}" if owner else statement.name
            # What a function returns is the value of a call of it, which a reader evaluates
            # where the call is written (`t = make_table("x")`, a `declared_attr` __table__).
            returned = {id(s.value) for s in statement.body if isinstance(s, ast.Return) and s.value is not None}
            for node in ast.walk(statement):
                if isinstance(node, ast.Call) and id(node) not in returned:
                    dotted = _dotted(node.func)
                    if dotted is not None and dotted.split(".")[-1] in names:
                        found.append(CallInFunction(dotted, qualname, node.lineno, node.col_offset + 1))
        elif isinstance(statement, ast.ClassDef):
            _calls_in_functions(statement.body, names, f"{owner}.{statement.name}" if owner else statement.name, found)
        elif isinstance(statement, (ast.If, ast.Try, ast.With)):
            for block in (statement.body, getattr(statement, "orelse", []), getattr(statement, "finalbody", [])):
                _calls_in_functions(block, names, owner, found)
            for handler in getattr(statement, "handlers", []):
                _calls_in_functions(handler.body, names, owner, found)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _read(node: ast.FunctionDef, text: str) -> FunctionBody | None:
    returned = [s for s in node.body if isinstance(s, ast.Return) and s.value is not None]
    if not returned:
        return None
    last = returned[-1]
    assert last.value is not None
    # Statements after the last return never run; only those before it bind what it reads.
    before = node.body[: node.body.index(last)]
    if any(isinstance(n, ast.Return) for s in before for n in _walk_body(s)):
        return None  # an earlier return may decide (under a condition the reader does not run)
    returns = ast.get_source_segment(text, last.value)
    if returns is None:
        return None
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = [(a.arg, _source(text, d)) for a, d in zip(positional, defaults, strict=True)]
    params += [(a.arg, _source(text, d)) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    bound: dict[str, str] = {}
    changed: set[str] = set()
    updates: list[tuple[str, str, str | None, bool]] = []
    imports: list[tuple[str, str, str | None, int]] = []
    for statement in before:
        found = _updates(statement, text, set(bound) - changed)
        if found is not None:
            updates += found[0]
            imports += found[1]
            continue
        target = _plain_assignment(statement)
        if target is not None and target not in bound and target not in changed:
            value = statement.value  # type: ignore[attr-defined]
            segment = ast.get_source_segment(text, value) if value is not None else None
            if segment is not None:
                bound[target] = segment
                continue
        changed |= _changed_names(statement)
    changed |= {name for name, _ in params if any(name in _changed_names(s) for s in before)}
    return FunctionBody(
        node.name,
        tuple(params),
        tuple((name, value) for name, value in bound.items() if name not in changed),
        tuple(sorted(changed)),
        returns,
        varargs=args.vararg is not None or args.kwarg is not None,
        updates=tuple(u for u in updates if u[0] not in changed),
        imports=tuple(imports),
    )


def _updates(statement: ast.stmt, text: str, dicts: set[str]):
    """([(name, arg, guard, maybe)], [imports]) when `statement` is an import, `d.update(x)` of
    a bound name, or an `if <param> is not None:` / `with ...:` block of only those; else None."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return [], _imports(statement)
    call = statement.value if isinstance(statement, ast.Expr) else None
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "update"
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id in dicts
        and len(call.args) == 1
        and not call.keywords
    ):
        arg = ast.get_source_segment(text, call.args[0])
        return ([(call.func.value.id, arg, None, False)], []) if arg is not None else None
    guard, maybe = None, False
    if isinstance(statement, ast.If) and not statement.orelse:
        test = statement.test
        if not (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.IsNot)
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None
        ):
            return None
        guard = test.left.id
    elif isinstance(statement, ast.With):
        maybe = True
    else:
        return None
    updates: list = []
    imports: list = []
    for inner in statement.body:
        found = _updates(inner, text, dicts)
        if found is None or any(u[2] is not None or u[3] for u in found[0]):
            return None
        updates += [(name, arg, guard, maybe) for name, arg, _, _ in found[0]]
        imports += found[1]
    return updates, imports


def _imports(statement: ast.Import | ast.ImportFrom) -> list[tuple[str, str, str | None, int]]:
    if isinstance(statement, ast.Import):
        return [
            (alias.asname, alias.name, None, 0)
            if alias.asname
            else (alias.name.split(".")[0], alias.name.split(".")[0], None, 0)
            for alias in statement.names
        ]
    return [
        (alias.asname or alias.name, statement.module or "", alias.name, statement.level)
        for alias in statement.names
        if alias.name != "*"
    ]


def _walk_body(statement: ast.stmt):
    """The nodes of a statement, not entering nested functions and classes (their `return`s
    are theirs)."""
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.append(child)


def _source(text: str, node: ast.expr | None) -> str | None:
    return ast.get_source_segment(text, node) if node is not None else None


def _plain_assignment(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value is not None:
        return statement.target.id
    return None


def _changed_names(statement: ast.stmt) -> set[str]:
    """Names `statement` binds or may mutate (a method call on a name counts: `x.update()`)."""
    names: set[str] = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            root = _root_name(node)
            if root:
                names.add(root)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            root = _root_name(node.func.value)
            if root:
                names.add(root)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None

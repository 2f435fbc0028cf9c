"""Stage 1 for migrations: one `<app>/migrations/NNNN_name.py` -> `MigrationFacts`, with libcst,
without importing it. Field calls inside operations become the Django reader's facts, their
names made absolute through the file's imports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from schemalint.model import Diagnostic, Location
from schemalint.read import ReaderSettings, SourceFile, decode_or_diagnose
from schemalint.read.django.extract import _imports, _syntax_error, dotted, module_names, value_of
from schemalint.read.django.facts import BinOp, Call, FString, Mapping, Ref, Spread, Unary
from schemalint.read.migrations.facts import MigrationFacts, Operation
from schemalint.read.migrations.positions import positions
from schemalint.read.python.parse import parse_for_reading

_LISTS = ("dependencies", "replaces", "run_before", "operations")


def absolute(value: object, imports: dict[str, str]) -> object:
    """`value` with each name's head replaced by what the file imports it as."""

    def name(text: str) -> str:
        head, dot, rest = text.partition(".")
        return imports[head] + dot + rest if head in imports else text

    def walk(v: object) -> object:
        if isinstance(v, Ref):
            return Ref(name(v.dotted))
        if isinstance(v, Call):
            func = name(v.func) if v.func and not v.func.startswith((".", "super()")) else v.func
            return Call(func, tuple(walk(a) for a in v.args), tuple((k, walk(a)) for k, a in v.kwargs), v.star)
        if isinstance(v, tuple):
            return tuple(walk(item) for item in v)
        if isinstance(v, Mapping):
            return Mapping(tuple((walk(k), walk(i)) for k, i in v.items))
        if isinstance(v, BinOp):
            return BinOp(v.op, walk(v.left), walk(v.right))
        if isinstance(v, Unary):
            return Unary(v.op, walk(v.operand))
        if isinstance(v, Spread):
            return Spread(walk(v.value))
        if isinstance(v, FString):
            return FString(tuple(walk(p) for p in v.parts))
        return v

    return _written(walk(value))


def _written(value: object) -> object:
    """Expressions as `deconstruct()` writes them, back in the form models write them (what
    the Django reader reads): `CombinedExpression(a, "-", b)` is `a - b`, `OrderBy(x,
    descending=True)` is `x.desc()`."""
    if isinstance(value, tuple):
        return tuple(_written(v) for v in value)
    if isinstance(value, Mapping):
        return Mapping(tuple((_written(k), _written(v)) for k, v in value.items))
    if not isinstance(value, Call):
        return value
    call = Call(
        value.func, tuple(_written(a) for a in value.args), tuple((k, _written(v)) for k, v in value.kwargs), value.star
    )
    last = (call.func or "").rsplit(".", 1)[-1]
    if call.func in ("set", "frozenset") and len(call.args) <= 1 and not call.kwargs and not call.star:
        # `unique_together=set([("user", "hash")])`, as old makemigrations wrote it
        return call.args[0] if call.args and isinstance(call.args[0], tuple) else () if not call.args else call
    if last == "CombinedExpression" and len(call.args) == 3 and isinstance(call.args[1], str) and not call.kwargs:
        return BinOp(call.args[1], call.args[0], call.args[2])
    if last == "OrderBy" and len(call.args) == 1:
        rest = tuple((k, v) for k, v in call.kwargs if k != "descending")
        return Call(".desc" if call.kw("descending") is True else ".asc", call.args, rest)
    return call


def _substituted(value: object, names: dict[str, object]) -> object:
    """`SeparateDatabaseAndState(state_operations=state_operations)` with the class attribute
    it names (written above `operations` in the Migration class) in its place."""
    if isinstance(value, Ref) and value.dotted in names:
        return names[value.dotted]
    if isinstance(value, Call):
        return Call(
            value.func,
            tuple(_substituted(a, names) for a in value.args),
            tuple((k, _substituted(v, names)) for k, v in value.kwargs),
            value.star,
        )
    if isinstance(value, tuple):
        return tuple(_substituted(v, names) for v in value)
    return value


def extract(file: SourceFile, settings: ReaderSettings) -> MigrationFacts:
    name = file.rel.rsplit("/", 1)[-1].removesuffix(".py")
    facts = MigrationFacts(file.rel, name)
    text, problem = decode_or_diagnose(file)
    if text is None:
        return replace(facts, diagnostics=(problem,) if problem else ())
    try:
        module = parse_for_reading(text)
    except cst.ParserSyntaxError as exc:
        return replace(facts, diagnostics=(_syntax_error(file, text, exc),))
    except (RecursionError, ValueError) as exc:
        return replace(facts, diagnostics=(Diagnostic("unreadable", f"cannot parse: {exc}", Location(file.rel, 1, 1)),))
    package, _ = module_names(file.rel)
    imports: dict[str, str] = {}
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                imports.update(_imports(small, package))
    for statement in module.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == "Migration":
            return _migration(facts, text, module, statement, imports)
    return facts


def _migration(
    facts: MigrationFacts, text: str, module: cst.Module, node: cst.ClassDef, imports: dict[str, str]
) -> MigrationFacts:
    found: dict[str, tuple[object, ...]] = {}
    unknown: list[str] = []
    operations: list[Call] = []  # the last `operations` list's values, positions added below
    chosen: cst.List | cst.Tuple | None = None
    assignments = 0  # of `operations`, for the text scan: it finds one
    names: dict[str, object] = {}  # other class attributes (`state_operations = [...]`)
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    simple = all(isinstance(statement, cst.SimpleStatementLine) for statement in body)  # no `if`/`try`/...
    for statement in _class_statements(body, imports, unknown):
        for small in statement.body:
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
                targets, value = [small.target.value], small.value
            elif isinstance(small, cst.Assign):
                targets = [t.target.value for t in small.targets if isinstance(t.target, cst.Name)]
                value = small.value
            else:
                changed = _list_changed(small)
                if changed is not None and changed not in unknown:
                    unknown.append(changed)  # what it adds or removes is not read: unknown, never left out
                continue
            for target in (t for t in targets if t not in _LISTS):
                names[target] = value_of(value)
            for target in (t for t in targets if t in _LISTS):
                assignments += target == "operations"
                if not isinstance(value, (cst.List, cst.Tuple)) or any(
                    isinstance(e, cst.StarredElement) for e in value.elements
                ):
                    unknown.append(target)
                    continue
                if target == "operations":
                    operations = [_operation(e.value, imports, names) for e in value.elements]
                    chosen = value
                else:
                    found[target] = tuple(absolute(value_of(e.value), imports) for e in value.elements)
    scanned = positions(text, node, chosen) if simple and assignments <= 1 else None
    if scanned is None:  # what the scan cannot vouch for: libcst's own positions
        where = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        start = where[node].start
        elements = chosen.elements if chosen is not None else ()
        scanned = (
            (start.line, start.column + 1),
            [(where[e.value].start.line, where[e.value].start.column + 1) for e in elements],
        )
    (line, col), at = scanned
    return replace(
        facts,
        line=line,
        col=col,
        found=True,
        dependencies=found.get("dependencies", ()),
        replaces=found.get("replaces", ()),
        run_before=found.get("run_before", ()),
        operations=tuple(Operation(value, *position) for value, position in zip(operations, at, strict=True)),
        unknown=tuple(unknown),
    )


def _class_statements(body, imports: dict[str, str], unknown: list[str]) -> list[cst.SimpleStatementLine]:
    """The Migration class's statements as Django runs them on PostgreSQL: an `if` chain on
    `connection.vendor` (wagtail's migrations add PostgreSQL's search fields so) contributes
    the branch PostgreSQL takes; any other `if`/`try`/`for` that assigns one of the lists makes
    that list unknown (an SL002), never silently empty."""
    found: list[cst.SimpleStatementLine] = []
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.append(statement)
            continue
        branch = _vendor_branch(statement, imports) if isinstance(statement, cst.If) else None
        if branch is not None:
            found += _class_statements(branch, imports, unknown)
            continue
        for target in sorted(_assigned(statement) & set(_LISTS)):
            if target not in unknown:
                unknown.append(target)
    return found


def _list_changed(node: cst.BaseSmallStatement) -> str | None:
    """The class list (`operations`, `dependencies`, ...) a statement changes in place:
    `operations += [...]`, `operations.extend(...)`, `operations.append(...)`, `del operations[0]`."""
    target: cst.BaseExpression
    if isinstance(node, cst.AugAssign):
        target = node.target
    elif isinstance(node, cst.Expr) and isinstance(node.value, cst.Call) and isinstance(node.value.func, cst.Attribute):
        target = node.value.func.value
    elif isinstance(node, cst.Del):
        target = node.target.value if isinstance(node.target, cst.Subscript) else node.target
    else:
        return None
    return target.value if isinstance(target, cst.Name) and target.value in _LISTS else None


def _vendor_branch(node: cst.If, imports: dict[str, str]) -> Sequence[cst.BaseStatement] | None:
    """The statements of the branch PostgreSQL takes in `if connection.vendor == "...": ...
    elif ...: ... else: ...` (`django.db.connection`); None when a test is something else."""
    current: cst.If | cst.Else | None = node
    while isinstance(current, cst.If):
        test = current.test
        if not (
            isinstance(test, cst.Comparison)
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, (cst.Equal, cst.NotEqual))
            and isinstance(test.left, cst.Attribute)
            and test.left.attr.value == "vendor"
            and isinstance(test.left.value, cst.Name)
            and imports.get(test.left.value.value) == "django.db.connection"
            and isinstance(test.comparisons[0].comparator, cst.SimpleString)
        ):
            return None
        vendor = test.comparisons[0].comparator.evaluated_value
        equal = isinstance(test.comparisons[0].operator, cst.Equal)
        if (vendor == "postgresql") == equal:
            return current.body.body if isinstance(current.body, cst.IndentedBlock) else ()
        current = current.orelse
    if isinstance(current, cst.Else):
        return current.body.body if isinstance(current.body, cst.IndentedBlock) else ()
    return ()


def _assigned(node: cst.CSTNode) -> set[str]:
    """The names a compound statement assigns anywhere in its blocks."""
    names: set[str] = set()

    class Visitor(cst.CSTVisitor):
        def visit_AssignTarget(self, target: cst.AssignTarget) -> None:
            if isinstance(target.target, cst.Name):
                names.add(target.target.value)

        def visit_AnnAssign(self, assign: cst.AnnAssign) -> None:
            if isinstance(assign.target, cst.Name):
                names.add(assign.target.value)

        def visit_AugAssign(self, assign: cst.AugAssign) -> None:
            if isinstance(assign.target, cst.Name):
                names.add(assign.target.value)

    node.visit(Visitor())
    return names


def _operation(node: cst.BaseExpression, imports: dict[str, str], names: dict[str, object]) -> Call:
    value = absolute(_substituted(value_of(node), names), imports)
    return value if isinstance(value, Call) else Call(None, (value,))


__all__ = ["absolute", "dotted", "extract"]

"""`link`: every file's facts -> one Schema."""

from __future__ import annotations

from schemalint.model import EnumType, Location, Schema
from schemalint.read.sqlalchemy.build import Builder
from schemalint.read.sqlalchemy.declare import Declarations
from schemalint.read.sqlalchemy.facts import FileFacts
from schemalint.read.sqlalchemy.resolve import (
    Call,
    ClassRef,
    Module,
    Resolver,
    Unresolved,
    expr_text,
    setters_of,
)


def _extract_text(text: str, rel: str) -> FileFacts:
    """Parse a module the link needs beyond the model files (imported here: a link that needs
    none never imports libcst)."""
    from schemalint.read.sqlalchemy.extract import extract_text

    return extract_text(text, rel)


def link(facts_list: list[FileFacts], project) -> Schema:
    modules = {facts.rel: Module(facts) for facts in facts_list}
    read = [modules[facts.rel] for facts in facts_list if facts.parsed]
    resolver = Resolver(modules, project, _extract_text)
    declarations = Declarations(resolver)
    set_by_calls: set[tuple[str, int]] = set()
    for module in read:
        set_by_calls |= _setter_calls(declarations, module)
    for module in read:
        declarations.read_module(module)
    for module in read:
        _imperative_tables(declarations, module)
        _loop_tables(declarations, module)
    for module in read:
        _module_level_objects(declarations, module)
        _runtime_tables(declarations, module, set_by_calls)
    builder = Builder(declarations)
    tables = builder.build()
    diagnostics = [d for facts in facts_list for d in facts.diagnostics]
    diagnostics += declarations.diagnostics + builder.diagnostics
    return Schema(
        source="sqlalchemy",
        tables=tuple(tables),
        diagnostics=tuple(_unique(diagnostics)),
        enums=_native_enums(declarations),
        complete=declarations.complete,
    )


def _native_enums(declarations: Declarations) -> tuple[EnumType, ...]:
    """The PostgreSQL enum types `create_all` creates for native `Enum` columns, once each."""
    found: dict[str, EnumType] = {}
    for spec in declarations.tables:
        for column in spec.columns.values():
            enum = column.type_info.enum if column.type_info is not None else None
            if enum is not None and enum.native and enum.name and enum.name not in found:
                found[enum.name] = EnumType(enum.name, enum.values, location=column.location)
    return tuple(sorted(found.values(), key=lambda e: e.name))


def _imperative_tables(declarations: Declarations, module: Module) -> None:
    """`name = Table("name", metadata, Column(...), ...)` at module level."""
    for assignment in module.facts.assignments:
        value = assignment.value
        if value is None or value[0] != "call":
            continue
        func = declarations.resolver.evaluate(module, value[1])
        if getattr(func, "sa", None) != "Table" and not (isinstance(func, Unresolved) and "function" in func.reason):
            continue
        table = declarations.resolver.evaluate(module, value)  # (a project function may return a Table)
        if getattr(table, "sa", None) != "Table":
            continue
        where = Location(module.rel, assignment.line, assignment.col)
        spec = declarations.imperative_table(table, module, where, assignment.calls)
        if spec is not None:
            declarations.conditional(spec, assignment.condition, where)


def _loop_tables(declarations: Declarations, module: Module) -> None:
    """`Table()`s a module-level `for` builds, unrolled over a literal list or tuple (of
    strings, numbers or tuples of them), as running the loop would: `for name in ("a", "b"):
    Table(f"{name}_log", metadata, ...)`. A loop that builds tables but cannot be unrolled is
    one SL002, and the schema may miss tables (`Schema.complete`)."""
    resolver = declarations.resolver
    for loop in module.facts.loops:
        builds = [
            (expr, line, col, calls)
            for expr, line, col, calls in loop.body
            if getattr(resolver.evaluate(module, expr[1]), "sa", None) == "Table"
        ]
        if not builds:
            continue
        rounds = _loop_rounds(
            loop.targets, resolver.evaluate(module, loop.iterable) if loop.iterable is not None else None
        )
        if rounds is None:
            declarations.complete = False
            why = (
                f"it runs over {expr_text(loop.iterable)}, not a literal list of matching items"
                if loop.iterable is not None
                else "its target is not plain names"
            )
            declarations.warn(
                f"the tables this loop builds cannot be listed statically ({why}); they are not read",
                Location(module.rel, loop.line, loop.col),
            )
            continue
        for scope in rounds:
            for expr, line, col, calls in builds:
                table = resolver.evaluate(module, expr, scope=scope)
                declarations.imperative_table(table, module, Location(module.rel, line, col), calls)


def _setter_calls(declarations: Declarations, module: Module) -> set[tuple[str, int]]:
    """Module-level calls of a class-attribute setter (`FsModels.set_db_info(db)`: a
    `@classmethod` that sets `cls.<attr>`), run as Python runs them before the classes below
    read those attributes; a `Table()` it sets is a table of its metadata, at the call that
    builds it. Returns where those tables are built (file, line)."""
    built: set[tuple[str, int]] = set()
    resolver = declarations.resolver
    for expr, _line, _col in module.facts.calls:
        func = expr[1]
        if func[0] != "ref" or "." not in func[1]:
            continue
        owner_path, method = func[1].rsplit(".", 1)
        owner = resolver.evaluate(module, ("ref", owner_path))
        if not isinstance(owner, ClassRef):
            continue
        setter = next((s for s in setters_of(owner) if s.name == method), None)
        if setter is None:
            continue
        for _attr, value, line, col in resolver.run_setter(module, owner, setter, expr):
            if isinstance(value, Call) and value.sa == "Table":
                declarations.imperative_table(value, owner.module, Location(owner.module.rel, line, col))
                built.add((owner.module.rel, line))
    return built


def _runtime_tables(declarations: Declarations, module: Module, set_by_calls: set[tuple[str, int]]) -> None:
    """A `Table()` built inside a function or method (an `__init__` that takes the table name
    as a parameter): it exists only once the code runs, named as it is called. One SL002 at
    the call; the schema may miss that table (`Schema.complete`)."""
    for func, function, line, col in module.facts.runtime_tables:
        if (module.rel, line) in set_by_calls:
            continue  # read where a call of its setter is (_setter_calls)
        if getattr(declarations.resolver.evaluate(module, ("ref", func)), "sa", None) != "Table":
            continue
        declarations.complete = False
        declarations.warn(
            f"the Table() built in {function}() exists only once that code runs, with the arguments it is "
            "given; it is not read",
            Location(module.rel, line, col),
        )


def _loop_rounds(targets: tuple[str, ...], values) -> list[dict] | None:
    """The loop variables of each round, or None when the loop cannot be unrolled."""
    if not targets or not isinstance(values, tuple):
        return None
    rounds = []
    for value in values:
        if len(targets) == 1:
            rounds.append({targets[0]: value})
        elif isinstance(value, tuple) and len(value) == len(targets):
            rounds.append(dict(zip(targets, value, strict=True)))
        else:
            return None
    literal = (str, int, float, bool, type(None))
    if not all(
        isinstance(v, literal) or (isinstance(v, tuple) and all(isinstance(i, literal) for i in v))
        for r in rounds
        for v in r.values()
    ):
        return None
    return rounds


def _module_level_objects(declarations: Declarations, module: Module) -> None:
    """`Index("ix", Model.col)` / `Index("ix", table.c.col)` written at module level."""
    from schemalint.read.sqlalchemy.resolve import AttrOf

    for expr, line, col in module.facts.calls:
        value = declarations.resolver.evaluate(module, expr)
        index = value  # `Index(...).ddl_if(dialect=...)`: the table decides with the rest (build.py)
        while isinstance(index, Call) and isinstance(index.func, AttrOf) and index.func.path == ("ddl_if",):
            index = index.func.base
        if not (isinstance(index, Call) and index.sa == "Index"):
            continue
        target = _table_of(declarations, index)
        if target is None:
            declarations.warn(
                f"Index {value.text}: its table cannot be resolved statically", Location(module.rel, line, col)
            )
            continue
        target.items.append((value, Location(module.rel, line, col)))


def _table_of(declarations: Declarations, call: Call):
    from schemalint.read.sqlalchemy.resolve import AttrOf, MemberRef

    for part in call.args[1:]:
        while isinstance(part, Call) and part.args and not isinstance(part.func, MemberRef):
            part = part.args[0]
        if isinstance(part, Call) and isinstance(part.func, MemberRef):
            part = part.func
        if isinstance(part, Call) and isinstance(part.func, AttrOf):
            part = part.func
        if isinstance(part, MemberRef):
            return declarations.by_class.get(part.owner.key)
        if isinstance(part, AttrOf) and isinstance(part.base, Call) and part.base.args:
            name = part.base.args[0]
            for spec in declarations.tables:
                if spec.name == name:
                    return spec
    return None


def _unique(items):
    seen = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item

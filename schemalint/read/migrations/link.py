"""Stage 2 for migrations: graph, replay, and the Django reader's tables from the final state."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable
from typing import Any

from schemalint.model import Constraint, Diagnostic, ForeignKey, Location, Schema, Table, TablePart
from schemalint.postgres import names as pg_names
from schemalint.read import Project
from schemalint.read.django import names
from schemalint.read.django.build import build_schema
from schemalint.read.django.facts import Assign, Call, ClassFact, Mapping, ModuleFacts, Ref
from schemalint.read.django.link import Linker
from schemalint.read.django.project import DjangoProject
from schemalint.read.migrations.facts import MigrationFacts
from schemalint.read.migrations.graph import Graph, build_graph
from schemalint.read.migrations.state import FieldState, ModelState, Replay

STATE_FILE = "__state__.py"
"""The name of the models module the state is written as, inside each app's migrations/."""


def link(facts: list[MigrationFacts], project: Project) -> Schema:
    diagnostics, replay, app_dirs = _replay(facts, project)
    writer = _Writer()
    modules = _modules(writer, replay, app_dirs)
    if not modules:
        built = Schema("migrations")
    elif hasattr(project, "link_state"):  # the engine's project: record the link for `relink`
        from schemalint.read.django import incremental

        built, project.link_state = incremental.link(modules, project, own_models_only=True)
    else:
        built = build_schema(_StateLinker(modules, project))
    return _schema(diagnostics, replay, _tables(built, replay, writer, range(len(built.tables))))


def relink(
    schema: Schema, state: Any, facts: list[MigrationFacts], project: Project, changed: set[str]
) -> Schema | None:
    """The link of the same migrations after a module the previous link read only as facts
    (a custom field's models module) changed: the replay is done again (cheap), the Django
    reader relinks only the models that depend on what changed (read/django/incremental.py)
    and only their tables are renamed and relocated again. None: link in full."""
    from schemalint.read.django import incremental

    if any(fact.rel in changed for fact in facts):
        return None  # a migration itself changed: every synthetic line may have moved
    if changed and _unused_edits(state, project, changed):
        project.link_state = state  # type: ignore[attr-defined]
        return schema  # nothing the link used changed: the same link
    diagnostics, replay, app_dirs = _replay(facts, project)
    writer = _Writer()
    modules = _modules(writer, replay, app_dirs)
    if not modules:
        return None
    found = incremental.relink(schema, state, modules, project, changed, own_models_only=True)
    if found is None:
        return None
    project.link_state = found.state  # type: ignore[attr-defined]
    return _schema(diagnostics, replay, _tables(found.schema, replay, writer, found.rebuilt))


def _unused_edits(state: Any, project: Project, changed: set[str]) -> bool:
    """Whether every file of `changed` is a module the link read only as facts whose `shape`
    (what of it the link used: the custom field class a migration names, the module's
    imports and constants) is the same today: an edit to another model of that models module."""
    from schemalint.read.django.incremental import shape

    shapes = {rel: (dotted, digest) for rel, dotted, digest in getattr(state, "shapes", ())}
    heads = dict(getattr(state, "heads", ()))
    if not changed <= shapes.keys():
        return False
    for rel in changed:
        text = project.read_text(rel)
        if text is None:
            return False
        module = project.module_facts("django", rel, text, _extract_text)
        dotted, digest = shapes[rel]
        if module.rel != rel or module.module != dotted or shape(module, heads.get(rel, ())) != digest:
            return False
    return True


def _extract_text(rel: str, text: str) -> ModuleFacts:
    from schemalint.read.django.extract import extract_text  # (libcst: only when not cached)

    return extract_text(rel, text)


class _StateLinker(Linker):
    """The Django reader's linker over the state: its app registry holds the state's models
    (and django.contrib's), never a models module's class read for a custom field (Django's
    `ProjectState.apps` has only the state's)."""

    def __init__(self, facts: list[ModuleFacts], project: Project) -> None:
        super().__init__(facts, project)
        self.registry = _StateRegistry(self)

    def _load_all_models(self) -> None:
        from schemalint.read.django.incremental import load_own_models

        load_own_models(self)


class _StateRegistry(dict):
    def __init__(self, linker: Linker):
        super().__init__()
        self.linker = linker

    def setdefault(self, key, value):
        from schemalint.read.django.incremental import registers

        if not registers(self.linker, value):
            return self.get(key)
        return super().setdefault(key, value)


def _replay(facts: list[MigrationFacts], project: Project) -> tuple[list[Diagnostic], Replay, dict[str, str]]:
    """The migrations replayed in plan order into each model's state."""
    diagnostics: list[Diagnostic] = [d for f in facts for d in f.diagnostics]
    django = DjangoProject(project, [f.rel for f in facts])
    app_dirs: dict[str, str] = {}
    migrations: list[tuple[str, MigrationFacts]] = []
    for fact in facts:
        if fact.diagnostics:
            continue
        if not fact.found:
            diagnostics.append(
                Diagnostic("unreadable", "migration file has no Migration class", Location(fact.rel, 1, 1))
            )
            continue
        label = django.app_config(fact.app_dir).label or fact.app_dir.rsplit("/", 1)[-1]
        app_dirs.setdefault(label, fact.app_dir)
        migrations.append((label, fact))
    graph = build_graph(
        migrations,
        django.settings_facts().auth_user_model,
        lambda app: django.modules.installed(app) is not None,
    )
    diagnostics += graph.diagnostics
    diagnostics += _merges_needed(graph, app_dirs)
    replay = Replay()
    for key in graph.order():
        replay.migration(key[0], graph.nodes[key])
    diagnostics += replay.diagnostics
    return diagnostics, replay, app_dirs


def _schema(diagnostics: list[Diagnostic], replay: Replay, schema: Schema) -> Schema:
    properties = schema.properties + tuple((f"latest:{app}", name) for app, name in sorted(replay.latest.items()))
    return dataclasses.replace(
        schema,
        source="migrations",
        diagnostics=tuple(diagnostics) + schema.diagnostics,
        properties=properties,
        complete=schema.complete and replay.complete,
    )


def _merges_needed(graph: Graph, app_dirs: dict[str, str]) -> list[Diagnostic]:
    found = []
    for app in sorted(app_dirs):
        leaves = graph.leaves(app)
        if len(leaves) > 1:
            last = graph.nodes[leaves[-1]]
            names = ", ".join(name for _, name in leaves)
            found.append(
                Diagnostic(
                    "migration-merge-needed",
                    f"app '{app}' has {len(leaves)} leaf migrations ({names}); run makemigrations --merge",
                    Location(last.rel, last.line, last.col),
                )
            )
    return found


# --------------------------------------------------------------------------- state -> Django facts


class _Writer:
    """Writes each app's state as the facts of one models module, each fact on its own
    (synthetic) line, and remembers which operation each line stands for."""

    def __init__(self) -> None:
        self.places: dict[tuple[str, int], Location] = {}
        self.line = 0

    def at(self, rel: str, where: Location) -> int:
        self.line += 1
        self.places[(rel, self.line)] = where
        return self.line

    def module(self, app: str, app_dir: str, models: list[ModelState]) -> ModuleFacts:
        rel = f"{app_dir}/migrations/{STATE_FILE}" if app_dir else f"migrations/{STATE_FILE}"
        package = rel.rsplit("/", 1)[0].replace("/", ".")
        classes = []
        heads: set[str] = {"django"}
        for model in models:
            line = self.at(rel, model.location)
            body = tuple(
                Assign(name, state.call, self.at(rel, state.location), 5) for name, state in model.fields.items()
            )
            meta = [Assign("app_label", app, line, 9)]
            for key, value in model.options.items():
                where = model.option_locations.get(key, model.location)
                meta.append(Assign(key, value, self.at(rel, where), 9))
            for value in [a.value for a in body] + [a.value for a in meta]:
                heads |= _heads(value)
            classes.append(ClassFact(model.name, (Ref("django.db.models.Model"),), line, 1, body, tuple(meta)))
        imports = tuple((head, head) for head in sorted(heads))
        return ModuleFacts(rel, package, package + "." + STATE_FILE[:-3], imports, (), tuple(classes))


def _heads(value: object) -> set[str]:
    if isinstance(value, Ref):
        return {value.dotted.split(".")[0]}
    if isinstance(value, Call):
        found = {value.func.split(".")[0]} if value.func and not value.func.startswith((".", "super()")) else set()
        for item in (*value.args, *(v for _, v in value.kwargs)):
            found |= _heads(item)
        return found
    if isinstance(value, tuple):
        return set().union(*(_heads(v) for v in value)) if value else set()
    if isinstance(value, Mapping):
        return set().union(*(_heads(k) | _heads(v) for k, v in value.items)) if value.items else set()
    return set()


def _modules(writer: _Writer, replay: Replay, app_dirs: dict[str, str]) -> list[ModuleFacts]:
    """Each app's final state as the facts of one models module."""
    by_app: dict[str, list[ModelState]] = {}
    for model in replay.models.values():
        by_app.setdefault(model.app, []).append(model)
    return [writer.module(app, app_dirs.get(app, app), models) for app, models in sorted(by_app.items())]


def _tables(schema: Schema, replay: Replay, writer: _Writer, made: Iterable[int]) -> Schema:
    """The Django reader's schema of the state with each table at `made` (the others are
    already so) given its birth names and unknowns, and every location moved from the
    synthetic module to the operation."""
    unknown = {f"{m.app}.{m.name}": m.unknown for m in replay.models.values() if m.unknown}
    states = {f"{m.app}.{m.name}": m for m in replay.models.values()}
    tables = list(schema.tables)
    for index in made:
        table = tables[index]
        table = birth_names(_with_unknown(table, unknown.get(table.model or "", [])), states.get(table.model or ""))
        tables[index] = _relocate(table, writer.places)
    rest = dataclasses.replace(schema, tables=())
    return dataclasses.replace(_relocate(rest, writer.places), tables=tuple(tables))


def birth_names(table: Table, model: ModelState | None) -> Table:
    """The table with the implicit names its objects got when they were made: PostgreSQL keeps
    an index's or constraint's name when `migrate` renames its table (AlterModelTable,
    RenameModel) or column (RenameField), and Django only makes again what it alters (a
    foreign key constraint whose field changes, or whose target model is renamed). The Django
    reader names them after the final state; each name is recomputed from the table and
    columns of its birth, when it is the name Django would give under today's names."""
    if model is None:
        return table
    final = table.name
    by_column: dict[str, FieldState] = {}
    for name, state in model.fields.items():
        by_column[model.column(name)] = state

    def index_name(columns: tuple[str, ...], name: str, suffix: str) -> str:
        state = by_column.get(columns[0]) if len(columns) == 1 else None
        if state is None or state.born is None or name != names.create_index_name(final, columns, suffix):
            return name
        return names.create_index_name(state.born[0], [state.born[1]], suffix)

    def together_name(columns: tuple[str, ...], name: str, option: str, suffix: str) -> str:
        if name != names.create_index_name(final, columns, suffix):
            return name
        for group, (made_table, made_columns) in model.together_born.get(option, {}).items():
            if tuple(model.column(n) for n in group) == columns:
                return names.create_index_name(made_table, made_columns, suffix)
        return name

    def constraint_name(constraint: Constraint) -> str:
        name = constraint.name
        if constraint.kind == "unique" and len(constraint.columns) > 1:
            return together_name(constraint.columns, name, "unique_together", "_uniq")
        label = {"unique": "key", "check": "check"}.get(constraint.kind)
        pg_final = pg_names.truncate_identifier(final)
        for column, state in by_column.items():
            if label and state.born and name == pg_names.make_object_name(pg_final, column, label):
                return pg_names.make_object_name(pg_names.truncate_identifier(state.born[0]), state.born[1], label)
        return name

    def fk_name(fk: ForeignKey) -> str | None:
        state = by_column.get(fk.columns[0]) if len(fk.columns) == 1 else None
        if state is None or state.fk_born is None or not fk.ref_columns:
            return fk.name
        made_table, made_column, made_target = state.fk_born
        if made_target is None or fk.name != names.fk_constraint_name(
            final, fk.columns[0], fk.ref_table, fk.ref_columns[0]
        ):
            return fk.name
        return names.fk_constraint_name(made_table, made_column, made_target, fk.ref_columns[0])

    indexes = tuple(
        dataclasses.replace(i, name=index_name(i.columns, i.name, {"like": "_like"}.get(i.origin, "")))
        if i.implicit and i.origin in ("db_index", "fk", "like")
        else dataclasses.replace(i, name=together_name(i.columns, i.name, "index_together", "_idx"))
        if i.implicit and i.name.endswith("_idx")
        else i
        for i in table.indexes
    )
    constraints = tuple(dataclasses.replace(c, name=constraint_name(c)) if c.implicit else c for c in table.constraints)
    foreign_keys = tuple(dataclasses.replace(f, name=fk_name(f)) if f.implicit else f for f in table.foreign_keys)
    primary_key = table.primary_key
    if (
        primary_key is not None
        and model.born_table
        and primary_key.name == pg_names.make_object_name(pg_names.truncate_identifier(final), None, "pkey")
    ):
        primary_key = dataclasses.replace(
            primary_key, name=pg_names.make_object_name(pg_names.truncate_identifier(model.born_table), None, "pkey")
        )
    return dataclasses.replace(
        table, indexes=indexes, constraints=constraints, foreign_keys=foreign_keys, primary_key=primary_key
    )


def _with_unknown(table: Table, parts: list[TablePart]) -> Table:
    if not parts:
        return table
    return dataclasses.replace(table, unknown=tuple(dict.fromkeys((*table.unknown, *parts))))


def _relocate(value: Any, places: dict[tuple[str, int], Location]) -> Any:
    """`value` with every synthetic location replaced by the operation's. Only the fields
    whose declared type can hold a Location are walked (`_location_fields`: a Column's
    `location`, not its ten other fields), and what holds no synthetic location is returned
    as it is (the same object), not copied."""
    kind = type(value)
    if kind is Location:
        return places.get((value.path, value.line), value)
    if kind is tuple:
        moved = [_relocate(v, places) for v in value]
        return value if all(new is old for new, old in zip(moved, value)) else tuple(moved)
    if isinstance(value, tuple):
        return tuple(_relocate(v, places) for v in value)
    changes = {}
    for name in _location_fields(kind):
        old = getattr(value, name)
        new = _relocate(old, places)
        if new is not old:
            changes[name] = new
    return dataclasses.replace(value, **changes) if changes else value


_FIELDS: dict[type, tuple[str, ...]] = {}
_LOOKING: set[type] = set()
_PLAIN = (str, int, float, bool, bytes, type(None))


def _location_fields(kind: type) -> tuple[str, ...]:
    """The fields of a dataclass type whose declared type can hold a Location (all of them
    when its hints cannot be read); none for any other type."""
    found = _FIELDS.get(kind)
    if found is None:
        if not dataclasses.is_dataclass(kind):
            found = ()
        else:
            try:
                hints = typing.get_type_hints(kind)
            except Exception:  # an annotation that does not resolve: walk every field
                hints = {}
            _LOOKING.add(kind)
            try:
                found = tuple(f.name for f in dataclasses.fields(kind) if _may_hold_location(hints.get(f.name, Any)))
            finally:
                _LOOKING.discard(kind)
        _FIELDS[kind] = found
    return found


def _may_hold_location(hint: Any) -> bool:
    if hint is Location:
        return True
    if hint in _PLAIN:
        return False
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return False
    if origin in (tuple, typing.Union, types.UnionType):
        return any(_may_hold_location(arg) for arg in typing.get_args(hint) if arg is not Ellipsis)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return hint in _LOOKING or bool(_location_fields(hint))  # a type that holds itself: walked
    return True  # Any, a list, a dict, ...: walked

"""The incremental Django link: after an edit, build again only the tables that can change.

A full link here is `build_schema` over a `TrackingLinker`, which notes, for each class's
*segment* (one class of one file: `build.Segment`), everything the segment's tables were made
from: the files whose facts it read (`deps`: its own file, the files of its bases, of the
models its relations point at, of the field classes and constants it resolved), the app
registry keys it looked up (`keys`: `'app.Model'` strings, whether found or not), the
diagnostics it reported, whether it made the schema incomplete or needed django.contrib's
models. The linker memoises (models, fields, primary keys, resolved names); a memoised result
carries what computing it read and reported (a `Summary`), and whoever uses it later takes that
on as if it had computed it, so a segment's record does not depend on which segment happened
to ask first.

`relink` then takes the previous link (its schema and `LinkState`) and the files whose facts
changed, and rebuilds only the segments whose `deps` hold a changed file or whose `keys`
meet a registry key a changed model had or now has; every other segment's tables are the
previous ones. Diagnostics are gathered segment by segment in file order, first report
first, as the full link reports them. What a project file outside the facts says (settings,
apps.py, helper modules, the Django version) is checked by the link cache before this runs
(`RecordingProject`): when any of it changed there is no relink, only a full link. `relink`
also gives up (None: link in full) when the previous link saw two models under one registry
key (which one wins depends on the order they were made), when a module defines two classes
of one name (the record names a model by file and class name), or when django.contrib's tables
would depend on a segment that is gone.

A long-lived process (the language server) keeps the previous `Schema` and `LinkState` in
memory and calls `relink` with the changed files; the CLI finds both in the link cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from schemalint.model import Diagnostic, Location, Schema, Table
from schemalint.read import Project
from schemalint.read.django.build import build_schema
from schemalint.read.django.facts import ClassFact, ModuleFacts
from schemalint.read.django.link import Linker, ModelInfo
from schemalint.read.django.project import DjangoProject
from schemalint.read.django.resolve import Resolver, Symbol

RegistryKey = tuple[str, str]
SegmentKey = tuple[str, str, int]
"""(kind, file, index): one class of one file (`build.Segment`)."""
Reported = tuple[tuple[str, str, Location], Diagnostic]
"""A diagnostic with the key `Linker.unresolved` reports it once under."""


# --------------------------------------------------------------------------- what a computation read


@dataclass(slots=True)
class _Frame:
    deps: set[str] = field(default_factory=set)
    keys: set[RegistryKey] = field(default_factory=set)
    diags: list[Reported] = field(default_factory=list)
    incomplete: bool = False
    virtual: bool = False


@dataclass(frozen=True, slots=True)
class Summary:
    """What one (memoised) computation read and reported."""

    deps: frozenset[str]
    keys: frozenset[RegistryKey]
    diags: tuple[Reported, ...]
    incomplete: bool
    virtual: bool


class _Tracker:
    def __init__(self) -> None:
        self.stack: list[_Frame] = []

    def push(self, rel: str | None = None) -> None:
        frame = _Frame()
        if rel is not None:
            frame.deps.add(rel)
        self.stack.append(frame)

    def pop(self, merge: bool = True) -> Summary:
        frame = self.stack.pop()
        summary = Summary(
            frozenset(frame.deps), frozenset(frame.keys), tuple(frame.diags), frame.incomplete, frame.virtual
        )
        if merge:
            self.merge(summary)
        return summary

    def merge(self, summary: Summary) -> None:
        if self.stack:
            top = self.stack[-1]
            top.deps |= summary.deps
            if summary.keys:
                top.keys |= summary.keys
            if summary.diags:
                top.diags += summary.diags
            top.incomplete = top.incomplete or summary.incomplete
            top.virtual = top.virtual or summary.virtual

    def touch(self, rel: str) -> None:
        if self.stack:
            self.stack[-1].deps.add(rel)


class _TrackingResolver(Resolver):
    def __init__(self, facts: list[ModuleFacts], project: Project, django: DjangoProject, tracker: _Tracker):
        super().__init__(facts, project, django)
        self.tracker = tracker
        self._summaries: dict[tuple[str, str], Summary] = {}
        self.extracted: set[str] = set()
        """Files read as modules beyond the facts (a custom field's models module, helper
        modules): only their facts are used, so a change to one is a change to the segments
        that depend on it."""
        self.heads: dict[str, set[str]] = {}
        """Per file, the top-level names resolved in it (`*`: the module itself was used as a
        value, so all of it): what of a module read beyond the facts the link used (`shape`)."""

    def resolve(self, module: ModuleFacts, dotted: str, depth: int = 0) -> Symbol:
        heads = self.heads.get(module.rel)
        if heads is None:
            heads = self.heads[module.rel] = set()
        heads.add(dotted.partition(".")[0])
        key = (module.rel, dotted)
        summary = self._summaries.get(key)
        if summary is not None:
            self.tracker.merge(summary)
            return self._resolved[key]
        self.tracker.push(module.rel)
        try:
            found = super().resolve(module, dotted, depth)
        finally:
            summary = self.tracker.pop()
        if key in self._resolved:
            self._summaries[key] = summary
        return found

    def forget(self) -> None:
        super().forget()
        self._summaries.clear()  # (it clears what they summarise)

    def resolve_global(self, target: str, near: ModuleFacts | None = None, depth: int = 0) -> Symbol:
        found = super().resolve_global(target, near, depth)
        if found.kind == "module" and found.module is not None:
            self.heads.setdefault(found.module.rel, set()).add("*")
        return found

    def _extract_text(self, rel: str, text: str) -> ModuleFacts:
        self.extracted.add(rel)
        return super()._extract_text(rel, text)

    def load_virtual(self) -> None:
        if self.tracker.stack:
            self.tracker.stack[-1].virtual = True
        if not self._virtual_loaded:
            super().load_virtual()
            self._summaries.clear()  # (it clears what they summarise)

    def python(self, module: ModuleFacts, value, local: dict | None = None):
        self.tracker.touch(module.rel)  # the static-Python layer reads the module's source
        self.heads.setdefault(module.rel, set()).add("*")  # (any of it)
        return super().python(module, value, local)


def shape(module: ModuleFacts, heads: Iterable[str]) -> bytes | None:
    """A digest of what a link can have used of a module read only as facts, given the
    top-level names it resolved there (`_TrackingResolver.heads`): the module's imports,
    constants, functions, branches and diagnostics, and the classes of those names; None when
    all of it may have been used. An edit to a class nothing resolved (a model in the models
    module whose custom field the migrations use) leaves it as it was."""
    heads = set(heads)
    if "*" in heads:
        return None
    used = tuple(c for c in module.classes if c.name in heads)
    conditional = tuple(c for c in module.conditional_classes if c.name in heads)
    value = (
        module.rel,
        module.package,
        module.module,
        module.imports,
        module.constants,
        module.functions,
        module.branches,
        module.diagnostics,
        used,
        conditional,
    )
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _Registry(dict):
    """The app registry, noting each key looked up; during a relink, a model the previous link
    registered under a key no changed file touches is made when asked for."""

    def __init__(self, linker: TrackingLinker):
        super().__init__()
        self.linker = linker

    def get(self, key, default=None):
        linker = self.linker
        if linker.tracker.stack:
            linker.tracker.stack[-1].keys.add(key)
        info = dict.get(self, key)
        if info is None and linker.previous is not None:
            info = linker.registered_before(key)
        if info is None:
            return default
        linker.model(info.module, info.cls)  # (memoised: what making it read)
        return info

    def setdefault(self, key, value):
        if self.linker.own_models_only and not registers(self.linker, value):
            return dict.get(self, key)
        existing = dict.get(self, key)
        if existing is not None and existing is not value:
            self.linker.collided = True
        return dict.setdefault(self, key, value)


def registers(linker: Linker, info: ModelInfo) -> bool:
    """For a migration state's registry (`own_models_only`): only the state's models and
    django.contrib's are registered, as in Django's `ProjectState.apps`; a models module read
    for a custom field's class registers nothing."""
    return registers_module(linker, info.module)


def load_own_models(linker: Linker) -> None:
    """`Linker._load_all_models` for a migration state's registry (`registers`): only the
    models that can be registered are made; a models module read for a custom field's class
    registers nothing, and making its models would only let one the state never uses mark
    the schema incomplete."""
    for module in list(linker.resolver.modules.values()):
        if not registers_module(linker, module):
            continue
        for cls in [*module.classes, *linker.conditional_models(module)]:
            linker.model(module, cls)


def registers_module(linker: Linker, module: ModuleFacts) -> bool:
    own = getattr(linker, "_own_rels", None)
    if own is None:
        own = linker._own_rels = {m.rel for m in linker.facts}  # type: ignore[attr-defined]
    return module.rel in own or module.module in linker.resolver.virtual


class TrackingLinker(Linker):
    """A `Linker` whose memoised results carry what they read and reported (`Summary`)."""

    def __init__(
        self,
        facts: list[ModuleFacts],
        project: Project,
        previous: LinkState | None = None,
        own_models_only: bool = False,
    ) -> None:
        self.own_models_only = own_models_only
        self.tracker = _Tracker()
        self._model_summaries: dict[tuple[str, str], Summary] = {}
        self._field_summaries: dict[int, Summary] = {}
        self._pk_summaries: dict[str, Summary] = {}
        self._by_rel: dict[str, ModuleFacts] = {}
        self.previous = previous
        self.changed_keys: set[RegistryKey] = set()
        self.changed_rels: set[str] = set()
        """The files a relink was given as changed."""
        self.collided = False
        super().__init__(facts, project)
        self.initial = list(self.diagnostics)
        """The facts' and the settings' diagnostics: before any segment's."""

    def _new_resolver(self) -> Resolver:
        return _TrackingResolver(self.facts, self.project, self.django, self.tracker)

    def _new_registry(self) -> dict[RegistryKey, ModelInfo]:
        return _Registry(self)

    def _decide_registry(self) -> None:
        super()._decide_registry()
        # What was made while deciding saw the guarded classes as absent: so did its summaries.
        self._model_summaries.clear()
        self._field_summaries.clear()
        self._pk_summaries.clear()

    @property
    def complete(self) -> bool:
        return self._complete

    @complete.setter
    def complete(self, value: bool) -> None:
        self._complete = value
        tracker = getattr(self, "tracker", None)
        if not value and tracker is not None and tracker.stack:
            tracker.stack[-1].incomplete = True

    def unresolved(
        self, what: str, text: str, location: Location, table: str | None = None, column: str | None = None
    ) -> None:
        if self.tracker.stack:
            diagnostic = Diagnostic(
                "unresolved", f"{what} cannot be resolved statically: {text}", location, table, column
            )
            self.tracker.stack[-1].diags.append(((what, text, location), diagnostic))
        super().unresolved(what, text, location, table, column)

    def model(self, module: ModuleFacts, cls: ClassFact) -> ModelInfo | None:
        key = (module.rel, cls.name)
        summary = self._model_summaries.get(key)
        if summary is not None:
            self.tracker.merge(summary)
            return self._models[key]
        self.tracker.push(module.rel)
        try:
            info = super().model(module, cls)
        finally:
            summary = self.tracker.pop()
        if key in self._models:
            self._model_summaries[key] = summary
        return info

    def fields(self, info: ModelInfo):
        summary = self._field_summaries.get(id(info))
        if summary is not None:
            self.tracker.merge(summary)
            return info.fields
        if info.fields is not None:  # being worked out (a parent that refers back)
            return info.fields
        self.tracker.push(info.module.rel)
        try:
            return super().fields(info)
        finally:
            self._field_summaries[id(info)] = self.tracker.pop()

    def pk_of(self, info: ModelInfo) -> tuple[str, str, str]:
        key = info.module.rel + ":" + info.cls.name
        summary = self._pk_summaries.get(key)
        if summary is not None:
            self.tracker.merge(summary)
            return super().pk_of(info)
        self.tracker.push(info.module.rel)
        try:
            return super().pk_of(info)
        finally:
            summary = self.tracker.pop()
            if self._pk_cache.get(key) is not None:
                self._pk_summaries[key] = summary

    def _condition(self, module: ModuleFacts, test: object) -> bool | None:
        # A registry guard (`if not is_model_registered(label, name)`) reads the key it names.
        key = self._guard(module, test)
        if key is not None and self.tracker.stack:
            self.tracker.stack[-1].keys.add(key)
        return super()._condition(module, test)

    def _load_all_models(self) -> None:
        # Only to fill the registry: a segment depends on the model it finds there (`_Registry`),
        # not on every model made meanwhile.
        self.tracker.push()
        try:
            if self.own_models_only:
                load_own_models(self)
            else:
                super()._load_all_models()
        finally:
            self.tracker.pop(merge=False)

    def module_at(self, rel: str) -> ModuleFacts | None:
        if len(self._by_rel) != len(self.resolver.modules):
            self._by_rel = {m.rel: m for m in self.resolver.modules.values()}
        return self._by_rel.get(rel)

    def registered_before(self, key: RegistryKey) -> ModelInfo | None:
        """The model the previous link registered under `key`, when no change touches it."""
        assert self.previous is not None
        owner = self.previous.registry.get(key)
        if owner is None or key in self.changed_keys:
            return None
        rel, name = owner
        module = self.module_at(rel)
        if module is None:
            return None
        cls = next((c for c in (*module.classes, *module.conditional_classes) if c.name == name), None)
        if cls is None:
            return None
        self.tracker.push()
        try:
            self.model(module, cls)
        finally:
            self.tracker.pop(merge=False)
        return dict.get(self.registry, key)


# --------------------------------------------------------------------------- the record of a link


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    start: int
    """Where its tables start in the schema's `tables` (`count` of them)."""
    count: int
    summary: Summary
    registers: RegistryKey | None
    """The registry key of the segment's model (None: abstract, or not a model)."""


@dataclass(frozen=True)
class LinkState:
    """What `relink` needs of a link besides its schema."""

    segments: dict[SegmentKey, SegmentRecord]
    registry: dict[RegistryKey, tuple[str, str]]
    """Registry key -> (file, class) of the model registered under it."""
    collided: bool
    """Two models under one key: the first made wins, an order only a full link follows."""
    virtual: bool
    """django.contrib's models were loaded."""
    extracted: frozenset[str] = frozenset()
    """Project files the link read as modules beyond its facts (`_TrackingResolver`)."""
    evaluated: frozenset[str] = frozenset()
    """Files the static-Python layer read (settings, what a model's call imports): what they
    say is not tracked per segment."""
    heads: tuple[tuple[str, frozenset[str]], ...] = ()
    """Per relinkable file, the top-level names the link resolved in it."""
    shapes: tuple[tuple[str, str, bytes], ...] = ()
    """(file, its dotted module, `shape`) of relinkable files whose shape is known: when a
    file's text changed but its shape did not, nothing the link used changed."""

    def relinkable(self) -> frozenset[str]:
        """Project files read by the link that may change and still `relink` (with them among
        `changed`): modules used only as facts, whose dependents the segments record."""
        return self.extracted - self.evaluated


def _registers(linker: TrackingLinker, module: ModuleFacts, kind: str, index: int) -> RegistryKey | None:
    cls = _class_at(module, kind, index)
    if cls is None or (kind == "conditional_classes" and linker.class_runs(module, cls) is False):
        return None  # no class, or one whose `if` is false: never made, so never registered
    info = linker.model(module, cls)
    if info is None or info.abstract:
        return None
    return (info.app_label, info.cls.name.lower())


def _rebinds_a_class(module: ModuleFacts) -> bool:
    """Two classes of one name in a module: the later one is the model Django keeps ("Reloading
    models is not advised"), while the record names owners by (file, class name)."""
    names = [cls.name for cls in (*module.classes, *module.conditional_classes)]
    return len(set(names)) != len(names)


def _owned(
    found: dict[RegistryKey, tuple[str, str]], key: RegistryKey | None, module: ModuleFacts, cls: ClassFact | None
) -> None:
    if key is not None and cls is not None:
        found.setdefault(key, (module.rel, cls.name))


def _class_at(module: ModuleFacts, kind: str, index: int) -> ClassFact | None:
    if kind == "registrations":
        return None  # a module's register() calls: no class of its own
    classes = module.conditional_classes if kind == "conditional_classes" else module.classes
    return classes[index] if index < len(classes) else None


class _Segments:
    """`build.Segment` for a tracked link: builds (or reuses) each segment and records it."""

    def __init__(
        self,
        linker: TrackingLinker,
        reuse: Callable[[SegmentKey], tuple[SegmentRecord, tuple[Table, ...]] | None] | None = None,
    ):
        self.linker = linker
        self.reuse = reuse
        self.records: dict[SegmentKey, SegmentRecord] = {}
        self.order: list[SegmentKey] = []
        self.built: set[SegmentKey] = set()
        self.position = 0

    def __call__(self, kind: str, module: ModuleFacts, index: int, build: Callable[[], list[Table]]) -> list[Table]:
        key = (kind, module.rel, index)
        reused = self.reuse(key) if self.reuse is not None else None
        if reused is not None:
            record, kept = reused
            self._record(key, replace(record, start=self.position))
            return list(kept)
        tracker = self.linker.tracker
        tracker.push(module.rel)
        try:
            tables = build()
            registers = _registers(self.linker, module, kind, index)
        finally:
            summary = tracker.pop(merge=False)
        self.built.add(key)
        self._record(key, SegmentRecord(self.position, len(tables), summary, registers))
        return tables

    def _record(self, key: SegmentKey, record: SegmentRecord) -> None:
        self.records[key] = record
        self.order.append(key)
        self.position += record.count

    def diagnostics(self) -> tuple[Diagnostic, ...]:
        found = list(self.linker.initial)
        seen: set[tuple[str, str, Location]] = set()
        for key in self.order:
            for reported, diagnostic in self.records[key].summary.diags:
                if reported not in seen:
                    seen.add(reported)
                    found.append(diagnostic)
        return tuple(found)

    def state(self) -> LinkState:
        linker = self.linker
        registry = {key: (info.module.rel, info.cls.name) for key, info in dict.items(linker.registry)}
        if linker.previous is not None:  # models registered before and not made this time
            for key, owner in linker.previous.registry.items():
                if key not in linker.changed_keys:
                    registry.setdefault(key, owner)
        virtual = bool(linker.resolver.virtual)
        resolver = linker.resolver
        assert isinstance(resolver, _TrackingResolver)
        extracted = set(resolver.extracted)
        # (the evaluator's own cache of the files it parsed; the settings module among them)
        evaluated = set(linker.django.evaluator._loaded) | {linker.django.settings_path or ""}
        if linker.previous is not None:
            extracted |= linker.previous.extracted
            evaluated |= linker.previous.evaluated
        relinkable = extracted - evaluated
        heads: dict[str, set[str]] = {rel: set(names) for rel, names in resolver.heads.items() if rel in relinkable}
        shapes: dict[str, tuple[str, bytes]] = {}
        if linker.previous is not None:
            for rel, names in linker.previous.heads:
                heads.setdefault(rel, set()).update(names)
            for rel, dotted, digest in linker.previous.shapes:
                if rel not in linker.changed_rels:
                    shapes[rel] = (dotted, digest)
        whole = {rel for kind, rel, _ in self.records if kind == "imported"}
        for module in resolver.modules.values():
            if module.rel in relinkable and module.rel not in whole:
                found = shape(module, heads.get(module.rel, ()))
                if found is None:
                    shapes.pop(module.rel, None)
                else:
                    shapes[module.rel] = (module.module, found)
        return LinkState(
            self.records,
            registry,
            linker.collided,
            virtual,
            frozenset(extracted),
            frozenset(evaluated),
            tuple(sorted((rel, frozenset(names)) for rel, names in heads.items())),
            tuple(sorted((rel, dotted, digest) for rel, (dotted, digest) in shapes.items())),
        )

    def rebuilt(self) -> tuple[int, ...]:
        """Where the tables built this time are in the schema's `tables`."""
        return tuple(
            position
            for key in self.order
            if key in self.built
            for position in range(self.records[key].start, self.records[key].start + self.records[key].count)
        )


def link(facts: list[ModuleFacts], project: Project, own_models_only: bool = False) -> tuple[Schema, LinkState]:
    """A full link, recorded for `relink`. The same schema as `build.link` (tested).
    `own_models_only`: the registry holds only the facts' models (see `registers`)."""
    linker = TrackingLinker(facts, project, own_models_only=own_models_only)
    segments = _Segments(linker)
    schema = build_schema(linker, segments)
    return replace(schema, diagnostics=segments.diagnostics()), segments.state()


@dataclass(frozen=True)
class Relinked:
    schema: Schema
    state: LinkState
    rebuilt: tuple[int, ...]
    """Where the tables built again are in `schema.tables` (the others are the previous
    schema's: a caller that post-processes tables does it for these only)."""


def relink(
    schema: Schema,
    state: LinkState,
    facts: list[ModuleFacts],
    project: Project,
    changed: Iterable[str],
    own_models_only: bool = False,
) -> Relinked | None:
    """The link of `facts` given the previous link (`schema`, `state`) of the same files with
    the facts of `changed` files different (or, for files in `state.extracted`, their text),
    every other project file as it was. None when a full link is needed (see the module
    docstring)."""
    changed = set(changed)
    if state.collided or any(_rebinds_a_class(module) for module in facts):
        return None
    linker = TrackingLinker(facts, project, state, own_models_only)
    linker.changed_rels = changed
    dirty = {key for key, record in state.segments.items() if key[1] in changed or record.summary.deps & changed}
    # Registry keys a change may move: those the dirty segments' models (and any class of a
    # changed file) had before and have now.
    before = {state.segments[key].registers for key in dirty} | {
        key for key, (rel, _) in state.registry.items() if rel in changed
    }
    linker.changed_keys = {key for key in before if key is not None}
    now: dict[RegistryKey, tuple[str, str]] = {}
    for module in facts:
        if module.rel in changed:
            for kind, classes in (("classes", module.classes), ("conditional_classes", module.conditional_classes)):
                for index, cls in enumerate(classes):
                    _owned(now, _registers(linker, module, kind, index), module, cls)
    for kind, rel, index in dirty:
        holder = linker.module_at(rel)
        if holder is not None:
            _owned(now, _registers(linker, holder, kind, index), holder, _class_at(holder, kind, index))
    for key, owner in now.items():
        earlier = state.registry.get(key)
        if earlier is not None and earlier != owner and earlier[0] not in changed:
            return None  # two models under one key: which one a full link registers is its order's
    keys = linker.changed_keys | set(now)
    linker.changed_keys = keys
    dirty |= {key for key, record in state.segments.items() if record.summary.keys & keys}

    reused: set[SegmentKey] = set()

    def reuse(key: SegmentKey) -> tuple[SegmentRecord, tuple[Table, ...]] | None:
        record = state.segments.get(key)
        if record is None or key in dirty or key[1] in changed:
            return None
        reused.add(key)
        return record, tuple(schema.tables[record.start : record.start + record.count])

    if any(state.segments[key].summary.virtual for key in state.segments if key not in dirty):
        linker.resolver.load_virtual()
    segments = _Segments(linker, reuse)
    built = build_schema(linker, segments)
    clean = {key for key in state.segments if key not in dirty and key[1] not in changed}
    if reused != clean:  # a segment that was clean is gone (its file is no longer imported)
        return None
    virtual = any(record.summary.virtual for record in segments.records.values())
    if state.virtual and not virtual:
        return None  # whether a full link would still load django.contrib is not known here
    complete = built.complete and not any(segments.records[key].summary.incomplete for key in reused)
    result = replace(built, diagnostics=segments.diagnostics(), complete=complete)
    return Relinked(result, segments.state(), segments.rebuilt())


__all__ = ["LinkState", "Relinked", "Summary", "TrackingLinker", "link", "relink"]

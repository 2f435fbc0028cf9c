"""Stage 2 for Django: every file's facts -> the `Schema` Django's migrations would create
on PostgreSQL (Django 5.2 / 6.0 rules, see fields.py and names.py)."""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, TypeGuard

from schemalint.model import Column, Diagnostic, ForeignKey, Location, TablePart
from schemalint.postgres.types import normalize_type
from schemalint.read import Project
from schemalint.read.django import names
from schemalint.read.django.contrib import VIRTUAL_MODULES
from schemalint.read.django.expressions import ExpressionWriter
from schemalint.read.django.facts import (
    Assign,
    BinOp,
    Branch,
    Call,
    ClassFact,
    FString,
    ModuleFacts,
    Ref,
    Unary,
)
from schemalint.read.django.fields import (
    BUILTIN_FIELDS,
    PG_FEATURES_FALSE,
    PG_FEATURES_TRUE,
    PG_TYPES,
    REL_TYPES,
    varchar,
)
from schemalint.read.django.project import DjangoProject, SettingsFacts, major
from schemalint.read.django.registry import GUARD, registry_check
from schemalint.read.django.resolve import Resolver, Symbol, Unresolved, describe
from schemalint.read.python.evaluate import Function

VIRTUAL_APPS = {label for _, label, _ in VIRTUAL_MODULES.values()}

# django.db.models.Model under its import paths (django.contrib.gis.db.models re-exports it).
MODEL_BASES = {"django.db.models.Model", "django.db.models.base.Model"}
# Class names that say "a field" (`FSMField`, mptt's `TreeForeignKey`), and the built-in class
# such an unknown field is taken as: its column name is known, its type is not.
_FIELD_LIKE = {
    "ForeignKey": "ForeignKey",
    "OneToOneField": "ForeignKey",
    "ManyToManyField": "ManyToManyField",
    "ManyToMany": "ManyToManyField",
    "Field": "Field",
}
# The metaclass every model has; any other may add fields the reader cannot see.
MODEL_METACLASSES = {"django.db.models.base.ModelBase", "django.db.models.ModelBase"}


# Django's base of relation fields, under its import paths: a subclass declaring
# `many_to_many = True` is a many-to-many relation that Django's ManyToManyField does not build.
RELATED_FIELD = {"django.db.models.fields.related.RelatedField", "django.db.models.RelatedField"}


def _assigns(cls: ClassFact, name: str, value: object) -> bool:
    return any(a.name == name and a.value is value for a in cls.body)


def _is_page_base(symbol: Symbol) -> bool:
    """Wagtail's page metaclass (wagtail/models/pages.py): it adds no field (see `_page_base_meta`)."""
    return (
        symbol.kind == "class"
        and symbol.module is not None
        and symbol.module.module in ("wagtail.models.pages", "wagtail.models")
        and symbol.name == "PageBase"
    )


def class_bases(cls: ClassFact) -> list[Ref]:
    """The base classes Python sees, as names: six/future's `with_metaclass(Meta, A, B)`
    stands for `A, B`. Other expressions are `odd_bases`."""
    found: list[Ref] = []
    for base in cls.bases:
        if isinstance(base, Ref):
            found.append(base)
        elif _is_with_metaclass(base):
            found += [a for a in base.args[1:] if isinstance(a, Ref)]
    return found


_MPTT_ATTRIBUTES = {"left_attr": "lft", "right_attr": "rght", "tree_id_attr": "tree_id", "level_attr": "level"}
"""django-mptt's MPTTOptions defaults: the tree fields MPTTModelBase adds."""


def _is_mptt_model(info: ModelInfo) -> bool:
    return info.module.module == "mptt.models" and info.cls.name == "MPTTModel"


def _standard_library(dotted: str, module: ModuleFacts, resolver) -> bool:
    """Whether `dotted` (as written in `module`) comes from Python's standard library."""
    head = dotted.split(".")[0]
    target = resolver.imports(module).get(head, head)
    return target.split(".")[0] in sys.stdlib_module_names


def odd_bases(cls: ClassFact) -> list[object]:
    """Base expressions that are not names (a call other than `with_metaclass`, a subscript)."""
    found: list[object] = []
    for base in cls.bases:
        if _is_with_metaclass(base):
            found += [a for a in base.args[1:] if not isinstance(a, Ref)]
        elif not isinstance(base, Ref):
            found.append(base)
    return found


def metaclass(cls: ClassFact) -> object | None:
    """`class X(..., metaclass=M)` or `with_metaclass(M, ...)`: M as written, else None."""
    for key, value in cls.keywords:
        if key == "metaclass":
            return value
    for base in cls.bases:
        if _is_with_metaclass(base):
            return base.args[0]
    return None


def _is_historical_records(symbol: Symbol) -> bool:
    from schemalint.read.django.history import is_historical_records  # (history.py builds on this module)

    return is_historical_records(symbol)


def _is_with_metaclass(value: object) -> TypeGuard[Call]:
    return isinstance(value, Call) and (value.func or "").rsplit(".", 1)[-1] == "with_metaclass" and bool(value.args)


@dataclass(frozen=True)
class FieldClass:
    """What a field class (built-in, or a project subclass of one) makes of its arguments."""

    builtin: str
    defaults: dict[str, Any]
    forced: dict[str, Any]
    custom_type: str | None
    name: str
    """The dotted class, for messages and `dump`."""
    db_type: tuple[object, ...] = ()
    """What `db_type()` returns, when that depends on the arguments (`"vector(%s)" % self.dim`)."""
    attributes: tuple[tuple[str, str], ...] = ()
    """`self.<attribute>` -> the `__init__` parameter it is set from."""
    params: tuple[str, ...] = ()
    """`__init__`'s positional parameters, for arguments passed by position."""
    unknown: str | None = None
    """A field class the reader cannot follow: its column's type is unknown."""
    no_column: bool = False
    """`db_type()` returns None: Django creates no column."""
    modules: tuple[tuple[str, ModuleFacts], ...] = ()
    """Argument -> the module its default or forced value is written in (the field class's)."""
    related_many: bool = False
    """A RelatedField that declares `many_to_many = True` (taggit's TaggableManager): Django
    keeps it in `local_many_to_many` and builds nothing for it, whatever type it names."""


@dataclass
class FieldSpec:
    name: str
    builtin: str
    """Key of BUILTIN_FIELDS the field class ends in."""
    args: tuple
    kwargs: dict[str, Any]
    module: ModuleFacts
    location: Location
    custom_type: str | None = None
    class_name: str = ""
    auto_created: bool = False
    local: dict | None = None
    """The declaring class body's other names, for `max_length=MAX` with `MAX` in the class."""
    field_class: FieldClass | None = None
    modules: dict[str, ModuleFacts] = field(default_factory=dict)
    hidden_arguments: str | None = None
    """The call, when it passes `*args`/`**kwargs` the reader cannot see into: any option may
    be set there (the column reports it)."""
    """Argument -> the module to read its value in, when not `module` (see `field_spec`)."""

    @property
    def internal(self) -> str:
        return BUILTIN_FIELDS[self.builtin].internal

    @property
    def relation(self) -> str | None:
        return BUILTIN_FIELDS[self.builtin].relation


@dataclass
class ModelInfo:
    module: ModuleFacts
    cls: ClassFact
    meta: dict[str, tuple[Any, ModuleFacts, Location]]
    app_label: str
    abstract: bool
    proxy: bool
    managed: bool
    db_table: str
    external: bool
    location: Location
    fields: list[FieldSpec] | None = None
    parents: list[ModelInfo] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.app_label}.{self.cls.name}"

    @property
    def model_name(self) -> str:
        return self.cls.name.lower()


@dataclass
class ColumnSpec:
    field: FieldSpec | None
    """None for columns Django adds itself (id, <parent>_ptr, _order)."""
    column: Column
    primary_key: bool = False
    unique: bool = False
    db_index: bool = False
    check: str | None = None
    fk: ForeignKey | None = None


# Meta options under a runtime `if`: what of the table they make unknown (None: nothing the
# schema holds). Any other option (abstract, proxy, managed, ...) decides whether it exists.
_META_PARTS: dict[str, TablePart | None] = {
    "db_table": "name",
    "indexes": "indexes",
    "index_together": "indexes",
    "constraints": "constraints",
    "unique_together": "constraints",
    "db_table_comment": "comment",
    "ordering": None,
    "verbose_name": None,
    "verbose_name_plural": None,
    "get_latest_by": None,
    "default_permissions": None,
    "permissions": None,
    "default_related_name": None,
    "base_manager_name": None,
    "default_manager_name": None,
    "select_on_save": None,
}


class Linker:
    def __init__(self, facts: list[ModuleFacts], project: Project) -> None:
        self.project = project
        self.facts = facts
        self.django = DjangoProject(project, [f.rel for f in facts])
        self.resolver = self._new_resolver()
        self.diagnostics: list[Diagnostic] = [d for f in facts for d in f.diagnostics]
        self._reported: set[tuple] = set()
        self.version, self.version_source = self.django.version, self.django.version_source
        self.settings: SettingsFacts = self.django.settings_facts()
        self.diagnostics += self.settings.diagnostics
        self._app_configs: dict[str, Any] = {}
        self._models: dict[tuple[str, str], ModelInfo | None] = {}
        self._building: set[tuple[str, str]] = set()
        self.registry: dict[tuple[str, str], ModelInfo] = self._new_registry()
        self._pk_cache: dict[str, tuple[str, str, str] | None] = {}
        self._following: set[tuple[int, str]] = set()
        self.complete = True
        """False once a class may be a model whose table the reader cannot build."""
        self.item_locations: dict[tuple[str, int, int], tuple[Location, ...]] = {}
        """Meta list assignment -> where each of its calls starts."""
        self._registered: dict[GUARD, bool | None] = {}
        """Registry guards -> whether a model of that label and name is registered first."""
        self.resolver.decide = self._running_branches
        self._decide_registry()

    def _new_resolver(self) -> Resolver:
        """The name resolver (a tracked link records what each lookup read: incremental.py)."""
        return Resolver(self.facts, self.project, self.django)

    def _new_registry(self) -> dict[tuple[str, str], ModelInfo]:
        return {}

    # ------------------------------------------------------------------ module-level `if`s

    def _running_branches(self, module: ModuleFacts) -> list[Branch]:
        return [b for b in module.branches if self.branch_runs(module, b) is True]

    def branch_runs(self, module: ModuleFacts, branch: Branch) -> bool | None:
        """Whether a block of a module-level `if` chain runs: each test read as Django's
        registry (registry.py) or evaluated statically; None when one cannot be known."""
        for test, truth in branch.conditions:
            value = self._condition(module, test)
            if value is None:
                return None
            if value is not truth:
                return False
        return True

    def class_runs(self, module: ModuleFacts, cls: ClassFact) -> bool | None:
        """Whether a class under a module-level `if`/`try` is created (None: not static)."""
        for branch in module.branches:
            if cls.line in branch.classes:
                return self.branch_runs(module, branch)
        return None

    def _condition(self, module: ModuleFacts, test: object) -> bool | None:
        key = self._guard(module, test)
        if key is not None:
            registered = self._registered.get(key)
            return None if registered is None else not registered
        try:
            value = self.resolver.evaluate(module, test)
        except Unresolved:
            return None
        return bool(value)

    def _decide_registry(self) -> None:
        """`if not is_model_registered(label, name): class ...` (registry.py): registered when
        the project defines a model of that label and name unconditionally; unknown when more
        than one module guards a definition of it (which Django imports first is not static)."""
        asked: Counter[GUARD] = Counter()
        for module in self.facts:
            for branch in module.branches:
                test, truth = branch.conditions[-1]
                key = self._guard(module, test) if branch.classes and truth else None
                if key is not None:
                    asked[key] += 1
        if not asked:
            return
        names_asked = {name for _, name in asked}
        registered: set[GUARD] = set()
        for module in self.facts:
            for cls in module.classes:
                if cls.name.lower() in names_asked:
                    info = self.model(module, cls)
                    if info is not None and not info.abstract:
                        registered.add((info.app_label, cls.name.lower()))
        self._registered = {
            key: True if key in registered else None if count > 1 else False for key, count in asked.items()
        }
        # What was resolved while deciding saw the guarded classes as absent: start afresh.
        self._models.clear()
        self.registry.clear()
        self._pk_cache.clear()
        self.resolver.forget()

    def _guard(self, module: ModuleFacts, test: object) -> GUARD | None:
        """What registry question `not f("label", "Name")` asks, when `f` asks one."""
        if not (isinstance(test, Unary) and test.op == "not" and isinstance(test.operand, Call)):
            return None
        call = test.operand
        if not call.func or call.star or call.kwargs or len(call.args) != 2:
            return None
        evaluator = self.resolver.evaluator
        source = evaluator.module_at(module.rel, module.module, module.package)
        try:
            function = evaluator.name(source, call.func) if source is not None else None
            values = [self.resolver.evaluate(module, a) for a in call.args]
        except Unresolved:
            return None
        positions = registry_check(function) if isinstance(function, Function) else None
        if positions is None:
            return None
        label, name = values[positions[0]], values[positions[1]]
        return (label, name.lower()) if isinstance(label, str) and isinstance(name, str) else None

    def conditional_models(self, module: ModuleFacts) -> list[ClassFact]:
        """The module's classes under an `if` that are known to be created."""
        return [c for c in module.conditional_classes if self.class_runs(module, c) is True]

    # ------------------------------------------------------------------ diagnostics

    def unresolved(
        self, what: str, text: str, location: Location, table: str | None = None, column: str | None = None
    ) -> None:
        key = (what, text, location)
        if key not in self._reported:
            self._reported.add(key)
            self.diagnostics.append(
                Diagnostic("unresolved", f"{what} cannot be resolved statically: {text}", location, table, column)
            )

    # ------------------------------------------------------------------ apps and settings

    def app_dir(self, module: ModuleFacts) -> str:
        parts = module.rel.split("/")[:-1]
        if "models" in parts:
            parts = parts[: len(parts) - 1 - parts[::-1].index("models")]
        return "/".join(parts)

    def app_config(self, module: ModuleFacts):
        directory = self.app_dir(module)
        if directory not in self._app_configs:
            self._app_configs[directory] = self.django.app_config(directory)
        return self._app_configs[directory]

    def default_label(self, module: ModuleFacts) -> str:
        if module.module in self.resolver.virtual:
            return self.resolver.virtual[module.module][0]
        config = self.app_config(module)
        if config.label:
            return config.label
        directory = self.app_dir(module)
        return directory.rsplit("/", 1)[-1] if directory else module.module.split(".")[0]

    def default_auto_field(self, info: ModelInfo) -> tuple[str, str]:
        """(the auto field's builtin class name, where that choice came from)."""
        if info.module.module in self.resolver.virtual:
            return self.resolver.virtual[info.module.module][1].rsplit(".", 1)[-1], "django.contrib"
        config = self.app_config(info.module)
        if config.problem:
            self.unresolved("AppConfig.default_auto_field", *config.problem)
        for dotted, source in (  # as Django: the AppConfig's, then the setting
            (config.default_auto_field, "apps.py"),
            (self.project.settings.default_auto_field, "config"),
            (self.settings.default_auto_field, self.settings.path or "settings"),
        ):
            if dotted:
                return self.auto_builtin(dotted, info), source
        return ("BigAutoField" if major(self.version) >= 6 else "AutoField"), f"Django {self.version} default"

    def auto_builtin(self, dotted: str, info: ModelInfo) -> str:
        """The built-in auto field a DEFAULT_AUTO_FIELD path names, through project subclasses
        (`core.fields.HashidAutoField(BigAutoField)`)."""
        last = dotted.rsplit(".", 1)[-1]
        if last in ("AutoField", "BigAutoField", "SmallAutoField"):
            return last
        location = info.location
        symbol = self.resolver.resolve_global(dotted, info.module)
        if symbol.kind == "class" and symbol.module is not None and symbol.cls is not None:
            for base in class_bases(symbol.cls):
                found = self.field_class(symbol.module, base.dotted, location)
                if (
                    found is not None
                    and found.unknown is None
                    and found.builtin in ("AutoField", "BigAutoField", "SmallAutoField")
                ):
                    return found.builtin
        fallback = "BigAutoField" if major(self.version) >= 6 else "AutoField"
        self.unresolved("DEFAULT_AUTO_FIELD", f"{dotted} (assuming {fallback})", location)
        return fallback

    def project_auto_field(self) -> str:
        if self.project.settings.default_auto_field:
            return self.project.settings.default_auto_field
        if self.settings.default_auto_field:
            return self.settings.default_auto_field
        return "django.db.models.BigAutoField" if major(self.version) >= 6 else "django.db.models.AutoField"

    # ------------------------------------------------------------------ models

    def is_model_class(self, module: ModuleFacts, cls: ClassFact, depth: int = 0) -> bool:
        if depth > 30:
            return False
        for base in class_bases(cls):
            symbol = self.resolver.resolve(module, base.dotted)
            if symbol.kind == "django" and (symbol.name in MODEL_BASES or symbol.name.endswith(".models.Model")):
                return True
            if (
                symbol.kind == "class"
                and symbol.module is not None
                and symbol.cls is not None
                and symbol.cls is not cls
                and self.is_model_class(symbol.module, symbol.cls, depth + 1)
            ):
                return True
        return False

    def model(self, module: ModuleFacts, cls: ClassFact) -> ModelInfo | None:
        key = (module.rel, cls.name)
        if key in self._models:
            return self._models[key]
        if key in self._building or not self.is_model_class(module, cls):
            return None
        self._building.add(key)
        try:
            info = self._make_model(module, cls)
        finally:
            self._building.discard(key)
        self._models[key] = info
        return info

    def base_models(self, info: ModelInfo) -> list[ModelInfo]:
        found = []
        for base in class_bases(info.cls):
            symbol = self.resolver.resolve(info.module, base.dotted)
            if (
                symbol.kind == "class"
                and symbol.module is not None
                and symbol.cls is not None
                and symbol.cls is not info.cls
            ):
                parent = self.model(symbol.module, symbol.cls)
                if parent is not None:
                    found.append(parent)
        return found

    def parent_models(self, info: ModelInfo, depth: int = 0) -> list[ModelInfo]:
        """The concrete models a multi-table child links to, in `ModelBase` order: its
        concrete bases, and those an abstract base itself inherits from."""
        found: list[ModelInfo] = []
        for base in self.base_models(info):
            for parent in (
                [self.concrete(base)]
                if not base.abstract
                else self.parent_models(base, depth + 1)
                if depth < 20
                else []
            ):
                if all(parent is not other for other in found):
                    found.append(parent)
        return found

    def _meta(self, module: ModuleFacts, cls: ClassFact) -> dict[str, tuple[Any, ModuleFacts, Location]]:
        meta: dict[str, tuple[Any, ModuleFacts, Location]] = {}
        if cls.meta is None and (page_meta := self._page_base_meta(module, cls)) is not None:
            return page_meta
        if cls.meta is None:
            # Without its own Meta a class sees its abstract parent's (Python attribute lookup).
            for base in class_bases(cls):
                symbol = self.resolver.resolve(module, base.dotted)
                if (
                    symbol.kind == "class"
                    and symbol.module is not None
                    and symbol.cls is not None
                    and symbol.cls is not cls
                ):
                    parent = self.model(symbol.module, symbol.cls)
                    if parent is not None and parent.abstract:
                        return {k: v for k, v in parent.meta.items() if k != "abstract"}
            return meta
        for dotted in cls.meta_bases:
            symbol = self.resolver.resolve(module, dotted)
            if (
                symbol.kind == "class"
                and symbol.module is not None
                and symbol.cls is not None
                and symbol.name.endswith(".Meta")
            ):
                parent = self.model(symbol.module, symbol.cls)
                if parent is not None:
                    meta.update({k: v for k, v in parent.meta.items() if k != "abstract"})
            elif symbol.kind == "class" and symbol.module is not None and symbol.cls is not None:
                # `class Meta(AbstractPageMeta)`: a plain class's attributes, inherited.
                for assign in symbol.cls.body:
                    if assign.name != "abstract":
                        meta[assign.name] = (
                            assign.value,
                            symbol.module,
                            Location(symbol.module.rel, assign.line, assign.col),
                        )
        for assign in cls.meta:
            meta[assign.name] = (assign.value, module, Location(module.rel, assign.line, assign.col))
            if assign.items:
                self.item_locations[(module.rel, assign.line, assign.col)] = tuple(
                    Location(module.rel, line, col) for line, col in assign.items
                )
        return meta

    def _page_base_meta(self, module: ModuleFacts, cls: ClassFact) -> dict | None:
        """Wagtail's PageBase metaclass gives a base page model (concrete, every model base
        abstract) that declares no Meta one that inherits `AbstractPageMeta` (its
        unique_together); it adds no field. None for any other class."""
        page_base = self._inherited_metaclass(module, cls)
        if page_base is None:
            return None
        bases = [self.resolver.resolve(module, base.dotted) for base in class_bases(cls)]
        parents = [self.model(b.module, b.cls) for b in bases if b.kind == "class" and b.module and b.cls]
        if any(parent is not None and not parent.abstract for parent in parents):
            return None
        found = self.resolver.resolve(page_base, "AbstractPageMeta")
        if found.kind != "class" or found.module is None or found.cls is None:
            return None
        return {
            a.name: (a.value, found.module, Location(found.module.rel, a.line, a.col))
            for a in found.cls.body
            if a.name != "abstract"
        }

    def _inherited_metaclass(self, module: ModuleFacts, cls: ClassFact, depth: int = 0) -> ModuleFacts | None:
        """The module of wagtail's PageBase when it is the class's metaclass (its own or a
        base's), else None."""
        written = metaclass(cls)
        if isinstance(written, Ref):
            symbol = self.resolver.resolve(module, written.dotted)
            return symbol.module if _is_page_base(symbol) else None
        for base in class_bases(cls):
            symbol = self.resolver.resolve(module, base.dotted)
            if symbol.kind == "class" and symbol.module and symbol.cls and symbol.cls is not cls and depth < 20:
                found = self._inherited_metaclass(symbol.module, symbol.cls, depth + 1)
                if found is not None:
                    return found
        return None

    def meta_value(self, meta: dict, key: str, default=None, what: str | None = None):
        if key not in meta:
            return default
        value, module, location = meta[key]
        try:
            return self.resolver.evaluate(module, value)
        except Unresolved as exc:
            self.unresolved(what or f"Meta.{key}", exc.text, location)
            return default

    def _make_model(self, module: ModuleFacts, cls: ClassFact) -> ModelInfo:
        meta = self._meta(module, cls)
        location = Location(module.rel, cls.line, cls.col)
        abstract = bool(cls.meta and any(a.name == "abstract" for a in cls.meta)) and bool(
            self.meta_value(meta, "abstract", False)
        )
        proxy = bool(self.meta_value(meta, "proxy", False))
        managed = self.meta_value(meta, "managed", True) is not False
        label = self.meta_value(meta, "app_label", None)
        if not isinstance(label, str) or not label:  # absent, or not a label Django could use
            label = self.default_label(module)
        table = self.meta_value(meta, "db_table", None)
        if not isinstance(table, str) or not table:
            table = names.truncate_name(f"{label}_{cls.name.lower()}")
        external = module.module in self.resolver.virtual
        info = ModelInfo(module, cls, meta, label, abstract, proxy, managed, table, external, location)
        if external and cls.name == "User":
            info.db_table = "auth_user"
        if external and cls.name in ("Group", "Permission"):
            info.db_table = f"auth_{cls.name.lower()}"
        if not abstract:
            self.registry.setdefault((label, cls.name.lower()), info)
        return info

    def model_unknowns(self, info: ModelInfo, depth: int = 0) -> list[TablePart]:
        """What of the model's table the reader cannot know, each cause reported once (SL002)
        where it is written: bases it cannot follow or a metaclass that may add fields,
        fields or Meta options under a runtime `if`, in the class or an abstract parent."""
        module, cls = info.module, info.cls
        if info.external or depth > 20:
            return []
        location = info.location
        parts: list[TablePart] = []
        for base in class_bases(cls):
            if self.resolver.resolve(module, base.dotted).kind == "unknown":
                self.unresolved("model base class", base.dotted, location)
                parts.append("columns")
        for odd in odd_bases(cls):
            self.unresolved("model base class", describe(odd), location)
            parts.append("columns")
        meta_class = metaclass(cls)
        if meta_class is not None:
            symbol = self.resolver.resolve(module, meta_class.dotted) if isinstance(meta_class, Ref) else None
            known = symbol is not None and (
                (symbol.kind == "django" and symbol.name in MODEL_METACLASSES)
                or (symbol.kind == "class" and symbol.module is not None and symbol.module.module == "mptt.models")
                or _is_page_base(symbol)
            )
            if not known:
                self.unresolved("metaclass (it may add fields)", describe(meta_class), location)
                parts.append("columns")
        runtime = [a for a in cls.conditional if isinstance(a.value, Call)]
        if runtime:
            self.unresolved(
                "fields under a runtime if/try/for",
                ", ".join(a.name for a in runtime),
                Location(module.rel, runtime[0].line, runtime[0].col),
            )
            parts.append("columns")
        if cls.meta_conditional:
            first = cls.meta_conditional[0]
            self.unresolved(
                "Meta options under a runtime if/try/for",
                ", ".join(a.name for a in cls.meta_conditional),
                Location(module.rel, first.line, first.col),
            )
            for assign in cls.meta_conditional:
                part = _META_PARTS.get(assign.name, "exists")
                if part is not None:
                    parts.append(part)
        for parent in self.base_models(info):
            if parent.abstract:
                parts += self.model_unknowns(parent, depth + 1)
        return list(dict.fromkeys(parts))

    def swapped(self, info: ModelInfo) -> bool | None:
        """`Meta.swappable = "SETTING"` whose setting names another model (Options.swapped):
        Django creates no table for it. None when the setting cannot be read (SL002)."""
        if "swappable" not in info.meta:
            return False
        name = self.meta_value(info.meta, "swappable", None)
        if not isinstance(name, str):
            return False if name is None and not self._reported_about(info.meta["swappable"][2]) else None
        try:
            value = self.django.setting(name)
        except Unresolved as exc:
            self.unresolved("Meta.swappable", f"settings.{name}: {exc.text}", info.meta["swappable"][2])
            return None
        if not isinstance(value, str) or not value:
            return False
        label, dot, model = value.rpartition(".")
        return not dot or f"{label}.{model.lower()}" != f"{info.app_label}.{info.cls.name.lower()}"

    def _reported_about(self, location: Location) -> bool:
        return any(d.location == location for d in self.diagnostics)

    def required_features(self, info: ModelInfo) -> bool | None:
        """`Meta.required_db_features` on PostgreSQL: True (migrated), False (Django skips the
        model), None (a flag whose value depends on the server, or cannot be read: SL002)."""
        if "required_db_features" not in info.meta:
            return True
        value, _, location = info.meta["required_db_features"]
        flags = self.meta_value(info.meta, "required_db_features", None)
        if flags is None:
            return None  # reported by meta_value
        if isinstance(flags, str) or not isinstance(flags, (tuple, list)) or not all(isinstance(f, str) for f in flags):
            self.unresolved("Meta.required_db_features", describe(value), location)
            return None
        if any(f in PG_FEATURES_FALSE for f in flags):
            return False
        unknown = [f for f in flags if f not in PG_FEATURES_TRUE]
        if unknown:
            self.unresolved("Meta.required_db_features on PostgreSQL", ", ".join(unknown), location)
            return None
        return True

    def concrete(self, info: ModelInfo) -> ModelInfo:
        seen = 0
        while info.proxy and seen < 20:
            parents = [p for p in self.base_models(info) if not p.abstract]
            if not parents:
                break
            info, seen = parents[0], seen + 1
        return info

    # ------------------------------------------------------------------ fields

    def field_spec(self, module: ModuleFacts, assign: Assign, local: dict | None = None) -> FieldSpec | None:
        call = assign.value
        if not isinstance(call, Call) or not call.func:
            return None
        location = Location(module.rel, assign.line, assign.col)
        resolved = self.field_class(module, call.func, location)
        if resolved is None:
            return None
        kwargs = dict(BUILTIN_FIELDS[resolved.builtin].defaults)
        kwargs.update(resolved.defaults)
        kwargs.update(dict(call.kwargs))
        kwargs.update(resolved.forced)
        spec = FieldSpec(
            assign.name,
            resolved.builtin,
            call.args,
            kwargs,
            module,
            location,
            resolved.custom_type,
            resolved.name,
            local=local,
            field_class=resolved,
        )
        # A value the caller passes is read where the field is used; a default or forced
        # value of the field class where the class is written.
        spec.modules = {
            key: where for key, where in resolved.modules if key not in dict(call.kwargs) or key in resolved.forced
        }
        if call.star:
            shown = describe(call)[:-1]
            spec.hidden_arguments = f"{shown}{', ' if call.args or call.kwargs else ''}*...)"
        return spec

    def field_class(
        self, module: ModuleFacts, dotted: str, location: Location, depth: int = 0, symbol: Symbol | None = None
    ) -> FieldClass | None:
        """What the field class `dotted` makes of its arguments; None when it is not a field
        class. A class that looks like a field but cannot be followed (mptt's
        `TreeForeignKey`, a GIS field) is kept with `unknown` set: its column exists."""
        symbol = symbol or self.resolver.resolve(module, dotted)
        if symbol.kind == "value" and symbol.module is not None and depth < 20:
            return self._computed_class(symbol, dotted, location, depth)
        configured = self.configured_type(symbol, dotted)
        if symbol.kind == "django":
            last = symbol.name.rsplit(".", 1)[-1]
            if last in BUILTIN_FIELDS:
                return FieldClass(last, {}, {}, configured, symbol.name)
            return self._unknown_field_class(symbol.name, configured)
        if symbol.kind == "class" and symbol.cls is not None and symbol.module is not None and depth < 20:
            for base in class_bases(symbol.cls):
                parent = self.field_class(symbol.module, base.dotted, location, depth + 1)
                if parent is not None and parent.name in RELATED_FIELD and _assigns(symbol.cls, "many_to_many", True):
                    # taggit's TaggableManager: a many-to-many relation through a model of its own
                    # (`Options.add_field` puts it in local_many_to_many): no column, no table.
                    parent = FieldClass("Field", {}, {}, None, parent.name, no_column=True, related_many=True)
                if parent is not None:
                    return self._subclass(parent, symbol.module, symbol.cls, configured)
            if depth == 0 and _is_historical_records(symbol):
                return None  # no field: the model it builds is history.py's
            if depth == 0 and self._contributes(symbol.module, symbol.cls):
                # Not a field, but it runs when the model class is created (a subclass of
                # simple_history's HistoricalRecords may build any model): what it adds is not read.
                self.complete = False
                self.unresolved(
                    f"what {symbol.cls.name}.contribute_to_class() adds to the model when it runs (fields, "
                    "or models and their tables)",
                    f"{dotted}()",
                    location,
                )
                return None
            hidden = self._hidden_bases(symbol.module, symbol.cls)
            if hidden:
                # Its bases cannot be followed: it may be a field (its column exists) or not.
                guess = self._unknown_field_class(f"{symbol.module.module}.{symbol.cls.name}", configured)
                if guess is not None:
                    return guess
                if depth == 0:
                    self.unresolved(f"class of this attribute (a field adds a column; base {hidden})", dotted, location)
            return None
        if configured:
            return FieldClass("TextField", {}, {}, configured, dotted)
        if symbol.kind == "unknown":
            return self._unknown_field_class(symbol.name or dotted, None)
        if symbol.kind == "function":
            self.unresolved("class attribute built by a function", f"{dotted}()", location)
        return None

    def _computed_class(self, symbol: Symbol, dotted: str, location: Location, depth: int) -> FieldClass | None:
        """A class held by a module constant: `import_string("django.db.models.JSONField")`
        (the path may come from settings with a default) is the class it names. Anything
        else may be a field class: one SL002."""
        value = symbol.value
        assert symbol.module is not None
        if isinstance(value, Call) and (value.func or "").rsplit(".", 1)[-1] == "import_string" and value.args:
            path = self._python_value(symbol.module, value.args[0])
            if isinstance(path, str) and all(part.isidentifier() for part in path.split(".")):
                target = self.resolver.resolve_global(path, symbol.module)
                return self.field_class(symbol.module, path, location, depth + 1, target)
        if isinstance(value, Call) and (value.func or "").endswith((".from_queryset", ".as_manager")):
            return None  # a manager class (`Manager.from_queryset(QuerySet)`): no column
        if depth == 0 and isinstance(value, Call):
            self.unresolved(
                "class of this attribute (a field adds a column)", f"{dotted} = {describe(value)}", location
            )
        return None

    def _python_value(self, module: ModuleFacts, value):
        """A value as the facts say it, else as the static-Python layer reads the module's
        source (`get_config().get("X", "default")`, a settings getter's default)."""
        try:
            return self.resolver.evaluate(module, value)
        except Unresolved:
            if not isinstance(value, Ref):
                raise
            source = self.resolver.evaluator.module_at(module.rel, module.module, module.package)
            if source is None:
                raise
            return self.resolver.evaluator.name(source, value.dotted)

    def _contributes(self, module: ModuleFacts, cls: ClassFact, depth: int = 0) -> bool:
        """Whether `cls` or a project / installed class it derives from has `contribute_to_class`
        (a manager's only sets itself on the model: not counted)."""
        if self._manager(module, cls):
            return False
        if "contribute_to_class" in cls.methods:
            return True
        for base in class_bases(cls):
            symbol = self.resolver.resolve(module, base.dotted)
            if symbol.kind == "class" and symbol.cls is not None and symbol.module is not None and depth < 20:
                if self._contributes(symbol.module, symbol.cls, depth + 1):
                    return True
        return False

    def _manager(self, module: ModuleFacts, cls: ClassFact, depth: int = 0) -> bool:
        """Whether `cls` is a Django manager (`models.Manager`, `Manager.from_queryset(...)`)."""
        if any("Manager" in describe(odd) for odd in odd_bases(cls)):
            return True
        for base in class_bases(cls):
            symbol = self.resolver.resolve(module, base.dotted)
            if symbol.kind == "django" and symbol.name.endswith("Manager"):
                return True
            if symbol.kind == "class" and symbol.cls is not None and symbol.module is not None and depth < 20:
                if self._manager(symbol.module, symbol.cls, depth + 1):
                    return True
        return False

    def _hidden_bases(self, module: ModuleFacts, cls: ClassFact, depth: int = 0) -> str | None:
        """A base of `cls` (or of a project class it derives from) that cannot be followed and
        may be a Django field class; None when every base is known (standard-library classes,
        Django's non-field classes and project classes made of them)."""
        if depth == 0 and self._manager(module, cls):
            return None
        bases = list(class_bases(cls))
        for odd in odd_bases(cls):
            text = describe(odd)
            name = re.match(r"([\w.]+)\[", text)  # `Generic[T]`, `Mixin[T]`: the class subscripted
            if name is None:
                return text
            bases.append(Ref(name.group(1)))
        for base in bases:
            symbol = self.resolver.resolve(module, base.dotted)
            if symbol.kind == "class" and symbol.cls is not None and symbol.module is not None:
                if depth < 20:
                    found = self._hidden_bases(symbol.module, symbol.cls, depth + 1)
                    if found:
                        return found
            elif symbol.kind == "unknown" and not _standard_library(symbol.name or base.dotted, module, self.resolver):
                return base.dotted
        return None

    @staticmethod
    def _unknown_field_class(dotted: str, configured: str | None) -> FieldClass | None:
        last = dotted.rsplit(".", 1)[-1]
        for suffix, builtin in _FIELD_LIKE.items():
            if last.endswith(suffix):
                if configured:
                    return FieldClass("TextField", {}, {}, configured, dotted)
                return FieldClass(builtin, {}, {}, None, dotted, unknown=dotted)
        return None

    @staticmethod
    def _subclass(parent: FieldClass, module: ModuleFacts, cls: ClassFact, configured: str | None) -> FieldClass:
        """A project field class over `parent`: its `__init__` defaults and forced arguments,
        `get_internal_type()` and `db_type()` (the nearest definition wins)."""
        if parent.related_many:  # whatever get_internal_type() says, there is no column
            return replace(parent, name=f"{module.module}.{cls.name}")
        builtin = cls.internal_type if cls.internal_type in BUILTIN_FIELDS else parent.builtin
        init = cls.init
        defaults = {**parent.defaults, **dict(init.defaults)} if init else parent.defaults
        forced = {**dict(init.forced), **parent.forced} if init else parent.forced
        custom, db_type, no_column = parent.custom_type, parent.db_type, parent.no_column
        if cls.internal_type in BUILTIN_FIELDS:
            custom, db_type, no_column = None, (), False
        if cls.db_type:
            custom, db_type, no_column = None, (), False
            if all(value is None for value in cls.db_type):
                no_column = True
            elif len(cls.db_type) == 1 and isinstance(cls.db_type[0], str):
                custom = normalize_type(cls.db_type[0])
            else:
                db_type = cls.db_type
        attributes = (init.attributes + parent.attributes) if init else parent.attributes
        params = init.params if init else parent.params
        modules = parent.modules + (tuple((key, module) for key, _ in init.defaults + init.forced) if init else ())
        return FieldClass(
            builtin,
            defaults,
            forced,
            configured or custom,
            f"{module.module}.{cls.name}",
            db_type,
            attributes,
            params,
            parent.unknown,
            no_column,
            modules,
        )

    def configured_type(self, symbol: Symbol, dotted: str) -> str | None:
        """A `[tool.schemalint] types` entry naming this field class."""
        types = self.project.settings.types
        if not types:
            return None
        candidates = {dotted}
        if symbol.kind == "class" and symbol.module is not None and symbol.cls is not None:
            full = f"{symbol.module.module}.{symbol.cls.name}"
            parts = full.split(".")
            candidates |= {".".join(parts[i:]) for i in range(len(parts))}
        elif symbol.kind in ("django", "unknown"):
            candidates.add(symbol.name)
        for key, value in types:
            if "." in key and key in candidates:
                return normalize_type(value)
        return None

    def fields(self, info: ModelInfo) -> list[FieldSpec]:
        """The model's local fields: abstract parents' (not overridden) then its own."""
        if info.fields is not None:
            return info.fields
        info.fields = []
        attributes = {a.name for a in info.cls.body}
        # Like the class namespace: a name assigned twice keeps its last value (and a field
        # re-assigned to something else is no field at all).
        last: dict[str, Assign] = {}
        for assign in info.cls.body:
            last.pop(assign.name, None)
            last[assign.name] = assign
        own: list[FieldSpec] = []
        local = {a.name: a.value for a in last.values() if not isinstance(a.value, Call)}
        for assign in last.values():
            try:
                spec = self.field_spec(info.module, assign, local)
            except Unresolved as exc:
                self.unresolved("field", exc.text, Location(info.module.rel, assign.line, assign.col))
                continue
            if spec is not None:
                own.append(spec)
        inherited: list[FieldSpec] = []
        seen = attributes | set(info.cls.methods)  # a method or property hides a parent's field
        for parent in self.base_models(info):
            if parent.abstract:
                for spec in self.fields(parent):
                    if spec.name not in seen:
                        seen.add(spec.name)
                        inherited.append(spec)
        info.fields = inherited + own
        mptt = self.mptt_attributes(info)
        if mptt is not None:
            # django-mptt's MPTTModelBase adds the tree fields the model does not declare.
            names = {spec.name for spec in info.fields}
            defaults = dict(BUILTIN_FIELDS["PositiveIntegerField"].defaults)
            for key in ("left_attr", "right_attr", "tree_id_attr", "level_attr"):
                if mptt[key] not in names:
                    kwargs = {**defaults, "db_index": key == "tree_id_attr", "editable": False}
                    info.fields.append(
                        FieldSpec(mptt[key], "PositiveIntegerField", (), kwargs, info.module, info.location)
                    )
        return info.fields

    def mptt_attributes(self, info: ModelInfo) -> dict[str, str] | None:
        """For the tree model of django-mptt (a concrete model deriving from
        `mptt.models.MPTTModel` through abstract classes only): the names of its tree fields,
        `MPTTMeta` overrides (in the class or an abstract parent) applied. None otherwise."""
        if info.abstract or info.proxy or info.external or not self._derives_from_mptt(info):
            return None
        found = dict(_MPTT_ATTRIBUTES)
        for model in [*reversed(self._abstract_lineage(info)), info]:
            for name, value in model.cls.mptt_meta:
                if name in found and isinstance(value, str):
                    found[name] = value
        return found

    def _abstract_lineage(self, info: ModelInfo, depth: int = 0) -> list[ModelInfo]:
        found: list[ModelInfo] = []
        for parent in self.base_models(info):
            if parent.abstract and depth < 20:
                found += [parent, *self._abstract_lineage(parent, depth + 1)]
        return found

    def _derives_from_mptt(self, info: ModelInfo) -> bool:
        parents = self.base_models(info)
        if any(not p.abstract for p in parents):
            return False  # a multi-table child: the tree fields are its tree model's
        return any(_is_mptt_model(p) for p in self._abstract_lineage(info))

    def kw(self, spec: FieldSpec, key: str, default=None, table: str | None = None):
        """The value of a field argument; `Unresolved` (with `what` = the argument) when it
        cannot be known. The caller reports it, once for the whole field."""
        if key not in spec.kwargs:
            return default
        module = spec.modules.get(key, spec.module)
        try:
            return self.evaluate(module, spec.kwargs[key], spec.local if module is spec.module else None)
        except Unresolved as exc:
            raise Unresolved(exc.text, exc.what or key) from None

    def evaluate(self, module: ModuleFacts, value, local: dict | None = None):
        """`Resolver.evaluate`, and `getattr(settings, name, default)` whose *name* the reader
        cannot see (`self.setting_name`): the default given in code, what Django sees unless a
        project sets that setting. (A literal name is looked up in the settings by the resolver.)"""
        try:
            return self.resolver.evaluate(module, value, local=local)
        except Unresolved:
            if (
                isinstance(value, Call)
                and value.func == "getattr"
                and len(value.args) == 3
                and not value.kwargs
                and not isinstance(value.args[1], str)
                and isinstance(value.args[0], Ref)
                and self.resolver.resolve(module, value.args[0].dotted).kind == "settings"
            ):
                return self.evaluate(module, value.args[2], local)
            raise

    # ------------------------------------------------------------------ relations

    def target(self, spec: FieldSpec, owner: ModelInfo) -> ModelInfo:
        value = spec.args[0] if spec.args else spec.kwargs.get("to")
        if value is None:
            raise Unresolved(f"{spec.name} (no target model)")
        reference = self._reference(spec.module, value)
        if isinstance(reference, ModelInfo):
            return self.concrete(reference)
        if reference == "self":
            return self.concrete(owner)
        app, _, name = reference.rpartition(".")
        found = self.registry.get((app or owner.app_label, name.lower()))
        if found is None:
            self._load_all_models()
            found = self.registry.get((app or owner.app_label, name.lower()))
        if found is None and app in VIRTUAL_APPS:
            self.resolver.load_virtual()
            self._load_all_models()
            found = self.registry.get((app, name.lower()))
        if found is None:
            raise Unresolved(describe(value))
        return self.concrete(found)

    def _reference(self, module: ModuleFacts, value):
        if isinstance(value, str):
            return value
        if isinstance(value, Ref):
            symbol = self.resolver.resolve(module, value.dotted)
            if symbol.kind == "class" and symbol.module is not None and symbol.cls is not None:
                info = self.model(symbol.module, symbol.cls)
                if info is not None:
                    return info
            if symbol.kind == "settings" and symbol.name == "AUTH_USER_MODEL":
                return self.settings.auth_user_model
            if symbol.kind == "value" and symbol.module is not None:
                return self._reference(symbol.module, symbol.value)
        if isinstance(value, Call) and (value.func or "").endswith("get_user_model"):
            return self.settings.auth_user_model
        found = self.resolver.evaluate(module, value)  # getattr(settings, "X", "app.Model"), ...
        if isinstance(found, str):
            return found
        raise Unresolved(describe(value))

    def _load_all_models(self) -> None:
        for module in list(self.resolver.modules.values()):
            for cls in [*module.classes, *self.conditional_models(module)]:
                self.model(module, cls)

    def pk_of(self, info: ModelInfo) -> tuple[str, str, str]:
        """(column, column type a FK to it gets, internal type) of a model's primary key."""
        key = info.module.rel + ":" + info.cls.name
        if key in self._pk_cache:
            found = self._pk_cache[key]
            if found is None:  # asked again while working it out: keys that refer to each other
                raise Unresolved(f"{info.cls.name} (circular primary keys)", "primary key type")
            return found
        self._pk_cache[key] = None
        try:
            result = self._find_pk(info)
        except Unresolved:
            del self._pk_cache[key]  # not an answer to remember
            raise
        self._pk_cache[key] = result
        return result

    def _find_pk(self, info: ModelInfo) -> tuple[str, str, str]:
        for spec in self.fields(info):
            if spec.relation != "m2m" and self.flag(spec, "primary_key"):
                return self._field_target(spec, info)
        links = self.parent_links(info)
        if links:
            parent, declared = links[0]
            if declared is not None:
                return self._field_target(declared, info)
            _, rel_type, internal = self.pk_of(parent)
            return f"{parent.model_name}_ptr_id", rel_type, internal
        auto, _ = self.default_auto_field(info)
        return "id", REL_TYPES[auto], auto

    def parent_links(self, info: ModelInfo) -> list[tuple[ModelInfo, FieldSpec | None]]:
        """Each concrete parent of a multi-table child with the `OneToOneField(parent_link=True)`
        the child declares for it, or None where Django adds `<parent>_ptr` itself."""
        parents = self.parent_models(info)
        if not parents:
            return []
        declared: dict[int, FieldSpec] = {}
        for spec in self.fields(info):
            if spec.relation == "fk" and self.flag(spec, "parent_link"):
                try:
                    declared.setdefault(id(self.target(spec, info)), spec)
                except Unresolved:
                    continue  # the column reports it
        return [(parent, declared.get(id(parent))) for parent in parents]

    def _field_target(self, spec: FieldSpec, info: ModelInfo) -> tuple[str, str, str]:
        column = self.column_name(spec)
        if spec.relation == "fk":
            key = (id(info), spec.name)
            if key in self._following:  # a key that (through others) refers to itself
                raise Unresolved(f"{info.cls.name}.{spec.name} (circular reference)", "foreign key type")
            self._following.add(key)
            try:
                target = self.target(spec, info)
                _, rel_type, internal = self.to_field(spec, target)
            finally:
                self._following.discard(key)
            return column, rel_type, internal
        pg_type = self.column_type(spec, info.db_table)
        return column, REL_TYPES.get(spec.internal, pg_type), spec.internal

    def to_field(self, spec: FieldSpec, target: ModelInfo) -> tuple[str, str, str]:
        name = self.kw(spec, "to_field")
        if not name:
            return self.pk_of(target)
        for other in self.fields(target):
            if other.name == name or self.column_name(other) == name:
                return self._field_target(other, target)
        raise Unresolved(f"to_field={name!r}")

    def flag(self, spec: FieldSpec, key: str) -> bool:
        """A boolean field argument, False when unknown (the column reports it)."""
        try:
            return bool(self.kw(spec, key, False))
        except Unresolved:
            return False

    # ------------------------------------------------------------------ columns

    def column_name(self, spec: FieldSpec) -> str:
        db_column = self.kw(spec, "db_column")
        if isinstance(db_column, str) and db_column:
            return db_column
        return f"{spec.name}_id" if spec.relation == "fk" else spec.name

    def column_type(self, spec: FieldSpec, table: str) -> str:
        found = spec.field_class
        if found is not None and found.unknown:
            raise Unresolved(found.unknown, "field type")
        if spec.custom_type:
            return spec.custom_type
        if found is not None and found.db_type:
            return self._db_type(spec, found)
        internal = spec.internal
        if internal in ("CharField", "SlugField", "FileField", "FilePathField"):
            max_length = self.kw(spec, "max_length", None, table)
            if max_length is not None and (not isinstance(max_length, int) or isinstance(max_length, bool)):
                raise Unresolved(f"max_length={max_length!r}", "max_length")
            return varchar(max_length)
        if internal == "DecimalField":
            digits, places = self.kw(spec, "max_digits", None, table), self.kw(spec, "decimal_places", None, table)
            if not isinstance(digits, int) or not isinstance(places, int):
                raise Unresolved(f"max_digits={digits!r}, decimal_places={places!r}", "DecimalField precision")
            return f"numeric({digits},{places})"
        if internal == "ArrayField":
            base = spec.args[0] if spec.args else spec.kwargs.get("base_field")
            inner = self.inline_field(spec, base)
            return self.column_type(inner, table) + "[]"
        if internal == "GeneratedField":
            output = spec.kwargs.get("output_field")
            return self.column_type(self.inline_field(spec, output), table)
        pg_type = PG_TYPES.get(internal)
        if pg_type is None:
            raise Unresolved(spec.class_name or spec.builtin, "field type")
        return pg_type

    def makes_column(self, spec: FieldSpec) -> bool:
        """False for fields Django makes no column for (`GenericForeignKey`, `ForeignObject`,
        a `db_type()` that returns None) and for many-to-many fields."""
        return spec.relation not in ("m2m", "virtual") and not (
            spec.field_class is not None and spec.field_class.no_column
        )

    def _db_type(self, spec: FieldSpec, found: FieldClass) -> str:
        """A `db_type()` that formats the field's arguments (`"vector(%s)" % self.dimensions`,
        f-strings): `self.<attr>` is the argument the attribute is set from."""
        if len(found.db_type) != 1:
            raise Unresolved("db_type() with several returns", "field type")
        arguments = dict(zip(found.params, spec.args))
        attributes = dict(found.attributes)

        def substitute(value):
            if isinstance(value, Ref) and value.dotted.startswith("self.") and value.dotted.count(".") == 1:
                key = attributes.get(value.dotted[5:], value.dotted[5:])
                if key in arguments:
                    return self.evaluate(spec.module, arguments[key], spec.local)
                if key not in spec.kwargs:
                    raise Unresolved(value.dotted)
                return self.kw(spec, key)
            if isinstance(value, BinOp):
                return BinOp(value.op, substitute(value.left), substitute(value.right))
            if isinstance(value, FString):
                return FString(tuple(p if isinstance(p, str) else substitute(p) for p in value.parts))
            if isinstance(value, tuple):
                return tuple(substitute(v) for v in value)
            return value

        try:
            text = self.resolver.evaluate(spec.module, substitute(found.db_type[0]))
        except Unresolved as exc:
            raise Unresolved(f"db_type() returns {describe(found.db_type[0])} ({exc.text})", "field type") from None
        if not isinstance(text, str):
            raise Unresolved(f"db_type() returns {describe(found.db_type[0])}", "field type")
        return normalize_type(text)

    def inline_field(self, spec: FieldSpec, value) -> FieldSpec:
        """A field instance passed as an argument (ArrayField's base, output_field)."""
        if not isinstance(value, Call) or not value.func:
            raise Unresolved(describe(value))
        inner = self.field_spec(spec.module, Assign(spec.name, value, spec.location.line, spec.location.col))
        if inner is None:
            raise Unresolved(describe(value))
        return inner

    def writer(
        self, info: ModelInfo, module: ModuleFacts, columns: dict[str, tuple[str, str, bool]]
    ) -> ExpressionWriter:
        """Expression translation over `columns`: field name (or column) -> (column, type, is pk)."""

        def column(name: str) -> tuple[str, str]:
            if name == "pk":
                name = next((n for n, c in columns.items() if c[2]), name)
            if name not in columns:
                raise Unresolved(name)
            col, pg_type, _ = columns[name]
            return col, pg_type

        def call_name(call: Call) -> str | None:
            if not call.func or call.func.startswith("."):
                return None
            symbol = self.resolver.resolve(module, call.func)
            if symbol.kind == "django":
                return symbol.name.rsplit(".", 1)[-1]
            return None

        def evaluate(value):
            return self.resolver.evaluate(module, value)

        return ExpressionWriter(column, call_name, evaluate)

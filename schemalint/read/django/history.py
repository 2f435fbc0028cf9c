"""django-simple-history: the historical models `HistoricalRecords()` makes Django create.

A `HistoricalRecords(...)` class attribute is no field: when Django prepares the model class,
simple-history builds a second model from it (and `migrate` a second table). What it builds,
as django-simple-history 3.x does it (simple_history/models.py, read for 3.13), is kept here
in one place; the reader recognises the attribute by what its name resolves to
(`simple_history.models.HistoricalRecords`, installed or not), never by its spelling. A
subclass of it may build anything: it stays one SL002 (link.py's `contribute_to_class` rule).

Which models get one:

* a concrete or proxy model whose own body has the attribute;
* with `inherit=True`, every concrete or proxy model deriving from the class that has it
  (an abstract model gets none itself).

The historical model:

* class `Historical<Model>` (or `custom_model_name=`, a string), app label `app=` or the
  model's (an inherited one: the app of the deriving model's module), table `table_name=`
  (never for an inherited one) or `<app>_historical<model>`; always managed;
* one column per concrete field of the model (Django's `_meta.fields`: a multi-table child's
  parents' fields and its `<parent>_ptr` too, the automatic `id`, `_order`), less
  `excluded_fields=`:
  - a ForeignKey or OneToOneField becomes a ForeignKey to the same model: nullable, indexed,
    no constraint in the database (the arguments in `excluded_field_kwargs=` dropped);
  - any other field keeps its class and arguments, except: AutoField and SmallAutoField
    become IntegerField, BigAutoField BigIntegerField, a FileField a TextField (a CharField
    of its max_length with SIMPLE_HISTORY_FILEFIELD_TO_CHARFIELD); `auto_now(_add)` and
    `db_collation` are dropped; a primary key or unique field is neither, but indexed;
  - fields named in `no_db_index=` get no index;
* `history_id`: the primary key, an AutoField (a UUIDField with
  SIMPLE_HISTORY_HISTORY_ID_USE_UUID, or the field given as `history_id_field=`);
* `history_date`: a DateTimeField, indexed unless SIMPLE_HISTORY_DATE_INDEX is False
  ("composite": an index on (history_date, the model's primary key) instead);
* `history_change_reason`: varchar(100) NULL (text with
  SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD, or `history_change_reason_field=`);
* `history_type`: varchar(1);
* with `related_name=`: `history_relation`, a ForeignKey to the model without constraint;
* `history_user`: a nullable ForeignKey to `user_model=` or AUTH_USER_MODEL, constrained
  unless `user_db_constraint=False`; with `history_user_id_field=`, that field as
  `history_user_id` instead;
* the fields of the abstract models in `bases=`;
* per many-to-many field named in `m2m_fields=` (or the model's `_history_m2m_fields`), a
  historical through model `Historical<Through>` (`Historical<Model>_<field>` for the one
  Django creates) in the same app: the through model's fields copied as above, `history` (a
  ForeignKey to the historical model without constraint) and `m2m_history_id` (like
  `history_id`).

Its Meta (ordering, get_latest_by, "historical ..." verbose names) is what `makemigrations`
writes, so the model state compares with the app's migrations. What the reader cannot read
(an argument it cannot evaluate, a base it cannot follow, a many-to-many field it cannot
find) is one SL002 at the `HistoricalRecords(...)` call, and the parts of the table it decides
are unknown (a table it cannot build makes the schema incomplete).

Not read: `simple_history.register(Model, ...)` in a model module (an SL002 at the call, and
the schema incomplete: its table is missing); a callable `custom_model_name` (SL002, the name
unknown); a subclass of HistoricalRecords (SL002: it may build anything).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace
from typing import Any

from schemalint.model import Location, TablePart
from schemalint.read.django import names
from schemalint.read.django.facts import Assign, Call, ClassFact, FString, Mapping, ModuleFacts, Ref
from schemalint.read.django.fields import BUILTIN_FIELDS
from schemalint.read.django.link import FieldClass, FieldSpec, Linker, ModelInfo
from schemalint.read.django.resolve import Symbol, Unresolved, describe

HISTORICAL_RECORDS = "simple_history.models.HistoricalRecords"
REGISTER = "simple_history.register"

# HistoricalRecords.__init__'s parameters in order (an option may be passed by position).
_PARAMETERS = (
    "verbose_name",
    "verbose_name_plural",
    "bases",
    "user_related_name",
    "table_name",
    "inherit",
    "excluded_fields",
    "history_id_field",
    "history_change_reason_field",
    "user_model",
    "get_user",
    "cascade_delete_history",
    "custom_model_name",
    "app",
    "history_user_id_field",
    "history_user_getter",
    "history_user_setter",
    "related_name",
    "use_base_model_db",
    "user_db_constraint",
    "no_db_index",
    "excluded_field_kwargs",
    "history_manager",
    "historical_queryset",
    "m2m_fields",
    "m2m_fields_model_field_name",
    "m2m_bases",
)

# The settings simple-history reads, with its defaults.
ID_USE_UUID = ("SIMPLE_HISTORY_HISTORY_ID_USE_UUID", False)
REASON_USE_TEXT = ("SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD", False)
DATE_INDEX = ("SIMPLE_HISTORY_DATE_INDEX", True)
FILEFIELD_TO_CHARFIELD = ("SIMPLE_HISTORY_FILEFIELD_TO_CHARFIELD", False)

_HISTORY_TYPES = (("+", "Created"), ("~", "Changed"), ("-", "Deleted"))

# The module the fields simple-history writes itself are read in (never a project file).
_HELPER = ModuleFacts(
    rel="<simple_history>/models.py",
    package="<simple_history>",
    module="<simple_history>.models",
    imports=(("models", "django.db.models"), ("uuid", "uuid"), ("settings", "django.conf.settings")),
)

# Django's `camel_case_to_spaces`: the default verbose_name of a model.
_CAMEL = re.compile(r"(((?<=[a-z])[A-Z])|([A-Z](?![A-Z]|$)))")

_AUTO_TO_INTEGER = {"AutoField": "IntegerField", "SmallAutoField": "IntegerField", "BigAutoField": "BigIntegerField"}


def is_historical_records(symbol: Symbol) -> bool:
    """Whether a resolved name is simple-history's HistoricalRecords (read from the project's
    virtualenv, or named through an import of a package the reader cannot see)."""
    if symbol.kind == "class" and symbol.module is not None and symbol.cls is not None:
        return f"{symbol.module.module}.{symbol.cls.name}" == HISTORICAL_RECORDS
    return symbol.kind == "unknown" and symbol.name == HISTORICAL_RECORDS


@dataclass(frozen=True)
class Declaration:
    """`<attribute> = HistoricalRecords(...)` in the body of `owner`."""

    owner: ModelInfo
    attribute: str
    call: Call
    location: Location

    @property
    def module(self) -> ModuleFacts:
        return self.owner.module

    def options(self) -> dict[str, object]:
        found = dict(zip(_PARAMETERS, self.call.args))
        found.update(self.call.kwargs)
        return found


def declarations(linker: Linker, info: ModelInfo) -> list[Declaration]:
    """The HistoricalRecords attributes of a model class's own body."""
    found = []
    for assign in info.cls.body:
        value = assign.value
        if isinstance(value, Call) and value.func:
            if is_historical_records(linker.resolver.resolve(info.module, value.func)):
                found.append(Declaration(info, assign.name, value, Location(info.module.rel, assign.line, assign.col)))
    for assign in info.cls.conditional:
        value = assign.value
        if isinstance(value, Call) and value.func:
            if is_historical_records(linker.resolver.resolve(info.module, value.func)):
                linker.complete = False  # its table may or may not exist (the field list says why)
    return found


def historical_models(linker: Linker, info: ModelInfo) -> list[tuple[ModelInfo, list[TablePart]]]:
    """The historical model simple-history builds for `info` (a concrete or proxy model) with
    what of its table the reader cannot know; none when it builds none."""
    if info.abstract or info.external:
        return []
    chosen: tuple[Declaration, bool, list[TablePart]] | None = None
    own = declarations(linker, info)
    if own:
        chosen = (own[-1], False, [])
    else:
        for ancestor in _ancestors(linker, info):
            for declaration in declarations(linker, ancestor):
                options = _Options(linker, declaration, None)
                inherit = options.value("inherit", False, ["exists"])
                if declaration.call.star and "inherit" not in options.raw:
                    options.report("HistoricalRecords(**...) options", _star_text(declaration.call))
                    inherit = _Value(False, True, ["exists"])
                if inherit.unknown or inherit.value:
                    chosen = (declaration, True, inherit.parts)
                    break
            if chosen:
                break
    if chosen is None:
        return []
    declaration, inherited, parts = chosen
    builder = _HistoryBuilder(linker, info, declaration, inherited)
    model = builder.build()
    through = builder.many_to_many(model)
    return [(model, parts + builder.unknown)] + [(m, parts + builder.unknown + builder.m2m_unknown) for m in through]


def _ancestors(linker: Linker, info: ModelInfo) -> list[ModelInfo]:
    """Every model class `info` derives from (abstract, concrete, proxied), nearest first."""
    found: list[ModelInfo] = []
    queue = linker.base_models(info)
    while queue and len(found) < 50:
        parent = queue.pop(0)
        if all(parent is not other for other in found):
            found.append(parent)
            queue += linker.base_models(parent)
    return found


@dataclass
class _Value:
    value: Any
    unknown: bool = False
    parts: list[TablePart] = field(default_factory=list)


class _Options:
    """A declaration's options, evaluated where it is written; one SL002 for each one that
    cannot be, naming the parts of the table it decides."""

    def __init__(self, linker: Linker, declaration: Declaration, table: str | None) -> None:
        self.linker = linker
        self.declaration = declaration
        self.table = table
        self.raw = declaration.options()

    def value(self, name: str, default: object, parts: list[TablePart]) -> _Value:
        if name not in self.raw:
            return _Value(default)
        try:
            return _Value(self.evaluate(self.raw[name]))
        except Unresolved as exc:
            self.report(f"HistoricalRecords({name}=...)", exc.text)
            return _Value(default, True, list(parts))

    def evaluate(self, value: object) -> object:
        module = self.declaration.module
        if isinstance(value, Mapping):
            return {self.linker.evaluate(module, k): self.linker.evaluate(module, v) for k, v in value.items}
        return self.linker.evaluate(module, value)

    def report(self, what: str, text: str) -> None:
        self.linker.unresolved(what, text, self.declaration.location, self.table)


class _HistoryBuilder:
    def __init__(self, linker: Linker, model: ModelInfo, declaration: Declaration, inherited: bool) -> None:
        self.linker = linker
        self.model = model
        self.concrete = linker.concrete(model)
        self.declaration = declaration
        self.inherited = inherited
        self.location = declaration.location
        self.unknown: list[TablePart] = []
        self.options = _Options(linker, declaration, None)
        self.m2m_unknown: list[TablePart] = []

    # ------------------------------------------------------------------ the model

    def build(self) -> ModelInfo:
        linker, options = self.linker, self.options
        if self.declaration.call.star:
            options.report("HistoricalRecords(**...) options", _star_text(self.declaration.call))
            self.unknown += ["name", "columns", "primary_key", "foreign_keys", "indexes", "constraints"]
        name = self._class_name()
        app = options.value("app", None, ["name"])
        self._note(app)
        if isinstance(app.value, str) and app.value:
            label = app.value
        else:
            label = linker.default_label(self.model.module) if self.inherited else self.model.app_label
        table = names.truncate_name(f"{label}_{name.lower()}")
        meta: dict[str, tuple[Any, ModuleFacts, Location]] = {
            "ordering": (("-history_date", "-history_id"), _HELPER, self.location),
            "get_latest_by": (("history_date", "history_id"), _HELPER, self.location),
            "verbose_name": self._verbose_name(),
            "verbose_name_plural": self._verbose_name_plural(),
        }
        if not self.inherited and "table_name" in options.raw:
            found = options.value("table_name", None, ["name"])
            self._note(found)
            if isinstance(found.value, str) and found.value:
                table = found.value
                meta["db_table"] = (found.value, _HELPER, self.location)
        options.table = table
        cls = ClassFact(name, (), self.location.line, self.location.col)
        info = ModelInfo(self.model.module, cls, meta, label, False, False, True, table, False, self.location)
        info.fields = self._fields(info)
        # What of the model's own fields the reader cannot know, its copies cannot either
        # (the model's table reports the cause).
        for part in linker.model_unknowns(self.concrete):
            if part == "columns":
                self.unknown += ["columns", "indexes", "foreign_keys"]
            elif part == "exists":
                self.unknown.append("exists")
        if self._date_index() == "composite":
            try:
                pk = linker.pk_of(self.concrete)[0]
            except Unresolved:
                self.unknown.append("indexes")  # the model's own table reports its key
            else:
                # simple-history leaves it unnamed; Django names it (set_name_with_model) and
                # makemigrations writes that name: it is the model's, not the user's to choose.
                columns = ["history_date", pk]
                name_ = names.meta_index_name(names.split_table(table)[1], columns, [False, False])
                index = Call("models.Index", (), (("fields", tuple(columns)), ("name", name_)))
                meta["indexes"] = ((index,), _HELPER, self.location)
        linker.registry.setdefault((label, name.lower()), info)
        return info

    def _note(self, found: _Value) -> None:
        self.unknown += found.parts

    def _class_name(self) -> str:
        default = f"Historical{self.model.cls.name}"
        found = self.options.value("custom_model_name", None, ["name"])
        self._note(found)
        if found.value is None or found.unknown:
            return default
        if isinstance(found.value, str) and found.value:
            return found.value
        self.options.report("HistoricalRecords(custom_model_name=...)", repr(found.value))
        self.unknown.append("name")
        return default

    def _verbose_name(self) -> tuple[object, ModuleFacts, Location]:
        if "verbose_name" in self.options.raw:
            return self.options.raw["verbose_name"], self.declaration.module, self.location
        value, module = self._model_verbose_name()
        return FString(("historical ", value)), module, self.location

    def _verbose_name_plural(self) -> tuple[object, ModuleFacts, Location]:
        if "verbose_name_plural" in self.options.raw:
            return self.options.raw["verbose_name_plural"], self.declaration.module, self.location
        if "verbose_name_plural" in self.model.meta:
            value, module, _ = self.model.meta["verbose_name_plural"]
            return FString(("historical ", value)), module, self.location
        value, module = self._model_verbose_name()
        return FString(("historical ", value, "s")), module, self.location

    def _model_verbose_name(self) -> tuple[object, ModuleFacts]:
        if "verbose_name" in self.model.meta:
            value, module, _ = self.model.meta["verbose_name"]
            return value, module
        return _CAMEL.sub(r" \1", self.model.cls.name).strip().lower(), _HELPER

    # ------------------------------------------------------------------ settings

    def _setting(self, setting: tuple[str, object]) -> _Value:
        name, default = setting
        try:
            return _Value(self.linker.resolver.evaluate(_HELPER, Call("getattr", (Ref("settings"), name, default))))
        except Unresolved as exc:
            self.options.report(name, exc.text)
            return _Value(default, True)

    def _date_index(self) -> object:
        found = self._setting(DATE_INDEX)
        value = found.value.lower() if isinstance(found.value, str) else found.value
        if found.unknown or value not in (True, False, "composite"):
            if not found.unknown:
                self.options.report(DATE_INDEX[0], repr(found.value))
            self.unknown.append("indexes")
            return None
        return value

    # ------------------------------------------------------------------ fields

    def _fields(self, info: ModelInfo) -> list[FieldSpec]:
        copies = self._copies(self._model_fields(self.concrete))
        extras = [f for f in self._extra_fields() if f is not None]
        own = {spec.name for spec in copies + extras}
        # Django orders fields by creation: a remade parent link is auto-created, so first.
        first = [f for f in copies if f.kwargs.get("auto_created") is True]
        rest = [f for f in copies if f.kwargs.get("auto_created") is not True]
        return first + [f for f in self._base_fields() if f.name not in own] + rest + extras

    def _copies(self, fields: list[tuple[FieldSpec, ModelInfo]]) -> list[FieldSpec]:
        """simple-history's `copy_fields`: the fields not excluded, the others first, then the
        remade relations."""
        excluded = self.options.value("excluded_fields", (), ["columns"])
        self._note(excluded)
        no_index = self.options.value("no_db_index", (), ["indexes"])
        self._note(no_index)
        dropped = self.options.value("excluded_field_kwargs", {}, ["columns"])
        self._note(dropped)
        skip = set(excluded.value) if isinstance(excluded.value, tuple) else set()
        unindexed = {no_index.value} if isinstance(no_index.value, str) else set(no_index.value or ())
        plain: list[FieldSpec] = []
        relations: list[FieldSpec] = []
        for spec, owner in fields:
            if spec.name in skip:
                continue
            if spec.relation == "fk":
                kwargs_out = dropped.value.get(spec.name, ()) if isinstance(dropped.value, dict) else ()
                relations.append(self._relation(spec, owner, tuple(kwargs_out), spec.name in unindexed))
            else:
                plain.append(self._plain(spec, spec.name in unindexed))
        return plain + relations

    def _model_fields(self, model: ModelInfo, depth: int = 0) -> list[tuple[FieldSpec, ModelInfo]]:
        """The model's concrete fields as Django's `_meta.fields` lists them, each with the
        model it belongs to: the concrete parents' first, then its own (parent links or the
        automatic id, the declared fields, `_order`)."""
        linker = self.linker
        found: list[tuple[FieldSpec, ModelInfo]] = []
        if depth < 20:
            for parent in linker.parent_models(model):
                found += [
                    f for f in self._model_fields(parent, depth + 1) if f[0].name not in {s.name for s, _ in found}
                ]
        own = [s for s in linker.fields(model) if linker.makes_column(s) and s.internal != "CompositePrimaryKey"]
        if any(s.internal == "CompositePrimaryKey" for s in linker.fields(model)):
            self.options.report("HistoricalRecords() of a model with a CompositePrimaryKey", model.label)
            self.unknown += ["columns", "indexes"]
        explicit_pk = any(linker.flag(s, "primary_key") for s in own)
        links = linker.parent_links(model)
        for position, (parent, declared) in enumerate(links):
            if declared is None:
                found.append((self._parent_link(model, parent, position == 0 and not explicit_pk), model))
        if not links and not explicit_pk:
            found.append((self._auto_id(model), model))
        found += [(s, model) for s in own]
        if "order_with_respect_to" in model.meta:
            spec = FieldSpec("_order", "IntegerField", (), {"editable": False}, _HELPER, model.location)
            found.append((spec, model))
        return found

    def _auto_id(self, model: ModelInfo) -> FieldSpec:
        auto, _ = self.linker.default_auto_field(model)
        kwargs = {"primary_key": True, "auto_created": True, "verbose_name": "ID", "serialize": False, "blank": True}
        return FieldSpec("id", auto, (), kwargs, _HELPER, model.location, auto_created=True)

    def _parent_link(self, model: ModelInfo, parent: ModelInfo, primary: bool) -> FieldSpec:
        kwargs = {
            "on_delete": Ref("models.CASCADE"),
            "parent_link": True,
            "auto_created": True,
            "primary_key": primary,
            "serialize": False,
        }
        return FieldSpec(
            f"{parent.model_name}_ptr",
            "OneToOneField",
            (_label(parent),),
            kwargs,
            _HELPER,
            model.location,
            auto_created=True,
        )

    def _plain(self, spec: FieldSpec, unindexed: bool) -> FieldSpec:
        """A copy of a field that is no relation (simple-history's `transform_field`)."""
        linker = self.linker
        kwargs = dict(spec.kwargs)
        modules = dict(spec.modules)
        changes: dict[str, Any] = {}
        target = _AUTO_TO_INTEGER.get(spec.internal)
        if target is None and spec.internal == "FileField":
            to_char = self._setting(FILEFIELD_TO_CHARFIELD)
            if to_char.unknown:
                self.unknown.append("columns")
            target = "CharField" if to_char.value else "TextField"
            kwargs.pop("upload_to", None)
            kwargs.pop("storage", None)
        if target is not None:
            if spec.internal in _AUTO_TO_INTEGER:
                kwargs["blank"] = True  # what AutoField's __init__ set, kept by the copy
            changes = _builtin(target)
        for key in ("auto_now", "auto_now_add"):
            if linker.flag(spec, key):
                kwargs["editable"], kwargs["blank"] = False, True  # DateField's __init__ set them
            kwargs.pop(key, None)
        kwargs.pop("db_collation", None)
        indexed: object = False
        for key in ("primary_key", "unique"):
            try:
                if linker.kw(spec, key, False):
                    indexed = True
            except Unresolved:
                if indexed is False:
                    indexed = spec.kwargs[key]  # the index depends on it (the column reports it)
                    if key in modules:
                        modules["db_index"] = modules[key]
            kwargs.pop(key, None)
            modules.pop(key, None)
        if indexed is not False:
            kwargs["db_index"] = indexed
        if unindexed:
            kwargs["db_index"] = False
        return replace(spec, kwargs=kwargs, modules=modules, **changes)

    def _relation(self, spec: FieldSpec, owner: ModelInfo, dropped: tuple, unindexed: bool) -> FieldSpec:
        """A ForeignKey or OneToOneField as simple-history remakes it: a ForeignKey to the same
        model from the field's deconstruction, with no constraint, nullable and indexed."""
        linker = self.linker
        args = spec.args[:1]
        try:
            args = (_label(linker.target(spec, owner)),)  # `"self"` is the model, not the history
        except Unresolved:
            pass  # the model's own column reports it, and this one is unknown
        kwargs = {k: v for k, v in spec.kwargs.items() if k not in ("to", "on_delete") and k not in dropped}
        if not args and "to" in spec.kwargs:
            args = (spec.kwargs["to"],)
        overrides = {
            "db_constraint": False,
            "related_name": "+",
            "null": True,
            "blank": True,
            "primary_key": False,
            "db_index": True,
            "serialize": True,
            "unique": False,
            "on_delete": Ref("models.DO_NOTHING"),
        }
        kwargs.update(overrides)
        modules = {k: v for k, v in spec.modules.items() if k not in overrides}
        changes: dict[str, Any] = {}
        if spec.builtin == "OneToOneField" or (spec.field_class and spec.field_class.builtin == "OneToOneField"):
            changes = _builtin("ForeignKey")
        elif spec.field_class is not None:
            kwargs.update(spec.field_class.forced)  # the same class's __init__ runs again
        if unindexed:
            kwargs["db_index"] = False
        return replace(spec, args=args, kwargs=kwargs, modules=modules, **changes)

    def _given_field(self, name: str, option: str) -> FieldSpec | None:
        """A field instance passed as an option (`history_id_field=models.UUIDField(...)`)."""
        value = self.options.raw[option]
        assign = Assign(name, value, self.location.line, self.location.col)
        try:
            spec = self.linker.field_spec(self.declaration.module, assign)
        except Unresolved as exc:
            spec, text = None, exc.text
        else:
            text = describe(value)
        if spec is None or spec.relation in ("m2m", "virtual"):
            self.options.report(f"HistoricalRecords({option}=...)", text)
            self.unknown += ["columns", "indexes", "constraints"]
            if option == "history_id_field":
                self.unknown.append("primary_key")
            return None
        return spec

    def _extra_fields(self) -> list[FieldSpec | None]:
        options, linker = self.options, self.linker
        found: list[FieldSpec | None] = [self._history_id("history_id")]
        found.append(self._field("history_date", "DateTimeField", db_index=self._date_index() is True))
        if "history_change_reason_field" in options.raw:
            found.append(self._given_field("history_change_reason", "history_change_reason_field"))
        else:
            text = self._setting(REASON_USE_TEXT)
            if text.unknown:
                self.unknown.append("columns")
            if text.value:
                found.append(self._field("history_change_reason", "TextField", null=True))
            else:
                found.append(self._field("history_change_reason", "CharField", max_length=100, null=True))
        found.append(self._field("history_type", "CharField", max_length=1, choices=_HISTORY_TYPES))
        related = options.value("related_name", None, ["columns", "indexes"])
        self._note(related)
        if related.value:
            module = self.declaration.module
            found.append(
                self._field(
                    "history_relation",
                    "ForeignKey",
                    (_label(self.model),),
                    module,
                    on_delete=Ref("models.DO_NOTHING"),
                    related_name=options.raw["related_name"],
                    db_constraint=False,
                )
            )
        if "history_user_id_field" in options.raw and options.raw["history_user_id_field"] is not None:
            found.append(self._given_field("history_user_id", "history_user_id_field"))
        else:
            user = options.raw.get("user_model")
            found.append(
                self._field(
                    "history_user",
                    "ForeignKey",
                    (user if user is not None else linker.settings.auth_user_model,),
                    self.declaration.module,
                    null=True,
                    related_name=options.raw.get("user_related_name", "+"),
                    on_delete=Ref("models.SET_NULL"),
                    db_constraint=options.raw.get("user_db_constraint", True),
                )
            )
        return found

    def _history_id(self, name: str) -> FieldSpec | None:
        if "history_id_field" in self.options.raw:
            given = self._given_field(name, "history_id_field")
            if given is not None:
                given = replace(given, kwargs={**given.kwargs, "primary_key": True, "editable": False})
            return given
        if self._uuid_id():
            return self._field(name, "UUIDField", primary_key=True, default=Ref("uuid.uuid4"), editable=False)
        return self._field(name, "AutoField", primary_key=True, serialize=False)

    def _uuid_id(self) -> bool:
        found = self._setting(ID_USE_UUID)
        if found.unknown:
            self.unknown += ["primary_key", "columns"]
        return bool(found.value)

    def _field(
        self,
        name: str,
        builtin: str,
        args: tuple = (),
        module: ModuleFacts = _HELPER,
        **kwargs: object,
    ) -> FieldSpec:
        """A field simple-history writes itself; its options' values are read where written."""
        kwargs = {**dict(BUILTIN_FIELDS[builtin].defaults), **kwargs}
        return replace(FieldSpec(name, builtin, args, kwargs, module, self.location), **_builtin(builtin))

    def many_to_many(self, history: ModelInfo) -> list[ModelInfo]:
        """simple-history's historical through models of the fields named in `m2m_fields=`
        (or the model's `_history_m2m_fields`): the through model's fields copied, a `history`
        key to the historical model, `m2m_history_id`."""
        found: list[ModelInfo] = []
        for name in self._m2m_field_names():
            spec = next((s for s in self.linker.fields(self.concrete) if s.name == name), None)
            try:
                if spec is None or spec.relation != "m2m":
                    raise Unresolved(f"{name} (not a ManyToManyField of {self.concrete.label})")
                object_name, fields = self._through(spec)
            except Unresolved as exc:
                self.options.report("HistoricalRecords(m2m_fields=...): the historical through model", exc.text)
                self.linker.complete = False
                continue
            model_name = self._m2m_model_name(object_name)
            table = names.truncate_name(f"{history.app_label}_{model_name.lower()}")
            meta: dict[str, tuple[Any, ModuleFacts, Location]] = {
                "verbose_name": (model_name, _HELPER, self.location),
            }
            cls = ClassFact(model_name, (), self.location.line, self.location.col)
            info = ModelInfo(
                history.module, cls, meta, history.app_label, False, False, True, table, False, self.location
            )
            back = self._field(
                "history", "ForeignKey", (_label(history),), db_constraint=False, on_delete=Ref("models.DO_NOTHING")
            )
            extras = [f for f in (back, self._history_id("m2m_history_id")) if f is not None]
            info.fields = self._copies(fields) + extras
            self.linker.registry.setdefault((info.app_label, model_name.lower()), info)
            found.append(info)
        if "m2m_bases" in self.options.raw and found:
            self.options.report("HistoricalRecords(m2m_bases=...)", describe(self.options.raw["m2m_bases"]))
            self.m2m_unknown += ["columns", "indexes", "constraints", "foreign_keys"]
        return found

    def _m2m_model_name(self, object_name: str) -> str:
        found = self.options.value("custom_model_name", None, [])
        return found.value if isinstance(found.value, str) and found.value else f"Historical{object_name}"

    def _m2m_field_names(self) -> list[str]:
        raw = self.options.raw
        attribute = raw.get("m2m_fields_model_field_name", "_history_m2m_fields")
        values = [raw.get("m2m_fields", ())]
        for model in [self.concrete, *_ancestors(self.linker, self.concrete)]:
            assign = next((a for a in model.cls.body if a.name == attribute), None)
            if assign is not None:
                values.append(assign.value)
                break
        found: list[str] = []
        for value in values:
            for item in value if isinstance(value, tuple) else (value,):
                if isinstance(item, str):
                    found.append(item)
                elif isinstance(item, Ref) and "." not in item.dotted:
                    found.append(item.dotted)  # the field object, named in the class body
                elif item is not None:
                    self.options.report(
                        "HistoricalRecords(m2m_fields=...): the historical through model", describe(item)
                    )
                    self.linker.complete = False
        return list(dict.fromkeys(found))

    def _through(self, spec: FieldSpec) -> tuple[str, list[tuple[FieldSpec, ModelInfo]]]:
        """(object name, concrete fields) of a many-to-many field's through model: the one
        Django creates (an id, a key to each side) or the `through=` model."""
        linker, model = self.linker, self.concrete
        if spec.hidden_arguments is not None:
            raise Unresolved(spec.hidden_arguments)
        through = spec.kwargs.get("through")
        if through is not None:
            info = linker.target(replace(spec, args=(through,), kwargs={}), model)
            return info.cls.name, self._model_fields(info)
        target = linker.target(spec, model)
        source_name, target_name = model.model_name, target.model_name
        if source_name == target_name:
            source_name, target_name = f"from_{source_name}", f"to_{target_name}"
        auto = linker.auto_builtin(linker.project_auto_field(), model)
        kwargs = {"primary_key": True, "auto_created": True, "verbose_name": "ID", "serialize": False, "blank": True}
        fields = [FieldSpec("id", auto, (), kwargs, _HELPER, spec.location, auto_created=True)]
        for name, side in ((source_name, model), (target_name, target)):
            keys = {"on_delete": Ref("models.CASCADE"), "related_name": f"{model.cls.name}_{spec.name}+"}
            fields.append(FieldSpec(name, "ForeignKey", (_label(side),), keys, _HELPER, spec.location))
        return f"{model.cls.name}_{spec.name}", [(f, model) for f in fields]

    def _base_fields(self) -> list[FieldSpec]:
        """The fields of the abstract models in `bases=` (not those the history model has)."""
        if "bases" not in self.options.raw:
            return []
        found: list[FieldSpec] = []
        for value, module in self._bases(self.options.raw["bases"], self.declaration.module, 0):
            symbol = self.linker.resolver.resolve(module, value.dotted)
            if symbol.kind == "django" and symbol.name.rsplit(".", 1)[-1] == "Model":
                continue
            parent = None
            if symbol.kind == "class" and symbol.module is not None and symbol.cls is not None:
                parent = self.linker.model(symbol.module, symbol.cls)
                if parent is None and not self.linker.is_model_class(symbol.module, symbol.cls):
                    continue  # a plain mixin: Django takes no fields from it
            if parent is None or not parent.abstract:
                what = "not an abstract model" if parent is not None else "cannot be followed"
                self.options.report("HistoricalRecords(bases=...)", f"{value.dotted} ({what})")
                self.unknown += ["columns", "indexes", "constraints", "foreign_keys"]
                continue
            self.unknown += self.linker.model_unknowns(parent)
            names_ = {f.name for f in found}
            found += [f for f in self.linker.fields(parent) if f.name not in names_]
        return found

    def _bases(self, value: object, module: ModuleFacts, depth: int) -> list[tuple[Ref, ModuleFacts]]:
        if isinstance(value, tuple):
            found: list[tuple[Ref, ModuleFacts]] = []
            for item in value:
                found += self._bases(item, module, depth + 1) if not isinstance(item, Ref) else [(item, module)]
            return found
        if isinstance(value, Ref) and depth < 5:
            symbol = self.linker.resolver.resolve(module, value.dotted)
            if symbol.kind == "value" and symbol.module is not None:
                return self._bases(symbol.value, symbol.module, depth + 1)
        self.options.report("HistoricalRecords(bases=...)", describe(value))
        self.unknown += ["columns", "indexes", "constraints", "foreign_keys"]
        return []


def report_registrations(linker: Linker, module: ModuleFacts) -> None:
    """`simple_history.register(Model)` at the top level of a model module builds a historical
    model the reader does not build: one SL002 at the call, and the schema is incomplete."""
    if not any(target.split(".")[0] == "simple_history" for _, target in module.imports):
        return  # (no other module is parsed again for this)
    source = linker.resolver.evaluator.module_at(module.rel, module.module, module.package)
    for statement in source.tree.body if source is not None else ():
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not isinstance(call, ast.Call):
            continue
        func = _dotted(call.func)
        symbol = linker.resolver.resolve(module, func) if func else None
        if symbol is None:
            continue
        if (symbol.kind == "function" and symbol.module is not None and symbol.module.module == "simple_history") or (
            symbol.kind == "unknown" and symbol.name == REGISTER
        ):
            where = Location(module.rel, call.lineno, call.col_offset + 1)
            written = ast.get_source_segment(linker.project.read_text(module.rel) or "", call)
            text = " ".join((written or ast.unparse(call)).split())
            linker.unresolved("the historical model simple_history.register() builds", text, where)
            linker.complete = False


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _star_text(call: Call) -> str:
    """The call as written, its `**options` shown (the facts keep only that there are some)."""
    return f"{describe(call)[:-1]}{', ' if call.args or call.kwargs else ''}**...)"


def _label(info: ModelInfo) -> str:
    return f"{info.app_label}.{info.cls.name}"


def _builtin(name: str) -> dict[str, Any]:
    """The FieldSpec attributes of a plain built-in field class (simple-history swaps a
    copied field's class for it)."""
    dotted = f"django.db.models.{name}"
    return {
        "builtin": name,
        "custom_type": None,
        "class_name": dotted,
        "field_class": FieldClass(name, {}, {}, None, dotted),
    }


__all__ = [
    "HISTORICAL_RECORDS",
    "Declaration",
    "declarations",
    "historical_models",
    "is_historical_records",
    "report_registrations",
]

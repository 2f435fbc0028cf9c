"""A model's state-only facts: what `makemigrations` compares besides the schema.

Django's autodetector writes a migration when a field's deconstruction or one of the model's
`AlterModelOptions` keys changes, even when the database does not (choices, help_text,
verbose_name, validators, a Python `default`, `Meta.ordering`, ...). `model_state` gives those
facts of one model, each as (key, canonical text or None when it cannot be known statically,
where it is written); the models and the replayed migrations are both read through it (the
migrations' state is built by this reader too), so the two sides compare as equals.

Canonical values: a literal is its Python value; lazy translations are their text; a name
or call that is not a literal (`default=timezone.now`, `validators=[MinValueValidator(0)]`)
is kept by its last dotted segment, since migrations write the full path where models write
an import's alias; `choices=Status.choices`, `choices=Status` and `default=Status.DRAFT` of a
TextChoices/IntegerChoices class are the list and the value Django deconstructs them to.
Managers are not compared (the reader does not follow `use_in_migrations`).
"""

from __future__ import annotations

import ast
import sys
from decimal import Decimal
from typing import Any

from schemalint.model import Location
from schemalint.read.django.facts import Call, Mapping, ModuleFacts, Opaque, Ref
from schemalint.read.django.link import MODEL_METACLASSES, FieldSpec, Linker, ModelInfo, metaclass
from schemalint.read.django.resolve import describe
from schemalint.read.python import Unresolved

# Field arguments that are state only (Field.deconstruct and subclasses), with the value the
# deconstruction leaves out.
_ABSENT = object()
FIELD_STATE: dict[str, object] = {
    "verbose_name": None,
    "blank": False,
    "default": _ABSENT,
    "editable": True,
    "choices": None,
    "help_text": "",
    "validators": (),
    "error_messages": None,
    "unique_for_date": None,
    "unique_for_month": None,
    "unique_for_year": None,
    "related_name": None,
    "related_query_name": None,
    "limit_choices_to": None,
    "upload_to": "",
    "auto_now": False,
    "auto_now_add": False,
}
# AlterModelOptions.ALTER_OPTION_KEYS: options the autodetector compares as written.
META_STATE = (
    "base_manager_name",
    "default_manager_name",
    "default_related_name",
    "get_latest_by",
    "managed",
    "ordering",
    "permissions",
    "default_permissions",
    "select_on_save",
    "verbose_name",
    "verbose_name_plural",
)

StateFact = tuple[str, str | None, Location | None]


def model_state(linker: Linker, info: ModelInfo) -> tuple[StateFact, ...]:
    """`field:<name>` (the field is there; None: it passes `**kwargs` the reader cannot see),
    `field:<name>:<argument>`, `meta:<option>` facts of the model, sorted by key, and
    `meta` None when the model's options cannot all be known (a metaclass)."""
    found: list[StateFact] = []
    for spec in linker.fields(info):
        if spec.auto_created or spec.kwargs.get("auto_created") is True:
            continue  # Django's own id: in migrations as written by Django, not in the model
        found.append((f"field:{spec.name}", "" if not spec.hidden_arguments else None, spec.location))
        if not spec.hidden_arguments:
            found += _field_state(linker, info, spec)
    if not _meta_known(linker, info):
        found.append(("meta", None, info.location))  # a metaclass may set any option
    for key in META_STATE:
        if key in info.meta:
            value, module, location = info.meta[key]
            found.append((f"meta:{key}", _text(linker, info, module, value, None), location))
    return tuple(sorted(found, key=lambda f: f[0]))


def _meta_known(linker: Linker, info: ModelInfo, depth: int = 0) -> bool:
    """False when the class or an abstract parent has a metaclass other than Django's (wagtail's
    PageBase sets `Meta.permissions`): its options are not all written in `Meta`."""
    found = metaclass(info.cls)
    if found is not None:
        symbol = linker.resolver.resolve(info.module, found.dotted) if isinstance(found, Ref) else None
        if symbol is None or symbol.kind != "django" or symbol.name not in MODEL_METACLASSES:
            return False
    return depth > 20 or all(
        _meta_known(linker, parent, depth + 1) for parent in linker.base_models(info) if parent.abstract
    )


def _field_state(linker: Linker, info: ModelInfo, spec: FieldSpec) -> list[StateFact]:
    written = dict(spec.kwargs)
    if spec.args and spec.relation is None and _is_text(spec.args[0]):
        written.setdefault("verbose_name", spec.args[0])  # Field(verbose_name, name, ...)
    if (
        written.get("auto_now") is True
        or written.get("auto_now_add") is True
        or spec.builtin in ("CompositePrimaryKey", "GeneratedField")
    ):
        written.pop("editable", None)  # deconstruct drops what these set themselves
        written.pop("blank", None)
    found: list[StateFact] = []
    for key, absent in FIELD_STATE.items():
        if key not in written:
            continue
        module = spec.modules.get(key, spec.module)
        local = spec.local if module is spec.module else None
        text = _text(linker, info, module, written[key], local, choices=key == "choices")
        defaults = dict(spec.field_class.defaults) if spec.field_class else {}
        if absent is not _ABSENT and text == repr(_canonical(absent)) and key in defaults:
            # Django's state holds a clone made from deconstruct(), which leaves out a value
            # equal to Field's default: the class's own `setdefault` applies again
            # (django-oscar's AutoSlugField(editable=True) is editable=False in the state).
            module = dict(spec.field_class.modules).get(key, spec.module) if spec.field_class else spec.module
            text = _text(linker, info, module, defaults[key], None, choices=key == "choices")
        if absent is not _ABSENT and text == repr(_canonical(absent)):
            continue
        found.append((f"field:{spec.name}:{key}", text, spec.location))
    return found


_TRANSLATIONS = frozenset(
    {"_", "gettext", "gettext_lazy", "gettext_noop", "ugettext", "ugettext_lazy", "pgettext", "pgettext_lazy"}
)


def _is_text(value: object) -> bool:
    return isinstance(value, str) or (
        isinstance(value, Call) and (value.func or "").rsplit(".", 1)[-1] in _TRANSLATIONS
    )


def _text(
    linker: Linker, info: ModelInfo, module: ModuleFacts, value: object, local: dict | None, choices: bool = False
) -> str | None:
    try:
        found = _value(linker, info, module, value, local)
    except Unresolved:
        return None
    if choices:
        found = _choices(found)
    return repr(_canonical(found))


class _Name:
    """A name or call kept by its last dotted segment (see the module docstring)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _value(linker: Linker, info: ModelInfo, module: ModuleFacts, value: object, local: dict | None) -> Any:
    if isinstance(value, Opaque):
        raise Unresolved(value.text)
    if isinstance(value, Ref) and _callable(linker, module, value.dotted):
        return _Name(value.dotted.rsplit(".", 1)[-1])
    if isinstance(value, Ref) and local and value.dotted in local:
        # A class-body constant made of other class-body constants (`CHOICES = ((DRAFT, ...),)`).
        return _value(linker, info, module, local[value.dotted], local)
    if isinstance(value, Ref):
        found = _enum_from_facts(linker, module, value.dotted)
        if found is not _NOT_CHOICES:
            return found
    try:
        return linker.evaluate(module, value, local)
    except Unresolved:
        pass
    if isinstance(value, Ref):
        enum = _enum(linker, info, module, value.dotted)
        if enum is not None:
            return enum
        if linker.resolver.resolve(module, value.dotted).kind == "class":
            return _Name(value.dotted.rsplit(".", 1)[-1])
        raise Unresolved(value.dotted)
    if isinstance(value, tuple):
        return tuple(_value(linker, info, module, v, local) for v in value)
    if isinstance(value, Mapping):
        return {_value(linker, info, module, k, local): _value(linker, info, module, v, local) for k, v in value.items}
    if isinstance(value, Call) and value.func and not value.star:
        head, dot, rest = value.func.partition(".")
        func = dict(module.imports).get(head, head) + dot + rest  # `D` for `from decimal import Decimal as D`
        last = func.rsplit(".", 1)[-1]
        if last in _TRANSLATIONS and value.args:  # pgettext_lazy(context, text): the text
            return _value(linker, info, module, value.args[-1], local)
        if func == "decimal.Decimal" and len(value.args) == 1 and not value.kwargs:
            return Decimal(str(_value(linker, info, module, value.args[0], local)))
        args = ", ".join(repr(_canonical(_value(linker, info, module, a, local))) for a in value.args)
        kwargs = ", ".join(
            f"{k}={_canonical(_value(linker, info, module, v, local))!r}" for k, v in sorted(value.kwargs)
        )
        return _Name(f"{last}({', '.join(p for p in (args, kwargs) if p)})")
    raise Unresolved(repr(value))


def _callable(linker: Linker, module: ModuleFacts, dotted: str) -> bool:
    """A builtin, a module-level function or Django's own name (`dict`, `timezone.now`):
    kept by name without reading the module's source."""
    head = dotted.split(".")[0]
    imported = dict(module.imports).get(head)
    if head in _BUILTIN_NAMES and imported in (None, head):  # (the migrations state imports every head)
        return True
    if imported is not None and imported.split(".")[0] in sys.stdlib_module_names:
        return True  # `uuid.uuid4`, `datetime.date.today`
    return linker.resolver.resolve(module, dotted).kind in ("django", "function", "module")


_BUILTIN_NAMES = frozenset(
    {"dict", "list", "set", "tuple", "str", "int", "float", "bool", "bytes", "frozenset", "object", "len"}
)


def _canonical(value: Any) -> Any:
    """Lists as tuples, mappings as sorted pairs: what compares equal when Django's does."""
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(v) for v in value)
    if isinstance(value, dict):
        return ("dict", tuple(sorted(((repr(_canonical(k)), _canonical(v)) for k, v in value.items()), key=repr)))
    return value


def _choices(value: Any) -> Any:
    """`choices` as Field normalizes it: a mapping is its items (nested for groups)."""
    if isinstance(value, _Choices):
        return value.choices
    if isinstance(value, dict):
        return tuple((k, _choices(v) if isinstance(v, dict) else v) for k, v in value.items())
    return value


# --------------------------------------------------------------------------- enumeration types


class _Choices:
    def __init__(self, members: dict[str, tuple[object, str]], empty: str | None) -> None:
        self.members = members
        self.empty = empty

    @property
    def choices(self) -> tuple:
        found = tuple((value, label) for value, label in self.members.values())
        return ((None, self.empty), *found) if self.empty is not None else found


_NOT_CHOICES: Any = object()


def _enum_from_facts(linker: Linker, module: ModuleFacts, dotted: str) -> Any:
    """`_enum` for a module-level Choices class, from the facts alone (no source parsed)."""
    head, *rest = dotted.split(".")
    symbol = linker.resolver.resolve(module, head)
    cls = symbol.cls
    if symbol.kind != "class" or cls is None or symbol.module is None:
        return _NOT_CHOICES
    if not any(describe(b).rsplit(".", 1)[-1] in ("TextChoices", "IntegerChoices", "Choices") for b in cls.bases):
        return _NOT_CHOICES
    members: dict[str, tuple[object, str]] = {}
    empty: str | None = None
    for assign in cls.body:
        try:
            value = linker.evaluate(symbol.module, assign.value)
        except Unresolved:
            raise Unresolved(dotted) from None
        if assign.name == "__empty__":
            empty = str(value)
        elif not assign.name.startswith("_"):
            members[assign.name] = _member(assign.name, value)
    choices = _Choices(members, empty)
    if not rest:
        return choices
    if rest == ["choices"]:
        return choices.choices
    if rest[0] in members and rest[1:] in ([], ["value"]):
        return members[rest[0]][0]
    raise Unresolved(dotted)


def _member(name: str, value: object) -> tuple[object, str]:
    """(stored value, label) as ChoicesType makes them from `NAME = value[, label]`."""
    if isinstance(value, tuple) and len(value) > 1 and isinstance(value[-1], str):
        *parts, label = value
        return (parts[0] if len(parts) == 1 else tuple(parts)), label
    return value, name.replace("_", " ").title()


def _enum(linker: Linker, info: ModelInfo, module: ModuleFacts, dotted: str) -> Any:
    """`Status.choices`, `Status.DRAFT`, `Status` (or `Model.Status...` nested in the model)
    of a Choices class, as Django deconstructs them; None when `dotted` is not one."""
    evaluator = linker.resolver.evaluator
    source = evaluator.module_at(module.rel, module.module, module.package)
    if source is None:
        return None
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        head, rest = parts[:split], parts[split:]
        starts = [(info.cls.name, head)] if module is info.module else []
        for start, path in [*starts, (head[0], head[1:])]:
            try:
                node = getattr(evaluator.name(source, start), "node", None)
            except Unresolved:
                continue
            for name in path:
                node = _nested(node, name)
            if not isinstance(node, ast.ClassDef) or not _is_choices(node):
                continue
            members = _members(node)
            if members is None:
                return None
            enum, empty = members
            if not rest:
                return _Choices(enum, empty)
            if rest == ["choices"]:
                return _Choices(enum, empty).choices
            if len(rest) == 1 and rest[0] in enum:
                return enum[rest[0]][0]
            if len(rest) == 2 and rest[0] in enum and rest[1] == "value":
                return enum[rest[0]][0]
            return None
    return None


def _nested(node: object, name: str) -> ast.ClassDef | None:
    if not isinstance(node, ast.ClassDef):
        return None
    for statement in node.body:
        if isinstance(statement, ast.ClassDef) and statement.name == name:
            return statement
    return None


def _is_choices(node: ast.ClassDef) -> bool:
    names = [ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases]
    return any(n in ("TextChoices", "IntegerChoices", "Choices") for n in names)


def _members(node: ast.ClassDef) -> tuple[dict[str, tuple[object, str]], str | None] | None:
    """name -> (value, label) as ChoicesType builds them; None when one is not literal."""
    members: dict[str, tuple[object, str]] = {}
    empty: str | None = None
    for statement in node.body:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            continue
        name = statement.targets[0].id
        try:
            value = _literal(statement.value)
        except ValueError:
            return None
        if name == "__empty__":
            empty = str(value)
            continue
        if name.startswith("_"):
            continue
        members[name] = _member(name, value)
    return members, empty


def _literal(node: ast.expr) -> Any:
    if isinstance(node, ast.Tuple):
        return tuple(_literal(e) for e in node.elts)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("_", "gettext_lazy", "gettext")
        and len(node.args) == 1
    ):
        return _literal(node.args[0])
    return ast.literal_eval(node)


__all__ = ["FIELD_STATE", "META_STATE", "StateFact", "model_state"]

"""Name resolution across the project's modules, and literal evaluation of facts values.

A name in a model file means whatever its imports say: a Django class (`models.CharField`,
`CharField` imported from django.db.models), a class of the project (in this file, another
model file, a helper module read on demand, an installed package in the project's
virtualenv), or a module-level constant. Modules are found by the static-Python layer's
resolver (read/python/modules.py); `django.*` is always Django. Values the facts alone cannot
give -- a setting (`getattr(settings, "X", 255)`, `settings.X`), a settings object
(`api_settings.X`), a function whose body is one `return` -- are evaluated by the layer's
evaluator (read/python/evaluate.py) over the project's settings module. Anything else is
`Unresolved` (the layer's one convention): the caller turns it into an SL002 diagnostic,
never a guess.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from schemalint.read import Project
from schemalint.read.django.contrib import VIRTUAL_MODULES, contrib_rel
from schemalint.read.django.contrib_facts import CONTRIB_FACTS
from schemalint.read.django.facts import (
    Assign,
    BinOp,
    Branch,
    Call,
    ClassFact,
    FString,
    Mapping,
    ModuleFacts,
    Opaque,
    Ref,
    Spread,
    Unary,
)
from schemalint.read.django.project import DjangoProject
from schemalint.read.python import Unresolved
from schemalint.read.python.evaluate import MISSING, Evaluator
from schemalint.read.python.modules import is_django

__all__ = ["Resolver", "Symbol", "Unresolved", "describe"]
_PLAIN = (type(None), bool, int, float, str, bytes, Decimal)


@dataclass(frozen=True)
class Symbol:
    kind: str
    """django | class | value | function | module | settings | unknown"""
    module: ModuleFacts | None = None
    name: str = ""
    """For django: the dotted path; for settings: the setting; for unknown: the dotted name."""
    cls: ClassFact | None = None
    value: object = None


def describe(value) -> str:
    """Facts value back to (roughly) the source that wrote it, for messages."""
    if isinstance(value, Ref):
        return value.dotted
    if isinstance(value, Opaque):
        return value.text
    if isinstance(value, Call):
        args = [describe(a) for a in value.args] + [f"{k}={describe(v)}" for k, v in value.kwargs]
        return f"{value.func or '<call>'}({', '.join(args)})"
    if isinstance(value, BinOp):
        return f"{describe(value.left)} {value.op} {describe(value.right)}"
    if isinstance(value, Unary):
        return f"{value.op}{describe(value.operand)}"
    if isinstance(value, tuple):
        return "[" + ", ".join(describe(v) for v in value) + "]"
    if isinstance(value, Spread):
        return "*" + describe(value.value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{describe(k)}: {describe(v)}" for k, v in value.items) + "}"
    if isinstance(value, FString):
        return "f'" + "".join(p if isinstance(p, str) else "{" + describe(p) + "}" for p in value.parts) + "'"
    return repr(value)


_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "//": lambda a, b: a // b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
    "**": lambda a, b: a**b,
    "|": lambda a, b: a | b,
    "&": lambda a, b: a & b,
}


class Resolver:
    def __init__(self, facts: list[ModuleFacts], project: Project, django: DjangoProject | None = None) -> None:
        self.project = project
        self.django = django or DjangoProject(project, [f.rel for f in facts])
        self.modules: dict[str, ModuleFacts] = {}
        self.virtual: dict[str, tuple[str, str]] = {}
        """module name -> (app label, default auto field) for django.contrib sources."""
        for fact in facts:
            self.modules.setdefault(fact.module, fact)
        self._suffix_cache: dict[str, ModuleFacts | None] = {}
        self._imports: dict[str, dict[str, str]] = {}
        self._stars: dict[str, list[str]] = {}
        self._classes: dict[str, dict[str, ClassFact]] = {}
        self._constants: dict[str, dict[str, Assign]] = {}
        self._resolved: dict[tuple[str, str], Symbol] = {}
        self._virtual_loaded = False
        self.decide: Callable[[ModuleFacts], list[Branch]] = lambda module: []
        """The blocks of a module's `if` chains that run (the linker decides, Django semantics)."""
        self._running: dict[str, tuple[Branch, ...]] = {}
        self._deciding: set[str] = set()

    def forget(self) -> None:
        """Drop what was resolved so far (what a module defines has changed)."""
        self._classes.clear()
        self._constants.clear()
        self._resolved.clear()
        self._running.clear()

    def running(self, module: ModuleFacts) -> tuple[Branch, ...] | None:
        """The module's `if` blocks that run; None while they are being decided (a test that
        reads the module itself sees only what it defines unconditionally)."""
        if not module.branches:
            return ()
        if module.rel in self._running:
            return self._running[module.rel]
        if module.rel in self._deciding:
            return None
        self._deciding.add(module.rel)
        try:
            found = tuple(self.decide(module))
        finally:
            self._deciding.discard(module.rel)
        self._running[module.rel] = found
        return found

    def _extract_text(self, rel: str, text: str) -> ModuleFacts:
        # Imported here: a link that needs no extra module never imports libcst.
        from schemalint.read.django.extract import extract_text

        return self.project.module_facts("django", rel, text, extract_text)

    def load_virtual(self) -> None:
        """Read the django.contrib model sources (contrib.py), the first time one is needed."""
        if self._virtual_loaded:
            return
        self._virtual_loaded = True
        self._resolved.clear()
        self._suffix_cache.clear()
        by_source: dict[str, ModuleFacts] = {}
        for name, (source, label, auto) in VIRTUAL_MODULES.items():
            if source not in by_source:
                rel = contrib_rel(name)
                # Precomputed (contrib_facts.py): parsing them here would import libcst.
                facts = CONTRIB_FACTS.get(rel) or self._extract_text(rel, source)
                by_source[source] = ModuleFacts(
                    rel, name.rsplit(".", 1)[0], name, facts.imports, facts.constants, facts.classes
                )
            self.modules[name] = by_source[source]
            self.virtual[by_source[source].module] = (label, auto)

    # ------------------------------------------------------------------ modules

    def find_module(self, dotted: str, near: ModuleFacts | None = None) -> ModuleFacts | None:
        if is_django(dotted):
            # Always Django itself, never a folder named `django` in the project.
            if dotted not in VIRTUAL_MODULES:
                return None
            self.load_virtual()
            return self.modules.get(dotted)
        if dotted in self.modules:
            return self.modules[dotted]
        if dotted in self._suffix_cache:
            return self._suffix_cache[dotted]
        matches = [m for name, m in self.modules.items() if name.endswith("." + dotted) and not is_django(name)]
        found = matches[0] if len(matches) == 1 else None
        if found is None and matches and near is not None:
            # Several files end the same way (`apps.core.models`): prefer the importer's tree.
            found = max(matches, key=lambda m: _common_prefix(m.module, near.module))
        if found is None:
            located = self.django.modules.find(dotted, near.rel if near else None)
            text = self.django.modules.text(located) if located else None
            if located is not None and text is not None:
                if located.installed_rel is not None:  # named after its place in site-packages
                    found = replace(self._extract_text(located.installed_rel, text), rel=located.path)
                else:
                    found = self._extract_text(located.path, text)
                self.modules.setdefault(found.module, found)
        self._suffix_cache[dotted] = found
        return found

    def imports(self, module: ModuleFacts) -> dict[str, str]:
        key = module.rel
        if key not in self._imports:
            self._imports[key] = {local: target for local, target in module.imports if local != "*"}
            self._stars[key] = [target for local, target in module.imports if local == "*"]
        return self._imports[key]

    def classes(self, module: ModuleFacts) -> dict[str, ClassFact]:
        if module.rel in self._classes:
            return self._classes[module.rel]
        running = self.running(module)
        lines = {line for branch in running or () for line in branch.classes}
        found = {c.name: c for c in [*module.classes, *(c for c in module.conditional_classes if c.line in lines)]}
        if running is not None:
            self._classes[module.rel] = found
        return found

    def constants(self, module: ModuleFacts) -> dict[str, Assign]:
        if module.rel in self._constants:
            return self._constants[module.rel]
        running = self.running(module)
        assigned = [*module.constants, *(a for branch in running or () for a in branch.constants)]
        found = {a.name: a for a in sorted(assigned, key=lambda a: a.line)}  # the last binding wins
        if running is not None:
            self._constants[module.rel] = found
        return found

    # ------------------------------------------------------------------ names

    def resolve(self, module: ModuleFacts, dotted: str, depth: int = 0) -> Symbol:
        """What `dotted` means in `module` (memoised: every field resolves `models.X`)."""
        key = (module.rel, dotted)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolve(module, dotted, depth)
            if depth == 0:
                self._resolved[key] = found
        return found

    def _resolve(self, module: ModuleFacts, dotted: str, depth: int = 0) -> Symbol:
        if depth > 20:
            return Symbol("unknown", name=dotted)
        head, _, rest = dotted.partition(".")
        imports = self.imports(module)
        if head in imports:
            target = imports[head] + ("." + rest if rest else "")
            return self.resolve_global(target, module, depth + 1)
        cls = self.classes(module).get(head)
        if cls is not None:
            if not rest:
                return Symbol("class", module, head, cls)
            return self._class_attribute(module, cls, rest, dotted)
        if head in module.functions and not rest:
            return Symbol("function", module, head)
        constant = self.constants(module).get(head)
        if constant is not None and isinstance(constant.value, Ref) and constant.value.dotted.split(".")[0] != head:
            # an alias (`DateTimeFieldBase = models.DateTimeField`): what it names
            return self.resolve(module, constant.value.dotted + ("." + rest if rest else ""), depth + 1)
        if constant is not None:
            if rest:
                return Symbol("unknown", name=dotted)
            return Symbol("value", module, head, value=constant.value)
        for star in self._stars.get(module.rel, []):
            if star.startswith("django."):
                continue
            other = self.find_module(star, module)
            if other is not None and other is not module:
                found = self.resolve(other, dotted, depth + 1)
                if found.kind != "unknown":
                    return found
        for star in self._stars.get(module.rel, []):
            if star.startswith("django."):
                return Symbol("django", name=f"{star}.{dotted}")
        return Symbol("unknown", name=dotted)

    def _class_attribute(self, module: ModuleFacts, cls: ClassFact, rest: str, dotted: str) -> Symbol:
        attr, _, more = rest.partition(".")
        if attr == "Meta" and not more:
            return Symbol("class", module, cls.name + ".Meta", cls)
        if attr == "Meta" and cls.meta is not None:  # `Base.Meta.indexes`: as written in that Meta
            for assign in cls.meta:
                if assign.name == more:
                    return Symbol("value", module, dotted, value=assign.value)
        for assign in cls.body:
            if assign.name == attr and not more:
                return Symbol("value", module, dotted, value=_choice_value(assign.value))
        return Symbol("unknown", name=dotted)

    def resolve_global(self, target: str, near: ModuleFacts | None = None, depth: int = 0) -> Symbol:
        if target == "django.conf.settings":
            return Symbol("settings", name="")
        if target.startswith("django.conf.settings."):
            return Symbol("settings", name=target[len("django.conf.settings.") :])
        parts = target.split(".")
        for cut in range(len(parts), 0, -1):
            prefix = ".".join(parts[:cut])
            module = self.find_module(prefix, near)
            if module is not None:
                if cut == len(parts):
                    return Symbol("module", module, prefix)
                return self.resolve(module, ".".join(parts[cut:]), depth + 1)
        if target.startswith("django."):
            return Symbol("django", name=target)
        return Symbol("unknown", name=target)

    # ------------------------------------------------------------------ values

    def evaluate(self, module: ModuleFacts, value, depth: int = 0, local: dict | None = None):
        """The Python value of a literal-ish facts value; `Unresolved` otherwise. `local`: the
        class body's own names (`MAX = 10` above `CharField(max_length=MAX)`), seen first."""
        found = self._evaluate(module, value, depth, local)
        if not _is_plain(found):
            raise Unresolved(describe(value))
        return found

    def _evaluate(self, module: ModuleFacts, value, depth: int = 0, local: dict | None = None):
        if depth > 20:
            raise Unresolved(describe(value))
        if value is None or isinstance(value, (bool, int, float, str, bytes, Decimal)):
            return value
        if isinstance(value, tuple):
            items: list[object] = []
            for item in value:
                if isinstance(item, Spread):
                    spliced = self.evaluate(module, item.value, depth + 1, local)
                    if not isinstance(spliced, tuple):
                        raise Unresolved(describe(item.value))
                    items.extend(spliced)
                else:
                    items.append(self.evaluate(module, item, depth + 1, local))
            return tuple(items)
        if isinstance(value, Ref):
            if local and value.dotted in local:
                return self.evaluate(module, local[value.dotted], depth + 1)
            symbol = self.resolve(module, value.dotted)
            if symbol.kind == "value" and symbol.module is not None:
                return self.evaluate(symbol.module, symbol.value, depth + 1, local)
            if symbol.kind == "settings" and symbol.name:
                return self.setting(symbol.name, value.dotted)
            return self.python(module, value, local)
        if isinstance(value, FString):
            return "".join(
                p if isinstance(p, str) else str(self.evaluate(module, p, depth + 1, local)) for p in value.parts
            )
        if isinstance(value, BinOp) and value.op in _OPS:
            left = self.evaluate(module, value.left, depth + 1, local)
            right = self.evaluate(module, value.right, depth + 1, local)
            try:
                return _OPS[value.op](left, right)
            except Exception:  # noqa: BLE001 - e.g. "a" - 1: not a constant we can know
                raise Unresolved(describe(value)) from None
        if isinstance(value, Unary) and value.op in ("-", "+"):
            operand = self.evaluate(module, value.operand, depth + 1, local)
            if isinstance(operand, (int, float, Decimal)) and not isinstance(operand, bool):
                return -operand if value.op == "-" else operand
        if isinstance(value, Call) and value.func and not value.kwargs and len(value.args) == 1:
            if value.func.endswith("Decimal"):
                return Decimal(str(self.evaluate(module, value.args[0], depth + 1, local)))
            if value.func in ("_", "gettext_lazy", "gettext", "str"):
                return self.evaluate(module, value.args[0], depth + 1, local)
        if isinstance(value, Call) and value.func == "getattr" and 2 <= len(value.args) <= 3 and not value.kwargs:
            target = value.args[0]
            holder = self.resolve(module, target.dotted) if isinstance(target, Ref) else None
            if holder is not None and holder.kind == "settings" and not holder.name:
                name = self.evaluate(module, value.args[1], depth + 1, local)
                if not isinstance(name, str):
                    raise Unresolved(describe(value))
                found = self._setting(name, describe(value))
                if found is MISSING:
                    if len(value.args) == 2:
                        raise Unresolved(describe(value))
                    return self.evaluate(module, value.args[2], depth + 1, local)
                return _facts_value(found)
        if isinstance(value, Call) and value.func and not value.star or isinstance(value, Opaque):
            return self.python(module, value, local)
        raise Unresolved(describe(value))

    # ------------------------------------------------------------------ the static-Python layer

    def setting(self, name: str, text: str):
        """`settings.NAME`: the project's settings module, else Django's default."""
        found = self._setting(name, text)
        if found is MISSING:
            raise Unresolved(text)
        return _facts_value(found)

    def _setting(self, name: str, text: str):
        try:
            return self.django.setting(name)
        except Unresolved as exc:  # the settings module sets it in a way we cannot read
            raise Unresolved(f"{text} ({name} in {self.django.settings_path}: {exc.text})", exc.what) from None

    @property
    def evaluator(self) -> Evaluator:
        return self.django.evaluator

    def python(self, module: ModuleFacts, value, local: dict | None = None):
        """What the facts cannot say, read by the layer from the module's source: a name
        bound to an object (`api_settings.X`), a call of a function or class."""
        try:
            return self._python(module, value, local)
        except Unresolved as exc:
            written = describe(value)
            raise Unresolved(written if exc.text in written else f"{written}: {exc.text}", exc.what) from None

    def _python(self, module: ModuleFacts, value, local: dict | None = None):
        if isinstance(value, Opaque):  # `"app" in settings.INSTALLED_APPS`, `"{}".format(...)`
            return self._python_text(module, value.text, local)
        dotted = value.dotted if isinstance(value, Ref) else value.func
        if self.resolve(module, dotted).kind in ("django", "class", "settings"):
            raise Unresolved(describe(value))  # Django's own objects and models are not values
        source = self.evaluator.module_at(module.rel, module.module, module.package)
        if source is None:
            raise Unresolved(describe(value))
        if isinstance(value, Ref):
            head = value.dotted.split(".")[0]
            if local and head in local:
                raise Unresolved(value.dotted)
            return _facts_value(self.evaluator.name(source, value.dotted))
        assert isinstance(value, Call) and value.func
        if local and value.func.split(".")[0] in local:
            raise Unresolved(describe(value))
        function = self.evaluator.name(source, value.func)
        args = [self._argument(module, source, a, local) for a in value.args]
        kwargs = {k: self._argument(module, source, v, local) for k, v in value.kwargs}
        return _facts_value(self.evaluator.call(function, args, kwargs, describe(value)))

    def _python_text(self, module: ModuleFacts, text: str, local: dict | None):
        """An expression the facts keep only as text, evaluated by the layer in its module (a
        name the class body binds is not the module's: unresolved)."""
        source = self.evaluator.module_at(module.rel, module.module, module.package)
        try:
            tree = ast.parse(f"(\n{text}\n)", mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise Unresolved(text) from None
        if source is None or (local and any(isinstance(n, ast.Name) and n.id in local for n in ast.walk(tree))):
            raise Unresolved(text)
        return _facts_value(self.evaluator.expression(source, tree.body, {}))

    def _argument(self, module: ModuleFacts, source, value, local: dict | None):
        try:
            return self.evaluate(module, value, local=local)
        except Unresolved:
            if isinstance(value, Ref) and not (local and value.dotted.split(".")[0] in local):
                return self.evaluator.name(source, value.dotted)  # an object, passed on as it is
            raise

    def spliced(self, module: ModuleFacts, value, depth: int = 0) -> list[tuple[object, ModuleFacts]]:
        """The items of a list as written, each with the module it must be read in; a
        `*Other.Meta.indexes` item contributes Other's items (read in Other's module)."""
        if depth > 10:
            raise Unresolved(describe(value))
        if isinstance(value, Ref):
            symbol = self.resolve(module, value.dotted)
            if symbol.kind != "value" or symbol.module is None:
                raise Unresolved(value.dotted)
            return self.spliced(symbol.module, symbol.value, depth + 1)
        if isinstance(value, BinOp) and value.op == "+":
            return self.spliced(module, value.left, depth + 1) + self.spliced(module, value.right, depth + 1)
        if not isinstance(value, tuple):
            raise Unresolved(describe(value))
        items: list[tuple[object, ModuleFacts]] = []
        for item in value:
            if isinstance(item, Spread):
                items += self.spliced(module, item.value, depth + 1)
            else:
                items.append((item, module))
        return items


def _is_plain(value) -> bool:
    if isinstance(value, tuple):
        return all(_is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_is_plain(k) and _is_plain(v) for k, v in value.items())
    return isinstance(value, _PLAIN)


def _facts_value(value):
    """A layer value in the facts' own spelling: lists are tuples."""
    if isinstance(value, (list, tuple)):
        return tuple(_facts_value(item) for item in value)
    if isinstance(value, dict):
        return {k: _facts_value(v) for k, v in value.items()}
    return value


def _choice_value(value):
    """`DRAFT = "draft", "Draft"` in a TextChoices class: the stored value is the first item."""
    if isinstance(value, tuple) and value:
        return value[0]
    return value


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a.split("."), b.split(".")):
        if x != y:
            break
        count += 1
    return count

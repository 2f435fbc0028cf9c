"""Static evaluation of module-level Python values, over the standard `ast` module.

What configuration code writes, evaluated without running it: literals and containers,
names across modules (`from .base import *`, later bindings win, a `try:` import of a module
that exists counts), arithmetic and f-strings, comparisons (`"app" in settings.INSTALLED_APPS`,
`x is None`), `str.format`, `a or b`, `x if c else y`, subscripts,
`getattr(obj, "NAME", default)`, `dict.get`, a function or method whose body is (after a
docstring, local imports and simple assignments) a single `return`, instances of classes
whose `__init__` assigns `self.attr = ...`, `@property` getters, and "settings objects" built
from a defaults dict (`APISettings(None, DEFAULTS)`: a class with `__getattr__`, whose
attributes come from the user's settings dict, then the defaults).

Objects the evaluator cannot read (Django's `settings`) are given as `objects`: dotted
name -> a `Namespace`; functions whose effect lies outside their body (swapper's settings
lookups) as `intrinsics`: dotted name -> what the reader computes for a call. Anything else
raises `Unresolved` with the text it could not resolve.
"""

from __future__ import annotations

import ast
import operator
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from schemalint.read.python import Unresolved
from schemalint.read.python.modules import Found, ModuleResolver

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
"""A name or attribute that is not there at all (as opposed to there but unknown)."""

_MAX_DEPTH = 40


class Namespace(Protocol):
    """An object whose attributes the reader knows (Django's settings)."""

    def attribute(self, name: str) -> Any:
        """The attribute's value, `MISSING` when it does not exist; raises `Unresolved`."""


@dataclass(eq=False)
class Module:
    name: str
    path: str
    tree: ast.Module
    package: str

    def __repr__(self) -> str:
        return f"<module {self.name}>"


@dataclass(frozen=True)
class ModuleRef:
    """A module name whose file may not exist: `import os` binds `os` to this."""

    name: str


@dataclass(eq=False)
class Function:
    module: Module
    node: ast.FunctionDef | ast.AsyncFunctionDef
    bound: Any = MISSING
    """`self` for a method looked up on an instance."""


@dataclass(eq=False)
class Class:
    module: Module
    node: ast.ClassDef


@dataclass(eq=False)
class Instance:
    cls: Class
    attrs: dict[str, Any] = field(default_factory=dict)
    args: dict[str, Any] = field(default_factory=dict)
    """`__init__`'s parameters as bound at construction."""


@dataclass(frozen=True)
class Builtin:
    name: str
    bound: Any = MISSING


_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
}
_PLAIN = (type(None), bool, int, float, complex, str, bytes)
_BUILTINS = {"getattr", "str", "int", "bool", "dict", "list", "tuple", "len", "_", "gettext_lazy", "gettext"}


def _text(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # noqa: BLE001 - only used for messages
        return "<expression>"


Intrinsic = Callable[[list[Any], dict[str, Any], str], Any]
"""A function the reader computes itself: (args, kwargs, call text) -> value, or `Unresolved`."""


class Evaluator:
    def __init__(
        self,
        modules: ModuleResolver,
        objects: dict[str, Namespace] | None = None,
        intrinsics: dict[str, Intrinsic] | None = None,
    ) -> None:
        self.modules = modules
        self.objects = dict(objects or {})
        self.intrinsics = dict(intrinsics or {})
        """Functions whose effect lies outside their `return` (a registry, settings they set),
        by module and name (`swapper.get_model_name`): the reader computes them as the library
        does; the evaluator never runs their bodies."""
        self._loaded: dict[str, Module | None] = {}
        self._globals: dict[tuple[str, str], Any] = {}
        self._active: set[tuple[str, str]] = set()

    # ------------------------------------------------------------------ modules

    def module(self, dotted: str, near: str | None = None) -> Module | None:
        """The parsed module `dotted` (imported from project file `near`), None if absent."""
        found = self.modules.find(dotted, near)
        if found is None:
            return None
        return self.load(found, dotted)

    def load(self, found: Found, dotted: str) -> Module | None:
        if found.path not in self._loaded:
            text = self.modules.text(found)
            tree = None
            if text is not None:
                try:
                    tree = ast.parse(text)
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    tree = None
            is_package = found.path.endswith("__init__.py")
            package = dotted if is_package else dotted.rpartition(".")[0]
            self._loaded[found.path] = None if tree is None else Module(dotted, found.path, tree, package)
        return self._loaded[found.path]

    def module_at(self, path: str, dotted: str, package: str) -> Module | None:
        """A module the reader already knows by path (a model file)."""
        if path not in self._loaded:
            text = self.modules.project.read_text(path)
            try:
                tree = ast.parse(text) if text is not None else None
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                tree = None
            self._loaded[path] = None if tree is None else Module(dotted, path, tree, package)
        return self._loaded[path]

    def _absolute(self, module: Module, name: str | None, level: int) -> str:
        if not level:
            return name or ""
        parts = module.package.split(".") if module.package else []
        parts = parts[: len(parts) - (level - 1)] if level > 1 else parts
        return ".".join([*parts, name] if name else parts)

    def _import(self, module: Module, dotted: str) -> Any:
        if dotted in self.objects:
            return self.objects[dotted]
        found = self.module(dotted, module.path)
        return found if found is not None else ModuleRef(dotted)

    # ------------------------------------------------------------------ module globals

    def global_value(self, module: Module, name: str, depth: int = 0) -> Any:
        """The value `name` has once `module` has run; `MISSING` when nothing binds it."""
        key = (module.path, name)
        if key in self._globals:
            return self._globals[key]
        if key in self._active or depth > _MAX_DEPTH:
            raise Unresolved(name)
        self._active.add(key)
        try:
            value = self._binding(module, module.tree.body, name, depth)
        finally:
            self._active.discard(key)
        self._globals[key] = value
        return value

    def _binding(self, module: Module, body: list[ast.stmt], name: str, depth: int) -> Any:
        """The last binding of `name` in `body`, read backwards."""
        for statement in reversed(body):
            if isinstance(statement, ast.Try):
                value = self._binding_in_try(module, statement, name, depth)
            elif isinstance(statement, ast.If) and _binds(statement, name):
                value = self._binding_in_if(module, statement, name, depth)
            elif isinstance(statement, (ast.If, ast.For, ast.While, ast.With)):
                if _binds(statement, name):
                    raise Unresolved(f"{name} (assigned under `{type(statement).__name__.lower()}`)")
                continue
            else:
                value = self._statement_binding(module, statement, name, depth)
            if value is not MISSING:
                return value
        return MISSING

    def _binding_in_if(self, module: Module, statement: ast.If, name: str, depth: int) -> Any:
        """`if X: NAME = a  else: NAME = b`: the block whose test is true binds it, when the
        test can be evaluated; otherwise which binding runs is not known."""
        try:
            truth = _truth(self.expression(module, statement.test, {}, depth + 1), statement.test)
        except Unresolved:
            raise Unresolved(f"{name} (assigned under `if`)") from None
        return self._binding(module, statement.body if truth else statement.orelse, name, depth)

    def _binding_in_try(self, module: Module, statement: ast.Try, name: str, depth: int) -> Any:
        """`try: from .local import *  except ImportError: pass`: the body runs when every
        module it imports exists; anything else in it (or a handler binding the name) is
        not known statically."""
        imports = [s for s in statement.body if isinstance(s, (ast.Import, ast.ImportFrom))]
        imports_only = len(imports) == len(statement.body)
        if imports_only and all(self._importable(module, s) for s in imports):
            return self._binding(module, statement.body, name, depth)
        if imports_only:
            return self._binding(module, [s for h in statement.handlers for s in h.body], name, depth)
        if _binds(statement, name):
            raise Unresolved(f"{name} (assigned under `try`)")
        return MISSING

    def _importable(self, module: Module, statement: ast.Import | ast.ImportFrom) -> bool:
        if isinstance(statement, ast.Import):
            return all(self.module(a.name, module.path) is not None for a in statement.names)
        return self.module(self._absolute(module, statement.module, statement.level), module.path) is not None

    def _statement_binding(self, module: Module, statement: ast.stmt, name: str, depth: int) -> Any:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    return self.expression(module, statement.value, {}, depth + 1)
                if isinstance(target, (ast.Tuple, ast.List)) and _binds_target(target, name):
                    raise Unresolved(f"{name} (unpacked)")
        elif isinstance(statement, ast.AnnAssign):
            if isinstance(statement.target, ast.Name) and statement.target.id == name and statement.value is not None:
                return self.expression(module, statement.value, {}, depth + 1)
        elif isinstance(statement, ast.AugAssign):
            if isinstance(statement.target, ast.Name) and statement.target.id == name:
                raise Unresolved(f"{name} (changed by `{_text(statement)}`)")
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            return Function(module, statement)
        elif isinstance(statement, ast.ClassDef) and statement.name == name:
            return Class(module, statement)
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname == name:
                    return self._import(module, alias.name)
                if alias.asname is None and alias.name.split(".")[0] == name:
                    return self._import(module, name)
        elif isinstance(statement, ast.ImportFrom):
            origin = self._absolute(module, statement.module, statement.level)
            for alias in statement.names:
                if alias.name == "*":
                    if origin in self.objects:
                        continue
                    other = self.module(origin, module.path)
                    if other is not None and other is not module:
                        value = self.global_value(other, name, depth + 1)
                        if value is not MISSING:
                            return value
                elif (alias.asname or alias.name) == name:
                    return self.member(module, origin, alias.name, depth + 1)
        return MISSING

    def member(self, module: Module, origin: str, name: str, depth: int = 0) -> Any:
        """`from origin import name`: a global of that module, else its submodule."""
        dotted = f"{origin}.{name}"
        if dotted in self.objects:
            return self.objects[dotted]
        other = self.module(origin, module.path)
        if other is not None:
            value = self.global_value(other, name, depth + 1)
            if value is not MISSING:
                return value
        submodule = self.module(dotted, module.path)
        if submodule is not None:
            return submodule
        raise Unresolved(dotted)

    # ------------------------------------------------------------------ expressions

    def name(self, module: Module, dotted: str) -> Any:
        """The value of a dotted name as written in `module` (`api_settings.PAGE_SIZE`)."""
        head, *rest = dotted.split(".")
        value = self.global_value(module, head)
        if value is MISSING:
            raise Unresolved(dotted)
        for attr in rest:
            value = self.attribute(value, attr, dotted)
        return value

    def expression(self, module: Module, node: ast.expr, local: dict[str, Any], depth: int = 0) -> Any:
        """The value of `node` in `module` with `local` names; `Unresolved` when not static."""
        if depth > _MAX_DEPTH:
            raise Unresolved(_text(node))
        try:
            return self._expression(module, node, local, depth)
        except (TypeError, ValueError, ArithmeticError, RecursionError, MemoryError):
            raise Unresolved(_text(node)) from None  # `{[1]: 2}`, 1 / 0: no value to know

    def _expression(self, module: Module, node: ast.expr, local: dict[str, Any], depth: int) -> Any:
        def evaluate(child: ast.expr) -> Any:
            return self.expression(module, child, local, depth + 1)

        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in local:
                return local[node.id]
            value = self.global_value(module, node.id, depth + 1)
            if value is MISSING:
                if node.id in _BUILTINS:
                    return Builtin(node.id)
                raise Unresolved(node.id)
            return value
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items: list[Any] = []
            for item in node.elts:
                if isinstance(item, ast.Starred):
                    items.extend(_iterable(evaluate(item.value), node))
                else:
                    items.append(evaluate(item))
            return (
                tuple(items)
                if isinstance(node, ast.Tuple)
                else items
                if isinstance(node, ast.List)
                else frozenset(items)
            )
        if isinstance(node, ast.Dict):
            result: dict[Any, Any] = {}
            for key, value in zip(node.keys, node.values):
                if key is None:
                    spread = evaluate(value)
                    if not isinstance(spread, dict):
                        raise Unresolved(_text(value))
                    result.update(spread)
                else:
                    result[evaluate(key)] = evaluate(value)
            return result
        if isinstance(node, ast.Attribute):
            return self.attribute(evaluate(node.value), node.attr, _text(node))
        if isinstance(node, ast.Subscript):
            container, key = evaluate(node.value), evaluate(node.slice)
            try:
                return container[key] if isinstance(container, (dict, list, tuple, str)) else _raise(node)
            except (KeyError, IndexError, TypeError):
                raise Unresolved(_text(node)) from None
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = evaluate(node.left), evaluate(node.right)
            if not isinstance(left, (*_PLAIN, tuple, list)) or not isinstance(right, (*_PLAIN, tuple, list, dict)):
                raise Unresolved(_text(node))
            if _too_big(node.op, left, right):
                raise Unresolved(_text(node))
            try:
                return _BINARY[type(node.op)](left, right)
            except Exception:  # noqa: BLE001 - "a" - 1: not a value we can know
                raise Unresolved(_text(node)) from None
        if isinstance(node, ast.UnaryOp):
            operand = evaluate(node.operand)
            if isinstance(node.op, ast.Not):
                return not _truth(operand, node)
            if (
                isinstance(node.op, (ast.USub, ast.UAdd))
                and isinstance(operand, (int, float))
                and not isinstance(operand, bool)
            ):
                return -operand if isinstance(node.op, ast.USub) else operand
            raise Unresolved(_text(node))
        if isinstance(node, ast.BoolOp):
            value = MISSING
            for operand in node.values:
                value = evaluate(operand)
                truth = _truth(value, operand)
                if truth if isinstance(node.op, ast.Or) else not truth:
                    return value
            return value
        if isinstance(node, ast.Compare):
            left = evaluate(node.left)
            for op, comparator in zip(node.ops, node.comparators):
                right = evaluate(comparator)
                if not _compare(op, left, right, node):
                    return False
                left = right
            return True
        if isinstance(node, ast.IfExp):
            return evaluate(node.body) if _truth(evaluate(node.test), node.test) else evaluate(node.orelse)
        if isinstance(node, ast.JoinedStr):
            parts = []
            for part in node.values:
                if isinstance(part, ast.Constant):
                    parts.append(str(part.value))
                elif isinstance(part, ast.FormattedValue) and part.format_spec is None and part.conversion == -1:
                    value = evaluate(part.value)
                    if not isinstance(value, _PLAIN):
                        raise Unresolved(_text(node))
                    parts.append(str(value))
                else:
                    raise Unresolved(_text(node))
            return "".join(parts)
        if isinstance(node, ast.Call):
            if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
                raise Unresolved(_text(node))
            function = evaluate(node.func)
            args = [evaluate(a) for a in node.args]
            kwargs = {k.arg: evaluate(k.value) for k in node.keywords if k.arg is not None}
            return self.call(function, args, kwargs, _text(node), depth + 1)
        raise Unresolved(_text(node))

    # ------------------------------------------------------------------ objects

    def attribute(self, value: Any, name: str, text: str = "", depth: int = 0) -> Any:
        """`value.name`; `MISSING` only through `getattr` with a default."""
        found = self._attribute(value, name, depth)
        if found is MISSING:
            raise Unresolved(text or name)
        return found

    def _attribute(self, value: Any, name: str, depth: int = 0) -> Any:
        if isinstance(value, Module):
            found = self.global_value(value, name, depth + 1)
            if found is MISSING:
                dotted = f"{value.name}.{name}"
                found = self.objects.get(dotted) or self.module(dotted, value.path) or MISSING
            return found
        if isinstance(value, ModuleRef):
            dotted = f"{value.name}.{name}"
            if dotted in self.objects:
                return self.objects[dotted]
            raise Unresolved(dotted)
        if isinstance(value, Instance):
            if name in value.attrs:
                return value.attrs[name]
            found = self._class_attribute(value.cls, name, value, depth)
            if found is not MISSING:
                return found
            return self._dynamic_attribute(value, name, depth)
        if isinstance(value, Class):
            return self._class_attribute(value, name, MISSING, depth)
        if isinstance(value, dict) and name == "get":
            return Builtin("dict.get", value)
        if isinstance(value, str) and name in ("upper", "lower", "strip", "format"):
            return Builtin(f"str.{name}", value)
        if hasattr(value, "attribute") and not isinstance(value, _PLAIN):
            return value.attribute(name)
        raise Unresolved(name)

    def _class_attribute(self, cls: Class, name: str, instance: Any, depth: int, seen: int = 0) -> Any:
        if seen > 20:
            raise Unresolved(name)
        for statement in reversed(cls.node.body):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
                decorators = {_decorator_name(d) for d in statement.decorator_list}
                if "staticmethod" in decorators:
                    return Function(cls.module, statement)
                if "classmethod" in decorators:
                    return Function(cls.module, statement, cls)
                function = Function(cls.module, statement, instance)
                if decorators & {"property", "cached_property"}:
                    if instance is MISSING:
                        raise Unresolved(name)
                    return self.call(function, [], {}, name, depth + 1)
                return function
            if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in statement.targets
            ):
                return self.expression(cls.module, statement.value, {}, depth + 1)
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and statement.target.id == name
                and statement.value
            ):
                return self.expression(cls.module, statement.value, {}, depth + 1)
        for base in cls.node.bases:
            parent = (
                self.expression(cls.module, base, {}, depth + 1)
                if not isinstance(base, ast.Name) or base.id != "object"
                else None
            )
            if isinstance(parent, Class):
                found = self._class_attribute(parent, name, instance, depth, seen + 1)
                if found is not MISSING:
                    return found
            elif parent is not None:
                raise Unresolved(f"{cls.node.name}.{name}")
        return MISSING

    def _dynamic_attribute(self, instance: Instance, name: str, depth: int) -> Any:
        """A settings object that answers from dicts (`__getattr__`): the user's settings dict
        (an `__init__` parameter named `user...`, or `getattr(settings, "NAMESPACE", ...)` in the
        class when that parameter is None), then the defaults (a parameter named `default...`)."""
        if not _defines(instance.cls, "__getattr__"):
            return MISSING
        users = [v for k, v in instance.args.items() if "user" in k.lower()]
        defaults = [v for k, v in instance.args.items() if "default" in k.lower()]
        if not defaults or not all(isinstance(d, dict) or d is None for d in defaults):
            raise Unresolved(f"{instance.cls.node.name}.{name}")
        for user in users:
            if user is None:
                user = self._namespace_dict(instance.cls, depth)
            if isinstance(user, dict) and name in user:
                return user[name]
            if user is not None and not isinstance(user, dict):
                raise Unresolved(f"{instance.cls.node.name}.{name}")
        for default in defaults:
            if isinstance(default, dict) and name in default:
                return default[name]
        return MISSING

    def _namespace_dict(self, cls: Class, depth: int) -> Any:
        """The dict `getattr(settings, "REST_FRAMEWORK", {})` reads, written inside the class."""
        for node in ast.walk(cls.node):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "getattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
            ):
                return self.expression(cls.module, node, _local_imports(self, cls.module, cls.node), depth + 1)
        return None

    # ------------------------------------------------------------------ calls

    def call(self, function: Any, args: list[Any], kwargs: dict[str, Any], text: str, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise Unresolved(text)
        if isinstance(function, Builtin):
            return self._builtin(function, args, kwargs, text, depth)
        if isinstance(function, Function):
            intrinsic = self.intrinsics.get(f"{function.module.name}.{function.node.name}")
            if intrinsic is not None and function.bound is MISSING:
                return intrinsic(args, kwargs, text)
            return self._run(function, args, kwargs, text, depth)
        if isinstance(function, Class):
            return self._construct(function, args, kwargs, text, depth)
        raise Unresolved(text)

    def _builtin(self, function: Builtin, args: list[Any], kwargs: dict[str, Any], text: str, depth: int) -> Any:
        name = function.name
        if name == "getattr" and len(args) in (2, 3) and isinstance(args[1], str) and not kwargs:
            found = self._attribute(args[0], args[1], depth + 1)
            if found is MISSING:
                if len(args) == 3:
                    return args[2]
                raise Unresolved(text)
            return found
        if name == "dict.get" and len(args) in (1, 2) and not kwargs:
            return function.bound.get(args[0], args[1] if len(args) == 2 else None)
        if name in ("str.upper", "str.lower", "str.strip") and not args and not kwargs:
            return getattr(function.bound, name[4:])()
        if (
            name == "str.format"
            and all(isinstance(v, _PLAIN) for v in [*args, *kwargs.values()])
            and _plain_fields(function.bound)
        ):
            try:
                return function.bound.format(*args, **kwargs)
            except (IndexError, KeyError, ValueError, AttributeError, TypeError):
                raise Unresolved(text) from None
        if name in ("str", "int", "bool") and len(args) == 1 and isinstance(args[0], _PLAIN) and not kwargs:
            try:
                return {"str": str, "int": int, "bool": bool}[name](args[0])
            except (TypeError, ValueError):
                raise Unresolved(text) from None
        if name in ("_", "gettext_lazy", "gettext") and len(args) == 1 and isinstance(args[0], str):
            return args[0]
        if name == "dict" and not args:
            return dict(kwargs)
        raise Unresolved(text)

    def _bind(self, function: Function, args: list[Any], kwargs: dict[str, Any], text: str) -> dict[str, Any]:
        spec = function.node.args
        positional = [*spec.posonlyargs, *spec.args]
        if function.bound is not MISSING:
            args = [function.bound, *args]
        if len(args) > len(positional) and spec.vararg is None:
            raise Unresolved(text)
        local: dict[str, Any] = {}
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(spec.defaults)) + list(spec.defaults)
        for index, parameter in enumerate(positional):
            if index < len(args):
                local[parameter.arg] = args[index]
            elif parameter.arg in kwargs:
                local[parameter.arg] = kwargs.pop(parameter.arg)
            elif (default := defaults[index]) is not None:
                local[parameter.arg] = self.expression(function.module, default, {})
            else:
                raise Unresolved(text)
        for parameter, default in zip(spec.kwonlyargs, spec.kw_defaults):
            if parameter.arg in kwargs:
                local[parameter.arg] = kwargs.pop(parameter.arg)
            elif default is not None:
                local[parameter.arg] = self.expression(function.module, default, {})
            else:
                raise Unresolved(text)
        if kwargs and spec.kwarg is None:
            raise Unresolved(text)
        return local

    def _run(self, function: Function, args: list[Any], kwargs: dict[str, Any], text: str, depth: int) -> Any:
        """A function whose body is one `return` (after a docstring, imports, assignments)."""
        local = self._bind(function, args, dict(kwargs), text)
        module = function.module
        for statement in _body(function.node):
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                local.update(_imported(self, module, statement))
            elif (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
            ):
                local[statement.targets[0].id] = self.expression(module, statement.value, local, depth + 1)
            elif isinstance(statement, ast.Return) and statement.value is not None:
                return self.expression(module, statement.value, local, depth + 1)
            else:
                break
        raise Unresolved(text)

    def _construct(self, cls: Class, args: list[Any], kwargs: dict[str, Any], text: str, depth: int) -> Instance:
        instance = Instance(cls)
        init = self._class_attribute(cls, "__init__", MISSING, depth)
        if not isinstance(init, Function):
            if args or kwargs:
                raise Unresolved(text)
            return instance
        init = Function(init.module, init.node, instance)
        local = self._bind(init, args, dict(kwargs), text)
        instance.args = (
            {k: v for k, v in local.items() if k != init.node.args.args[0].arg} if init.node.args.args else dict(local)
        )
        self_name = init.node.args.args[0].arg if init.node.args.args else "self"
        for statement in _body(init.node):
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                local.update(_imported(self, init.module, statement))
                continue
            if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
                continue
            target = statement.targets[0]
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == self_name
            ):
                try:
                    instance.attrs[target.attr] = self.expression(init.module, statement.value, local, depth + 1)
                except Unresolved:
                    instance.attrs.pop(target.attr, None)
        return instance


# --------------------------------------------------------------------------- helpers


def _too_big(op: ast.operator, left: Any, right: Any) -> bool:
    """`10 ** 10 ** 10`, `"x" * 10 ** 9`: values no model needs, and too costly to compute."""
    if isinstance(op, ast.Pow):
        return not isinstance(right, (int, float)) or abs(right) > 256 or (isinstance(left, int) and abs(left) > 2**64)
    if isinstance(op, ast.Mult):
        sizes = [len(v) for v in (left, right) if isinstance(v, (str, bytes, tuple, list))]
        counts = [v for v in (left, right) if isinstance(v, int)]
        return bool(sizes) and bool(counts) and sizes[0] * max(counts[0], 0) > 100_000
    return False


def _raise(node: ast.AST) -> Any:
    raise Unresolved(_text(node))


def _truth(value: Any, node: ast.AST) -> bool:
    if isinstance(value, (*_PLAIN, tuple, list, dict, frozenset)):
        return bool(value)
    if isinstance(value, (Module, ModuleRef, Function, Class, Instance, Builtin)):
        return True
    raise Unresolved(_text(node))


_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_VALUES = (*_PLAIN, tuple, list, dict, frozenset)


def _compare(op: ast.cmpop, left: Any, right: Any, node: ast.AST) -> bool:
    """One comparison of values the evaluator knows (`"app" in settings.INSTALLED_APPS`,
    `x is None`); anything else (an object, a comparison Python refuses) is unresolved."""
    if isinstance(op, (ast.Is, ast.IsNot)):
        if not any(v is None or isinstance(v, bool) for v in (left, right)) or not all(
            isinstance(v, _VALUES) for v in (left, right)
        ):
            raise Unresolved(_text(node))
        return (left is right) == isinstance(op, ast.Is)
    if type(op) not in _COMPARE or not all(isinstance(v, _VALUES) for v in (left, right)):
        raise Unresolved(_text(node))
    try:
        return bool(_COMPARE[type(op)](left, right))
    except TypeError:
        raise Unresolved(_text(node)) from None


def _plain_fields(template: str) -> bool:
    """`"{app}.{}"`: fields that name an argument, no attribute or item lookups in them."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError:
        return False
    return all("." not in f and "[" not in f for f in fields)


def _iterable(value: Any, node: ast.AST) -> list[Any]:
    if isinstance(value, (tuple, list, frozenset)):
        return list(value)
    raise Unresolved(_text(node))


def _binds(statement: ast.stmt, name: str) -> bool:
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) in (name, "*"):
            return True
    return False


def _binds_target(target: ast.expr, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target))


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _defines(cls: Class, name: str) -> bool:
    return any(isinstance(s, ast.FunctionDef) and s.name == name for s in cls.node.body)


def _body(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    body = list(node.body)
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]
    return body


def _imported(evaluator: Evaluator, module: Module, statement: ast.Import | ast.ImportFrom) -> dict[str, Any]:
    names: dict[str, Any] = {}
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            target = alias.name if alias.asname else alias.name.split(".")[0]
            names[alias.asname or target] = evaluator._import(module, target)
        return names
    origin = evaluator._absolute(module, statement.module, statement.level)
    for alias in statement.names:
        if alias.name == "*":
            raise Unresolved(f"from {origin} import * (in a function)")
        names[alias.asname or alias.name] = evaluator.member(module, origin, alias.name)
    return names


def _local_imports(evaluator: Evaluator, module: Module, cls: ast.ClassDef) -> dict[str, Any]:
    """Names imported inside a class's methods (`from django.conf import settings`)."""
    names: dict[str, Any] = {}
    for node in ast.walk(cls):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            try:
                names.update(_imported(evaluator, module, node))
            except Unresolved:
                continue
    return names

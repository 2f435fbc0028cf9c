"""Static evaluation of the expressions `extract` kept: names are followed through imports and
module-level assignments (across the project's files) to literals, SQLAlchemy objects and
classes. Nothing is imported: a name that leads outside the project is an `Ext` with its
dotted path (`sqlalchemy.orm.mapped_column`, `datetime.datetime`)."""

from __future__ import annotations

import builtins
import functools
import operator
from dataclasses import dataclass, field
from typing import Any

from schemalint.read.python.modules import ModuleResolver
from schemalint.read.sqlalchemy.facts import Assignment, ClassFacts, FileFacts, Function, Setter

_BUILTINS = frozenset(dir(builtins))
# Modules never read from source: their names are `Ext`s whose meaning the reader knows
# (SQLAlchemy itself, and the libraries whose classes it recognizes by name).
_KNOWN_LIBRARIES = frozenset(
    {"typing", "typing_extensions", "datetime", "decimal", "uuid", "enum", "flask_sqlalchemy", "sqlmodel"}
)
# Calls whose arguments never reach the DDL, and keyword arguments whose value never does.
_OPAQUE_CALLS = frozenset(
    {
        "relationship",
        "relation",
        "backref",
        "synonym",
        "composite",
        "association_proxy",
        "column_property",
        "query_expression",
        "dynamic_loader",
        "validates",
    }
)
_PYTHON_SIDE_KEYWORDS = frozenset(
    {
        "default",
        "insert_default",
        "default_factory",
        "onupdate",
        "info",
        "doc",
        "repr",
        "init",
        "compare",
        "kw_only",
        "hash",
        "active_history",
        "deferred_group",
    }
)
_MAX_DEPTH = 40
_ENUM_CLASSES = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag", "enum.ReprEnum"})
# Arithmetic on two numbers (`|` is reached only with two ints: other operands make a Union).
_NUMBER_OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "//": operator.floordiv,
    "%": operator.mod,
    "|": operator.or_,
}


@functools.lru_cache(maxsize=4096)
def _sa_name(path: str) -> str | None:
    """`Ext.sa`, once per path (asked ~10 times per column)."""
    if not path.startswith("sqlalchemy"):
        return None
    parts = path.split(".")
    if "func" in parts:
        return "func." + ".".join(parts[parts.index("func") + 1 :])
    return parts[-1]


@dataclass(frozen=True)
class Ext:
    """Something outside the project, by its dotted path."""

    path: str

    @property
    def sa(self) -> str | None:
        """The SQLAlchemy name (`String`, `mapped_column`, `func.now`) or None."""
        return _sa_name(self.path)

    @property
    def dialect(self) -> str | None:
        parts = self.path.split(".")
        return parts[2] if len(parts) > 2 and parts[1] == "dialects" else None


@dataclass(frozen=True)
class Call:
    func: Any
    args: tuple
    kwargs: dict = field(hash=False, compare=False, default_factory=dict)
    text: str = ""

    @property
    def sa(self) -> str | None:
        return self.func.sa if isinstance(self.func, Ext) else None

    def kw(self, name: str, default=None):
        return self.kwargs.get(name, default)


@dataclass(frozen=True)
class Subscript:
    base: Any
    items: tuple


@dataclass(frozen=True)
class Union:
    left: Any
    right: Any


@dataclass(frozen=True)
class ClassRef:
    module: Module
    facts: ClassFacts = field(hash=False, compare=False)
    name: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.module.rel, self.facts.qualname or self.facts.name)


@dataclass(frozen=True)
class MemberRef:
    """`Owner.attr[.more]` where Owner is a project class (`Parent.id`, `Color.RED`)."""

    owner: ClassRef
    path: tuple[str, ...]


@dataclass(frozen=True)
class ModuleRef:
    module: Module


@dataclass(frozen=True)
class AttrOf:
    """An attribute of an evaluated value that is not a class (`Base.metadata`, `t.c.id`)."""

    base: Any
    path: tuple[str, ...]


@dataclass(frozen=True)
class SqlOp:
    """A Python operator applied to SQL expressions: a comparison (`t.c.state != "done"`) or
    `&` (AND); `|` (OR) evaluates to `Union`, as in annotations."""

    op: str
    left: Any
    right: Any


@dataclass(frozen=True)
class Invert:
    """`~x`: SQLAlchemy's negation of a SQL expression."""

    operand: Any


_DEFAULT_REASON = "cannot be resolved statically"


@dataclass(frozen=True)
class Unresolved:
    text: str
    reason: str = _DEFAULT_REASON


@dataclass(frozen=True)
class Lambda:
    module: Module
    body: tuple = field(hash=False, compare=False)


_GIVEN = Unresolved("<Python-side value>", "not evaluated: it never reaches the database")


class Module:
    """One file's facts with lookup tables."""

    def __init__(self, facts: FileFacts):
        self.facts = facts
        self.rel = facts.rel
        self.installed_rel: str | None = None
        """For a module read from an installed package: its path in its site folder
        (`authlib/integrations/sqla_oauth2/client_mixin.py`); its `rel` is absolute."""
        self.imports = {imp.local: imp for imp in facts.imports}
        self.assignments: dict[str, Assignment] = {}
        for assignment in facts.assignments:
            if assignment.value is not None:
                self.assignments[assignment.name] = assignment
        self.classes = {cls.name: cls for cls in facts.classes}
        self.star_imports = [imp for imp in facts.imports if imp.name == "*"]
        self.functions = set(facts.functions)
        self.function_bodies = {function.name: function for function in facts.function_bodies}

    def __repr__(self) -> str:
        return f"Module({self.rel})"

    def __hash__(self) -> int:
        return hash(self.rel)

    def __eq__(self, other) -> bool:
        return isinstance(other, Module) and other.rel == self.rel


def expr_text(expr) -> str:
    """A readable rendering of an expression for messages."""
    tag = expr[0]
    if tag == "ref":
        return expr[1]
    if tag == "const":
        return repr(expr[1])
    if tag == "call":
        args = [expr_text(a) for a in expr[2]] + [
            f"{k}={expr_text(v)}" if k else f"**{expr_text(v)}" for k, v in expr[3]
        ]
        return f"{expr_text(expr[1])}({', '.join(args)})"
    if tag in ("tuple", "list", "set"):
        return "(" + ", ".join(expr_text(e) for e in expr[1]) + ")"
    if tag == "sub":
        return f"{expr_text(expr[1])}[{', '.join(expr_text(e) for e in expr[2])}]"
    if tag == "attr":
        return f"{expr_text(expr[1])}.{expr[2]}"
    if tag in ("binop", "cmp"):
        return f"{expr_text(expr[2])} {expr[1]} {expr_text(expr[3])}"
    if tag == "invert":
        return f"~{expr_text(expr[1])}"
    if tag == "fstr":
        return "f" + repr("".join(p[1] if p[0] == "const" else "{" + expr_text(p) + "}" for p in expr[1]))
    if tag == "star":
        return "*" + expr_text(expr[1])
    if tag == "dict":
        return "{...}"
    return str(expr[1]) if len(expr) > 1 else tag


class Resolver:
    """Evaluates expressions in the context of a module; loads project modules on demand."""

    def __init__(self, modules: dict[str, Module], project, extract_text):
        self.modules = modules
        self.project = project
        self._installed = ModuleResolver(project) if project is not None else None
        self._extract_text = extract_text
        self._missing: set[str] = set()
        self._names: dict[tuple[str, str], Any] = {}
        self._extension_subclasses: dict[tuple[str, str], bool] = {}
        self._functions: dict[tuple[str, str, int], tuple[Module, Function] | None] = {}
        self.class_state: dict[tuple[str, str], dict[str, Any]] = {}
        """Class attributes set by a module-level call of a class-attribute setter (`run_setter`)."""

    # ------------------------------------------------------------------ modules

    def module_by_name(self, dotted: str, near: str | None) -> Module | None:
        """The project module `dotted` imported from the file `near`, else the installed one
        in the project's Python path (read, never imported: read/python/modules.py). The
        libraries whose meaning the reader knows stay `Ext` (never read from their source)."""
        if not dotted or dotted.split(".")[0] in _KNOWN_LIBRARIES or dotted.startswith("sqlalchemy"):
            return None
        if self.project is None:
            return None
        near_module = self.modules.get(near) if near is not None else None
        installed_near = near_module is not None and near_module.installed_rel is not None
        rel = self.project.module_file(dotted, None if installed_near else near)
        if rel is not None:
            return self.module_at(rel)
        found = self._installed.installed(dotted) if self._installed is not None else None
        if found is None:
            return None
        return self.module_at(found.path, found.installed_rel)

    def module_at(self, rel: str, installed_rel: str | None = None) -> Module | None:
        if rel in self.modules:
            return self.modules[rel]
        if rel in self._missing or self.project is None:
            return None
        text = self.project.read_text(rel)
        if text is None:
            self._missing.add(rel)
            return None
        module = Module(self._extract_text(text, rel))
        module.installed_rel = installed_rel
        self.modules[rel] = module
        return module

    def absolute(self, module: Module, imported: str, level: int) -> str:
        if level == 0:
            return imported
        package = (module.installed_rel or module.rel).split("/")[:-1]
        if level > 1:
            package = package[: len(package) - (level - 1)]
        prefix = ".".join(package)
        return f"{prefix}.{imported}" if imported and prefix else (imported or prefix)

    # ------------------------------------------------------------------ names

    def lookup(self, module: Module, name: str, depth: int = 0) -> Any:
        """What `name` means at module level in `module` (memoized: module-level names are
        looked up for every class and attribute that uses them)."""
        key = (module.rel, name)
        if key in self._names:
            return self._names[key]
        value = self._lookup(module, name, depth)
        if not (isinstance(value, Unresolved) and value.reason in ("reference cycle", "expression too deep or cyclic")):
            self._names[key] = value
        return value

    def _lookup(self, module: Module, name: str, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            return Unresolved(name, "reference cycle")
        if name in module.classes:
            return ClassRef(module, module.classes[name], name)
        if name in module.assignments:
            assignment = module.assignments[name]
            return self.evaluate(module, assignment.value, depth + 1)
        if name in module.imports:
            return self._imported(module, module.imports[name], depth + 1)
        if name in module.functions:
            return Unresolved(
                name, f"'{name}' is a function of {module.rel}; what it returns is only known when it runs"
            )
        external_star = None
        for star in module.star_imports:
            target = self.module_by_name(self.absolute(module, star.module, star.level), module.rel)
            if target is not None and target is not module:
                found = self.lookup(target, name, depth + 1)
                if not isinstance(found, Unresolved):
                    return found
            elif target is None and external_star is None and star.level == 0:
                external_star = star.module
        if name in _BUILTINS:
            return Ext(f"builtins.{name}")
        if external_star is not None:  # `from sqlalchemy import *`: assume the name comes from there
            return Ext(f"{external_star}.{name}")
        return Unresolved(name, f"'{name}' is not defined or imported in {module.rel}")

    def _imported(self, module: Module, imp, depth: int) -> Any:
        dotted = self.absolute(module, imp.module, imp.level)
        if imp.name is None:  # import a.b as x / import a
            target = self.module_by_name(dotted, module.rel)
            return ModuleRef(target) if target is not None else Ext(dotted)
        source = self.module_by_name(dotted, module.rel) if dotted else None
        if source is None and imp.level and not imp.module:
            source = None
        # `from pkg import sub` in pkg/__init__.py itself (under TYPE_CHECKING, for a package that
        # imports its submodules lazily) names the submodule, not this very import again
        itself = source is module and module.imports.get(imp.name) is imp
        if source is not None:
            if not itself and (
                imp.name in source.classes
                or imp.name in source.assignments
                or imp.name in source.imports
                or imp.name in source.functions
                or source.star_imports
            ):
                return self.lookup(source, imp.name, depth)
            submodule = self.module_by_name(f"{dotted}.{imp.name}", module.rel)
            if submodule is not None:
                return ModuleRef(submodule)
            return Unresolved(imp.name, f"'{imp.name}' is not defined in {source.rel}")
        submodule = self.module_by_name(f"{dotted}.{imp.name}" if dotted else imp.name, module.rel)
        if submodule is not None:
            return ModuleRef(submodule)
        return Ext(f"{dotted}.{imp.name}" if dotted else imp.name)

    def attribute(self, value: Any, name: str, depth: int = 0) -> Any:
        if isinstance(value, Call) and _flask().is_db(value):  # `db.Column`, `db.Model`, ...
            return _flask().attribute(value, name)
        if isinstance(value, Ext):
            return Ext(f"{value.path}.{name}")
        if isinstance(value, ModuleRef):
            return self.lookup(value.module, name, depth + 1)
        if isinstance(value, ClassRef):
            for nested in value.facts.nested:
                if nested.name == name:
                    return ClassRef(value.module, nested, nested.name)
            state = self.class_state.get(value.key)
            if state is not None and name in state:
                return state[name]
            setter = next((s for s in setters_of(value) if any(a[0] == name for a in s.assigns)), None)
            if setter is not None:  # no call of it was found: what it sets is decided when it runs
                shown = f"{value.facts.name}.{name}"
                return Unresolved(shown, f"{shown} is set by {value.facts.name}.{setter.name}() when that runs")
            return MemberRef(value, (name,))
        if isinstance(value, MemberRef):
            if name == "value" and len(value.path) == 1 and self.enum_bases(value.owner) is not None:
                return self.enum_value(value)
            return MemberRef(value.owner, value.path + (name,))
        if isinstance(value, AttrOf):
            return AttrOf(value.base, value.path + (name,))
        if isinstance(value, Unresolved):
            return value
        return AttrOf(value, (name,))

    # ------------------------------------------------------------------ enums

    def enum_bases(self, cls: ClassRef, depth: int = 0) -> list[ClassRef | Ext] | None:
        """The classes `cls` inherits from, itself first (depth first, as its MRO is for the
        usual single lines), when it is a Python Enum class; else None."""
        lineage: list[ClassRef | Ext] = [cls]
        is_enum = False
        for base in cls.facts.bases:
            parent = self.evaluate(cls.module, base)
            if isinstance(parent, Ext):
                lineage.append(parent)
                is_enum = is_enum or parent.path in _ENUM_CLASSES
            elif isinstance(parent, ClassRef) and parent.key != cls.key and depth < _MAX_DEPTH:
                above = self.enum_bases(parent, depth + 1)
                if above is not None:
                    is_enum = True
                lineage += above if above is not None else [parent]
        return lineage if is_enum else None

    def enum_value(self, ref: MemberRef) -> Any:
        """`Color.RED.value`: the value assigned to the member when it is a literal; for `auto()`
        (`enum.auto()`, or a static method of the enum that returns it), the member's name when
        the enum's `_generate_next_value_` returns its first parameter (the name), lower-cased
        under StrEnum's own. Unresolved otherwise (a custom `__new__`, a computed value, ...)."""
        text = ".".join((ref.owner.facts.name, *ref.path, "value"))
        lineage = self.enum_bases(ref.owner) or []
        classes = [c for c in lineage if isinstance(c, ClassRef)]
        if any(m.name == "__new__" for c in classes for m in c.facts.members):
            return Unresolved(text, f"{ref.owner.facts.name} defines __new__")
        member = next((m for m in ref.owner.facts.members if m.name == ref.path[0] and m.kind == "assign"), None)
        if member is None or member.value is None:
            return Unresolved(text, f"{ref.path[0]} is not a member of {ref.owner.facts.name}")
        value = self.evaluate(ref.owner.module, member.value)
        if isinstance(value, (str, int, float)):
            return value
        if not self._is_auto(value):
            return Unresolved(text)
        for owner in lineage:
            if isinstance(owner, Ext):
                if owner.path == "enum.StrEnum":
                    return ref.path[0].lower()
                continue
            chooser = next((m for m in owner.facts.members if m.name == "_generate_next_value_"), None)
            if chooser is not None:
                if chooser.kind == "def" and chooser.params and chooser.value == ("ref", chooser.params[0]):
                    return ref.path[0]
                return Unresolved(text, f"{owner.facts.name}._generate_next_value_ computes it")
        return Unresolved(text, "auto() numbers the members")

    def _is_auto(self, value: Any) -> bool:
        func = value.func if isinstance(value, Call) else None
        if isinstance(func, Ext):
            return func.path == "enum.auto"
        if isinstance(func, MemberRef) and len(func.path) == 1:  # a static method returning auto()
            method = next((m for m in func.owner.facts.members if m.name == func.path[0] and m.kind == "def"), None)
            if method is not None and method.value is not None and method.value[0] == "call":
                returned = self.evaluate(func.owner.module, method.value)
                return (
                    isinstance(returned, Call) and isinstance(returned.func, Ext) and returned.func.path == "enum.auto"
                )
        return False

    def str_enum(self, value: Any) -> bool:
        """Whether `value` is a member of an Enum that is also a `str` (`class S(str, Enum)`,
        StrEnum): SQLAlchemy takes such a member where it takes a string."""
        if not (isinstance(value, MemberRef) and len(value.path) == 1):
            return False
        lineage = self.enum_bases(value.owner)
        return lineage is not None and any(
            isinstance(c, Ext) and c.path in ("builtins.str", "enum.StrEnum") for c in lineage
        )

    def compiled_sql(self, cls: ClassRef) -> str | Unresolved | None:
        """The SQL a `@compiles(cls, "postgresql")` function (else a `@compiles(cls)` one) of
        the class's module returns, when its `return` is a literal string; None when no such
        function is there (Unresolved when what it returns cannot be told)."""
        module = cls.module
        chosen = None
        for name, decorator in module.facts.compiles:
            func = self.evaluate(module, decorator[1])
            args = [self.evaluate(module, a) for a in decorator[2]]
            if not (isinstance(func, Ext) and func.path == "sqlalchemy.ext.compiler.compiles" and args):
                continue
            if not (isinstance(args[0], ClassRef) and args[0].key == cls.key):
                continue
            if "postgresql" in args[1:]:
                chosen = name
                break
            if len(args) == 1:
                chosen = name
        if chosen is None:
            return None
        body = module.function_bodies.get(chosen)
        value = self.evaluate(module, body.returns) if body is not None else None
        if isinstance(value, str):
            return value
        return Unresolved(f"{cls.facts.name}()", f"what {chosen}() compiles it to is only known when it runs")

    # ------------------------------------------------------------------ expressions

    def evaluate(self, module: Module, expr, depth: int = 0, scope: dict[str, Any] | None = None) -> Any:
        """The value of `expr` in `module`; `scope` holds local names that hide module-level
        ones (a class body's earlier attributes and nested classes, a loop's variables)."""
        if expr is None:
            return None
        if depth > _MAX_DEPTH:
            return Unresolved(expr_text(expr), "expression too deep or cyclic")

        tag = expr[0]
        if tag == "const":
            return expr[1]
        if tag == "ref":
            head, *rest = expr[1].split(".")
            value = scope[head] if scope and head in scope else self.lookup(module, head, depth + 1)
            for part in rest:
                value = self.attribute(value, part, depth + 1)
            return value

        def sub(item) -> Any:
            return self.evaluate(module, item, depth + 1, scope)

        if tag == "attr":
            return self.attribute(sub(expr[1]), expr[2], depth + 1)
        if tag == "call":
            function = self._function(module, expr[1], depth + 1)
            if function is not None:
                computed = self._call_function(function[0], function[1], expr, depth + 1, sub)
                if computed is not None:
                    return computed
            func = sub(expr[1])
            if isinstance(func, ClassRef) and self._plain_extension_subclass(func):
                func = Ext("flask_sqlalchemy.SQLAlchemy")  # `class DB(SQLAlchemy): <helpers>`; `db = DB()`
            if isinstance(func, Ext) and func.sa in _OPAQUE_CALLS:
                # relationship(...) & co. never contribute DDL: don't chase their arguments
                return Call(func, (), {}, expr_text(expr))
            args = tuple(sub(a) if a[0] != "star" else Unresolved(expr_text(a)) for a in expr[2])
            kwargs = {}
            for key, value in expr[3]:
                if key is None:
                    spread = sub(value)
                    if isinstance(spread, dict):
                        kwargs.update({k: v for k, v in spread.items() if isinstance(k, str)})
                    continue
                if key in _PYTHON_SIDE_KEYWORDS:
                    # Python-side values: only whether they are given matters, not what they are
                    kwargs[key] = None if value == ("const", None) else _GIVEN
                    continue
                kwargs[key] = sub(value)
            if _as_mutable(func) and args:  # `MutableDict.as_mutable(JSON)` is the type it wraps
                return args[0]
            if isinstance(func, Ext) and func.path in _CASTS and len(args) == 2 and not kwargs:
                return args[1]  # `typing.cast(T, value)` is `value`
            if not isinstance(func, (Ext, Call)) and getattr(func, "sa", None) == "Table":
                return _flask().table_call(func, args, kwargs, expr_text(expr))  # `db.Table(...)`
            computed = _python_call(func, args, kwargs)
            if computed is not None:
                return computed
            formatted = _str_format(func, args, kwargs)
            return formatted if formatted is not None else Call(func, args, kwargs, expr_text(expr))
        if tag in ("tuple", "list", "set"):
            items: list[Any] = []
            for item in expr[1]:
                if item[0] == "star":
                    spread = sub(item[1])
                    items.extend(spread if isinstance(spread, tuple) else [Unresolved(expr_text(item))])
                else:
                    items.append(sub(item))
            return tuple(items)
        if tag == "dict":
            result = {}
            for key, value in expr[1]:
                if key is None:
                    spread = sub(value)
                    if isinstance(spread, dict):
                        result.update(spread)
                    continue
                k = sub(key)
                try:
                    result[k] = sub(value)
                except TypeError:  # unhashable key
                    pass
            return result
        if tag == "sub":
            return Subscript(sub(expr[1]), tuple(sub(i) for i in expr[2]))
        if tag == "binop":
            return self._binop(expr[1], sub(expr[2]), sub(expr[3]), expr)
        if tag == "cmp":
            return SqlOp(expr[1], sub(expr[2]), sub(expr[3]))
        if tag == "invert":
            return Invert(sub(expr[1]))
        if tag == "fstr":
            parts = [sub(p) for p in expr[1]]
            if all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in parts):
                return "".join(str(p) for p in parts)
            why = next((p.reason for p in parts if isinstance(p, Unresolved) and p.reason != _DEFAULT_REASON), None)
            return Unresolved(expr_text(expr), why or _DEFAULT_REASON)
        if tag == "lambda":
            return Lambda(module, expr[1])
        return Unresolved(expr_text(expr))

    def _plain_extension_subclass(self, cls: ClassRef, depth: int = 0) -> bool:
        """A project subclass of Flask-SQLAlchemy's `SQLAlchemy` that overrides nothing deciding
        the mapping (its constructor, `Model`, `Table`, metadata or base-class makers)."""
        if cls.key not in self._extension_subclasses:
            self._extension_subclasses[cls.key] = False  # (guards cycles)
            plain = depth <= 10 and not any(member.name in _EXTENSION_HOOKS for member in cls.facts.members)
            self._extension_subclasses[cls.key] = plain and any(
                _flask().is_extension_class(value)
                or (isinstance(value, ClassRef) and self._plain_extension_subclass(value, depth + 1))
                for value in (self.evaluate(cls.module, base, depth + 1) for base in cls.facts.bases)
            )
        return self._extension_subclasses[cls.key]

    # ------------------------------------------------------------------ class-attribute setters

    def run_setter(self, module: Module, owner: ClassRef, setter: Setter, expr) -> list[tuple[str, Any, int, int]]:
        """Call `setter` of `owner` as `expr` (written in `module`) does: its parameters bound to
        the call's arguments (or their defaults), each `cls.<attr> = <value>` evaluated in order
        and kept in `class_state` (a later read of `Owner.attr` is that value). Returns what was
        set: (attr, value, line, col). An attribute two calls set to different values is unknown."""
        scope = self._bind(module, owner.module, setter.params[1:], setter.varargs, expr)
        state = self.class_state.setdefault(owner.key, {})
        done = []
        for attr, value_expr, line, col in setter.assigns:
            if scope is None or value_expr is None:
                value: Any = Unresolved(f"{owner.facts.name}.{attr}", f"set by {setter.name}() in a way not followed")
            else:
                value = self.evaluate(owner.module, value_expr, scope={**scope, setter.params[0][0]: owner})
            if attr in state and state[attr] != value:
                value = Unresolved(f"{owner.facts.name}.{attr}", f"set to different values by calls of {setter.name}()")
            state[attr] = value
            done.append((attr, value, line, col))
        return done

    def _bind(self, module: Module, home: Module, params, varargs: bool, expr) -> dict[str, Any] | None:
        """The parameters of a call `expr` (in `module`) of a function of `home` whose own
        parameters are `params` (defaults evaluated in `home`); None when they cannot be bound."""
        args, kwargs = expr[2], expr[3]
        if varargs or any(a[0] == "star" for a in args) or any(k is None for k, _ in kwargs) or len(args) > len(params):
            return None
        scope: dict[str, Any] = {}
        for (name, _), arg in zip(params, args, strict=False):
            scope[name] = self.evaluate(module, arg)
        names = {name for name, _ in params}
        for key, value in kwargs:
            if key not in names or key in scope:
                return None
            scope[key] = self.evaluate(module, value)
        for name, default in params:
            if name not in scope:
                if default is None:
                    return None
                scope[name] = self.evaluate(home, default)
        return scope

    # ------------------------------------------------------------------ functions

    def _function(self, module: Module, func, depth: int) -> tuple[Module, Function] | None:
        """The module-level function `func` names (defined in `module` or imported into it).
        Memoized: every call expression asks it for its callee (`Column`, `String`, ...)."""
        if func[0] != "ref" or "." in func[1] or depth > _MAX_DEPTH:
            return None
        key = (module.rel, func[1], depth)
        if key not in self._functions:
            self._functions[key] = self._find_function(module, func[1], depth)
        return self._functions[key]

    def _find_function(self, module: Module, name: str, depth: int) -> tuple[Module, Function] | None:
        if name in module.function_bodies:
            return module, module.function_bodies[name]
        imp = module.imports.get(name)
        if imp is None or imp.name is None:
            return None
        source = self.module_by_name(self.absolute(module, imp.module, imp.level), module.rel)
        if source is None:
            return None
        if imp.name in source.function_bodies:
            return source, source.function_bodies[imp.name]
        if imp.name in source.imports:  # re-exported (`from .base import create_registry`)
            return self._function(source, ("ref", imp.name), depth + 1)
        return None

    def _call_function(self, module: Module, function: Function, expr, depth: int, sub) -> Any:
        """The value a call of `function` returns, evaluated with its parameters bound to the
        call's arguments (or their defaults) and its body's plain bindings; None when an
        argument cannot be bound or the value depends on what the body changes."""
        args, kwargs = expr[2], expr[3]
        if function.varargs or any(a[0] == "star" for a in args) or any(k is None for k, _ in kwargs):
            return None
        if len(args) > len(function.params):
            return None
        names = [name for name, _ in function.params]
        scope: dict[str, Any] = {}
        for (name, _), arg in zip(function.params, args, strict=False):
            scope[name] = sub(arg)
        for key, value in kwargs:
            if key not in names or key in scope:
                return None
            scope[key] = sub(value)
        for name, default in function.params:
            if name not in scope:
                if default is None:
                    return None
                scope[name] = self.evaluate(module, default, depth + 1)
        for name in function.changed:
            scope[name] = Unresolved(name, f"'{name}' is changed by {function.name}() when it runs")
        for imp in function.imports:
            scope[imp.local] = self._imported(module, imp, depth + 1)
        for name, value in function.bindings:
            scope[name] = self.evaluate(module, value, depth + 1, dict(scope))
        for name, arg, guard, maybe in function.updates:
            if guard is not None and scope.get(guard) is None:
                continue  # `if <guard> is not None:` with the parameter None: never runs
            scope[name] = _updated(scope.get(name), self.evaluate(module, arg, depth + 1, dict(scope)), maybe)
        result = self.evaluate(module, function.returns, depth + 1, scope)
        return None if isinstance(result, Unresolved) else result

    def _binop(self, op: str, left, right, expr) -> Any:
        if op == "|" and isinstance(left, dict) and isinstance(right, dict):
            return {**left, **right}
        if op == "|" and not (isinstance(left, int) and isinstance(right, int)):
            return Union(left, right)
        numbers = (int, float)
        if isinstance(left, numbers) and isinstance(right, numbers) and not isinstance(left, bool):
            try:
                return _NUMBER_OPERATORS[op](left, right)
            except (ZeroDivisionError, TypeError, KeyError):
                pass
        if op == "+" and isinstance(left, str) and isinstance(right, str):
            return left + right
        if op == "+" and isinstance(left, tuple) and isinstance(right, tuple):
            return left + right
        if op == "%" and isinstance(left, str) and _literals(right if isinstance(right, tuple) else (right,)):
            try:
                return left % right
            except (TypeError, ValueError, KeyError):
                pass
        if op == "&":
            return SqlOp("&", left, right)
        return Unresolved(expr_text(expr))


_EXTENSION_HOOKS = frozenset(
    {
        "__init__",
        "__new__",
        "__getattr__",
        "Model",
        "Table",
        "metadata",
        "_make_declarative_base",
        "_make_metadata",
        "_make_table_class",
    }
)
_CASTS = frozenset({"typing.cast", "typing_extensions.cast"})


def _flask():
    from schemalint.read.sqlalchemy import flask

    return flask


def setters_of(cls: ClassRef) -> list[Setter]:
    """The class-attribute setters (`@classmethod`s setting `cls.<attr>`) a class declares."""
    qualname = cls.facts.qualname or cls.facts.name
    return [setter for setter in cls.module.facts.setters if setter.owner == qualname]


def _literals(values: tuple) -> bool:
    return all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values)


@dataclass(frozen=True)
class Regex:
    """`re.compile(pattern, flags)` with literal arguments."""

    pattern: str
    flags: int = 0


_STR_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "replace", "title", "capitalize"})


def _python_call(func, args: tuple, kwargs: dict) -> Any:
    """Pure standard-library calls on literals, computed as Python would: `re.compile(p)`,
    `pattern.sub(repl, s)`, `re.sub(p, repl, s)`, `s.lower()` and the like. None for any
    other call."""
    import re

    if kwargs:
        return None
    if isinstance(func, Ext) and func.path == "re.compile" and args and isinstance(args[0], str):
        flags = args[1] if len(args) > 1 else 0
        return Regex(args[0], flags) if isinstance(flags, int) and not isinstance(flags, bool) else None
    if isinstance(func, Ext) and func.path == "re.sub" and len(args) == 3:
        regex, repl, string = Regex(args[0]) if isinstance(args[0], str) else args[0], args[1], args[2]
    elif isinstance(func, AttrOf) and isinstance(func.base, Regex) and func.path == ("sub",) and len(args) == 2:
        regex, repl, string = func.base, args[0], args[1]
    elif isinstance(func, AttrOf) and isinstance(func.base, str) and len(func.path) == 1:
        if func.path[0] not in _STR_METHODS or not all(isinstance(a, str) for a in args):
            return None
        try:
            return getattr(func.base, func.path[0])(*args)
        except (TypeError, ValueError):
            return None
    else:
        return None
    if not (isinstance(regex, Regex) and isinstance(repl, str) and isinstance(string, str)):
        return None
    try:
        return re.sub(re.compile(regex.pattern, regex.flags), repl, string)
    except (re.error, TypeError, ValueError, IndexError):
        return None


class MaybeDict(dict):
    """A dict some of whose keys may have been changed by code that may not run (`maybe`):
    what it holds for those keys is unknown."""

    maybe: frozenset = frozenset()


def _updated(target, added, maybe: bool) -> Any:
    """`target.update(added)`, as a dict; Unresolved when either is not a readable dict."""
    if not isinstance(target, dict) or not isinstance(added, dict):
        return Unresolved("dict.update", "a dict changed by code that cannot be read")
    if any(isinstance(key, Unresolved) for key in added):
        return Unresolved("dict.update", "a dict changed with keys that cannot be read")
    result = MaybeDict(target)
    result.maybe = getattr(target, "maybe", frozenset())
    if maybe:
        result.maybe = result.maybe | frozenset(added)
    else:
        result.update(added)
        result.maybe = result.maybe - frozenset(added)
    return result


def _as_mutable(func) -> bool:
    """`Mutable*.as_mutable`: SQLAlchemy's (sqlalchemy.ext.mutable) or a project subclass's."""
    if isinstance(func, Ext):
        return func.path.startswith("sqlalchemy.ext.mutable.") and func.path.endswith(".as_mutable")
    return isinstance(func, MemberRef) and func.path[-1:] == ("as_mutable",)


def _str_format(func, args: tuple, kwargs: dict) -> str | None:
    """`"{}_log".format(name)` with literal arguments; None for any other call."""
    if not (isinstance(func, AttrOf) and isinstance(func.base, str) and func.path == ("format",)):
        return None
    if not (_literals(args) and _literals(tuple(kwargs.values()))):
        return None
    try:
        return func.base.format(*args, **kwargs)
    except (IndexError, KeyError, ValueError):
        return None

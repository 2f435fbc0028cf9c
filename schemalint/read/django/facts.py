"""The plain, picklable facts `extract` keeps from one Python file.

Expressions are kept as values, not evaluated: a literal is its Python value (int, str,
tuple, ...); anything that needs the rest of the project (a name, a call, arithmetic on
names) is a small frozen record that `link` resolves once every file is known.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemalint.model import Diagnostic


@dataclass(frozen=True, slots=True)
class Ref:
    """A name as written: `NAME_LEN`, `models.CASCADE`, `settings.AUTH_USER_MODEL`."""

    dotted: str


@dataclass(frozen=True, slots=True)
class Call:
    """`func(*args, **kwargs)` with `func` as a dotted name (None when it is not a name)."""

    func: str | None
    args: tuple = ()
    kwargs: tuple[tuple[str, object], ...] = ()
    star: bool = False
    """The call passes `*args`/`**kwargs` we cannot see through."""

    def kw(self, name: str, default=None):
        for key, value in self.kwargs:
            if key == name:
                return value
        return default

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.kwargs)


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: object


@dataclass(frozen=True, slots=True)
class Spread:
    """`*OtherModel.Meta.indexes` inside a list: its items, spliced in."""

    value: object


@dataclass(frozen=True, slots=True)
class FString:
    """An f-string: literal text and expressions (without format specs) in order."""

    parts: tuple


@dataclass(frozen=True, slots=True)
class Mapping:
    items: tuple[tuple[object, object], ...]


@dataclass(frozen=True, slots=True)
class Opaque:
    """An expression we keep only as its source text (a lambda, a comprehension, ...)."""

    text: str


@dataclass(frozen=True, slots=True)
class Assign:
    name: str
    value: object
    line: int
    col: int
    items: tuple[tuple[int, int], ...] = ()
    """For a list of calls (`indexes = [models.Index(...), ...]`): where each call starts."""


@dataclass(frozen=True, slots=True)
class FieldInit:
    """What a project field class's `__init__` does to its keyword arguments."""

    defaults: tuple[tuple[str, object], ...] = ()
    """`def __init__(self, max_digits=12, ...)` / `kwargs.setdefault("max_digits", 12)`."""
    forced: tuple[tuple[str, object], ...] = ()
    """`kwargs["max_length"] = 20` / `super().__init__(max_length=20, ...)`."""
    params: tuple[str, ...] = ()
    """The positional parameters after `self`, in order (`VectorField(512)`)."""
    attributes: tuple[tuple[str, str], ...] = ()
    """`self.dimensions = dimensions`: attribute -> the parameter it is set from."""


@dataclass(frozen=True, slots=True)
class ClassFact:
    name: str
    bases: tuple[object, ...]
    line: int
    col: int
    body: tuple[Assign, ...] = ()
    meta: tuple[Assign, ...] | None = None
    meta_bases: tuple[str, ...] = ()
    init: FieldInit | None = None
    db_type: tuple[object, ...] = ()
    """What each `return` of `def db_type(self, connection)` returns (empty: no such method;
    `(None,)`: the field makes no column)."""
    internal_type: str | None = None
    """A literal returned by `def get_internal_type(self)`."""
    keywords: tuple[tuple[str, object], ...] = ()
    """Class keywords (`class Model(models.Model, metaclass=...)`)."""
    methods: tuple[str, ...] = ()
    """Names the body binds with `def` or `class` (they hide an abstract parent's field)."""
    conditional: tuple[Assign, ...] = ()
    """Assignments in the body under `if`/`try`/`for`/`with`: whether they run is not static."""
    meta_conditional: tuple[Assign, ...] = ()
    """The same inside `class Meta`."""
    mptt_meta: tuple[tuple[str, object], ...] = ()
    """`name = value` of django-mptt's `class MPTTMeta` in the body (its `*_attr` names)."""


@dataclass(frozen=True, slots=True)
class Branch:
    """One block of a module-level `if`/`elif`/`else` chain."""

    conditions: tuple[tuple[object, bool], ...]
    """(test, the truth it must have) for each test before and of this block."""
    classes: tuple[int, ...] = ()
    """The lines of the classes the block defines (in `conditional_classes`)."""
    constants: tuple[Assign, ...] = ()
    """Its simple `name = value` statements."""


@dataclass(frozen=True, slots=True)
class ModuleFacts:
    rel: str
    package: str
    """The dotted package the file sits in, from its path (`app_django.apps.options`)."""
    module: str
    """The file's own dotted name (`app_django.apps.options.models`)."""
    imports: tuple[tuple[str, str], ...] = ()
    """local name -> absolute dotted target; `*` for star imports."""
    constants: tuple[Assign, ...] = ()
    classes: tuple[ClassFact, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    functions: tuple[str, ...] = ()
    """Names of module-level functions (a call to one in a model body may build a field)."""
    conditional_classes: tuple[ClassFact, ...] = ()
    """Classes defined under a module-level `if`/`try`: which branch runs is not static."""
    branches: tuple[Branch, ...] = ()
    """The blocks of module-level `if`/`elif`/`else` chains (their classes are conditional)."""

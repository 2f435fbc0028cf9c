"""The picklable facts `extract` keeps about one Python file.

Expressions are kept as small tagged tuples (cheap to pickle, easy to match):

* `("ref", "sa.orm.mapped_column")` a name or a dotted chain of names;
* `("const", value)` a str/int/float/bool/None literal;
* `("call", func, args, kwargs)` with `args` a tuple of expressions (a `*x` argument is
  `("star", expr)`) and `kwargs` a tuple of `(name, expr)` (`**x` has name None);
* `("tuple" | "list" | "set", items)`, `("dict", ((key, value), ...))`;
* `("sub", base, items)` a subscript `base[items]`;
* `("attr", base, name)` an attribute of something that is not a plain name chain;
* `("binop", op, left, right)` (`|`, `&`, arithmetic), `("cmp", op, left, right)` (one
  comparison: `==`, `!=`, `<`, ...), `("invert", operand)` (`~x`), `("lambda", body)`;
* `("fstr", parts)` an f-string: each part a `("const", text)` or an expression;
* `("other", source_text)` anything else, kept as text for messages and raw SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Expr = tuple


@dataclass(frozen=True, slots=True)
class Import:
    """`local` is bound by an import: `module` is the absolute or relative (`level` dots)
    module; `name` is the imported attribute, or None for `import module [as local]`."""

    local: str
    module: str
    name: str | None
    level: int = 0


@dataclass(frozen=True, slots=True)
class Member:
    """One statement of a class body that may declare something: `x: A = v`, `x = v`, or a
    method (`kind == "def"`, `value` = the returned expression, `decorators` set)."""

    name: str
    annotation: Expr | None
    value: Expr | None
    line: int
    col: int
    kind: str = "assign"
    decorators: tuple[Expr, ...] = ()
    calls: tuple[tuple[str, int, int], ...] = ()
    """Where the statement's key calls are written, in text order: (`ForeignKey`, line, col),
    ... so each key / index / constraint can be located at its own call."""
    params: tuple[str, ...] = ()
    """A method's positional parameters (`cls`, `self`, `name`, ...)."""


@dataclass(frozen=True, slots=True)
class ClassFacts:
    name: str
    bases: tuple[Expr, ...]
    keywords: tuple[tuple[str, Expr], ...]
    decorators: tuple[Expr, ...]
    docstring: str | None
    members: tuple[Member, ...]
    line: int
    col: int
    nested: tuple[ClassFacts, ...] = ()
    """Classes defined in the class body (`class Status(enum.Enum)` inside a model)."""
    qualname: str = ""
    """`Outer.Status` for a nested class; empty for a module-level one."""
    condition: str | None = None
    """The test of the module-level runtime `if` the class is declared under."""
    runtime: tuple[tuple[str, int, int], ...] = ()
    """Class-body statements whose members are decided when the code runs (a runtime `if`,
    `try`, `for`, `with`): (what, line, col). `if TYPE_CHECKING:` is not one of them: its
    `else:` branch is read as the body it is at runtime."""
    runtime_members: tuple[tuple[int, tuple[Member, ...]], ...] = ()
    """For a `runtime` statement (by its line) whose branches hold only imports, assignments and
    methods: the members any branch may declare."""


@dataclass(frozen=True, slots=True)
class Assignment:
    name: str
    value: Expr | None
    """None for an annotation without a value (`id: Mapped[int]`)."""
    line: int
    col: int
    annotation: Expr | None = None
    calls: tuple[tuple[str, int, int], ...] = ()
    condition: str | None = None
    """The test of the runtime `if` the assignment is under."""


@dataclass(frozen=True, slots=True)
class Loop:
    """A module-level `for <targets> in <iterable>:` and the calls its body makes (`Table(...)`
    as a statement or as the value of an assignment), each with where it is written."""

    targets: tuple[str, ...]
    """The loop variable, or the names of a `for a, b in ...` tuple target."""
    iterable: Expr | None
    """None when the target is not plain names (it cannot be unrolled)."""
    body: tuple[tuple[Expr, int, int, tuple[tuple[str, int, int], ...]], ...]
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Function:
    """A module-level function an evaluator can compute: the value of `returns` with its
    parameters bound (a default when not passed) and the top-level `bindings`; a name in
    `changed` is unknown (the body changes it in a way that is not followed)."""

    name: str
    params: tuple[tuple[str, Expr | None], ...]
    bindings: tuple[tuple[str, Expr], ...]
    changed: tuple[str, ...]
    returns: Expr
    varargs: bool = False
    updates: tuple[tuple[str, Expr, str | None, bool], ...] = ()
    """`name.update(arg)` of a bound dict (read/python/functions.py FunctionBody.updates)."""
    imports: tuple[Import, ...] = ()
    """Imports in the body, seen by its expressions."""


@dataclass(frozen=True, slots=True)
class Setter:
    """A `@classmethod` of a module's class that sets class attributes (read/python/functions.py
    ClassSetter): a module-level call of it (`FsModels.set_db_info(db)`) leaves them on the class.
    An assigned value of None could not be read."""

    owner: str
    name: str
    params: tuple[tuple[str, Expr | None], ...]
    assigns: tuple[tuple[str, Expr | None, int, int], ...]
    varargs: bool = False


@dataclass(frozen=True, slots=True)
class FileFacts:
    rel: str
    imports: tuple[Import, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    classes: tuple[ClassFacts, ...] = ()
    calls: tuple[tuple[Expr, int, int], ...] = ()
    """Module-level expression statements that are calls (`Index(...)`), with line/col."""
    functions: tuple[str, ...] = ()
    """Names of module-level functions (their results cannot be known statically)."""
    loops: tuple[Loop, ...] = ()
    runtime_tables: tuple[tuple[str, str, int, int], ...] = ()
    """`Table(...)` calls made inside a function or method body (they run only when it is
    called, with the arguments it is given): (func as written, function, line, col)."""
    function_bodies: tuple[Function, ...] = ()
    """What the module-level functions that end in a `return` compute (read/python/functions.py)."""
    compiles: tuple[tuple[str, Expr], ...] = ()
    """Module-level functions decorated `@compiles(Element, "dialect", ...)`: (function, decorator call)."""
    diagnostics: tuple[Any, ...] = ()
    parsed: bool = True
    setters: tuple[Setter, ...] = ()
    """Class-attribute setters of the module's classes."""

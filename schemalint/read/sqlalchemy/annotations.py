"""`Mapped[...]` annotations: whether they make the column Optional, the mapped_column()
defaults an `Annotated[...]` alias carries, and the SQL type SQLAlchemy picks for the Python
type (the base's `type_annotation_map` first, then SQLAlchemy's defaults, Enum classes and
`Literal[...]`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from schemalint.read.sqlalchemy.resolve import Call, ClassRef, Ext, Subscript, Union
from schemalint.read.sqlalchemy.sqltypes import ANNOTATION_DEFAULTS, TypeInfo, TypeProblem, TypeRenderer


@dataclass(frozen=True)
class Unwrapped:
    optional: bool
    python_type: Any
    """The type under Optional / `| None` / Annotated."""
    annotated: tuple[Call, ...]
    """mapped_column(...) calls carried by Annotated[...] aliases, outermost last."""


@dataclass(frozen=True)
class Resolution:
    """What an annotation maps to: a type object to render, a finished TypeInfo (enums), a
    relationship target (no column), or a problem to report."""

    type_value: Any = None
    info: TypeInfo | None = None
    relationship: bool = False
    problem: str | None = None


def mapped_inner(annotation):
    """X of `Mapped[X]`, or None for any other annotation."""
    if (
        isinstance(annotation, Subscript)
        and isinstance(annotation.base, Ext)
        and annotation.base.sa == "Mapped"
        and annotation.items
    ):
        return annotation.items[0]
    return None


def strip_optional(value) -> tuple[Any, bool]:
    """(X, True) for Optional[X], Union[X, None], X | None; (value, False) otherwise."""
    if _is_typing(value, "Optional"):
        return (value.items[0] if value.items else None), True
    if _is_typing(value, "Union"):
        rest = [i for i in value.items if i is not None and i != Ext("builtins.None")]
        if len(rest) < len(value.items) and len(rest) == 1:
            return rest[0], True
    if isinstance(value, Union):
        if value.right is None:
            return value.left, True
        if value.left is None:
            return value.right, True
    return value, False


def unwrap(mapped) -> Unwrapped:
    """Peel Optional and Annotated layers off the X of `Mapped[X]`."""
    optional = False
    annotated: list[Call] = []
    value = mapped
    for _ in range(10):
        inner, was_optional = strip_optional(value)
        optional = optional or was_optional
        if _is_typing(inner, "Annotated"):
            annotated = [i for i in inner.items[1:] if isinstance(i, Call) and i.sa == "mapped_column"] + annotated
            value = inner.items[0] if inner.items else None
            continue
        value = inner
        break
    return Unwrapped(optional, value, tuple(annotated))


class AnnotationTypes:
    def __init__(self, types: TypeRenderer, is_mapped: Callable[[ClassRef], bool]):
        self.types = types
        self.is_mapped = is_mapped

    def resolve(self, mapped, python_type, type_map: dict) -> Resolution:
        """The SQL type for `Mapped[mapped]` whose unwrapped Python type is `python_type`."""
        for candidate in (mapped, strip_optional(mapped)[0], python_type):
            if candidate is not None and candidate in getattr(type_map, "maybe", ()):
                return Resolution(
                    problem=f"type_annotation_map may map {_describe(candidate)} to another type when the code "
                    "that builds it runs"
                )
            found = _map_get(type_map, candidate)
            if found is None:
                continue
            if (
                self.types.is_enum_class(python_type)
                and isinstance(found, Call)
                and found.sa in ("Enum", "ENUM")
                and not found.args
            ):
                return self._enum_class(python_type, found)
            return Resolution(type_value=found)
        literal = _literal_values(python_type)
        if literal is not None:
            # typing.Literal["a", "b"] -> a non-native Enum (sqltypes.Enum._resolve_for_python_type)
            template = Call(Ext("sqlalchemy.Enum"), (), {"native_enum": False}, "Enum(native_enum=False)")
            return Resolution(info=self.types.enum_type(literal, None, template))
        if self.types.is_enum_class(python_type):
            generic = _map_get(type_map, Ext("enum.Enum"))
            return self._enum_class(python_type, generic if isinstance(generic, Call) else None)
        if isinstance(python_type, Ext) and python_type.path in ANNOTATION_DEFAULTS:
            return Resolution(type_value=ANNOTATION_DEFAULTS[python_type.path])
        if isinstance(python_type, ClassRef) and self.is_mapped(python_type):
            return Resolution(relationship=True)
        return Resolution(
            problem=f"no SQL type for annotation {_describe(python_type)} "
            "(add it to type_annotation_map or give mapped_column() a type)"
        )

    def _enum_class(self, cls: ClassRef, template: Call | None) -> Resolution:
        """Mapped[SomeEnum]: a native ENUM named after the class unless the map says otherwise."""
        name = template.kwargs.get("name") if template is not None else None
        try:
            values = self.types.enum_members(cls)
            return Resolution(
                info=self.types.enum_type(values, name if isinstance(name, str) else cls.facts.name.lower(), template)
            )
        except TypeProblem as problem:
            return Resolution(problem=str(problem))


def _is_typing(value, name: str) -> bool:
    return isinstance(value, Subscript) and isinstance(value.base, Ext) and value.base.path.split(".")[-1] == name


def _literal_values(value) -> tuple[str, ...] | None:
    if _is_typing(value, "Literal") and value.items and all(isinstance(v, str) for v in value.items):
        return tuple(value.items)
    return None


def _map_get(type_map: dict, key):
    if key is None:
        return None
    try:
        return type_map.get(key)
    except TypeError:  # an unhashable key (a Call with a dict argument)
        return None


def _describe(value) -> str:
    if isinstance(value, Ext):
        return value.path
    if isinstance(value, ClassRef):
        return value.facts.name
    if isinstance(value, Subscript):
        return f"{_describe(value.base)}[...]"
    if isinstance(value, Call):
        return f"'{value.text}'"
    return repr(value)

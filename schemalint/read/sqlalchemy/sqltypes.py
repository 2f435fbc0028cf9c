"""SQLAlchemy type objects → the type PostgreSQL's `format_type()` prints for the column
SQLAlchemy's PostgreSQL dialect creates (PGTypeCompiler on top of GenericTypeCompiler)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemalint.read.sqlalchemy.resolve import AttrOf, Call, ClassRef, Ext, Lambda, MemberRef, Resolver, Unresolved


class TypeProblem(Exception):
    """The type cannot be worked out statically; the message says why (SL002)."""


@dataclass(frozen=True)
class EnumInfo:
    name: str | None
    values: tuple[str, ...]
    native: bool = True
    create_constraint: bool = False
    length: int | None = None


@dataclass(frozen=True)
class TypeInfo:
    pg: str
    family: str = "other"
    """integer / bigint / smallint (serial candidates), numeric, string, enum, other."""
    scale: int | None = None
    enum: EnumInfo | None = None


# Types spelled by one fixed word, by SQLAlchemy class name.
_FIXED = {
    "Text": "text",
    "TEXT": "text",
    "UnicodeText": "text",
    "CLOB": "text",
    "Boolean": "boolean",
    "BOOLEAN": "boolean",
    "Date": "date",
    "DATE": "date",
    "Interval": "interval",
    "LargeBinary": "bytea",
    "BYTEA": "bytea",
    "PickleType": "bytea",
    "BLOB": "bytea",
    "_Binary": "bytea",
    "JSON": "json",
    "JSONB": "jsonb",
    "JSONPATH": "jsonpath",
    "Double": "double precision",
    "DOUBLE": "double precision",
    "DOUBLE_PRECISION": "double precision",
    "REAL": "real",
    "INET": "inet",
    "CIDR": "cidr",
    "MACADDR": "macaddr",
    "MACADDR8": "macaddr8",
    "MONEY": "money",
    "OID": "oid",
    "REGCLASS": "regclass",
    "REGCONFIG": "regconfig",
    "TSVECTOR": "tsvector",
    "TSQUERY": "tsquery",
    "CITEXT": "citext",
    "HSTORE": "hstore",
    "INT4RANGE": "int4range",
    "INT8RANGE": "int8range",
    "NUMRANGE": "numrange",
    "DATERANGE": "daterange",
    "TSRANGE": "tsrange",
    "TSTZRANGE": "tstzrange",
    "INT4MULTIRANGE": "int4multirange",
    "INT8MULTIRANGE": "int8multirange",
    "NUMMULTIRANGE": "nummultirange",
    "DATEMULTIRANGE": "datemultirange",
    "TSMULTIRANGE": "tsmultirange",
    "TSTZMULTIRANGE": "tstzmultirange",
}
_INTEGERS = {
    "Integer": "integer",
    "INTEGER": "integer",
    "INT": "integer",
    "BigInteger": "bigint",
    "BIGINT": "bigint",
    "SmallInteger": "smallint",
    "SMALLINT": "smallint",
}
_STRINGS = {"String", "VARCHAR", "Unicode", "NVARCHAR"}
_CHARS = {"CHAR", "NCHAR"}
_NUMERICS = {"Numeric", "NUMERIC", "DECIMAL"}
_FLOATS = {"Float", "FLOAT"}
_TIMESTAMPS = {"DateTime", "DATETIME", "TIMESTAMP"}
_TIMES = {"Time", "TIME"}
_UUIDS = {"Uuid", "UUID"}
_ENUMS = {"Enum", "ENUM"}
_ARRAYS = {"ARRAY"}
TYPE_NAMES = (
    set(_FIXED)
    | set(_INTEGERS)
    | _STRINGS
    | _CHARS
    | _NUMERICS
    | _FLOATS
    | _TIMESTAMPS
    | _TIMES
    | _UUIDS
    | _ENUMS
    | _ARRAYS
    | {"INTERVAL", "BIT", "TypeDecorator", "Computed"}
)


def is_type(value) -> bool:
    """Whether an evaluated value looks like a SQLAlchemy type (class or instance)."""
    name = _sa_name(value)
    if name is not None:
        return name in TYPE_NAMES and name != "Computed"
    if _variant(value) is not None:
        return is_type(value.func.base)
    return isinstance(value, (ClassRef,)) or (isinstance(value, Call) and isinstance(value.func, ClassRef))


def _variant(value) -> tuple[object, object, tuple[object, ...]] | None:
    """(base type, variant type, dialect names) of `base.with_variant(variant, *dialects)`."""
    if (
        isinstance(value, Call)
        and isinstance(value.func, AttrOf)
        and value.func.path == ("with_variant",)
        and value.args
    ):
        return value.func.base, value.args[0], value.args[1:]
    return None


def _dialect_choice(returned):
    """The type expression `load_dialect_impl` returns on PostgreSQL (extract keeps that
    branch's `return`): `dialect.type_descriptor(UUID())` is `UUID()`."""
    if returned is None:
        return None
    if returned[0] == "call" and returned[1][0] == "ref" and returned[1][1].endswith(".type_descriptor"):
        return returned[2][0] if len(returned[2]) == 1 and not returned[3] else None
    return returned if returned[0] in ("call", "ref") else None


def _sa_name(value) -> str | None:
    if isinstance(value, Ext):
        return value.sa
    if isinstance(value, Call) and isinstance(value.func, Ext):
        return value.func.sa
    return None


def _int(value, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeProblem(f"{what} {_show(value)} is not a literal integer")
    return value


def _show(value) -> str:
    if isinstance(value, Unresolved):
        return f"'{value.text}'"
    if isinstance(value, Call):
        return f"'{value.text}'"
    return repr(value)


def _arg(call, index: int, keyword: str, default=None):
    if not isinstance(call, Call):
        return default
    if keyword in call.kwargs:
        return call.kwargs[keyword]
    return call.args[index] if len(call.args) > index else default


class TypeRenderer:
    def __init__(self, resolver: Resolver):
        self.resolver = resolver

    def render(self, value, depth: int = 0) -> TypeInfo:
        """The TypeInfo of a type class (`Integer`), instance (`String(50)`) or project
        TypeDecorator; raises TypeProblem when it cannot be known statically."""
        if depth > 10:
            raise TypeProblem("type definition is cyclic")
        if isinstance(value, Unresolved):
            raise TypeProblem(f"type '{value.text}' cannot be resolved statically ({value.reason})")
        variant = _variant(value)
        if variant is not None:
            # TypeEngine.with_variant: the variant for the dialects named, else the base type
            base, other, dialects = variant
            if not all(isinstance(d, str) for d in dialects):
                raise TypeProblem(
                    f"with_variant() dialect {', '.join(_show(d) for d in dialects)} is not a literal string"
                )
            return self.render(other if "postgresql" in dialects else base, depth + 1)
        project_class = (
            value
            if isinstance(value, ClassRef)
            else value.func
            if isinstance(value, Call) and isinstance(value.func, ClassRef)
            else None
        )
        if project_class is not None:
            return self._decorator(project_class, value if isinstance(value, Call) else None, depth)
        name = _sa_name(value)
        if name is None:
            raise TypeProblem(f"{_show(value)} is not a SQLAlchemy type")
        call = value if isinstance(value, Call) else None
        return self._sa_type(name, call, depth, value)

    def _sa_type(self, name: str, call: Call | None, depth: int, value) -> TypeInfo:
        if name in _FIXED:
            return TypeInfo(_FIXED[name], "text" if _FIXED[name] == "text" else "other")
        if name in _INTEGERS:
            return TypeInfo(_INTEGERS[name], _INTEGERS[name])
        if name in _STRINGS:
            length = _int(_arg(call, 0, "length"), "String length")
            return TypeInfo(f"character varying({length})" if length else "character varying", "string")
        if name in _CHARS:
            length = _int(_arg(call, 0, "length"), "CHAR length")
            return TypeInfo(f"character({length or 1})", "string")
        if name in _NUMERICS:
            precision = _int(_arg(call, 0, "precision"), "Numeric precision")
            scale = _int(_arg(call, 1, "scale"), "Numeric scale")
            if precision is None:
                return TypeInfo("numeric", "numeric", scale)
            return TypeInfo(f"numeric({precision},{scale or 0})", "numeric", scale or 0)
        if name in _FLOATS:
            precision = _int(_arg(call, 0, "precision"), "Float precision")
            return TypeInfo("real" if precision and precision <= 24 else "double precision", "float")
        if name in _TIMESTAMPS or name in _TIMES:
            return self._temporal(name, call)
        if name == "INTERVAL":
            return self._interval(call)
        if name in _UUIDS:
            native = _arg(call, 1, "native_uuid", True) if name == "Uuid" else True
            return TypeInfo("uuid" if native is not False else "character(32)")
        if name == "BIT":
            length = _int(_arg(call, 0, "length"), "BIT length")
            varying = _arg(call, 1, "varying", False)
            if varying is True:
                return TypeInfo(f"bit varying({length})" if length else "bit varying")
            return TypeInfo(f"bit({length or 1})")
        if name in _ENUMS:
            return self._enum(call, name)
        if name in _ARRAYS:
            item = _arg(call, 0, "item_type")
            if item is None:
                raise TypeProblem("ARRAY without an item type")
            inner = self.render(item, depth + 1)
            return TypeInfo(inner.pg + "[]", "array")
        raise TypeProblem(f"SQLAlchemy type '{name}' is not known to schemalint")

    def _temporal(self, name: str, call: Call | None) -> TypeInfo:
        timezone = _arg(call, 0, "timezone", False)
        if not isinstance(timezone, bool):
            raise TypeProblem(f"timezone={_show(timezone)} is not a literal True/False")
        precision = _int(call.kwargs.get("precision") if call else None, "precision")
        base = "time" if name in _TIMES else "timestamp"
        p = f"({precision})" if precision is not None else ""
        return TypeInfo(f"{base}{p} {'with' if timezone else 'without'} time zone")

    def _interval(self, call: Call | None) -> TypeInfo:
        precision = _int(_arg(call, 0, "precision"), "INTERVAL precision")
        fields = _arg(call, 1, "fields")
        text = "interval"
        if isinstance(fields, str):
            text += " " + fields.lower()
        if precision is not None:
            text += f"({precision})"
        return TypeInfo(text)

    def _decorator(self, cls: ClassRef, call: Call | None, depth: int) -> TypeInfo:
        """A project TypeDecorator subclass (`call`: how it is instantiated): its `impl`, unless
        a `load_dialect_impl()` picks the type per dialect at run time (the classic GUID recipe).
        As TypeDecorator.__init__ does, the arguments of `Lowered(24)` go to an `impl` class
        (`String(24)`) and are dropped for an `impl` instance; a project `__init__` decides
        itself, so what it passes on cannot be known."""
        if depth > 10:
            raise TypeProblem("type definition is cyclic")
        chooser = next((m for m in cls.facts.members if m.name == "load_dialect_impl" and m.kind == "def"), None)
        if chooser is not None:
            chosen = _dialect_choice(chooser.value)
            if chosen is None:
                raise TypeProblem(f"{cls.facts.name}.load_dialect_impl() chooses the type when it runs")
            return self.render(self.resolver.evaluate(cls.module, chosen), depth + 1)
        init = next((m for m in cls.facts.members if m.name == "__init__" and m.kind == "def"), None)
        if call is not None and (call.args or call.kwargs) and init is not None:
            given = self._init_impl(cls, init, call)
            if given is not None:
                return self.render(given, depth + 1)
            call = None  # the arguments do not reach `impl`
        for member in cls.facts.members:
            if member.name == "impl" and member.value is not None:
                impl = self.resolver.evaluate(cls.module, member.value)
                if call is not None and (call.args or call.kwargs) and not isinstance(impl, (Call, Unresolved)):
                    impl = Call(impl, call.args, call.kwargs, call.text)
                return self.render(impl, depth + 1)
        for base in cls.facts.bases:
            parent = self.resolver.evaluate(cls.module, base)
            if isinstance(parent, ClassRef):
                return self._decorator(parent, call, depth + 1)
            if _sa_name(parent) in TYPE_NAMES and _sa_name(parent) != "TypeDecorator":
                # a subclass of a SQLAlchemy type: its constructor takes the arguments
                return self.render(
                    Call(parent, call.args, call.kwargs, call.text) if call is not None else parent, depth + 1
                )
        raise TypeProblem(f"class {cls.facts.name} is not a type with a known 'impl'")

    def _init_impl(self, cls: ClassRef, init, call: Call):
        """The `impl` a project `__init__` sets from its arguments (`if sa_type is not None:
        self.impl = sa_type`), None when it keeps the class's `impl` and passes nothing on to
        it (`super().__init__()`); any other `__init__` decides in ways only running it tells."""
        summary = init.value
        if not (isinstance(summary, tuple) and summary[:1] == ("init",)) or summary[1]:
            raise TypeProblem(f"{cls.facts.name}.__init__() decides what its arguments do ({_show(call)})")
        params = list(init.params[1:])
        if len(call.args) > len(params) or any(k not in params for k in call.kwargs):
            raise TypeProblem(f"{cls.facts.name}.__init__() takes other arguments than {_show(call)}")
        for param in summary[2]:
            index = params.index(param) if param in params else len(params)
            bound = call.kwargs.get(param, call.args[index] if index < len(call.args) else None)
            if bound is not None:
                return bound
        return None

    # ------------------------------------------------------------------ enums

    def enum_members(self, cls: ClassRef) -> tuple[str, ...]:
        """The member names of a Python Enum class in the project."""
        names = []
        for member in cls.facts.members:
            if (
                member.kind == "assign"
                and not member.name.startswith("_")
                and member.value is not None
                and member.annotation is None
            ):
                names.append(member.name)
        return tuple(names)

    def enum_values(self, cls: ClassRef) -> tuple[str, ...]:
        """The member values of a Python Enum class whose values are literal strings."""
        values = []
        for member in cls.facts.members:
            if (
                member.kind == "assign"
                and not member.name.startswith("_")
                and member.value is not None
                and member.annotation is None
            ):
                value = self.resolver.evaluate(cls.module, member.value)
                if not isinstance(value, str):
                    raise TypeProblem(f"Enum member {cls.facts.name}.{member.name} has no literal string value")
                values.append(value)
        return tuple(values)

    def _callable_values(self, cls: ClassRef, function) -> tuple[str, ...]:
        """`values_callable=lambda e: [m.value for m in e]` (the documented idiom) gives the
        member values; any other callable cannot be run statically."""
        body = function.body if isinstance(function, Lambda) else None
        text = body[1] if body is not None and body[0] == "other" else ""
        if re.fullmatch(r"\[\s*(\w+)\.value\s+for\s+\1\s+in\s+\w+\s*\]", text.strip()):
            return self.enum_values(cls)
        raise TypeProblem(
            "Enum(values_callable=...) other than `lambda e: [m.value for m in e]` cannot be evaluated statically"
        )

    def is_enum_class(self, value) -> bool:
        if not isinstance(value, ClassRef):
            return False
        for base in value.facts.bases:
            parent = self.resolver.evaluate(value.module, base)
            if isinstance(parent, Ext) and parent.path.startswith("enum."):
                return True
            if isinstance(parent, ClassRef) and parent.key != value.key and self.is_enum_class(parent):
                return True
        return False

    def _enum(self, call: Call | None, sa_name: str) -> TypeInfo:
        if call is None:
            raise TypeProblem("Enum without values")
        values: tuple[str, ...] = ()
        name = call.kwargs.get("name")
        if call.args and self.is_enum_class(call.args[0]):
            cls = call.args[0]
            if "values_callable" in call.kwargs:
                values = self._callable_values(cls, call.kwargs["values_callable"])
            else:
                values = self.enum_members(cls)
            if name is None:
                name = cls.facts.name.lower()
        else:
            if not all(isinstance(v, str) for v in call.args):
                raise TypeProblem(f"Enum values {', '.join(_show(v) for v in call.args)} are not literal strings")
            values = tuple(call.args)
        return self.enum_type(values, name, call)

    def enum_type(self, values: tuple[str, ...], name, call: Call | None) -> TypeInfo:
        kwargs = call.kwargs if call is not None else {}
        native = kwargs.get("native_enum", True) is not False
        length = kwargs.get("length")
        create_constraint = kwargs.get("create_constraint", False) is True
        info = EnumInfo(
            name if isinstance(name, str) else None,
            values,
            native,
            create_constraint,
            length if isinstance(length, int) else None,
        )
        if native:
            if not isinstance(name, str):
                raise TypeProblem("a native Enum of literal strings needs name='...'")
            schema = kwargs.get("schema")
            if kwargs.get("inherit_schema") is True:
                raise TypeProblem(
                    "Enum(inherit_schema=True): the type's schema is the table's, which format_type() may qualify"
                )
            spelled = _quote_type_name(name)
            if isinstance(schema, str) and schema != "public":  # outside the search path: qualified
                spelled = f"{_quote_type_name(schema)}.{spelled}"
            return TypeInfo(spelled, "enum", enum=info)
        longest = length if isinstance(length, int) else max((len(v) for v in values), default=0)
        return TypeInfo(f"character varying({longest})", "string", enum=info)


def _quote_type_name(name: str) -> str:
    """format_type() quotes a type name that is not a plain lowercase identifier."""
    if name.isidentifier() and name == name.lower() and name.isascii():
        return name
    return '"' + name.replace('"', '""') + '"'


# Python annotation types → SQLAlchemy's default type_annotation_map entries (sqltypes._type_map).
ANNOTATION_DEFAULTS = {
    "builtins.int": Ext("sqlalchemy.Integer"),
    "builtins.float": Ext("sqlalchemy.Double"),
    "builtins.bool": Ext("sqlalchemy.Boolean"),
    "builtins.str": Ext("sqlalchemy.String"),
    "builtins.bytes": Ext("sqlalchemy.LargeBinary"),
    "uuid.UUID": Ext("sqlalchemy.Uuid"),
    "decimal.Decimal": Ext("sqlalchemy.Numeric"),
    "datetime.date": Ext("sqlalchemy.Date"),
    "datetime.datetime": Ext("sqlalchemy.DateTime"),
    "datetime.time": Ext("sqlalchemy.Time"),
    "datetime.timedelta": Ext("sqlalchemy.Interval"),
}

__all__ = ["ANNOTATION_DEFAULTS", "EnumInfo", "MemberRef", "TypeInfo", "TypeProblem", "TypeRenderer", "is_type"]

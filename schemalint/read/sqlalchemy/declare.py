"""Declarations → table specs: which classes are mapped, to which table, with which columns
and table-level objects (`__table_args__`), following SQLAlchemy's declarative rules."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from schemalint.model import Diagnostic, Location
from schemalint.read.sqlalchemy import flask
from schemalint.read.sqlalchemy.annotations import AnnotationTypes, Unwrapped, mapped_inner, unwrap
from schemalint.read.sqlalchemy.facts import Member
from schemalint.read.sqlalchemy.resolve import (
    AttrOf,
    Call,
    ClassRef,
    Ext,
    MemberRef,
    Module,
    Resolver,
    Subscript,
    Unresolved,
)
from schemalint.read.sqlalchemy.sqltypes import TypeInfo, TypeProblem, TypeRenderer, is_type

# Attribute values that map something other than a column.
NOT_COLUMNS = {
    "relationship",
    "relation",
    "backref",
    "column_property",
    "synonym",
    "composite",
    "query_expression",
    "association_proxy",
    "hybrid_property",
    "hybrid_method",
    "dynamic_loader",
    "comparable_property",
    "deferred_expression",
    "WriteOnlyMapped",
    "DynamicMapped",
}
COLUMN_FACTORIES = {"Column", "mapped_column"}
# The table parts an unreadable table-level item may add to (model.TablePart).
_TABLE_OBJECTS = ("primary_key", "foreign_keys", "indexes", "constraints")
WRAPPERS = {"deferred"}  # deferred(Column(...)) still creates the column


@dataclass
class MetaInfo:
    naming_convention: dict = field(default_factory=dict)
    schema: str | None = None
    unknown: str | None = None
    """Why the MetaData cannot be read (its naming convention and schema are then unknown)."""


@dataclass
class DeclBase:
    metadata: MetaInfo
    type_map: dict
    type_map_unknown: str | None = None
    """What the `type_annotation_map` is when it cannot be read (annotation types unknown)."""
    flask_naming: bool = False
    """Flask-SQLAlchemy's `db.Model` names tables (flask.py): a model without a `__tablename__`
    of its own gets its class name in snake_case, one without a primary key of its own under a
    mapped parent is single-table inheritance."""
    flask_naming_unknown: str | None = None
    """Why whether `db.Model` names tables cannot be told (`disable_autonaming=` a value that
    cannot be resolved statically): the tables that naming would decide are then unknown."""


@dataclass
class FKSpec:
    target: Any
    """"table.col" / "schema.table.col" string, MemberRef, or AttrOf(Table, ('c', col))."""
    columns: list[str] | None = None
    """Local columns for a ForeignKeyConstraint; None for a column's ForeignKey."""
    targets: list[Any] | None = None
    ondelete: str | None = None
    onupdate: str | None = None
    name: str | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    location: Location | None = None


@dataclass
class ColSpec:
    key: str
    name: str
    location: Location
    type_info: TypeInfo | None = None
    type_problem: str | None = None
    nullable: bool | None = None
    primary_key: bool = False
    autoincrement: Any = "auto"
    python_default: bool = False
    server_default: Any = None
    identity: Call | None = None
    computed: Call | None = None
    comment: str | None = None
    unique: bool | None = None
    index: bool | None = None
    foreign_keys: list[FKSpec] = field(default_factory=list)
    checks: list[Call] = field(default_factory=list)
    sequence: bool = False
    sort_order: int = 0
    unknown: list[str] = field(default_factory=list)
    """Column parts (model.ColumnPart) an SL002 already explained, and `indexes` when whether
    the column makes an index is unknown (the table's indexes then are)."""
    type_explained: bool = False
    """The type is unknown because the referenced column's is (that column's SL002 says why)."""
    type_from_fk: bool = False
    """The type is the referenced column's, and that reference could not be resolved (one
    SL002 says both)."""


@dataclass
class TableSpec:
    name: str
    schema: str | None
    metadata: MetaInfo
    location: Location
    columns: dict[str, ColSpec] = field(default_factory=dict)
    items: list[tuple[Any, Location]] = field(default_factory=list)
    """Table-level objects: Index / UniqueConstraint / CheckConstraint / PrimaryKeyConstraint /
    ForeignKeyConstraint calls, each with where it was written."""
    comment: str | None = None
    model: str | None = None
    mirrors: str | None = None
    module: Module | None = None
    class_key: tuple[str, str] | None = None
    name_location: Location | None = None
    unknown: set[str] = field(default_factory=set)
    """Table parts (model.TablePart) an SL002 already explained."""


_KNOWN_ROOTS = frozenset({"sqlalchemy", "flask_sqlalchemy", "sqlmodel", "django"})
"""Libraries whose `X.Model` the reader knows is no model base of an unknown extension."""

_BASE_CONFIGURATION = frozenset({"metadata", "registry", "type_annotation_map"})
"""Attributes a `DeclarativeBase` subclass reads as its configuration."""


class Declarations:
    """Walks the read modules and produces TableSpecs plus diagnostics."""

    def __init__(self, resolver: Resolver):
        self.resolver = resolver
        self.types = TypeRenderer(resolver)
        self.annotations = AnnotationTypes(self.types, self.is_mapped)
        self.tables: list[TableSpec] = []
        self._first_table: dict[tuple[str | None, str], TableSpec] = {}
        """The first table added under each (schema, name): what `add_table` merges into."""
        self.diagnostics: list[Diagnostic] = []
        self.by_class: dict[tuple[str, str], TableSpec] = {}
        self._roots: dict[tuple[str, str], DeclBase | None] = {}
        self._mro_cache: dict[tuple[str, str], list[ClassRef]] = {}
        self._done: set[tuple[str, str]] = set()
        self._bases: dict[tuple[str, str], list[Any]] = {}
        self._mapped: dict[tuple[str, str], bool] = {}
        self._scopes: dict[tuple[str, str], list[tuple[int, str, Any]]] = {}
        self._scopes_in_order: dict[tuple[str, str], bool] = {}
        self.complete = True
        """False once a table may be missing (a loop that cannot be unrolled, a class whose
        table name cannot be resolved): see `Schema.complete`."""

    def warn(self, message: str, location: Location, table: str | None = None, column: str | None = None) -> None:
        self.diagnostics.append(Diagnostic("unresolved", message, location, table, column))

    # ------------------------------------------------------------------ classes

    def value_of(self, cls: ClassRef, member: Member) -> Any:
        return self.resolver.evaluate(cls.module, member.value, scope=self.class_scope(cls, member.line))

    def annotation_of(self, cls: ClassRef, member: Member) -> Any:
        return self.resolver.evaluate(cls.module, member.annotation, scope=self.class_scope(cls, member.line))

    def class_scope(self, cls: ClassRef, line: int) -> dict[str, Any]:
        """The class-body names a statement at `line` sees, as Python does: its nested classes
        and the attributes assigned before it (a literal's value; a column as `Class.attr`,
        so `created.desc()` in `__table_args__` is that column)."""
        if cls.key not in self._scopes:
            bound: list[tuple[int, str, Any]] = []
            for member in cls.facts.members:
                if member.kind != "def" and member.value is not None:
                    value = member.value[1] if member.value[0] == "const" else MemberRef(cls, (member.name,))
                    bound.append((member.line, member.name, value))
            self._scopes[cls.key] = bound
            self._scopes_in_order[cls.key] = all(a[0] <= b[0] for a, b in zip(bound, bound[1:], strict=False))
        scope: dict[str, Any] = {nested.name: ClassRef(cls.module, nested, nested.name) for nested in cls.facts.nested}
        in_order = self._scopes_in_order[cls.key]
        for at, name, value in self._scopes[cls.key]:
            if at < line:
                scope[name] = value
            elif in_order:  # the rest come later too
                break
        return scope

    def bases(self, cls: ClassRef) -> list[Any]:
        if cls.key not in self._bases:
            bases = [self.resolver.evaluate(cls.module, b) for b in cls.facts.bases]
            # `Base[UUID]` (a Generic class parametrized) is the class itself.
            self._bases[cls.key] = [
                b.base if isinstance(b, Subscript) and isinstance(b.base, ClassRef) else b for b in bases
            ]
        return self._bases[cls.key]

    def mro(self, cls: ClassRef, depth: int = 0) -> list[ClassRef]:
        """The project classes of the C3 linearization (external bases left out; `db.Model`
        stands for the project class given as `SQLAlchemy(model_class=...)`)."""
        if cls.key in self._mro_cache:
            return self._mro_cache[cls.key]
        if depth > 30:
            return [cls]
        parents = [
            b
            for b in (self._flask_model_class(b) or b for b in self.bases(cls))
            if isinstance(b, ClassRef) and b.key != cls.key
        ]
        sequences = [list(self.mro(p, depth + 1)) for p in parents] + [list(parents)]
        result = [cls]
        while any(sequences):
            for seq in sequences:
                if not seq:
                    continue
                head = seq[0]
                if not any(head.key in [c.key for c in other[1:]] for other in sequences):
                    break
            else:  # inconsistent hierarchy: fall back to depth-first order
                head = next(seq[0] for seq in sequences if seq)
            result.append(head)
            sequences = [[c for c in seq if c.key != head.key] for seq in sequences]
        self._mro_cache[cls.key] = result
        return result

    def own(self, cls: ClassRef, name: str) -> Member | None:
        found = None
        for member in cls.facts.members:
            if member.name == name:
                found = member
        return found

    def declarative_base(self, cls: ClassRef, depth: int = 0) -> DeclBase | None:
        """The declarative base a class belongs to (None: not part of any mapping)."""
        if cls.key in self._roots:
            return self._roots[cls.key]
        self._roots[cls.key] = None  # guards cycles
        found = self._decorated_base(cls)
        if found is None and depth < 30:
            for base in self.bases(cls):
                if isinstance(base, Ext) and base.sa in ("DeclarativeBase", "DeclarativeBaseNoMeta"):
                    found = self._root_class_base(cls)
                elif isinstance(base, Call) and base.sa == "declarative_base":
                    found = self._call_base(base.kwargs)
                elif isinstance(base, Call) and isinstance(base.func, AttrOf) and base.func.path[-1] == "generate_base":
                    found = self._registry_base(base.func.base)
                elif isinstance(base, ClassRef):
                    found = self.declarative_base(base, depth + 1)
                elif flask.model_db(base) is not None:
                    found = self.flask_base(base.base, depth)
                if found is not None:
                    break
        self._roots[cls.key] = found
        return found

    def is_root(self, cls: ClassRef) -> bool:
        for base in self.bases(cls):
            if isinstance(base, Ext) and base.sa in ("DeclarativeBase", "DeclarativeBaseNoMeta"):
                return True
        for decorator in cls.facts.decorators:
            value = self.resolver.evaluate(cls.module, decorator)
            if (isinstance(value, Call) and value.sa == "as_declarative") or (
                isinstance(value, Ext) and value.sa == "as_declarative"
            ):
                return True
        return False

    def _decorated_base(self, cls: ClassRef) -> DeclBase | None:
        for decorator in cls.facts.decorators:
            value = self.resolver.evaluate(cls.module, decorator)
            if isinstance(value, Call) and value.sa == "as_declarative":
                return self._call_base(value.kwargs)
            if isinstance(value, Ext) and value.sa == "as_declarative":
                return self._call_base({})
            if isinstance(value, AttrOf) and value.path[-1] in ("mapped", "mapped_as_dataclass", "as_declarative_base"):
                return self._registry_base(value.base)
        return None

    def _registry_base(self, registry) -> DeclBase:
        kwargs = registry.kwargs if isinstance(registry, Call) else {}
        return self._call_base(kwargs)

    def _call_base(self, kwargs: dict) -> DeclBase:
        type_map = kwargs.get("type_annotation_map")
        return DeclBase(
            self.metadata(kwargs.get("metadata")),
            type_map if isinstance(type_map, dict) else {},
            None if type_map is None or isinstance(type_map, dict) else _describe(type_map),
        )

    def _root_class_base(self, cls: ClassRef) -> DeclBase:
        metadata, type_map, type_map_unknown = None, {}, None
        for member in cls.facts.members:
            if member.name == "metadata" and member.value is not None:
                metadata = self.value_of(cls, member)
            elif member.name == "type_annotation_map" and member.value is not None:
                value = self.value_of(cls, member)
                type_map = value if isinstance(value, dict) else {}
                type_map_unknown = None if isinstance(value, dict) else _describe(value)
            elif member.name == "registry" and member.value is not None:
                registry = self.value_of(cls, member)
                if isinstance(registry, Call) and registry.sa == "registry":
                    metadata = metadata or registry.kwargs.get("metadata")
                    given = registry.kwargs.get("type_annotation_map")
                    if isinstance(given, dict):
                        type_map = {**given, **type_map}
                    elif given is not None:
                        type_map_unknown = type_map_unknown or _describe(given)
                else:
                    metadata = metadata or registry
                    type_map_unknown = type_map_unknown or _describe(registry)
        return DeclBase(self.metadata(metadata), type_map, type_map_unknown)

    def metadata(self, value) -> MetaInfo:
        db = flask.metadata_db(value)
        if db is not None:
            return self.flask_base(db).metadata
        if isinstance(value, AttrOf) and value.path == ("metadata",):
            return self.metadata_of(value.base)
        if isinstance(value, MemberRef) and value.path == ("metadata",):
            base = self.declarative_base(value.owner)
            return base.metadata if base else MetaInfo()
        if isinstance(value, Call) and value.sa == "MetaData":
            convention = value.kwargs.get("naming_convention")
            schema = value.kwargs.get("schema")
            unknown = [f"naming_convention={_describe(convention)}"] if not isinstance(convention, dict | None) else []
            unknown += [f"schema={_describe(schema)}"] if not isinstance(schema, str | None) else []
            return MetaInfo(
                _convention_keys(convention) if isinstance(convention, dict) else {},
                schema if isinstance(schema, str) else None,
                ", ".join(unknown) or None,
            )
        if value is None:
            return MetaInfo()
        return MetaInfo(unknown=_describe(value))

    def metadata_of(self, base) -> MetaInfo:
        if isinstance(base, Call) and base.sa == "declarative_base":
            return self._call_base(base.kwargs).metadata
        if isinstance(base, Call) and base.sa == "registry":
            return self._registry_base(base).metadata
        return MetaInfo()

    def is_mapped(self, cls: ClassRef) -> bool:
        if cls.key not in self._mapped:
            abstract = self.own(cls, "__abstract__")
            self._mapped[cls.key] = not (
                self.declarative_base(cls) is None
                or self.is_root(cls)
                or (abstract is not None and self.value_of(cls, abstract) is True)
            )
        return self._mapped[cls.key]

    # ------------------------------------------------------------------ tables from classes

    def read_module(self, module: Module) -> None:
        for facts in module.facts.classes:
            cls = ClassRef(module, facts, facts.name)
            if self.is_mapped(cls):
                self.mapped_class(cls)
            elif self._sqlmodel_table(cls):
                self.complete = False
                self.warn(
                    f"class {facts.name}: SQLModel tables (table=True) are not read by schemalint yet; table skipped",
                    Location(module.rel, facts.line, facts.col),
                )
            elif (unread := self._unread_model_base(cls)) is not None:
                self.complete = False
                self.warn(
                    f"class {facts.name}: base {unread} cannot be resolved statically (a Flask-SQLAlchemy "
                    "extension object's Model?); table skipped",
                    Location(module.rel, facts.line, facts.col),
                )

    def _unread_model_base(self, cls: ClassRef) -> str | None:
        """A base written `<something>.Model` that is no class the reader knows (`db.Model` of an
        extension object it cannot follow): the class may be a model, and is not read."""
        for expr, value in zip(cls.facts.bases, self.bases(cls), strict=False):
            if expr[0] != "ref" or not expr[1].endswith(".Model") or flask.model_db(value) is not None:
                continue
            if isinstance(value, ClassRef) or (isinstance(value, Ext) and value.path.split(".")[0] in _KNOWN_ROOTS):
                continue
            return expr[1]
        return None

    def _sqlmodel_table(self, cls: ClassRef) -> bool:
        """`class Hero(SQLModel, table=True)`: a table declared through SQLModel."""
        if not any(key == "table" and value == ("const", True) for key, value in cls.facts.keywords):
            return False
        return any(isinstance(b, Ext) and b.path.startswith("sqlmodel") for c in self.mro(cls) for b in self.bases(c))

    # ------------------------------------------------------------------ Flask-SQLAlchemy

    def flask_base(self, db: Call, depth: int = 0) -> DeclBase:
        """What `db.Model` maps with (flask.py): the metadata given to `SQLAlchemy()` (else a
        new one) and table naming, or, with `model_class=`, that class's mapping."""
        disable = db.kwargs.get("disable_autonaming", False)
        if isinstance(disable, (bool, int, float, str, bytes, type(None))):
            autonaming, naming_unknown = not disable, None  # Flask-SQLAlchemy tests its truth
        else:
            autonaming, naming_unknown = False, f"SQLAlchemy(disable_autonaming={_describe(disable)})"
        given = db.kwargs.get("metadata")
        model_class = db.kwargs.get("model_class")
        if model_class is None or flask.is_model_class(model_class):
            return DeclBase(self.metadata(given), {}, flask_naming=autonaming, flask_naming_unknown=naming_unknown)
        if isinstance(model_class, ClassRef):
            own = self.declarative_base(model_class, depth + 1)
            if own is None:  # a plain class (a `Model` subclass): the base of a new declarative base
                return DeclBase(self.metadata(given), {}, flask_naming=autonaming, flask_naming_unknown=naming_unknown)
            if self._declarative_base_subclass(model_class):  # SQLAlchemy 2.x: `metadata=` is ignored
                return DeclBase(
                    own.metadata,
                    own.type_map,
                    own.type_map_unknown,
                    flask_naming=autonaming,
                    flask_naming_unknown=naming_unknown,
                )
            metadata = self.metadata(given) if given is not None else own.metadata
            return DeclBase(metadata, own.type_map, own.type_map_unknown)  # used as it is
        if isinstance(model_class, Call) and model_class.sa == "declarative_base":
            own = self._call_base(model_class.kwargs)
            metadata = self.metadata(given) if given is not None else own.metadata
            naming = flask.naming_metaclass(model_class.kwargs.get("metaclass"))
            return DeclBase(metadata, own.type_map, own.type_map_unknown, flask_naming=naming)
        unknown = MetaInfo(unknown=f"SQLAlchemy(model_class={_describe(model_class)})")
        return DeclBase(
            unknown,
            {},
            type_map_unknown=_describe(model_class),
            flask_naming=autonaming,
            flask_naming_unknown=naming_unknown,
        )

    def _flask_model_class(self, base) -> ClassRef | None:
        """The project class `db.Model` is built on (`SQLAlchemy(model_class=Base)`), if any."""
        db = flask.model_db(base)
        model_class = db.kwargs.get("model_class") if db is not None else None
        return model_class if isinstance(model_class, ClassRef) else None

    def _declarative_base_subclass(self, cls: ClassRef, depth: int = 0) -> bool:
        """Whether a class derives from SQLAlchemy 2.x's `DeclarativeBase(NoMeta)`."""
        for base in self.bases(cls):
            if isinstance(base, Ext) and base.sa in ("DeclarativeBase", "DeclarativeBaseNoMeta"):
                return True
            if isinstance(base, ClassRef) and depth < 30 and self._declarative_base_subclass(base, depth + 1):
                return True
        return False

    def _flask_generates_name(self, cls: ClassRef, lineage: list[ClassRef]) -> bool:
        """Whether Flask-SQLAlchemy names the class's table: no class of its MRO declares
        `__tablename__`, or the first that does is a mapped model (not the class itself, not
        abstract, not a mixin) declaring a plain value (a `declared_attr` is used instead)."""
        for owner in lineage:
            member = self.own(owner, "__tablename__")
            if member is None:
                continue
            if member.kind == "def" or owner.key == cls.key:
                return False
            abstract = self.own(owner, "__abstract__")
            if abstract is not None and self.value_of(owner, abstract):
                return False
            return self.declarative_base(owner) is not None
        return True

    def _single_table(self, spec: TableSpec) -> bool:
        """Flask-SQLAlchemy's `__table_cls__`: a table with no primary key column and no
        PrimaryKeyConstraint of its own is not created when a parent has one."""
        if any(column.primary_key for column in spec.columns.values()):
            return False
        return not any(isinstance(item, Call) and item.sa == "PrimaryKeyConstraint" for item, _ in spec.items)

    def mapped_class(self, cls: ClassRef) -> TableSpec | None:
        if cls.key in self._done:
            return self.by_class.get(cls.key)
        self._done.add(cls.key)
        base = self.declarative_base(cls)
        lineage = self.mro(cls)
        parent = next((c for c in lineage[1:] if self.is_mapped(c)), None)
        parent_table = (
            self.mapped_class(parent) if parent is not None and parent.module.rel in self.resolver.modules else None
        )
        location = Location(cls.module.rel, cls.facts.line, cls.facts.col)
        inherited = {c.key for c in self.mro(parent)} if parent is not None else set()
        contributors = [c for c in lineage if c.key not in inherited and (c.key == cls.key or not self.is_mapped(c))]

        table_member = self.own(cls, "__table__")
        if table_member is not None:
            value = self.value_of(cls, table_member)
            where = Location(cls.module.rel, table_member.line, table_member.col)
            if not (isinstance(value, Call) and value.sa == "Table"):
                self.complete = False
                self.warn(
                    f"__table__ of {cls.facts.name} cannot be resolved statically ({_describe(value)}); the table is not read",
                    where,
                )
                return None
            spec = self.imperative_table(value, cls.module, where, table_member.calls)
            if spec is not None:
                self.conditional(spec, cls.facts.condition, location)
                self._label(spec, cls)
                self.by_class[cls.key] = spec
            return spec

        name_owner, name_member = self._directive(contributors, lineage, "__tablename__")
        if base is not None and base.flask_naming_unknown and self._flask_generates_name(cls, lineage):
            self.complete = False
            self.warn(
                f"class {cls.facts.name}: whether Flask-SQLAlchemy names its table cannot be resolved "
                f"statically ({base.flask_naming_unknown}); table skipped",
                location,
            )
            return None
        if base is not None and base.flask_naming and self._flask_generates_name(cls, lineage):
            name_owner, name_member = None, None
            tablename: str | None = flask.snake_case(cls.facts.name)
        else:
            tablename = self._tablename(cls, contributors, lineage, location)
        if tablename is None:
            if parent_table is None:
                if name_member is not None:  # a table whose name is unknown (reported already)
                    self.complete = False
                if parent is None and name_member is None:  # (an unresolvable one was reported already)
                    self.complete = False
                    self.warn(
                        f"class {cls.facts.name}: no __tablename__ could be resolved statically; table skipped",
                        location,
                    )
                return None
            # Single-table inheritance: columns go to the parent's table (whose mapping `base` is).
            if base is not None:
                self._columns(cls, contributors, parent_table, base, into_parent=True)
            self.by_class[cls.key] = parent_table
            return parent_table
        if base is None:  # not part of any mapping (a foreign key may name such a class)
            return None

        args_items, options, args_unknown = self._table_args(cls, contributors, location, tablename)
        schema = options.get("schema") if isinstance(options.get("schema"), str) else base.metadata.schema
        spec = TableSpec(
            tablename, schema, base.metadata, location, module=cls.module, class_key=cls.key, unknown=set(args_unknown)
        )
        if name_member is not None:
            spec.name_location = Location(name_owner.module.rel, name_member.line, name_member.col)
        self._unknown_metadata(spec, location)
        if isinstance(options.get("comment"), str):
            spec.comment = options["comment"]
        self._label(spec, cls)
        self._columns(cls, contributors, spec, base, into_parent=False)
        spec.items.extend(args_items)
        if (base.flask_naming or base.flask_naming_unknown) and parent_table is not None and self._single_table(spec):
            if spec.unknown & {"columns", "primary_key"} or base.flask_naming_unknown:
                spec.unknown.add("exists")
                why = (
                    f"only if its table naming is off, which cannot be told ({base.flask_naming_unknown})"
                    if base.flask_naming_unknown
                    else f"only if {cls.facts.name} has a primary key of its own, which cannot be told"
                )
                self.warn(
                    f"table {spec.name}: Flask-SQLAlchemy creates it {why}; its absence elsewhere is not reported",
                    location,
                    spec.name,
                )
            else:
                self._columns(cls, contributors, parent_table, base, into_parent=True)
                self.by_class[cls.key] = parent_table
                return parent_table
        self.conditional(spec, cls.facts.condition, location)
        spec = self.add_table(spec, options)
        self.by_class[cls.key] = spec
        return spec

    def _unknown_metadata(self, spec: TableSpec, location: Location) -> None:
        """A table whose MetaData cannot be read: the names its naming convention gives keys,
        indexes and constraints are unknown (and its schema, when one is not given)."""
        if spec.metadata.unknown is None:
            return
        spec.unknown.update(_TABLE_OBJECTS)
        self.warn(
            f"table {spec.name}: its MetaData cannot be resolved statically ({spec.metadata.unknown}); the "
            "names of its keys, indexes and constraints are not compared",
            location,
            spec.name,
        )

    def conditional(self, spec: TableSpec, condition: str | None, location: Location) -> None:
        """A table declared under a runtime `if`: whether it exists is decided when it runs."""
        if condition is not None and "exists" not in spec.unknown:
            spec.unknown.add("exists")
            self.warn(
                f"table {spec.name} is declared under `if {condition}`: whether it exists is decided when the "
                "code runs, so its absence elsewhere is not reported",
                location,
                spec.name,
            )

    def add_table(self, spec: TableSpec, options: dict) -> TableSpec:
        """Add a table to the metadata, as `Table()` does when the name is taken:
        `extend_existing=True` merges into the existing table (a column of the same name
        replaces the old one in place), `keep_existing=True` keeps the existing one as is."""
        existing = self._first_table.get((spec.schema, spec.name))
        if existing is None or not (options.get("extend_existing") is True or options.get("keep_existing") is True):
            self.tables.append(spec)
            self._first_table.setdefault((spec.schema, spec.name), spec)
            return spec
        if options.get("extend_existing") is True:
            existing.columns.update(spec.columns)
            existing.items.extend(spec.items)
            existing.unknown |= spec.unknown
            if spec.comment is not None:
                existing.comment = spec.comment
        return existing

    def _label(self, spec: TableSpec, cls: ClassRef) -> None:
        spec.model = cls.facts.name
        spec.mirrors = mirrored_model(cls.facts.docstring)

    def _directive(self, contributors: list[ClassRef], lineage: list[ClassRef], name: str):
        """(owner class, member) declaring `name`: the class itself or an unmapped class of its
        lineage; a mapped ancestor only through `declared_attr` (plain attributes of a mapped
        class are not re-applied to subclasses by SQLAlchemy)."""
        for cls in lineage:
            member = self.own(cls, name)
            if member is None:
                continue
            if any(c.key == cls.key for c in contributors) or member.kind == "def" or self.is_root(cls):
                return cls, member
        return None, None

    def _tablename(self, cls: ClassRef, contributors, lineage, location: Location) -> str | None:
        owner, member = self._directive(contributors, lineage, "__tablename__")
        if member is None:
            return None
        if member.kind == "def":
            return self._computed_tablename(cls, owner, member)
        value = self.value_of(owner, member)
        if isinstance(value, str):
            return value
        if value is None:
            return None
        self.warn(
            f"__tablename__ of {cls.facts.name} cannot be resolved statically ({_describe(value)})",
            Location(owner.module.rel, member.line, member.col),
        )
        return None

    def _computed_tablename(self, cls: ClassRef, owner: ClassRef, member: Member) -> str | None:
        """`declared_attr` __tablename__: `cls.__name__.lower()` and friends."""
        expr = member.value
        text = _expr_source(expr)
        if expr is not None:
            value = self.resolver.evaluate(owner.module, _with_class_name(expr, cls.facts.name))
            if isinstance(value, str):
                return value
        self.warn(
            f"__tablename__ of {cls.facts.name} is computed by a function schemalint cannot evaluate ({text})",
            Location(owner.module.rel, member.line, member.col),
        )
        return None

    def _table_args(
        self, cls: ClassRef, contributors, location: Location, tablename: str
    ) -> tuple[list, dict, tuple[str, ...]]:
        """(located items, options, the table parts left unknown by what cannot be read)."""
        owner, member = self._directive(contributors, self.mro(cls), "__table_args__")
        if member is None:
            return [], {}, ()
        where = Location(owner.module.rel, member.line, member.col)
        if member.kind == "def":
            # a declared_attr: SQLAlchemy calls it with the mapped class (`cls.key` is its column)
            scope = self.class_scope(owner, member.line)
            expr = member.value
            if member.params:
                scope[member.params[0]] = cls
                if member.params[0] == "cls":
                    expr = _with_class_name(expr, cls.facts.name, tablename)
            value = self.resolver.evaluate(owner.module, expr, scope=scope)
        else:
            value = self.value_of(owner, member)
        items: list = []
        options: dict = {}
        unknown: tuple[str, ...] = ()
        if isinstance(value, dict):
            options = value
        elif isinstance(value, tuple):
            if value and isinstance(value[-1], dict):
                options = value[-1]
                value = value[:-1]
            items = list(value)
        else:
            unknown = _TABLE_OBJECTS + ("comment",)
            self.warn(
                f"__table_args__ of {cls.facts.name} cannot be resolved statically ({_describe(value)}); "
                "its indexes, constraints and comment are not compared",
                where,
            )
        located = []
        places = CallPlaces(owner.module.rel, member.calls, items)
        for item in items:
            if isinstance(item, Unresolved) or not isinstance(item, Call) or isinstance(item.func, Unresolved):
                reason = item.func.reason if isinstance(item, Call) and isinstance(item.func, Unresolved) else None
                self.warn(
                    f"__table_args__ item {_describe(item)} cannot be resolved statically"
                    + (f" ({reason})" if reason else "")
                    + "; the table's indexes and constraints are not compared",
                    where,
                )
                unknown = _TABLE_OBJECTS
                continue
            located.append((item, places.next(item) or where))
        return located, options, unknown

    # ------------------------------------------------------------------ columns

    def _columns(self, cls: ClassRef, contributors, spec: TableSpec, base: DeclBase, *, into_parent: bool) -> None:
        # SQLAlchemy lays out the class's own columns first, then those copied from mixins
        # and abstract bases in MRO order; the first declaration of an attribute wins.
        seen: set[str] = set()
        added: list[ColSpec] = []
        for owner in contributors:
            self._unread_bases(owner, spec)
            maybe = dict(owner.facts.runtime_members)
            for what, line, col in owner.facts.runtime:
                if line in maybe and all(self._never_a_column(owner, member) for member in maybe[line]):
                    continue  # whichever branch runs, it declares no column (a relationship, a method)
                spec.unknown.update(_TABLE_OBJECTS + ("columns",))
                self.warn(
                    f"class {owner.facts.name}: the attributes declared under `{what}` are decided when the code "
                    "runs; the columns, keys and indexes they may add are not compared",
                    Location(owner.module.rel, line, col),
                    spec.name,
                )
            root = self.is_root(owner)
            for member in _declaration_order(owner.facts.members, mixin=owner.key != cls.key):
                if member.name.startswith("__") or member.name in seen:
                    continue
                if root and member.name in _BASE_CONFIGURATION:
                    continue  # the declarative base's configuration, not a column
                seen.add(member.name)
                column = self.column_from_member(owner, member, base, spec)
                if column is None or column.name in spec.columns:
                    continue  # not a column, or a single-table subclass re-declaring a parent column
                spec.columns[column.name] = column
                added.append(column)
        if not into_parent and any(c.sort_order for c in added):
            ordered = sorted(spec.columns.values(), key=lambda c: c.sort_order)  # stable, like SQLAlchemy's
            spec.columns = {c.name: c for c in ordered}

    def _never_a_column(self, owner: ClassRef, member: Member) -> bool:
        """Whether a class-body member is surely no column: a plain method, a literal, or a
        relationship (also returned by a `declared_attr`); never a directive (`__tablename__`)."""
        if member.kind == "def" and not self._is_declared_attr(owner, member):
            return True
        if member.name.startswith("__"):
            return False
        if member.value is None:
            return False  # an annotation (`x: Mapped[int]`), or a declared_attr not read
        value = self.value_of(owner, member)
        if member.kind != "def" and member.annotation is None and isinstance(value, (str, int, float, bool)):
            return True
        return isinstance(value, Call) and value.sa in NOT_COLUMNS

    def _unread_bases(self, owner: ClassRef, spec: TableSpec) -> None:
        """A base class the reader cannot read (a package that is not installed in the project's
        virtualenv, a name it cannot follow) may add columns: one SL002 at the class, and the
        table's columns, keys and indexes are not compared."""
        for base in self.bases(owner):
            if isinstance(base, Subscript):
                base = base.base
            if isinstance(base, Ext):
                top = base.path.split(".")[0]
                if (
                    base.path.startswith("sqlalchemy")
                    or top in sys.stdlib_module_names
                    or top == "typing_extensions"
                    or flask.is_flask_path(base)
                ):
                    continue
                shown = base.path
            elif isinstance(base, Unresolved):
                shown = base.text
            else:
                continue
            spec.unknown.update(_TABLE_OBJECTS + ("columns",))
            self.warn(
                f"class {owner.facts.name}: base {shown} cannot be read (not in the project nor in its "
                "virtualenv); the columns, keys and indexes it may add are not compared",
                Location(owner.module.rel, owner.facts.line, owner.facts.col),
                spec.name,
            )

    def column_from_member(self, owner: ClassRef, member: Member, base: DeclBase, spec: TableSpec) -> ColSpec | None:
        table = spec.name
        location = Location(owner.module.rel, member.line, member.col)
        if member.kind == "def":
            if not self._is_declared_attr(owner, member):
                return None
            value = self.value_of(owner, member) if member.value is not None else None
        else:
            value = self.value_of(owner, member) if member.value is not None else None
        while isinstance(value, Call) and value.sa in WRAPPERS and value.args:
            value = value.args[0]
        annotation = self.annotation_of(owner, member) if member.annotation is not None else None
        mapped = mapped_inner(annotation)
        if isinstance(value, Call) and value.sa in COLUMN_FACTORIES:
            return self.column(value, member.name, location, base, mapped, owner, table, member.calls)
        if isinstance(value, Call) and value.sa in NOT_COLUMNS:
            return None
        if value is None and mapped is not None and member.kind != "def":
            return self.column(None, member.name, location, base, mapped, owner, table)
        if isinstance(value, Call) and isinstance(value.func, Unresolved):  # (annotated or not: it may return a Column)
            spec.unknown.update(_TABLE_OBJECTS + ("columns",))
            self.warn(
                f"attribute {member.name}: '{value.text}' cannot be resolved statically; the columns, keys and "
                "indexes it may add are not compared",
                location,
                table,
                member.name,
            )
        elif member.kind == "def" and value is not None and not isinstance(value, Call):
            spec.unknown.update(_TABLE_OBJECTS + ("columns",))
            self.warn(
                f"declared_attr {member.name} returns something schemalint cannot evaluate; the columns, keys "
                "and indexes it may add are not compared",
                location,
                table,
                member.name,
            )
        return None

    def _is_declared_attr(self, owner: ClassRef, member: Member) -> bool:
        for decorator in member.decorators:
            value = self.resolver.evaluate(owner.module, decorator)
            if isinstance(value, Ext) and "declared_attr" in value.path:
                return True
            if isinstance(value, Call) and isinstance(value.func, Ext) and "declared_attr" in value.func.path:
                return True
        return False

    def column(
        self, call: Call | None, key: str, location: Location, base: DeclBase, mapped, owner, table, calls: tuple = ()
    ) -> ColSpec | None:
        """One Column(...) / mapped_column(...) (call None: annotation only)."""
        unwrapped = unwrap(mapped) if mapped is not None else Unwrapped(False, None, ())
        optional, python_type = unwrapped.optional, unwrapped.python_type
        positional, kwargs = _merged_arguments(call, list(unwrapped.annotated))
        spec = ColSpec(key=key, name=key, location=location)
        type_value, unresolved_args = self._positional(spec, positional, CallPlaces(location.path, calls, positional))
        type_value = kwargs.get("type_", type_value)
        _apply_keywords(spec, kwargs)
        self._unreadable_keywords(spec, kwargs, table)
        is_mapped_column = call is None or call.sa == "mapped_column"
        if spec.nullable is None:
            # Column: nullable unless a primary key; mapped_column: from Optional / `| None`
            annotated_column = is_mapped_column and mapped is not None
            spec.nullable = False if spec.primary_key else (optional if annotated_column else True)
        if type_value is not None:
            self._set_type(spec, type_value, table)
        elif is_mapped_column and python_type is not None and not spec.foreign_keys and base.type_map_unknown:
            spec.type_problem = (
                f"column {spec.name}: its type comes from the annotation through the declarative base's "
                f"type_annotation_map, which cannot be resolved statically ({base.type_map_unknown})"
            )
        elif is_mapped_column and python_type is not None and not spec.foreign_keys:
            # (a mapped_column with a ForeignKey and no type takes the referenced column's type
            # whatever the annotation says: MappedColumn.declarative_scan)
            resolution = self.annotations.resolve(mapped, python_type, base.type_map)
            if resolution.relationship:
                return None  # Mapped["Other"] names a relationship target, not a column
            if resolution.type_value is not None:
                self._set_type(spec, resolution.type_value, table)
            spec.type_info = resolution.info or spec.type_info
            if resolution.problem:
                spec.type_problem = f"column {spec.name}: {resolution.problem}"
        elif not spec.foreign_keys:  # (a ForeignKey column takes its type from the target)
            what = ", ".join(_describe(a) for a in unresolved_args) if unresolved_args else "no type given"
            spec.type_problem = f"column {spec.name}: type cannot be resolved statically ({what})"
            return spec
        if unresolved_args:
            # a key, a check, a default or an identity that cannot be read: not compared
            spec.unknown += ["references", "default", "identity", "generated"]
            self.warn(
                f"column {spec.name}: argument {', '.join(_describe(a) for a in unresolved_args)} cannot be "
                "resolved statically; its keys, default and identity are not compared",
                location,
                table,
                spec.name,
            )
        return spec

    def _unreadable_keywords(self, spec: ColSpec, kwargs: dict, table: str) -> None:
        """`nullable=`, `unique=`, `index=`, `comment=` given a value that cannot be read: that part
        is unknown (one SL002 for the column), never the keyword's default."""
        unreadable = {
            key: kwargs[key] for key in _KEYWORD_PARTS if kwargs.get(key) is not None and getattr(spec, key) is None
        }
        if not unreadable:
            return
        for key in unreadable:
            spec.unknown += _KEYWORD_PARTS[key]
        if "unique" in unreadable and spec.index:
            spec.unknown.append("indexes")  # index=True, unique=?: a unique index or a plain one
        shown = ", ".join(f"{key}={_describe(value)}" for key, value in unreadable.items())
        self.warn(
            f"column {spec.name}: {shown} cannot be resolved statically; not compared", spec.location, table, spec.name
        )

    def _positional(self, spec: ColSpec, positional: list, places: CallPlaces) -> tuple[Any, list]:
        """Sort Column()'s positional arguments: name, type, keys, checks, identity...
        Returns (the type, the arguments nothing could be made of)."""
        type_value = None
        unresolved = []
        for arg in positional:
            kind = arg.sa if isinstance(arg, Call) else None
            if isinstance(arg, str):
                spec.name = arg
            elif kind == "ForeignKey":
                spec.foreign_keys.append(self.foreign_key(arg, places.next(arg) or spec.location))
            elif kind == "CheckConstraint":
                spec.checks.append(arg)
            elif kind == "Identity":
                spec.identity = arg
            elif kind == "Computed":
                spec.computed = arg
            elif kind == "Sequence":
                spec.sequence = True
            elif is_type(arg):
                type_value = arg
            else:
                unresolved.append(arg)
        return type_value, unresolved

    def _set_type(self, spec: ColSpec, type_value, table: str) -> None:
        try:
            spec.type_info = self.types.render(type_value)
        except TypeProblem as problem:
            spec.type_problem = f"column {spec.name}: {problem}"

    def foreign_key(self, call: Call, location: Location) -> FKSpec:
        target = call.args[0] if call.args else call.kwargs.get("column")
        return FKSpec(
            target=target,
            ondelete=_upper(call.kwargs.get("ondelete")),
            onupdate=_upper(call.kwargs.get("onupdate")),
            name=call.kwargs.get("name") if isinstance(call.kwargs.get("name"), str) else None,
            deferrable=call.kwargs.get("deferrable") is True,
            initially_deferred=str(call.kwargs.get("initially", "")).upper() == "DEFERRED",
            location=location,
        )

    # ------------------------------------------------------------------ imperative tables

    def imperative_table(self, value, module: Module, location: Location, calls: tuple = ()) -> TableSpec | None:
        if not (isinstance(value, Call) and value.sa == "Table"):
            return None
        if not value.args or not isinstance(value.args[0], str):
            self.complete = False
            self.warn(
                f"Table(...) name {_describe(value.args[0]) if value.args else ''} cannot be resolved statically; "
                "the table is not read",
                location,
            )
            return None
        name = value.args[0]
        metadata = self.metadata(value.args[1]) if len(value.args) > 1 else MetaInfo()
        schema = value.kwargs.get("schema") if isinstance(value.kwargs.get("schema"), str) else metadata.schema
        spec = TableSpec(name, schema, metadata, location, module=module)
        self._unknown_metadata(spec, location)
        if value.kwargs.get("autoload_with") is not None or value.kwargs.get("autoload") is True:
            spec.unknown.update(_TABLE_OBJECTS + ("columns",))
            self.warn(
                f"Table({name!r}) is reflected from a database (autoload_with): its columns are not in the source",
                location,
                name,
            )
        if isinstance(value.kwargs.get("comment"), str):
            spec.comment = value.kwargs["comment"]
        empty_base = DeclBase(metadata, {})
        items = value.args[2:]
        places = CallPlaces(module.rel, calls, items)
        segments = _segments_by_column(calls)
        columns_seen = 0
        for item in items:
            if isinstance(item, Call) and item.sa == "Column":
                at = places.next(item) or location
                own_calls = (
                    segments[columns_seen]
                    if len(segments) == sum(1 for i in items if isinstance(i, Call) and i.sa == "Column")
                    else ()
                )
                columns_seen += 1
                column = self.column(item, "", at, empty_base, None, None, name, own_calls)
                if column is not None:
                    spec.columns[column.name] = column
            elif isinstance(item, Call):
                spec.items.append((item, places.next(item) or location))
            else:
                spec.unknown.update(_TABLE_OBJECTS + ("columns",))
                self.warn(
                    f"Table({name!r}) item {_describe(item)} cannot be resolved statically; the columns, keys "
                    "and indexes it may add are not compared",
                    location,
                    name,
                )
        return self.add_table(spec, value.kwargs)


class CallPlaces:
    """Where each evaluated call of a statement is written: the k-th `Index(...)` object is the
    k-th `Index(` in the statement's text. Trusted only when the counts agree (a value that
    came from a variable elsewhere keeps the statement's position)."""

    def __init__(self, rel: str, calls: tuple, values):
        self.rel = rel
        self.written: dict[str, list[tuple[int, int]]] = {}
        for name, line, col in calls:
            self.written.setdefault(name, []).append((line, col))
        self.expected: dict[str, int] = {}
        for value in values:
            if isinstance(value, Call) and value.sa:
                self.expected[value.sa] = self.expected.get(value.sa, 0) + 1
        self.taken: dict[str, int] = {}

    def next(self, value) -> Location | None:
        name = value.sa if isinstance(value, Call) else None
        if not name or len(self.written.get(name, ())) != self.expected.get(name, -1):
            return None
        index = self.taken.get(name, 0)
        self.taken[name] = index + 1
        line, col = self.written[name][index]
        return Location(self.rel, line, col)


def _segments_by_column(calls: tuple) -> list[tuple]:
    """An imperative Table's calls split at each `Column(`: each column's own calls."""
    segments: list[list] = []
    for call in calls:
        if call[0] == "Column":
            segments.append([call])
        elif segments:
            segments[-1].append(call)
    return [tuple(segment) for segment in segments]


def _declaration_order(members, *, mixin: bool) -> list[Member]:
    """The order SQLAlchemy scans a class body in: `vars(cls)` (attributes with a value)
    merged with `__annotations__` by util.merge_lists_w_ordering; on a mixin, declared_attr
    columns are evaluated (and so placed) after its other attributes."""
    by_name: dict[str, Member] = {}
    for member in members:
        by_name.setdefault(member.name, member)
    valued = [m.name for m in members if m.value is not None or m.kind == "def"]
    annotated = [m.name for m in members if m.kind != "def" and m.annotation is not None]
    names = _merge_lists_w_ordering(list(dict.fromkeys(valued)), list(dict.fromkeys(annotated)))
    ordered = [by_name[n] for n in names]
    if mixin:
        ordered = [m for m in ordered if m.kind != "def"] + [m for m in ordered if m.kind == "def"]
    return ordered


def _merge_lists_w_ordering(first: list[str], second: list[str]) -> list[str]:
    """Merge two orderings of overlapping names, switching lists at each shared name (the
    same walk as sqlalchemy.util.merge_lists_w_ordering)."""
    overlap = set(first) & set(second)
    result: list[str] = []
    current, other = iter(first), iter(second)
    while True:
        for element in current:
            if element in overlap:
                overlap.discard(element)
                current, other = other, current
                break
            result.append(element)
        else:
            result.extend(other)
            return result


def _with_class_name(expr, name: str, tablename: str | None = None):
    """`expr` with `cls.__name__` (and its .lower() / .upper()) replaced by the class's name,
    wherever it occurs, so `"t_" + cls.__name__.lower()`, `f"t_{cls.__name__.lower()}"` and
    `pattern.sub(r"_\\1", cls.__name__).lower()` evaluate like any constant expression; also
    `cls.__tablename__` by `tablename` when it is given."""
    known = {"cls.__name__.lower": name.lower(), "cls.__name__.upper": name.upper()}
    if not isinstance(expr, tuple) or not expr:
        return expr
    if expr[0] == "ref" and expr[1] == "cls.__name__":
        return ("const", name)
    if expr[0] == "ref" and expr[1] == "cls.__tablename__" and tablename is not None:
        return ("const", tablename)
    if expr[0] == "ref":
        return expr
    if expr[0] == "call" and expr[1][0] == "ref" and expr[1][1] in known and not expr[2] and not expr[3]:
        return ("const", known[expr[1][1]])
    if expr[0] in ("const", "other"):
        return expr
    return tuple(_with_class_name(part, name, tablename) if isinstance(part, tuple) else part for part in expr)


def _merged_arguments(call: Call | None, annotated: list[Call]) -> tuple[list, dict]:
    """mapped_column() arguments: those of `Annotated[..., mapped_column(...)]` first, the
    attribute's own call overriding them."""
    positional: list = []
    kwargs: dict = {}
    for source in [*annotated, *([call] if call is not None else [])]:
        positional.extend(source.args)
        kwargs.update(source.kwargs)
    return positional, kwargs


_KEYWORD_PARTS: dict[str, list[str]] = {
    "nullable": ["nullable"],
    "unique": ["unique"],
    "index": ["indexes"],
    "comment": ["comment"],
}
"""Column() keywords whose value must be a literal, and what is unknown when it cannot be read
(`indexes`: the table's, see ColSpec.unknown)."""


def _apply_keywords(spec: ColSpec, kwargs: dict) -> None:
    def typed(key: str, kind, default=None):
        value = kwargs.get(key)
        return value if isinstance(value, kind) and not (kind is int and isinstance(value, bool)) else default

    spec.name = typed("name", str, spec.name)
    spec.nullable = typed("nullable", bool)
    spec.primary_key = kwargs.get("primary_key") is True
    spec.autoincrement = kwargs.get("autoincrement", "auto")
    # default=None (dataclass style) is no default at all; anything else is Python-side only
    spec.python_default = any(kwargs.get(k) is not None for k in ("default", "insert_default", "default_factory"))
    spec.server_default = kwargs.get("server_default")
    spec.comment = typed("comment", str)
    spec.unique = typed("unique", bool)
    spec.index = typed("index", bool)
    spec.sort_order = typed("sort_order", int, 0)


def _convention_keys(convention: dict) -> dict:
    """Naming-convention keys as strings (`"ix"`, or the classes `Index`, `UniqueConstraint`)."""
    aliases = {
        "Index": "ix",
        "PrimaryKeyConstraint": "pk",
        "CheckConstraint": "ck",
        "UniqueConstraint": "uq",
        "ForeignKeyConstraint": "fk",
    }
    result = {}
    for key, value in convention.items():
        if isinstance(key, Ext) and key.sa in aliases:
            key = aliases[key.sa]
        if isinstance(key, str) and isinstance(value, str):
            result[key] = value
    return result


def _upper(value) -> str | None:
    return value.upper() if isinstance(value, str) else None


def _describe(value) -> str:
    if isinstance(value, Unresolved):
        return f"'{value.text}': {value.reason}"
    if isinstance(value, Call):
        return f"'{value.text}'"
    if isinstance(value, Ext):
        return value.path
    if isinstance(value, ClassRef):
        return value.facts.name
    if isinstance(value, Subscript):
        return f"{_describe(value.base)}[...]"
    return repr(value)


def _expr_source(expr) -> str:
    from schemalint.read.sqlalchemy.resolve import expr_text

    return expr_text(expr) if expr is not None else ""


def mirrored_model(docstring: str | None) -> str | None:
    """The model a docstring says the class mirrors: `(mirrors Django apps.options.models.Stock)`."""
    if not docstring:
        return None
    import re

    match = re.search(
        r"\bmirrors\s+(?:the\s+)?(?:Django\s+)?(?:model\s+)?`?([A-Za-z_][\w.]*[A-Za-z0-9_])", docstring, re.I
    )
    return match.group(1) if match else None

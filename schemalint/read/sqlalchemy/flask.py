"""What Flask-SQLAlchemy (3.x) adds to SQLAlchemy's declarative mapping, as the reader needs it.

`db = SQLAlchemy(...)` is an object whose attributes are SQLAlchemy's own names: `db.Column`
is `sqlalchemy.Column`, `db.relationship` is `sqlalchemy.orm.relationship` (its `__getattr__`
looks a name up in `sqlalchemy`, then in `sqlalchemy.orm`). Three of them are its own:

* `db.Model`, the declarative base its models derive from. Its metadata is the one passed as
  `SQLAlchemy(metadata=...)` (else a new one), unless `model_class=` is a SQLAlchemy 2.x
  `DeclarativeBase` subclass (then that class's metadata and `type_annotation_map`, and the
  `metadata=` argument is ignored) or an already declarative class (used as it is).
* `db.Table(name, *items)`, a `Table` whose metadata is `db.metadata` unless the second
  argument is a `MetaData`.
* `db.metadata`, that metadata.

Its metaclass (or, with a 2.x model class, its `__init_subclass__`) also names tables: a model
that declares no `__tablename__` of its own gets the snake_case of its class name
(`snake_case`, `generates_name`), and a model whose table would have no primary key of its own
while an ancestor has a table is single-table inheritance (no table of its own). With
`disable_autonaming=` a true value neither happens; with a value that cannot be resolved
statically, the tables either would decide are unknown (SL002), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemalint.read.sqlalchemy.resolve import AttrOf, Call, Ext, MemberRef

# Public names of sqlalchemy.orm that `sqlalchemy` itself does not have: `db.<name>` is the
# ORM's. Every other public name is looked up in `sqlalchemy` first.
ORM_NAMES = frozenset(
    """
    AliasOption AppenderQuery AttributeEventToken AttributeEvents AttributeState Bundle
    CascadeOptions ClassManager ColumnProperty Composite CompositeProperty DeclarativeBase
    DeclarativeBaseNoMeta DeclarativeMeta DictBundle DynamicMapped FromStatement IdentityMap
    InspectionAttr InstanceEvents InstanceState InstrumentedAttribute KeyFuncDict Load Mapped
    MappedAsDataclass MappedCollection MappedColumn MappedSQLExpression Mapper MapperEvents
    MapperProperty PropComparator Query QueryableAttribute Relationship RelationshipProperty
    Session SessionEvents SessionTransaction Synonym SynonymProperty UOWTransaction Unmapped
    WriteOnlyCollection WriteOnlyMapped aliased as_declarative attribute_keyed_dict
    attribute_mapped_collection backref class_mapper clear_mappers close_all_sessions
    column_keyed_dict column_mapped_collection column_property composite configure_mappers
    contains_eager create_session declarative_base declarative_mixin declared_attr
    defaultload defer deferred dynamic_loader foreign immediateload joinedload lazyload
    load_only mapped_as_dataclass mapped_collection mapped_column mapper noload object_mapper
    object_session polymorphic_union query_expression raiseload reconstructor registry
    relationship remote scoped_session selectin_polymorphic selectinload sessionmaker
    subqueryload synonym synonym_for undefer undefer_group unmapped_column validates
    with_expression with_loader_criteria with_parent with_polymorphic
    """.split()
)
# Attributes the extension object has itself (never SQLAlchemy's names).
_OWN_ATTRIBUTES = frozenset(
    {
        "Model",
        "Table",
        "metadata",
        "metadatas",
        "Query",
        "session",
        "engine",
        "engines",
        "init_app",
        "create_all",
        "drop_all",
        "reflect",
        "get_engine",
        "get_or_404",
        "first_or_404",
        "one_or_404",
        "paginate",
    }
)
_EXTENSION_PATHS = frozenset({"flask_sqlalchemy.SQLAlchemy", "flask_sqlalchemy.extension.SQLAlchemy"})
_MODEL_PATHS = frozenset({"flask_sqlalchemy.Model", "flask_sqlalchemy.model.Model"})
_NAMING_METACLASSES = frozenset({"flask_sqlalchemy.model.DefaultMeta", "flask_sqlalchemy.DefaultMeta"})


def is_db(value: Any) -> bool:
    """Whether `value` is a Flask-SQLAlchemy extension object (`SQLAlchemy(...)`)."""
    return isinstance(value, Call) and isinstance(value.func, Ext) and value.func.path in _EXTENSION_PATHS


def is_extension_class(value: Any) -> bool:
    """Flask-SQLAlchemy's `SQLAlchemy` class itself."""
    return isinstance(value, Ext) and value.path in _EXTENSION_PATHS


def is_model_class(value: Any) -> bool:
    """`flask_sqlalchemy.Model` (or its `model` module's): the default model class, no columns."""
    return isinstance(value, Ext) and value.path in _MODEL_PATHS


def is_flask_path(value: Any) -> bool:
    return isinstance(value, Ext) and value.path.split(".")[0] == "flask_sqlalchemy"


def naming_metaclass(value: Any) -> bool:
    """Flask-SQLAlchemy's `DefaultMeta`, the metaclass that names tables."""
    return isinstance(value, Ext) and value.path in _NAMING_METACLASSES


@dataclass(frozen=True)
class FlaskTable:
    """`db.Table`: called, it is a `Table` with `db.metadata` put in as its second argument."""

    db: Call
    sa = "Table"


def attribute(db: Call, name: str) -> Any:
    """`db.<name>`."""
    if name == "Table":
        return FlaskTable(db)
    if name in _OWN_ATTRIBUTES or name.startswith("_"):
        return AttrOf(db, (name,))
    if name in ("relation", "relationship"):
        return Ext("sqlalchemy.orm.relationship")
    if name == "event":
        return Ext("sqlalchemy.event")
    return Ext(f"sqlalchemy.orm.{name}" if name in ORM_NAMES else f"sqlalchemy.{name}")


def model_db(value: Any) -> Call | None:
    """The extension object whose `Model` `value` is (`db.Model`), else None."""
    if isinstance(value, AttrOf) and value.path == ("Model",) and is_db(value.base):
        return value.base
    return None


def metadata_db(value: Any) -> Call | None:
    """The extension object whose metadata `value` is (`db.metadata`, `db.Model.metadata`)."""
    if isinstance(value, AttrOf) and value.path in (("metadata",), ("Model", "metadata")) and is_db(value.base):
        return value.base
    return None


def table_call(table: FlaskTable, args: tuple, kwargs: dict, text: str) -> Call:
    """`db.Table(name, *items, bind_key=None, **kw)` as the `Table` it creates: a second
    argument that is a MetaData is kept, otherwise `db.metadata` goes in (another bind key's
    metadata copies its naming convention, so the names it gives are the same)."""
    kwargs = {key: value for key, value in kwargs.items() if key != "bind_key"}
    if not args or (len(args) >= 2 and _is_metadata(args[1])):
        return Call(Ext("sqlalchemy.Table"), args, kwargs, text)
    return Call(Ext("sqlalchemy.Table"), (args[0], AttrOf(table.db, ("metadata",)), *args[1:]), kwargs, text)


def _is_metadata(value: Any) -> bool:
    if isinstance(value, Call):
        return value.sa == "MetaData"
    if isinstance(value, (AttrOf, MemberRef)):
        return value.path[-1:] == ("metadata",)
    return False


def snake_case(name: str) -> str:
    """The table name Flask-SQLAlchemy 3.x derives from a class name: an underscore before each
    ASCII capital that follows a lowercase letter or a digit, or that starts a capitalised word
    (`HTTPRequest` -> `http_request`, `WebAuthn` -> `web_authn`, `Item2Tag` -> `item2_tag`), all
    lowercased, leading underscores dropped."""
    pieces = []
    for index, char in enumerate(name):
        if index and "A" <= char <= "Z":
            before = name[index - 1]
            after = name[index + 1] if index + 1 < len(name) else ""
            if "a" <= before <= "z" or "0" <= before <= "9" or "a" <= after <= "z":
                pieces.append("_")
        pieces.append(char)
    return "".join(pieces).lower().lstrip("_")

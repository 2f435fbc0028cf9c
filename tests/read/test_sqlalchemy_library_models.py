"""Constructs from the model files of large SQLAlchemy applications (mlflow's tracking store,
prefect's server ORM; tests/realworld), each read statically and compared with what real
SQLAlchemy's `metadata.create_all()` builds in PostgreSQL; and, for each variant the reader
cannot decide, exactly one SL002 at the construct with the fact kept unknown."""

from __future__ import annotations

import sys

import pytest

from schemalint.report.dump import schema_to_dict
from tests.read.test_sqlalchemy_support import created_by_sqlalchemy, read, read_body, table
from tests.support.catalog import compare_catalogs

CASES = {
    "declared-attr-table-args-with-cls": """
class Stamped(Base):
    __abstract__ = True
    id = Column(Integer, primary_key=True)
    created = Column(DateTime)

    @declared_attr.directive
    @classmethod
    def __table_args__(cls):
        return (
            Index(f"ix_{cls.__tablename__}_key_created", cls.key, cls.created.desc()),
            Index(f"ix_{cls.__tablename__}_key", cls.key, unique=True),
        )


class Artifact(Stamped):
    __tablename__ = "artifact"
    key = Column(String(30))


class Run(Stamped):
    __tablename__ = "run"
    key = Column(Text)
""",
    "ddl-if-dialect": """
class Flow(Base):
    __tablename__ = "flow"
    id = Column(Integer, primary_key=True)
    name = Column(String(40))
    kind = Column(Integer)
    __table_args__ = (
        Index("ix_flow_name_pg", "name", postgresql_using="hash").ddl_if(dialect="postgresql"),
        Index("ix_flow_name_lite", "name", "kind").ddl_if(dialect="sqlite"),
        Index("ix_flow_kind_either", "kind").ddl_if(dialect=("sqlite", "postgresql")),
        Index("ix_flow_kind_any", "kind", "name").ddl_if(),
        UniqueConstraint("name", "kind", name="uq_flow_name_kind").ddl_if(dialect="mysql"),
    )


Index("ix_flow_kind_name_pg", Flow.kind, Flow.name.desc()).ddl_if(dialect="postgresql")
Index("ix_flow_kind_name_lite", Flow.kind, Flow.name).ddl_if(dialect="sqlite")
""",
    "str-enum-members-as-server-defaults": """
class NamedEnum(str, enum.Enum):
    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        return name

    @staticmethod
    def auto():
        return enum.auto()


class PoolState(NamedEnum):
    READY = NamedEnum.auto()
    NOT_READY = NamedEnum.auto()


class Color(str, enum.Enum):
    RED = "RED"
    GREEN = "GREEN"


class Level(str, enum.Enum):
    low = "LOW"
    high = "HIGH"


class Mode(enum.StrEnum):
    FAST = enum.auto()
    SLOW = enum.auto()


class Pool(Base):
    __tablename__ = "pool"
    id = Column(Integer, primary_key=True)
    state: Mapped[PoolState] = mapped_column(Enum(PoolState, name="pool_state"), server_default=PoolState.NOT_READY)
    color = Column(Enum(Color, name="pool_color"), server_default=Color.GREEN)
    level = Column(String(10), server_default=Level.high)
    mode = Column(String(10), server_default=Mode.SLOW)
    label = Column(String(20), server_default=text(f"'{Level.low.value}'"))
    note = Column(String(20), server_default=f"{PoolState.READY.value}-{Mode.FAST.value}")
""",
    "function-element-compiled-per-dialect": """
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class NewId(FunctionElement):
    name = "new_id"


@compiles(NewId, "postgresql")
def _new_id_pg(element, compiler, **kw):
    return "(GEN_RANDOM_UUID())"


@compiles(NewId, "sqlite")
def _new_id_sqlite(element, compiler, **kw):
    return "(lower(hex(randomblob(16))))"


class Stamp(FunctionElement):
    name = "stamp"


@compiles(Stamp)
def _stamp(element, compiler, **kw):
    return "statement_timestamp()"


class Event(Base):
    __tablename__ = "event"
    id = Column(Uuid, primary_key=True, server_default=NewId())
    at = Column(DateTime(timezone=True), server_default=Stamp())
""",
    "type-decorator-init-choosing-impl": """
from sqlalchemy.types import TypeDecorator


class Document(TypeDecorator):
    impl = postgresql.JSONB
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.JSONB(none_as_null=True))
        return dialect.type_descriptor(JSON())


class Model(TypeDecorator):
    impl = Document
    cache_ok = True

    def __init__(self, model_type, sa_column_type=None):
        super().__init__()
        self._model_type = model_type
        if sa_column_type is not None:
            self.impl = sa_column_type


class Run(Base):
    __tablename__ = "run"
    id = Column(Integer, primary_key=True)
    details = Column(Model(dict), server_default="{}", nullable=False)
    inputs = Column(Model(list), server_default="[]")
    raw = Column(Model(dict, Text()))
    named = Column(Model(dict, sa_column_type=String(30)))
""",
    "interval-defaults-in-output-form": """
class Window(Base):
    __tablename__ = "window"
    id = Column(Integer, primary_key=True)
    zero = Column(Interval, server_default="0")
    seconds = Column(Interval, server_default="90")
    hours = Column(Interval, server_default="2 hours")
    day = Column(Interval, server_default=text("'1 day'"))
""",
}


def _compare(tmp_path, pg, body: str) -> None:
    schema = read_body(tmp_path, body)
    database = "sa_lib_" + str(abs(hash(body)) % 10**8)
    actual = created_by_sqlalchemy(pg, database, tmp_path / "models.py")
    agreement = compare_catalogs(schema_to_dict(schema), actual, comments=True, labels=("schemalint", "postgres"))
    assert agreement.differences == [], str(agreement)
    assert agreement.compared > len(actual["tables"])
    assert list(schema.diagnostics) == []


@pytest.mark.postgres
@pytest.mark.parametrize("body", CASES.values(), ids=CASES.keys())
def test_library_constructs_match_create_all(tmp_path, pg, body):
    _compare(tmp_path, pg, body)


def test_declared_attr_table_args_read_each_mapped_class(tmp_path):
    schema = read_body(tmp_path, CASES["declared-attr-table-args-with-cls"])
    indexes = {i.name: i for i in table(schema, "artifact").indexes}
    assert indexes["ix_artifact_key_created"].columns == ("key", "created")
    assert indexes["ix_artifact_key_created"].orders == ("", "DESC")
    assert {i.name for i in table(schema, "run").indexes} == {"ix_run_key_created", "ix_run_key"}


@pytest.mark.postgres
def test_a_package_that_imports_its_submodules_lazily(tmp_path, pg):
    """`import pkg` then `pkg.states.Kind`, where pkg/__init__.py imports `states` only under
    TYPE_CHECKING and loads it on attribute access (prefect.server.schemas)."""
    files = {
        "pkg/__init__.py": """
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pkg import states


def __getattr__(name):
    return importlib.import_module(f"pkg.{name}")
""",
        "pkg/states.py": """
import enum


class Kind(str, enum.Enum):
    A = "A"
    B = "B"

DEFAULT_LABEL = "none yet"
""",
        "models.py": """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import pkg


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[pkg.states.Kind] = mapped_column(sa.Enum(pkg.states.Kind, name="item_kind"))
    label: Mapped[str] = mapped_column(sa.String(20), server_default=pkg.states.DEFAULT_LABEL)
""",
    }
    schema = read(tmp_path, files, models=["models.py"])
    sys.path.insert(0, str(tmp_path))
    try:
        actual = created_by_sqlalchemy(pg, "sa_lib_lazy_package", tmp_path / "models.py")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "pkg" or m.startswith("pkg.")]:
            del sys.modules[name]
    agreement = compare_catalogs(schema_to_dict(schema), actual, comments=True, labels=("schemalint", "postgres"))
    assert agreement.differences == [], str(agreement)
    assert list(schema.diagnostics) == []


# Each: body, (table, column), the column's unknown parts, the table's unknown parts, and a
# fragment of the one SL002 the reader reports there.
UNKNOWNS = {
    "ddl-if-callable": (
        """
def only_on_weekdays(ddl, target, bind, **kw):
    return True


class Flow(Base):
    __tablename__ = "flow"
    id = Column(Integer, primary_key=True)
    name = Column(String(40))
    __table_args__ = (Index("ix_flow_name", "name").ddl_if(callable_=only_on_weekdays),)
""",
        ("flow", None),
        (),
        ("indexes", "constraints"),
        "decides when the code runs",
    ),
    "plain-enum-member-as-server-default": (
        """
class Shade(enum.Enum):
    DARK = "dark"


class Paint(Base):
    __tablename__ = "paint"
    id = Column(Integer, primary_key=True)
    shade = Column(String(10), server_default=Shade.DARK)
""",
        ("paint", "shade"),
        ("default",),
        (),
        "Shade.DARK",
    ),
    "enum-auto-numbered": (
        """
class Step(str, enum.Enum):
    ONE = enum.auto()


class Job(Base):
    __tablename__ = "job"
    id = Column(Integer, primary_key=True)
    step = Column(String(10), server_default=Step.ONE)
""",
        ("job", "step"),
        ("default",),
        (),
        "auto() numbers the members",
    ),
    "enum-with-new": (
        """
class Coded(str, enum.Enum):
    def __new__(cls, code, label):
        member = str.__new__(cls, code)
        member._value_ = code
        return member

    HIGH = ("H", "high")


class Job(Base):
    __tablename__ = "job"
    id = Column(Integer, primary_key=True)
    label = Column(String(10), server_default=text(f"'{Coded.HIGH.value}'"))
""",
        ("job", "label"),
        ("default",),
        (),
        "{Coded.HIGH.value}",
    ),
    "type-decorator-init-computing-impl": (
        """
from sqlalchemy.types import TypeDecorator


class Sized(TypeDecorator):
    impl = String
    cache_ok = True

    def __init__(self, size):
        super().__init__()
        self.impl = String(size * 2)


class Thing(Base):
    __tablename__ = "thing"
    id = Column(Integer, primary_key=True)
    code = Column(Sized(10))
""",
        ("thing", "code"),
        ("type",),
        (),
        "Sized.__init__() decides",
    ),
    "compiled-sql-computed": (
        """
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class NewId(FunctionElement):
    name = "new_id"


@compiles(NewId, "postgresql")
def _new_id_pg(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


class Event(Base):
    __tablename__ = "event"
    id = Column(Integer, primary_key=True)
    code = Column(String(36), server_default=NewId())
""",
        ("event", "code"),
        ("default",),
        (),
        "NewId()",
    ),
}


@pytest.mark.parametrize("body, where, parts, table_parts, message", UNKNOWNS.values(), ids=UNKNOWNS.keys())
def test_what_cannot_be_told_is_one_sl002(tmp_path, body, where, parts, table_parts, message):
    schema = read_body(tmp_path, body)
    assert [d.kind for d in schema.diagnostics] == ["unresolved"], schema.diagnostics
    assert message in schema.diagnostics[0].message
    found = table(schema, where[0])
    assert found.unknown == table_parts
    if where[1] is not None:
        assert found.column(where[1]).unknown == parts

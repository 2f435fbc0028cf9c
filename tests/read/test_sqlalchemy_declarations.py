"""Which classes become which tables: the declarative forms, __tablename__ / __table_args__,
abstract classes, mixins, declared_attr, inheritance, attributes that are not columns,
docstring pairing and positions."""

from __future__ import annotations

import pytest

from schemalint.model import Location
from tests.read.test_sqlalchemy_support import HEADER, codes, read, read_body, table

REGISTRY_SOURCE = """
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, registry

metadata_obj = sa.MetaData()
reg = registry(metadata=metadata_obj)

users = sa.Table(
    "users",
    metadata_obj,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(100), nullable=False),
    sa.UniqueConstraint("email"),
    schema="auth",
    comment="people",
)


@reg.mapped
class Session:
    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("auth.users.id"))


@reg.mapped
class Token:
    __table__ = sa.Table("tokens", metadata_obj, sa.Column("value", sa.String(40), primary_key=True))
"""

MIXINS_BODY = """
class Timestamps:
    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    @declared_attr
    def owner_id(cls):
        return Column(Integer, ForeignKey("owners.id"))


class Named:
    @declared_attr.directive
    def __tablename__(cls):
        return cls.__name__.lower()

    @declared_attr.directive
    def __table_args__(cls):
        return {"comment": "named"}


class Owner(Base):
    __tablename__ = "owners"
    id = Column(Integer, primary_key=True)


class Record(Base):
    __abstract__ = True
    id: Mapped[int] = mapped_column(primary_key=True)
    note: Mapped[Optional[str]] = mapped_column(Text)


class Invoice(Timestamps, Named, Record):
    total: Mapped[Decimal] = mapped_column(Numeric(10, 2))
"""

INHERITANCE_BODY = """
class Employee(Base):
    __tablename__ = "employees"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    __mapper_args__ = {"polymorphic_on": "kind"}


class Manager(Employee):
    budget: Mapped[Optional[int]]
    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    __tablename__ = "engineers"
    id: Mapped[int] = mapped_column(ForeignKey("employees.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(30))
"""

COLUMN_NAMES_BODY = """
class Thing(Base):
    __tablename__ = "things"
    id = Column("thing_id", Integer, primary_key=True)
    flag = Column("is_flag", Boolean, key="flagged")
    note: Mapped[Optional[str]] = mapped_column("remark", String(10))
    other = mapped_column(String(3), name="other_col")
"""

STAR_SOURCE = """
from typing import Optional
from sqlalchemy import *
from sqlalchemy.orm import *


class Base(DeclarativeBase):
    pass


class Thing(Base):
    '''Thing. Mirrors the Django model `catalog.Thing`.'''
    __tablename__ = "things"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Optional[str]] = mapped_column(String(20))
    count: Mapped[int]
"""

LOCATED_SOURCE = '''
import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class Parent(Base):
    """Parent (mirrors Django shop.models.Parent)."""

    __tablename__ = "parents"
    __table_args__ = (
        Index("ix_parents_code", "code"),
        UniqueConstraint(
            "code", "name",
        ),
    )

    id = Column(Integer, primary_key=True)
    code = Column(String(5))
    name = Column(String(5))
    other_id = Column(
        Integer,
        ForeignKey("parents.id", ondelete="CASCADE"),
    )


links = Table(
    "links",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("parent_id", ForeignKey("parents.id")),
    Index("ix_links_parent", "parent_id"),
)
'''

BASES = {
    "DeclarativeBase": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase

class Base(DeclarativeBase):
    pass
""",
    "declarative_base()": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()
""",
    "legacy ext.declarative": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.ext.declarative import declarative_base

Base = declarative_base()
""",
    "registry().generate_base()": """
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import registry

Base = registry().generate_base()
""",
    "DeclarativeBaseNoMeta": """
import sqlalchemy
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBaseNoMeta

class Base(DeclarativeBaseNoMeta):
    metadata = sqlalchemy.MetaData()
""",
}


@pytest.mark.parametrize("header", BASES.values(), ids=list(BASES))
def test_declarative_bases(tmp_path, header):
    body = """
class Stock(Base):
    __tablename__ = "stocks"
    id = Column(Integer, primary_key=True)
    symbol = Column(String(10), nullable=False)


class NotMapped:
    symbol = Column(String(10))
"""
    schema = read(tmp_path, {"models.py": header + body})
    assert [t.name for t in schema.tables] == ["stocks"]
    assert [c.name for c in table(schema, "stocks").columns] == ["id", "symbol"]


def test_registry_mapped_decorator_and_imperative_tables(tmp_path):
    source = REGISTRY_SOURCE
    schema = read(tmp_path, {"models.py": source})
    users = table(schema, "users", "auth")
    assert (users.comment, [c.name for c in users.columns], users.constraints[0].name) == (
        "people",
        ["id", "email"],
        "users_email_key",
    )
    sessions = table(schema, "sessions")
    assert (sessions.model, sessions.foreign_keys[0].ref_table, sessions.foreign_keys[0].ref_schema) == (
        "Session",
        "users",
        "auth",
    )
    assert table(schema, "tokens").model == "Token"
    assert table(schema, "tokens").primary_key.columns == ("value",)


TABLE_ARGS = {
    "tuple": ("(Index('ix_named', 'name'),)", None, None),
    "dict": ("{'schema': 'other', 'comment': 'hello'}", "other", "hello"),
    "tuple ending in a dict": ("(Index('ix_named', 'name'), {'comment': 'hi'})", None, "hi"),
}


@pytest.mark.parametrize("args, schema_name, comment", TABLE_ARGS.values(), ids=list(TABLE_ARGS))
def test_table_args_forms(tmp_path, args, schema_name, comment):
    body = f"""
class Thing(Base):
    __tablename__ = "things"
    __table_args__ = {args}
    id = Column(Integer, primary_key=True)
    name = Column(String(20))
"""
    things = table(read_body(tmp_path, body), "things", schema_name)
    assert things.comment == comment
    assert [i.name for i in things.indexes] == (["ix_named"] if "Index" in args else [])


def test_abstract_mixins_and_declared_attr(tmp_path):
    body = MIXINS_BODY
    schema = read_body(tmp_path, body)
    assert sorted(t.name for t in schema.tables) == ["invoice", "owners"]
    invoice = table(schema, "invoice")
    assert [c.name for c in invoice.columns] == ["total", "created_at", "owner_id", "id", "note"]
    assert invoice.comment == "named"
    assert invoice.foreign_keys[0].name == "invoice_owner_id_fkey"
    assert invoice.column("id").default == "nextval('invoice_id_seq'::regclass)"


def test_single_and_joined_table_inheritance(tmp_path):
    body = INHERITANCE_BODY
    schema = read_body(tmp_path, body)
    assert sorted(t.name for t in schema.tables) == ["employees", "engineers"]
    assert [c.name for c in table(schema, "employees").columns] == ["id", "kind", "budget"]
    engineers = table(schema, "engineers")
    assert [c.name for c in engineers.columns] == ["id", "language"]
    assert engineers.column("id").default is None  # a foreign key: no SERIAL
    assert engineers.foreign_keys[0].ref_table == "employees"


NOT_COLUMNS = [
    "children = relationship('Child')",
    "parent: Mapped['Thing'] = relationship(back_populates='x')",
    "items: Mapped[list['Thing']] = relationship()",
    "upper_name = sa.orm.column_property(func.upper(text('name')))",
    "alias = sa.orm.synonym('name')",
    "CONSTANT = 5",
    "label: str = 'x'",
    "@property\n    def shout(self):\n        return 1",
    "@sa.ext.hybrid.hybrid_property\n    def shout(self):\n        return 1",
]


@pytest.mark.parametrize("line", NOT_COLUMNS)
def test_attributes_that_create_no_column(tmp_path, line):
    body = f"""
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    name = Column(String(5))
    {line}
"""
    schema = read_body(tmp_path, body)
    assert [c.name for c in table(schema, "things").columns] == ["id", "name"]
    assert codes(schema) == []


def test_column_name_differs_from_attribute(tmp_path):
    body = COLUMN_NAMES_BODY
    things = table(read_body(tmp_path, body), "things")
    assert [(c.name, c.field_name) for c in things.columns] == [
        ("thing_id", "id"),
        ("is_flag", "flag"),
        ("remark", "note"),
        ("other_col", "other"),
    ]
    assert things.primary_key.columns == ("thing_id",)


def test_mirrors_docstring_model_and_positions(tmp_path):
    body = '''
class Stock(Base):
    """Stock symbol and metadata (mirrors Django apps.options.models.Stock)."""

    __tablename__ = "stocks_renamed"

    id = Column(Integer, primary_key=True)
    symbol: Mapped[str] = mapped_column(String(10))


class Plain(Base):
    """No pairing here."""
    __tablename__ = "plain"
    id = Column(Integer, primary_key=True)
'''
    schema = read_body(tmp_path, body)
    stocks = table(schema, "stocks_renamed")
    assert (stocks.model, stocks.mirrors) == ("Stock", "apps.options.models.Stock")
    assert table(schema, "plain").mirrors is None
    lines = (tmp_path / "models.py").read_text().splitlines()
    assert lines[stocks.location.line - 1].startswith("class Stock(Base):")
    assert stocks.location.col == 1
    symbol = stocks.column("symbol")
    assert lines[symbol.location.line - 1].strip().startswith("symbol: Mapped[str]")
    assert symbol.location == Location("models.py", symbol.location.line, 5)


def test_bases_mixins_and_constants_from_other_modules(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/db/__init__.py": "",
        "app/db/base.py": """
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
""",
        "app/db/constants.py": """
import sqlalchemy as sa

NAME_LEN = 80
CODE_LEN = NAME_LEN // 10
Money = sa.Numeric(14, 2)
""",
        "app/db/mixins.py": """
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .constants import CODE_LEN


class Coded:
    code: Mapped[str] = mapped_column(sa.String(CODE_LEN), unique=True)
""",
        "app/db/models.py": """
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import constants
from app.db.base import Base
from app.db.constants import NAME_LEN as N
from .mixins import Coded


class Product(Coded, Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(N))
    price = sa.Column(constants.Money)
""",
    }
    schema = read(tmp_path, files, models=["app/db/models.py"])
    products = table(schema, "products")
    assert [(c.name, c.type) for c in products.columns] == [
        ("id", "integer"),
        ("name", "character varying(80)"),
        ("price", "numeric(14,2)"),
        ("code", "character varying(8)"),
    ]
    assert codes(schema) == []


def test_star_imports_from_sqlalchemy(tmp_path):
    source = STAR_SOURCE
    schema = read(tmp_path, {"models.py": source})
    things = table(schema, "things")
    assert [(c.name, c.type, c.nullable) for c in things.columns] == [
        ("id", "integer", False),
        ("name", "character varying(20)", True),
        ("count", "integer", False),
    ]
    assert things.mirrors == "catalog.Thing"


def test_positions_skip_lines_inside_methods_and_docstrings(tmp_path):
    source = '''
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase, declared_attr


class Base(DeclarativeBase):
  pass


class Thing(Base):
  """A thing."""
  __tablename__ = "things"

  @declared_attr
  def code(cls):
      name = "shadow"
      return Column(String(5))

  def helper(self):
      name = 1
      return name

  id = Column(Integer, primary_key=True)
  name = Column(String(20))
'''
    schema = read(tmp_path, {"models.py": source})
    things = table(schema, "things")
    lines = source.splitlines()
    for column in things.columns:
        text = lines[column.location.line - 1]
        assert text.lstrip().startswith(("def " + column.name, column.name + " =")), (column.name, text)
        assert column.location.col == 3


def test_each_key_index_and_constraint_is_located_at_its_own_call(tmp_path):
    source = LOCATED_SOURCE
    schema = read(tmp_path, {"models.py": source})
    lines = source.splitlines()

    def at(location):
        return lines[location.line - 1][location.col - 1 :]

    parents = table(schema, "parents")
    assert at(parents.location).startswith("class Parent(Base):")
    assert at(parents.name_location).startswith('__tablename__ = "parents"')
    assert at(parents.indexes[0].location).startswith('Index("ix_parents_code"')
    assert at(parents.constraints[0].location).startswith("UniqueConstraint(")
    assert at(parents.foreign_keys[0].location).startswith('ForeignKey("parents.id", ondelete="CASCADE")')
    assert at(parents.column("other_id").location).startswith("other_id = Column(")
    links = table(schema, "links")
    assert at(links.column("id").location).startswith('Column("id"')
    assert at(links.column("parent_id").location).startswith('Column("parent_id"')
    assert at(links.foreign_keys[0].location).startswith('ForeignKey("parents.id")')
    assert at(links.indexes[0].location).startswith('Index("ix_links_parent"')


TABLENAMES = [
    ("return cls.__name__.lower()", "widget"),
    ("return cls.__name__", "Widget"),
    ("return 'app_' + cls.__name__.lower()", "app_widget"),
    ("return PREFIX + cls.__name__.lower() + 's'", "pre_widgets"),
    ("return 'fixed'", "fixed"),
]


@pytest.mark.parametrize("body, expected", TABLENAMES, ids=[t[0] for t in TABLENAMES])
def test_declared_attr_tablename_expressions(tmp_path, body, expected):
    source = f"""
PREFIX = "pre_"


class Named:
    @declared_attr.directive
    def __tablename__(cls):
        {body}


class Widget(Named, Base):
    id = Column(Integer, primary_key=True)
"""
    schema = read_body(tmp_path, source)
    assert [t.name for t in schema.tables] == [expected]


def test_declared_attr_tablename_that_needs_running_is_sl002(tmp_path):
    source = """
class Named:
    @declared_attr.directive
    def __tablename__(cls):
        return f"t_{cls.__name__.lower()}{cls.suffix()}"


class Widget(Named, Base):
    id = Column(Integer, primary_key=True)
"""
    schema = read_body(tmp_path, source)
    assert schema.tables == ()
    assert codes(schema) == ["SL002"] and "__tablename__ of Widget" in schema.diagnostics[0].message


# What real model files (and the mixins of installed packages) do that needs a little Python:
# each read statically and compared with real SQLAlchemy below (ON_POSTGRES "python").
PYTHON_BODY = """
import contextlib
import re
from typing import TYPE_CHECKING, Generic, TypeVar

from sqlalchemy.ext.mutable import MutableDict

ID = TypeVar("ID")
camel = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")


def short_name(width=12):
    size = width * 2
    return String(size)


def registry_like():
    meta = MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})
    return meta


class GUID(sa.types.TypeDecorator):
    impl = sa.CHAR
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.UUID())
        else:
            return dialect.type_descriptor(sa.CHAR(36))


class Prefixed:
    @declared_attr.directive
    def __tablename__(cls):
        return f"py_{cls.__name__.lower()}"


class Snake:
    @declared_attr.directive
    def __tablename__(cls):
        return camel.sub(r"_\\1", cls.__name__).lower()


class Owned(Generic[ID]):
    if TYPE_CHECKING:
        owner: str
        extra: int
    else:
        owner: Mapped[str] = mapped_column(String(30), unique=True)


class Account(Prefixed, Owned[int], Base):
    id = Column(GUID(), primary_key=True)
    label = Column(short_name())
    wide = Column(short_name(width=40))
    settings = Column(MutableDict.as_mutable(JSON), nullable=False)


class Base2(DeclarativeBase):
    metadata = registry_like()


def make_registry(custom=None):
    import uuid as core_uuid

    type_map = {core_uuid.UUID: GUID, str: String(64)}
    with contextlib.suppress(ImportError):
        from decimal import Decimal

        type_map.update({Decimal: Numeric(10, 2)})
    if custom is not None:
        type_map.update(custom)
    return sa.orm.registry(metadata=MetaData(), type_annotation_map=type_map)


class Base3(DeclarativeBase):
    registry = make_registry()


class Ledger(Base3):
    __tablename__ = "ledger"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    memo: Mapped[str]
    when: Mapped[datetime.date]


class OrderLine(Snake, Base2):
    id = Column(Integer, primary_key=True)
    code = Column(String(10), unique=True)
"""


def test_python_in_model_files_is_evaluated_as_python_does(tmp_path):
    schema = read(tmp_path, {"models.py": HEADER + PYTHON_BODY})
    assert sorted(t.name for t in schema.tables) == ["ledger", "order_line", "py_account"]
    assert [(c.name, c.type) for c in table(schema, "ledger").columns] == [
        ("id", "uuid"),
        ("memo", "character varying(64)"),
        ("when", "date"),
    ]
    account = table(schema, "py_account")
    assert [(c.name, c.type) for c in account.columns] == [
        ("id", "uuid"),
        ("label", "character varying(24)"),
        ("wide", "character varying(80)"),
        ("settings", "json"),
        ("owner", "character varying(30)"),
    ]
    assert [c.name for c in table(schema, "order_line").constraints] == ["uq_order_line_code"]
    assert codes(schema) == []


def test_a_class_body_under_a_runtime_if_is_sl002_and_its_columns_unknown(tmp_path):
    source = """
import os


class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    if os.environ.get("WITH_NOTE"):
        note = Column(Text)
"""
    schema = read_body(tmp_path, source)
    assert codes(schema) == ["SL002"]
    assert schema.diagnostics[0].location.line == HEADER.count("\n") + 8
    assert "columns" in table(schema, "things").unknown


def test_a_table_built_in_a_method_is_sl002_and_the_schema_incomplete(tmp_path):
    source = """
class Store:
    def __init__(self, metadata, tablename="jobs"):
        self.jobs = Table(tablename, metadata, Column("id", Integer, primary_key=True))


def make_table(metadata):
    return Table("made", metadata, Column("id", Integer, primary_key=True))


made = make_table(MetaData())
"""
    schema = read_body(tmp_path, source)
    assert [t.name for t in schema.tables] == ["made"]  # a call the module makes is read
    assert codes(schema) == ["SL002"] and "Store.__init__()" in schema.diagnostics[0].message
    assert schema.complete is False


def test_a_registry_the_reader_cannot_read_makes_names_and_annotation_types_unknown(tmp_path):
    source = """
import os


def make_registry():
    type_map = {str: String(50)}
    if os.environ.get("X"):
        type_map.update({int: BigInteger})
    return sa.orm.registry(metadata=load_metadata(), type_annotation_map=type_map)


class Base3(DeclarativeBase):
    registry = make_registry()


class Thing(Base3):
    __tablename__ = "things"
    id: Mapped[int] = mapped_column(primary_key=True)
    code = Column(String(5), unique=True)
"""
    schema = read_body(tmp_path, source)
    things = table(schema, "things")
    assert {"foreign_keys", "indexes", "constraints", "primary_key"} <= set(things.unknown)
    assert "type" in things.column("id").unknown
    assert sorted(d.kind for d in schema.diagnostics) == ["unresolved", "unresolved"]


# Sources of the tests above, each also created by real SQLAlchemy: the static read must agree
# with PostgreSQL on every fact. (metadata holder, uses the common HEADER)
ON_POSTGRES = {
    "registry": (REGISTRY_SOURCE, "metadata_obj", False, ("auth",)),
    "mixins": (MIXINS_BODY, "Base", True, ()),
    "inheritance": (INHERITANCE_BODY, "Base", True, ()),
    "column-names": (COLUMN_NAMES_BODY, "Base", True, ()),
    "star-imports": (STAR_SOURCE, "Base", False, ()),
    "located": (LOCATED_SOURCE, "Base", False, ()),
    "python": (PYTHON_BODY, ("Base", "Base2", "Base3"), True, ()),
}


@pytest.mark.postgres
@pytest.mark.parametrize("name", list(ON_POSTGRES))
def test_declaration_sources_match_create_all(tmp_path, pg, name):
    from schemalint.report.dump import schema_to_dict
    from tests.read.test_sqlalchemy_support import HEADER, created_by_sqlalchemy
    from tests.support.catalog import compare_catalogs, read_catalog

    source, holder, with_header, schemas = ON_POSTGRES[name]
    text = (HEADER + source) if with_header else source
    schema = read(tmp_path, {"models.py": text})
    database = "sa_decl_" + name.replace("-", "_")
    holders = holder if isinstance(holder, tuple) else (holder,)
    actual = created_by_sqlalchemy(pg, database, tmp_path / "models.py", metadata_names=holders, schemas=schemas)
    for extra in schemas:
        actual["tables"] += read_catalog(pg.dsn(database), extra)["tables"]
    agreement = compare_catalogs(schema_to_dict(schema), actual, comments=True)
    assert agreement.differences == [], str(agreement)
    assert agreement.compared >= 5


# A mixin and a base class from an installed package (authlib's, fastapi-users' shapes): read
# from the project's virtualenv (read/python/modules.py), never imported.
INSTALLED_SITE = ".venv/lib/python3.12/site-packages"
INSTALLED_PACKAGE = {
    ".venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.12.3\n",
    f"{INSTALLED_SITE}/tokens/__init__.py": "from .mixins import TokenMixin\nfrom .users import BaseUserTable\n",
    f"{INSTALLED_SITE}/tokens/mixins.py": """
        from sqlalchemy import Column, Integer, String, Text

        from .common import LENGTH


        class TokenMixin:
            client_id = Column(String(LENGTH), index=True)
            access_token = Column(String(255), unique=True, nullable=False)
            _metadata = Column("metadata_json", Text)
            expires_in = Column(Integer, nullable=False, default=0)
    """,
    f"{INSTALLED_SITE}/tokens/common.py": "LENGTH = 48\n",
    f"{INSTALLED_SITE}/tokens/users.py": """
        from typing import TYPE_CHECKING, Generic, TypeVar

        from sqlalchemy import Boolean, String
        from sqlalchemy.orm import Mapped, mapped_column

        ID = TypeVar("ID")


        class BaseUserTable(Generic[ID]):
            __tablename__ = "user"

            if TYPE_CHECKING:
                id: ID
                email: str
            else:
                email: Mapped[str] = mapped_column(String(length=320), unique=True, index=True)
                is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    """,
}
INSTALLED_MODELS = """
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from tokens import BaseUserTable, TokenMixin


class Base(DeclarativeBase):
    pass


class User(BaseUserTable[int], Base):
    id: Mapped[int] = mapped_column(primary_key=True)


class Token(Base, TokenMixin):
    __tablename__ = "token"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("user.id", ondelete="CASCADE"))
"""


@pytest.mark.postgres
def test_mixins_and_bases_of_installed_packages_are_read_as_sqlalchemy_builds_them(tmp_path, pg, monkeypatch):
    from schemalint.report.dump import schema_to_dict
    from tests.read.test_sqlalchemy_support import created_by_sqlalchemy
    from tests.support.catalog import compare_catalogs

    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    schema = read(tmp_path, {**INSTALLED_PACKAGE, "models.py": INSTALLED_MODELS}, models=["models.py"])
    assert codes(schema) == []
    assert [c.name for c in table(schema, "token").columns] == [
        "id",
        "user_id",
        "client_id",
        "access_token",
        "metadata_json",
        "expires_in",
    ]
    monkeypatch.syspath_prepend(str(tmp_path / INSTALLED_SITE))
    actual = created_by_sqlalchemy(pg, "sa_decl_installed", tmp_path / "models.py")
    agreement = compare_catalogs(schema_to_dict(schema), actual, comments=True)
    assert agreement.differences == [], str(agreement)
    assert agreement.compared >= 20


def test_a_mixin_of_a_package_that_is_not_installed_is_sl002_and_the_columns_unknown(tmp_path, monkeypatch):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    files = {k: v for k, v in INSTALLED_PACKAGE.items() if not k.startswith(".venv/")}
    schema = read(tmp_path, {**files, "models.py": INSTALLED_MODELS}, models=["models.py"])
    assert [(d.kind, d.location.line) for d in schema.diagnostics] == [("unresolved", 11), ("unresolved", 15)]
    assert "tokens.TokenMixin" in schema.diagnostics[1].message
    assert {"columns", "indexes", "constraints"} <= set(table(schema, "token").unknown)

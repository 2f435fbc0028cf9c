"""Which classes become which tables: the declarative forms, __tablename__ / __table_args__,
abstract classes, mixins, declared_attr, inheritance, attributes that are not columns,
docstring pairing and positions."""

from __future__ import annotations

import pytest

from schemalint.model import Location
from tests.read.test_sqlalchemy_support import codes, read, read_body, table

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
        return f"t_{cls.__name__.lower()}"


class Widget(Named, Base):
    id = Column(Integer, primary_key=True)
"""
    schema = read_body(tmp_path, source)
    assert schema.tables == ()
    assert codes(schema) == ["SL002"] and "__tablename__ of Widget" in schema.diagnostics[0].message


# Sources of the tests above, each also created by real SQLAlchemy: the static read must agree
# with PostgreSQL on every fact. (metadata holder, uses the common HEADER)
ON_POSTGRES = {
    "registry": (REGISTRY_SOURCE, "metadata_obj", False, ("auth",)),
    "mixins": (MIXINS_BODY, "Base", True, ()),
    "inheritance": (INHERITANCE_BODY, "Base", True, ()),
    "column-names": (COLUMN_NAMES_BODY, "Base", True, ()),
    "star-imports": (STAR_SOURCE, "Base", False, ()),
    "located": (LOCATED_SOURCE, "Base", False, ()),
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
    actual = created_by_sqlalchemy(pg, database, tmp_path / "models.py", metadata_names=(holder,), schemas=schemas)
    for extra in schemas:
        actual["tables"] += read_catalog(pg.dsn(database), extra)["tables"]
    agreement = compare_catalogs(schema_to_dict(schema), actual, comments=True)
    assert agreement.differences == [], str(agreement)
    assert agreement.compared >= 5

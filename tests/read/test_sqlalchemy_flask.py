"""Flask-SQLAlchemy models (schemalint/read/sqlalchemy/flask.py): each construct read statically
and compared with the tables real Flask-SQLAlchemy maps from the same module (its metadata, no
database needed; tests/differential/test_flask_differential.py builds them in PostgreSQL). What
cannot be read stays one SL002 at its place."""

from __future__ import annotations

import importlib
import itertools
import string
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemalint.read.sqlalchemy.flask import snake_case
from tests.read.test_sqlalchemy_support import read, table

flask_sqlalchemy = pytest.importorskip("flask_sqlalchemy")

_packages = itertools.count()

HEAD = """\
import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, declarative_base, mapped_column

db = SQLAlchemy()
"""


@given(st.text(alphabet=string.ascii_letters + string.digits + "_ÄéÜß", max_size=24))
def test_snake_case_is_flask_sqlalchemys_camel_to_snake_case(name):
    from flask_sqlalchemy.model import camel_to_snake_case

    assert snake_case(name) == camel_to_snake_case(name)


def load(root: Path, files: dict[str, str]) -> str:
    """Import `files` as a new package with real Flask-SQLAlchemy; returns the package's name."""
    package = f"flaskpkg_{next(_packages)}"
    folder = root / package
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text))
    sys.path.insert(0, str(root))
    try:
        for name in files:
            importlib.import_module(f"{package}.{name.removesuffix('.py')}")
    finally:
        sys.path.remove(str(root))
    return package


def real_tables(root: Path, files: dict[str, str], extensions: list[str]) -> dict[str, list[str]]:
    """{table: column names} of the metadata real Flask-SQLAlchemy maps `files` into (`extensions`:
    `module.attribute` of each `SQLAlchemy()` object)."""
    package = load(root, files)
    found = {}
    for extension in extensions:
        module, attribute = extension.rsplit(".", 1)
        db = getattr(sys.modules[f"{package}.{module}"], attribute)
        for metadata in db.metadatas.values():
            found |= {name: [c.name for c in t.columns] for name, t in metadata.tables.items()}
    return found


def static_tables(schema) -> dict[str, list[str]]:
    return {t.name: [c.name for c in t.columns] for t in schema.tables}


# name -> (models written after HEAD, the extension objects)
NAMING = {
    "class name": ("class HTTPRequest2Log(db.Model):\n    id = sa.Column(sa.Integer, primary_key=True)\n", ["db"]),
    "explicit name": (
        "class Item(db.Model):\n    __tablename__ = 'items'\n    id = sa.Column(sa.Integer, primary_key=True)\n",
        ["db"],
    ),
    "mixin's plain name": (
        """
class Named:
    __tablename__ = "from_mixin"

class Thing(Named, db.Model):
    id = sa.Column(sa.Integer, primary_key=True)
""",
        ["db"],
    ),
    "declared_attr name": (
        """
class Named:
    @sa.orm.declared_attr
    def __tablename__(cls):
        return cls.__name__.lower() + "s"

class BlueThing(Named, db.Model):
    id = sa.Column(sa.Integer, primary_key=True)
""",
        ["db"],
    ),
    "abstract model": (
        """
class Base(db.Model):
    __abstract__ = True
    id = sa.Column(sa.Integer, primary_key=True)

class RedThing(Base):
    name = sa.Column(sa.String(10))
""",
        ["db"],
    ),
    "single and joined inheritance": (
        """
class Animal(db.Model):
    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(10))
    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "animal"}

class Dog(Animal):
    bark = sa.Column(sa.String(10))
    __mapper_args__ = {"polymorphic_identity": "dog"}

class Cat(Animal):
    id = sa.Column(sa.Integer, sa.ForeignKey("animal.id"), primary_key=True)
    lives = sa.Column(sa.Integer)
    __mapper_args__ = {"polymorphic_identity": "cat"}

class Named(Animal):
    __tablename__ = "named_animals"
    label = sa.Column(sa.String(10))
    __mapper_args__ = {"polymorphic_identity": "named"}
""",
        ["db"],
    ),
    "parent's plain name is not inherited": (
        """
class Vehicle(db.Model):
    __tablename__ = "vehicles"
    id = sa.Column(sa.Integer, primary_key=True)

class SportsCar(Vehicle):
    id = sa.Column(sa.Integer, sa.ForeignKey("vehicles.id"), primary_key=True)
""",
        ["db"],
    ),
    "disable_autonaming": (
        """
plain = SQLAlchemy(disable_autonaming=True)

class Shape(plain.Model):
    __tablename__ = "shapes"
    id = sa.Column(sa.Integer, primary_key=True)

class Circle(Shape):
    radius = sa.Column(sa.Integer)
""",
        ["plain"],
    ),
    "declarative model_class": (
        """
Legacy = declarative_base()
legacy = SQLAlchemy(model_class=Legacy)

class Old(legacy.Model):
    __tablename__ = "old_things"
    id = sa.Column(sa.Integer, primary_key=True)
""",
        ["legacy"],
    ),
    "DeclarativeBase model_class": (
        """
class Base(DeclarativeBase):
    pass

modern = SQLAlchemy(model_class=Base)

class NewThing(modern.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str | None] = modern.mapped_column(modern.String(5))
""",
        ["modern"],
    ),
    "plain model_class with a column": (
        """
from flask_sqlalchemy.model import Model

class IdModel(Model):
    id = sa.Column(sa.Integer, primary_key=True)

ids = SQLAlchemy(model_class=IdModel)

class Widget(ids.Model):
    size = sa.Column(sa.Integer)
""",
        ["ids"],
    ),
    "db.Table": (
        """
links = db.Table("links", db.Column("a", db.Integer), db.Column("b", db.Integer), bind_key=None)
more = db.Table("more_links", db.metadata, db.Column("c", db.Integer))
""",
        ["db"],
    ),
}


@pytest.mark.parametrize("models, extensions", NAMING.values(), ids=NAMING.keys())
def test_tables_are_the_ones_flask_sqlalchemy_maps(tmp_path, models, extensions):
    files = {"models.py": HEAD + textwrap.dedent(models)}
    expected = real_tables(tmp_path, files, [f"models.{e}" for e in extensions])
    schema = read(tmp_path / "static", files)
    assert static_tables(schema) == expected
    assert schema.diagnostics == ()


def test_db_imported_from_another_module_with_a_naming_convention(tmp_path):
    files = {
        "ext.py": "from flask_sqlalchemy import SQLAlchemy\nfrom sqlalchemy import MetaData\n\n"
        "db = SQLAlchemy(metadata=MetaData(naming_convention={'uq': 'uq_%(table_name)s_%(column_0_name)s'}))\n",
        "models.py": "from .ext import db\n\n\nclass UserAccount(db.Model):\n"
        "    id = db.Column(db.Integer, primary_key=True)\n    email = db.Column(db.String(50), unique=True)\n",
    }
    schema = read(tmp_path, files, models=["models.py"])
    account = table(schema, "user_account")
    assert [c.name for c in account.constraints] == ["uq_user_account_email"]
    assert [c.type for c in account.columns] == ["integer", "character varying(50)"]


SETTER = """\
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declared_attr


class Holder:
    db = None
    owner_table = "owner"

    @classmethod
    def setup(cls, appdb, owner_table="person"):
        cls.db = appdb
        cls.owner_table = owner_table
        cls.links = appdb.Table("links", Column("person_id", Integer, ForeignKey(f"{cls.owner_table}.id")))


class OwnedMixin:
    @declared_attr
    def owner_id(cls):
        return Column(Integer, ForeignKey(f"{Holder.owner_table}.id"))
"""


def test_a_classmethod_setter_called_at_module_level_configures_the_mixins(tmp_path):
    models = HEAD + (
        "from .holder import Holder, OwnedMixin\n\nHolder.setup(db)\n\n\n"
        "class Person(db.Model):\n    id = sa.Column(sa.Integer, primary_key=True)\n\n\n"
        "class Pet(db.Model, OwnedMixin):\n    id = sa.Column(sa.Integer, primary_key=True)\n"
    )
    files = {"holder.py": SETTER, "models.py": models}
    expected = real_tables(tmp_path, files, ["models.db"])
    schema = read(tmp_path / "static", files, models=["models.py"])
    assert static_tables(schema) == expected
    assert schema.diagnostics == ()
    assert [fk.ref_table for fk in table(schema, "pet").foreign_keys] == ["person"]  # the default, not "owner"
    assert [fk.ref_table for fk in table(schema, "links").foreign_keys] == ["person"]


def test_a_setter_never_called_leaves_what_it_sets_unknown(tmp_path):
    models = HEAD + (
        "from .holder import OwnedMixin\n\n\n"
        "class Pet(db.Model, OwnedMixin):\n    id = sa.Column(sa.Integer, primary_key=True)\n"
    )
    schema = read(tmp_path, {"holder.py": SETTER, "models.py": models}, models=["models.py"])
    assert [t.name for t in schema.tables] == ["pet"]
    assert len(schema.diagnostics) == 1
    diagnostic = schema.diagnostics[0]
    assert "foreign key target" in diagnostic.message
    assert "Holder.owner_table is set by Holder.setup() when that runs" in diagnostic.message
    assert (diagnostic.location.path, diagnostic.location.line, diagnostic.column) == ("holder.py", 19, "owner_id")
    assert table(schema, "pet").column("owner_id").unknown == ("references",)


def test_a_try_in_a_class_body_that_may_declare_a_column_stays_sl002(tmp_path):
    models = HEAD + (
        "\n\nclass Pet(db.Model):\n    id = sa.Column(sa.Integer, primary_key=True)\n"
        "    try:\n        import json\n        extra = sa.Column(sa.Integer)\n    except ImportError:\n        pass\n"
    )
    schema = read(tmp_path, {"models.py": models})
    assert len(schema.diagnostics) == 1 and "`try`" in schema.diagnostics[0].message
    assert "columns" in table(schema, "pet").unknown


def test_a_model_class_that_cannot_be_read_is_sl002(tmp_path):
    models = (
        "from flask_sqlalchemy import SQLAlchemy\nimport sqlalchemy as sa\nfrom elsewhere import make_base\n\n"
        "db = SQLAlchemy(model_class=make_base())\n\n\n"
        "class Pet(db.Model):\n    id = sa.Column(sa.Integer, primary_key=True)\n"
    )
    schema = read(tmp_path, {"models.py": models})
    assert [d.kind for d in schema.diagnostics] == ["unresolved"]
    assert "model_class" in schema.diagnostics[0].message


def test_a_plain_subclass_of_the_extension_is_the_extension(tmp_path):
    models = (
        "import sqlalchemy as sa\nfrom flask_sqlalchemy import SQLAlchemy\n\n\n"
        "class AppSQLAlchemy(SQLAlchemy):\n    def health(self):\n        return True\n\n\n"
        "db = AppSQLAlchemy()\n\n\nclass ApiKey(db.Model):\n    id = sa.Column(sa.Integer, primary_key=True)\n"
    )
    files = {"models.py": models}
    assert static_tables(read(tmp_path / "static", files)) == real_tables(tmp_path, files, ["models.db"])


def test_a_model_base_of_an_extension_that_cannot_be_followed_is_sl002(tmp_path):
    models = (
        "import sqlalchemy as sa\nfrom unknown_package import db\n\n\n"
        "class ApiKey(db.Model):\n    id = sa.Column(sa.Integer, primary_key=True)\n"
    )
    schema = read(tmp_path, {"models.py": models})
    assert schema.tables == () and not schema.complete
    assert [(d.kind, d.location.line) for d in schema.diagnostics] == [("unresolved", 5)]
    assert "db.Model" in schema.diagnostics[0].message


def test_whether_a_subclass_has_its_own_table_is_unknown_when_its_columns_are(tmp_path):
    models = HEAD + (
        "from unknown_package import KeyMixin\n\n\n"
        "class Animal(db.Model):\n    id = sa.Column(sa.Integer, primary_key=True)\n\n\n"
        "class Dog(KeyMixin, Animal):\n    bark = sa.Column(sa.String(5))\n"
    )
    schema = read(tmp_path, {"models.py": models})
    assert {"columns", "exists"} <= set(table(schema, "dog").unknown)
    assert [c.name for c in table(schema, "animal").columns] == ["id"]
    assert sorted(d.location.line for d in schema.diagnostics) == [13, 13]  # class Dog


@pytest.mark.parametrize(
    "block, unknown",
    [
        (
            "    try:\n        import json\n        rel = db.relationship('Pet')\n    except ImportError:\n        pass\n",
            False,
        ),
        ("    if FLAG:\n        def helper(self):\n            return 1\n    else:\n        label = 'x'\n", False),
        (
            "    try:\n        import json\n        __tablename__ = 'pets'\n    except ImportError:\n        pass\n",
            True,
        ),
        ("    if FLAG:\n        extra = sa.Column(sa.Integer)\n", True),
    ],
    ids=["relationship", "method and literal", "directive", "column"],
)
def test_a_runtime_block_in_a_class_body_is_sl002_only_if_it_may_declare_a_column(tmp_path, block, unknown):
    models = HEAD + "FLAG = True\n\n\nclass Pet(db.Model):\n    id = sa.Column(sa.Integer, primary_key=True)\n" + block
    schema = read(tmp_path, {"models.py": models})
    assert ("columns" in table(schema, "pet").unknown) is unknown
    assert len(schema.diagnostics) == int(unknown)


MODEL_CLASS_METADATA = (
    HEAD
    + """
class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention={"uq": "own_%(table_name)s_%(column_0_name)s"})


given = sa.MetaData(naming_convention={"uq": "given_%(column_0_name)s"})
first = SQLAlchemy(metadata=given)
second = SQLAlchemy(model_class=Base, metadata=given)


class Email(first.Model):
    id = sa.Column(sa.Integer, primary_key=True)
    address = sa.Column(sa.String(50))
    __table_args__ = (sa.UniqueConstraint("address"),)


class Phone(second.Model):
    id = sa.Column(sa.Integer, primary_key=True)
    number = sa.Column(sa.String(50))
    __table_args__ = (sa.UniqueConstraint("number"),)
"""
)


def test_which_metadata_names_the_constraints(tmp_path):
    """`SQLAlchemy(metadata=...)` is db.Model's metadata, except with a DeclarativeBase
    `model_class`, whose own metadata wins (Flask-SQLAlchemy warns and ignores the argument)."""
    files = {"models.py": MODEL_CLASS_METADATA}
    with pytest.warns(DeprecationWarning):
        module = sys.modules[f"{load(tmp_path, files)}.models"]
    real = {
        name: sorted(c.name for c in t.constraints if isinstance(c, module.sa.UniqueConstraint))
        for db in (module.first, module.second)
        for name, t in db.metadata.tables.items()
    }
    schema = read(tmp_path / "static", files)
    assert {t.name: sorted(c.name for c in t.constraints) for t in schema.tables} == real
    assert real == {"email": ["given_address"], "phone": ["own_phone_number"]}


def test_a_nested_class_does_not_take_its_outer_class_runtime_blocks(tmp_path):
    models = HEAD + (
        "\n\nclass Pet(db.Model):\n    id = sa.Column(sa.Integer, primary_key=True)\n\n"
        "    class Kind:\n        pass\n\n"
        "    try:\n        import json\n        rel = db.relationship('Pet')\n    except ImportError:\n        pass\n\n"
        "    class Other:\n        pass\n"
    )
    schema = read(tmp_path, {"models.py": models})
    assert "columns" not in table(schema, "pet").unknown
    assert schema.diagnostics == ()


@pytest.mark.parametrize("value", ["1", "0", "''", "'yes'", "None"])
def test_disable_autonaming_is_taken_by_its_truth(tmp_path, value):
    models = HEAD.replace("db = SQLAlchemy()", f"db = SQLAlchemy(disable_autonaming={value})") + (
        "\n\nclass Named(db.Model):\n    __tablename__ = 'named'\n    id = sa.Column(sa.Integer, primary_key=True)\n"
        "\n\nclass Pet(db.Model):\n    id = sa.Column(sa.Integer, primary_key=True)\n"
    )
    files = {"models.py": models}
    try:
        expected = real_tables(tmp_path, files, ["models.db"])
    except Exception:  # naming off: a model without __tablename__ is refused by SQLAlchemy itself
        expected = None
    schema = read(tmp_path / "static", files)
    if expected is None:
        assert value in ("1", "'yes'")
        assert "pet" not in static_tables(schema)
    else:
        assert static_tables(schema) == expected
        assert schema.diagnostics == ()


def test_disable_autonaming_that_cannot_be_resolved_leaves_the_generated_names_unknown(tmp_path):
    models = HEAD.replace(
        "db = SQLAlchemy()", "from settings import NO_NAMES\n\ndb = SQLAlchemy(disable_autonaming=NO_NAMES)"
    ) + (
        "\n\nclass Named(db.Model):\n    __tablename__ = 'named'\n    id = sa.Column(sa.Integer, primary_key=True)\n"
        "\n\nclass Pet(db.Model):\n    id = sa.Column(sa.Integer, primary_key=True)\n"
    )
    schema = read(tmp_path, {"models.py": models})
    assert set(static_tables(schema)) == {"named"}  # its own name: read whatever the flag
    assert not schema.complete
    [diagnostic] = schema.diagnostics
    assert (
        diagnostic.kind == "unresolved"
        and diagnostic.location.line == models.splitlines().index("class Pet(db.Model):") + 1
    )
    assert "disable_autonaming=settings.NO_NAMES" in diagnostic.message

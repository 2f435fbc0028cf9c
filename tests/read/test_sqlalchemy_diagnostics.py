"""What the reader says instead of guessing: SL001 for files it cannot parse, SL002 (at the
position of the construct) for what cannot be resolved statically, and never a traceback."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalint.read import SourceFile
from schemalint.read.sqlalchemy import READER
from schemalint.read.sqlalchemy.extract import extract_text
from tests.read.test_sqlalchemy_support import HEADER, codes, read, read_body, table

SYNTAX_ERRORS = [
    ("import sqlalchemy as sa\n\nclass Broken(Base:\n    pass\n", 3, 18),
    ("a = 1\nb = 2 +\nc = 3\n", 2, 8),
    ("class A:\npass\n", 2, 1),
    ("x = (\n", 1, 5),
]


@pytest.mark.parametrize(
    "source, line, col", SYNTAX_ERRORS, ids=["bad-bases", "dangling-operator", "no-indent", "unclosed"]
)
def test_syntax_error_is_sl001_at_its_position(tmp_path, source, line, col):
    schema = read(tmp_path, {"models.py": source})
    assert codes(schema) == ["SL001"]
    location = schema.diagnostics[0].location
    assert (location.path, location.line, location.col) == ("models.py", line, col)
    assert schema.tables == ()


@pytest.mark.parametrize(
    "data, line", [(b"x = 1\n\xff\xfe = 2\n", 2), (b"a = 1\nb = 2\x00\n", 2)], ids=["latin-1", "binary"]
)
def test_undecodable_file_is_sl001(tmp_path, data, line):
    (tmp_path / "models.py").write_bytes(data)
    from schemalint.config import Config
    from schemalint.engine import read_schema

    schema = read_schema("sqlalchemy", [tmp_path / "models.py"], Config(root=tmp_path))
    assert [(d.kind, d.location.line) for d in schema.diagnostics] == [("unreadable", line)]


def test_a_broken_file_does_not_hide_the_others(tmp_path):
    files = {
        "good.py": HEADER + "class Ok(Base):\n    __tablename__ = 'ok'\n    id = Column(Integer, primary_key=True)\n",
        "bad.py": "def (:\n",
    }
    schema = read(tmp_path, files)
    assert [t.name for t in schema.tables] == ["ok"]
    assert [(d.kind, d.location.path) for d in schema.diagnostics] == [("unreadable", "bad.py")]


UNRESOLVABLE = [
    ("value = Column(make_type())", "value", "make_type"),
    ("value = Column(String(length_from_settings()))", "value", "String length"),
    ("value = Column(UnknownType)", "value", "UnknownType"),
    ("value: Mapped[dict]", "value", "no SQL type for annotation builtins.dict"),
    (
        "value = Column(Integer, server_default=default_sql())",
        "value",
        "server_default 'default_sql()' cannot be resolved statically",
    ),
    ("value = Column(Enum(Color, values_callable=helper))", "value", "values_callable"),
    ("value = Column(ForeignKey(target()))", "value", "cannot be resolved statically"),
    ("value = Column(Enum('a', 'b'))", "value", "needs name="),
]


@pytest.mark.parametrize("line, column, fragment", UNRESOLVABLE, ids=[u[0] for u in UNRESOLVABLE])
def test_unresolvable_constructs_are_sl002_at_their_line(tmp_path, line, column, fragment):
    body = f"""
def make_type():
    if os.environ.get("WIDE"):  # what it returns is decided when it runs
        return String(50)
    return String(5)


def length_from_settings():
    return int(os.environ["LENGTH"])


def default_sql():
    if os.environ.get("ONE"):
        return text("1")
    return text("2")


def target():
    return os.environ["TARGET"]


def helper(e):
    return []


class Color(enum.Enum):
    red = "r"


class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    {line}
    after = Column(Integer)
"""
    schema = read_body(tmp_path, body)
    things = table(schema, "things")
    assert things.column("after") is not None  # the rest of the table is still read
    sl002 = [d for d in schema.diagnostics if d.kind == "unresolved"]
    assert len(sl002) == 1, schema.diagnostics
    assert fragment in sl002[0].message
    source_line = (tmp_path / "models.py").read_text().splitlines()[sl002[0].location.line - 1]
    assert source_line.strip() == line
    assert sl002[0].location.col == 5


def test_unresolvable_tablename_and_table_args(tmp_path):
    body = """
def name_for(cls):
    return os.environ["TABLE"]


class Computed(Base):
    __tablename__ = name_for(None)
    id = Column(Integer, primary_key=True)


class Args(Base):
    __tablename__ = "args"
    __table_args__ = (Index("ix_args", "id"), build_index())
    id = Column(Integer, primary_key=True)
"""
    schema = read_body(tmp_path, body)
    assert [t.name for t in schema.tables] == ["args"]
    assert [i.name for i in table(schema, "args").indexes] == ["ix_args"]
    messages = [d.message for d in schema.diagnostics if d.kind == "unresolved"]
    assert any("__tablename__ of Computed" in m for m in messages)
    assert any("__table_args__ item" in m and "build_index" in m for m in messages)


def test_foreign_key_to_unknown_table_keeps_the_column(tmp_path):
    body = """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    other_id = Column(Integer, ForeignKey("elsewhere.id"))
"""
    schema = read_body(tmp_path, body)
    things = table(schema, "things")
    # the referenced table is outside the files read: the FK is still what create_all emits
    assert [(f.columns, f.ref_table, f.ref_columns) for f in things.foreign_keys] == [
        (("other_id",), "elsewhere", ("id",))
    ]
    assert codes(schema) == []


def test_extract_is_picklable_and_pure(tmp_path):
    source = HEADER + "class T(Base):\n    __tablename__ = 't'\n    id = Column(Integer, primary_key=True)\n"
    file = SourceFile(tmp_path / "m.py", "m.py", source.encode())
    facts = READER.extract(file, None)
    assert pickle.loads(pickle.dumps(facts)) == facts
    assert READER.extract(file, None) == facts


def test_reading_never_imports_sqlalchemy_or_the_models(tmp_path):
    (tmp_path / "models.py").write_text(HEADER + "raise SystemExit('imported!')\n")
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from schemalint.config import Config
        from schemalint.engine import read_schema
        schema = read_schema("sqlalchemy", [Path({str(tmp_path / "models.py")!r})], Config(root=Path({str(tmp_path)!r})))
        assert "sqlalchemy" not in sys.modules, "sqlalchemy was imported"
        print("ok", len(schema.tables))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "ok 0", result.stderr


PIECES = st.sampled_from(
    [
        "class A(Base):\n",
        "    __tablename__ = 'a'\n",
        "    id = Column(Integer, primary_key=True)\n",
        "    x: Mapped[",
        "int]\n",
        "Optional[",
        "    __table_args__ = (",
        "Index('i', 'x')",
        ")\n",
        "{'schema': 1}",
        "    y = Column(ForeignKey(",
        "'a.id'",
        "A.id",
        "))\n",
        "class B(A):\n",
        "    @declared_attr\n",
        "    def z(cls):\n",
        "        return Column(String(",
        "N",
        "))\n",
        "N = N + 1\n",
        "from . import *\n",
        "from .models import Base\n",
        "import sqlalchemy as sa\n",
        "Base = sa.orm.declarative_base()\n",
        "    pass\n",
        "(",
        ")",
        "[",
        "]",
        ", ",
        "lambda: ",
        "**kw",
        "*args",
        "'''",
        "\\",
        "\n",
        "    ",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PIECES, max_size=30))
def test_arbitrary_input_never_raises(tmp_path, pieces):
    text = HEADER + "".join(pieces)
    (tmp_path / "models.py").write_text(text)
    from schemalint.config import Config
    from schemalint.engine import read_schema

    schema = read_schema("sqlalchemy", [tmp_path / "models.py"], Config(root=tmp_path))
    assert all(d.kind in ("unreadable", "unresolved") for d in schema.diagnostics)


def test_self_referencing_constants_do_not_loop():
    facts = extract_text("A = B\nB = A\nC = C + 1\n", "m.py")
    assert facts.parsed


def test_reflected_tables_are_sl002_and_unknown_not_empty_tables(tmp_path):
    body = """
engine = sa.create_engine("postgresql://")
legacy = Table("legacy", Base.metadata, autoload_with=engine)
"""
    schema = read_body(tmp_path, body)
    assert [t.name for t in schema.tables] == ["legacy"]
    assert set(schema.tables[0].unknown) >= {"columns", "primary_key", "foreign_keys", "indexes", "constraints"}
    assert [(d.kind, d.table) for d in schema.diagnostics] == [("unresolved", "legacy")]


def test_flask_sqlalchemy_models_are_read(tmp_path):
    files = {
        "extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "models.py": "from .extensions import db\n\n\nclass Route(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n",
    }
    schema = read(tmp_path, files, models=["models.py"])
    assert [t.name for t in schema.tables] == ["route"]  # (tests/read/test_sqlalchemy_flask.py has the rest)
    assert schema.diagnostics == ()


def test_type_decorator_choosing_its_type_per_dialect_is_sl002(tmp_path):
    body = """
class GUID(sa.types.TypeDecorator):
    impl = sa.CHAR
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if self.wide:
            return dialect.type_descriptor(postgresql.UUID())
        return dialect.type_descriptor(sa.CHAR(32))


class Thing(Base):
    __tablename__ = "things"
    id = Column(GUID(), primary_key=True)
"""
    schema = read_body(tmp_path, body)
    assert [d.kind for d in schema.diagnostics] == ["unresolved"]
    assert "load_dialect_impl" in schema.diagnostics[0].message


def test_sqlmodel_tables_are_reported_not_silently_skipped(tmp_path):
    source = "from sqlmodel import Field, SQLModel\n\n\nclass Hero(SQLModel, table=True):\n    id: int | None = Field(default=None, primary_key=True)\n\n\nclass HeroRead(SQLModel):\n    name: str\n\n\nclass Team(HeroRead, table=True):\n    id: int\n"
    schema = read(tmp_path, {"models.py": source})
    assert schema.tables == ()
    assert [(d.kind, d.location.line) for d in schema.diagnostics] == [("unresolved", 4), ("unresolved", 12)]
    assert "SQLModel" in schema.diagnostics[0].message

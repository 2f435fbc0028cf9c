"""Keys, indexes and constraints with the names the database gives them: naming conventions
applied the way SQLAlchemy applies them, PostgreSQL's own names for unnamed constraints, and
CHECK / WHERE expressions as PostgreSQL prints them back."""

from __future__ import annotations

import pytest

from schemalint.postgres.names import choose_constraint_name, make_object_name
from schemalint.read.sqlalchemy.names import apply_convention, truncate_convention_name
from schemalint.read.sqlalchemy.sqltext import predicate_display
from tests.read.test_sqlalchemy_support import read_body, table

PG_NAMES = [
    (("stocks", None, "pkey"), "stocks_pkey"),
    (("stocks", "symbol", "key"), "stocks_symbol_key"),
    (("option_contracts", "snapshot_id", "fkey"), "option_contracts_snapshot_id_fkey"),
    (("t" * 70, "c", "key"), "t" * 57 + "_c_key"),
    (("a" * 40, "b" * 40, "fkey"), "a" * 29 + "_" + "b" * 28 + "_fkey"),
]


@pytest.mark.parametrize("parts, expected", PG_NAMES, ids=[p[1][:30] for p in PG_NAMES])
def test_postgresql_make_object_name(parts, expected):
    assert make_object_name(*parts) == expected
    assert len(expected) <= 63


def test_postgresql_appends_a_number_when_a_name_is_taken():
    taken: set[str] = set()
    assert [choose_constraint_name("t", ["c"], "check", taken) for _ in range(3)] == [
        "t_c_check",
        "t_c_check1",
        "t_c_check2",
    ]


CONVENTIONS = [
    ("ix_%(column_0_label)s", dict(table="stocks", schema=None, columns=["symbol"], name=None), "ix_stocks_symbol"),
    (
        "ix_%(column_0_label)s",
        dict(table="stocks", schema="market", columns=["symbol"], name=None),
        "ix_market_stocks_symbol",
    ),
    ("uq_%(table_name)s_%(column_0_N_name)s", dict(table="t", schema=None, columns=["a", "b"], name=None), "uq_t_a_b"),
    ("uq_%(table_name)s_%(column_0N_name)s", dict(table="t", schema=None, columns=["a", "b"], name=None), "uq_t_ab"),
    (
        "ck_%(table_name)s_%(constraint_name)s",
        dict(table="t", schema=None, columns=[], name="positive"),
        "ck_t_positive",
    ),
    (
        "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        dict(table="t", schema=None, columns=["u_id"], name=None, referred_table="u", referred_columns=["id"]),
        "fk_t_u_id_u",
    ),
    (
        "fk_%(referred_column_0_name)s",
        dict(table="t", schema=None, columns=["u_id"], name=None, referred_table="u", referred_columns=["id"]),
        "fk_id",
    ),
]


@pytest.mark.parametrize("template, values, expected", CONVENTIONS, ids=[c[2] for c in CONVENTIONS])
def test_naming_convention_tokens(template, values, expected):
    assert apply_convention(template, **values) == expected


def test_convention_names_longer_than_63_get_sqlalchemys_hash_suffix():
    name = "ix_" + "x" * 70
    short = truncate_convention_name(name)
    # name[:55] + "_" + 4 hex digits: 60 characters (compiler._truncate_and_render_maxlen_name)
    assert len(short) == 60 and short.startswith(name[:55] + "_")
    assert truncate_convention_name("ix_short") == "ix_short"


@pytest.mark.postgres
def test_implicit_names_without_a_convention(tmp_path, request):
    body = """
class Parent(Base):
    __tablename__ = "parents"
    id = Column(Integer, primary_key=True)


class Child(Base):
    __tablename__ = "children"
    __table_args__ = (UniqueConstraint("a", "b"), CheckConstraint("a > 0"), CheckConstraint("a < b"), Index("my_index", "b"))
    id = Column(Integer, primary_key=True)
    parent_id = Column(ForeignKey("parents.id", ondelete="CASCADE"))
    a = Column(Integer, unique=True)
    b = Column(Integer, index=True)
    c = Column(String(5), index=True, unique=True)
"""
    child = table(read_body(tmp_path, body), "children")
    assert (child.primary_key.name, child.primary_key.implicit) == ("children_pkey", True)
    assert [(f.name, f.on_delete, f.implicit) for f in child.foreign_keys] == [
        ("children_parent_id_fkey", "CASCADE", True)
    ]
    assert sorted((c.name, c.kind, c.columns, c.implicit) for c in child.constraints) == [
        ("children_a_b_key", "unique", ("a", "b"), True),
        ("children_a_check", "check", ("a",), True),
        ("children_a_key", "unique", ("a",), True),
        ("children_check", "check", ("a", "b"), True),
    ]
    _same_as_postgres(request, tmp_path, "sa_implicit")
    assert sorted((i.name, i.columns, i.unique) for i in child.indexes) == [
        ("ix_children_b", ("b",), False),
        ("ix_children_c", ("c",), True),
        ("my_index", ("b",), False),
    ]


@pytest.mark.postgres
def test_metadata_naming_convention(tmp_path, request):
    header = """
import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase

convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=convention)


class Parent(Base):
    __tablename__ = "parents"
    id = Column(Integer, primary_key=True)


class Child(Base):
    __tablename__ = "children"
    __table_args__ = (
        UniqueConstraint("a", "b"),
        UniqueConstraint("b", name="explicit_uq"),
        CheckConstraint("a > 0", name="a_positive"),
        Index("named_index", "b"),
    )
    id = Column(Integer, primary_key=True)
    parent_id = Column(ForeignKey("parents.id"))
    a = Column(Integer)
    b = Column(Integer, index=True)
    c = Column(Integer, unique=True)
"""
    child = table(read_body(tmp_path, "", header=header), "children")
    assert child.primary_key.name == "pk_children"
    assert [f.name for f in child.foreign_keys] == ["fk_children_parent_id_parents"]
    names = sorted(c.name for c in child.constraints)
    assert names == ["ck_children_a_positive", "explicit_uq", "uq_children_a", "uq_children_c"]
    assert sorted(i.name for i in child.indexes) == ["ix_children_b", "named_index"]
    # a convention's name for an unnamed constraint was written by nobody: compare by content
    assert {c.name: c.implicit for c in child.constraints} == {
        "ck_children_a_positive": False,
        "explicit_uq": False,
        "uq_children_a": True,
        "uq_children_c": True,
    }
    _same_as_postgres(request, tmp_path, "sa_convention")


def _same_as_postgres(request, tmp_path, database: str) -> None:
    """Also create the file with real SQLAlchemy and compare every fact. Called after the
    static assertions, so without PostgreSQL only this part is skipped."""
    from schemalint.config import Config
    from schemalint.engine import read_schema
    from schemalint.report.dump import schema_to_dict
    from tests.read.test_sqlalchemy_support import created_by_sqlalchemy
    from tests.support.catalog import compare_catalogs

    pg = request.getfixturevalue("pg")
    schema = read_schema("sqlalchemy", [tmp_path / "models.py"], Config(root=tmp_path))
    actual = created_by_sqlalchemy(pg, database, tmp_path / "models.py")
    agreement = compare_catalogs(schema_to_dict(schema), actual)
    assert agreement.differences == [], str(agreement)


PREDICATES = [
    ("x > -1", "x > '-1'::integer"),
    ("n > -1", "n > '-1'::integer::numeric"),
    ("n > -1.5", "n > '-1.5'::numeric"),
    ("b > -1", "b > '-1'::integer"),
    ("x > 0 OR x < -5", "x > 0 OR x < '-5'::integer"),
    ("x > 0 AND (y = 'a' OR y = 'b')", "x > 0 AND (y::text = 'a'::text OR y::text = 'b'::text)"),
    ("NOT flag", "NOT flag"),
    ("flag = true", "flag = true"),
    ("y IS NOT NULL", "y IS NOT NULL"),
    ("x != 3", "x <> 3"),
    ("length(t) < 10", "length(t) < 10"),
    ("length(y) > 1", "length(y::text) > 1"),
    ("d > 0", "d > 0::double precision"),
    ("y LIKE 'a%'", "y::text ~~ 'a%'::text"),
    ("n >= 0.5", "n >= 0.5"),
    ("n >= 0", "n >= 0::numeric"),
    ("lower(y) = 'a'", "lower(y::text) = 'a'::text"),
    ("x % 2 = 0", "(x % 2) = 0"),
    ("x * 2 < 1000", "(x * 2) < 1000"),
    ("x IN (1, 2)", "x = ANY (ARRAY[1, 2])"),
    ("t IN ('a','b')", "t = ANY (ARRAY['a'::text, 'b'::text])"),
    ("y IN ('a', 'b')", "y::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])"),
    ("y NOT IN ('a')", "y::text <> 'a'::text"),
    ("x BETWEEN 1 AND 2", "x >= 1 AND x <= 2"),
    ("x <= b", "x <= b"),
    ("(x > 0)", "x > 0"),
    (
        "y IN ('a', 'b') AND x > 0",
        "(y::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])) AND x > 0",
    ),
]
COLUMNS = {
    "x": "integer",
    "n": "numeric(10,2)",
    "b": "bigint",
    "y": "character varying(5)",
    "flag": "boolean",
    "t": "text",
    "d": "double precision",
}


@pytest.mark.parametrize("sql, printed", PREDICATES, ids=[p[0] for p in PREDICATES])
def test_check_expressions_as_postgresql_prints_them(sql, printed):
    assert predicate_display(sql, COLUMNS)[0] == printed


def test_sql_that_is_not_an_expression_is_kept_as_written():
    assert predicate_display("x  >  ((", COLUMNS) == ("x > ((", ["x"])


@pytest.mark.postgres
def test_predicate_printouts_match_postgresql(tmp_path, pg):
    """The PREDICATES table, created as CheckConstraints by real SQLAlchemy."""
    from schemalint.report.dump import schema_to_dict
    from tests.read.test_sqlalchemy_support import created_by_sqlalchemy
    from tests.support.catalog import compare_catalogs

    checks = ", ".join(f"CheckConstraint({sql!r}, name='c{i}')" for i, (sql, _) in enumerate(PREDICATES))
    body = f"""
class Thing(Base):
    __tablename__ = "things"
    __table_args__ = ({checks}, Index("ix_partial", "x", postgresql_where=text("y IN ('a', 'b') AND x > 0")))
    id = Column(Integer, primary_key=True)
    x = Column(Integer)
    n = Column(Numeric(10, 2))
    b = Column(BigInteger)
    y = Column(String(5))
    flag = Column(Boolean)
    t = Column(Text)
    d = Column(Double)
"""
    schema = read_body(tmp_path, body)
    actual = created_by_sqlalchemy(pg, "sa_predicates", tmp_path / "models.py")
    agreement = compare_catalogs(schema_to_dict(schema), actual)
    assert agreement.differences == [], str(agreement)


@pytest.mark.postgres
def test_quoted_names_and_text_index_directions(tmp_path, request):
    body = """
class Upper(Base):
    __tablename__ = "UpperCase"
    __table_args__ = (Index("ix_upper_name_desc", text("name DESC")), Index("ix_upper_lower", text("lower(name)")))
    id = Column(Integer, primary_key=True)
    name = Column(String(20))


class Scoped(Base):
    __tablename__ = "Scoped"
    __table_args__ = {"schema": "public"}
    id = Column(BigInteger, primary_key=True)
"""
    schema = read_body(tmp_path, body)
    upper = table(schema, "UpperCase")
    assert upper.column("id").default == """nextval('"UpperCase_id_seq"'::regclass)"""
    assert [(i.name, i.columns, i.orders) for i in upper.indexes] == [
        ("ix_upper_name_desc", ("name",), ("DESC",)),
        ("ix_upper_lower", ("lower(name::text)",), ()),
    ]
    _same_as_postgres(request, tmp_path, "sa_quoted")

"""Column types, nullability and defaults: each declaration against the format_type() spelling,
nullability and pg_get_expr() default PostgreSQL shows after `create_all()` (values checked on
PostgreSQL 15 with SQLAlchemy 2.1; the differential suite re-checks them against a live server)."""

from __future__ import annotations

import pytest

from tests.read.test_sqlalchemy_support import read_body, table

TYPES = [
    ("Column(Integer)", "integer"),
    ("Column(sa.INTEGER)", "integer"),
    ("Column(BigInteger)", "bigint"),
    ("Column(SmallInteger)", "smallint"),
    ("Column(String)", "character varying"),
    ("Column(String(40))", "character varying(40)"),
    ("Column(String(length=7))", "character varying(7)"),
    ("Column(sa.Unicode(3))", "character varying(3)"),
    ("Column(sa.VARCHAR(15))", "character varying(15)"),
    ("Column(sa.CHAR(3))", "character(3)"),
    ("Column(sa.CHAR)", "character(1)"),
    ("Column(Text)", "text"),
    ("Column(sa.UnicodeText)", "text"),
    ("Column(Boolean)", "boolean"),
    ("Column(Date)", "date"),
    ("Column(DateTime)", "timestamp without time zone"),
    ("Column(DateTime(timezone=True))", "timestamp with time zone"),
    ("Column(DateTime(True))", "timestamp with time zone"),
    ("Column(postgresql.TIMESTAMP(timezone=True, precision=3))", "timestamp(3) with time zone"),
    ("Column(Time)", "time without time zone"),
    ("Column(Time(timezone=True))", "time with time zone"),
    ("Column(Interval)", "interval"),
    ("Column(postgresql.INTERVAL(fields='DAY'))", "interval day"),
    ("Column(Numeric)", "numeric"),
    ("Column(Numeric(10, 2))", "numeric(10,2)"),
    ("Column(Numeric(10))", "numeric(10,0)"),
    ("Column(Numeric(precision=8, scale=3))", "numeric(8,3)"),
    ("Column(sa.DECIMAL(5, 1))", "numeric(5,1)"),
    ("Column(Float)", "double precision"),
    ("Column(Float(24))", "real"),
    ("Column(Float(precision=25))", "double precision"),
    ("Column(Double)", "double precision"),
    ("Column(sa.REAL)", "real"),
    ("Column(postgresql.DOUBLE_PRECISION)", "double precision"),
    ("Column(LargeBinary)", "bytea"),
    ("Column(postgresql.BYTEA)", "bytea"),
    ("Column(JSON)", "json"),
    ("Column(postgresql.JSONB)", "jsonb"),
    ("Column(Uuid)", "uuid"),
    ("Column(Uuid(native_uuid=False))", "character(32)"),
    ("Column(postgresql.UUID(as_uuid=True))", "uuid"),
    ("Column(postgresql.INET)", "inet"),
    ("Column(postgresql.CIDR)", "cidr"),
    ("Column(postgresql.MONEY)", "money"),
    ("Column(postgresql.BIT(4))", "bit(4)"),
    ("Column(ARRAY(Integer))", "integer[]"),
    ("Column(postgresql.ARRAY(String(5)))", "character varying(5)[]"),
    ("Column(ARRAY(Text, dimensions=2))", "text[]"),
    ("Column(Enum('a', 'bb', name='my_enum'))", "my_enum"),
    ("Column(Enum('a', 'bbb', native_enum=False))", "character varying(3)"),
    ("Column(Enum('a', 'bbb', native_enum=False, length=10))", "character varying(10)"),
    ("Column(postgresql.ENUM('x', name='pg_enum'))", "pg_enum"),
    ("Column(Enum('x', 'y', name='kinds', schema='corpus_types'))", "corpus_types.kinds"),
    ("Column(Enum(Color))", "color"),
    ("Column(Enum(Color, name='paint'))", "paint"),
    ("Column(Enum(Color, native_enum=False))", "character varying(5)"),
    ("Column(Enum(Color, values_callable=lambda e: [m.value for m in e], native_enum=False))", "character varying(7)"),
    ("Column(sa.types.String(9))", "character varying(9)"),
    ("Column(sa.sql.sqltypes.Integer())", "integer"),
    ("Column(type_=String(2))", "character varying(2)"),
    ("Column('other_name', String(2))", "character varying(2)"),
    ("Column(Email)", "character varying(254)"),
]

ANNOTATIONS = [
    ("Mapped[int]", "integer", False),
    ("Mapped[Optional[int]]", "integer", True),
    ("Mapped[int | None]", "integer", True),
    ("Mapped[None | int]", "integer", True),
    ("Mapped[str]", "character varying", False),
    ("Mapped[float]", "double precision", False),
    ("Mapped[bool]", "boolean", False),
    ("Mapped[bytes]", "bytea", False),
    ("Mapped[Decimal]", "numeric", False),
    ("Mapped[decimal.Decimal]", "numeric", False),
    ("Mapped[datetime.datetime]", "timestamp without time zone", False),
    ("Mapped[datetime.date]", "date", False),
    ("Mapped[datetime.time]", "time without time zone", False),
    ("Mapped[datetime.timedelta]", "interval", False),
    ("Mapped[uuid.UUID]", "uuid", False),
    ("Mapped[Color]", "color", False),
    ("Mapped[Optional[Color]]", "color", True),
    ("Mapped[Literal['on', 'off!']]", "character varying(4)", False),
    ("Mapped[str50]", "character varying(50)", False),
    ("Mapped[Optional[str50]]", "character varying(50)", True),
    ("Mapped[money]", "numeric(12,2)", False),
]

PRELUDE = """
class Color(enum.Enum):
    red = "crimson"
    green = "g"
    black = "b"


class Email(sa.types.TypeDecorator):
    impl = String(254)
    cache_ok = True


str50 = Annotated[str, mapped_column(String(50))]
money = Annotated[Decimal, mapped_column(Numeric(12, 2))]

"""


def one_column(tmp_path, declaration: str, annotation: str | None = None):
    target = (
        f"value: {annotation} = {declaration}"
        if annotation and declaration
        else (f"value: {annotation}" if annotation else f"value = {declaration}")
    )
    body = (
        PRELUDE
        + f"""
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    {target}
"""
    )
    schema = read_body(tmp_path, body)
    return table(schema, "things"), schema


@pytest.mark.parametrize("declaration, expected", TYPES, ids=[t[0] for t in TYPES])
def test_type_objects(tmp_path, declaration, expected):
    things, schema = one_column(tmp_path, declaration)
    column = things.columns[1]
    assert column.type == expected, schema.diagnostics
    assert column.nullable is True


@pytest.mark.parametrize("annotation, expected, nullable", ANNOTATIONS, ids=[a[0] for a in ANNOTATIONS])
def test_annotations(tmp_path, annotation, expected, nullable):
    things, schema = one_column(tmp_path, "", annotation)
    if expected is None:
        assert things.column("value") is None
        return
    column = things.column("value")
    assert column is not None, schema.diagnostics
    assert (column.type, column.nullable) == (expected, nullable)


NULLABILITY = [
    ("value = Column(Integer)", True),
    ("value = Column(Integer, nullable=False)", False),
    ("value = Column(Integer, nullable=True)", True),
    ("value: Mapped[int] = mapped_column()", False),
    ("value: Mapped[int] = mapped_column(nullable=True)", True),
    ("value: Mapped[Optional[int]] = mapped_column(nullable=False)", False),
    ("value: Mapped[Optional[int]] = mapped_column(Integer)", True),
    ("value = mapped_column(Integer)", True),
    ("value = Column(Integer, Identity())", False),
    ("value: Mapped[Optional[int]] = mapped_column(sa.Computed('id * 2'))", True),
]


@pytest.mark.parametrize("line, nullable", NULLABILITY, ids=[n[0] for n in NULLABILITY])
def test_nullability(tmp_path, line, nullable):
    body = f"""
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    {line}
"""
    column = table(read_body(tmp_path, body), "things").column("value")
    assert column.nullable is nullable


DEFAULTS = [
    ("Column(Integer, server_default='0')", "0", None),
    ("Column(Integer, server_default='-1')", "'-1'::integer", None),
    ("Column(Integer, server_default=text('5'))", "5", None),
    ("Column(BigInteger, server_default='0')", "'0'::bigint", None),
    ("Column(BigInteger, server_default=text('0'))", "0", None),
    ("Column(SmallInteger, server_default='1')", "'1'::smallint", None),
    ("Column(Numeric(10, 2), server_default='0')", "'0'::numeric", None),
    ("Column(Numeric(10, 2), server_default='0.00')", "0.00", None),
    ("Column(Numeric(10, 2), server_default=text('0'))", "0", None),
    ("Column(Float, server_default='1.5')", "'1.5'::double precision", None),
    ("Column(Float, server_default=text('1.5'))", "1.5", None),
    ("Column(Boolean, server_default='true')", "true", None),
    ("Column(Boolean, server_default=sa.false())", "false", None),
    ("Column(Boolean, server_default=text('FALSE'))", "false", None),
    ("Column(String(5), server_default='x')", "'x'::character varying", None),
    ('Column(String(5), server_default="it\'s")', "'it''s'::character varying", None),
    ("Column(Text, server_default='')", "''::text", None),
    ("Column(sa.CHAR(2), server_default='ab')", "'ab'::bpchar", None),
    ("Column(postgresql.JSONB, server_default=text(\"'{}'::jsonb\"))", "'{}'::jsonb", None),
    ("Column(postgresql.JSONB, server_default='{}')", "'{}'::jsonb", None),
    ("Column(DateTime(timezone=True), server_default=func.now())", "now()", None),
    ("Column(DateTime, server_default=func.current_timestamp())", "CURRENT_TIMESTAMP", None),
    ("Column(DateTime, server_default=text('CURRENT_TIMESTAMP'))", "CURRENT_TIMESTAMP", None),
    ("Column(Date, server_default=func.current_date())", "CURRENT_DATE", None),
    ("Column(Uuid, server_default=func.gen_random_uuid())", "gen_random_uuid()", None),
    ("Column(Interval, server_default='1 day')", "'1 day'::interval", None),
    ("Column(ARRAY(String(3)), server_default='{}')", "'{}'::character varying[]", None),
    ("Column(Enum('a', 'b', name='ab'), server_default='a')", "'a'::ab", None),
    ("Column(DateTime, server_default=text(\"(now() at time zone 'utc')\"))", "(now() AT TIME ZONE 'utc'::text)", None),
    (
        "Column(DateTime(timezone=True), server_default=func.timezone('utc', func.now()))",
        "timezone('utc'::text, now())",
        None,
    ),
    ("Column(DateTime, server_default=text(\"date_trunc('day', now())\"))", "date_trunc('day'::text, now())", None),
    ("Column(Text, server_default=func.to_char(func.now(), 'YYYY'))", "to_char(now(), 'YYYY'::text)", None),
    ("Column(String(5), server_default=func.upper('x'))", "upper('x'::text)", None),
    ("Column(DateTime(timezone=True), server_default=func.clock_timestamp())", "clock_timestamp()", None),
    ("Column(postgresql.JSONB, server_default=text(\"'[]'::jsonb\"))", "'[]'::jsonb", None),
    ("Column(Numeric(5, 2), server_default=text('0.0'))", "0.0", None),
    ("Column(Integer, default=5)", None, None),
    ("Column(Integer, Identity())", None, "by default"),
    ("Column(Integer, Identity(always=True))", None, "always"),
]


@pytest.mark.parametrize("declaration, default, identity", DEFAULTS, ids=[d[0] for d in DEFAULTS])
def test_server_defaults_as_postgresql_prints_them(tmp_path, declaration, default, identity):
    things, schema = one_column(tmp_path, declaration)
    column = things.columns[1]
    assert (column.default, column.identity) == (default, identity), schema.diagnostics


SERIALS = [
    ("id = Column(Integer, primary_key=True)", "integer", "nextval('things_id_seq'::regclass)"),
    ("id = Column(BigInteger, primary_key=True)", "bigint", "nextval('things_id_seq'::regclass)"),
    ("id = Column(SmallInteger, primary_key=True)", "smallint", "nextval('things_id_seq'::regclass)"),
    ("id: Mapped[int] = mapped_column(primary_key=True)", "integer", "nextval('things_id_seq'::regclass)"),
    ("id = Column(Integer, primary_key=True, autoincrement=False)", "integer", None),
    ("id = Column(Integer, primary_key=True, default=1)", "integer", None),
    ("id = Column(Integer, primary_key=True, server_default='1')", "integer", "1"),
    ("id = Column(Integer, ForeignKey('other.id'), primary_key=True)", "integer", None),
    (
        "id = Column(Integer, ForeignKey('other.id'), primary_key=True, autoincrement=True)",
        "integer",
        "nextval('things_id_seq'::regclass)",
    ),
    ("id = Column(String(5), primary_key=True)", "character varying(5)", None),
    ("id = Column(Numeric(10, 0), primary_key=True)", "numeric(10,0)", None),
]


@pytest.mark.parametrize("line, type_, default", SERIALS, ids=[s[0] for s in SERIALS])
def test_serial_primary_keys(tmp_path, line, type_, default):
    body = f"""
class Other(Base):
    __tablename__ = "other"
    id = Column(Integer, primary_key=True)


class Thing(Base):
    __tablename__ = "things"
    {line}
"""
    column = table(read_body(tmp_path, body), "things").column("id")
    assert (column.type, column.default, column.nullable) == (type_, default, False)


def test_type_annotation_map_of_the_base(tmp_path):
    header = """
import datetime
from typing import Annotated, Optional
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

short = Annotated[str, 30]


class Base(DeclarativeBase):
    type_annotation_map = {str: sa.String(255), dict: JSONB, short: sa.String(30), datetime.datetime: sa.DateTime(timezone=True)}


class Thing(Base):
    __tablename__ = "things"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    data: Mapped[Optional[dict]]
    code: Mapped[short]
    at: Mapped[datetime.datetime]
    explicit: Mapped[str] = mapped_column(sa.Text)
"""
    things = table(read_body(tmp_path, "", header=header), "things")
    assert [(c.name, c.type, c.nullable) for c in things.columns[1:]] == [
        ("name", "character varying(255)", False),
        ("data", "jsonb", True),
        ("code", "character varying(30)", False),
        ("at", "timestamp with time zone", False),
        ("explicit", "text", False),
    ]


def test_foreign_key_column_without_type_takes_the_referenced_type(tmp_path):
    body = """
class Parent(Base):
    __tablename__ = "parents"
    id = Column(BigInteger, primary_key=True)
    code = Column(String(8), unique=True)


class Child(Base):
    __tablename__ = "children"
    id = Column(Integer, primary_key=True)
    parent_id = Column(ForeignKey("parents.id"), nullable=False)
    parent_code = Column(ForeignKey(Parent.code))
"""
    children = table(read_body(tmp_path, body), "children")
    assert [(c.name, c.type, c.default) for c in children.columns[1:]] == [
        ("parent_id", "bigint", None),
        ("parent_code", "character varying(8)", None),
    ]


@pytest.mark.postgres
def test_the_expectations_above_are_what_postgresql_shows(tmp_path, pg):
    """Every TYPES / DEFAULTS / ANNOTATIONS / NULLABILITY / SERIALS line, created by real SQLAlchemy in a real PostgreSQL, read back
    from the catalogs: the tables above are PostgreSQL's answers, not guesses."""
    from schemalint.report.dump import schema_to_dict
    from tests.read.test_sqlalchemy_support import created_by_sqlalchemy
    from tests.support.catalog import compare_catalogs

    lines = [
        f"    c{i} = {declaration}" for i, (declaration, _) in enumerate(TYPES) if "'other_name'" not in declaration
    ]
    lines += [f"    d{i} = {declaration}" for i, (declaration, _, _) in enumerate(DEFAULTS)]
    lines += [f"    a{i}: {annotation}" for i, (annotation, _, _) in enumerate(ANNOTATIONS)]
    lines += ["    " + line.replace("value", f"n{i}", 1) for i, (line, _) in enumerate(NULLABILITY)]
    body = (
        PRELUDE
        + "\n\nclass Thing(Base):\n    __tablename__ = 'things'\n    id = Column(Integer, primary_key=True)\n"
        + "\n".join(lines)
        + "\n"
    )
    body += "\n\nclass Other(Base):\n    __tablename__ = 'other'\n    id = Column(Integer, primary_key=True)\n"
    for i, (line, _, _) in enumerate(SERIALS):
        body += f"\n\nclass Serial{i}(Base):\n    __tablename__ = 'serial_{i}'\n    {line}\n"
    schema = read_body(tmp_path, body)
    actual = created_by_sqlalchemy(pg, "sa_types", tmp_path / "models.py", schemas=("corpus_types",))
    agreement = compare_catalogs(schema_to_dict(schema), actual)
    assert agreement.differences == [], str(agreement)
    assert agreement.compared > 4 * (len(TYPES) + len(DEFAULTS) + len(ANNOTATIONS))


def test_new_types_need_a_type_annotation_map_entry(tmp_path):
    """SQLAlchemy 2.1 does not map NewType("UserId", int) like int: only the map does."""
    header = """
import typing
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

UserId = typing.NewType("UserId", int)
Code = typing.NewType("Code", str)


class Base(DeclarativeBase):
    type_annotation_map = {UserId: sa.BigInteger}


class Thing(Base):
    __tablename__ = "things"
    id: Mapped[int] = mapped_column(primary_key=True)
    user: Mapped[UserId]
    code: Mapped[Code]
"""
    schema = read_body(tmp_path, "", header=header)
    things = table(schema, "things")
    assert things.column("user").type == "bigint"
    assert things.column("code").unknown == ("type",)  # kept, its type unknown
    assert [d.kind for d in schema.diagnostics] == ["unresolved"] and "code" in schema.diagnostics[0].message

"""Less common types, defaults and names."""

import datetime
import uuid
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import Column, Integer, String
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import Mapped, deferred, mapped_column
from sqlalchemy.types import TypeDecorator

from .base import Base


class Email(TypeDecorator):
    impl = sa.String(254)
    cache_ok = True


class TypeZoo(Base):
    __tablename__ = "type_zoo"

    id = Column(Integer, primary_key=True)
    u1 = Column(sa.Uuid)
    u2 = Column(pg.UUID)
    i1 = Column(sa.Interval)
    i2 = Column(pg.INTERVAL(fields="DAY TO SECOND"))
    b1 = Column(sa.LargeBinary)
    b2 = Column(pg.BYTEA)
    c1 = Column(sa.CHAR(3))
    c2 = Column(sa.CHAR)
    t1 = Column(sa.Time(timezone=True))
    t2 = Column(pg.TIMESTAMP(precision=3))
    t3 = Column(pg.TIME(precision=0))
    bit = Column(pg.BIT(8))
    money = Column(pg.MONEY)
    net = Column(pg.CIDR)
    mac = Column(pg.MACADDR)
    d1 = Column(sa.Double)
    d2 = Column(pg.DOUBLE_PRECISION)
    f1 = Column(sa.Float(precision=53))
    n1 = Column(sa.Numeric(10))
    n2 = Column(sa.DECIMAL(8, 3))
    un = Column(sa.Unicode(40))
    ut = Column(sa.UnicodeText)
    email = Column(Email)
    arr = Column(pg.ARRAY(sa.Integer))
    arr2 = Column(sa.ARRAY(sa.Text, dimensions=2))
    js = Column(sa.JSON)
    tsv = Column(pg.TSVECTOR)
    rng = Column(pg.INT4RANGE)
    big = deferred(Column(sa.Text))
    vc = Column(sa.VARCHAR(15))
    nchar = Column(sa.NCHAR(2))
    smallint = Column(sa.SMALLINT)
    bigint = Column(sa.BIGINT)
    boolean = Column(sa.BOOLEAN)


class DefaultZoo(Base):
    __tablename__ = "default_zoo"

    id: Mapped[int] = mapped_column(primary_key=True)
    a: Mapped[int] = mapped_column(server_default="7")
    b: Mapped[int] = mapped_column(sa.BigInteger, server_default="7")
    c: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("7"))
    d: Mapped[float] = mapped_column(server_default="1.5")
    e: Mapped[float] = mapped_column(server_default=sa.text("2.5"))
    f: Mapped[str] = mapped_column(String(10), server_default="it's")
    g: Mapped[str] = mapped_column(sa.Text, server_default="")
    h: Mapped[bool] = mapped_column(server_default="f")
    i: Mapped[datetime.datetime] = mapped_column(server_default=sa.func.current_timestamp())
    j: Mapped[datetime.date] = mapped_column(server_default=sa.text("CURRENT_DATE"))
    k: Mapped[uuid.UUID] = mapped_column(server_default=sa.func.gen_random_uuid())
    m: Mapped[int] = mapped_column(sa.SmallInteger, server_default="2")
    n: Mapped[Optional[str]] = mapped_column(String(5), server_default=sa.text("'ab'"))
    o: Mapped[datetime.timedelta] = mapped_column(server_default="1 day")
    p: Mapped[int] = mapped_column(server_default=sa.text("-3"))
    q: Mapped[dict] = mapped_column(server_default="{}")
    r: Mapped[Optional[int]] = mapped_column(sa.Integer, sa.Computed("a * 2"))


class Scoped(Base):
    __tablename__ = "scoped"
    __table_args__ = {"schema": "corpus_s", "comment": "lives in its own schema"}

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20), unique=True)


class ScopedChild(Base):
    __tablename__ = "scoped_child"
    __table_args__ = {"schema": "corpus_s"}

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    parent_id: Mapped[int] = mapped_column(sa.ForeignKey("corpus_s.scoped.id"), index=True)


class VeryLongNamesTableForPostgresIdentifierTruncationChecks(Base):
    __tablename__ = "very_long_names_table_for_postgres_identifier_truncation_checks"

    identifier_column_with_a_long_name: Mapped[int] = mapped_column(primary_key=True)
    another_really_long_column_name_to_force_truncation: Mapped[str] = mapped_column(String(10), unique=True)
    third_long_column_name_that_is_indexed_here: Mapped[int] = mapped_column(index=True)
    ref_id_with_long_name: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("tenants.id"))


class NoAutoinc(Base):
    __tablename__ = "no_autoinc"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(8))


class DefaultPk(Base):
    __tablename__ = "default_pk"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    small_id: Mapped[int] = mapped_column(sa.SmallInteger)


class SmallSerial(Base):
    __tablename__ = "small_serial"

    id: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)


class UuidPk(Base):
    __tablename__ = "uuid_pk"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, server_default=sa.text("gen_random_uuid()"))
    label: Mapped[str] = mapped_column(String(10))


class Composite(Base):
    __tablename__ = "composite"
    __table_args__ = (sa.PrimaryKeyConstraint("a", "b", name="composite_key"),)

    a: Mapped[int]
    b: Mapped[str] = mapped_column(String(3))
    c: Mapped[Optional[int]]


class Checked(Base):
    __tablename__ = "checked"
    __table_args__ = (
        sa.CheckConstraint("lo <= hi"),
        sa.CheckConstraint("hi BETWEEN 0 AND 100"),
        sa.CheckConstraint("length(code) > 1"),
        sa.CheckConstraint("code IN ('a', 'b')"),
        sa.CheckConstraint("ratio > 0"),
        sa.UniqueConstraint("lo", "hi"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lo: Mapped[int]
    hi: Mapped[int]
    code: Mapped[str] = mapped_column(String(3))
    ratio: Mapped[float]


class DeepNesting(Base):
    __tablename__ = "deep_nesting"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_id: Mapped[int] = mapped_column(sa.ForeignKey("checked.id", ondelete="CASCADE", onupdate="CASCADE"))
    deferred_fk: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("checked.id", deferrable=True, initially="DEFERRED"))


class Odds(Base):
    """Constructs that add nothing to the table or change it only subtly."""

    __tablename__ = "odds"

    id: Mapped[int] = mapped_column(sa.Integer, sa.Sequence("odds_custom_seq"), primary_key=True)
    collated: Mapped[str] = mapped_column(String(10, collation="C"))
    flag: Mapped[bool] = mapped_column(sa.Boolean(create_constraint=True))
    mood: Mapped[str] = mapped_column(sa.Enum("up", "down", name="mood", create_constraint=True))
    touched: Mapped[Optional[datetime.datetime]] = mapped_column(server_onupdate=sa.FetchedValue())
    money: Mapped[float] = mapped_column(sa.Numeric(10, 2, asdecimal=False))
    stamp: Mapped[datetime.datetime] = mapped_column(sa.DateTime(True), server_default=sa.text("now()"))
    doc: Mapped[Optional[str]] = mapped_column(sa.Text, doc="not a comment", info={"x": 1})

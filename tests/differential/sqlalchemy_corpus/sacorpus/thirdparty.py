"""Idioms of third-party packages' model files: tables built in a loop, a table extended by a
second declaration, type variants, an Enum nested in its model, TypeDecorators that pass their
arguments to `impl`, foreign-key columns without a type, and partial indexes written with
Python operators."""

import enum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import BigInteger, Column, DateTime, Enum, ForeignKey, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

thirdparty_metadata = MetaData()

# an APScheduler-like store: one table per job kind, named from a literal list
for kind in ["cron", "interval"]:
    Table(
        f"tp_{kind}_jobs",
        thirdparty_metadata,
        Column("id", String(191), primary_key=True),
        Column("next_run_time", sa.Float(25), index=True),
        Column("job_state", sa.LargeBinary, nullable=False),
    )

for name, width in (("small", 16), ("wide", 255)):
    Table("tp_labels_%s" % name, thirdparty_metadata, Column("id", Integer, primary_key=True), Column("label", String(width)))


class LowerCase(TypeDecorator):
    """Stores lower-cased text; `LowerCase(24)` is a `String(24)`."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.lower() if value is not None else value


class ThirdBase(DeclarativeBase):
    metadata = thirdparty_metadata


class TpUser(ThirdBase):
    __tablename__ = "tp_users"

    class Role(enum.Enum):
        ADMIN = "admin"
        MEMBER = "member"

    id = Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    email = Column(LowerCase(120), nullable=False, unique=True)
    role: Mapped[Role]
    previous_role: Mapped[Optional[Role]] = mapped_column(Enum(Role, name="tp_previous_role"))
    quota = Column(Integer().with_variant(BigInteger, "mssql"))


class TpUserExtension(ThirdBase):
    """A plugin re-declares the table to add a column (MetaData merges the two)."""

    __tablename__ = "tp_users"
    __table_args__ = {"extend_existing": True}

    id = Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    nickname = Column(String(40))


class TpToken(ThirdBase):
    __tablename__ = "tp_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("tp_users.id", ondelete="CASCADE"))
    state = Column(String(10), nullable=False)
    created = Column(DateTime(timezone=True))
    note = Column(Text)
    __table_args__ = (
        Index("ix_tp_tokens_recent", created.desc(), postgresql_where=(state != "revoked") & note.is_(None)),
        Index("ix_tp_tokens_state", state, postgresql_where=sa.or_(state.in_(["new", "used"]), ~note.isnot(None))),
    )

"""2.0-style models: annotations, Optional / `| None`, Annotated aliases, enums."""

import datetime
import uuid
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship, synonym

from . import constants
from .base import Base, intpk, str50, timestamp
from .constants import Level, Side, Status
from .mixins import NamedTableMixin, TimestampMixin


class Strategy(TimestampMixin, Base):
    """Strategy history (mirrors Django apps.strategies.models.StrategyHistory)."""

    __tablename__ = "strategy_history"

    id: Mapped[intpk]
    name: Mapped[str50]
    description: Mapped[Optional[str]]
    notes: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[Status] = mapped_column(default=Status.pending)
    side: Mapped[Side]
    level: Mapped[Level | None] = mapped_column(sa.Enum(Level, native_enum=False))
    score: Mapped[float]
    budget: Mapped[Decimal]
    params: Mapped[dict]
    tags: Mapped[list | None]
    started_on: Mapped[datetime.date]
    run_time: Mapped[datetime.time | None]
    duration: Mapped[Optional[datetime.timedelta]]
    blob: Mapped[bytes | None]
    enabled: Mapped[bool] = mapped_column(server_default=sa.false())
    token: Mapped[uuid.UUID] = mapped_column(default=uuid.uuid4)
    counter: Mapped[int] = mapped_column(sa.BigInteger, server_default="0")
    display = column_property(sa.literal_column("'x'"))
    runs = relationship("StrategyRun", back_populates="strategy")

    @hybrid_property
    def label(self):
        return self.name


class StrategyRun(Base):
    __tablename__ = "strategy_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy_history.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(sa.Enum("queued", "done", "failed", name="run_state"))
    phase: Mapped[Optional[str]] = mapped_column(sa.Enum("a", "bb", "ccc", native_enum=False, create_constraint=True))
    started: Mapped[timestamp]
    finished: Mapped[Optional[datetime.datetime]]
    pnl: Mapped[Optional[Decimal]] = mapped_column(constants.Money)
    strategy: Mapped["Strategy"] = relationship(back_populates="runs")
    run_state = synonym("state")


class MarketCondition(Base):
    """Market conditions (mirrors Django apps.strategies.models.MarketCondition)."""

    __tablename__ = "market_conditions"
    __table_args__ = {"comment": "Daily market regime"}

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    day: Mapped[datetime.date] = mapped_column(unique=True)
    vix: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), comment="CBOE VIX close")
    regime: Mapped[str] = mapped_column(String(20), index=True, server_default="neutral")
    breadth: Mapped[float | None] = mapped_column(sa.REAL)
    note: Mapped[str | None] = mapped_column("remark", String(200))


class Signal(NamedTableMixin, Base):
    strength: Mapped[int] = mapped_column(sa.SmallInteger)
    symbol: Mapped[str] = mapped_column(String(constants.SYMBOL_LEN), index=True, unique=True)


class Alert(NamedTableMixin, TimestampMixin, Base):
    signal_id: Mapped[int] = mapped_column(ForeignKey("signal.id"))
    message: Mapped[str] = mapped_column(sa.Text, server_default=sa.text("'n/a'"))
    priority: Mapped[int] = mapped_column(server_default=sa.text("5"))


class Position(Base):
    __tablename__ = "positions"
    __table_args__ = (
        sa.Index("ix_positions_open", "account", "symbol", unique=True, postgresql_where=sa.text("closed_at IS NULL")),
        sa.Index("ix_positions_tags", "tags", postgresql_using="gin"),
        sa.Index("ix_positions_symbol_ops", "symbol", postgresql_ops={"symbol": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(30))
    symbol: Mapped[str] = mapped_column(String(12))
    qty: Mapped[int] = mapped_column(sa.CheckConstraint("qty <> 0"))
    tags: Mapped[dict] = mapped_column(server_default=sa.text("'{}'"))
    closed_at: Mapped[Optional[datetime.datetime]]
    avg_price: Mapped[Decimal] = mapped_column(sa.Numeric(12, 4), server_default="0")


class Fill(Base):
    __tablename__ = "fills"

    id: Mapped[int] = mapped_column(sa.Integer, sa.Identity(start=100), primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey(Position.id, ondelete="CASCADE"))
    price: Mapped[Decimal] = mapped_column(sa.Numeric(12, 4))
    qty: Mapped[int]
    fee: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(8, 2), server_default="0.5")


class Account(Base):
    __tablename__ = "accounts"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    region: Mapped[str] = mapped_column(String(2), primary_key=True)
    opened: Mapped[datetime.date] = mapped_column(server_default=sa.func.current_date())
    balance: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2), server_default=sa.text("0"))


class AccountNote(Base):
    __tablename__ = "account_notes"
    __table_args__ = (
        sa.ForeignKeyConstraint(["account_code", "account_region"], ["accounts.code", "accounts.region"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_code: Mapped[str] = mapped_column(String(20))
    account_region: Mapped[str] = mapped_column(String(2))
    body: Mapped[str] = mapped_column(sa.Text)

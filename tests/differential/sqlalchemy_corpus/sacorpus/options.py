"""Classic `Column(...)` models, the seed's style."""

import sqlalchemy as sa
from sqlalchemy import Column as C
from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, func, text
from sqlalchemy.dialects.postgresql import INET, JSONB, TIMESTAMP, UUID

from .base import Base
from .constants import NAME_LEN, SYMBOL_LEN, Money, ShortText
from .mixins import AuditMixin, TimestampMixin


class Tenant(Base):
    """A tenant (mirrors Django apps.accounts.models.Tenant)."""

    __tablename__ = "tenants"

    id = C(Integer, primary_key=True)
    name = C(String(NAME_LEN), nullable=False, unique=True)
    slug = C("slug_code", String(40), nullable=False, index=True)


class Stock(TimestampMixin, Base):
    """Stock symbol and metadata (mirrors Django apps.options.models.Stock)."""

    __tablename__ = "stocks"
    __table_args__ = (
        Index("idx_stocks_market_cap", "market_cap"),
        Index("idx_stocks_symbol_lower", func.lower(sa.text("symbol"))),
        sa.UniqueConstraint("exchange", "symbol"),
        {"comment": "Listed stocks"},
    )

    id = C(Integer, primary_key=True)
    symbol = C(String(SYMBOL_LEN), nullable=False)
    exchange = C(String(10), nullable=False, server_default="NYSE")
    name = C(String, comment="Company name")
    market_cap = C(BigInteger)
    is_active = C(Boolean, nullable=False, server_default=sa.true())
    sector = C(ShortText)
    price = C(Money, server_default="0")
    listed_on = C(Date)
    website = C(Text, default="")


class OptionSnapshot(Base):
    """Option chain snapshot (mirrors Django apps.options.models.OptionSnapshot)."""

    __tablename__ = "option_snapshots"
    __table_args__ = (
        Index("idx_snap_stock_time", "stock_id", sa.desc("captured_at")),
        Index("idx_snap_open", "stock_id", postgresql_where=text("is_open = true")),
        sa.CheckConstraint("volume >= 0", name="snap_volume_nonneg"),
    )

    id = C(BigInteger, primary_key=True)
    stock_id = C(Integer, ForeignKey("stocks.id", ondelete="CASCADE"), nullable=False)
    captured_at = C(TIMESTAMP(timezone=True), nullable=False, server_default=text("CURRENT_TIMESTAMP"))
    volume = C(Integer, nullable=False, server_default=text("0"))
    is_open = C(Boolean, nullable=False, default=True)
    payload = C(JSONB, server_default=text("'{}'::jsonb"))
    source_ip = C(INET)
    request_id = C(UUID(as_uuid=True), server_default=text("gen_random_uuid()"))


class OptionContract(Base):
    __tablename__ = "option_contracts"
    __table_args__ = (
        sa.UniqueConstraint("snapshot_id", "strike", "expiry", "kind", name="uq_contract"),
        sa.CheckConstraint("strike > 0"),
        sa.CheckConstraint("kind IN ('call', 'put')"),
    )

    id = C(Integer, primary_key=True)
    snapshot_id = C(ForeignKey("option_snapshots.id", ondelete="CASCADE"), nullable=False)
    strike = C(Numeric(10, 2), nullable=False)
    expiry = C(Date, nullable=False)
    kind = C(String(4), nullable=False)
    open_interest = C(Integer, sa.CheckConstraint("open_interest >= 0"))
    bid = C(Numeric(10, 2), server_default="0.00")
    ask = C(sa.Float)
    iv = C(sa.Float(24))


class Watchlist(AuditMixin, Base):
    __tablename__ = "watchlists"

    id = C(Integer, primary_key=True)
    title = C(String(80), nullable=False, server_default="")
    notes = C(Text)
    position = C(sa.SmallInteger, nullable=False, server_default="1")


class WatchlistItem(Base):
    __tablename__ = "watchlist_items"

    watchlist_id = C(Integer, ForeignKey("watchlists.id"), primary_key=True)
    stock_id = C(Integer, ForeignKey("stocks.id", ondelete="RESTRICT"), primary_key=True)
    added_at = C(sa.DateTime, server_default=func.now())
    rank = C(Integer, autoincrement=False)


class ApiKey(Base):
    __tablename__ = "api_keys"

    key = C(String(64), primary_key=True)
    tenant_id = C(Integer, ForeignKey(Tenant.id, ondelete="SET NULL"))
    active = C(Boolean, server_default="true")
    scopes = C(sa.ARRAY(String(20)), server_default="{}")
    revoked_at = C(sa.DateTime(timezone=True))


class PriceTick(Base):
    __tablename__ = "price_ticks"

    id = C(BigInteger, sa.Identity(always=True), primary_key=True)
    stock_id = C(Integer, ForeignKey("stocks.id"), nullable=False, index=True)
    price = C(Numeric(12, 4), nullable=False)
    size = C(Integer, server_default="-1")
    at = C(sa.TIMESTAMP, nullable=False)

"""Imperative tables and the registry decorator, on their own MetaData."""

import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, registry

from .constants import NAME_LEN

metadata_obj = MetaData()
mapper_registry = registry(metadata=metadata_obj)

user_table = Table(
    "users",
    metadata_obj,
    Column("id", Integer, primary_key=True),
    Column("email", String(NAME_LEN), nullable=False, unique=True),
    Column("display_name", String(60)),
    Column("bio", Text, comment="Free text"),
    comment="Application users",
)

address_table = Table(
    "addresses",
    metadata_obj,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("city", String(50), server_default="Oslo"),
    Column("zip", String(10), index=True),
    sa.UniqueConstraint("user_id", "zip"),
    sa.Index("ix_addresses_city_zip", "city", "zip"),
)

tag_table = Table(
    "tags",
    metadata_obj,
    Column("name", String(30), primary_key=True),
    Column("weight", sa.SmallInteger, nullable=False, server_default="1"),
)

sa.Index("ix_tags_weight_desc", tag_table.c.weight.desc())


@mapper_registry.mapped
class Session:
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True))
    agent: Mapped[Optional[str]] = mapped_column(String(200))


@mapper_registry.mapped
class Bookmark:
    __table__ = Table(
        "bookmarks",
        metadata_obj,
        Column("id", Integer, primary_key=True),
        Column("url", Text, nullable=False),
        Column("session_id", Integer, ForeignKey("sessions.id")),
    )

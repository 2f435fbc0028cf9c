"""A dataclass-style base with its own MetaData and type_annotation_map, FK mixins,
declared_attr table args, Literal types, keys that differ from column names, and things
schemalint cannot evaluate (documented limitations, each reported as SL002)."""

import datetime
import enum
from typing import Literal, Optional

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, declared_attr, mapped_column

from .helpers import default_region


class Grade(enum.Enum):
    A = "alpha"
    B = "beta-long"


class ExtraBase(MappedAsDataclass, DeclarativeBase):
    metadata = sa.MetaData(naming_convention={"ix": "ix_%(table_name)s_%(column_0_N_name)s", "uq": "uq_%(table_name)s_%(column_0_N_name)s"})
    type_annotation_map = {str: sa.String(255)}


class OwnedMixin(MappedAsDataclass):
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id", ondelete="CASCADE"), init=False)

    @declared_attr.directive
    def __table_args__(cls):
        return (sa.Index(None, "owner_id", "created"),)


class Owner(ExtraBase):
    __tablename__ = "owners"

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(init=False)
    code: Mapped[Optional[str]] = mapped_column(sa.String(10), unique=True, index=True, init=False)


class Document(OwnedMixin, ExtraBase):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    kind: Mapped[Literal["memo", "report"]] = mapped_column(init=False)
    grade: Mapped[Grade] = mapped_column(sa.Enum(Grade, values_callable=lambda e: [m.value for m in e]), init=False)
    legacy_flag = sa.Column("is_legacy", sa.Boolean, key="legacy", nullable=False, server_default=sa.false())
    created: Mapped[datetime.datetime] = mapped_column(server_default=sa.text("(now() AT TIME ZONE 'utc')"), init=False)
    title: Mapped[str] = mapped_column(init=False)


class Share(OwnedMixin, ExtraBase):
    __tablename__ = "shares"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "grantee", postgresql_nulls_not_distinct=True),
        sa.Index("ix_shares_doc_incl", "document_id", postgresql_include=["grantee"]),
        sa.CheckConstraint("quota * 2 < 1000", name="shares_quota_small"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey(Document.id), init=False)
    grantee: Mapped[Optional[str]] = mapped_column(sa.String(40), init=False)
    quota: Mapped[int] = mapped_column(init=False)
    created: Mapped[datetime.datetime] = mapped_column(init=False)
    region: Mapped[str] = mapped_column(sa.String(8), server_default=default_region(), init=False)

"""Patterns seen in application code: a base that names tables and carries the id, many-to-many
association tables, relationship() annotations, Python-side defaults, __repr__ and helpers."""

from datetime import datetime
from typing import List, Optional

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship


class RealBase(DeclarativeBase):
    """Every table: `<classname>s` and an integer id."""

    @declared_attr.directive
    def __tablename__(cls) -> str:
        return cls.__name__.lower() + "s"

    id: Mapped[int] = mapped_column(primary_key=True, index=True)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


post_tags = Table(
    "post_tags",
    RealBase.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("label_id", ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True),
)


class Author(RealBase):
    email: Mapped[str] = mapped_column(String(255), unique=True, index=True, nullable=False)
    full_name: Mapped[Optional[str]] = mapped_column(String(120))
    is_active = Column(Boolean, default=True)
    joined_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)
    posts: Mapped[List["Post"]] = relationship(back_populates="author", cascade="all, delete-orphan")

    @property
    def display(self) -> str:
        return self.full_name or self.email


class Post(RealBase):
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped["Author"] = relationship(back_populates="posts")
    labels: Mapped[List["Label"]] = relationship(secondary=post_tags)
    created_at = Column(DateTime(timezone=True), server_default=func.now())
    updated_at = Column(DateTime(timezone=True), default=func.now(), onupdate=func.now())
    published: Mapped[bool] = mapped_column(default=False, server_default="false")


class Label(RealBase):
    name: Mapped[str] = mapped_column(String(50), unique=True)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("labels.id"))
    parent: Mapped[Optional["Label"]] = relationship(remote_side="Label.id")

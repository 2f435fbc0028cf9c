"""A SQLAlchemy 2.x DeclarativeBase as model_class: its metadata (the class's own, copied into
the base Flask-SQLAlchemy builds from it)."""

from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={"pk": "pk_%(table_name)s", "ix": "ix_%(table_name)s_%(column_0_name)s"})


typed_db = SQLAlchemy(model_class=Base)


class Author(typed_db.Model):
    id: typed_db.Mapped[int] = typed_db.mapped_column(primary_key=True)
    name: typed_db.Mapped[str] = typed_db.mapped_column(String(100))
    nickname: typed_db.Mapped[str]
    bio: typed_db.Mapped[Optional[str]] = typed_db.mapped_column(typed_db.Text)


class BlogPost(typed_db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), index=True)
    title: Mapped[str] = mapped_column(unique=True)
    score: Mapped[float | None]

"""`db.X` names, db.Table, table names from class names, inheritance as Flask-SQLAlchemy decides it."""

import enum
from typing import cast

from .extensions import db


class Status(enum.Enum):
    draft = "draft"
    live = "live"


item_tags = db.Table(
    "item_tags",
    db.Column("item_id", db.Integer, db.ForeignKey("shop_item.id", ondelete="CASCADE"), primary_key=True),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
)

audit_entries = db.Table(
    "audit_entries",
    db.metadata,
    db.Column("id", db.BigInteger, primary_key=True),
    db.Column("note", db.Text, nullable=False),
    db.Column("at", db.DateTime(timezone=True), server_default=db.func.now()),
)


class TimestampMixin:
    created_at = db.Column(db.DateTime, nullable=False, server_default=db.func.now())


class ShopItem(TimestampMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), unique=True, nullable=False)
    price = cast(float, db.Column(db.Numeric(10, 2), db.CheckConstraint("price >= 0", name="price_positive")))
    status = db.Column(db.Enum(Status), nullable=False, server_default="draft")
    tags = db.relationship("Tag", secondary=item_tags, backref=db.backref("items", lazy="dynamic"))

    __table_args__ = (
        db.UniqueConstraint("status", "price"),
        db.Index("ix_item_status_price", "status", "price"),
    )


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(40), nullable=False, index=True)


db.Index("ix_tag_label_id", Tag.label, Tag.id)


class HTTPRequestLog(db.Model):
    id = db.Column(db.BigInteger, primary_key=True)
    path = db.Column(db.Text)
    kind = db.Column(db.String(20), nullable=False)
    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "request"}


class ErrorLog(HTTPRequestLog):
    """No primary key of its own: single-table inheritance, its column goes to http_request_log."""

    code = db.Column(db.Integer)
    __mapper_args__ = {"polymorphic_identity": "error"}


class SlowLog(HTTPRequestLog):
    """Its own primary key: a table of its own (joined), named slow_log."""

    id = db.Column(db.BigInteger, db.ForeignKey("http_request_log.id"), primary_key=True)
    millis = db.Column(db.Integer, nullable=False)
    __mapper_args__ = {"polymorphic_identity": "slow"}


class Item2Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    weight = db.Column(db.SmallInteger, server_default="1")


class OwnedBase(db.Model):
    __abstract__ = True
    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(30), nullable=False)


class Document(OwnedBase):
    title = db.Column(db.String(200))


class NamedByMixin:
    __tablename__ = "named_by_mixin"


class FromMixin(NamedByMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)


class DeclaredNameMixin:
    @db.declared_attr
    def __tablename__(cls):
        return "t_" + cls.__name__.lower()


class DeclaredName(DeclaredNameMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)


class Parent(db.Model):
    __tablename__ = "parents"
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(10))
    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "parent"}


class ChildOfNamed(Parent):
    """The parent's plain __tablename__ is not inherited: this one is named child_of_named."""

    id = db.Column(db.Integer, db.ForeignKey("parents.id"), primary_key=True)
    extra = db.Column(db.String(10))
    __mapper_args__ = {"polymorphic_identity": "child"}


class NamedWithoutKey(Parent):
    """An explicit __tablename__ but no primary key: Flask-SQLAlchemy makes it single-table."""

    __tablename__ = "never_created"
    note = db.Column(db.String(10))
    __mapper_args__ = {"polymorphic_identity": "nokey"}

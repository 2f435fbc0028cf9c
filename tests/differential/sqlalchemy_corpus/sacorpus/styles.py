"""More ways to declare: @as_declarative, registry.mapped_as_dataclass, self-referencing and
repeated foreign keys, named composite foreign keys under a convention, imperative primary
key constraints."""

import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, as_declarative, declared_attr, mapped_column, registry

styles_metadata = sa.MetaData(naming_convention={"fk": "fk_%(table_name)s_%(column_0_N_name)s", "pk": "pk_%(table_name)s"})
dataclass_registry = registry(metadata=styles_metadata)


@as_declarative(metadata=styles_metadata)
class StyleBase:
    @declared_attr.directive
    def __tablename__(cls) -> str:
        return "style_" + cls.__name__.lower()

    id = sa.Column(sa.Integer, primary_key=True)


class Node(StyleBase):
    __tablename__ = "style_nodes"

    parent_id = sa.Column(sa.Integer, sa.ForeignKey("style_nodes.id", ondelete="CASCADE"))
    label = sa.Column(sa.String(30), nullable=False)


class Edge(StyleBase):
    __tablename__ = "style_edges"
    __table_args__ = (
        sa.ForeignKeyConstraint(["src_id", "src_label"], ["style_pairs.node_id", "style_pairs.label"], name="edge_pair"),
    )

    src_id = sa.Column(sa.Integer, sa.ForeignKey("style_nodes.id"), nullable=False)
    dst_id = sa.Column(sa.Integer, sa.ForeignKey("style_nodes.id"), nullable=False)
    src_label = sa.Column(sa.String(30))
    weight = sa.Column(sa.Float, server_default=sa.text("1.0"))


@dataclass_registry.mapped_as_dataclass
class StylePair:
    __tablename__ = "style_pairs"

    node_id: Mapped[int] = mapped_column(sa.ForeignKey("style_nodes.id"), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    since: Mapped[Optional[datetime.date]] = mapped_column(default=None)


style_log = sa.Table(
    "style_log",
    styles_metadata,
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("seq", sa.SmallInteger, nullable=False),
    sa.Column("node_id", sa.Integer, sa.ForeignKey("style_nodes.id", onupdate="CASCADE")),
    sa.PrimaryKeyConstraint("day", "seq"),
)

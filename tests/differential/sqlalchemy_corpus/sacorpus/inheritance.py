"""Single-table and joined-table inheritance, an abstract base."""

import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Record(Base):
    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    created: Mapped[datetime.datetime] = mapped_column(server_default=sa.func.now())


class Employee(Base):
    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    type: Mapped[str] = mapped_column(String(20))
    __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "employee"}


class Manager(Employee):
    """Single-table: its columns land in employees."""

    budget: Mapped[Optional[int]] = mapped_column(nullable=True)
    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    __tablename__ = "engineers"

    id: Mapped[int] = mapped_column(ForeignKey("employees.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(30), server_default="python")
    __mapper_args__ = {"polymorphic_identity": "engineer"}


class Invoice(Record):
    __tablename__ = "invoices"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    total: Mapped[float] = mapped_column(sa.Numeric(12, 2))


class Receipt(Record):
    __tablename__ = "receipts"

    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="SET NULL"), nullable=True)
    paid_on: Mapped[Optional[datetime.date]]


# Indexes declared after the classes, on their attributes.
sa.Index("ix_employees_lower_name", sa.func.lower(Employee.name))
sa.Index("ix_invoices_number_total", Invoice.number, Invoice.total.desc())

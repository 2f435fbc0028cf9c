"""Two declarative bases: a 2.0 `DeclarativeBase` with a type_annotation_map and no naming
convention, and a legacy `declarative_base()` with one."""

import datetime
from decimal import Decimal
from typing import Annotated

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, declarative_base, mapped_column

str50 = Annotated[str, 50]
intpk = Annotated[int, mapped_column(primary_key=True)]
timestamp = Annotated[datetime.datetime, mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())]


class Base(DeclarativeBase):
    type_annotation_map = {
        str50: sa.String(50),
        dict: postgresql.JSONB,
        list: sa.JSON,
        Decimal: sa.Numeric(18, 6),
    }


CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LegacyBase = declarative_base(metadata=sa.MetaData(naming_convention=CONVENTION))

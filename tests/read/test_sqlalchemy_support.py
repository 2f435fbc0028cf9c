"""Helpers shared by the SQLAlchemy reader tests: write model files to disk, read them the way
`schemalint` does (`engine.read_schema`), look tables and columns up. No tests here."""

from __future__ import annotations

import textwrap
from pathlib import Path

from schemalint.config import Config
from schemalint.engine import read_schema
from schemalint.model import Schema, Table
from schemalint.registry import diagnostic_codes

CODES = diagnostic_codes()  # reader diagnostic kind -> the code of the rule that claims it


HEADER = """\
import datetime
import decimal
import enum
import uuid
from decimal import Decimal
from typing import Annotated, Literal, Optional

import sqlalchemy as sa
from sqlalchemy import (
    ARRAY, JSON, BigInteger, Boolean, CheckConstraint, Column, Date, DateTime, Double, Enum, Float,
    ForeignKey, ForeignKeyConstraint, Identity, Index, Integer, Interval, LargeBinary, MetaData,
    Numeric, PrimaryKeyConstraint, SmallInteger, String, Table, Text, Time, UniqueConstraint, Uuid,
    func, text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship


class Base(DeclarativeBase):
    pass

"""


def write(root: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        paths.append(path)
    return paths


def read(root: Path, files: dict[str, str], models: list[str] | None = None) -> Schema:
    """Write `files` under `root` and read the SQLAlchemy schema of `models` (default: all)."""
    paths = write(root, files)
    chosen = [root / m for m in models] if models is not None else paths
    return read_schema("sqlalchemy", chosen, Config(root=root))


def read_body(root: Path, body: str, header: str = HEADER) -> Schema:
    """Read one models.py made of the common imports + `Base` + `body`."""
    return read(root, {"models.py": header + textwrap.dedent(body)})


def table(schema: Schema, name: str, schema_name: str | None = None) -> Table:
    found = schema.table(name, schema_name)
    assert found is not None, (
        f"no table {name}; have {[t.name for t in schema.tables]}; diagnostics {schema.diagnostics}"
    )
    return found


def codes(schema: Schema) -> list[str]:
    return [CODES[d.kind] for d in schema.diagnostics]


def import_file(path: Path, name: str):
    """Import a test's model file with real SQLAlchemy (test code only; schemalint never does)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def created_by_sqlalchemy(pg, database: str, path: Path, metadata_names=("Base",), schemas=()) -> dict:
    """Run `metadata.create_all()` for the model file at `path` in a fresh database; the
    catalogs of the result in dump JSON shape."""
    import sqlalchemy

    from tests.support.catalog import read_catalog

    dsn = pg.create_database(database)
    module = import_file(path, f"sl_models_{database}")
    engine = sqlalchemy.create_engine(pg.url(database))
    try:
        with engine.begin() as conn:
            for schema in schemas:
                conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
        for name in metadata_names:
            owner = getattr(module, name)
            metadata = owner if isinstance(owner, sqlalchemy.MetaData) else owner.metadata
            metadata.create_all(engine)
    finally:
        engine.dispose()
    return read_catalog(dsn)

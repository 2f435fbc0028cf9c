"""The SQLAlchemy fix writer (schemalint/fix/sqlalchemy.py).

Each case is a small models file (`current`) and the same file as it should read (`desired`,
the truth: read with the real SQLAlchemy reader). The writer gets the change built from the
two schemas; the tests check the exact lines it writes (golden diffs, both declaration
styles), that the real reader reads the fixed file back as the truth (round trip), that what
it cannot write faithfully is skipped with a reason, and, against a real PostgreSQL, that
`create_all` of a fixed copy of bifrost-drifted builds what the fixed file's dump says.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalint.config import Config
from schemalint.engine import read_schema
from schemalint.fix import (
    AddColumn,
    AddConstraint,
    AddForeignKey,
    AddIndex,
    AddTable,
    AlterColumn,
    Change,
    DropColumn,
    DropConstraint,
    DropForeignKey,
    DropIndex,
    DropTable,
    Fix,
    RenameTable,
    SetTableComment,
)
from schemalint.fix.sqlalchemy import WRITER
from schemalint.fix.sqlalchemy_types import FIXED, PARAMETERIZED
from schemalint.fix.writers import WriteContext, Written, get_writer
from schemalint.model import Column, Constraint, EnumType, Index, Schema, Table, replace

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

CLASSIC = '''\
"""Models."""
from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, text
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class Stock(Base):
    """Stock (mirrors Django apps.options.models.Stock)."""

    __tablename__ = "stocks"

    id = Column(BigInteger, primary_key=True)
    symbol = Column(String(10), nullable=False)  # the ticker
    name = Column(String(200), nullable=True)


class Quote(Base):
    """Quote (mirrors Django apps.options.models.Quote)."""

    __tablename__ = "quotes"

    id = Column(BigInteger, primary_key=True)
    stock_id = Column(BigInteger, ForeignKey("stocks.id"), nullable=False)
    price = Column(Integer, nullable=False, server_default=text("0"))

    __table_args__ = ({"comment": "prices"},)
'''

MAPPED = '''\
"""Models."""
from typing import Optional

from sqlalchemy import BigInteger, ForeignKey, Integer, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Stock(Base):
    """Stock (mirrors Django apps.options.models.Stock)."""

    __tablename__ = "stocks"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    symbol: Mapped[str] = mapped_column(String(10))  # the ticker
    name: Mapped[Optional[str]] = mapped_column(String(200))


class Quote(Base):
    """Quote (mirrors Django apps.options.models.Quote)."""

    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    stock_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("stocks.id"))
    price: Mapped[int] = mapped_column(Integer, server_default=text("0"))

    __table_args__ = ({"comment": "prices"},)
'''
SOURCES = {"classic": CLASSIC, "mapped": MAPPED}
# What the desired files may use (the truth is read from them; only the schema matters).
TRUTH_IMPORTS = """\
from datetime import datetime
from sqlalchemy import CheckConstraint, DateTime, Index, Text, UniqueConstraint
"""


# --------------------------------------------------------------------------- helpers


def read_text(directory: Path, text: str) -> Schema:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "models.py").write_text(text)
    return read_schema("sqlalchemy", [directory / "models.py"], Config(root=directory))


def diff_lines(old: str, new: str) -> list[str]:
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(old.splitlines(True), new.splitlines(True), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def write(text: str, changes: list[Change], truth: Schema, mirror: Schema | None = None) -> Written:
    fixes = [Fix(f"fix {i}", "safe", (c,), "sqlalchemy", "models.py") for i, c in enumerate(changes)]
    return WRITER.apply(text, fixes, WriteContext("models.py", truth, mirror or truth))


def column_facts(column: Column) -> tuple[object, ...]:
    return (column.name, column.type, column.nullable, column.default, column.identity, column.comment)


def table_facts(table: Table) -> dict[str, object]:
    return {
        "name": table.name,
        "columns": [column_facts(c) for c in table.columns],
        "primary_key": table.primary_key.columns if table.primary_key else None,
        "foreign_keys": sorted(
            (fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete, fk.deferrable, fk.initially_deferred)
            for fk in table.foreign_keys
        ),
        "indexes": sorted(
            (i.name if not i.implicit else "", i.columns, i.unique, i.where, i.using, i.orders, i.opclasses)
            for i in table.indexes
        ),
        "constraints": sorted(
            (c.kind, c.columns, c.expression, "" if c.implicit else c.name) for c in table.constraints
        ),
        "comment": table.comment,
    }


# Change factories: (truth, mirror) -> the change that makes the mirror agree.
Factory = Callable[[Schema, Schema], Change]


def alter(table: str, column: str, *parts: str) -> Factory:
    def make(truth: Schema, mirror: Schema) -> Change:
        want, have = truth.table(table).column(column), mirror.table(table).column(column)  # type: ignore[union-attr]
        return AlterColumn(table, column, parts, want, have)  # type: ignore[arg-type]

    return make


def add(table: str, column: str, after: str | None) -> Factory:
    return lambda truth, mirror: AddColumn(table, truth.table(table).column(column), after)  # type: ignore[arg-type,union-attr]


def drop(table: str, column: str) -> Factory:
    return lambda truth, mirror: DropColumn(table, mirror.table(table).column(column))  # type: ignore[arg-type,union-attr]


def add_index(table: str, name: str) -> Factory:
    return lambda truth, mirror: AddIndex(table, next(i for i in truth.table(table).indexes if i.name == name))  # type: ignore[union-attr]


def add_constraint(table: str, kind: str) -> Factory:
    return lambda truth, mirror: AddConstraint(
        table,
        next(c for c in truth.table(table).constraints if c.kind == kind),  # type: ignore[union-attr]
    )


def comment(table: str) -> Factory:
    return lambda truth, mirror: SetTableComment(table, truth.table(table).comment)  # type: ignore[union-attr]


def rename(old: str, new: str) -> Factory:
    return lambda truth, mirror: RenameTable(old, new)


def add_table(name: str, after: str | None) -> Factory:
    return lambda truth, mirror: AddTable(truth.table(name), after)  # type: ignore[arg-type]


def drop_table(name: str) -> Factory:
    return lambda truth, mirror: DropTable(mirror.table(name))  # type: ignore[arg-type]


# (id, style, [(old, new) text replacements giving the desired file], change, golden diff lines)
CASES: list[tuple[str, str, list[tuple[str, str]], Factory, list[str]]] = [
    (
        "type",
        "classic",
        [("String(200), nullable=True", "Text, nullable=True")],
        alter("stocks", "name", "type"),
        [
            "-from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, text",
            "+from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, Text, text",
            "-    name = Column(String(200), nullable=True)",
            "+    name = Column(Text, nullable=True)",
        ],
    ),
    (
        "type",
        "mapped",
        [("mapped_column(String(200))", "mapped_column(String(120))")],
        alter("stocks", "name", "type"),
        [
            "-    name: Mapped[Optional[str]] = mapped_column(String(200))",
            "+    name: Mapped[Optional[str]] = mapped_column(String(120))",
        ],
    ),
    (
        "type-and-nullable",
        "mapped",
        [("price: Mapped[int] = mapped_column(Integer,", "price: Mapped[Optional[str]] = mapped_column(Text,")],
        alter("quotes", "price", "type", "nullable"),
        [
            "-from sqlalchemy import BigInteger, ForeignKey, Integer, String, text",
            "+from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, text",
            '-    price: Mapped[int] = mapped_column(Integer, server_default=text("0"))',
            '+    price: Mapped[Optional[str]] = mapped_column(Text, server_default=text("0"))',
        ],
    ),
    (
        "type-annotation",
        "mapped",
        [("stock_id: Mapped[int] = mapped_column(BigInteger,", "stock_id: Mapped[str] = mapped_column(String(12),")],
        alter("quotes", "stock_id", "type"),
        [
            '-    stock_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("stocks.id"))',
            '+    stock_id: Mapped[str] = mapped_column(String(12), ForeignKey("stocks.id"))',
        ],
    ),
    (
        "nullable",
        "classic",
        [("String(200), nullable=True", "String(200), nullable=False")],
        alter("stocks", "name", "nullable"),
        [
            "-    name = Column(String(200), nullable=True)",
            "+    name = Column(String(200), nullable=False)",
        ],
    ),
    (
        "nullable",
        "mapped",
        [("symbol: Mapped[str]", "symbol: Mapped[Optional[str]]")],
        alter("stocks", "symbol", "nullable"),
        [
            "-    symbol: Mapped[str] = mapped_column(String(10))  # the ticker",
            "+    symbol: Mapped[Optional[str]] = mapped_column(String(10))  # the ticker",
        ],
    ),
    (
        "not-null",
        "mapped",
        [("name: Mapped[Optional[str]]", "name: Mapped[str]")],
        alter("stocks", "name", "nullable"),
        [
            "-    name: Mapped[Optional[str]] = mapped_column(String(200))",
            "+    name: Mapped[str] = mapped_column(String(200))",
        ],
    ),
    (
        "default",
        "classic",
        [("String(10), nullable=False)", 'String(10), nullable=False, server_default="NASDAQ")')],
        alter("stocks", "symbol", "default"),
        [
            "-    symbol = Column(String(10), nullable=False)  # the ticker",
            '+    symbol = Column(String(10), nullable=False, server_default="NASDAQ")  # the ticker',
        ],
    ),
    (
        "default",
        "mapped",
        [('server_default=text("0")', 'server_default=text("42")')],
        alter("quotes", "price", "default"),
        [
            '-    price: Mapped[int] = mapped_column(Integer, server_default=text("0"))',
            '+    price: Mapped[int] = mapped_column(Integer, server_default=text("42"))',
        ],
    ),
    (
        "drop-default",
        "classic",
        [(', server_default=text("0")', "")],
        alter("quotes", "price", "default"),
        [
            '-    price = Column(Integer, nullable=False, server_default=text("0"))',
            "+    price = Column(Integer, nullable=False)",
        ],
    ),
    (
        "comment",
        "classic",
        [("String(200), nullable=True)", 'String(200), nullable=True, comment="Company name")')],
        alter("stocks", "name", "comment"),
        [
            "-    name = Column(String(200), nullable=True)",
            '+    name = Column(String(200), nullable=True, comment="Company name")',
        ],
    ),
    (
        "comment",
        "mapped",
        [("mapped_column(String(200))", 'mapped_column(String(200), comment="It\'s the name")')],
        alter("stocks", "name", "comment"),
        [
            "-    name: Mapped[Optional[str]] = mapped_column(String(200))",
            '+    name: Mapped[Optional[str]] = mapped_column(String(200), comment="It\'s the name")',
        ],
    ),
    (
        "unique",
        "classic",
        [("String(10), nullable=False)", "String(10), nullable=False, unique=True)")],
        alter("stocks", "symbol", "unique"),
        [
            "-    symbol = Column(String(10), nullable=False)  # the ticker",
            "+    symbol = Column(String(10), nullable=False, unique=True)  # the ticker",
        ],
    ),
    (
        "unique",
        "mapped",
        [("mapped_column(String(10))", "mapped_column(String(10), unique=True)")],
        alter("stocks", "symbol", "unique"),
        [
            "-    symbol: Mapped[str] = mapped_column(String(10))  # the ticker",
            "+    symbol: Mapped[str] = mapped_column(String(10), unique=True)  # the ticker",
        ],
    ),
    (
        "ondelete",
        "classic",
        [('ForeignKey("stocks.id")', 'ForeignKey("stocks.id", ondelete="CASCADE")')],
        alter("quotes", "stock_id", "references"),
        [
            '-    stock_id = Column(BigInteger, ForeignKey("stocks.id"), nullable=False)',
            '+    stock_id = Column(BigInteger, ForeignKey("stocks.id", ondelete="CASCADE"), nullable=False)',
        ],
    ),
    (
        "ondelete",
        "mapped",
        [('ForeignKey("stocks.id")', 'ForeignKey("stocks.id", ondelete="SET NULL")')],
        alter("quotes", "stock_id", "references"),
        [
            '-    stock_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("stocks.id"))',
            '+    stock_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("stocks.id", ondelete="SET NULL"))',
        ],
    ),
    (
        "add-column",
        "classic",
        [
            (
                "    name = Column(String(200), nullable=True)\n",
                "    name = Column(String(200), nullable=True)\n"
                '    exchange = Column(String(20), nullable=False, server_default="NASDAQ", comment="Where")\n',
            )
        ],
        add("stocks", "exchange", "name"),
        [
            "+    exchange = Column(",
            '+        String(20), nullable=False, server_default="NASDAQ", comment="Where"',
            "+    )",
        ],
    ),
    (
        "add-column",
        "mapped",
        [
            (
                "    symbol: Mapped[str] = mapped_column(String(10))  # the ticker\n",
                "    symbol: Mapped[str] = mapped_column(String(10))  # the ticker\n"
                "    listed: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))\n",
            ),
            ("from typing import Optional\n", "from datetime import datetime\nfrom typing import Optional\n"),
            ("BigInteger, ForeignKey", "BigInteger, DateTime, ForeignKey"),
        ],
        add("stocks", "listed", "symbol"),
        [
            "+from datetime import datetime",
            "-from sqlalchemy import BigInteger, ForeignKey, Integer, String, text",
            "+from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, text",
            "+    listed: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))",
        ],
    ),
    (
        "add-renamed-column",
        "mapped",
        [
            (
                "    price: Mapped[int]",
                '    metadata_: Mapped[int] = mapped_column("metadata", Integer, server_default=text("1"))\n'
                "    price: Mapped[int]",
            ),
        ],
        add("quotes", "metadata", "stock_id"),
        [
            "+    metadata_: Mapped[int] = mapped_column(",
            '+        "metadata", Integer, server_default=text("1")',
            "+    )",
        ],
    ),
    (
        "drop-column",
        "classic",
        [("    name = Column(String(200), nullable=True)\n", "")],
        drop("stocks", "name"),
        ["-    name = Column(String(200), nullable=True)"],
    ),
    (
        "drop-column",
        "mapped",
        [("    name: Mapped[Optional[str]] = mapped_column(String(200))\n", "")],
        drop("stocks", "name"),
        ["-    name: Mapped[Optional[str]] = mapped_column(String(200))"],
    ),
    (
        "add-index-create-table-args",
        "classic",
        [
            (
                "    name = Column(String(200), nullable=True)\n",
                '    name = Column(String(200), nullable=True)\n\n    __table_args__ = (Index("idx_stocks_name", "name"),)\n',
            ),
            ("ForeignKey, Integer", "ForeignKey, Index, Integer"),
        ],
        add_index("stocks", "idx_stocks_name"),
        [
            "-from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, text",
            "+from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, text",
            '+    __table_args__ = (Index("idx_stocks_name", "name"),)',
            "+",
        ],
    ),
    (
        "add-index-dict-in-tuple",
        "mapped",
        [
            (
                '({"comment": "prices"},)',
                '(Index("idx_quotes_price", "price", postgresql_where=text("price > 0")), {"comment": "prices"})',
            ),
            ("ForeignKey, Integer", "ForeignKey, Index, Integer"),
        ],
        add_index("quotes", "idx_quotes_price"),
        [
            "-from sqlalchemy import BigInteger, ForeignKey, Integer, String, text",
            "+from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, text",
            '-    __table_args__ = ({"comment": "prices"},)',
            "+    __table_args__ = (",
            '+        Index("idx_quotes_price", "price", postgresql_where=text("price > 0")),',
            '+        {"comment": "prices"},',
            "+    )",
        ],
    ),
    (
        "add-unique-constraint",
        "classic",
        [
            (
                '({"comment": "prices"},)',
                '(UniqueConstraint("stock_id", "price", name="uniq_quote"), {"comment": "prices"})',
            ),
            ("String, text", "String, UniqueConstraint, text"),
        ],
        add_constraint("quotes", "unique"),
        [
            "-from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, text",
            "+from sqlalchemy import (",
            "+    BigInteger,",
            "+    Column,",
            "+    ForeignKey,",
            "+    Integer,",
            "+    String,",
            "+    UniqueConstraint,",
            "+    text,",
            "+)",
            '-    __table_args__ = ({"comment": "prices"},)',
            "+    __table_args__ = (",
            '+        UniqueConstraint("stock_id", "price", name="uniq_quote"),',
            '+        {"comment": "prices"},',
            "+    )",
        ],
    ),
    (
        "add-check-constraint",
        "mapped",
        [
            (
                "    name: Mapped[Optional[str]] = mapped_column(String(200))\n",
                "    name: Mapped[Optional[str]] = mapped_column(String(200))\n\n"
                '    __table_args__ = (CheckConstraint("id > 0", name="chk_stock_id"),)\n',
            ),
            ("import BigInteger, ForeignKey", "import BigInteger, CheckConstraint, ForeignKey"),
        ],
        add_constraint("stocks", "check"),
        [
            "-from sqlalchemy import BigInteger, ForeignKey, Integer, String, text",
            "+from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, text",
            '+    __table_args__ = (CheckConstraint("id > 0", name="chk_stock_id"),)',
            "+",
        ],
    ),
    (
        "table-comment",
        "classic",
        [('{"comment": "prices"}', '{"comment": "Quoted prices"}')],
        comment("quotes"),
        ['-    __table_args__ = ({"comment": "prices"},)', '+    __table_args__ = ({"comment": "Quoted prices"},)'],
    ),
    (
        "table-comment-create",
        "mapped",
        [
            (
                "    name: Mapped[Optional[str]] = mapped_column(String(200))\n",
                "    name: Mapped[Optional[str]] = mapped_column(String(200))\n\n"
                '    __table_args__ = {"comment": "Listed stocks"}\n',
            )
        ],
        comment("stocks"),
        ['+    __table_args__ = {"comment": "Listed stocks"}', "+"],
    ),
    (
        "tablename",
        "classic",
        [('__tablename__ = "stocks"', '__tablename__ = "tickers"'), ('"stocks.id"', '"tickers.id"')],
        rename("stocks", "tickers"),
        [
            '-    __tablename__ = "stocks"',
            '+    __tablename__ = "tickers"',
            '-    stock_id = Column(BigInteger, ForeignKey("stocks.id"), nullable=False)',
            '+    stock_id = Column(BigInteger, ForeignKey("tickers.id"), nullable=False)',
        ],
    ),
    (
        "add-table",
        "classic",
        [
            (
                "\n\nclass Quote(Base):",
                '\n\nclass Sector(Base):\n    """Sector (the sectors table)."""\n\n    __tablename__ = "sectors"\n\n'
                "    id = Column(Integer, primary_key=True)\n"
                '    label = Column(String(40), nullable=False, unique=True, comment="Shown")\n'
                '    parent_id = Column(Integer, ForeignKey("sectors.id", ondelete="CASCADE"))\n'
                "\n\nclass Quote(Base):",
            )
        ],
        add_table("sectors", "stocks"),
        [
            "+class Sector(Base):",
            '+    """Sector (the sectors table)."""',
            "+",
            '+    __tablename__ = "sectors"',
            "+",
            "+    id = Column(Integer, primary_key=True)",
            '+    label = Column(String(40), nullable=False, unique=True, comment="Shown")',
            "+    parent_id = Column(",
            '+        Integer, ForeignKey("sectors.id", ondelete="CASCADE"), nullable=True',
            "+    )",
            "+",
            "+",
        ],
    ),
    (
        "add-table",
        "mapped",
        [
            (
                '    __table_args__ = ({"comment": "prices"},)\n',
                '    __table_args__ = ({"comment": "prices"},)\n\n\n'
                'class Sector(Base):\n    """Sector (the sectors table)."""\n\n    __tablename__ = "sectors"\n\n'
                "    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n"
                "    label: Mapped[Optional[str]] = mapped_column(String(40))\n\n"
                '    __table_args__ = (Index("idx_sectors_label", "label"), {"comment": "Sectors"})\n',
            ),
            ("ForeignKey, Integer", "ForeignKey, Index, Integer"),
        ],
        add_table("sectors", "quotes"),
        [
            "-from sqlalchemy import BigInteger, ForeignKey, Integer, String, text",
            "+from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, text",
            "+",
            "+",
            "+class Sector(Base):",
            '+    """Sector (the sectors table)."""',
            "+",
            '+    __tablename__ = "sectors"',
            "+",
            "+    id: Mapped[int] = mapped_column(Integer, primary_key=True)",
            "+    label: Mapped[Optional[str]] = mapped_column(String(40))",
            "+",
            "+    __table_args__ = (",
            '+        Index("idx_sectors_label", "label"),',
            '+        {"comment": "Sectors"},',
            "+    )",
        ],
    ),
    (
        "drop-table",
        "mapped",
        [(MAPPED[MAPPED.index("\n\nclass Quote(Base):") :], "\n")],
        drop_table("quotes"),
        [],  # filled below: every line of the class goes
    ),
]
_QUOTE_LINES = MAPPED[MAPPED.index("\n\nclass Quote(Base):") :].split("\n")[:-1]
CASES[-1] = (*CASES[-1][:4], ["-" + line for line in _QUOTE_LINES])


def _case_id(case: tuple[str, str, object, object, object]) -> str:
    return f"{case[0]}-{case[1]}"


def _run_case(
    tmp_path: Path, style: str, edits: list[tuple[str, str]], factory: Factory
) -> tuple[str, str, Written, Schema, Change]:
    current = SOURCES[style]
    desired = current
    for old, new in edits:
        assert old in desired, old
        desired = desired.replace(old, new, 1)
    truth = read_text(tmp_path / "truth", TRUTH_IMPORTS + desired)
    mirror = read_text(tmp_path / "mirror", current)
    assert not truth.diagnostics and not mirror.diagnostics, (truth.diagnostics, mirror.diagnostics)
    change = factory(truth, mirror)
    written = write(current, [change], truth, mirror)
    return current, desired, written, truth, change


@pytest.mark.parametrize("name, style, edits, factory, expected", CASES, ids=[_case_id(c) for c in CASES])
def test_golden_diff(tmp_path, name, style, edits, factory, expected):
    current, _, written, _, _ = _run_case(tmp_path, style, edits, factory)
    assert written.skipped == ()
    assert written.applied == (0,)
    assert diff_lines(current, written.text) == expected


@pytest.mark.parametrize("name, style, edits, factory, expected", CASES, ids=[_case_id(c) for c in CASES])
def test_round_trip_reads_back_as_the_truth(tmp_path, name, style, edits, factory, expected):
    _, _, written, truth, _ = _run_case(tmp_path, style, edits, factory)
    after = read_text(tmp_path / "after", written.text)
    assert not after.diagnostics, after.diagnostics
    assert {t.name: table_facts(t) for t in after.tables} == {t.name: table_facts(t) for t in truth.tables}
    assert [t.name for t in after.tables] == [t.name for t in truth.tables]


@pytest.mark.parametrize("name, style, edits, factory, expected", CASES, ids=[_case_id(c) for c in CASES])
def test_re_applying_a_written_fix_changes_nothing(tmp_path, name, style, edits, factory, expected):
    _, _, written, truth, change = _run_case(tmp_path, style, edits, factory)
    mirror = read_text(tmp_path / "again", written.text)
    again = write(written.text, [change], truth, mirror)
    assert again.text == written.text
    if not isinstance(change, AlterColumn | SetTableComment):
        assert again.skipped, "an addition, drop or rename is refused once it is written"


# --------------------------------------------------------------------------- types and defaults

TYPES = [
    "integer",
    "bigint",
    "smallint",
    "boolean",
    "text",
    "date",
    "interval",
    "bytea",
    "json",
    "jsonb",
    "uuid",
    "double precision",
    "real",
    "character varying",
    "character varying(10)",
    "character(3)",
    "numeric",
    "numeric(12,4)",
    "timestamp with time zone",
    "timestamp without time zone",
    "timestamp(3) with time zone",
    "time without time zone",
    "time with time zone",
    "inet",
    "cidr",
    "macaddr",
    "tsvector",
    "citext",
    "hstore",
    "int4range",
    "tstzrange",
    "bit(4)",
    "bit varying(8)",
    "text[]",
    "integer[]",
    "character varying(20)[]",
    "mood",
]
ENUMS = (EnumType("mood", ("happy", "sad", "it's complicated")),)


@pytest.mark.parametrize("style", ["classic", "mapped"])
@pytest.mark.parametrize("pg", TYPES)
def test_every_mapped_type_reads_back(tmp_path, style, pg):
    current = SOURCES[style]
    column = Column("extra", pg, nullable=False)
    truth = Schema("django", tables=(Table("stocks", columns=(column,)),), enums=ENUMS)
    written = write(current, [AddColumn("stocks", column, after="name")], truth)
    assert written.applied == (0,), written.skipped
    after = read_text(tmp_path, written.text)
    assert not after.diagnostics, after.diagnostics
    assert after.table("stocks").column("extra").type == pg  # type: ignore[union-attr]
    assert after.table("stocks").column("extra").nullable is False  # type: ignore[union-attr]


@pytest.mark.parametrize("style", ["classic", "mapped"])
@pytest.mark.parametrize("pg", TYPES[:20])
def test_changing_a_type_reads_back(tmp_path, style, pg):
    current = SOURCES[style]
    mirror = read_text(tmp_path / "mirror", current)
    have = mirror.table("stocks").column("name")  # type: ignore[union-attr]
    want = replace(have, type=pg)  # type: ignore[arg-type]
    written = write(current, [AlterColumn("stocks", "name", ("type",), want, have)], mirror)  # type: ignore[arg-type]
    after = read_text(tmp_path / "after", written.text)
    assert after.table("stocks").column("name").type == pg  # type: ignore[union-attr]


def test_the_type_table_names_real_sqlalchemy_types():
    sqlalchemy = pytest.importorskip("sqlalchemy")
    import importlib

    names = {n for candidates in FIXED.values() for n in candidates}
    names |= {n for _, _, candidates in PARAMETERIZED for n in candidates}
    for module, name in names:
        assert hasattr(importlib.import_module(module), name), f"{module}.{name}"
    assert sqlalchemy


@pytest.mark.parametrize("pg", ["geometry(Point,4326)", "text[][]", "public.mood", "xml"])
def test_a_type_without_a_spelling_is_skipped_not_guessed(pg):
    column = Column("extra", pg)
    truth = Schema("django", tables=(Table("stocks", columns=(column,)),))
    written = write(CLASSIC, [AddColumn("stocks", column, after="name")], truth)
    assert written.text == CLASSIC
    assert written.applied == ()
    assert written.skipped and "no SQLAlchemy spelling" in written.skipped[0][1]


DEFAULTS = [
    ("integer", "0"),
    ("integer", "42"),
    ("integer", "'-1'::integer"),
    ("numeric(12,4)", "0.5"),
    ("boolean", "true"),
    ("boolean", "false"),
    ("character varying(20)", "'NASDAQ'::character varying"),
    ("character varying(20)", "'it''s'::character varying"),
    ("text", "''::text"),
    ("text", "'pending'::text"),
    ("timestamp with time zone", "now()"),
    ("timestamp with time zone", "CURRENT_TIMESTAMP"),
    ("date", "CURRENT_DATE"),
    ("jsonb", "'{}'::jsonb"),
    ("uuid", "gen_random_uuid()"),
    ("text", "upper('x'::text)"),
    ("integer", "nextval('stocks_extra_seq'::regclass)"),
]


@pytest.mark.parametrize("pg, default", DEFAULTS)
def test_a_default_is_written_so_it_reads_back_exactly_or_skipped(tmp_path, pg, default):
    column = Column("extra", pg, nullable=False, default=default)
    truth = Schema("django", tables=(Table("stocks", columns=(column,)),))
    written = write(CLASSIC, [AddColumn("stocks", column, after="name")], truth)
    if written.skipped:
        assert written.text == CLASSIC
        assert "default" in written.skipped[0][1]
        assert default.startswith("nextval(")  # only the sequence is refused among these
        return
    after = read_text(tmp_path, written.text)
    assert after.table("stocks").column("extra").default == default  # type: ignore[union-attr]


def test_string_defaults_are_plain_literals_in_the_file_quote():
    column = Column("extra", "character varying(20)", nullable=False, default="'NASDAQ'::character varying")
    truth = Schema("django", tables=(Table("stocks", columns=(column,)),))
    single = CLASSIC.replace('"', "'").replace("'''", '"""')
    written = write(single, [AddColumn("stocks", column, after="name")], truth)
    assert "    extra = Column(String(20), nullable=False, server_default='NASDAQ')\n" in written.text


# --------------------------------------------------------------------------- style and imports


def test_imports_are_added_once_for_many_fixes_and_use_the_files_module_alias(tmp_path):
    source = textwrap.dedent(
        """\
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass


        class Stock(Base):
            __tablename__ = "stocks"

            id = sa.Column(sa.BigInteger, primary_key=True)
        """
    )
    columns = [Column(f"c{i}", "jsonb", nullable=False) for i in range(3)] + [Column("t", "text")]
    truth = Schema("django", tables=(Table("stocks", columns=tuple(columns)),))
    changes: list[Change] = [AddColumn("stocks", c, after="id") for c in columns]
    written = write(source, changes, truth)
    assert written.applied == (0, 1, 2, 3)
    assert diff_lines(source, written.text) == [
        "+from sqlalchemy.dialects.postgresql import JSONB",
        "+    c0 = sa.Column(JSONB, nullable=False)",
        "+    c1 = sa.Column(JSONB, nullable=False)",
        "+    c2 = sa.Column(JSONB, nullable=False)",
        "+    t = sa.Column(sa.Text)",
    ]
    after = read_text(tmp_path, written.text)
    assert [c.name for c in after.table("stocks").columns] == ["id", "c0", "c1", "c2", "t"]  # type: ignore[union-attr]


def test_a_multi_line_import_gets_the_name_in_order():
    source = CLASSIC.replace(
        "from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, text\n",
        "from sqlalchemy import (\n    BigInteger,\n    Column,\n    ForeignKey,\n    Integer,\n    String,\n    text,\n)\n",
    )
    column = Column("active", "boolean", nullable=False, default="true")
    truth = Schema("django", tables=(Table("stocks", columns=(column,)),))
    written = write(source, [AddColumn("stocks", column, after="name")], truth)
    assert diff_lines(source, written.text) == [
        "+    Boolean,",
        '+    active = Column(Boolean, nullable=False, server_default=text("true"))',
    ]


def test_a_long_new_column_is_wrapped_as_ruff_format_would():
    column = Column("description_of_the_company", "character varying(2000)", nullable=False, comment="x" * 50)
    truth = Schema("django", tables=(Table("stocks", columns=(column,)),))
    written = write(MAPPED, [AddColumn("stocks", column, after="name")], truth)
    assert diff_lines(MAPPED, written.text) == [
        "+    description_of_the_company: Mapped[str] = mapped_column(",
        f'+        String(2000), comment="{"x" * 50}"',
        "+    )",
    ]


def test_a_column_of_a_table_call_is_added_as_an_argument(tmp_path):
    source = textwrap.dedent(
        """\
        from sqlalchemy import Column, Integer, MetaData, Table

        metadata = MetaData()

        stocks = Table(
            "stocks",
            metadata,
            Column("id", Integer, primary_key=True),
            comment="listed",
        )
        """
    )
    column = Column("volume", "bigint", nullable=False)
    truth = Schema("sql", tables=(Table("stocks", columns=(column,)),))
    written = write(source, [AddColumn("stocks", column, after="id")], truth)
    assert diff_lines(source, written.text) == [
        "-from sqlalchemy import Column, Integer, MetaData, Table",
        "+from sqlalchemy import BigInteger, Column, Integer, MetaData, Table",
        '+    Column("volume", BigInteger, nullable=False),',
    ]
    after = read_text(tmp_path, written.text)
    assert column_facts(after.table("stocks").column("volume")) == column_facts(column)  # type: ignore[arg-type,union-attr]


def test_a_new_class_follows_the_django_docstring_convention(tmp_path):
    mirror = read_text(tmp_path / "mirror", CLASSIC)
    stock = replace(mirror.table("stocks"), model="options.Stock", mirrors=None)  # type: ignore[arg-type]
    mirror = replace(
        mirror,
        tables=tuple(replace(t, mirrors=f"apps.options.models.{t.name.title()[:-1]}") for t in mirror.tables),
    )
    trade = Table(
        "trades",
        columns=(Column("id", "bigint", nullable=False, identity="by default"), Column("qty", "integer")),
        primary_key=mirror.table("stocks").primary_key.__class__(("id",)),  # type: ignore[union-attr]
        model="options.Trade",
    )
    truth = Schema("django", tables=(stock, trade))
    written = write(CLASSIC, [AddTable(trade, after="stocks")], truth, mirror)
    assert diff_lines(CLASSIC, written.text) == [
        "-from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, text",
        "+from sqlalchemy import BigInteger, Column, ForeignKey, Identity, Integer, String, text",
        "+class Trade(Base):",
        '+    """Trade (mirrors Django apps.options.models.Trade)."""',
        "+",
        '+    __tablename__ = "trades"',
        "+",
        "+    id = Column(BigInteger, Identity(), primary_key=True)",
        "+    qty = Column(Integer, nullable=True)",
        "+",
        "+",
    ]
    assert "    name = Column(String(200), nullable=True)\n\n\nclass Trade(Base):" in written.text
    after = read_text(tmp_path / "after", written.text)
    assert after.table("trades").mirrors == "apps.options.models.Trade"  # type: ignore[union-attr]


BIFROST_CLASSES = [
    ("Stock", "stocks", None),
    ("OptionSnapshot", "option_snapshots", "stocks"),
    ("OptionContract", "option_contracts", "option_snapshots"),
    ("StrategyHistory", "strategy_history", "option_contracts"),
    ("MarketCondition", "market_conditions", "strategy_history"),
    ("CollectionJob", "collection_jobs", "market_conditions"),
]


def _without_index_names(facts: dict[str, object]) -> dict[str, object]:
    return {**facts, "indexes": sorted(i[1:] for i in facts["indexes"])}  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls, table, after", BIFROST_CLASSES, ids=[c[0] for c in BIFROST_CLASSES])
def test_a_missing_bifrost_class_is_rebuilt_from_the_django_truth(tmp_path, cls, table, after):
    """Cut one class out of the in-sync bifrost models, add it back from the Django model: it
    reads as the class that was cut (index names aside: Django's hashes are written out), with
    the seed's docstring, in the style of its neighbour."""
    project = FIXTURES / "bifrost"
    text = (project / "src" / "database" / "models.py").read_text()
    config = Config(root=project)
    in_sync = read_schema("sqlalchemy", [project / "src" / "database" / "models.py"], config)
    truth = read_schema("django", sorted((project / "app_django").rglob("models.py")), config)
    start = text.index(f"\n\nclass {cls}(Base):")
    following = re.search(r"\n\n\n(class |# )", text[start + 3 :])  # the class and its module-level Index
    cut = text[:start] + (text[start + 3 + following.start() :] if following else "\n")
    mirror = read_text(tmp_path / "cut", cut)
    mirror = replace(
        mirror,
        tables=tuple(
            replace(t, location=replace(t.location, path="models.py")) if t.location else t  # type: ignore[arg-type]
            for t in mirror.tables
        ),
    )
    written = write(cut, [AddTable(truth.table(table), after)], truth, mirror)  # type: ignore[arg-type]
    assert written.applied == (0,), written.skipped
    assert f'    """{cls} (mirrors Django apps.' in written.text
    after_fix = read_text(tmp_path / "after", written.text)
    assert not after_fix.diagnostics, after_fix.diagnostics
    rebuilt = after_fix.table(table)
    assert rebuilt is not None and rebuilt.mirrors is not None and rebuilt.mirrors.endswith(f".{cls}")
    expected = _without_index_names(table_facts(in_sync.table(table)))  # type: ignore[arg-type]
    assert _without_index_names(table_facts(rebuilt)) == expected
    assert [t.name for t in after_fix.tables] == [t.name for t in in_sync.tables]


# --------------------------------------------------------------------------- what is not written


def test_a_column_that_is_still_used_is_not_dropped():
    source = CLASSIC.replace('({"comment": "prices"},)', '(Index("i", "price"), {"comment": "prices"})')
    mirror = Schema("sqlalchemy")
    written = write(source, [DropColumn("quotes", Column("price", "integer"))], mirror)
    assert written.text == source
    assert written.skipped == ((0, "quotes.price is still used at line 29"),)


def test_a_class_that_is_still_referenced_is_not_dropped():
    written = write(CLASSIC, [DropTable(Table("stocks"))], Schema("sqlalchemy"))
    assert written.text == CLASSIC
    assert "still used" in written.skipped[0][1]


def test_table_args_built_by_a_function_is_not_edited():
    source = CLASSIC.replace('__table_args__ = ({"comment": "prices"},)', "__table_args__ = make_args()")
    written = write(source, [SetTableComment("quotes", "x")], Schema("sqlalchemy"))
    assert written.text == source
    assert "not a literal tuple or dict" in written.skipped[0][1]


def test_an_unknown_table_or_column_is_skipped():
    truth = Schema("django", tables=(Table("nope", columns=(Column("a", "text"),)),))
    written = write(
        CLASSIC, [AddColumn("nope", Column("a", "text")), DropColumn("stocks", Column("zzz", "text"))], truth
    )
    assert written.text == CLASSIC
    assert [i for i, _ in written.skipped] == [0, 1]


def test_identity_changes_are_skipped_with_a_reason():
    have = Column("id", "bigint", nullable=False)
    want = replace(have, identity="always")
    written = write(CLASSIC, [AlterColumn("stocks", "id", ("identity",), want, have)], Schema("django"))
    assert written.skipped == ((0, "changing a column's identity is not written by the SQLAlchemy writer"),)


def test_fixes_touching_the_same_construct_wait_for_the_next_pass():
    have = Column("name", "character varying(200)")
    first = AlterColumn("stocks", "name", ("type",), replace(have, type="text"), have)
    second = AlterColumn("stocks", "name", ("type",), replace(have, type="character varying(50)"), have)
    written = write(CLASSIC, [first, second], Schema("django"))
    assert written.applied == (0,)
    assert written.skipped == ()  # the second is neither applied nor refused: retried next pass
    assert "    name = Column(Text, nullable=True)\n" in written.text


def test_foreign_keys_and_indexes_can_be_added_and_dropped(tmp_path):
    mirror = read_text(tmp_path / "m", CLASSIC)
    quotes = mirror.table("quotes")
    assert quotes is not None
    fk = quotes.foreign_keys[0]
    written = write(CLASSIC, [DropForeignKey("quotes", fk)], mirror)
    assert diff_lines(CLASSIC, written.text) == [
        '-    stock_id = Column(BigInteger, ForeignKey("stocks.id"), nullable=False)',
        "+    stock_id = Column(BigInteger, nullable=False)",
    ]
    back = write(written.text, [AddForeignKey("quotes", replace(fk, on_delete="CASCADE"))], mirror)
    assert (
        '    stock_id = Column(BigInteger, ForeignKey("stocks.id", ondelete="CASCADE"), nullable=False)\n' in back.text
    )
    with_index = CLASSIC.replace('({"comment": "prices"},)', '(Index("i_price", "price"), {"comment": "prices"})')
    index = read_text(tmp_path / "i", TRUTH_IMPORTS + with_index).table("quotes").indexes[0]  # type: ignore[union-attr]
    dropped = write(with_index, [DropIndex("quotes", index)], mirror)
    assert dropped.text == CLASSIC.replace('({"comment": "prices"},)', '({"comment": "prices"})')
    unique = CLASSIC.replace("nullable=False)  # the ticker", "nullable=False, unique=True)  # the ticker")
    constraint = read_text(tmp_path / "u", unique).table("stocks").constraints[0]  # type: ignore[union-attr]
    assert write(unique, [DropConstraint("stocks", constraint)], mirror).text == CLASSIC


def test_parses_and_target():
    assert WRITER.parses(CLASSIC) is None
    assert WRITER.parses("class A(:\n") is not None
    assert get_writer("sqlalchemy") is WRITER
    from schemalint.model import Location

    mirror = Schema(
        "sqlalchemy",
        tables=(
            Table("a", location=Location("one.py")),
            Table("b", location=Location("two.py")),
            Table("c", location=Location("two.py")),
        ),
        files=("one.py", "two.py"),
    )
    fix_after_a = Fix("add d", "safe", (AddTable(Table("d"), after="a"),), "sqlalchemy")
    fix_anywhere = Fix("add e", "safe", (AddTable(Table("e"), after="zzz"),), "sqlalchemy")
    assert WRITER.target(fix_after_a, mirror) == "one.py"
    assert WRITER.target(fix_anywhere, mirror) == "two.py"
    assert WRITER.target(fix_anywhere, Schema("sqlalchemy")) is None


def test_an_unparsable_file_skips_every_fix():
    written = write("class A(:\n", [RenameTable("a", "b")], Schema("django"))
    assert written.text == "class A(:\n"
    assert written.skipped and "does not parse" in written.skipped[0][1]


# --------------------------------------------------------------------------- property


COLUMN_NAMES = ["symbol", "name", "price", "stock_id"]
PG_TYPES = ["integer", "bigint", "text", "character varying(30)", "numeric(10,2)", "boolean", "jsonb", "xml"]


@st.composite
def column_changes(draw: st.DrawFn) -> list[Change]:
    changes: list[Change] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["alter", "add", "drop"]))
        table = draw(st.sampled_from(["stocks", "quotes"]))
        pg = draw(st.sampled_from(PG_TYPES))
        if kind == "add":
            name = draw(st.sampled_from(["extra", "more", "note"]))
            column = Column(name, pg, nullable=draw(st.booleans()), comment=draw(st.none() | st.text(max_size=5)))
            neighbours = [*COLUMN_NAMES, "extra", "more", "note"]  # a neighbour may come with another fix
            changes.append(AddColumn(table, column, after=draw(st.none() | st.sampled_from(neighbours))))
        elif kind == "drop":
            changes.append(DropColumn(table, Column(draw(st.sampled_from(COLUMN_NAMES)), pg)))
        else:
            name = draw(st.sampled_from(COLUMN_NAMES))
            parts = tuple(draw(st.sets(st.sampled_from(["type", "nullable", "comment", "default"]), min_size=1)))
            have = Column(name, "integer")
            want = Column(
                name,
                pg,
                nullable=draw(st.booleans()),
                comment=draw(st.none() | st.text(max_size=5)),
                default=draw(st.sampled_from([None, "0", "now()", "'x'::text"])),
            )
            changes.append(AlterColumn(table, name, parts, want, have))  # type: ignore[arg-type]
    # a check never asks two things of one column in one pass
    by_column: dict[tuple[str, str], Change] = {}
    for change in changes:
        name = change.column.name if isinstance(change, AddColumn | DropColumn) else change.name  # type: ignore[union-attr]
        by_column.setdefault((change.table, name), change)  # type: ignore[union-attr]
    return list(by_column.values())


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(style=st.sampled_from(["classic", "mapped"]), changes=column_changes())
def test_random_column_changes_keep_the_file_parsable_and_converge(style, changes):
    random_column_changes(style, changes)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(style=st.sampled_from(["classic", "mapped"]), changes=column_changes())
def test_many_random_column_changes_keep_the_file_parsable_and_converge(style, changes):
    random_column_changes(style, changes)


def random_column_changes(style: str, changes: list[Change]) -> None:
    """A pass never leaves the file unparsable, re-applying what it wrote changes nothing, and
    passes converge (every fix is written or refused)."""
    text = SOURCES[style]
    truth = Schema("django")
    fixes = [Fix(f"f{i}", "safe", (c,), "sqlalchemy", "models.py") for i, c in enumerate(changes)]
    context = WriteContext("models.py", truth, truth)
    written = WRITER.apply(text, fixes, context)
    assert WRITER.parses(written.text) is None, written.text
    assert set(written.applied).isdisjoint(i for i, _ in written.skipped)
    # what a pass wrote is written: applying the alterations it applied again is a no-op
    done = [fixes[i] for i in written.applied if isinstance(fixes[i].changes[0], AlterColumn)]
    again = WRITER.apply(written.text, done, context)
    assert again.text == written.text
    # and passes converge: nothing left to write after a few
    for _ in range(len(fixes) + 1):
        step = WRITER.apply(text, fixes, context)
        refused = {i for i, _ in step.skipped}
        fixes = [f for i, f in enumerate(fixes) if i not in refused and i not in step.applied]
        text = step.text
        assert WRITER.parses(text) is None
        if not fixes:
            break
    assert not fixes


# --------------------------------------------------------------------------- differential

_CREATE_ALL = """
import importlib.util, sys
import sqlalchemy
path, url = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("fixed_models", path)
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
engine = sqlalchemy.create_engine(url)
module.Base.metadata.create_all(engine)
engine.dispose()
"""


def _drifted_fixes(truth: Schema, mirror: Schema) -> list[Change]:
    """AddColumn / AlterColumn changes over bifrost-drifted's models: every kind of column part,
    several types and defaults, and the drifts DRIFT.md lists for the SQLAlchemy side."""
    snapshots = mirror.table("option_snapshots")
    jobs = mirror.table("collection_jobs")
    stocks = mirror.table("stocks")
    assert snapshots and jobs and stocks
    price = snapshots.column("underlying_price")
    stock_id = jobs.column("stock_id")
    exchange = stocks.column("exchange")
    assert price and stock_id and exchange
    return [
        AlterColumn("option_snapshots", "underlying_price", ("nullable",), replace(price, nullable=False), price),
        AlterColumn("collection_jobs", "stock_id", ("references",), stock_id, stock_id),
        AlterColumn(
            "stocks",
            "exchange",
            ("type", "default", "comment"),
            replace(exchange, type="character varying(40)", default="'NYSE'::character varying", comment="MIC"),
            exchange,
        ),
        AddColumn("stocks", Column("country", "character(2)", nullable=False, default="'US'::bpchar"), after="name"),
        AddColumn("stocks", Column("listed_on", "date", nullable=True, default="CURRENT_DATE"), after="country"),
        AddColumn("option_snapshots", Column("tags", "text[]", nullable=True, comment="labels"), after="total_volume"),
        AddColumn("option_snapshots", Column("ratio", "numeric(8,6)", nullable=False, default="0"), after="tags"),
        AddColumn("market_conditions", Column("breadth", "double precision", nullable=True), after="decliners"),
        AddColumn("market_conditions", Column("uid", "uuid", nullable=False, default="gen_random_uuid()"), after="id"),
        AddColumn("collection_jobs", Column("payload", "jsonb", nullable=False, default="'{}'::jsonb"), after="config"),
        AddColumn(
            "collection_jobs",
            Column("finished_on", "timestamp with time zone", nullable=True, default="now()"),
            after="finished_at",
        ),
    ]


@pytest.mark.postgres
@pytest.mark.slow
def test_fixed_drifted_models_build_what_their_dump_says(pg, tmp_path):
    from schemalint.report.dump import schema_to_dict
    from tests.support.catalog import compare_catalogs, read_catalog

    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "bifrost-drifted", project, ignore=shutil.ignore_patterns("__pycache__"))
    models = project / "src" / "database" / "models.py"
    config = Config(root=project)
    mirror = read_schema("sqlalchemy", [models], config)
    truth_files = sorted((project / "app_django").rglob("models.py"))
    truth = read_schema("django", truth_files, config)
    text = models.read_text()
    changes = _drifted_fixes(truth, mirror)
    written = write(text, changes, truth, mirror)
    assert written.skipped == ()
    assert len(written.applied) == len(changes)
    models.write_text(written.text)
    fixed = read_schema("sqlalchemy", [models], config)
    assert not fixed.diagnostics, fixed.diagnostics
    for change in changes:
        name = change.column.name if isinstance(change, AddColumn) else change.name  # type: ignore[union-attr]
        got = fixed.table(change.table).column(name)  # type: ignore[union-attr]
        assert got is not None and column_facts(got) == column_facts(change.column)  # type: ignore[union-attr]

    dsn = pg.create_database("fixed_sqlalchemy")
    with __import__("psycopg").connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    result = subprocess.run(
        [sys.executable, "-c", _CREATE_ALL, str(models), pg.url("fixed_sqlalchemy")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    built = read_catalog(dsn)
    agreement = compare_catalogs(
        schema_to_dict(fixed), built, names=True, comments=True, labels=("fixed dump", "postgres")
    )
    print(f"\nfixed bifrost-drifted models: {agreement.agreeing}/{agreement.compared} facts agree")
    assert agreement.differences == [], str(agreement)
    assert agreement.compared > 100
    built_columns = {(t["name"], c["name"]) for t in built["tables"] for c in t["columns"]}
    assert {("stocks", "country"), ("option_snapshots", "tags"), ("collection_jobs", "payload")} <= built_columns


def test_a_column_of_the_same_name_elsewhere_does_not_block_a_drop():
    """`name` is also a column of another class: only uses of this table's column count."""
    source = CLASSIC.replace(
        '    price = Column(Integer, nullable=False, server_default=text("0"))\n',
        '    price = Column(Integer, nullable=False, server_default=text("0"))\n'
        "    name = Column(String(20), nullable=True)\n",
    )
    written = write(source, [DropColumn("stocks", Column("name", "character varying(200)"))], Schema("sqlalchemy"))
    assert diff_lines(source, written.text) == ["-    name = Column(String(200), nullable=True)"]
    used = write(source, [DropColumn("stocks", Column("id", "bigint"))], Schema("sqlalchemy"))
    assert used.skipped == ((0, "stocks.id is still used at line 26"),)  # ForeignKey("stocks.id")


def test_a_name_the_file_binds_otherwise_is_not_imported_over_it(tmp_path):
    """`UUID` is the postgresql type here: the annotation needs `uuid.UUID`, which cannot be
    imported under that name, so the fix is skipped (or spelled through a module the file imports)."""
    source = MAPPED.replace(
        "from sqlalchemy.orm import", "from sqlalchemy.dialects.postgresql import UUID\nfrom sqlalchemy.orm import"
    )
    column = Column("uid", "uuid", nullable=False)
    truth = Schema("django", tables=(Table("stocks", columns=(column,)),))
    written = write(source, [AddColumn("stocks", column, after="name")], truth)
    assert written.skipped == ((0, "UUID is bound to something else in this file; uuid.UUID cannot be imported"),)
    with_module = "import uuid\n" + source
    written = write(with_module, [AddColumn("stocks", column, after="name")], truth)
    assert "    uid: Mapped[uuid.UUID] = mapped_column(UUID)\n" in written.text
    after = read_text(tmp_path, written.text)
    assert column_facts(after.table("stocks").column("uid")) == column_facts(column)  # type: ignore[arg-type,union-attr]


TABLE_FORM = """\
import sqlalchemy as sa

metadata = sa.MetaData()

stocks = sa.Table(
    "stocks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("symbol", sa.String(10), nullable=False),  # the ticker
    sa.Column("note", sa.Text),
    sa.Index("idx_stocks_symbol", "symbol"),
)
"""


def test_a_table_call_is_edited_in_place(tmp_path):
    mirror = read_text(tmp_path / "m", TABLE_FORM)
    symbol = mirror.table("stocks").column("symbol")  # type: ignore[union-attr]
    assert symbol is not None
    want = replace(symbol, type="character varying(12)", default="'X'::character varying", comment="Ticker")
    changes: list[Change] = [
        AlterColumn("stocks", "symbol", ("type", "default", "comment"), want, symbol),
        DropColumn("stocks", Column("note", "text")),
        SetTableComment("stocks", "Listed"),
        AddConstraint("stocks", Constraint("uq_symbol", "unique", ("symbol",))),
    ]
    written = write(TABLE_FORM, changes, mirror)
    assert written.applied == (0, 1, 2, 3), written.skipped
    assert diff_lines(TABLE_FORM, written.text) == [
        '-    sa.Column("symbol", sa.String(10), nullable=False),  # the ticker',
        '-    sa.Column("note", sa.Text),',
        '+    sa.Column("symbol", sa.String(12), nullable=False, server_default="X", comment="Ticker"),  # the ticker',
        '+    sa.UniqueConstraint("symbol", name="uq_symbol"),',
        '+    comment="Listed",',
    ]
    after = read_text(tmp_path / "after", written.text)
    table = after.table("stocks")
    assert table is not None and table.comment == "Listed"
    assert column_facts(table.column("symbol")) == column_facts(want)  # type: ignore[arg-type]
    assert [c.name for c in table.columns] == ["id", "symbol"]
    assert [c.name for c in table.constraints] == ["uq_symbol"]


def test_a_column_whose_neighbour_comes_later_in_the_pass_waits_for_it():
    first = Column("a", "text")
    second = Column("b", "text")
    truth = Schema("django", tables=(Table("stocks", columns=(first, second)),))
    changes: list[Change] = [AddColumn("stocks", second, after="a"), AddColumn("stocks", first, after="name")]
    written = write(CLASSIC, changes, truth)
    assert written.applied == (1,) and written.skipped == ()  # b is retried next pass
    again = write(written.text, changes[:1], truth)
    assert diff_lines(CLASSIC, again.text) == [
        "-from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, text",
        "+from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, Text, text",
        "+    a = Column(Text, nullable=True)",
        "+    b = Column(Text, nullable=True)",
    ]
    in_order = write(CLASSIC, changes[::-1], truth)
    assert in_order.text == again.text  # in the other order both are written in one pass
    assert in_order.applied == (0, 1)


def test_a_projects_own_type_is_not_replaced():
    source = CLASSIC.replace("name = Column(String(200), nullable=True)", "name = Column(Lowered(200), nullable=True)")
    have = Column("name", "character varying(200)")
    written = write(
        source, [AlterColumn("stocks", "name", ("type",), replace(have, type="text"), have)], Schema("django")
    )
    assert written.text == source
    assert written.skipped == ((0, "type Lowered(200) is the project's own; change it by hand"),)


def test_edits_for_a_finding_span_what_the_writer_changes(tmp_path):
    """`schemalint.fix.apply.edits_for` (JSON, SARIF, editors) runs this writer on one fix."""
    from schemalint.engine import RunResult
    from schemalint.findings import Finding
    from schemalint.fix.apply import edits_for

    (tmp_path / "models.py").write_text(CLASSIC)
    mirror = read_text(tmp_path / "m", CLASSIC)
    have = mirror.table("stocks").column("name")  # type: ignore[union-attr]
    assert have is not None
    fix = Fix(
        "set stocks.name NOT NULL",
        "unsafe",
        (AlterColumn("stocks", "name", ("nullable",), replace(have, nullable=False), have),),
        "sqlalchemy",
        "models.py",
    )
    finding = Finding("models.py", 17, 5, "SL204", "nullable differs", fix=fix)
    result = RunResult(
        truth="django", findings=[finding], schemas={"sqlalchemy": mirror, "django": replace(mirror, source="django")}
    )
    [edit] = edits_for(finding, tmp_path, result)
    assert (edit.start_line, edit.end_line, edit.content) == (17, 17, "Fals")
    assert CLASSIC.splitlines()[16][edit.start_col - 1 : edit.end_col - 1] == "Tru"


def test_changes_of_one_fix_that_collide_are_refused_not_garbled():
    source = CLASSIC.replace(
        'price = Column(Integer, nullable=False, server_default=text("0"))',
        'price = Column(server_default=text("0"), comment="c", type_=Integer)',
    )
    have = Column("price", "integer", default="0", comment="c")
    want = Column("price", "integer")
    written = write(source, [AlterColumn("quotes", "price", ("default", "comment"), want, have)], Schema("django"))
    assert written.text == source
    assert written.skipped == ((0, "its changes touch one construct in ways the writer cannot combine"),)
    one_by_one = write(source, [AlterColumn("quotes", "price", ("default",), want, have)], Schema("django"))
    assert '    price = Column(comment="c", type_=Integer)\n' in one_by_one.text


def test_a_dict_table_args_becomes_a_tuple_ending_with_it(tmp_path):
    source = CLASSIC.replace('__table_args__ = ({"comment": "prices"},)', '__table_args__ = {"comment": "prices"}')
    truth = read_text(tmp_path / "t", TRUTH_IMPORTS + source)
    index = Index("idx_quotes_price", ("price",), unique=True)
    written = write(source, [AddIndex("quotes", index)], truth)
    assert diff_lines(source, written.text)[-2:] == [
        '-    __table_args__ = {"comment": "prices"}',
        '+    __table_args__ = (Index("idx_quotes_price", "price", unique=True), {"comment": "prices"})',
    ]
    after = read_text(tmp_path / "a", written.text).table("quotes")
    assert after is not None and after.comment == "prices"
    assert [(i.name, i.unique) for i in after.indexes] == [("idx_quotes_price", True)]


FLASK = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class UserAccount(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(40))
"""


def test_a_flask_model_without_tablename_is_found_by_its_class(tmp_path):
    """Flask-SQLAlchemy names the table (user_account); the writer finds the class the reader
    mapped it from, writes in the file's `db.` style, and the result reads back as the truth."""
    mirror = read_text(tmp_path / "before", FLASK)
    (table,) = mirror.tables
    assert (table.name, table.model) == ("user_account", "UserAccount")
    email = Column("email", "character varying(254)", nullable=False)
    truth = replace(mirror, tables=(replace(table, columns=(*table.columns, email)),))
    written = write(FLASK, [AddColumn("user_account", email, "name")], truth, mirror)
    assert written.applied == (0,), written.skipped
    after = read_text(tmp_path / "after", written.text)
    assert table_facts(after.tables[0]) == table_facts(truth.tables[0])
    renamed = write(FLASK, [RenameTable("user_account", "accounts")], truth, mirror)
    assert renamed.text == FLASK and "generated from its class name" in renamed.skipped[0][1]

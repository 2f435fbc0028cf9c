"""Property tests: whatever a model file or schema.sql contains, `schemalint check` reports
findings or nothing — never a traceback, never a hang.

Inputs are the small in-sync project of `support` with one file replaced by either arbitrary
text/bytes or a *mutation* of the valid file (slices deleted, duplicated or swapped, tokens
that matter to the readers inserted), which reaches much deeper into the readers than random
text, most of which stops at the parser. Every run has a time bound (`support.time_bound`).

Examples are derandomized so CI is reproducible; `SCHEMALINT_FUZZ_EXAMPLES=2000` explores more.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.robustness.support import (
    DJANGO,
    DJANGO_PATH,
    SQL,
    SQL_PATH,
    SQLALCHEMY,
    SQLALCHEMY_PATH,
    assert_clean_run,
    fast_rule_loading,
    run_cli,
    write_project,
)

EXAMPLES = int(os.environ.get("SCHEMALINT_FUZZ_EXAMPLES", "25"))
PER_RUN_SECONDS = 15.0
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

PYTHON_TOKENS = [
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "=",
    ".",
    "'",
    '"',
    '"""',
    "\\",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "    ",
    "#",
    "models.",
    "models.ForeignKey(",
    "models.CharField(",
    "max_length=",
    "null=True",
    "on_delete=",
    "class Meta:",
    "db_table = ",
    "abstract = True",
    "indexes = [",
    "lambda: 0",
    "*args",
    "**kw",
    "@property",
    "async ",
    "await ",
    "yield ",
    "if True:",
    "else:",
    ":=",
    "f'{x}'",
    "é",
    "\u2028",
    "\x00",
    "\ufeff",
    "0x1F",
    "1e309",
    "9" * 40,
    "None",
    "...",
    "del ",
    "global x",
    "import os",
    "from . import *",
    "Column(",
    "mapped_column(",
    "Mapped[int]",
    "__tablename__",
    "__table_args__ = (",
    "Index(",
    "UniqueConstraint(",
    "ForeignKey('t.id')",
    "relationship(",
    ";",
    "class X(Base):",
    "class Y(models.Model):",
    "-",
    "+",
    "~",
    "Stock",
    "Quote",
    "__abstract__ = True",
    "type Alias = int",
    "match x:",
    "case _:",
]
SQL_TOKENS = [
    "CREATE TABLE ",
    "IF NOT EXISTS ",
    "ALTER TABLE ",
    "ADD COLUMN ",
    "DROP COLUMN ",
    "DROP TABLE ",
    "(",
    ")",
    ",",
    ";",
    "'",
    '"',
    "$$",
    "--",
    "/*",
    "*/",
    "\n",
    "NOT NULL",
    "DEFAULT ",
    "REFERENCES ",
    "ON DELETE CASCADE",
    "VARCHAR(",
    "NUMERIC(10,2)",
    "CREATE INDEX ",
    "CREATE UNIQUE INDEX ",
    "UNIQUE ",
    "CHECK (",
    "E'\\''",
    "::",
    "[]",
    "COMMENT ON COLUMN stocks.name IS ",
    "DO $$ BEGIN NULL; END $$",
    "PRIMARY KEY",
    "IDENTITY",
    "SERIAL",
    "TIMESTAMP WITH TIME ZONE",
    "JSONB",
    "IF EXISTS ",
    "RENAME TO ",
    "RENAME COLUMN ",
    "USING gin ",
    "WHERE ",
    "TYPE ",
    "99999999999999999999",
    "é",
    "\x00",
    "stocks",
    "quotes",
    "ALTER COLUMN ",
    "SET NOT NULL",
    "DROP CONSTRAINT ",
    "ADD CONSTRAINT ",
    "FOREIGN KEY ",
    "CREATE SCHEMA ",
    "SET search_path TO ",
    "BEGIN;",
    "COMMIT;",
    "INSERT INTO stocks VALUES (1);",
    "CREATE VIEW v AS SELECT 1",
    "GENERATED ALWAYS AS (1) STORED",
]


@st.composite
def mutated(draw, base: str, tokens: list[str]) -> str:
    """`base` with a few edits: what a half-typed or badly merged file looks like."""
    text = base
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "insert", "delete", "duplicate", "swap_lines", "truncate"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(tokens)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif op == "duplicate":
            end = min(len(text), at + draw(st.integers(1, 200)))
            text = text[:end] + text[at:end] + text[end:]
        elif op == "swap_lines":
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        else:
            text = text[:at]
    return text


def check_with(rel: str, data: str | bytes, monkeypatch) -> None:
    fast_rule_loading(monkeypatch)
    with tempfile.TemporaryDirectory(prefix="schemalint-fuzz-") as tmp:
        root = write_project(Path(tmp), {rel: data})
        assert_clean_run(run_cli(["check", "--no-cache", str(root)], seconds=PER_RUN_SECONDS))


@FUZZ
@given(text=mutated(DJANGO, PYTHON_TOKENS))
def test_mutated_django_models(text, monkeypatch):
    check_with(DJANGO_PATH, text, monkeypatch)


@FUZZ
@given(text=mutated(SQLALCHEMY, PYTHON_TOKENS))
def test_mutated_sqlalchemy_models(text, monkeypatch):
    check_with(SQLALCHEMY_PATH, text, monkeypatch)


@FUZZ
@given(text=mutated(SQL, SQL_TOKENS))
def test_mutated_schema_sql(text, monkeypatch):
    check_with(SQL_PATH, text, monkeypatch)


@pytest.mark.parametrize("rel", [DJANGO_PATH, SQLALCHEMY_PATH, SQL_PATH])
@FUZZ
@given(
    data=st.one_of(
        st.text(max_size=400),
        st.binary(max_size=400),
        st.lists(st.sampled_from(PYTHON_TOKENS + SQL_TOKENS), max_size=60).map("".join),
    )
)
def test_arbitrary_content(rel, data, monkeypatch):
    check_with(rel, data, monkeypatch)

"""Property test: whatever text is given as schema.sql, the SQL reader returns a Schema (maybe
with SL001/SL402/SL403 diagnostics pointing inside the file), never an exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalint.config import Config
from schemalint.engine import read_schema
from schemalint.model import Schema

CORPUS = Path(__file__).resolve().parent.parent / "differential" / "sql_corpus"
VALID_SQL = [path.read_text(encoding="utf-8-sig") for path in sorted(CORPUS.glob("*.sql"))]
ROOT = Path("/nonexistent-schemalint-root")
FRAGMENTS = [
    "(",
    ")",
    ",",
    ";",
    "'",
    '"',
    "$$",
    "$x$",
    "--",
    "/*",
    "*/",
    "\\",
    "\n",
    "\r\n",
    "E'",
    "CREATE TABLE ",
    "IF NOT EXISTS ",
    "ALTER TABLE ",
    "ADD COLUMN ",
    "DROP ",
    "CONSTRAINT ",
    "PRIMARY KEY",
    "REFERENCES ",
    "CHECK (",
    "DEFAULT ",
    "serial",
    "varchar(",
    "::",
    "ARRAY[",
    "CREATE INDEX ",
    "ON ",
    "USING gin ",
    "WHERE ",
    "DO ",
    "BEGIN",
    "END",
    "RENAME TO ",
    "COMMENT ON ",
    "IS NULL",
    "NOT ",
    "IN (",
    "BETWEEN ",
    "GENERATED ALWAYS AS IDENTITY",
    "\x00",
    "é",
    "🙂",
]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_text(data: bytes, dialect: str = "postgres") -> Schema:
    config = Config(root=ROOT, dialect=dialect)
    return read_schema("sql", [ROOT / "schema.sql"], config, overrides={"schema.sql": data})


def check(schema: Schema, data: bytes) -> None:
    assert isinstance(schema, Schema)
    lines = data.count(b"\n") + 1
    for diagnostic in schema.diagnostics:
        assert diagnostic.kind in ("unreadable", "unresolved", "unparsable-statement", "failing-statement"), diagnostic
        assert 1 <= diagnostic.location.line <= lines, diagnostic
    for statement in schema.statements:
        assert 1 <= statement.location.line <= lines, statement


@st.composite
def mutated_sql(draw) -> str:
    text = draw(st.sampled_from(VALID_SQL))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        operation = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if operation == "insert":
            text = text[:at] + draw(st.sampled_from(FRAGMENTS)) + text[at:]
        elif operation == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 200)) :]
        else:
            text = text[:at] + text[at : at + draw(st.integers(1, 300))] + text[at:]
    return text


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=60))
def test_arbitrary_text_never_raises(pieces):
    data = "".join(pieces).encode("utf-8", errors="surrogatepass")
    check(read_text(data), data)


@SETTINGS
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(data):
    check(read_text(data), data)


@SETTINGS
@given(mutated_sql(), st.sampled_from(["postgres", "mysql", "sqlite"]))
def test_mutated_valid_sql_never_raises(text, dialect):
    data = text.encode("utf-8", errors="surrogatepass")
    check(read_text(data, dialect), data)

"""Differential test: what the SQL reader says a schema.sql leaves behind, against what a real
PostgreSQL holds after running the same file.

Each corpus file (tests/differential/sql_corpus/*.sql, written the way teams keep schema.sql
for years: CREATE TABLE IF NOT EXISTS, then versioned ALTERs) runs in its own database, one
statement at a time like `psql` without ON_ERROR_STOP: a statement PostgreSQL rejects is
skipped and the rest still runs. The catalogs are read with `read_catalog` and compared fact by
fact with `schemalint dump --source sql`; the statements PostgreSQL rejected must be exactly
the ones the reader reports with SL402/SL403.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemalint.config import Config
from schemalint.engine import read_schema
from schemalint.read import decode
from schemalint.read.sql.split import split_statements
from schemalint.report.dump import schema_to_dict
from tests.support.catalog import Agreement, compare_catalogs, read_catalog

CORPUS = Path(__file__).resolve().parent / "sql_corpus"
SCHEMAS = ["public", "crm"]
MINIMUM_AGREEMENT = 0.97


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.sql"))


def static_read(path: Path) -> dict:
    schema = read_schema("sql", [path], Config(root=CORPUS))
    return schema_to_dict(schema)


def run_in_postgres(dsn: str, path: Path) -> list[int]:
    """Runs the file statement by statement; returns the lines of the statements that failed."""
    psycopg = pytest.importorskip("psycopg")
    failed = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET client_min_messages = warning")
        for statement in split_statements(decode(path.read_bytes())):
            try:
                conn.execute(statement.text)
            except psycopg.Error:
                failed.append(statement.line)
    return failed


def database_dump(dsn: str) -> dict:
    tables = []
    for schema in SCHEMAS:
        tables += read_catalog(dsn, schema)["tables"]
    return {"source": "postgres", "tables": tables}


def test_corpus_is_large_enough():
    tables = sum(len(static_read(path)["tables"]) for path in corpus_files())
    assert len(corpus_files()) >= 3
    assert tables >= 30


@pytest.mark.postgres
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_static_read_matches_postgres(pg, path):
    dsn = pg.create_database(f"sqldiff_{path.stem}")
    failed_lines = run_in_postgres(dsn, path)
    expected = static_read(path)
    actual = database_dump(dsn)
    agreement = compare_catalogs(expected, actual, names=True, comments=True, labels=("schemalint", "postgres"))
    print(f"\n{path.name}: {agreement}")
    _record(path.name, agreement)
    assert agreement.rate >= MINIMUM_AGREEMENT, str(agreement)
    reported = sorted(
        int(d["location"].split(":")[1]) for d in expected["diagnostics"] if d["code"] in ("SL402", "SL403")
    )
    assert reported == sorted(failed_lines)


_TOTALS: dict[str, Agreement] = {}


def _record(name: str, agreement: Agreement) -> None:
    _TOTALS[name] = agreement
    agreeing = sum(a.agreeing for a in _TOTALS.values())
    compared = sum(a.compared for a in _TOTALS.values())
    print(f"SQL differential so far: {agreeing}/{compared} facts agree over {len(_TOTALS)} files")

"""Differential test: the schema the SQLAlchemy reader reads statically from the corpus
(tests/differential/sqlalchemy_corpus) against what real SQLAlchemy's `metadata.create_all()`
builds from the same modules in a real PostgreSQL.

The corpus modules are imported here (they are test files; schemalint itself never imports
them). Every remaining difference must be a documented limitation listed in `LIMITATIONS`,
each of which the reader reports with an SL002 warning.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from schemalint.config import Config
from schemalint.engine import read_schema
from schemalint.report.dump import schema_to_dict
from tests.support.catalog import compare_catalogs, read_catalog

CORPUS = Path(__file__).resolve().parent / "sqlalchemy_corpus"
MODULES = [
    "options",
    "strategies",
    "legacy",
    "imperative",
    "inheritance",
    "misc",
    "extras",
    "styles",
    "realworld",
    "thirdparty",
]
SCHEMAS = ["public", "corpus_s"]

# Differences the reader cannot avoid: (difference prefix, why, the SL002 message fragment that
# reports it, where). Each one must still be reported, so the user knows the fact is unchecked.
LIMITATIONS: list[tuple[str, str, str, str]] = [
    (
        "column shares.region: default",
        "server_default=default_region() calls a project function; only running it tells its SQL",
        "server_default 'default_region()' cannot be resolved statically",
        "sacorpus/extras.py",
    ),
]


def corpus_paths() -> list[Path]:
    return sorted((CORPUS / "sacorpus").glob("*.py"))


def static_dump() -> dict:
    schema = read_schema("sqlalchemy", corpus_paths(), Config(root=CORPUS))
    return schema_to_dict(schema)


def create_with_sqlalchemy(url: str) -> None:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    if str(CORPUS) not in sys.path:
        sys.path.insert(0, str(CORPUS))
    modules = {name: importlib.import_module(f"sacorpus.{name}") for name in MODULES}
    base = importlib.import_module("sacorpus.base")
    metadatas = [
        base.Base.metadata,
        base.LegacyBase.metadata,
        modules["imperative"].metadata_obj,
        modules["extras"].ExtraBase.metadata,
        modules["styles"].styles_metadata,
        modules["realworld"].RealBase.metadata,
        modules["thirdparty"].thirdparty_metadata,
    ]
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text("CREATE SCHEMA IF NOT EXISTS corpus_s"))
            conn.execute(sqlalchemy.text("CREATE EXTENSION IF NOT EXISTS pgcrypto"))
        for metadata in metadatas:
            metadata.create_all(engine)
    finally:
        engine.dispose()


def database_dump(dsn: str) -> dict:
    tables = []
    for schema in SCHEMAS:
        tables += read_catalog(dsn, schema)["tables"]
    return {"source": "postgres", "tables": tables}


def test_corpus_is_large_enough():
    dump = static_dump()
    assert len(dump["tables"]) >= 40
    assert len({t["location"].split(":")[0] for t in dump["tables"]}) >= 5


@pytest.mark.postgres
def test_static_read_matches_create_all(pg):
    dsn = pg.create_database("sa_differential")
    create_with_sqlalchemy(pg.url("sa_differential"))
    actual = database_dump(dsn)
    expected = static_dump()
    agreement = compare_catalogs(expected, actual, names=True, comments=True, labels=("schemalint", "postgres"))
    print(f"\nSQLAlchemy differential: {agreement.agreeing}/{agreement.compared} facts agree")
    unexplained = [d for d in agreement.differences if not any(d.startswith(limit[0]) for limit in LIMITATIONS)]
    assert not unexplained, str(agreement)
    assert len(actual["tables"]) == len(expected["tables"])
    assert agreement.compared - agreement.agreeing == len(LIMITATIONS)
    # not a compared fact, but the dump should list columns in the order create_all made them
    static_order = {t["name"]: [c["name"] for c in t["columns"]] for t in expected["tables"]}
    database_order = {t["name"]: [c["name"] for c in t["columns"]] for t in actual["tables"]}
    assert static_order == database_order


@pytest.mark.parametrize("prefix, why, message, path", LIMITATIONS, ids=[limit[0] for limit in LIMITATIONS])
def test_every_limitation_is_reported_as_sl002(prefix, why, message, path):
    diagnostics = static_dump()["diagnostics"]
    matching = [
        d for d in diagnostics if d["code"] == "SL002" and message in d["message"] and d["location"].startswith(path)
    ]
    assert matching, f"{prefix}: {why} -- no SL002 saying so in {diagnostics}"


def test_the_corpus_reads_without_other_warnings():
    """Only the documented limitations produce diagnostics: everything else is resolved."""
    diagnostics = static_dump()["diagnostics"]
    expected = {limit[2] for limit in LIMITATIONS}
    assert [d for d in diagnostics if not any(m in d["message"] for m in expected)] == []

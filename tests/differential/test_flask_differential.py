"""Differential test for Flask-SQLAlchemy models: what the SQLAlchemy reader reads statically from
tests/differential/flask_corpus against what real Flask-SQLAlchemy (3.x) and SQLAlchemy build
with `db.create_all()` in a real PostgreSQL -- table names it derives from class names, its
single-table rule, `db.Table`, `model_class=`, `disable_autonaming`, and mixins configured by a
classmethod (Flask-Security's pattern).

The corpus modules are imported here (test code; schemalint never imports them). Then the same
database is checked as a mirror of the models: a correct mirror draws no finding.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from schemalint.config import Config
from schemalint.engine import read_schema
from schemalint.report.dump import schema_to_dict
from tests.support.catalog import compare_catalogs, read_catalog
from tests.support.cli import schemalint

CORPUS = Path(__file__).resolve().parent / "flask_corpus"
# Each module's extension objects: each gets its own Flask app, as an application would.
EXTENSIONS = {
    "extensions": ["db"],
    "typed": ["typed_db"],
    "custom": ["custom_db", "legacy_db", "manual_db"],
    "members": ["member_db"],
}
MODELS = ["shop", "typed", "custom", "registry", "members"]


def corpus_paths() -> list[Path]:
    return sorted((CORPUS / "flaskcorpus").glob("*.py"))


def static_dump() -> dict:
    return schema_to_dict(read_schema("sqlalchemy", corpus_paths(), Config(root=CORPUS)))


@pytest.fixture(scope="module")
def built(pg) -> str:
    """The database real Flask-SQLAlchemy builds from the corpus (its name)."""
    flask = pytest.importorskip("flask")
    pytest.importorskip("flask_sqlalchemy")
    name = "flask_differential"
    pg.create_database(name)
    if str(CORPUS) not in sys.path:
        sys.path.insert(0, str(CORPUS))
    for module in MODELS:
        importlib.import_module(f"flaskcorpus.{module}")
    for module, names in EXTENSIONS.items():
        for attribute in names:
            db = getattr(importlib.import_module(f"flaskcorpus.{module}"), attribute)
            app = flask.Flask(f"corpus_{attribute}")
            app.config["SQLALCHEMY_DATABASE_URI"] = pg.url(name)
            db.init_app(app)
            with app.app_context():
                db.create_all()
                db.engine.dispose()
    return name


def test_the_corpus_has_what_it_tests():
    names = {t["name"] for t in static_dump()["tables"]}
    assert len(names) >= 20
    # generated from class names, and the ones Flask-SQLAlchemy never creates
    assert {"http_request_log", "item2_tag", "t_declaredname", "api_token", "memberships"} <= names
    assert not names & {"error_log", "never_created", "manual_child"}


@pytest.mark.postgres
def test_static_read_matches_flask_create_all(pg, built):
    actual = {"source": "postgres", "tables": read_catalog(pg.dsn(built))["tables"]}
    expected = static_dump()
    agreement = compare_catalogs(expected, actual, names=True, comments=True, labels=("schemalint", "postgres"))
    print(f"\nFlask-SQLAlchemy differential: {agreement.agreeing}/{agreement.compared} facts agree")
    assert agreement.differences == [], str(agreement)
    assert sorted(t["name"] for t in actual["tables"]) == sorted(t["name"] for t in expected["tables"])
    order = {t["name"]: [c["name"] for c in t["columns"]] for t in expected["tables"]}
    assert order == {t["name"]: [c["name"] for c in t["columns"]] for t in actual["tables"]}


def test_the_corpus_reads_without_warnings():
    assert static_dump()["diagnostics"] == []


@pytest.mark.postgres
def test_the_database_flask_built_is_a_mirror_without_findings(pg, built):
    url = f"postgresql://{pg.user}@{pg.host}:{pg.port}/{built}"
    result = schemalint("check", str(CORPUS), "--no-cache", "--format", "json", "--database-url", url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []

"""Do the example projects mean what they say? Build each source in PostgreSQL and compare.

For `fixtures/bifrost` (in sync) and `fixtures/bifrost-drifted` (DRIFT.md), three fresh
databases are built from the three sources, each the way its owners build it:

* Django: the real `migrate` of the fixture's own migrations, in a subprocess, with a
  temporary settings module that imports the fixture's settings (DEFAULT_AUTO_FIELD...) but
  installs only the fixture's apps and points at the test server;
* SQLAlchemy: `Base.metadata.create_all()` of `src/database/models.py`, in a subprocess;
* schema.sql: the file executed as is.

The rule for "the same catalog" (`compare_catalogs(..., names=False)`): every table, column
(type, nullability, default/identity, primary key, comment), foreign key, index and
constraint must be in all three, with the same content. Names count only where two people
wrote them: an object whose name in one catalog is one nobody wrote (PostgreSQL's
`stocks_symbol_key` / `..._fkey`, Django's hash-suffixed `stocks_symbol_e83edf1e_like` and FK
indexes, SQLAlchemy's `ix_<table>_<column>`) is matched by content; two written names
(`idx_stocks_market_cap`, `uniq_snapshot_stock_time`) must be equal. So the mirrors must also
declare the indexes Django creates without being asked (one per ForeignKey, a
`varchar_pattern_ops` one per unique/indexed CharField), under any name they like.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg
import pytest

from tests.support.catalog import compare_catalogs, read_catalog

pytestmark = pytest.mark.postgres

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BIFROST_APPS = ["apps.options", "apps.strategies", "apps.data_collection"]
BIFROST_TABLES = [
    "collection_jobs",
    "market_conditions",
    "option_contracts",
    "option_snapshots",
    "stocks",
    "strategy_history",
]
# What Django's `migrate` adds besides the apps' tables.
DJANGO_BOOKKEEPING = {"django_migrations"}

# Every difference PostgreSQL sees between fixtures/bifrost-drifted's sources (DRIFT.md).
EXPECTED_DRIFTS = {
    "sqlalchemy": [
        "column option_snapshots.underlying_price: nullable",  # 1
        "option_contracts: index idx_contracts_exp_strike",  # 3
        "table strategy_histories: missing in django",  # 5
        "table strategy_history: missing in sqlalchemy",  # 5
        "collection_jobs: foreign key",  # 7 (ON DELETE CASCADE)
    ],
    "sql": [
        "column stocks.name: type",  # 2
        "column collection_jobs.retry_count: missing in django",  # 4
        "column option_contracts.strike: type",  # 8
        "column option_snapshots.raw_chain: comment",  # 9
    ],
}


def _subprocess_env(*python_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(p) for p in python_path), **extra)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # keep the fixture directories clean
    return env


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _django_settings(pg, database: str, directory: Path) -> Path:
    """A settings module: the fixture's settings, but only its apps and our database."""
    (directory / "schemalint_test_settings.py").write_text(
        textwrap.dedent(
            f"""
            from bifrost.settings import *  # noqa: F401,F403  (DEFAULT_AUTO_FIELD, USE_TZ, ...)

            INSTALLED_APPS = {BIFROST_APPS!r}
            MIDDLEWARE = []
            ROOT_URLCONF = __name__
            urlpatterns = []
            DATABASES = {{
                "default": {{
                    "ENGINE": "django.db.backends.postgresql",
                    "NAME": {database!r},
                    "USER": {pg.user!r},
                    "HOST": {pg.host!r},
                    "PORT": {str(pg.port)!r},
                }}
            }}
            """
        )
    )
    return directory


def django_manage(pg, project: Path, database: str, tmp_path: Path, *command: str) -> subprocess.CompletedProcess:
    app_dir = project / "app_django"
    settings_dir = _django_settings(pg, database, tmp_path)
    env = _subprocess_env(settings_dir, app_dir, DJANGO_SETTINGS_MODULE="schemalint_test_settings")
    return _run([sys.executable, "-m", "django", *command], cwd=app_dir, env=env)


def build_with_django(pg, project: Path, database: str, tmp_path: Path) -> dict:
    dsn = pg.create_database(database)
    django_manage(pg, project, database, tmp_path, "migrate", "--verbosity", "0")
    catalog = read_catalog(dsn)
    bookkeeping = [t for t in catalog["tables"] if t["name"] in DJANGO_BOOKKEEPING]
    assert len(bookkeeping) == len(DJANGO_BOOKKEEPING), "migrate did not record its migrations"
    catalog["tables"] = [t for t in catalog["tables"] if t["name"] not in DJANGO_BOOKKEEPING]
    return catalog


_CREATE_ALL = """
import importlib.util, sys
import sqlalchemy
path, url = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("fixture_models", path)
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module  # Mapped[...] annotations are resolved through sys.modules
spec.loader.exec_module(module)
engine = sqlalchemy.create_engine(url)
module.Base.metadata.create_all(engine)
engine.dispose()
"""


def build_with_sqlalchemy(pg, project: Path, database: str) -> dict:
    dsn = pg.create_database(database)
    models = project / "src" / "database" / "models.py"
    _run([sys.executable, "-c", _CREATE_ALL, str(models), pg.url(database)], env=_subprocess_env())
    return read_catalog(dsn)


def run_sql_file(dsn: str, path: Path) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(path.read_text())


def build_with_sql(pg, project: Path, database: str) -> dict:
    dsn = pg.create_database(database)
    run_sql_file(dsn, project / "scripts" / "database" / "schema.sql")
    return read_catalog(dsn)


def build_all(pg, project: Path, prefix: str, tmp_path: Path) -> dict[str, dict]:
    return {
        "django": build_with_django(pg, project, f"{prefix}_django", tmp_path),
        "sqlalchemy": build_with_sqlalchemy(pg, project, f"{prefix}_sqlalchemy"),
        "sql": build_with_sql(pg, project, f"{prefix}_sql"),
    }


@pytest.fixture(scope="module")
def bifrost(pg, tmp_path_factory):
    return build_all(pg, FIXTURES / "bifrost", "bifrost", tmp_path_factory.mktemp("bifrost"))


@pytest.fixture(scope="module")
def drifted(pg, tmp_path_factory):
    return build_all(pg, FIXTURES / "bifrost-drifted", "drifted", tmp_path_factory.mktemp("drifted"))


def _compare(catalogs: dict[str, dict], mirror: str):
    return compare_catalogs(catalogs["django"], catalogs[mirror], names=False, comments=True, labels=("django", mirror))


@pytest.mark.parametrize("source", ["django", "sqlalchemy", "sql"])
def test_every_source_builds_the_six_tables(bifrost, source):
    assert [t["name"] for t in bifrost[source]["tables"]] == BIFROST_TABLES


@pytest.mark.parametrize("mirror", ["sqlalchemy", "sql"])
def test_in_sync_mirror_builds_what_django_builds(bifrost, mirror):
    agreement = _compare(bifrost, mirror)
    assert agreement.differences == [], str(agreement)
    # Not vacuous: 6 tables + 6 table comments + 59 columns x 5 facts + 29 FKs/indexes/constraints.
    assert agreement.compared == 336


def test_in_sync_mirrors_agree_with_each_other(bifrost):
    agreement = compare_catalogs(bifrost["sqlalchemy"], bifrost["sql"], names=False, comments=True)
    assert agreement.differences == [], str(agreement)


def test_names_matter_where_both_sides_wrote_them(bifrost):
    """The rule is not 'names never matter': renaming a written index is a difference."""
    renamed = {**bifrost["sql"], "tables": [dict(t) for t in bifrost["sql"]["tables"]]}
    stocks = next(t for t in renamed["tables"] if t["name"] == "stocks")
    stocks["indexes"] = [
        dict(ix, name="idx_stocks_cap") if ix["name"] == "idx_stocks_market_cap" else ix for ix in stocks["indexes"]
    ]
    agreement = compare_catalogs(bifrost["django"], renamed, names=False)
    assert agreement.differences == ["stocks: index idx_stocks_market_cap: named idx_stocks_cap in actual"]


@pytest.mark.parametrize("mirror", ["sqlalchemy", "sql"])
def test_drifted_mirror_differs_exactly_as_drift_md_says(drifted, mirror):
    differences = _compare(drifted, mirror).differences
    for expected in EXPECTED_DRIFTS[mirror]:
        matching = [d for d in differences if expected in d]
        assert len(matching) == 1, f"{expected!r} in {differences}"
    assert len(differences) == len(EXPECTED_DRIFTS[mirror]), differences


def test_drifted_django_is_the_unchanged_truth(bifrost, drifted):
    agreement = compare_catalogs(bifrost["django"], drifted["django"], names=True, comments=True)
    assert agreement.differences == []


@pytest.mark.parametrize("project, idempotent", [("bifrost", True), ("bifrost-drifted", False)])
def test_schema_sql_can_run_twice_unless_an_unguarded_statement(pg, project, idempotent):
    dsn = pg.create_database(f"twice_{project.replace('-', '_')}")
    schema = FIXTURES / project / "scripts" / "database" / "schema.sql"
    run_sql_file(dsn, schema)
    if idempotent:
        run_sql_file(dsn, schema)
    else:
        with pytest.raises(psycopg.errors.DuplicateTable, match="idx_strategy_name_time"):
            run_sql_file(dsn, schema)


@pytest.mark.parametrize("project", ["bifrost", "bifrost-drifted"])
def test_django_migrations_match_the_models(pg, project, tmp_path):
    """The fixture's migrations are what `makemigrations` would write for its models."""
    database = f"check_{project.replace('-', '_')}"
    pg.create_database(database)
    django_manage(pg, FIXTURES / project, database, tmp_path, "makemigrations", "--check", "--dry-run")


@pytest.fixture(scope="module")
def no_django(pg):
    project = FIXTURES / "no-django"
    return {
        "sqlalchemy": build_with_sqlalchemy(pg, project, "nodjango_sqlalchemy"),
        "sql": build_with_sql(pg, project, "nodjango_sql"),
    }


def test_project_without_django_builds_the_same_catalog_from_both_sources(no_django):
    """fixtures/no-django: SQLAlchemy is the truth. Serial keys, server defaults and ON DELETE
    rules all live in the database here, and even the generated names coincide."""
    truth, mirror = no_django["sqlalchemy"], no_django["sql"]
    agreement = compare_catalogs(truth, mirror, names=True, comments=True, labels=("sqlalchemy", "sql"))
    assert agreement.differences == [], str(agreement)
    assert [t["name"] for t in truth["tables"]] == ["accounts", "ledger_entries"]
    entries = next(t for t in truth["tables"] if t["name"] == "ledger_entries")
    assert sorted(fk["on_delete"] for fk in entries["foreign_keys"]) == ["CASCADE", "SET NULL"]


def schemalint_dump(project: Path, source: str) -> dict:
    """What schemalint's reader for `source` sees in the project (no cache, no database)."""
    from schemalint.config import load_config
    from schemalint.discover import discover
    from schemalint.engine import read_schema
    from schemalint.report.dump import schema_to_dict

    config = load_config(project)
    files = discover(config, (source,)).files[source]
    return schema_to_dict(read_schema(source, files, config))


@pytest.mark.parametrize(
    "project, catalogs, source",
    [
        ("bifrost", "bifrost", "django"),
        ("bifrost", "bifrost", "sqlalchemy"),
        ("bifrost", "bifrost", "sql"),
        ("bifrost-drifted", "drifted", "django"),
        ("bifrost-drifted", "drifted", "sqlalchemy"),
        ("bifrost-drifted", "drifted", "sql"),
        ("no-django", "no_django", "sqlalchemy"),
        ("no-django", "no_django", "sql"),
    ],
)
def test_schemalint_reads_what_postgres_builds(request, project, catalogs, source):
    """Each reader, reading the fixture statically, sees exactly the catalog PostgreSQL built
    from that source, down to the generated names (Django's hashes, PostgreSQL's defaults)."""
    built = request.getfixturevalue(catalogs)[source]
    dump = schemalint_dump(FIXTURES / project, source)
    assert dump["diagnostics"] == []
    agreement = compare_catalogs(dump, built, names=True, comments=True, labels=("schemalint", "postgres"))
    assert agreement.differences == [], str(agreement)

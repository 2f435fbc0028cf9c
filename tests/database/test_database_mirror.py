"""The live database as a mirror, against a real PostgreSQL built by Django's own `migrate`.

`fixtures/bifrost` is migrated once; each test that changes it works on a copy
(`CREATE DATABASE ... TEMPLATE`). In sync, the database gives no finding and `dump --source
database` is `dump --source django` fact by fact; each drift applied with SQL gives the
finding a mirror file with the same drift would give, pointing into `<database>`.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemalint.cli import main
from tests.differential.test_bifrost import FIXTURES, django_manage, schemalint_dump
from tests.support.catalog import compare_catalogs

pytestmark = pytest.mark.postgres

PASSWORD = "s3cr3t-pa55"
_copies = itertools.count()


@pytest.fixture(scope="module")
def migrated(pg, tmp_path_factory) -> str:
    """The name of a database that Django's `migrate` built from fixtures/bifrost."""
    pg.create_database("mirror_bifrost")
    django_manage(
        pg, FIXTURES / "bifrost", "mirror_bifrost", tmp_path_factory.mktemp("settings"), "migrate", "--verbosity", "0"
    )
    return "mirror_bifrost"


def copy_of(pg, template: str) -> str:
    name = f"mirror_copy_{next(_copies)}"
    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name


def run_sql(pg, database: str, sql: str) -> None:
    with psycopg.connect(pg.dsn(database), autocommit=True) as conn:
        conn.execute(sql)


def url(pg, database: str, password: str | None = None, user: str | None = None) -> str:
    secret = f":{password}" if password else ""
    return f"postgresql://{user or pg.user}{secret}@{pg.host}:{pg.port}/{database}"


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "bifrost"
    shutil.copytree(FIXTURES / "bifrost", root)
    return root


def cli(*args: str, env: dict | None = None):
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def check_json(project: Path, *args: str) -> list[dict]:
    result = cli("check", str(project), "--no-cache", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


# ------------------------------------------------------------------------------- in sync


def test_django_migrated_database_gives_no_finding(pg, migrated, project):
    result = cli("check", str(project), "--no-cache", "--database-url", url(pg, migrated))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_dump_database_is_dump_django_fact_by_fact(pg, migrated, project):
    result = cli(
        "dump", "--source", "database", "--format", "json", "--database-url", url(pg, migrated), "--root", str(project)
    )
    assert result.exit_code == 0, result.stderr
    database = json.loads(result.stdout)
    assert database["source"] == "database"
    assert "options.0002_add_market_cap" in database["properties"]["django_migrations"].splitlines()
    database["tables"] = [t for t in database["tables"] if t["name"] != "django_migrations"]
    agreement = compare_catalogs(
        schemalint_dump(project, "django"), database, names=True, comments=True, labels=("django", "database")
    )
    assert agreement.differences == [], str(agreement)
    assert agreement.compared == 336  # as many facts as tests/differential/test_bifrost.py compares


def test_export_prints_the_database_as_ddl(pg, migrated, project):
    result = cli("export", "--source", "database", "--database-url", url(pg, migrated), "--root", str(project))
    assert result.exit_code == 0, result.stderr
    assert "CREATE TABLE stocks (" in result.stdout and "CREATE TABLE django_migrations (" in result.stdout


# ------------------------------------------------------------------------------- drifts

# (SQL applied to a migrated copy, the one finding it must give: code, table, column)
DRIFTS = {
    "type": ("ALTER TABLE stocks ALTER COLUMN name TYPE character varying(100)", "SL203", "stocks", "name"),
    "nullability": (
        "ALTER TABLE option_snapshots ALTER COLUMN underlying_price DROP NOT NULL",
        "SL204",
        "option_snapshots",
        "underlying_price",
    ),
    "default": (
        "ALTER TABLE collection_jobs ALTER COLUMN status SET DEFAULT 'queued'",
        "SL206",
        "collection_jobs",
        "status",
    ),
    "dropped index": ("DROP INDEX idx_collection_jobs_status", "SL301", "collection_jobs", None),
    "extra column": ("ALTER TABLE stocks ADD COLUMN isin text", "SL202", "stocks", "isin"),
    "missing table": ("DROP TABLE strategy_history", "SL101", "strategy_history", None),
    "fk action": (
        "ALTER TABLE collection_jobs DROP CONSTRAINT collection_jobs_stock_id_02219251_fk_stocks_id, "
        "ADD CONSTRAINT collection_jobs_stock_id_02219251_fk_stocks_id FOREIGN KEY (stock_id) "
        "REFERENCES stocks(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
        "SL207",
        "collection_jobs",
        "stock_id",
    ),
    "unique": (
        "ALTER TABLE market_conditions DROP CONSTRAINT market_conditions_date_key",
        "SL208",
        "market_conditions",
        "date",
    ),
    "check constraint": (
        "ALTER TABLE collection_jobs DROP CONSTRAINT chk_collection_jobs_finished_after_start",
        "SL304",
        "collection_jobs",
        None,
    ),
    "comment": (
        "COMMENT ON COLUMN option_snapshots.raw_chain IS 'something else'",
        "SL209",
        "option_snapshots",
        "raw_chain",
    ),
}


@pytest.mark.parametrize("sql, code, table, column", DRIFTS.values(), ids=DRIFTS.keys())
def test_drift_applied_with_sql_gives_its_finding(pg, migrated, project, sql, code, table, column):
    database = copy_of(pg, migrated)
    run_sql(pg, database, sql)
    findings = check_json(project, "--database-url", url(pg, database))
    assert [(f["code"], f["table"], f["column"]) for f in findings] == [(code, table, column)], findings
    finding = findings[0]
    models = f"app_django/apps/{_app(table)}/models.py"
    if code == "SL101":  # what the database lacks is shown where Django declares it
        assert (finding["source"], finding["filename"]) == ("django", models)
        assert (
            finding["message"]
            == "table strategy_history (strategies.StrategyHistory) is missing from the database (<database>)"
        )
        return
    assert (finding["source"], finding["filename"]) == ("database", "<database>")
    if code != "SL202":  # an extra column has no Django line
        assert [r["filename"] for r in finding["related"]] == [models]


def _app(table: str) -> str:
    apps = {"strategy_history": "strategies", "market_conditions": "strategies", "collection_jobs": "data_collection"}
    return apps.get(table, "options")


def test_format_full_prints_the_catalogs_definition(pg, migrated, project):
    database = copy_of(pg, migrated)
    run_sql(pg, database, DRIFTS["type"][0])
    result = cli("check", str(project), "--no-cache", "--format", "full", "--database-url", url(pg, database))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("<database>:") and "SL203" in lines[0]
    assert lines[1].strip().startswith("= database: <database>:")
    assert lines[2].rstrip().endswith("|   name character varying(100) NOT NULL")
    assert any("= django: app_django/apps/options/models.py" in line for line in lines)


def test_ignore_tables_applies_to_the_database(pg, migrated, project):
    database = copy_of(pg, migrated)
    run_sql(pg, database, "CREATE TABLE audit_trail (id serial PRIMARY KEY)")
    assert [f["code"] for f in check_json(project, "--database-url", url(pg, database))] == ["SL102"]
    with (project / "pyproject.toml").open("a") as config:
        config.write('ignore-tables = ["audit_*"]\n')
    assert check_json(project, "--database-url", url(pg, database)) == []


def test_database_schemas_are_read_as_configured(pg, migrated, project):
    database = copy_of(pg, migrated)
    run_sql(pg, database, "CREATE SCHEMA billing; CREATE TABLE billing.invoices (id serial PRIMARY KEY)")
    assert check_json(project, "--database-url", url(pg, database)) == []
    with (project / "pyproject.toml").open("a") as config:
        config.write('database-schemas = ["public", "billing"]\n')
    findings = check_json(project, "--database-url", url(pg, database))
    assert [(f["code"], f["table"]) for f in findings] == [("SL102", "invoices")]
    assert "billing.invoices" in findings[0]["message"]


@pytest.mark.slow  # (a process or a migrate of its own: CI runs it)
def test_djangos_own_tables_are_known_not_extra(pg, project, tmp_path):
    """A project with the contrib apps installed: `migrate` creates auth_*, django_session, ..."""
    pg.create_database("mirror_contrib")
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "contrib_settings.py").write_text(
        textwrap.dedent(f"""
        from bifrost.settings import *  # noqa: F401,F403
        INSTALLED_APPS = [
            "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.messages",
            "django.contrib.sessions", "django.contrib.sites", "django.contrib.redirects",
            "django.contrib.flatpages", "apps.options", "apps.strategies", "apps.data_collection",
        ]
        SITE_ID = 1
        DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "mirror_contrib",
                                   "USER": {pg.user!r}, "HOST": {pg.host!r}, "PORT": {str(pg.port)!r}}}}}
    """)
    )
    env = {
        "PYTHONPATH": f"{settings}:{project / 'app_django'}",
        "DJANGO_SETTINGS_MODULE": "contrib_settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--verbosity", "0"],
        cwd=project / "app_django",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    with psycopg.connect(pg.dsn("mirror_contrib")) as conn:
        tables = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"auth_user", "django_session", "django_admin_log", "django_flatpage_sites", "django_redirect"} <= tables
    assert check_json(project, "--database-url", url(pg, "mirror_contrib")) == []


# ------------------------------------------------------------------------------- migrations


def test_migration_on_disk_not_applied_is_sl601(pg, migrated, project):
    database = copy_of(pg, migrated)
    run_sql(pg, database, "DELETE FROM django_migrations WHERE app = 'options' AND name = '0002_add_market_cap'")
    findings = check_json(project, "--database-url", url(pg, database))
    assert [(f["code"], f["filename"], f["line"]) for f in findings] == [
        ("SL601", "app_django/apps/options/migrations/0002_add_market_cap.py", 1)
    ]
    assert "migration options.0002_add_market_cap is not applied to the database" in findings[0]["message"]


def test_a_new_migration_file_is_sl601_and_per_file_ignores_silence_it(pg, migrated, project):
    new = project / "app_django/apps/strategies/migrations/0002_later.py"
    new.write_text(
        'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("strategies", "0001_initial")]\n'
    )
    findings = check_json(project, "--database-url", url(pg, migrated))
    assert [(f["code"], f["filename"]) for f in findings] == [
        ("SL601", "app_django/apps/strategies/migrations/0002_later.py")
    ]
    with (project / "pyproject.toml").open("a") as config:
        config.write('per-file-ignores = { "*/migrations/0002_later.py" = ["SL601"] }\n')
    assert check_json(project, "--database-url", url(pg, migrated)) == []


def test_squashed_migration_counts_as_applied_when_what_it_replaces_is(pg, migrated, project):
    (project / "app_django/apps/options/migrations/0001_squashed_0002_add_market_cap.py").write_text(
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        "    replaces = [('options', '0001_initial'), ('options', '0002_add_market_cap')]\n"
    )
    # (This squash has no operations: the migrations mirror rightly finds the options tables
    # missing from it. What is asserted here is SL601's view of the recorded migrations.)
    assert check_json(project, "--database-url", url(pg, migrated), "--select", "SL601") == []


# ------------------------------------------------------------------------------- read only


def _writes(pg, database: str) -> int:
    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_stat_force_next_flush()")
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT tup_inserted + tup_updated + tup_deleted, xact_rollback FROM pg_stat_database WHERE datname = %s",
            (database,),
        ).fetchone()
    return row


@pytest.mark.slow  # (a process or a migrate of its own: CI runs it)
def test_the_session_writes_nothing(pg, migrated, project):
    database = copy_of(pg, migrated)
    before = _writes(pg, database)
    assert check_json(project, "--database-url", url(pg, database)) == []
    import time

    time.sleep(1.5)  # a backend flushes its statistics when it ends; give it a moment
    after = _writes(pg, database)
    assert after[0] == before[0]  # not one tuple inserted, updated or deleted
    assert after[1] > before[1]  # while the reading session did run (its transaction is rolled back)


def test_the_transaction_is_read_only(pg, migrated):
    from schemalint.read.database.connect import DatabaseError, read_only_session

    with pytest.raises(DatabaseError, match="cannot execute CREATE TABLE in a read-only transaction"):
        with read_only_session(pg.dsn(migrated), 5) as conn:
            conn.execute("CREATE TABLE sneaky (id int)")


# ------------------------------------------------------------------------------- snapshot


@pytest.mark.slow  # (a process or a migrate of its own: CI runs it)
def test_snapshot_round_trip(pg, migrated, project, tmp_path):
    database = copy_of(pg, migrated)
    run_sql(pg, database, DRIFTS["nullability"][0] + "; " + DRIFTS["dropped index"][0])
    run_sql(pg, database, "DELETE FROM django_migrations WHERE name = '0002_add_market_cap'")
    dumped = cli(
        "dump", "--source", "database", "--format", "json", "--database-url", url(pg, database), "--root", str(project)
    )
    snapshot = tmp_path / "prod-schema.json"
    snapshot.write_text(dumped.stdout)

    again = cli(
        "dump", "--source", "database", "--format", "json", "--database-snapshot", str(snapshot), "--root", str(project)
    )
    assert json.loads(again.stdout) == json.loads(dumped.stdout)
    live = check_json(project, "--database-url", url(pg, database))
    offline = check_json(project, "--database-snapshot", str(snapshot))
    assert sorted(f["code"] for f in live) == ["SL204", "SL301", "SL601"]
    assert offline == live


@pytest.mark.parametrize(
    "content, error",
    [
        ("not json", "not a database snapshot (not JSON"),
        ('{"source": "django", "tables": []}', "not a database snapshot; write one with"),
        ('{"source": "database", "tables": [{"columns": []}]}', "damaged database snapshot"),
    ],
)
def test_a_bad_snapshot_is_one_clear_line(project, tmp_path, content, error):
    snapshot = tmp_path / "snap.json"
    snapshot.write_text(content)
    result = cli("check", str(project), "--no-cache", "--database-snapshot", str(snapshot))
    assert result.exit_code == 2 and error in result.stderr and len(result.stderr.splitlines()) == 1


# ------------------------------------------------------------------------------- errors and secrets


def _error_cases(pg) -> dict[str, tuple[str, str]]:
    from tests.support.pg import free_port

    return {
        "unreachable server": (f"postgresql://u:{PASSWORD}@127.0.0.1:{free_port()}/x", "Connection refused"),
        "bad credentials": (url(pg, "postgres", PASSWORD, user="nobody"), 'role "nobody" does not exist'),
        "missing database": (url(pg, "no_such_db", PASSWORD), 'database "no_such_db" does not exist'),
        "malformed url": (f"postgresql://u:{PASSWORD}@127.0.0.1/db?bad_option=1", "invalid URI query parameter"),
        "key=value form": (f"host=127.0.0.1 port={free_port()} password={PASSWORD}", "Connection refused"),
    }


@pytest.mark.parametrize(
    "case", ["unreachable server", "bad credentials", "missing database", "malformed url", "key=value form"]
)
@pytest.mark.parametrize("command", ["check", "dump"])
def test_connection_errors_are_one_line_without_the_password(pg, project, case, command):
    target, reason = _error_cases(pg)[case]
    args = ["check", str(project), "--no-cache"]
    if command == "dump":
        args = ["dump", "--source", "database", "--root", str(project)]
    result = cli(*args, "--database-url", target)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("schemalint: error: cannot connect to the database: ")
    assert reason in result.stderr
    assert PASSWORD not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_the_url_may_come_from_the_environment(pg, migrated, project):
    result = cli("check", str(project), "--no-cache", env={"SCHEMALINT_DATABASE_URL": url(pg, "no_such_db")})
    assert result.exit_code == 2 and 'database "no_such_db" does not exist' in result.stderr


def test_libpq_variables_fill_what_the_url_leaves_out(pg, migrated, project):
    env = {"PGHOST": pg.host, "PGPORT": str(pg.port), "PGUSER": pg.user, "PGDATABASE": migrated}
    result = cli("check", str(project), "--no-cache", "--database-url", "postgresql://", env=env)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize("output_format", ["text", "full", "json", "sarif", "github", "gitlab"])
def test_the_password_never_appears_in_a_report(pg, migrated, project, output_format):
    """The test server trusts loopback, so a URL with a password connects: every report of a
    drifted database must still not contain it."""
    database = copy_of(pg, migrated)
    run_sql(pg, database, DRIFTS["type"][0])
    result = cli(
        "check", str(project), "--no-cache", "--format", output_format, "--database-url", url(pg, database, PASSWORD)
    )
    assert result.exit_code == 1 and result.stdout
    assert PASSWORD not in result.stdout + result.stderr


@pytest.mark.slow  # (a process or a migrate of its own: CI runs it)
def test_a_timeout_is_one_clear_line(pg, migrated, project):
    """A session holding a lock on a catalog the reader must read: the statement timeout
    (`database-timeout`) ends the wait."""
    database = copy_of(pg, migrated)
    with (project / "pyproject.toml").open("a") as config:
        config.write("database-timeout = 1\n")
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with psycopg.connect(pg.dsn(database)) as conn:
            conn.execute("LOCK TABLE pg_catalog.pg_description IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(10)
        result = cli("check", str(project), "--no-cache", "--database-url", url(pg, database, PASSWORD))
    finally:
        release.set()
        holder.join()
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "schemalint: error: reading the database catalog took longer than 1s (statement timeout); "
        "raise `database-timeout` or try when the server is less busy"
    )


# ------------------------------------------------------------------------------- psycopg is optional

_WITHOUT_PSYCOPG = """
import sys
sys.modules["psycopg"] = None  # as if not installed: `import psycopg` raises ImportError
from schemalint.cli import main
main(sys.argv[1:])
"""

_IMPORTS_AFTER_CHECK = """
import sys
from schemalint.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    print(exit.code, "psycopg" in sys.modules)
"""


@pytest.mark.slow  # (a process or a migrate of its own: CI runs it)
def test_without_psycopg_a_database_is_a_one_line_error(project):
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _WITHOUT_PSYCOPG,
            "check",
            str(project),
            "--no-cache",
            "--database-url",
            f"postgresql://u:{PASSWORD}@localhost/x",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr == "schemalint: error: reading a database needs psycopg 3: pip install 'schemalint[postgres]'\n"


@pytest.mark.slow  # (a process or a migrate of its own: CI runs it)
def test_a_normal_check_never_imports_psycopg(project):
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTS_AFTER_CHECK, "check", str(project), "--no-cache"],
        capture_output=True,
        text=True,
    )
    assert done.stdout == "0 False\n", done.stderr


def test_database_in_mirrors_without_a_database_is_a_usage_error(project):
    with (project / "pyproject.toml").open("a") as config:
        config.write('mirrors = ["sqlalchemy", "database"]\n')
    result = cli("check", str(project), "--no-cache")
    assert result.exit_code == 2 and "mirror 'database' is configured but no database is given" in result.stderr


# ------------------------------------------------------------------------------- the listing


def _objects(table):
    yield table.location, f"TABLE {table.qualified_name}"
    for column in table.columns:
        yield column.location, f"  {column.name} {column.type}"
    if table.primary_key:
        yield table.primary_key.location, f"  PRIMARY KEY {table.primary_key.name} "
    for fk in table.foreign_keys:
        yield fk.location, f"  FOREIGN KEY {fk.name} "
    for constraint in table.constraints:
        yield constraint.location, f"  {constraint.kind.upper()} {constraint.name}"
    for index in table.indexes:
        yield index.location, f"  {'UNIQUE ' if index.unique else ''}INDEX {index.name} USING"


@pytest.mark.parametrize("via", ["url", "snapshot"])
def test_every_object_points_at_its_line_of_the_listing(pg, migrated, project, tmp_path, via):
    from dataclasses import replace

    from schemalint.config import load_config
    from schemalint.read.database import read_database

    database = copy_of(pg, migrated)
    run_sql(
        pg,
        database,
        "CREATE SCHEMA billing; CREATE TABLE billing.invoices (id serial PRIMARY KEY, "
        "total numeric CHECK (total > 0), UNIQUE NULLS NOT DISTINCT (total))",
    )
    with (project / "pyproject.toml").open("a") as config_file:
        config_file.write('database-schemas = ["public", "billing"]\n')
    config = load_config(project).override(database_url=url(pg, database))
    if via == "snapshot":
        dumped = cli(
            "dump",
            "--source",
            "database",
            "--format",
            "json",
            "--database-url",
            url(pg, database),
            "--root",
            str(project),
        )
        (tmp_path / "snap.json").write_text(dumped.stdout)
        config = replace(config, database_url=None, database_snapshot=str(tmp_path / "snap.json"))
    mirror = read_database(config)
    lines = mirror.listing().splitlines()
    checked = 0
    for table in mirror.schema.tables:
        for location, text in _objects(table):
            assert location.path == "<database>"
            assert lines[location.line - 1].startswith(text), (location, text)
            checked += 1
    assert checked > 100 and [t.qualified_name for t in mirror.schema.tables][0] == "collection_jobs"
    assert mirror.schema.tables[-1].qualified_name == "billing.invoices"

"""Differential proof for `schemalint export`: the DDL printed from each source's schema,
applied with `psql -v ON_ERROR_STOP=1` to an empty database, builds the catalog the real
library builds from the same source (Django's migrate, SQLAlchemy's create_all, PostgreSQL
running the schema.sql) — names, types, defaults, keys, indexes, constraints and comments.

Also: the export reads back (`dump --source sql` of an export equals `dump` of its source),
`--idempotent` output runs twice and changes nothing the second time, and the output is
deterministic.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from schemalint.config import Config
from schemalint.discover import discover
from schemalint.engine import read_schema
from schemalint.model import Schema
from schemalint.report.dump import schema_to_dict
from schemalint.report.export import ExportOptions, export_ddl
from tests.differential import test_django_differential as django_diff
from tests.differential import test_sql_differential as sql_diff
from tests.differential import test_sqlalchemy_differential as sa_diff
from tests.differential.test_bifrost import FIXTURES, build_all
from tests.support.catalog import compare_catalogs, read_catalog
from tests.support.pg import find_bin_dir

pytestmark = pytest.mark.postgres


def source_schema(source: str, root: Path, files: list[Path] | None = None) -> Schema:
    config = Config(root=root)
    return read_schema(source, files if files is not None else discover(config, (source,)).files[source], config)


def apply_ddl(dsn: str, ddl: str, tmp_path: Path, name: str = "export.sql") -> None:
    """psql -v ON_ERROR_STOP=1 -f FILE, as the export's users run it."""
    script = tmp_path / name
    script.write_text(ddl, encoding="utf-8")
    psql = find_bin_dir() / "psql"
    done = subprocess.run(
        [str(psql), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"psql failed on the export:\n{done.stderr}\n--- export ---\n{ddl}"


def catalogs(dsn: str, schemas: list[str]) -> dict:
    tables = []
    for schema in schemas:
        tables += read_catalog(dsn, schema)["tables"]
    return {"source": "postgres", "tables": tables}


def assert_same(expected: dict, actual: dict, allowed: tuple[str, ...] = ()) -> None:
    agreement = compare_catalogs(expected, actual, comments=True, labels=("library", "export"))
    print(f"\nexport differential: {agreement.agreeing}/{agreement.compared} facts agree")
    unexplained = [d for d in agreement.differences if not any(a in d for a in allowed)]
    assert not unexplained, str(agreement)


# ---------------------------------------------------------------- fixtures/bifrost, every source


@pytest.fixture(scope="module")
def bifrost_built(pg, tmp_path_factory):
    return build_all(pg, FIXTURES / "bifrost", "export_lib", tmp_path_factory.mktemp("bifrost"))


@pytest.mark.parametrize("source", ["django", "sqlalchemy", "sql"])
def test_bifrost_export_builds_what_each_library_builds(pg, bifrost_built, source, tmp_path):
    ddl = export_ddl(source_schema(source, FIXTURES / "bifrost"))
    dsn = pg.create_database(f"export_bifrost_{source}")
    apply_ddl(dsn, ddl, tmp_path)
    assert_same(bifrost_built[source], read_catalog(dsn))


# ---------------------------------------------------------------- the Django corpus

_MIGRATE_CONTRIB = """
import django
from django.apps import apps
from django.core.management import call_command
django.setup()
for config in apps.get_app_configs():
    if config.name.startswith("django.contrib.") and config.models_module is not None:
        call_command("migrate", config.label, verbosity=0)
"""


def migrate_contrib(dsn: str, workdir: Path) -> None:
    """The django.contrib tables the corpus refers to (auth_user) exist before the export runs,
    as they do in a project: the export keeps references to them and does not create them."""
    params = dict(part.split("=", 1) for part in dsn.split())
    (workdir / "contrib_settings.py").write_text(
        textwrap.dedent(f"""
        from config.settings import *  # noqa: F401,F403
        DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": {params["dbname"]!r},
            "USER": {params["user"]!r}, "HOST": {params["host"]!r}, "PORT": {params["port"]!r}}}}}
    """)
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="contrib_settings",
        PYTHONPATH=os.pathsep.join([str(django_diff.CORPUS), str(workdir)]),
    )
    done = subprocess.run(
        [sys.executable, "-c", _MIGRATE_CONTRIB], env=env, cwd=workdir, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.slow  # (a whole corpus through the real library: CI runs it)
def test_django_corpus_export_builds_what_migrate_builds(pg, tmp_path):
    lib_dsn = pg.create_database("export_django_lib")
    (tmp_path / "lib").mkdir()
    django_diff.migrate_corpus(lib_dsn, tmp_path / "lib")
    expected = django_diff.without_django_tables(read_catalog(lib_dsn))

    dsn = pg.create_database("export_django")
    (tmp_path / "contrib").mkdir()
    migrate_contrib(dsn, tmp_path / "contrib")
    apply_ddl(dsn, export_ddl(source_schema("django", django_diff.CORPUS)), tmp_path)
    actual = django_diff.without_django_tables(read_catalog(dsn))
    # What the reader cannot know statically (its SL002s) cannot be exported either.
    assert_same(expected, actual, allowed=tuple(django_diff.KNOWN_LIMITATIONS))


# ---------------------------------------------------------------- the SQLAlchemy corpus


@pytest.mark.slow  # (a whole corpus through the real library: CI runs it)
def test_sqlalchemy_corpus_export_builds_what_create_all_builds(pg, tmp_path):
    lib_dsn = pg.create_database("export_sa_lib")
    sa_diff.create_with_sqlalchemy(pg.url("export_sa_lib"))
    expected = catalogs(lib_dsn, sa_diff.SCHEMAS)

    dsn = pg.create_database("export_sa")
    apply_ddl(dsn, export_ddl(source_schema("sqlalchemy", sa_diff.CORPUS, sa_diff.corpus_paths())), tmp_path)
    allowed = tuple(limitation[0] for limitation in sa_diff.LIMITATIONS)
    assert_same(expected, catalogs(dsn, sa_diff.SCHEMAS), allowed=allowed)


# ---------------------------------------------------------------- the SQL corpus


@pytest.mark.parametrize("path", sql_diff.corpus_files(), ids=lambda p: p.name)
def test_sql_corpus_export_builds_what_the_file_builds(pg, path, tmp_path):
    lib_dsn = pg.create_database(f"export_sql_lib_{path.stem}")
    sql_diff.run_in_postgres(lib_dsn, path)
    expected = catalogs(lib_dsn, sql_diff.SCHEMAS)

    dsn = pg.create_database(f"export_sql_{path.stem}")
    apply_ddl(dsn, export_ddl(source_schema("sql", sql_diff.CORPUS, [path])), tmp_path)
    assert_same(expected, catalogs(dsn, sql_diff.SCHEMAS))


# ---------------------------------------------------------------- round trip, idempotence, determinism


def _round_trip(schema: Schema, tmp_path: Path, idempotent: bool) -> dict:
    """`dump --source sql` of the export."""
    path = tmp_path / "exported.sql"
    path.write_text(export_ddl(schema, ExportOptions(idempotent=idempotent)), encoding="utf-8")
    read_back = read_schema("sql", [path], Config(root=tmp_path))
    assert [d.message for d in read_back.diagnostics] == []
    return schema_to_dict(read_back)


def _managed(dump: dict) -> dict:
    """The tables the source creates, without foreign keys to tables it does not create (a
    file that refers to `auth_user` without creating it cannot add that key when read alone)."""
    names = {t["name"] for t in dump["tables"] if t["managed"]}
    tables = []
    for table in dump["tables"]:
        if table["managed"]:
            fks = [fk for fk in table["foreign_keys"] if fk["ref_table"] in names]
            tables.append(dict(table, foreign_keys=fks))
    return dict(dump, tables=tables)


@pytest.mark.parametrize("idempotent", [False, True], ids=["plain", "idempotent"])
@pytest.mark.parametrize("source", ["django", "sqlalchemy", "sql"])
def test_an_export_reads_back_as_the_schema_it_was_printed_from(source, idempotent, tmp_path):
    schema = source_schema(source, FIXTURES / "bifrost")
    agreement = compare_catalogs(
        _managed(schema_to_dict(schema)), _round_trip(schema, tmp_path, idempotent), comments=True
    )
    assert agreement.rate == 1.0, str(agreement)


@pytest.mark.parametrize("corpus", ["django", "sqlalchemy"])
def test_corpus_exports_read_back(corpus, tmp_path):
    schema = (
        source_schema("django", django_diff.CORPUS)
        if corpus == "django"
        else source_schema("sqlalchemy", sa_diff.CORPUS, sa_diff.corpus_paths())
    )
    agreement = compare_catalogs(_managed(schema_to_dict(schema)), _round_trip(schema, tmp_path, True), comments=True)
    assert agreement.rate == 1.0, str(agreement)


@pytest.mark.parametrize("source", ["django", "sqlalchemy", "sql"])
def test_idempotent_export_runs_twice_and_changes_nothing(pg, bifrost_built, source, tmp_path):
    ddl = export_ddl(source_schema(source, FIXTURES / "bifrost"), ExportOptions(idempotent=True))
    dsn = pg.create_database(f"export_twice_{source}")
    apply_ddl(dsn, ddl, tmp_path, "first.sql")
    first = read_catalog(dsn)
    apply_ddl(dsn, ddl, tmp_path, "second.sql")
    assert read_catalog(dsn) == first
    assert_same(bifrost_built[source], first)


def test_export_is_deterministic_and_has_no_timestamp():
    root = FIXTURES / "bifrost"
    files = discover(Config(root=root), ("django",)).files["django"]
    one = export_ddl(source_schema("django", root, files))
    two = export_ddl(source_schema("django", root, list(reversed(files))))
    assert one == two
    header = one[: one.index("\n-- Table ")]
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|\b20\d\d\b", header), header


@pytest.mark.slow  # (a whole corpus through the real library: CI runs it)
def test_include_contrib_creates_the_contrib_tables_the_project_refers_to(pg, tmp_path):
    """`--include-contrib`: the output runs on an empty database, and the contrib tables it
    creates (auth_user for the corpus) equal what django.contrib's own migrations create."""
    lib_dsn = pg.create_database("export_contrib_lib")
    (tmp_path / "lib").mkdir()
    django_diff.migrate_corpus(lib_dsn, tmp_path / "lib")
    real = read_catalog(lib_dsn)

    schema = source_schema("django", django_diff.CORPUS)
    ddl = export_ddl(schema, ExportOptions(include_contrib=True))
    assert "Foreign keys refer to tables this file does not create" not in ddl
    dsn = pg.create_database("export_contrib")
    apply_ddl(dsn, ddl, tmp_path)  # an empty database: nothing created beforehand
    exported = read_catalog(dsn)

    created = {t["name"] for t in exported["tables"]}
    assert {"auth_user"} <= created and not any(name.startswith("auth_group") for name in created)
    expected = dict(real, tables=[t for t in real["tables"] if t["name"] in created])
    assert_same(expected, exported, allowed=tuple(django_diff.KNOWN_LIMITATIONS))


def test_a_swapped_user_model_leaves_auth_user_out(tmp_path):
    project = tmp_path / "project"
    (project / "config").mkdir(parents=True)
    (project / "shop").mkdir()
    (project / "manage.py").write_text(
        'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n'
    )
    (project / "config" / "__init__.py").write_text("")
    (project / "config" / "settings.py").write_text(
        'AUTH_USER_MODEL = "shop.Customer"\nINSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "shop"]\n'
    )
    (project / "shop" / "__init__.py").write_text("")
    (project / "shop" / "models.py").write_text(
        textwrap.dedent("""
        from django.contrib.auth.models import AbstractUser, Group
        from django.db import models

        class Customer(AbstractUser):
            pass

        class Team(models.Model):
            group = models.ForeignKey(Group, on_delete=models.CASCADE)
    """)
    )
    schema = source_schema("django", project)
    external = {t.name for t in schema.external}
    assert "auth_user" not in external and "auth_group" in external
    ddl = export_ddl(schema, ExportOptions(include_contrib=True))
    assert "CREATE TABLE auth_group (" in ddl and "CREATE TABLE auth_user (" not in ddl

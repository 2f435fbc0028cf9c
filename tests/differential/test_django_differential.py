"""Differential proof for the Django reader: real Django 5.2 migrates the corpus
(tests/differential/django_corpus, 40+ models over five apps) into a real PostgreSQL, and
the catalogs must equal `schemalint dump --source django` for the same files.

Django runs in a subprocess with a throwaway settings module (the corpus settings plus
DATABASES and MIGRATION_MODULES in a temp dir), so the corpus never gets migration files
and this process never imports Django. Django's own tables (auth_*, django_*) are left out.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from schemalint.config import Config
from schemalint.discover import discover
from schemalint.engine import read_schema
from schemalint.report.dump import schema_to_dict
from tests.support.catalog import compare_catalogs, read_catalog

CORPUS = Path(__file__).parent / "django_corpus"
APP_LABELS = ["core", "store", "library", "hr", "misc"]
DJANGO_TABLES = ("auth_", "django_")

# Differences that are documented limitations of static reading; each one is also asserted
# to produce its SL002 warning in `test_limitations_are_reported`.
KNOWN_LIMITATIONS: dict[str, str] = {
    # difference (substring of compare_catalogs' wording) -> the SL002 message that explains it
    "column misc_limitation.full: default": "GeneratedField expression cannot be resolved statically: Concat(",
    "misc_limitation: constraint limitation_first_a": "constraint cannot be resolved statically: first__startswith='A'",
}

_RUNNER = """
import sys
import django
from django.core.management import call_command
django.setup()
call_command("makemigrations", *sys.argv[1:], verbosity=0)
call_command("migrate", verbosity=0)
"""


def migrate_corpus(dsn: str, workdir: Path) -> None:
    """Run makemigrations + migrate for the corpus apps against `dsn`."""
    params = dict(part.split("=", 1) for part in dsn.split())
    migrations = workdir / "corpus_migrations"
    migrations.mkdir()
    (migrations / "__init__.py").write_text("")
    for label in APP_LABELS:
        (migrations / label).mkdir()
        (migrations / label / "__init__.py").write_text("")
    (workdir / "corpus_test_settings.py").write_text(
        textwrap.dedent(
            f"""
            from config.settings import *  # noqa: F401,F403
            DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": {params["dbname"]!r},
                "USER": {params["user"]!r}, "HOST": {params["host"]!r}, "PORT": {params["port"]!r}}}}}
            MIGRATION_MODULES = {{label: "corpus_migrations." + label for label in {APP_LABELS!r}}}
            """
        )
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="corpus_test_settings",
        PYTHONPATH=os.pathsep.join([str(CORPUS), str(workdir)]),
    )
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, *APP_LABELS], env=env, cwd=workdir, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise AssertionError(f"Django could not migrate the corpus:\n{done.stdout}\n{done.stderr}")


def corpus_dump(root: Path = CORPUS) -> dict:
    config = Config(root=root)
    files = discover(config, ("django",)).files["django"]
    return schema_to_dict(read_schema("django", files, config))


def without_django_tables(catalog: dict) -> dict:
    tables = [t for t in catalog["tables"] if not t["name"].startswith(DJANGO_TABLES)]
    return dict(catalog, tables=tables)


@pytest.fixture(scope="module")
def migrated(pg, tmp_path_factory):
    dsn = pg.create_database("django_corpus")
    migrate_corpus(dsn, tmp_path_factory.mktemp("django_corpus"))
    return without_django_tables(read_catalog(dsn))


@pytest.fixture(scope="module")
def dumped():
    return corpus_dump()


def test_corpus_is_large_enough(dumped):
    # Model tables (not the auto-created many-to-many ones, whose model is `Model_field`).
    models = [t["model"] for t in dumped["tables"] if "_" not in t["model"].split(".")[1]]
    assert len(models) >= 40, models
    assert len({m.split(".")[0] for m in models}) >= 5


@pytest.mark.postgres
def test_dump_equals_what_django_creates(migrated, dumped):
    managed = dict(dumped, tables=[t for t in dumped["tables"] if t["managed"]])
    agreement = compare_catalogs(managed, migrated, comments=True, labels=("schemalint", "postgres"))
    print(f"\nDjango differential: {agreement.agreeing}/{agreement.compared} facts agree")
    unexplained = [d for d in agreement.differences if not any(k in d for k in KNOWN_LIMITATIONS)]
    assert not unexplained, str(agreement)
    # Every listed limitation still differs (or the list is stale) ...
    for known in KNOWN_LIMITATIONS:
        assert any(known in d for d in agreement.differences), f"limitation no longer differs: {known}"
    supported = agreement.compared - len(agreement.differences)
    print(f"Django differential, supported constructs: {supported}/{agreement.compared - len(KNOWN_LIMITATIONS)}")


def test_limitations_are_reported(dumped):
    """... and each one comes with its SL002 warning, so nothing is silently guessed."""
    messages = [d["message"] for d in dumped["diagnostics"] if d["code"] == "SL002"]
    for known, message in KNOWN_LIMITATIONS.items():
        assert any(message in m for m in messages), (known, messages)
    assert len(messages) == len(KNOWN_LIMITATIONS), messages


@pytest.mark.postgres
def test_unmanaged_models_are_kept_but_not_created(migrated, dumped):
    unmanaged = [t["name"] for t in dumped["tables"] if not t["managed"]]
    assert unmanaged == ["sales_report"]
    assert "sales_report" not in {t["name"] for t in migrated["tables"]}


def test_corpus_reads_without_unexpected_diagnostics(dumped):
    codes = [(d["code"], d["message"]) for d in dumped["diagnostics"]]
    assert all(code == "SL002" for code, _ in codes), codes  # the limitations, nothing else


def test_corpus_properties(dumped):
    assert dumped["properties"]["django_version"] == "5.2"
    assert dumped["properties"]["default_auto_field"] == "django.db.models.BigAutoField"


def test_every_location_points_at_its_declaration():
    config = Config(root=CORPUS)
    schema = read_schema("django", discover(config, ("django",)).files["django"], config)
    checked = 0
    for table in schema.tables:
        lines = (CORPUS / table.location.path).read_text().splitlines()
        declaration = lines[table.location.line - 1][table.location.col - 1 :]
        model_class, _, m2m_field = table.model.split(".")[1].partition("_")
        if m2m_field:  # an auto-created many-to-many table: declared by its field
            assert declaration.startswith(m2m_field + " ="), (table.name, declaration)
            continue
        assert declaration.startswith(f"class {model_class}("), table.name
        for column in table.columns:
            # An inherited field is declared in its abstract base's file.
            own_lines = (CORPUS / column.location.path).read_text().splitlines()
            line = own_lines[column.location.line - 1][column.location.col - 1 :]
            if line.startswith("class "):  # auto-created: id, <parent>_ptr, _order
                continue
            assert line.startswith(column.field_name), (table.name, column.name, line)
            checked += 1
    assert checked > 150

"""Replay fidelity: real Django's `makemigrations` writes migrations for the Django corpus
(a copy of tests/differential/django_corpus, migrations in each app's `migrations/`), real
`migrate` applies them to PostgreSQL, and `schemalint dump --source migrations` of those
files must equal the catalog; the same for fixtures/bifrost's own shipped migrations.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from schemalint.config import Config
from schemalint.discover import discover
from schemalint.engine import read_schema
from schemalint.report.dump import schema_to_dict
from tests.differential.test_bifrost import FIXTURES, build_with_django
from tests.differential.test_django_differential import APP_LABELS, CORPUS, KNOWN_LIMITATIONS, without_django_tables
from tests.support.catalog import compare_catalogs, read_catalog

pytestmark = pytest.mark.postgres

_RUNNER = """
import django
from django.core.management import call_command
django.setup()
call_command("makemigrations", *{labels!r}, verbosity=0)
call_command("migrate", verbosity=0)
"""


def migrations_dump(root: Path) -> dict:
    config = Config(root=root)
    files = discover(config, ("migrations",)).files["migrations"]
    assert files, f"no migrations found under {root}"
    return schema_to_dict(read_schema("migrations", files, config))


@pytest.fixture(scope="module")
def corpus(pg, tmp_path_factory) -> tuple[Path, dict]:
    """A copy of the corpus with the migrations real makemigrations wrote, and the catalog
    real migrate built from them."""
    work = tmp_path_factory.mktemp("migrations_corpus")
    root = work / "corpus"
    shutil.copytree(CORPUS, root)
    params = dict(part.split("=", 1) for part in pg.create_database("migrations_corpus").split())
    (work / "migrations_test_settings.py").write_text(
        textwrap.dedent(f"""
        from config.settings import *  # noqa: F401,F403
        DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": {params["dbname"]!r},
            "USER": {params["user"]!r}, "HOST": {params["host"]!r}, "PORT": {params["port"]!r}}}}}
        """)
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="migrations_test_settings",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONPATH=os.pathsep.join([str(root), str(work)]),
    )
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER.format(labels=APP_LABELS)],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"Django could not migrate the corpus:\n{done.stdout}\n{done.stderr}"
    dsn = " ".join(f"{k}={v}" for k, v in params.items())
    return root, without_django_tables(read_catalog(dsn))


def test_corpus_migrations_equal_what_migrate_creates(corpus):
    root, catalog = corpus
    dumped = migrations_dump(root)
    assert len(dumped["tables"]) >= 40
    managed = dict(dumped, tables=[t for t in dumped["tables"] if t["managed"]])
    agreement = compare_catalogs(managed, catalog, comments=True, labels=("schemalint", "postgres"))
    print(f"\nmigrations differential (corpus): {agreement.agreeing}/{agreement.compared} facts agree")
    # The Django reader's documented limitations, met again in the same fields.
    unexplained = [d for d in agreement.differences if not any(k in d for k in KNOWN_LIMITATIONS)]
    assert not unexplained, str(agreement)


def test_corpus_migrations_report_only_the_known_limitations(corpus):
    dumped = migrations_dump(corpus[0])
    codes = [(d["code"], d["message"]) for d in dumped["diagnostics"]]
    assert all(code == "SL002" for code, _ in codes), codes
    assert len(codes) == len(KNOWN_LIMITATIONS), codes


def test_bifrost_shipped_migrations_equal_what_migrate_creates(pg, tmp_path):
    catalog = build_with_django(pg, FIXTURES / "bifrost", "migrations_bifrost", tmp_path)
    dumped = migrations_dump(FIXTURES / "bifrost")
    assert not dumped["diagnostics"], dumped["diagnostics"]
    agreement = compare_catalogs(dumped, catalog, comments=True, labels=("schemalint", "postgres"))
    print(f"\nmigrations differential (bifrost): {agreement.agreeing}/{agreement.compared} facts agree")
    assert not agreement.differences, str(agreement)

"""`schemalint export` on the command line (in-process): output, -o, --check, errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemalint.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "bifrost", tmp_path / "bifrost")
    return tmp_path / "bifrost"


def export(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["export", *args])
    return result.exit_code, result.stdout, result.stderr


def test_prints_the_ddl_of_one_source(project):
    code, out, _ = export("--source", "django", "--root", str(project))
    assert code == 0
    assert out.startswith("-- ====")
    assert "CREATE TABLE stocks (" in out
    assert "--   app_django/apps/options/models.py" in out


def test_writes_a_file_and_check_says_when_it_is_stale(project):
    target = project / "scripts" / "database" / "schema_django.sql"
    assert export("--source", "django", "--root", str(project), "-o", str(target))[0] == 0
    written = target.read_text()
    assert export("--source", "django", "--root", str(project), "--check", "-o", str(target))[0] == 0
    assert target.read_text() == written  # --check writes nothing

    models = project / "app_django" / "apps" / "options" / "models.py"
    models.write_text(models.read_text().replace("max_length=200", "max_length=250"))
    code, _, err = export("--source", "django", "--root", str(project), "--check", "-o", str(target))
    assert code == 1
    assert "stale" in err and "schemalint export --source django" in err
    assert target.read_text() == written


def test_regenerating_an_unchanged_project_changes_nothing(project):
    target = project / "schema.sql"
    export("--source", "sqlalchemy", "--root", str(project), "-o", str(target))
    before = target.stat().st_mtime_ns
    export("--source", "sqlalchemy", "--root", str(project), "-o", str(target))
    assert target.stat().st_mtime_ns == before


def test_idempotent_output_uses_guards(project):
    code, out, _ = export("--source", "django", "--root", str(project), "--idempotent")
    assert code == 0
    assert "CREATE TABLE IF NOT EXISTS stocks (" in out
    assert "CREATE INDEX IF NOT EXISTS" in out
    assert "IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = " in out
    assert "`schemalint export --source django --idempotent`" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--source", "django", "--check"], "--check needs --output-file"),
        (["--source", "oracle"], "Invalid value for '--source'"),
    ],
)
def test_usage_errors_exit_2(project, args, message):
    code, _, err = export(*args, "--root", str(project))
    assert code == 2
    assert message in err


def test_include_contrib_is_an_option_and_is_named_in_the_header(tmp_path):
    corpus = Path(__file__).resolve().parent / "differential" / "django_corpus"
    code, out, _ = export("--source", "django", "--root", str(corpus), "--include-contrib")
    assert code == 0
    assert "`schemalint export --source django --include-contrib`" in out
    assert "CREATE TABLE auth_user (" in out

"""Small things a new user hits (issue 12 §4): paths given from anywhere, the Python version
that is declared, and a cache that notices a change in schemalint itself."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from schemalint import cache as cache_module
from schemalint.cache import code_digest
from tests.test_cli import SA, SQL, _places, schemalint
from tests.test_selection import DRIFTS, make_project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "p", "[tool.schemalint]\n")


# --------------------------------------------------------------------- paths from anywhere


@pytest.mark.parametrize("files", [(SA,), (SQL,), (SA, SQL)])
def test_check_a_file_reports_that_files_findings_from_any_directory(project, tmp_path, files):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = schemalint("check", "--select", "SL2", *(str(project / f) for f in files), cwd=elsewhere)
    assert run.returncode == 1, run.stderr
    assert _places(run.stdout) == {d for d in DRIFTS if d[0] in files}


def test_check_a_relative_file_path(project):
    run = schemalint("check", "--select", "SL2", SA, cwd=project)
    assert _places(run.stdout) == {d for d in DRIFTS if d[0] == SA}


def test_check_a_clean_file_exits_zero(project):
    run = schemalint("check", "--select", "SL2", str(project / "app_django/apps/shop/models.py"))
    assert (run.returncode, run.stdout) == (0, "")


def test_check_a_file_that_is_no_source_says_so(project):
    run = schemalint("check", str(project / "app_django/apps/shop/__init__.py"))
    assert run.returncode == 0
    assert "app_django/apps/shop/__init__.py is not one of the project's sources" in run.stderr


def test_check_refuses_a_folder_mixed_with_files(project):
    run = schemalint("check", str(project), str(project / SA))
    assert run.returncode == 2 and "give one project folder, or files" in run.stderr


@pytest.mark.parametrize("with_pyproject, location", [(True, "src/database/models.py:"), (False, "models.py:")])
def test_dump_a_file_from_any_directory(tmp_path, with_pyproject, location):
    project = make_project(tmp_path / "p", "[tool.schemalint]\n" if with_pyproject else "")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = schemalint("dump", "--source", "sqlalchemy", "--format", "json", str(project / SA), cwd=elsewhere)
    assert run.returncode == 0, run.stderr
    [stocks] = [t for t in json.loads(run.stdout)["tables"] if t["name"] == "stocks"]
    assert stocks["location"].startswith(location)


def test_dump_keeps_an_explicit_root(project, tmp_path):
    run = schemalint("dump", "--source", "sqlalchemy", "--root", str(tmp_path), str(project / SA))
    assert run.returncode == 0, run.stderr
    assert (
        "p/src/database/models.py"
        in schemalint(
            "dump", "--source", "sqlalchemy", "--format", "json", "--root", str(tmp_path), str(project / SA)
        ).stdout
    )


# --------------------------------------------------------------------- Python version


def test_python_311_is_the_oldest_declared():
    text = (REPO / "pyproject.toml").read_text()
    assert re.search(r'^requires-python = ">=3.11"$', text, re.M)
    claims = [
        p
        for p in (REPO / "pyproject.toml", REPO / "README.md", REPO / ".ci/run")
        if re.search(r"3\.10\b", p.read_text())
    ]
    assert claims == []


# --------------------------------------------------------------------- the cache and schemalint's own code


@pytest.fixture
def own_copy(tmp_path) -> tuple[Path, Path]:
    package = shutil.copytree(
        REPO / "schemalint", tmp_path / "schemalint", ignore=shutil.ignore_patterns("__pycache__")
    )
    rules = shutil.copytree(REPO / "rules", tmp_path / "rules", ignore=shutil.ignore_patterns("__pycache__"))
    return package, rules


def _restamp(path: Path, text: str) -> None:
    """Write `text` with a later mtime, even on a file system with coarse timestamps."""
    before = path.stat().st_mtime_ns if path.exists() else time.time_ns()
    path.write_text(text)
    os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


@pytest.mark.parametrize(
    "file, change",
    [
        ("rules/sl204_nullability_mismatch.py", lambda s: s.replace("is {sql_nullability", "was {sql_nullability")),
        ("schemalint/compare/wording.py", lambda s: s.replace("creates it", "makes it")),
        ("schemalint/read/sql/__init__.py", lambda s: s + "\n"),
        ("schemalint/compare/new_module.py", None),
    ],
)
def test_a_change_in_schemalints_code_changes_the_digest(own_copy, file, change):
    folders = own_copy
    before = code_digest(folders)
    path = folders[0].parent / file
    _restamp(path, change(path.read_text()) if change else "X = 1\n")
    cache_module._code_digest.cache_clear()
    assert code_digest(folders) != before


def test_the_same_code_gives_the_same_digest(own_copy):
    first = code_digest(own_copy)
    cache_module._code_digest.cache_clear()
    assert code_digest(own_copy) == first
    assert code_digest() != first  # another checkout: other paths


def test_the_digest_is_cheap():
    cache_module._code_digest.cache_clear()
    start = time.perf_counter()
    code_digest()
    assert time.perf_counter() - start < 0.05  # ~1 ms measured; generous for a loaded machine


def test_every_cache_key_depends_on_schemalints_code(monkeypatch, project):
    from schemalint.cache import cache_key, link_key, run_key
    from schemalint.config import Config

    config = Config(root=project)

    def keys() -> tuple[str, str, str]:
        return (
            cache_key("sql", "1", "f", "a.sql", b"x"),
            link_key("sql", "1", config, "t", ["k"]),
            run_key({"sql": "k"}, config, []),
        )

    before = keys()
    monkeypatch.setattr(cache_module, "code_digest", lambda: "changed")
    after = keys()
    assert all(a != b for a, b in zip(before, after))


def test_a_warm_run_misses_after_schemalint_changed(monkeypatch, project):
    """End to end: the findings of a warm run are not served after the code changed."""
    from schemalint.config import Config
    from schemalint.engine import run_check

    config = Config(root=project.resolve(), select=("SL2",))
    cold = run_check(config)
    calls: list[str] = []
    real = cache_module.Pack.get

    def counting_get(self, key):
        found = real(self, key)
        calls.append("hit" if found is not cache_module.MISSING else "miss")
        return found

    monkeypatch.setattr(cache_module.Pack, "get", counting_get)
    assert run_check(config).findings == cold.findings and "miss" not in calls
    calls.clear()
    monkeypatch.setattr(cache_module, "code_digest", lambda: "edited")
    assert run_check(config).findings == cold.findings and "hit" not in calls and "miss" in calls

"""Deterministic output: the same input gives byte-identical output, whatever the order files
were created in on disk, the number of worker processes, or whether facts came from the cache.

The project has several apps and drift in both mirrors, so that there is output to compare:
findings from many files, in both formats.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemalint.read import parallel
from tests.robustness.support import DJANGO, SQL, SQL_PATH, SQLALCHEMY, SQLALCHEMY_PATH, assert_clean_run, run_cli

APPS = ["billing", "catalog", "orders", "shop", "zeta", "alpha"]


def app_files() -> dict[str, str]:
    """One copy of the shop models per app, each with its own table names: the mirrors only
    have `stocks` and `quotes`, so every app has findings."""
    files: dict[str, str] = {}
    sqlalchemy, sql = SQLALCHEMY, SQL
    for i, app in enumerate(APPS):
        django = DJANGO.replace("'stocks'", f"'{app}_stocks'").replace("'quotes'", f"'{app}_quotes'")
        django = django.replace("uq_quotes_day", f"uq_{app}_day").replace("idx_stocks_name", f"idx_{app}_name")
        django = django.replace("max_length=200", f"max_length={200 + i}")
        files[f"app_django/apps/{app}/models.py"] = django
        files[f"app_django/apps/{app}/__init__.py"] = ""
    files[SQLALCHEMY_PATH] = sqlalchemy
    files[SQL_PATH] = sql
    return files


def write_in_order(root: Path, files: dict[str, str], order: list[str]) -> Path:
    for rel in order:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[rel])
    return root


def output(root: Path, fmt: str, env: dict[str, str] | None = None, cache: bool = False) -> str:
    run = run_cli(["check", "--format", fmt, *([] if cache else ["--no-cache"]), str(root)], env=env)
    assert_clean_run(run)
    assert run.exit_code == 1 and all(f"apps/{app}/models.py" in run.stdout for app in APPS), run.stdout
    return run.stdout


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_file_creation_order_does_not_matter(tmp_path, fmt):
    files = app_files()
    names = sorted(files)
    first = write_in_order(tmp_path / "a" / "p", files, names)
    second = write_in_order(tmp_path / "b" / "p", files, list(reversed(names)))
    third = write_in_order(tmp_path / "c" / "p", files, names[1::2] + names[::2])
    assert output(first, fmt) == output(second, fmt) == output(third, fmt)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_worker_count_does_not_matter(tmp_path, monkeypatch, fmt):
    root = write_in_order(tmp_path / "p", app_files(), sorted(app_files()))
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 1)  # make even this small project use workers
    outputs = {jobs: output(root, fmt, env={parallel.JOBS_ENV: str(jobs)}) for jobs in (1, 2, 4)}
    assert outputs[1] == outputs[2] == outputs[4]


def test_cold_warm_and_no_cache_agree(tmp_path):
    root = write_in_order(tmp_path / "p", app_files(), sorted(app_files()))
    uncached = output(root, "text")
    cold = output(root, "text", cache=True)
    warm = output(root, "text", cache=True)
    assert uncached == cold == warm
    assert (root / ".schemalint_cache").is_dir()

"""Inputs of the real world: what checkouts, editors and file systems actually produce.

Each test writes the small in-sync project of `support`, changes one thing, and runs the real
CLI in-process with a time bound. Encoding accidents must not change the findings (a BOM or
CRLF is still the same model), undecodable files must give a clear SL001 at the right line,
and nothing may crash or hang.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.robustness.support import (
    DJANGO,
    DJANGO_PATH,
    SOURCES,
    SQL_PATH,
    SQLALCHEMY_PATH,
    assert_clean_run,
    run_cli,
    write_project,
)

ALL_PATHS = [DJANGO_PATH, SQLALCHEMY_PATH, SQL_PATH]


def check(root: Path, *extra: str, seconds: float = 20.0):
    run = run_cli(["check", "--no-cache", *extra, str(root)], seconds=seconds)
    assert_clean_run(run)
    return run


@pytest.fixture
def baseline(tmp_path):
    """The output for the untouched project: encoding accidents must give the same."""
    return check(write_project(tmp_path / "baseline")).stdout


@pytest.mark.parametrize("rel", ALL_PATHS)
def test_an_empty_file_is_read_as_empty(tmp_path, rel):
    check(write_project(tmp_path, {rel: ""}))


@pytest.mark.parametrize("rel", ALL_PATHS)
def test_a_bom_changes_nothing(tmp_path, baseline, rel):
    root = write_project(tmp_path / "p", {rel: b"\xef\xbb\xbf" + SOURCES[rel].encode()})
    assert check(root).stdout == baseline


@pytest.mark.parametrize("rel", ALL_PATHS)
def test_crlf_line_endings_change_nothing(tmp_path, baseline, rel):
    root = write_project(tmp_path / "p", {rel: SOURCES[rel].replace("\n", "\r\n")})
    assert check(root).stdout == baseline


@pytest.mark.parametrize("rel", [DJANGO_PATH, SQLALCHEMY_PATH])
def test_tab_indentation_reads_the_same_model(tmp_path, baseline, rel):
    root = write_project(tmp_path / "p", {rel: SOURCES[rel].replace("    ", "\t")})
    codes = lambda out: sorted(line.split()[1] for line in out.splitlines() if ": SL" in line)  # noqa: E731
    assert codes(check(root).stdout) == codes(baseline)


@pytest.mark.parametrize("rel", ALL_PATHS)
def test_non_utf8_bytes_are_a_clear_sl001_at_their_line(tmp_path, rel):
    lines = SOURCES[rel].encode().split(b"\n")
    comment = b"-- caf\xe9" if rel.endswith(".sql") else b"# caf\xe9"
    data = b"\n".join(lines[:2] + [comment] + lines[2:])
    run = check(write_project(tmp_path, {rel: data}))
    assert f"{rel}:3:" in run.stdout, run.stdout
    (line,) = [line for line in run.stdout.splitlines() if line.startswith(f"{rel}:3:")]
    assert "SL001" in line and "UTF-8" in line


@pytest.mark.parametrize("rel", [DJANGO_PATH, SQLALCHEMY_PATH])
def test_a_binary_file_named_models_py_is_an_sl001(tmp_path, rel):
    data = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8
    run = check(write_project(tmp_path, {rel: data}))
    assert any(line.startswith(f"{rel}:") and "SL001" in line for line in run.stdout.splitlines()), run.stdout


def test_a_dangling_symlink_models_py_is_an_sl001(tmp_path):
    root = write_project(tmp_path)
    (root / "app_django/apps/gone").mkdir()
    os.symlink(root / "nowhere.py", root / "app_django/apps/gone/models.py")
    run = check(root)
    (line,) = [line for line in run.stdout.splitlines() if line.startswith("app_django/apps/gone/models.py")]
    assert "SL001" in line and "cannot read" in line


def test_a_symlink_loop_named_models_py_is_an_sl001(tmp_path):
    root = write_project(tmp_path)
    (root / "app_django/apps/loop").mkdir()
    os.symlink("models.py", root / "app_django/apps/loop/models.py")
    run = check(root)
    assert any(
        line.startswith("app_django/apps/loop/models.py") and "SL001" in line for line in run.stdout.splitlines()
    )


def test_a_folder_named_models_py_is_ignored(tmp_path, baseline):
    root = write_project(tmp_path / "p")
    (root / "app_django/apps/odd/models.py").mkdir(parents=True)
    assert check(root).stdout == baseline


def test_unreadable_file_by_permission(tmp_path):
    root = write_project(tmp_path)
    target = root / DJANGO_PATH
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reads (covered by the symlink tests)")
        run = check(root)
        assert any(line.startswith(DJANGO_PATH) and "SL001" in line for line in run.stdout.splitlines())
    finally:
        target.chmod(0o644)


def test_directory_symlink_loops_do_not_hang(tmp_path, baseline):
    root = write_project(tmp_path / "p")
    os.symlink(root, root / "app_django/apps/shop/back_to_root")
    os.symlink(root / "app_django", root / "src/database/app_link")
    assert check(root, seconds=10).stdout == baseline


def test_spaces_and_non_ascii_in_paths(tmp_path):
    root = tmp_path / "my project" / "données ünï"
    files = {
        DJANGO_PATH: None,
        "app_django/apps/café shop/models.py": DJANGO.replace(
            "name = models.CharField(max_length=200", "name = models.CharField(max_length=201"
        ),
    }
    write_project(root, files)
    run = check(root)
    assert "SL203" in run.stdout, run.stdout


def test_a_missing_mirror_file_is_simply_not_compared(tmp_path):
    root = write_project(tmp_path)
    (root / SQLALCHEMY_PATH).unlink()
    run = check(root)
    assert SQLALCHEMY_PATH not in run.stdout


def test_a_configured_mirror_whose_file_is_missing_is_a_clear_error(tmp_path):
    root = write_project(tmp_path, {"pyproject.toml": '[tool.schemalint]\nmirrors = ["sqlalchemy", "sql"]\n'})
    (root / SQLALCHEMY_PATH).unlink()
    run = run_cli(["check", "--no-cache", str(root)])
    assert run.exception is None
    assert run.exit_code == 2
    assert "sqlalchemy" in run.stderr and "Traceback" not in run.stderr


def test_no_django_files_at_all_is_a_clear_error(tmp_path):
    root = write_project(tmp_path, {SQL_PATH: "CREATE TABLE t (id int);"}, base=False)
    run = run_cli(["check", "--no-cache", str(root)])
    assert run.exception is None and run.exit_code == 2
    assert "django" in run.stderr


def big_schema_sql(size: int) -> str:
    """A schema.sql grown over years: many tables, each created then altered."""
    parts, i = ["-- Reference schema: generated for the robustness test.\n"], 0
    while sum(map(len, parts)) < size:
        parts.append(
            f"CREATE TABLE IF NOT EXISTS t{i} (\n    id BIGSERIAL PRIMARY KEY,\n    name VARCHAR(100) NOT NULL,\n"
            f"    amount NUMERIC(12,2),\n    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()\n);\n"
            f"CREATE INDEX IF NOT EXISTS idx_t{i}_name ON t{i} (name);\n"
            f"ALTER TABLE t{i} ADD COLUMN IF NOT EXISTS note TEXT;\n"
            f"ALTER TABLE t{i} ALTER COLUMN name TYPE VARCHAR(200);\n-- Version 1.{i}.0: widened name\n"
        )
        i += 1
    return "".join(parts)


@pytest.mark.parametrize(
    ("megabytes", "budget"),
    [
        pytest.param(0.25, 60, id="256KB"),
        # The real-world case: ~45 s (sqlglot parses ~9 µs/byte), so it stays in CI.
        pytest.param(5, 600, id="5MB", marks=pytest.mark.slow),
    ],
)
def test_a_big_schema_sql_is_read_in_bounded_time(tmp_path, megabytes, budget):
    sql = big_schema_sql(int(megabytes * 1024 * 1024))
    root = write_project(tmp_path, {SQL_PATH: sql})
    start = time.perf_counter()
    run = check(root, seconds=budget)
    elapsed = time.perf_counter() - start
    print(f"{megabytes} MB schema.sql: {elapsed:.1f} s ({elapsed / len(sql) * 1e6:.1f} µs/byte)")
    assert "SL102" in run.stdout  # the thousands of extra tables are reported, not lost

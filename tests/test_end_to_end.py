"""The whole pipeline through the command line (in-process; the in-sync example also in a real
process), on the bundled example projects."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.catalog import compare_catalogs
from tests.support.cli import Ran
from tests.support.cli import schemalint as in_process

REPO = Path(__file__).resolve().parents[1]
BIFROST = REPO / "fixtures" / "bifrost"
DRIFTED = REPO / "fixtures" / "bifrost-drifted"


def schemalint(*args: str, cwd: Path = REPO) -> Ran:
    return in_process(*args, cwd=cwd)


def schemalint_process(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """`python -m schemalint` in its own process: what a shell or CI sees."""
    return subprocess.run(
        [sys.executable, "-m", "schemalint", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def drift_table() -> set[tuple[str, int, str]]:
    """The drifts a human listed in DRIFT.md: (file, line, expected code)."""
    rows = set()
    for line in (DRIFTED / "DRIFT.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not cells[0].isdigit():
            continue
        place = re.match(r"([\w./-]+):(\d+)", cells[1])
        code = re.match(r"(SL\d{3})", cells[4])
        rows.add((place.group(1), int(place.group(2)), code.group(1)))
    return rows


def test_in_sync_example_prints_nothing_and_exits_0():
    run = schemalint_process("check", "--no-cache", str(BIFROST))
    assert (run.returncode, run.stdout) == (0, ""), run.stdout + run.stderr


def test_drifted_example_reports_exactly_the_listed_drifts():
    run = schemalint("check", "--no-cache", "--format", "json", str(DRIFTED))
    assert run.returncode == 1, run.stderr
    found = {(f["filename"], f["line"], f["code"]) for f in json.loads(run.stdout)}
    assert found == drift_table()


def test_text_output_is_flake8_style_and_sorted():
    run = schemalint("check", "--no-cache", str(DRIFTED))
    lines = run.stdout.splitlines()
    assert lines and all(re.match(r"^[\w./-]+:\d+:\d+: SL\d{3} \S", line) for line in lines)
    keys = [(p, int(ln), int(c)) for p, ln, c in (line.split(":")[:3] for line in lines)]
    assert keys == sorted(keys)


def test_json_findings_carry_table_and_column():
    run = schemalint("check", "--no-cache", "--format", "json", str(DRIFTED))
    findings = json.loads(run.stdout)
    required = {"code", "message", "filename", "line", "col", "table", "column"}
    assert all(required <= set(f) for f in findings)
    nullability = next(f for f in findings if f["code"] == "SL204")
    assert (nullability["table"], nullability["column"]) == ("option_snapshots", "underlying_price")


def _dump(source: str) -> dict:
    run = schemalint("dump", "--source", source, "--format", "json", "--root", str(BIFROST))
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("mirror", ["sqlalchemy", "sql"])
def test_the_three_dumps_of_the_in_sync_example_agree(mirror):
    django = _dump("django")
    agreement = compare_catalogs(django, _dump(mirror), names=False)
    assert agreement.differences == []
    assert agreement.compared > 250


def test_bad_config_key_is_exit_2_with_the_key_named(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.schemalint]\nmirorrs = ['sql']\n")
    run = schemalint("check", str(tmp_path))
    assert run.returncode == 2
    assert "unknown key 'mirorrs'" in run.stderr
    assert "Traceback" not in run.stderr


def test_syntax_error_is_sl001_with_file_and_line(tmp_path):
    models = tmp_path / "app" / "shop" / "models.py"
    models.parent.mkdir(parents=True)
    models.write_text("from django.db import models\n\nclass Stock(models.Model)\n    name = models.TextField()\n")
    run = schemalint("check", "--no-cache", str(tmp_path))
    assert run.returncode == 1
    assert run.stdout.startswith("app/shop/models.py:3:")
    assert " SL001 " in run.stdout
    assert "Traceback" not in run.stderr


def test_no_model_files_is_a_usage_error(tmp_path):
    run = schemalint("check", str(tmp_path))
    assert run.returncode == 2
    assert "no django files found" in run.stderr

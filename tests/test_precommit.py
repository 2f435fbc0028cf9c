"""The pre-commit hook: the manifest's promises, and the real `pre-commit try-repo` on a copy of
the bifrost fixture in a fresh git repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
BIFROST = REPO / "fixtures" / "bifrost"
FLAKE8_LINE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d{3}) (?P<msg>.+)$")


@pytest.fixture(scope="module")
def hook() -> dict:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["schemalint"]
    return hooks[0]


def test_manifest(hook):
    assert hook["entry"] == "schemalint check"
    assert hook["language"] == "python"
    # A change to one side must re-check all three: the hook never gets a file list.
    assert hook["pass_filenames"] is False
    assert hook["require_serial"] is True


@pytest.mark.parametrize(
    "path, runs",
    [
        ("app_django/apps/options/models.py", True),
        ("app_django/apps/shop/models/stock.py", True),
        ("src/database/models.py", True),
        ("src/database/tables.py", True),
        ("scripts/database/schema.sql", True),
        ("db/schema.sql", True),
        ("pyproject.toml", True),
        ("models.py", True),
        ("app_django/apps/options/migrations/0002_add_market_cap.py", True),
        ("README.md", False),
        ("app_django/apps/options/views.py", False),
        ("src/api/routes.py", False),
        ("src/database/models.pyc", False),
    ],
)
def test_files_pattern(hook, path, runs):
    # pre-commit matches `files` with re.search on the path relative to the repository root.
    assert bool(re.search(hook["files"], path)) is runs


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True, capture_output=True
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_try_repo_on_bifrost(tmp_path):
    if not (BIFROST / "app_django").is_dir():
        pytest.skip("fixtures/bifrost is not there")
    project = tmp_path / "bifrost"
    shutil.copytree(BIFROST, project, ignore=shutil.ignore_patterns("__pycache__", ".schemalint_cache"))
    _git(project, "init", "-q")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "bifrost")

    # Change the source of truth only: both mirrors now disagree with it, and the hook (which
    # runs because a models.py is staged) must report them although neither file is staged.
    models = project / "app_django/apps/options/models.py"
    text = models.read_text()
    drifted = text.replace("name = models.CharField(max_length=200)", "name = models.CharField(max_length=250)")
    assert drifted != text
    models.write_text(drifted)
    (project / "README.md").write_text("not a model file\n")
    _git(project, "add", ".")

    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), NO_COLOR="1")
    env.pop("SCHEMALINT_DEBUG", None)
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "schemalint", "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Failed" in output and "exit code: 1" in output, output
    findings = [m.groupdict() for m in map(FLAKE8_LINE.match, output.splitlines()) if m]
    places = {(f["path"], f["code"]) for f in findings}
    assert ("src/database/models.py", "SL203") in places, output
    assert ("scripts/database/schema.sql", "SL203") in places, output
    assert all("max_length=250" in f["msg"] or "250" in f["msg"] for f in findings if f["code"] == "SL203"), output


def _local_hook_config() -> str:
    """The `repo: local` snippet of README.md, as a user would paste it."""
    docs = (REPO / "README.md").read_text()
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", docs, re.S) if "repo: local" in b]
    assert blocks, "README.md has no `repo: local` pre-commit snippet"
    return blocks[0]


def test_local_hook_snippet_matches_the_manifest(hook):
    local = yaml.safe_load(_local_hook_config())["repos"][0]["hooks"][0]
    for key in ("id", "entry", "pass_filenames", "require_serial", "files"):
        assert local[key] == hook[key], key


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("schemalint") is None, reason="needs git and schemalint"
)
def test_local_hook_from_the_docs_on_bifrost(tmp_path):
    if not (BIFROST / "app_django").is_dir():
        pytest.skip("fixtures/bifrost is not there")
    project = tmp_path / "bifrost"
    shutil.copytree(BIFROST, project, ignore=shutil.ignore_patterns("__pycache__", ".schemalint_cache"))
    (project / ".pre-commit-config.yaml").write_text(_local_hook_config())
    _git(project, "init", "-q")
    _git(project, "add", ".")
    # The local hook runs `schemalint` from PATH: this checkout's, next to the running interpreter.
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), NO_COLOR="1", PATH=path)

    def commit(message: str) -> subprocess.CompletedProcess:
        subprocess.run(
            [sys.executable, "-m", "pre_commit", "install"], cwd=project, env=env, check=True, capture_output=True
        )
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", message],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = commit("bifrost, in sync")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Passed" in first.stdout + first.stderr

    # A drift in schema.sql alone blocks the commit and names the line.
    sql = project / "scripts/database/schema.sql"
    text = sql.read_text()
    assert "VARCHAR(200)" in text
    sql.write_text(text.replace("VARCHAR(200)", "VARCHAR(255)", 1))
    _git(project, "add", ".")
    second = commit("drift")
    output = second.stdout + second.stderr
    assert second.returncode != 0 and "Failed" in output, output
    assert re.search(r"^scripts/database/schema\.sql:\d+:\d+: SL203 ", output, re.M), output

    # A commit that touches no model file does not run the hook at all.
    _git(project, "checkout", "HEAD", "--", "scripts/database/schema.sql")
    (project / "README.md").write_text("docs\n")
    _git(project, "add", "README.md")
    third = commit("docs only")
    assert third.returncode == 0 and "(no files to check)Skipped" in third.stdout + third.stderr, third.stdout

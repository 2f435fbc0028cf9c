"""Third-party rules: an example plugin package (tests/plugin_example), installed, shows its
findings, under its own code prefix, in every output format; a rule that crashes is named and
exits 2 without hiding other findings; `plugins = ["module"]` in the config loads a module.

The package is installed into a temporary folder put on the path (not into the shared
environment, where its rules would show up in every other test running at the same time); the
entry point is found exactly as for a normal install. The tests run the command line in-process
on an installation laid out from the plugin's own pyproject.toml; one slow test builds the real
wheel with pip and runs `python -m schemalint` on it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import jsonschema
import pytest

from tests.support.cli import Ran, schemalint
from tests.test_selection import make_project

PLUGIN_SOURCE = Path(__file__).parent / "plugin_example"
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
FORMATS = ["text", "full", "json", "sarif", "github", "gitlab"]
PLUGIN_FINDING = ("app_django/apps/shop/models.py", "XMP101")


def _pip_install(target: Path, work: Path) -> None:
    """Build and install the example plugin (a real wheel build through pip) into `target`."""
    source = work / "src"
    shutil.copytree(PLUGIN_SOURCE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests"))
    subprocess.run(
        # pip builds the wheel in an isolated environment (setuptools from the package index).
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(source)],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _lay_out(target: Path) -> None:
    """What pip puts in `target`, made from the plugin's pyproject.toml: the package and a
    dist-info folder whose entry_points.txt holds the `schemalint.rules` group."""
    project = tomllib.loads((PLUGIN_SOURCE / "pyproject.toml").read_text())["project"]
    shutil.copytree(
        PLUGIN_SOURCE / "schemalint_example_plugin",
        target / "schemalint_example_plugin",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    dist = target / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    groups = "".join(
        f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in entries.items())
        for group, entries in project["entry-points"].items()
    )
    (dist / "entry_points.txt").write_text(groups)


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("plugin") / "site"
    _lay_out(target)
    return target


def _run(args: list[str], cwd: Path, plugin_path: Path | None, stdin: str | None = None) -> Ran:
    """`schemalint ARGS` in-process, with the plugin installed (on the path) or not."""
    before = list(sys.path)
    if plugin_path is not None:
        sys.path.insert(0, str(plugin_path))
    try:
        return schemalint(*args, cwd=cwd, stdin=stdin, env={"NO_COLOR": "1"})
    finally:
        sys.path[:] = before


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "p")


def test_plugin_rules_are_listed_with_their_docs(plugin_path, project):
    listed = json.loads(_run(["rules", "--format", "json"], project, plugin_path).stdout)
    plugin = [r for r in listed if r["code"] == "XMP101"]
    assert plugin == [
        {
            "code": "XMP101",
            "name": "table-without-comment",
            "summary": "A source-of-truth table has no comment",
            "severity": "warning",
            "scope": "comparison",
            "default_enabled": True,
            "origin": "schemalint_example_plugin.rules",
        }
    ]
    assert any(r["code"] == "SL204" for r in listed)
    docs = _run(["rule", "XMP101"], project, plugin_path).stdout
    assert "## How to silence" in docs and "db_table_comment" in docs
    # Without the package, the rule is unknown.
    assert "XMP101" not in _run(["rules"], project, None).stdout


def _plugin_findings(fmt: str, out: str) -> list[tuple[str, str]]:
    """(path, code) of every XMP finding in one format's output."""
    if fmt in ("text", "full"):
        rows = [re.match(r"^([^:\s]+):\d+:\d+: (XMP\d+) ", line) for line in out.splitlines()]
        return [m.groups() for m in rows if m]
    if fmt == "github":
        rows = [
            re.match(r"^::warning file=([^,]+),line=\d+,col=\d+,title=(XMP\d+)::", line) for line in out.splitlines()
        ]
        return [m.groups() for m in rows if m]
    data = json.loads(out)
    if fmt == "json":
        return [(d["filename"], d["code"]) for d in data if d["code"].startswith("XMP")]
    if fmt == "gitlab":
        return [(d["location"]["path"], d["check_name"]) for d in data if d["check_name"].startswith("XMP")]
    run = data["runs"][0]
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(data)
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "XMP101" in rule_ids
    return [
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
        for r in run["results"]
        if r["ruleId"].startswith("XMP")
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_plugin_findings_in_every_format(plugin_path, project, fmt):
    run = _run(["check", "--no-cache", "--format", fmt, "--select", "XMP,SL204"], project, plugin_path)
    assert run.returncode == 1, run.stderr
    assert _plugin_findings(fmt, run.stdout) == [PLUGIN_FINDING], run.stdout
    assert "SL204" in run.stdout  # the built-in rule's findings sit next to the plugin's


def test_plugin_prefix_can_be_ignored_and_noqa_ed(plugin_path, project):
    run = _run(["check", "--no-cache", "--format", "json", "--ignore", "XMP"], project, plugin_path)
    assert not [d for d in json.loads(run.stdout) if d["code"].startswith("XMP")]
    models = project / "app_django/apps/shop/models.py"
    models.write_text(
        models.read_text().replace("class Stock(models.Model):", "class Stock(models.Model):  # noqa: XMP101")
    )
    run = _run(["check", "--no-cache", "--format", "json", "--select", "XMP,SL010"], project, plugin_path)
    assert json.loads(run.stdout) == [] and run.returncode == 0, run.stdout + run.stderr


def _with_config(project: Path, table: str) -> None:
    (project / "pyproject.toml").write_text(f"[tool.schemalint]\n{table}\n")


def test_crashing_plugin_is_named_and_other_findings_are_kept(plugin_path, project):
    _with_config(project, 'plugins = ["schemalint_example_plugin.crashing"]')
    run = _run(["check", "--no-cache", "--select", "SL204,XMP"], project, plugin_path)
    assert run.returncode == 2
    assert "XMP901" in run.stderr and "always-crashes" in run.stderr
    assert "schemalint_example_plugin.crashing" in run.stderr and "deliberate bug" in run.stderr
    codes = [line.split()[1] for line in run.stdout.splitlines()]
    assert "SL204" in codes and "XMP101" in codes


def test_plugins_key_loads_a_module_kept_in_the_project(project):
    (project / "team_rules.py").write_text(
        "from schemalint.model import Location\n"
        "from schemalint.registry import rule\n\n\n"
        '@rule("TEAM001", "no-name-columns", "Columns called name are ambiguous", level="column")\n'
        "def no_name_columns(ctx):\n"
        "    if ctx.truth_column.name == 'name' and ctx.truth_column.location:\n"
        "        ctx.report('column called name', location=ctx.truth_column.location)\n"
    )
    _with_config(project, 'plugins = ["team_rules"]\nselect = ["TEAM"]')
    run = _run(["check", "--no-cache", "."], project, None)
    assert run.returncode == 1, run.stderr
    assert re.search(r"^app_django/apps/shop/models\.py:\d+:\d+: TEAM001 column called name$", run.stdout, re.M), (
        run.stdout
    )
    assert "TEAM001" in _run(["rules"], project, None).stdout


@pytest.mark.parametrize(
    "plugins, message",
    [
        ('["no_such_module_xyz"]', "cannot load rule module 'no_such_module_xyz'"),
        ('["broken_rules"]', "cannot load rule module 'broken_rules': ZeroDivisionError"),
    ],
)
def test_plugin_that_cannot_load_exits_2(project, plugins, message):
    (project / "broken_rules.py").write_text("1 / 0\n")
    _with_config(project, f"plugins = {plugins}")
    run = _run(["check", "--no-cache", "."], project, None)
    assert run.returncode == 2 and message in run.stderr, run.stderr


def test_plugin_cannot_take_a_built_in_code(project):
    (project / "thief.py").write_text(
        'from schemalint.registry import rule\n\n@rule("SL204", "thief", "Steals a code")\ndef thief(ctx):\n    pass\n'
    )
    _with_config(project, 'plugins = ["thief"]')
    run = _run(["check", "--no-cache", "."], project, None)
    assert run.returncode == 2 and "SL204 is defined twice" in run.stderr, run.stderr


@pytest.mark.slow
def test_a_pip_installed_plugin_works_in_a_real_process(tmp_path):
    """The real thing once: pip builds and installs the wheel, `python -m schemalint` finds the
    entry point in its own process and reports the plugin's finding."""
    target = tmp_path / "site"
    _pip_install(target, tmp_path)
    assert list(target.glob("schemalint_example_plugin-*.dist-info"))
    project = make_project(tmp_path / "p")
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")]))
    run = subprocess.run(
        [sys.executable, "-m", "schemalint", "check", "--no-cache", "--select", "XMP", "."],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert re.search(r"^app_django/apps/shop/models\.py:\d+:\d+: XMP101 table stocks has no comment$", run.stdout, re.M)

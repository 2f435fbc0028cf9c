"""The command line as a user meets it: help, version, exit codes, colour, output files,
statistics, --add-noqa, noqa in real projects, and editor integration (--stdin-filename, and
the VS Code / Vim snippets of README.md checked against real output).

Most tests run the command in-process; a real `python -m schemalint` process proves the exit
status, standard input and colour on a terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from schemalint import __version__
from tests.support.cli import Ran
from tests.support.cli import schemalint as in_process
from tests.test_selection import DRIFTS, make_project

DOCS = Path(__file__).resolve().parent.parent / "README.md"
ANSI = re.compile(r"\033\[[0-9;]*m")
SA = "src/database/models.py"
SQL = "scripts/database/schema.sql"


def schemalint(*args: str, cwd: Path | None = None, stdin: str | None = None, env: dict | None = None) -> Ran:
    """The command line in-process, without the caller's colour settings."""
    return in_process(*args, cwd=cwd, stdin=stdin, env={"NO_COLOR": None, "FORCE_COLOR": None, **(env or {})})


def schemalint_process(*args: str, cwd: Path | None = None, stdin: str | None = None):
    """`python -m schemalint` in its own process: for what only a real process shows (its exit
    status, its standard input)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "schemalint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "p")


def _places(stdout: str) -> set[tuple[str, int, str]]:
    rows = [re.match(r"^([^:\s]+):(\d+):\d+: ([A-Z]+\d+) ", line) for line in stdout.splitlines()]
    return {(m.group(1), int(m.group(2)), m.group(3)) for m in rows if m}


# ---------------------------------------------------------------- help and version


def test_version():
    run = schemalint("--version")
    assert run.returncode == 0 and run.stdout.strip() == f"schemalint, version {__version__}"


@pytest.mark.parametrize(
    "args, must_say",
    [
        ([], ["check", "rules", "rule", "dump", "schemalint rule SL204"]),
        (
            ["check"],
            [
                "--select",
                "--ignore",
                "--extend-select",
                "--format",
                "--stdin-filename",
                "--add-noqa",
                "--statistics",
                "--exit-zero",
                "--output-file",
                "--color",
                "NO_COLOR",
                "Exit status",
                "noqa",
            ],
        ),
        (["rules"], ["--format", "SL2"]),
        (["rule"], ["CODE", "how to silence"]),
        (["dump"], ["--source"]),
    ],
)
def test_help_at_every_level(args, must_say):
    for flag in ("--help", "-h"):
        run = schemalint(*args, flag)
        assert run.returncode == 0, run.stderr
        for text in must_say:
            assert text in run.stdout, (text, run.stdout)


def test_no_command_shows_usage():
    run = schemalint()
    assert "Usage:" in run.stdout + run.stderr


# ---------------------------------------------------------------- check: exit codes and output


def test_check_text_and_exit_codes(project):
    # A real process: the exit status a shell, CI or pre-commit sees.
    run = schemalint_process("check", "--select", "SL2", str(project))
    assert run.returncode == 1, run.stderr
    assert _places(run.stdout) == DRIFTS
    # Both drifts can be fixed, but only unsafely (a narrower type, SET NOT NULL).
    assert run.stderr.strip().splitlines() == [
        "Found 2 findings in 2 files.",
        "(2 fixable with `--unsafe-fixes`.)",
    ]
    assert schemalint_process("check", "--select", "SL2", "--exit-zero", str(project)).returncode == 0
    clean = schemalint_process("check", "--select", "SL1", str(project))
    assert clean.returncode == 0 and clean.stdout == "" and clean.stderr == ""
    assert schemalint_process("check", "does/not/exist").returncode == 2


def test_check_defaults_to_the_current_directory(project):
    run = schemalint("check", "--select", "SL2", cwd=project)
    assert _places(run.stdout) == DRIFTS


def test_quiet_prints_findings_only(project):
    run = schemalint("check", "--select", "SL2", "-q", str(project))
    assert _places(run.stdout) == DRIFTS and run.stderr == ""


@pytest.mark.parametrize(
    "args, exit_code, message",
    [
        (["check", "does/not/exist"], 2, "not a directory"),
        (["check", "--format", "xml", "."], 2, "Invalid value for '--format'"),
        (["check", "-"], 2, "--stdin-filename"),
        (["check", "--stdin-filename", "a.py", "."], 2, "needs `-` in place of ROOT"),
        (["rule", "SL999"], 2, "unknown rule 'SL999'"),
    ],
)
def test_usage_errors(project, args, exit_code, message):
    run = schemalint(*args, cwd=project)
    assert run.returncode == exit_code
    assert message in run.stderr


def test_no_model_files_is_a_usage_error(tmp_path):
    run = schemalint("check", str(tmp_path))
    assert run.returncode == 2 and "no django files found" in run.stderr


def test_output_file(project, tmp_path):
    target = tmp_path / "report.sarif"
    run = schemalint("check", "--select", "SL2", "--format", "sarif", "-o", str(target), str(project))
    assert run.returncode == 1 and run.stdout == ""
    results = json.loads(target.read_text())["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"SL203", "SL204"}


def test_output_file_that_cannot_be_written(project, tmp_path):
    run = schemalint("check", "-o", str(tmp_path / "missing-dir" / "out.txt"), str(project))
    assert run.returncode == 2 and "cannot write" in run.stderr


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("text", "1  SL203  type-mismatch\n1  SL204  nullability-mismatch\n"),
        (
            "json",
            [
                {"code": "SL203", "name": "type-mismatch", "count": 1},
                {"code": "SL204", "name": "nullability-mismatch", "count": 1},
            ],
        ),
    ],
)
def test_statistics(project, fmt, expected):
    run = schemalint("check", "--select", "SL2", "--statistics", "--format", fmt, "-q", str(project))
    assert run.returncode == 1
    assert (json.loads(run.stdout) if fmt == "json" else run.stdout) == expected


def test_statistics_refuses_machine_formats(project):
    assert schemalint("check", "--statistics", "--format", "sarif", str(project)).returncode == 2


@pytest.mark.parametrize("fmt", ["full", "json", "sarif", "github", "gitlab"])
def test_every_format_from_the_command_line(project, fmt):
    run = schemalint("check", "--select", "SL2", "--format", fmt, str(project))
    assert run.returncode == 1
    assert "SL204" in run.stdout and "SL203" in run.stdout


def test_full_format_shows_the_django_field(project):
    run = schemalint("check", "--select", "SL204", "--format", "full", str(project))
    assert "  11 |     name = Column(String(200))" in run.stdout
    assert "    = django: app_django/apps/shop/models.py:7:5" in run.stdout
    assert "  7 |     name = models.CharField(max_length=200)" in run.stdout


# ---------------------------------------------------------------- colour


def _on_a_terminal(args: list[str], env: dict) -> str:
    """Run schemalint with its stdout on a pseudo-terminal, as in an interactive shell."""
    master, slave = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "schemalint", *args], stdout=slave, stderr=subprocess.DEVNULL, env=environment
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode()


@pytest.mark.parametrize(
    "color, env, coloured",
    [
        ("auto", {}, True),
        ("auto", {"NO_COLOR": "1"}, False),
        pytest.param("auto", {"NO_COLOR": ""}, True, marks=pytest.mark.slow),  # no-color.org: empty does not count
        pytest.param("never", {}, False, marks=pytest.mark.slow),
        pytest.param("always", {"NO_COLOR": "1"}, True, marks=pytest.mark.slow),  # the flag wins over the environment
    ],
)
def test_colour_on_a_terminal(project, color, env, coloured):
    out = _on_a_terminal(["check", "--select", "SL2", "--color", color, str(project)], env)
    assert "SL204" in out
    assert bool(ANSI.search(out)) is coloured


@pytest.mark.parametrize("color, coloured", [("auto", False), ("always", True)])
def test_no_colour_when_piped(project, color, coloured):
    run = schemalint("check", "--select", "SL2", "--color", color, str(project))
    assert bool(ANSI.search(run.stdout)) is coloured
    assert _places(ANSI.sub("", run.stdout)) == DRIFTS


def test_machine_formats_never_colour(project):
    run = schemalint("check", "--select", "SL2", "--color", "always", "--format", "github", str(project))
    assert not ANSI.search(run.stdout)


# ---------------------------------------------------------------- noqa in a project


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    "file, old, new, left",
    [
        (SA, "name = Column(String(200))", "name = Column(String(200))  # noqa: SL204", {(SQL, 4, "SL203")}),
        (SA, "name = Column(String(200))", "name = Column(String(200))  # noqa", {(SQL, 4, "SL203")}),
        (SQL, "name VARCHAR(255) NOT NULL", "name VARCHAR(255) NOT NULL  -- noqa: SL203", {(SA, 11, "SL204")}),
        (SQL, "CREATE TABLE", "-- schemalint: noqa\nCREATE TABLE", {(SA, 11, "SL204")}),
        (SA, "from sqlalchemy import", "# schemalint: noqa: SL2\nfrom sqlalchemy import", {(SQL, 4, "SL203")}),
        # the wrong code silences nothing, and SL010 says so
        (SA, "name = Column(String(200))", "name = Column(String(200))  # noqa: SL203", DRIFTS | {(SA, 11, "SL010")}),
    ],
)
def test_noqa_in_a_project(project, file, old, new, left):
    _edit(project / file, old, new)
    run = schemalint("check", "--select", "SL2,SL010", "-q", str(project))
    assert _places(run.stdout) == left, run.stdout + run.stderr


def test_stale_noqa_is_reported(project):
    _edit(
        project / SA,
        "symbol = Column(String(10), nullable=False)",
        "symbol = Column(String(10), nullable=False)  # noqa: SL204, E501",
    )
    run = schemalint("check", "--select", "SL204,SL010", "-q", str(project))
    assert (SA, 10, "SL010") in _places(run.stdout)
    assert "unused noqa code(s) SL204" in run.stdout and "E501" not in run.stdout.split("SL010")[1]


def test_add_noqa_adopts_a_legacy_project(project):
    run = schemalint("check", "--select", "SL2,SL010", "--add-noqa", str(project))
    assert run.returncode == 0, run.stderr
    assert "Added 2 noqa comments to 2 files." in run.stderr
    assert "name = Column(String(200))  # noqa: SL204" in (project / SA).read_text()
    assert "name VARCHAR(255) NOT NULL  -- noqa: SL203" in (project / SQL).read_text()
    after = schemalint("check", "--select", "SL2,SL010", str(project))
    assert after.returncode == 0 and after.stdout == "", after.stdout
    snapshot = {rel: (project / rel).read_text() for rel in (SA, SQL)}
    again = schemalint("check", "--select", "SL2,SL010", "--add-noqa", str(project))
    assert "Added 0 noqa comments" in again.stderr
    assert {rel: (project / rel).read_text() for rel in (SA, SQL)} == snapshot


# ---------------------------------------------------------------- editors: --stdin-filename


def test_stdin_reports_the_unsaved_content_of_one_file(project):
    fixed = (
        (project / SA).read_text().replace("name = Column(String(200))", "name = Column(String(200), nullable=False)")
    )
    # A real process reading its real standard input.
    run = schemalint_process("check", "--select", "SL2", "--stdin-filename", SA, "-", cwd=project, stdin=fixed)
    # The buffer fixes SL204; the SQL file's finding is not this file's business.
    assert run.returncode == 0 and run.stdout == "", run.stdout + run.stderr
    broken = fixed.replace("symbol = Column(String(10), nullable=False)", "symbol = Column(String(10))")
    run = schemalint_process("check", "--select", "SL2", "--stdin-filename", SA, "-", cwd=project, stdin=broken)
    assert run.returncode == 1
    assert _places(run.stdout) == {(SA, 10, "SL204")}
    assert run.stderr == ""  # no summary line in editor mode
    assert (project / SA).read_text() != broken  # nothing was written


def test_stdin_with_an_absolute_path_from_another_directory(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = schemalint(
        "check",
        "--select",
        "SL2",
        "--stdin-filename",
        str(project / SQL),
        "-",
        cwd=elsewhere,
        stdin=(project / SQL).read_text(),
    )
    # No pyproject.toml: the current directory is the root, and the file is outside it.
    assert run.returncode == 2 and "outside the project root" in run.stderr
    (project / "pyproject.toml").write_text("[tool.schemalint]\n")
    run = schemalint(
        "check",
        "--select",
        "SL2",
        "--stdin-filename",
        str(project / SQL),
        "-",
        cwd=elsewhere,
        stdin=(project / SQL).read_text(),
    )
    assert _places(run.stdout) == {(SQL, 4, "SL203")}, run.stderr


def test_stdin_noqa_is_read_from_the_buffer(project):
    text = (project / SA).read_text().replace("name = Column(String(200))", "name = Column(String(200))  # noqa: SL204")
    run = schemalint("check", "--select", "SL2,SL010", "--stdin-filename", SA, "-", cwd=project, stdin=text)
    assert run.returncode == 0 and run.stdout == ""


def test_stdin_for_a_file_that_is_not_a_model_file(project):
    (project / "README.py").write_text("print('hi')\n")
    run = schemalint("check", "--stdin-filename", "README.py", "-", cwd=project, stdin="print('hi')\n")
    assert run.returncode == 0 and run.stdout == ""


def test_stdin_cannot_add_noqa(project):
    run = schemalint("check", "--add-noqa", "--stdin-filename", SA, "-", cwd=project, stdin="")
    assert run.returncode == 2 and "--add-noqa" in run.stderr


# ---------------------------------------------------------------- editors: the snippets in README.md


def _docs_block(language: str, marker: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(), re.S)
    found = [b for b in blocks if marker in b]
    assert found, f"no {language} block with {marker!r} in {DOCS}"
    return found[0]


def test_vscode_problem_matcher_parses_our_output(project):
    tasks = json.loads(_docs_block("json", "problemMatcher"))
    pattern = tasks["tasks"][0]["problemMatcher"]["pattern"]
    regexp = re.compile(pattern["regexp"])  # the JavaScript pattern is also a valid Python one
    output = schemalint("check", "--select", "SL2", "-q", str(project)).stdout
    parsed = set()
    for line in output.splitlines():
        match = regexp.match(line)
        assert match, line
        parsed.add((match.group(pattern["file"]), int(match.group(pattern["line"])), match.group(pattern["code"])))
        assert match.group(pattern["message"])
    assert parsed == DRIFTS


@pytest.mark.skipif(shutil.which("vim") is None, reason="needs vim")
def test_vim_errorformat_parses_our_output(project, tmp_path):
    snippet = _docs_block("vim", "errorformat")
    efm = re.search(r"set errorformat=((?:\\ |\S)+)", snippet).group(1)  # `\ ` is an escaped space
    output = tmp_path / "out.txt"
    output.write_text(schemalint("check", "--select", "SL2", str(project)).stdout + "Found 2 findings in 2 files.\n")
    result = tmp_path / "qf.txt"
    script = tmp_path / "check.vim"
    script.write_text(
        f"set errorformat={efm}\n"
        f"cgetfile {output}\n"
        "call writefile(map(filter(getqflist(), 'v:val.valid'), "
        "{_, e -> bufname(e.bufnr) . '|' . e.lnum . '|' . e.col . '|' . e.text}), "
        f"'{result}')\n"
        "qa!\n"
    )
    subprocess.run(
        ["vim", "-N", "-u", "NONE", "-i", "NONE", "-es", "-S", str(script)],
        cwd=project,
        timeout=60,
        capture_output=True,
    )
    rows = [line.split("|", 3) for line in result.read_text().splitlines()]
    assert {(path, int(line), text.split()[0]) for path, line, _, text in rows} == DRIFTS
    assert all(int(col) >= 1 for _, _, col, _ in rows)


def test_ale_unix_handler_pattern_parses_our_output(project):
    """ALE's `ale#handlers#unix#HandleAsError` (used in README.md) matches each line with
    this very-magic Vim pattern; here is the same pattern in Python syntax."""
    assert "ale#handlers#unix#HandleAsError" in _docs_block("vim", "ale#linter#Define")
    ale = re.compile(r"^[a-zA-Z]?:?[^:]+:(\d+):?(\d+)?:? ?(.+)$")
    text = (project / SA).read_text()
    run = schemalint("check", "--quiet", "--stdin-filename", str(project / SA), "-", cwd=project, stdin=text)
    rows = [ale.match(line) for line in run.stdout.splitlines()]
    assert rows and all(rows), run.stdout
    assert [(int(m.group(1)), int(m.group(2)), m.group(3).split()[0]) for m in rows] == [(11, 5, "SL204")]

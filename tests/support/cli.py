"""`schemalint ARGS` in this process (click's CliRunner): the same exit code, standard output and
standard error as the command, without starting an interpreter. Tests that must prove
process-level behaviour (a real exit status, a terminal, pre-commit, worker processes, no user
code executed) still start `python -m schemalint` themselves."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from schemalint.cli import main


@dataclass(frozen=True)
class Ran:
    """What `subprocess.run(..., capture_output=True, text=True)` would give."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _cwd(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def schemalint(
    *args: str, cwd: Path | None = None, stdin: str | None = None, env: dict[str, str | None] | None = None
) -> Ran:
    """Run the command line in-process. An exception other than the command's own exit is
    re-raised: a test must see a traceback, where a user would get `internal error`."""
    with _cwd(cwd):
        result = CliRunner(env=env).invoke(main, list(args), input=stdin, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)

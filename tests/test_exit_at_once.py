"""`schemalint` ends its process without tearing the interpreter down (`cli._exit_at_once`):
what it printed, wrote and cached must be all there, and its exit status the command's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from schemalint import cli
from tests.support.cli import schemalint as in_process
from tests.support.projects import copy_fixture


def process(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "schemalint", *args], cwd=cwd, capture_output=True, timeout=120, env=environment
    )


def test_a_process_prints_writes_and_caches_everything(tmp_path):
    root = tmp_path / "bifrost"
    copy_fixture("bifrost-drifted", root)
    expected = in_process("check", "--format", "json", "--no-cache", str(root))
    assert expected.returncode == 1 and len(expected.stdout) > 20_000  # more than a pipe's buffer
    first = process("check", "--format", "json", ".", cwd=root)
    assert first.returncode == 1, first.stderr
    assert json.loads(first.stdout) == json.loads(expected.stdout)
    assert list((root / ".schemalint_cache").glob("links-*/*.pack"))
    # The cache it wrote serves the next process, which reports the same.
    again = process("check", "--format", "json", "-o", str(tmp_path / "out.json"), ".", cwd=root)
    assert again.returncode == 1 and again.stdout == b""
    assert json.loads((tmp_path / "out.json").read_text()) == json.loads(expected.stdout)
    assert process("check", "--select", "SL9", ".", cwd=root).returncode == 2
    assert process("check", "--exit-zero", ".", cwd=root).returncode == 0


def test_not_while_another_thread_runs():
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        cli._exit_at_once(0)  # returns: the normal exit waits for the thread
    finally:
        release.set()
        other.join()

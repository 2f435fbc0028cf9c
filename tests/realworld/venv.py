"""The real-world test virtualenv: the pinned packages of `packages.PINS`, installed from PyPI
once per pin list into `~/.cache/schemalint-tests/realworld-<hash>` (reruns reuse it; a fresh
CI machine builds it once, in about two minutes). Django, SQLAlchemy and psycopg are pinned to
the versions of the interpreter running the tests, so the oracle is the library the readers
are proven against everywhere else."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from tests.realworld.packages import NO_DEPS, PINS

CACHE = Path(os.environ.get("SCHEMALINT_TEST_CACHE", Path.home() / ".cache" / "schemalint-tests"))


def requirements() -> tuple[list[str], list[str]]:
    """(requirements installed with their dependencies, requirements installed without)."""
    core = [f"{name}=={metadata.version(name)}" for name in ("Django", "SQLAlchemy")]
    core.append(f"psycopg[binary]=={metadata.version('psycopg')}")
    return core + [f"{name}=={version}" for name, version in PINS], [f"{n}=={v}" for n, v in NO_DEPS]


def venv_dir() -> Path:
    with_deps, without = requirements()
    digest = hashlib.sha256("\n".join([sys.version.split()[0], *with_deps, "--no-deps", *without]).encode())
    return CACHE / f"realworld-{digest.hexdigest()[:12]}"


def python_of(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def site_packages(venv: Path) -> Path:
    found = subprocess.run(
        [str(python_of(venv)), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(found.stdout.strip())


def ensure_venv() -> Path:
    """The virtualenv, built if missing. A build that fails leaves nothing behind."""
    venv = venv_dir()
    if (venv / "installed").is_file():
        return venv
    venv.parent.mkdir(parents=True, exist_ok=True)
    with venv.with_name(venv.name + ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # test workers (pytest-xdist) build it once, the others wait
        if (venv / "installed").is_file():
            return venv
        return _build(venv)


def _build(venv: Path) -> Path:
    building = venv.with_name(venv.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.parent.mkdir(parents=True, exist_ok=True)
    with_deps, without = requirements()
    subprocess.run([sys.executable, "-m", "venv", str(building)], check=True)
    pip = [str(python_of(building)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for step in (with_deps, ["--no-deps", *without]):
        done = subprocess.run(pip + step, capture_output=True, text=True)
        if done.returncode != 0:
            shutil.rmtree(building, ignore_errors=True)
            raise RuntimeError(f"pip could not install the real-world packages:\n{done.stdout}\n{done.stderr}")
    (building / "installed").write_text("\n".join(with_deps + without) + "\n")
    shutil.rmtree(venv, ignore_errors=True)
    building.rename(venv)  # a venv's scripts name their interpreter by path: see python_of
    return venv

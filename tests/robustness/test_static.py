"""Static means static: schemalint never imports or executes a user file.

Every Python file of the project (models, apps.py, settings, __init__.py, the SQLAlchemy
module) is booby-trapped: importing it would create a marker file and end the process with
exit code 3. `check` and every `dump` run in a subprocess (a trap that fired must not take the
test runner with it); afterwards there must be no marker and no exit code 3.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.robustness.support import DJANGO, DJANGO_PATH, SQLALCHEMY, SQLALCHEMY_PATH, write_project


def trap(marker: Path) -> str:
    """Python that, if it ever ran, leaves `marker` behind and exits at once."""
    return f"import os as _os\nopen({str(marker)!r}, 'w').write(__name__)\n_os._exit(3)\n"


def trapped_project(root: Path, marker: Path) -> Path:
    code = trap(marker)
    django = DJANGO.replace("from django.db import models\n", "from django.db import models\n" + code, 1)
    # Also inside a class body and a default callable: places a careless reader might evaluate.
    django = django.replace("    symbol = ", "    _trap = __import__('os')._exit(3)\n    symbol = ", 1)
    sqlalchemy = SQLALCHEMY.replace("Base = declarative_base()\n", "Base = declarative_base()\n" + code, 1)
    files = {
        DJANGO_PATH: django,
        SQLALCHEMY_PATH: sqlalchemy,
        "app_django/apps/shop/__init__.py": code,
        "app_django/apps/shop/apps.py": code
        + "from django.apps import AppConfig\nclass ShopConfig(AppConfig):\n    name = 'apps.shop'\n",
        "app_django/config/settings.py": code + "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n",
        "app_django/manage.py": code,
        "src/database/__init__.py": code,
        "conftest.py": code,
        "setup.py": code,
    }
    return write_project(root, files)


COMMANDS = [
    pytest.param(["check", "--no-cache"], id="check-no-cache"),
    pytest.param(["check"], id="check-cached"),
    pytest.param(["dump", "--source", "django"], id="dump-django"),
    pytest.param(["dump", "--source", "sqlalchemy"], id="dump-sqlalchemy"),
    pytest.param(["dump", "--source", "sql", "--format", "json"], id="dump-sql"),
]


@pytest.mark.parametrize("args", COMMANDS)
def test_no_user_code_runs(tmp_path, args):
    marker = tmp_path / "IMPORTED"
    root = trapped_project(tmp_path / "project", marker)
    runs = 2 if args == ["check"] else 1  # the second `check` is a warm run, from the cache
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-m", "schemalint", *args, *(["--root", "."] if args[0] == "dump" else ["."])],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode != 3 and not marker.exists(), (
            f"user code ran: {marker.read_text() if marker.exists() else done.stderr}"
        )
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr
    if args[0] == "dump":
        assert "stocks" in done.stdout, "the trapped files were still read"

"""Discovery of migrations: `<app>/migrations/*.py` of each discovered Django app, as
Django's loader lists them (a package with `__init__.py`; not `__init__`, `_x` or `~x`)."""

from __future__ import annotations

from pathlib import Path

from schemalint.config import Config
from schemalint.discover import discover

FILES = {
    "app_django/apps/options/__init__.py": "",
    "app_django/apps/options/models.py": "from django.db import models\n",
    "app_django/apps/options/migrations/__init__.py": "",
    "app_django/apps/options/migrations/0001_initial.py": "",
    "app_django/apps/options/migrations/_helpers.py": "",
    "app_django/apps/options/migrations/~0002_draft.py": "",
    "app_django/apps/library/models/__init__.py": "from django.db import models\n",
    "app_django/apps/library/migrations/__init__.py": "",
    "app_django/apps/library/migrations/0001_initial.py": "",
    "app_django/apps/nopackage/models.py": "from django.db import models\n",
    "app_django/apps/nopackage/migrations/0001_initial.py": "",  # no __init__.py: Django skips it
    "tools/migrations/__init__.py": "",  # not a Django app's folder
    "tools/migrations/0001_x.py": "",
}


def write(root: Path) -> None:
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_migrations_of_the_django_apps(tmp_path):
    write(tmp_path)
    found = discover(Config(root=tmp_path), ("migrations",)).files["migrations"]
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "app_django/apps/library/migrations/0001_initial.py",
        "app_django/apps/options/migrations/0001_initial.py",
    ]


def test_globs_replace_discovery(tmp_path):
    write(tmp_path)
    config = Config(root=tmp_path, migrations=("tools/migrations/0*.py",))
    found = discover(config, ("migrations",)).files["migrations"]
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["tools/migrations/0001_x.py"]


def test_excluded_migrations_are_left_out(tmp_path):
    write(tmp_path)
    found = discover(Config(root=tmp_path, exclude=("*/library/*",)), ("migrations",)).files["migrations"]
    assert [p.name for p in found] == ["0001_initial.py"]

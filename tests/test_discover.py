"""Discovery: which files belong to which source, on trees laid out on disk."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from schemalint.config import Config
from schemalint.discover import classify_python, discover

DJANGO = "from django.db import models\n\n\nclass Stock(models.Model):\n    symbol = models.CharField(max_length=10)\n"
SQLALCHEMY = (
    "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\nBase = declarative_base()\n"
)
SEED = {
    "app_django/apps/options/models.py": DJANGO,
    "app_django/apps/strategies/models.py": DJANGO,
    "app_django/apps/options/views.py": "from django.http import HttpResponse\n",
    "app_django/apps/options/migrations/0001_initial.py": DJANGO,
    "src/database/models.py": SQLALCHEMY,
    "src/database/session.py": "from sqlalchemy import create_engine\n",
    "scripts/database/schema.sql": "CREATE TABLE IF NOT EXISTS t (id int);\n",
    "scripts/database/schema_django.sql": "CREATE TABLE t (id int);\n",
    "scripts/database/schema_sqlalchemy.sql": "CREATE TABLE t (id int);\n",
    ".venv/lib/site-packages/django/models.py": DJANGO,
    "node_modules/x/models.py": DJANGO,
}


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())


def rels(root: Path, found) -> dict[str, list[str]]:
    return {source: [p.relative_to(root).as_posix() for p in paths] for source, paths in found.files.items()}


def test_the_seed_layout_is_found_without_configuration(tmp_path):
    write(tmp_path, SEED)
    assert rels(tmp_path, discover(Config(root=tmp_path))) == {
        "django": ["app_django/apps/options/models.py", "app_django/apps/strategies/models.py"],
        "sqlalchemy": ["src/database/models.py"],
        "sql": ["scripts/database/schema.sql"],
        "migrations": [],
    }


def test_creation_order_does_not_change_the_result(tmp_path):
    names = [f"app_django/apps/app{i}/models.py" for i in range(8)]
    first, second = tmp_path / "a", tmp_path / "b"
    write(first, {n: DJANGO for n in names})
    write(second, {n: DJANGO for n in reversed(names)})
    assert rels(first, discover(Config(root=first))) == rels(second, discover(Config(root=second)))


@pytest.mark.parametrize(
    ("rel", "data", "expected"),
    [
        ("apps/shop/models.py", DJANGO, "django"),
        ("apps/shop/models.py", "from core.models import TimeStamped\n", "django"),
        ("apps/shop/models/stock.py", DJANGO, "django"),
        ("apps/shop/other.py", DJANGO, "django"),
        ("apps/shop/views.py", "from django.db import models\n", None),
        ("src/database/models.py", SQLALCHEMY, "sqlalchemy"),
        ("src/db/tables.py", "import sqlalchemy as sa\nt = sa.Table('t', meta)\n", "sqlalchemy"),
        ("src/db/session.py", "from sqlalchemy import create_engine\n", None),
    ],
)
def test_classification_by_bytes(rel, data, expected):
    assert classify_python(rel, data.encode()) == expected


def test_configured_globs_replace_discovery_for_that_source_only(tmp_path):
    write(tmp_path, SEED | {"db/mirror.py": SQLALCHEMY})
    found = discover(Config(root=tmp_path, sqlalchemy=("db/*.py",)))
    assert rels(tmp_path, found)["sqlalchemy"] == ["db/mirror.py"]
    assert len(found.files["django"]) == 2


def test_exclude_patterns(tmp_path):
    write(tmp_path, SEED)
    found = discover(Config(root=tmp_path, exclude=("app_django/apps/strategies",)))
    assert rels(tmp_path, found)["django"] == ["app_django/apps/options/models.py"]


def _discover_with_timeout(config: Config, seconds: float = 10.0):
    out: list = []
    worker = threading.Thread(target=lambda: out.append(discover(config)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert out, f"discovery did not finish within {seconds} s"
    return out[0]


def test_symlink_loops_do_not_hang_and_are_not_followed(tmp_path):
    write(tmp_path, SEED)
    os.symlink(tmp_path / "app_django", tmp_path / "app_django/apps/options/loop")
    os.symlink("b.py", tmp_path / "app_django/apps/a.py")
    os.symlink("a.py", tmp_path / "app_django/apps/b.py")
    found = _discover_with_timeout(Config(root=tmp_path))
    assert rels(tmp_path, found)["django"] == [
        "app_django/apps/options/models.py",
        "app_django/apps/strategies/models.py",
    ]


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_an_unreadable_models_py_is_kept_so_reading_reports_it(tmp_path, kind):
    write(tmp_path, SEED)
    broken = tmp_path / "app_django/apps/broken/models.py"
    broken.parent.mkdir(parents=True)
    if kind == "dangling":
        os.symlink(tmp_path / "gone.py", broken)
    else:
        os.symlink(broken, broken)
    found = _discover_with_timeout(Config(root=tmp_path))
    assert "app_django/apps/broken/models.py" in rels(tmp_path, found)["django"]
    assert [p for p, _ in found.unreadable] == [broken]


def test_a_folder_named_models_py_is_not_a_file(tmp_path):
    write(tmp_path, SEED)
    (tmp_path / "app_django/apps/odd/models.py").mkdir(parents=True)
    assert len(discover(Config(root=tmp_path)).files["django"]) == 2


def test_spaces_and_non_ascii_in_paths(tmp_path):
    root = tmp_path / "my project" / "données"
    write(root, {"app_django/apps/café crème/models.py": DJANGO, "scripts/database/schema.sql": "select 1;"})
    assert rels(root, discover(Config(root=root)))["django"] == ["app_django/apps/café crème/models.py"]


def test_the_cache_folder_and_virtualenvs_are_skipped(tmp_path):
    write(
        tmp_path,
        SEED | {".schemalint_cache/x/models.py": DJANGO, "custom_cache/models.py": DJANGO, "env2/models.py": DJANGO},
    )
    (tmp_path / "env2/pyvenv.cfg").write_text("home = /usr\n")
    found = discover(Config(root=tmp_path, cache_dir="custom_cache"))
    assert len(found.files["django"]) == 2

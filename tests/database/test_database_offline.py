"""The database mirror's parts that need no server: migrations on disk, secrets, config."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemalint.config import ConfigError, parse_table
from schemalint.read.database.catalog import implicit_name
from schemalint.read.database.connect import redact
from schemalint.read.database.migrations import unapplied_migrations


def _app(root: Path, folder: str, migrations: dict[str, str], apps_py: str | None = None) -> str:
    app = root / folder
    (app / "migrations").mkdir(parents=True)
    (app / "migrations" / "__init__.py").write_text("")
    (app / "models.py").write_text("from django.db import models\n")
    if apps_py is not None:
        (app / "apps.py").write_text(apps_py)
    for name, text in migrations.items():
        (app / "migrations" / f"{name}.py").write_text(text)
    return f"{folder}/models.py"


SQUASHED = "class Migration:\n    replaces = [('shop', '0001_initial'), ('shop', '0002_price')]\n"


@pytest.mark.parametrize(
    "applied, on_disk, unapplied",
    [
        ({"shop.0001_initial"}, {"0001_initial": "", "0002_price": ""}, ["shop.0002_price"]),
        ({"shop.0001_initial", "shop.0002_price"}, {"0001_initial": "", "0002_price": ""}, []),
        (set(), {"0001_initial": ""}, ["shop.0001_initial"]),
        # a squashed migration is applied when all it replaces is, and the other way round
        ({"shop.0001_initial", "shop.0002_price"}, {"0001_squashed_0002": SQUASHED}, []),
        ({"shop.0001_squashed_0002"}, {"0001_initial": "", "0002_price": "", "0001_squashed_0002": SQUASHED}, []),
        ({"shop.0001_initial"}, {"0001_squashed_0002": SQUASHED}, ["shop.0001_squashed_0002"]),
        # Django's loader skips modules whose names start with _ or ~
        (set(), {"_helpers": "", "~0001_backup": ""}, []),
    ],
)
def test_unapplied_migrations(tmp_path, applied, on_disk, unapplied):
    models = _app(tmp_path, "apps/shop", on_disk)
    found = unapplied_migrations(tmp_path, (models,), applied)
    assert [d.message.split()[1] for d in found] == unapplied
    assert all(d.kind == "unapplied-migration" and d.location.path.startswith("apps/shop/migrations/") for d in found)


def test_the_app_label_comes_from_apps_py(tmp_path):
    apps_py = "from django.apps import AppConfig\n\nclass C(AppConfig):\n    name = 'apps.shop'\n    label = 'store'\n"
    models = _app(tmp_path, "apps/shop", {"0001_initial": ""}, apps_py)
    assert unapplied_migrations(tmp_path, (models,), {"store.0001_initial"}) == []
    found = unapplied_migrations(tmp_path, (models,), {"shop.0001_initial"})
    assert [d.message.split()[1] for d in found] == ["store.0001_initial"]


def test_a_models_package_finds_its_apps_migrations(tmp_path):
    _app(tmp_path, "shop", {"0001_initial": ""})
    (tmp_path / "shop" / "models").mkdir()
    (tmp_path / "shop" / "models" / "stock.py").write_text("")
    found = unapplied_migrations(tmp_path, ("shop/models/stock.py",), set())
    assert [d.location.path for d in found] == ["shop/migrations/0001_initial.py"]


@pytest.mark.parametrize(
    "conninfo, message",
    [
        ("postgresql://alice:hunter2@db/x", 'missing "=" after "postgresql://alice:hunter2@db/x"'),
        ("host=db password=hunter2 user=alice", "bad value near password=hunter2"),
        ("host=db password='hun ter2'", "near 'hun ter2' and hun ter2"),
    ],
)
def test_redact_removes_the_password(conninfo, message):
    redacted = redact(message, conninfo)
    assert "hunter2" not in redacted and "hun ter2" not in redacted and "****" in redacted


@pytest.mark.parametrize(
    "name, implicit",
    [
        ("stocks_pkey", True),
        ("stocks_symbol_key", True),
        ("stocks_symbol_e83edf1e_like", True),
        ("collection_jobs_stock_id_02219251_fk_stocks_id", True),
        ("ix_stocks_symbol", True),
        ("idx_stocks_market_cap", False),
        ("uniq_snapshot_stock_time", False),
    ],
)
def test_names_nobody_wrote_are_implicit(name, implicit):
    assert implicit_name(name, "stocks" if "stock_id" not in name else "collection_jobs") is implicit


def test_config_keys():
    values = parse_table(
        {
            "database-schemas": ["public", "billing"],
            "database-timeout": 5,
            "database-snapshot": "ci/prod.json",
            "mirrors": ["database"],
        },
        "pyproject.toml",
    )
    assert values == {
        "database_schemas": ("public", "billing"),
        "database_timeout": 5,
        "database_snapshot": "ci/prod.json",
        "mirrors": ("database",),
    }
    with pytest.raises(ConfigError, match="'source-of-truth' must be one of django, sqlalchemy, sql"):
        parse_table({"source-of-truth": "database"}, "pyproject.toml")
    with pytest.raises(ConfigError, match="unknown key 'database-url'"):
        parse_table({"database-url": "postgresql://"}, "pyproject.toml")

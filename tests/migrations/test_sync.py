"""Sync fidelity: model-only changes to fixtures/bifrost (which is in sync with its migrations)
that real `makemigrations --check --dry-run` says need a migration (exit 1) are each reported
as SL501 at the changed model; changes it ignores (a method, a property, a docstring, a
comment) give no SL5 finding. Then all changes at once are written as migrations by real
`makemigrations` and applied by real `migrate`, and `dump --source migrations` equals the
database (replay of AddField/RemoveField/AlterField/AddIndex/... written by Django itself).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from schemalint.config import Config
from schemalint.engine import run_check
from tests.differential.test_bifrost import FIXTURES

OPTIONS = "app_django/apps/options/models.py"
STRATEGIES = "app_django/apps/strategies/models.py"


@dataclass(frozen=True)
class Mutation:
    id: str
    path: str
    old: str
    new: str
    message: str = ""
    """A substring of an SL501 finding at `path` (empty: a negative control, no finding)."""
    line_of: str | None = None
    """The finding is on the line of the mutated file that contains this text."""


MUTATIONS = [
    Mutation(
        "add-field",
        OPTIONS,
        "    is_active = models.BooleanField(default=True, db_default=True)\n",
        "    beta = models.FloatField(null=True)\n    is_active = models.BooleanField(default=True, db_default=True)\n",
        "options.Stock.beta is not in migrations (latest options/0002_add_market_cap)",
        "beta =",
    ),
    Mutation(
        "remove-field",
        OPTIONS,
        "    put_call_ratio = models.FloatField(null=True, blank=True)\n",
        "",
        "options.OptionSnapshot.put_call_ratio is in migrations but not in the model",
        "class OptionSnapshot",
    ),
    Mutation(
        "max-length",
        OPTIONS,
        "name = models.CharField(max_length=200)",
        "name = models.CharField(max_length=250)",
        "options.Stock.name differs from migrations (type)",
        "max_length=250",
    ),
    Mutation(
        "null",
        OPTIONS,
        "expiration = models.DateField()",
        "expiration = models.DateField(null=True)",
        "options.OptionContract.expiration differs from migrations (nullable)",
        "expiration =",
    ),
    Mutation(
        "db-default",
        OPTIONS,
        "BigIntegerField(default=0, db_default=0)",
        "BigIntegerField(default=0, db_default=1)",
        "options.OptionSnapshot.total_volume differs from migrations (default)",
        "total_volume =",
    ),
    Mutation(
        "add-index",
        OPTIONS,
        '            models.Index(fields=["market_cap"], name="idx_stocks_market_cap"),\n',
        '            models.Index(fields=["market_cap"], name="idx_stocks_market_cap"),\n'
        '            models.Index(fields=["name"], name="idx_stocks_name"),\n',
        "options.Stock: index idx_stocks_name is not in migrations",
        'name="idx_stocks_name"',
    ),
    Mutation(
        "add-constraint",
        OPTIONS,
        '            models.UniqueConstraint(fields=["stock", "captured_at"], name="uniq_snapshot_stock_time"),\n',
        '            models.UniqueConstraint(fields=["stock", "captured_at"], name="uniq_snapshot_stock_time"),\n'
        '            models.CheckConstraint(condition=Q(total_volume__gte=0), name="chk_volume_positive"),\n',
        "options.OptionSnapshot: constraint chk_volume_positive is not in migrations",
        "chk_volume_positive",
    ),
    Mutation(
        "add-model",
        STRATEGIES,
        "class MarketCondition(models.Model):",
        "class Benchmark(models.Model):\n    code = models.CharField(max_length=8)\n\n\nclass MarketCondition(models.Model):",
        "strategies.Benchmark (table strategies_benchmark) is not in migrations",
        "class Benchmark",
    ),
    Mutation(
        "delete-model",
        STRATEGIES,
        "class MarketCondition(models.Model):",
        "class MarketCondition:",
        "strategies.MarketCondition (table market_conditions) is in migrations but not in the models",
    ),
    Mutation(
        "db-table",
        OPTIONS,
        'db_table = "option_contracts"',
        'db_table = "option_contract"',
        "options.OptionContract's table is option_contract in the model, option_contracts in migrations",
        "class OptionContract",
    ),
    Mutation(
        "unique",
        OPTIONS,
        "contract_symbol = models.CharField(max_length=32, unique=True)",
        "contract_symbol = models.CharField(max_length=32)",
        "constraint option_contracts_contract_symbol_key is in migrations but not in the model",
    ),
    Mutation(
        "on-delete",
        OPTIONS,
        "stock = models.ForeignKey(Stock, on_delete=models.PROTECT",
        "stock = models.ForeignKey(Stock, on_delete=models.CASCADE",
        "options.OptionContract: foreign key option_contracts_stock_id_d11cfa46_fk_stocks_id is not in migrations",
        'on_delete=models.CASCADE, related_name="contracts")\n    contract',
    ),
    # Negative controls: Python-only changes.
    Mutation(
        "method",
        OPTIONS,
        "    def __str__(self):\n        return self.symbol\n",
        "    def __str__(self):\n        return self.symbol\n\n    def label(self):\n        return self.name\n",
    ),
    Mutation(
        "property",
        OPTIONS,
        "    def __str__(self):\n        return self.symbol\n",
        "    def __str__(self):\n        return self.symbol\n\n    @property\n    def spread(self):\n        return 1\n",
    ),
    Mutation(
        "docstring", OPTIONS, "class Stock(models.Model):\n", 'class Stock(models.Model):\n    """An underlying."""\n\n'
    ),
    Mutation(
        "comment",
        OPTIONS,
        "    name = models.CharField(max_length=200)\n",
        "    # the company's name\n    name = models.CharField(max_length=200)\n",
    ),
]

_SETTINGS = """
from bifrost.settings import *  # noqa: F401,F403
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
"""


def _django(project: Path, settings: Path, *command: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="sync_test_settings",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONPATH=os.pathsep.join([str(settings), str(project / "app_django")]),
    )
    return subprocess.run(
        [sys.executable, "-m", "django", *command],
        cwd=project / "app_django",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _mutated(tmp_path: Path, mutations: list[Mutation]) -> tuple[Path, Path]:
    project = tmp_path / "bifrost"
    shutil.copytree(FIXTURES / "bifrost", project, ignore=shutil.ignore_patterns("__pycache__", ".schemalint_cache"))
    for mutation in mutations:
        path = project / mutation.path
        text = path.read_text()
        assert mutation.old in text, mutation.id
        path.write_text(text.replace(mutation.old, mutation.new, 1))
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "sync_test_settings.py").write_text(textwrap.dedent(_SETTINGS))
    return project, settings


def _sl5(project: Path) -> list:
    result = run_check(Config(root=project, select=("SL5",)), use_cache=False)
    assert not result.errors, result.errors
    return result.findings


def test_bifrost_is_in_sync():
    assert _sl5(FIXTURES / "bifrost") == []


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_model_only_change(mutation: Mutation, tmp_path: Path):
    project, settings = _mutated(tmp_path, [mutation])
    django = _django(project, settings, "makemigrations", "--check", "--dry-run")
    assert django.returncode == (1 if mutation.message else 0), django.stdout + django.stderr
    findings = _sl5(project)
    if not mutation.message:
        assert findings == []
        return
    shown = "\n".join(str(f) for f in findings)
    matching = [f for f in findings if f.code == "SL501" and f.path == mutation.path and mutation.message in f.message]
    assert matching, shown
    if mutation.line_of is not None:
        text = (project / mutation.path).read_text()
        line = text[: text.index(mutation.line_of)].count("\n") + 1
        assert line in {f.line for f in matching}, shown


@pytest.mark.postgres
def test_migrations_django_writes_for_the_changes_replay_exactly(pg, tmp_path: Path):
    from tests.differential.test_bifrost import build_with_django
    from tests.differential.test_migrations_differential import migrations_dump
    from tests.support.catalog import compare_catalogs

    project, settings = _mutated(tmp_path, [m for m in MUTATIONS if m.message])
    done = _django(project, settings, "makemigrations")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _sl5(project) == []  # in sync again
    catalog = build_with_django(pg, project, "migrations_sync", tmp_path)
    dumped = migrations_dump(project)
    assert not dumped["diagnostics"], dumped["diagnostics"]
    # names=False: the names nobody wrote (Django's `<table>_<column>_<hash>` index and key
    # names) are compared by content. A database keeps the names its objects got before a
    # migration renamed the table (the db-table change); the replay names them after the final
    # state, a documented limitation. Written names must still be equal.
    agreement = compare_catalogs(dumped, catalog, names=False, comments=True, labels=("schemalint", "postgres"))
    print(
        f"\nmigrations differential (bifrost + {len(MUTATIONS)} changes): {agreement.agreeing}/{agreement.compared} facts agree"
    )
    assert not agreement.differences, str(agreement)

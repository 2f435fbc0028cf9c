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
COLLECTION = "app_django/apps/data_collection/models.py"


@dataclass(frozen=True)
class Mutation:
    id: str
    path: str
    old: str
    new: str
    message: str = ""
    """A substring of a `code` finding at `path` (empty: a negative control, no finding)."""
    line_of: str | None = None
    """The finding is on the line of the mutated file that contains this text."""
    code: str = "SL501"
    """SL501 for a schema difference, SL504 for a state-only one."""
    also: tuple[tuple[str, str], ...] = ()
    """Further (old, new) replacements in the same file (an import the change needs)."""


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
        "options.OptionContract: foreign key option_contracts_stock_id_d11cfa46_fk_stocks_id differs from migrations"
        " (on_delete)",
        'on_delete=models.CASCADE, related_name="contracts")\n    contract',
    ),
    Mutation(
        "field-type",
        STRATEGIES,
        "regime = models.CharField(max_length=20, db_index=True)",
        "regime = models.TextField(db_index=True)",
        "strategies.MarketCondition.regime differs from migrations (type)",
        "regime =",
    ),
    Mutation(
        "db-index-add",
        STRATEGIES,
        "strategy_name = models.CharField(max_length=50)",
        "strategy_name = models.CharField(max_length=50, db_index=True)",
        "strategies.StrategyHistory: index strategy_history_strategy_name_",
        "strategy_name =",
    ),
    Mutation(
        "db-index-remove",
        STRATEGIES,
        "evaluated_at = models.DateTimeField(db_index=True)",
        "evaluated_at = models.DateTimeField()",
        "index strategy_history_evaluated_at_",
    ),
    Mutation(
        "db-column",
        COLLECTION,
        "job_type = models.CharField(max_length=50)",
        'job_type = models.CharField(max_length=50, db_column="kind")',
        "data_collection.CollectionJob.kind is not in migrations",
        "job_type =",
    ),
    Mutation(
        "db-comment",
        OPTIONS,
        "captured_at = models.DateTimeField()",
        'captured_at = models.DateTimeField(db_comment="When the chain was pulled")',
        "options.OptionSnapshot.captured_at differs from migrations (comment)",
        "captured_at =",
    ),
    Mutation(
        "table-comment",
        STRATEGIES,
        'db_table_comment = "Daily market regime, one row per trading day"',
        'db_table_comment = "Daily market regime"',
        "strategies.MarketCondition's table comment differs from migrations",
        "class MarketCondition",
    ),
    Mutation(
        "decimal-precision",
        STRATEGIES,
        "vix = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)",
        "vix = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)",
        "strategies.MarketCondition.vix differs from migrations (type)",
        "vix =",
    ),
    Mutation(
        "add-foreign-key",
        STRATEGIES,
        "    created_at = models.DateTimeField(auto_now_add=True)\n",
        "    created_at = models.DateTimeField(auto_now_add=True)\n"
        '    snapshot = models.ForeignKey("options.OptionSnapshot", on_delete=models.SET_NULL, null=True)\n',
        "strategies.StrategyHistory.snapshot_id is not in migrations",
        "snapshot =",
    ),
    Mutation(
        "foreign-key-target",
        COLLECTION,
        '"options.Stock", on_delete=models.SET_NULL',
        '"strategies.StrategyHistory", on_delete=models.SET_NULL',
        "data_collection.CollectionJob: foreign key collection_jobs_stock_id_",
    ),
    Mutation(
        "add-many-to-many",
        OPTIONS,
        "    sector = models.CharField(max_length=100, null=True, blank=True)\n",
        "    sector = models.CharField(max_length=100, null=True, blank=True)\n"
        '    peers = models.ManyToManyField("self", blank=True)\n',
        "stocks_peers) is not in migrations",
    ),
    Mutation(
        "remove-index",
        OPTIONS,
        '            models.Index(fields=["sector", "is_active"], name="idx_stocks_sector_active"),\n',
        "",
        "options.Stock: index idx_stocks_sector_active is in migrations but not in the model",
    ),
    Mutation(
        "index-fields",
        OPTIONS,
        'models.Index(fields=["expiration", "strike"], name="idx_contracts_exp_strike")',
        'models.Index(fields=["expiration"], name="idx_contracts_exp_strike")',
        "options.OptionContract: index idx_contracts_exp_strike differs from migrations (columns",
        "idx_contracts_exp_strike",
    ),
    Mutation(
        "index-condition",
        OPTIONS,
        "condition=Q(open_interest__gt=0)",
        "condition=Q(open_interest__gt=10)",
        "options.OptionContract: index idx_contracts_open_type differs from migrations (where)",
    ),
    Mutation(
        "remove-constraint",
        COLLECTION,
        '        constraints = [\n            models.CheckConstraint(\n                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),\n                name="chk_collection_jobs_finished_after_start",\n            ),\n        ]\n',
        "",
        "constraint chk_collection_jobs_finished_after_start is in migrations but not in the model",
    ),
    Mutation(
        "unique-together",
        STRATEGIES,
        '        db_table = "market_conditions"\n',
        '        db_table = "market_conditions"\n        unique_together = [("regime", "recorded_at")]\n',
        "strategies.MarketCondition: constraint market_conditions_regime_recorded_at_",
    ),
    Mutation(
        "not-null",
        OPTIONS,
        "sector = models.CharField(max_length=100, null=True, blank=True)",
        "sector = models.CharField(max_length=100, blank=True)",
        "options.Stock.sector differs from migrations (nullable)",
        "sector =",
    ),
    Mutation(
        "db-default-add",
        STRATEGIES,
        "recommended = models.BooleanField(default=False)",
        "recommended = models.BooleanField(default=False, db_default=False)",
        "strategies.StrategyHistory.recommended differs from migrations (default)",
        "recommended =",
    ),
    Mutation(
        "remove-foreign-key",
        OPTIONS,
        '    snapshot = models.ForeignKey(OptionSnapshot, on_delete=models.CASCADE, related_name="contracts")\n',
        "",
        "options.OptionContract.snapshot_id is in migrations but not in the model",
    ),
    Mutation(
        "generated-field",
        OPTIONS,
        "    greeks = models.JSONField(default=dict, blank=True)\n",
        "    greeks = models.JSONField(default=dict, blank=True)\n"
        '    spread = models.GeneratedField(expression=models.F("ask") - models.F("bid"),'
        " output_field=models.DecimalField(max_digits=12, decimal_places=4), db_persist=True)\n",
        "options.OptionContract.spread is not in migrations",
        "spread =",
    ),
    Mutation(
        "order-with-respect-to",
        OPTIONS,
        '        db_table = "option_snapshots"\n',
        '        db_table = "option_snapshots"\n        order_with_respect_to = "stock"\n',
        "options.OptionSnapshot._order is not in migrations",
    ),
    # State-only differences: a migration for them, no schema change (SL504).
    Mutation(
        "choices-added",
        OPTIONS,
        'PUT = "put", "Put"\n',
        'PUT = "put", "Put"\n        BOTH = "both", "Both"\n',
        "options.OptionContract.option_type: choices differs from migrations (state only",
        "option_type =",
        code="SL504",
    ),
    Mutation(
        "choice-label",
        COLLECTION,
        'PENDING = "pending"\n',
        'PENDING = "pending", "Waiting"\n',
        "data_collection.CollectionJob.status: choices differs",
        "status =",
        code="SL504",
    ),
    Mutation(
        "help-text",
        OPTIONS,
        "market_cap = models.BigIntegerField(null=True, blank=True)",
        'market_cap = models.BigIntegerField(null=True, blank=True, help_text="In dollars")',
        "options.Stock.market_cap: help_text differs",
        "market_cap =",
        code="SL504",
    ),
    Mutation(
        "verbose-name",
        OPTIONS,
        "underlying_price = models.DecimalField(max_digits=12, decimal_places=4)",
        'underlying_price = models.DecimalField("underlying", max_digits=12, decimal_places=4)',
        "options.OptionSnapshot.underlying_price: verbose_name differs",
        "underlying_price =",
        code="SL504",
    ),
    Mutation(
        "blank",
        STRATEGIES,
        "parameters = models.JSONField(default=dict)",
        "parameters = models.JSONField(default=dict, blank=True)",
        "strategies.StrategyHistory.parameters: blank differs",
        "parameters =",
        code="SL504",
    ),
    Mutation(
        "python-default",
        COLLECTION,
        "records_collected = models.IntegerField(default=0, db_default=0)",
        "records_collected = models.IntegerField(default=1, db_default=0)",
        "data_collection.CollectionJob.records_collected: default differs",
        "records_collected =",
        code="SL504",
    ),
    Mutation(
        "add-field-with-default",
        STRATEGIES,
        "    created_at = models.DateTimeField(auto_now_add=True)\n",
        "    created_at = models.DateTimeField(auto_now_add=True)\n    weight = models.IntegerField(default=1)\n",
        "strategies.StrategyHistory.weight is not in migrations",
    ),
    Mutation(
        "related-name",
        STRATEGIES,
        'related_name="strategy_runs"',
        'related_name="strategy_evaluations"',
        "strategies.StrategyHistory.stock: related_name differs",
        "stock =",
        code="SL504",
    ),
    Mutation(
        "ordering",
        OPTIONS,
        'ordering = ["symbol"]',
        'ordering = ["-symbol"]',
        "options.Stock: Meta.ordering differs",
        "ordering =",
        code="SL504",
    ),
    Mutation(
        "verbose-name-plural",
        STRATEGIES,
        'verbose_name_plural = "strategy history"',
        'verbose_name_plural = "strategy histories"',
        "strategies.StrategyHistory: Meta.verbose_name_plural differs",
        "verbose_name_plural =",
        code="SL504",
    ),
    Mutation(
        "get-latest-by",
        OPTIONS,
        'get_latest_by = "captured_at"',
        'get_latest_by = "created_at"',
        "options.OptionSnapshot: Meta.get_latest_by differs",
        "get_latest_by =",
        code="SL504",
    ),
    Mutation(
        "permissions",
        STRATEGIES,
        '        db_table = "strategy_history"\n',
        '        db_table = "strategy_history"\n        permissions = [("rerun", "Can rerun a strategy")]\n',
        "strategies.StrategyHistory: Meta.permissions differs",
        "permissions =",
        code="SL504",
    ),
    Mutation(
        "editable",
        STRATEGIES,
        'notes = models.TextField(blank=True, default="")',
        'notes = models.TextField(blank=True, default="", editable=False)',
        "strategies.StrategyHistory.notes: editable differs",
        "notes =",
        code="SL504",
    ),
    Mutation(
        "limit-choices-to",
        OPTIONS,
        'stock = models.ForeignKey(Stock, on_delete=models.CASCADE, related_name="snapshots")',
        'stock = models.ForeignKey(Stock, on_delete=models.CASCADE, related_name="snapshots",'
        ' limit_choices_to={"is_active": True})',
        "options.OptionSnapshot.stock: limit_choices_to differs",
        "limit_choices_to",
        code="SL504",
    ),
    Mutation(
        "error-messages",
        STRATEGIES,
        "date = models.DateField(unique=True)",
        'date = models.DateField(unique=True, error_messages={"unique": "One row per day"})',
        "strategies.MarketCondition.date: error_messages differs",
        "date =",
        code="SL504",
    ),
    Mutation(
        "field-validators",
        OPTIONS,
        "volume = models.PositiveIntegerField(null=True, blank=True)",
        "volume = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(10**9)])",
        "options.OptionContract.volume: validators differs",
        "validators=[",
        code="SL504",
        also=(
            (
                "from django.db.models import Q\n",
                "from django.core.validators import MaxValueValidator\nfrom django.db.models import Q\n",
            ),
        ),
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
        "defaults-spelled-out",
        STRATEGIES,
        "strategy_name = models.CharField(max_length=50)",
        "strategy_name = models.CharField(max_length=50, null=False, blank=False, editable=True, help_text='')",
    ),
    Mutation(
        "choices-as-literal",
        OPTIONS,
        "choices=OptionType.choices",
        'choices=[("call", "Call"), ("put", "Put")]',
    ),
    Mutation("default-as-value", COLLECTION, "default=Status.PENDING,", 'default="pending",'),
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
        for old, new in ((mutation.old, mutation.new), *mutation.also):
            assert old in text, mutation.id
            text = text.replace(old, new, 1)
        path.write_text(text)
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "sync_test_settings.py").write_text(textwrap.dedent(_SETTINGS))
    return project, settings


def _sl5(project: Path) -> list:
    result = run_check(Config(root=project, select=("SL5",)), use_cache=False)
    assert not result.errors, result.errors
    return result.findings


def test_the_sweep_has_forty_changes_of_every_kind():
    changes = [m for m in MUTATIONS if m.message]
    assert len(changes) >= 40
    assert {m.code for m in changes} == {"SL501", "SL504"}
    assert len({m.id for m in MUTATIONS}) == len(MUTATIONS)


def test_bifrost_is_in_sync():
    assert _sl5(FIXTURES / "bifrost") == []


# The first six changes and the Python-only controls run every time; the rest of the sweep is
# slow (CI runs it).
_EVERYDAY = {m.id for m in MUTATIONS[:6]} | {m.id for m in MUTATIONS if not m.message}


@pytest.mark.parametrize(
    "mutation",
    [pytest.param(m, id=m.id, marks=() if m.id in _EVERYDAY else pytest.mark.slow) for m in MUTATIONS],
)
def test_model_only_change(mutation: Mutation, tmp_path: Path):
    project, settings = _mutated(tmp_path, [mutation])
    django = _django(project, settings, "makemigrations", "--check", "--dry-run")
    assert django.returncode == (1 if mutation.message else 0), django.stdout + django.stderr
    findings = _sl5(project)
    if not mutation.message:
        assert findings == []
        return
    shown = "\n".join(str(f) for f in findings)
    matching = [
        f for f in findings if f.code == mutation.code and f.path == mutation.path and mutation.message in f.message
    ]
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
    done = _django(project, settings, "makemigrations", "--noinput")
    assert done.returncode == 0, done.stdout + done.stderr
    found = _sl5(project)
    assert found == [], "\n".join(str(f) for f in found)  # in sync again
    catalog = build_with_django(pg, project, "migrations_sync", tmp_path)
    dumped = migrations_dump(project)
    assert not dumped["diagnostics"], dumped["diagnostics"]
    # Names compared too: the names nobody wrote (Django's `<table>_<column>_<hash>`) keep,
    # after the db-table change renamed a table, the names they were made with.
    agreement = compare_catalogs(dumped, catalog, names=True, comments=True, labels=("schemalint", "postgres"))
    print(
        f"\nmigrations differential (bifrost + {len(MUTATIONS)} changes): {agreement.agreeing}/{agreement.compared} facts agree"
    )
    assert not agreement.differences, str(agreement)


@pytest.mark.parametrize("select, read", [(("SL5",), {"django", "migrations"}), (("SL501", "SL2"), None)])
def test_only_the_sources_the_selected_rules_look_at_are_read(tmp_path: Path, select, read):
    """`check --select SL5` (the hook that replaces `makemigrations --check`) reads the models
    and the migrations only: a schema.sql and a SQLAlchemy module that do not even parse are
    not read, and the SL5 findings are those of a full run."""
    project, _ = _mutated(tmp_path, [MUTATIONS[0]])
    for mirror in ("scripts/database/schema.sql", "src/database/models.py"):
        path = project / mirror
        path.write_text(path.read_text() + ("CREATE TABLE (\n" if mirror.endswith(".sql") else "class (\n"))
    full = run_check(Config(root=project), use_cache=False)
    assert {"SL001", "SL501"} <= {f.code for f in full.findings}

    result = run_check(Config(root=project, select=select), use_cache=False)
    assert not result.errors, result.errors
    assert set(result.schemas) == {"django", "migrations", "sqlalchemy", "sql"}  # the report knows every file
    tables = {source for source, schema in result.schemas.items() if schema.tables}
    assert tables == (read or {"django", "migrations", "sql"})  # the broken module's tables: none
    assert result.findings == [f for f in full.findings if f.code.startswith(select)]

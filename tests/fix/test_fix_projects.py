"""`check --fix` on drifted projects, proven the way the issue asks.

Each case starts from `fixtures/bifrost` (in sync), drifts one or more mirror files the way
people drift them (a column dropped, a type narrowed, an index forgotten, ...), checks that
schemalint sees the drift, then runs `fix_project(..., unsafe=True)` and requires:

* a second check finds nothing (what is left is only what has no writer: listed per case);
* the Django files are byte-identical (the source of truth is never written);
* a second `--fix` changes nothing (fixes converge and are idempotent);
* (slow, real PostgreSQL) Django's `migrate`, SQLAlchemy's `create_all` of the fixed models
  and psql of the fixed schema.sql, run twice, build the same catalog.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalint.config import load_config
from schemalint.engine import run_check
from schemalint.fix.apply import fix_project

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SA = "src/database/models.py"
SQL = "scripts/database/schema.sql"


def _block(rel: str, start: str, end: str) -> str:
    """The fixture's text from `start` up to (not including) `end`."""
    text = (FIXTURES / "bifrost" / rel).read_text()
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


# (id, file, old text, new text, the code the drift must produce)
DRIFTS: list[tuple[str, str, str, str, str]] = [
    # --- SQLAlchemy
    ("sa-missing-column", SA, "    sector = Column(String(100), nullable=True)\n", "", "SL201"),
    (
        "sa-missing-mapped-column",
        SA,
        "    put_call_ratio: Mapped[Optional[float]] = mapped_column(Float)\n",
        "",
        "SL201",
    ),
    (
        "sa-extra-column",
        SA,
        "    error_message = Column(Text, nullable=True)\n",
        "    error_message = Column(Text, nullable=True)\n    retry_count = Column(Integer, nullable=True)\n",
        "SL202",
    ),
    (
        "sa-type",
        SA,
        "    name = Column(String(200), nullable=False)\n",
        "    name = Column(String(120), nullable=False)\n",
        "SL203",
    ),
    (
        "sa-nullable",
        SA,
        "underlying_price: Mapped[Decimal] = mapped_column(Numeric(12, 4))",
        "underlying_price: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 4))",
        "SL204",
    ),
    (
        "sa-not-null",
        SA,
        "    sector = Column(String(100), nullable=True)\n",
        "    sector = Column(String(100), nullable=False)\n",
        "SL204",
    ),
    ("sa-default", SA, 'server_default="pending"', 'server_default="queued"', "SL206"),
    ("sa-comment", SA, ', comment="Exchange ticker, upper case"', "", "SL209"),
    ("sa-missing-index", SA, '        Index("idx_contracts_exp_strike", "expiration", "strike"),\n', "", "SL301"),
    ("sa-table-name", SA, '__tablename__ = "strategy_history"', '__tablename__ = "strategy_histories"', "SL103"),
    (
        "sa-on-delete",
        SA,
        'ForeignKey("stocks.id", deferrable=True, initially="DEFERRED"), nullable=True',
        'ForeignKey("stocks.id", deferrable=True, initially="DEFERRED", ondelete="CASCADE"), nullable=True',
        "SL207",
    ),
    ("sa-missing-table", SA, _block(SA, "class MarketCondition(Base):", "# --- apps.data_collection"), "", "SL101"),
    (
        "sa-extra-table",
        SA,
        "# --- apps.data_collection",
        'class AuditLog(Base):\n    __tablename__ = "audit_log"\n\n'
        "    id = Column(BigInteger, Identity(), primary_key=True)\n\n\n# --- apps.data_collection",
        "SL102",
    ),
    # --- schema.sql
    (
        "sql-missing-table",
        SQL,
        _block(
            SQL,
            "CREATE TABLE IF NOT EXISTS market_conditions (",
            "-- -----------------------------------------------------------------------------\n-- data_collection",
        ),
        "",
        "SL101",
    ),
    (
        "sql-extra-table",
        SQL,
        "-- -----------------------------------------------------------------------------\n-- data_collection",
        "CREATE TABLE IF NOT EXISTS audit_log (id BIGINT PRIMARY KEY);\n\n"
        "-- -----------------------------------------------------------------------------\n-- data_collection",
        "SL102",
    ),
    ("sql-missing-column", SQL, "    advancers    INTEGER,\n", "", "SL201"),
    (
        "sql-extra-column",
        SQL,
        "    error_message      TEXT,\n",
        "    error_message      TEXT,\n    retry_count        INTEGER,\n",
        "SL202",
    ),
    ("sql-type", SQL, "    name        VARCHAR(200) NOT NULL,\n", "    name        VARCHAR(255) NOT NULL,\n", "SL203"),
    (
        "sql-numeric",
        SQL,
        "    strike           NUMERIC(12, 4) NOT NULL,\n",
        "    strike           NUMERIC(10, 2) NOT NULL,\n",
        "SL203",
    ),
    (
        "sql-nullable",
        SQL,
        "    job_type           VARCHAR(50) NOT NULL,\n",
        "    job_type           VARCHAR(50),\n",
        "SL204",
    ),
    ("sql-default", SQL, "DEFAULT 'NASDAQ'", "DEFAULT 'NYSE'", "SL206"),
    (
        "sql-comment",
        SQL,
        "COMMENT ON COLUMN option_snapshots.raw_chain IS 'Provider payload, kept for replays';\n",
        "",
        "SL209",
    ),
    (
        "sql-missing-index",
        SQL,
        "CREATE INDEX IF NOT EXISTS idx_contracts_exp_strike ON option_contracts (expiration, strike);\n",
        "",
        "SL301",
    ),
    (
        "sql-extra-index",
        SQL,
        "CREATE INDEX IF NOT EXISTS idx_strategy_name_time ON strategy_history (strategy_name, evaluated_at);\n",
        "CREATE INDEX IF NOT EXISTS idx_strategy_name_time ON strategy_history (strategy_name, evaluated_at);\n"
        "CREATE INDEX IF NOT EXISTS idx_strategy_score ON strategy_history (score);\n",
        "SL302",
    ),
    (
        "sql-not-idempotent",
        SQL,
        "CREATE INDEX IF NOT EXISTS idx_strategy_name_time",
        "CREATE INDEX idx_strategy_name_time",
        "SL401",
    ),
    ("sql-stale-noqa", SQL, "    decliners    INTEGER,\n", "    decliners    INTEGER,  -- noqa: SL204\n", "SL010"),
]

# Several drifts at once, across both mirrors.
COMBINED = {
    "sa-all-columns": ["sa-missing-column", "sa-extra-column", "sa-type", "sa-nullable", "sa-default", "sa-comment"],
    "sql-all-columns": [
        "sql-missing-column",
        "sql-extra-column",
        "sql-type",
        "sql-nullable",
        "sql-default",
        "sql-comment",
    ],
    "both-mirrors": [
        "sa-missing-column",
        "sa-missing-index",
        "sa-on-delete",
        "sql-numeric",
        "sql-missing-index",
        "sql-not-idempotent",
        "sql-stale-noqa",
    ],
}
BY_ID = {d[0]: d for d in DRIFTS}


def drifted_project(tmp_path: Path, ids: list[str]) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "bifrost", project, ignore=shutil.ignore_patterns("__pycache__", ".schemalint_cache"))
    for drift_id in ids:
        _, rel, old, new, _ = BY_ID[drift_id]
        path = project / rel
        text = path.read_text()
        assert text.count(old) == 1, f"{drift_id}: {old!r} must occur once in {rel}"
        path.write_text(text.replace(old, new))
    return project


def _django_files(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes() for p in sorted((project / "app_django").rglob("*.py"))}


def fixed(project: Path):
    config = load_config(project)
    django_before = _django_files(project)
    outcome = fix_project(config, unsafe=True, use_cache=False)
    assert outcome.problems == [], outcome.problems
    assert _django_files(project) == django_before, "the source of truth was written"
    return config, outcome


# The everyday run fixes one drift of each kind of change per mirror; CI fixes every one (and
# proves every fixed project in PostgreSQL below).
EVERYDAY = {"sa-missing-column", "sa-type", "sa-missing-table", "sql-missing-column", "sql-nullable", "sql-stale-noqa"}


@pytest.mark.parametrize(
    "drift", [d[0] if d[0] in EVERYDAY else pytest.param(d[0], marks=pytest.mark.slow) for d in DRIFTS]
)
def test_one_drift_is_fixed(tmp_path, drift):
    project = drifted_project(tmp_path, [drift])
    config = load_config(project)
    before = run_check(config, use_cache=False).findings
    assert BY_ID[drift][4] in {f.code for f in before}, [str(f) for f in before]
    _, outcome = fixed(project)
    assert outcome.changed, "nothing was written"
    assert [f"{f.path}:{f.line}: {f.code} {f.message}" for f in run_check(config, use_cache=False).findings] == []
    again = fix_project(config, unsafe=True, use_cache=False)
    assert again.changed == [], again.diff()


@pytest.mark.parametrize("name", sorted(COMBINED))
def test_many_drifts_are_fixed(tmp_path, name):
    project = drifted_project(tmp_path, COMBINED[name])
    config, outcome = fixed(project)
    assert [f"{f.path}:{f.line}: {f.code} {f.message}" for f in run_check(config, use_cache=False).findings] == []
    assert fix_project(config, unsafe=True, use_cache=False).changed == []


def test_safe_fixes_leave_the_unsafe_ones(tmp_path):
    project = drifted_project(tmp_path, ["sa-missing-column", "sa-extra-column"])
    config = load_config(project)
    outcome = fix_project(config, use_cache=False)
    assert [f.code for f in outcome.result.findings] == ["SL202"]
    assert outcome.result.findings[0].fix is not None and outcome.result.findings[0].fix.applicability == "unsafe"


def test_diff_writes_nothing(tmp_path):
    project = drifted_project(tmp_path, ["sql-missing-column"])
    before = (project / SQL).read_text()
    outcome = fix_project(load_config(project), write=False, use_cache=False)
    assert (project / SQL).read_text() == before
    assert outcome.diff().startswith(f"--- a/{SQL}\n+++ b/{SQL}\n")
    assert "+ALTER TABLE" in outcome.diff() or "+    sector" in outcome.diff()


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=st.lists(st.sampled_from([d[0] for d in DRIFTS]), min_size=2, max_size=8, unique=True))
def test_random_drifts_converge(tmp_path_factory, chosen):
    """Any mix of drifts (those that still apply after the ones before them): --fix converges,
    every mirror file stays readable, nothing is left and a second --fix writes nothing."""
    project = tmp_path_factory.mktemp("random") / "project"
    shutil.copytree(FIXTURES / "bifrost", project, ignore=shutil.ignore_patterns("__pycache__", ".schemalint_cache"))
    for drift_id in chosen:
        _, rel, old, new, _ = BY_ID[drift_id]
        text = (project / rel).read_text()
        if text.count(old) == 1:
            (project / rel).write_text(text.replace(old, new))
    config, outcome = fixed(project)
    remaining = outcome.result.findings
    assert [f"{f.path}:{f.line}: {f.code} {f.message}" for f in remaining] == []
    assert not any(f.code in ("SL001", "SL402", "SL403") for f in run_check(config, use_cache=False).findings)
    assert fix_project(config, unsafe=True, use_cache=False).changed == []


# --------------------------------------------------------------------------- real PostgreSQL


@pytest.fixture(scope="module")
def django_catalog(pg, tmp_path_factory):
    from tests.differential.test_bifrost import build_with_django

    return build_with_django(pg, FIXTURES / "bifrost", "fix_truth", tmp_path_factory.mktemp("fix_truth"))


def _database_name(name: str) -> str:
    return "fix_" + "".join(c if c.isalnum() else "_" for c in name)


def _proven_in_postgres(pg, project: Path, name: str, truth: dict) -> None:
    from tests.differential.test_bifrost import build_with_sqlalchemy, read_catalog, run_sql_file
    from tests.support.catalog import compare_catalogs

    sqlalchemy = build_with_sqlalchemy(pg, project, _database_name(f"{name}_sa"))
    dsn = pg.create_database(_database_name(f"{name}_sql"))
    run_sql_file(dsn, project / SQL)
    run_sql_file(dsn, project / SQL)  # the fixed file still runs twice
    for mirror, catalog in (("sqlalchemy", sqlalchemy), ("sql", read_catalog(dsn))):
        agreement = compare_catalogs(truth, catalog, names=False, comments=True, labels=("django", mirror))
        assert agreement.differences == [], f"{mirror}: {agreement}"


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("name", [d[0] for d in DRIFTS] + sorted(COMBINED) + ["bifrost-drifted"])
def test_fixed_mirrors_build_what_django_builds(pg, django_catalog, tmp_path, name):
    if name == "bifrost-drifted":
        project = tmp_path / "project"
        shutil.copytree(FIXTURES / name, project, ignore=shutil.ignore_patterns("__pycache__", ".schemalint_cache"))
    else:
        project = drifted_project(tmp_path, COMBINED.get(name, [name]))
    fixed(project)
    _proven_in_postgres(pg, project, name, django_catalog)

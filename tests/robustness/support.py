"""What the robustness tests share: a small in-sync project in the seed's layout, and a way to
run the real CLI in-process with a time bound that turns a hang into a test failure."""

from __future__ import annotations

import contextlib
import functools
import signal
import textwrap
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from schemalint import engine
from schemalint.cli import main

DJANGO_PATH = "app_django/apps/shop/models.py"
SQLALCHEMY_PATH = "src/database/models.py"
SQL_PATH = "scripts/database/schema.sql"

DJANGO = textwrap.dedent(
    '''\
    """Shop models."""
    from django.db import models


    class Stock(models.Model):
        """A listed stock."""

        symbol = models.CharField(max_length=10, unique=True)
        name = models.CharField(max_length=200, null=True, blank=True)
        price = models.DecimalField(max_digits=12, decimal_places=4, null=True)
        payload = models.JSONField(default=dict)
        created_at = models.DateTimeField(auto_now_add=True)

        class Meta:
            db_table = 'stocks'
            indexes = [models.Index(fields=['name'], name='idx_stocks_name')]


    class Quote(models.Model):
        stock = models.ForeignKey(Stock, on_delete=models.CASCADE, related_name='quotes')
        traded_on = models.DateField()
        volume = models.BigIntegerField(null=True)

        class Meta:
            db_table = 'quotes'
            constraints = [models.UniqueConstraint(fields=['stock', 'traded_on'], name='uq_quotes_day')]
    '''
)

SQLALCHEMY = textwrap.dedent(
    '''\
    """Mirror of the Django models."""
    from sqlalchemy import BigInteger, Column, Date, DateTime, ForeignKey, Index, Numeric, String, UniqueConstraint
    from sqlalchemy.dialects.postgresql import JSONB
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()


    class Stock(Base):
        """Stock (mirrors Django apps.shop.models.Stock)."""
        __tablename__ = 'stocks'

        id = Column(BigInteger, primary_key=True)
        symbol = Column(String(10), nullable=False, unique=True)
        name = Column(String(200), nullable=True)
        price = Column(Numeric(12, 4), nullable=True)
        payload = Column(JSONB, nullable=False)
        created_at = Column(DateTime(timezone=True), nullable=False)

        __table_args__ = (Index('idx_stocks_name', 'name'),)


    class Quote(Base):
        """Quote (mirrors Django apps.shop.models.Quote)."""
        __tablename__ = 'quotes'

        id = Column(BigInteger, primary_key=True)
        stock_id = Column(BigInteger, ForeignKey('stocks.id', ondelete='CASCADE'), nullable=False, index=True)
        traded_on = Column(Date, nullable=False)
        volume = Column(BigInteger, nullable=True)

        __table_args__ = (UniqueConstraint('stock_id', 'traded_on', name='uq_quotes_day'),)
    '''
)

SQL = textwrap.dedent(
    """\
    -- Reference schema.
    CREATE TABLE IF NOT EXISTS stocks (
        id BIGSERIAL PRIMARY KEY,
        symbol VARCHAR(10) NOT NULL UNIQUE,
        name VARCHAR(100),
        payload JSONB NOT NULL,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL
    );
    CREATE INDEX IF NOT EXISTS idx_stocks_name ON stocks (name);

    -- Version 1.1.0
    ALTER TABLE stocks ADD COLUMN IF NOT EXISTS price NUMERIC(12,4);
    ALTER TABLE stocks ALTER COLUMN name TYPE VARCHAR(200);

    CREATE TABLE IF NOT EXISTS quotes (
        id BIGSERIAL PRIMARY KEY,
        stock_id BIGINT NOT NULL REFERENCES stocks(id) ON DELETE CASCADE,
        traded_on DATE NOT NULL,
        volume BIGINT,
        CONSTRAINT uq_quotes_day UNIQUE (stock_id, traded_on)
    );
    CREATE INDEX IF NOT EXISTS idx_quotes_stock_id ON quotes (stock_id);
    """
)

SOURCES = {DJANGO_PATH: DJANGO, SQLALCHEMY_PATH: SQLALCHEMY, SQL_PATH: SQL}


def write_project(root: Path, files: dict[str, str | bytes] | None = None, *, base: bool = True) -> Path:
    """The in-sync project, with `files` written over it (None as a value removes a file)."""
    contents: dict[str, str | bytes | None] = dict(SOURCES) if base else {}
    contents.update(files or {})
    contents.setdefault("app_django/apps/shop/__init__.py", "")
    for rel, data in contents.items():
        path = root / rel
        if data is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return root


class Hang(Exception):
    """A run went past its time bound."""


@contextlib.contextmanager
def time_bound(seconds: float):
    """Raise `Hang` in the main thread if the block runs longer than `seconds`."""

    def expire(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


def run_cli(args: list[str], seconds: float = 20.0, env: dict[str, str] | None = None) -> Run:
    """`schemalint ARGS` in this process, as a user would see it."""
    runner = CliRunner(env=env)
    with time_bound(seconds):
        result = runner.invoke(main, args, catch_exceptions=True)
    exception = result.exception if not isinstance(result.exception, SystemExit) else None
    if isinstance(exception, Hang):
        raise exception
    return Run(result.exit_code, result.stdout, result.stderr, exception)


def assert_clean_run(run: Run) -> None:
    """Findings or nothing: exit 0 or 1, no traceback, no reader crash turned into SL001."""
    assert run.exception is None, f"traceback: {run.exception!r}"
    assert run.exit_code in (0, 1), f"exit {run.exit_code}: {run.stderr}{run.stdout}"
    assert "internal error" not in run.stdout + run.stderr, run.stdout + run.stderr


_original_load_rules = engine.load_rules


@functools.cache
def _rules_once(plugins: tuple[str, ...]):
    return _original_load_rules(plugins)


def fast_rule_loading(monkeypatch) -> None:
    """Load the rules once per test session instead of once per run: the fuzz tests run the
    pipeline hundreds of times and only the input files change."""
    monkeypatch.setattr(engine, "load_rules", lambda plugins=(): list(_rules_once(tuple(plugins))))

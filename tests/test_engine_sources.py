"""Which mirrors a run reads: only those some selected rule can report on (`engine.mirrors_to_read`)."""

from __future__ import annotations

from pathlib import Path

import pytest

import schemalint
from schemalint.config import Config
from schemalint.engine import DIAGNOSTICS_FROM, mirrors_to_read
from schemalint.model import DIAGNOSTIC_KINDS
from schemalint.registry import load_rules
from schemalint.selection import selected_rules

MIRRORS = ["sqlalchemy", "sql", "migrations", "database"]
RULES = load_rules(())


@pytest.mark.parametrize(
    "select, read",
    [
        ((), MIRRORS),  # the defaults: every mirror
        (("SL5",), ["migrations"]),  # models vs migrations, as `makemigrations --check`
        (("SL501", "SL502", "SL503", "SL504"), ["migrations"]),
        (("SL2",), ["sqlalchemy", "sql", "database"]),
        (("SL402", "SL403"), ["sql"]),  # said by the SQL reader only
        (("SL601",), ["database"]),
        (("SL001",), MIRRORS),  # any reader may find a file unreadable
        (("SL002", "SL501"), MIRRORS),
        (("SL010",), MIRRORS),  # the noqa stage: every finding a directive could silence
    ],
)
def test_mirrors_read_for_a_selection(select, read):
    rules = selected_rules(RULES, Config(select=select))
    assert mirrors_to_read(MIRRORS, rules) == read


def test_the_kinds_said_by_one_source_are_said_by_its_reader_only():
    """`DIAGNOSTICS_FROM` must stay true: a kind it gives to one source appears in no other
    reader's code (else selecting its rule would skip a mirror that says it)."""
    assert set(DIAGNOSTICS_FROM) <= DIAGNOSTIC_KINDS
    read = Path(schemalint.__file__).parent / "read"
    for kind, source in DIAGNOSTICS_FROM.items():
        sayers = {p.relative_to(read).parts[0] for p in read.rglob("*.py") if f'"{kind}"' in p.read_text()}
        assert sayers == {source}, kind

"""Choosing what runs: select / ignore / extend-select (codes and prefixes), per-file-ignores,
unknown codes, and the same keys in [tool.schemalint] and on the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from schemalint.config import Config, ConfigError, load_config
from schemalint.engine import check_codes, selected_rules
from schemalint.registry import Rule, load_rules


def _rule(code: str, default_enabled: bool = True) -> Rule:
    return Rule(code=code, name="x", summary="x", check=lambda target: (), default_enabled=default_enabled)


RULES = [_rule("SL001"), _rule("SL010"), _rule("SL203"), _rule("SL204"), _rule("SL210", default_enabled=False),
         _rule("SL301"), _rule("XMP101")]


@pytest.mark.parametrize(
    "select, ignore, extend, expected",
    [
        ((), (), (), {"SL001", "SL010", "SL203", "SL204", "SL301", "XMP101"}),  # SL210 is opt-in
        # an explicit select names rules, opt-in ones too (as ruff's `select = ["E"]` enables E501)
        (("SL2",), (), (), {"SL203", "SL204", "SL210"}),
        (("SL21",), (), (), {"SL210"}),
        (("SL210",), (), (), {"SL210"}),
        (("ALL",), (), (), {"SL001", "SL010", "SL203", "SL204", "SL210", "SL301", "XMP101"}),
        (("SL",), ("SL2",), (), {"SL001", "SL010", "SL301"}),
        # the longest prefix decides: select SL204 beats ignore SL2
        (("SL204",), ("SL2",), (), {"SL204"}),
        (("SL2",), ("SL204",), (), {"SL203", "SL210"}),
        # a tie goes to ignore
        (("SL204",), ("SL204",), (), set()),
        ((), ("SL2", "SL0"), (), {"SL301", "XMP101"}),
        ((), (), ("SL210",), {"SL001", "SL010", "SL203", "SL204", "SL210", "SL301", "XMP101"}),
        (("SL3",), (), ("SL204",), {"SL204", "SL301"}),
        ((), ("XMP",), (), {"SL001", "SL010", "SL203", "SL204", "SL301"}),  # a plugin's prefix
        (("XMP1",), (), (), {"XMP101"}),
    ],
)
def test_selected_rules(select, ignore, extend, expected):
    config = Config(select=select, ignore=ignore, extend_select=extend)
    assert {r.code for r in selected_rules(RULES, config)} == expected


@pytest.mark.parametrize(
    "changes, bad",
    [
        (dict(select=("SL999",)), "'select' names unknown rule code 'SL999'"),
        (dict(ignore=("SL5",)), "'ignore' names unknown rule code 'SL5'"),
        (dict(extend_select=("E501",)), "'extend-select' names unknown rule code 'E501'"),
        (dict(per_file_ignores=(("src/*", ("SL204", "XYZ1")),)), "'per-file-ignores' names unknown rule code 'XYZ1'"),
    ],
)
def test_unknown_codes_are_an_error(changes, bad):
    with pytest.raises(ConfigError, match=bad):
        check_codes(RULES, Config(**changes))


@pytest.mark.parametrize("changes", [dict(select=("SL2", "XMP")), dict(ignore=("ALL",)), dict(extend_select=("SL210",))])
def test_known_codes_pass(changes):
    check_codes(RULES, Config(**changes))


# ---------------------------------------------------------------- on a project, through the CLI

DJANGO = """
from django.db import models


class Stock(models.Model):
    id = models.BigAutoField(primary_key=True)
    symbol = models.CharField(max_length=10)
    name = models.CharField(max_length=200)

    class Meta:
        db_table = "stocks"
"""

SQLALCHEMY = """
from sqlalchemy import BigInteger, Column, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Stock(Base):
    __tablename__ = "stocks"
    id = Column(BigInteger, primary_key=True)
    symbol = Column(String(10), nullable=False)
    name = Column(String(200))
"""

SQL = """
CREATE TABLE IF NOT EXISTS stocks (
    id BIGINT PRIMARY KEY,
    symbol VARCHAR(10) NOT NULL,
    name VARCHAR(255) NOT NULL
);
"""
# The drifts: src/database/models.py:12 SL204 (name is nullable), scripts/database/schema.sql:4
# SL203 (varchar(255) for max_length=200).
DRIFTS = {("src/database/models.py", 12, "SL204"), ("scripts/database/schema.sql", 4, "SL203")}


def make_project(root: Path, pyproject: str = "") -> Path:
    files = {
        "app_django/apps/shop/__init__.py": "",
        "app_django/apps/shop/models.py": DJANGO,
        "src/database/models.py": SQLALCHEMY,
        "scripts/database/schema.sql": SQL,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text.lstrip("\n"))
    if pyproject:
        (root / "pyproject.toml").write_text(textwrap.dedent(pyproject))
    return root


def check(root: Path, *args: str) -> tuple[int, set[tuple[str, int, str]], str]:
    run = subprocess.run([sys.executable, "-m", "schemalint", "check", "--format", "json", "--no-cache", *args, str(root)],
                         capture_output=True, text=True, timeout=120)
    found = {(f["filename"], f["line"], f["code"]) for f in json.loads(run.stdout or "[]")}
    return run.returncode, found, run.stderr


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "p")


def test_project_has_the_two_drifts(project):
    code, found, err = check(project, "--select", "SL2")
    assert code == 1, err
    assert found == DRIFTS


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--select", "SL204"], {("src/database/models.py", 12, "SL204")}),
        (["--select", "SL2", "--ignore", "SL204"], {("scripts/database/schema.sql", 4, "SL203")}),
        (["--select", "SL1,SL3"], set()),
        (["--select", "SL1", "--extend-select", "SL203"], {("scripts/database/schema.sql", 4, "SL203")}),
        (["--select", " SL203 , SL204 "], DRIFTS),
    ],
)
def test_cli_selection(project, args, expected):
    code, found, err = check(project, *args)
    assert found == expected, err
    assert code == (1 if expected else 0)


@pytest.mark.parametrize(
    "table, args, expected",
    [
        ('select = ["SL203"]', [], {("scripts/database/schema.sql", 4, "SL203")}),
        ('select = ["SL2"]\nignore = ["SL203"]', [], {("src/database/models.py", 12, "SL204")}),
        # the command line replaces the config's select
        ('select = ["SL203"]', ["--select", "SL204"], {("src/database/models.py", 12, "SL204")}),
        ('select = ["SL1"]\nextend-select = ["SL204"]', [], {("src/database/models.py", 12, "SL204")}),
        ('select = ["SL2"]\n[tool.schemalint.per-file-ignores]\n"scripts/*" = ["SL203"]', [],
         {("src/database/models.py", 12, "SL204")}),
        ('select = ["SL2"]\n[tool.schemalint.per-file-ignores]\n"src/database/models.py" = ["SL2"]', [],
         {("scripts/database/schema.sql", 4, "SL203")}),
        ('select = ["SL2"]\n[tool.schemalint.per-file-ignores]\n"*.sql" = ["SL204"]', [], DRIFTS),
    ],
)
def test_config_selection(tmp_path, table, args, expected):
    root = make_project(tmp_path / "p", "[tool.schemalint]\n" + table + "\n")
    code, found, err = check(root, *args)
    assert found == expected, err


@pytest.mark.parametrize(
    "table, args, message",
    [
        ('select = ["SL999"]', [], "'select' names unknown rule code 'SL999'"),
        ('ignore = ["E501"]', [], "'ignore' names unknown rule code 'E501'"),
        ('[tool.schemalint.per-file-ignores]\n"src/*" = ["SL9"]', [], "'per-file-ignores' names unknown rule code 'SL9'"),
        ("", ["--select", "SL2,SL77"], "'select' names unknown rule code 'SL77'"),
        ("", ["--extend-select", "NOPE1"], "'extend-select' names unknown rule code 'NOPE1'"),
        ('selct = ["SL2"]', [], "unknown key 'selct'"),
    ],
)
def test_unknown_codes_exit_2(tmp_path, table, args, message):
    root = make_project(tmp_path / "p", "[tool.schemalint]\n" + table + "\n")
    code, found, err = check(root, *args)
    assert code == 2
    assert message in err
    assert err.startswith("schemalint: error:")


def test_every_built_in_rule_can_be_selected_alone(project):
    codes = [r.code for r in load_rules()]
    for code in codes:
        config = load_config(project).override(select=(code,))
        assert [r.code for r in selected_rules(load_rules(), config)] == [code]

"""What the rules say about fixing: applicability judgements, fixes made of the truth's values
(never of unknown ones), the case runner's `fix` expectation, and SL010's fix end to end."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from schemalint.compare import TablePair, compare
from schemalint.config import Config
from schemalint.engine import run_check
from schemalint.fix import (
    APPLICABILITIES,
    AddColumn,
    AddConstraint,
    AddForeignKey,
    AddGuard,
    AddIndex,
    AddTable,
    AlterColumn,
    DropColumn,
    DropConstraint,
    DropForeignKey,
    DropIndex,
    DropTable,
    Fix,
    RemoveNoqa,
    RenameTable,
    SetTableComment,
)
from schemalint.fix.apply import edits_for, fix_project
from schemalint.fix.describe import (
    adding,
    fully_known,
    mirror_foreign_key,
    nullability_change,
    previous,
    type_change,
    widens,
)
from schemalint.model import Column, Constraint, ForeignKey, Index, Schema, Table
from schemalint.registry import load_rules
from schemalint.testing import CaseFailure, case_config, cases_of, check_case, run_case_check
from tests.test_rules import FIXABLE

RULES = load_rules()
INVALID = [c for c in cases_of(RULES) if not c.valid]

# --------------------------------------------------------------------------- applicability


@pytest.mark.parametrize(
    "current, wanted, safe",
    [
        ("character varying(10)", "character varying(12)", True),
        ("character varying(10)", "character varying(10)", True),
        ("character varying(10)", "character varying", True),
        ("character varying(10)", "text", True),
        ("character varying", "text", True),
        ("character varying(12)", "character varying(10)", False),
        ("character varying", "character varying(10)", False),
        ("text", "character varying(10)", False),
        ("character(3)", "character varying(3)", False),  # padding differs
        ("smallint", "integer", True),
        ("integer", "bigint", True),
        ("smallint", "bigint", True),
        ("bigint", "integer", False),
        ("integer", "numeric(10,2)", False),
        ("real", "double precision", True),
        ("double precision", "real", False),
        ("numeric(10,2)", "numeric(12,2)", True),
        ("numeric(10,2)", "numeric(12,4)", True),
        ("numeric(10,2)", "numeric", True),
        ("numeric(10)", "numeric(12,2)", True),
        ("numeric(10,2)", "numeric(10,4)", False),  # fewer integer digits
        ("numeric(10,4)", "numeric(10,2)", False),  # rounds
        ("numeric", "numeric(10,2)", False),
        ("timestamp(3) with time zone", "timestamp with time zone", True),
        ("timestamp with time zone", "timestamp(3) with time zone", False),
        ("timestamp without time zone", "timestamp with time zone", False),
        ("time(0) without time zone", "time(6) without time zone", True),
        ("integer[]", "bigint[]", True),
        ("bigint[]", "integer[]", False),
        ("integer", "integer[]", False),
        ("integer", "text", False),
        ("uuid", "text", False),
        ("boolean", "integer", False),
    ],
)
def test_a_type_change_is_safe_only_when_it_widens(current, wanted, safe):
    assert widens(current, wanted) is safe
    assert type_change(current, wanted) == ("safe" if safe else "unsafe")


def test_dropping_not_null_is_safe_setting_it_is_not():
    assert nullability_change(True) == "safe"
    assert nullability_change(False) == "unsafe"


@pytest.mark.parametrize(
    "obj, applicability",
    [
        (Index("i", ("a",)), "safe"),
        (Index("i", ("a",), unique=True), "unsafe"),
        (Constraint("c", "unique", ("a", "b")), "unsafe"),
        (Constraint("c", "check", expression="a > 0"), "unsafe"),
    ],
)
def test_adding_what_rejects_rows_is_unsafe(obj, applicability):
    assert adding(obj) == applicability


def test_the_mirror_states_the_declared_on_delete_under_the_declared_policy():
    fk = ForeignKey(("stock_id",), "stocks", ("id",), on_delete="NO ACTION", declared_on_delete="CASCADE")
    assert mirror_foreign_key(fk, "declared").on_delete == "CASCADE"
    assert mirror_foreign_key(fk, "database").on_delete == "NO ACTION"
    assert mirror_foreign_key(fk, "declared").declared_on_delete is None
    plain = ForeignKey(("stock_id",), "stocks", ("id",), on_delete="SET NULL")
    assert mirror_foreign_key(plain, "declared") is plain


def test_helpers():
    assert previous(["a", "b", "c"], "b") == "a"
    assert previous(["a", "b"], "a") is None
    assert fully_known(Table("t", columns=(Column("a", "integer"),)))
    assert not fully_known(Table("t", columns=(Column("a", "integer", unknown=("type",)),)))
    assert not fully_known(Table("t", unknown=("indexes",)))
    assert not fully_known(Table("t", indexes=(Index("i", ("a",), unknown=("where",)),)))


# --------------------------------------------------------------------------- the rules' fixes


def _pairs(config: Config, truth: Schema, mirror: Schema) -> dict[str, TablePair]:
    return {p.mirror.name: p for p in compare(truth, mirror, config).pairs}


def _assert_truths_values(fix: Fix, config: Config, schemas: dict[str, Schema]) -> None:
    """Every change of `fix` carries the truth's objects (what the mirror should gain) and the
    mirror's (what it should lose), exactly as the readers read them."""
    truth = schemas[config.source_of_truth]
    if fix.source == "noqa":
        assert all(isinstance(c, RemoveNoqa) and c.location.path == fix.path for c in fix.changes)
        return
    mirror = schemas[fix.source]
    if all(isinstance(c, AddGuard) for c in fix.changes):
        located = {s.location for s in mirror.statements}
        assert all(c.location in located and c.location.path == fix.path for c in fix.changes)
        return
    pairs = _pairs(config, truth, mirror)
    policy = config.on_delete_policy
    for change in fix.changes:
        if isinstance(change, AddTable):
            table = truth.table(change.table.name, change.table.schema)
            assert table is not None and fix.path is None
            keys = tuple(mirror_foreign_key(fk, policy) for fk in table.foreign_keys)
            assert change.table == dataclasses.replace(table, foreign_keys=keys)
            assert change.after is None or truth.table(change.after) is not None
            continue
        if isinstance(change, DropTable):
            assert change.table in mirror.tables
            assert change.table.location is not None and fix.path == change.table.location.path
            continue
        pair = pairs[change.table]
        assert pair.mirror.location is not None and fix.path == pair.mirror.location.path
        assert change.schema == pair.mirror.schema
        if isinstance(change, AddColumn):
            assert change.column == pair.truth.column(change.column.name)
            names = [c.name for c in pair.truth.columns]
            assert change.after == previous(names, change.column.name)
        elif isinstance(change, DropColumn):
            assert change.column in pair.mirror.columns
        elif isinstance(change, AlterColumn):
            assert change.column == pair.truth.column(change.name)
            assert change.current == pair.mirror.column(change.name)
            assert not set(change.parts) & {*change.column.unknown, *change.current.unknown}
        elif isinstance(change, RenameTable):
            assert change.name == pair.truth.name
        elif isinstance(change, SetTableComment):
            assert change.comment == pair.truth.comment
        elif isinstance(change, AddIndex):
            assert change.index in pair.truth.indexes
        elif isinstance(change, DropIndex):
            assert change.index in pair.mirror.indexes
        elif isinstance(change, AddConstraint):
            assert change.constraint in pair.truth.constraints
        elif isinstance(change, DropConstraint):
            assert change.constraint in pair.mirror.constraints
        elif isinstance(change, AddForeignKey):
            assert change.foreign_key in {mirror_foreign_key(fk, policy) for fk in pair.truth.foreign_keys}
        elif isinstance(change, DropForeignKey):
            assert change.foreign_key in pair.mirror.foreign_keys
        else:  # pragma: no cover - a new change type needs its check here
            raise AssertionError(f"unchecked change {change!r}")


@pytest.mark.parametrize("rule_case", INVALID, ids=lambda c: c.id)
def test_every_fix_is_made_of_the_truths_values(rule_case, tmp_path):
    result = run_case_check(rule_case.rule, rule_case.case, tmp_path)
    config = case_config(rule_case.rule, rule_case.case, tmp_path)
    for finding in result.findings:
        if finding.fix is None:
            continue
        assert finding.fix.applicability in APPLICABILITIES
        assert finding.fix.changes and finding.fix.description
        _assert_truths_values(finding.fix, config, result.schemas)


def _first_fix(code: str, message: str, root: Path) -> Fix:
    rule_case = next(c for c in INVALID if c.rule.code == code and message in (c.case.message or ""))
    findings = sorted(run_case_check(rule_case.rule, rule_case.case, root).findings)
    assert findings[0].fix is not None
    return findings[0].fix


@pytest.mark.parametrize(
    "code, message, kinds, applicability",
    [
        # A new foreign key column brings its key, stating the declared ON DELETE.
        ("SL201", "quotes.stock_id is missing", (AddColumn, AddForeignKey), "safe"),
        ("SL101", "missing from schema.sql", (AddTable,), "safe"),
        ("SL203", "notes.body is character varying(200)", (AlterColumn,), "safe"),
        ("SL206", "auto-numbered", (AlterColumn,), "display"),
        ("SL207", "ON DELETE SET NULL", (DropForeignKey, AddForeignKey), "unsafe"),
        ("SL207", "declares no relation", (DropForeignKey,), "unsafe"),
        ("SL303", "has columns (symbol) here", (DropIndex, AddIndex), "unsafe"),
        # A constraint the mirror enforces with a unique index of that name: the index goes.
        ("SL304", "is UNIQUE (symbol) here", (DropIndex, AddConstraint), "unsafe"),
        ("SL010", "unused noqa code(s) SL204", (RemoveNoqa,), "safe"),
    ],
)
def test_the_shape_of_a_fix(code, message, kinds, applicability, tmp_path):
    fix = _first_fix(code, message, tmp_path)
    assert tuple(type(c) for c in fix.changes) == kinds
    assert fix.applicability == applicability


def test_a_new_foreign_key_column_states_the_declared_action(tmp_path):
    fix = _first_fix("SL201", "quotes.stock_id is missing", tmp_path)
    add_column, add_key = fix.changes
    assert isinstance(add_column, AddColumn) and add_column.after == "id"
    assert isinstance(add_key, AddForeignKey)
    assert (add_key.foreign_key.ref_table, add_key.foreign_key.on_delete) == ("stocks", "CASCADE")
    assert fix.description == "add column quotes.stock_id"


def test_the_fixable_rules_are_the_ones_that_fix(tmp_path):
    fixing = set()
    for index, rule_case in enumerate(INVALID):
        result = run_case_check(rule_case.rule, rule_case.case, tmp_path / str(index))
        fixing |= {f.code for f in result.findings if f.fix is not None}
    assert fixing == FIXABLE


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "app_django/apps/shop/__init__.py").touch()


def test_no_fix_is_made_of_unknown_values(tmp_path):
    """A column whose type the reader cannot resolve is still reported missing, but neither it
    nor a table holding it is written into a mirror."""
    _write(
        tmp_path,
        {
            "app_django/apps/shop/models.py": """
                from django.db import models

                from .lengths import symbol_length


                class Stock(models.Model):
                    symbol = models.CharField(max_length=symbol_length())

                    class Meta:
                        db_table = "stocks"


                class Sector(models.Model):
                    name = models.CharField(max_length=symbol_length())

                    class Meta:
                        db_table = "sectors"
            """,
            "scripts/database/schema.sql": "CREATE TABLE IF NOT EXISTS stocks (id BIGSERIAL PRIMARY KEY);\n",
        },
    )
    result = run_check(Config(root=tmp_path.resolve(), select=("SL101", "SL201")), use_cache=False)
    assert sorted(f.code for f in result.findings) == ["SL101", "SL201"]
    assert all(f.fix is None for f in result.findings)


# --------------------------------------------------------------------------- the case runner


def _rule(code: str):
    return next(r for r in RULES if r.code == code)


def test_the_case_runner_checks_the_fix(tmp_path):
    rule = _rule("SL201")
    case = next(c for c in rule.invalid if c.fix == "safe")
    check_case(rule, case, tmp_path / "ok", valid=False)
    with pytest.raises(CaseFailure, match="fix is safe .*add column stocks.market_cap.*not unsafe"):
        check_case(rule, dataclasses.replace(case, fix="unsafe"), tmp_path / "unsafe", valid=False)
    with pytest.raises(CaseFailure, match="fix is safe"):
        check_case(rule, dataclasses.replace(case, fix="none"), tmp_path / "none", valid=False)
    with pytest.raises(CaseFailure, match="must be one of safe, unsafe, display, none"):
        check_case(rule, dataclasses.replace(case, fix="maybe"), tmp_path / "maybe", valid=False)


def test_the_case_runner_checks_that_there_is_no_fix(tmp_path):
    rule = _rule("SL010")
    case = next(c for c in rule.invalid if c.fix == "none")
    check_case(rule, case, tmp_path / "ok", valid=False)
    with pytest.raises(CaseFailure, match="fix is none, not safe"):
        check_case(rule, dataclasses.replace(case, fix="safe"), tmp_path / "safe", valid=False)


# --------------------------------------------------------------------------- SL010 end to end

_DJANGO = """
    from django.db import models

    class Stock(models.Model):
        symbol = models.CharField(max_length=10)
        name = models.CharField(max_length=50, null=True)

        class Meta:
            db_table = "stocks"
"""

_MIRROR = """
    from sqlalchemy import BigInteger, Column, String
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Stock(Base):
        __tablename__ = "stocks"
        id = Column(BigInteger, primary_key=True)
        symbol = Column(String(10), nullable=False)  # noqa: SL204, E501
        name = Column(String(50))  # noqa: SL204
"""

_SQL = """
    -- schemalint: noqa: SL204
    CREATE TABLE IF NOT EXISTS stocks (
        id BIGSERIAL PRIMARY KEY,
        symbol VARCHAR(10) NOT NULL,  -- noqa: SL999
        name VARCHAR(50)
    );
"""


def test_fix_project_removes_stale_noqa_and_the_second_check_is_clean(tmp_path):
    _write(
        tmp_path,
        {
            "app_django/apps/shop/models.py": _DJANGO,
            "src/database/models.py": _MIRROR,
            "scripts/database/schema.sql": _SQL,
        },
    )
    config = Config(root=tmp_path.resolve())
    before = run_check(config, use_cache=False)
    assert sorted((f.path, f.line, f.code) for f in before.findings) == [
        ("scripts/database/schema.sql", 1, "SL010"),
        ("scripts/database/schema.sql", 4, "SL010"),
        ("src/database/models.py", 9, "SL010"),
        ("src/database/models.py", 10, "SL010"),
    ]
    assert all(f.fix is not None and f.fix.applicability == "safe" for f in before.findings)
    # What an editor is shown for one of them: `SL204, ` deleted from the comment, nothing else.
    (edit,) = edits_for(sorted(before.findings)[2], tmp_path, before)
    line = (tmp_path / edit.path).read_text().splitlines()[edit.start_line - 1]
    assert (edit.path, edit.start_line, edit.end_line, edit.content) == ("src/database/models.py", 9, 9, "")
    assert line[edit.start_col - 1 : edit.end_col - 1] == "SL204, "

    outcome = fix_project(config, use_cache=False)

    assert outcome.problems == []
    assert outcome.changed == ["scripts/database/schema.sql", "src/database/models.py"]
    assert outcome.result.findings == []
    models = (tmp_path / "src/database/models.py").read_text()
    assert "symbol = Column(String(10), nullable=False)  # noqa: E501\n" in models
    assert "name = Column(String(50))\n" in models
    sql = (tmp_path / "scripts/database/schema.sql").read_text()
    assert sql == textwrap.dedent(_SQL).lstrip("\n").replace("-- schemalint: noqa: SL204\n", "").replace(
        ",  -- noqa: SL999", ","
    )
    # The second check, from disk, is clean; a second --fix changes nothing.
    assert run_check(config, use_cache=False).findings == []
    assert fix_project(config, use_cache=False).changed == []


def test_fix_project_leaves_a_noqa_that_silences_something(tmp_path):
    _write(
        tmp_path,
        {
            "app_django/apps/shop/models.py": _DJANGO,
            "src/database/models.py": _MIRROR.replace(", nullable=False)  # noqa", ")  # noqa"),
        },
    )
    config = Config(root=tmp_path.resolve())
    outcome = fix_project(config, use_cache=False, write=False)
    assert outcome.changed == ["src/database/models.py"]
    assert "symbol = Column(String(10))  # noqa: SL204, E501\n" in outcome.after["src/database/models.py"]
    assert [f.code for f in outcome.result.findings] == []
    assert (tmp_path / "src/database/models.py").read_text() == outcome.before["src/database/models.py"]

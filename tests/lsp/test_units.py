"""The server's parts in this process: ranges, diagnostics, code actions with a fix, the
memory cache, project roots."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from schemalint.engine import RunResult
from schemalint.findings import Finding
from schemalint.fix import Fix
from schemalint.fix.apply import FixOutcome
from schemalint.fix.writers import Written
from schemalint.lsp import actions
from schemalint.lsp.diagnostics import by_file, to_diagnostic, to_range
from schemalint.lsp.state import MemoryCache, ProjectState, Run, project_root
from schemalint.model import Location
from tests.lsp.conftest import copy_project

UTF16 = PositionCodec(types.PositionEncodingKind.Utf16)
UTF32 = PositionCodec(types.PositionEncodingKind.Utf32)


@pytest.mark.parametrize(
    ("lines", "span", "codec", "expected"),
    [
        # No end known: the rest of the line.
        (["    name = Column(String)"], (1, 5, 0, 0), UTF16, ((0, 4), (0, 25))),
        # A known end, exclusive.
        (["    name = Column(String)"], (1, 5, 1, 9), UTF16, ((0, 4), (0, 8))),
        # Columns are characters; a character outside the BMP is two UTF-16 units.
        (['    "😋" ; name = 1'], (1, 11, 0, 0), UTF16, ((0, 11), (0, 19))),
        (['    "😋" ; name = 1'], (1, 11, 0, 0), UTF32, ((0, 10), (0, 18))),
        # Past the text (a file changed under the finding): kept as given, never an error.
        (["x"], (5, 3, 0, 0), UTF16, ((4, 2), (4, 2))),
    ],
)
def test_ranges(lines, span, codec, expected):
    got = to_range(codec, lines, *span)
    assert ((got.start.line, got.start.character), (got.end.line, got.end.character)) == expected


def finding(**changes) -> Finding:
    base = Finding(
        path="src/models.py",
        line=2,
        col=5,
        code="SL204",
        message="x is NULL here",
        severity="warning",
        related=(Location("app/models.py", 3, 5), Location("<database>", 1, 1)),
    )
    return replace(base, **changes)


def test_a_finding_as_a_diagnostic(tmp_path: Path):
    texts = {"src/models.py": ["", "    x = Column(Integer)"], "app/models.py": ["", "", "    x = Field()"]}
    diagnostic = to_diagnostic(finding(), UTF16, tmp_path, lambda rel: texts.get(rel, []))
    assert diagnostic.code == "SL204" and diagnostic.source == "schemalint"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.range == types.Range(types.Position(1, 4), types.Position(1, 23))
    assert diagnostic.tags is None
    # `<database>` is no file: only the Django side is related information.
    (related,) = diagnostic.related_information or []
    assert related.location.uri == (tmp_path / "app/models.py").as_uri()
    assert related.location.range == types.Range(types.Position(2, 4), types.Position(2, 15))

    unused = to_diagnostic(finding(code="SL010", related=()), UTF16, tmp_path, lambda rel: texts.get(rel, []))
    assert unused.tags == [types.DiagnosticTag.Unnecessary]
    assert by_file([finding(path="<database>")], UTF16, tmp_path, lambda rel: []) == {}


class AppendingWriter:
    """A stand-in for a mirror's writer: appends one line per fix."""

    def apply(self, text, fixes, context):
        return Written(text + "".join(f"-- {fix.description}\n" for fix in fixes), tuple(range(len(fixes))))

    def parses(self, text):
        return None

    def target(self, fix, mirror):
        return "scripts/database/schema.sql"


@pytest.fixture
def checked(tmp_path: Path, warm_fixtures: Path) -> ProjectState:
    state = ProjectState(root=copy_project(warm_fixtures, "bifrost-drifted", tmp_path / "p"))
    assert isinstance(state.check({}), Run)
    return state


def test_a_fixable_finding_offers_its_fix_as_a_quickfix(checked: ProjectState, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("schemalint.fix.apply.get_writer", lambda kind: AppendingWriter())
    run = checked.last
    assert run is not None
    sql = "scripts/database/schema.sql"
    target = next(f for f in run.result.findings if f.path == sql)
    fixed = replace(target, fix=Fix("add the column", "safe", (), source="sql", path=sql))
    run.result.findings = [fixed if f is target else f for f in run.result.findings]
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier((checked.root / sql).as_uri()),
        range=types.Range(types.Position(fixed.line - 1, 0), types.Position(fixed.line - 1, 0)),
        context=types.CodeActionContext(diagnostics=[]),
    )
    offered = actions.code_actions(checked, sql, params, UTF16)
    fix = next(a for a in offered if a.title == f"{fixed.code}: add the column")
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    (edit,) = fix.edit.changes[(checked.root / sql).as_uri()]
    lines = (checked.root / sql).read_text().split("\n")
    assert edit.new_text == "-- add the column\n"
    assert edit.range.start == types.Position(len(lines) - 1, 0)
    assert any(a.title == f"{fixed.code}: silence with noqa" for a in offered)
    # Without `only`, fix all is offered as the command (computed when chosen).
    assert any(a.kind == actions.FIX_ALL_KIND and a.command is not None for a in offered)


def test_fix_all_turns_the_fixed_texts_into_edits(checked: ProjectState, monkeypatch: pytest.MonkeyPatch):
    sql = "scripts/database/schema.sql"
    before = (checked.root / sql).read_text()
    after = before.replace("CREATE INDEX idx_strategy_name_time", "CREATE INDEX IF NOT EXISTS idx_strategy_name_time")
    assert after != before
    outcome = FixOutcome(result=checked.last.result, before={sql: before}, after={sql: after}, applied=1)
    monkeypatch.setattr(actions, "fix_project", lambda config, **kwargs: outcome)
    edit = actions.fix_all_edit(checked, {}, UTF16)
    assert edit is not None
    (text_edit,) = edit.changes[(checked.root / sql).as_uri()]
    assert text_edit.new_text == "IF NOT EXISTS "
    line = next(i for i, ln in enumerate(before.split("\n")) if "idx_strategy_name_time" in ln)
    assert text_edit.range.start.line == line == text_edit.range.end.line


def test_a_writer_that_fails_offers_nothing_and_raises_nothing(checked: ProjectState, monkeypatch: pytest.MonkeyPatch):
    def broken(kind):
        raise ModuleNotFoundError(f"schemalint.fix.{kind}")

    monkeypatch.setattr("schemalint.fix.apply.get_writer", broken)
    run = checked.last
    assert run is not None
    target = run.result.findings[0]
    run.result.findings[0] = replace(target, fix=Fix("x", "safe", (), source="sql", path=target.path))
    assert actions._fix_edits(run.result.findings[0], run) == []


def test_memory_cache_hands_out_the_same_objects_and_writes_only_when_flushed(tmp_path: Path, warm_fixtures: Path):
    root = copy_project(warm_fixtures, "bifrost-drifted", tmp_path / "p")
    state = ProjectState(root=root)
    first = state.check({})
    assert isinstance(first, Run)
    rel = "app_django/apps/options/models.py"
    edited = (root / rel).read_text().replace("max_digits=12, decimal_places=4)", "max_digits=14, decimal_places=4)")
    packs = sorted((root / ".schemalint_cache").rglob("*.pack"))
    stamps = {p: p.stat().st_mtime_ns for p in packs}
    second = state.check({rel: edited.encode()})
    assert isinstance(second, Run)
    assert {p: p.stat().st_mtime_ns for p in packs} == stamps  # nothing written while typing
    # The unchanged mirrors' schemas are the very objects of the first run (not unpickled again).
    assert second.result.schemas["sqlalchemy"].tables is first.result.schemas["sqlalchemy"].tables
    assert second.result.findings != first.result.findings
    state.flush()
    assert {p: p.stat().st_mtime_ns for p in packs} != stamps
    assert isinstance(state.cache, MemoryCache)


def test_project_roots(tmp_path: Path):
    (tmp_path / "a/sub").mkdir(parents=True)
    (tmp_path / "a/pyproject.toml").write_text("")
    (tmp_path / "b").mkdir()
    assert project_root(tmp_path / "a/sub/models.py", [tmp_path]) == tmp_path / "a"
    assert project_root(tmp_path / "b/models.py", [tmp_path / "b"]) == tmp_path / "b"
    assert project_root(tmp_path / "a/sub/models.py", []) == tmp_path / "a"


def test_a_newer_change_interrupts_the_run_in_flight(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import threading
    import time

    from schemalint.lsp.state import Cancelled

    started, outcome = threading.Event(), []

    def endless(*args, **kwargs):
        started.set()
        while True:
            time.sleep(0.001)

    monkeypatch.setattr("schemalint.lsp.state.run_check", endless)
    (tmp_path / "pyproject.toml").write_text("[tool.schemalint]\n")
    state = ProjectState(root=tmp_path)
    state.last = Run(state.refresh_config(), RunResult(), {})  # not the first run

    def run() -> None:
        try:
            state.check({})
        except Cancelled:
            outcome.append("cancelled")

    worker = threading.Thread(target=run)
    worker.start()
    assert started.wait(10)
    assert state.cancel()
    worker.join(10)
    assert not worker.is_alive() and outcome == ["cancelled"]
    assert not state.cancel()  # nothing in flight any more: nothing to interrupt

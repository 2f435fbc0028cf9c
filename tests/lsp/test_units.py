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
from schemalint.model import Location, Schema
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


# --------------------------------------------------------------------------- a keystroke from memory

DJANGO = "app_django/apps/options/models.py"
SQL = "scripts/database/schema.sql"
PRICE = "underlying_price = models.DecimalField(max_digits=12, decimal_places=4)"


def aged(root: Path) -> None:
    """Every file last modified a minute ago: older than `RACY`, so its stat can be trusted."""
    import os
    import time

    then = time.time() - 60
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def typed(root: Path, digits: int) -> dict[str, bytes]:
    """The Django models file's buffer with `max_digits` changed, as a keystroke leaves it."""
    text = (root / DJANGO).read_text()
    assert PRICE in text
    return {DJANGO: text.replace(PRICE, PRICE.replace("12", str(digits))).encode()}


@pytest.fixture
def typing(tmp_path: Path, warm_fixtures: Path) -> ProjectState:
    """A server's project after its first keystroke run (everything read once)."""
    from schemalint.lsp.state import TREES_IN_MEMORY
    from schemalint.read.python import parse

    root = copy_project(warm_fixtures, "bifrost-drifted", tmp_path / "p")
    aged(root)
    parse.keep_trees(TREES_IN_MEMORY)  # no tree kept from another test's texts
    state = ProjectState(root=root)
    assert isinstance(state.check(typed(root, 13)), Run)
    return state


def test_a_keystroke_reads_no_file_and_parses_only_the_changed_class(
    typing: ProjectState, monkeypatch: pytest.MonkeyPatch
):
    from schemalint.read import parallel
    from schemalint.read.python import parse

    extracted: list[str] = []
    extract_one = parallel.extract_one

    def counting(task, settings):
        extracted.append(task.file.rel)
        return extract_one(task, settings)

    monkeypatch.setattr(parallel, "extract_one", counting)
    assert parse._kept is not None
    parsed, walks = parse._kept.parsed, typing.snapshot.discoveries

    run = typing.check(typed(typing.root, 14))
    assert isinstance(run, Run)
    assert typing.snapshot.read == []  # every other file: the bytes kept, not read again
    assert typing.snapshot.discoveries == walks  # the tree is not walked again
    assert extracted == [DJANGO]  # only the buffer is extracted...
    assert parse._kept.parsed - parsed == 1  # ...and of it only the class that changed is parsed
    assert any("numeric(14,4) in app_django" in f.message for f in run.result.findings)


def test_a_file_changed_on_disk_is_read_again_alone(typing: ProjectState):
    import os

    sql = typing.root / SQL
    sql.write_text(sql.read_text() + "\n-- edited outside the editor\n")
    typing.check(typed(typing.root, 14))
    assert typing.snapshot.read == [SQL]
    # Modified within `RACY` seconds: its stat proves nothing yet, so it is read again...
    typing.check(typed(typing.root, 15))
    assert typing.snapshot.read == [SQL]
    # ...until it is older.
    then = sql.stat().st_mtime - 60
    os.utime(sql, (then, then))
    typing.check(typed(typing.root, 16))
    assert typing.snapshot.read == [SQL]  # (its stat changed: read once more)
    typing.check(typed(typing.root, 17))
    assert typing.snapshot.read == []


def test_file_events_and_deleted_files_rediscover(typing: ProjectState):
    walks = typing.snapshot.discoveries
    typing.snapshot.forget_tree()  # what the server does on a watched-file event or a save
    typing.check(typed(typing.root, 14))
    assert typing.snapshot.discoveries == walks + 1

    # Deleted with no event at all (a client that watches nothing): noticed at the next run.
    (typing.root / SQL).unlink()
    run = typing.check(typed(typing.root, 15))
    assert isinstance(run, Run)
    assert typing.snapshot.discoveries == walks + 2
    assert SQL not in run.result.schemas.get("sql", Schema("sql")).files
    assert not any(f.code == "SL001" for f in run.result.findings)


def test_keystroke_runs_find_what_a_fresh_check_finds(typing: ProjectState):
    from schemalint.config import load_config
    from schemalint.engine import run_check

    for digits in (14, 12, 9, 14):
        buffers = typed(typing.root, digits)
        run = typing.check(buffers)
        assert isinstance(run, Run)
        fresh = run_check(load_config(typing.root), use_cache=False, overrides=buffers)
        assert run.result.findings == fresh.findings


def test_kept_chunk_trees_are_the_trees_a_parse_gives(monkeypatch: pytest.MonkeyPatch):
    import libcst as cst

    from schemalint.read.python import parse

    kept = parse.keep_trees(40)
    try:
        assert kept is not None
        first = parse.parse_chunk("x = 1\n")
        assert parse.parse_chunk("x = 1\n") is first and kept.parsed == 1
        assert first.deep_equals(cst.parse_module("x = 1\n"))
        for number in range(10):  # past 40 characters of text, the oldest trees go
            parse.parse_chunk(f"y{number} = 2\n")
        assert kept.size <= 40 and "x = 1\n" not in kept.trees
        with pytest.raises(cst.ParserSyntaxError):  # an error is raised every time, never kept
            parse.parse_chunk("def (:\n")
        with pytest.raises(cst.ParserSyntaxError):
            parse.parse_chunk("def (:\n")
    finally:
        parse.keep_trees(None)

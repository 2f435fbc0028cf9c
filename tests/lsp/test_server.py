"""`schemalint server` end to end: a real client (pytest-lsp) over stdio."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from schemalint.lsp.spans import construct_end
from tests.lsp.conftest import codes, open_file, replace_all, wait_until

pytestmark = pytest.mark.asyncio

DJANGO = "app_django/apps/options/models.py"
SQLALCHEMY = "src/database/models.py"
SQL = "scripts/database/schema.sql"


async def test_diagnostics_on_open_for_the_file_and_its_mirrors(client: LanguageClient, project: Path):
    open_file(client, project / SQLALCHEMY)
    await wait_until(lambda: codes(client, project / SQLALCHEMY) and codes(client, project / SQL))
    assert codes(client, project / SQLALCHEMY) == [(85, "SL204"), (103, "SL301"), (144, "SL103"), (194, "SL207")]
    # schema.sql is not open: its findings are published all the same.
    assert (30, "SL203") in codes(client, project / SQL)

    nullability = next(d for d in client.diagnostics[(project / SQLALCHEMY).as_uri()] if d.code == "SL204")
    assert nullability.source == "schemalint"
    assert nullability.severity == types.DiagnosticSeverity.Error
    lines = (project / SQLALCHEMY).read_text().splitlines()
    assert nullability.range.start == types.Position(84, 4)
    # The reader gives no end: the range covers the column's whole statement.
    end = construct_end(lines, 85, 5, SQLALCHEMY)
    assert end is not None and nullability.range.end == types.Position(end[0] - 1, end[1] - 1)
    assert lines[84][4 : end[1] - 1].startswith(lines[84].strip()[:10])
    (related,) = nullability.related_information or []
    assert related.location.uri == (project / DJANGO).as_uri()
    assert related.location.range.start.line == 37  # models.py:38, the Django field


async def test_an_unsaved_django_change_republishes_the_mirrors(client: LanguageClient, project: Path):
    models = project / DJANGO
    open_file(client, models)
    await wait_until(lambda: (85, "SL204") in codes(client, project / SQLALCHEMY))
    assert not any(code == "SL204" for _, code in codes(client, project / SQL))

    text = models.read_text()
    edited = text.replace(
        "underlying_price = models.DecimalField(max_digits=12, decimal_places=4)",
        "underlying_price = models.DecimalField(max_digits=12, decimal_places=4, null=True)",
    )
    assert edited != text
    replace_all(client, models, edited, version=2)
    # Neither mirror is open, nothing is saved: both are republished.
    await wait_until(lambda: (49, "SL204") in codes(client, project / SQL))
    assert (85, "SL204") not in codes(client, project / SQLALCHEMY)
    assert models.read_text() == text


@pytest.mark.slow  # (a server process each: CI runs it)
async def test_noqa_action_applies_and_the_next_diagnostics_drop_the_finding(client: LanguageClient, project: Path):
    mirror = project / SQLALCHEMY
    open_file(client, mirror)
    await wait_until(lambda: (85, "SL204") in codes(client, mirror))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(mirror.as_uri()),
            range=types.Range(types.Position(84, 0), types.Position(84, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    titles = [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
    assert "SL204: silence with noqa" in titles
    noqa = next(a for a in actions or [] if isinstance(a, types.CodeAction) and a.title == "SL204: silence with noqa")
    assert noqa.kind == types.CodeActionKind.QuickFix
    (edit,) = noqa.edit.changes[mirror.as_uri()]
    assert edit.new_text.endswith("# noqa: SL204")
    assert edit.range.start.line == 84

    # The editor applies the edit to its buffer (unsaved): the finding goes, the others stay.
    lines = mirror.read_text().split("\n")
    before = lines[84]
    lines[84] = before[: edit.range.start.character] + edit.new_text + before[edit.range.end.character :]
    assert lines[84] == before + "  # noqa: SL204"
    replace_all(client, mirror, "\n".join(lines), version=2)
    await wait_until(lambda: (85, "SL204") not in codes(client, mirror))
    assert (103, "SL301") in codes(client, mirror)


async def test_a_fix_is_a_quickfix_and_applying_it_clears_the_finding(client: LanguageClient, project: Path):
    """A real writer's edit (the SQLAlchemy writer adds the missing index to __table_args__),
    applied to the unsaved buffer: the finding goes and nothing new appears."""
    mirror = project / SQLALCHEMY
    open_file(client, mirror)
    await wait_until(lambda: (103, "SL301") in codes(client, mirror))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(mirror.as_uri()),
            range=types.Range(types.Position(102, 0), types.Position(102, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    fix = next(
        a
        for a in actions or []
        if isinstance(a, types.CodeAction) and a.title.startswith("SL301: add index idx_contracts_exp_strike")
    )
    assert fix.kind == types.CodeActionKind.QuickFix
    edits = fix.edit.changes[mirror.as_uri()]
    text = mirror.read_text()
    offsets = [0]
    for line in text.split("\n"):
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    assert 'Index("idx_contracts_exp_strike", "expiration", "strike")' in text
    replace_all(client, mirror, text, version=2)
    await wait_until(lambda: not any(code == "SL301" for _, code in codes(client, mirror)))
    assert sorted(code for _, code in codes(client, mirror)) == ["SL103", "SL204", "SL207"]


@pytest.mark.slow  # (a server process each: CI runs it)
@pytest.mark.parametrize(
    ("path", "line", "comment", "code"),
    [
        (SQLALCHEMY, 84, "  # noqa: SL204", "SL204"),
        (SQL, 29, "  -- noqa: SL203, SL2", "SL203"),
    ],
)
async def test_hover_on_a_noqa_code_explains_the_rule(
    client: LanguageClient, project: Path, path: str, line: int, comment: str, code: str
):
    target = project / path
    lines = target.read_text().split("\n")
    lines[line] += comment
    open_file(client, target, "\n".join(lines))
    where = lines[line].index(code) + 2
    result = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(target.as_uri()), types.Position(line, where))
    )
    assert result is not None
    text = result.contents.value
    assert text.startswith(f"**{code}**")
    assert "How to fix" in text
    assert result.range.start == types.Position(line, lines[line].index(code))
    # Away from the comment: nothing.
    nothing = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(target.as_uri()), types.Position(line, 2))
    )
    assert nothing is None


@pytest.mark.slow  # (a server process each: CI runs it)
async def test_hover_on_a_prefix_lists_its_rules(client: LanguageClient, project: Path):
    target = project / SQL
    lines = target.read_text().split("\n")
    lines[29] += "  -- noqa: SL2"
    open_file(client, target, "\n".join(lines))
    result = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(target.as_uri()), types.Position(29, len(lines[29]) - 1))
    )
    assert result is not None
    assert "**SL204**" in result.contents.value and "**SL203**" in result.contents.value


async def test_a_syntax_error_mid_typing_is_sl001_and_the_server_keeps_serving(client: LanguageClient, project: Path):
    models = project / DJANGO
    text = models.read_text()
    open_file(client, models)
    await wait_until(lambda: (85, "SL204") in codes(client, project / SQLALCHEMY))
    broken = text.replace(
        "underlying_price = models.DecimalField(max_digits=12, decimal_places=4)",
        "underlying_price = models.DecimalField(max_digits=12, decimal_places=4",
    )
    replace_all(client, models, broken, version=2)
    await wait_until(lambda: any(code == "SL001" for _, code in codes(client, models)))
    (syntax,) = [d for d in client.diagnostics[models.as_uri()] if d.code == "SL001"]
    assert syntax.severity == types.DiagnosticSeverity.Error
    # Typing on: the file parses again, the SL001 goes and the mirror's findings come back.
    replace_all(client, models, text, version=3)
    await wait_until(lambda: not codes(client, models) and (85, "SL204") in codes(client, project / SQLALCHEMY))
    assert client.error is None


@pytest.mark.slow  # (a server process each: CI runs it)
async def test_config_change_is_picked_up_without_restart(client: LanguageClient, project: Path):
    mirror = project / SQLALCHEMY
    open_file(client, mirror)
    await wait_until(lambda: (85, "SL204") in codes(client, mirror))
    assert any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for r in client.registrations)

    config = project / "pyproject.toml"
    config.write_text(config.read_text() + 'ignore = ["SL204"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams([types.FileEvent(config.as_uri(), types.FileChangeType.Changed)])
    )
    await wait_until(lambda: (85, "SL204") not in codes(client, mirror))
    assert (103, "SL301") in codes(client, mirror)

    # A broken configuration is a diagnostic on pyproject.toml, not a crash.
    config.write_text(config.read_text() + 'jobs = "many"\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams([types.FileEvent(config.as_uri(), types.FileChangeType.Changed)])
    )
    await wait_until(lambda: codes(client, config) == [(1, "config")])
    assert client.error is None


@pytest.mark.slow  # (a server process each: CI runs it)
async def test_deleted_and_created_files_are_picked_up(client: LanguageClient, project: Path):
    mirror, sql = project / SQLALCHEMY, project / SQL
    open_file(client, mirror)
    await wait_until(lambda: (30, "SL203") in codes(client, sql))
    text = sql.read_text()

    def changed(kind: types.FileChangeType) -> None:
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams([types.FileEvent(sql.as_uri(), kind)])
        )

    sql.unlink()
    changed(types.FileChangeType.Deleted)
    await wait_until(lambda: not codes(client, sql))
    assert (85, "SL204") in codes(client, mirror)

    sql.write_text(text)
    changed(types.FileChangeType.Created)
    await wait_until(lambda: (30, "SL203") in codes(client, sql))


@pytest.mark.slow  # (a server process each: CI runs it)
async def test_fix_all_command_applies_a_workspace_edit(client: LanguageClient, project: Path):
    mirror = project / SQLALCHEMY
    open_file(client, mirror)
    await wait_until(lambda: (85, "SL204") in codes(client, mirror))
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="schemalint.fixAll", arguments=[mirror.as_uri()])
    )
    # Which fixes exist depends on the writers merged; the command itself must answer cleanly,
    # and every edit it sends targets a project file.
    for edit in client.applied_edits:
        assert all(uri.startswith(project.as_uri()) for uri in edit.changes or {})
    assert client.error is None

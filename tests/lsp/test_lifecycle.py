"""The server's process: shutdown and exit, several workspace folders, the missing extra."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from schemalint.lsp.server import DEBOUNCE
from tests.lsp.conftest import (
    SERVER,
    accept_registrations,
    codes,
    copy_project,
    initialize_params,
    open_file,
    wait_until,
)
from tests.support.cli import schemalint


@pytest.fixture
def two_projects(tmp_path: Path, warm_fixtures: Path) -> tuple[Path, Path]:
    drifted = copy_project(warm_fixtures, "bifrost-drifted", tmp_path / "drifted")
    return drifted, copy_project(warm_fixtures, "bifrost", tmp_path / "clean")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def bare_client(lsp_client: LanguageClient):
    accept_registrations(lsp_client)
    yield


@pytest.mark.asyncio
async def test_shutdown_and_exit(bare_client: LanguageClient, two_projects: tuple[Path, Path]):
    drifted, _ = two_projects
    await bare_client.initialize_session(initialize_params(drifted))
    open_file(bare_client, drifted / "src/database/models.py")
    await wait_until(lambda: codes(bare_client, drifted / "src/database/models.py"))
    await bare_client.shutdown_session()  # shutdown, then exit: the process ends
    assert bare_client._server is not None
    assert bare_client._server.returncode == 0
    assert bare_client.error is None


@pytest.mark.asyncio
async def test_each_workspace_folder_is_its_own_project(bare_client: LanguageClient, two_projects: tuple[Path, Path]):
    drifted, clean = two_projects
    await bare_client.initialize_session(initialize_params(drifted, clean))
    # Both folders are checked at start; only the drifted one has findings.
    await wait_until(lambda: (85, "SL204") in codes(bare_client, drifted / "src/database/models.py"))
    clean_models = clean / "src/database/models.py"
    open_file(bare_client, clean_models)
    text = clean_models.read_text()
    line = next(i for i, ln in enumerate(text.split("\n")) if "underlying_price" in ln and "mapped_column" in ln)
    lines = text.split("\n")
    lines[line] = lines[line].replace("Numeric(12, 4)", "Numeric(10, 2)")
    assert lines[line] != text.split("\n")[line]
    bare_client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=clean_models.as_uri(), version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="\n".join(lines))],
        )
    )
    await wait_until(lambda: (line + 1, "SL203") in codes(bare_client, clean_models))
    # The drifted project's diagnostics are its own, untouched by the other folder's run.
    assert (85, "SL204") in codes(bare_client, drifted / "src/database/models.py")
    await bare_client.shutdown_session()


@pytest.mark.asyncio
async def test_run_stats_and_only_changed_files_are_published(
    bare_client: LanguageClient, two_projects: tuple[Path, Path]
):
    """A client that asks for them (`initializationOptions.stats`) gets each published run's
    costs; a keystroke that changes no finding publishes nothing, one that does publishes the
    files whose diagnostics changed, and only those."""
    drifted, _ = two_projects
    stats: list[dict] = []

    @bare_client.feature("$/schemalint/runStats")
    def run_stats(params) -> None:
        stats.append(params._asdict())

    params = initialize_params(drifted)
    params.initialization_options = {"stats": True}
    await bare_client.initialize_session(params)
    models = drifted / "app_django/apps/options/models.py"
    text = models.read_text()
    open_file(bare_client, models)
    await wait_until(lambda: (85, "SL204") in codes(bare_client, drifted / "src/database/models.py") and stats)
    await asyncio.sleep(0.5)  # the open's run, if it comes after the start's

    def typed(new: str, version: int) -> None:
        bare_client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=models.as_uri(), version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=new)],
            )
        )

    before, shown = len(stats), dict(bare_client.diagnostics)
    typed(text + "\n# a comment: no finding, no line moves\n", 2)
    await wait_until(lambda: len(stats) > before)
    assert stats[-1]["published"] == 0 and bare_client.diagnostics == shown
    latest = stats[-1]
    for key in ("changeToPublishMs", "waitMs", "computeMs", "checkMs", "cpuMs", "diagnosticsMs", "publishMs"):
        assert latest[key] >= 0, key
    assert latest["waitMs"] >= 1000 * DEBOUNCE * 0.9  # a change waits for the next keystroke
    assert latest["changeToPublishMs"] >= latest["computeMs"] >= latest["checkMs"]

    before = len(stats)
    typed(text.replace("max_digits=12, decimal_places=4)", "max_digits=14, decimal_places=4)", 1), 3)
    await wait_until(lambda: len(stats) > before)
    # The mirrors' SL203 and the model's SL501 (against its migrations): three files, no other.
    changed = {uri for uri, found in bare_client.diagnostics.items() if found != shown.get(uri)}
    assert changed == {
        (drifted / rel).as_uri()
        for rel in ("app_django/apps/options/models.py", "scripts/database/schema.sql", "src/database/models.py")
    }
    assert stats[-1]["published"] == 3
    await bare_client.shutdown_session()


def test_without_the_extra_the_command_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "pygls", None)  # `import pygls` fails as if not installed
    ran = schemalint("server")
    assert ran.returncode == 2
    assert (
        ran.stderr.strip()
        == "schemalint: error: `schemalint server` needs the language server extra: pip install 'schemalint[lsp]'"
    )

"""The server's process: shutdown and exit, several workspace folders, the missing extra."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

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


def test_without_the_extra_the_command_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "pygls", None)  # `import pygls` fails as if not installed
    ran = schemalint("server")
    assert ran.returncode == 2
    assert (
        ran.stderr.strip()
        == "schemalint: error: `schemalint server` needs the language server extra: pip install 'schemalint[lsp]'"
    )

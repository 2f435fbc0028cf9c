"""pytest-lsp fixtures: `schemalint server` started as a subprocess over stdio, talking to a
test client, on a copy of a fixture project (`project`)."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SERVER = [sys.executable, "-m", "schemalint", "server"]


@pytest.fixture(scope="session")
def warm_fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture projects, each checked once so that its `.schemalint_cache/` holds every
    file's facts (facts are keyed by relative path and content: copies share them). Each
    test's server then starts warm, as an editor's does in a checked-out project."""
    from schemalint.config import load_config
    from schemalint.engine import run_check

    base = tmp_path_factory.mktemp("warm")
    for name in ("bifrost", "bifrost-drifted"):
        shutil.copytree(FIXTURES / name, base / name)
        run_check(load_config(base / name))
    return base


@pytest.fixture(autouse=True)
def _memory_off_afterwards():
    """A `ProjectState` run here turns on the server's process-wide memory (kept trees, keys,
    project texts: `schemalint.read.stay_in_memory`); the other tests of this worker run
    without it, as the CLI does."""
    yield
    import schemalint.read as read
    from schemalint import cache

    read._kept_texts, read.tree_chars = None, 0
    cache.remember_keys(False)
    if "schemalint.read.python.parse" in sys.modules:
        sys.modules["schemalint.read.python.parse"].keep_trees(None)


def copy_project(warm_fixtures: Path, name: str, destination: Path) -> Path:
    shutil.copytree(warm_fixtures / name, destination)
    return destination


@pytest.fixture
def project(tmp_path: Path, warm_fixtures: Path) -> Path:
    """A copy of bifrost-drifted (nine findings in the SQLAlchemy module and schema.sql)."""
    return copy_project(warm_fixtures, "bifrost-drifted", tmp_path / "bifrost")


def initialize_params(*folders: Path) -> types.InitializeParams:
    return types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=folders[0].as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders],
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, project: Path):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(initialize_params(project))
    yield
    await lsp_client.shutdown_session()


def accept_registrations(client: LanguageClient) -> None:
    """Answer `client/registerCapability` (the server asks to watch files) like an editor."""
    client.registrations = []  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        client.applied_edits.append(params.edit)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    client.applied_edits = []  # type: ignore[attr-defined]


async def wait_until(condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Poll `condition` until it is true (the server publishes asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.02)


def codes(client: LanguageClient, path: Path) -> list[tuple[int, str]]:
    """(1-based line, code) of the diagnostics last published for `path`."""
    return sorted((d.range.start.line + 1, str(d.code)) for d in client.diagnostics.get(path.as_uri(), []))


def open_file(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> None:
    language = "sql" if path.suffix == ".sql" else "python"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(
                uri=path.as_uri(), language_id=language, version=version, text=text or path.read_text()
            )
        )
    )


def replace_all(client: LanguageClient, path: Path, text: str, version: int) -> None:
    """An unsaved change: the whole buffer replaced (a full-text change event)."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )

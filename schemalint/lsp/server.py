"""The pygls wiring of `schemalint server`.

Runs: a change is debounced (`DEBOUNCE`); opening and saving a file run at once. Each
project's checks run one at a time in one worker thread (so the asyncio loop keeps reading the
client); a newer change interrupts the run in flight (`ProjectState.cancel`) and a run that a
newer change made stale is never published. After a run, every file whose diagnostics differ
from what was last published for it gets them, opened or not: editing a Django model updates
the SQLAlchemy module's and schema.sql's diagnostics at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from schemalint import __version__
from schemalint.lsp.actions import FIX_ALL_COMMAND, FIX_ALL_KIND, code_actions, fix_all_edit, hover
from schemalint.lsp.diagnostics import by_file, config_diagnostic
from schemalint.lsp.state import Cancelled, Problem, ProjectState, Run, project_root

DEBOUNCE = 0.02
"""Seconds a change waits for the next keystroke before its run starts."""
WATCHED = ("**/pyproject.toml", "**/*.py", "**/*.sql")
STATS = "$/schemalint/runStats"
"""The notification a client that asks for it (`initializationOptions: {"stats": true}`) gets
after each published run: how long the change waited, computed and took to publish
(`tests/bench/lsp_latency.py` reads it). `$/` methods may be ignored by any client."""

log = logging.getLogger("schemalint.lsp")


class SchemalintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("schemalint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.projects: dict[Path, ProjectState] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="schemalint-check")
        self.pending: dict[Path, asyncio.Task[None]] = {}
        self.told: set[str] = set()
        self.use_cache = True
        self.report_stats = False
        self.encoded: dict[str, tuple[Any, str, bytes]] = {}
        """uri -> (version, text, its UTF-8 bytes) of open buffers."""

    # ------------------------------------------------------------------ projects and documents

    def folders(self) -> list[Path]:
        found = []
        for folder in self.workspace.folders.values():
            path = to_fs_path(folder.uri)
            if path:
                found.append(Path(path).resolve())
        if not found and self.workspace.root_path:
            found.append(Path(self.workspace.root_path).resolve())
        return found

    def project_for(self, uri: str) -> tuple[ProjectState, str] | None:
        path = to_fs_path(uri)
        if not path:
            return None
        resolved = Path(path).resolve()
        # A project already known that holds the file wins (the deepest one).
        known = [root for root in self.projects if resolved.is_relative_to(root)]
        root = max(known, key=lambda r: len(r.parts)) if known else project_root(resolved, self.folders())
        state = self.state(root)
        return state, resolved.relative_to(root).as_posix()

    def state(self, root: Path) -> ProjectState:
        if root not in self.projects:
            self.projects[root] = ProjectState(root=root, use_cache=self.use_cache)
        return self.projects[root]

    def overrides(self, state: ProjectState) -> dict[str, bytes]:
        """The open buffers of the project's files, as the run reads them instead of the disk."""
        found: dict[str, bytes] = {}
        encoded: dict[str, tuple[Any, str, bytes]] = {}
        for uri, document in self.workspace.text_documents.items():
            path = to_fs_path(uri)
            if not path:
                continue
            resolved = Path(path).resolve()
            if resolved.is_relative_to(state.root):
                # The same bytes object while the buffer is unchanged: its key is remembered.
                kept = self.encoded.get(uri)
                source = document.source
                if kept is None or kept[0] != document.version or kept[1] is not source:
                    kept = (document.version, source, source.encode("utf-8"))
                encoded[uri] = kept
                found[resolved.relative_to(state.root).as_posix()] = kept[2]
        self.encoded = {uri: kept for uri, kept in self.encoded.items() if uri in self.workspace.text_documents}
        self.encoded.update(encoded)
        return found

    def uri(self, state: ProjectState, rel: str) -> str:
        """The URI the client opened the file with (if open), else the file's own."""
        path = state.root / rel
        for uri in self.workspace.text_documents:
            fs = to_fs_path(uri)
            if fs and Path(fs).resolve() == path:
                return uri
        return from_fs_path(str(path)) or path.as_uri()

    # ------------------------------------------------------------------ runs

    def schedule(self, state: ProjectState, delay: float) -> None:
        state.generation += 1
        if state.changed_at is None:
            state.changed_at = time.perf_counter()
        previous = self.pending.get(state.root)
        if previous is not None and not previous.done():
            previous.cancel()
        state.cancel()
        self.pending[state.root] = asyncio.get_running_loop().create_task(self._run(state, state.generation, delay))

    async def _run(self, state: ProjectState, generation: int, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        if generation != state.generation:
            return
        started = time.perf_counter()
        overrides = self.overrides(state)
        codec = self.workspace.position_codec
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(self.executor, _check, state, overrides, codec)
        except asyncio.CancelledError:
            return
        if outcome is None or generation != state.generation:
            return  # interrupted, or a newer change will publish
        computed = time.perf_counter()
        published = self.publish(state, outcome[:2])
        if self.report_stats and state.changed_at is not None:
            done = time.perf_counter()
            self.protocol.notify(
                STATS,
                {
                    "root": str(state.root),
                    "generation": generation,
                    "changeToPublishMs": 1000 * (done - state.changed_at),
                    "waitMs": 1000 * (started - state.changed_at),
                    "computeMs": 1000 * (computed - started),
                    "publishMs": 1000 * (done - computed),
                    **outcome[2],
                    "published": published,
                },
            )
        state.changed_at = None

    def publish(self, state: ProjectState, outcome: tuple[Run | Problem, dict[str, list[types.Diagnostic]]]) -> int:
        """Send the diagnostics of every file whose diagnostics changed; how many files."""
        run, diagnostics = outcome
        if isinstance(run, Problem):
            self.tell(run.message)
            if run.config_file is not None and run.config_file.is_relative_to(state.root):
                rel = run.config_file.relative_to(state.root).as_posix()
                diagnostics = {**state.published, rel: [config_diagnostic(run.message)]}
            else:  # nothing to check: clear what was shown
                diagnostics = {}
        else:
            for error in run.result.errors:  # a crashed plugin rule: the log says which
                self.tell(error)
        sent = 0
        for rel in sorted(set(state.published) | set(diagnostics)):
            new = diagnostics.get(rel, [])
            if new != state.published.get(rel, []):
                self.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri=self.uri(state, rel), diagnostics=new)
                )
                sent += 1
        state.published = {rel: found for rel, found in diagnostics.items() if found}
        return sent

    def tell(self, message: str) -> None:
        """Log a problem of the project (not of one file) once."""
        if message in self.told:
            return
        self.told.add(message)
        self.window_log_message(
            types.LogMessageParams(type=types.MessageType.Warning, message=f"schemalint: {message}")
        )

    async def in_worker(self, func: Any, *args: Any) -> Any:
        """Run `func` where the checks run (one at a time, off the loop)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, func, *args)


def _check(
    state: ProjectState, overrides: dict[str, bytes], codec: Any
) -> tuple[Run | Problem, dict[str, list[types.Diagnostic]], dict[str, float]] | None:
    """In the worker thread: the check, its diagnostics and what they cost (milliseconds:
    `checkMs` wall and `cpuMs` this thread's CPU time for the check, `diagnosticsMs` for
    turning findings into diagnostics), or None when a newer change interrupted it. A crash of
    schemalint itself is logged and publishes nothing: the server keeps serving."""
    try:
        wall, cpu = time.perf_counter(), time.thread_time()
        run = state.check(overrides)
        checked, cpu = time.perf_counter(), time.thread_time() - cpu
        costs = {"checkMs": 1000 * (checked - wall), "cpuMs": 1000 * cpu}
        if isinstance(run, Problem):
            return run, {}, costs
        diagnostics = by_file(run.result.findings, codec, run.config.root, lambda rel: state.lines(run, rel))
        costs["diagnosticsMs"] = 1000 * (time.perf_counter() - checked)
        return run, diagnostics, costs
    except Cancelled:
        return None
    except Exception:
        log.error("schemalint: internal error in a check:\n%s", traceback.format_exc())
        return None


def _code_actions(
    state: ProjectState, rel: str, params: types.CodeActionParams, codec: Any, overrides: dict[str, bytes]
) -> list[types.CodeAction]:
    """Code actions need the schemas of a run that read this buffer: a run from before the
    file was opened may have been served whole from the cache (findings, no schemas)."""
    if state.last is None or rel not in state.last.overrides:
        try:
            state.check(overrides)
        except Cancelled:
            return []
    return code_actions(state, rel, params, codec)


def create_server() -> SchemalintServer:
    server = SchemalintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: SchemalintServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        ls.report_stats = isinstance(options, dict) and options.get("stats") is True

    @server.feature(types.INITIALIZED)
    async def initialized(ls: SchemalintServer, params: types.InitializedParams) -> None:
        watch = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watch and watch.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]
            )
            try:
                await ls.client_register_capability_async(
                    types.RegistrationParams(
                        registrations=[
                            types.Registration(
                                id="schemalint-watch",
                                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                register_options=options,
                            )
                        ]
                    )
                )
            except Exception as exc:  # a client that refuses: config is still re-read every run
                log.info("schemalint: file watching not registered: %s", exc)
        for folder in ls.folders():
            ls.schedule(ls.state(project_root(folder, ls.folders())), 0)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SchemalintServer, params: types.DidOpenTextDocumentParams) -> None:
        found = ls.project_for(params.text_document.uri)
        if found is not None:
            ls.schedule(found[0], 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SchemalintServer, params: types.DidChangeTextDocumentParams) -> None:
        found = ls.project_for(params.text_document.uri)
        if found is None:
            return
        state, rel = found
        if state.last is not None and not _reads(state.last, rel):
            return  # not one of the project's sources: its unsaved text changes nothing
        ls.schedule(state, DEBOUNCE)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SchemalintServer, params: types.DidSaveTextDocumentParams) -> None:
        found = ls.project_for(params.text_document.uri)
        if found is not None:
            found[0].snapshot.forget_tree()  # a saved file may now be another source's
            ls.schedule(found[0], 0)
            ls.executor.submit(found[0].flush)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SchemalintServer, params: types.DidCloseTextDocumentParams) -> None:
        found = ls.project_for(params.text_document.uri)
        if found is not None:  # its unsaved text, if any, is gone: the file on disk counts again
            ls.schedule(found[0], DEBOUNCE)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: SchemalintServer, params: types.DidChangeWatchedFilesParams) -> None:
        touched: set[Path] = set()
        for change in params.changes:
            found = ls.project_for(change.uri)
            if found is None:
                continue
            state, rel = found
            if rel.endswith("pyproject.toml"):
                state.stale_config()
            state.snapshot.forget_tree()
            touched.add(state.root)
        for root in touched:
            ls.schedule(ls.projects[root], DEBOUNCE)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(ls: SchemalintServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        for folder in params.event.removed:
            path = to_fs_path(folder.uri)
            state = ls.projects.pop(Path(path).resolve(), None) if path else None
            if state is not None:
                for rel in state.published:
                    ls.text_document_publish_diagnostics(
                        types.PublishDiagnosticsParams(uri=ls.uri(state, rel), diagnostics=[])
                    )
        for folder in params.event.added:
            path = to_fs_path(folder.uri)
            if path:
                root = Path(path).resolve()
                ls.schedule(ls.state(project_root(root, ls.folders() + [root])), 0)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    async def code_action(ls: SchemalintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        found = ls.project_for(params.text_document.uri)
        if found is None:
            return None
        state, rel = found
        codec = ls.workspace.position_codec
        return await ls.in_worker(_code_actions, state, rel, params, codec, ls.overrides(state)) or None

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: SchemalintServer, params: types.HoverParams) -> types.Hover | None:
        found = ls.project_for(params.text_document.uri)
        if found is None:
            return None
        state, rel = found
        document = ls.workspace.get_text_document(params.text_document.uri)
        lines = document.lines
        if params.position.line >= len(lines):
            return None
        line = lines[params.position.line].rstrip("\r\n")
        codec = ls.workspace.position_codec
        char = codec.position_from_client_units([line], types.Position(0, params.position.character)).character
        return hover(state, rel, line, params.position.line, char, codec)

    @server.command(FIX_ALL_COMMAND)
    async def fix_all(ls: SchemalintServer, *args: Any) -> None:
        uri = _uri_argument(args)
        targets = [ls.project_for(uri)] if uri else [(state, "") for state in ls.projects.values()]
        codec = ls.workspace.position_codec
        for found in targets:
            if found is None:
                continue
            state = found[0]
            edit = await ls.in_worker(fix_all_edit, state, ls.overrides(state), codec)
            if edit is not None:
                await ls.workspace_apply_edit_async(
                    types.ApplyWorkspaceEditParams(edit=edit, label="schemalint: fix all")
                )

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: SchemalintServer, params: Any) -> None:
        for state in ls.projects.values():
            state.cancel()
            try:
                state.flush()
            except Exception:  # a cache that cannot be written costs the next run, nothing else
                pass

    return server


def _reads(run: Run, rel: str) -> bool:
    return any(rel in schema.files for schema in run.result.schemas.values())


def _uri_argument(args: tuple[Any, ...]) -> str | None:
    """`schemalint.fixAll` takes the document's URI, as a string or `{"uri": ...}` (clients
    differ), or nothing (every project)."""
    for arg in args:
        if isinstance(arg, list | tuple):
            found = _uri_argument(tuple(arg))
            if found:
                return found
        if isinstance(arg, str):
            return arg
        if isinstance(arg, dict) and isinstance(arg.get("uri"), str):
            return str(arg["uri"])
    return None


def serve(use_cache: bool = True) -> None:
    server = create_server()
    server.use_cache = use_cache
    server.start_io()

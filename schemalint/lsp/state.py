"""What the server keeps per project between runs.

A keystroke changes one buffer; everything else the last run read is still valid. The facts
cache is content-keyed (`schemalint/cache.py`), so the server keeps one `Cache` per project for
its whole life and makes its packs remember what they unpickled (`MemoryCache`): a run after a
keystroke parses the changed file, takes every other file's facts and every unchanged source's
linked schema from memory (not from the pack on disk, and not unpickled again), and links only
the source whose file changed. Runs never write the cache folder (a keystroke's facts are not
worth a pack rewrite); `flush` writes it on save and on shutdown, so the CLI's next run starts
warm.

Before the engine, the `Snapshot`: discovery is kept between keystrokes (walked again after a
file event, a save, a configuration change, a discovered file gone, or `REDISCOVER_AFTER`),
and each source file's bytes are kept with their `stat`, so a keystroke reads no file and
hashes none (the same `bytes` objects every run: `cache_key` remembers their keys). The rules
are loaded once per configuration. The process also turns on the readers' memory
(`schemalint.read.stay_in_memory`): project files a link reads by `stat`, and each top-level
statement's parsed tree by its text, so the changed file's unchanged classes are not parsed
again. After the engine, a file's lines (for diagnostics' ranges) are split once per version.

What the engine keeps in the `Cache` object (the table-pair memo of the rules, the previous
link a reader relinks from) lives as long as the `MemoryCache`, i.e. in memory between runs,
with nothing to wire here; a linked schema kept unpickled carries its reader's link state
(`_state`) the same way.

Nothing here imports pygls: the language-independent half of the server is tested directly.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemalint.cache import MISSING, PACK_FORMAT, Cache, LinkEntry, Pack, RecordingProject, _read_pack, dumps
from schemalint.config import Config, ConfigError, find_config_file, load_config
from schemalint.discover import Discovered, discover
from schemalint.engine import RunResult, UsageError, run_check
from schemalint.findings import Finding
from schemalint.registry import PluginError, Rule, load_rules

FACTS_IN_MEMORY = 4096
"""Unpickled facts kept per source (a file edited back and forth, a branch switch)."""
LINKS_IN_MEMORY = 4
"""Linked schemas kept per source."""
TREES_IN_MEMORY = 2_000_000
"""Characters of Python source whose parsed chunks stay in memory (`keep_trees`; ~80 MB)."""
REDISCOVER_AFTER = 10.0
"""Seconds a discovery is trusted without a file event (a client that watches no files still
sees a file created outside the editor, this much later)."""
RACY = 2.0
"""A file modified this recently (seconds) when read is read again next run: a second write
within the file system's timestamp granularity, of the same size, would look unchanged."""


class Cancelled(BaseException):
    """Raised inside a run's thread when a newer change makes the run pointless. A
    BaseException, so that the engine's `except Exception` (a crashing rule, a crashing reader)
    never mistakes it for a bug and reports it."""


# --------------------------------------------------------------------------- the cache in memory


class _Linked(LinkEntry):
    """A linked schema whose `schema()` is unpickled once."""

    def schema(self) -> Any:
        cached = self.__dict__.get("_schema", MISSING)
        if cached is MISSING:
            cached = super().schema()
            object.__setattr__(self, "_schema", cached)
        return cached


class MemoryPack(Pack):
    """A pack that also keeps the values it handed out, unpickled, up to `limit` of them."""

    def __init__(self, path: Path | None, entries: dict[str, bytes], keep_unused: int, limit: int):
        super().__init__(path, entries, keep_unused)
        self._memo: OrderedDict[str, tuple[Any, bytes | None]] = OrderedDict()
        self._limit = limit

    def begin_run(self) -> None:
        """What a `flush` keeps is what the latest run used (plus the pack's older entries),
        not every keystroke's facts since the server started."""
        self._used = {}

    def get(self, key: str) -> Any:
        hit = self._memo.get(key)
        if hit is not None:
            self._memo.move_to_end(key)
            value, blob = hit
            if blob is not None:
                self._used[key] = blob
            return value
        value = super().get(key)
        if value is not MISSING:
            self._remember(key, value)
        return value

    def put(self, key: str, value: Any) -> None:
        super().put(key, value)
        self._remember(key, value)

    def _remember(self, key: str, value: Any) -> None:
        if isinstance(value, LinkEntry) and not isinstance(value, _Linked):
            value = _Linked(**{f.name: getattr(value, f.name) for f in dataclasses.fields(LinkEntry)})
        self._memo[key] = (value, self._used.get(key))
        while len(self._memo) > self._limit:
            self._memo.popitem(last=False)

    def keep_unpickled(self, key: str, entry: _Linked) -> None:
        """A linked schema kept as it is: pickling a schema of hundreds of tables costs more
        than the link that made it. `pickle_kept` writes it into the pack when flushing."""
        self._memo[key] = (entry, None)
        while len(self._memo) > self._limit:
            self._memo.popitem(last=False)
        kept = getattr(self, "_unpickled", {})
        self._unpickled = {k: e for k, e in kept.items() if k in self._memo} | {key: entry}

    def pickle_kept(self) -> None:
        """Put the linked schemas the last run used into the pack, pickled."""
        for key, entry in getattr(self, "_unpickled", {}).items():
            if key in self._memo and key not in self._used:
                Pack.put(self, key, _pickled(entry))
        self._unpickled = {}


class MemoryCache(Cache):
    """The project's cache for a server's lifetime (see the module docstring). A server with
    the cache turned off (`directory=None`) still keeps facts in memory."""

    def __init__(self, directory: Path | None):
        super().__init__(directory)
        self._in_memory_only = directory is None

    @property
    def enabled(self) -> bool:
        return True

    def _pack(self, kind: str, source: str, keep_unused: int) -> Pack:
        name = f"{kind}-{_format()}/{source}.pack"
        if name not in self._packs:
            path = None if self.directory is None else self.directory / name
            entries = _read(path) if path else {}
            limit = LINKS_IN_MEMORY if kind == "links" else FACTS_IN_MEMORY
            pack = MemoryPack(path, entries, keep_unused, limit)
            if path is None:  # no folder: a pack that stores nothing would remember nothing
                pack.path = Path("/nonexistent/schemalint-memory-only")
            self._packs[name] = pack
        return self._packs[name]

    def keep_link(self, source: str, key: str, project: RecordingProject, schema: Any) -> None:
        entry = _Linked(
            reads=tuple(sorted(project.reads.items(), key=lambda item: item[0])),
            lookups=tuple((dotted, near, found) for (dotted, near), found in project.lookups.items()),
            schema_blob=b"",
        )
        object.__setattr__(entry, "_schema", schema)
        # What a reader recorded for relinking after an edit (`RecordingProject.link_state`,
        # where readers have it), kept unpickled too: `LinkEntry.state()` looks for `_state`.
        state = getattr(project, "link_state", None)
        if state is not None:
            object.__setattr__(entry, "_state", state)
        pack = self.links(source)
        assert isinstance(pack, MemoryPack)
        pack.keep_unpickled(key, entry)

    def begin_run(self) -> None:
        self.link_keys = {}
        for pack in self._packs.values():
            if isinstance(pack, MemoryPack):
                pack.begin_run()

    def save(self) -> None:
        """Runs never write the folder; see `flush`."""

    def flush(self) -> None:
        if self._in_memory_only:
            return
        for pack in self._packs.values():
            if isinstance(pack, MemoryPack):
                pack.pickle_kept()
        super().save()


def _pickled(entry: _Linked) -> LinkEntry:
    """A linked schema kept unpickled, as the pack stores it (its link state too, when the
    reader recorded one and `LinkEntry` has a place for it)."""
    values: dict[str, Any] = {f.name: getattr(entry, f.name) for f in dataclasses.fields(LinkEntry)}
    values["schema_blob"] = dumps(entry.schema())
    state = entry.__dict__.get("_state")
    if state is not None and "state_blob" in values:
        values["state_blob"] = dumps(state)
    return LinkEntry(**values)


def _format() -> str:
    return PACK_FORMAT


def _read(path: Path) -> dict[str, bytes]:
    return _read_pack(path)


# --------------------------------------------------------------------------- one project


@dataclass
class Run:
    """One finished check: its result and the buffers it read instead of the files."""

    config: Config
    result: RunResult
    overrides: dict[str, bytes]
    inputs: dict[str, bytes] = field(default_factory=dict)
    """Every source file's bytes as the run read them (buffers included), when it read them
    from the `Snapshot`."""

    def text(self, rel: str) -> str | None:
        return text_of(self.config.root, rel, self.inputs or self.overrides)

    def data(self, rel: str) -> bytes | None:
        """The bytes the run read for `rel` (None when it did not keep them)."""
        return self.inputs.get(rel) if self.inputs else self.overrides.get(rel)

    def findings_in(self, rel: str) -> list[Finding]:
        return [f for f in self.result.findings if f.path == rel]


@dataclass
class Problem:
    """Why a run produced no findings: a broken configuration (shown on pyproject.toml), or a
    project that has nothing to check (logged, no diagnostic)."""

    message: str
    config_file: Path | None = None


@dataclass
class Snapshot:
    """The project's files as the last run saw them, kept between keystrokes: what discovery
    found, and each source file's bytes with the `stat` they were read at. A run re-reads only
    the files whose size, mtime or inode changed (and the open buffers come from the editor),
    and hands the same `bytes` objects to the engine as the run before, so an unchanged file
    costs neither a read nor a hash (`schemalint.cache.remember_keys`). Discovery (which reads
    every Python file's bytes to classify it) is kept until a file event (`forget_tree`), a
    configuration change or `REDISCOVER_AFTER` seconds."""

    discovered: Discovered | None = None
    discovered_for: Config | None = None
    discovered_at: float = 0.0
    files: dict[str, tuple[tuple[int, int, int], bytes, bool]] = field(default_factory=dict)
    """rel -> (mtime_ns, size, inode), the bytes, whether the stamp can be trusted (`RACY`)."""
    read: list[str] = field(default_factory=list)
    """The files the latest run read from disk (tests assert it)."""
    discoveries: int = 0
    """How many times the tree was walked (tests assert it)."""
    missing: list[str] = field(default_factory=list)
    """Discovered files the latest `inputs` found gone."""

    def forget_tree(self) -> None:
        """Files were created, deleted or saved: discover again next run."""
        self.discovered = None

    def discover(self, config: Config) -> Discovered:
        now = time.monotonic()
        if self.discovered is None or self.discovered_for is not config or now - self.discovered_at > REDISCOVER_AFTER:
            self.discovered = discover(config)
            self.discovered_for, self.discovered_at = config, now
            self.discoveries += 1
        return self.discovered

    def inputs(self, config: Config, discovered: Discovered, buffers: dict[str, bytes]) -> dict[str, bytes]:
        """Every discovered file's bytes (an open buffer's first). A file that cannot be read
        is left out: the read stage then tries it and reports it (SL001)."""
        found = dict(buffers)
        kept: dict[str, tuple[tuple[int, int, int], bytes, bool]] = {}
        read: list[str] = []
        missing: list[str] = []
        unreadable = {path for path, _ in discovered.unreadable}
        now = time.time_ns()
        for paths in discovered.files.values():
            for path in paths:
                rel = path.relative_to(config.root).as_posix()
                if rel in found:
                    continue
                try:
                    stat = os.stat(path)
                except OSError:
                    if path not in unreadable:  # (known unreadable: the read stage says so)
                        missing.append(rel)
                    continue
                stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
                old = self.files.get(rel)
                if old is not None and old[0] == stamp and old[2]:
                    data = old[1]
                else:
                    try:
                        data = path.read_bytes()
                    except OSError:
                        continue
                    read.append(rel)
                kept[rel] = (stamp, data, now - stat.st_mtime_ns > RACY * 1e9)
                found[rel] = data
        self.files, self.read, self.missing = kept, read, missing  # interrupted: the last run's
        return found


def text_of(root: Path, rel: str, overrides: dict[str, bytes]) -> str | None:
    data = overrides.get(rel)
    try:
        if data is None:
            data = (root / rel).read_bytes()
        return data.decode("utf-8-sig", errors="replace")
    except OSError:
        return None


@dataclass
class ProjectState:
    root: Path
    config: Config | None = None
    cache: MemoryCache | None = None
    last: Run | None = None
    published: dict[str, list[Any]] = field(default_factory=dict)
    """rel path -> the diagnostics last published for it (lsprotocol objects)."""
    generation: int = 0
    """Bumped by every change; a run whose generation is behind is not published."""
    changed_at: float | None = None
    """`time.perf_counter()` of the oldest change not yet published (the server's stats)."""
    _stamp: tuple[float, int] | None = None
    _rules: list[Rule] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _running_thread: int | None = None
    use_cache: bool = True
    snapshot: Snapshot = field(default_factory=Snapshot)
    _run_rules: tuple[Config | None, list[Rule] | None] | None = None
    _lines: dict[str, tuple[bytes, list[str]]] = field(default_factory=dict)

    # ------------------------------------------------------------------ configuration

    def config_path(self) -> Path | None:
        return self.config.config_file if self.config is not None else find_config_file(self.root)

    def _config_stamp(self) -> tuple[float, int] | None:
        path = find_config_file(self.root)
        try:
            stat = path.stat() if path else None
        except OSError:
            return None
        return (stat.st_mtime, stat.st_size) if stat else None

    def refresh_config(self, force: bool = False) -> Config:
        """The configuration, re-read when pyproject.toml changed since (checked by its
        size and mtime on every run: editors without file watching get it too)."""
        stamp = self._config_stamp()
        if self.config is None or force or stamp != self._stamp:
            config = load_config(self.root)
            # `plugins = ["team_rules"]` may name a module kept in the project (as `check` allows).
            if str(config.root) not in sys.path:
                sys.path.append(str(config.root))
            if self.config is None or _cache_relevant(config) != _cache_relevant(self.config):
                directory = config.root / config.cache_dir if self.use_cache else None
                self.cache = MemoryCache(directory)
            self.config, self._stamp, self._rules = config, stamp, None
        return self.config

    def stale_config(self) -> None:
        """pyproject.toml changed (the client's file watcher says so): re-read it next run."""
        self._stamp = (-1.0, -1)

    def all_rules(self) -> list[Rule]:
        """Every rule, selected or not (hover explains any code)."""
        if self._rules is None:
            try:
                self._rules = load_rules(self.config.plugins if self.config else ())
            except PluginError:
                self._rules = load_rules(())
        return self._rules

    def _loaded_rules(self) -> list[Rule] | None:
        """The rules a run uses, loaded once per configuration; None when a plugin fails to
        load (the run then loads them itself and says why)."""
        if self._run_rules is None or self._run_rules[0] is not self.config:
            try:
                rules: list[Rule] | None = load_rules(self.config.plugins if self.config else ())
            except PluginError:
                rules = None
            self._run_rules = (self.config, rules)
        return self._run_rules[1]

    # ------------------------------------------------------------------ running

    def check(self, overrides: dict[str, bytes]) -> Run | Problem:
        """Run the check with `overrides` (rel path -> an open buffer's bytes). May raise
        `Cancelled` (see `cancel`)."""
        try:
            config = self.refresh_config()
        except ConfigError as exc:
            return Problem(str(exc), find_config_file(self.root))
        assert self.cache is not None
        self.cache.begin_run()
        _keep_in_memory()
        with self._lock:
            self._running_thread = threading.get_ident()
        try:
            # Without open buffers, the findings cache may answer the whole run (the server's
            # start): the files are read as the CLI reads them. With buffers, from the snapshot.
            discovered = self.snapshot.discover(config)
            inputs = self.snapshot.inputs(config, discovered, overrides) if overrides else {}
            if self.snapshot.missing:  # deleted since discovery (and no file event said so)
                self.snapshot.forget_tree()
                discovered = self.snapshot.discover(config)
                inputs = self.snapshot.inputs(config, discovered, overrides)
            result = run_check(
                config, overrides=inputs or None, cache=self.cache, discovered=discovered, rules=self._loaded_rules()
            )
        except (ConfigError, UsageError) as exc:
            return Problem(str(exc), config.config_file if isinstance(exc, ConfigError) else None)
        finally:
            with self._lock:
                self._running_thread = None
        run = Run(config, result, dict(overrides), inputs)
        self.last = run
        return run

    def lines(self, run: Run, rel: str) -> list[str]:
        """The lines of `rel` as `run` read it (diagnostics' ranges are counted in them), split
        once per version of the file."""
        data = run.data(rel)
        if data is None:
            return _split(run.text(rel))
        kept = self._lines.get(rel)
        if kept is None or kept[0] is not data:
            kept = self._lines[rel] = (data, _split(run.text(rel)))
        return kept[1]

    def cancel(self) -> bool:
        """Interrupt the run in flight (if any, and not the first) by raising `Cancelled` in
        its thread, at the next bytecode it runs. Safe for what the run shares with later runs: the memory cache
        only ever gains complete entries."""
        import ctypes

        with self._lock:
            ident = self._running_thread
            # The first run parses every file (its facts are stored only at its end): typing
            # during it must not restart it over and over. It finishes; the change runs next.
            if ident is None or self.last is None:
                return False
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(Cancelled))
            self._running_thread = None
            return True

    def flush(self) -> None:
        if self.cache is not None:
            self.cache.flush()


def _split(text: str | None) -> list[str]:
    from schemalint.suppress import split_lines

    return split_lines(text) if text else []


def _keep_in_memory() -> None:
    """A server re-reads the file being typed in: only its changed statements are parsed,
    and the other files' keys are remembered by their bytes."""
    from schemalint import cache, read

    cache.remember_keys()
    read.stay_in_memory(TREES_IN_MEMORY)


def _cache_relevant(config: Config) -> tuple[Any, ...]:
    """A new cache when the config changes what the cache folder is (not on every edit of
    pyproject.toml: its keys already hold the reader settings)."""
    return (config.root, config.cache_dir)


def project_root(path: Path, folders: list[Path]) -> Path:
    """The project a file belongs to: the folder of the nearest pyproject.toml above it that is
    inside a workspace folder (or anywhere, without folders), else the workspace folder that
    holds it, else the file's folder."""
    start = path if path.is_dir() else path.parent
    config = find_config_file(start)
    holders = [f for f in folders if path.is_relative_to(f)]
    if config is not None and (not folders or any(config.parent.is_relative_to(f) for f in holders)):
        return config.parent
    if holders:
        return max(holders, key=lambda f: len(f.parts))
    return config.parent if config is not None else start


def rule_docs_section(rule: Rule, title: str) -> str:
    """One `## Title` section of a rule's docs, without its heading ('' when absent)."""
    import re

    match = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", rule.docs, re.MULTILINE | re.DOTALL)
    return match.group(1).strip() if match else ""


__all__ = [
    "Cancelled",
    "MemoryCache",
    "MemoryPack",
    "Problem",
    "ProjectState",
    "Run",
    "project_root",
    "rule_docs_section",
    "text_of",
]

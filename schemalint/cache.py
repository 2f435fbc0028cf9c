"""Content-addressed cache of extracted facts: one pack file per source.

Layout follows ruff/mypy/pytest: a `.schemalint_cache/` folder in the project root, created on
first use with its own `.gitignore` (`*`) and `CACHEDIR.TAG`, so it never shows up in
`git status`.

Each source (django, sqlalchemy, sql) has one pack, `facts-<format>/<source>.pack`: a pickled
dict from cache key to the *pickled* facts of one file. Keys hash the schemalint version and
its code (`code_digest`: an editable install whose code changed is another schemalint), the
reader's version, the reader settings and the file's path and bytes, so a schemalint upgrade,
a code or reader change or a config change simply makes old entries unreachable. Why one pack and not a
file per entry: a warm run over 1000 model files then opens one file instead of 1000, and
entries stay pickled until asked for, so rewriting a pack after one file changed copies bytes
instead of pickling every file's facts again.

Two runs sharing the cache: a pack is written to a temporary file and renamed into place, so a
reader sees the old pack or the new one, never half of one; if both runs write, the last
rename wins and the other run's new entries are recomputed next time. A pack that cannot be
read (truncated, from another Python) is treated as empty.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import io
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from schemalint import __version__
from schemalint.config import Config
from schemalint.model import LazyTables, TableHead
from schemalint.read import Project
from schemalint.read.versions import READER_VERSIONS

T = TypeVar("T")

PACK_FORMAT = "4"  # 3: Location has an end, Finding a fix; 4: Diagnostic has a kind, not a rule code
"""Bumped when the pack layout itself changes."""
KEEP_UNUSED = 256
"""Entries not used by the last run are kept up to this many (the other side of a branch
switch, a file being edited back and forth), newest first; older ones are dropped."""

KEEP_LINKS = 3
"""Linked schemas kept beside the current one (a branch switch and back)."""
KEEP_RUNS = 8
"""Findings of earlier runs kept beside the current one."""

_GITIGNORE = "# Created by schemalint automatically.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by schemalint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_MAGIC = b"schemalint-pack\n"
MISSING: Any = object()
"""What `Pack.get` returns for a key it does not hold (None is a valid fact)."""


def _own_folders() -> tuple[Path, ...]:
    import importlib

    import schemalint

    # Imported by name: rules/ installs as schemalint.rules, which mypy knows as `rules`.
    rules = importlib.import_module("schemalint.rules")
    return (Path(schemalint.__file__).parent, *map(Path, rules.__path__))


def code_digest(folders: tuple[Path, ...] | None = None) -> str:
    """A digest of schemalint's own code: path, size and mtime of every `.py` file under its
    package and its built-in rules. Cheap (stat only, ~100 files) and computed once per
    process for the installed package."""
    return _code_digest(folders or _own_folders())


@functools.lru_cache(maxsize=4)
def _code_digest(folders: tuple[Path, ...]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for folder in folders:
        for path, stat in _py_files(folder):
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _py_files(folder: Path) -> list[tuple[str, os.stat_result]]:
    found: list[tuple[str, os.stat_result]] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
            found += _py_files(Path(entry.path))
        elif entry.name.endswith(".py"):
            found.append((entry.path, entry.stat()))
    return found


def tool_version() -> str:
    """What stands for schemalint itself in every cache key: its version and its code."""
    return f"{__version__}+{code_digest()}"


_known_keys: dict[tuple[str, str, str, str, str, bytes], str] | None = None
"""`cache_key`'s answers, when a long-lived process turns it on (`remember_keys`)."""


_known_digests: dict[str, str] | None = None
"""`_text_digest`'s answers by text, likewise."""


def remember_keys(on: bool = True) -> None:
    """Remember each file's key by its bytes (and each project file's digest by its text),
    for a process that hands the same `bytes` and `str` objects to every run (the language
    server): they cache their hash, so finding an unchanged file's key costs no hashing of its
    content."""
    global _known_keys, _known_digests
    if not on:
        _known_keys = _known_digests = None
    elif _known_keys is None or _known_digests is None:
        _known_keys, _known_digests = {}, {}


def cache_key(reader: str, reader_version: str, settings_fingerprint: str, rel: str, data: bytes) -> str:
    known = _known_keys
    if known is not None:
        memo = (tool_version(), reader, reader_version, settings_fingerprint, rel, data)
        found = known.get(memo)
        if found is None:
            if len(known) > 16_384:  # a long session's old versions of files
                known.clear()
            found = known[memo] = _cache_key(reader, reader_version, settings_fingerprint, rel, data)
        return found
    return _cache_key(reader, reader_version, settings_fingerprint, rel, data)


def _cache_key(reader: str, reader_version: str, settings_fingerprint: str, rel: str, data: bytes) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in (tool_version(), reader, reader_version, settings_fingerprint, rel):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()


class Pack:
    """The cached facts of one source. `get`/`put` work on one entry; `save` writes the pack
    back if anything changed, keeping the entries used by this run first."""

    def __init__(self, path: Path | None, entries: dict[str, bytes], keep_unused: int = KEEP_UNUSED):
        self.path = path
        self.keep_unused = keep_unused
        self._entries = entries
        self._used: dict[str, bytes] = {}
        self._dirty = False

    def get(self, key: str) -> Any:
        """The facts stored under `key` (by an earlier run, or by `put` in this one), or `MISSING`."""
        blob = self._used.get(key) or self._entries.get(key)
        if blob is None:
            return MISSING
        try:
            value = loads(blob)
        except Exception:  # written by an incompatible version: a miss, not an error
            return MISSING
        self._used[key] = blob
        return value

    def put(self, key: str, value: Any) -> None:
        if self.path is None:
            return
        try:
            blob = dumps(value)
        except Exception:  # facts that cannot be pickled are simply not cached
            return
        self.put_pickled(key, blob)

    def touch(self, key: str) -> None:
        """Count the entry under `key` as used by this run (kept first by `save`) without
        unpickling it: its value was taken from memory (`PairMemo`)."""
        if key not in self._used:
            blob = self._entries.get(key)
            if blob is not None:
                self._used[key] = blob

    def stored(self, key: str) -> bytes | None:
        """The pickled bytes this run took (`get`) or stored (`put`) under `key`, or None."""
        return self._used.get(key)

    def put_pickled(self, key: str, blob: bytes) -> None:
        """`put` for a value already pickled by `dumps` (in a worker process)."""
        if self.path is None:
            return
        self._used[key] = blob
        self._dirty = True

    def save(self) -> None:
        unused = [k for k in self._entries if k not in self._used]
        if self.path is None or not (self._dirty or len(unused) > self.keep_unused):
            return
        entries = dict(self._used)
        for key in unused[: self.keep_unused]:
            entries[key] = self._entries[key]
        _write_atomically(self.path, _MAGIC + pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
        self._entries, self._dirty = entries, False


class Cache:
    def __init__(self, directory: Path | None):
        self.directory = directory
        self._packs: dict[str, Pack] = {}
        self.link_keys: dict[str, str] = {}
        """source -> key of the linked schema this run used or stored (see `run_key`)."""
        self.loaded_tables: list[StoredTables] = []
        """The stored tables of the link entries this run loaded (`linked_schema`)."""
        self.files_read: dict[str, Any] = {}
        """source -> (paths, files, problems, fact keys) as `stage.cached_findings` read them
        in this run, taken by `stage.read_schemas` after it (emptied at the start of a run)."""
        self._pair_memo: PairMemo | None = None

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    def pack(self, source: str) -> Pack:
        """The extracted facts of one source's files, read from disk when first asked for."""
        return self._pack("facts", source, KEEP_UNUSED)

    def links(self, source: str) -> Pack:
        """Linked schemas of one source with what they were linked from (`LinkEntry`). Each
        is as big as the whole schema, so only the last few are kept."""
        return self._pack("links", source, KEEP_LINKS)

    def keep_link(self, source: str, key: str, project: RecordingProject, schema: Any) -> Any:
        """Store a source's linked schema with what it was linked from (a language server
        keeps it unpickled instead: `schemalint.lsp.state.MemoryCache`). Returns the schema
        to use from now on (its tables as a `StoredTables`, their digests known), or None:
        `schema` itself."""
        try:
            entry, stored = project.entry(schema, known_tables(self.loaded_tables))
        except Exception:  # a schema that cannot be pickled is simply not cached
            return None
        self.links(source).put(key, entry)
        return stored

    def linked_schema(self, entry: LinkEntry) -> Any:
        """The schema of a link entry (its tables loaded as asked for); tables of it that a
        relink reuses keep their stored form when stored again (`keep_link`)."""
        schema = entry.schema()
        if isinstance(schema.tables, StoredTables):
            self.loaded_tables.append(schema.tables)
        return schema

    def findings(self) -> Pack:
        """Findings of whole runs, keyed by `run_key`."""
        return self._pack("runs", "findings", KEEP_RUNS)

    def pair_memo(self) -> PairMemo:
        """What the table and column rules reported about each pair of tables (`PairMemo`):
        read from the pack when first asked for, then kept in memory as long as this object
        lives (a language server's runs share it)."""
        if self._pair_memo is None:
            self._pair_memo = PairMemo(self._pack("pairs", "rules", KEEP_PAIRS))
        return self._pair_memo

    def _pack(self, kind: str, source: str, keep_unused: int) -> Pack:
        name = f"{kind}-{PACK_FORMAT}/{source}.pack"
        if name not in self._packs:
            path = None if self.directory is None else self.directory / name
            self._packs[name] = Pack(path, _read_pack(path) if path else {}, keep_unused)
        return self._packs[name]

    def save(self) -> None:
        """Write every pack that changed; a read-only checkout or a full disk only costs the
        next run its cache, never this run its result."""
        if self.directory is None:
            return
        try:
            _prepare(self.directory)
            for pack in self._packs.values():
                pack.save()
        except OSError:
            return


def dumps(value: Any) -> bytes:
    """Pickle `value` so that loading it is fast: dataclass instances (the schema model, the
    readers' facts) are stored as their constructor's arguments, and unpickling calls the
    class with them (the default pickling of a frozen dataclass with slots calls
    `dataclasses.fields()` and `object.__setattr__` for every instance on load, three times
    slower). The classes so stored, each with its field layout, come last: loading checks
    them once per value (`_checked`) instead of once per object."""
    return _dumps(value)[0]


def _dumps(value: Any) -> tuple[bytes, list[tuple[type, int]]]:
    """`dumps`, and the (class, layout) pairs its bytes were checked against."""
    buffer = io.BytesIO()
    pickler = _FastPickler(buffer)
    pickler.dump(_Checked(value))
    return buffer.getvalue(), pickler.layouts


class _Checked:
    """The value `dumps` pickles, wrapped: it reduces to `_checked(value, layouts)`."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value


class _FastPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.layouts: list[tuple[type, int]] = []
        """(class, `_LAYOUTS[class]`) of each class stored by its constructor's arguments,
        filled while the value is pickled: pickled after it (`_checked`'s second argument)."""
        self._seen: set[type] = set()

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if cls is _Checked:
            return _checked, (obj.value, self.layouts)
        names = _constructor_fields(cls)
        if names is None:
            return NotImplemented
        if cls not in self._seen:
            self._seen.add(cls)
            self.layouts.append((cls, _LAYOUTS[cls]))
        return cls, tuple([getattr(obj, name) for name in names])


class StaleLayout(Exception):
    """A cached object was stored by a version of its class with other fields."""


def _checked(value: Any, layouts: list[tuple[type, int]]) -> Any:
    # Arguments are positional: if a class gained, lost or reordered fields since the value
    # was written (a development checkout, where versions do not change), refuse the value
    # (built with arguments in the wrong fields, or failing to build: either way a miss).
    for cls, layout in layouts:
        if _LAYOUTS.get(cls) != layout and (_constructor_fields(cls) is None or _LAYOUTS.get(cls) != layout):
            raise StaleLayout(cls.__qualname__)
    return value


_freezing = 0
"""How many `freezing_loads` are open."""


@contextmanager
def freezing_loads() -> Iterator[None]:
    """Within: what `loads` builds moves out of the cyclic collector's sight at once
    (`gc.freeze`). The caller unfreezes afterwards (`engine.tuned_gc`)."""
    global _freezing
    _freezing += 1
    try:
        yield
    finally:
        _freezing -= 1


def loads(data: bytes | memoryview) -> Any:
    """`pickle.loads`, for what the cache stores. Unpickling builds acyclic objects only
    (frozen dataclasses, tuples, strings) that the run keeps, hundreds of thousands of them
    after a one-file edit (the unchanged files' facts, the previous links and their states):
    within `freezing_loads` they are built with the collector off and frozen right after,
    instead of being walked by a young and a middle collection each (N=1000, one model file
    changed: 0.16 s of collections, 0.045 s so)."""
    if not _freezing or not gc.isenabled():
        return pickle.loads(data)
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        gc.freeze()
        gc.enable()


_CONSTRUCTOR_FIELDS: dict[type, tuple[str, ...] | None] = {}
_LAYOUTS: dict[type, int] = {}
"""A stable digest of each class's field names and their order (`hash()` of strings is
randomized per process, so it cannot be used)."""


def _constructor_fields(cls: type) -> tuple[str, ...] | None:
    """The fields a dataclass's generated `__init__` takes positionally, or None when calling
    it again could differ from the stored object (`__post_init__`, `init=False` fields,
    keyword-only fields, InitVars): those keep the default pickling."""
    try:
        return _CONSTRUCTOR_FIELDS[cls]
    except KeyError:
        pass
    names = None
    declared = getattr(cls, "__dataclass_fields__", None)
    if isinstance(declared, dict) and not hasattr(cls, "__post_init__"):
        real = dataclasses.fields(cls)
        if len(real) == len(declared) and all(f.init and not f.kw_only for f in real):
            names = tuple(f.name for f in real)
            _LAYOUTS[cls] = int.from_bytes(hashlib.blake2b(" ".join(names).encode(), digest_size=8).digest(), "big")
    _CONSTRUCTOR_FIELDS[cls] = names
    return names


def _read_pack(path: Path) -> dict[str, bytes]:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return {}
    if not data.startswith(_MAGIC):
        return {}
    try:
        entries = loads(memoryview(data)[len(_MAGIC) :])
    except Exception:  # truncated or foreign: start afresh
        return {}
    if not isinstance(entries, dict):
        return {}
    return entries


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # A name no other process uses (pid + a counter), then one rename: concurrent runs never
    # see a partial pack. tempfile would cost an import of `random` on every run.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{id(data):x}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _prepare(directory: Path) -> None:
    """Create the cache folder with the markers that keep it out of git and backups."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
        marker = directory / name
        if not marker.exists():
            marker.write_text(text)


# --------------------------------------------------------------------------- stored tables


class StoredTables(LazyTables):
    """A linked schema's tables as the link cache stores them: per table its head, its
    `table_digest` and its pickled form (`LinkEntry.table_blobs`); a table is unpickled when
    first asked for. An unchanged mirror of a thousand tables is paired by the heads and
    served from the table-pair memo by the digests, and only the tables a rule has to see
    are ever unpickled; a relink's reused tables are stored again as the bytes they came
    from (`stored_tables`). `layouts`: the classes the blobs hold with their field layouts,
    checked when the entry is loaded (`LinkEntry.schema`), so that a table loaded later,
    in the middle of the rules, never fails for a class that changed."""

    __slots__ = ("blobs", "digests", "layouts", "raw_heads")

    def __init__(
        self,
        raw_heads: tuple[tuple[Any, ...], ...],
        digests: tuple[bytes, ...],
        blobs: tuple[bytes, ...],
        layouts: tuple[tuple[type, int], ...] = (),
        items: Sequence[Any] | None = None,
    ):
        super().__init__(tuple(map(TableHead._make, raw_heads)), self._unpickle)
        self.raw_heads = raw_heads
        self.digests = digests
        self.blobs = blobs
        self.layouts = layouts
        if items is not None:
            self._items[:] = items

    def _unpickle(self, index: int) -> Any:
        return loads(self.blobs[index])


KnownTables = dict[int, tuple[Any, int, StoredTables]]
"""id(table) -> (table, its index, the `StoredTables` it was loaded from)."""


def known_tables(loaded: Iterable[StoredTables]) -> KnownTables:
    """The tables loaded so far from `loaded`, by identity."""
    return {id(table): (table, index, tables) for tables in loaded for index, table in tables.loaded()}


def stored_tables(tables: Sequence[Any], known: KnownTables) -> StoredTables:
    """`tables` as a `StoredTables`: each table pickled and digested, or
    for a table in `known`, the bytes and digest it was loaded with. A `StoredTables`
    (a link served again as it was, e.g. the migrations' after an edit it did not use) is
    itself: its tables not loaded stay so."""
    if isinstance(tables, StoredTables):
        return tables
    heads, digests, blobs = [], [], []
    layouts: dict[tuple[type, int], None] = {}
    sources: dict[int, StoredTables] = {}
    for table in tables:
        found = known.get(id(table))
        if found is not None and found[0] is table:
            _, index, source = found
            heads.append(source.raw_heads[index])
            digests.append(source.digests[index])
            blobs.append(source.blobs[index])
            sources[id(source)] = source
        else:
            heads.append(tuple(TableHead.of(table)))
            digests.append(table_digest(table))
            blob, used = _dumps(table)
            blobs.append(blob)
            layouts.update(dict.fromkeys(used))
    for source in sources.values():
        layouts.update(dict.fromkeys(source.layouts))
    return StoredTables(tuple(heads), tuple(digests), tuple(blobs), tuple(layouts), list(tables))


# --------------------------------------------------------------------------- linked schemas
#
# Linking is cheap next to parsing, but not free (resolving inheritance and relations over
# hundreds of models, reading settings and apps.py), and a warm run would otherwise pay it
# for every source on every commit. A linked schema is reused when all of these still hold:
# the same facts (their keys), the same configuration, the same set of project files (the
# "tree signature": files added, removed or renamed), and the same answers to every question
# the reader asked the project while linking (`RecordingProject`: the text of each file it
# read, the file each module name resolved to). Those answers are checked again on every run.
#
# When some of it changed, a reader with `relink` (Django, migrations) starts from the source's
# latest link instead: `LatestLink` under `base_key` (same configuration and tree) names it and
# each file's facts key then, the entry's `state_blob` holds what the reader recorded
# (read/django/incremental.py), and `read/stage._relink` hands the reader the files whose facts
# (or, for files the link used only as facts, whose text) changed since.


@dataclass(frozen=True)
class LinkEntry:
    reads: tuple[tuple[str, str | None], ...]
    """(relative path, digest of its text or None when missing/unreadable)"""
    lookups: tuple[tuple[str, str | None, str | None], ...]
    """(module name, importing file, the file it resolved to or None)"""
    schema_blob: bytes
    """The schema without its tables (or, with no `index_blob`, the whole schema), pickled
    apart: checking whether an entry still holds does not pay for loading a schema of a
    thousand tables, which a run served from `findings` never needs."""
    state_blob: bytes = b""
    """What the reader recorded for relinking after an edit (`RecordingProject.link_state`,
    e.g. `read/django/incremental.LinkState`), pickled apart too; empty when none."""
    index_blob: bytes = b""
    """The tables' index, pickled: per table its head (`model.TableHead`'s fields) and its
    `table_digest`, and the classes the tables hold with their layouts (`StoredTables`).
    Empty: `schema_blob` holds the whole schema."""
    table_blobs: tuple[bytes, ...] = ()
    """Each table pickled apart, in the schema's order: loaded when first asked for."""

    def schema(self) -> Any:
        """The schema; with an index, its tables are a `StoredTables`, loaded one by one as
        they are asked for."""
        if not self.index_blob:
            return loads(self.schema_blob)
        shell = loads(self.schema_blob)
        heads, digests, layouts = loads(self.index_blob)
        _checked(None, layouts)  # now rather than when a table is loaded (`StoredTables`)
        return replace(shell, tables=StoredTables(heads, digests, self.table_blobs, layouts))

    def state(self) -> Any:
        """The recorded link state, or None. An entry kept in memory (the language server's)
        holds it unpickled as `_state`."""
        kept = self.__dict__.get("_state", MISSING)
        if kept is not MISSING:
            return kept
        return loads(self.state_blob) if self.state_blob else None


def link_key(source: str, reader_version: str, config: Config, tree_signature: str, fact_keys: list[str]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in (tool_version(), source, reader_version, config_digest(config), tree_signature, *fact_keys):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def base_key(source: str, reader_version: str, config: Config, tree_signature: str) -> str:
    """`link_key` without the facts: the links of one source whose files may differ in content
    only. Under it the link pack keeps `LatestLink`, where a relink starts from."""
    digest = hashlib.blake2b(digest_size=20)
    for part in ("latest", tool_version(), source, reader_version, config_digest(config), tree_signature):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class LatestLink:
    """The last link stored for a `base_key`: its link key and each file's facts key."""

    link_key: str
    files: tuple[tuple[str, str], ...]
    """(relative path, facts key), in file order."""


def config_digest(config: Config) -> str:
    """Everything in the config a reader may look at; rule selection and runtime options are
    left out so that `--select` or `jobs` never cost a relink."""
    relevant = replace(
        config, select=(), ignore=(), extend_select=(), per_file_ignores=(), plugins=(), jobs=0, cache_dir=""
    )
    return hashlib.blake2b(repr(relevant).encode(), digest_size=16).hexdigest()


def _text_digest(text: str | None) -> str | None:
    if text is None:
        return None
    known = _known_digests
    if known is not None:  # the same `str` object while the file is unchanged (`remember_texts`)
        found = known.get(text)
        if found is None:
            if len(known) > 16_384:
                known.clear()
            found = known[text] = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return found
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass
class RecordingProject(Project):
    """A `Project` that remembers what the reader asked it, to tell later whether a linked
    schema still holds."""

    reads: dict[str, str | None] = field(default_factory=dict)
    lookups: dict[tuple[str, str | None], str | None] = field(default_factory=dict)
    facts_cache: Cache | None = None
    """Where the facts of modules a link reads beyond its files are kept (`module_facts`)."""
    link_state: Any = None
    """What the reader recorded of its link for a later `relink` (set by the reader)."""

    def module_facts(self, reader: str, rel: str, text: str, extract: Callable[[str, str], T]) -> T:
        """From the facts cache, under the key a source file with this text has: a models
        module a migration imports was usually just extracted as a Django file."""
        if self.facts_cache is None or not self.facts_cache.enabled:
            return extract(rel, text)
        key = cache_key(reader, READER_VERSIONS[reader], self.config.fingerprint(), rel, text.encode("utf-8"))
        pack = self.facts_cache.pack(reader)
        found = pack.get(key)
        if found is MISSING:
            found = extract(rel, text)
            pack.put(key, found)
        return found  # the pack holds what this reader's extract made of that text

    def read_text(self, rel: str) -> str | None:
        text = super().read_text(rel)
        self.reads[rel] = _text_digest(text)
        return text

    def module_file(self, dotted: str, near: str | None = None) -> str | None:
        found = super().module_file(dotted, near)
        self.lookups[(dotted, near)] = found
        return found

    def entry(self, schema: Any, known: KnownTables | None = None) -> tuple[LinkEntry, Any]:
        """The link entry of `schema` and the schema with its tables as a `StoredTables`
        (each table's digest known). Tables `known` (loaded from an earlier entry this run:
        a relink's reused tables) keep the pickled form and digest they were stored with."""
        stored = stored_tables(schema.tables, known or {})
        entry = LinkEntry(
            reads=tuple(sorted(self.reads.items(), key=lambda item: item[0])),
            lookups=tuple((dotted, near, found) for (dotted, near), found in self.lookups.items()),
            schema_blob=dumps(replace(schema, tables=())),
            state_blob=dumps(self.link_state) if self.link_state is not None else b"",
            index_blob=pickle.dumps(
                (stored.raw_heads, stored.digests, stored.layouts), protocol=pickle.HIGHEST_PROTOCOL
            ),
            table_blobs=stored.blobs,
        )
        return entry, replace(schema, tables=stored)


def still_holds(entry: LinkEntry, project: Project) -> bool:
    """Whether the project gives today the answers the linked schema was built from."""
    for rel, digest in entry.reads:
        if _text_digest(project.read_text(rel)) != digest:
            return False
    for dotted, near, found in entry.lookups:
        if project.module_file(dotted, near) != found:
            return False
    return True


def moved_reads(entry: LinkEntry, project: Project) -> set[str] | None:
    """The files the linked schema read whose text is different today; None when a module
    name resolves to another file now (only a full link can follow that)."""
    for dotted, near, found in entry.lookups:
        if project.module_file(dotted, near) != found:
            return None
    return {rel for rel, digest in entry.reads if _text_digest(project.read_text(rel)) != digest}


# --------------------------------------------------------------------------- whole runs
#
# With every linked schema still valid, what a run reports depends only on those schemas (their
# link keys), the configuration (rule selection included) and the rules' code. A run with the
# same three gives the same findings: they are stored under `run_key` and a warm run skips
# loading schemas, comparing and running rules.


def run_key(link_keys: dict[str, str], config: Config, rules: Any) -> str:
    digest = hashlib.blake2b(digest_size=20)
    parts = [tool_version(), repr(replace(config, jobs=0, cache_dir=""))]
    parts += [f"{source}={key}" for source, key in sorted(link_keys.items())]
    parts += [f"{rule.code}:{rule.module}:{_module_stamp(rule.module)}" for rule in rules]
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()


def _module_stamp(name: str) -> str:
    """Size and modification time of a rule's module file: editing a rule (or upgrading a
    plugin) changes what it reports."""
    import sys

    path = getattr(sys.modules.get(name), "__file__", None)
    try:
        stat = os.stat(path) if path else None
    except OSError:
        stat = None
    return f"{stat.st_size}:{stat.st_mtime_ns}" if stat else "?"


# --------------------------------------------------------------------------- table pairs
#
# After an edit most tables are as they were, and so is everything the table and column rules
# said about them. `PairMemo` keeps, per pair of tables, the violations those rules reported,
# under a key of both tables' digests (`table_digest`: their whole value, locations included)
# and a context digest (`memo_context`: schemalint's code, the rules selected with their
# modules' stamps, the options contexts expose, both sides' sources and first files). Which
# rules may be served from it, and why that is safe, is `schemalint.dispatch`'s business. The
# CLI reads and writes the memo as one more pack; a long-lived process (the language server)
# keeps its `Cache`, and with it the memo, unpickled in memory between runs. A table's digest
# is computed once: the link cache stores it with the table (`StoredTables.digests`, kept for
# a relink's reused tables too), and a language server's unchanged sources are the same
# objects from run to run (`PairMemo.digests`).

KEEP_PAIRS = 4096
"""Memo entries not used by the last run kept beside the used ones (tables as they were
before recent edits: an edit undone is served again)."""


def table_digest(table: Any) -> bytes:
    """A digest of a table's whole value. `repr` of the frozen model is canonical and, unlike
    equality, includes where each construct ends (`Location.end_line`), which findings carry;
    unlike `hash()` it is the same in every process."""
    return hashlib.blake2b(repr(table).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def memo_context(rules: Iterable[Any], *parts: str) -> bytes:
    """What every pair's key shares: schemalint's code, `rules` (code, module, level,
    compared parts and the module file's stamp) and `parts`."""
    digest = hashlib.blake2b(digest_size=20)
    values = [tool_version(), *parts]
    values += [f"{r.code}:{r.module}:{r.level}:{','.join(r.compares)}:{_module_stamp(r.module)}" for r in rules]
    for part in values:
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.digest()


def pair_key(context: bytes, truth: bytes, mirror: bytes, paired_by: str) -> str:
    digest = hashlib.blake2b(context, digest_size=20)
    digest.update(truth)
    digest.update(mirror)
    digest.update(paired_by.encode())
    return digest.hexdigest()


class PairMemo:
    """The table-pair memo: values by key, the ones used or stored in this process kept
    unpickled (least recently used first), backed by a pack; and each table's digest, computed
    once (`digests`)."""

    def __init__(self, pack: Pack):
        self._pack = pack
        self._live: dict[str, Any] = {}
        self._used: set[str] = set()
        self._known: dict[int, tuple[Any, bytes]] = {}
        """id -> (table, digest) for the tables of the last run (held, so ids stay theirs)."""
        self._seen: dict[int, tuple[Any, bytes]] = {}

    def get(self, key: str) -> Any:
        """The value stored under `key`, or `MISSING`."""
        value = self._live.pop(key, MISSING)
        if value is MISSING:
            value = self._pack.get(key)
            if value is MISSING:
                return MISSING
        else:
            self._pack.touch(key)
        self._live[key] = value
        self._used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self._live.pop(key, None)
        self._live[key] = value
        self._used.add(key)
        self._pack.put(key, value)

    def digests(self, tables: Sequence[Any]) -> Sequence[bytes]:
        """`table_digest` of each of `tables`, a schema's: stored with them by the link cache
        (`StoredTables`), kept from the previous run for the same table objects, or
        computed."""
        if isinstance(tables, StoredTables):
            found: Sequence[bytes] = tables.digests
        else:
            known = self._known
            found = []
            for table in tables:
                kept = known.get(id(table))
                found.append(kept[1] if kept is not None and kept[0] is table else table_digest(table))
            self._seen.update((id(table), (table, digest)) for table, digest in zip(tables, found))
        return found

    def end_run(self) -> None:
        """After a run: remember this run's tables, and forget the values no run used lately
        beyond `KEEP_PAIRS` (the pack keeps its own count, see `Pack.save`)."""
        self._known, self._seen = self._seen, {}
        excess = len(self._live) - len(self._used) - KEEP_PAIRS
        if excess > 0:
            for key in [k for k in self._live if k not in self._used][:excess]:
                del self._live[key]
        self._used = set()

"""Stage 1 — read: one reader per source, each returning the same `Schema`.

A reader works in two steps so that the expensive one can be cached and parallelised:

* `extract(file, settings) -> facts`: parse ONE file (libcst / sqlglot) into plain, picklable
  facts. Pure: the same bytes, path and settings give the same facts, so the result is cached
  by content hash and may run in a worker process.
* `link(facts, project) -> Schema`: combine every file's facts into the schema (resolve
  cross-file references, inheritance, generated names). Cheap, never parses a model file.

Reader modules are imported only when their source is read: a run that only needs cached
facts never imports libcst or sqlglot.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from schemalint.config import Config
from schemalint.model import Diagnostic, Location
from schemalint.read.python.syntax import syntax_diagnostic as python_syntax_diagnostic  # noqa: F401 - its one home

T = TypeVar("T")

# source -> module defining READER. Imported lazily. The database (schemalint.read.database)
# has no files to extract and link: the engine reads it live, apart from these.
READER_MODULES = {
    "django": "schemalint.read.django",
    "sqlalchemy": "schemalint.read.sqlalchemy",
    "sql": "schemalint.read.sql",
    "migrations": "schemalint.read.migrations",
}


@dataclass(frozen=True)
class SourceFile:
    path: Path
    """Absolute path."""
    rel: str
    """Path relative to the project root, with `/` separators: what findings print."""
    data: bytes


@dataclass(frozen=True)
class ReaderSettings:
    """What a reader's `extract` may depend on (all of it is in the cache key)."""

    dialect: str = "postgres"
    default_schema: str = "public"
    types: tuple[tuple[str, str], ...] = ()
    django_version: str | None = None
    default_auto_field: str | None = None

    @classmethod
    def from_config(cls, config: Config) -> ReaderSettings:
        return cls(
            dialect=config.dialect,
            default_schema=config.default_schema,
            types=config.types,
            django_version=config.django_version,
            default_auto_field=config.default_auto_field,
        )


class Reader(Protocol):
    source: str
    version: str
    """Bumped whenever `extract` changes what it returns: part of the cache key."""

    def extract(self, file: SourceFile, settings: ReaderSettings) -> Any: ...

    def link(self, facts: list[Any], project: Project) -> Any: ...


@dataclass
class Project:
    """What `link` may consult beyond the extracted facts: the project's other files
    (settings, apps.py, constants modules, dependency files), read on demand."""

    root: Path
    config: Config
    settings: ReaderSettings
    files: list[SourceFile] = field(default_factory=list)
    """The files being read for this source, in path order."""
    _texts: dict[str, str | None] = field(default_factory=dict)

    def read_text(self, rel: str) -> str | None:
        """The text of a project file (relative path), or None if it is missing/unreadable."""
        if rel not in self._texts:
            self._texts[rel] = _read_text(self.root / rel)
        return self._texts[rel]

    def module_facts(self, reader: str, rel: str, text: str, extract: Callable[[str, str], T]) -> T:
        """The facts `extract(rel, text)` gives a module a link reads beyond its source's files
        (a custom field's module imported by a migration). The engine's project answers from
        the facts cache when that text was extracted before, as one of a source's own files
        or by an earlier link."""
        return extract(rel, text)

    def module_file(self, dotted: str, near: str | None = None) -> str | None:
        """The relative path of a project module named `dotted` (`apps.options.constants`),
        trying the root, the importing file's ancestors and common source roots."""
        parts = dotted.split(".")
        candidates: list[str] = []
        bases = [""]
        if near:
            segments = near.split("/")[:-1]
            bases += ["/".join(segments[:i]) + "/" for i in range(len(segments), 0, -1)]
        bases += ["src/"]
        for base in bases:
            candidates.append(base + "/".join(parts) + ".py")
            candidates.append(base + "/".join(parts) + "/__init__.py")
        root = str(self.root)
        for candidate in candidates:  # os.path, not pathlib: links ask this tens of times
            if os.path.isfile(os.path.join(root, candidate)):
                return candidate
        return None


_kept_texts: dict[Path, tuple[tuple[int, int, int], str | None]] | None = None
"""`Project.read_text`'s answers by path, with the `stat` they were read at, when a long-lived
process turns it on (`remember_texts`)."""
_RACY_NS = 2_000_000_000
"""A file modified this recently is not remembered: a second write within the file system's
timestamp granularity, of the same size, would look unchanged."""


tree_chars = 0
"""Characters of source whose parsed chunks the Python readers keep (0: none); see
`schemalint.read.python.parse.parse_chunk`."""


def stay_in_memory(trees: int) -> None:
    """For a long-lived process that reads the same project again and again (the language
    server, a keystroke at a time): every `Project` answers `read_text` from memory while the
    file's size, mtime and inode are unchanged (links and `still_holds` read settings, apps.py
    and migrations on every run; the same `str` object comes back, so its digest is remembered
    too), and the Python readers keep the trees of up to `trees` characters of parsed chunks,
    so a model file whose one class changed parses that class only. Set once, never undone."""
    global _kept_texts, tree_chars
    if _kept_texts is None:
        _kept_texts = {}
    tree_chars = trees


def _read_text(path: Path) -> str | None:
    kept = _kept_texts
    if kept is None:
        try:
            return decode(path.read_bytes())
        except (OSError, UnicodeDecodeError):
            return None
    try:
        stat = os.stat(path)
    except OSError:
        kept.pop(path, None)
        return None
    stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    found = kept.get(path)
    if found is not None and found[0] == stamp:
        return found[1]
    try:
        text: str | None = decode(path.read_bytes())
    except (OSError, UnicodeDecodeError):
        text = None
    if time.time_ns() - stat.st_mtime_ns > _RACY_NS:
        kept[path] = (stamp, text)
    return text


def decode(data: bytes) -> str:
    """Decode source bytes the way Python does by default: UTF-8, a BOM dropped, CRLF kept
    as-is for positions. Raises UnicodeDecodeError for anything else."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8")


def decode_or_diagnose(file: SourceFile) -> tuple[str | None, Diagnostic | None]:
    """The file's text, or an SL001 diagnostic saying at which line it stops being text."""
    if b"\x00" in file.data:
        line = file.data[: file.data.index(b"\x00")].count(b"\n") + 1
        return None, Diagnostic("unreadable", "file is binary (NUL byte), not source text", Location(file.rel, line, 1))
    try:
        return decode(file.data), None
    except UnicodeDecodeError as exc:
        line = file.data[: exc.start].count(b"\n") + 1
        col = exc.start - (file.data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Diagnostic(
            "unreadable",
            f"file is not valid UTF-8 (byte 0x{file.data[exc.start]:02x}); save it as UTF-8",
            Location(file.rel, line, col),
        )


def get_reader(source: str) -> Reader:
    module = importlib.import_module(READER_MODULES[source])
    return module.READER

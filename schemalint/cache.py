"""Content-addressed cache of extracted facts, one pickle per (reader, settings, file content).

Layout follows ruff/mypy/pytest: a `.schemalint_cache/` folder in the project root, created on
first use with its own `.gitignore` (`*`) and `CACHEDIR.TAG`, so it never shows up in
`git status`. Entries are written to a temporary file and renamed into place, so two runs
sharing the cache never see a half-written entry. A schemalint upgrade or a settings change
changes the keys: stale entries are simply never read again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from schemalint import __version__

_GITIGNORE = "# Created by schemalint automatically.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by schemalint.\n"
)


def cache_key(reader: str, reader_version: str, settings_fingerprint: str, rel: str, data: bytes) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in (__version__, reader, reader_version, settings_fingerprint, rel):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()


class Cache:
    def __init__(self, directory: Path | None):
        self.directory = directory
        self._ready = False

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / "facts" / key[:2] / key[2:]

    def get(self, key: str) -> Any | None:
        if self.directory is None:
            return None
        try:
            with open(self._path(key), "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            # Missing, half-deleted, or written by an incompatible version: a miss, not an error.
            return None

    def put(self, key: str, value: Any) -> None:
        if self.directory is None:
            return
        try:
            self._prepare()
            path = self._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            # A read-only checkout or a full disk must not fail the lint run.
            return

    def _prepare(self) -> None:
        if self._ready or self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
            marker = self.directory / name
            if not marker.exists():
                marker.write_text(text)
        self._ready = True

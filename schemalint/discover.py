"""Find each source's files under a project root, with no configuration needed.

Defaults follow the layout teams actually use (the seed's `app_django/apps/*/models.py`,
`src/database/models.py`, `scripts/database/schema.sql`); `django`, `sqlalchemy` and `sql`
globs in the config replace discovery for that source. Classification looks at bytes, not
syntax: discovery must stay cheap because it runs on every commit.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from schemalint.config import Config

# Directories no project wants linted: tooling state, dependencies, generated files.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "env",
        ".env",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".schemalint_cache",
        "site-packages",
        "build",
        "dist",
        "migrations",
        ".hypothesis",
        ".eggs",
    }
)
# Exports regenerated from the other sources (the seed's export_schema.sh): never a source.
GENERATED_SQL = frozenset({"schema_django.sql", "schema_sqlalchemy.sql"})

_DJANGO_MODEL_CLASS = re.compile(rb"^class\s+\w+\s*\([^)]*Model\b", re.M)
_SQLALCHEMY_MARKERS = (b"declarative_base", b"DeclarativeBase", b"mapped_column", b"Column(", b"Table(", b"registry(")


@dataclass
class Discovered:
    files: dict[str, list[Path]] = field(default_factory=dict)
    """source -> absolute paths, sorted by their path relative to the root."""
    unreadable: list[tuple[Path, str]] = field(default_factory=list)


def _is_excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    parts = rel.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(rel, pattern) or any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
        if rel.startswith(pattern + "/"):
            return True
    return False


def walk(root: Path, config: Config):
    """Yield (path, rel) for every file under root, skipping tool dirs, virtualenvs and
    symlinked directories (a symlink loop must not hang discovery)."""
    root_str = str(root)
    cache_name = Path(config.cache_dir).name
    for dirpath, dirnames, filenames in os.walk(root_str, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root_str).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        kept = []
        for name in dirnames:
            if name in SKIPPED_DIRS or name == cache_name or name.endswith(".egg-info"):
                continue
            full = os.path.join(dirpath, name)
            if os.path.islink(full) or os.path.isfile(os.path.join(full, "pyvenv.cfg")):
                continue
            if config.exclude and _is_excluded(rel_dir + name, config.exclude):
                continue
            kept.append(name)
        dirnames[:] = sorted(kept)
        for name in sorted(filenames):
            rel = rel_dir + name
            if config.exclude and _is_excluded(rel, config.exclude):
                continue
            yield Path(dirpath, name), rel


def _looks_like_models(rel: str) -> bool:
    return rel.rsplit("/", 1)[-1] == "models.py" or "/models/" in "/" + rel


def classify_python(rel: str, head: bytes) -> str | None:
    """Which ORM a Python file declares models for, judged from its bytes."""
    in_models = _looks_like_models(rel)
    if b"sqlalchemy" in head and any(marker in head for marker in _SQLALCHEMY_MARKERS):
        return "sqlalchemy"
    if in_models and b"sqlalchemy" not in head:
        # Includes model files that never import django themselves
        # (`from core.models import TimeStamped`).
        return "django"
    if b"django.db" in head and _DJANGO_MODEL_CLASS.search(head):
        return "django"
    return None


# Files whose appearance can change what a reader links (settings, apps.py, requirement and
# lock files, imported modules): their paths make the tree signature.
_SIGNATURE_SUFFIXES = (".py", ".txt", ".toml", ".lock", ".cfg", ".ini")
_signatures: dict[tuple, str] = {}


def _walk_key(config: Config) -> tuple:
    return (str(config.root), config.exclude, config.cache_dir)


def _signature_of(rels: list[str]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for rel in rels:
        if rel.endswith(_SIGNATURE_SUFFIXES):
            digest.update(rel.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def tree_signature(config: Config) -> str:
    """A digest of the project's file names (not contents): part of the key of a cached
    linked schema. Computed by `discover`'s walk when it ran in this process."""
    key = _walk_key(config)
    if key not in _signatures:
        _signatures[key] = _signature_of([rel for _, rel in walk(config.root, config)])
    return _signatures[key]


def migration_files(config: Config, model_files: list[Path]) -> list[Path]:
    """`<app>/migrations/*.py` of each app a model file belongs to (and of the root when it
    is an app or a migrations folder itself), as Django's loader lists them: not `__init__.py`,
    nor names starting with `_` or `~`."""
    apps = {config.root}
    for path in model_files:
        parts = path.relative_to(config.root).parts[:-1]
        if "models" in parts:
            parts = parts[: len(parts) - 1 - parts[::-1].index("models")]
        apps.add(config.root.joinpath(*parts))
    found: list[Path] = []
    for app in sorted(apps):
        folder = app if app.name == "migrations" and app == config.root else app / "migrations"
        if not (folder / "__init__.py").is_file():
            continue
        for path in sorted(folder.glob("*.py")):
            rel = path.relative_to(config.root).as_posix()
            if path.name[0] not in "_~" and path.is_file() and not _is_excluded(rel, config.exclude):
                found.append(path)
    return found


def discover(config: Config, sources: tuple[str, ...] | None = None) -> Discovered:
    root = config.root
    wanted = set(sources or ("django", "sqlalchemy", "sql", "migrations"))
    globbed = {s: getattr(config, s) for s in wanted if getattr(config, s)}
    result = Discovered(files={s: [] for s in wanted})

    for source, patterns in globbed.items():
        seen: set[Path] = set()
        for pattern in patterns:
            for path in sorted(root.glob(pattern)):
                rel = path.relative_to(root).as_posix()
                if path.is_file() and path not in seen and not _is_excluded(rel, config.exclude):
                    seen.add(path)
                    result.files[source].append(path)

    _signatures.pop(_walk_key(config), None)
    discovering = wanted - set(globbed)
    if discovering:
        seen_rels: list[str] = []
        for path, rel in walk(root, config):
            seen_rels.append(rel)
            if rel.endswith(".sql"):
                if "sql" in discovering and path.name == "schema.sql" and path.name not in GENERATED_SQL:
                    result.files["sql"].append(path)
                continue
            if not rel.endswith(".py") or not ({"django", "sqlalchemy"} & discovering):
                continue
            try:
                with open(path, "rb") as handle:
                    head = handle.read()
            except OSError as exc:
                if _looks_like_models(rel):
                    result.unreadable.append((path, exc.strerror or str(exc)))
                    # Kept as a model file of the source its path suggests, so that reading
                    # it reports a clear SL001 (dangling symlink, symlink loop, no
                    # permission) instead of the file silently dropping out of the check.
                    kind = classify_python(rel, b"")
                    if kind in discovering:
                        result.files[kind].append(path)
                continue
            kind = classify_python(rel, head)
            if kind in discovering:
                result.files[kind].append(path)

        _signatures[_walk_key(config)] = _signature_of(seen_rels)

    if "migrations" in discovering:
        models = result.files["django"] if "django" in wanted else discover(config, ("django",)).files["django"]
        result.files["migrations"] = migration_files(config, models)

    for source in result.files:
        result.files[source].sort(key=lambda p: p.relative_to(root).as_posix())
    return result

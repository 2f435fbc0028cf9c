"""The read stage: each source's files read into a `Schema`, with the cache.

A file's facts come from the cache when its content, the reader and the configuration are as
when they were extracted; a source whose files and project files are all unchanged comes whole
from the cache (its linked schema), and a run over the same everything comes from the findings
cache (`cached_findings`). The engine calls `read_schemas`; it never sees a fact.

`rules` here are only hashed into the findings cache's key (`schemalint.cache.run_key`): this
stage never imports the registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from schemalint.cache import (
    MISSING,
    Cache,
    LatestLink,
    RecordingProject,
    base_key,
    cache_key,
    link_key,
    moved_reads,
    run_key,
    still_holds,
)
from schemalint.config import Config
from schemalint.findings import Finding
from schemalint.model import Diagnostic, Location, Schema
from schemalint.read import Project, ReaderSettings, SourceFile, get_reader
from schemalint.read.parallel import Failed, Task, extract_all_pickled, resolve_jobs


def _load_files(
    paths: Iterable[Path], root: Path, overrides: dict[str, bytes]
) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Each path's bytes (an override's when the editor sends unsaved text); a file that cannot
    be read (dangling symlink, a folder named models.py, no permission) is an SL001."""
    files, problems = [], []
    for path in paths:
        rel = path.relative_to(root).as_posix() if path.is_absolute() else path.as_posix()
        if rel in overrides:
            files.append(SourceFile(root / rel, rel, overrides[rel]))
            continue
        try:
            data = (root / rel).read_bytes()
        except OSError as exc:
            problems.append(Diagnostic("unreadable", f"cannot read file: {exc.strerror or exc}", Location(rel, 1, 1)))
            continue
        files.append(SourceFile(root / rel, rel, data))
    return files, problems


def read_schema(
    source: str,
    paths: Iterable[Path],
    config: Config,
    cache: Cache | None = None,
    overrides: dict[str, bytes] | None = None,
) -> Schema:
    """Read one source: extract each file (from the cache when its content is known), then link."""
    return read_schemas({source: paths}, config, cache, overrides)[source]


def read_schemas(
    paths: Mapping[str, Iterable[Path]],
    config: Config,
    cache: Cache | None = None,
    overrides: dict[str, bytes] | None = None,
) -> dict[str, Schema]:
    """Read several sources at once.

    A source whose files, configuration and project files are all as when it was last linked
    comes whole from the cache: nothing is parsed, linked or even unpickled but its schema, and
    no reader (nor libcst, nor sqlglot) is imported. For the others, each file's facts come from
    the cache or from `extract`; the misses of all sources are parsed as one batch, so that with
    workers the big SQLAlchemy module is parsed beside the Django apps rather than after them."""
    cache = cache or Cache(None)
    cache.loaded_tables = []  # this run's (a caller may keep `cache` between runs)
    # The files as `cached_findings` read and keyed them a moment ago in this run, if it did.
    earlier, cache.files_read = cache.files_read, {}
    loaded: dict[str, tuple[list[SourceFile], list[Diagnostic]]] = {}
    keys: dict[str, list[str]] = {}
    for source, source_paths in paths.items():
        source_paths = tuple(source_paths)
        found = earlier.get(source) if cache.enabled and not overrides else None
        if found is not None and found[0] == source_paths:
            _, files, problems, keys[source] = found
            loaded[source] = files, problems
            continue
        loaded[source] = _load_files(source_paths, config.root, overrides or {})
        keys[source] = _fact_keys(source, loaded[source][0], config) if cache.enabled else []

    linked: dict[str, Schema] = {}
    link_keys = _link_keys(keys, config) if cache.enabled else {}
    for source, key in link_keys.items():
        found = _cached_link(cache, source, key, config)
        if found is not None:
            linked[source] = found
            cache.link_keys[source] = key

    pending = {source: loaded[source][0] for source in loaded if source not in linked}
    facts, crashed = _facts(pending, {s: keys[s] for s in pending}, config, cache)
    bases = _base_keys(pending, config) if cache.enabled else {}
    for source, files in pending.items():
        kept = [(file, fact) for file, fact in zip(files, facts[source]) if not isinstance(fact, Failed)]
        project = RecordingProject(
            root=config.root,
            config=config,
            settings=ReaderSettings.from_config(config),
            files=[f for f, _ in kept],
            facts_cache=cache,
        )
        schema = None
        if source in bases and not crashed[source]:
            schema = _relink(source, cache, bases[source], files, keys[source], [f for _, f in kept], project)
        ok = True
        if schema is None:
            project.reads, project.lookups = {}, {}
            schema, ok = _link(source, [fact for _, fact in kept], project, files[0].rel if files else ".")
        if ok and not crashed[source] and cache.enabled:
            stored = cache.keep_link(source, link_keys[source], project, schema)
            schema = schema if stored is None else stored
            cache.link_keys[source] = link_keys[source]
            if source in bases and project.link_state is not None:
                latest = LatestLink(link_keys[source], tuple(zip((f.rel for f in files), keys[source])))
                cache.links(source).put(bases[source], latest)
        linked[source] = replace(schema, diagnostics=tuple(crashed[source]) + schema.diagnostics)
    cache.save()

    schemas = {}
    for source, (files, problems) in loaded.items():
        schema = linked[source]
        schemas[source] = replace(
            schema, files=tuple(f.rel for f in files), diagnostics=tuple(problems) + schema.diagnostics
        )
    return schemas


def cached_findings(
    paths: Mapping[str, Iterable[Path]],
    config: Config,
    cache: Cache,
    rules: Sequence[Any],
    overrides: dict[str, bytes] | None = None,
) -> list[Finding] | None:
    """The findings of an earlier run over the same files, project, configuration and rules,
    or None. Costs reading and hashing the files and checking what each source's link read;
    no schema is loaded. Editor buffers (`overrides`) are never served from the cache."""
    if not cache.enabled or overrides:
        return None
    keys = {}
    read: dict[str, tuple[tuple[Path, ...], list[SourceFile], list[Diagnostic], list[str]]] = {}
    for source, source_paths in paths.items():
        source_paths = tuple(source_paths)
        files, problems = _load_files(source_paths, config.root, {})
        keys[source] = _fact_keys(source, files, config)
        read[source] = source_paths, files, problems, keys[source]
    cache.files_read = read  # for `read_schemas` when this misses: not read and hashed twice
    link_keys = _link_keys(keys, config)
    probe = Project(root=config.root, config=config, settings=ReaderSettings.from_config(config))
    for source, key in link_keys.items():
        entry = cache.links(source).get(key)
        try:
            if entry is MISSING or not still_holds(entry, probe):
                return None
        except Exception:  # an entry from another layout of LinkEntry
            return None
    found = cache.findings().get(run_key(link_keys, config, rules))
    return None if found is MISSING else list(found)


class _Run(Protocol):
    findings: list[Finding]
    errors: list[str]


def remember_findings(cache: Cache, sources: Iterable[str], config: Config, rules: Sequence[Any], result: _Run) -> None:
    """Store a run's findings for `cached_findings`, unless something was not cacheable (a
    reader or rule crashed, a source was not linked from cacheable facts)."""
    sources = list(sources)
    if not cache.enabled or result.errors or any(source not in cache.link_keys for source in sources):
        return
    cache.findings().put(run_key({s: cache.link_keys[s] for s in sources}, config, rules), tuple(result.findings))
    cache.save()


def _link_keys(keys: dict[str, list[str]], config: Config) -> dict[str, str]:
    from schemalint.discover import tree_signature

    signature = tree_signature(config)
    return {source: link_key(source, _reader_version(source), config, signature, keys[source]) for source in keys}


def _base_keys(sources: Iterable[str], config: Config) -> dict[str, str]:
    """`base_key` of each source whose reader can relink after an edit."""
    relinking = [source for source in sources if source in RELINKING]
    if not relinking:
        return {}
    from schemalint.discover import tree_signature

    signature = tree_signature(config)
    return {source: base_key(source, _reader_version(source), config, signature) for source in relinking}


RELINKING = frozenset({"django", "migrations"})
"""Sources whose reader has `relink` (an incremental link from the previous one)."""


def _relink(
    source: str,
    cache: Cache,
    base: str,
    files: list[SourceFile],
    keys: list[str],
    facts: list,
    project: RecordingProject,
) -> Schema | None:
    """The source linked from its previous link (`LatestLink` under the same base key: same
    files, configuration and tree) when what changed since is some files' facts or the text
    of modules the link read only as facts (`LinkState.relinkable`: a custom field's models
    module read by the migrations link); None when there is none to start from or the reader
    declines. Seeds `project` with what the previous link read: its reuse stands on those
    answers."""
    links = cache.links(source)
    latest = links.get(base)
    if not isinstance(latest, LatestLink) or len(latest.files) != len(files):
        return None
    if any(rel != file.rel for (rel, _), file in zip(latest.files, files)):
        return None
    changed = {rel for (rel, before), now in zip(latest.files, keys) if before != now}
    entry = links.get(latest.link_key)
    if entry is MISSING:
        return None
    probe = Project(root=project.root, config=project.config, settings=project.settings)
    try:
        state = entry.state()
        moved = moved_reads(entry, probe) if state is not None else None
        if moved is None or moved - state.relinkable() or not (changed or moved):
            return None
        previous = cache.linked_schema(entry)
        project.reads.update(entry.reads)
        project.lookups.update({(dotted, near): found for dotted, near, found in entry.lookups})
        schema = get_reader(source).relink(previous, state, facts, project, changed | moved)  # type: ignore[attr-defined]
    except Exception:  # an entry of another layout, or a relink that fails: link in full
        return None
    for rel in moved:
        project.reads.pop(rel, None)
        project.read_text(rel)  # recorded with today's text
    return schema


def _fact_keys(source: str, files: list[SourceFile], config: Config) -> list[str]:
    version, fingerprint = _reader_version(source), config.fingerprint()
    return [cache_key(source, version, fingerprint, file.rel, file.data) for file in files]


def _cached_link(cache: Cache, source: str, key: str, config: Config) -> Schema | None:
    entry = cache.links(source).get(key)
    if entry is MISSING:
        return None
    probe = Project(root=config.root, config=config, settings=ReaderSettings.from_config(config))
    try:
        return cache.linked_schema(entry) if still_holds(entry, probe) else None
    except Exception:  # an entry from another layout of the schema model: relink
        return None


def _facts(files_by_source: dict[str, list[SourceFile]], keys: dict[str, list[str]], config: Config, cache: Cache):
    """Every file's facts, in file order: from the cache, else extracted (in workers when it
    pays). A file whose extract crashed has a `Failed` instead and an SL001 in `crashed`."""
    facts: dict[str, list] = {}
    missed: list[tuple[str, int]] = []
    tasks: list[Task] = []
    for source, files in files_by_source.items():
        pack = cache.pack(source)
        facts[source] = [pack.get(key) for key in keys[source]] if cache.enabled else [MISSING] * len(files)
        for index, found in enumerate(facts[source]):
            if found is MISSING:
                missed.append((source, index))
                tasks.append(Task(source, files[index]))

    crashed: dict[str, list[Diagnostic]] = {source: [] for source in files_by_source}
    settings = ReaderSettings.from_config(config)
    for (source, index), (extracted, blob) in zip(
        missed, extract_all_pickled(tasks, settings, resolve_jobs(config.jobs))
    ):
        if isinstance(extracted, Failed):
            crashed[source].append(extracted.diagnostic)
        elif cache.enabled and blob is not None:  # pickled by the worker that made it
            cache.pack(source).put_pickled(keys[source][index], blob)
        elif cache.enabled:
            cache.pack(source).put(keys[source][index], extracted)
        facts[source][index] = extracted
    return facts, crashed


def _link(source: str, facts: list, project: Project, where: str) -> tuple[Schema, bool]:
    """The reader's link, or, if it crashes, an empty schema with one SL001 (at `where`, the
    source's first file) saying so: the other sources' findings are still worth reporting."""
    try:
        return get_reader(source).link(facts, project), True
    except Exception as exc:
        message = f"cannot read the {source} files: internal error in the {source} reader: {type(exc).__name__}: {exc}"
        return Schema(source=source, diagnostics=(Diagnostic("unreadable", message, Location(where, 1, 1)),)), False


def _reader_version(source: str) -> str:
    # Reader versions are kept in schemalint/read/versions.py so that a warm run can build
    # cache keys without importing a reader (and with it libcst or sqlglot).
    from schemalint.read.versions import READER_VERSIONS

    return READER_VERSIONS[source]

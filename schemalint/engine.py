"""The pipeline, in the order data flows: discover → read → compare → rules → findings.

Everything here is orchestration; each stage's logic lives in its own package
(`schemalint.read`, `schemalint.compare`, `schemalint.rules`, `schemalint.report`).
"""

from __future__ import annotations

import fnmatch
import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from schemalint.cache import MISSING, Cache, RecordingProject, cache_key, link_key, run_key, still_holds
from schemalint.config import Config, ConfigError
from schemalint.discover import Discovered, discover
from schemalint.findings import Finding
from schemalint.fix.writers import WRITER_SOURCES
from schemalint.model import SOURCES, Diagnostic, Location, Schema
from schemalint.read import Project, ReaderSettings, SourceFile, get_reader
from schemalint.read.parallel import Failed, Task, extract_all_pickled, resolve_jobs
from schemalint.registry import PluginError, Rule, Violation, describe_error, load_rules


class UsageError(Exception):
    """The run cannot start as asked (no model files, an unknown code); exit code 2."""


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Crashed plugins and internal errors: reported, exit code 2, other findings kept."""
    schemas: dict[str, Schema] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    listings: dict[str, Callable[[], str]] = field(default_factory=dict)
    """How to write the text of a source that is not a file (`<database>`), for reports
    that show lines (written only then)."""


# --------------------------------------------------------------------------- garbage collection

GC_THRESHOLDS = (700, 10, 1_000)
"""A run allocates millions of objects that reference counting frees (libcst nodes) and
keeps a large heap alive (facts, schemas): with Python's default (700, 10, 10) the collector
walked that whole heap ~20 times a cold run (N=1000 with one process: 22 full collections,
6.3 s of 48 s; all collections 8.8 s). Full collections only past 1000 middle ones make them
rare (0 in that run; all collections 1.8 s, peak RSS 166 MB instead of 149 MB). Young
collections stay cheap: a larger first threshold made each one walk tens of thousands of
live nodes (4.2 s at 50 000), and none at all (`gc.disable`) doubled the peak RSS."""


@contextmanager
def tuned_gc() -> Iterator[None]:
    """Around a run: what is already imported moves out of the collector's sight
    (`gc.freeze`, which also keeps forked workers' copy-on-write pages shared) and collections
    become rare. Restored afterwards, so a library caller's process is left as it was."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


# --------------------------------------------------------------------------- read


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
            problems.append(Diagnostic("SL001", f"cannot read file: {exc.strerror or exc}", Location(rel, 1, 1)))
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
    loaded = {source: _load_files(source_paths, config.root, overrides or {}) for source, source_paths in paths.items()}
    keys = {source: _fact_keys(source, files, config) if cache.enabled else [] for source, (files, _) in loaded.items()}

    linked: dict[str, Schema] = {}
    link_keys = _link_keys(keys, config) if cache.enabled else {}
    for source, key in link_keys.items():
        found = _cached_link(cache, source, key, config)
        if found is not None:
            linked[source] = found
            cache.link_keys[source] = key

    pending = {source: loaded[source][0] for source in loaded if source not in linked}
    facts, crashed = _facts(pending, {s: keys[s] for s in pending}, config, cache)
    for source, files in pending.items():
        kept = [(file, fact) for file, fact in zip(files, facts[source]) if not isinstance(fact, Failed)]
        project = RecordingProject(
            root=config.root,
            config=config,
            settings=ReaderSettings.from_config(config),
            files=[f for f, _ in kept],
            facts_cache=cache,
        )
        schema, ok = _link(source, [fact for _, fact in kept], project, files[0].rel if files else ".")
        if ok and not crashed[source] and cache.enabled:
            cache.keep_link(source, link_keys[source], project, schema)
            cache.link_keys[source] = link_keys[source]
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
    rules: list[Rule],
    overrides: dict[str, bytes] | None = None,
) -> list[Finding] | None:
    """The findings of an earlier run over the same files, project, configuration and rules,
    or None. Costs reading and hashing the files and checking what each source's link read;
    no schema is loaded. Editor buffers (`overrides`) are never served from the cache."""
    if not cache.enabled or overrides:
        return None
    keys = {}
    for source, source_paths in paths.items():
        files, _ = _load_files(source_paths, config.root, {})
        keys[source] = _fact_keys(source, files, config)
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


def remember_findings(
    cache: Cache, sources: Iterable[str], config: Config, rules: list[Rule], result: RunResult
) -> None:
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


def _fact_keys(source: str, files: list[SourceFile], config: Config) -> list[str]:
    version, fingerprint = _reader_version(source), config.fingerprint()
    return [cache_key(source, version, fingerprint, file.rel, file.data) for file in files]


def _cached_link(cache: Cache, source: str, key: str, config: Config) -> Schema | None:
    entry = cache.links(source).get(key)
    if entry is MISSING:
        return None
    probe = Project(root=config.root, config=config, settings=ReaderSettings.from_config(config))
    try:
        return entry.schema() if still_holds(entry, probe) else None
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
        return Schema(source=source, diagnostics=(Diagnostic("SL001", message, Location(where, 1, 1)),)), False


def _reader_version(source: str) -> str:
    # Reader versions are kept in schemalint/read/versions.py so that a warm run can build
    # cache keys without importing a reader (and with it libcst or sqlglot).
    from schemalint.read.versions import READER_VERSIONS

    return READER_VERSIONS[source]


# --------------------------------------------------------------------------- rules


def _prefix_len(code: str, prefixes: Iterable[str]) -> int:
    best = -1
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 0)
        elif code.startswith(prefix):
            best = max(best, len(prefix))
    return best


def check_codes(rules: list[Rule], config: Config) -> None:
    """Every code or prefix named in the config must name at least one rule."""
    codes = [r.code for r in rules]
    named = [("select", c) for c in config.select] + [("extend-select", c) for c in config.extend_select]
    named += [("ignore", c) for c in config.ignore]
    named += [("per-file-ignores", c) for _, cs in config.per_file_ignores for c in cs]
    for key, code in named:
        if code != "ALL" and not any(c.startswith(code) for c in codes):
            raise ConfigError(f"'{key}' names unknown rule code '{code}' (see `schemalint rules`)")


def selected_rules(rules: list[Rule], config: Config) -> list[Rule]:
    """flake8/ruff semantics: the longest matching prefix decides, ignore wins a tie. Rules that
    are off by default (SL210) stay off in the default set and run once a `select` or
    `extend-select` entry covers them, a prefix (`SL2`, `ALL`) included."""
    chosen = []
    for rule in rules:
        if config.select:
            on = _prefix_len(rule.code, config.select)
        else:
            on = 0 if rule.default_enabled else -1
        on = max(on, _prefix_len(rule.code, config.extend_select))
        off = _prefix_len(rule.code, config.ignore)
        if on >= 0 and on > off:
            chosen.append(rule)
    return chosen


def _violations(rule: Rule, target, result: RunResult) -> list[Violation]:
    try:
        return list(rule.check(target))
    except Exception as exc:  # a crashing rule is reported, other rules still run
        result.errors.append(describe_error(rule, exc))
        return []


def _to_finding(rule: Rule, v: Violation, sources: dict[str, str]) -> Finding:
    return Finding(
        path=v.location.path,
        line=v.location.line,
        col=v.location.col,
        code=rule.code,
        message=v.message,
        severity=rule.severity,
        rule=rule.name,
        table=v.table,
        column=v.column,
        source=sources.get(v.location.path),
        related=tuple(loc for loc in v.related if loc is not None),
        fix=v.fix if v.fix is not None and v.fix.source in WRITER_SOURCES else None,
        end_line=v.location.end_line,
        end_col=v.location.end_col,
    )


def _ignored_per_file(finding: Finding, config: Config) -> bool:
    for pattern, codes in config.per_file_ignores:
        if fnmatch.fnmatch(finding.path, pattern) and _prefix_len(finding.code, codes) >= 0:
            return True
    return False


# --------------------------------------------------------------------------- check


def plan_sources(config: Config, discovered: Discovered) -> tuple[str, list[str]]:
    truth = config.source_of_truth
    if not discovered.files.get(truth):
        hint = (
            f'set `{truth} = ["glob", ...]` in [tool.schemalint]' if not getattr(config, truth) else "check its globs"
        )
        raise UsageError(f"no {truth} files found under {config.root} (the source of truth); {hint}")
    if config.mirrors:
        mirrors = [m for m in config.mirrors if m != truth]
        for mirror in mirrors:
            if mirror == "database":
                if not config.uses_database:
                    raise UsageError(
                        "mirror 'database' is configured but no database is given: "
                        "pass --database-url URL (or SCHEMALINT_DATABASE_URL) or --database-snapshot FILE"
                    )
            elif not discovered.files.get(mirror):
                raise UsageError(
                    f"mirror '{mirror}' is configured but no {mirror} files were found under {config.root}"
                )
    else:
        mirrors = [s for s in SOURCES if s != truth and discovered.files.get(s)]
    if config.uses_database and "database" not in mirrors:
        mirrors.append("database")  # asked for on the command line: always checked
    if truth != "django":  # migrations are compared with the Django models they come from
        mirrors = [m for m in mirrors if m != "migrations"]
    return truth, mirrors


def run_check(
    config: Config,
    *,
    use_cache: bool = True,
    overrides: dict[str, bytes] | None = None,
    schemas: bool = False,
    cache: Cache | None = None,
) -> RunResult:
    """`schemas`: the result must carry the schemas read (fixes are written from them), so
    the findings of an earlier run cannot stand in for reading. `cache`: a `Cache` kept by the
    caller between runs (the language server keeps one in memory); by default the project's
    cache folder is read afresh (or none, `use_cache=False`)."""
    with tuned_gc():
        return _run_check(config, use_cache, overrides, schemas, cache)


def _run_check(
    config: Config, use_cache: bool, overrides: dict[str, bytes] | None, schemas: bool, cache: Cache | None
) -> RunResult:
    result = RunResult()
    try:
        all_rules = load_rules(config.plugins)
    except PluginError as exc:
        raise UsageError(str(exc)) from None
    check_codes(all_rules, config)
    rules = selected_rules(all_rules, config)
    result.rules = rules

    discovered = discover(config)
    truth_source, mirrors = plan_sources(config, discovered)
    if cache is None:
        cache = Cache(config.root / config.cache_dir if use_cache else None)

    # The database is not files: read fresh on every run, never cached (nor its findings).
    paths = {source: discovered.files[source] for source in [truth_source, *mirrors] if source != "database"}
    cached = None if "database" in mirrors or schemas else cached_findings(paths, config, cache, rules, overrides)
    if cached is not None:
        # Same files, project files, configuration and rule code as a run the cache remembers:
        # the same findings, without loading a schema. The report only needs file -> source.
        result.findings = cached
        result.schemas = {
            source: Schema(source, files=tuple(p.relative_to(config.root).as_posix() for p in source_paths))
            for source, source_paths in paths.items()
        }
        return result
    from schemalint.compare import compare
    from schemalint.suppress import silence_noqa

    # One batch, so that the big SQLAlchemy module and schema.sql are parsed side by side.
    result.schemas = read_schemas(paths, config, cache, overrides)
    if "database" in mirrors:
        result.schemas["database"] = _read_database(config, result.schemas[truth_source], result)

    sources = {rel: source for source, schema in result.schemas.items() for rel in schema.files}
    findings: list[Finding] = []
    for schema in result.schemas.values():
        for rule in rules:
            if rule.scope == "schema":
                findings += [_to_finding(rule, v, sources) for v in _violations(rule, schema, result)]
    truth = result.schemas[truth_source]
    for mirror in mirrors:
        comparison = compare(truth, result.schemas[mirror], config)
        # Migrations are checked against the models by their own rules (SL5xx), not as a mirror.
        scope = "migrations" if mirror == "migrations" else "comparison"
        for rule in rules:
            if rule.scope == scope:
                findings += [_to_finding(rule, v, sources) for v in _violations(rule, comparison, result)]

    findings = [f for f in findings if not _ignored_per_file(f, config)]
    # noqa comments silence findings on their line; SL010 then reports the ones that silence nothing.
    findings = silence_noqa(
        findings,
        sources,
        config.root,
        overrides,
        all_rules,
        rules,
        report=lambda rule, target: [
            f
            for f in (_to_finding(rule, v, sources) for v in _violations(rule, target, result))
            if not _ignored_per_file(f, config)
        ],
    )
    result.findings = sorted(set(findings))
    if "database" not in mirrors:
        remember_findings(cache, paths, config, rules, result)
    return result


def _read_database(config: Config, truth: Schema, result: RunResult) -> Schema:
    from schemalint.read.database import DatabaseError, database_mirror

    try:
        mirror = database_mirror(config, truth)
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None
    result.listings[mirror.schema.files[0]] = mirror.listing
    return mirror.schema

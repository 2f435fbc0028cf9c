"""The pipeline, in the order data flows: discover → read → compare → rules → findings.

Everything here is orchestration; each stage's logic lives in its own module: reading with
the cache in `schemalint.read.stage`, pairing in `schemalint.compare`, which rules run in
`schemalint.selection`, what a rule is handed in `schemalint.context`, calling each rule once
per thing of its level in `schemalint.dispatch`, noqa in `schemalint.suppress`, formats in
`schemalint.report`. Past the findings cache only: a warm run imports none of the last four.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from schemalint.cache import Cache, freezing_loads
from schemalint.config import Config
from schemalint.discover import Discovered, discover
from schemalint.findings import Finding
from schemalint.model import SOURCES, Schema
from schemalint.read.stage import _fact_keys, cached_findings, read_schema, read_schemas, remember_findings  # noqa: F401 (re-exported)
from schemalint.registry import PluginError, Rule, load_rules
from schemalint.selection import check_codes, ignored_per_file, selected_rules


class UsageError(Exception):
    """The run cannot start as asked (no model files, an unknown code); exit code 2."""


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Crashed plugins and internal errors: reported, exit code 2, other findings kept."""
    schemas: dict[str, Schema] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    truth: str = ""
    """The source of truth's name (its schema is `schemas[truth]`)."""
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
    (`gc.freeze`, which also keeps forked workers' copy-on-write pages shared), and so does
    what the cache unpickles (`cache.freezing_loads`); collections become rare. Restored
    afterwards, so a library caller's process is left as it was."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        with freezing_loads():
            yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


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


DIAGNOSTICS_FROM = {
    "unparsable-statement": "sql",
    "failing-statement": "sql",
    "migration-merge-needed": "migrations",
    "missing-migration-dependency": "migrations",
    "unapplied-migration": "database",
}
"""The diagnostic kinds only one source's reader says (tests/test_engine_sources.py holds the
readers to it); any other kind (`unreadable`, `unresolved`) may come from every source."""


def mirrors_to_read(mirrors: list[str], rules: list[Rule]) -> list[str]:
    """The mirrors some selected rule can report on; the others are not read at all. With
    `--select SL5` (the hook that replaces `makemigrations --check`) that is the migrations
    only: neither the SQLAlchemy module nor schema.sql is parsed.

    Comparison, table and column rules look at every mirror but the migrations (which the
    migrations-level rules, SL501/SL504, compare with the models); a schema rule at every
    source whose reader can say a diagnostic kind it claims; the noqa stage needs every
    finding a directive could silence."""

    def looked_at(mirror: str, rule: Rule) -> bool:
        if rule.level in ("comparison", "table", "column"):
            return mirror != "migrations"
        if rule.level == "migrations":
            return mirror == "migrations"
        if rule.level == "schema" and rule.claims:
            return any(DIAGNOSTICS_FROM.get(kind, mirror) == mirror for kind in rule.claims)
        return True

    return [mirror for mirror in mirrors if any(looked_at(mirror, rule) for rule in rules)]


def run_check(
    config: Config,
    *,
    use_cache: bool = True,
    overrides: dict[str, bytes] | None = None,
    schemas: bool = False,
    cache: Cache | None = None,
    discovered: Discovered | None = None,
    rules: list[Rule] | None = None,
) -> RunResult:
    """`schemas`: the result must carry the schemas read (fixes are written from them), so
    the findings of an earlier run cannot stand in for reading. `cache`: a `Cache` kept by the
    caller between runs (the language server keeps one in memory); by default the project's
    cache folder is read afresh (or none, `use_cache=False`). `discovered` and `rules`: the
    project's files and every registered rule as the caller last found them (the language
    server, between keystrokes); by default the tree is walked and the rules are loaded."""
    with tuned_gc():
        return _run_check(config, use_cache, overrides, schemas, cache, discovered, rules)


def _run_check(
    config: Config,
    use_cache: bool,
    overrides: dict[str, bytes] | None,
    schemas: bool,
    cache: Cache | None,
    discovered: Discovered | None = None,
    loaded: list[Rule] | None = None,
) -> RunResult:
    result = RunResult()
    try:
        all_rules = loaded if loaded is not None else load_rules(config.plugins)
    except PluginError as exc:
        raise UsageError(str(exc)) from None
    check_codes(all_rules, config)
    rules = selected_rules(all_rules, config)
    result.rules = rules

    discovered = discovered or discover(config)
    truth_source, planned = plan_sources(config, discovered)
    mirrors = mirrors_to_read(planned, rules)
    # A mirror no selected rule looks at is not read; its files are still the project's
    # sources (a pre-commit hook names them), as the report knows them: file -> source.
    unread = {
        source: _files_only(source, discovered.files[source], config)
        for source in planned
        if source not in mirrors and source != "database"
    }
    result.truth = truth_source
    if cache is None:
        cache = Cache(config.root / config.cache_dir if use_cache else None)
    cache.link_keys, cache.files_read = {}, {}  # this run's (a caller may keep `cache` between runs)

    # The database is not files: read fresh on every run, never cached (nor its findings).
    paths = {source: discovered.files[source] for source in [truth_source, *mirrors] if source != "database"}
    cached = None if "database" in mirrors or schemas else cached_findings(paths, config, cache, rules, overrides)
    if cached is not None:
        # Same files, project files, configuration and rule code as a run the cache remembers:
        # the same findings, without loading a schema. The report only needs file -> source.
        result.findings = cached
        result.schemas = {source: _files_only(source, files, config) for source, files in paths.items()} | unread
        return result
    # Past the findings cache: what comparing, calling rules and noqa need (a warm run imports
    # none of it).
    from schemalint.compare import compare
    from schemalint.context import NoqaContext
    from schemalint.dispatch import Dispatch
    from schemalint.suppress import silence_noqa

    # One batch, so that the big SQLAlchemy module and schema.sql are parsed side by side.
    result.schemas = read_schemas(paths, config, cache, overrides)
    if "database" in mirrors:
        result.schemas["database"] = _read_database(config, result.schemas[truth_source], result)

    sources = {rel: source for source, schema in result.schemas.items() for rel in schema.files}
    # What table and column rules said about a pair of tables is kept per pair (see
    # `schemalint.dispatch`): in the cache folder, or for as long as the caller keeps `cache`.
    memo = cache.pair_memo() if cache.enabled else None
    dispatch = Dispatch(result.errors, sources, memo)
    for schema in result.schemas.values():
        dispatch.schema(rules, schema)
    truth = result.schemas[truth_source]
    for mirror in mirrors:
        dispatch.comparison(rules, compare(truth, result.schemas[mirror], config), mirror == "migrations")
    if memo is not None:
        memo.end_run()
        cache.save()
    findings = [f for f in dispatch.findings if not ignored_per_file(f, config)]

    # The noqa stage: comments silence findings on their line; `noqa` rules (SL010) are then
    # handed the directives that silenced nothing.
    noqa_rules = [r for r in rules if r.level == "noqa"]
    suppression = silence_noqa(findings, sources, config.root, overrides, all_rules, rules, bool(noqa_rules))
    if noqa_rules:
        dispatch.findings = []
        ctx = NoqaContext(suppression.unused)
        for rule in noqa_rules:
            dispatch.call(rule, ctx)
        extra = [f for f in dispatch.findings if not ignored_per_file(f, config)]
        suppression.kept += [f for f in extra if suppression.silencer(f) is None]
    result.findings = sorted(set(suppression.kept))
    result.schemas |= unread
    if "database" not in mirrors:
        remember_findings(cache, paths, config, rules, result)
    return result


def _files_only(source: str, paths: Iterable[Path], config: Config) -> Schema:
    """A source as a report sees one it did not read: its files, no tables."""
    return Schema(source, files=tuple(p.relative_to(config.root).as_posix() for p in paths))


def _read_database(config: Config, truth: Schema, result: RunResult) -> Schema:
    from schemalint.read.database import DatabaseError, database_mirror

    try:
        mirror = database_mirror(config, truth)
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None
    result.listings[mirror.schema.files[0]] = mirror.listing
    return mirror.schema


__all__ = [
    "RunResult",
    "UsageError",
    "cached_findings",
    "check_codes",
    "mirrors_to_read",
    "plan_sources",
    "read_schema",
    "read_schemas",
    "remember_findings",
    "run_check",
    "selected_rules",
    "tuned_gc",
]

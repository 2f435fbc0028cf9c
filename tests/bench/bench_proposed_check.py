"""`schemalint check` with the `run_check` change this benchmark proposes, to measure it before
it lands (tests/bench/README.md, "Proposed change to run_check").

    python tests/bench/bench_proposed_check.py check PROJECT_ROOT [options]

`run_check` (schemalint/engine.py) reads one source at a time through `read_schema` and never
asks the cache for whole-run findings. The proposal: read every source with one
`read_schemas` call (cache misses of all sources parsed as one batch, in parallel workers) and
serve an unchanged project's findings with `cached_findings` / store them with
`remember_findings`. This script applies exactly that around the current `run_check`, without
editing it: its first `read_schema` call reads all planned sources at once, and the run is
wrapped in the findings cache.
"""

from __future__ import annotations

from schemalint import engine
from schemalint.cli import run
from schemalint.model import Schema

_original_run_check = engine.run_check
_original_plan = engine.plan_sources


def _batched_reads() -> None:
    """The first `read_schema` of a run reads every planned source in one batch."""
    batch: dict[str, object] = {}
    planned: dict[str, list] = {}

    def plan_sources(config, discovered):
        truth, mirrors = _original_plan(config, discovered)
        planned.clear()
        batch.clear()
        planned.update({source: discovered.files[source] for source in [truth, *mirrors]})
        return truth, mirrors

    def read_schema(source, paths, config, cache=None, overrides=None):
        if source not in batch:
            batch.update(engine.read_schemas(planned or {source: paths}, config, cache, overrides))
        return batch[source]

    engine.plan_sources = plan_sources
    engine.read_schema = read_schema


def _findings_cache() -> None:
    def run_check(config, *, use_cache=True, overrides=None):
        if use_cache and not overrides:
            rules = engine.load_rules(config.plugins)
            discovered = engine.discover(config)
            truth, mirrors = _original_plan(config, discovered)
            paths = {source: discovered.files[source] for source in [truth, *mirrors]}
            cache = engine.Cache(config.root / config.cache_dir)
            cached = engine.cached_findings(paths, config, cache, rules)
            if cached is not None:
                # The report only needs to know which source each file belongs to.
                owners = {s: Schema(source=s, files=tuple(p.relative_to(config.root).as_posix() for p in ps)) for s, ps in paths.items()}
                return engine.RunResult(findings=cached, rules=engine.selected_rules(rules, config), schemas=owners)
        result = _original_run_check(config, use_cache=use_cache, overrides=overrides)
        if use_cache and not overrides:
            cache = engine.Cache(config.root / config.cache_dir)
            cache.link_keys.update(_link_keys_of(paths, config, cache))
            engine.remember_findings(cache, paths, config, rules, result)
        return result

    engine.run_check = run_check


def _link_keys_of(paths, config, cache) -> dict[str, str]:
    keys = {}
    for source, source_paths in paths.items():
        files, _ = engine._load_files(source_paths, config.root, {})
        keys[source] = engine._fact_keys(source, files, config)
    return engine._link_keys(keys, config)


if __name__ == "__main__":
    _batched_reads()
    _findings_cache()
    run()

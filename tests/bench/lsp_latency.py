"""Benchmark: how soon `schemalint server` republishes diagnostics after a keystroke.

    python tests/bench/lsp_latency.py --models 200 --edits 30

Not a test. Generates (once, kept in tests/bench/projects/ like run.py) the in-sync benchmark
project, starts `schemalint server` over stdio with a pygls client, opens one Django model
file, and types: each edit gives a `label` field's `max_length` a value it never had before
(161, 162, ...; one or two characters typed), so no edit's text, facts or schema is in any
cache, and every edit changes what the mirrors report (the SL203 on the SQLAlchemy module and
schema.sql names the new length). Latency is the time from sending `didChange` to receiving
the mirror's `publishDiagnostics` that names it, debounce included. Edits are spaced
(`--pause`) so that each one is measured alone, not merged with the next by the debounce.

Prints each latency and, over all edits, the median and p90 of: the end-to-end latency (as
above, seen by the client), the server's own change-to-publish time, its compute time (the
check and the diagnostics, wall) and the CPU time of the check (the worker thread's: on a
shared machine, wall time says as much about the other processes as about schemalint). The
server reports its side in a `$/schemalint/runStats` notification, asked for with
`initializationOptions: {"stats": true}`. The server's cache folder is warmed first by one
untimed `schemalint check`, as a developer's checkout has it.

`--phases` instead runs the same edits in this process on the server's `ProjectState` and
prints the CPU time per run of each stage (wall time on a shared machine says more about the
other processes than about schemalint):

    python tests/bench/lsp_latency.py --models 200 --edits 20 --phases
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ensure_project  # noqa: E402

MODELS_FILE = "app_django/apps/accounts/models.py"
SERVER_STATS = {
    "changeToPublishMs": "server change->publish",
    "computeMs": "compute",
    "checkMs": "check",
    "cpuMs": "check CPU",
    "diagnosticsMs": "diagnostics",
    "publishMs": "publish",
    "waitMs": "debounce",
}
MIRROR_FILE = "src/database/models.py"
FIELD = "label = models.CharField(max_length=16)"


async def measure(root: Path, edits: int, pause: float, warmup: int) -> dict[str, list[float]]:
    """Milliseconds per measured edit: `end-to-end` (client), and the server's stats."""
    client = LanguageClient("schemalint-bench", "1")
    mirror_uri = (root / MIRROR_FILE).as_uri()
    arrived: asyncio.Queue[tuple[float, list[types.Diagnostic]]] = asyncio.Queue()
    stats: dict[int, dict] = {}

    @client.feature("$/schemalint/runStats")
    def run_stats(params) -> None:
        found = params if isinstance(params, dict) else params._asdict()  # pygls: a namedtuple
        stats[int(found["generation"])] = dict(found)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        if params.uri == mirror_uri:
            arrived.put_nowait((time.perf_counter(), params.diagnostics))

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    await client.start_io(sys.executable, "-m", "schemalint", "server")
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(root.as_uri(), root.name)],
            initialization_options={"stats": True},
        )
    )
    client.initialized(types.InitializedParams())
    uri = (root / MODELS_FILE).as_uri()
    text = (root / MODELS_FILE).read_text()
    assert FIELD in text, f"{MODELS_FILE} has no `{FIELD}`: the generator changed"
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text)))
    await asyncio.sleep(3.0)  # the start-up runs (in-sync project: nothing is published)

    latencies: dict[str, list[float]] = {}
    for number in range(warmup + edits):
        length = 161 + number
        new = text.replace(FIELD, FIELD.replace("16", str(length)), 1)
        expected = f"character varying({length})"
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=number + 2, uri=uri),
                [types.TextDocumentContentChangeWholeDocument(new)],
            )
        )
        while True:
            at, diagnostics = await asyncio.wait_for(arrived.get(), timeout=60)
            if any(expected in d.message for d in diagnostics):
                break
        await asyncio.sleep(pause)  # the stats notification follows the publication
        if number >= warmup:
            latest = stats[max(stats)] if stats else {}
            row = {"end-to-end": 1000 * (at - sent)}
            row |= {name: float(latest[key]) for key, name in SERVER_STATS.items() if key in latest}
            for name, value in row.items():
                latencies.setdefault(name, []).append(value)
            shown = "  ".join(f"{name} {value:6.1f}" for name, value in row.items())
            print(f"edit {number - warmup + 1:>3}: {shown} ms", flush=True)

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return latencies


def phases(root: Path, edits: int, warmup: int) -> None:
    """CPU milliseconds per run, by stage, of the edits `measure` makes, in this process (the
    server's `ProjectState`, its diagnostics included)."""
    from pygls.workspace.position_codec import PositionCodec

    import schemalint.compare as compare
    import schemalint.dispatch as dispatch
    import schemalint.engine as engine
    import schemalint.read.stage as stage
    import schemalint.suppress as suppress
    from schemalint.lsp.diagnostics import by_file
    from schemalint.lsp.state import ProjectState

    spent: dict[str, float] = {}

    def timed(name: str, function):
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - start

        return wrapper

    stages = {
        engine: ["read_schemas", "remember_findings"],
        stage: ["_facts", "_link", "_cached_link", "_load_files", "_fact_keys", "_link_keys"],
        suppress: ["silence_noqa"],
        compare: ["compare"],
    }
    for module, names in stages.items():
        for name in names:
            if hasattr(module, name):  # stages come and go: time the ones there are
                setattr(module, name, timed(name.strip("_"), getattr(module, name)))
    dispatch.Dispatch.schema = timed("schema rules", dispatch.Dispatch.schema)  # type: ignore[method-assign]
    dispatch.Dispatch.comparison = timed("comparison rules", dispatch.Dispatch.comparison)  # type: ignore[method-assign]
    state = ProjectState(root=root)
    codec = PositionCodec()
    text = (root / MODELS_FILE).read_text()
    totals: list[float] = []
    for number in range(warmup + edits):
        if number == warmup:
            spent.clear()
        new = text.replace(FIELD, FIELD.replace("16", str(161 + number)), 1)
        start = time.process_time()
        run = state.check({MODELS_FILE: new.encode()})
        middle = time.process_time()
        by_file(run.result.findings, codec, root, lambda rel, run=run: state.lines(run, rel))  # type: ignore[union-attr,misc]
        if number >= warmup:
            spent["diagnostics"] = spent.get("diagnostics", 0.0) + time.process_time() - middle
            totals.append(time.process_time() - start)
    ordered = sorted(totals)
    p90 = ordered[max(0, int(round(0.9 * len(ordered))) - 1)]
    print(f"CPU per run: median {1000 * statistics.median(totals):.1f} ms, p90 {1000 * p90:.1f} ms over {edits} edits")
    names = {
        "facts": "extract (changed file)",
        "link": "link (changed source)",
        "cached_link": "unchanged sources' links",
        "read_schemas": "read stage (all of it)",
    }
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {names.get(name, name):<26} {1000 * seconds / edits:7.1f} ms")
    accounted = sum(
        v for k, v in spent.items() if k not in ("facts", "link", "cached_link", "load_files", "fact_keys", "link_keys")
    )
    print(f"  {'other (engine, GC, ...)':<26} {1000 * (sum(totals) - accounted) / edits:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=4)
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between edits")
    parser.add_argument("--projects", type=Path, default=HERE / "projects")
    parser.add_argument("--phases", action="store_true", help="CPU time per stage, in this process")
    args = parser.parse_args()

    root = ensure_project(args.projects, args.models)
    subprocess.run([sys.executable, "-m", "schemalint", "check", "-q", str(root)], check=False)
    if args.phases:
        phases(root, args.edits, args.warmup)
        return
    latencies = asyncio.run(measure(root, args.edits, args.pause, args.warmup))
    print(f"N={args.models}: {args.edits} edits (milliseconds)")
    for name, values in latencies.items():
        ordered = sorted(values)
        p90 = ordered[max(0, int(round(0.9 * len(ordered))) - 1)]
        print(f"  {name:<24} median {statistics.median(values):7.1f}  p90 {p90:7.1f}  max {ordered[-1]:7.1f}")


if __name__ == "__main__":
    main()

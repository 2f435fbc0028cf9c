"""Run readers' `extract` over many files, in worker processes when that pays.

`extract` is pure and its input and output are picklable (the reader contract), so files can
be parsed in any process in any order; results come back in the order of the input, which
keeps the output byte-identical whatever the number of workers.

When it pays: starting workers and shipping facts back costs tens of milliseconds, and a run
that changed one file has nothing to share. Workers are used only when several files with
enough bytes between them miss the cache (`MIN_PARALLEL_BYTES`, about a quarter of a second
of libcst parsing), and never more workers than CPUs or files. On Linux workers are forked, so
they start with the readers already imported; elsewhere (spawn) each worker re-imports them,
and the threshold is raised accordingly.

A worker pickles its facts the way the cache stores them (`cache.dumps`) and sends those bytes:
the parent unpickles them once, to link, and stores the same bytes, instead of unpickling
what the pool sent and pickling it again for the cache, serially, after the workers are done.

A reader that raises, or a worker that dies, never loses the run: the file gets an SL001
diagnostic naming the error, the other files are read as usual.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
from dataclasses import dataclass
from typing import Any

from schemalint.model import Diagnostic, Location
from schemalint.read import ReaderSettings, SourceFile, get_reader

JOBS_ENV = "SCHEMALINT_JOBS"
MIN_PARALLEL_BYTES = 96_000
"""Below this many bytes to parse, one process is faster than starting workers."""
SPAWN_FACTOR = 8
"""Where workers cannot be forked, each re-imports libcst/sqlglot: demand this much more work."""


@dataclass(frozen=True)
class Task:
    source: str
    file: SourceFile


@dataclass(frozen=True)
class Failed:
    """What `extract` left instead of facts when it crashed: the engine turns it into SL001."""

    diagnostic: Diagnostic


def resolve_jobs(configured: int) -> int:
    """Worker count: $SCHEMALINT_JOBS, else the `jobs` config key, else (0) the CPUs we may use."""
    raw = os.environ.get(JOBS_ENV, "").strip()
    if raw.isdigit():
        configured = int(raw)
    if configured > 0:
        return configured
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worth_parallel(tasks: list[Task], jobs: int) -> bool:
    if jobs < 2 or len(tasks) < 2:
        return False
    threshold = MIN_PARALLEL_BYTES * (1 if _can_fork() else SPAWN_FACTOR)
    return sum(len(t.file.data) for t in tasks) >= threshold


@dataclass(frozen=True)
class Pickled:
    """Facts as a worker sends them: pickled by `cache.dumps`, ready for the cache."""

    blob: bytes


def extract_all(tasks: list[Task], settings: ReaderSettings, jobs: int) -> list[Any]:
    """Facts (or `Failed`) for every task, in task order."""
    return [facts for facts, _ in extract_all_pickled(tasks, settings, jobs)]


def extract_all_pickled(tasks: list[Task], settings: ReaderSettings, jobs: int) -> list[tuple[Any, bytes | None]]:
    """Facts (or `Failed`) for every task, in task order, each with its cache bytes when a
    worker made them (None: the caller pickles, if it caches)."""
    if not worth_parallel(tasks, jobs):
        return [(extract_one(task, settings), None) for task in tasks]
    try:
        sent = _extract_in_workers(tasks, settings, min(jobs, len(tasks)))
    except Exception:
        # A pool that cannot start (no /dev/shm, a sandbox without fork) or that broke:
        # parse here instead; correctness never depends on workers.
        return [(extract_one(task, settings), None) for task in tasks]
    return [_received(result, task, settings) for result, task in zip(sent, tasks)]


def _received(result: Any, task: Task, settings: ReaderSettings) -> tuple[Any, bytes | None]:
    if not isinstance(result, Pickled):
        return result, None
    try:
        return pickle.loads(result.blob), result.blob
    except Exception:  # bytes this process cannot load (cannot happen with fork): read here
        return extract_one(task, settings), None


def _extract_pickled(task: Task, settings: ReaderSettings) -> Any:
    """In a worker: the facts pickled as the cache stores them (`Failed` as it is)."""
    from schemalint.cache import dumps

    facts = extract_one(task, settings)
    if isinstance(facts, Failed):
        return facts
    try:
        return Pickled(dumps(facts))
    except Exception:  # facts that cannot be pickled so: the pool pickles them its way
        return facts


def extract_one(task: Task, settings: ReaderSettings) -> Any:
    try:
        return get_reader(task.source).extract(task.file, settings)
    except RecursionError:
        return Failed(_crash(task, "the file nests too deeply to be read"))
    except Exception as exc:  # a reader bug must not cost the user the other files' findings
        return Failed(_crash(task, f"internal error in the {task.source} reader: {type(exc).__name__}: {exc}"))


def _crash(task: Task, message: str) -> Diagnostic:
    return Diagnostic("unreadable", f"cannot read file: {message}", Location(task.file.rel, 1, 1))


def _can_fork() -> bool:
    return sys.platform.startswith("linux")


def _extract_in_workers(tasks: list[Task], settings: ReaderSettings, workers: int) -> list[Any]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Import the readers first: forked workers inherit them instead of importing each.
    for source in sorted({t.source for t in tasks}):
        get_reader(source)
    context = multiprocessing.get_context("fork" if _can_fork() else "spawn")
    # Largest files first, so the big SQLAlchemy module does not start last and finish alone.
    order = sorted(range(len(tasks)), key=lambda i: -len(tasks[i].file.data))
    results: list[Any] = [None] * len(tasks)
    initargs = (gc.get_threshold(),)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_init, initargs=initargs
    ) as pool:
        futures = {i: pool.submit(_extract_pickled, tasks[i], settings) for i in order}
        for i, future in futures.items():
            results[i] = future.result()
    return results


def _worker_init(thresholds: tuple[int, ...]) -> None:
    """A worker collects as rarely as its parent (a spawned one starts with Python's defaults;
    a forked one inherits them, and its frozen heap stays shared with the parent)."""
    gc.freeze()
    gc.set_threshold(*thresholds)

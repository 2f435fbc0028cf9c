"""Benchmark: `schemalint check` beside `makemigrations --check` and the parsing floors.

    python tests/bench/run.py --sizes 20,200,1000 --repeat 5

For each size, generates (once, cached by stamp) an in-sync project with tests/bench/generate.py,
then times in rounds, so that noise on this shared machine hits every measure alike:

* floors: `python -c pass`; `python -c "import libcst, sqlglot"`; parsing every model file and
  the schema.sql once (tests/bench/bench_parse_floor.py);
* `python manage.py makemigrations --check --dry-run` (what teams run today);
* `schemalint check`: cold (cache folder emptied), warm (nothing changed), and one model file
  changed (a different app and a different `max_length` each round, restored afterwards);
  with `--baseline DIR` (a checkout of an earlier schemalint), the same three for it too, in
  the same rounds, on its own copy of the project (caches apart); with `--migrations-only`,
  the same three for `check --select SL5` (models vs migrations only: the direct replacement
  of `makemigrations --check`); with `--pure-sqlglot`, cold once more with sqlglot's Python
  source instead of sqlglotc's compiled modules.

`makemigrations --check` runs with its .pyc files written (this machine sets
PYTHONDONTWRITEBYTECODE; the fair baseline has them, as a developer's checkout does): one
untimed warm-up writes them. schemalint's own .pyc files are compiled first likewise.

Each command runs as a child process; wall time by `perf_counter`, peak RSS from `wait4`'s
`ru_maxrss` (largest process of the tree, workers included), and for schemalint a sampled sum
over the process tree. Results: JSON and Markdown in tests/bench/results/ (gitignored), and the
Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PYTHON = sys.executable
MEASURES = (
    "python -c pass",
    "import libcst+sqlglot",
    "parse every file",
    "makemigrations --check",
    "cold",
    "warm",
    "one file changed",
    "baseline: cold",
    "baseline: warm",
    "baseline: one file changed",
    "SL5 only: cold",
    "SL5 only: warm",
    "SL5 only: one file changed",
    "cold, pure sqlglot",
)
TARGETS = {  # measure -> {N: max ratio to makemigrations --check}
    "warm": {200: 0.3, 1000: 0.05},
    "one file changed": {200: 0.35, 1000: 0.2},
    "cold": {200: 1.3, 1000: 1.0},
}
RSS_TARGET_MB = {1000: 300}


@dataclass
class Sample:
    seconds: float
    max_rss_mb: float
    tree_rss_mb: float
    exit_code: int


@dataclass
class Series:
    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def low(self) -> float:
        return min(s.seconds for s in self.samples)

    @property
    def high(self) -> float:
        return max(s.seconds for s in self.samples)

    @property
    def peak_rss(self) -> float:
        """Median over the runs of each run's peak: one run disturbed by the shared machine
        (or by a reader-version bump landing mid-benchmark) does not decide the column."""
        return statistics.median(max(s.max_rss_mb, s.tree_rss_mb) for s in self.samples)


# --------------------------------------------------------------------------- running


def _tree_rss_kb(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run(cmd: list[str], cwd: Path, sample_tree: bool = False, env: dict | None = None) -> Sample:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak_tree = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not stop.is_set():
            peak_tree = max(peak_tree, _tree_rss_kb(proc.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True) if sample_tree and os.path.isdir("/proc") else None
    if sampler:
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stop.set()
    if sampler:
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(seconds, usage.ru_maxrss / 1024, peak_tree / 1024, proc.returncode)


def ensure_project(projects: Path, size: int) -> Path:
    root = projects / f"n{size}"
    stamp = root / ".generator-stamp"
    if not stamp.exists() or stamp.read_text() != generate.stamp(size, 0):
        print(f"generating N={size} in {root} (makemigrations included) ...", file=sys.stderr)
        generate.generate(root, size)
    return root


def change_one_model_file(root: Path, round_: int) -> tuple[Path, str]:
    """Change the `max_length` of one CharField in one app — a different app and value every
    round, so that no round finds the change in the cache. Returns what to restore."""
    apps = sorted(root.glob("app_django/apps/*/models.py"))
    path = apps[(round_ * 7) % len(apps)]
    original = path.read_text()
    matches = list(re.finditer(r"max_length=(\d+)", original))
    match = matches[round_ % len(matches)]
    changed = original[: match.start(1)] + str(int(match.group(1)) + 1 + round_) + original[match.end(1) :]
    path.write_text(changed)
    return path, original


MAKEMIGRATIONS = [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"]


def with_bytecode(env: dict) -> dict:
    """`env` with .pyc files written and read, as on a developer's machine."""
    return {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}


def warm_up(roots: list[Path], env: dict, baseline: Path | None) -> None:
    """Untimed: .pyc files of schemalint (editable install: nothing compiled them) and of the
    projects' Django code, written by one makemigrations run each."""
    for package in (
        Path(generate.__file__).resolve().parents[2] / "schemalint",
        Path(generate.__file__).resolve().parents[2] / "rules",
    ):
        subprocess.run(
            [PYTHON, "-m", "compileall", "-q", str(package)], stdout=subprocess.DEVNULL, env=with_bytecode(env)
        )
    if baseline is not None:
        subprocess.run(
            [PYTHON, "-m", "compileall", "-q", str(baseline)], stdout=subprocess.DEVNULL, env=with_bytecode(env)
        )
    for root in roots:
        subprocess.run(
            MAKEMIGRATIONS,
            cwd=root / "app_django",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=with_bytecode(env),
        )


def baseline_copy(root: Path) -> Path:
    """The project again, for the baseline checkout: its cache must not serve ours."""
    copy = root.with_name(root.name + "-baseline")
    if (
        not (copy / ".generator-stamp").exists()
        or (copy / ".generator-stamp").read_text() != (root / ".generator-stamp").read_text()
    ):
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".schemalint_cache"))
    return copy


def measure_schemalint(
    root: Path, round_: int, record, env: dict, prefix: str = "", options: tuple[str, ...] = ()
) -> None:
    check = [PYTHON, "-m", "schemalint", "check", ".", *options]
    shutil.rmtree(root / ".schemalint_cache", ignore_errors=True)
    record(prefix + "cold", run(check, root, sample_tree=True, env=env))
    record(prefix + "warm", run(check, root, sample_tree=True, env=env))
    path, original = change_one_model_file(root, round_)
    try:
        record(prefix + "one file changed", run(check, root, sample_tree=True, env=env))
    finally:
        path.write_text(original)


def measure_round(
    root: Path,
    round_: int,
    results: dict[str, Series],
    schemalint_env: dict,
    baseline: Path | None = None,
    floors: bool = True,
    migrations_only: bool = False,
    pure_sqlglot: bool = False,
) -> None:
    def record(name: str, sample: Sample) -> None:
        results.setdefault(name, Series()).samples.append(sample)

    if floors:
        record("python -c pass", run([PYTHON, "-c", "pass"], root))
        record("import libcst+sqlglot", run([PYTHON, "-c", "import libcst, sqlglot"], root))
        record("parse every file", run([PYTHON, str(HERE / "bench_parse_floor.py"), str(root)], root))
    record("makemigrations --check", run(MAKEMIGRATIONS, root / "app_django", env=with_bytecode(dict(os.environ))))
    measure_schemalint(root, round_, record, schemalint_env)
    if migrations_only:  # the direct replacement of makemigrations --check: only the SL5 rules
        measure_schemalint(root, round_, record, schemalint_env, "SL5 only: ", ("--select", "SL5"))
    if baseline is not None:
        env = dict(
            schemalint_env, PYTHONPATH=os.pathsep.join(filter(None, [str(baseline), schemalint_env.get("PYTHONPATH")]))
        )
        measure_schemalint(baseline_copy(root), round_, record, env, "baseline: ")
    if pure_sqlglot:
        shutil.rmtree(root / ".schemalint_cache", ignore_errors=True)
        pure = [PYTHON, str(HERE / "pure_sqlglot.py"), "check", "."]
        record("cold, pure sqlglot", run(pure, root, sample_tree=True, env=schemalint_env))
        shutil.rmtree(root / ".schemalint_cache", ignore_errors=True)  # its entries say "compiled"


# --------------------------------------------------------------------------- reporting


def _cell(series: Series, base: float) -> str:
    ratio = f" · {series.median / base:.2f}×" if base else ""
    return f"{series.median:.3f} s ({series.low:.3f}–{series.high:.3f}){ratio} · {series.peak_rss:.0f} MB"


def markdown(results: dict[int, dict[str, Series]], repeat: int) -> str:
    sizes = sorted(results)
    lines = [
        f"Medians over {repeat} rounds (min–max) · ratio to `makemigrations --check` of the same size · peak RSS (median of runs)",
        "",
        "| measure | " + " | ".join(f"N={n}" for n in sizes) + " |",
        "| --- |" + " --- |" * len(sizes),
    ]
    for name in MEASURES:
        cells = []
        for n in sizes:
            base = results[n]["makemigrations --check"].median
            cells.append(_cell(results[n][name], base) if name in results[n] else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "| target | N | goal | measured | verdict |", "| --- | --- | --- | --- | --- |"]
    for name, goals in TARGETS.items():
        for n, goal in goals.items():
            if n in results and name in results[n]:
                ratio = results[n][name].median / results[n]["makemigrations --check"].median
                verdict = "met" if ratio <= goal else f"missed by {ratio / goal:.1f}×"
                lines.append(f"| {name} | {n} | ≤ {goal}× | {ratio:.2f}× | {verdict} |")
    for n, goal in RSS_TARGET_MB.items():
        if n in results and "cold" in results[n]:
            peak = results[n]["cold"].peak_rss
            verdict = "met" if peak <= goal else f"missed by {peak - goal:.0f} MB"
            lines.append(f"| peak RSS, cold | {n} | ≤ {goal} MB | {peak:.0f} MB | {verdict} |")
    exits = {n: sorted({s.exit_code for s in results[n]["warm"].samples}) for n in sizes}
    lines += [
        "",
        f"`schemalint check` exit codes (warm): {exits}; cpus: {os.cpu_count()}; python {sys.version.split()[0]}",
    ]
    return "\n".join(lines) + "\n"


def load_results(paths: list[Path]) -> dict[int, dict[str, Series]]:
    pooled: dict[int, dict[str, Series]] = {}
    for path in paths:
        for n, per in json.loads(path.read_text()).items():
            for name, samples in per.items():
                if name not in MEASURES:  # measures of earlier versions of this runner
                    continue
                series = pooled.setdefault(int(n), {}).setdefault(name, Series())
                series.samples += [Sample(**s) for s in samples]
    return pooled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20,200,1000", help="comma-separated model counts")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--projects", type=Path, default=HERE / "projects", help="where generated projects live")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--jobs", help="SCHEMALINT_JOBS for the schemalint runs (default: schemalint decides)")
    parser.add_argument(
        "--no-floors", action="store_true", help="skip the floors (python -c pass, imports, parse every file)"
    )
    parser.add_argument(
        "--migrations-only",
        action="store_true",
        help="also time `check --select SL5` (models vs migrations only, what makemigrations --check does)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of an earlier schemalint (git worktree or archive), measured in the same rounds",
    )
    parser.add_argument(
        "--pure-sqlglot",
        action="store_true",
        help="also `schemalint check` cold with sqlglot's Python source only (sqlglotc installed but passed over)",
    )
    parser.add_argument(
        "--report",
        nargs="+",
        type=Path,
        metavar="JSON",
        help="print the table for earlier results (several files: their rounds pooled) and exit",
    )
    args = parser.parse_args()
    if args.report:
        pooled = load_results(args.report)
        print(markdown(pooled, max(len(s.samples) for per in pooled.values() for s in per.values())))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    env = dict(os.environ)
    if args.jobs:
        env["SCHEMALINT_JOBS"] = args.jobs
    roots = {n: ensure_project(args.projects, n) for n in sizes}
    baseline = args.baseline.resolve() if args.baseline else None
    warm_up(list(roots.values()), env, baseline)
    results: dict[int, dict[str, Series]] = {n: {} for n in sizes}
    for round_ in range(args.repeat):
        for n in sizes:
            measure_round(
                roots[n],
                round_,
                results[n],
                env,
                baseline,
                not args.no_floors,
                migrations_only=args.migrations_only,
                pure_sqlglot=args.pure_sqlglot,
            )
            print(f"round {round_ + 1}/{args.repeat} N={n} done", file=sys.stderr)

    table = markdown(results, args.repeat)
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (args.results / f"bench-{stamp}.md").write_text(table)
    raw = {n: {name: [asdict(s) for s in series.samples] for name, series in per.items()} for n, per in results.items()}
    (args.results / f"bench-{stamp}.json").write_text(json.dumps(raw, indent=1))
    print(table)


if __name__ == "__main__":
    main()

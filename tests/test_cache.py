"""The facts cache and parallel extraction, with a fake reader that counts its parses.

The fake reader stands in for the real ones so that these tests say exactly what the engine
does around `extract`/`link`: which files are parsed, which come from the cache, in which
order results are linked. The last tests run the real CLI in a subprocess.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from schemalint import cache as cache_module
from schemalint.cache import KEEP_UNUSED, MISSING, Cache, cache_key
from schemalint.config import Config
from schemalint.engine import read_schema, read_schemas
from schemalint.model import Location, Schema, Table
from schemalint.read import READER_MODULES, ReaderSettings, SourceFile, parallel
from schemalint.read.versions import READER_VERSIONS

# --------------------------------------------------------------------------- the fake reader

PARSED: list[str] = []
"""Relative paths `extract` was called for, in this process."""
LINKED: list[int] = []
"""One entry per `link` call: how many files' facts it got."""


class FakeReader:
    """`table NAME` lines become tables; a line `boom` makes extract raise."""

    source = "django"
    version = "fake"

    def extract(self, file, settings):
        PARSED.append(file.rel)
        text = file.data.decode("utf-8", "replace")
        if "boom" in text.split():
            raise ValueError("the fake reader cannot read 'boom'")
        return (
            file.rel,
            tuple(line.split()[1] for line in text.splitlines() if line.startswith("table ")),
            os.getpid(),
        )

    def link(self, facts, project):
        LINKED.append(len(facts))
        tables = tuple(Table(name=name, location=Location(rel, 1, 1)) for rel, names, _ in facts for name in names)
        # What real readers do: read a settings file, resolve an imported module.
        setting = project.read_text("settings.txt")
        if setting:
            tables += (Table(name=f"from_settings_{setting.strip()}"),)
        if project.module_file("apps.base"):
            tables += (Table(name="from_base_module"),)
        if any(name == "linkfail" for _, names, _ in facts for name in names):
            raise RuntimeError("link exploded")
        return Schema(source="django", tables=tables, files=tuple(f.rel for f in project.files))


READER = FakeReader()


@pytest.fixture(autouse=True)
def fake_reader(monkeypatch):
    monkeypatch.setitem(READER_MODULES, "django", __name__)
    monkeypatch.delenv(parallel.JOBS_ENV, raising=False)
    PARSED.clear()
    LINKED.clear()
    yield


def make_project(root: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return sorted(paths)


def read(root: Path, paths, cache_dir: Path | None = None, **config) -> Schema:
    cfg = Config(root=root, **config)
    return read_schema("django", paths, cfg, Cache(cache_dir if cache_dir is not None else root / ".schemalint_cache"))


APPS = {f"apps/a{i}/models.py": f"table t{i}\ntable u{i}\n" for i in range(5)}

# --------------------------------------------------------------------------- cache hits and misses


def test_second_run_parses_nothing_and_gives_the_same_schema(tmp_path):
    paths = make_project(tmp_path, APPS)
    first = read(tmp_path, paths)
    assert sorted(PARSED) == sorted(APPS)
    PARSED.clear()
    second = read(tmp_path, paths)
    assert PARSED == []
    assert second == first


def test_only_the_changed_file_is_parsed_again(tmp_path):
    paths = make_project(tmp_path, APPS)
    read(tmp_path, paths)
    (tmp_path / "apps/a3/models.py").write_text("table t3\ntable renamed\n")
    PARSED.clear()
    schema = read(tmp_path, paths)
    assert PARSED == ["apps/a3/models.py"]
    assert "renamed" in {t.name for t in schema.tables}


def test_editing_a_file_back_hits_the_entry_kept_from_before(tmp_path):
    paths = make_project(tmp_path, APPS)
    read(tmp_path, paths)
    original = (tmp_path / "apps/a1/models.py").read_text()
    (tmp_path / "apps/a1/models.py").write_text("table other\n")
    read(tmp_path, paths)
    (tmp_path / "apps/a1/models.py").write_text(original)
    PARSED.clear()
    read(tmp_path, paths)
    assert PARSED == []


def _upgrade(monkeypatch):
    monkeypatch.setattr(cache_module, "__version__", "999.0")


def _reader_change(monkeypatch):
    monkeypatch.setitem(READER_VERSIONS, "django", "changed")


@pytest.mark.parametrize(
    ("change", "config"),
    [
        pytest.param(_upgrade, {}, id="schemalint-upgrade"),
        pytest.param(_reader_change, {}, id="reader-version"),
        pytest.param(None, {"types": (("app.MoneyField", "numeric(12,2)"),)}, id="config-types"),
        pytest.param(None, {"default_auto_field": "django.db.models.AutoField"}, id="config-auto-field"),
    ],
)
def test_upgrade_reader_change_or_config_change_invalidates(tmp_path, monkeypatch, change, config):
    paths = make_project(tmp_path, APPS)
    read(tmp_path, paths)
    PARSED.clear()
    if change:
        change(monkeypatch)
    read(tmp_path, paths, **config)
    assert sorted(PARSED) == sorted(APPS)


def test_a_config_change_that_readers_ignore_keeps_the_cache(tmp_path):
    paths = make_project(tmp_path, APPS)
    read(tmp_path, paths)
    PARSED.clear()
    read(tmp_path, paths, ignore=("SL204",), jobs=3)
    assert PARSED == []


def test_a_renamed_file_is_a_miss_because_paths_appear_in_findings(tmp_path):
    paths = make_project(tmp_path, {"apps/a/models.py": "table t\n"})
    read(tmp_path, paths)
    moved = tmp_path / "apps/b/models.py"
    moved.parent.mkdir()
    paths[0].rename(moved)
    PARSED.clear()
    schema = read(tmp_path, [moved])
    assert PARSED == ["apps/b/models.py"]
    assert schema.tables[0].location.path == "apps/b/models.py"


def test_no_cache_reads_and_writes_nothing(tmp_path):
    paths = make_project(tmp_path, APPS)
    cfg = Config(root=tmp_path)
    read_schema("django", paths, cfg, Cache(None))
    read_schema("django", paths, cfg, Cache(None))
    assert len(PARSED) == 2 * len(APPS)
    assert not (tmp_path / ".schemalint_cache").exists()


# --------------------------------------------------------------------------- the folder itself


def test_cache_folder_ignores_itself_and_is_tagged(tmp_path):
    paths = make_project(tmp_path, APPS)
    read(tmp_path, paths)
    folder = tmp_path / ".schemalint_cache"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.pack")) == [
        f"facts-{cache_module.PACK_FORMAT}/django.pack",
        f"links-{cache_module.PACK_FORMAT}/django.pack",
    ]
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_cache_folder_is_invisible_to_git(tmp_path):
    paths = make_project(tmp_path, APPS)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    read(tmp_path, paths)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ".schemalint_cache" not in status.stdout
    assert "apps/a0/models.py" in status.stdout


@pytest.mark.parametrize(
    "garbage", [b"", b"schemalint-pack\n", b"schemalint-pack\n\x80\x05junk", b"not a pack at all", pickle.dumps([1, 2])]
)
def test_a_damaged_pack_is_an_empty_cache_and_gets_rewritten(tmp_path, garbage):
    paths = make_project(tmp_path, APPS)
    expected = read(tmp_path, paths)
    for pack in (tmp_path / ".schemalint_cache").rglob("django.pack"):
        pack.write_bytes(garbage)
    PARSED.clear()
    assert read(tmp_path, paths) == expected
    assert sorted(PARSED) == sorted(APPS)
    PARSED.clear()
    read(tmp_path, paths)
    assert PARSED == []


def test_an_unwritable_cache_folder_costs_the_cache_not_the_run(tmp_path):
    paths = make_project(tmp_path, APPS)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    assert read(tmp_path, paths, cache_dir=blocker / "cache").tables
    assert read(tmp_path, paths, cache_dir=blocker / "cache").tables


def test_unused_entries_are_kept_only_up_to_a_bound(tmp_path):
    cache = Cache(tmp_path / "c")
    pack = cache.pack("django")
    for i in range(KEEP_UNUSED + 50):
        pack.put(f"k{i}", i)
    cache.save()
    again = Cache(tmp_path / "c")
    again.pack("django").put("fresh", 1)
    again.save()
    kept = Cache(tmp_path / "c").pack("django")
    assert kept.get("fresh") == 1
    assert sum(kept.get(f"k{i}") is not MISSING for i in range(KEEP_UNUSED + 50)) == KEEP_UNUSED


def test_none_is_a_fact_like_any_other(tmp_path):
    cache = Cache(tmp_path / "c")
    cache.pack("sql").put("k", None)
    cache.save()
    assert Cache(tmp_path / "c").pack("sql").get("k") is None
    assert Cache(tmp_path / "c").pack("sql").get("other") is MISSING


def test_keys_depend_on_every_part():
    base = ("django", "1", "fp", "a/models.py", b"data")
    keys = {cache_key(*base)}
    for i, other in enumerate(("sql", "2", "fp2", "b/models.py", b"data2")):
        keys.add(cache_key(*base[:i], other, *base[i + 1 :]))
    assert len(keys) == 6


def _hammer(directory: str, worker: int, rounds: int) -> None:
    for round_ in range(rounds):
        cache = Cache(Path(directory))
        pack = cache.pack("django")
        pack.put(f"w{worker}-{round_}", list(range(2000)))
        cache.save()


def test_runs_sharing_the_cache_never_see_half_a_pack(tmp_path):
    ctx = multiprocessing.get_context("fork")
    writers = [ctx.Process(target=_hammer, args=(str(tmp_path), w, 40)) for w in range(3)]
    for p in writers:
        p.start()
    seen = 0
    while any(p.is_alive() for p in writers):
        path = tmp_path / f"facts-{cache_module.PACK_FORMAT}" / "django.pack"
        if path.exists():
            data = path.read_bytes()
            assert data.startswith(b"schemalint-pack\n")
            assert isinstance(pickle.loads(data[16:]), dict)
            seen += 1
    for p in writers:
        p.join()
        assert p.exitcode == 0
    assert not [p for p in tmp_path.rglob("*.tmp")]


# --------------------------------------------------------------------------- parallel extraction


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_output_is_the_same_whatever_the_number_of_workers(tmp_path, monkeypatch, jobs):
    files = {f"apps/a{i:02d}/models.py": f"table t{i}\n" + "# padding\n" * 2000 for i in range(12)}
    paths = make_project(tmp_path, files)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 1)
    schema = read_schema("django", paths, Config(root=tmp_path, jobs=jobs), Cache(None))
    assert [t.name for t in schema.tables] == [f"t{i}" for i in range(12)]
    assert schema.files == tuple(sorted(files))


def test_workers_really_run_when_it_pays(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 1)
    files = make_project(tmp_path, {f"m{i}/models.py": f"table t{i}\n" for i in range(6)})
    tasks = [parallel.Task("django", SourceFile(p, p.relative_to(tmp_path).as_posix(), p.read_bytes())) for p in files]
    facts = parallel.extract_all(tasks, ReaderSettings(), 2)
    assert [f[0] for f in facts] == [t.file.rel for t in tasks]
    assert {f[2] for f in facts} - {os.getpid()}, "expected facts from worker processes"


@pytest.mark.parametrize(
    ("jobs", "sizes", "expected"),
    [(1, [10**6, 10**6], False), (2, [10**6], False), (2, [100, 100], False), (2, [60_000, 60_000], True)],
)
def test_workers_only_when_it_pays(jobs, sizes, expected):
    tasks = [parallel.Task("django", SourceFile(Path(f"/x{i}"), f"x{i}", b"x" * size)) for i, size in enumerate(sizes)]
    assert parallel.worth_parallel(tasks, jobs) is expected


@pytest.mark.parametrize(("env", "configured", "expected"), [("3", 0, 3), ("", 2, 2), ("1", 4, 1), ("junk", 5, 5)])
def test_jobs_come_from_env_then_config(monkeypatch, env, configured, expected):
    monkeypatch.setenv(parallel.JOBS_ENV, env)
    assert parallel.resolve_jobs(configured) == expected


def test_auto_jobs_is_the_usable_cpu_count(monkeypatch):
    assert parallel.resolve_jobs(0) >= 1


# --------------------------------------------------------------------------- crashing readers


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_reader_crash_is_an_sl001_and_other_files_still_count(tmp_path, monkeypatch, jobs):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 1)
    paths = make_project(
        tmp_path, {"a/models.py": "table ok\n", "b/models.py": "boom\n", "c/models.py": "table fine\n"}
    )
    schema = read(tmp_path, paths, jobs=jobs)
    assert [t.name for t in schema.tables] == ["ok", "fine"]
    (problem,) = schema.diagnostics
    assert problem.kind == "unreadable" and problem.location == Location("b/models.py", 1, 1)
    assert "ValueError" in problem.message and "the fake reader cannot read" in problem.message
    PARSED.clear()
    read(tmp_path, paths, jobs=jobs)
    assert PARSED == ["b/models.py"], "a crash must not be cached"


def test_a_link_crash_is_an_sl001_not_a_traceback(tmp_path):
    paths = make_project(tmp_path, {"a/models.py": "table linkfail\n"})
    schema = read(tmp_path, paths)
    (problem,) = schema.diagnostics
    assert problem.kind == "unreadable" and "RuntimeError: link exploded" in problem.message


def test_several_sources_are_read_in_one_batch(tmp_path, monkeypatch):
    monkeypatch.setitem(READER_MODULES, "sql", __name__)
    paths = make_project(tmp_path, {"a/models.py": "table a\n", "db/schema.sql": "table s\n"})
    schemas = read_schemas({"django": paths[:1], "sql": paths[1:]}, Config(root=tmp_path), Cache(tmp_path / "c"))
    assert [t.name for t in schemas["django"].tables] == ["a"]
    assert [t.name for t in schemas["sql"].tables] == ["s"]
    assert sorted(p.name for p in (tmp_path / "c").rglob("facts-*/*.pack")) == ["django.pack", "sql.pack"]


def test_unreadable_path_is_an_sl001(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/models.py").symlink_to(tmp_path / "nowhere.py")
    schema = read(tmp_path, [tmp_path / "a/models.py"])
    (problem,) = schema.diagnostics
    assert problem.kind == "unreadable" and problem.location.path == "a/models.py"
    assert "No such file" in problem.message


# --------------------------------------------------------------------------- linked schemas


def test_a_warm_run_does_not_link_again(tmp_path):
    paths = make_project(tmp_path, APPS)
    first = read(tmp_path, paths)
    PARSED.clear()
    second = read(tmp_path, paths)
    assert LINKED == [len(APPS)] and PARSED == []
    assert second == first


def test_a_changed_file_relinks_with_facts_of_the_others_from_cache(tmp_path):
    paths = make_project(tmp_path, APPS)
    read(tmp_path, paths)
    (tmp_path / "apps/a0/models.py").write_text("table changed\n")
    PARSED.clear()
    schema = read(tmp_path, paths)
    assert PARSED == ["apps/a0/models.py"] and LINKED == [5, 5]
    assert "changed" in {t.name for t in schema.tables}


def _edit_settings(root):
    (root / "settings.txt").write_text("two\n")


def _remove_settings(root):
    (root / "settings.txt").unlink()


def _add_imported_module(root):
    (root / "apps/base.py").write_text("x = 1\n")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(_edit_settings, {"from_settings_two"}, id="file-read-by-link-edited"),
        pytest.param(_remove_settings, set(), id="file-read-by-link-removed"),
        pytest.param(_add_imported_module, {"from_settings_one", "from_base_module"}, id="imported-module-appears"),
    ],
)
def test_what_link_read_from_the_project_is_checked_again(tmp_path, change, expected):
    paths = [p for p in make_project(tmp_path, APPS | {"settings.txt": "one\n"}) if p.name == "models.py"]
    assert "from_settings_one" in {t.name for t in read(tmp_path, paths).tables}
    change(tmp_path)
    PARSED.clear()
    names = {t.name for t in read(tmp_path, paths).tables if t.name.startswith("from_")}
    assert names == expected
    assert len(LINKED) == 2 and PARSED == [], "relinked from cached facts"


def test_a_new_file_in_the_tree_relinks(tmp_path):
    from schemalint.discover import discover

    paths = make_project(tmp_path, APPS)
    read(tmp_path, paths)
    (tmp_path / "apps/a9").mkdir()
    (tmp_path / "apps/a9/apps.py").write_text("")
    discover(Config(root=tmp_path))  # as run_check does before reading
    PARSED.clear()
    read(tmp_path, paths)
    assert len(LINKED) == 2 and PARSED == []


def test_a_crashed_link_is_not_cached(tmp_path):
    paths = make_project(tmp_path, {"a/models.py": "table linkfail\n"})
    read(tmp_path, paths)
    read(tmp_path, paths)
    assert len(LINKED) == 2


# --------------------------------------------------------------------------- the real CLI, warm

_PROBE = """
import sys
from schemalint.cli import main
try:
    main(["check", sys.argv[1]], standalone_mode=False)
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("libcst", "sqlglot", "multiprocessing", "concurrent"))
print("HEAVY:" + ",".join(heavy))
"""


def test_a_warm_run_imports_neither_libcst_nor_sqlglot(tmp_path, monkeypatch):
    from tests.robustness.support import write_project

    monkeypatch.delitem(READER_MODULES, "django")  # the real readers, in real subprocesses
    root = write_project(tmp_path / "project")
    cold = subprocess.run([sys.executable, "-c", _PROBE, str(root)], capture_output=True, text=True, timeout=120)
    assert "HEAVY:" in cold.stdout and "libcst" in cold.stdout, cold.stderr
    warm = subprocess.run([sys.executable, "-c", _PROBE, str(root)], capture_output=True, text=True, timeout=120)
    assert warm.stdout.strip().endswith("HEAVY:"), f"a warm run imported {warm.stdout.split('HEAVY:')[-1]}"
    assert warm.stdout.split("HEAVY:")[0] == cold.stdout.split("HEAVY:")[0], "warm output differs from cold"


# --------------------------------------------------------------------------- whole runs


def _rules():
    from schemalint.registry import Rule

    return [
        Rule(
            code="SL999",
            name="fake-rule",
            summary="a rule of this test module",
            check=lambda target: [],
            module=__name__,
        )
    ]


def _run_once(root: Path, paths, cache: Cache, config: Config):
    """What `run_check` does around the rules: read, report, remember."""
    from schemalint.engine import RunResult, remember_findings
    from schemalint.findings import Finding

    schemas = read_schemas({"django": paths}, config, cache)
    result = RunResult(
        findings=[
            Finding(path=t.location.path if t.location else "settings.txt", line=1, col=1, code="SL999", message=t.name)
            for t in schemas["django"].tables
        ]
    )
    remember_findings(cache, ["django"], config, _rules(), result)
    return result.findings


def _cached(root: Path, paths, config: Config, overrides=None):
    from schemalint.engine import cached_findings

    return cached_findings({"django": paths}, config, Cache(root / ".schemalint_cache"), _rules(), overrides)


def test_findings_of_an_unchanged_project_come_from_the_cache(tmp_path):
    paths = make_project(tmp_path, APPS)
    config = Config(root=tmp_path)
    assert _cached(tmp_path, paths, config) is None
    computed = _run_once(tmp_path, paths, Cache(tmp_path / ".schemalint_cache"), config)
    assert _cached(tmp_path, paths, config) == computed
    assert len(LINKED) == 1


def _edit_model(root):
    (root / "apps/a2/models.py").write_text("table x\n")


def _edit_link_input(root):
    (root / "settings.txt").write_text("changed\n")


def _touch_rule_module(root):
    stat = os.stat(__file__)
    os.utime(__file__, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


@pytest.mark.parametrize(
    ("change", "config_change"),
    [
        pytest.param(_edit_model, {}, id="model-file-edited"),
        pytest.param(_edit_link_input, {}, id="file-read-by-link-edited"),
        pytest.param(None, {"ignore": ("SL999",)}, id="rule-selection-changed"),
        pytest.param(None, {"per_file_ignores": (("apps/*", ("SL999",)),)}, id="per-file-ignores-changed"),
        pytest.param(_touch_rule_module, {}, id="rule-code-changed"),
    ],
)
def test_cached_findings_are_not_served_when_anything_they_depend_on_changed(tmp_path, change, config_change):
    paths = [p for p in make_project(tmp_path, APPS | {"settings.txt": "one\n"}) if p.name == "models.py"]
    config = Config(root=tmp_path)
    _run_once(tmp_path, paths, Cache(tmp_path / ".schemalint_cache"), config)
    if change:
        change(tmp_path)
    assert _cached(tmp_path, paths, replace(config, **config_change)) is None


def test_editor_buffers_are_never_served_from_cached_findings(tmp_path):
    paths = make_project(tmp_path, APPS)
    config = Config(root=tmp_path)
    _run_once(tmp_path, paths, Cache(tmp_path / ".schemalint_cache"), config)
    assert _cached(tmp_path, paths, config, overrides={"apps/a0/models.py": b"table z\n"}) is None


def test_a_run_with_a_crashed_file_is_not_remembered(tmp_path):
    paths = make_project(tmp_path, {"a/models.py": "table ok\n", "b/models.py": "boom\n"})
    config = Config(root=tmp_path)
    _run_once(tmp_path, paths, Cache(tmp_path / ".schemalint_cache"), config)
    assert _cached(tmp_path, paths, config) is None


def test_an_entry_written_by_another_layout_of_a_class_is_a_miss(tmp_path, monkeypatch):
    cache = Cache(tmp_path / "c")
    cache.pack("django").put("k", Location("a.py", 3, 4))
    cache.save()
    # The class gains a field in the middle, as a development checkout might.
    monkeypatch.setitem(cache_module._LAYOUTS, Location, 12345)
    assert Cache(tmp_path / "c").pack("django").get("k") is MISSING


def test_modules_a_link_reads_beyond_its_files_come_from_the_facts_cache(tmp_path):
    """A migration imports `apps.shop.models` for a custom field: the migrations link reads that
    module's facts under the key the Django source's own file has, instead of parsing it again."""
    config = Config(root=tmp_path)
    cache = Cache(tmp_path / "cache")
    made: list[str] = []

    def extract(rel: str, text: str) -> str:
        made.append(rel)
        return f"facts of {rel}: {len(text)}"

    def project() -> cache_module.RecordingProject:
        return cache_module.RecordingProject(
            root=tmp_path, config=config, settings=ReaderSettings.from_config(config), facts_cache=cache
        )

    assert (
        project().module_facts("django", "apps/shop/models.py", "x = 1\n", extract) == "facts of apps/shop/models.py: 6"
    )
    assert (
        project().module_facts("django", "apps/shop/models.py", "x = 1\n", extract) == "facts of apps/shop/models.py: 6"
    )
    assert made == ["apps/shop/models.py"]
    project().module_facts("django", "apps/shop/models.py", "x = 2\n", extract)  # changed text: extracted again
    assert made == ["apps/shop/models.py"] * 2
    # The key is the one a source file with the same bytes gets.
    key = cache_key("django", READER_VERSIONS["django"], config.fingerprint(), "apps/shop/models.py", b"x = 1\n")
    assert cache.pack("django").get(key) == "facts of apps/shop/models.py: 6"
    # Without a cache (--no-cache), every call extracts.
    plain = cache_module.RecordingProject(root=tmp_path, config=config, settings=ReaderSettings.from_config(config))
    plain.module_facts("django", "apps/shop/models.py", "x = 1\n", extract)
    assert len(made) == 3

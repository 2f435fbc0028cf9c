"""The table-pair memo (`schemalint.dispatch`, `schemalint.cache.PairMemo`): what the table
and column rules reported about a pair of tables is served again while both tables are as they
were. A run with the memo must report exactly what a run without it reports, whatever was
edited, including rules that look past their pair (a foreign key's target table)."""

from __future__ import annotations

import itertools
import re
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalint import dispatch as dispatch_module
from schemalint.cache import MISSING, Cache, stored_tables, table_digest
from schemalint.config import Config, load_config
from schemalint.context import Reads, TableContext
from schemalint.engine import RunResult, run_check
from schemalint.model import Column, Location, Table
from schemalint.report import ReportContext, get_formatter
from tests.support.projects import copy_fixture

OPTIONS = "app_django/apps/options/models.py"
SQLALCHEMY = "src/database/models.py"
SQL = "scripts/database/schema.sql"


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "bifrost"
    copy_fixture("bifrost-drifted", root)
    return root


@pytest.fixture
def calls(monkeypatch) -> list[tuple[str, str]]:
    """(rule code, truth table) of every table or column rule call."""
    seen: list[tuple[str, str]] = []
    real = dispatch_module.Dispatch.call

    def call(self, rule, ctx):
        if isinstance(ctx, TableContext):
            seen.append((rule.code, ctx.pair.truth.name))
        return real(self, rule, ctx)

    monkeypatch.setattr(dispatch_module.Dispatch, "call", call)
    return seen


def rendered(result: RunResult, root: Path) -> str:
    """Everything a run says: the findings' values (fixes included), as JSON, and errors."""
    context = ReportContext(root=root, rules=tuple(result.rules))
    return "\n".join([repr(result.findings), get_formatter("json")(result.findings, context), *result.errors])


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1))


def without_memo(config: Config) -> str:
    return rendered(run_check(config, use_cache=False), config.root)


# --------------------------------------------------------------------------- what is served


def test_an_edit_recalls_rules_only_for_the_tables_it_touched(project, calls):
    config = load_config(project)
    first = run_check(config)
    assert first.findings and calls
    assert {table for _, table in calls} >= {"stocks", "option_snapshots", "option_contracts"}

    calls.clear()
    edit(project, OPTIONS, "max_length=200", "max_length=250")  # stocks.name
    second = run_check(config)
    # Both mirrors' stocks pair changed; every other pair was served from the memo.
    assert {table for _, table in calls} == {"stocks"}
    assert rendered(second, project) == without_memo(config)
    assert any(f.code == "SL203" and f.table == "stocks" and "250" in f.message for f in second.findings)


def test_the_memo_is_kept_in_the_cache_folder_and_survives_the_process(project, calls):
    config = load_config(project)
    run_check(config)
    assert list((project / ".schemalint_cache").glob("pairs-*/rules.pack"))
    edit(project, SQL, "-- ", "--  ")  # a comment: the findings cache misses, no table changes
    calls.clear()
    again = run_check(config, cache=Cache(project / config.cache_dir))
    assert calls == []
    assert rendered(again, project) == without_memo(config)


def test_an_in_memory_cache_serves_the_memo_between_runs(project, calls):
    config = load_config(project)
    cache = Cache(project / config.cache_dir)
    run_check(config, cache=cache)
    text = (project / OPTIONS).read_text().replace("max_length=20,", "max_length=21,")
    calls.clear()
    edited = run_check(config, cache=cache, overrides={OPTIONS: text.encode()})
    assert {table for _, table in calls} == {"stocks"}
    (project / OPTIONS).write_text(text)
    assert rendered(edited, project) == without_memo(config)


@pytest.mark.parametrize("kept", ["cli", "kept", "server"])
def test_a_file_the_link_reads_changes_every_table_under_the_same_link_key(project, kept):
    """settings.py is no source file: the Django schema is linked again under the same link
    key, with other id columns. Digests taken by the link key would be stale."""
    from schemalint.lsp.state import MemoryCache

    config = load_config(project)
    cache = {"cli": None, "kept": Cache(project / config.cache_dir), "server": MemoryCache(None)}[kept]
    first = run_check(config, cache=cache)
    edit(project, "app_django/bifrost/settings.py", "models.BigAutoField", "models.AutoField")
    second = run_check(config, cache=cache)
    assert rendered(second, project) == without_memo(config)
    assert len(second.findings) > len(first.findings)


def test_no_cache_means_no_memo(project, calls):
    config = load_config(project)
    run_check(config, use_cache=False)
    before = len(calls)
    run_check(config, use_cache=False)
    assert len(calls) == before * 2
    assert not (project / ".schemalint_cache").exists()


def test_configuration_that_rules_read_is_part_of_the_key(project, calls):
    config = load_config(project)
    assert config.on_delete_policy == "database"
    first = run_check(config)
    declared = replace(config, on_delete_policy="declared")
    calls.clear()
    second = run_check(declared)
    assert calls  # another policy: nothing served
    assert rendered(second, project) == without_memo(declared)
    assert rendered(first, project) != rendered(second, project)
    calls.clear()
    narrowed = replace(config, select=("SL203",))
    assert rendered(run_check(narrowed), project) == without_memo(narrowed)
    assert {code for code, _ in calls} == {"SL203"}


# --------------------------------------------------------------------------- rules that look wider

CROSS_TABLE = """
from schemalint.registry import rule


@rule("{code}001", "target-without-comment", "A foreign key points at a table without a comment", level="table")
def target_without_comment(ctx):
    for fk in ctx.pair.truth.foreign_keys:
        target = ctx.truth.table(fk.ref_table)
        if target is not None and not target.comment:
            ctx.report(f"{{fk.ref_table}}, which {{ctx.pair.truth.name}} references, has no comment")


@rule("{code}002", "column-named-like-a-table", "A column is named like another table", level="column")
def column_named_like_a_table(ctx):
    if ctx.truth_column.name.endswith("_id"):
        names = {{t.name for t in ctx.mirror.tables}}
        if ctx.truth_column.name[:-3] + "s" in names:
            ctx.report(f"{{ctx.truth_column.name}} is named after a mirror table")


@rule("{code}003", "columns-through-table", "A table rule that looks wider from its columns", level="table")
def columns_through_table(ctx):
    for column in ctx.columns("type"):
        if column.truth_column.name == "stock_id" and len(column.comparison.truth.tables) > {tables}:
            column.report("more tables than expected")
"""


@pytest.fixture
def cross_table(project, monkeypatch):
    """A plugin whose rules look past their pair of tables, each by another way in."""
    names = itertools.count()

    def load(tables: int = 1) -> Config:
        name = f"cross_table_rules_{next(names)}_{id(project)}"
        folder = project.parent / "plugins"
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.py").write_text(CROSS_TABLE.format(code="XCT", tables=tables))
        monkeypatch.syspath_prepend(str(folder))
        monkeypatch.delitem(sys.modules, name, raising=False)
        return replace(load_config(project), plugins=(name,), extend_select=("XCT",))

    return load


def test_a_rule_that_reads_the_target_table_is_not_served_stale(project, cross_table):
    """The foreign key's own table (option_snapshots) does not change; the table it points at
    (stocks) loses its comment. A memo that served XCT001 for option_snapshots would miss it."""
    config = cross_table()
    first = run_check(config)
    assert not [f for f in first.findings if f.code == "XCT001" and f.message.startswith("stocks,")]
    edit(project, OPTIONS, '        db_table_comment = "Underlying symbols we collect option chains for"\n', "")
    second = run_check(config)
    found = [f for f in second.findings if f.code == "XCT001" and f.message.startswith("stocks,")]
    assert {f.table for f in found} >= {"option_snapshots"}, second.findings
    assert rendered(second, project) == without_memo(config)


def test_a_column_rule_that_reads_the_mirror_is_not_served_stale(project, cross_table):
    config = cross_table()
    first = run_check(config)
    assert not [f for f in first.findings if f.code == "XCT002" and f.message.startswith("snapshot_id")]
    # A new table in the SQL mirror, `snapshots`: option_contracts.snapshot_id is now named
    # after a mirror table, though neither side of option_contracts changed.
    path = project / SQL
    path.write_text(path.read_text() + "\nCREATE TABLE IF NOT EXISTS snapshots (id BIGSERIAL PRIMARY KEY);\n")
    second = run_check(config)
    assert [f.table for f in second.findings if f.code == "XCT002" and f.message.startswith("snapshot_id")] == [
        "option_contracts"
    ]
    assert rendered(second, project) == without_memo(config)


def test_a_table_rule_that_looks_wider_through_its_column_contexts(project, cross_table):
    config = cross_table(tables=100)
    first = run_check(config)
    assert not [f for f in first.findings if f.code == "XCT003"]
    # A new truth table elsewhere: XCT003's pairs are unchanged, its answer is not.
    many = "".join(
        f"\n\nclass Extra{i}(models.Model):\n    x = models.IntegerField()\n\n    class Meta:\n"
        f'        db_table = "extra_{i}"\n'
        for i in range(100)
    )
    (project / "app_django/apps/strategies/models.py").write_text(
        (project / "app_django/apps/strategies/models.py").read_text() + many
    )
    second = run_check(config)
    assert [f for f in second.findings if f.code == "XCT003"]
    assert rendered(second, project) == without_memo(config)


def test_reads_count_only_what_looks_past_the_pair(project):
    """Everything a context offers about its own pair, the sides' names and the options is
    read without counting; `comparison`, `truth` and `mirror` count."""
    from schemalint.compare import compare
    from schemalint.discover import discover
    from schemalint.engine import read_schemas

    config = load_config(project)
    files = discover(config).files
    schemas = read_schemas({s: files[s] for s in ("django", "sql")}, config)
    comparison = compare(schemas["django"], schemas["sql"], config)
    ctx = TableContext(comparison, comparison.pair(0))
    reads = ctx._reads = Reads()
    for name in ("pair", "truth_table", "mirror_table", "truth_source", "mirror_source", "truth_title"):
        getattr(ctx, name)
    ctx.truth_words.nullability(True)
    ctx.same_type("integer", "bigint")
    _ = (ctx.on_delete_policy, ctx.type_equivalences, ctx.truth_file, ctx.mirror_file)
    ctx.report("x")
    ctx.mirror_fix("x", "safe")
    for column in ctx.columns():
        column.report("y")
        _ = (column.truth_at, column.mirror_name)
    assert not reads.wide
    for name in ("comparison", "truth", "mirror"):
        reads.wide = False
        getattr(ctx, name)
        assert reads.wide, name
    reads.wide = False
    _ = ctx.columns()[0].truth
    assert reads.wide


# --------------------------------------------------------------------------- crashes

CRASHING = """
from schemalint.registry import rule


@rule("XCR001", "crashes-on-strategies", "Crashes on one table", level="table")
def crashes(ctx):
    if ctx.pair.truth.name == "{table}":
        raise RuntimeError("deliberate")
    if ctx.pair.truth.comment:
        ctx.report("has a comment")
"""


@pytest.mark.parametrize("table", ["strategy_history", "stocks"])
def test_a_crashing_rule_is_reported_on_every_run_and_never_memoised(project, monkeypatch, table):
    name = f"crashing_rules_{table}"
    (project.parent / f"{name}.py").write_text(CRASHING.format(table=table))
    monkeypatch.syspath_prepend(str(project.parent))
    monkeypatch.delitem(sys.modules, name, raising=False)
    config = replace(load_config(project), plugins=(name,), extend_select=("XCR",))
    first = run_check(config)
    assert any("XCR001" in e and "deliberate" in e for e in first.errors)
    second = run_check(config)
    assert second.errors == first.errors
    assert rendered(second, project) == rendered(first, project) == without_memo(config)
    edit(project, OPTIONS, "max_length=200", "max_length=250")
    assert rendered(run_check(config), project) == without_memo(config)


# --------------------------------------------------------------------------- the memo itself


def test_table_digest_sees_every_part_of_a_table_including_where_it_ends():
    table = Table("t", columns=(Column("a", "integer", location=Location("m.py", 3, 5, 3, 9)),))
    moved = replace(table, columns=(replace(table.columns[0], location=Location("m.py", 3, 5, 3, 12)),))
    assert table == moved  # equality ignores where a construct ends, findings do not
    assert table_digest(table) != table_digest(moved)
    assert table_digest(table) == table_digest(replace(table))
    assert table_digest(table) != table_digest(replace(table, comment=""))


def test_digests_come_from_the_stored_tables_or_the_previous_run(tmp_path, monkeypatch):
    memo = Cache(tmp_path).pair_memo()
    tables = tuple(Table(f"t{i}") for i in range(3))
    digests = memo.digests(tables)
    assert digests == [table_digest(t) for t in tables]
    stored = stored_tables(tables, {})
    assert stored.digests == tuple(digests)
    computed: list[Table] = []
    monkeypatch.setattr("schemalint.cache.table_digest", lambda t: computed.append(t) or b"x" * 16)
    assert memo.digests(stored) == stored.digests and computed == []  # stored with the tables
    memo.end_run()
    assert memo.digests(tables) == digests and computed == []  # the same objects
    copies = tuple(replace(t) for t in tables)
    memo.digests(copies)
    assert computed == list(copies)
    assert memo.get("nothing") is MISSING


def test_unused_entries_are_forgotten_beyond_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("schemalint.cache.KEEP_PAIRS", 2)
    memo = Cache(tmp_path).pair_memo()
    for key in "abcde":
        memo.put(key, key)
    memo.end_run()
    memo.get("a")
    memo.end_run()
    assert sorted(memo._live) == ["a", "d", "e"]


# --------------------------------------------------------------------------- random edits

# (file, pattern, replacement): each edit changes one occurrence of a pattern.
EDITS = [
    (OPTIONS, r"max_length=(\d+)", lambda m: f"max_length={int(m.group(1)) + 3}"),
    (OPTIONS, r"null=True, ", lambda m: ""),
    (OPTIONS, r"on_delete=models\.CASCADE", lambda m: "on_delete=models.PROTECT"),
    (OPTIONS, r'db_table = "(\w+)"', lambda m: f'db_table = "{m.group(1)}_x"'),
    (OPTIONS, r'db_comment="[^"]*"', lambda m: 'db_comment="changed"'),
    (OPTIONS, r"\n    \w+ = models\.\w+Field\([^\n]*\)", lambda m: ""),
    ("app_django/apps/strategies/models.py", r"max_digits=(\d+)", lambda m: f"max_digits={int(m.group(1)) + 1}"),
    ("app_django/apps/data_collection/models.py", r"null=True", lambda m: "null=False"),
    (SQLALCHEMY, r"nullable=(True|False)", lambda m: f"nullable={m.group(1) == 'False'}"),
    (SQLALCHEMY, r"String\((\d+)\)", lambda m: f"String({int(m.group(1)) * 2})"),
    (SQLALCHEMY, r'ondelete="\w+"', lambda m: 'ondelete="SET NULL"'),
    (SQLALCHEMY, r'__tablename__ = "(\w+)"', lambda m: f'__tablename__ = "{m.group(1)}s"'),
    (SQL, r"VARCHAR\((\d+)\)", lambda m: f"VARCHAR({int(m.group(1)) + 7})"),
    (SQL, r" NOT NULL", lambda m: ""),
    (SQL, r"REFERENCES (\w+)", lambda m: f"REFERENCES {m.group(1)}_old"),
    (SQL, r"\n    \w+ [A-Z]+[^,\n]*,", lambda m: ""),
]


def apply_edit(text: str, pattern: str, replacement, occurrence: int) -> str:
    matches = list(re.finditer(pattern, text))
    if not matches:
        return text
    match = matches[occurrence % len(matches)]
    return text[: match.start()] + replacement(match) + text[match.end() :]


def run_random_edits(root: Path, edits: list[tuple[int, int]], config: Config, in_memory: bool) -> None:
    """After each edit, a run with the cache (facts, linked schemas loaded table by table, the
    memo) and one without any (`--no-cache`: every file read and linked afresh, every rule
    called). With the cache either as the CLI has it (a new `Cache` each run, the memo read from the cache folder) or
    as the language server has it (one `Cache` kept in memory, the edits as editor buffers)."""
    kept = Cache(root / ".memo_cache")
    buffers: dict[str, bytes] = {}
    run_check(config, cache=kept)
    for which, occurrence in edits:
        rel, pattern, replacement = EDITS[which]
        if in_memory:
            text = buffers.get(rel, (root / rel).read_bytes()).decode()
            buffers[rel] = apply_edit(text, pattern, replacement, occurrence).encode()
        else:
            (root / rel).write_text(apply_edit((root / rel).read_text(), pattern, replacement, occurrence))
        cache = kept if in_memory else Cache(root / ".memo_cache")
        with_memo = run_check(config, cache=cache, overrides=buffers or None)
        expected = run_check(config, use_cache=False, overrides=buffers or None)
        assert rendered(with_memo, root) == rendered(expected, root), edits


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(st.tuples(st.integers(0, len(EDITS) - 1), st.integers(0, 50)), min_size=1, max_size=2),
    in_memory=st.booleans(),
)
def test_random_edits_report_the_same_with_and_without_the_memo(tmp_path_factory, edits, in_memory):
    root = tmp_path_factory.mktemp("edits") / "bifrost"
    copy_fixture("bifrost-drifted", root)
    config = replace(load_config(root), cache_dir=".memo_cache")
    run_random_edits(root, edits, config, in_memory)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(st.tuples(st.integers(0, len(EDITS) - 1), st.integers(0, 200)), min_size=1, max_size=6),
    in_memory=st.booleans(),
    policy=st.sampled_from(["declared", "database"]),
)
def test_random_edits_many(tmp_path_factory, edits, in_memory, policy):
    root = tmp_path_factory.mktemp("edits") / "bifrost"
    copy_fixture("bifrost-drifted", root)
    config = replace(load_config(root), cache_dir=".memo_cache", on_delete_policy=policy)
    run_random_edits(root, edits, config, in_memory)


BENCH_EDITS = [
    (r"max_length=(\d+)", lambda m: f"max_length={int(m.group(1)) + 1}"),
    (r"null=True", lambda m: "null=False"),
    (r"db_index=True", lambda m: "db_index=False"),
    (r"on_delete=models\.\w+", lambda m: "on_delete=models.SET_NULL, null=True"),
    (r'db_table = "(\w+)"', lambda m: f'db_table = "{m.group(1)}_renamed"'),
]


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 100), st.integers(0, len(BENCH_EDITS) - 1), st.integers(0, 100)),
        min_size=1,
        max_size=4,
    )
)
def test_random_edits_of_a_generated_project(bench_project, tmp_path_factory, edits):
    """The benchmark's generated project (N=20): edits of any app's models."""
    root = tmp_path_factory.mktemp("bench") / "n20"
    shutil.copytree(bench_project, root)
    config = replace(load_config(root), cache_dir=".memo_cache")
    run_check(config, cache=Cache(root / ".memo_cache"))
    apps = sorted(root.glob("app_django/apps/*/models.py"))
    for app, which, occurrence in edits:
        path = apps[app % len(apps)]
        pattern, replacement = BENCH_EDITS[which]
        path.write_text(apply_edit(path.read_text(), pattern, replacement, occurrence))
        with_memo = run_check(config, cache=Cache(root / ".memo_cache"))
        assert rendered(with_memo, root) == rendered(run_check(config, use_cache=False), root), edits


@pytest.fixture(scope="module")
def bench_project(tmp_path_factory) -> Path:
    sys.path.insert(0, str(Path(__file__).parent / "bench"))
    try:
        import generate  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    root = tmp_path_factory.mktemp("generated") / "n20"
    generate.generate(root, 20, migrations=False)
    return root


# --------------------------------------------------------------------------- migrations rules


@pytest.fixture
def per_pair(monkeypatch) -> list[tuple[str, int, int]]:
    """(rule code, models table, migrations table) of every pair a migrations rule computed."""
    from schemalint.context import MigrationsContext

    seen: list[tuple[str, int, int]] = []
    real = dispatch_module.Dispatch._migrations_memo

    def memo(self, rule, comparison):
        inner = real(self, rule, comparison)

        def counted(truth, mirror, compute):
            def computing():
                seen.append((rule.code, comparison.truth.tables[truth].name, mirror))
                return compute()

            return inner(truth, mirror, computing)

        return counted

    monkeypatch.setattr(dispatch_module.Dispatch, "_migrations_memo", memo)
    assert MigrationsContext  # (what the rules call: `per_pair`)
    return seen


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("max_length=200", "max_length=250", "SL501"),  # stocks.name: a column type
        ("name = models.CharField(max_length=200)", 'name = models.CharField(max_length=200, help_text="x")', "SL504"),
    ],
)
def test_the_migrations_rules_compute_again_only_the_models_an_edit_touched(project, per_pair, old, new, code):
    config = load_config(project)
    run_check(config)
    assert {c for c, _, _ in per_pair} == {"SL501", "SL504"}
    assert len({t for _, t, _ in per_pair}) > 1

    per_pair.clear()
    edit(project, OPTIONS, old, new)
    second = run_check(config)
    assert {t for _, t, _ in per_pair} == {"stocks"}
    assert rendered(second, project) == without_memo(config)
    assert any(f.code == code and f.table == "stocks" for f in second.findings)

    per_pair.clear()
    edit(project, OPTIONS, new, old)  # undone: served from the memo
    third = run_check(config)
    assert per_pair == []
    assert rendered(third, project) == without_memo(config)

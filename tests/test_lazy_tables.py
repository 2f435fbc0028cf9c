"""Linked schemas loaded table by table (`schemalint.cache.StoredTables`, `model.LazyTables`):
an unchanged mirror's tables stay pickled unless a rule has to see them, and whatever is
loaded lazily, a run reports exactly what a run without any cache reports."""

from __future__ import annotations

import pickle
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from schemalint import cache as cache_module
from schemalint.cache import (
    Cache,
    LinkEntry,
    RecordingProject,
    StaleLayout,
    StoredTables,
    dumps,
    known_tables,
    stored_tables,
)
from schemalint.config import Config, load_config
from schemalint.engine import run_check
from schemalint.model import Column, LazyTables, Schema, Table, TableHead, table_heads
from schemalint.read import ReaderSettings
from schemalint.report import ReportContext, get_formatter
from tests.support.projects import copy_fixture

OPTIONS = "app_django/apps/options/models.py"


def tables(n: int) -> tuple[Table, ...]:
    return tuple(Table(f"t{i}", schema="s" if i % 2 else None, model=f"app.M{i}") for i in range(n))


def lazy(items: tuple[Table, ...]) -> tuple[LazyTables, list[int]]:
    loads: list[int] = []

    def load(index: int) -> Table:
        loads.append(index)
        return items[index]

    return LazyTables([TableHead.of(t) for t in items], load), loads


# --------------------------------------------------------------------------- the sequence


def test_lazy_tables_load_each_table_once_when_asked_for():
    items = tables(5)
    seq, loads = lazy(items)
    assert len(seq) == 5 and loads == []
    assert seq.heads[3] == TableHead("t3", "s", (), "app.M3", None)
    assert table_heads(seq) is seq.heads
    assert seq[3] is items[3] and seq[-1] is items[4] and seq[3] is items[3]
    assert loads == [3, 4]
    assert seq.find("t2") == 2 and seq.find("t2", "s") is None and loads == [3, 4]
    assert Schema("x", tables=seq).table("t1", "s") is items[1] and loads == [3, 4, 1]
    assert Schema("x", tables=seq).table("nothing") is None
    assert dict(seq.loaded()) == {1: items[1], 3: items[3], 4: items[4]}
    with pytest.raises(IndexError):
        seq[5]
    with pytest.raises(IndexError):
        seq[-6]


def test_lazy_tables_look_like_the_tuple_of_their_tables():
    items = tables(4)
    seq, _ = lazy(items)
    assert seq[1:3] == items[1:3] and isinstance(seq[1:3], tuple) and seq[::-1] == items[::-1]
    assert list(seq) == list(items)
    assert seq == items and items == seq and not (seq != items) and seq != items[:3]
    assert hash(seq) == hash(items)
    assert items[2] in seq and Table("t2") not in seq and "t2" not in seq
    assert seq + (Table("u"),) == (*items, Table("u")) and (Table("u"),) + seq == (Table("u"), *items)
    assert repr(seq) == repr(items)
    assert Schema("x", tables=seq) == Schema("x", tables=items)
    again = pickle.loads(pickle.dumps(seq))
    assert type(again) is tuple and again == items
    assert pickle.loads(dumps(Schema("x", tables=seq))) == Schema("x", tables=items)


# --------------------------------------------------------------------------- the link entry


def test_a_link_entry_keeps_each_table_apart_with_its_head_and_digest(tmp_path):
    schema = Schema("sqlalchemy", tables=tables(3), files=("m.py",))
    config = Config(root=tmp_path)
    project = RecordingProject(root=tmp_path, config=config, settings=ReaderSettings.from_config(config))
    entry, used = project.entry(schema)
    assert used == schema and isinstance(used.tables, StoredTables)
    assert len(entry.table_blobs) == 3 and entry.index_blob
    again = pickle.loads(dumps(entry))
    assert isinstance(again, LinkEntry)
    loaded = again.schema()
    assert isinstance(loaded.tables, StoredTables) and list(loaded.tables.loaded()) == []
    assert loaded.tables.digests == used.tables.digests
    assert loaded == schema
    assert len(list(loaded.tables.loaded())) == 3


def test_a_class_of_another_layout_in_any_table_refuses_the_entry_when_loaded(tmp_path, monkeypatch):
    """Tables are loaded late (by the rules); whether their classes changed is known early."""
    config = Config(root=tmp_path)
    project = RecordingProject(root=tmp_path, config=config, settings=ReaderSettings.from_config(config))
    plain, with_column = Table("a"), Table("b", columns=(Column("id", "integer"),))
    entry, used = project.entry(Schema("sql", tables=(plain, with_column)))
    assert (Column, cache_module._LAYOUTS[Column]) in used.tables.layouts
    assert entry.schema() == Schema("sql", tables=(plain, with_column))
    monkeypatch.setitem(cache_module._LAYOUTS, Column, 12345)  # a field added, say
    with pytest.raises(StaleLayout):
        entry.schema()
    # A relink's reused tables carry their layouts into the entry stored next.
    monkeypatch.undo()
    loaded = entry.schema().tables
    again, _ = project.entry(Schema("sql", tables=(loaded[1],)), known_tables([loaded]))
    assert again.table_blobs[0] is entry.table_blobs[1]
    assert (Column, cache_module._LAYOUTS[Column]) in again.schema().tables.layouts


def test_tables_a_relink_reuses_keep_their_stored_bytes(tmp_path):
    old = stored_tables(tables(3), {})
    loaded = StoredTables(old.raw_heads, old.digests, old.blobs, old.layouts)
    kept = loaded[0], loaded[2]
    new = stored_tables((kept[0], Table("new"), kept[1]), known_tables([loaded]))
    assert new.blobs[0] is old.blobs[0] and new.blobs[2] is old.blobs[2]
    assert new.digests[0] is old.digests[0] and new.blobs[1] != old.blobs[1]
    # A table equal to a loaded one but not it is pickled afresh (only identity is trusted).
    copy = stored_tables((replace(kept[0]),), known_tables([loaded]))
    assert copy.blobs[0] is not old.blobs[0] and copy.blobs[0] == old.blobs[0]


# --------------------------------------------------------------------------- whole runs


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "bifrost"
    copy_fixture("bifrost-drifted", root)
    return root


def rendered(result, root: Path) -> str:
    context = ReportContext(root=root, rules=tuple(result.rules))
    return "\n".join([repr(result.findings), get_formatter("json")(result.findings, context), *result.errors])


@pytest.fixture
def unpickled(monkeypatch) -> Counter[str]:
    """Tables unpickled from the link cache, by the source of their table's first file."""
    seen: Counter[str] = Counter()
    real = StoredTables._unpickle

    def load(self, index):
        table = real(self, index)
        seen[table.location.path if table.location else "?"] += 1
        return table

    monkeypatch.setattr(StoredTables, "_unpickle", load)
    return seen


def test_an_edited_model_loads_only_the_mirror_tables_it_pairs_with(project, unpickled):
    config = load_config(project)
    run_check(config)
    text = (project / OPTIONS).read_text()
    assert "max_length=200" in text
    (project / OPTIONS).write_text(text.replace("max_length=200", "max_length=250", 1))  # stocks.name
    unpickled.clear()
    edited = run_check(config, cache=Cache(project / config.cache_dir))
    assert rendered(edited, project) == rendered(run_check(config, use_cache=False), project)
    mirrors = {path: n for path, n in unpickled.items() if not path.startswith("app_django/")}
    # The stocks table of each mirror (its pair changed); no other mirror table was loaded.
    assert sum(mirrors.values()) == 2, unpickled
    assert any(f.code == "SL203" and f.table == "stocks" and "250" in f.message for f in edited.findings)


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        (OPTIONS, "max_length=200", "max_length=250"),
        ("src/database/models.py", "String(", "String(length="),
        ("scripts/database/schema.sql", " NOT NULL", ""),
        ("app_django/bifrost/settings.py", "\n", "\n\n"),
    ],
)
def test_runs_served_from_stored_tables_report_what_a_run_without_cache_does(project, rel, old, new):
    config = load_config(project)
    run_check(config)
    path = project / rel
    text = path.read_text()
    assert old in text
    for _ in range(2):  # the edit, then the same again (a second edit of the same file)
        text = text.replace(old, new, 1)
        path.write_text(text)
        cached = run_check(config, cache=Cache(project / config.cache_dir))
        assert rendered(cached, project) == rendered(run_check(config, use_cache=False), project)


def test_a_run_that_misses_the_findings_cache_reads_each_file_once(project, monkeypatch):
    from schemalint.read import stage

    config = load_config(project)
    cache = Cache(project / config.cache_dir)
    run_check(config, cache=cache)
    reads: Counter[str] = Counter()
    real = stage._load_files

    def load_files(paths, root, overrides):
        paths = tuple(paths)
        reads.update(str(p) for p in paths)
        return real(paths, root, overrides)

    monkeypatch.setattr(stage, "_load_files", load_files)
    run_check(config, cache=cache)  # served from the findings cache: files read to key them
    assert reads and set(reads.values()) == {1}
    # The same cache kept (a language server's): what the served run read is not used again.
    text = (project / OPTIONS).read_text()
    (project / OPTIONS).write_text(text.replace("max_length=200", "max_length=250", 1))
    reads.clear()
    edited = run_check(config, cache=cache)
    assert reads and set(reads.values()) == {1}
    assert rendered(edited, project) == rendered(run_check(config, use_cache=False), project)
    assert any(f.code == "SL203" and f.table == "stocks" and "250" in f.message for f in edited.findings)

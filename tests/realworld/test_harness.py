"""The harness's own logic, without the corpus: which table/column a difference is about,
when an SL002 covers it, how differences group. Runs in every test run."""

from __future__ import annotations

import pytest

from schemalint.config import Config
from schemalint.read import Project, ReaderSettings
from schemalint.read.django.project import DjangoProject
from tests.realworld.harness import BASE_APPS, SETTINGS_MODULE, _write_settings, covered, subject, without_refused
from tests.realworld.packages import DjangoPackage
from tests.realworld.report import cause
from tests.support.catalog import compare_catalogs


def _column(name: str, line: int, type_: str = "integer", **extra) -> dict:
    return {
        "name": name,
        "type": type_,
        "nullable": False,
        "primary_key": False,
        "default": None,
        "identity": None,
        "generated": None,
        "comment": None,
        "references": None,
        "location": f"app/models.py:{line}:5",
        **extra,
    }


def _table(name: str, line: int, *columns: dict, **extra) -> dict:
    return {
        "name": name,
        "schema": None,
        "model": None,
        "managed": True,
        "comment": None,
        "columns": list(columns),
        "primary_key": None,
        "foreign_keys": [],
        "indexes": [],
        "constraints": [],
        "location": f"app/models.py:{line}:1",
        **extra,
    }


DUMP = {
    "tables": [
        _table("shop_item", 10, _column("price", 11, "numeric(10,2)"), _column("code", 12, "character varying(10)")),
        _table("shop_tag", 20, _column("label", 21, "text", unknown=["type"])),
    ]
}
DB = {
    "tables": [
        _table(
            "shop_item",
            0,
            _column("price", 0, "numeric(12,2)"),
            _column("code", 0, "character varying(64)"),
            _column("extra", 0),
        ),
        _table("shop_tag", 0, _column("label", 0, "character varying(5)")),
        _table("shop_other", 0),
    ]
}


@pytest.mark.parametrize(
    "difference, expected",
    [
        ("table shop_other: missing in schemalint", ("shop_other", None)),
        ("column shop_item.price: type: schemalint 'a', postgres 'b'", ("shop_item", "price")),
        ("column shop_item.extra: missing in schemalint", ("shop_item", "extra")),
        ("shop_item: index shop_item_code_idx (('code',),): missing in postgres", ("shop_item", None)),
    ],
)
def test_subject(difference, expected):
    assert subject(difference) == expected


def _sl002(line: int, message: str = "cannot be resolved statically") -> dict:
    return {"code": "SL002", "message": message, "location": f"app/models.py:{line}:20"}


def test_an_sl002_on_the_column_line_covers_only_that_column():
    differences = compare_catalogs(DUMP, DB, labels=("schemalint", "postgres")).differences
    by_column = {subject(d): d for d in differences}
    price, code = by_column[("shop_item", "price")], by_column[("shop_item", "code")]
    assert covered(price, DUMP, [_sl002(11)])
    assert not covered(code, DUMP, [_sl002(11)])


def test_an_sl002_on_the_class_line_covers_the_whole_table():
    missing = "column shop_item.extra: missing in schemalint"
    assert covered(missing, DUMP, [_sl002(10)])
    assert not covered(missing, DUMP, [_sl002(11)])


def test_a_missing_column_is_covered_by_an_sl002_inside_its_class():
    missing = "column shop_item.extra: missing in schemalint"
    spans = {"shop_item": ("app/models.py", 10, 14)}
    assert covered(missing, DUMP, [_sl002(13)], spans=spans)
    assert not covered(missing, DUMP, [_sl002(15)], spans=spans)
    assert not covered(missing, DUMP, [_sl002(13)])


def test_an_unknown_mark_covers_without_an_sl002_on_that_line():
    assert covered("column shop_tag.label: type: schemalint 'text', postgres 'character varying(5)'", DUMP, [])


def test_a_table_the_dump_lacks_is_covered_by_an_sl002_naming_it():
    missing = "table shop_other: missing in schemalint"
    assert not covered(missing, DUMP, [_sl002(30, "class body is conditional")])
    assert covered(missing, DUMP, [_sl002(30, "model for shop_other is declared under a runtime if")])
    assert covered(missing, dict(DUMP, complete=False), [])


def test_a_table_the_dump_lacks_is_covered_by_an_sl002_on_its_class_line():
    missing, declared = "table shop_other: missing in schemalint", {"shop_other": [("app/models.py", 30, 33)]}
    assert covered(missing, DUMP, [_sl002(30, "base class cannot be resolved")], declared=declared)
    assert not covered(missing, DUMP, [_sl002(34, "base class cannot be resolved")], declared=declared)


def test_an_sl002_in_an_inherited_class_covers_the_tables_that_inherit_it():
    missing = "column shop_item.extra: missing in schemalint"
    declared = {"shop_item": [("app/models.py", 10, 14), ("app/base.py", 3, 9)]}
    in_base = {"code": "SL002", "message": "base class cannot be resolved", "location": "app/base.py:3:1"}
    assert covered(missing, DUMP, [in_base], declared=declared)
    assert not covered(missing, DUMP, [in_base])


@pytest.mark.parametrize(
    "difference, kind",
    [
        (
            "column a.b: type: schemalint 'integer', postgres 'bigint'",
            "column type: schemalint 'integer', postgres 'bigint'",
        ),
        ("column a.b: missing in postgres", "column missing in postgres"),
        ("table a: missing in schemalint", "table missing in schemalint"),
        ("a: index a_b_idx (('b',), False): missing in schemalint", "index missing in schemalint"),
        ("a: foreign key a_b_fk: named a_b_fk_2 in postgres", "foreign key named differently"),
        ("a: constraint a_b_key: schemalint ('unique',), postgres ('unique', ('c',))", "constraint differs in content"),
    ],
)
def test_alike_differences_group_together(difference, kind):
    assert cause(difference) == kind


def _with_objects(table: dict, foreign_keys=(), indexes=()) -> dict:
    return dict(table, foreign_keys=list(foreign_keys), indexes=list(indexes))


def test_what_postgresql_refuses_is_left_out_of_the_dump_only_when_the_dump_holds_it():
    key = {"columns": ["input_uuid"], "ref_table": "inputs", "ref_columns": ["input_uuid"]}
    index = {"name": "ix_artifact_key", "columns": ["key"]}
    tables = [
        _with_objects(_table("input_tags", 10, _column("input_uuid", 11)), foreign_keys=[key]),
        _with_objects(_table("artifact", 20, _column("key", 21)), indexes=[index, dict(index)]),
    ]
    refused = ("foreign key input_tags(input_uuid)", "duplicate index ix_artifact_key")
    left = without_refused({"tables": tables}, refused)
    assert [t["foreign_keys"] for t in left["tables"]] == [[], []]
    assert [t["indexes"] for t in left["tables"]] == [[], [index]]
    with pytest.raises(AssertionError, match="index index_gone"):
        without_refused({"tables": tables}, ("index index_gone",))


def test_the_settings_module_django_runs_with_is_the_one_schemalint_reads(tmp_path):
    (tmp_path / "defaults_pkg").mkdir()
    (tmp_path / "defaults_pkg" / "__init__.py").write_text("")
    (tmp_path / "defaults_pkg" / "defaults.py").write_text("PKG_PAGE_SIZE = 20\n")
    package = DjangoPackage(
        "pkg",
        apps=("pkg.app",),
        requires=("dep",),
        settings={"PKG_OPTIONS": {"a": [1]}},
        defaults="defaults_pkg.defaults",
    )
    _write_settings(tmp_path, package, ["pkg.app", "rw_pkg"])
    config = Config(root=tmp_path.resolve())
    django = DjangoProject(Project(root=config.root, config=config, settings=ReaderSettings.from_config(config)), [])
    assert django.settings_name == SETTINGS_MODULE and django.settings_origin == "manage.py"
    assert django.setting("INSTALLED_APPS") == [*BASE_APPS, "dep", "pkg.app", "rw_pkg"]
    assert django.setting("PKG_OPTIONS") == {"a": [1]}
    assert django.setting("PKG_PAGE_SIZE") == 20

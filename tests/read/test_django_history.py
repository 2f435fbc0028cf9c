"""django-simple-history's historical models, read statically (schemalint/read/django/history.py),
without Django: how the reader recognises `HistoricalRecords`, reads the settings, and stays
honest about what it cannot read. Real Django + simple_history + PostgreSQL prove the tables
themselves in tests/differential/test_simple_history_differential.py."""

from __future__ import annotations

import sysconfig

import pytest

from schemalint.model import Schema, Table
from tests.read.test_django_reader import MODELS, messages, read_project, table

HEAD = "from django.db import models\nfrom simple_history.models import HistoricalRecords\n"


def by_model(schema: Schema, label: str) -> Table:
    found = [t for t in schema.tables if t.model == label]
    assert len(found) == 1, [t.model for t in schema.tables]
    return found[0]


def columns(found: Table) -> dict[str, str]:
    return {c.name: c.type for c in found.columns}


@pytest.mark.parametrize(
    "imports, call",
    [
        ("from simple_history.models import HistoricalRecords as Audit", "Audit()"),
        ("import simple_history.models as sh", "sh.HistoricalRecords()"),
        ("from simple_history import models as history_models", "history_models.HistoricalRecords()"),
        ("import simple_history.models", "simple_history.models.HistoricalRecords()"),
    ],
)
def test_recognised_by_what_the_name_resolves_to(tmp_path, imports, call):
    schema = read_project(
        tmp_path,
        {
            MODELS: f"""
            from django.db import models
            {imports}


            class Stock(models.Model):
                symbol = models.CharField(max_length=10, unique=True)
                log = {call}
            """
        },
    )
    history = table(schema, "shop_historicalstock")
    assert columns(history) == {
        "id": "bigint",
        "symbol": "character varying(10)",
        "history_id": "integer",
        "history_date": "timestamp with time zone",
        "history_change_reason": "character varying(100)",
        "history_type": "character varying(1)",
        "history_user_id": "integer",
    }
    assert not history.constraints  # unique became an index
    on_symbol = sorted((i.origin, i.opclasses) for i in history.indexes if i.columns == ("symbol",))
    assert on_symbol == [("db_index", ()), ("like", ("varchar_pattern_ops",))]
    assert messages(schema) == []


def test_a_class_only_named_like_it_is_not_simple_history(tmp_path):
    schema = read_project(
        tmp_path,
        {
            MODELS: """
            from django.db import models


            class HistoricalRecords:
                def contribute_to_class(self, cls, name):
                    pass


            class Stock(models.Model):
                history = HistoricalRecords()
            """
        },
    )
    assert [t.name for t in schema.tables] == ["shop_stock"]
    assert len(messages(schema)) == 1 and "contribute_to_class" in messages(schema)[0]
    assert not schema.complete


# (the options, what the SL002 says, what of the historical table is unknown)
UNRESOLVED = [
    pytest.param("table_name=table_name()", "HistoricalRecords(table_name=...)", {"name"}, id="table_name"),
    pytest.param(
        'custom_model_name=lambda name: f"Audit{name}"',
        "HistoricalRecords(custom_model_name=...)",
        {"name"},
        id="custom_model_name",
    ),
    pytest.param("excluded_fields=excluded()", "HistoricalRecords(excluded_fields=...)", {"columns"}, id="excluded"),
    pytest.param("no_db_index=unindexed()", "HistoricalRecords(no_db_index=...)", {"indexes"}, id="no_db_index"),
    pytest.param("bases=[unseen.AuditBase]", "HistoricalRecords(bases=...)", {"columns"}, id="bases"),
    pytest.param("app=app_label()", "HistoricalRecords(app=...)", {"name"}, id="app"),
    pytest.param("**OPTIONS", "HistoricalRecords(**...) options", {"name", "columns", "indexes"}, id="star"),
]


@pytest.mark.parametrize("options, said, parts", UNRESOLVED)
def test_an_option_it_cannot_read_is_one_sl002_and_its_parts_unknown(tmp_path, options, said, parts):
    schema = read_project(
        tmp_path,
        {
            MODELS: HEAD
            + f"""
import os
import unseen

OPTIONS = dict(os.environ)


def table_name():
    return os.environ["T"]


def excluded():
    return os.environ["X"].split()


def unindexed():
    return os.environ["X"].split()


def app_label():
    return os.environ["A"]


class Stock(models.Model):
    symbol = models.CharField(max_length=10)
    history = HistoricalRecords({options})
"""
        },
    )
    found = messages(schema)
    assert len(found) == 1 and found[0].startswith(said), found
    assert schema.diagnostics[0].location.line == 28
    history = by_model(schema, "shop.HistoricalStock")
    assert parts <= set(history.unknown), history.unknown
    assert table(schema, "shop_stock").unknown == ()


def test_inherit_that_cannot_be_read_leaves_existence_unknown(tmp_path):
    schema = read_project(
        tmp_path,
        {
            MODELS: HEAD
            + """
import os


class Tracked(models.Model):
    history = HistoricalRecords(inherit=os.environ.get("INHERIT") == "1")

    class Meta:
        abstract = True


class Stock(Tracked):
    symbol = models.CharField(max_length=10)
"""
        },
    )
    assert len(messages(schema)) == 1 and messages(schema)[0].startswith("HistoricalRecords(inherit=...)")
    assert "exists" in table(schema, "shop_historicalstock").unknown


def test_an_m2m_field_it_cannot_find_is_one_sl002(tmp_path):
    schema = read_project(
        tmp_path,
        {
            MODELS: HEAD
            + """

class Tag(models.Model):
    name = models.CharField(max_length=10)


class Stock(models.Model):
    tags = models.ManyToManyField(Tag)
    history = HistoricalRecords(m2m_fields=[tags, "labels"])
"""
        },
    )
    assert messages(schema) == [
        "HistoricalRecords(m2m_fields=...): the historical through model cannot be resolved statically: "
        "labels (not a ManyToManyField of shop.Stock)"
    ]
    assert not schema.complete
    assert columns(table(schema, "shop_historicalstock_tags")) == {
        "id": "bigint",
        "stock_id": "bigint",
        "tag_id": "bigint",
        "history_id": "integer",
        "m2m_history_id": "integer",
    }


def test_settings_come_from_the_projects_settings_module(tmp_path):
    schema = read_project(
        tmp_path,
        {
            "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
            "config/__init__.py": "",
            "config/settings.py": """
            AUTH_USER_MODEL = "shop.Trader"
            SIMPLE_HISTORY_HISTORY_ID_USE_UUID = True
            SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
            SIMPLE_HISTORY_DATE_INDEX = "composite"
            SIMPLE_HISTORY_FILEFIELD_TO_CHARFIELD = True
            """,
            MODELS: HEAD
            + """

class Trader(models.Model):
    code = models.CharField(max_length=8, primary_key=True)


class Stock(models.Model):
    report = models.FileField(max_length=150)
    history = HistoricalRecords()
""",
        },
    )
    history = table(schema, "shop_historicalstock")
    assert columns(history) == {
        "id": "bigint",
        "report": "character varying(150)",
        "history_id": "uuid",
        "history_date": "timestamp with time zone",
        "history_change_reason": "text",
        "history_type": "character varying(1)",
        "history_user_id": "character varying(8)",
    }
    assert history.primary_key is not None and history.primary_key.columns == ("history_id",)
    composite = [i for i in history.indexes if i.columns == ("history_date", "id")]
    assert len(composite) == 1 and not composite[0].implicit
    assert not any(i.columns == ("history_date",) for i in history.indexes)
    assert [fk.ref_table for fk in history.foreign_keys] == ["shop_trader"]
    assert messages(schema) == []


def test_a_subclass_of_historical_records_is_one_sl002(tmp_path):
    pytest.importorskip("simple_history")
    site = sysconfig.get_paths()["purelib"]
    schema = read_project(
        tmp_path,
        {
            MODELS: HEAD
            + """

class AuditedRecords(HistoricalRecords):
    def get_extra_fields(self, model, fields):
        return {**super().get_extra_fields(model, fields), "ip": models.GenericIPAddressField()}


class Stock(models.Model):
    history = AuditedRecords()
"""
        },
        python_path=(site,),
    )
    assert [t.name for t in schema.tables] == ["shop_stock"]
    assert len(messages(schema)) == 1 and "AuditedRecords.contribute_to_class()" in messages(schema)[0]
    assert not schema.complete


def test_what_the_model_may_lack_its_history_may_lack(tmp_path):
    schema = read_project(
        tmp_path,
        {
            MODELS: HEAD
            + """
import os


class Stock(models.Model):
    symbol = models.CharField(max_length=10)
    if os.environ.get("WITH_NAME"):
        name = models.CharField(max_length=40)
    history = HistoricalRecords()
"""
        },
    )
    assert len(messages(schema)) == 1 and messages(schema)[0].startswith("fields under a runtime if")
    assert "columns" in table(schema, "shop_stock").unknown
    assert "columns" in table(schema, "shop_historicalstock").unknown


def test_options_hidden_in_kwargs_of_an_abstract_base_leave_existence_unknown(tmp_path):
    schema = read_project(
        tmp_path,
        {
            MODELS: HEAD
            + """
import os

OPTIONS = dict(os.environ)


class Tracked(models.Model):
    history = HistoricalRecords(**OPTIONS)

    class Meta:
        abstract = True


class Stock(Tracked):
    symbol = models.CharField(max_length=10)
"""
        },
    )
    assert messages(schema) == [
        "HistoricalRecords(**...) options cannot be resolved statically: HistoricalRecords(**...)"
    ]
    assert {"exists", "name", "columns"} <= set(table(schema, "shop_historicalstock").unknown)


def test_a_proxy_under_a_runtime_if_has_a_history_that_may_not_exist(tmp_path):
    schema = read_project(
        tmp_path,
        {
            MODELS: HEAD
            + """
import os


class Stock(models.Model):
    symbol = models.CharField(max_length=10)


if os.environ.get("ARCHIVE"):

    class StockArchive(Stock):
        history = HistoricalRecords()

        class Meta:
            proxy = True
"""
        },
    )
    assert messages(schema) == ["model defined under if/try cannot be resolved statically: StockArchive"]
    assert table(schema, "shop_historicalstockarchive").unknown == ("exists",)
    assert table(schema, "shop_stock").unknown == ()


@pytest.mark.parametrize(
    "imports, call",
    [
        ("from simple_history import register", "register(Stock)"),
        ("import simple_history", 'simple_history.register(Stock, app="shop")'),
    ],
)
def test_register_at_module_level_is_one_sl002(tmp_path, imports, call):
    schema = read_project(
        tmp_path,
        {
            MODELS: f"""
            from django.db import models
            {imports}


            class Stock(models.Model):
                symbol = models.CharField(max_length=10)


            {call}
            """
        },
    )
    assert messages(schema) == [
        f"the historical model simple_history.register() builds cannot be resolved statically: {call}"
    ]
    assert schema.diagnostics[0].location.line == 9
    assert not schema.complete
    assert [t.name for t in schema.tables] == ["shop_stock"]


def test_a_function_of_the_project_named_register_is_not_simple_historys(tmp_path):
    schema = read_project(
        tmp_path,
        {
            MODELS: """
            from django.db import models
            import simple_history.models


            def register(model):
                return model


            class Stock(models.Model):
                history = simple_history.models.HistoricalRecords()


            register(Stock)
            """
        },
    )
    assert messages(schema) == [] and schema.complete

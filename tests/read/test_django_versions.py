"""Django-version-dependent behaviour: the version read from dependency files, the default
primary key (AutoField up to 5.2, BigAutoField from 6.0: Django ticket #36564 changed
DEFAULT_AUTO_FIELD in django/conf/global_settings.py, September 2025), DEFAULT_AUTO_FIELD from
settings / AppConfig / config, and on_delete handlers (Python-level; DB_CASCADE / DB_SET_NULL /
DB_SET_DEFAULT, added by #21961 in October 2025 for the release after 6.0, are real database
actions)."""

from __future__ import annotations

import pytest

from schemalint.read.django.project import version_from_spec
from tests.read.test_django_reader import MODELS, read_project, table

MANAGE = 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "{}")\n'
SIMPLE = """
from django.db import models

class Stock(models.Model):
    symbol = models.CharField(max_length=10)

class Quote(models.Model):
    stock = models.ForeignKey(Stock, on_delete=models.CASCADE)
"""


@pytest.mark.parametrize(
    ("spec", "version"),
    [
        ("==5.2.1", "5.2.1"),
        (">=4.2,<6", "5.2"),
        (">=4.2,<5.0", "4.2"),
        (">=4.2", "6.0"),
        ("^5.1", "5.2"),
        ("~=5.0", "5.2"),
        ("<=5.1", "5.1"),
        ("", "6.0"),
    ],
)
def test_version_from_spec(spec, version):
    assert version_from_spec(spec) == version


@pytest.mark.parametrize(
    ("files", "version", "source"),
    [
        ({"requirements.txt": "requests\nDjango==5.2.3  # pinned\n"}, "5.2.3", "requirements.txt"),
        ({"requirements/base.txt": "django>=4.2,<5.0\n"}, "4.2", "requirements/base.txt"),
        ({"pyproject.toml": '[project]\nname="x"\ndependencies=["django>=5.2,<6"]\n'}, "5.2", "pyproject.toml"),
        ({"pyproject.toml": '[tool.poetry.dependencies]\npython="^3.11"\nDjango="^5.1"\n'}, "5.2", "pyproject.toml"),
        (
            {"poetry.lock": '[[package]]\nname = "django"\nversion = "5.1.4"\n', "pyproject.toml": ""},
            "5.1.4",
            "poetry.lock",
        ),
        ({"uv.lock": '[[package]]\nname = "django"\nversion = "6.0.1"\n'}, "6.0.1", "uv.lock"),
        ({"Pipfile.lock": '{"default": {"django": {"version": "==4.2.9"}}}'}, "4.2.9", "Pipfile.lock"),
        ({"requirements.txt": "django-environ==0.11\n"}, "6.0", "default (latest)"),
        (
            {"requirements.txt": "fastapi\n", "app_django/requirements.txt": "Django>=5.1,<5.2\n"},
            "5.1",
            "app_django/requirements.txt",
        ),
        ({}, "6.0", "default (latest)"),
    ],
)
def test_django_version_from_dependency_files(tmp_path, files, version, source):
    schema = read_project(tmp_path, {MODELS: SIMPLE, **files})
    properties = dict(schema.properties)
    assert (properties["django_version"], properties["django_version_source"]) == (version, source)


def test_config_django_version_wins(tmp_path):
    schema = read_project(tmp_path, {MODELS: SIMPLE, "requirements.txt": "Django==6.0\n"}, django_version="5.2")
    assert dict(schema.properties)["django_version"] == "5.2"
    assert table(schema, "shop_stock").column("id").type == "integer"


@pytest.mark.parametrize(
    ("files", "config", "pk_type", "auto"),
    [
        ({"requirements.txt": "Django==5.2\n"}, {}, "integer", "django.db.models.AutoField"),
        ({"requirements.txt": "Django==6.0\n"}, {}, "bigint", "django.db.models.BigAutoField"),
        ({}, {}, "bigint", "django.db.models.BigAutoField"),
        (
            {
                "requirements.txt": "Django==5.2\n",
                "app_django/manage.py": MANAGE.format("config.settings"),
                "app_django/config/settings.py": 'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n',
            },
            {},
            "bigint",
            "django.db.models.BigAutoField",
        ),
        (
            {
                "requirements.txt": "Django==6.0\n",
                "app_django/manage.py": MANAGE.format("settings"),
                "app_django/settings/__init__.py": "from .base import *  # noqa\n",
                "app_django/settings/base.py": 'DEFAULT_AUTO_FIELD = "django.db.models.AutoField"\n',
            },
            {},
            "integer",
            "django.db.models.AutoField",
        ),
        (
            {"requirements.txt": "Django==6.0\n"},
            {"default_auto_field": "django.db.models.SmallAutoField"},
            "smallint",
            "django.db.models.SmallAutoField",
        ),
    ],
)
def test_default_primary_key(tmp_path, files, config, pk_type, auto):
    schema = read_project(tmp_path, {MODELS: SIMPLE, **files}, **config)
    stock, quote = table(schema, "shop_stock"), table(schema, "shop_quote")
    assert (stock.column("id").type, stock.column("id").identity) == (pk_type, "by default")
    assert quote.column("stock_id").type == pk_type
    assert dict(schema.properties)["default_auto_field"] == auto


def test_app_config_default_auto_field_and_label(tmp_path):
    schema = read_project(
        tmp_path,
        {
            MODELS: SIMPLE,
            "requirements.txt": "Django==6.0\n",
            "app_django/apps/shop/apps.py": (
                "from django.apps import AppConfig\n\n"
                "class ShopConfig(AppConfig):\n"
                "    name = 'apps.shop'\n"
                "    label = 'store'\n"
                "    default_auto_field = 'django.db.models.AutoField'\n"
            ),
        },
    )
    stock = table(schema, "store_stock")
    assert stock.column("id").type == "integer"
    assert stock.model == "store.Stock"


@pytest.mark.parametrize(
    ("handler", "database", "declared"),
    [
        ("models.CASCADE", "NO ACTION", "CASCADE"),
        ("models.PROTECT", "NO ACTION", "RESTRICT"),
        ("models.RESTRICT", "NO ACTION", "RESTRICT"),
        ("models.SET_NULL", "NO ACTION", "SET NULL"),
        ("models.SET_DEFAULT", "NO ACTION", "SET DEFAULT"),
        ("models.DO_NOTHING", "NO ACTION", "NO ACTION"),
        ("models.SET(0)", "NO ACTION", None),
        ("models.DB_CASCADE", "CASCADE", None),
        ("models.DB_SET_NULL", "SET NULL", None),
        ("models.DB_SET_DEFAULT", "SET DEFAULT", None),
        ("DB_CASCADE", "CASCADE", None),
    ],
)
def test_on_delete(tmp_path, handler, database, declared):
    schema = read_project(
        tmp_path,
        {
            MODELS: f"""
from django.db import models
from django.db.models import DB_CASCADE

class Stock(models.Model):
    pass

class Quote(models.Model):
    stock = models.ForeignKey(Stock, on_delete={handler}, null=True)
"""
        },
    )
    [fk] = table(schema, "shop_quote").foreign_keys
    assert (fk.on_delete, fk.declared_on_delete) == (database, declared)
    assert fk.deferrable and fk.initially_deferred
    assert fk.intended_on_delete == (declared or database)


@pytest.mark.parametrize(("version", "indexed"), [("4.2", True), ("5.0", True), ("5.1", False), ("5.2", False)])
def test_index_together_follows_the_version(tmp_path, version, indexed):
    from tests.read.test_django_names import django_index_name

    schema = read_project(
        tmp_path,
        {
            MODELS: """
from django.db import models

class Stock(models.Model):
    symbol = models.CharField(max_length=10)
    day = models.DateField()

    class Meta:
        index_together = ["symbol", "day"]
"""
        },
        django_version=version,
    )
    indexes = [i.name for i in table(schema, "shop_stock").indexes]
    if indexed:
        assert indexes == [django_index_name("shop_stock", ["symbol", "day"], "_idx")]
    else:
        assert indexes == []
        assert any("index_together" in d.message and "5.1" in d.message for d in schema.diagnostics)


def test_a_sample_projects_settings_do_not_decide(tmp_path):
    schema = read_project(
        tmp_path,
        {
            MODELS: SIMPLE,
            "app_django/manage.py": MANAGE.format("config.settings"),
            "docs/example/settings.py": 'DEFAULT_AUTO_FIELD = "django.db.models.SmallAutoField"\n',
            "app_django/config/settings.py": 'DEFAULT_AUTO_FIELD = "django.db.models.AutoField"\n',
        },
    )
    assert table(schema, "shop_stock").column("id").type == "integer"


def test_default_auto_field_can_be_a_project_class(tmp_path):
    schema = read_project(
        tmp_path,
        {
            MODELS: SIMPLE,
            "app_django/apps/core/fields.py": "from django.db import models\n\nclass IdField(models.SmallAutoField):\n    pass\n",
            "app_django/config/settings.py": 'DEFAULT_AUTO_FIELD = "apps.core.fields.IdField"\n',
            "app_django/manage.py": MANAGE.format("config.settings"),
        },
        django_version="5.2",
    )
    assert table(schema, "shop_stock").column("id").type == "smallint"


def test_unknown_default_auto_field_is_reported(tmp_path):
    schema = read_project(
        tmp_path, {MODELS: SIMPLE}, default_auto_field="hashid_field.HashidAutoField", django_version="5.2"
    )
    assert table(schema, "shop_stock").column("id").type == "integer"
    assert any(
        d.message
        == "DEFAULT_AUTO_FIELD cannot be resolved statically: hashid_field.HashidAutoField (assuming AutoField)"
        for d in schema.diagnostics
    )

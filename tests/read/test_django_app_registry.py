"""What third-party model files ask of Django's app registry and settings, read statically and
checked against real Django building the same files (`django_tables`, a subprocess):

* `Meta.abstract = "app" not in settings.INSTALLED_APPS` (djangorestframework's authtoken):
  decided by the project's settings module, found as Django finds it (manage.py);
* `if not is_model_registered("app", "Model"): class Model(...)` (django-oscar): the guard
  is true unless the project registers a model of that label and name itself (a forked app);
* `swapper.get_model_name("app", "Model")` (wagtail): the `<PREFIX>_<MODEL>_MODEL` setting
  when the project sets it, else `"app.Model"`.

The stand-in packages below keep the shapes of the real ones (the real-world corpus in
tests/realworld measures the real packages).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from schemalint.postgres.types import normalize_type
from tests.read.test_django_reader import messages
from tests.read.test_django_real_code import APP, django_tables, read

# The oracle's INSTALLED_APPS (tests/read/test_django_real_code.py), as the project's settings
# module says them: schemalint reads this module, Django is configured with the same list.
SETTINGS = {
    f"{APP}/manage.py": 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop_settings")\n',
    f"{APP}/shop_settings.py": 'INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "shop"]\n',
}


def columns(schema, name: str) -> dict[str, str | None]:
    found = schema.table(name)
    assert found is not None, (name, [t.name for t in schema.tables])
    return {c.name: c.type for c in found.columns}


def theirs(tables: dict, name: str) -> dict[str, str]:
    return {column: normalize_type(facts["type"]) for column, facts in tables[name].items()}


INSTALLED_APPS_MODELS = """
    from django.conf import settings
    from django.db import models


    class Token(models.Model):
        key = models.CharField(max_length=40, primary_key=True)

        class Meta:
            abstract = "shop" not in settings.INSTALLED_APPS


    class TokenProxy(Token):
        class Meta:
            proxy = "shop" in settings.INSTALLED_APPS
            abstract = "shop" not in settings.INSTALLED_APPS


    class Optional(models.Model):
        name = models.CharField(max_length=10)

        class Meta:
            abstract = "elsewhere" not in settings.INSTALLED_APPS
"""


def test_installed_apps_decide_abstract_and_proxy_as_in_django(tmp_path):
    schema = read(tmp_path, INSTALLED_APPS_MODELS, SETTINGS)
    real = django_tables(tmp_path / "project")
    assert messages(schema) == []
    assert sorted(t.name for t in schema.tables) == sorted(real) == ["shop_token"]
    assert columns(schema, "shop_token") == theirs(real, "shop_token")


def test_installed_apps_without_a_settings_module_are_sl002(tmp_path):
    schema = read(tmp_path, INSTALLED_APPS_MODELS)
    assert len(messages(schema)) == 4
    assert all("settings.INSTALLED_APPS" in m for m in messages(schema))


def _dedent(files: dict[str, str]) -> dict[str, str]:
    return {k: textwrap.dedent(v) for k, v in files.items()}


def _site(root: Path) -> Path:
    return root / "project"

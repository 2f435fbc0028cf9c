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

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from schemalint.postgres.types import normalize_type
from tests.read.test_django_reader import messages
from tests.read.test_django_real_code import _ORACLE, APP, django_tables, read

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


# django-oscar's shapes (oscar/core/loading.py, oscar/apps/*/abstract_models.py, models.py).
LOADING = """
    from django.apps import apps


    def is_model_registered(app_label, model_name):
        \"\"\"Whether a model of that label and name is registered (by a forked app).\"\"\"
        try:
            apps.get_registered_model(app_label, model_name)
        except LookupError:
            return False
        else:
            return True
"""

ABSTRACT = """
    from django.db import models


    class AbstractCategory(models.Model):
        name = models.CharField(max_length=30)

        class Meta:
            abstract = True
            app_label = "shop"


    class AbstractProduct(models.Model):
        title = models.CharField(max_length=40)
        category = models.ForeignKey("shop.Category", on_delete=models.CASCADE)
        options = models.ManyToManyField("shop.Option")

        class Meta:
            abstract = True
            app_label = "shop"


    class AbstractOption(models.Model):
        code = models.CharField(max_length=20, primary_key=True)

        class Meta:
            abstract = True
            app_label = "shop"


    class AbstractLine(models.Model):
        product = models.ForeignKey("shop.Product", on_delete=models.CASCADE)
        option = models.ForeignKey("shop.Option", on_delete=models.CASCADE)

        class Meta:
            abstract = True
            app_label = "shop"
"""

GUARDED = """
    from shop.abstract_models import *
    from shop.loading import is_model_registered

    if not is_model_registered("shop", "Category"):

        class Category(AbstractCategory):
            pass

    if not is_model_registered("shop", "Product"):

        class Product(AbstractProduct):
            pass

    if not is_model_registered("shop", "option"):

        class Option(AbstractOption):
            pass

    if not is_model_registered("shop", "Line"):

        class Line(AbstractLine):
            pass
"""

FORK = """
    from django.db import models

    from shop.abstract_models import AbstractProduct


    class Product(AbstractProduct):
        sku = models.CharField(max_length=12)


    from shop.vendor.models import *  # noqa: E402
"""


def _registry_files(models: dict[str, str]) -> dict[str, str]:
    return {f"{APP}/shop/loading.py": LOADING, f"{APP}/shop/abstract_models.py": ABSTRACT, **models}


def _agrees_with_django(tmp_path, schema, m2m: tuple[str, ...] = ()) -> None:
    """The model tables are Django's (its oracle lists no auto-created many-to-many table)."""
    real = django_tables(tmp_path / "project")
    assert sorted(t.name for t in schema.tables) == sorted([*real, *m2m])
    for name in real:
        assert columns(schema, name) == theirs(real, name), name


def test_models_under_an_unregistered_guard_are_created_as_in_django(tmp_path):
    schema = read(tmp_path, GUARDED, _registry_files({}))
    assert messages(schema) == []
    _agrees_with_django(tmp_path, schema, ("shop_product_options",))
    assert columns(schema, "shop_line") == {
        "id": "bigint",
        "product_id": "bigint",
        "option_id": "character varying(20)",
    }
    assert columns(schema, "shop_product_options") == {
        "id": "bigint",
        "product_id": "bigint",
        "option_id": "character varying(20)",
    }


def test_a_forked_model_registered_first_wins_over_the_guarded_one(tmp_path):
    # shop/models.py defines Product, then imports the vendor's guarded models: Django never
    # creates the vendor's Product, and every relation to shop.Product is the fork's.
    files = _registry_files({f"{APP}/shop/vendor/__init__.py": "", f"{APP}/shop/vendor/models.py": GUARDED})
    schema = read(tmp_path, FORK, files)
    assert messages(schema) == []
    _agrees_with_django(tmp_path, schema, ("shop_product_options",))
    assert "sku" in columns(schema, "shop_product")


def test_guards_the_registry_cannot_decide_stay_sl002(tmp_path):
    # Two guarded definitions of one model: which module Django imports first is not static.
    files = _registry_files({f"{APP}/shop/vendor/__init__.py": "", f"{APP}/shop/vendor/models.py": GUARDED})
    schema = read(tmp_path, GUARDED, files)
    undecided = [m for m in messages(schema) if "under if/try" in m]
    assert sorted(undecided) == sorted(
        f"model defined under if/try cannot be resolved statically: {name}"
        for name in 2 * ["Category", "Line", "Option", "Product"]
    )
    # A guard calling anything but a registry check is a runtime `if`, as before.
    other = GUARDED.replace(
        "from shop.loading import is_model_registered", "from shop.flags import is_model_registered"
    )
    flags = {f"{APP}/shop/flags.py": "def is_model_registered(app_label, model_name):\n    return False\n"}
    schema = read(tmp_path / "other", other, _registry_files(flags))
    assert len([m for m in messages(schema) if "under if/try" in m]) == 4


# swapper 1.5's functions, as its source writes them (swapper/__init__.py), installed in the
# project's virtualenv for the reader and importable by the oracle.
SWAPPER = """
from django.conf import settings

_prefixes = {}


def swappable_setting(app_label, model):
    prefix = _prefixes.get(app_label, app_label)
    setting = "{prefix}_{model}_MODEL".format(prefix=prefix.upper(), model=model.upper())
    if not hasattr(settings, setting):
        setattr(settings, setting, join(app_label, model))
    return setting


def is_swapped(app_label, model):
    default_model = join(app_label, model)
    setting = swappable_setting(app_label, model)
    value = getattr(settings, setting, default_model)
    if value != default_model:
        return value
    else:
        return False


def get_model_name(app_label, model):
    return is_swapped(app_label, model) or join(app_label, model)


def set_app_prefix(app_label, prefix):
    _prefixes[app_label] = prefix


def join(app_label, model):
    return "{app_label}.{model}".format(
        app_label=app_label,
        model=model,
    )
"""
SITE = ".venv/lib/python3.12/site-packages"

SWAPPED_MODELS = """
    import swapper
    from django.db import models

    swapper.set_app_prefix("shop", "cms")

    PAGE_MODEL = swapper.get_model_name("shop", "Page")


    class Page(models.Model):
        title = models.CharField(max_length=20)

        class Meta:
            swappable = swapper.swappable_setting("shop", "Page")


    class CustomPage(models.Model):
        slug = models.SlugField(max_length=30, primary_key=True)


    class Comment(models.Model):
        page = models.ForeignKey(swapper.get_model_name("shop", "Page"), on_delete=models.CASCADE)
        parent = models.ForeignKey(PAGE_MODEL, on_delete=models.CASCADE, related_name="+")
"""

# The oracle of test_django_real_code.py, configured with the project's settings module too.
_SETTINGS_ORACLE = _ORACLE.replace(
    'DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",',
    'DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",\n'
    '    **{k: v for k, v in vars(__import__("shop_settings")).items() if k.isupper() and k != "INSTALLED_APPS"},',
)


def _swapper_tables(root: Path) -> dict:
    site = root.parent / (root.name + "_site")
    (site / "swapper").mkdir(parents=True, exist_ok=True)
    (site / "swapper" / "__init__.py").write_text(SWAPPER)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / APP), str(site)]))
    done = subprocess.run(
        [sys.executable, "-c", _SETTINGS_ORACLE], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("setting", "page_table", "fk_type"),
    [
        pytest.param("", "shop_page", "bigint", id="not-swapped"),
        pytest.param('CMS_PAGE_MODEL = "shop.Page"\n', "shop_page", "bigint", id="set-to-itself"),
        pytest.param('CMS_PAGE_MODEL = "shop.CustomPage"\n', None, "character varying(30)", id="swapped"),
        # swapper's setting is named after the prefix: the unprefixed name changes nothing.
        pytest.param('SHOP_PAGE_MODEL = "shop.CustomPage"\n', "shop_page", "bigint", id="unprefixed-name"),
    ],
)
def test_swapper_names_the_model_the_project_chose(tmp_path, setting, page_table, fk_type):
    files = {
        **SETTINGS,
        f"{APP}/shop_settings.py": SETTINGS[f"{APP}/shop_settings.py"] + setting,
        ".venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.12.3\n",
        f"{SITE}/swapper/__init__.py": SWAPPER,
    }
    schema = read(tmp_path, SWAPPED_MODELS, files)
    assert messages(schema) == []
    real = _swapper_tables(tmp_path / "project")
    assert sorted(t.name for t in schema.tables) == sorted(real)
    for name in real:
        assert columns(schema, name) == theirs(real, name), name
    assert (page_table in real) if page_table else ("shop_page" not in real)
    assert columns(schema, "shop_comment") == {"id": "bigint", "page_id": fk_type, "parent_id": fk_type}


def test_swapper_setting_that_cannot_be_read_is_sl002(tmp_path):
    files = {
        **SETTINGS,
        f"{APP}/shop_settings.py": SETTINGS[f"{APP}/shop_settings.py"]
        + "import os\nCMS_PAGE_MODEL = os.environ['PAGE']\n",
        ".venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.12.3\n",
        f"{SITE}/swapper/__init__.py": SWAPPER,
    }
    schema = read(tmp_path, SWAPPED_MODELS, files)
    assert messages(schema)
    assert all("CMS_PAGE_MODEL" in m for m in messages(schema)), messages(schema)
    comment = schema.table("shop_comment")
    assert comment is not None and not comment.column("page_id").known("type")


# modelsearch's shape (modelsearch/abstract_models.py, used by wagtail.search): the abstract
# model a concrete one inherits is chosen by the database vendor at import time.
VENDOR_MODELS = """
    from django.db import connection, models


    class BaseEntry(models.Model):
        name = models.CharField(max_length=10)

        class Meta:
            abstract = True


    FTS_ENTRY = None

    if connection.vendor == "postgresql":

        class PostgresEntry(BaseEntry):
            body = models.TextField()

            class Meta:
                abstract = True

        Entry = PostgresEntry

    elif connection.vendor == "sqlite":

        class SQLiteEntry(BaseEntry):
            body = models.CharField(max_length=5)

            class Meta:
                abstract = True

        Entry = SQLiteEntry
        FTS_ENTRY = SQLiteEntry

    else:
        Entry = BaseEntry


    class IndexEntry(Entry):
        pass


    if FTS_ENTRY:

        class FTSEntry(FTS_ENTRY):
            pass

    if connection.features.supports_json_field:

        class Unknowable(models.Model):
            pass
"""


def test_if_chains_on_the_database_vendor_take_the_postgresql_branch(tmp_path):
    schema = read(tmp_path, VENDOR_MODELS)
    real = django_tables(tmp_path / "project")
    # Whether the server supports JSON fields is not static: that model alone stays unknown.
    assert messages(schema) == ["model defined under if/try cannot be resolved statically: Unknowable"]
    assert sorted(t.name for t in schema.tables) == sorted(real) == ["shop_indexentry", "shop_unknowable"]
    assert (
        columns(schema, "shop_indexentry")
        == theirs(real, "shop_indexentry")
        == {
            "id": "bigint",
            "name": "character varying(10)",
            "body": "text",
        }
    )
    assert not schema.table("shop_unknowable").known("exists")


# django-taggit's TaggableManager shape (taggit/managers.py): a RelatedField subclass that says
# it is many-to-many and goes through a model of its own.
TAGS_MODELS = """
    from django.db import models
    from django.db.models.fields.related import ManyToManyRel, RelatedField


    class TagsManager(RelatedField):
        many_to_many = True
        many_to_one = False
        one_to_many = False
        one_to_one = False

        def __init__(self, through=None, blank=False, to=None):
            self.through = through
            rel = ManyToManyRel(self, to, through=through)
            super().__init__(blank=blank, null=True, serialize=False, rel=rel)

        def get_internal_type(self):
            return "ManyToManyField"

        def contribute_to_class(self, cls, name):
            self.set_attributes_from_name(name)
            self.model = cls
            self.opts = cls._meta
            cls._meta.add_field(self)
            setattr(cls, name, self)


    class ClusterTagsManager(TagsManager):
        pass


    class Tag(models.Model):
        name = models.CharField(max_length=20)


    class TaggedItem(models.Model):
        tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
        object_id = models.IntegerField()


    class Article(models.Model):
        title = models.CharField(max_length=20)
        tags = TagsManager(through=TaggedItem, to=Tag)
        more_tags = ClusterTagsManager(through=TaggedItem, to=Tag, blank=True)
"""


def test_a_many_to_many_related_field_makes_no_column_as_in_django(tmp_path):
    schema = read(tmp_path, TAGS_MODELS)
    real = django_tables(tmp_path / "project")
    assert messages(schema) == []
    assert sorted(t.name for t in schema.tables) == sorted(real) == ["shop_article", "shop_tag", "shop_taggeditem"]
    for name in real:
        assert columns(schema, name) == theirs(real, name), name
    assert columns(schema, "shop_article") == {"id": "bigint", "title": "character varying(20)"}


# Wagtail's PageBase metaclass, as wagtail/models/pages.py (8.0) writes the part that shapes
# tables: a base page model without Meta gets one inheriting AbstractPageMeta.
WAGTAIL_STANDIN = {
    ".venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.12.3\n",
    f"{SITE}/wagtail/__init__.py": "",
    f"{SITE}/wagtail/models/__init__.py": "",
    f"{SITE}/wagtail/models/pages.py": """
from django.db import models


class AbstractPageMeta:
    verbose_name = "page"
    verbose_name_plural = "pages"
    unique_together = [("translation_key", "locale")]


class PageBase(models.base.ModelBase):
    def __new__(cls, name, bases, dct, **kwargs):
        meta = dct.get("Meta", None)
        is_abstract = meta is not None and getattr(meta, "abstract", False)
        is_base_page_model = not is_abstract and not any(
            isinstance(base, models.base.ModelBase) and (base._meta.all_parents or not base._meta.abstract)
            for base in bases
        )
        if is_base_page_model:
            if meta is None:
                meta = type("Meta", (AbstractPageMeta,), {})
                dct["Meta"] = meta
        dct["PERMISSION_CODENAMES"] = name.lower()
        return super().__new__(cls, name, bases, dct, **kwargs)


class AbstractPage(models.Model, metaclass=PageBase):
    translation_key = models.UUIDField()
    locale = models.CharField(max_length=10)

    class Meta:
        abstract = True
""",
}

PAGE_MODELS = """
    from django.db import models
    from wagtail.models.pages import AbstractPage, AbstractPageMeta


    class BasePage(AbstractPage):
        title = models.CharField(max_length=20)


    class BlogPage(BasePage):
        body = models.TextField()


    class OtherBasePage(AbstractPage):
        class Meta(AbstractPageMeta):
            unique_together = [("locale",)]
"""

_UNIQUE_ORACLE = """
import json
import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "shop"],
    DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "unused"}},
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
)
django.setup()
from django.apps import apps

print(json.dumps({
    m._meta.db_table: sorted(sorted(m._meta.get_field(f).column for f in u) for u in m._meta.unique_together)
    for m in apps.get_app_config("shop").get_models()
}))
"""


def test_wagtail_page_base_adds_no_field_and_its_meta_to_base_page_models(tmp_path):
    schema = read(tmp_path, PAGE_MODELS, WAGTAIL_STANDIN)
    assert messages(schema) == []
    root = tmp_path / "project"
    real = django_tables(root, {k[len(SITE) + 1 :]: v for k, v in WAGTAIL_STANDIN.items() if k.startswith(SITE)})
    assert sorted(t.name for t in schema.tables) == sorted(real)
    for name in real:
        assert columns(schema, name) == theirs(real, name), name
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / APP), str(root.parent / (root.name + "_site"))]))
    done = subprocess.run([sys.executable, "-c", _UNIQUE_ORACLE], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    uniques = {
        t.name: sorted(sorted(c.columns) for c in t.constraints if c.kind == "unique" and len(c.columns) >= 1)
        for t in schema.tables
    }
    assert (
        uniques
        == json.loads(done.stdout)
        == {
            "shop_basepage": [["locale", "translation_key"]],
            "shop_blogpage": [],
            "shop_otherbasepage": [["locale"]],
        }
    )

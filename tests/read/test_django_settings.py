"""Project-level resolution of the Django reader: the settings module found the way Django
finds it, settings values read statically wherever models use them, AppConfig precedence,
the Django version from the virtualenv, installed packages read from the virtualenv.

Each case is checked against real Django 5.2: `django_columns` runs `django.setup()` on the
same files in a subprocess and reports every column's `db_type()`, which is what `migrate`
creates; `test_settings_project_matches_postgres` migrates a whole project into a real
PostgreSQL and compares catalogs, like tests/differential/test_django_differential.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from schemalint.cache import Cache
from schemalint.config import Config
from schemalint.discover import discover
from schemalint.engine import read_schema
from schemalint.model import Schema
from tests.read.test_django_reader import read_project, table

SITE = ".venv/lib/python3.12/site-packages"
VENV = {".venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.12.3\n"}
APPS = ["django.contrib.contenttypes", "django.contrib.auth", "apps.accounts", "apps.shop"]


def manage(module: str, how: str = "setdefault") -> str:
    if how == "setdefault":
        return f'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "{module}")\n'
    return f'import os\n\nos.environ["DJANGO_SETTINGS_MODULE"] = "{module}"\n'


BASE = {
    "requirements.txt": "Django==5.2\n",
    "app_django/apps/__init__.py": "",
    "app_django/apps/accounts/__init__.py": "",
    "app_django/apps/accounts/models.py": """
        from django.contrib.auth.models import AbstractUser
        from django.db import models

        class User(AbstractUser):
            phone = models.CharField(max_length=20, blank=True)
    """,
    "app_django/apps/shop/__init__.py": "",
    "app_django/apps/shop/models.py": """
        from django.conf import settings
        from django.db import models

        class Stock(models.Model):
            owner = models.ForeignKey(getattr(settings, "AUTH_USER_MODEL", "auth.User"), on_delete=models.CASCADE)

        class Quote(models.Model):
            stock = models.ForeignKey(Stock, on_delete=models.CASCADE)
    """,
    "app_django/config/__init__.py": "",
}
SETTINGS = f"INSTALLED_APPS = {APPS!r}\nAUTH_USER_MODEL = 'accounts.User'\nSECRET_KEY = 'x'\n"


def apps_py(default_auto_field: str) -> str:
    return (
        "from django.apps import AppConfig\nfrom django.conf import settings\n\n"
        f"class ShopConfig(AppConfig):\n    name = 'apps.shop'\n    default_auto_field = {default_auto_field}\n"
    )


_ORACLE = """
import json
import django
from django.apps import apps
django.setup()
from django.db import connection
print(json.dumps({m._meta.db_table: {f.column: f.db_type(connection) for f in m._meta.local_fields}
                  for m in apps.get_models() if m._meta.app_label not in ("auth", "contenttypes")}))
"""


def django_columns(root: Path, settings_module: str | None, workdir: Path, python_path: tuple[str, ...] = ()) -> dict:
    """{table: {column: db_type}} as real Django computes it from the same files."""
    workdir.mkdir(parents=True, exist_ok=True)
    star = f"from {settings_module} import *  # noqa\n" if settings_module else ""
    (workdir / "oracle_settings.py").write_text(
        star + f"INSTALLED_APPS = {APPS!r}\nSECRET_KEY = 'x'\n"
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'unused'}}\n"
    )
    paths = [str(workdir), str(root / "app_django"), *(str(root / p) for p in python_path)]
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="oracle_settings",
        PYTHONPATH=os.pathsep.join(paths),
        PYTHONDONTWRITEBYTECODE="1",
    )
    done = subprocess.run(
        [sys.executable, "-c", _ORACLE], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    # Django writes `numeric(12, 2)`; format_type() and schemalint write `numeric(12,2)`.
    return {
        t: {c: (db_type or "").replace(", ", ",") for c, db_type in columns.items()}
        for t, columns in json.loads(done.stdout).items()
    }


def our_columns(schema: Schema) -> dict:
    spelled = {"character varying": "varchar", "timestamp with time zone": "timestamp with time zone"}
    result = {}
    for t in schema.tables:
        if (
            not t.name.startswith(("auth_", "django_"))
            and "_" in t.name
            and not t.name.endswith(("_groups", "_user_permissions"))
        ):
            result[t.name] = {c.name: _spell(c.type, spelled) for c in t.columns}
    return result


def _spell(pg_type: str, spelled: dict) -> str:
    for long, short in spelled.items():
        pg_type = pg_type.replace(long, short)
    return pg_type


# --------------------------------------------------------------------------- the settings module


@pytest.mark.parametrize(
    ("files", "settings_module", "pk"),
    [
        pytest.param(
            {
                "app_django/manage.py": manage("config.settings"),
                "app_django/config/settings.py": SETTINGS + "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n",
            },
            "config.settings",
            "bigint",
            id="manage.py",
        ),
        pytest.param(
            {
                "app_django/config/wsgi.py": manage("config.settings"),
                "app_django/config/settings.py": SETTINGS + "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n",
            },
            "config.settings",
            "bigint",
            id="wsgi.py",
        ),
        pytest.param(
            {
                "app_django/config/asgi.py": manage("config.settings", "assign"),
                "app_django/config/settings.py": SETTINGS + "DEFAULT_AUTO_FIELD = 'django.db.models.SmallAutoField'\n",
            },
            "config.settings",
            "smallint",
            id="asgi.py-assigned",
        ),
        pytest.param(
            {
                "app_django/manage.py": manage("config.settings.production"),
                "app_django/config/settings/__init__.py": "",
                "app_django/config/settings/base.py": SETTINGS + "DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'\n",
                "app_django/config/settings/production.py": "from .base import *  # noqa\nDEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n",
            },
            "config.settings.production",
            "bigint",
            id="star-import-then-override",
        ),
        pytest.param(
            {
                "app_django/manage.py": manage("config.settings"),
                "app_django/config/settings/__init__.py": "from .base import *  # noqa\ntry:\n"
                "    from .local import *  # noqa\nexcept ImportError:\n    pass\n",
                "app_django/config/settings/base.py": SETTINGS
                + "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n",
                "app_django/config/settings/local.py": "DEFAULT_AUTO_FIELD = 'django.db.models.SmallAutoField'\n",
            },
            "config.settings",
            "smallint",
            id="try-import-local",
        ),
        pytest.param(
            {
                "docs/sample/manage.py": manage("settings"),
                "docs/sample/settings.py": "DEFAULT_AUTO_FIELD = 'django.db.models.SmallAutoField'\n",
                "app_django/config/settings.py": SETTINGS + "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n",
            },
            None,
            "integer",
            id="a-stray-sample-decides-nothing",
        ),
        pytest.param(
            {
                "app_django/manage.py": manage("config.settings"),
                "app_django/config/settings.py": SETTINGS + "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n",
                "app_django/apps/shop/apps.py": apps_py("'django.db.models.SmallAutoField'"),
            },
            "config.settings",
            "smallint",
            id="appconfig-wins-over-setting",
        ),
        pytest.param(
            {
                "app_django/manage.py": manage("config.settings"),
                "app_django/config/settings.py": SETTINGS + "SHOP_AUTO = 'django.db.models.BigAutoField'\n",
                "app_django/apps/shop/apps.py": apps_py(
                    "getattr(settings, 'SHOP_AUTO', None) or 'django.db.models.SmallAutoField'"
                ),
            },
            "config.settings",
            "bigint",
            id="appconfig-getter-set",
        ),
        pytest.param(
            {
                "app_django/manage.py": manage("config.settings"),
                "app_django/config/settings.py": SETTINGS,
                "app_django/apps/shop/apps.py": apps_py(
                    "getattr(settings, 'SHOP_AUTO', None) or 'django.db.models.SmallAutoField'"
                ),
            },
            "config.settings",
            "smallint",
            id="appconfig-getter-default",
        ),
    ],
)
def test_settings_module_and_auto_field_as_django_sees_them(tmp_path, files, settings_module, pk):
    schema = read_project(tmp_path, {**BASE, **files})
    ours = our_columns(schema)
    assert ours["shop_stock"]["id"] == pk and ours["shop_quote"]["stock_id"] == pk
    if settings_module is None:  # Django run with no project settings: the stray sample is no part of it
        ours = {k: v for k, v in ours.items() if k.startswith("shop_")}
        files = {k: v for k, v in files.items() if "config/settings" not in k}
        write_nothing = None  # noqa: F841 - the oracle gets INSTALLED_APPS only
    oracle = django_columns(tmp_path, settings_module, tmp_path / "oracle")
    if settings_module is None:
        oracle = {k: v for k, v in oracle.items() if k.startswith("shop_")}
        oracle["shop_stock"]["owner_id"] = ours["shop_stock"]["owner_id"]  # the oracle has no custom user
    assert ours == oracle
    assert not [d.message for d in schema.diagnostics]


def test_config_key_names_the_settings_module(tmp_path):
    files = {
        **BASE,
        "app_django/manage.py": manage("config.settings"),
        "app_django/config/settings.py": SETTINGS + "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n",
        "app_django/config/production.py": SETTINGS + "DEFAULT_AUTO_FIELD = 'django.db.models.SmallAutoField'\n",
    }
    assert table(read_project(tmp_path, files), "shop_stock").column("id").type == "bigint"
    schema = read_project(tmp_path, files, django_settings="config.production")
    assert table(schema, "shop_stock").column("id").type == "smallint"


def test_appconfig_wins_over_the_config_key(tmp_path):
    files = {**BASE, "app_django/apps/shop/apps.py": apps_py("'django.db.models.SmallAutoField'")}
    schema = read_project(tmp_path, files, default_auto_field="django.db.models.BigAutoField")
    assert table(schema, "shop_stock").column("id").type == "smallint"
    assert table(schema, "accounts_user").column("id").type == "bigint"  # no AppConfig: the key


@pytest.mark.parametrize(
    ("settings", "expected", "line"),
    [
        (
            "import os\nDEFAULT_AUTO_FIELD = os.environ['AUTO']\n",
            "DEFAULT_AUTO_FIELD cannot be resolved statically: os.environ",
            2,
        ),
        (
            "DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'\nif DEBUG:\n    DEFAULT_AUTO_FIELD = 'x'\n",
            "DEFAULT_AUTO_FIELD cannot be resolved statically: DEFAULT_AUTO_FIELD (assigned under `if`)",
            3,
        ),
    ],
)
def test_a_setting_that_cannot_be_read_is_one_sl002_at_the_setting(tmp_path, settings, expected, line):
    files = {**BASE, "app_django/manage.py": manage("config.settings"), "app_django/config/settings.py": settings}
    schema = read_project(tmp_path, files)
    found = [d for d in schema.diagnostics if "DEFAULT_AUTO_FIELD" in d.message]
    assert [(d.kind, d.message) for d in found] == [("unresolved", expected)]
    assert found[0].location.path == "app_django/config/settings.py" and found[0].location.line == line


def test_an_appconfig_getter_that_cannot_be_read_is_sl002(tmp_path):
    files = {**BASE, "app_django/apps/shop/apps.py": apps_py("compute_auto_field()")}
    schema = read_project(tmp_path, files)
    assert [d.message for d in schema.diagnostics if "default_auto_field" in d.message] == [
        "AppConfig.default_auto_field cannot be resolved statically: compute_auto_field()"
    ]


# --------------------------------------------------------------------------- settings values in fields

CONF = """
from django.conf import settings

DEFAULTS = {"PAGE_SIZE": 20, "CODE_LENGTH": 16}


class APISettings:
    def __init__(self, user_settings=None, defaults=None):
        self._user_settings = user_settings
        self.defaults = defaults or DEFAULTS

    @property
    def user_settings(self):
        if self._user_settings is None:
            self._user_settings = getattr(settings, "SHOP_API", {})
        return self._user_settings

    def __getattr__(self, attr):
        try:
            return self.user_settings[attr]
        except KeyError:
            return self.defaults[attr]


api_settings = APISettings(None, DEFAULTS)


class AppSettings:
    def __init__(self, prefix):
        self.prefix = prefix

    def _setting(self, name, dflt):
        from django.conf import settings

        return getattr(settings, self.prefix + name, dflt)

    @property
    def LITERAL(self):
        return 64

    @property
    def NICK_LENGTH(self):
        return self._setting("NICK_LENGTH", 150)

    @property
    def TAG_LENGTH(self):
        return self._setting("TAG_LENGTH", 10)

    def title_length(self):
        return self._setting("TITLE_LENGTH", 30)


app_settings = AppSettings("SHOP_")


def code_length():
    return getattr(settings, "SHOP_CODE_LENGTH", 8)
"""

FIELD_MODELS = """
from django.conf import settings
from django.db import models

from thirdparty_app.models import ColorField, TimeStamped

from .conf import api_settings, app_settings, code_length

NAME_LENGTH = getattr(settings, "SHOP_NAME_LENGTH", 80)


def label_length():
    return getattr(settings, "SHOP_LABEL_LENGTH", 24)


class Product(TimeStamped):
    code = models.CharField(max_length=getattr(settings, "SHOP_CODE_LENGTH", 8))
    name = models.CharField(max_length=NAME_LENGTH)
    page = models.CharField(max_length=api_settings.PAGE_SIZE)
    plain = models.CharField(max_length=api_settings.CODE_LENGTH)
    literal = models.CharField(max_length=app_settings.LITERAL)
    nick = models.CharField(max_length=app_settings.NICK_LENGTH)
    tag = models.CharField(max_length=app_settings.TAG_LENGTH)
    title = models.CharField(max_length=app_settings.title_length())
    fn = models.CharField(max_length=code_length())
    label = models.CharField(max_length=label_length())
    price = models.DecimalField(max_digits=getattr(settings, "SHOP_DIGITS", 12), decimal_places=2)
    color = ColorField()
    owner = models.ForeignKey(getattr(settings, "AUTH_USER_MODEL", "auth.User"), on_delete=models.CASCADE)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
"""

THIRDPARTY = """
from django.db import models


class ColorField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)


class TimeStamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    stamp = models.CharField(max_length=7)

    class Meta:
        abstract = True
"""

PROJECT = {
    **BASE,
    **VENV,
    f"{SITE}/thirdparty_app/__init__.py": "",
    f"{SITE}/thirdparty_app/models.py": THIRDPARTY,
    "app_django/manage.py": manage("config.settings"),
    "app_django/apps/shop/conf.py": CONF,
    "app_django/apps/shop/models.py": FIELD_MODELS,
    "app_django/config/settings/__init__.py": "",
    "app_django/config/settings/base.py": SETTINGS + "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n",
    "docs/sample/settings.py": "SHOP_CODE_LENGTH = 99\nDEFAULT_AUTO_FIELD = 'django.db.models.SmallAutoField'\n",
}
SET = (
    "from .base import *  # noqa\nSHOP_CODE_LENGTH = 12\nSHOP_API = {'PAGE_SIZE': 40}\nSHOP_TAG_LENGTH = 11\n"
    "SHOP_TITLE_LENGTH = 33\nSHOP_LABEL_LENGTH = 25\nSHOP_DIGITS = 9\n"
)


@pytest.mark.parametrize(
    "production",
    [
        pytest.param("from .base import *  # noqa\n", id="defaults-in-code"),
        pytest.param(SET, id="values-from-settings"),
    ],
)
def test_settings_values_in_fields_as_django_evaluates_them(tmp_path, production):
    files = {
        **PROJECT,
        "app_django/manage.py": manage("config.settings.production"),
        "app_django/config/settings/production.py": production,
    }
    schema = read_project(tmp_path, files)
    assert not [d.message for d in schema.diagnostics]
    ours = our_columns(schema)
    assert ours == django_columns(tmp_path, "config.settings.production", tmp_path / "oracle", (SITE,))
    product = ours["shop_product"]
    if production == SET:  # the values come from the settings, not from the code's defaults
        assert (product["code"], product["page"], product["tag"], product["price"]) == (
            "varchar(12)",
            "varchar(40)",
            "varchar(11)",
            "numeric(9,2)",
        )
    assert (product["stamp"], product["color"], product["owner_id"]) == ("varchar(7)", "varchar(18)", "bigint")


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (
            "models.CharField(max_length=settings.SHOP_MISSING)",
            "max_length cannot be resolved statically: settings.SHOP_MISSING",
        ),
        ("models.CharField(max_length=getattr(settings, 'SHOP_MISSING'))", "getattr(settings, 'SHOP_MISSING')"),
        ("models.CharField(max_length=getattr(settings, 'SHOP_FROM_ENV', 5))", "getattr(settings, 'SHOP_FROM_ENV', 5)"),
        ("models.CharField(max_length=api_settings.NOT_A_DEFAULT)", "api_settings.NOT_A_DEFAULT"),
    ],
)
def test_settings_values_that_cannot_be_known_are_one_sl002(tmp_path, field, expected):
    files = {
        **BASE,
        "app_django/manage.py": manage("config.settings"),
        "app_django/config/settings.py": SETTINGS + "import os\nSHOP_FROM_ENV = int(os.environ['N'])\n",
        "app_django/apps/shop/conf.py": CONF,
        "app_django/apps/shop/models.py": f"""
                from django.conf import settings
                from django.db import models
                from .conf import api_settings

                class Product(models.Model):
                    value = {field}
             """,
    }
    schema = read_project(tmp_path, files)
    found = [d for d in schema.diagnostics if d.column == "value" or "value" in d.message or expected in d.message]
    assert any(d.kind == "unresolved" and expected in d.message for d in found), [d.message for d in schema.diagnostics]


# --------------------------------------------------------------------------- version, django.*, cache


@pytest.mark.parametrize(
    ("files", "version", "pk"),
    [
        ({f"{SITE}/django/__init__.py": "VERSION = (6, 0, 1, 'final', 0)\n"}, "6.0.1", "bigint"),
        ({f"{SITE}/Django-5.1.4.dist-info/METADATA": "Name: Django\n"}, "5.1.4", "integer"),
        (
            {f"{SITE}/django/__init__.py": "VERSION = (5, 2, 3, 'final', 0)\n", "requirements.txt": "Django>=6\n"},
            "5.2.3",
            "integer",
        ),
    ],
)
def test_django_version_of_the_virtualenv(tmp_path, monkeypatch, files, version, pk):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    schema = read_project(tmp_path, {**BASE, **VENV, "requirements.txt": "", **files})
    assert dict(schema.properties)["django_version"] == version
    assert table(schema, "shop_stock").column("id").type == pk


def test_a_django_folder_in_the_root_does_not_shadow_django(tmp_path):
    """A root that holds a vendored `django/` (or is a site-packages folder): `django.*`
    imports still mean Django, whose AbstractUser brings `password`, `username`, ..."""
    schema = read_project(
        tmp_path,
        {
            **BASE,
            "app_django/django/__init__.py": "",
            "app_django/django/contrib/auth/models.py": (
                "from django.db import models\n\nclass AbstractUser(models.Model):\n    nick = models.CharField(max_length=5)\n\n"
                "    class Meta:\n        abstract = True\n"
            ),
            "app_django/django/db/models/__init__.py": "class CharField:\n    pass\n",
        },
    )
    user = table(schema, "accounts_user")
    assert {"password", "username", "phone"} <= {c.name for c in user.columns}
    assert "nick" not in {c.name for c in user.columns}


def test_a_changed_installed_package_relinks(tmp_path, monkeypatch):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    files = {
        **PROJECT,
        "app_django/config/settings/production.py": "from .base import *  # noqa\n",
        "app_django/manage.py": manage("config.settings.production"),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text))
    config = Config(root=tmp_path.resolve())
    paths = discover(config, ("django",)).files["django"]

    def stamp_type() -> str:
        return (
            read_schema("django", paths, config, Cache(tmp_path / ".schemalint_cache"))
            .table("shop_product")
            .column("stamp")
            .type
        )

    assert stamp_type() == "character varying(7)"
    installed = tmp_path / SITE / "thirdparty_app/models.py"
    installed.write_text(installed.read_text().replace("max_length=7", "max_length=9"))
    assert stamp_type() == "character varying(9)"


# --------------------------------------------------------------------------- real PostgreSQL


@pytest.mark.postgres
def test_settings_project_matches_postgres(pg, tmp_path):
    """The whole settings project, migrated by real Django into PostgreSQL."""
    from schemalint.report.dump import schema_to_dict
    from tests.support.catalog import compare_catalogs, read_catalog

    files = {
        **PROJECT,
        "app_django/manage.py": manage("config.settings.production"),
        "app_django/config/settings/production.py": SET,
    }
    schema = read_project(tmp_path / "project", files)
    dsn = pg.create_database("django_settings_project")
    params = dict(part.split("=", 1) for part in dsn.split())
    work = tmp_path / "work"
    (work / "settings_migrations/shop").mkdir(parents=True)
    (work / "settings_migrations/accounts").mkdir(parents=True)
    for folder in ("settings_migrations", "settings_migrations/shop", "settings_migrations/accounts"):
        (work / folder / "__init__.py").write_text("")
    (work / "migrate_settings.py").write_text(
        "from config.settings.production import *  # noqa\n"
        f"DATABASES = {{'default': {{'ENGINE': 'django.db.backends.postgresql', 'NAME': {params['dbname']!r}, "
        f"'USER': {params['user']!r}, 'HOST': {params['host']!r}, 'PORT': {params['port']!r}}}}}\n"
        "MIGRATION_MODULES = {'shop': 'settings_migrations.shop', 'accounts': 'settings_migrations.accounts'}\n"
    )
    runner = (
        "import django\nfrom django.core.management import call_command\ndjango.setup()\n"
        "call_command('makemigrations', 'accounts', 'shop', verbosity=0)\ncall_command('migrate', verbosity=0)\n"
    )
    root = tmp_path / "project"
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="migrate_settings",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONPATH=os.pathsep.join([str(work), str(root / "app_django"), str(root / SITE)]),
    )
    done = subprocess.run(
        [sys.executable, "-c", runner], env=env, cwd=work, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    catalog = read_catalog(dsn)
    migrated = dict(catalog, tables=[t for t in catalog["tables"] if not t["name"].startswith(("auth_", "django_"))])
    dumped = schema_to_dict(schema)
    dumped = dict(dumped, tables=[t for t in dumped["tables"] if not t["name"].startswith(("auth_", "django_"))])
    agreement = compare_catalogs(dumped, migrated, comments=True, labels=("schemalint", "postgres"))
    print(f"\nsettings project: {agreement.agreeing}/{agreement.compared} facts agree")
    assert not agreement.differences, str(agreement)
    assert agreement.compared > 100

"""The Django reader on model code as real projects write it, each case checked against what
real Django 5.2 builds from the same files (its model state: `_meta.local_fields` and
`db_type()` for PostgreSQL, `can_migrate()`), run in a subprocess so this process never
imports Django.

Where the reader cannot know a part statically, it must keep the fact, name the part in
`unknown` and say why with exactly one SL002; everything it does state must be what Django
does. (The corpus in tests/differential proves the resolvable constructs by a real migrate.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from schemalint.model import Schema, Table
from schemalint.postgres.types import normalize_type
from tests.read.test_django_reader import MODELS, messages, read_project, table

APP = "app_django/apps"
"""The models live in app_django/apps/shop: Django imports them as the app `shop`."""

_ORACLE = """
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
from django.db import connection

tables = {}
for model in apps.get_app_config("shop").get_models():
    meta = model._meta
    if meta.proxy or not meta.managed or not meta.can_migrate(connection):
        continue
    columns = {}
    for field in meta.local_fields:
        db_type = field.db_type(connection)
        if db_type is not None:
            columns[field.column] = {"type": db_type, "null": field.null, "pk": field.primary_key}
    tables[meta.db_table] = columns
print(json.dumps(tables))
"""


def django_tables(root: Path, outside: dict[str, str] | None = None) -> dict[str, dict[str, dict]]:
    """What real Django makes of the project's `shop` app: table -> column -> facts.
    `outside`: modules importable by Django but not part of the project (a third-party
    package the reader cannot see)."""
    site = root.parent / (root.name + "_site")
    for name, text in (outside or {}).items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / APP), str(site)]))
    done = subprocess.run(
        [sys.executable, "-c", _ORACLE], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def read(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> Schema:
    root = tmp_path / "project"
    return read_project(root, {MODELS: text, f"{APP}/shop/__init__.py": "", **(files or {})})


def agrees_where_known(ours: Table, theirs: dict[str, dict]) -> None:
    """Every column the reader lists is Django's, with Django's type (where the type is known)
    and nullability; a column may be missing only when the table says its columns are unknown."""
    for column in ours.columns:
        assert column.name in theirs, (ours.name, column.name, sorted(theirs))
        if column.known("type"):
            assert column.type == normalize_type(theirs[column.name]["type"]), column
        if column.known("nullable"):
            assert column.nullable == theirs[column.name]["null"] or theirs[column.name]["pk"], column
    missing = set(theirs) - {c.name for c in ours.columns}
    assert not missing or not ours.known("columns"), (ours.name, missing)


THIRD_PARTY = {
    "thirdparty.py": """
        from django.db import models

        class MoneyField(models.DecimalField):
            def __init__(self, *args, **kwargs):
                kwargs.setdefault("max_digits", 12)
                kwargs.setdefault("decimal_places", 2)
                super().__init__(*args, **kwargs)

        class TreeForeignKey(models.ForeignKey):
            pass

        class SortedManyToManyField(models.ManyToManyField):
            pass
    """,
}

# (models.py body after `from django.db import models`, the table, what of its columns or of
# the table is unknown, the SL002 message (one, or none))
UNKNOWN_CASES = [
    pytest.param(
        """
        import os

        def symbol_length():
            return int(os.environ.get("SYMBOL_LENGTH", "12"))

        class Stock(models.Model):
            symbol = models.CharField(max_length=symbol_length())
        """,
        "shop_stock",
        {"symbol": ("type",)},
        (),
        "max_length cannot be resolved statically: symbol_length(): os.environ",
        id="max_length-from-a-function",
    ),
    pytest.param(
        """
        from thirdparty import MoneyField, TreeForeignKey, SortedManyToManyField

        class Stock(models.Model):
            price = MoneyField(null=True)
            parent = TreeForeignKey("self", on_delete=models.CASCADE, db_column="up")
        """,
        # (whether the key's indexes include a `_like` one depends on its type)
        "shop_stock",
        {"price": ("type",), "up": ("type", "references")},
        ("indexes",),
        None,
        id="third-party-field-classes",
    ),
    pytest.param(
        """
        from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
        from django.contrib.contenttypes.models import ContentType

        class Tag(models.Model):
            content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
            object_id = models.PositiveIntegerField()
            target = GenericForeignKey("content_type", "object_id")

        class Stock(models.Model):
            tags = GenericRelation(Tag)
            first_tag = models.ForeignObject(Tag, on_delete=models.CASCADE, from_fields=["id"], to_fields=["id"])
        """,
        "shop_stock",
        {},
        (),
        "",
        id="virtual-fields-make-no-column-and-no-warning",
    ),
    pytest.param(
        """
        def with_code(length):
            class Coded(models.Model):
                code = models.CharField(max_length=length)

                class Meta:
                    abstract = True
            return Coded

        class Stock(with_code(8), models.Model):
            name = models.CharField(max_length=20)
        """,
        "shop_stock",
        {},
        ("columns",),
        "model base class cannot be resolved statically: with_code(8)",
        id="a-base-that-is-a-call",
    ),
    pytest.param(
        """
        import os

        def stock_indexes():
            return [models.Index(fields=["name"], name=os.environ.get("NAME_INDEX", "stock_name_idx"))]

        class Stock(models.Model):
            name = models.CharField(max_length=20)

            class Meta:
                indexes = stock_indexes()
        """,
        "shop_stock",
        {},
        ("indexes",),
        "Meta.indexes cannot be resolved statically: stock_indexes()",
        id="meta-indexes-from-a-function",
    ),
    pytest.param(
        """
        class Stock(models.Model):
            name = models.CharField(max_length=20)

            class Meta:
                constraints = [models.CheckConstraint(condition=models.Q(name__startswith="A"), name="stock_name_a")]
        """,
        "shop_stock",
        {},
        ("constraints",),
        "constraint cannot be resolved statically: name__startswith='A'",
        id="a-check-it-cannot-print",
    ),
    pytest.param(
        """
        import os

        class Stock(models.Model):
            code = models.CharField(max_length=8, unique=os.environ.get("UNIQUE_CODES") == "1")
        """,
        # (whether Django adds a `_like` index depends on whether the column is unique)
        "shop_stock",
        {"code": ("unique",)},
        ("indexes",),
        'unique cannot be resolved statically: os.environ.get("UNIQUE_CODES") == "1"',
        id="unique-from-the-environment",
    ),
    pytest.param(
        """
        import os

        WITH_NOTES = os.environ.get("NOTES") != "off"

        class Stock(models.Model):
            name = models.CharField(max_length=20)
            if WITH_NOTES:
                notes = models.TextField()
        """,
        "shop_stock",
        {},
        ("columns",),
        "fields under a runtime if/try/for cannot be resolved statically: notes",
        id="field-under-a-runtime-if",
    ),
    pytest.param(
        """
        import os

        class Stock(models.Model):
            name = models.CharField(max_length=20)

            class Meta:
                if os.environ.get("LEGACY"):
                    db_table = "legacy_stock"
        """,
        "shop_stock",
        {},
        ("name",),
        "Meta options under a runtime if/try/for cannot be resolved statically: db_table",
        id="meta-under-a-runtime-if",
    ),
    pytest.param(
        """
        from django.db.models.base import ModelBase

        class Audited(ModelBase):
            def __new__(cls, name, bases, attrs, **kwargs):
                attrs.setdefault("audited_at", models.DateTimeField(null=True))
                return super().__new__(cls, name, bases, attrs, **kwargs)

        class Stock(models.Model, metaclass=Audited):
            name = models.CharField(max_length=20)
        """,
        "shop_stock",
        {},
        ("columns",),
        "metaclass (it may add fields) cannot be resolved statically: Audited",
        id="a-metaclass-that-adds-fields",
    ),
    pytest.param(
        """
        import os

        if os.environ.get("REPORTS", "on") == "on":
            class Stock(models.Model):
                name = models.CharField(max_length=20)
        """,
        "shop_stock",
        {},
        ("exists",),
        "model defined under if/try cannot be resolved statically: Stock",
        id="a-model-under-a-module-level-if",
    ),
    pytest.param(
        """
        class Vector(models.Field):
            def db_type(self, connection):
                if connection.vendor == "postgresql":
                    return "double precision[]"
                return "text"

        class Stock(models.Model):
            embedding = Vector()
        """,
        "shop_stock",
        {"embedding": ("type",)},
        (),
        "field type cannot be resolved statically: db_type() with several returns",
        id="db_type-with-several-returns",
    ),
]


@pytest.mark.parametrize(("body", "name", "columns", "table_parts", "message"), UNKNOWN_CASES)
def test_unknown_is_kept_marked_and_explained_once(tmp_path, body, name, columns, table_parts, message):
    text = "from django.db import models\n" + textwrap.dedent(body)
    schema = read(tmp_path, text)
    ours = table(schema, name)
    assert ours.unknown == table_parts
    for column, parts in columns.items():
        assert ours.column(column) is not None and ours.column(column).unknown == parts, ours.column(column)
    assert all(c.unknown == () for c in ours.columns if c.name not in columns)
    if message is None:  # one SL002 per unknown field class
        assert len(messages(schema)) == len(columns), messages(schema)
    elif message == "":
        assert messages(schema) == []
    else:
        assert messages(schema) == [message]
    theirs = django_tables(tmp_path / "project", THIRD_PARTY)
    agrees_where_known(ours, theirs[name])


def test_an_unknown_many_to_many_class_makes_the_schema_incomplete(tmp_path):
    schema = read(
        tmp_path,
        """
        from django.db import models
        from thirdparty import SortedManyToManyField

        class Tag(models.Model):
            pass

        class Stock(models.Model):
            tags = SortedManyToManyField(Tag)
    """,
    )
    assert not schema.complete  # its table cannot be known ...
    assert messages(schema) == ["field type cannot be resolved statically: thirdparty.SortedManyToManyField"]
    assert {t.name for t in schema.tables} <= set(django_tables(tmp_path / "project", THIRD_PARTY))


# ----------------------------------------------------------------------------- resolved


CUSTOM_FIELDS = """
from django.conf import settings
from django.db import models


class Sku(models.CharField):
    def __init__(self, *args, **kwargs):
        defaults = {"max_length": 24}
        defaults.update(kwargs)
        super().__init__(*args, **defaults)


class Tag(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs = {"max_length": 40, **kwargs}
        super().__init__(*args, **kwargs)


class Slug(models.CharField):
    def __init__(self, *args, **kwargs):
        options = {"max_length": 30}
        options.update(kwargs)
        options["null"] = True
        super().__init__(*args, **options)


class Fixed(models.Field):
    def __init__(self, precision, scale=2, **kwargs):
        self.precision, self.scale = precision, scale
        self.digits = precision
        super().__init__(**kwargs)

    def db_type(self, connection):
        return "numeric(%s, %s)" % (self.digits, self.scale)


class Sized(models.Field):
    def __init__(self, *args, size=8, **kwargs):
        self.size = size
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return f"varchar({self.size})"


class Counter(models.Field):
    def get_internal_type(self):
        return "SmallIntegerField"


class Derived(models.Field):
    def db_type(self, connection):
        return None


class CodeKey(models.ForeignKey):
    attr = "CODE_FIELD"

    def __init__(self, *args, **kwargs):
        kwargs["to_field"] = getattr(settings, self.attr, "code")
        super().__init__(*args, **kwargs)
"""


def test_custom_field_classes_as_django_builds_them(tmp_path):
    schema = read(
        tmp_path,
        """
        from django.db import models
        from .fields import CodeKey, Counter, Derived, Fixed, Sized, Sku, Slug, Tag

        class Currency(models.Model):
            code = models.CharField(max_length=3, unique=True)

        class Stock(models.Model):
            sku = Sku()
            short = Sku(max_length=6)
            tag = Tag()
            slug = Slug(null=False)
            price = Fixed(10)
            rate = Fixed(8, scale=4)
            label = Sized(size=12)
            plain = Sized()
            hits = Counter()
            total = Derived()
            currency = CodeKey(Currency, on_delete=models.CASCADE)
    """,
        {f"{APP}/shop/fields.py": CUSTOM_FIELDS},
    )
    ours = table(schema, "shop_stock")
    assert messages(schema) == []
    theirs = django_tables(tmp_path / "project")["shop_stock"]
    assert {c.name: (c.type, c.nullable) for c in ours.columns} == {
        name: (normalize_type(c["type"]), c["null"]) for name, c in theirs.items()
    }
    assert ours.foreign_keys[0].ref_columns == ("code",)


def test_custom_field_class_reads_its_defaults_in_its_own_module(tmp_path):
    # `max_length=LENGTH`: LENGTH is a constant of the field's module, not of models.py.
    schema = read(
        tmp_path,
        """
        from django.db import models
        from .fields import Code

        class Stock(models.Model):
            code = Code()
    """,
        {
            f"{APP}/shop/fields.py": """
        from django.db import models

        LENGTH = 7

        class Code(models.CharField):
            def __init__(self, *args, **kwargs):
                kwargs.setdefault("max_length", LENGTH)
                super().__init__(*args, **kwargs)
    """
        },
    )
    assert table(schema, "shop_stock").column("code").type == "character varying(7)"
    assert django_tables(tmp_path / "project")["shop_stock"]["code"]["type"] == "varchar(7)"


INHERITANCE = """
from django.db import models
from six_compat import with_metaclass
from django.db.models.base import ModelBase


class Place(models.Model):
    name = models.CharField(max_length=20)


class Rated(Place):
    rating = models.IntegerField()

    class Meta:
        abstract = True


class Restaurant(Rated):
    seats = models.IntegerField()


class Branch(Place):
    code = models.CharField(max_length=8, primary_key=True)


class Owner(models.Model):
    owner_id = models.BigAutoField(primary_key=True)


class Franchise(Place, Owner):
    owner = models.OneToOneField(Owner, on_delete=models.CASCADE, parent_link=True)


class Named(models.Model):
    title = models.CharField(max_length=10)
    summary = models.TextField()

    class Meta:
        abstract = True


class Page(Named):
    def title(self):
        return "x"

    @property
    def summary(self):
        return ""


class Old(with_metaclass(ModelBase, Named, models.Model)):
    pass
"""

SIX = """
def with_metaclass(meta, *bases):
    class metaclass(type):
        def __new__(cls, name, this_bases, d):
            return meta(name, bases, d)

        @classmethod
        def __prepare__(cls, name, this_bases):
            return meta.__prepare__(name, bases)

    return type.__new__(metaclass, "temporary_class", (), {})
"""


def test_inheritance_as_modelbase_does_it(tmp_path):
    schema = read(tmp_path, INHERITANCE, {f"{APP}/six_compat.py": SIX})
    theirs = django_tables(tmp_path / "project")
    assert messages(schema) == []
    ours = {t.name: {c.name: (c.type, c.nullable) for c in t.columns} for t in schema.tables}
    assert ours == {
        name: {c: (normalize_type(f["type"]), f["null"]) for c, f in columns.items()}
        for name, columns in theirs.items()
    }
    keys = {t.name: t.primary_key.columns for t in schema.tables}
    assert keys == {name: tuple(c for c, f in columns.items() if f["pk"]) for name, columns in theirs.items()}
    branch = table(schema, "shop_branch")
    assert ("place_ptr_id",) in branch.unique_column_sets()  # a unique foreign key, not the key


@pytest.mark.parametrize(
    ("features", "migrated"),
    [
        (["supports_table_check_constraints", "can_return_columns_from_insert"], True),
        (["supports_virtual_generated_columns"], False),
        (["supports_unspecified_pk"], False),
    ],
)
def test_required_db_features_on_postgresql(tmp_path, features, migrated):
    schema = read(
        tmp_path,
        f"""
        from django.db import models

        class Stock(models.Model):
            name = models.TextField()

            class Meta:
                required_db_features = {features!r}
    """,
    )
    assert (schema.table("shop_stock") is not None) is migrated
    assert ("shop_stock" in django_tables(tmp_path / "project")) is migrated
    assert messages(schema) == []


def test_required_db_features_that_depend_on_the_server_are_unknown(tmp_path):
    schema = read(
        tmp_path,
        """
        from django.db import models

        class Stock(models.Model):
            name = models.TextField()

            class Meta:
                required_db_features = ["is_postgresql_16"]
    """,
    )
    assert table(schema, "shop_stock").unknown == ("exists",)
    assert messages(schema) == [
        "Meta.required_db_features on PostgreSQL cannot be resolved statically: is_postgresql_16"
    ]


def test_models_package_registers_only_what_its_init_imports(tmp_path):
    model = "from django.db import models\n\nclass {0}(models.Model):\n    name = models.TextField()\n"
    files = {
        f"{APP}/shop/__init__.py": "",
        f"{APP}/shop/models/__init__.py": "from .stock import Stock\nfrom .extra import *\n",
        f"{APP}/shop/models/stock.py": model.format("Stock") + "\nfrom .via import Helper  # noqa\n",
        f"{APP}/shop/models/extra.py": model.format("Extra"),
        f"{APP}/shop/models/via.py": model.format("Helper"),
        f"{APP}/shop/models/unused.py": model.format("Unused"),
    }
    root = tmp_path / "project"
    schema = read_project(root, files)
    assert (
        sorted(t.name for t in schema.tables)
        == sorted(django_tables(root))
        == ["shop_extra", "shop_helper", "shop_stock"]
    )


def test_a_model_whose_only_base_is_a_call_is_reported_and_the_schema_incomplete(tmp_path):
    schema = read(
        tmp_path,
        """
        from django.db import models

        def base():
            return models.Model

        class Stock(base()):
            name = models.CharField(max_length=20)
    """,
    )
    assert schema.tables == () and not schema.complete  # a table absent here proves nothing
    assert messages(schema) == ["model base class cannot be resolved statically: base()"]
    assert "shop_stock" in django_tables(tmp_path / "project")


def test_type_checking_blocks_never_run_and_other_branches_may(tmp_path):
    schema = read(
        tmp_path,
        """
        from typing import TYPE_CHECKING
        from django.db import models

        if TYPE_CHECKING:
            class Ghost(models.Model):
                pass

        try:
            from shop.vendor import Stock
        except ImportError:
            class Stock(models.Model):
                if TYPE_CHECKING:
                    hint = models.Manager()
                name = models.CharField(max_length=20)
    """,
    )
    assert [(t.name, t.unknown) for t in schema.tables] == [("shop_stock", ("exists",))]
    assert messages(schema) == ["model defined under if/try cannot be resolved statically: Stock"]
    assert set(django_tables(tmp_path / "project")) == {"shop_stock"}


def test_a_forced_to_field_that_cannot_be_resolved_leaves_the_key_unknown(tmp_path):
    schema = read(
        tmp_path,
        """
        from django.db import models

        import os

        def key_field():
            return os.environ.get("KEY_FIELD", "code")

        class CodeKey(models.ForeignKey):
            def __init__(self, *args, **kwargs):
                kwargs["to_field"] = key_field()
                super().__init__(*args, **kwargs)

        class Currency(models.Model):
            code = models.CharField(max_length=3, unique=True)

        class Stock(models.Model):
            currency = CodeKey(Currency, on_delete=models.CASCADE)
    """,
    )
    stock = table(schema, "shop_stock")
    assert stock.column("currency_id").unknown == ("type", "references")
    assert stock.foreign_keys == ()
    assert messages(schema) == ["to_field cannot be resolved statically: key_field(): os.environ"]
    agrees_where_known(stock, django_tables(tmp_path / "project")["shop_stock"])


def test_hidden_field_arguments_leave_the_column_unknown(tmp_path):
    schema = read(
        tmp_path,
        """
        from django.db import models

        OPTIONS = {"max_length": 30, "null": True}

        class Stock(models.Model):
            name = models.CharField(**OPTIONS)
    """,
    )
    name = table(schema, "shop_stock").column("name")
    assert name.unknown == ("type", "nullable", "default", "unique", "comment")
    assert messages(schema) == ["field arguments cannot be resolved statically: models.CharField(*...)"]
    assert "name" in django_tables(tmp_path / "project")["shop_stock"]


# What third-party apps do (django-model-utils, django-post-office, django-oscar,
# django-simple-history), in a project's own files: each compared with real Django.
THIRD_PARTY_SHAPES = {
    f"{APP}/shop/fields.py": """
        from typing import TYPE_CHECKING

        from django.db import models
        from django.utils.module_loading import import_string

        if TYPE_CHECKING:
            DateTimeFieldBase = models.DateTimeField[str, str]
        else:
            DateTimeFieldBase = models.DateTimeField

        CONTEXT = "django.db.models.JSONField"
        context_field_class = import_string(CONTEXT)


        class AutoCreatedField(DateTimeFieldBase):
            def __init__(self, *args, **kwargs):
                kwargs.setdefault("editable", False)
                super().__init__(*args, **kwargs)


        class ExtendedURLField(models.CharField):
            def __init__(self, *args, **kwargs):
                kwargs["max_length"] = kwargs.get("max_length", 200)
                models.CharField.__init__(self, *args, **kwargs)


        class History:
            def contribute_to_class(self, cls, name):
                pass  # simple_history builds a whole model here
    """,
    f"{APP}/shop/abstract_models.py": """
        from django.db import models


        class AbstractEvent(models.Model):
            name = models.CharField(max_length=20)

            class Meta:
                abstract = True


        class EventQuantity(models.Model):
            quantity = models.PositiveIntegerField()

            class Meta:
                app_label = "shop"
    """,
}


def test_what_third_party_apps_do_as_django_builds_it(tmp_path):
    schema = read(
        tmp_path,
        """
        from django.db import models

        from .abstract_models import *
        from .fields import AutoCreatedField, ExtendedURLField, context_field_class


        class Event(AbstractEvent):
            created = AutoCreatedField()
            context = context_field_class(null=True)
            url = ExtendedURLField()
            short_url = ExtendedURLField(max_length=20)
    """,
        THIRD_PARTY_SHAPES,
    )
    assert messages(schema) == []
    theirs = django_tables(tmp_path / "project")
    assert sorted(t.name for t in schema.tables) == sorted(theirs) == ["shop_event", "shop_eventquantity"]
    for ours in schema.tables:
        assert {c.name: (c.type, c.nullable) for c in ours.columns} == {
            name: (normalize_type(c["type"]), c["null"]) for name, c in theirs[ours.name].items()
        }


def test_attributes_the_reader_cannot_follow_are_sl002_never_silence(tmp_path):
    schema = read(
        tmp_path,
        """
        from django.db import models
        from vendor import Opaque

        from .fields import History


        class Local(Opaque):
            pass


        class Event(models.Model):
            name = models.CharField(max_length=20)
            history = History()
            extra = Local()
    """,
        {f"{APP}/shop/fields.py": THIRD_PARTY_SHAPES[f"{APP}/shop/fields.py"]},
    )
    assert [m.split(" cannot")[0] for m in messages(schema)] == [
        "what History.contribute_to_class() adds to the model when it runs (fields, or models and their tables)",
        "class of this attribute (a field adds a column; base Opaque)",
    ]
    assert schema.complete is False  # History may add a model: a table absent here proves nothing


# django-mptt's MPTTModelBase, as its source does it (mptt/models.py, 0.20): the tree model gets
# lft, rght, tree_id (indexed) and level PositiveIntegerFields it does not declare, named by
# MPTTMeta, and Index(fields=(tree_id, lft)) named truncate_name(..., 30). The real library is
# the oracle in tests/realworld (django-mptt: every fact agrees); this stand-in keeps the shapes.
MPTT_SITE = ".venv/lib/python3.12/site-packages"
MPTT_STANDIN = {
    ".venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.12.3\n",
    f"{MPTT_SITE}/mptt/__init__.py": "",
    f"{MPTT_SITE}/mptt/models.py": """
        from django.db import models
        from django.db.models.base import ModelBase


        class MPTTModelBase(ModelBase):
            pass


        class TreeManager(models.Manager.from_queryset(models.QuerySet)):
            def contribute_to_class(self, model, name):
                super().contribute_to_class(model, name)


        class MPTTModel(models.Model, metaclass=MPTTModelBase):
            objects = TreeManager()

            class Meta:
                abstract = True
    """,
}


def test_mptt_tree_fields_and_index_as_its_metaclass_adds_them(tmp_path, monkeypatch):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    schema = read(
        tmp_path,
        """
        from django.db import models
        from mptt.models import MPTTModel


        class Genre(MPTTModel):
            name = models.CharField(max_length=50, unique=True)
            parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True)

            class MPTTMeta:
                order_insertion_by = ["name"]


        class Place(MPTTModel):
            level = models.IntegerField()

            class MPTTMeta:
                left_attr = "left"
    """,
        MPTT_STANDIN,
    )
    assert messages(schema) == []
    genre = table(schema, "shop_genre")
    assert [(c.name, c.type) for c in genre.columns][-4:] == [
        ("lft", "integer"),
        ("rght", "integer"),
        ("tree_id", "integer"),
        ("level", "integer"),
    ]
    assert {c.name for c in genre.constraints} >= {"shop_genre_lft_check", "shop_genre_level_check"}
    assert "shop_genre_tree_id_lft_idx" in {i.name for i in genre.indexes}  # 26 characters: not truncated
    place = table(schema, "shop_place")
    assert [c.name for c in place.columns] == ["id", "level", "left", "rght", "tree_id"]
    assert "shop_place_tree_id_left_idx" in {i.name for i in place.indexes}

"""Real-world model code: import spellings, constants from other modules, `models/` packages,
cross-app references, inheritance of every kind, custom fields, custom user models."""

from __future__ import annotations

import pytest

from tests.read.test_django_names import django_index_name, django_meta_index_name
from tests.read.test_django_reader import MODELS, messages, read_models, read_project, table


@pytest.mark.parametrize(
    ("imports", "field"),
    [
        ("from django.db import models as m", "m.CharField(max_length=12)"),
        ("from django.db.models import CharField", "CharField(max_length=12)"),
        ("from django.db.models import CharField as Text", "Text(max_length=12)"),
        ("import django.db.models", "django.db.models.CharField(max_length=12)"),
        ("from django.db.models.fields import CharField", "CharField(max_length=12)"),
        ("from django.db.models import *", "CharField(max_length=12)"),
    ],
)
def test_import_spellings(tmp_path, imports, field):
    schema = read_models(
        tmp_path,
        f"""
        {imports}
        from django.db import models

        class Stock(models.Model):
            symbol = {field}
    """,
    )
    assert table(schema, "shop_stock").column("symbol").type == "character varying(12)"


def test_constants_from_this_and_other_modules(tmp_path):
    schema = read_project(
        tmp_path,
        {
            "app_django/apps/shop/constants.py": "BASE = 10\nSYMBOL_LEN = BASE + 2\n",
            "app_django/apps/core/limits.py": "NAME = 100\n",
            MODELS: """
            from django.db import models
            from apps.core.limits import NAME
            from apps.core import limits
            from .constants import SYMBOL_LEN

            LOCAL = SYMBOL_LEN * 2

            class Stock(models.Model):
                symbol = models.CharField(max_length=SYMBOL_LEN)
                name = models.CharField(max_length=NAME)
                alias = models.CharField(max_length=limits.NAME - 1)
                code = models.CharField(max_length=LOCAL)
        """,
        },
    )
    stock = table(schema, "shop_stock")
    assert [c.type for c in stock.columns[1:]] == [
        "character varying(12)",
        "character varying(100)",
        "character varying(99)",
        "character varying(24)",
    ]
    assert not messages(schema)


def test_models_package_and_cross_app_references(tmp_path):
    schema = read_project(
        tmp_path,
        {
            "app_django/apps/market/models/__init__.py": "from .stocks import Stock\nfrom .quotes import *\n",
            "app_django/apps/market/models/stocks.py": """
            from django.db import models

            class Stock(models.Model):
                symbol = models.CharField(max_length=10, unique=True)
        """,
            "app_django/apps/market/models/quotes.py": """
            from django.db import models
            from .stocks import Stock

            class Quote(models.Model):
                stock = models.ForeignKey(Stock, on_delete=models.CASCADE)
                by_symbol = models.ForeignKey("market.Stock", on_delete=models.CASCADE, to_field="symbol", related_name="+")
        """,
            MODELS: """
            from django.db import models
            from apps.market.models import Stock

            class Order(models.Model):
                stock = models.ForeignKey(Stock, on_delete=models.PROTECT)
                quote = models.ForeignKey("market.Quote", on_delete=models.PROTECT, db_constraint=False, db_index=False)
        """,
        },
    )
    quote = table(schema, "market_quote")
    assert {(fk.columns, fk.ref_table, fk.ref_columns) for fk in quote.foreign_keys} == {
        (("stock_id",), "market_stock", ("id",)),
        (("by_symbol_id",), "market_stock", ("symbol",)),
    }
    assert quote.column("by_symbol_id").type == "character varying(10)"
    # an FK to a varchar column gets the _like index too
    assert django_index_name("market_quote", ["by_symbol_id"], "_like") in {i.name for i in quote.indexes}
    order = table(schema, "shop_order")
    assert [fk.ref_table for fk in order.foreign_keys] == ["market_stock"]
    assert [i.columns for i in order.indexes] == [("stock_id",)]


def test_abstract_bases_across_files_with_meta_inheritance(tmp_path):
    schema = read_project(
        tmp_path,
        {
            "app_django/apps/core/models.py": """
            from django.db import models

            class TimeStamped(models.Model):
                created = models.DateTimeField(auto_now_add=True)
                note = models.TextField()

                class Meta:
                    abstract = True
                    indexes = [models.Index(fields=["created"], name="%(app_label)s_%(class)s_created")]
                    unique_together = [("created", "note")]
        """,
            MODELS: """
            from django.db import models
            from apps.core.models import TimeStamped

            class Mixin:
                flag = models.BooleanField()  # not a model: Django ignores it

            class Stock(Mixin, TimeStamped):
                note = None  # removes the inherited field
                symbol = models.CharField(max_length=10)

            class Quote(TimeStamped):
                class Meta(TimeStamped.Meta):
                    db_table = "quotes"
        """,
        },
    )
    stock = table(schema, "shop_stock")
    assert [c.name for c in stock.columns] == ["id", "created", "symbol"]
    assert [i.name for i in stock.indexes if i.origin == "index"] == ["shop_stock_created"]
    quote = table(schema, "quotes")
    assert [c.name for c in quote.columns] == ["id", "created", "note"]
    assert [i.name for i in quote.indexes if i.origin == "index"] == ["shop_quote_created"]
    assert [c.columns for c in quote.constraints] == [("created", "note")]
    assert schema.table("core_timestamped") is None


def test_multi_table_inheritance_and_proxies(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class Place(models.Model):
            name = models.CharField(max_length=50)

        class Restaurant(Place):
            serves_pizza = models.BooleanField()

        class Pizzeria(Restaurant):
            ovens = models.IntegerField()

        class PlaceProxy(Place):
            class Meta:
                proxy = True

        class Review(models.Model):
            place = models.ForeignKey(PlaceProxy, on_delete=models.CASCADE)
            restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE)
    """,
    )
    assert {t.name for t in schema.tables} == {"shop_place", "shop_restaurant", "shop_pizzeria", "shop_review"}
    restaurant = table(schema, "shop_restaurant")
    assert [c.name for c in restaurant.columns] == ["place_ptr_id", "serves_pizza"]
    assert restaurant.primary_key.columns == ("place_ptr_id",)
    [fk] = restaurant.foreign_keys
    assert (fk.ref_table, fk.ref_columns, fk.declared_on_delete) == ("shop_place", ("id",), "CASCADE")
    pizzeria = table(schema, "shop_pizzeria")
    assert pizzeria.primary_key.columns == ("restaurant_ptr_id",)
    assert pizzeria.foreign_keys[0].ref_columns == ("place_ptr_id",)
    review = table(schema, "shop_review")
    assert [(fk.ref_table, fk.ref_columns) for fk in review.foreign_keys] == [
        ("shop_place", ("id",)),
        ("shop_restaurant", ("place_ptr_id",)),
    ]


def test_custom_field_classes_and_configured_types(tmp_path):
    schema = read_project(
        tmp_path,
        {
            "app_django/apps/core/fields.py": """
            from django.db import models

            class MoneyField(models.DecimalField):
                def __init__(self, *args, max_digits=12, decimal_places=2, **kwargs):
                    super().__init__(*args, max_digits=max_digits, decimal_places=decimal_places, **kwargs)

            class TickerField(models.CharField):
                def __init__(self, *args, **kwargs):
                    kwargs.setdefault("max_length", 8)
                    kwargs["db_index"] = True
                    super().__init__(*args, **kwargs)

            class CaseInsensitiveField(models.TextField):
                def db_type(self, connection):
                    return "citext"
        """,
            MODELS: """
            from django.db import models
            from apps.core.fields import MoneyField, TickerField, CaseInsensitiveField
            from djmoney.models.fields import MoneyField as ThirdPartyMoney

            class Stock(models.Model):
                price = MoneyField()
                cap = MoneyField(max_digits=20)
                ticker = TickerField()
                email = CaseInsensitiveField()
                balance = ThirdPartyMoney(max_digits=10)
        """,
        },
        types=(("djmoney.models.fields.MoneyField", "NUMERIC(14, 4)"),),
    )
    stock = table(schema, "shop_stock")
    assert {c.name: c.type for c in stock.columns} == {
        "id": "bigint",
        "price": "numeric(12,2)",
        "cap": "numeric(20,2)",
        "ticker": "character varying(8)",
        "email": "citext",
        "balance": "numeric(14,4)",
    }
    assert any(i.columns == ("ticker",) and i.origin == "db_index" for i in stock.indexes)
    assert not messages(schema)


def test_custom_user_model_and_auth_references(tmp_path):
    schema = read_project(
        tmp_path,
        {
            "app_django/config/settings.py": 'AUTH_USER_MODEL = "accounts.User"\n',
            "app_django/config/wsgi.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
            "app_django/apps/accounts/models.py": """
            from django.contrib.auth.models import AbstractUser
            from django.db import models

            class User(AbstractUser):
                phone = models.CharField(max_length=20, blank=True)
        """,
            MODELS: """
            from django.conf import settings
            from django.contrib.auth import get_user_model
            from django.db import models

            class Order(models.Model):
                buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
                seller = models.ForeignKey(get_user_model(), on_delete=models.CASCADE, related_name="+")
                group = models.ForeignKey("auth.Group", on_delete=models.CASCADE)
        """,
        },
        django_version="5.2",
    )
    user = table(schema, "accounts_user")
    assert [c.name for c in user.columns] == [
        "id",
        "password",
        "last_login",
        "is_superuser",
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
        "phone",
    ]
    assert {c.name for c in user.constraints} == {"accounts_user_username_key"}
    groups = table(schema, "accounts_user_groups")
    assert [(c.name, c.type) for c in groups.columns] == [
        ("id", "integer"),
        ("user_id", "integer"),
        ("group_id", "integer"),
    ]
    assert {fk.ref_table for fk in groups.foreign_keys} == {"accounts_user", "auth_group"}
    assert table(schema, "accounts_user_user_permissions").foreign_keys[1].ref_table == "auth_permission"
    order = table(schema, "shop_order")
    assert [fk.ref_table for fk in order.foreign_keys] == ["accounts_user", "accounts_user", "auth_group"]
    assert schema.table("auth_user") is None and schema.table("auth_group") is None


def test_many_to_many_tables(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class Tag(models.Model):
            code = models.CharField(max_length=5, primary_key=True)

        class Stock(models.Model):
            tags = models.ManyToManyField(Tag)
            peers = models.ManyToManyField("self")
            watchers = models.ManyToManyField("Tag", db_table="stock_watch", related_name="+")
            holders = models.ManyToManyField(Tag, through="Holding", related_name="+")

        class Holding(models.Model):
            stock = models.ForeignKey(Stock, on_delete=models.CASCADE)
            tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    """,
    )
    names = {t.name for t in schema.tables}
    assert names == {"shop_tag", "shop_stock", "shop_stock_tags", "shop_stock_peers", "stock_watch", "shop_holding"}
    tags = table(schema, "shop_stock_tags")
    assert [(c.name, c.type) for c in tags.columns] == [
        ("id", "bigint"),
        ("stock_id", "bigint"),
        ("tag_id", "character varying(5)"),
    ]
    assert [c.name for c in tags.constraints] == [django_index_name("shop_stock_tags", ["stock_id", "tag_id"], "_uniq")]
    assert {i.name for i in tags.indexes} == {
        django_index_name("shop_stock_tags", ["stock_id"]),
        django_index_name("shop_stock_tags", ["tag_id"]),
        django_index_name("shop_stock_tags", ["tag_id"], "_like"),
    }
    peers = table(schema, "shop_stock_peers")
    assert [c.name for c in peers.columns] == ["id", "from_stock_id", "to_stock_id"]


def test_meta_indexes_and_constraints(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models
        from django.db.models import Q, F
        from django.db.models.functions import Lower
        from django.contrib.postgres.indexes import GinIndex

        class Stock(models.Model):
            symbol = models.CharField(max_length=10)
            price = models.DecimalField(max_digits=8, decimal_places=2)
            qty = models.IntegerField()
            low = models.IntegerField()
            data = models.JSONField()
            active = models.BooleanField()

            class Meta:
                managed = False
                indexes = [
                    models.Index(fields=["symbol", "-price"]),
                    models.Index(fields=["qty"], name="qty_live", condition=Q(active=True), include=["price"]),
                    models.Index(Lower("symbol").desc(), name="sym_lower"),
                    GinIndex(fields=["data"], name="stock_data_gin"),
                ]
                constraints = [
                    models.UniqueConstraint(fields=["symbol"], name="one_active", condition=Q(active=True)),
                    models.UniqueConstraint(fields=["symbol", "qty"], name="sym_qty", nulls_distinct=False),
                    models.CheckConstraint(condition=Q(qty__gte=F("low")) & Q(price__gt=0), name="qty_over_low"),
                    models.CheckConstraint(check=~Q(symbol=""), name="symbol_not_empty"),
                ]
    """,
    )
    stock = table(schema, "shop_stock")
    assert stock.managed is False
    by_name = {i.name: i for i in stock.indexes}
    unnamed = django_meta_index_name("shop_stock", ["symbol", "price"], [False, True])
    assert by_name[unnamed].implicit and by_name[unnamed].orders == ("", "DESC")
    assert (by_name["qty_live"].where, by_name["qty_live"].include) == ("active", ("price",))
    assert (by_name["sym_lower"].columns, by_name["sym_lower"].orders) == (("lower(symbol::text)",), ("DESC",))
    assert by_name["stock_data_gin"].using == "gin"
    assert (by_name["one_active"].unique, by_name["one_active"].where, by_name["one_active"].origin) == (
        True,
        "active",
        "constraint",
    )
    constraints = {c.name: c for c in stock.constraints}
    assert constraints["sym_qty"].nulls_distinct is False
    assert constraints["qty_over_low"].expression == "qty >= low AND price > 0::numeric"
    assert constraints["symbol_not_empty"].expression == "NOT symbol::text = ''::text"


def test_meta_inheriting_from_a_contrib_abstract_model(tmp_path):
    schema = read_project(
        tmp_path,
        {
            "app_django/apps/accounts/models.py": """
            from django.contrib.auth.models import AbstractUser
            from django.db.models import UniqueConstraint

            class User(AbstractUser):
                class Meta(AbstractUser.Meta):
                    constraints = [UniqueConstraint(fields=["email"], name="%(app_label)s_%(class)s_unique_email")]
        """,
        },
    )
    user = table(schema, "accounts_user")
    assert "accounts_user_unique_email" in {c.name for c in user.constraints}


def test_unknown_model_bases_are_reported_not_dropped(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models
        from django.contrib.gis.db import models as gis
        from django.contrib.sessions.base_session import AbstractBaseSession
        from model_utils.models import TimeStampedModel

        class Stock(TimeStampedModel):
            symbol = models.CharField(max_length=10)

        class Session(AbstractBaseSession):
            class Meta:
                db_table = "sessions"

        class Place(gis.Model):
            name = models.CharField(max_length=10)

        class Helper(SomethingElse):
            value = 3
    """,
    )
    assert messages(schema) == [
        "model base class cannot be resolved statically: TimeStampedModel",
        "model base class cannot be resolved statically: AbstractBaseSession",
    ]
    assert [t.name for t in schema.tables] == ["shop_place"]


def test_fstrings_and_conditional_models(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.conf import settings
        from django.db import models

        PREFIX = "trading"

        class Stock(models.Model):
            class Meta:
                db_table = f"{PREFIX}_stocks"

        if settings.DEBUG:
            class DebugLog(models.Model):
                text = models.TextField()
    """,
    )
    assert [(t.name, t.unknown) for t in schema.tables] == [("trading_stocks", ()), ("shop_debuglog", ("exists",))]
    assert messages(schema) == ["model defined under if/try cannot be resolved statically: DebugLog"]


def test_spliced_meta_lists_and_unknown_bases_of_models(tmp_path):
    schema = read_project(
        tmp_path,
        {
            "app_django/apps/core/models.py": """
            from django.db import models

            class WithMetadata(models.Model):
                metadata = models.JSONField(default=dict)

                class Meta:
                    abstract = True
                    indexes = [models.Index(fields=["metadata"], name="%(class)s_meta_idx")]
        """,
            MODELS: """
            from django.contrib.postgres.indexes import GinIndex
            from django.db import models
            from mptt.models import MPTTModel
            from apps.core.models import WithMetadata

            class Category(WithMetadata, MPTTModel):
                name = models.CharField(max_length=50)

                class Meta:
                    indexes = [
                        *WithMetadata.Meta.indexes,
                        GinIndex(name="category_name_gin", fields=["name"], opclasses=["gin_trgm_ops"] * 1),
                    ]
        """,
        },
    )
    category = table(schema, "shop_category")
    assert [(i.name, i.using, i.opclasses) for i in category.indexes if i.origin == "index"] == [
        ("category_meta_idx", "btree", ()),
        ("category_name_gin", "gin", ("gin_trgm_ops",)),
    ]
    assert messages(schema) == ["model base class cannot be resolved statically: MPTTModel"]


def test_schema_qualified_db_table(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class Stock(models.Model):
            symbol = models.CharField(max_length=10, unique=True)

            class Meta:
                db_table = 'market"."stocks'

        class Quote(models.Model):
            stock = models.ForeignKey(Stock, on_delete=models.CASCADE)
    """,
    )
    stock = schema.table("stocks", "market")
    assert stock is not None and stock.primary_key.name == "stocks_pkey"
    [fk] = table(schema, "shop_quote").foreign_keys
    assert (fk.ref_schema, fk.ref_table) == ("market", "stocks")
    assert fk.name == django_index_name("shop_quote", ["stock_id"], "_fk_stocks_id")


@pytest.mark.parametrize(
    ("preamble", "target"),
    [
        ("from django.contrib.auth import get_user_model\nUser = get_user_model()", "User"),
        ("from django.contrib.auth.models import User", "User"),
        ("from django.contrib.auth import models as auth_models", "auth_models.User"),
        ("from django.conf import settings", "settings.AUTH_USER_MODEL"),
        ("", "'auth.User'"),
    ],
)
def test_user_model_spellings(tmp_path, preamble, target):
    source = (
        "from django.db import models\n"
        f"{preamble}\n\n"
        "class Profile(models.Model):\n"
        f"    user = models.OneToOneField({target}, on_delete=models.deletion.CASCADE)\n"
    )
    schema = read_models(tmp_path, source)
    [fk] = table(schema, "shop_profile").foreign_keys
    assert (fk.ref_table, fk.ref_columns, fk.declared_on_delete) == ("auth_user", ("id",), "CASCADE")
    assert table(schema, "shop_profile").column("user_id").type == "integer"


def test_class_body_constants(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class Stock(models.Model):
            SYMBOL_LEN = 12
            symbol = models.CharField(max_length=SYMBOL_LEN)
            name = models.CharField(max_length=SYMBOL_LEN * 10)
    """,
    )
    stock = table(schema, "shop_stock")
    assert [c.type for c in stock.columns[1:]] == ["character varying(12)", "character varying(120)"]

"""Every built-in Django field type -> the PostgreSQL column Django creates (Django 5.2's
postgresql `data_types`, checked against a real database by the differential suite)."""

from __future__ import annotations

import pytest

from tests.read.test_django_names import django_index_name
from tests.read.test_django_reader import read_models, table

FIELDS = [
    ("models.AutoField(primary_key=True)", "integer", False, "by default"),
    ("models.BigAutoField(primary_key=True)", "bigint", False, "by default"),
    ("models.SmallAutoField(primary_key=True)", "smallint", False, "by default"),
    ("models.CharField(max_length=30)", "character varying(30)", False, None),
    ("models.CharField()", "character varying", False, None),
    ("models.TextField(null=True)", "text", True, None),
    ("models.SlugField()", "character varying(50)", False, None),
    ("models.EmailField()", "character varying(254)", False, None),
    ("models.URLField(max_length=500)", "character varying(500)", False, None),
    ("models.IntegerField()", "integer", False, None),
    ("models.BigIntegerField()", "bigint", False, None),
    ("models.SmallIntegerField()", "smallint", False, None),
    ("models.PositiveIntegerField()", "integer", False, None),
    ("models.PositiveBigIntegerField()", "bigint", False, None),
    ("models.PositiveSmallIntegerField()", "smallint", False, None),
    ("models.BooleanField()", "boolean", False, None),
    ("models.BooleanField(null=True)", "boolean", True, None),
    ("models.DateField()", "date", False, None),
    ("models.DateTimeField(auto_now=True)", "timestamp with time zone", False, None),
    ("models.TimeField()", "time without time zone", False, None),
    ("models.DurationField()", "interval", False, None),
    ("models.DecimalField(max_digits=10, decimal_places=2)", "numeric(10,2)", False, None),
    ("models.FloatField()", "double precision", False, None),
    ("models.UUIDField()", "uuid", False, None),
    ("models.JSONField(default=dict)", "jsonb", False, None),
    ("models.BinaryField()", "bytea", False, None),
    ("models.GenericIPAddressField()", "inet", False, None),
    ("models.FileField(upload_to='x')", "character varying(100)", False, None),
    ("models.ImageField(upload_to='x')", "character varying(100)", False, None),
    ("models.FilePathField(path='/tmp')", "character varying(100)", False, None),
    ("ArrayField(models.IntegerField())", "integer[]", False, None),
    ("ArrayField(models.CharField(max_length=5), size=3)", "character varying(5)[]", False, None),
    ("HStoreField()", "hstore", False, None),
    ("DateTimeRangeField()", "tstzrange", False, None),
    ("IntegerRangeField()", "int4range", False, None),
]


@pytest.mark.parametrize(("field", "pg_type", "nullable", "identity"), FIELDS)
def test_builtin_field_types(tmp_path, field, pg_type, nullable, identity):
    schema = read_models(
        tmp_path,
        f"""
        from django.db import models
        from django.contrib.postgres.fields import ArrayField, HStoreField, DateTimeRangeField, IntegerRangeField

        class Thing(models.Model):
            value = {field}
    """,
    )
    column = table(schema, "shop_thing").column("value")
    assert (column.type, column.nullable, column.identity) == (pg_type, nullable, identity)
    assert column.default is None  # default= is Python-only


@pytest.mark.parametrize("kind", ["PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField"])
def test_positive_fields_get_a_named_check(tmp_path, kind):
    schema = read_models(
        tmp_path,
        f"""
        from django.db import models

        class Thing(models.Model):
            qty = models.{kind}()
            position = models.{kind}()
    """,
    )
    checks = {c.name: c.expression for c in table(schema, "shop_thing").constraints if c.kind == "check"}
    assert checks == {"shop_thing_qty_check": "qty >= 0", "shop_thing_position_check": '"position" >= 0'}


@pytest.mark.parametrize(
    ("field", "default"),
    [
        ("models.IntegerField(db_default=0)", "0"),
        ("models.IntegerField(db_default=-3)", "'-3'::integer"),
        ("models.CharField(max_length=5, db_default='new')", "'new'::character varying"),
        ('models.TextField(db_default="it\'s")', "'it''s'::text"),
        ("models.BooleanField(db_default=True)", "true"),
        ("models.DecimalField(max_digits=5, decimal_places=2, db_default=Decimal('1.50'))", "1.50"),
        ("models.FloatField(db_default=2.5)", "2.5"),
        ("models.DateTimeField(db_default=Now())", "statement_timestamp()"),
        ("models.IntegerField(db_default=Value(7))", "7"),
        ("models.CharField(max_length=5, db_default=Status.NEW)", "'new'::character varying"),
        ("models.IntegerField(db_default=Level.HIGH)", "2"),
        ("models.IntegerField(db_default=BASE * 2)", "20"),
    ],
)
def test_db_default_is_a_database_default(tmp_path, field, default):
    schema = read_models(
        tmp_path,
        f"""
        from decimal import Decimal
        from django.db import models
        from django.db.models import Value
        from django.db.models.functions import Now

        BASE = 10

        class Status(models.TextChoices):
            NEW = "new", "New"

        class Level(models.IntegerChoices):
            LOW = 1, "Low"
            HIGH = 2, "High"

        class Thing(models.Model):
            value = {field}
    """,
    )
    assert table(schema, "shop_thing").column("value").default == default


def test_field_options(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class Thing(models.Model):
            code = models.CharField(max_length=8, primary_key=True, db_comment="the code")
            label = models.CharField(max_length=20, unique=True, db_column="lbl", db_tablespace="fast")
            body = models.TextField(db_index=True)
            rank = models.IntegerField(db_index=True)

            class Meta:
                db_table_comment = "things"
    """,
    )
    thing = table(schema, "shop_thing")
    assert [c.name for c in thing.columns] == ["code", "lbl", "body", "rank"]
    assert thing.primary_key.columns == ("code",) and thing.primary_key.name == "shop_thing_pkey"
    assert thing.column("code").comment == "the code"
    assert thing.comment == "things"
    assert {(c.name, c.columns) for c in thing.constraints} == {("shop_thing_lbl_key", ("lbl",))}
    indexes = {(i.name, i.opclasses, i.origin) for i in thing.indexes}
    name = django_index_name
    assert indexes == {
        (name("shop_thing", ["code"], "_like"), ("varchar_pattern_ops",), "like"),
        (name("shop_thing", ["lbl"], "_like"), ("varchar_pattern_ops",), "like"),
        (name("shop_thing", ["body"]), (), "db_index"),
        (name("shop_thing", ["body"], "_like"), ("text_pattern_ops",), "like"),
        (name("shop_thing", ["rank"]), (), "db_index"),
    }
    assert all(i.implicit for i in thing.indexes)

"""Django expressions against the real thing: real Django 5.2 compiles each CHECK condition and
db_default into its CREATE TABLE, real PostgreSQL 15 runs it and prints it back, and the Django
reader (through `schemalint.postgres`) must print exactly the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from schemalint.read.django.expressions import ExpressionWriter
from schemalint.read.django.facts import Call
from schemalint.read.django.resolve import Unresolved
from tests.read.test_django_reader import read_models, table

pytestmark = pytest.mark.postgres

FIELDS = """
    qty = models.IntegerField()
    low = models.IntegerField()
    position = models.IntegerField()
    interval = models.IntegerField()
    price = models.DecimalField(max_digits=6, decimal_places=2)
    score = models.FloatField()
    code = models.CharField(max_length=5)
    note = models.TextField(null=True)
    active = models.BooleanField()
    day = models.DateField()
"""

CONDITIONS = [
    "Q(qty__gte=0)",
    "Q(qty__gt=-10)",
    "Q(price__gt=0)",
    "Q(price__gte=Decimal('1.50'))",
    "Q(price__gt=Decimal('-1.5'))",
    "Q(score__gte=0.5)",
    "Q(score__gt=-2)",
    "Q(code='')",
    "Q(note='x')",
    "Q(code__in=['a', 'b'])",
    "Q(code__in=['a'])",
    "Q(qty__in=[1, 2])",
    "Q(qty__gte=F('low'))",
    "Q(qty__gt=F('low') + 1)",
    "Q(active=True)",
    "Q(active=False)",
    "Q(day__gte='2020-01-01')",
    "Q(note__isnull=True)",
    "Q(note__isnull=False)",
    "Q(qty__range=(0, 10))",
    "Q(qty__gt=0, low__gt=0) | Q(active=False)",
    "(Q(qty=1) | Q(qty=2)) & Q(low__lt=5)",
    "~Q(qty__in=[5]) & ~(Q(low=7) | Q(low=8))",
    "~Q(qty__range=(2, 3))",
    "Q(code__in=['a']) | Q(qty=1)",
    "Q(code__in=['a', 'b']) | Q(qty=1)",
    "Q(position__gte=0)",
    "Q(interval__gt=0) & Q(interval__lt=60 * 60)",
    "Q(qty__lt=F('low') * 2 - F('position'))",
]

DEFAULTS = [
    ("models.FloatField", "Pi()"),
    ("models.FloatField", "Pi() * 2"),
    ("models.IntegerField", "Coalesce(Value(None, output_field=models.IntegerField()), Value(5))"),
    ("models.CharField", "Lower(Value('ABC'))"),
    ("models.TextField", "Upper(Value('abc'))"),
    ("models.DateTimeField", "Now()"),
    ("models.IntegerField", "Case(When(GreaterThan(Value(1), Value(0)), then=Value(1)), default=Value(2))"),
    ("models.TextField", "Concat(Value('a'), Value('b'))"),
    ("models.CharField", "Concat(Value('a'), Value('b'), Value('c'))"),
    ("models.IntegerField", "Value(2) * Value(3) + Value(1)"),
    ("models.IntegerField", "60 * 60"),
    ("models.IntegerField", "-5"),
    ("models.BigIntegerField", "-5"),
    ("models.DecimalField", "Decimal('1.50')"),
    ("models.DecimalField", "Decimal('-1.50')"),
    ("models.DecimalField", "3"),
    ("models.FloatField", "1.5"),
    ("models.CharField", "'draft'"),
    ("models.CharField", 'Value("it\'s")'),
    ("models.TextField", "''"),
    ("models.BooleanField", "False"),
    ("models.DateField", "'2020-01-01'"),
    ("models.UUIDField", "RandomUUID()"),
]
_OPTIONS = {"models.CharField": "max_length=10", "models.DecimalField": "max_digits=8, decimal_places=2"}

IMPORTS = """
from decimal import Decimal
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import *
from django.db.models.lookups import GreaterThan
from django.contrib.postgres.functions import RandomUUID
"""


def model_source() -> str:
    checks = ",\n            ".join(
        f"models.CheckConstraint(condition={c}, name='c{i}')" for i, c in enumerate(CONDITIONS)
    )
    defaults = "\n".join(
        f"    d{i} = {field}({_OPTIONS.get(field, '') + ', ' if field in _OPTIONS else ''}db_default={value}, null=True)"
        for i, (field, value) in enumerate(DEFAULTS)
    )
    return (
        IMPORTS
        + "\n\nclass Thing(models.Model):\n"
        + textwrap.dedent(FIELDS).replace("\n", "\n    ").rstrip()
        + "\n"
        + defaults
        + "\n\n    class Meta:\n        app_label = 'shop'\n        constraints = [\n            "
        + checks
        + ",\n        ]\n"
    )


_COMPILE = """
import json, sys
import django
from django.conf import settings
settings.configure(DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": sys.argv[1],
                   "HOST": sys.argv[2], "PORT": sys.argv[3], "USER": sys.argv[4]}},
                   INSTALLED_APPS=[], USE_TZ=True, TIME_ZONE="Europe/Paris")
django.setup()
namespace = {}
exec(sys.stdin.read(), namespace)
from django.db import connection
with connection.schema_editor(collect_sql=True) as editor:
    for name in sys.argv[5:]:
        editor.create_model(namespace[name])
print(json.dumps(editor.collected_sql))
"""


def created_by_django(pg, name: str, source: str, models: list[str]) -> dict:
    """{constraint or column name: what PostgreSQL prints} after real Django's CREATE TABLE."""
    import psycopg

    dsn = pg.create_database(name)
    params = dict(part.split("=", 1) for part in dsn.split())
    done = subprocess.run(
        [sys.executable, "-c", _COMPILE, params["dbname"], params["host"], params["port"], params["user"], *models],
        input=source,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    printed: dict = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in json.loads(done.stdout):
            conn.execute(statement)
        for con, definition in conn.execute(
            "SELECT conname, pg_get_constraintdef(oid, true) FROM pg_constraint WHERE contype = 'c'"
        ):
            printed[con] = definition.removeprefix("CHECK (").removesuffix(")")
        for column, default in conn.execute(
            "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
            "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
        ):
            printed[column] = default
    return printed


@pytest.fixture(scope="module")
def django_and_reader(pg, tmp_path_factory):
    source = model_source()
    printed = created_by_django(pg, "django_expressions", source, ["Thing"])
    schema = read_models(tmp_path_factory.mktemp("django_expressions"), source)
    return printed, table(schema, "shop_thing"), schema


@pytest.mark.parametrize("index", range(len(CONDITIONS)), ids=CONDITIONS)
def test_check_condition_prints_as_postgresql_does(django_and_reader, index):
    printed, thing, _ = django_and_reader
    [check] = [c for c in thing.constraints if c.name == f"c{index}"]
    assert check.expression == printed[f"c{index}"]


@pytest.mark.parametrize("index", range(len(DEFAULTS)), ids=[f"{f}:{v}" for f, v in DEFAULTS])
def test_db_default_prints_as_postgresql_does(django_and_reader, index):
    printed, thing, _ = django_and_reader
    assert thing.column(f"d{index}").default == printed[f"d{index}"]


def test_no_expression_is_left_unresolved(django_and_reader):
    _, _, schema = django_and_reader
    assert [d.message for d in schema.diagnostics] == []


# Extract*/Trunc* depend on Django's current time zone; the writer is given it directly.
TIME_FUNCTIONS = [
    ("models.IntegerField", "ExtractYear(Now())"),
    ("models.IntegerField", "ExtractMonth(Now())"),
    ("models.IntegerField", "ExtractIsoWeekDay(Now())"),
    ("models.DateTimeField", "TruncDay(Now())"),
    ("models.DateTimeField", "TruncHour(Now())"),
    ("models.DateField", "TruncDate(Now())"),
]
_PG_TYPES = {
    "models.IntegerField": "integer",
    "models.DateTimeField": "timestamp with time zone",
    "models.DateField": "date",
}


def _facts(source: str) -> Call:
    """`F(G())` as the reader's facts (names only: these are all one call deep)."""
    outer, _, inner = source.partition("(")
    return Call(outer, (Call(inner.rstrip(")").rstrip("("), ()),))


def test_extract_and_trunc_print_as_postgresql_does(pg):
    body = "".join(
        f"    t{i} = {field}(db_default={value}, null=True)\n" for i, (field, value) in enumerate(TIME_FUNCTIONS)
    )
    source = IMPORTS + "\n\nclass Clock(models.Model):\n" + body + "\n    class Meta:\n        app_label = 'shop'\n"
    printed = created_by_django(pg, "django_time_functions", source, ["Clock"])
    writer = ExpressionWriter(
        lambda name: (name, "unknown"), lambda call: call.func, lambda value: value, time_zone="Europe/Paris"
    )
    for i, (field, value) in enumerate(TIME_FUNCTIONS):
        assert writer.default(_facts(value), _PG_TYPES[field]) == printed[f"t{i}"], value


def test_extract_without_a_known_time_zone_is_unresolved():
    writer = ExpressionWriter(lambda name: (name, "unknown"), lambda call: call.func, lambda value: value)
    with pytest.raises(Unresolved):
        writer.default(_facts("ExtractYear(Now())"), "integer")

"""Q objects, F() and defaults as PostgreSQL prints them back (`pg_get_expr(..., true)`);
each spelling here is checked against real Django + PostgreSQL 15 by
tests/postgres/test_django_expressions_pg.py and the differential corpus."""

from __future__ import annotations

import pytest

from tests.read.test_django_reader import read_models, table


@pytest.mark.parametrize(
    ("condition", "printed"),
    [
        ("Q(qty__gte=0)", "qty >= 0"),
        ("Q(qty__gt=-10)", "qty > '-10'::integer"),
        ("Q(price__gt=0)", "price > 0::numeric"),
        ("Q(price__gte=Decimal('1.50'))", "price >= 1.50"),
        ("Q(score__gte=0.5)", "score >= 0.5::double precision"),
        ("Q(code='')", "code::text = ''::text"),
        ("Q(note='x')", "note = 'x'::text"),
        ("Q(code__in=['a', 'b'])", "code::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])"),
        ("Q(qty__in=[1, 2])", "qty = ANY (ARRAY[1, 2])"),
        ("Q(qty__gte=F('low'))", "qty >= low"),
        ("Q(active=True)", "active"),
        ("Q(active=False)", "NOT active"),
        ("Q(day__gte='2020-01-01')", "day >= '2020-01-01'::date"),
        ("Q(note__isnull=True)", "note IS NULL"),
        ("Q(qty__range=(0, 10))", "qty >= 0 AND qty <= 10"),
        ("Q(qty__gt=0, low__gt=0) | Q(active=False)", "low > 0 AND qty > 0 OR NOT active"),
        ("(Q(qty=1) | Q(qty=2)) & Q(low__lt=5)", "(qty = 1 OR qty = 2) AND low < 5"),
        ("~Q(qty__in=[5]) & ~(Q(low=7) | Q(low=8))", "NOT qty = 5 AND NOT (low = 7 OR low = 8)"),
        ("~Q(qty__range=(2, 3))", "NOT (qty >= 2 AND qty <= 3)"),
        ("Q(code__in=['a']) | Q(qty=1)", "code::text = 'a'::text OR qty = 1"),
        (
            "Q(code__in=['a', 'b']) | Q(qty=1)",
            "(code::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])) OR qty = 1",
        ),
        ("Q(position__gte=0)", '"position" >= 0'),
    ],
)
def test_check_conditions(tmp_path, condition, printed):
    schema = read_models(
        tmp_path,
        f"""
        from decimal import Decimal
        from django.db import models
        from django.db.models import F, Q

        class Thing(models.Model):
            qty = models.IntegerField()
            low = models.IntegerField()
            position = models.IntegerField()
            price = models.DecimalField(max_digits=6, decimal_places=2)
            score = models.FloatField()
            code = models.CharField(max_length=5)
            note = models.TextField(null=True)
            active = models.BooleanField()
            day = models.DateField()

            class Meta:
                constraints = [models.CheckConstraint(condition={condition}, name="c")]
    """,
    )
    [check] = [c for c in table(schema, "shop_thing").constraints if c.name == "c"]
    assert check.expression == printed


@pytest.mark.parametrize(
    ("expression", "output", "printed"),
    [
        ("F('a') + F('b')", "models.IntegerField()", "(a + b)"),
        ("F('a') * 2 - F('b')", "models.IntegerField()", "((a * 2) - b)"),
        ("Upper('label')", "models.CharField(max_length=9)", "upper((label)::text)"),
        ("Lower('body')", "models.TextField()", "lower(body)"),
    ],
)
def test_generated_columns(tmp_path, expression, output, printed):
    schema = read_models(
        tmp_path,
        f"""
        from django.db import models
        from django.db.models import F
        from django.db.models.functions import Lower, Upper

        class Thing(models.Model):
            a = models.IntegerField()
            b = models.IntegerField()
            label = models.CharField(max_length=9)
            body = models.TextField()
            value = models.GeneratedField(expression={expression}, output_field={output}, db_persist=True)
    """,
    )
    assert table(schema, "shop_thing").column("value").generated == printed

"""Names in a Django model's table against real Django 5.2 + PostgreSQL 15: explicit names
longer than 63 bytes are cut by bytes, implicit names that truncate alike get PostgreSQL's
number, and Django's own digests survive multibyte names."""

from __future__ import annotations

import pytest

from tests.postgres.test_django_expressions_pg import IMPORTS
from tests.read.test_django_reader import read_models, table

pytestmark = pytest.mark.postgres

LONG = "a_rather_long_column_name_that_goes_on_and_on_and_on_"

MODELS = [
    (
        "Plain",
        "shop_plain",
        f"""
    {LONG}1 = models.IntegerField(unique=True)
    {LONG}2 = models.IntegerField(unique=True)
    {LONG}3 = models.PositiveIntegerField()
    {LONG}4 = models.PositiveIntegerField()
""",
    ),
    (
        "Accented",
        "tablé_with_accénts_" + "é" * 30,
        """
    prix_unitaire_en_euros_ééééé_1 = models.IntegerField(unique=True)
    prix_unitaire_en_euros_ééééé_2 = models.IntegerField(unique=True)
    quantité = models.PositiveSmallIntegerField(db_index=True)
    libellé = models.CharField(max_length=20, db_index=True)

    class Meta:
        app_label = "shop"
        db_table = "tablé_with_accénts_" + "é" * 30
        constraints = [
            models.CheckConstraint(condition=models.Q(quantité__lt=100), name="contrainte_" + "é" * 40),
            models.UniqueConstraint(fields=["libellé", "quantité"], name="unicité_" + "ü" * 40),
        ]
        indexes = [models.Index(fields=["libellé"], name="idx_libellé")]
""",
    ),
]


def _source(name: str, body: str) -> str:
    meta = "" if "class Meta" in body else "\n    class Meta:\n        app_label = 'shop'\n"
    return f"class {name}(models.Model):\n" + body.strip("\n") + "\n" + meta


@pytest.fixture(scope="module")
def created(pg, tmp_path_factory):
    from tests.postgres.test_django_expressions_pg import created_by_django

    source = IMPORTS + "\n\n" + "\n\n".join(_source(name, body) for name, _, body in MODELS)
    created_by_django(pg, "django_names", source, [name for name, _, _ in MODELS])
    import psycopg

    with psycopg.connect(pg.dsn("django_names")) as conn:
        rows = conn.execute("""
            SELECT c.relname, con.conname FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            UNION ALL
            SELECT t.relname, i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public'""").fetchall()
    schema = read_models(tmp_path_factory.mktemp("django_names"), "from django.db import models\n\n" + source)
    return rows, schema


@pytest.mark.parametrize("model, db_table, body", MODELS, ids=[m[0] for m in MODELS])
def test_names_are_the_ones_postgresql_keeps(created, model, db_table, body):
    rows, schema = created
    from schemalint.postgres.names import truncate_identifier

    pg_table = truncate_identifier(db_table)
    in_postgres = {name for relname, name in rows if relname == pg_table}
    t = table(schema, pg_table)
    read = [t.primary_key.name] + [c.name for c in t.constraints] + [i.name for i in t.indexes]
    assert len(read) == len(set(read)), sorted(read)
    assert set(read) == in_postgres
    assert any(name.endswith("_key1") for name in read)  # two implicit names truncated alike

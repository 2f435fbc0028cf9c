"""Implicit names after renames: PostgreSQL keeps an index's or constraint's name when
`migrate` renames its table or column, and Django makes again only what it alters (a foreign
key whose field changes, or whose target model is renamed). A history of AlterModelTable,
RenameModel, RenameField and AlterField is applied by real `migrate`, and every name in
`dump --source migrations` (names compared, not only contents) equals the catalog's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.differential.test_bifrost import FIXTURES, build_with_django
from tests.differential.test_migrations_differential import migrations_dump
from tests.support.catalog import compare_catalogs

pytestmark = pytest.mark.postgres

APP = "app_django/apps/options"

HEAD = "from django.db import migrations, models\nimport django.db.models.deletion\n\n\n"
ID = '("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"))'

HISTORY = {
    "0001_initial": f"""
class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Stock", fields=[
            {ID},
            ("symbol", models.CharField(max_length=10, db_index=True)),
            ("code", models.CharField(max_length=8, unique=True)),
            ("lots", models.PositiveIntegerField()),
        ]),
        migrations.CreateModel(name="Market", fields=[{ID}, ("name", models.CharField(max_length=20))]),
        migrations.CreateModel(name="Quote", fields=[
            {ID},
            ("stock", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="options.stock")),
            ("market", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="options.market")),
            ("venue", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                        to="options.market")),
            ("parent", models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                         to="options.quote")),
        ], options={{"unique_together": {{("stock", "market")}}}}),
    ]
""",
    "0002_renames": """
class Migration(migrations.Migration):
    dependencies = [("options", "0001_initial")]
    operations = [
        migrations.AlterModelTable(name="stock", table="stocks"),
        migrations.RenameField(model_name="stock", old_name="symbol", new_name="ticker"),
        migrations.RenameModel(old_name="Market", new_name="Exchange"),
        migrations.RenameField(model_name="quote", old_name="stock", new_name="share"),
        migrations.AddField(model_name="stock", name="sector", field=models.CharField(max_length=20, db_index=True,
                                                                                      default="")),
        migrations.RenameModel(old_name="Quote", new_name="Price"),
    ]
""",
    "0003_alter": """
class Migration(migrations.Migration):
    dependencies = [("options", "0002_renames")]
    operations = [
        migrations.AlterField(model_name="price", name="market",
                              field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                                      to="options.exchange")),
        migrations.AlterField(model_name="price", name="venue",
                              field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                      related_name="venues", to="options.exchange")),
        migrations.AlterModelTable(name="exchange", table="exchanges"),
    ]
""",
}


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "bifrost"
    shutil.copytree(FIXTURES / "bifrost", project, ignore=shutil.ignore_patterns("__pycache__", ".schemalint_cache"))
    for app in ("options", "strategies", "data_collection"):
        shutil.rmtree(project / "app_django/apps" / app / "migrations")
    (project / "app_django/apps/strategies/models.py").write_text("")
    (project / "app_django/apps/data_collection/models.py").write_text("")
    (project / APP / "models.py").write_text("")  # the models do not matter here: only migrate does
    migrations = project / APP / "migrations"
    migrations.mkdir()
    (migrations / "__init__.py").write_text("")
    for name, text in HISTORY.items():
        (migrations / f"{name}.py").write_text(HEAD + text.lstrip())
    return project


def test_implicit_names_after_renames_are_the_ones_migrate_keeps(pg, tmp_path: Path):
    project = _project(tmp_path)
    catalog = build_with_django(pg, project, "migrations_renamed_names", tmp_path)
    dumped = migrations_dump(project)
    assert not dumped["diagnostics"], dumped["diagnostics"]
    assert {t["name"] for t in dumped["tables"]} == {"stocks", "exchanges", "options_price"}
    agreement = compare_catalogs(dumped, catalog, names=True, labels=("schemalint", "postgres"))
    print(f"\nrenamed names: {agreement.agreeing}/{agreement.compared} facts agree")
    assert not agreement.differences, str(agreement)

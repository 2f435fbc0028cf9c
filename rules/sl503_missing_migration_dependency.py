"""A migration that depends on a migration that does not exist.

## What it does
Reports each `dependencies` entry naming a migration of a project app that no file defines
(a deleted or renamed migration, a typo), at the migration's `class Migration` line. Squashed
migrations count as the migrations they replace; `__first__`/`__latest__` and the
`django.contrib` apps' migrations are known.

## Why it matters
Django refuses to load the graph ("NodeNotFoundError: Migration ... dependencies reference
nonexistent parent node"): neither `migrate` nor `makemigrations` runs.

## Example
```python
dependencies = [("shop", "0002_stock_market_cap")]   # but 0002 was renamed 0002_market_cap
```

## How to fix
Point the dependency at the migration's real name.

## How to silence
`# noqa: SL503` on the `class Migration` line it reports.
"""

from schemalint.context import SchemaContext
from schemalint.registry import Case, rule


@rule(
    "SL503",
    "missing-migration-dependency",
    "A migration depends on a migration that does not exist",
    level="schema",
    claims=("missing-migration-dependency",),
)
def missing_migration_dependency(ctx: SchemaContext) -> None:
    ctx.report_diagnostics()


_MODELS = """
    from django.db import models

    class Stock(models.Model):
        symbol = models.CharField(max_length=10)
"""


def _migration(name: str, dependencies: str) -> tuple[str, str]:
    return (
        name,
        f"""
        from django.conf import settings
        from django.db import migrations


        class Migration(migrations.Migration):
            dependencies = {dependencies}
            operations = []
    """,
    )


_INITIAL = (
    "0001_initial",
    """
    from django.db import migrations, models


    class Migration(migrations.Migration):
        initial = True
        dependencies = [("contenttypes", "0002_remove_content_type_name")]
        operations = [
            migrations.CreateModel(name="Stock", fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("symbol", models.CharField(max_length=10)),
            ]),
        ]
""",
)

VALID = [
    Case(django=_MODELS, migrations=(_INITIAL, _migration("0002_a", '[("shop", "0001_initial")]'))),
    Case(
        django=_MODELS,
        migrations=(
            _INITIAL,
            _migration("0002_a", '[migrations.swappable_dependency(settings.AUTH_USER_MODEL), ("shop", "__first__")]'),
        ),
    ),
    # A squash stands for what it replaces.
    Case(
        django=_MODELS,
        migrations=(
            _INITIAL,
            (
                "0001_squashed_0002",
                """
        from django.db import migrations


        class Migration(migrations.Migration):
            replaces = [("shop", "0001_initial"), ("shop", "0002_gone")]
            dependencies = []
            operations = []
    """,
            ),
            _migration("0003_b", '[("shop", "0002_gone")]'),
        ),
    ),
]

INVALID = [
    Case(
        django=_MODELS,
        migrations=(_INITIAL, _migration("0002_a", '[("shop", "0001_inital")]')),
        expect=("migrations/0002_a:5",),
        message="shop/0002_a depends on shop/0001_inital, which does not exist",
    ),
    Case(
        django=_MODELS,
        migrations=(_INITIAL, _migration("0002_a", '[("shop", "0001_initial"), ("billing", "0001_initial")]')),
        expect=("migrations/0002_a:5",),
        message="depends on billing/0001_initial",
    ),
    Case(
        django=_MODELS,
        migrations=(_INITIAL, _migration("0003_b", '[("shop", "0002_a")]')),
        expect=("migrations/0003_b:5",),
        message="shop/0002_a, which does not exist",
    ),
]

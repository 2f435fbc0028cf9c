"""An app whose migration graph has two leaves: `makemigrations --merge` is needed.

## What it does
Builds each app's migration graph as Django's loader does (dependencies, `run_before`,
squashes) and reports an app with more than one leaf migration (two branches, typically from
two feature branches that each added a migration), at the last of them.

## Why it matters
`migrate` refuses to run ("Conflicting migrations detected; multiple leaf nodes in the
migration graph") until a merge migration joins the branches.

## Example
```text
shop/migrations/0002_stock_sector.py      depends on 0001_initial
shop/migrations/0002_stock_market_cap.py  depends on 0001_initial
```

## How to fix
`python manage.py makemigrations --merge`, or renumber one branch to depend on the other.

## How to silence
`# noqa: SL502` on the `class Migration` line it reports.
"""

from schemalint.context import SchemaContext
from schemalint.registry import Case, rule


@rule(
    "SL502",
    "migration-merge-needed",
    "An app's migrations have two leaves (run makemigrations --merge)",
    level="schema",
    claims=("migration-merge-needed",),
)
def migration_merge_needed(ctx: SchemaContext) -> None:
    ctx.report_diagnostics()


_MODELS = """
    from django.db import models

    class Stock(models.Model):
        symbol = models.CharField(max_length=10)
"""

_INITIAL = (
    "0001_initial",
    """
    from django.db import migrations, models


    class Migration(migrations.Migration):
        initial = True
        dependencies = []
        operations = [
            migrations.CreateModel(name="Stock", fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("symbol", models.CharField(max_length=10)),
            ]),
        ]
""",
)


def _empty(name: str, *parents: str) -> tuple[str, str]:
    dependencies = ", ".join(f'("shop", "{p}")' for p in parents)
    return (
        name,
        f"""
        from django.db import migrations


        class Migration(migrations.Migration):
            dependencies = [{dependencies}]
            operations = []
    """,
    )


VALID = [
    Case(django=_MODELS, migrations=(_INITIAL,)),
    Case(django=_MODELS, migrations=(_INITIAL, _empty("0002_a", "0001_initial"), _empty("0003_b", "0002_a"))),
    # Two branches joined by a merge migration.
    Case(
        django=_MODELS,
        migrations=(
            _INITIAL,
            _empty("0002_a", "0001_initial"),
            _empty("0002_b", "0001_initial"),
            _empty("0003_merge", "0002_a", "0002_b"),
        ),
    ),
]

INVALID = [
    Case(
        django=_MODELS,
        migrations=(_INITIAL, _empty("0002_a", "0001_initial"), _empty("0002_b", "0001_initial")),
        expect=("migrations/0002_b:4",),
        message="app 'shop' has 2 leaf migrations (0002_a, 0002_b)",
    ),
    Case(
        django=_MODELS,
        migrations=(
            _INITIAL,
            _empty("0002_a", "0001_initial"),
            _empty("0003_a", "0002_a"),
            _empty("0002_b", "0001_initial"),
        ),
        expect=("migrations/0003_a:4",),
        message="run makemigrations --merge",
    ),
    # Two initial migrations.
    Case(
        django=_MODELS,
        migrations=(_INITIAL, _empty("0001_other")),
        expect=("migrations/0001_other:4",),
        message="app 'shop' has 2 leaf migrations",
    ),
]

"""A model option that changes no schema but that `makemigrations` still writes a migration for.

## What it does
Compares, model by model, what Django's autodetector compares besides the schema: each
field's state-only arguments (`choices`, `verbose_name`, `help_text`, `validators`, `blank`,
a Python `default`, `editable`, `related_name`, `limit_choices_to`, `upload_to`,
`error_messages`, ...) and the model's `AlterModelOptions` keys (`ordering`, `verbose_name`,
`verbose_name_plural`, `permissions`, `get_latest_by`, `managed`, ...) with the state the
app's migrations build. A difference is reported at the field (or the `Meta` option, or the
class), naming the app's latest migration. Schema differences are SL501's. Managers are not
compared; a value the reader cannot know statically is skipped, never guessed.

On by default, like `makemigrations --check`, which fails on these too: a team that replaces
it keeps the same verdict. Teams that let such migrations pile up turn it off
(`ignore = ["SL504"]`) and keep SL501.

## Why it matters
The next `makemigrations` of someone else writes this change into their migration, next to
their own; choices and validators drift from what data migrations and forms see.

## Example
```python
class Stock(models.Model):
    sector = models.CharField(max_length=100, help_text="GICS sector")  # no migration has it
```

## How to fix
Run `python manage.py makemigrations` and commit the migration.

## How to silence
`# noqa: SL504` on the field or class line, or `ignore = ["SL504"]`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

from schemalint.context import MigrationsContext
from schemalint.model import LazyTables, Location, Schema, Table, TableHead
from schemalint.registry import Case, rule


def _latest(schema: Schema, app: str) -> str | None:
    for key, value in schema.properties:
        if key == f"latest:{app}":
            return f"{app}/{value}"
    return None


def _pair_differences(
    table: Table, tables: Sequence[Table], other: int
) -> list[tuple[str, list[str], Location | None]]:
    return list(state_differences(table, tables[other]))


def state_differences(table: Table, other: Table) -> Iterator[tuple[str, list[str], Location | None]]:
    """(field name or "" for the model's options, what differs, where) per field and model."""
    ours = {key: (value, where) for key, value, where in table.state}
    theirs = {key: value for key, value, _ in other.state}
    changed: dict[str, list[str]] = {}
    places: dict[str, Location | None] = {}
    for key in sorted(set(ours) | set(theirs)):
        parts = key.split(":")
        if parts[0] == "field":
            marker = f"field:{parts[1]}"
            if len(parts) != 3 or marker not in ours or marker not in theirs:
                continue  # a field on one side only is SL501's
            if ours[marker][0] is None or theirs[marker] is None:
                continue  # `**kwargs` the reader cannot see into
            owner, what, where = parts[1], parts[2], ours[marker][1]
        elif parts[0] == "meta" and len(parts) == 2:
            if "meta" in ours or "meta" in theirs:
                continue  # a metaclass may set options the reader cannot see
            owner, what = "", "Meta." + parts[1]
            where = ours[key][1] if key in ours else table.location
        else:
            continue
        mine = ours[key][0] if key in ours else ""  # "": not written (the default)
        written = theirs.get(key, "")
        if mine is None or written is None:
            continue  # unknown on one side: nothing proven
        if mine != written:
            changed.setdefault(owner, []).append(what)
            places.setdefault(owner, where)
    for owner, whats in changed.items():
        yield owner, whats, places.get(owner) or table.location


@rule(
    "SL504",
    "model-state-not-in-migrations",
    "A model's choices, verbose_name, ordering, ... differ from its migrations (no schema change)",
    level="migrations",
)
def model_state_not_in_migrations(ctx: MigrationsContext) -> None:
    mirror = ctx.mirror
    tables = mirror.tables
    heads = tables.heads if isinstance(tables, LazyTables) else [TableHead.of(t) for t in tables]
    by_model = {head.model: index for index, head in enumerate(heads) if head.model}  # (the last wins)
    for index, table in enumerate(ctx.truth.tables):
        app = (table.model or "").split(".")[0]
        other = by_model.get(table.model or "")
        latest = _latest(mirror, app)
        if other is None or latest is None:
            continue  # a model not in migrations at all is SL501's
        # (memoised per pair of tables: only the migrations' tables it compares are loaded)
        found = ctx.per_pair(index, other, partial(_pair_differences, table, tables, other))
        for owner, whats, where in found:
            subject = f"{table.model}.{owner}" if owner else f"{table.model}"
            ctx.report(
                f"{subject}: {', '.join(whats)} differ{'s' if len(whats) == 1 else ''} from migrations "
                f"(state only, no schema change; latest {latest}); run makemigrations",
                location=where,
                table=table.name,
            )


_MODELS = """
    from django.db import models

    class Stock(models.Model):
        class Sector(models.TextChoices):
            TECH = "tech", "Technology"
            ENERGY = "energy"

        symbol = models.CharField(max_length=10, help_text="Ticker")
        sector = models.CharField(max_length=10, choices=Sector.choices, default=Sector.TECH)

        class Meta:
            ordering = ["symbol"]
"""

_INITIAL = (
    "0001_initial",
    """
    from django.db import migrations, models


    class Migration(migrations.Migration):

        initial = True

        dependencies = []

        operations = [
            migrations.CreateModel(
                name="Stock",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("symbol", models.CharField(help_text="Ticker", max_length=10)),
                    ("sector", models.CharField(choices=[("tech", "Technology"), ("energy", "Energy")], default="tech", max_length=10)),
                ],
                options={"ordering": ["symbol"]},
            ),
        ]
""",
)

VALID = [
    Case(django=_MODELS, migrations=(_INITIAL,)),
    # Written differently, deconstructed the same: defaults spelled out, a translated text.
    Case(
        django=_MODELS.replace('help_text="Ticker"', 'help_text=_("Ticker"), blank=False, editable=True').replace(
            "from django.db import models",
            "from django.db import models\n    from django.utils.translation import gettext_lazy as _",
        ),
        migrations=(_INITIAL,),
    ),
    # A schema difference is SL501's, not this rule's.
    Case(django=_MODELS.replace("max_length=10, help_text", "max_length=12, help_text"), migrations=(_INITIAL,)),
]

INVALID = [
    Case(
        django=_MODELS.replace('help_text="Ticker"', 'help_text="Exchange ticker"'),
        migrations=(_INITIAL,),
        expect=("django:8",),
        message="shop.Stock.symbol: help_text differs from migrations (state only, no schema change; latest shop/0001_initial)",
    ),
    Case(
        django=_MODELS.replace('ENERGY = "energy"', 'ENERGY = "energy", "Oil and gas"'),
        migrations=(_INITIAL,),
        expect=("django:9",),
        message="shop.Stock.sector: choices differs",
    ),
    Case(
        django=_MODELS.replace('ordering = ["symbol"]', 'ordering = ["-symbol"]'),
        migrations=(_INITIAL,),
        expect=("django:12",),
        message="shop.Stock: Meta.ordering differs",
    ),
]

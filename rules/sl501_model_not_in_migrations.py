"""A model's schema that its app's migrations do not build: `makemigrations` was not run.

## What it does
Replays the app's migrations (the way `migrate` would on a fresh database) and compares the
schema they build with the schema the models declare, model by model (by `app.Model`, so a
changed `db_table` is one difference, not a missing and an extra table). Each difference is
reported at the model's field or class and names the app's latest migration: a model, a
column, an index or a constraint missing from the migrations or left in them, a column whose
type, nullability, default, primary key, foreign key or comment differs, a table name or
comment that differs. Apps without a `migrations/` folder are not checked.

## Why it matters
`makemigrations` forgotten is the commonest drift of all: the model says one thing, the
database that `migrate` builds says another, and the first to find out is production. This
rule is `manage.py makemigrations --check` without settings or a database, in the same fast run.

## Example
```python
class Stock(models.Model):
    market_cap = models.BigIntegerField(null=True)   # no migration adds it
```

## How to fix
Run `python manage.py makemigrations` and commit the migration.

## How to silence
`# noqa: SL501` on the field or class line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields, replace
from functools import partial
from typing import Any

from schemalint.context import MigrationsContext
from schemalint.model import Column, ColumnPart, ForeignKey, Index, LazyTables, Location, Schema, Table, TableHead
from schemalint.registry import Case, rule

PerPair = Callable[[int, int, Callable[[], Any]], Any]

# What of a column `migrate` gives it, as (the Table.unknown/Column.unknown part, label).
_COLUMN_FACTS: tuple[tuple[ColumnPart, str], ...] = (
    ("type", "type"),
    ("nullable", "nullable"),
    ("default", "default"),
    ("identity", "identity"),
    ("generated", "generated"),
    ("comment", "comment"),
)


def _latest(schema: Schema, app: str) -> str | None:
    for key, value in schema.properties:
        if key == f"latest:{app}":
            return f"{app}/{value}"
    return None


def _value(column: Column, part: str) -> object:
    return getattr(column, part)


def _plain(item: object) -> object:
    """An index or constraint without where it is written (what `migrate` builds), and for one
    nobody named, without its name: the database keeps the name it was made with when a
    migration renames the table or column, which `makemigrations` never compares."""
    if not getattr(item, "implicit", False):
        return replace(item, location=None)  # type: ignore[type-var]
    if isinstance(item, Index) and item.origin == "index":
        # A Meta index without a name: makemigrations writes the name it computes.
        return replace(item, location=None, implicit=False)
    return replace(item, location=None, name="")  # type: ignore[type-var]


def _objects(table: Table, kind: str) -> dict[object, object]:
    return {_plain(item): item for item in getattr(table, kind)}


def _heads(schema: Schema) -> Sequence[TableHead]:
    """The heads of `schema`'s tables; when they are stored (`LazyTables`), none is loaded."""
    tables = schema.tables
    return tables.heads if isinstance(tables, LazyTables) else [TableHead.of(t) for t in tables]


def _direct(truth: int, mirror: int, compute: Callable[[], Any]) -> Any:
    return compute()


def differences(
    models: Schema, migrations: Schema, per_pair: PerPair = _direct
) -> Iterator[tuple[str, Location | None, Table, str | None]]:
    """(what differs, where in the models, the model's table, the column) for each difference.
    `per_pair`: `MigrationsContext.per_pair` (what one model's tables give, memoised)."""
    heads = _heads(migrations)
    by_model = {head.model: index for index, head in enumerate(heads) if head.model}  # (the last wins)
    seen: set[str] = set()
    for index, table in enumerate(models.tables):
        app = (table.model or "").split(".")[0]
        if not table.model or _latest(migrations, app) is None:
            continue
        seen.add(table.model)
        other = by_model.get(table.model)
        if other is None:
            if "exists" not in table.unknown and migrations.complete:
                yield f"{table.model} (table {table.name}) is not in migrations", table.location, table, None
            continue
        found = per_pair(index, other, partial(_pair_differences, table, migrations.tables, other))
        for what, where, column in found:
            yield what, where, table, column
    models_by_app = {(t.model or "").split(".")[0]: t for t in models.tables if t.model}
    for index, head in enumerate(heads):
        app = (head.model or "").split(".")[0]
        if (
            head.model
            and head.model not in seen
            and app in models_by_app
            and models.complete
            and "exists" not in head.unknown
        ):
            table = migrations.tables[index]
            where = models_by_app[app].location
            at = Location(where.path, 1, 1) if where else table.location
            yield f"{table.model} (table {table.name}) is in migrations but not in the models", at, table, None


def _pair_differences(
    table: Table, tables: Sequence[Table], other: int
) -> list[tuple[str, Location | None, str | None]]:
    return [(what, where, column) for what, where, _, column in _table_differences(table, tables[other])]


def _table_differences(table: Table, other: Table) -> Iterator[tuple[str, Location | None, Table, str | None]]:
    label = table.model
    if "name" not in table.unknown + other.unknown and (table.name, table.schema) != (other.name, other.schema):
        yield f"{label}'s table is {table.name} in the model, {other.name} in migrations", table.location, table, None
    if "comment" not in table.unknown + other.unknown and table.comment != other.comment:
        yield f"{label}'s table comment differs from migrations", table.location, table, None
    if "columns" not in table.unknown + other.unknown:
        yield from _column_differences(table, other)
    # Columns whose foreign key target or type one side cannot know: whether they have a foreign
    # key, an index (`_like` follows the type) or a constraint is not decided either.
    undecided = {c.name for t in (table, other) for c in t.columns if not (c.known("references") and c.known("type"))}
    for kind, part, noun in (
        ("indexes", "indexes", "index"),
        ("constraints", "constraints", "constraint"),
        ("foreign_keys", "columns", "foreign key"),
    ):
        if part in table.unknown + other.unknown:
            continue
        ours_, theirs_ = _objects(table, kind), _objects(other, kind)
        missing = [
            item
            for key, item in ours_.items()
            if key not in theirs_
            and not getattr(item, "unknown", ())
            and not undecided & set(getattr(item, "columns", ()))
        ]
        extra = {
            _identity(item): item
            for key, item in theirs_.items()
            if key not in ours_
            and not getattr(item, "unknown", ())
            and not undecided & set(getattr(item, "columns", ()))
        }
        for item in missing:
            name = getattr(item, "name", None) or ", ".join(getattr(item, "columns", ()))
            where = getattr(item, "location", None) or table.location
            before = extra.pop(_identity(item), None)
            if before is not None:  # the same object, changed: one finding, not a remove and an add
                yield f"{label}: {noun} {name} differs from migrations ({_changed(item, before)})", where, table, None
            else:
                yield f"{label}: {noun} {name} is not in migrations", where, table, None
        for item in extra.values():
            name = getattr(item, "name", None) or ", ".join(getattr(item, "columns", ()))
            yield f"{label}: {noun} {name} is in migrations but not in the model", table.location, table, None


def _identity(item: object) -> object:
    """What makes two objects the same one, changed: its name, or a foreign key's columns."""
    if isinstance(item, ForeignKey):
        return ("fk", item.columns)
    return getattr(item, "name", None) or (type(item).__name__, getattr(item, "columns", ()))


_LABELS = {"declared_on_delete": "on_delete", "ref_table": "references", "ref_columns": "references"}


def _changed(item: object, before: object) -> str:
    ours, theirs = _plain(item), _plain(before)
    names = [
        _LABELS.get(f.name, f.name.replace("_", " "))
        for f in fields(ours)  # type: ignore[arg-type]
        if f.name not in ("location", "implicit") and getattr(ours, f.name) != getattr(theirs, f.name)
    ]
    return ", ".join(dict.fromkeys(names)) or "definition"


def _column_differences(table: Table, other: Table) -> Iterator[tuple[str, Location | None, Table, str | None]]:
    label = table.model
    theirs = {c.name: c for c in other.columns}
    ours = {c.name for c in table.columns}
    added = [c for c in table.columns if c.name not in theirs]
    removed = [c for c in other.columns if c.name not in ours]
    for column in table.columns:
        found = theirs.get(column.name)
        if found is None:
            renamed = [old.name for old in removed if _same_definition(table, column, other, old)]
            hint = _rename_hint(table, other, renamed[0], column.name) if len(renamed) == 1 else ""
            yield (
                f"{label}.{column.name} is not in migrations{hint}",
                column.location or table.location,
                table,
                column.name,
            )
            continue
        typed = column.known("type") and found.known("type")  # an unknown field class: identity too
        changed = [
            label_
            for part, label_ in _COLUMN_FACTS
            if column.known(part)
            and found.known(part)
            and (typed or part not in ("identity", "default", "generated"))
            and _value(column, part) != _value(found, part)
        ]
        if (
            table.primary_key
            and other.primary_key
            and (column.name in table.primary_key.columns) != (column.name in other.primary_key.columns)
        ):
            changed.append("primary key")
        if changed:
            yield (
                f"{label}.{column.name} differs from migrations ({', '.join(changed)})",
                column.location or table.location,
                table,
                column.name,
            )
    for column in removed:
        renamed = [new.name for new in added if _same_definition(table, new, other, column)]
        hint = _rename_hint(table, other, column.name, renamed[0]) if len(renamed) == 1 else ""
        yield f"{label}.{column.name} is in migrations but not in the model{hint}", table.location, table, column.name


def _same_definition(table: Table, new: Column, other: Table, old: Column) -> bool:
    """Whether the autodetector would ask "Did you rename ...?": the same column facts, the
    same foreign key target, the same state-only field arguments."""
    if any(
        not (new.known(part) and old.known(part)) or _value(new, part) != _value(old, part) for part, _ in _COLUMN_FACTS
    ):
        return False
    refs = {fk.columns: (fk.ref_table, fk.ref_columns) for fk in table.foreign_keys}
    their_refs = {fk.columns: (fk.ref_table, fk.ref_columns) for fk in other.foreign_keys}
    if refs.get((new.name,)) != their_refs.get((old.name,)):
        return False
    return _field_state(table, new.name) == _field_state(other, old.name)


def _field_name(table: Table, column: str) -> str:
    """The model field that makes `column` (`stock` for `stock_id`), by the state's markers."""
    fields_ = {key for key, _, _ in table.state if key.count(":") == 1}
    return next((n for n in (column, column.removesuffix("_id")) if f"field:{n}" in fields_), column)


def _field_state(table: Table, column: str) -> dict[str, str | None]:
    prefix = f"field:{_field_name(table, column)}:"
    return {key[len(prefix) :]: value for key, value, _ in table.state if key.startswith(prefix)}


_HINT = "\x00"
"""Separates a rename hint from the difference it goes with (the rule puts it last)."""


def _rename_hint(table: Table, other: Table, old: str, new: str) -> str:
    """`old` and `new` are columns (of `other`, the migrations, and of `table`); the hint
    names fields, as the autodetector's question does."""
    model = (table.model or "").split(".")[-1].lower()
    old, new = _field_name(other, old), _field_name(table, new)
    return (
        f'{_HINT}it looks like a rename of {old} to {new} (makemigrations asks "Did you rename {model}.{old} to '
        f'{model}.{new}?"; without a terminal it removes and adds)'
    )


@rule(
    "SL501",
    "model-not-in-migrations",
    "A model's schema differs from what its migrations build (run makemigrations)",
    level="migrations",
)
def model_not_in_migrations(ctx: MigrationsContext) -> None:
    for what, where, table, column in differences(ctx.truth, ctx.mirror, ctx.per_pair):
        app = (table.model or "").split(".")[0]
        latest = _latest(ctx.mirror, app)
        what, _, hint = what.partition(_HINT)
        message = f"{what} (latest {latest}); run makemigrations" + (f"; {hint}" if hint else "")
        ctx.report(message, location=where, table=table.name, column=column)


_MODELS = """
    from django.db import models

    class Stock(models.Model):
        symbol = models.CharField(max_length=10)
        market_cap = models.BigIntegerField(null=True)
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
                    ("symbol", models.CharField(max_length=10)),
                ],
            ),
        ]
""",
)

_MARKET_CAP = (
    "0002_stock_market_cap",
    """
    from django.db import migrations, models


    class Migration(migrations.Migration):

        dependencies = [("shop", "0001_initial")]

        operations = [
            migrations.AddField(model_name="stock", name="market_cap", field=models.BigIntegerField(null=True)),
        ]
""",
)

VALID = [
    Case(django=_MODELS, migrations=(_INITIAL, _MARKET_CAP)),
    # The same field, renamed in a later migration: replayed, so in sync.
    Case(
        django=_MODELS.replace("symbol =", "ticker ="),
        migrations=(
            _INITIAL,
            _MARKET_CAP,
            (
                "0003_rename",
                """
        from django.db import migrations


        class Migration(migrations.Migration):
            dependencies = [("shop", "0002_stock_market_cap")]
            operations = [migrations.RenameField(model_name="stock", old_name="symbol", new_name="ticker")]
    """,
            ),
        ),
    ),
    # A project without migrations is not checked.
    Case(django=_MODELS),
    # A model an operation schemalint cannot replay may have deleted (wagtail's
    # `DeleteModelIfExists(migrations.DeleteModel)`): its SL002 says so, no SL501.
    Case(
        django=_MODELS,
        migrations=(
            _INITIAL,
            _MARKET_CAP,
            (
                "0003_legacy",
                """
        from django.db import migrations, models


        class DeleteModelIfExists(migrations.DeleteModel):
            pass


        class Migration(migrations.Migration):
            dependencies = [("shop", "0002_stock_market_cap")]
            operations = [
                migrations.CreateModel(name="Legacy", fields=[("id", models.AutoField(primary_key=True))]),
                DeleteModelIfExists(name="Legacy"),
            ]
    """,
            ),
        ),
    ),
]

INVALID = [
    Case(
        django=_MODELS,
        migrations=(_INITIAL,),
        expect=("django:5",),
        message="shop.Stock.market_cap is not in migrations (latest shop/0001_initial); run makemigrations",
    ),
    Case(
        django=_MODELS.replace("max_length=10", "max_length=12"),
        migrations=(_INITIAL, _MARKET_CAP),
        expect=("django:4",),
        message="shop.Stock.symbol differs from migrations (type)",
    ),
    # A rename that non-interactive makemigrations writes as a remove and an add: both, hinted.
    Case(
        django=_MODELS.replace("symbol =", "ticker ="),
        migrations=(_INITIAL, _MARKET_CAP),
        expect=("django:3", "django:4"),
        message='shop.Stock.symbol is in migrations but not in the model (latest shop/0002_stock_market_cap); run makemigrations; it looks like a rename of symbol to ticker (makemigrations asks "Did you rename stock.symbol to stock.ticker?"',
    ),
    # A foreign key whose on_delete changed: one finding, not a remove and an add.
    Case(
        django=_MODELS
        + """
    class Quote(models.Model):
        stock = models.ForeignKey(Stock, on_delete=models.PROTECT)
""",
        migrations=(
            _INITIAL,
            _MARKET_CAP,
            (
                "0003_quote",
                """
        from django.db import migrations, models
        import django.db.models.deletion


        class Migration(migrations.Migration):
            dependencies = [("shop", "0002_stock_market_cap")]
            operations = [
                migrations.CreateModel(name="Quote", fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("stock", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="shop.stock")),
                ]),
            ]
    """,
            ),
        ),
        expect=("django:8",),
        message="shop.Quote: foreign key shop_quote_stock_id_0c210604_fk_shop_stock_id differs from migrations (on_delete)",
    ),
    Case(
        django=_MODELS
        + """
    class Market(models.Model):
        name = models.CharField(max_length=20)
""",
        migrations=(_INITIAL, _MARKET_CAP),
        expect=("django:7",),
        message="shop.Market (table shop_market) is not in migrations",
    ),
]

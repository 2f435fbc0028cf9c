"""A Django migration on disk that the database has not applied.

## What it does
When the check includes a database (`--database-url` or `--database-snapshot`), compares the
migrations recorded in its `django_migrations` table with the migration files of the apps
whose models are the source of truth (`<app>/migrations/*.py`; the app label comes from
`apps.py`'s `label` or the folder name). Each migration file without a row is reported at the
file, as `manage.py showmigrations` would show it unticked. A squashed migration counts as
applied when everything it `replaces` is. A database without a `django_migrations` table was
not built by `migrate`: nothing is reported then.

## Why it matters
The models (and their migrations) say what the schema should be; a migration that never ran
on the database means the database is behind the code, whatever the other findings say about
the tables it would have changed.

## Example
```text
app_django/apps/options/migrations/0004_stock_sector.py   (on disk)
django_migrations: options.0001_initial ... options.0003_indexes   (no 0004)
-> app_django/apps/options/migrations/0004_stock_sector.py:1:1: SL601 migration
   options.0004_stock_sector is not applied to the database
```

## How to fix
Run `python manage.py migrate` against that database (or delete a migration that was never
meant to be committed).

## How to silence
`per-file-ignores = { "*/migrations/0004_stock_sector.py" = ["SL601"] }` for one migration,
or `ignore = ["SL601"]`. (A `noqa` comment in a migration file is not read: migration files
are not sources of the check.)
"""

from schemalint.context import SchemaContext
from schemalint.registry import Case, rule


@rule(
    "SL601",
    "unapplied-migration",
    "A Django migration on disk is not applied to the database",
    level="schema",
    claims=("unapplied-migration",),
)
def unapplied_migration(ctx: SchemaContext) -> None:
    ctx.report_diagnostics()


# A `Case` is files only; it cannot hold a database. Without one the rule is silent, which is
# what the VALID case shows. The reports themselves are tested against a real PostgreSQL in
# tests/database/test_database_mirror.py (a Case that claimed to show them would be dishonest).
VALID = [
    Case(
        django="""
        from django.db import models

        class Stock(models.Model):
            symbol = models.CharField(max_length=10)
    """
    ),
]

INVALID: list[Case] = []

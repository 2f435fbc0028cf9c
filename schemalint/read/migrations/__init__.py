"""The migrations reader: `<app>/migrations/*.py` -> the schema `migrate` creates on PostgreSQL.

Read statically with libcst, never imported. `extract` (extract.py) keeps one file's
`dependencies`, `replaces`, `run_before` and `operations` as the Django reader's facts, names
made absolute; `link` builds the migration graph as Django's loader does for a fresh database
(graph.py: squashes in place of what they replace, `__first__`/`__latest__`,
`swappable_dependency(settings.AUTH_USER_MODEL)`, django.contrib migrations as known), replays
the operations in plan order into each model's state (state.py), and hands that state to the
Django reader as if it were a models.py (state -> one class per model, its fields the calls
written in the migrations, its options as `Meta`): names, types, indexes and constraints come
out exactly as for models. Locations point at the operation that last wrote each fact.

Unknown is not absent: an operation the reader cannot replay (a custom operation, RunSQL
that changes tables, SeparateDatabaseAndState whose database operations differ from its state
operations, `operations` built by code) is one SL002 and marks what it touches unknown.
Implicit names (Django's `<table>_<column>_<hash>` indexes and foreign keys, PostgreSQL's
`_key`/`_check`/`_pkey`) are the ones each object got when it was made: a database keeps them
when a migration renames the table or column, and Django makes again only the foreign key
constraints it alters (the field changes in the database, its target model is renamed);
link.birth_names recomputes them (proven against real `migrate` in tests/migrations/
test_renamed_names.py). Known limitations: a `_like` or field index that an AlterField makes
again after a rename keeps its first name here; many-to-many tables renamed with their model
keep the final names; `AlterModelManagers` and `RunPython` have no schema effect and are
skipped; the database operations of SeparateDatabaseAndState and DDL in RunSQL are not
applied (SL002, `Schema.complete` False).

Other findings the reader makes: SL502 (an app's graph has two leaves: `makemigrations
--merge`), SL503 (a dependency on a migration that does not exist), SL001 (a file that does
not parse or has no `Migration` class).
"""

from __future__ import annotations

from schemalint.read.versions import READER_VERSIONS


class _MigrationsReader:
    source = "migrations"
    version = READER_VERSIONS["migrations"]

    def extract(self, file, settings):
        from schemalint.read.migrations.extract import extract

        return extract(file, settings)

    def link(self, facts, project):
        from schemalint.read.migrations.link import link

        return link(list(facts), project)

    def relink(self, schema, state, facts, project, changed):
        """After a models module the link read changed (the Django reader's `relink`)."""
        from schemalint.read.migrations.link import relink

        return relink(schema, state, list(facts), project, set(changed))


READER = _MigrationsReader()

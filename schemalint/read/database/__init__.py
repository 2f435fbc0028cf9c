"""The database reader: a live PostgreSQL catalog (or a snapshot of one) as a `Schema`.

Unlike the file readers there is nothing to extract, cache or link: the catalog is read fresh
on every run, in one READ ONLY transaction with a statement timeout (`connect.py`), with a
few batched queries (`catalog.py`). The result is the same `Schema` every reader returns,
with source `database` and, for a file, the listing `<database>` (`listing.py`).

`database_mirror` prepares it for a check against the source of truth: Django's own tables
(`django_migrations`, `auth_user`, ...) are known, not extra, and migrations on disk that
the database has not applied become SL601 diagnostics (`migrations.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from schemalint.config import Config
from schemalint.model import Schema, Table
from schemalint.read.database.connect import INSTALL_HINT, DatabaseError, read_only_session
from schemalint.read.database.listing import LABEL, render
from schemalint.read.database.migrations import applied_migrations, unapplied_migrations

__all__ = ["DatabaseError", "DatabaseMirror", "INSTALL_HINT", "LABEL", "database_mirror", "read_database"]

SOURCE = "database"

# What `migrate` of Django itself and of its contrib apps creates (Django 5.2): tables the
# models of a project never declare and a database of a Django project always has.
DJANGO_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "django_session",
        "django_admin_log",
        "django_site",
        "django_redirect",
        "django_flatpage",
        "django_flatpage_sites",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
        "auth_user",
        "auth_user_groups",
        "auth_user_user_permissions",
    }
)


@dataclass(frozen=True)
class DatabaseMirror:
    schema: Schema
    read: tuple[Table, ...]
    """Every table read, as numbered in the listing (the schema may leave some out)."""

    def listing(self) -> str:
        """The text `<database>` stands for (what `--format full` prints)."""
        return render(self.read)


def read_database(config: Config) -> DatabaseMirror:
    """The database named by `config.database_url`, or the snapshot `config.database_snapshot`."""
    if config.database_snapshot:
        from schemalint.read.database.snapshot import load_snapshot

        tables, properties = load_snapshot(config.root / config.database_snapshot)
        enums: list = []
    else:
        from schemalint.read.database.catalog import read_catalog

        schemas = config.database_schemas or (config.default_schema,)
        with read_only_session(config.database_url or "", config.database_timeout) as conn:
            tables, enums, properties = read_catalog(conn, schemas, config.default_schema)
    read = tuple(tables)
    schema = Schema(
        SOURCE, tables=read, files=(LABEL,), properties=tuple(sorted(properties.items())), enums=tuple(enums)
    )
    return DatabaseMirror(schema, read)


def database_mirror(config: Config, truth: Schema) -> DatabaseMirror:
    """The database as a mirror of `truth`: without Django's own tables (unless the truth
    declares them), with an SL601 for every migration of the truth's apps it has not applied."""
    mirror = read_database(config)
    declared = {t.name for t in truth.tables}
    tables = tuple(t for t in mirror.schema.tables if t.name not in DJANGO_TABLES or t.name in declared)
    diagnostics = mirror.schema.diagnostics
    applied = applied_migrations(mirror.schema)
    if truth.source == "django" and applied is not None:
        diagnostics += tuple(unapplied_migrations(Path(config.root), truth.files, applied))
    return replace(mirror, schema=replace(mirror.schema, tables=tables, diagnostics=diagnostics))

"""Generate a realistic, in-sync project in the seed's layout, for the benchmark.

    python tests/bench/generate.py --models 200 --out tests/bench/projects/n200

Writes, for N Django models in apps of ~10 models each:

* `app_django/` — `manage.py`, `config/settings.py`, one package per app under `apps/` with
  `models.py`, `apps.py` and initial migrations made by the real `makemigrations`;
* `src/database/models.py` — the SQLAlchemy mirror of every model, in one file, seed style
  (`Column(...)`, a "mirrors Django apps.x.models.Y" docstring, `__table_args__`);
* `scripts/database/schema.sql` — the SQL mirror written the way such files grow: the
  tables as first created, then years of dated `ALTER`s, index additions, widened columns and
  columns added then dropped, ending in the same schema as the models.

The output is a pure function of (N, seed): the same arguments give byte-identical files, so
benchmark runs on different days measure the same project. No import of schemalint here.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = "5"
"""Bumped when the output changes: the runner regenerates projects with another stamp."""

APP_WORDS = (
    "options",
    "strategies",
    "data_collection",
    "accounts",
    "billing",
    "catalog",
    "orders",
    "inventory",
    "shipping",
    "reports",
    "alerts",
    "pricing",
    "risk",
    "ledger",
    "market",
    "portfolio",
    "signals",
    "research",
    "compliance",
    "audit",
)
NOUNS = (
    "Stock",
    "Snapshot",
    "Contract",
    "Quote",
    "Trade",
    "Position",
    "Account",
    "Invoice",
    "Payment",
    "Order",
    "Item",
    "Shipment",
    "Carrier",
    "Report",
    "Alert",
    "Rule",
    "Price",
    "Bucket",
    "Limit",
    "Entry",
    "Journal",
    "Signal",
    "Score",
    "Note",
    "Review",
    "Event",
    "Job",
    "Run",
    "Batch",
    "Source",
    "Vendor",
    "Exchange",
    "Sector",
    "Currency",
    "Rate",
)
ADJECTIVES = ("", "Daily", "Historic", "Pending", "Archived", "Market", "User", "Option", "Core", "External")
FIELD_WORDS = (
    "symbol",
    "name",
    "title",
    "status",
    "code",
    "label",
    "description",
    "notes",
    "price",
    "amount",
    "quantity",
    "volume",
    "score",
    "ratio",
    "strike",
    "premium",
    "delta",
    "gamma",
    "opened_at",
    "closed_at",
    "expires_on",
    "traded_on",
    "external_ref",
    "payload",
    "metadata",
    "is_active",
    "is_archived",
    "priority",
    "attempts",
    "region",
    "currency",
    "email",
    "uuid",
)
ON_DELETE = ("CASCADE", "SET_NULL", "CASCADE", "CASCADE")


# --------------------------------------------------------------------------- the model


@dataclass
class FieldSpec:
    """One Django field and how each mirror spells it."""

    name: str
    kind: str
    """char, text, int, bigint, smallint, decimal, bool, datetime, date, json, uuid, float, email, fk"""
    null: bool = False
    max_length: int = 0
    digits: tuple[int, int] = (0, 0)
    unique: bool = False
    db_index: bool = False
    target: ModelSpec | None = None
    on_delete: str = "CASCADE"
    help_text: str = ""
    app_of_owner: str = ""
    old_max_length: int = 0
    """For char fields widened over the years: the length first created in schema.sql."""

    @property
    def column(self) -> str:
        return f"{self.name}_id" if self.kind == "fk" else self.name


@dataclass
class ModelSpec:
    app: str
    name: str
    table: str
    fields: list[FieldSpec] = field(default_factory=list)
    indexes: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    """(explicit name, columns) — the seed names every index by hand."""
    unique_together: tuple[str, ...] = ()
    version_added: int = 0
    number: int = 0


def _pick_fields(rng: random.Random, count: int) -> list[str]:
    names = rng.sample(FIELD_WORDS, count)
    return sorted(names, key=FIELD_WORDS.index)


def _field_for(name: str, rng: random.Random) -> FieldSpec:
    if name in ("symbol", "code", "status", "region", "currency", "label"):
        length = rng.choice((10, 16, 20, 32, 50))
        return FieldSpec(
            name,
            "char",
            max_length=length,
            db_index=rng.random() < 0.3,
            old_max_length=length // 2 if rng.random() < 0.2 else 0,
        )
    if name in ("name", "title", "external_ref"):
        return FieldSpec(
            name,
            "char",
            max_length=rng.choice((100, 200, 255)),
            null=rng.random() < 0.3,
            unique=name == "external_ref" and rng.random() < 0.5,
        )
    if name in ("description", "notes"):
        return FieldSpec(name, "text", null=True)
    if name in ("price", "amount", "strike", "premium"):
        return FieldSpec(name, "decimal", digits=rng.choice(((10, 2), (12, 4), (18, 6))), null=rng.random() < 0.5)
    if name in ("delta", "gamma", "ratio", "score"):
        return FieldSpec(name, "float", null=True)
    if name in ("quantity", "attempts", "priority"):
        return FieldSpec(name, rng.choice(("int", "smallint")), null=False)
    if name == "volume":
        return FieldSpec(name, "bigint", null=True)
    if name in ("opened_at", "closed_at"):
        return FieldSpec(name, "datetime", null=name == "closed_at", db_index=rng.random() < 0.4)
    if name in ("expires_on", "traded_on"):
        return FieldSpec(name, "date", null=rng.random() < 0.5)
    if name in ("payload", "metadata"):
        return FieldSpec(name, "json", null=rng.random() < 0.5)
    if name in ("is_active", "is_archived"):
        return FieldSpec(name, "bool")
    if name == "email":
        return FieldSpec(name, "email", max_length=254, null=True)
    if name == "uuid":
        return FieldSpec(name, "uuid", unique=True)
    raise AssertionError(name)


def _index_name(number: int, columns: str, kind: str = "idx") -> str:
    """A hand-written index name short enough for Django (at most 30 characters)."""
    return f"{kind}_m{number}_{columns}"[:30]


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def build_models(count: int, seed: int) -> list[ModelSpec]:
    rng = random.Random(seed)
    apps_needed = max(1, round(count / 10))
    apps = [
        APP_WORDS[i % len(APP_WORDS)] + ("" if i < len(APP_WORDS) else f"_{i // len(APP_WORDS)}")
        for i in range(apps_needed)
    ]
    models: list[ModelSpec] = []
    used_names: set[str] = set()
    for i in range(count):
        app = apps[i * apps_needed // count]
        while True:
            name = rng.choice(ADJECTIVES) + rng.choice(NOUNS)
            if name not in used_names:
                break
            name += str(i)
            if name not in used_names:
                break
        used_names.add(name)
        model = ModelSpec(app=app, name=name, table=f"{app}_{_snake(name)}s", version_added=i * 12 // count, number=i)
        model.fields = [_field_for(n, rng) for n in _pick_fields(rng, rng.randint(6, 14))]
        # Foreign keys to earlier models, mostly within the app: the usual shape of a schema.
        for _ in range(rng.choice((0, 1, 1, 2))):
            if not models:
                break
            same_app = [m for m in models[-12:] if m.app == app] or models[-12:]
            target = rng.choice(same_app)
            fk_name = _snake(target.name)
            if any(f.name == fk_name for f in model.fields):
                continue
            on_delete = rng.choice(ON_DELETE)
            model.fields.append(
                FieldSpec(
                    fk_name, "fk", target=target, on_delete=on_delete, null=on_delete == "SET_NULL", app_of_owner=app
                )
            )
        model.fields.append(FieldSpec("created_at", "datetime"))
        model.fields.append(FieldSpec("updated_at", "datetime"))
        indexable = [
            f
            for f in model.fields
            if f.kind in ("char", "datetime", "date", "int", "bigint") and not f.unique and not f.db_index
        ]
        for f in rng.sample(indexable, min(len(indexable), rng.choice((0, 1, 2)))):
            model.indexes.append((_index_name(model.number, f.column, "by"), (f.column,)))
        if len(indexable) >= 2 and rng.random() < 0.3:
            a, b = indexable[:2]
            model.indexes.append((_index_name(model.number, f"{a.column}_{b.column}", "by"), (a.column, b.column)))
        chars = [f for f in model.fields if f.kind == "char" and not f.unique and not f.null]
        if len(chars) >= 1 and any(f.kind == "fk" and not f.null for f in model.fields) and rng.random() < 0.3:
            fk = next(f for f in model.fields if f.kind == "fk" and not f.null)
            model.unique_together = (fk.name, chars[0].name)
        models.append(model)
    return models


# --------------------------------------------------------------------------- Django


def _django_field(f: FieldSpec) -> str:
    args: list[str] = []
    if f.kind == "fk":
        target = f.target
        assert target is not None
        ref = f"'{target.name}'" if target.app == f.app_of_owner else f"'{target.app}.{target.name}'"
        args = [ref, f"on_delete=models.{f.on_delete}", "related_name='+'"]
        if f.null:
            args += ["null=True", "blank=True"]
        return f"models.ForeignKey({', '.join(args)})"
    cls = {
        "char": "CharField",
        "text": "TextField",
        "int": "IntegerField",
        "bigint": "BigIntegerField",
        "smallint": "SmallIntegerField",
        "decimal": "DecimalField",
        "bool": "BooleanField",
        "datetime": "DateTimeField",
        "date": "DateField",
        "json": "JSONField",
        "uuid": "UUIDField",
        "float": "FloatField",
        "email": "EmailField",
    }[f.kind]
    if f.kind == "char":
        args.append(f"max_length={f.max_length}")
    if f.kind == "decimal":
        args.append(f"max_digits={f.digits[0]}, decimal_places={f.digits[1]}")
    if f.kind == "email":
        args.append("max_length=254")
    if f.null:
        args.append("null=True, blank=True")
    if f.unique:
        args.append("unique=True")
    if f.db_index:
        args.append("db_index=True")
    if f.kind == "bool":
        args.append("default=False")
    if f.kind == "json":
        args.append("default=dict")
    if f.kind == "uuid":
        args.append("default=uuid.uuid4, editable=False")
    if f.name == "created_at":
        args.append("auto_now_add=True")
    if f.name == "updated_at":
        args.append("auto_now=True")
    if f.kind in ("int", "smallint") and not f.null:
        args.append("default=0")
    if f.help_text:
        args.append(f"help_text={f.help_text!r}")
    return f"models.{cls}({', '.join(args)})"


CODE_FIELDS = ("symbol", "code", "currency")
"""Char fields declared with the app's custom `CodeField` (a CharField subclass)."""
INHERITED = ("created_at", "updated_at")
"""Fields every model gets from the app's abstract `TimeStampedModel`."""

APP_PREAMBLE = '''\
"""Models of the {app} app.

Every model here is timestamped (`TimeStampedModel`); codes are stored upper-case
(`CodeField`); statuses come from `Status`.
"""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Life cycle of a record of the {app} app."""

    NEW = "new", _("New")
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    VOID = "void", _("Void")


class CodeField(models.CharField):
    """An identifier stored upper-case (ticker symbols, currency and product codes).

    Lookups compare upper-case too, so `filter(symbol="aapl")` finds "AAPL".
    """

    description = _("Upper-case code")

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if isinstance(value, str):
            return value.strip().upper()
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().upper() if isinstance(value, str) else value


class TimeStampedModel(models.Model):
    """Creation and modification times, shared by every model of the app."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def age(self):
        """Time since the row was created (zero before the first save)."""
        if self.created_at is None:
            return timezone.timedelta(0)
        return timezone.now() - self.created_at

    def touch(self, save=True):
        """Bump `updated_at` without changing anything else."""
        self.updated_at = timezone.now()
        if save:
            self.save(update_fields=["updated_at"])
'''


def _queryset_py(model: ModelSpec) -> list[str]:
    """A custom QuerySet used as the model's manager (`objects = ...QuerySet.as_manager()`)."""
    names = {f.name for f in model.fields}
    active = "is_active=True" if "is_active" in names else "created_at__isnull=False"
    return [
        "",
        "",
        f"class {model.name}QuerySet(models.QuerySet):",
        f'    """Queries on {model.name} rows that the views and tasks share."""',
        "",
        "    def active(self):",
        '        """Rows still in use; archived ones are kept for the audit trail."""',
        f"        return self.filter({active})",
        "",
        "    def recent(self, days=30):",
        '        """Rows created in the last `days` days, newest first."""',
        "        since = timezone.now() - timezone.timedelta(days=days)",
        "        return self.filter(created_at__gte=since).order_by('-created_at')",
        "",
        "    def by_ids(self, ids):",
        "        ids = [i for i in ids if i is not None]",
        "        if not ids:",
        "            return self.none()",
        "        return self.filter(pk__in=ids)",
    ]


def _methods_py(model: ModelSpec, rng: random.Random) -> list[str]:
    """The methods of a real model: __str__, get_absolute_url, clean, save, properties."""
    names = {f.name: f for f in model.fields}
    label = next((n for n in ("name", "title", "symbol", "code", "label") if n in names), None)
    lines = ["", "    def __str__(self):"]
    lines.append(f"        return str(self.{label})" if label else f"        return f'{model.name} #{{self.pk}}'")
    lines += [
        "",
        "    def get_absolute_url(self):",
        f'        """The detail page of this {model.name.lower()}."""',
        f"        return reverse('{model.app}:{_snake(model.name)}-detail', kwargs={{'pk': self.pk}})",
        "",
        "    def clean(self):",
        '        """Validation the form layer and the API share."""',
        "        super().clean()",
        "        errors = {}",
    ]
    for f in model.fields:
        if f.kind == "decimal" and rng.random() < 0.6:
            lines += [
                f"        if self.{f.name} is not None and self.{f.name} < Decimal('0'):",
                f"            errors['{f.name}'] = _('Must not be negative.')",
            ]
        elif f.kind == "char" and f.name in CODE_FIELDS:
            lines += [
                f"        if self.{f.name} and not self.{f.name}.replace('_', '').isalnum():",
                f"            errors['{f.name}'] = _('Letters, digits and underscores only.')",
            ]
    if "opened_at" in names and "closed_at" in names:
        lines += [
            "        if self.closed_at and self.opened_at and self.closed_at < self.opened_at:",
            "            errors['closed_at'] = _('Closed before it was opened.')",
        ]
    lines += ["        if errors:", "            raise ValidationError(errors)"]
    if rng.random() < 0.5:
        lines += [
            "",
            "    def save(self, *args, **kwargs):",
            '        """Normalise before writing: the database keeps what the API returns."""',
        ]
        for f in model.fields:
            if f.kind == "char" and f.name not in CODE_FIELDS and not f.null:
                lines.append(f"        self.{f.name} = (self.{f.name} or '').strip()")
        lines += [
            "        if self._state.adding and hasattr(self, 'on_create'):",
            "            self.on_create()",
            "        super().save(*args, **kwargs)",
        ]
    numbers = [f for f in model.fields if f.kind in ("decimal", "int", "smallint", "float")]
    if len(numbers) >= 2:
        a, b = numbers[:2]
        lines += [
            "",
            "    @property",
            f"    def {a.name}_per_{b.name}(self):",
            f'        """{a.name.title()} per unit of {b.name}, or None when {b.name} is zero or unknown."""',
            f"        if not self.{b.name} or self.{a.name} is None:",
            "            return None",
            f"        return self.{a.name} / self.{b.name}",
        ]
    if "status" in names:
        lines += [
            "",
            "    @property",
            "    def is_open(self):",
            "        return self.status in (Status.NEW, Status.OPEN)",
            "",
            "    def close(self, save=True):",
            '        """Mark the record done; closing twice is a no-op."""',
            "        if self.status == Status.DONE:",
            "            return False",
            "        self.status = Status.DONE",
        ]
        if "closed_at" in names:
            lines.append("        self.closed_at = timezone.now()")
        lines += ["        if save:", "            self.save()", "        return True"]
    if rng.random() < 0.4:
        lines += [
            "",
            "    @classmethod",
            "    def for_export(cls, since=None):",
            '        """Rows for the nightly export, oldest first (the consumer appends)."""',
            "        rows = cls.objects.all()",
            "        if since is not None:",
            "            rows = rows.filter(updated_at__gte=since)",
            "        return rows.order_by('created_at', 'pk')",
        ]
    return lines


def django_models_py(app: str, models: list[ModelSpec]) -> str:
    """A models module as real projects write them: about half of it method bodies, around
    the fields (an abstract base, a custom field, choices, custom querysets as managers,
    docstrings, Meta options). The database schema is the same as the fields alone."""
    rng = random.Random(f"django:{app}")
    lines = APP_PREAMBLE.format(app=app).rstrip("\n").split("\n")
    for model in models:
        managed = rng.random() < 0.4
        if managed:
            lines += _queryset_py(model)
        lines += [
            "",
            "",
            f"class {model.name}(TimeStampedModel):",
            f'    """{model.name} records of the {app} app.',
            "",
            f"    One row per {model.name.lower()}; see the {app} service for how rows are created.",
            '    """',
            "",
        ]
        for f in model.fields:
            if f.name in INHERITED:
                continue
            field_py = _django_field(f)
            if f.kind == "char" and f.name in CODE_FIELDS:
                field_py = field_py.replace("models.CharField(", "CodeField(", 1)
            if f.name == "status":
                field_py = field_py[:-1] + ", choices=Status.choices)"
            lines.append(f"    {f.name} = {field_py}")
        if managed:
            lines += ["", f"    objects = {model.name}QuerySet.as_manager()"]
        lines += [
            "",
            "    class Meta:",
            f"        db_table = '{model.table}'",
            "        ordering = ['-created_at']",
            f"        verbose_name = _('{_snake(model.name).replace('_', ' ')}')",
            f"        verbose_name_plural = _('{_snake(model.name).replace('_', ' ')}s')",
            "        get_latest_by = 'created_at'",
        ]
        if model.indexes:
            lines.append("        indexes = [")
            for name, columns in model.indexes:
                fields_ = ", ".join(repr(_field_name(model, c)) for c in columns)
                lines.append(f"            models.Index(fields=[{fields_}], name='{name}'),")
            lines.append("        ]")
        if model.unique_together:
            fields_ = ", ".join(repr(n) for n in model.unique_together)
            lines.append("        constraints = [")
            lines.append(f"            models.UniqueConstraint(fields=[{fields_}], name='uq_{model.table}'),")
            lines.append("        ]")
        lines += _methods_py(model, rng)
    return "\n".join(lines).rstrip() + "\n"


def _field_name(model: ModelSpec, column: str) -> str:
    for f in model.fields:
        if f.column == column:
            return f.name
    raise AssertionError(column)


def write_django(root: Path, models: list[ModelSpec]) -> list[str]:
    base = root / "app_django"
    apps = sorted({m.app for m in models}, key=[m.app for m in models].index)
    for app in apps:
        package = base / "apps" / app
        (package / "migrations").mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("")
        (package / "migrations" / "__init__.py").write_text("")
        label = app
        (package / "apps.py").write_text(
            "from django.apps import AppConfig\n\n\n"
            f"class {''.join(w.title() for w in app.split('_'))}Config(AppConfig):\n"
            "    default_auto_field = 'django.db.models.BigAutoField'\n"
            f"    name = 'apps.{app}'\n"
            f"    label = '{label}'\n"
        )
        (package / "models.py").write_text(django_models_py(app, [m for m in models if m.app == app]))
    (base / "apps" / "__init__.py").write_text("")
    (base / "config").mkdir(parents=True, exist_ok=True)
    (base / "config" / "__init__.py").write_text("")
    installed = "".join(f"    'apps.{app}',\n" for app in apps)
    (base / "config" / "settings.py").write_text(
        '"""Settings of the generated benchmark project."""\n\n'
        "from pathlib import Path\n\n"
        "BASE_DIR = Path(__file__).resolve().parent.parent\n"
        "SECRET_KEY = 'benchmark-only'\n"
        "DEBUG = False\n"
        "USE_TZ = True\n"
        "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n"
        "INSTALLED_APPS = [\n"
        "    'django.contrib.contenttypes',\n"
        "    'django.contrib.auth',\n"
        f"{installed}"
        "]\n"
        "# PostgreSQL as in production; the host is a socket folder that does not exist, so\n"
        "# makemigrations --check (like a pre-commit hook without a database) never connects.\n"
        "DATABASES = {\n"
        "    'default': {\n"
        "        'ENGINE': 'django.db.backends.postgresql',\n"
        "        'NAME': 'bench',\n"
        "        'HOST': '/nonexistent-schemalint-bench',\n"
        "    }\n"
        "}\n"
    )
    (base / "manage.py").write_text(
        "#!/usr/bin/env python\n"
        "import os\nimport sys\n\n"
        "if __name__ == '__main__':\n"
        "    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
        "    from django.core.management import execute_from_command_line\n\n"
        "    execute_from_command_line(sys.argv)\n"
    )
    return apps


# --------------------------------------------------------------------------- SQLAlchemy


def _sa_type(f: FieldSpec) -> str:
    return {
        "char": f"String({f.max_length})",
        "email": "String(254)",
        "text": "Text",
        "int": "Integer",
        "bigint": "BigInteger",
        "smallint": "SmallInteger",
        "decimal": f"Numeric({f.digits[0]}, {f.digits[1]})",
        "bool": "Boolean",
        "datetime": "DateTime(timezone=True)",
        "date": "Date",
        "json": "JSONB",
        "uuid": "UUID(as_uuid=True)",
        "float": "Float",
        "fk": "BigInteger",
    }[f.kind]


def sqlalchemy_models_py(models: list[ModelSpec]) -> str:
    lines = [
        '"""SQLAlchemy models for the FastAPI service.',
        "",
        "Mirrors the Django models in app_django/apps/*/models.py (the source of truth).",
        '"""',
        "",
        "from sqlalchemy import (",
        "    BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer,",
        "    Numeric, SmallInteger, String, Text, UniqueConstraint,",
        ")",
        "from sqlalchemy.dialects.postgresql import JSONB, UUID",
        "from sqlalchemy.orm import declarative_base",
        "",
        "Base = declarative_base()",
        "",
    ]
    for model in models:
        lines += [
            "",
            "",
            f"class {model.name}(Base):",
            f'    """{model.name} (mirrors Django apps.{model.app}.models.{model.name})."""',
            f"    __tablename__ = '{model.table}'",
            "",
            "    id = Column(BigInteger, primary_key=True)",
        ]
        for f in model.fields:
            args = [_sa_type(f)]
            if f.kind == "fk":
                assert f.target is not None
                args.append(f"ForeignKey('{f.target.table}.id', ondelete='{f.on_delete.replace('_', ' ')}')")
            args.append(f"nullable={f.null}")
            if f.unique:
                args.append("unique=True")
            if f.db_index or f.kind == "fk":
                args.append("index=True")
            lines.append(f"    {f.column} = Column({', '.join(args)})")
        table_args = [f"Index('{name}', {', '.join(repr(c) for c in cols)})" for name, cols in model.indexes]
        if model.unique_together:
            cols = ", ".join(repr(_column_of(model, n)) for n in model.unique_together)
            table_args.append(f"UniqueConstraint({cols}, name='uq_{model.table}')")
        if table_args:
            lines += ["", "    __table_args__ = ("] + [f"        {a}," for a in table_args] + ["    )"]
    return "\n".join(lines).rstrip() + "\n"


def _column_of(model: ModelSpec, field_name: str) -> str:
    return next(f.column for f in model.fields if f.name == field_name)


# --------------------------------------------------------------------------- schema.sql


def _sql_type(f: FieldSpec, length: int | None = None) -> str:
    return {
        "char": f"VARCHAR({length or f.max_length})",
        "email": "VARCHAR(254)",
        "text": "TEXT",
        "int": "INTEGER",
        "bigint": "BIGINT",
        "smallint": "SMALLINT",
        "decimal": f"NUMERIC({f.digits[0]},{f.digits[1]})",
        "bool": "BOOLEAN",
        "datetime": "TIMESTAMP WITH TIME ZONE",
        "date": "DATE",
        "json": "JSONB",
        "uuid": "UUID",
        "float": "DOUBLE PRECISION",
        "fk": "BIGINT",
    }[f.kind]


def _column_sql(f: FieldSpec, length: int | None = None) -> str:
    parts = [f.column, _sql_type(f, length)]
    if not f.null:
        parts.append("NOT NULL")
    if f.unique:
        parts.append("UNIQUE")
    if f.kind == "fk":
        assert f.target is not None
        parts.append(f"REFERENCES {f.target.table}(id) ON DELETE {f.on_delete.replace('_', ' ')}")
    return " ".join(parts)


def schema_sql(models: list[ModelSpec], seed: int) -> str:
    """Tables as first created (some columns missing, some varchars narrower), then one dated
    section per release that brings them to today's models."""
    rng = random.Random(seed + 1)
    releases: dict[int, list[str]] = {v: [] for v in range(12)}
    out = [
        "-- Reference schema for the Bifrost database (PostgreSQL).",
        "-- Source of truth: app_django/apps/*/models.py. Keep in sync; idempotent statements only.",
        "--",
        "-- Version history:",
    ]
    out += [f"--   Version 1.{v}.0 ({2019 + v // 3}-{(v % 3) * 4 + 1:02d}-15)" for v in range(12)]
    out.append("")
    for model in models:
        late = [f for f in model.fields if f.kind not in ("fk",) and f.null and rng.random() < 0.25]
        created = [f for f in model.fields if f not in late]
        section = releases[model.version_added]
        section.append(f"-- {model.name} (apps.{model.app})")
        columns = ["    id BIGSERIAL PRIMARY KEY"]
        columns += [f"    {_column_sql(f, f.old_max_length or None)}" for f in created]
        if model.unique_together:
            cols = ", ".join(_column_of(model, n) for n in model.unique_together)
            columns.append(f"    CONSTRAINT uq_{model.table} UNIQUE ({cols})")
        section.append(f"CREATE TABLE IF NOT EXISTS {model.table} (\n" + ",\n".join(columns) + "\n);")
        later = rng.randrange(model.version_added, 12)
        for f in created:
            if f.kind == "fk" or f.db_index:
                section.append(
                    f"CREATE INDEX IF NOT EXISTS {_index_name(model.number, f.column)} ON {model.table} ({f.column});"
                )
        section.append("")
        for f in late:
            releases[later].append(f"ALTER TABLE {model.table} ADD COLUMN IF NOT EXISTS {_column_sql(f)};")
            if f.db_index:
                releases[later].append(
                    f"CREATE INDEX IF NOT EXISTS {_index_name(model.number, f.column)} ON {model.table} ({f.column});"
                )
        for f in created:
            if f.old_max_length:
                releases[later].append(
                    f"ALTER TABLE {model.table} ALTER COLUMN {f.column} TYPE VARCHAR({f.max_length});"
                )
        if rng.random() < 0.2:
            # A column that lived for a while and was dropped: the history schema.sql keeps.
            gone = f"legacy_{rng.choice(FIELD_WORDS)}"
            releases[model.version_added].append(
                f"ALTER TABLE {model.table} ADD COLUMN IF NOT EXISTS {gone} VARCHAR(40);"
            )
            releases[later].append(f"ALTER TABLE {model.table} DROP COLUMN IF EXISTS {gone};")
        for name, cols in model.indexes:
            releases[later].append(f"CREATE INDEX IF NOT EXISTS {name} ON {model.table} ({', '.join(cols)});")
    for version, statements in releases.items():
        if not statements:
            continue
        out += ["", f"-- ===== Version 1.{version}.0 ({2019 + version // 3}-{(version % 3) * 4 + 1:02d}-15) =====", ""]
        out += statements
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- driver


def generate(out: Path, count: int, seed: int = 0, migrations: bool = True) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    models = build_models(count, seed)
    write_django(out, models)
    (out / "src" / "database").mkdir(parents=True)
    (out / "src" / "__init__.py").write_text("")
    (out / "src" / "database" / "__init__.py").write_text("")
    (out / "src" / "database" / "models.py").write_text(sqlalchemy_models_py(models))
    (out / "scripts" / "database").mkdir(parents=True)
    (out / "scripts" / "database" / "schema.sql").write_text(schema_sql(models, seed))
    (out / "pyproject.toml").write_text(f'[project]\nname = "bench-{count}"\nversion = "0"\n\n[tool.schemalint]\n')
    if migrations:
        make_migrations(out)
    (out / ".generator-stamp").write_text(stamp(count, seed))


def make_migrations(out: Path) -> None:
    """Initial migrations by the real `makemigrations`, as the project would have them."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "-v", "0"], cwd=out / "app_django", env=env, check=True
    )


def stamp(count: int, seed: int) -> str:
    return f"{GENERATOR_VERSION}:{count}:{seed}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-migrations", action="store_true", help="skip makemigrations (faster; for tests)")
    args = parser.parse_args()
    generate(args.out, args.models, args.seed, migrations=not args.no_migrations)


if __name__ == "__main__":
    main()

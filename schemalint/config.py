"""`[tool.schemalint]` in pyproject.toml, validated into one frozen `Config`.

Every key is declared once in `_KEYS` with its type; an unknown key or a wrong type is a
`ConfigError` naming the file, the key and what was expected (exit code 2), never a silent
default. Command-line options are applied on top with `Config.override`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from schemalint.model import SOURCES

# What can be the source of truth: a file source that declares models or tables (migrations are
# checked against the Django models; a database is only ever a mirror).
TRUTH_SOURCES = ("django", "sqlalchemy", "sql")


class ConfigError(Exception):
    """A configuration problem the user must fix; the message says where and what."""


@dataclass(frozen=True)
class Config:
    root: Path = Path(".")
    config_file: Path | None = None
    # Discovery: globs relative to the root; empty means "discover".
    django: tuple[str, ...] = ()
    sqlalchemy: tuple[str, ...] = ()
    sql: tuple[str, ...] = ()
    migrations: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # Comparison.
    source_of_truth: str = "django"
    mirrors: tuple[str, ...] = ()
    """Empty means every other source that has files."""
    pairs: tuple[tuple[str, str], ...] = ()
    """(truth table, mirror table) pairs that use different names on purpose."""
    ignore_tables: tuple[str, ...] = ()
    ignore_columns: tuple[str, ...] = ()
    """Globs of `table.column`."""
    types: tuple[tuple[str, str], ...] = ()
    """Custom field/column types (`myapp.fields.MoneyField` -> `numeric(12,2)`) and accepted
    equivalences (`text` -> `character varying`)."""
    # Readers.
    dialect: str = "postgres"
    default_schema: str = "public"
    django_version: str | None = None
    default_auto_field: str | None = None
    django_settings: str | None = None
    """The Django settings module (`config.settings.production`), as DJANGO_SETTINGS_MODULE
    names it; by default the one manage.py / wsgi.py / asgi.py sets."""
    python_path: tuple[str, ...] = ()
    """Folders holding installed packages (site-packages), relative to the root or absolute;
    by default the virtualenv in `.venv/`, `venv/` or `$VIRTUAL_ENV`."""
    sql_fix_style: str = "append"
    """How `check --fix` changes a schema.sql: `append` idempotent statements under a dated
    comment block (a cumulative script), or edit the `CREATE TABLE` `inline` (a reference)."""
    on_delete_policy: str = "declared"
    """declared: mirrors must state Django's declared on_delete (the seed's convention);
    database: mirrors must state what the database really gets."""
    # Rule selection.
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    plugins: tuple[str, ...] = ()
    # Runtime.
    # The database mirror (schemalint.read.database). The URL is never a TOML key: it comes
    # from --database-url / SCHEMALINT_DATABASE_URL, or libpq's PG* variables and ~/.pgpass.
    database_url: str | None = None
    database_snapshot: str | None = None
    """A `dump --source database --format json` file read instead of a live database."""
    database_schemas: tuple[str, ...] = ()
    """The database schemas to read; empty means `default_schema`."""
    database_timeout: int = 30
    """Seconds any one catalog query may take."""
    cache_dir: str = ".schemalint_cache"
    jobs: int = 0
    """Worker processes for parsing; 0 lets schemalint decide."""

    @property
    def uses_database(self) -> bool:
        return bool(self.database_url is not None or self.database_snapshot)

    def override(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def fingerprint(self) -> str:
        """A digest of everything that can change what a reader extracts from a file; part of
        every cache key, so a config change invalidates the cache."""
        relevant = {
            "types": self.types,
            "dialect": self.dialect,
            "default_schema": self.default_schema,
            "django_version": self.django_version,
            "default_auto_field": self.default_auto_field,
        }
        return hashlib.sha256(json.dumps(relevant, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _str(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"'{key}' must be a string, got {type(value).__name__}")
    return value


def _str_list(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"'{key}' must be a list of strings")
    return tuple(value)


def _str_table(value: Any, key: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError(f"'{key}' must be a table of strings")
    return tuple(sorted(value.items()))


def _per_file(value: Any, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise TypeError(f"'{key}' must be a table of glob = [codes]")
    return tuple(sorted((glob, _str_list(codes, f"{key}.{glob}")) for glob, codes in value.items()))


def _choice(*allowed: str):
    def check(value: Any, key: str) -> str:
        if value not in allowed:
            raise TypeError(f"'{key}' must be one of {', '.join(allowed)}; got {value!r}")
        return value

    return check


def _sources(value: Any, key: str) -> tuple[str, ...]:
    names = _str_list(value, key)
    for name in names:
        if name not in SOURCES:
            raise TypeError(f"'{key}' names an unknown source {name!r} (known: {', '.join(SOURCES)})")
    return names


def _positive_int(value: Any, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError(f"'{key}' must be a non-negative integer")
    return value


# TOML key -> (Config attribute, converter). The single list of what the config accepts.
_KEYS = {
    "django": ("django", _str_list),
    "sqlalchemy": ("sqlalchemy", _str_list),
    "sql": ("sql", _str_list),
    "migrations": ("migrations", _str_list),
    "exclude": ("exclude", _str_list),
    "source-of-truth": ("source_of_truth", _choice(*TRUTH_SOURCES)),
    "mirrors": ("mirrors", _sources),
    "pairs": ("pairs", _str_table),
    "ignore-tables": ("ignore_tables", _str_list),
    "ignore-columns": ("ignore_columns", _str_list),
    "types": ("types", _str_table),
    "dialect": ("dialect", _choice("postgres", "mysql", "sqlite")),
    "default-schema": ("default_schema", _str),
    "django-version": ("django_version", _str),
    "default-auto-field": ("default_auto_field", _str),
    "django-settings": ("django_settings", _str),
    "python-path": ("python_path", _str_list),
    "on-delete-policy": ("on_delete_policy", _choice("declared", "database")),
    "sql-fix-style": ("sql_fix_style", _choice("append", "inline")),
    "select": ("select", _str_list),
    "ignore": ("ignore", _str_list),
    "extend-select": ("extend_select", _str_list),
    "per-file-ignores": ("per_file_ignores", _per_file),
    "plugins": ("plugins", _str_list),
    "database-schemas": ("database_schemas", _str_list),
    "database-snapshot": ("database_snapshot", _str),
    "database-timeout": ("database_timeout", _positive_int),
    "cache-dir": ("cache_dir", _str),
    "jobs": ("jobs", _positive_int),
}

KNOWN_KEYS = tuple(_KEYS)


def _load_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def parse_table(table: dict[str, Any], origin: str) -> dict[str, Any]:
    """Validate a `[tool.schemalint]` table; returns Config attribute -> value."""
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in _KEYS:
            close = [k for k in _KEYS if k.replace("-", "_") == key.replace("-", "_")]
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(
                f"{origin}: unknown key '{key}' in [tool.schemalint]{hint}; known keys: {', '.join(sorted(_KEYS))}"
            )
        attribute, convert = _KEYS[key]
        try:
            values[attribute] = convert(raw, key)
        except TypeError as exc:
            raise ConfigError(f"{origin}: {exc}") from None
    return values


def find_config_file(root: Path) -> Path | None:
    """The project's pyproject.toml: in the root or the nearest parent that has one."""
    for directory in (root, *root.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(root: Path, config_file: Path | None = None) -> Config:
    root = root.resolve()
    path = config_file or find_config_file(root)
    values: dict[str, Any] = {}
    if path is not None:
        document = _load_toml(path)
        table = document.get("tool", {}).get("schemalint", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.schemalint] must be a table")
        values = parse_table(table, str(path))
    return Config(root=root, config_file=path, **values)


CONFIG_FIELDS = tuple(f.name for f in fields(Config))

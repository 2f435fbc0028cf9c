"""The Django reader: `models.py` files -> the schema Django's migrations create on PostgreSQL.

Read statically with libcst: neither Django nor the project is ever imported. `extract`
(extract.py) keeps one file's classes, imports, constants and positions as plain facts
(facts.py); `link` (build.py, over link.py's `Linker`) resolves them across files -- inheritance, relations,
settings, app labels -- into tables named exactly as Django 5.2 / 6.0 and PostgreSQL name them
(names.py), with the PostgreSQL spellings of `format_type()` and `pg_get_expr()`
(fields.py, expressions.py). tests/differential proves it against real Django + PostgreSQL.

Project-level facts (project.py, on the static-Python layer in read/python): the Django
version from the config, the Django installed in the project's virtualenv, or the dependency
files (lock files, requirements*.txt, pyproject.toml; the latest release when nothing says);
the settings module DJANGO_SETTINGS_MODULE names in manage.py / wsgi.py / asgi.py (or the
`django-settings` key), never any `settings.py` found by searching; DEFAULT_AUTO_FIELD from
`AppConfig.default_auto_field` (apps.py), the config or the settings (BigAutoField from
Django 6.0, AutoField before); AUTH_USER_MODEL and every `getattr(settings, ...)` a model reads
from the settings; app labels from `AppConfig.label`. Imports of installed packages are read
from the virtualenv (`.venv`, `venv`, `$VIRTUAL_ENV` or the `python-path` key), never imported.
`Schema.properties` says which version and auto field were used.

Unknown is not absent (schemalint/model.py): a field whose type, nullability, target, ... the
reader cannot resolve keeps its column with those parts in `Column.unknown`; a table whose
field list a base it cannot follow, a custom metaclass or a runtime `if` may change has
`Table.unknown=("columns",)`; a model under a module-level `if`/`try` or with a
`required_db_features` flag that depends on the server has `("exists",)`; a class that may be
a model but cannot be built makes `Schema.complete` False. Each cause is one SL002.

Model semantics follow Django's `ModelBase`: only the modules a `models/` package imports are
registered; `required_db_features` PostgreSQL lacks skips the model (fields.py); parent links
per concrete parent (declared `parent_link=True` or `<parent>_ptr`, the first one the primary
key unless the child declares its own), through abstract classes; a method or property hides
an abstract parent's field; six's `with_metaclass(M, A, B)` means bases A, B. Custom fields:
`__init__` defaults and forced arguments (parameters, `setdefault`, literal dicts merged with
`**kwargs`), `get_internal_type()`, `db_type()` (a literal, or `%`/f-string formatting of
`self.<argument>`; None: no column), `getattr(settings, name, default)` as its default; a field
class held by a constant (an alias, one assigned in the `else:` of `if TYPE_CHECKING:`,
`import_string("...JSONField")` of a settings getter's default). A concrete model defined in a
helper module of the app that its models module imports (oscar's `abstract_models.py`) is
registered, as Django imports it. django-mptt's `MPTTModelBase` adds the tree fields and index
its source adds (names from `MPTTMeta`). django-simple-history's `HistoricalRecords()` builds
a historical model and its table, as history.py describes. Any other class attribute whose class
has `contribute_to_class` (it may build anything) or whose bases cannot be followed is one
SL002, never silence.

Known limitations -- each gives SL002 where it occurs, never a guess:

* conditions (CheckConstraint, Index/UniqueConstraint `condition`) support the lookups
  exact/gt/gte/lt/lte/in/range/isnull against constants and `F()`, combined with & | ~;
  other lookups (`startswith`, `contains`, `__year`, ...) and arithmetic are not translated;
* GeneratedField: integer arithmetic over `F()` and `Lower`/`Upper`; index expressions:
  `F`, `Lower`/`Upper` and `.asc()`/`.desc()`; other functions are not translated;
* `db_default`: literals, `Value`, `Now()`, `RandomUUID()`; not JSON values or expressions;
* ExclusionConstraint, GIS fields, third-party fields and model bases that are not installed
  in the project's virtualenv (unless declared in `[tool.schemalint] types`), field classes
  built by functions;
* a `db_collation` column keeps its `_like` index (Django drops it for non-deterministic
  collations, which only the database knows);
* `on_delete=DB_CASCADE / DB_SET_NULL / DB_SET_DEFAULT` (Django #21961, released with 6.1)
  are taken as database actions wherever they appear.
"""

from __future__ import annotations

from schemalint.read.versions import READER_VERSIONS


class _DjangoReader:
    source = "django"
    version = READER_VERSIONS["django"]

    def extract(self, file, settings):
        from schemalint.read.django.extract import extract

        return extract(file, settings)

    def link(self, facts, project):
        if hasattr(project, "link_state"):  # the engine's project: record the link for `relink`
            from schemalint.read.django import incremental

            schema, project.link_state = incremental.link(list(facts), project)
            return schema
        from schemalint.read.django.build import link

        return link(list(facts), project)

    def relink(self, schema, state, facts, project, changed):
        """The link of `facts`, from the previous link's `schema` and recorded `state` with only
        the `changed` files' facts different; None when only a full link can tell
        (incremental.py). Sets `project.link_state` like `link`."""
        from schemalint.read.django import incremental

        found = incremental.relink(schema, state, list(facts), project, changed)
        if found is None:
            return None
        project.link_state = found.state
        return found.schema


READER = _DjangoReader()

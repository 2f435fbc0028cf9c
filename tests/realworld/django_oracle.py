"""Run inside the real-world test virtualenv (never imported by the tests): build one package's
tables with real Django and print which tables belong to the package's own apps.

    python django_oracle.py <spec.json>

The spec names the database, the package's own apps (`apps`) and the project's settings
module (INSTALLED_APPS and the package's settings, written by the harness). Every app's
migrations are bypassed (`MIGRATION_MODULES` maps each label to None) and `migrate --run-syncdb` creates the tables straight from the current models with
Django's own schema editor: the oracle is what the model files declare, not the history of a
package's migration files (which may lag its models and take minutes to replay).
"""

import inspect
import json
import sys

spec = json.loads(open(sys.argv[1]).read())


class _NoMigrations(dict):
    def __contains__(self, label):
        return True

    def __getitem__(self, label):
        return None


import importlib  # noqa: E402

from django.conf import settings  # noqa: E402

# The project's own settings module (what schemalint reads too), with the database and the
# oracle's needs on top.
project_settings = importlib.import_module(spec["settings_module"])
values = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
values.update(
    DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", **spec["database"]}},
    MIGRATION_MODULES=_NoMigrations(),
    ROOT_URLCONF=__name__,
)
settings.configure(**values)
urlpatterns = []

import django  # noqa: E402
from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402

django.setup()
call_command("migrate", run_syncdb=True, verbosity=0)


def declared_at(model):
    """`path:first:last` lines of each class statement in the model's MRO outside Django (for an
    auto-created many-to-many table, the MRO of the model that declares the field): where an
    SL002 explaining the table can sit."""
    spans = []
    for cls in (model._meta.auto_created or model).__mro__:
        if cls.__module__.startswith("django.") or cls.__module__ == "builtins":
            continue
        try:
            lines, start = inspect.getsourcelines(cls)
            path = inspect.getsourcefile(cls)
        except (OSError, TypeError):
            continue
        offset = next((i for i, line in enumerate(lines) if line.lstrip().startswith("class ")), 0)
        spans.append(f"{path}:{start + offset}:{start + len(lines) - 1}")
    return spans


own = []
for config in apps.get_app_configs():
    if config.name not in spec["apps"] and f"{type(config).__module__}.{type(config).__name__}" not in spec["apps"]:
        continue
    tables = [
        {"table": model._meta.db_table, "model": model._meta.label, "declared": declared_at(model)}
        for model in config.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    own.append({"name": config.name, "label": config.label, "path": config.path, "tables": tables})
print(json.dumps(own))

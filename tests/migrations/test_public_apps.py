"""Public apps' shipped migrations: years of history written by real `makemigrations` (wagtail:
15 apps, 205 files; django-oscar: 30 apps, 134 files).

Sync: real Django, in the real-world virtualenv, confirms `makemigrations --check --dry-run` is
clean for the package's apps; then `schemalint check --select SL5` of the package (its models
and its migrations, read statically) must report nothing but SL002 (what it cannot know
statically, never a guess).

Replay: real `migrate` applies the shipped migrations to PostgreSQL, and `dump --source
migrations` is compared with the catalog fact by fact; every difference must sit on a table
or column the dump's SL002 diagnostics name (the realworld harness's `covered`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from tests.realworld.harness import _copy_python, _write_project
from tests.realworld.packages import DJANGO, DjangoPackage
from tests.realworld.venv import ensure_venv, python_of, site_packages

pytestmark = [pytest.mark.realworld, pytest.mark.slow]

PACKAGES = {p.id: p for p in DJANGO if p.id in ("wagtail", "django-oscar")}

_CHECK = """
import json, sys
spec = json.loads(open(sys.argv[1]).read())
from django.conf import settings
extra = {}
if spec["defaults"]:
    import importlib
    module = importlib.import_module(spec["defaults"])
    extra = {name: getattr(module, name) for name in dir(module) if name.isupper()}
extra.update(spec["settings"])
base = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
        "django.contrib.messages", "django.contrib.admin", "django.contrib.sites"]
settings.configure(
    INSTALLED_APPS=list(dict.fromkeys(base + spec["requires"] + spec["apps"])),
    DATABASES={"default": spec.get("database") or {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    SITE_ID=1, USE_TZ=True, SECRET_KEY="realworld", STATIC_URL="/static/", ROOT_URLCONF=__name__,
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
    **extra,
)
urlpatterns = []
import django
from django.apps import apps
from django.core.management import call_command
django.setup()
own = [c for c in apps.get_app_configs()
       if c.name in spec["apps"] or f"{type(c).__module__}.{type(c).__name__}" in spec["apps"]]
labels = [c.label for c in own]
if spec.get("migrate"):
    call_command("migrate", verbosity=0, skip_checks=True)
try:
    call_command("makemigrations", *labels, check=True, dry_run=True, verbosity=1, skip_checks=True)
    clean = True
except SystemExit as exc:
    clean = exc.code == 0
tables = sorted({m._meta.db_table for c in own for m in c.get_models(include_auto_created=True)
                 if m._meta.managed and not m._meta.proxy and not m._meta.swapped})
print(json.dumps({"clean": clean, "labels": labels, "paths": [c.path for c in own], "tables": tables}))
"""


@pytest.fixture(scope="module")
def venv() -> Path:
    try:
        return ensure_venv()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


def _project(package: DjangoPackage, venv: Path, workdir: Path) -> Path:
    """The package copied into a project (a maintainer's checkout), not yet configured."""
    site = site_packages(venv)
    project = workdir / package.id
    project.mkdir(parents=True)
    for top in sorted({name.split(".")[0] for name in package.apps}):
        _copy_python(site / top, project / top)
    return project


def _configure(project: Path, venv: Path, app_paths: list[str]) -> None:
    """`[tool.schemalint]` naming the models and migrations of the package's installed apps
    (not its test apps, which makemigrations --check does not look at either)."""
    dirs = [Path(p).relative_to(project).as_posix() for p in app_paths]
    # django-oscar defines some concrete models in abstract_models.py, imported by models.py.
    models = [glob for d in dirs for glob in (f"{d}/models.py", f"{d}/models/**/*.py", f"{d}/abstract_models.py")]
    _write_project(project, venv, {"django": models, "migrations": [f"{d}/migrations/*.py" for d in dirs]})


def _makemigrations_check(
    package: DjangoPackage, venv: Path, project: Path, workdir: Path, database: dict | None = None
) -> dict:
    """Real makemigrations --check (after real migrate into `database`, when given)."""
    spec = {
        "apps": list(package.apps),
        "requires": list(package.requires),
        "settings": package.settings,
        "defaults": package.defaults,
        "database": database,
        "migrate": database is not None,
    }
    (workdir / "spec.json").write_text(json.dumps(spec))
    (workdir / "check.py").write_text(textwrap.dedent(_CHECK))
    done = subprocess.run(
        [str(python_of(venv)), str(workdir / "check.py"), str(workdir / "spec.json")],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(project), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("package_id", sorted(PACKAGES))
def test_shipped_migrations_of_an_in_sync_package_give_no_finding(package_id: str, venv: Path, tmp_path: Path):
    package = PACKAGES[package_id]
    project = _project(package, venv, tmp_path)
    verdict = _makemigrations_check(package, venv, project, tmp_path)
    assert verdict["clean"], f"real makemigrations --check is not clean for {package_id}: {verdict}"
    _configure(project, venv, verdict["paths"])
    done = subprocess.run(
        [sys.executable, "-m", "schemalint", "check", "--select", "SL5,SL002", "--format", "json", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]
    findings = json.loads(done.stdout)
    findings = findings["findings"] if isinstance(findings, dict) else findings
    codes = Counter(f["code"] for f in findings)
    files = sum(len(list(Path(p).glob("migrations/0*.py"))) for p in verdict["paths"])
    print(f"\n{package_id}: {files} migration files, {len(verdict['labels'])} apps; findings {dict(codes)}")
    wrong = [f for f in findings if f["code"] != "SL002"]
    assert not wrong, "\n".join(str(f) for f in wrong[:40])


@pytest.mark.postgres
@pytest.mark.parametrize("package_id", sorted(PACKAGES))
def test_shipped_migrations_replay_as_migrate_applies_them(package_id: str, venv: Path, pg, tmp_path: Path):
    from tests.realworld.harness import covered, dump
    from tests.support.catalog import compare_catalogs, read_catalog

    package = PACKAGES[package_id]
    project = _project(package, venv, tmp_path)
    name = "mig_" + package_id.replace("-", "_")
    params = dict(part.split("=", 1) for part in pg.create_database(name).split())
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": params["dbname"],
        "USER": params["user"],
        "HOST": params["host"],
        "PORT": params["port"],
    }
    verdict = _makemigrations_check(package, venv, project, tmp_path, database)
    _configure(project, venv, verdict["paths"])
    own = set(verdict["tables"])
    catalog = read_catalog(" ".join(f"{k}={v}" for k, v in params.items()))
    expected = dict(catalog, tables=[t for t in catalog["tables"] if t["name"] in own])
    dumped = dump(project, "migrations")
    actual = dict(dumped, tables=[t for t in dumped["tables"] if t["name"] in own and t["managed"]])
    agreement = compare_catalogs(actual, expected, comments=True, labels=("schemalint", "postgres"))
    sl002 = [d for d in dumped["diagnostics"] if d["code"] == "SL002"]
    uncovered = [d for d in agreement.differences if not covered(d, actual, sl002)]
    print(
        f"\n{package_id} replay: {agreement.agreeing}/{agreement.compared} facts agree, "
        f"{len(agreement.differences)} differ ({len(uncovered)} not explained by an SL002)"
    )
    assert not uncovered, "\n".join(uncovered[:40])

"""One real-world measurement: build a package's tables with the real library in PostgreSQL,
dump the same package with `schemalint dump` as a user would, and compare fact by fact.

How a user points schemalint at the package: a project folder holding the code to check and a
`.venv` link to the virtualenv the package is installed in. A Django app's own package is
copied into the project (a maintainer's checkout); a package used only through its abstract
models or mixins stays in `.venv` and the project holds the user's module. `pyproject.toml`
declares the Django version and names the model files in `[tool.schemalint]`.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from tests.realworld.packages import DjangoPackage, SQLAlchemyPackage
from tests.realworld.venv import python_of, site_packages
from tests.support.catalog import Agreement, compare_catalogs, read_catalog

HERE = Path(__file__).resolve().parent
LABELS = ("schemalint", "postgres")


@dataclass
class Measurement:
    package: str
    agreement: Agreement
    sl002: int
    tables: int
    uncovered: list[str] = field(default_factory=list)
    """Differences no SL002 (and no `unknown` mark) explains."""
    diagnostics: list[dict] = field(default_factory=list)
    """The dump's SL002 diagnostics."""

    database_facts: int = 0
    """How many facts the database's own tables hold (a table missing from the dump counts one
    fact in `agreement`, but all of its facts here)."""
    export_uncovered: list[str] = field(default_factory=list)
    """Differences between the catalog `schemalint export` builds and the one the library
    builds that `dump` does not also have (the export prints exactly what dump knows)."""

    @property
    def percent(self) -> float:
        """Agreeing facts in percent of the larger of compared facts and the database's facts."""
        return round(100 * self.agreement.agreeing / max(self.agreement.compared, self.database_facts, 1), 1)


def _database_name(package_id: str) -> str:
    return "rw_" + re.sub(r"[^a-z0-9]", "_", package_id.lower())


_NOT_COPIED = (".pyc", ".mo", ".po")


def _copy_python(source: Path, target: Path) -> None:
    shutil.copytree(
        source,
        target,
        dirs_exist_ok=True,
        ignore=lambda folder, names: [n for n in names if n == "__pycache__" or n.endswith(_NOT_COPIED)],
    )


def _write_project(project: Path, venv: Path, globs: dict[str, list[str]]) -> None:
    project.mkdir(parents=True, exist_ok=True)
    (project / ".venv").symlink_to(venv, target_is_directory=True)
    from importlib import metadata

    config = "\n".join(f"{source} = {json.dumps(patterns)}" for source, patterns in globs.items())
    (project / "pyproject.toml").write_text(
        f'[project]\nname = "realworld"\nversion = "0"\ndependencies = ["Django=={metadata.version("Django")}", '
        f'"SQLAlchemy=={metadata.version("SQLAlchemy")}"]\n\n[tool.schemalint]\n{config}\n'
    )


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600, **kwargs)
    if done.returncode not in (0, 1):
        raise AssertionError(f"{argv[:4]} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def _env(project: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONHOME")}
    return dict(env, PYTHONPATH=str(project))


def dump(project: Path, source: str) -> dict:
    """`schemalint dump --source <source> --format json` of the project, as a user runs it."""
    done = _run(
        [sys.executable, "-m", "schemalint", "dump", "--source", source, "--format", "json", "--root", str(project)],
        cwd=project,
    )
    return json.loads(done.stdout)


# ---------------------------------------------------------------------------------------------
# Django


def _models_globs(rel: str) -> list[str]:
    return [f"{rel}/models.py", f"{rel}/models/**/*.py"] if rel else ["models.py", "models/**/*.py"]


def measure_django(package: DjangoPackage, venv: Path, pg, workdir: Path) -> Measurement:
    site = site_packages(venv)
    project = workdir / package.id
    project.mkdir(parents=True)
    apps = list(package.apps)
    if package.user_models:
        app = project / package.user_app
        app.mkdir()
        (app / "__init__.py").write_text("")
        (app / "models.py").write_text(textwrap.dedent(package.user_models).lstrip())
        apps.append(package.user_app)
    for top in sorted({name.split(".")[0] for name in package.apps}):
        _copy_python(site / top, project / top)

    _write_settings(project, package, apps)
    dsn = pg.create_database(_database_name(package.id))
    params = dict(part.split("=", 1) for part in dsn.split())
    spec = {
        "database": {"NAME": params["dbname"], "USER": params["user"], "HOST": params["host"], "PORT": params["port"]},
        "apps": apps,
        "settings_module": SETTINGS_MODULE,
    }
    (workdir / f"{package.id}.json").write_text(json.dumps(spec))
    done = _run(
        [str(python_of(venv)), str(HERE / "django_oracle.py"), str(workdir / f"{package.id}.json")],
        cwd=project,
        env=_env(project),
    )
    if done.returncode != 0:
        raise AssertionError(f"Django could not build {package.id}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    own = json.loads(done.stdout.strip().splitlines()[-1])

    globs: list[str] = []
    for app in own:
        app_path = Path(app["path"])
        base = project if app_path.is_relative_to(project) else site
        globs += _models_globs(app_path.relative_to(base).as_posix())
    _write_project(project, venv, {"django": globs})
    dumped = dump(project, "django")

    declared = {t["table"]: _spans(t["declared"], project, site) for app in own for t in app["tables"]}
    catalog = read_catalog(dsn)
    expected = dict(catalog, tables=[t for t in catalog["tables"] if t["name"] in declared])
    measurement = _measure(package.id, project, dumped, expected, declared)
    measurement.export_uncovered = export_differences(
        project, "django", pg, _database_name(package.id), expected, dumped, declared
    )
    return measurement


SETTINGS_MODULE = "realworld_settings"
BASE_APPS = (
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.sites",
)


def _write_settings(project: Path, package: DjangoPackage, apps: list[str]) -> None:
    """The project's settings module and the manage.py that names it, as a Django project has
    them: the oracle runs Django with these settings and schemalint finds them the way Django
    does (`DJANGO_SETTINGS_MODULE` in manage.py), so both see the same INSTALLED_APPS."""
    installed = list(dict.fromkeys([*BASE_APPS, *package.requires, *apps]))
    lines = [f"from {package.defaults} import *  # noqa: F403", ""] if package.defaults else []
    lines.append(f"INSTALLED_APPS = {installed!r}")
    lines += [
        "SITE_ID = 1",
        "USE_TZ = True",
        'SECRET_KEY = "realworld"',
        'STATIC_URL = "/static/"',
        'TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]',
    ]
    lines += [f"{name} = {value!r}" for name, value in package.settings.items()]
    (project / f"{SETTINGS_MODULE}.py").write_text("\n".join(lines) + "\n")
    (project / "manage.py").write_text(
        f'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "{SETTINGS_MODULE}")\n'
    )


Span = tuple[str, int, int]
"""(path relative to the project, first line, last line) of a class statement."""


def _spans(locations: list[str], project: Path, site: Path) -> list[Span]:
    """The oracle's `path:first:last` class spans, relative to the project (a copied package's
    files: relative to site-packages, which is the same); files outside both are dropped."""
    spans = []
    for location in locations:
        path, first, last = location.rsplit(":", 2)
        for base in (project, site):
            if Path(path).is_relative_to(base):
                spans.append((Path(path).relative_to(base).as_posix(), int(first), int(last)))
                break
    return spans


# ---------------------------------------------------------------------------------------------
# SQLAlchemy


def measure_sqlalchemy(package: SQLAlchemyPackage, venv: Path, pg, workdir: Path) -> Measurement:
    site = site_packages(venv)
    project = workdir / package.id
    project.mkdir(parents=True)
    globs = list(package.files)
    for top in sorted({rel.split("/")[0] for rel in package.files}):
        _copy_python(site / top, project / top)
    if package.user_models:
        (project / f"{package.user_module}.py").write_text(textwrap.dedent(package.user_models).lstrip())
        globs.append(f"{package.user_module}.py")

    name = _database_name(package.id)
    dsn = pg.create_database(name)
    spec = {
        "url": pg.url(name),
        "module": package.user_module if package.user_models else "",
        "oracle": package.oracle,
        "refused": list(package.refused),
    }
    (workdir / f"{package.id}.json").write_text(json.dumps(spec))
    done = _run(
        [str(python_of(venv)), str(HERE / "sqlalchemy_oracle.py"), str(workdir / f"{package.id}.json")],
        cwd=project,
        env=_env(project),
    )
    if done.returncode != 0:
        raise AssertionError(f"SQLAlchemy could not build {package.id}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")

    tables = json.loads(done.stdout.strip().splitlines()[-1])
    declared = {table: _spans(at, project, site) for table, at in tables.items()}
    _write_project(project, venv, {"sqlalchemy": globs})
    dumped, expected = without_refused(dump(project, "sqlalchemy"), package.refused), read_catalog(dsn)
    measurement = _measure(package.id, project, dumped, expected, declared)
    measurement.export_uncovered = export_differences(
        project, "sqlalchemy", pg, name, expected, dumped, declared, refused=package.refused
    )
    return measurement


def without_refused(dumped: dict, refused: tuple[str, ...]) -> dict:
    """The dump less what PostgreSQL refuses to create (`SQLAlchemyPackage.refused`), each of
    which the dump must hold."""
    tables, found = [], set()
    for table in dumped["tables"]:
        keys = []
        for fk in table["foreign_keys"]:
            spelled = f"foreign key {table['name']}({', '.join(fk['columns'])})"
            found.add(spelled) if spelled in refused else keys.append(fk)
        indexes: list[dict] = []
        for index in table["indexes"]:
            seen = any(i["name"] == index["name"] for i in indexes)
            if f"index {index['name']}" in refused:
                found.add(f"index {index['name']}")
            elif seen and f"duplicate index {index['name']}" in refused:
                found.add(f"duplicate index {index['name']}")
            else:
                indexes.append(index)
        tables.append(dict(table, foreign_keys=keys, indexes=indexes))
    if found != set(refused):
        raise AssertionError(f"the dump does not declare what PostgreSQL refuses: {sorted(set(refused) - found)}")
    return dict(dumped, tables=tables)


# ---------------------------------------------------------------------------------------------
# export: the DDL of the dump, run where the library ran, must rebuild the package's tables


def export_differences(
    project: Path,
    source: str,
    pg,
    oracle: str,
    expected: dict,
    dumped: dict,
    declared: dict[str, list[Span]],
    refused: tuple[str, ...] = (),
) -> list[str]:
    """`schemalint export` of the project, run with `psql -v ON_ERROR_STOP=1` in a copy of the
    library's database from which the package's own tables were dropped (so that the tables
    they refer to in other packages exist, as in a real project). Returns the differences from
    the library's tables that the dump has too... no: that the dump does *not* explain, i.e.
    where the export is not exactly what dump describes."""
    import psycopg

    ddl = _run(
        [sys.executable, "-m", "schemalint", "export", "--source", source, "--root", str(project)], cwd=project
    ).stdout
    copy = oracle + "_x"
    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{oracle}"')
    exported_names = [t["name"] for t in dumped["tables"] if t.get("managed", True)]
    with psycopg.connect(pg.dsn(copy), autocommit=True) as conn:
        for table in dumped["tables"]:
            if table.get("managed", True):
                qualified = f'"{table["schema"]}"."{table["name"]}"' if table.get("schema") else f'"{table["name"]}"'
                conn.execute(f"DROP TABLE IF EXISTS {qualified} CASCADE")
        for enum in dumped.get("enums", []):
            conn.execute(f'DROP TYPE IF EXISTS "{enum["name"]}" CASCADE')
    script = project / "export.sql"
    script.write_text(ddl, encoding="utf-8")
    psql = Path(pg.bin_dir) / "psql"
    # What PostgreSQL refuses (`SQLAlchemyPackage.refused`) fails in the export as in
    # create_all: exactly that many statements may fail, the others must run.
    done = subprocess.run(
        [str(psql), "-X", "-q", "-v", f"ON_ERROR_STOP={0 if refused else 1}", "-d", pg.dsn(copy), "-f", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [line for line in done.stderr.splitlines() if "ERROR:" in line]
    if done.returncode != 0 or len(errors) != len(refused):
        return [f"psql failed on the export: {done.stderr.strip()[:500]}"]
    catalog = read_catalog(pg.dsn(copy))
    built = dict(catalog, tables=[t for t in catalog["tables"] if t["name"] in exported_names])
    of_dump = set(compare_catalogs(_managed(dumped), expected, comments=True, labels=LABELS).differences)
    of_export = compare_catalogs(built, expected, comments=True, labels=LABELS).differences
    # What differs for the export but not for the dump, and no SL002 / unknown mark explains
    # (an unknown column is a comment in the export: it and what stands on it are absent).
    managed = _managed(dumped)
    sl002 = [d for d in dumped["diagnostics"] if d["code"] == "SL002"]
    spans = class_spans(project, managed)
    return [d for d in of_export if d not in of_dump and not covered(d, managed, sl002, declared=declared, spans=spans)]


def _managed(dumped: dict) -> dict:
    return dict(dumped, tables=[t for t in dumped["tables"] if t.get("managed", True)])


# ---------------------------------------------------------------------------------------------
# Comparing, and which differences an SL002 explains


def _measure(
    package_id: str, project: Path, dumped: dict, expected: dict, declared: dict[str, list[Span]] | None = None
) -> Measurement:
    actual = _managed(dumped)
    agreement = compare_catalogs(actual, expected, comments=True, labels=LABELS)
    sl002 = [d for d in dumped["diagnostics"] if d["code"] == "SL002"]
    spans = class_spans(project, actual)
    uncovered = [d for d in agreement.differences if not covered(d, actual, sl002, declared=declared, spans=spans)]
    database_facts = compare_catalogs(expected, expected, comments=True).compared
    return Measurement(package_id, agreement, len(sl002), len(expected["tables"]), uncovered, sl002, database_facts)


_TABLE_OF = re.compile(r"^(?:table (?P<t1>[^:\s]+):|column (?P<t2>[^.:\s]+)\.(?P<col>[^:\s]+):|(?P<t3>[^:\s]+): )")


def subject(difference: str) -> tuple[str | None, str | None]:
    """(table, column) a difference of `compare_catalogs` is about; column None for the others."""
    found = _TABLE_OF.match(difference)
    if not found:
        return None, None
    return found["t1"] or found["t2"] or found["t3"], found["col"]


def _line(location: str | None) -> str | None:
    return location.rsplit(":", 1)[0] if location else None  # path:line, without the column


def class_spans(project: Path, dumped: dict) -> dict[str, Span]:
    """table -> the span of the class statement its dump location is in."""
    spans: dict[str, Span] = {}
    trees: dict[str, ast.Module | None] = {}
    for table in dumped["tables"]:
        if not table.get("location"):
            continue
        path, line = table["location"].split(":")[:2]
        if path not in trees:
            try:
                trees[path] = ast.parse((project / path).read_text(encoding="utf-8"))
            except (OSError, SyntaxError, ValueError):
                trees[path] = None
        tree = trees[path]
        classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)] if tree else []
        around = [c for c in classes if c.lineno <= int(line) <= (c.end_lineno or c.lineno)]
        if around:
            innermost = max(around, key=lambda c: c.lineno)
            spans[table["name"]] = (path, innermost.lineno, innermost.end_lineno or innermost.lineno)
    return spans


def covered(
    difference: str,
    dumped: dict,
    sl002: list[dict],
    *,
    declared: dict[str, list[Span]] | None = None,
    spans: dict[str, Span] | None = None,
) -> bool:
    """Whether the dump owns up to `difference`:

    * a column's fact: the column is marked `unknown`, or an SL002 sits on the line that
      declares the column or its table's class;
    * anything else (a table, or a column or object on a table, missing on one side): the table
      is marked `unknown`, the schema is incomplete, an SL002 names the table, or an SL002 lies
      inside the class statement of the table (`spans`, from the dump) or of any class the
      model inherits from (`declared`: the oracle's spans of the model's MRO) -- one SL002 at
      the construct that caused it, e.g. an unresolvable base of an abstract parent, covers
      every table that inherits it."""
    declared, spans = declared or {}, spans or {}
    table_name, column_name = subject(difference)
    table = {t["name"]: t for t in dumped["tables"]}.get(table_name or "")
    lines = {_line(d["location"]) for d in sl002}
    if table is not None:
        if table.get("unknown") or _line(table.get("location")) in lines:
            return True
        column = {c["name"]: c for c in table["columns"]}.get(column_name or "")
        if column is not None:
            return bool(column.get("unknown")) or _line(column.get("location")) in lines
    if dumped.get("complete") is False or any(table_name and table_name in d["message"] for d in sl002):
        return True
    inside = declared.get(table_name or "", []) + ([spans[table_name]] if table_name in spans else [])
    return any(_inside(d["location"], span) for d in sl002 for span in inside)


def _inside(location: str, span: Span) -> bool:
    path, line = location.split(":")[:2]
    return path == span[0] and span[1] <= int(line) <= span[2]

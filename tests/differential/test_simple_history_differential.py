"""django-simple-history, proven against the real thing: real Django with simple_history
installed runs `makemigrations` + `migrate` on small projects that use `HistoricalRecords()`
into a real PostgreSQL, and `schemalint dump --source django` of the same model files must
equal the catalog, historical tables included (schemalint/read/django/history.py).

Then, on the same migrated projects, `schemalint check --database-url` (the models as the
truth; the migrations `makemigrations` wrote and the live database as mirrors) must report
nothing but the SL002s of what the reader says it cannot resolve: no false finding from a
historical table, and models and migrations agree (SL5xx) on a project using HistoricalRecords.

The reader finds simple_history in this interpreter's site-packages (the `python-path` key),
or not at all: it recognises `HistoricalRecords` by the import's name either way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from tests.differential.test_django_differential import without_django_tables
from tests.support.catalog import compare_catalogs, read_catalog
from tests.support.cli import schemalint

pytest.importorskip("simple_history", reason="django-simple-history (the test extra) is not installed")

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

HEAD = """\
import os
import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords
"""

# Plain use: every kind of field simple-history copies, relations, unique fields, primary keys
# of each kind, multi-table inheritance, order_with_respect_to, a proxy with its own history.
PLAIN = """
class Poll(models.Model):
    question = models.CharField(max_length=200)
    pub_date = models.DateTimeField("date published")
    history = HistoricalRecords()


class Choice(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE)
    choice = models.CharField(max_length=200, unique=True)
    votes = models.PositiveIntegerField(default=0)
    parent = models.ForeignKey("self", null=True, on_delete=models.SET_NULL)
    history = HistoricalRecords()

    class Meta:
        order_with_respect_to = "poll"


class Country(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField()
    history = HistoricalRecords()


class City(models.Model):
    id = models.SmallAutoField(primary_key=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, to_field="name", related_name="cities")
    capital_of = models.OneToOneField(Country, null=True, on_delete=models.SET_NULL, related_name="capital")
    photo = models.FileField(upload_to="cities/")
    updated = models.DateTimeField(auto_now=True)
    created = models.DateField(auto_now_add=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True)
    history = HistoricalRecords()


class Place(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=40)


class Restaurant(Place):
    seats = models.SmallIntegerField()
    history = HistoricalRecords()


class PollArchive(Poll):
    audit = HistoricalRecords()

    class Meta:
        proxy = True


class Untracked(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE)


class Tag(models.Model):
    name = models.CharField(max_length=20, primary_key=True)


class Membership(models.Model):
    post = models.ForeignKey("Post", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    weight = models.IntegerField(unique=True)


class Post(models.Model):
    tags = models.ManyToManyField(Tag, related_name="posts")
    featured = models.ManyToManyField(Tag, through=Membership, related_name="featured_in")
    related = models.ManyToManyField("self")
    history = HistoricalRecords(m2m_fields=[tags, "featured"])


class Page(models.Model):
    links = models.ManyToManyField("self", symmetrical=False)
    _history_m2m_fields = [links]
    history = HistoricalRecords()
"""

# The options that change the historical model.
OPTIONS = """
class Author(models.Model):
    name = models.CharField(max_length=50)


class IPAddressHistoricalModel(models.Model):
    ip_address = models.GenericIPAddressField(null=True)

    class Meta:
        abstract = True


class Book(models.Model):
    title = models.CharField(max_length=100)
    isbn = models.CharField(max_length=13, unique=True)
    secret = models.TextField(blank=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    history = HistoricalRecords(
        table_name="book_audit",
        custom_model_name="BookAudit",
        excluded_fields=["secret"],
        no_db_index=["isbn"],
        history_id_field=models.UUIDField(default=uuid.uuid4),
        history_change_reason_field=models.TextField(null=True),
        related_name="audits",
        bases=[IPAddressHistoricalModel],
    )


class Editor(models.Model):
    name = models.CharField(max_length=50)
    history = HistoricalRecords(user_model=Author, user_db_constraint=False, app="plain", verbose_name="editor log")


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    stars = models.IntegerField()
    history = HistoricalRecords(history_user_id_field=models.IntegerField(null=True, db_index=True))


class Shelf(models.Model):
    label = models.CharField(max_length=10)
    history = HistoricalRecords(user_model=settings.AUTH_USER_MODEL, user_related_name="shelf_changes")
"""

# `inherit=True` on an abstract base and on a concrete parent.
INHERIT = """
class TrackedModel(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class Article(TrackedModel):
    title = models.CharField(max_length=100)


class Note(TrackedModel):
    body = models.TextField()


class Vehicle(models.Model):
    wheels = models.IntegerField()
    history = HistoricalRecords(inherit=True)


class Car(Vehicle):
    doors = models.IntegerField()


class Quiet(models.Model):
    history = HistoricalRecords()

    class Meta:
        abstract = True


class Loud(Quiet):
    volume = models.IntegerField()
"""

# What the reader cannot resolve: one SL002 each, at the call.
UNKNOWNS = """
def audit_table():
    return "ledger_" + os.environ.get("LEDGER_SUFFIX", "log")


class Ledger(models.Model):
    amount = models.IntegerField()
    history = HistoricalRecords(table_name=audit_table())


class Invoice(models.Model):
    total = models.IntegerField()
    history = HistoricalRecords(bases=[outside.AuditBase])
"""

OUTSIDE = """
from django.db import models


class AuditBase(models.Model):
    note = models.CharField(max_length=30, null=True)

    class Meta:
        abstract = True
"""

SETTINGS_APP = """
class Document(models.Model):
    title = models.CharField(max_length=100, unique=True)
    scan = models.FileField(max_length=150)
    history = HistoricalRecords()
"""

SIMPLE_HISTORY_SETTINGS = """
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_DATE_INDEX = "Composite"
SIMPLE_HISTORY_FILEFIELD_TO_CHARFIELD = True
"""

_RUNNER = """
import django
from django.core.management import call_command
django.setup()
call_command("makemigrations", *{labels!r}, verbosity=0)
call_command("migrate", verbosity=0)
"""


def write_project(root: Path, apps: dict[str, str], settings: str = "", python_path: bool = True) -> None:
    """A Django project: `apps` label -> models.py body; settings found as Django finds them."""
    for label, body in apps.items():
        (root / label / "migrations").mkdir(parents=True)
        (root / label / "__init__.py").write_text("")
        (root / label / "migrations" / "__init__.py").write_text("")
        head = HEAD + ("import outside\n" if "outside." in body else "")
        (root / label / "models.py").write_text(head + textwrap.dedent(body))
    (root / "config").mkdir()
    (root / "config" / "__init__.py").write_text("")
    installed = ["django.contrib.contenttypes", "django.contrib.auth", "simple_history", *apps]
    (root / "config" / "settings.py").write_text(
        f"INSTALLED_APPS = {installed!r}\nDEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\nUSE_TZ = True\n"
        + settings
    )
    (root / "manage.py").write_text('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n')
    site = sysconfig.get_paths()["purelib"]
    (root / "pyproject.toml").write_text(
        '[tool.schemalint]\ndjango = ["*/models.py"]\nmigrations = ["*/migrations/0*.py"]\n'
        'on-delete-policy = "database"\n' + (f"python-path = [{json.dumps(site)}]\n" if python_path else "")
    )


def migrate(root: Path, outside: Path, dsn: str, labels: list[str]) -> None:
    params = dict(part.split("=", 1) for part in dsn.split())
    (outside / "history_test_settings.py").write_text(
        "from config.settings import *  # noqa: F401,F403\n"
        f"DATABASES = {{'default': {{'ENGINE': 'django.db.backends.postgresql', 'NAME': {params['dbname']!r}, "
        f"'USER': {params['user']!r}, 'HOST': {params['host']!r}, 'PORT': {params['port']!r}}}}}\n"
    )
    (outside / "outside.py").write_text(textwrap.dedent(OUTSIDE))
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="history_test_settings",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONPATH=os.pathsep.join([str(root), str(outside)]),
    )
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER.format(labels=labels)],
        env=env,
        cwd=outside,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"Django could not migrate:\n{done.stdout}\n{done.stderr}"


def dump(root: Path) -> dict:
    ran = schemalint("dump", "--source", "django", "--format", "json", "--root", str(root), cwd=root)
    assert ran.returncode in (0, 1), ran.stderr
    return json.loads(ran.stdout)


PROJECTS = {
    "main": ({"plain": PLAIN, "options": OPTIONS, "inherit": INHERIT, "unknowns": UNKNOWNS}, ""),
    "settings": ({"documents": SETTINGS_APP}, SIMPLE_HISTORY_SETTINGS),
}


@pytest.fixture(scope="module", params=sorted(PROJECTS))
def project(request, pg, tmp_path_factory) -> tuple[str, Path, str]:
    """(name, the project migrated by real Django, the database's dsn)."""
    name = request.param
    apps, settings = PROJECTS[name]
    work = tmp_path_factory.mktemp(f"history_{name}")
    root, outside = work / "project", work / "outside"
    outside.mkdir()
    write_project(root, apps, settings)
    dsn = pg.create_database(f"history_{name}")
    migrate(root, outside, dsn, list(apps))
    return name, root, dsn


# Facts the reader leaves unknown (each with its SL002), and so differs in: the table named by
# a function call, and the columns of a base the reader cannot see.
EXPECTED_SL002 = {
    "main": [
        "HistoricalRecords(table_name=...) cannot be resolved statically: audit_table(): os.environ",
        "HistoricalRecords(bases=...) cannot be resolved statically: outside.AuditBase (cannot be followed)",
    ],
    "settings": [],
}


# The table whose name the reader cannot know (dumped without one), left out on both sides.
UNNAMED = {"main": "ledger_log", "settings": None}


def _known_differences(name: str, difference: str) -> bool:
    """The difference the SL002 above explains: the unseen base's column is missing."""
    return name == "main" and difference.startswith("column unknowns_historicalinvoice.note:")


@pytest.mark.parametrize("python_path", [True, False], ids=["installed", "not-installed"])
def test_historical_tables_equal_what_migrate_creates(project, python_path, tmp_path):
    name, root, dsn = project
    if not python_path:  # the same files, simple_history not in the reader's sight
        copy = tmp_path / "project"
        apps, settings = PROJECTS[name]
        write_project(copy, apps, settings, python_path=False)
        root = copy
    dumped = dump(root)
    catalog = without_django_tables(read_catalog(dsn))
    catalog["tables"] = [t for t in catalog["tables"] if t["name"] != UNNAMED[name]]
    unnamed = [t for t in dumped["tables"] if t["name"] is None]
    assert len(unnamed) == (1 if UNNAMED[name] else 0) and all("name" in t["unknown"] for t in unnamed), unnamed
    managed = dict(dumped, tables=[t for t in dumped["tables"] if t["managed"] and t["name"]])
    history = [t["name"] for t in managed["tables"] if "histor" in (t["name"] or "") or "audit" in (t["name"] or "")]
    assert len(history) >= (15 if name == "main" else 1), history
    agreement = compare_catalogs(managed, catalog, comments=True, labels=("schemalint", "postgres"))
    print(f"\nsimple_history differential ({name}): {agreement.agreeing}/{agreement.compared} facts agree")
    unexplained = [d for d in agreement.differences if not _known_differences(name, d)]
    assert not unexplained, str(agreement)
    messages = sorted(d["message"] for d in dumped["diagnostics"])
    assert messages == sorted(EXPECTED_SL002[name]), messages


def test_check_finds_nothing_but_the_sl002s(project):
    """Models as the truth; the migrations makemigrations wrote and the live database as
    mirrors: only the SL002s of what the reader cannot resolve."""
    name, root, dsn = project
    params = dict(part.split("=", 1) for part in dsn.split())
    url = f"postgresql://{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
    ran = schemalint("check", "--format", "json", "--database-url", url, str(root), cwd=root)
    findings = json.loads(ran.stdout)
    codes = sorted(f["code"] for f in findings)
    assert codes == ["SL002"] * len(EXPECTED_SL002[name]), json.dumps(findings, indent=1)


def test_the_migrations_makemigrations_wrote_replay_to_the_same_tables(project):
    """The migrations reader on the historical models' CreateModel operations (their
    `bases=(simple_history.models.HistoricalChanges, models.Model)` included)."""
    name, root, dsn = project
    ran = schemalint("dump", "--source", "migrations", "--format", "json", "--root", str(root), cwd=root)
    dumped = json.loads(ran.stdout)
    assert not dumped["diagnostics"], dumped["diagnostics"]
    catalog = without_django_tables(read_catalog(dsn))
    managed = dict(dumped, tables=[t for t in dumped["tables"] if t["managed"]])
    agreement = compare_catalogs(managed, catalog, comments=True, labels=("schemalint", "postgres"))
    print(f"\nsimple_history migrations ({name}): {agreement.agreeing}/{agreement.compared} facts agree")
    assert not agreement.differences, str(agreement)

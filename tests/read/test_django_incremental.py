"""The incremental Django link (read/django/incremental.py): after an edit, a run that relinks
from the previous link must give exactly the schema a full link gives.

The property test writes a generated project (a few apps, models with char/int fields,
foreign keys, one-to-ones and many-to-manys by `'app.Model'` strings, abstract and concrete
bases imported across apps, a FK to AUTH_USER_MODEL, settings), applies random edits one after
another (add/remove/rename a field, change a target, move a model to another app, rename it,
make it abstract or not, add or remove a model, edit the settings, put a model under a
module-level `if` -- django-oscar's `if not is_model_registered(...)` guard or an `if
connection.vendor == ...` branch -- or take it out, fork a model into another app with its
label, as a project forking an oscar app does), and after each one reads
the project through the link cache (a relink where one applies) and compares with a plain
full link of the same files. The targeted tests pin each way back to the full link.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalint.cache import Cache
from schemalint.config import Config
from schemalint.discover import discover
from schemalint.model import Schema
from schemalint.read import Project, ReaderSettings, get_reader
from schemalint.read.django import incremental
from schemalint.read.django.build import link as full_link
from schemalint.read.stage import _load_files, read_schema
from tests.read.test_django_app_registry import LOADING  # django-oscar's is_model_registered
from tests.read.test_django_reader import write

APPS = ("shop", "blog", "core")
AUTO_FIELDS = ("AutoField", "BigAutoField", "SmallAutoField")


# ----------------------------------------------------------------------------- the project


@dataclass
class Model:
    name: str
    app: str
    fields: list[tuple[str, str, object]] = field(default_factory=list)
    """(name, kind, argument): char (max_length), int (None), fk/o2o/m2m (target model name),
    user (a FK to AUTH_USER_MODEL)."""
    abstract: bool = False
    base: str | None = None
    guard: str | None = None
    """The module-level `if` the class is defined under: one of GUARDS (None: none)."""
    label: str | None = None
    """`Meta.app_label` (a fork of another app's model lives in this app's file)."""


GUARDS = {
    "registered": "if not is_model_registered({label!r}, {name!r}):",  # django-oscar's
    "postgresql": 'if connection.vendor == "postgresql":',
    "sqlite": 'if connection.vendor == "sqlite":',
}


@dataclass
class Project_:
    models: list[Model]
    auto_field: str = "BigAutoField"
    renamed: int = 0

    def find(self, name: str) -> Model | None:
        return next((m for m in self.models if m.name == name), None)

    def files(self) -> dict[str, str]:
        files = {
            "requirements.txt": "Django==5.2\n",
            "app_django/manage.py": 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
            "app_django/config/__init__.py": "",
            "app_django/config/settings.py": (
                "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes',"
                + "".join(f" 'apps.{app}'," for app in APPS)
                + f"]\nDEFAULT_AUTO_FIELD = 'django.db.models.{self.auto_field}'\n"
            ),
            "app_django/apps/__init__.py": "",
            "app_django/apps/loading.py": LOADING,
        }
        for app in APPS:
            files[f"app_django/apps/{app}/__init__.py"] = ""
            files[f"app_django/apps/{app}/models.py"] = self.render(app)
        return files

    def render(self, app: str) -> str:
        lines = [
            "from django.conf import settings",
            "from django.db import connection, models",
            "from app_django.apps.loading import is_model_registered",
        ]
        for model in self.models:
            base = self.find(model.base) if model.base else None
            if model.app == app and base is not None and base.app != app:
                lines.append(f"from app_django.apps.{base.app}.models import {base.name}")
        for model in self.models:
            if model.app != app:
                continue
            block = [f"class {model.name}({model.base or 'models.Model'}):"]
            body = []
            for name, kind, argument in model.fields:
                body.append(f"    {name} = {self.field(kind, argument)}")
            meta = (["abstract = True"] if model.abstract else []) + (
                [f"app_label = {model.label!r}"] if model.label else []
            )
            if meta:
                body += ["", "    class Meta:", *(f"        {line}" for line in meta)]
            block += body or ["    pass"]
            if model.guard:
                test = GUARDS[model.guard].format(label=model.label or model.app, name=model.name)
                block = [test, *(f"    {line}" if line else "" for line in block)]
            lines += ["", "", *block]
        return "\n".join(lines) + "\n"

    def field(self, kind: str, argument: object) -> str:
        if kind == "char":
            return f"models.CharField(max_length={argument})"
        if kind == "int":
            return "models.IntegerField(null=True)"
        if kind == "user":
            return "models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')"
        target = self.find(str(argument))
        reference = f"'{target.app}.{target.name}'" if target is not None else f"'gone.{argument}'"
        if kind == "m2m":
            return f"models.ManyToManyField({reference}, related_name='+')"
        cls = "ForeignKey" if kind == "fk" else "OneToOneField"
        return f"models.{cls}({reference}, on_delete=models.CASCADE, related_name='+')"


FIELD_KINDS = ("char", "char", "int", "fk", "fk", "o2o", "m2m", "user")


@st.composite
def new_field(draw, names: list[str], taken: set[str]):
    kind = draw(st.sampled_from(FIELD_KINDS))
    if kind in ("fk", "o2o", "m2m") and not names:
        kind = "char"
    name = draw(st.sampled_from([n for n in ("a", "b", "c", "d", "e", "f", "g") if n not in taken] or ["h"]))
    argument: object = None
    if kind == "char":
        argument = draw(st.sampled_from((10, 20, 30)))
    elif kind in ("fk", "o2o", "m2m"):
        argument = draw(st.sampled_from(names))
    return (name, kind, argument)


@st.composite
def projects(draw) -> Project_:
    models: list[Model] = []
    for index in range(draw(st.integers(2, 6))):
        names = [m.name for m in models]
        model = Model(f"M{index}", draw(st.sampled_from(APPS)), abstract=draw(st.booleans()) and index < 3)
        if names and draw(st.integers(0, 3)) == 0:
            model.base = draw(st.sampled_from(names))
        for _ in range(draw(st.integers(0, 3))):
            model.fields.append(draw(new_field(names, {f[0] for f in model.fields})))
        models.append(model)
    return Project_(models, draw(st.sampled_from(AUTO_FIELDS)))


def edit(data, project: Project_) -> str:
    """Apply one random edit to `project`; returns what it did (for the failure report)."""
    models = project.models
    model = data.draw(st.sampled_from(models))
    names = [m.name for m in models]
    kind = data.draw(
        st.sampled_from(
            (
                "add",
                "remove",
                "rename",
                "retarget",
                "length",
                "move",
                "rename model",
                "abstract",
                "new",
                "drop",
                "settings",
                "guard",
                "fork",
            )
        )
    )
    if kind == "add":
        model.fields.append(data.draw(new_field(names, {f[0] for f in model.fields})))
    elif kind == "remove" and model.fields:
        model.fields.pop(data.draw(st.integers(0, len(model.fields) - 1)))
    elif kind == "rename" and model.fields:
        index = data.draw(st.integers(0, len(model.fields) - 1))
        taken = {f[0] for f in model.fields}
        model.fields[index] = (next(n for n in "zyxwvu" if n not in taken), *model.fields[index][1:])
    elif kind == "retarget":
        related = [i for i, f in enumerate(model.fields) if f[1] in ("fk", "o2o", "m2m")]
        if related:
            index = data.draw(st.sampled_from(related))
            model.fields[index] = (model.fields[index][0], model.fields[index][1], data.draw(st.sampled_from(names)))
    elif kind == "length":
        chars = [i for i, f in enumerate(model.fields) if f[1] == "char"]
        if chars:
            index = data.draw(st.sampled_from(chars))
            model.fields[index] = (model.fields[index][0], "char", data.draw(st.sampled_from((10, 40, 255))))
    elif kind == "move":
        model.app = data.draw(st.sampled_from(APPS))
    elif kind == "rename model":
        project.renamed += 1
        model.name = f"R{project.renamed}"  # what referred to it by name now refers to nothing
    elif kind == "abstract":
        model.abstract = not model.abstract
    elif kind == "new":
        added = Model(f"N{len(models)}", data.draw(st.sampled_from(APPS)))
        added.fields.append(data.draw(new_field(names, set())))
        if data.draw(st.booleans()):
            added.base = data.draw(st.sampled_from(names))
        models.append(added)
    elif kind == "drop" and len(models) > 1:
        models.remove(model)
    elif kind == "settings":
        project.auto_field = data.draw(st.sampled_from(AUTO_FIELDS))
    elif kind == "guard":
        model.guard = data.draw(st.sampled_from((None, *GUARDS)))
    elif kind == "fork":  # the project's own model of that label and name: the guard is false
        fork = Model(
            model.name, data.draw(st.sampled_from(APPS)), [("forked", "char", 10)], label=model.label or model.app
        )
        models.append(fork)
    return f"{kind} {model.name}"


# ----------------------------------------------------------------------------- reading


def config(root: Path) -> Config:
    return Config(root=root.resolve())


def cached_read(root: Path) -> Schema:
    cfg = config(root)
    return read_schema("django", discover(cfg, ("django",)).files["django"], cfg, Cache(root / ".schemalint_cache"))


def plain_read(root: Path) -> Schema:
    """A full link over a plain `Project`: no recording, no cache."""
    cfg = config(root)
    files, _ = _load_files(discover(cfg, ("django",)).files["django"], cfg.root, {})
    reader_settings = ReaderSettings.from_config(cfg)
    facts = [get_reader("django").extract(file, reader_settings) for file in files]
    schema = full_link(facts, Project(root=cfg.root, config=cfg, settings=reader_settings, files=files))
    return replace(schema, files=tuple(f.rel for f in files))


def same(a: Schema, b: Schema) -> bool:
    return a == b


@pytest.fixture
def relinks(monkeypatch):
    """What `relink` answered in this test: True (relinked), False (declined)."""
    answers: list[bool] = []
    real = incremental.relink

    def counted(*args, **kwargs):
        found = real(*args, **kwargs)
        answers.append(found is not None)
        return found

    monkeypatch.setattr(incremental, "relink", counted)
    return answers


# ----------------------------------------------------------------------------- the property


def _check_edits(data, relinks: list[bool], edits: int) -> None:
    project = data.draw(projects())
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root, project.files())
        assert same(cached_read(root), plain_read(root))
        done = []
        for _ in range(edits):
            done.append(edit(data, project))
            write(root, project.files())
            assert same(cached_read(root), plain_read(root)), done


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_relink_equals_full_link_after_random_edits(data, relinks):
    _check_edits(data, relinks, 3)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_relink_equals_full_link_after_random_edits_many(data, relinks):
    _check_edits(data, relinks, 5)
    # (across examples most edits relink: counted in test_relink_is_used below)


def test_relink_is_used_and_equal_on_a_fixed_history(tmp_path, relinks):
    """A fixed sequence of edits that each touch one model file: every one relinks."""
    project = Project_(
        [
            Model("Base", "core", [("created", "int", None)], abstract=True),
            Model("Author", "blog", [("name", "char", 20)], base="Base"),
            Model("Post", "blog", [("author", "fk", "Author"), ("title", "char", 30)]),
            Model("Product", "shop", [("sku", "char", 10), ("owner", "user", None)]),
            Model("Order", "shop", [("product", "fk", "Product"), ("tags", "m2m", "Post")]),
        ]
    )
    write(tmp_path, project.files())
    assert same(cached_read(tmp_path), plain_read(tmp_path))
    steps = [
        lambda: project.models[3].fields.__setitem__(0, ("sku", "char", 40)),  # shop: a length
        lambda: project.models[1].fields.append(("bio", "char", 30)),  # blog
        lambda: project.models[3].fields.__setitem__(0, ("sku", "fk", "Author")),  # shop: now a FK to blog
        lambda: project.models[0].fields.append(("updated", "int", None)),  # core: the abstract base
        lambda: setattr(project.models[2], "app", "shop"),  # Post moves: blog and shop change
    ]
    for step in steps:
        step()
        write(tmp_path, project.files())
        assert same(cached_read(tmp_path), plain_read(tmp_path))
    assert relinks == [True] * len(steps)


# ----------------------------------------------------------------------------- what is rebuilt


def _linked(tmp_path: Path, files: dict[str, str]):
    write(tmp_path, files)
    cfg = config(tmp_path)
    project_files, _ = _load_files(discover(cfg, ("django",)).files["django"], cfg.root, {})
    reader_settings = ReaderSettings.from_config(cfg)
    facts = [get_reader("django").extract(file, reader_settings) for file in project_files]
    return facts, Project(root=cfg.root, config=cfg, settings=reader_settings, files=project_files), project_files


TWO_APPS = {
    "app_django/apps/__init__.py": "",
    "app_django/apps/shop/__init__.py": "",
    "app_django/apps/shop/models.py": """
        from django.db import models

        class Product(models.Model):
            sku = models.CharField(max_length=10)
    """,
    "app_django/apps/blog/__init__.py": "",
    "app_django/apps/blog/models.py": """
        from django.db import models

        class Post(models.Model):
            title = models.CharField(max_length=10)

        class Note(models.Model):
            text = models.TextField()
    """,
    "app_django/apps/core/__init__.py": "",
    "app_django/apps/core/models.py": """
        from django.db import models

        class Tag(models.Model):
            product = models.ForeignKey("shop.Product", on_delete=models.CASCADE)
    """,
}


def _relinked(tmp_path: Path, before: dict[str, str], after: dict[str, str]):
    facts, project, files = _linked(tmp_path, before)
    schema, state = incremental.link(facts, project)
    facts2, project2, _ = _linked(tmp_path, after)
    changed = {f.rel for f, a, b in zip(files, facts, facts2) if a != b}
    return incremental.relink(schema, state, facts2, project2, changed), full_link(facts2, project2), state


def test_only_the_changed_file_and_its_referrers_are_rebuilt(tmp_path):
    after = dict(TWO_APPS)
    after["app_django/apps/shop/models.py"] = """
        from django.db import models

        class Product(models.Model):
            sku = models.CharField(max_length=10, primary_key=True)
    """
    found, full, state = _relinked(tmp_path, TWO_APPS, after)
    assert found is not None
    schema, new_state = found.schema, found.state
    assert schema == full
    assert schema.table("core_tag").column("product_id").type == "character varying(10)"  # rebuilt: refers to it
    # blog was not rebuilt: its records are the previous ones, moved along
    blog = [k for k in new_state.segments if k[1] == "app_django/apps/blog/models.py"]
    assert blog and all(new_state.segments[k].summary is state.segments[k].summary for k in blog)
    core = ("classes", "app_django/apps/core/models.py", 0)
    assert new_state.segments[core].summary is not state.segments[core].summary


def test_an_abstract_base_in_another_file_rebuilds_its_children(tmp_path):
    before = {
        **TWO_APPS,
        "app_django/apps/core/models.py": """
            from django.db import models

            class Stamped(models.Model):
                created = models.IntegerField()

                class Meta:
                    abstract = True
        """,
        "app_django/apps/blog/models.py": """
            from app_django.apps.core.models import Stamped

            class Post(Stamped):
                pass
        """,
    }
    after = dict(before)
    after["app_django/apps/core/models.py"] = before["app_django/apps/core/models.py"].replace(
        "IntegerField()", "BigIntegerField()"
    )
    found, full, _ = _relinked(tmp_path, before, after)
    assert found is not None and found.schema == full
    assert full.table("blog_post").column("created").type == "bigint"


def test_a_model_that_appears_under_a_key_others_looked_for_rebuilds_them(tmp_path):
    """`'blog.Gone'` was unresolved; a model of that name appears in blog: core's FK now
    resolves, though core's file did not change."""
    before = dict(TWO_APPS)
    before["app_django/apps/core/models.py"] = """
        from django.db import models

        class Tag(models.Model):
            gone = models.ForeignKey("blog.Gone", on_delete=models.CASCADE)
    """
    after = dict(before)
    after["app_django/apps/blog/models.py"] = TWO_APPS["app_django/apps/blog/models.py"] + (
        "\n        class Gone(models.Model):\n            pass\n"
    )
    found, full, _ = _relinked(tmp_path, before, after)
    assert found is not None and found.schema == full
    assert full.table("core_tag").column("gone_id").type == "bigint"
    assert not any("blog.Gone" in d.message for d in full.diagnostics)


def test_two_models_under_one_key_link_in_full(tmp_path):
    before = dict(TWO_APPS)
    before["app_django/apps/core/models.py"] = """
        from django.db import models

        class Product(models.Model):
            code = models.IntegerField()

            class Meta:
                app_label = "shop"
    """
    after = dict(before)
    after["app_django/apps/blog/models.py"] = TWO_APPS["app_django/apps/blog/models.py"].replace("10", "20")
    found, full, state = _relinked(tmp_path, before, after)
    assert state.collided and found is None


def test_a_new_model_under_a_key_another_file_holds_links_in_full(tmp_path):
    after = dict(TWO_APPS)
    after["app_django/apps/blog/models.py"] = TWO_APPS["app_django/apps/blog/models.py"] + (
        '\n        class Product(models.Model):\n            class Meta:\n                app_label = "shop"\n'
    )
    found, _, _ = _relinked(tmp_path, TWO_APPS, after)
    assert found is None


def test_a_module_no_longer_imported_links_in_full(tmp_path):
    """A models package whose `__init__` stops importing a submodule: that module's models
    are no longer registered, which only a full link tells."""
    before = {
        **TWO_APPS,
        "app_django/apps/blog/models.py": None,
        "app_django/apps/blog/models/__init__.py": "from .post import Post\nfrom .note import Note\n",
        "app_django/apps/blog/models/post.py": "from django.db import models\n\nclass Post(models.Model):\n    pass\n",
        "app_django/apps/blog/models/note.py": "from django.db import models\n\nclass Note(models.Model):\n    pass\n",
        "app_django/apps/blog/models/other.py": "from django.db import models\n\nclass Other(models.Model):\n    pass\n",
    }
    before = {k: v for k, v in before.items() if v is not None}
    after = {**before, "app_django/apps/blog/models/__init__.py": "from .post import Post\n"}
    found, full, _ = _relinked(tmp_path, before, after)
    assert found is None
    assert full.table("blog_note") is None


# ----------------------------------------------------------------------------- the cache decides


def _cache_history(tmp_path: Path, before: dict[str, str], after: dict[str, str], relinks: list[bool]) -> None:
    write(tmp_path, before)
    cached_read(tmp_path)
    write(tmp_path, after)
    assert same(cached_read(tmp_path), plain_read(tmp_path))


SETTINGS_PROJECT = {
    **TWO_APPS,
    "app_django/manage.py": 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
    "app_django/config/__init__.py": "",
    "app_django/config/settings.py": "DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'\n",
}


@pytest.mark.parametrize(
    "rel, text",
    [
        pytest.param(
            "app_django/config/settings.py", "DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n", id="settings"
        ),
        pytest.param(
            "app_django/apps/shop/apps.py",
            "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n"
            "    name = 'apps.shop'\n    default_auto_field = 'django.db.models.SmallAutoField'\n",
            id="apps.py",
        ),
    ],
)
def test_project_files_the_link_read_changing_link_in_full(tmp_path, relinks, rel, text):
    before = {**SETTINGS_PROJECT, "app_django/apps/shop/apps.py": "from django.apps import AppConfig\n"}
    after = {**before, rel: text}
    # a model file changes too: without the other change this would relink
    after["app_django/apps/shop/models.py"] = TWO_APPS["app_django/apps/shop/models.py"].replace("10", "12")
    _cache_history(tmp_path, before, after, relinks)
    assert relinks == []  # the previous link no longer holds: not even asked


def test_a_file_added_links_in_full(tmp_path, relinks):
    after = {**TWO_APPS, "app_django/apps/extra/__init__.py": "", "app_django/apps/extra/models.py": "x = 1\n"}
    after["app_django/apps/shop/models.py"] = TWO_APPS["app_django/apps/shop/models.py"].replace("10", "12")
    _cache_history(tmp_path, TWO_APPS, after, relinks)
    assert relinks == []


def test_one_model_file_changed_relinks_through_the_cache(tmp_path, relinks):
    after = dict(TWO_APPS)
    after["app_django/apps/core/models.py"] = TWO_APPS["app_django/apps/core/models.py"].replace(
        "shop.Product", "blog.Post"
    )
    _cache_history(tmp_path, TWO_APPS, after, relinks)
    assert relinks == [True]


def test_a_full_link_recorded_is_the_plain_link(tmp_path):
    facts, project, _ = _linked(tmp_path, SETTINGS_PROJECT)
    assert incremental.link(facts, project)[0] == full_link(facts, project)


# ----------------------------------------------------------------------------- the migrations link

MIGRATION = """
from django.db import migrations, models
import apps.{app}.models


class Migration(migrations.Migration):
    initial = True
    dependencies = {dependencies}
    operations = [
        migrations.CreateModel(
            name="{model}",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", apps.{app}.models.CodeField()),
                {extra}
            ],
        ),
    ]
"""
CODE_FIELD = """
from django.db import models


class CodeField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", {length})
        super().__init__(*args, **kwargs)


class {model}(models.Model):
    code = CodeField()
"""


def _migrations_project(length_shop: int, length_blog: int) -> dict[str, str]:
    files = {"app_django/apps/__init__.py": ""}
    for app, model, length, dependencies, extra in (
        ("shop", "Product", length_shop, "[]", ""),
        (
            "blog",
            "Post",
            length_blog,
            "[('shop', '0001_initial')]",
            "(\"product\", models.ForeignKey(on_delete=models.CASCADE, to='shop.product')),",
        ),
    ):
        files[f"app_django/apps/{app}/__init__.py"] = ""
        files[f"app_django/apps/{app}/models.py"] = CODE_FIELD.format(length=length, model=model)
        files[f"app_django/apps/{app}/migrations/__init__.py"] = ""
        files[f"app_django/apps/{app}/migrations/0001_initial.py"] = MIGRATION.format(
            app=app, model=model, dependencies=dependencies, extra=extra
        )
    return files


def _read_both(root: Path) -> tuple[dict[str, Schema], dict[str, Schema]]:
    from schemalint.read.stage import read_schemas

    cfg = config(root)
    paths = {s: discover(cfg, ("django", "migrations")).files[s] for s in ("django", "migrations")}
    cached = read_schemas(paths, cfg, Cache(root / ".schemalint_cache"))
    return cached, read_schemas(paths, cfg, None)


def test_the_migrations_link_relinks_after_a_custom_fields_module_changed(tmp_path, relinks):
    """The migrations use `apps.<app>.models.CodeField`: its models module is read by the
    migrations link, so editing it used to relink every migrated model."""
    write(tmp_path, _migrations_project(10, 20))
    _read_both(tmp_path)
    write(tmp_path, _migrations_project(12, 20))
    cached, full = _read_both(tmp_path)
    assert cached == full
    assert full["migrations"].table("shop_product").column("code").type == "character varying(12)"
    # both the models' and the migrations' link relinked (the blog's tables were reused)
    assert relinks[:2] == [True, True]


def test_a_changed_migration_links_the_migrations_in_full(tmp_path, relinks):
    write(tmp_path, _migrations_project(10, 20))
    _read_both(tmp_path)
    files = _migrations_project(12, 20)
    files["app_django/apps/blog/migrations/0001_initial.py"] = files[
        "app_django/apps/blog/migrations/0001_initial.py"
    ].replace('name="Post"', 'name="Article"')
    write(tmp_path, files)
    cached, full = _read_both(tmp_path)
    assert cached == full
    assert relinks == [True]  # the models only; the migrations link in full


def test_a_module_level_register_call_keeps_its_sl002_when_another_file_relinks(tmp_path):
    before = dict(TWO_APPS)
    before["app_django/apps/blog/models.py"] = """
        from django.db import models
        from simple_history import register

        class Post(models.Model):
            title = models.CharField(max_length=10)

        register(Post)
    """
    after = dict(before)
    after["app_django/apps/shop/models.py"] = TWO_APPS["app_django/apps/shop/models.py"].replace("10", "12")
    found, full, _ = _relinked(tmp_path, before, after)
    assert found is not None and found.schema == full
    assert [d.location.line for d in full.diagnostics if "register()" in d.message] == [7]
    assert not full.complete and not found.schema.complete


SHOP_MODELS = """
from django.db import models
{constant}

class CodeField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", {length})
        super().__init__(*args, **kwargs)


class Product(models.Model):
    code = CodeField()
{extra}
"""


@pytest.mark.parametrize(
    ("constant", "length", "extra", "migrations_relinked"),
    [
        # a model of the module changed, not what the migrations use of it: the same link
        ("", "10", "    name = models.CharField(max_length=5)", None),
        ("", "10", "    name = models.CharField(max_length=6)\n\n\nclass Other(models.Model):\n    pass", None),
        # the custom field class itself changed: the migrations relink
        ("", "11", "", True),
        # a constant the field reads
        ("LENGTH = 13", "LENGTH", "", True),
        # a class added above the field class (its facts' lines move): relinked too
        ("class Helper:\n    pass\n", "10", "", True),
    ],
)
def test_an_edit_the_migrations_did_not_use_keeps_their_link(
    tmp_path, relinks, constant, length, extra, migrations_relinked
):
    """The migrations link reads each app's models module for `CodeField` only: an edit to
    another class there serves the migrations' link as it was; any edit to what it used
    relinks; cached == uncached either way."""
    files = _migrations_project(10, 20)
    files["app_django/apps/shop/models.py"] = SHOP_MODELS.format(constant="", length="10", extra="")
    write(tmp_path, files)
    cached, full = _read_both(tmp_path)
    assert cached == full
    files["app_django/apps/shop/models.py"] = SHOP_MODELS.format(constant=constant, length=length, extra=extra)
    write(tmp_path, files)
    relinks.clear()
    cached, full = _read_both(tmp_path)
    assert cached == full
    expected = {"10": 10, "11": 11, "LENGTH": 13}[length]
    assert full["migrations"].table("shop_product").column("code").type == f"character varying({expected})"
    # the models' link relinks; the migrations' only when what it used changed
    assert relinks[:2] == ([True] if migrations_relinked is None else [True, True])
    # and again after undoing the edit
    files["app_django/apps/shop/models.py"] = SHOP_MODELS.format(constant="", length="10", extra="")
    write(tmp_path, files)
    cached, full = _read_both(tmp_path)
    assert cached == full


def _shop_models(constant: bool, length: str, extra: str, above: bool, base: str) -> str:
    head = "LENGTH = 13\n" if constant else ""
    if above:
        head += "\nclass Helper:\n    pass\n"
    if base:
        head += f"\nclass CodeBase(models.{base}):\n    pass\n"
    text = SHOP_MODELS.format(constant=head, length=length if constant or length != "LENGTH" else "10", extra=extra)
    return text.replace("class CodeField(models.CharField)", "class CodeField(CodeBase)") if base else text


_SHOP_EDITS = st.tuples(
    st.booleans(),
    st.sampled_from(["10", "11", "LENGTH"]),
    st.sampled_from(
        [
            "",
            "    name = models.CharField(max_length=5)",
            "    name = models.CharField(max_length=7, null=True)",
            "\n\nclass Other(models.Model):\n    code = CodeField(max_length=3)",
        ]
    ),
    st.booleans(),
    st.sampled_from(["", "CharField", "TextField"]),
)


def _check_shop_edits(data, edits: int) -> None:
    files = _migrations_project(10, 20)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root, files)
        cached, full = _read_both(root)
        assert cached == full
        for _ in range(edits):
            text = _shop_models(*data.draw(_SHOP_EDITS))
            files["app_django/apps/shop/models.py"] = text
            write(root, files)
            cached, full = _read_both(root)
            assert cached == full, text


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_migrations_link_after_random_edits_of_a_custom_fields_module(data):
    """Random edits to the models module whose `CodeField` the migrations use (its value, a
    constant it reads, its base class, a class above it, the module's models): the cached
    read (kept, relinked or linked) equals the uncached one after every edit."""
    _check_shop_edits(data, 3)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_migrations_link_after_random_edits_of_a_custom_fields_module_many(data):
    _check_shop_edits(data, 5)

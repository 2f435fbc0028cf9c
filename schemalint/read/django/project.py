"""Facts about the Django project as a whole, read statically at link time: the Django
version (config, installed Django, dependency files), the settings module and the values
models read from it, and each app's AppConfig (apps.py). Small files, read with the standard
`ast` module through the static-Python layer (read/python)."""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from schemalint.model import Diagnostic, Location
from schemalint.read import Project
from schemalint.read.django.swapper import Swapper
from schemalint.read.python import Unresolved
from schemalint.read.python.evaluate import MISSING, Evaluator, Module
from schemalint.read.python.lines import LineFinder, declaration
from schemalint.read.python.modules import ModuleResolver, installed_django

# Django feature releases, oldest first: a range like `<6` means the newest one below it.
KNOWN_VERSIONS = ("3.2", "4.0", "4.1", "4.2", "5.0", "5.1", "5.2", "6.0")
LATEST = KNOWN_VERSIONS[-1]


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:3])


def version_from_spec(spec: str) -> str | None:
    """The Django release a requirement specifier installs (`==5.2.1`, `>=4.2,<6`, `^5.1`)."""
    spec = spec.strip().strip('"').strip("'")
    if not spec or spec == "*":
        return LATEST
    pinned = re.search(r"(?:===?|^)\s*(\d+\.\d+(?:\.\d+)?)\s*$", spec)
    if pinned and not re.search(r"[<>~^!]", spec):
        return pinned.group(1)
    candidates = list(KNOWN_VERSIONS)
    for op, version in re.findall(r"(\^|~=|~|>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)", spec):
        v = _key(version)
        if op == "==":
            return version
        if op in ("^",):
            candidates = [c for c in candidates if _key(c) >= v[:2] and _key(c)[0] == v[0]]
        elif op in ("~=", "~"):
            candidates = [c for c in candidates if _key(c) >= v[:2] and _key(c)[0] == v[0]]
        elif op == ">=":
            candidates = [c for c in candidates if _key(c) >= v[:2]]
        elif op == ">":
            candidates = [c for c in candidates if _key(c) > v[:2] or (len(v) > 2 and _key(c) == v[:2])]
        elif op == "<":
            candidates = [c for c in candidates if _key(c) < v]
        elif op == "<=":
            candidates = [c for c in candidates if _key(c) <= v]
    return candidates[-1] if candidates else None


def _lock_version(text: str) -> str | None:
    match = re.search(r'name\s*=\s*"django"\s*\n\s*version\s*=\s*"([^"]+)"', text, re.I)
    return match.group(1) if match else None


def _requirement_spec(line: str) -> str | None:
    match = re.match(r"^\s*django(?:\[[^\]]*\])?\s*((?:[=<>~!^]=?[^;#\s,]*\s*,?\s*)*)", line, re.I)
    if not match or re.match(r"^\s*django[-_.]", line, re.I):
        return None
    return match.group(1).strip() or "*"


def _pyproject_spec(text: str) -> str | None:
    import tomllib

    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None
    requirements = list(data.get("project", {}).get("dependencies", []) or [])
    for group in (data.get("dependency-groups") or {}).values():
        requirements += [r for r in group if isinstance(r, str)]
    for requirement in requirements:
        spec = _requirement_spec(requirement) if isinstance(requirement, str) else None
        if spec is not None:
            return spec
    poetry = data.get("tool", {}).get("poetry", {})
    for table in [poetry.get("dependencies", {})] + [
        g.get("dependencies", {}) for g in (poetry.get("group") or {}).values()
    ]:
        for name, value in (table or {}).items():
            if name.lower() == "django":
                return value.get("version", "*") if isinstance(value, dict) else str(value)
    return None


def django_version(
    project: Project, model_files: Sequence[str] = (), modules: ModuleResolver | None = None
) -> tuple[str, str]:
    """(version, where it came from). The config; the Django installed in the project's
    virtualenv (what runs); then the dependency files: the project root first, then the
    folders holding the model files (the seed keeps Django's requirements in `app_django/`),
    in each folder lock files first, because they say what is installed."""
    if project.settings.django_version:
        return project.settings.django_version, "config"
    installed = installed_django(modules or ModuleResolver(project))
    if installed is not None:
        return installed
    for folder in _dependency_folders(model_files):
        found = _version_in(project, folder)
        if found is not None:
            return found
    return LATEST, "default (latest)"


def _dependency_folders(model_files: Sequence[str]) -> list[str]:
    folders = {""}
    for rel in model_files:
        parts = rel.split("/")[:-1]
        folders |= {"/".join(parts[:i]) + "/" for i in range(1, min(len(parts), 3) + 1)}
    return sorted(folders, key=lambda f: (f.count("/"), f))


def _version_in(project: Project, folder: str) -> tuple[str, str] | None:
    for name in ("poetry.lock", "uv.lock", "pdm.lock"):
        text = project.read_text(folder + name)
        if text and (found := _lock_version(text)):
            return found, folder + name
    text = project.read_text(folder + "Pipfile.lock")
    if text:
        try:
            pinned = json.loads(text).get("default", {}).get("django", {}).get("version", "")
        except (ValueError, AttributeError):
            pinned = ""
        if pinned:
            return pinned.lstrip("="), folder + "Pipfile.lock"
    for name in _requirement_files(project, folder):
        for line in (project.read_text(name) or "").splitlines():
            spec = _requirement_spec(line)
            if spec is not None and (found := version_from_spec(spec)):
                return found, name
    text = project.read_text(folder + "pyproject.toml")
    if text and (spec := _pyproject_spec(text)) is not None and (found := version_from_spec(spec)):
        return found, folder + "pyproject.toml"
    return None


def _requirement_files(project: Project, base: str = "") -> list[str]:
    names = []
    for folder in (base, base + "requirements/"):
        directory = project.root / folder if folder else project.root
        try:
            entries = sorted(os.listdir(directory)) if directory.is_dir() else []
        except OSError:
            entries = []
        names += [
            folder + e
            for e in entries
            if e.endswith(".txt") and (e.startswith("requirements") or folder.endswith("requirements/"))
        ]
    return names


def version_key(version: str) -> tuple[int, ...]:
    """`5.2.3` -> (5, 2, 3), for comparisons between releases."""
    return _key(version)


def major(version: str) -> int:
    key = _key(version)
    return key[0] if key else int(LATEST.split(".")[0])


# --------------------------------------------------------------------------- settings / apps
#
# The settings module is the one Django itself would load: `DJANGO_SETTINGS_MODULE` as
# manage.py, wsgi.py or asgi.py set it (or the `django-settings` config key). The tree is
# never searched for any `settings.py`: a sample project's settings must not decide the
# project's id types. Values are evaluated statically (read/python/evaluate.py), following
# `from .base import *`; a value that cannot be known is an SL002, never a guess.

_SETTINGS_MODULE = re.compile(r"""['"]DJANGO_SETTINGS_MODULE['"]\s*(?:,|\]\s*=)\s*['"]([\w.]+)['"]""")
_ENTRY_POINTS = ("wsgi.py", "asgi.py")


def django_defaults(version: str) -> dict[str, object]:
    """The settings Django defines itself (django/conf/global_settings.py) that a model may
    read; DEFAULT_AUTO_FIELD changed in 6.0."""
    auto = "django.db.models.BigAutoField" if major(version) >= 6 else "django.db.models.AutoField"
    return {
        "AUTH_USER_MODEL": "auth.User",
        "DEFAULT_AUTO_FIELD": auto,
        "USE_TZ": version_key(version) >= (5, 0),
        "LANGUAGE_CODE": "en-us",
        "TIME_ZONE": "America/Chicago",
        "USE_I18N": True,
    }


def find_settings_module(project: Project, model_files: Sequence[str]) -> tuple[str, str] | None:
    """(dotted settings module, where it was named): the config key, else the
    `DJANGO_SETTINGS_MODULE` manage.py / wsgi.py / asgi.py set, nearest the root first."""
    if project.config.django_settings:
        return project.config.django_settings, "config"
    for folder in _dependency_folders(model_files):
        candidates = [folder + "manage.py"]
        directory = project.root / folder if folder else project.root
        try:
            entries = sorted(os.listdir(directory))
        except OSError:
            entries = []
        candidates += [
            f"{folder}{entry}/{name}"
            for entry in entries
            for name in _ENTRY_POINTS
            if not entry.startswith(".") and (directory / entry / name).is_file()
        ]
        for rel in candidates:
            match = _SETTINGS_MODULE.search(project.read_text(rel) or "")
            if match:
                return match.group(1), rel
    return None


@dataclass(frozen=True)
class SettingsFacts:
    default_auto_field: str | None = None
    auth_user_model: str = "auth.User"
    path: str | None = None
    """The settings file, relative to the root."""
    diagnostics: tuple[Diagnostic, ...] = ()


class DjangoSettings:
    """`django.conf.settings` for the evaluator: the project's settings module, then Django's
    own defaults; an attribute neither defines is MISSING (`getattr`'s default applies)."""

    def __init__(self, evaluator: Evaluator, module: Module | None, version: str) -> None:
        self.evaluator = evaluator
        self.module = module
        self.defaults = django_defaults(version)

    def attribute(self, name: str) -> object:
        if self.module is not None and name.isupper():
            value = self.evaluator.global_value(self.module, name)
            if value is not MISSING:
                return value
        return self.defaults.get(name, MISSING)


class PostgresConnection:
    """`django.db.connection` as a model module sees it while it is imported: the database is
    PostgreSQL (`if connection.vendor == "postgresql":` picks that branch, as in modelsearch);
    anything else about the connection depends on the server and is not static."""

    def attribute(self, name: str) -> object:
        if name == "vendor":
            return "postgresql"
        raise Unresolved(f"connection.{name}")


class DjangoProject:
    """Project-level facts for the Django reader: the module resolver and evaluator of the
    static-Python layer, the Django version, the settings module, each app's AppConfig."""

    def __init__(self, project: Project, model_files: list[str]) -> None:
        self.project = project
        self.modules = ModuleResolver(project)
        self.version, self.version_source = django_version(project, model_files, self.modules)
        self.evaluator = Evaluator(self.modules)
        self.settings_object = DjangoSettings(self.evaluator, None, self.version)
        self.evaluator.objects["django.conf.settings"] = self.settings_object
        self.evaluator.objects["django.db.connection"] = PostgresConnection()
        self.evaluator.intrinsics.update(Swapper(self.evaluator, self.setting, list(model_files)).intrinsics())
        named = find_settings_module(project, model_files)
        self.settings_name: str | None = named[0] if named else None
        self.settings_origin: str | None = named[1] if named else None
        self.settings_path: str | None = None
        if self.settings_name:
            near = (
                self.settings_origin if self.settings_origin != "config" else (model_files[0] if model_files else None)
            )
            found = self.modules.find(self.settings_name, near)
            if found is not None and not found.installed:
                self.settings_object.module = self.evaluator.load(found, self.settings_name)
                self.settings_path = found.path

    def setting(self, name: str) -> object:
        """A setting's value (MISSING when neither the project nor Django defines it)."""
        return self.settings_object.attribute(name)

    def settings_facts(self) -> SettingsFacts:
        values: dict[str, str] = {}
        diagnostics = []
        for name in ("DEFAULT_AUTO_FIELD", "AUTH_USER_MODEL"):
            try:
                value = self.settings_object.module and self.evaluator.global_value(self.settings_object.module, name)
            except Unresolved as exc:
                where = self._setting_location(name)
                diagnostics.append(Diagnostic("unresolved", f"{name} cannot be resolved statically: {exc.text}", where))
                continue
            if isinstance(value, str):
                values[name] = value
            elif value not in (None, MISSING):
                diagnostics.append(
                    Diagnostic(
                        "unresolved", f"{name} cannot be resolved statically: {value!r}", self._setting_location(name)
                    )
                )
        user = values.get("AUTH_USER_MODEL")
        return SettingsFacts(
            values.get("DEFAULT_AUTO_FIELD"),
            user if isinstance(user, str) else "auth.User",
            self.settings_path,
            tuple(diagnostics),
        )

    def _setting_location(self, name: str) -> Location:
        path = self.settings_path or "."
        text = self.project.read_text(path) or ""
        finder, pattern = LineFinder(text), declaration(name)
        line, col = finder.find(pattern)
        while line < len(finder.lines) and (later := finder.find(pattern, line)) != (line + 1, 1):
            line, col = later  # the last binding is the one that counts
        return Location(path, line, col)

    def app_config(self, app_dir: str) -> AppConfigFacts:
        rel = f"{app_dir}/apps.py" if app_dir else "apps.py"
        module = self.evaluator.module_at(rel, rel[:-3].replace("/", "."), app_dir.replace("/", "."))
        return _app_config(self.evaluator, module, rel) if module is not None else AppConfigFacts()


@dataclass(frozen=True)
class AppConfigFacts:
    label: str | None = None
    default_auto_field: str | None = None
    problem: tuple[str, Location] | None = None
    """`default_auto_field` written in a way that cannot be resolved (SL002): what, where."""


def _app_config(evaluator: Evaluator, module: Module, rel: str) -> AppConfigFacts:
    configs: list[dict[str, object]] = []
    for node in module.tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        values: dict[str, object] = {}
        for item in node.body:
            if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                try:
                    values[item.targets[0].id] = evaluator.expression(module, item.value, {})
                except Unresolved as exc:
                    written = ast.unparse(item.value)
                    text = written if exc.text in written else f"{written}: {exc.text}"
                    values[item.targets[0].id] = (text, Location(rel, item.lineno, item.col_offset + 1))
        if any(key in values for key in ("name", "label", "default_auto_field")):
            configs.append(values)
    if not configs:
        return AppConfigFacts()
    chosen = next((c for c in configs if c.get("default") is True), configs[0])
    label = chosen.get("label")
    if not isinstance(label, str) and isinstance(chosen.get("name"), str):
        label = str(chosen["name"]).rsplit(".", 1)[-1]
    auto = chosen.get("default_auto_field")
    problem = auto if isinstance(auto, tuple) else None
    return AppConfigFacts(label if isinstance(label, str) else None, auto if isinstance(auto, str) else None, problem)


def read_settings(project: Project, near: list[str]) -> SettingsFacts:
    return DjangoProject(project, near).settings_facts()


def read_app_config(project: Project, app_dir: str) -> AppConfigFacts:
    return DjangoProject(project, []).app_config(app_dir)

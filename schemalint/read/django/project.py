"""Facts about the Django project as a whole, read statically at link time: the Django
version (dependency files), DEFAULT_AUTO_FIELD and AUTH_USER_MODEL (the settings module) and
each app's AppConfig (apps.py). Small files, read with the standard `ast` module."""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass

from schemalint.read import Project

# Django feature releases, oldest first: a range like `<6` means the newest one below it.
KNOWN_VERSIONS = ("3.2", "4.0", "4.1", "4.2", "5.0", "5.1", "5.2", "6.0")
LATEST = KNOWN_VERSIONS[-1]
_SKIP = {".git", ".venv", "venv", "env", "node_modules", "__pycache__", "site-packages", "build", "dist",
         ".tox", ".nox", "migrations", ".schemalint_cache", ".mypy_cache", ".pytest_cache"}


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
    for table in [poetry.get("dependencies", {})] + [g.get("dependencies", {}) for g in (poetry.get("group") or {}).values()]:
        for name, value in (table or {}).items():
            if name.lower() == "django":
                return value.get("version", "*") if isinstance(value, dict) else str(value)
    return None


def django_version(project: Project, model_files: list[str] = ()) -> tuple[str, str]:
    """(version, where it came from). The project root first, then the folders holding the
    model files (the seed keeps Django's requirements in `app_django/`); in each folder lock
    files first, because they say what is installed."""
    if project.settings.django_version:
        return project.settings.django_version, "config"
    for folder in _dependency_folders(model_files):
        found = _version_in(project, folder)
        if found is not None:
            return found
    return LATEST, "default (latest)"


def _dependency_folders(model_files) -> list[str]:
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
        names += [folder + e for e in entries if e.endswith(".txt") and (e.startswith("requirements") or folder.endswith("requirements/"))]
    return names


def version_key(version: str) -> tuple[int, ...]:
    """`5.2.3` -> (5, 2, 3), for comparisons between releases."""
    return _key(version)


def major(version: str) -> int:
    key = _key(version)
    return key[0] if key else int(LATEST.split(".")[0])


# --------------------------------------------------------------------------- settings / apps


def module_assignments(text: str | None) -> dict[str, object]:
    """Top-level `NAME = <literal>` of a Python file (later assignments win)."""
    if not text:
        return {}
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    values: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            try:
                value = ast.literal_eval(node.value) if node.value is not None else None
            except (ValueError, SyntaxError, TypeError):
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    values[target.id] = value
    return values


def find_settings(project: Project, near: list[str]) -> list[str]:
    """Settings modules, nearest to the model files first: `settings.py`, `settings/*.py`."""
    found: list[str] = []
    root = str(project.root)
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
        depth = 0 if rel == "." else rel.count("/") + 1
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP and not d.startswith(".")) if depth < 5 else []
        prefix = "" if rel == "." else rel + "/"
        if "settings.py" in filenames:
            found.append(prefix + "settings.py")
        if os.path.basename(dirpath) == "settings":
            for name in ("__init__.py", "base.py", "common.py", "defaults.py", "production.py", "prod.py"):
                if name in filenames:
                    found.append(prefix + name)

    def nearness(rel: str) -> tuple[int, int]:
        # The settings module sharing the longest folder prefix with the model files wins
        # (a project can hold several: docs/, examples/, test fixtures).
        parts = rel.split("/")[:-1]
        shared = max((_shared_prefix(parts, model.split("/")[:-1]) for model in near), default=0)
        return (-shared, len(parts))

    return sorted(found, key=nearness)


def _shared_prefix(a: list[str], b: list[str]) -> int:
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
    return count


@dataclass(frozen=True)
class SettingsFacts:
    default_auto_field: str | None = None
    auth_user_model: str = "auth.User"
    path: str | None = None


def read_settings(project: Project, near: list[str]) -> SettingsFacts:
    auto, user, path = None, None, None
    for rel in find_settings(project, near):
        values = module_assignments(project.read_text(rel))
        if auto is None and isinstance(values.get("DEFAULT_AUTO_FIELD"), str):
            auto, path = values["DEFAULT_AUTO_FIELD"], rel
        if user is None and isinstance(values.get("AUTH_USER_MODEL"), str):
            user = values["AUTH_USER_MODEL"]
    return SettingsFacts(auto, user or "auth.User", path)


@dataclass(frozen=True)
class AppConfigFacts:
    label: str | None = None
    default_auto_field: str | None = None


def read_app_config(project: Project, app_dir: str) -> AppConfigFacts:
    text = project.read_text(f"{app_dir}/apps.py" if app_dir else "apps.py")
    if not text:
        return AppConfigFacts()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return AppConfigFacts()
    configs = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            values = {}
            for item in node.body:
                if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                    try:
                        values[item.targets[0].id] = ast.literal_eval(item.value)
                    except (ValueError, SyntaxError, TypeError):
                        pass
            if "name" in values or "label" in values or "default_auto_field" in values:
                configs.append(values)
    if not configs:
        return AppConfigFacts()
    chosen = next((c for c in configs if c.get("default") is True), configs[0])
    label = chosen.get("label")
    if not isinstance(label, str) and isinstance(chosen.get("name"), str):
        label = chosen["name"].rsplit(".", 1)[-1]
    auto = chosen.get("default_auto_field")
    return AppConfigFacts(label if isinstance(label, str) else None, auto if isinstance(auto, str) else None)

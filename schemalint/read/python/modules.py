"""THE module resolver: a dotted module name -> the file Python would import for it.

First the project's own modules (`Project.module_file`: the root, the importing file's
ancestors, `src/`), then installed packages in the project's Python path, found the way an
editor finds it: the `python-path` config key when given (a list of folders, relative to the
root or absolute), else the virtualenv in `.venv/` or `venv/` under the root, else the one
in `$VIRTUAL_ENV`. Installed files are only read, never imported.

Every answer goes through `Project.read_text`, so the link cache (cache.RecordingProject)
records it: the `pyvenv.cfg` that chose the virtualenv, each installed file that was read
and each candidate that was missing. Installing, upgrading or removing a package changes
one of those answers and relinks.

`django` and `django.*` always mean installed Django: a folder named `django` inside the
root (a vendored copy, a root that is itself a site-packages folder) never shadows it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from schemalint.read import Project

_VENV_FOLDERS = (".venv", "venv")
_PYTHON_VERSION = re.compile(r"^\s*(?:version|version_info)\s*=\s*(\d+)\.(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class Found:
    path: str
    """What `Project.read_text` takes: relative to the root for a project module, absolute
    for an installed one."""
    installed_rel: str | None = None
    """For an installed module: its path inside its site folder (`mptt/models.py`), from
    which its package name follows."""

    @property
    def installed(self) -> bool:
        return self.installed_rel is not None


def is_django(dotted: str) -> bool:
    return dotted == "django" or dotted.startswith("django.")


class ModuleResolver:
    def __init__(self, project: Project) -> None:
        self.project = project
        self._sites: list[str] | None = None
        self._found: dict[tuple[str, str | None], Found | None] = {}

    @property
    def sites(self) -> list[str]:
        """Absolute folders holding installed packages, searched in order."""
        if self._sites is None:
            self._sites = site_folders(self.project)
        return self._sites

    def find(self, dotted: str, near: str | None = None) -> Found | None:
        """The file of module `dotted` imported from the file `near` (a project path)."""
        key = (dotted, near)
        if key not in self._found:
            self._found[key] = self._find(dotted, near)
        return self._found[key]

    def _find(self, dotted: str, near: str | None) -> Found | None:
        if not dotted or not all(part.isidentifier() for part in dotted.split(".")):
            return None
        if not is_django(dotted):
            rel = self.project.module_file(dotted, near)
            if rel is not None:
                return Found(rel)
        return self.installed(dotted)

    def installed(self, dotted: str) -> Found | None:
        base = dotted.replace(".", "/")
        for site in self.sites:
            for candidate in (base + ".py", base + "/__init__.py"):
                path = f"{site}/{candidate}"
                if self.project.read_text(path) is not None:
                    return Found(path, candidate)
        return None

    def text(self, found: Found) -> str | None:
        return self.project.read_text(found.path)


def site_folders(project: Project) -> list[str]:
    configured = getattr(project.config, "python_path", ())
    if configured:
        return [str(project.root / folder) if not os.path.isabs(folder) else folder for folder in configured]
    candidates = [str(project.root / name) for name in _VENV_FOLDERS]
    active = os.environ.get("VIRTUAL_ENV")
    if active:
        candidates.append(active)
    for venv in candidates:
        config = project.read_text(f"{venv}/pyvenv.cfg")
        if config is None:
            continue
        folders = [f"{venv}/Lib/site-packages"]  # Windows
        match = _PYTHON_VERSION.search(config)
        if match:
            folders.insert(0, f"{venv}/lib/python{match.group(1)}.{match.group(2)}/site-packages")
        return folders
    return []


_DJANGO_VERSION = re.compile(r"^VERSION\s*=\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)", re.MULTILINE)


def installed_django(resolver: ModuleResolver) -> tuple[str, str] | None:
    """(version, where) of the Django installed in the project's Python path: `VERSION` in
    its `django/__init__.py`, else the name of its `django-*.dist-info` folder."""
    found = resolver.installed("django")
    if found is not None:
        match = _DJANGO_VERSION.search(resolver.text(found) or "")
        if match:
            return ".".join(match.groups()), _shown(resolver.project, found.path)
    for site in resolver.sites:
        try:
            entries = sorted(os.listdir(site))
        except OSError:
            continue
        for entry in entries:
            match = re.fullmatch(r"django-(\d+\.\d+(?:\.\d+)?)[^-]*\.dist-info", entry, re.IGNORECASE)
            if match:
                metadata = f"{site}/{entry}/METADATA"
                project_text = resolver.project.read_text(metadata)  # recorded: an upgrade relinks
                if project_text is not None:
                    return match.group(1), _shown(resolver.project, metadata)
    return None


def _shown(project: Project, path: str) -> str:
    """A path as messages show it: relative to the root when inside it."""
    try:
        return os.path.relpath(path, project.root).replace(os.sep, "/") if path.startswith(str(project.root)) else path
    except ValueError:
        return path

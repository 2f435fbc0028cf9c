"""Django migrations on disk that the database has not applied (SL601).

`django_migrations` (read with the catalog, kept in the schema's `django_migrations`
property as `app.name` lines) says what `migrate` ran; each app's `migrations/*.py` says what
there is to run. A migration on disk without a row is what `showmigrations` shows unticked.
The files are read as text (`ast`, never imported): a squashed migration's `replaces` counts
it as applied when everything it replaces is, and the other way round.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path, PurePosixPath

from schemalint.model import Diagnostic, Location, Schema

APPLIED = "django_migrations"
"""The schema property listing the applied migrations, one `app.name` a line."""

_LABEL = re.compile(r"^\s*label\s*=\s*[\"'](\w+)[\"']", re.M)


def applied_migrations(schema: Schema) -> set[str] | None:
    """The migrations the database recorded, or None when it has no `django_migrations`."""
    text = dict(schema.properties).get(APPLIED)
    return None if text is None else {line for line in text.splitlines() if line}


def _app_dirs(root: Path, model_files: tuple[str, ...]) -> dict[str, str]:
    """App folder (relative) -> app label, for the apps the Django model files belong to."""
    apps: dict[str, str] = {}
    for rel in model_files:
        folder = PurePosixPath(rel).parent
        while str(folder) not in ("", ".") and not (root / folder / "migrations").is_dir():
            folder = folder.parent
        if str(folder) in ("", ".") or str(folder) in apps:
            continue
        label = folder.name
        try:
            found = _LABEL.search((root / folder / "apps.py").read_text(encoding="utf-8"))
            label = found.group(1) if found else label
        except (OSError, UnicodeDecodeError):
            pass
        apps[str(folder)] = label
    return apps


def _replaces(path: Path) -> list[str]:
    """The `app.name`s a squashed migration's `replaces = [...]` lists (empty otherwise)."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "replaces" for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return []
            return [f"{app}.{name}" for app, name in value if isinstance(app, str) and isinstance(name, str)]
    return []


def unapplied_migrations(root: Path, model_files: tuple[str, ...], applied: set[str]) -> list[Diagnostic]:
    """One SL601 per migration file of the apps of `model_files` that `applied` lacks."""
    on_disk: list[tuple[str, str]] = []  # (app.name, relative path)
    for folder, label in sorted(_app_dirs(root, model_files).items()):
        for path in sorted((root / folder / "migrations").glob("*.py")):
            if not path.stem.startswith(("_", "~")):
                on_disk.append((f"{label}.{path.stem}", f"{folder}/migrations/{path.name}"))
    done = set(applied)
    for key, rel in on_disk:
        replaced = _replaces(root / rel)
        if replaced and key in done:
            done.update(replaced)
        elif replaced and all(r in done for r in replaced):
            done.add(key)
    return [
        Diagnostic(
            "unapplied-migration",
            f"migration {key} is not applied to the database (django_migrations has no row for it); "
            "run `manage.py migrate` there",
            Location(rel, 1, 1),
        )
        for key, rel in on_disk
        if key not in done
    ]

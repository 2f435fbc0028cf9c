"""The migration graph as Django's `MigrationLoader` builds it for a fresh database: nodes
per (app label, name), `dependencies` and `run_before` as edges, squashes used in place of
what they replace, `__first__`/`__latest__` and `swappable_dependency` resolved, the
django.contrib apps' migrations taken as known (their models are the Django reader's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from schemalint.model import Diagnostic, Location
from schemalint.read.django.facts import Call, Ref
from schemalint.read.django.resolve import describe
from schemalint.read.migrations.facts import MigrationFacts

Key = tuple[str, str]

# Apps whose migrations ship with Django: a dependency on them is satisfied as written.
CONTRIB_APPS = frozenset(
    {
        "admin",
        "auth",
        "contenttypes",
        "sessions",
        "sites",
        "messages",
        "staticfiles",
        "flatpages",
        "redirects",
        "sitemaps",
        "humanize",
        "postgres",
        "gis",
        "admindocs",
        "syndication",
    }
)


@dataclass
class Graph:
    nodes: dict[Key, MigrationFacts] = field(default_factory=dict)
    parents: dict[Key, list[Key]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def leaves(self, app: str) -> list[Key]:
        """The app's migrations no other migration of the app depends on."""
        children = {p for key, parents in self.parents.items() if key[0] == app for p in parents if p[0] == app}
        return sorted(key for key in self.nodes if key[0] == app and key not in children)

    def roots(self, app: str) -> list[Key]:
        return sorted(key for key in self.nodes if key[0] == app and not any(p[0] == app for p in self.parents[key]))

    def order(self) -> list[Key]:
        """Every node after its parents (a depth-first forwards plan, as `migrate` runs it)."""
        done: set[Key] = set()
        plan: list[Key] = []

        def visit(key: Key, path: set[Key]) -> None:
            if key in done or key in path:
                return
            path.add(key)
            for parent in sorted(self.parents[key]):
                if parent in self.nodes:
                    visit(parent, path)
            path.discard(key)
            done.add(key)
            plan.append(key)

        for key in sorted(self.nodes):
            visit(key, set())
        return plan


def _pairs(values: tuple[object, ...], auth_user_model: str | None) -> list[tuple[Key | None, object]]:
    """Each written dependency as (app, name), or None with the value when it is not one."""
    found: list[tuple[Key | None, object]] = []
    for value in values:
        if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
            found.append(((value[0], value[1]), value))
        elif (
            isinstance(value, Call)
            and (value.func or "").endswith("swappable_dependency")
            and len(value.args) == 1
            and isinstance(value.args[0], Ref)
            and value.args[0].dotted == "django.conf.settings.AUTH_USER_MODEL"
            and auth_user_model
        ):
            found.append(((auth_user_model.split(".")[0], "__first__"), value))
        else:
            found.append((None, value))
    return found


def build_graph(
    migrations: list[tuple[str, MigrationFacts]],
    auth_user_model: str | None,
    installed: Callable[[str], bool] = lambda app: False,
) -> Graph:
    """`migrations`: (app label, facts) of every migration file that defines a Migration;
    `installed(app)`: whether an app none of these files belong to is an installed package
    (django-taggit's `taggit`): a dependency on its migrations is satisfied as written, as
    for django.contrib's."""
    graph = Graph()
    for app, facts in migrations:
        graph.nodes[(app, facts.name)] = facts
        graph.parents[(app, facts.name)] = []

    def resolve(key: Key) -> Key | None:
        app, name = key
        if name in ("__first__", "__latest__"):
            found = graph.roots(app) if name == "__first__" else graph.leaves(app)
            return found[0] if found else None  # an app without migrations: no dependency
        return key

    apps = {app for app, _ in graph.nodes}
    written: dict[Key, list[tuple[Key | None, object]]] = {}
    for key, facts in graph.nodes.items():
        written[key] = _pairs(facts.dependencies, auth_user_model)
        for before, _value in _pairs(facts.run_before, auth_user_model):
            if before is not None and before in graph.nodes:
                graph.parents[before].append(key)
    # Squashes replace what they replace (a fresh database has applied none of it).
    replaced: dict[Key, Key] = {}
    for key, facts in graph.nodes.items():
        for old, _ in _pairs(facts.replaces, None):
            if old is not None:
                replaced[old] = key
    for key in list(graph.nodes):
        if key in replaced:
            del graph.nodes[key], graph.parents[key]
            written.pop(key)
    for key, pairs in written.items():
        facts = graph.nodes[key]
        where = Location(facts.rel, facts.line, facts.col)
        for dependency, value in pairs:
            if dependency is None:
                graph.diagnostics.append(
                    Diagnostic(
                        "unresolved", f"migration dependency cannot be resolved statically: {describe(value)}", where
                    )
                )
                continue
            dependency = replaced.get(dependency, dependency)
            target = resolve(dependency) if dependency[0] not in CONTRIB_APPS else None
            if dependency[0] in CONTRIB_APPS or (target is None and dependency[1] in ("__first__", "__latest__")):
                continue
            if dependency[0] not in apps and installed(dependency[0]):
                continue
            if target not in graph.nodes:
                graph.diagnostics.append(
                    Diagnostic(
                        "missing-migration-dependency",
                        f"{key[0]}/{key[1]} depends on {dependency[0]}/{dependency[1]}, which does not exist",
                        where,
                    )
                )
                continue
            if target != key:
                graph.parents[key].append(target)
    for key, parents in graph.parents.items():
        graph.parents[key] = list(dict.fromkeys(p for p in parents if p in graph.nodes))
    return graph

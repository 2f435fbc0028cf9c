"""Rules: how one is declared, and how built-in and third-party rules are found.

A rule is a function decorated with `@rule(code, name, summary, level=...)`. The engine calls
it once per thing of its level (a comparison, a paired table, a paired column, a schema read,
the unused noqa directives, the models against their migrations) with a typed context
(`schemalint.context`); the rule reports with `ctx.report(message, ...)`, and the engine stamps
each `Violation` with the rule's code and severity. A column rule may name the parts it
compares (`compares=("nullable",)`): it is then called only for the column pairs whose parts
are known on both sides.

A rule's module carries its documentation (the module docstring, with the sections
What it does / Why it matters / Example / How to fix / How to silence) and its `VALID` and
`INVALID` cases, which the test suite runs for every rule it can find.

Discovery is the same for everyone: modules named by the `schemalint.rules` entry-point
group (schemalint's own rules are registered there too) and by the `plugins` config key.
A package is searched module by module, so adding a rule is adding a file.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal, TypeVar

from schemalint.fix import Fix
from schemalint.model import DIAGNOSTIC_KINDS, Location

CODE_PATTERN = re.compile(r"^[A-Z]{1,4}[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
ENTRY_POINT_GROUP = "schemalint.rules"
Level = Literal["comparison", "table", "column", "schema", "noqa", "migrations"]
LEVELS: tuple[Level, ...] = ("comparison", "table", "column", "schema", "noqa", "migrations")
"""What a rule is called for, and so which context it is handed (`schemalint.context`)."""
DOC_SECTIONS = ("What it does", "Why it matters", "Example", "How to fix", "How to silence")


class PluginError(Exception):
    """A rule module that cannot be loaded or a rule that crashed; names the culprit."""


@dataclass(frozen=True)
class Violation:
    """What a rule reports: the engine adds code, severity and the rule's name."""

    message: str
    location: Location
    table: str | None = None
    column: str | None = None
    related: tuple[Location | None, ...] = ()
    """The other sides of the finding (the Django field a mirror column disagrees with); a
    side whose location is unknown may be given as None and is left out."""
    fix: Fix | None = None
    """What makes the mirror agree, in schema terms (`schemalint.fix`); written by the mirror
    kind's writer, never by the rule."""


@dataclass(frozen=True)
class Case:
    """A tiny project for a rule's VALID/INVALID lists. Each source's text is written where
    the seed keeps it (app_django/apps/shop/models.py, src/database/models.py,
    scripts/database/schema.sql); `expect` lists where the rule must report, as
    `"<source>:<line>"` (`"sqlalchemy:7"`), `message` a substring the first finding must
    contain, and `fix` the applicability of the first finding's fix (`"safe"`, `"unsafe"`,
    `"display"`, or `"none"` when it must have none; None: not checked)."""

    django: str | None = None
    sqlalchemy: str | None = None
    sql: str | None = None
    migrations: tuple[tuple[str, str], ...] = ()
    """(name, text) of migration files of the case's app (app_django/apps/shop/migrations/);
    `expect` names one as `"migrations/0002_name:5"`."""
    expect: tuple[str, ...] = ()
    message: str | None = None
    config: tuple[tuple[str, Any], ...] = ()
    fix: str | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    check: Callable[[Any], None]
    severity: str = "error"
    level: str = "comparison"
    compares: tuple[str, ...] = ()
    """For a column rule: the column parts it compares (called only when both sides know them)."""
    claims: tuple[str, ...] = ()
    """For a schema rule: the reader diagnostic kinds it reports (`schemalint.model.DIAGNOSTIC_KINDS`)."""
    module: str = ""
    docs: str = ""
    valid: tuple[Case, ...] = ()
    invalid: tuple[Case, ...] = ()
    default_enabled: bool = True

    @property
    def origin(self) -> str:
        return self.module

    @property
    def scope(self) -> str:
        """The level, under the name reports have used (`schemalint rules --format json`, SARIF tags)."""
        return self.level


RuleFunction = TypeVar("RuleFunction", bound=Callable[..., None])


def rule(
    code: str,
    name: str,
    summary: str,
    *,
    level: str = "comparison",
    severity: str = "error",
    default_enabled: bool = True,
    compares: tuple[str, ...] = (),
    claims: tuple[str, ...] = (),
) -> Callable[[RuleFunction], RuleFunction]:
    """Declare a rule: `level` is one of comparison, table, column, schema, noqa, migrations
    (`schemalint.context`). The decorated function stays callable as-is (so it can be
    unit-tested with a context). A schema rule that `claims` reader diagnostic kinds
    (`claims=("unresolved",)`) is the one that gives them a code; it reports them with
    `ctx.report_diagnostics()`."""
    if not CODE_PATTERN.match(code):
        raise ValueError(f"rule code {code!r} must look like SL204 (1-4 capitals, 3 digits)")
    if not NAME_PATTERN.match(name):
        raise ValueError(f"rule name {name!r} must be kebab-case")
    if level not in LEVELS:
        raise ValueError(f"rule level must be one of {', '.join(LEVELS)}, not {level!r}")
    if compares and level != "column":
        raise ValueError("only a column rule names the parts it `compares`")
    unknown = sorted(set(claims) - DIAGNOSTIC_KINDS)
    if unknown:
        raise ValueError(f"rule {code} claims unknown diagnostic kind(s) {', '.join(unknown)}")
    if claims and level != "schema":
        raise ValueError("only a schema rule `claims` reader diagnostics")
    if severity not in ("error", "warning"):
        raise ValueError(f"rule severity must be 'error' or 'warning', not {severity!r}")

    def decorate(func: RuleFunction) -> RuleFunction:
        vars(func)["__schemalint_rule__"] = dict(  # a function attribute, read by rules_in_module
            code=code,
            name=name,
            summary=summary,
            severity=severity,
            level=level,
            default_enabled=default_enabled,
            compares=tuple(compares),
            claims=tuple(claims),
        )
        return func

    return decorate


def rules_in_module(module: ModuleType) -> list[Rule]:
    found = []
    for value in vars(module).values():
        spec = getattr(value, "__schemalint_rule__", None)
        if spec is None or getattr(value, "__module__", None) != module.__name__:
            continue
        found.append(
            Rule(
                check=value,
                module=module.__name__,
                docs=(module.__doc__ or "").strip(),
                valid=tuple(getattr(module, "VALID", ())),
                invalid=tuple(getattr(module, "INVALID", ())),
                **spec,
            )
        )
    return found


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except Exception as exc:  # a plugin's own import error, whatever it is
        raise PluginError(f"cannot load rule module '{name}': {type(exc).__name__}: {exc}") from exc


def rules_in(name: str) -> list[Rule]:
    """Every rule in a module, or in every module of a package."""
    module = _import(name)
    found = rules_in_module(module)
    if hasattr(module, "__path__"):
        for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda i: i.name):
            if not info.name.startswith("_"):
                found.extend(rules_in_module(_import(f"{name}.{info.name}")))
    return found


def entry_point_modules() -> list[str]:
    """Modules registered under the `schemalint.rules` entry-point group.

    Reads the installed distributions' `entry_points.txt` directly: `importlib.metadata` would
    find the same entries, but importing it and building every distribution's metadata costs
    ~0.1 s, a third of a warm pre-commit run. Same precedence: the first distribution of a
    name on `sys.path` wins."""
    import os

    modules: set[str] = set()
    seen: set[str] = set()
    for directory in sys.path or ["."]:
        try:
            entries = sorted(os.scandir(directory or "."), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            stem, dot, suffix = entry.name.rpartition(".")
            if suffix not in ("dist-info", "egg-info") or not dot:
                continue
            distribution = re.sub(r"[-_.]+", "_", stem.split("-")[0]).lower()
            if distribution in seen:
                continue
            seen.add(distribution)
            modules.update(_entry_points_in(os.path.join(entry.path, "entry_points.txt")))
    return sorted(modules)


def _entry_points_in(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return []
    if ENTRY_POINT_GROUP not in text:
        return []
    found, in_group = [], False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_group = line == f"[{ENTRY_POINT_GROUP}]"
        elif in_group and "=" in line and not line.startswith(("#", ";")):
            found.append(line.split("=", 1)[1].strip().split(":")[0].strip())
    return found


def load_rules(plugins: Iterable[str] = ()) -> list[Rule]:
    """All registered rules, sorted by code. Duplicate codes are an error: a plugin must not
    silently replace a built-in rule."""
    modules = entry_point_modules()
    if "schemalint.rules" not in modules:
        # Running from a source tree that was not installed: the built-ins still count.
        modules.insert(0, "schemalint.rules")
    modules += [m for m in plugins if m not in modules]
    by_code: dict[str, Rule] = {}
    claimed: dict[str, Rule] = {}
    for name in modules:
        for found in rules_in(name):
            other = by_code.get(found.code)
            if other is not None and other.check is not found.check:
                raise PluginError(f"rule code {found.code} is defined twice: in {other.module} and in {found.module}")
            by_code[found.code] = found
            for kind in found.claims:
                owner = claimed.setdefault(kind, found)
                if owner.code != found.code:
                    raise PluginError(f"diagnostic kind {kind!r} is claimed twice: by {owner.code} and by {found.code}")
    return sorted(by_code.values(), key=lambda r: r.code)


def diagnostic_codes(rules: Iterable[Rule] | None = None) -> dict[str, str]:
    """Reader diagnostic kind -> the code of the rule that claims it (`unresolved` -> SL002),
    among `rules` or, by default, the registered rules (looked up once per process)."""
    if rules is None:
        return dict(_registered_codes())
    return {kind: r.code for r in rules for kind in r.claims}


@functools.cache
def _registered_codes() -> tuple[tuple[str, str], ...]:
    return tuple(diagnostic_codes(load_rules()).items())


def describe_error(rule: Rule, exc: BaseException) -> str:
    tb = exc.__traceback__
    where = ""
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".py"):
            where = f" ({tb.tb_frame.f_code.co_filename}:{tb.tb_lineno})"
        tb = tb.tb_next
    return f"rule {rule.code} ({rule.name}, from {rule.module}) crashed: {type(exc).__name__}: {exc}{where}"


__all__ = ["Case", "PluginError", "Rule", "Violation", "diagnostic_codes", "load_rules", "rule", "rules_in"]

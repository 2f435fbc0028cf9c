"""Run a rule's VALID and INVALID cases: the same runner for schemalint's rules and a plugin's.

A `Case` (`schemalint.registry`) is a tiny project: each source's text is written where the
seed keeps it, the real pipeline runs on it with only the rule's code selected, and

* a VALID case must give no finding of that code;
* an INVALID case must give findings exactly at the places its `expect` lists
  (`"sqlalchemy:7"`), the first must contain its `message`, and the first's fix must have
  the applicability its `fix` names (`"safe"`, `"unsafe"`, `"display"`; `"none"`: no fix).

Three ways to use it:

* in a plugin's test suite: `test_rule_cases = rule_case_tests("my_plugin.rules")` at the top
  level of a test module gives one pytest test per case;
* from the command line: `schemalint test-rules my_plugin.rules` (exit 1 when a case fails);
* from code: `check_case(rule, case, folder)` raises `CaseFailure` saying what went wrong.
"""

from __future__ import annotations

import tempfile
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schemalint.findings import Finding
from schemalint.fix import APPLICABILITIES
from schemalint.registry import Case, Rule, load_rules, rules_in

if TYPE_CHECKING:
    from schemalint.config import Config
    from schemalint.engine import RunResult

# Where each source's text goes: the seed's layout.
CASE_PATHS = {
    "django": "app_django/apps/shop/models.py",
    "sqlalchemy": "src/database/models.py",
    "sql": "scripts/database/schema.sql",
}


MIGRATIONS_DIR = "app_django/apps/shop/migrations"

FIX_EXPECTATIONS = (*APPLICABILITIES, "none")
"""What a case's `fix` may say: an applicability, or `none` (the finding has no fix)."""


class CaseFailure(AssertionError):
    """A case that did not behave as it says; the message names the rule, the case and why."""


@dataclass(frozen=True)
class RuleCase:
    """One case of one rule, with its place in the rule's lists (`SL201-invalid-2`)."""

    rule: Rule
    case: Case
    valid: bool
    index: int

    @property
    def id(self) -> str:
        return f"{self.rule.code}-{'valid' if self.valid else 'invalid'}-{self.index}"


def cases_of(rules: Iterable[Rule]) -> list[RuleCase]:
    """Every VALID then INVALID case of each rule, in order."""
    found = []
    for rule in rules:
        found += [RuleCase(rule, case, True, i) for i, case in enumerate(rule.valid)]
        found += [RuleCase(rule, case, False, i) for i, case in enumerate(rule.invalid)]
    return found


def write_case(case: Case, root: Path) -> None:
    """Write the case's sources under `root`, laid out as the seed's project."""
    for source, rel in CASE_PATHS.items():
        text = getattr(case, source)
        if text is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    for name, text in case.migrations:
        path = root / MIGRATIONS_DIR / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    package = root / "app_django/apps/shop/__init__.py"
    package.parent.mkdir(parents=True, exist_ok=True)
    package.touch()


def run_case(rule: Rule, case: Case, root: Path) -> list[Finding]:
    """The findings of `rule` alone on the case's project, written under `root`. Config keys may
    be spelt as in pyproject.toml (`source-of-truth`) or as `Config` fields (`source_of_truth`)."""
    return [f for f in run_case_check(rule, case, root).findings if f.code == rule.code]


def case_config(rule: Rule, case: Case, root: Path) -> Config:
    """The config a case runs with: `rule` alone, and the case's own keys."""
    from schemalint.config import Config

    changes = {key.replace("-", "_"): value for key, value in case.config}
    # The rule's own module is loaded as a plugin: a rule runs whether its package is installed or not.
    base = Config(root=root.resolve(), select=(rule.code,), plugins=(rule.module,))
    try:
        return base.override(**changes)
    except TypeError as exc:
        raise CaseFailure(f"{rule.code}: the case's config is not valid: {exc}") from None


def run_case_check(rule: Rule, case: Case, root: Path) -> RunResult:
    """The whole run of `rule` alone on the case's project (findings and the schemas read)."""
    from schemalint.engine import run_check

    write_case(case, root)
    result = run_check(case_config(rule, case, root), use_cache=False)
    if result.errors:
        raise CaseFailure(f"{rule.code}: the run failed: {'; '.join(result.errors)}")
    return result


def expected_places(case: Case) -> set[tuple[str, int]]:
    """The (path, line) pairs an INVALID case's `expect` names."""
    places = set()
    for item in case.expect:
        source, _, line = item.partition(":")
        if source.startswith("migrations/") and line.isdigit():
            places.add((f"{MIGRATIONS_DIR}/{source.split('/', 1)[1]}.py", int(line)))
            continue
        if source not in CASE_PATHS or not line.isdigit():
            raise CaseFailure(f"expect entry {item!r} must look like 'sqlalchemy:7' (source: django, sqlalchemy, sql)")
        places.add((CASE_PATHS[source], int(line)))
    return places


def check_case(rule: Rule, case: Case, root: Path, *, valid: bool) -> None:
    """Run one case under `root` (an empty folder) and raise `CaseFailure` unless it behaves."""
    findings = run_case(rule, case, root)
    shown = "\n".join(f"  {f}" for f in findings) or "  (none)"
    if valid:
        if findings:
            raise CaseFailure(f"{rule.code}: a VALID case gave findings:\n{shown}")
        return
    if case.fix is not None and case.fix not in FIX_EXPECTATIONS:
        raise CaseFailure(f"{rule.code}: a case's `fix` must be one of {', '.join(FIX_EXPECTATIONS)}, not {case.fix!r}")
    expected = expected_places(case)
    if not expected:
        raise CaseFailure(f"{rule.code}: an INVALID case must say where it reports (`expect`)")
    got = {(f.path, f.line) for f in findings}
    if got != expected:
        raise CaseFailure(f"{rule.code}: an INVALID case expected findings at {sorted(expected)}, got:\n{shown}")
    first = sorted(findings, key=lambda f: (f.path, f.line, f.col))[0]
    if case.message and case.message not in first.message:
        raise CaseFailure(f"{rule.code}: the finding's message lacks {case.message!r}:\n{shown}")
    if case.fix is not None:
        got_fix = first.fix.applicability if first.fix is not None else "none"
        if got_fix != case.fix:
            described = f" ({first.fix.description})" if first.fix is not None else ""
            raise CaseFailure(f"{rule.code}: the first finding's fix is {got_fix}{described}, not {case.fix}:\n{shown}")


def rules_of(modules: Iterable[str]) -> list[Rule]:
    """The rules of these modules or packages (registered or not)."""
    return sorted((r for name in modules for r in rules_in(name)), key=lambda r: r.code)


def rule_case_tests(*modules: str, known_bugs: Mapping[str, str] | None = None) -> Callable[..., None]:
    """A pytest test function, parametrized with every case of the rules in `modules` (all
    registered rules when none are named): `test_rule_cases = rule_case_tests("my_plugin.rules")`.

    `known_bugs` maps a case id (`SL402-invalid-1`) to the bug that makes it fail today: the
    case stays and is expected to fail (strictly: once the bug is fixed, remove the entry)."""
    import pytest

    found = cases_of(rules_of(modules) if modules else load_rules())
    bugs = dict(known_bugs or {})
    unknown = sorted(set(bugs) - {c.id for c in found})
    if unknown:
        raise ValueError(f"known_bugs names cases that do not exist: {', '.join(unknown)}")
    params = [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=bugs[c.id], raises=CaseFailure, strict=True)])
        if c.id in bugs
        else pytest.param(c, id=c.id)
        for c in found
    ]

    @pytest.mark.parametrize("rule_case", params)
    def test_rule_case(rule_case: RuleCase, tmp_path: Path) -> None:
        check_case(rule_case.rule, rule_case.case, tmp_path, valid=rule_case.valid)

    return test_rule_case


def run_cases(rules: Iterable[Rule]) -> Iterator[tuple[RuleCase, CaseFailure | None]]:
    """Each case with its failure (None when it behaves), each in its own temporary folder."""
    for rule_case in cases_of(rules):
        with tempfile.TemporaryDirectory(prefix="schemalint-case-") as folder:
            try:
                check_case(rule_case.rule, rule_case.case, Path(folder), valid=rule_case.valid)
            except CaseFailure as failure:
                yield rule_case, failure
            else:
                yield rule_case, None


def report_cases(rules: Iterable[Rule], echo: Callable[[str], Any] = print) -> bool:
    """Run the cases, print one line per case (and why a failing one fails); True when all pass."""
    failures = total = 0
    for rule_case, failure in run_cases(rules):
        total += 1
        if failure is None:
            echo(f"ok      {rule_case.id}")
        else:
            failures += 1
            echo(f"FAILED  {rule_case.id}\n{textwrap.indent(str(failure), '        ')}")
    echo(f"{total - failures} of {total} cases pass" if total else "no rule cases found")
    return failures == 0 and total > 0


__all__ = [
    "CASE_PATHS",
    "FIX_EXPECTATIONS",
    "CaseFailure",
    "RuleCase",
    "case_config",
    "cases_of",
    "check_case",
    "expected_places",
    "report_cases",
    "rule_case_tests",
    "rules_of",
    "run_case",
    "run_case_check",
    "run_cases",
    "write_case",
]

"""`check --fix`: apply the findings' fixes to the mirrors, pass after pass, then re-check.

One pass: check the project (with the texts written so far in place of the files on disk,
the way an editor's unsaved buffers are checked), take every applicable fix, group them by
the file they edit, and hand each file's fixes to its mirror kind's writer at once (so that
twenty new columns add their imports once). A writer may leave fixes out (they touch what
another fix of the pass touches); the next pass, checked from the new text, brings them back.
Passes repeat until a pass changes nothing (at most `MAX_PASSES`). A file a pass would leave
unreadable is written fix by fix instead, and the fixes that break it are dropped and
reported. The source of truth is never written (a stale noqa comment in it excepted).

Nothing is written to disk until the passes are done, and only with `write=True`: `--diff`
shows the same result without writing it.
"""

from __future__ import annotations

import datetime
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from schemalint.config import Config
from schemalint.engine import RunResult, run_check
from schemalint.findings import Finding
from schemalint.fix import Edit, Fix, safe_for
from schemalint.fix.writers import WriteContext, Writer, get_writer

MAX_PASSES = 10


@dataclass
class FixOutcome:
    result: RunResult
    """The check after the last pass: what remains."""
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    """Each changed file's text before and after, by path relative to the root."""
    applied: int = 0
    problems: list[str] = field(default_factory=list)
    """Fixes dropped because a writer could not write them or they would break the file."""
    passes: int = 0

    @property
    def changed(self) -> list[str]:
        return sorted(path for path in self.after if self.after[path] != self.before[path])

    def diff(self) -> str:
        out: list[str] = []
        for path in self.changed:
            out += difflib.unified_diff(
                self.before[path].splitlines(keepends=True),
                self.after[path].splitlines(keepends=True),
                f"a/{path}",
                f"b/{path}",
            )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)


def today() -> str:
    """The date a dated block of appended SQL is headed with: `SOURCE_DATE_EPOCH` when set
    (reproducible builds' convention, and the tests'), else today in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        if epoch and epoch.isdigit()
        else datetime.datetime.now(datetime.UTC)
    )
    return moment.date().isoformat()


def fix_project(
    config: Config,
    *,
    unsafe: bool = False,
    write: bool = True,
    use_cache: bool = True,
    overrides: dict[str, bytes] | None = None,
) -> FixOutcome:
    base = dict(overrides or {})
    outcome = FixOutcome(result=RunResult())
    refused = _Refused()
    date = today()
    for _ in range(MAX_PASSES):
        shown = {**base, **{path: text.encode("utf-8") for path, text in outcome.after.items()}}
        outcome.result = run_check(config, use_cache=use_cache, overrides=shown or None, schemas=True)
        if outcome.result.errors:
            break
        if not _one_pass(config, outcome, refused, unsafe, date, shown):
            break
        outcome.passes += 1
    else:
        shown = {**base, **{path: text.encode("utf-8") for path, text in outcome.after.items()}}
        outcome.result = run_check(config, use_cache=use_cache, overrides=shown or None, schemas=True)
    if write:
        for path in outcome.changed:
            _write(config.root / path, outcome.after[path])
    return outcome


class _Refused:
    """Fixes a writer would not or could not write, not to be tried again in a later pass. A
    fix is known by what it does (source, file, description), not by its values: a pass that
    inserts lines moves the locations the next pass's fixes carry."""

    def __init__(self) -> None:
        self._keys: set[tuple[str, str | None, str]] = set()

    @staticmethod
    def _key(fix: Fix) -> tuple[str, str | None, str]:
        return (fix.source, fix.path, fix.description)

    def add(self, fix: Fix) -> None:
        self._keys.add(self._key(fix))

    def update(self, fixes: list[Fix]) -> None:
        for fix in fixes:
            self.add(fix)

    def __contains__(self, fix: Fix) -> bool:
        return self._key(fix) in self._keys


def applicable(findings: list[Finding], unsafe: bool) -> list[Fix]:
    return [f.fix for f in findings if f.fix is not None and safe_for(f.fix, unsafe)]


def _one_pass(
    config: Config, outcome: FixOutcome, refused: _Refused, unsafe: bool, date: str, shown: dict[str, bytes]
) -> bool:
    result = outcome.result
    truth_files = (
        set(result.schemas[config.source_of_truth].files) if config.source_of_truth in result.schemas else set()
    )
    groups: dict[tuple[str, str], list[Fix]] = {}
    for fix in dict.fromkeys(applicable(result.findings, unsafe)):
        if fix in refused:
            continue
        writer = get_writer(fix.source)
        mirror = result.schemas.get(fix.source)
        path = fix.path or (writer.target(fix, mirror) if mirror is not None else None)
        if path is None:
            refused.add(fix)
            outcome.problems.append(f"{fix.description}: no {fix.source} file to write it to")
            continue
        if path in truth_files and fix.source != "noqa":
            refused.add(fix)  # the source of truth is never rewritten
            continue
        groups.setdefault((fix.source, path), []).append(fix)

    progress = False
    for (kind, path), fixes in sorted(groups.items()):
        old = _current(config, outcome, path, shown)
        if old is None:
            refused.update(fixes)
            outcome.problems.append(f"{path}: cannot be read as UTF-8 text; its fixes were not applied")
            continue
        writer = get_writer(kind)
        mirror = result.schemas.get(kind) or result.schemas[config.source_of_truth]
        context = WriteContext(
            path=path,
            truth=result.schemas[config.source_of_truth],
            mirror=mirror,
            sql_fix_style=config.sql_fix_style,
            today=date,
        )
        written = writer.apply(old, fixes, context)
        for index, why in written.skipped:
            refused.add(fixes[index])
            outcome.problems.append(f"{path}: {fixes[index].description}: {why}")
        text = written.text
        if text != old and writer.parses(text) is not None:
            text, applied = _one_by_one(writer, old, fixes, context, refused, outcome, path)
        else:
            applied = len(written.applied)
        if text != old:
            outcome.before.setdefault(path, old)
            outcome.after[path] = text
            outcome.applied += applied
            progress = True
    return progress


def _one_by_one(
    writer: Writer,
    text: str,
    fixes: list[Fix],
    context: WriteContext,
    refused: _Refused,
    outcome: FixOutcome,
    path: str,
) -> tuple[str, int]:
    """Write `fixes` one at a time, dropping each that would leave the file unreadable."""
    applied = 0
    for fix in fixes:
        written = writer.apply(text, [fix], context)
        if written.text == text:
            continue
        problem = writer.parses(written.text)
        if problem is not None:
            refused.add(fix)
            outcome.problems.append(f"{path}: {fix.description}: not applied, it would break the file ({problem})")
            continue
        text = written.text
        applied += 1
    return text, applied


def _current(config: Config, outcome: FixOutcome, path: str, shown: dict[str, bytes]) -> str | None:
    if path in outcome.after:
        return outcome.after[path]
    data = shown.get(path)
    try:
        if data is None:
            data = (config.root / path).read_bytes()
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.schemalint-fix")
    temporary.write_bytes(text.encode("utf-8"))
    os.replace(temporary, path)


# --------------------------------------------------------------------------- one fix as edits


def edits_for(finding: Finding, root: Path, result: RunResult, overrides: dict[str, bytes] | None = None) -> list[Edit]:
    """The text edits that `finding`'s fix alone would make (for JSON, SARIF and editors): the
    writer's output compared with the file as it is, as one replaced span per file. Empty when
    the writer cannot write the fix."""
    fix = finding.fix
    if fix is None:
        return []
    writer = get_writer(fix.source)
    mirror = result.schemas.get(fix.source)
    truth = result.schemas.get(result.truth)
    path = fix.path or (writer.target(fix, mirror) if mirror is not None else None)
    if path is None or truth is None:
        return []
    data = (overrides or {}).get(path)
    try:
        text = (data if data is not None else (root / path).read_bytes()).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    context = WriteContext(path=path, truth=truth, mirror=mirror or truth, today=today())
    new = writer.apply(text, [fix], context).text
    return [] if new == text else [span_edit(path, text, new)]


def span_edit(path: str, old: str, new: str) -> Edit:
    """One edit turning `old` into `new`: the span between their common prefix and suffix."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    start_line, start_col = _position(old, start)
    end_line, end_col = _position(old, end_old)
    return Edit(path, start_line, start_col, end_line, end_col, new[start:end_new])


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


__all__ = ["MAX_PASSES", "FixOutcome", "applicable", "edits_for", "fix_project", "span_edit", "today"]

"""`noqa` comments: silencing findings in the source, and finding comments that silence nothing.

Syntax (the comment marker is `#` in Python files and `--` in SQL files):

* `# noqa` at the end of a line silences every finding on that line;
* `# noqa: SL204` or `# noqa: SL204, SL301` (or `SL2`, a prefix) silences only those codes;
* `# schemalint: noqa` on a line of its own silences the whole file, `# schemalint: noqa: SL2`
  only those codes in the whole file.

A finding is silenced by a comment on *its own* line (the line it is reported at), never by
a comment at one of its related locations.

flake8's trap: flake8 reads `# noqa SL204` (no colon) as a blanket `# noqa` that silences
everything on the line. schemalint honours the codes the author clearly meant (only SL204 is
silenced) and SL010 reports the missing colon, so the line means the same to every linter once
fixed.

The same comments are read by other linters (flake8 and ruff on Python lines, sqlfluff on SQL
lines), so a code that is not schemalint's (`E501`, `LT01`) is left alone: it silences none of
our findings, and SL010 never calls it unused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemalint.findings import Finding

_CODE = r"[A-Za-z]+[0-9]+"
_CODE_LIST = rf"{_CODE}(?:(?:\s*,\s*|\s+){_CODE})*"
# Inline: a bare `noqa`, `noqa: A1, B2`, or `noqa A1` (the trap) after the marker, which is filled in per language.
_INLINE = r"{marker}\s*noqa(?:(?P<colon>\s*:\s*)(?P<codes>{codes})|\s+(?P<bare>{codes}))?(?![\w:])"
# `# schemalint: noqa[: codes]` on a line of its own.
_FILE = r"^\s*{marker}\s*schemalint\s*:\s*noqa(?:(?P<colon>\s*:\s*)(?P<codes>{codes})|\s+(?P<bare>{codes}))?\s*$"


def _compile(template: str, marker: str) -> re.Pattern[str]:
    return re.compile(template.format(marker=re.escape(marker), codes=_CODE_LIST), re.IGNORECASE)


_PATTERNS = {
    "#": (_compile(_INLINE, "#"), _compile(_FILE, "#")),
    "--": (_compile(_INLINE, "--"), _compile(_FILE, "--")),
}


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """Lines as Python's tokenizer and the readers count them: only \\n, \\r\\n and \\r end a
    line (str.splitlines also splits on form feeds and other separators, which would shift
    every line number after one)."""
    lines = _LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


def comment_marker(path: str) -> str:
    """`--` for SQL files, `#` for everything else (Python)."""
    return "--" if path.lower().endswith(".sql") else "#"


@dataclass
class Directive:
    """One noqa comment as written, and what it has silenced so far."""

    path: str
    line: int
    col: int
    codes: tuple[str, ...]
    """Upper-cased codes or prefixes; empty for a blanket noqa."""
    file_level: bool = False
    missing_colon: bool = False
    used: set[str] = field(default_factory=set)
    """Codes (as written) that silenced at least one finding; `*` for a used blanket noqa."""

    def matching_code(self, code: str) -> str | None:
        """The written code that silences `code`, `*` for a blanket directive, or None."""
        if not self.codes:
            return "*"
        best = None
        for written in self.codes:
            if code.startswith(written) and (best is None or len(written) > len(best)):
                best = written
        return best


@dataclass
class FileDirectives:
    inline: dict[int, Directive] = field(default_factory=dict)
    file_level: list[Directive] = field(default_factory=list)


def _split_codes(text: str | None) -> tuple[str, ...]:
    return tuple(c.upper() for c in re.split(r"[\s,]+", text or "") if c)


def _directive(path: str, line: int, match: re.Match[str], file_level: bool) -> Directive:
    bare = match.group("bare")
    return Directive(
        path=path,
        line=line,
        col=match.start() + 1,
        codes=_split_codes(match.group("codes") or bare),
        file_level=file_level,
        missing_colon=bare is not None,
    )


def directive_at(path: str, number: int, line: str) -> tuple[Directive, re.Match[str]] | None:
    """The noqa directive written on line `number` (text `line`) of `path`, if any, with its
    match: the comment's span, and the groups `colon`, `codes` and `bare` (codes written
    without the colon). A file-level directive wins over an inline one."""
    inline_re, file_re = _PATTERNS[comment_marker(path)]
    whole_file = file_re.search(line)
    if whole_file:
        return _directive(path, number, whole_file, file_level=True), whole_file
    inline = inline_re.search(line)
    if inline:
        return _directive(path, number, inline, file_level=False), inline
    return None


def scan(path: str, text: str) -> FileDirectives:
    """Every noqa directive of one file. Cheap: files without `noqa` are not split into lines."""
    found = FileDirectives()
    if "noqa" not in text.lower():
        return found
    for number, line in enumerate(split_lines(text), start=1):
        if "noqa" not in line.lower():
            continue
        written = directive_at(path, number, line)
        if written is None:
            continue
        directive = written[0]
        if directive.file_level:
            found.file_level.append(directive)
        else:
            found.inline[number] = directive
    return found


@dataclass(frozen=True)
class UnusedDirective:
    """A noqa that silences nothing (or only part of what it names), or is mis-written."""

    path: str
    line: int
    col: int
    kind: str
    """unused (a blanket file-level noqa that silenced nothing), unused-codes, unknown-codes,
    missing-colon"""
    codes: tuple[str, ...] = ()
    file_level: bool = False


@dataclass
class Suppression:
    kept: list[Finding]
    silenced: list[Finding]
    directives: dict[str, FileDirectives]
    unused: tuple[UnusedDirective, ...] = ()
    """The directives that silence nothing (filled when a `noqa`-level rule runs)."""

    def silencer(self, finding: Finding) -> Directive | None:
        return _silencer(self.directives.get(finding.path), finding)


def _silencer(directives: FileDirectives | None, finding: Finding) -> Directive | None:
    if directives is None:
        return None
    candidates = list(directives.file_level)
    inline = directives.inline.get(finding.line)
    if inline is not None:
        candidates.insert(0, inline)
    for directive in candidates:
        written = directive.matching_code(finding.code)
        if written is not None:
            directive.used.add(written)
            return directive
    return None


def read_texts(paths: Iterable[str], root: Path, overrides: dict[str, bytes] | None = None) -> dict[str, str]:
    """The text of each file (relative path), from `overrides` (stdin) first, then from disk.
    Files that cannot be read or decoded are left out: the readers already report them."""
    texts: dict[str, str] = {}
    for rel in paths:
        data = (overrides or {}).get(rel)
        try:
            if data is None:
                data = (root / rel).read_bytes()
            texts[rel] = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
    return texts


def apply_noqa(findings: Iterable[Finding], texts: dict[str, str]) -> Suppression:
    """Split findings into kept and silenced, recording which directive silenced each."""
    directives = {path: scan(path, text) for path, text in texts.items()}
    kept: list[Finding] = []
    silenced: list[Finding] = []
    for finding in findings:
        (silenced if _silencer(directives.get(finding.path), finding) else kept).append(finding)
    return Suppression(kept=kept, silenced=silenced, directives=directives)


def _letters(code: str) -> str:
    letters = re.match(r"[A-Z]*", code)
    return letters.group(0) if letters else ""


def _is_ours(code: str, known_codes: list[str], families: set[str]) -> bool:
    """Does a written code (or prefix) belong to schemalint's rules, as opposed to flake8's,
    ruff's or sqlfluff's? It does when it names a rule, or uses a rule family's letters
    (`SL999`: ours, and unknown)."""
    return any(c.startswith(code) for c in known_codes) or _letters(code) in families


def find_unused(
    suppression: Suppression, known_codes: Iterable[str], ran_codes: Iterable[str]
) -> list[UnusedDirective]:
    """Directives that silence nothing. Only schemalint's own codes are judged, and only codes
    whose rules ran in this run (a code deselected today may be needed tomorrow); a blanket
    inline `# noqa` may serve another linter and is never reported."""
    known, ran = sorted(set(known_codes)), sorted(set(ran_codes))
    unused: list[UnusedDirective] = []
    for directives in suppression.directives.values():
        for directive in [*directives.file_level, *directives.inline.values()]:
            unused += _judge(directive, known, ran)
    return sorted(unused, key=lambda u: (u.path, u.line, u.col, u.kind))


def _judge(directive: Directive, known: list[str], ran: list[str]) -> list[UnusedDirective]:
    def problem(kind: str, codes: tuple[str, ...] = ()) -> UnusedDirective:
        return UnusedDirective(
            path=directive.path,
            line=directive.line,
            col=directive.col,
            kind=kind,
            codes=codes,
            file_level=directive.file_level,
        )

    if not directive.codes:
        if directive.file_level and "*" not in directive.used:
            return [problem("unused")]
        return []
    families = {_letters(c) for c in known}
    ours = [c for c in directive.codes if _is_ours(c, known, families)]
    problems = []
    if directive.missing_colon and ours:
        problems.append(problem("missing-colon", directive.codes))
    unknown = tuple(c for c in ours if not any(k.startswith(c) for k in known))
    if unknown:
        problems.append(problem("unknown-codes", unknown))
    idle = tuple(c for c in ours if c not in unknown and c not in directive.used and any(r.startswith(c) for r in ran))
    if idle:
        problems.append(problem("unused-codes", idle))
    return problems


# --------------------------------------------------------------------------- --add-noqa


@dataclass(frozen=True)
class AddNoqaResult:
    added: int
    """Lines that got a new or extended noqa comment."""
    files: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    """`path:line` where no comment can be appended (a backslash continuation)."""


def add_noqa(findings: Iterable[Finding], root: Path) -> AddNoqaResult:
    """Append `# noqa: CODES` (`-- noqa: CODES` in SQL) to every line that has a finding,
    merging with a noqa comment already there and keeping any other comment. Running it twice
    changes nothing: the second run finds every finding silenced."""
    by_file: dict[str, dict[int, set[str]]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, {}).setdefault(finding.line, set()).add(finding.code)
    added, changed, skipped = 0, [], []
    for rel, lines in sorted(by_file.items()):
        path = root / rel
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        new_text, count, file_skipped = _add_to_text(rel, text, lines)
        skipped += file_skipped
        if count:
            bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
            path.write_bytes(bom + new_text.encode("utf-8"))
            added += count
            changed.append(rel)
    return AddNoqaResult(added=added, files=tuple(changed), skipped=tuple(skipped))


def with_noqa(rel: str, text: str, wanted: dict[int, set[str]]) -> str:
    """`text` with the noqa comments `--add-noqa` writes for `wanted` (line -> codes): what
    the language server's "silence with noqa" action inserts."""
    return _add_to_text(rel, text, wanted)[0]


def _add_to_text(rel: str, text: str, wanted: dict[int, set[str]]) -> tuple[str, int, list[str]]:
    marker = comment_marker(rel)
    inline_re = _PATTERNS[marker][0]
    lines = split_lines(text, keepends=True)
    count, skipped = 0, []
    for number, codes in sorted(wanted.items()):
        if not 1 <= number <= len(lines):
            continue
        body = lines[number - 1]
        content = body.rstrip("\r\n")
        ending = body[len(content) :]
        if content.rstrip().endswith("\\"):
            skipped.append(f"{rel}:{number}")
            continue
        updated = _with_codes(content, codes, marker, inline_re)
        if updated != content:
            lines[number - 1] = updated + ending
            count += 1
    return "".join(lines), count, skipped


def _with_codes(content: str, codes: set[str], marker: str, inline_re: re.Pattern[str]) -> str:
    existing = inline_re.search(content)
    if existing is None:
        return f"{content.rstrip()}  {marker} noqa: {', '.join(sorted(codes))}"
    written = _split_codes(existing.group("codes") or existing.group("bare"))
    if not written:  # a blanket noqa already silences everything on the line
        return content
    merged = list(written) + sorted(c for c in codes if not any(c.startswith(w) for w in written))
    replacement = f"{marker} noqa: {', '.join(merged)}"
    return content[: existing.start()] + replacement + content[existing.end() :]


# --------------------------------------------------------------------------- the noqa stage


def silence_noqa(
    findings: list[Finding],
    files: Iterable[str],
    root: Path,
    overrides: dict[str, bytes] | None,
    all_rules: Sequence[Any],
    selected_rules: Sequence[Any],
    find_unused_directives: bool,
) -> Suppression:
    """The noqa stage: drop the findings a noqa comment silences (`kept`, `silenced`). With
    `find_unused_directives` (a `noqa`-level rule such as SL010 runs), every file is scanned and
    `unused` holds the directives that silenced nothing, judged against the rules known and
    run; the engine hands them to those rules, whose own findings can be silenced too
    (`# noqa: SL010`, through `Suppression.silencer`)."""
    if not findings and not find_unused_directives:
        return Suppression(findings, [], {})
    wanted = set(files) if find_unused_directives else {f.path for f in findings}
    suppression = apply_noqa(findings, read_texts(sorted(wanted), root, overrides))
    if find_unused_directives:
        known, ran = [r.code for r in all_rules], [r.code for r in selected_rules]
        suppression.unused = tuple(find_unused(suppression, known, ran))
    return suppression

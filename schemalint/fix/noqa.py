"""The noqa writer: removes what a noqa comment no longer needs (SL010's fix), in any file.

A `RemoveNoqa` names the comment by its line (in the fix's `path`) and the codes to remove.
The comment is read exactly as `schemalint.suppress` reads it (`directive_at`), so the writer
edits the comment the checker judged:

* some codes stay: the code list is rewritten as `noqa: A, B` (with the colon, so a comment
  that lacked it now means the same to flake8 and ruff), the rest of the line untouched;
* no code stays (or the change names none: a blanket `# schemalint: noqa`): the comment goes.
  What followed it on the line stays a comment (`# noqa: SL204  # type: ignore` keeps
  `# type: ignore`); a line that held only the comment is removed.

A comment edit never makes a file unreadable (`parses` is always None), and a fix always has
its file (`target` is its `path`).
"""

from __future__ import annotations

from schemalint.fix import Fix, RemoveNoqa
from schemalint.fix.writers import WriteContext, Written
from schemalint.model import Schema
from schemalint.suppress import comment_marker, directive_at, split_lines

_BOM = "\ufeff"


class _Stale(Exception):
    """The comment a change names is not (or no longer) there."""


class NoqaWriter:
    def apply(self, text: str, fixes: list[Fix], context: WriteContext) -> Written:
        lines = split_lines(text, keepends=True)
        removals: dict[int, frozenset[str] | None] = {}
        """line -> the codes to remove (None: the whole comment)."""
        applied: list[int] = []
        skipped: list[tuple[int, str]] = []
        for index, fix in enumerate(fixes):
            try:
                wanted = [_removal(context.path, lines, change) for change in _changes(fix)]
            except _Stale as why:
                skipped.append((index, str(why)))
                continue
            for number, codes in wanted:
                before = removals.get(number, frozenset())
                removals[number] = None if before is None or codes is None else before | codes
            applied.append(index)
        for number, codes in removals.items():
            body = lines[number - 1]
            content = body.rstrip("\r\n")
            lines[number - 1] = (
                "" if (new := _rewrite(context.path, number, content, codes)) is None else new + body[len(content) :]
            )
        return Written("".join(lines), tuple(applied), tuple(skipped))

    def parses(self, text: str) -> str | None:
        return None

    def target(self, fix: Fix, mirror: Schema) -> str | None:
        return fix.path


def _changes(fix: Fix) -> list[RemoveNoqa]:
    changes = [c for c in fix.changes if isinstance(c, RemoveNoqa)]
    if not changes or len(changes) != len(fix.changes):
        raise _Stale("the noqa writer only removes noqa codes")
    return changes


def _removal(path: str, lines: list[str], change: RemoveNoqa) -> tuple[int, frozenset[str] | None]:
    """The line of `change`'s comment and the codes to remove from it, after checking that the
    comment is there and names at least one of them."""
    number = change.location.line
    if not 1 <= number <= len(lines):
        raise _Stale(f"line {number} is past the end of the file")
    found = directive_at(path, number, lines[number - 1].rstrip("\r\n").removeprefix(_BOM))
    if found is None:
        raise _Stale(f"line {number} has no noqa comment any more")
    if not change.codes:
        return number, None
    codes = frozenset(c.upper() for c in change.codes)
    if not codes.intersection(found[0].codes):
        raise _Stale(f"the noqa comment on line {number} no longer names {', '.join(change.codes)}")
    return number, codes


def _rewrite(path: str, number: int, content: str, remove: frozenset[str] | None) -> str | None:
    """Line `number` (`content`, without its ending) without the codes `remove` (None: without
    its noqa comment); None when nothing is left of the line."""
    bom = _BOM if content.startswith(_BOM) else ""
    content = content.removeprefix(bom)
    found = directive_at(path, number, content)
    if found is None:  # checked by _removal; nothing to do
        return bom + content
    directive, match = found
    keep = [] if remove is None else [c for c in directive.codes if c not in remove]
    if keep:
        group = "codes" if match.group("codes") is not None else "bare"
        # From the end of `noqa` (the colon, or the space before codes written without one).
        head = match.start("colon") if match.group("colon") is not None else len(content[: match.start(group)].rstrip())
        return bom + content[:head] + ": " + ", ".join(keep) + content[match.end(group) :]
    before, rest = content[: match.start()], content[match.end() :].strip()
    marker = comment_marker(path)
    if rest and not rest.startswith(marker):
        rest = f"{marker} {rest}"  # what followed the noqa was part of the comment
    if not before.strip():
        return bom + before + rest if rest else (bom or None)
    if not rest:
        return bom + before.rstrip()
    return bom + before + ("" if before[-1].isspace() else "  ") + rest


WRITER = NoqaWriter()

__all__ = ["WRITER", "NoqaWriter"]

"""Where declarations are, found by scanning text: libcst's PositionProvider would triple the
parse time of a pre-commit run, and `class Name` / `name =` are easy to find."""

from __future__ import annotations

import functools
import re

# A pattern per member name: the same names (`id`, `created_at`) recur in every class, and
# `re`'s own cache (512 entries, one lookup per call) is slower than this one.
compiled = functools.lru_cache(maxsize=4096)(re.compile)


def declaration(name: str) -> re.Pattern[str]:
    """`class Name` or `name =` / `name: T =` at any indentation; group 1 is the indentation."""
    escaped = re.escape(name)
    return compiled(rf"^(\s*)(?:class\s+{escaped}\b|{escaped}\s*(?::[^=]*)?=(?!=))")


class LineFinder:
    """Finds declarations by scanning forward from where the previous one was found
    (statements are visited in source order)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def find(self, pattern: re.Pattern[str], start: int = 0) -> tuple[int, int]:
        """(line, column), 1-based, of the first line from `start` (0-based) that matches;
        the start itself when none does."""
        for index in range(max(start, 0), len(self.lines)):
            match = pattern.match(self.lines[index])
            if match:
                return index + 1, len(match.group(1)) + 1
        return max(start, 0) + 1, 1


_ANY_LEAD = re.compile(r"(\s*)")


@functools.lru_cache(maxsize=256)
def _exact_lead(indent: str) -> re.Pattern[str]:
    return re.compile(f"({re.escape(indent)})")


class Head:
    """Matches what `re.compile(rf"^({lead}){prefix}{re.escape(name)}{tail}")` matches, without
    compiling a pattern per name: `re` compiles in Python (~0.1 ms a pattern) and a module has a
    name per class and member (2,000 compiles per 1,000 models). `lead` is an exact indentation,
    or None for `\\s*`; `prefix` and `tail` are patterns that do not depend on the name,
    compiled once. `match(line)` returns a match whose group 1 is the lead, like the pattern's.

    The same lines match because a name (an identifier, a dotted name) never starts with
    whitespace, so neither `\\s*` nor a `prefix` ending in `\\s+` can give a name characters
    back; a `tail` is matched with the line's start still in sight (`\\b` looks behind)."""

    __slots__ = ("lead", "name", "prefix", "tail")

    def __init__(
        self,
        name: str,
        lead: str | None = None,
        prefix: re.Pattern[str] | None = None,
        tail: re.Pattern[str] | None = None,
    ) -> None:
        self.lead = _ANY_LEAD if lead is None else _exact_lead(lead)
        self.name = name
        self.prefix = prefix
        self.tail = tail

    def match(self, line: str) -> re.Match[str] | None:
        found = self.lead.match(line)
        if found is None:
            return None
        at = found.end()
        if self.prefix is not None:
            prefixed = self.prefix.match(line, at)
            if prefixed is None:
                return None
            at = prefixed.end()
        if not line.startswith(self.name, at):
            return None
        if self.tail is not None and self.tail.match(line, at + len(self.name)) is None:
            return None
        return found


class AnyHead:
    """The first of several `Head`s with the same lead that matches (`^(lead)(?:a|b)`)."""

    __slots__ = ("heads",)

    def __init__(self, *heads: Head) -> None:
        self.heads = heads

    def match(self, line: str) -> re.Match[str] | None:
        for head in self.heads:
            found = head.match(line)
            if found is not None:
                return found
        return None


WORD_END = re.compile(r"\b")
"""The `\\b` after a name (a `Head`'s tail)."""

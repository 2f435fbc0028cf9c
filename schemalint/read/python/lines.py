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

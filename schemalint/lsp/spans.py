"""Where the construct a finding points at ends, from the file's text.

Readers give a finding's start (the field's assignment, the class, the SQL statement or the
column definition); an editor underlines the whole construct. It ends at the first of these at
its own nesting depth: a line break (Python; SQL statements span lines), a `,` (the next
argument or column), a `;`, or a closing bracket it did not open. Strings, comments and
(in SQL) dollar quotes are skipped, so a `,` or `;` inside them ends nothing. Trailing blanks
and comments are not part of the span.

Scanning is bounded (`_MAX_LINES`), so a file that never closes a bracket costs little.
"""

from __future__ import annotations

import re

_MAX_LINES = 400
_OPEN = "([{"
_CLOSE = ")]}"
_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")


def construct_end(lines: list[str], line: int, col: int, path: str) -> tuple[int, int] | None:
    """The 1-based (line, col) just past the construct starting at 1-based (line, col) of a
    `.py` or `.sql` file; None for other files or a start outside the text."""
    if path.endswith((".py", ".pyi")):
        python = True
    elif path.endswith(".sql"):
        python = False
    else:
        return None
    row, char = line - 1, col - 1
    if not (0 <= row < len(lines)) or char < 0:
        return None
    depth = 0
    last = (row, char)  # just past the last character of code seen
    quote: str | None = None  # the closing delimiter of the string being skipped
    block_comment = False
    for index in range(row, min(len(lines), row + _MAX_LINES)):
        text = lines[index].rstrip("\r\n")
        i = char if index == row else 0
        while i < len(text):
            if block_comment:
                end = text.find("*/", i)
                if end < 0:
                    break
                i, block_comment = end + 2, False
                continue
            if quote is not None:
                if python and text[i] == "\\":
                    i += 2
                    continue
                if text.startswith(quote, i):
                    i += len(quote)
                    quote = None
                    last = (index, i)
                    continue
                i += 1
                continue
            c = text[i]
            if c == "#" and python or text.startswith("--", i) and not python:
                break
            if text.startswith("/*", i) and not python:
                block_comment = True
                i += 2
                continue
            if c in "'\"" or (c == "`" and not python):
                triple = python and text.startswith(c * 3, i)
                quote = c * 3 if triple else c
                i += len(quote)
                continue
            if c == "$" and not python:
                dollar = _DOLLAR.match(text, i)
                if dollar:
                    quote = dollar.group(0)
                    i = dollar.end()
                    continue
            if c in _OPEN:
                depth += 1
            elif c in _CLOSE:
                if depth == 0:
                    return _one_based(last)
                depth -= 1
            elif depth == 0 and c in ",;":
                return _one_based((index, i + 1) if c == ";" else last)
            if not c.isspace():
                last = (index, i + 1)
            i += 1
        if quote is not None and len(quote) == 1 and python:
            quote = None  # an unterminated one-line string: Python's error, not ours
        ends_here = python and depth == 0 and quote is None and not block_comment
        if ends_here and not text.rstrip().endswith("\\"):
            return _one_based(last)
    return _one_based(last)


def _one_based(position: tuple[int, int]) -> tuple[int, int]:
    return position[0] + 1, position[1] + 1

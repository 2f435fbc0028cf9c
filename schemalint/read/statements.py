"""Split Python source into runs of whole top-level statements, without parsing it.

libcst's parse time and memory grow faster than the file: a 1 MB module takes ~560 MB and
10 s whole, ~26 MB and 4 s statement by statement. The split is a regex scan of the tokens that
can hide a line break (strings, comments, brackets, backslash continuations): a line that
starts at column 0 outside all of them begins a new statement, unless it continues one
(`else:`, `except ...:`, the `class`/`def` under a decorator).

The scan never has to be right for the result to be right: every chunk is then parsed by
libcst, and a cut in the wrong place (inside a string or brackets the scan misread) leaves the
chunk before it unterminated, which libcst rejects -- the caller then parses the file whole.
A missed cut only makes a chunk bigger.
"""

from __future__ import annotations

import re

# Tokens that decide whether a line break ends a logical line. Triple quotes before single
# ones; a single-quoted string may hold escaped line breaks but no raw one.
_TOKENS = re.compile(
    r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*+"""|'
    r"'''(?:[^'\\]|\\.|'(?!''))*+'''|"
    r'"(?:[^"\\\n]|\\.)*+"|'
    r"'(?:[^'\\\n]|\\.)*+'|"
    r"[(\[{]|[)\]}]|\\\n|\n",
    re.S,
)
_OPENERS = frozenset("([{")
_CLOSERS = frozenset(")]}")
# Lines at column 0 that belong to the statement before them.
_CONTINUES = re.compile(r"(?:else|elif|except|finally)\b")


def top_level_chunks(text: str) -> list[str]:
    """`text` cut before each top-level statement (decorators stay with their definition;
    comments and blank lines stay with the statement above). The chunks concatenate back to
    `text`. Files with `\\r` line breaks are not cut: libcst takes the module's newline from
    its first line, and a chunk of a mixed file could spell its expressions differently."""
    if "\r" in text:
        return [text]
    starts = [0]
    decorated = False
    for offset in _logical_line_starts(text):
        head = text[offset : offset + 1]
        if not head or head in " \t\f#\n\\":
            continue  # indented, blank or comment line: not a statement start at column 0
        if decorated or _CONTINUES.match(text, offset):
            decorated = decorated and head == "@"
            continue
        decorated = head == "@"
        if offset:
            starts.append(offset)
    return [text[start:end] for start, end in zip(starts, starts[1:] + [len(text)])]


def _logical_line_starts(text: str):
    """Offsets of the lines that begin a logical line (not inside brackets, a string or a
    backslash continuation)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token == "\n":
            if depth == 0:
                yield match.end()
        elif token in _OPENERS:
            depth += 1
        elif token in _CLOSERS:
            depth = max(depth - 1, 0)

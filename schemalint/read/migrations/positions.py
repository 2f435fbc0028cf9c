"""Where the `Migration` class and each element of its `operations` start, found by scanning
the text instead of resolving libcst's PositionProvider.

PositionProvider generates the whole module's code again and records a position for every
node: for a migrations folder that is two thirds of the extract's time, for the handful of
positions a migration's facts carry. The positions it gives are simple to find in the text:
a class starts at its `class` keyword (column 1: a top-level statement), an element at its
first token after its own parentheses (libcst records a parenthesised node's position inside
its parentheses). Lines break at `\\r\\n`, `\\r` or `\\n`, as libcst counts them (not at
`str.splitlines`'s form feeds), and columns count characters.

The scan is a regex over the tokens that hide structure (strings, comments, brackets,
backslash continuations), and the tree checks it: one `class Migration` line and one
`operations` assignment in the text for the one the tree has, as many elements as the tree's
list, each element where the tree says its first token is, each separator where the tree has
a comma. Anything else -- a class body with `if`/`try`, two assignments, an element whose first
token the check does not know, a string the regex misreads -- gives `None`, and the caller
resolves PositionProvider as before (tests/migrations/test_positions.py compares both on
every migration file the tests have).

The scan walks as few tokens as it can (a Python loop over regex matches is most of its
cost): when the text has one `operations =` anywhere, the scan for it stops there, and the
value is read from the first `=` of its statement, the rest of the statement checked for
another `=` after the value (a chained assignment: then from the last, as before).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

import libcst as cst

_LINE_BREAK = re.compile(r"\r\n?|\n")
_CLASS = re.compile(r"(?:^|(?<=[\r\n]))class[ \t\f]+Migration(?!\w)")
# Whitespace, comments, line breaks and backslash continuations between two tokens.
_SKIP = re.compile(r"(?:[ \t\f]+|\\(?:\r\n?|\n)|\r\n?|\n|#[^\r\n]*)*+")
_STRING = (
    r"[rRbBuUfF]{0,2}(?:"
    r'"""(?:[^"\\]|\\.|"(?!""))*+"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*+'''"
    r'|"(?:[^"\\\r\n]|\\(?:\r\n|.))*+"'
    r"|'(?:[^'\\\r\n]|\\(?:\r\n|.))*+')"
)
# The tokens the scan looks at; everything between them (names, numbers, dots) is skipped.
_TOKENS = re.compile(
    _STRING + r"|#[^\r\n]*|[(\[{]|[)\]}]|,|;|\r\n?|\n|\\(?:\r\n?|\n)"
    r"|(?<![\w.])operations(?!\w)|[=!<>:+\-*/%&|^@~]+",
    re.S,
)
# After a name: `=` (not `==`) or `:` (an annotation, not `:=`), on the same logical line.
_ASSIGNED = re.compile(r"[ \t\f]*+(?:\\(?:\r\n?|\n)[ \t\f]*+)*+(?:=(?!=)|:(?!=))")
# Every `operations` followed so, wherever it is (strings and comments too): a superset of
# the ones the token scan finds.
_CANDIDATE = re.compile(r"(?<![\w.])operations(?!\w)(?=" + _ASSIGNED.pattern + ")")

Position = tuple[int, int]
"""(line, column), both 1-based, as the facts carry them."""


class Lines:
    """Offsets in the text -> (line, column), lines broken as libcst breaks them."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def at(self, offset: int) -> Position:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def class_position(text: str, node: cst.ClassDef) -> int | None:
    """The offset of the `class` keyword of `node`, the module's first top-level class named
    Migration: the one line that starts `class Migration` (None when there are several, one
    of them in a string or a second class, or the keyword and name are split by a backslash)."""
    whitespace = node.whitespace_after_class
    if not isinstance(whitespace, cst.SimpleWhitespace) or "\\" in whitespace.value:
        return None
    found = _CLASS.search(text)
    if found is None or _CLASS.search(text, found.end()) is not None:
        return None
    return found.start()


def element_positions(text: str, start: int, value: cst.List | cst.Tuple) -> list[int] | None:
    """The offsets of the first tokens of `value`'s elements, `value` the one list or tuple the
    class body (from `start`, its `class` keyword) assigns to `operations`; None when the text
    does not agree with the tree."""
    assignment = _the_assignment(text, start)
    if assignment is None:
        return None
    # The value follows the last `=` of the statement. A bracketed value is usually after the
    # first: read from there, and take it if nothing after its closing bracket assigns.
    first = _value_start(text, assignment, first=True)
    if first is None:
        return None
    found = _elements(text, first, value)
    if found is not None and found[1] is not None and not _assigns(text, found[1], value):
        return found[0]
    last = _value_start(text, assignment)
    if last is None:
        return None
    if last != first:
        found = _elements(text, last, value)
    return None if found is None else found[0]


def _elements(text: str, pos: int, value: cst.List | cst.Tuple) -> tuple[list[int], int | None] | None:
    """From `pos`, where `value` starts: its elements' offsets, and the offset of its closing
    bracket (None for an unbracketed tuple); None when the text does not agree with the tree."""
    for _ in value.lpar:
        if not text.startswith("(", pos):
            return None
        pos = _skip(text, pos + 1)
    closer: str | None
    if isinstance(value, cst.List):
        if not text.startswith("[", pos):
            return None
        pos, closer = _skip(text, pos + 1), "]"
    else:
        closer = ")" if value.lpar else None  # a tuple's own parentheses are its `lpar`
    found: list[int] = []
    last = len(value.elements) - 1
    for index, element in enumerate(value.elements):
        if isinstance(element, cst.StarredElement):
            return None
        head = pos
        for _ in element.value.lpar:
            if not text.startswith("(", head):
                return None
            head = _skip(text, head + 1)
        if not _starts_with_first_token(text, head, element.value):
            return None
        found.append(head)
        end = _element_end(text, pos, closer)
        if end is None:
            return None
        pos, separator = end[0], end[1]
        if separator == ",":
            pos = _skip(text, pos)
        has_comma = isinstance(element.comma, cst.Comma)
        if index < last and separator != ",":
            return None
        if index == last and (separator == ",") != has_comma:
            return None
        if index == last and has_comma and (closer is None or not text.startswith(closer, pos)):
            return None  # another element after the tree's last (an unbracketed tuple's trailing comma: not checked)
    return found, (pos if closer is not None else None)


def _level_tokens(text: str, pos: int, depth: int = 0) -> Iterator[tuple[re.Match[str], int]]:
    """From `pos`, with `depth` brackets open: each token that is not a bracket, with the
    bracket depth it is at; a closing bracket that closes more than were open ends the scan,
    given with depth -1."""
    for match in _TOKENS.finditer(text, pos):
        head = match.group()[0]
        if head in "([{":
            depth += 1
        elif head in ")]}":
            depth -= 1
            if depth < 0:
                yield match, -1
                return
        else:
            yield match, depth


def _assigns(text: str, closer: int, value: cst.List | cst.Tuple) -> bool:
    """Whether, after `value`'s closing bracket at `closer`, its statement has an `=` at bracket
    depth 0 (then `value` was a target: `operations = [a, b] = ...`); True when the brackets
    do not close as the tree says."""
    still_open = len(value.lpar) - (0 if isinstance(value, cst.List) else 1)  # its own parentheses
    for match, depth in _level_tokens(text, closer + 1, still_open):
        if depth < 0:
            return True
        if depth == 0:
            token = match.group()
            if token == "=":
                return True
            if token[0] in ";\r\n":
                return False
    return False


def _skip(text: str, pos: int) -> int:
    match = _SKIP.match(text, pos)
    return match.end() if match else pos


def _the_assignment(text: str, start: int) -> int | None:
    """The end of the one `operations` name at bracket depth 0 from `start` to the end of the
    file that is followed by `=` or `:`; None when there are none or several."""
    candidates = _CANDIDATE.finditer(text, start)
    only = next(candidates, None)
    if only is None:
        return None
    if next(candidates, None) is None:
        # The only one anywhere: it is the assignment if the scan reaches it as a token at
        # depth 0 (not inside a string, a comment or brackets).
        for match, depth in _level_tokens(text, start):  # not ended at it: a string may span it
            if match.start() > only.start() or depth < 0:
                return None
            if match.start() == only.start():
                return only.end() if match.group() == "operations" and depth == 0 else None
        return None
    found: int | None = None
    for match, depth in _level_tokens(text, start):
        if depth < 0:
            return None
        if depth == 0 and match.group() == "operations" and _ASSIGNED.match(text, match.end()):
            if found is not None:
                return None
            found = match.end()
    return found


def _value_start(text: str, pos: int, first: bool = False) -> int | None:
    """After the last (or `first`) `=` at bracket depth 0 of the statement `pos` is in: where
    the value starts (the first token after it)."""
    last: int | None = None
    for match, depth in _level_tokens(text, pos):
        if depth < 0:
            return None
        if depth == 0:
            token = match.group()
            if token == "=":
                last = match.end()
                if first:
                    break
            elif token[0] in ";\r\n":
                break
    return None if last is None else _skip(text, last)


def _element_end(text: str, pos: int, closer: str | None) -> tuple[int, str] | None:
    """From an element's start: the offset after its separator and the separator (`,`, or the
    closing bracket, whose offset is returned, or `""` at the end of an unbracketed tuple's
    line or of the file)."""
    for match, depth in _level_tokens(text, pos):
        token = match.group()
        if depth < 0:
            return (match.start(), token) if token == closer else None
        if depth == 0:
            if token == ",":
                return match.end(), ","
            if closer is None and token[0] in ";\r\n":
                return match.start(), ""
    return (len(text), "") if closer is None else None


def _starts_with_first_token(text: str, pos: int, node: cst.BaseExpression) -> bool:
    """Whether the text at `pos` is the first token of `node` (its own parentheses skipped):
    the leftmost name of a call, attribute or subscript chain, or a literal. Other shapes are
    not checked here (False: the caller falls back)."""
    while True:
        if isinstance(node, cst.Name):
            token = node.value
            after = text[pos + len(token) : pos + len(token) + 1]
            return text.startswith(token, pos) and (after == "" or not ("a" + after).isidentifier())
        if isinstance(node, (cst.SimpleString, cst.Integer, cst.Float)):
            return text.startswith(node.value, pos)
        if isinstance(node, cst.Call):
            node = node.func
        elif isinstance(node, (cst.Attribute, cst.Subscript)):
            node = node.value
        else:
            return False
        if node.lpar:
            return text.startswith("(", pos)


def positions(
    text: str, node: cst.ClassDef, value: cst.List | cst.Tuple | None
) -> tuple[Position, Sequence[Position]] | None:
    """The class's position and its `operations` elements' (none when `value` is None), or
    None when the scan cannot vouch for them."""
    start = class_position(text, node)
    if start is None:
        return None
    lines = Lines(text)
    if value is None or not value.elements:
        return lines.at(start), ()
    found = element_positions(text, start, value)
    if found is None:
        return None
    return lines.at(start), [lines.at(offset) for offset in found]

"""libcst's parse for a tree that is only read: without libcst's per-node validation.

Every node libcst builds runs `CSTNode.__post_init__`, which calls the node's `_validate`
(libcst's own comment there: "PERF: It might make more sense to move validation work into the
visitor, which would allow us to avoid validating the tree when parsing a file"). A tree the
parser built from valid source is valid; the readers never build nodes. Skipping it saves a
quarter of the parse (5 rounds over the N=200 bench apps: 0.83 s -> 0.62 s of CPU).

The hook is restored after each parse, so trees that `--fix` builds and edits are validated
as usual. If libcst moves the hook (`CSTNode` without its own `__post_init__`), the parse is
simply validated (tests/test_parse_speed.py fails, so that the hook is found again).

`parse_chunk` is the readers' parse of one run of top-level statements (read/statements.py).
A process that reads the same files again and again with one statement changed — the
language server, a keystroke at a time — turns on `keep_trees` (`schemalint.read.stay_in_memory`): each chunk's tree is kept by
its text, and a model file whose one class changed parses that class only. libcst trees are
immutable, so a kept tree is shared safely. Off by default: a CLI run parses each file once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst
from libcst._nodes.base import CSTNode


def _unvalidated_post_init(self: CSTNode) -> None:
    pass


@contextmanager
def unvalidated() -> Iterator[None]:
    """Within: nodes libcst builds are not validated. Nested, the inner one changes nothing: a
    reader wraps all its chunks' parses in one (setting a class attribute of `CSTNode` empties
    the type cache of its ~250 subclasses: twice per chunk, ~5% of the parse at N=1000)."""
    original = CSTNode.__dict__.get("__post_init__")
    if original is None or original is _unvalidated_post_init:  # moved: validate, as libcst would
        yield
        return
    CSTNode.__post_init__ = _unvalidated_post_init  # type: ignore[method-assign]
    try:
        yield
    finally:
        CSTNode.__post_init__ = original  # type: ignore[method-assign]


def parse_for_reading(text: str) -> cst.Module:
    """`cst.parse_module(text)` for a reader: the same tree and errors, unvalidated."""
    with unvalidated():
        return cst.parse_module(text)


class _Trees:
    """Trees of chunk texts, least recently used dropped past `limit` characters of text
    (a tree takes ~40 bytes of memory per character of its text)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.trees: OrderedDict[str, cst.Module] = OrderedDict()
        self.parsed = 0
        """Chunks parsed (not found kept) since turned on: what tests assert."""

    def get(self, text: str) -> cst.Module:
        tree = self.trees.get(text)
        if tree is not None:
            self.trees.move_to_end(text)
            return tree
        tree = parse_for_reading(text)  # a syntax error is raised, never kept
        self.parsed += 1
        if len(text) <= self.limit:
            self.trees[text] = tree
            self.size += len(text)
            while self.size > self.limit:
                dropped, _ = self.trees.popitem(last=False)
                self.size -= len(dropped)
        return tree


_kept: _Trees | None = None


def keep_trees(chars: int | None) -> _Trees | None:
    """Keep chunk trees (up to `chars` characters of their texts), or stop (`None`). Returns
    the memo, whose `parsed` counts the chunks actually parsed."""
    global _kept
    _kept = _Trees(chars) if chars else None
    return _kept


def parse_chunk(text: str) -> cst.Module:
    """`parse_for_reading` of one chunk of a module, from the kept trees when turned on
    (`keep_trees`, or `schemalint.read.stay_in_memory`)."""
    kept = _kept
    if kept is None:
        from schemalint import read

        if not read.tree_chars:
            return parse_for_reading(text)
        kept = keep_trees(read.tree_chars)
        assert kept is not None
    return kept.get(text)


_PLAIN_PREFIXES = frozenset({"", "r", "R", "u", "U"})


def string_value(node: cst.SimpleString | cst.ConcatenatedString) -> str | bytes | None:
    """`node.evaluated_value` without libcst's `ast.literal_eval` (a compile per string, ~10%
    of the Django reader's conversion) when a literal's value is its text between the quotes:
    no backslash, no `b`/`f` prefix, no carriage return or NUL (which the tokenizer would
    rewrite or reject)."""
    if isinstance(node, cst.SimpleString):
        text = node.value
        quote = text[-1]
        start = text.index(quote)
        if text[:start] in _PLAIN_PREFIXES and "\\" not in text and "\r" not in text and "\0" not in text:
            width = 3 if len(text) - start >= 6 and text.startswith(quote * 3, start) else 1
            return text[start + width : -width]
    return node.evaluated_value

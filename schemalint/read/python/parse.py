"""libcst's parse for a tree that is only read: without libcst's per-node validation.

Every node libcst builds runs `CSTNode.__post_init__`, which calls the node's `_validate`
(libcst's own comment there: "PERF: It might make more sense to move validation work into the
visitor, which would allow us to avoid validating the tree when parsing a file"). A tree the
parser built from valid source is valid; the readers never build nodes. Skipping it saves a
quarter of the parse (5 rounds over the N=200 bench apps: 0.83 s -> 0.62 s of CPU).

The hook is restored after each parse, so trees that `--fix` builds and edits are validated
as usual. If libcst moves the hook (`CSTNode` without its own `__post_init__`), the parse is
simply validated (tests/test_parse_speed.py fails, so that the hook is found again).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst
from libcst._nodes.base import CSTNode


def _unvalidated_post_init(self: CSTNode) -> None:
    pass


@contextmanager
def unvalidated() -> Iterator[None]:
    """Within: nodes libcst builds are not validated."""
    original = CSTNode.__dict__.get("__post_init__")
    if original is None:  # libcst moved the hook: validate, as libcst would
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

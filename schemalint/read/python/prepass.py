"""Hand libcst only what a reader reads: function bodies reduced to placeholders.

About half of a real model file is method bodies (`save`, `__str__`, properties, managers'
querysets, their docstrings), which the readers never look at, and libcst's parse is the
largest cost of a cold run. `reduce_bodies` replaces each such body by `...` on the body's
first line and drops the body's other lines: every line outside the bodies keeps its text, so
what libcst returns for the rest is what it would have returned for the whole file. Line
numbers are not kept (the readers never take a position from a tree: they scan the original
text); dropping the lines rather than blanking them spares libcst an `EmptyLine` node per
line (a sixth of the Django reader's parse at N=1000). For the same reason the blank lines
between statements go, and without `keep_last_return` (the Django reader: it reads only the
names of the functions it does not keep) a reduced body joins a one-line header,
`def clean(self): ...`, sparing the indented block's nodes (both: ~14% of the Django reader's
parse at N=1000).

The scan is `ast.parse` (C, ~50x faster than libcst). Anything it cannot read (a syntax
error, `\\r` line breaks) is returned unchanged: the reader then sees the file as it is and
reports what is wrong with it as before.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from schemalint.read.statements import top_level_chunks

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_BLOCKS = (ast.If, ast.Try, ast.For, ast.While, ast.With)


def reduce_bodies(text: str, keep: frozenset[str] = frozenset(), keep_last_return: bool = False) -> str:
    """`text` with the bodies of its functions and methods (top level, in classes, under
    top-level `if`/`try`/...) reduced to `...`, except functions named in `keep`. With
    `keep_last_return`, a body's last top-level `return` stays (what the SQLAlchemy reader
    reads of a method)."""
    if "def " not in text or "\r" in text or "\f" in text:
        return text  # nothing to reduce (a mirror module of columns only): spare the scan
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return text
    lines = text.split("\n")
    changed = False
    cuts: list[tuple[int, int]] = []  # (first, end) of the lines each reduced body drops
    blank = _blank_gaps(tree.body, lines, module=True)
    for function in _functions(tree.body):
        if function.name in keep:
            continue
        first = function.body[0]
        if first.lineno == function.lineno or function.end_lineno is None:
            continue  # `def f(): return x`: one line, nothing to gain
        kept = _last_return(function) if keep_last_return else None
        start, end = first.lineno - 1, function.end_lineno
        if kept is not None and kept.end_lineno is not None:
            if kept.lineno - 1 == start or lines[kept.lineno - 1][: kept.col_offset].strip():
                continue  # the body is its return, or the return does not start its line
            end = kept.lineno - 1  # dropped up to the return, which stays as written
        indent = lines[start][: first.col_offset]
        if indent.strip():
            continue  # the body does not start its line (`def f():  x = 1; \\` oddities)
        changed = True
        header = lines[start - 1]
        if not keep_last_return and function.lineno == start and "#" not in header and header.endswith(":"):
            lines[start - 1] = header + " ..."  # `def f(self): ...`: no indented block to build
            cuts.append((start, end))
            continue
        lines[start] = indent + "..."
        if end > start + 1:
            cuts.append((start + 1, end))
    if not changed and not blank:
        return text
    cuts += blank
    kept_lines, begin = [], 0
    # Disjoint (outermost functions only); sorted, as a `try`'s handlers come after its
    # `else`/`finally` in `_functions` but before them in the text.
    for first_cut, end in sorted(cuts):
        kept_lines += lines[begin:first_cut]
        begin = end
    kept_lines += lines[begin:]
    return "\n".join(kept_lines)


def _blank_gaps(body: list[ast.stmt], lines: list[str], module: bool = False) -> list[tuple[int, int]]:
    """The runs of blank lines between consecutive statements of the module, of its classes
    and of its top-level compound statements, and after the module's last statement (each an
    `EmptyLine` node libcst would build): between statements no string is open, so the lines
    are blank in the text's value too. Not after a line ending with a backslash, which a blank
    line ends. The same runs whether the module is reduced whole or cut first
    (`reduced_chunks`): a chunk's trailing blank lines are a gap of either."""
    gaps: list[tuple[int, int]] = []
    after = None  # 0-based index of the line after the previous statement's last line
    for statement in body:
        first = min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", ()))]) - 1
        if after is not None:
            gaps += _blank_runs(lines, after, first)
        if isinstance(statement, ast.ClassDef):
            gaps += _blank_gaps(statement.body, lines)
        elif isinstance(statement, _BLOCKS):
            for block in (statement.body, getattr(statement, "orelse", []), getattr(statement, "finalbody", [])):
                gaps += _blank_gaps(block, lines)
            for handler in getattr(statement, "handlers", []):
                gaps += _blank_gaps(handler.body, lines)
        after = statement.end_lineno
    if module and after is not None:
        gaps += _blank_runs(lines, after, len(lines) - 1)  # not the text after the last line break
    return gaps


def _blank_runs(lines: list[str], after: int, first: int) -> list[tuple[int, int]]:
    """The runs of blank lines in `lines[after:first]`, a gap between statements whose line
    `after - 1` ends the earlier one; none from a line ending with a backslash on."""
    runs: list[tuple[int, int]] = []
    index = after
    if index > 0 and lines[index - 1].endswith("\\"):
        return runs
    while index < first:
        if lines[index].strip():
            if lines[index].endswith("\\"):
                break
            index += 1
            continue
        run = index
        while index < first and not lines[index].strip():
            index += 1
        runs.append((run, index))
    return runs


def _functions(body: list[ast.stmt]) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The outermost functions of a module: at top level, in classes (nested ones too) and in
    top-level compound statements; not the functions inside functions (their parent's body
    goes whole)."""
    for statement in body:
        if isinstance(statement, _FUNCTIONS):
            yield statement
        elif isinstance(statement, ast.ClassDef):
            yield from _functions(statement.body)
        elif isinstance(statement, _BLOCKS):
            for block in (statement.body, getattr(statement, "orelse", []), getattr(statement, "finalbody", [])):
                yield from _functions(block)
            for handler in getattr(statement, "handlers", []):
                yield from _functions(handler.body)


def _last_return(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Return | None:
    returns = [s for s in function.body if isinstance(s, ast.Return) and s.value is not None]
    return returns[-1] if returns else None


_reduced: dict[tuple[str, frozenset[str], bool], str] = {}
_REDUCED_KEPT = 65_536
"""Chunks whose reduced text is kept (a long-lived process only; see `reduced_chunks`)."""


def reduced_chunks(text: str, keep: frozenset[str] = frozenset(), keep_last_return: bool = False) -> list[str]:
    """`top_level_chunks(reduce_bodies(text, ...))`: the runs of top-level statements a reader
    parses one at a time, their bodies reduced. A long-lived process that keeps parsed trees
    (`schemalint.read.stay_in_memory`: the language server) cuts first and reduces each chunk
    on its own, remembered by its text: after a keystroke only the changed statement is
    scanned (and parsed: `parse_chunk`). The chunks are the same either way (but for the blank
    lines of a chunk without a function, which then stay): a cut is never inside a body, and
    reducing a statement alone reduces it as in its file (a statement that
    does not parse alone is left whole, and then does not parse as a chunk either: the reader
    takes the whole-file path, as when the file does not parse)."""
    from schemalint import read

    if not read.tree_chars:
        return top_level_chunks(reduce_bodies(text, keep, keep_last_return))
    chunks = top_level_chunks(text)
    if len(chunks) < 2:  # not cut: as without memory (the reader takes the whole-file path)
        return top_level_chunks(reduce_bodies(text, keep, keep_last_return))
    found = []
    for chunk in chunks:
        reduced = _reduced.get((chunk, keep, keep_last_return))
        if reduced is None:
            if len(_reduced) >= _REDUCED_KEPT:
                _reduced.clear()
            reduced = _reduced[(chunk, keep, keep_last_return)] = reduce_bodies(chunk, keep, keep_last_return)
        found.append(reduced)
    return found

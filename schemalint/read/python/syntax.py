"""SL001 for a Python file that does not parse: one path for every Python reader."""

from __future__ import annotations

from schemalint.model import Diagnostic, Location


def syntax_diagnostic(rel: str, text: str, parser_error: Exception) -> Diagnostic:
    """SL001 for a Python file the parser (libcst) rejects, worded and placed the way Python
    itself reports it (libcst points at the token after the mistake: for a missing colon,
    the next line). Only runs on the failure path, so the extra compile costs nothing normally."""
    try:
        compile(text, rel, "exec", flags=0x400, dont_inherit=True)  # ast.PyCF_ONLY_AST
    except SyntaxError as exc:
        return Diagnostic(
            "unreadable", f"syntax error: {exc.msg}", Location(rel, exc.lineno or 1, max(exc.offset or 1, 1))
        )
    except (ValueError, RecursionError, MemoryError) as exc:
        return Diagnostic("unreadable", f"syntax error: {exc}", Location(rel, 1, 1))
    line = getattr(parser_error, "raw_line", 1) or 1
    col = (getattr(parser_error, "raw_column", 0) or 0) + 1
    message = str(parser_error).splitlines()[0] if str(parser_error) else type(parser_error).__name__
    return Diagnostic("unreadable", f"syntax error: {message}", Location(rel, line, col))

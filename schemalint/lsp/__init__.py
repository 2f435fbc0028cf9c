"""`schemalint server`: a Language Server over stdio (pygls + lsprotocol, the `lsp` extra).

* `state` — one `ProjectState` per project root: its configuration (re-read when pyproject.toml
  changes), a `MemoryCache` kept between runs (facts and linked schemas stay unpickled in
  memory; only changed files are parsed again), the last run, and what was published.
* `diagnostics` — findings as LSP diagnostics (ranges in the client's position encoding).
* `actions` — code actions (a finding's fix, "silence with noqa", fix all) and hover on noqa.
* `server` — the pygls wiring: document sync, debounced and cancellable runs, publishing.

Only `server` imports pygls and lsprotocol at import time of the server; the CLI checks they
are installed first and says how to install them.
"""

from __future__ import annotations

INSTALL_HINT = "`schemalint server` needs the language server extra: pip install 'schemalint[lsp]'"


def missing_dependency() -> str | None:
    """The name of the first missing package of the `lsp` extra, or None."""
    import importlib.util

    for name in ("pygls", "lsprotocol"):
        try:
            if importlib.util.find_spec(name) is None:
                return name
        except (ImportError, ValueError):
            return name
    return None

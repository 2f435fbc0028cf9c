"""What each statement of a schema.sql does to the schema, from its first words.

Every statement is one of three things:

* DDL the reader applies (`APPLIED`: CREATE TABLE, ALTER TABLE, CREATE INDEX, ...), and the
  session statements that decide where unqualified names live (`SET search_path`, `RESET`,
  `set_config('search_path', ...)`, BEGIN / COMMIT / ROLLBACK for `SET LOCAL`);
* a statement known to leave tables, columns, keys and indexes as they are (`HARMLESS`: DML,
  GRANT, SET of other settings, CREATE FUNCTION / DOMAIN / EXTENSION, ...): skipped quietly
  (CREATE TYPE is read for enums, whose labels `export` needs; other types are skipped);
* anything else: a statement PostgreSQL does not accept (`SELEC 1`, `CREATE TABLOID`) or one
  whose effect the reader does not know. It is an SL402 at its line, never skipped silently.

The knowledge is the two tables below: a statement's kind is the first row whose words begin
its head (lowercased, comments skipped).
"""

from __future__ import annotations

import re

# (head words, kind). Checked in order; the first whose words start the statement wins.
APPLIED: tuple[tuple[tuple[str, ...], str], ...] = (
    (("create", "table"), "create_table"),
    (("create", "index"), "create_index"),
    (("create", "unique", "index"), "create_index"),
    (("alter", "table"), "alter_table"),
    (("alter", "index"), "alter_index"),
    (("drop", "table"), "drop"),
    (("drop", "index"), "drop"),
    (("drop", "view"), "drop_relation"),
    (("drop", "sequence"), "drop_relation"),
    (("drop", "materialized", "view"), "drop_relation"),
    (("comment", "on", "table"), "comment"),
    (("comment", "on", "column"), "comment"),
    (("create", "sequence"), "create_relation"),
    (("create", "view"), "create_relation"),
    (("create", "recursive", "view"), "create_relation"),
    (("create", "materialized", "view"), "create_relation"),
    (("create", "schema"), "create_schema"),
    (("create", "type"), "type"),
    (("alter", "type"), "type"),
    (("drop", "type"), "type"),
    (("drop", "schema"), "drop_schema"),
    (("alter", "schema"), "alter_schema"),
    (("do",), "do"),
    (("set",), "set"),
    (("reset",), "reset"),
    (("select",), "select"),
    (("begin",), "begin"),
    (("start", "transaction"), "begin"),
    (("commit",), "commit"),
    (("end",), "commit"),
    (("rollback",), "rollback"),
    (("abort",), "rollback"),
    (("call",), "call"),
)

# Statements that change no table, column, key or index: skipped quietly.
HARMLESS: tuple[tuple[str, ...], ...] = (
    # data and queries
    ("insert",),
    ("update",),
    ("delete",),
    ("merge",),
    ("copy",),
    ("values",),
    ("with",),
    ("table",),
    ("truncate",),
    ("explain",),
    ("show",),
    ("prepare",),
    ("execute",),
    ("deallocate",),
    ("declare",),
    ("fetch",),
    ("move",),
    ("close",),
    ("listen",),
    ("unlisten",),
    ("notify",),
    ("lock",),
    ("replace",),
    # transactions and maintenance
    ("savepoint",),
    ("release",),
    ("analyze",),
    ("analyse",),
    ("vacuum",),
    ("cluster",),
    ("reindex",),
    ("checkpoint",),
    ("discard",),
    ("load",),
    ("refresh", "materialized", "view"),
    # privileges, roles, labels
    ("grant",),
    ("revoke",),
    ("security", "label"),
    ("reassign", "owned"),
    ("drop", "owned"),
    ("create", "role"),
    ("alter", "role"),
    ("drop", "role"),
    ("create", "user"),
    ("alter", "user"),
    ("drop", "user"),
    ("create", "group"),
    ("alter", "group"),
    ("drop", "group"),
    ("create", "policy"),
    ("alter", "policy"),
    ("drop", "policy"),
    ("alter", "default", "privileges"),
    ("create", "user", "mapping"),
    ("alter", "user", "mapping"),
    ("drop", "user", "mapping"),
    # objects that are not tables (their columns are not the linter's business)
    *(
        (verb, noun)
        for verb in ("create", "alter", "drop")
        for noun in (
            "database",
            "extension",
            "type",
            "domain",
            "function",
            "procedure",
            "aggregate",
            "operator",
            "trigger",
            "constraint",
            "rule",
            "publication",
            "subscription",
            "collation",
            "conversion",
            "cast",
            "language",
            "tablespace",
            "server",
            "statistics",
            "transform",
            "routine",
            "event",
            "foreign",
            "text",
            "access",
            "trusted",
            "procedural",
        )
    ),
    ("alter", "sequence"),
    ("alter", "view"),
    ("alter", "materialized", "view"),
    ("alter", "large", "object"),
    ("alter", "system"),
    ("create", "default", "conversion"),
    ("import", "foreign", "schema"),
    ("comment", "on"),
    # MySQL and SQLite session statements
    ("use",),
    ("pragma",),
    ("unlock", "tables"),
    ("attach",),
    ("detach",),
)

# Words PostgreSQL allows between CREATE and the object kind.
_CREATE_MODIFIERS = frozenset(("or", "replace", "unlogged", "global", "local"))


def statement_kind(head: list[str]) -> str | None:
    """What a statement does, from its first words: an APPLIED kind, "harmless", "temporary"
    (a session-local object: never part of the schema), or None (unknown: SL402)."""
    if head[:1] == ["create"]:
        if any(w in ("temp", "temporary") for w in head[1:4]):
            return "temporary"
        rest = head[1:]
        while rest and rest[0] in _CREATE_MODIFIERS:
            rest = rest[1:]
        head = ["create", *rest]
    for words, kind in APPLIED:
        if tuple(head[: len(words)]) == words:
            return kind
    for words in HARMLESS:
        if tuple(head[: len(words)]) == words:
            return "harmless"
    return None


# ------------------------------------------------------------------ search_path

_SEARCH_PATH_SET = re.compile(
    r"^set\s+(?:(session|local)\s+)?(?:search_path\s*(?:to|=)\s*(?P<value>.*)|schema\s+(?P<schema>.*))$",
    re.IGNORECASE | re.DOTALL,
)
_RESET = re.compile(r"^reset\s+(search_path|all)\s*$", re.IGNORECASE)
_SET_CONFIG = re.compile(
    r"^select\s+(?:pg_catalog\s*\.\s*)?set_config\s*\(\s*'search_path'\s*,\s*'(?P<value>(?:[^']|'')*)'\s*,\s*"
    r"(?P<local>true|false)\s*\)\s*(?:as\s+\w+\s*)?$",
    re.IGNORECASE | re.DOTALL,
)
_MENTIONS_SEARCH_PATH = re.compile(r"search_path", re.IGNORECASE)
_ITEM = re.compile(r'\s*(?:"(?P<quoted>(?:[^"]|"")*)"|\'(?P<string>(?:[^\']|\'\')*)\'|(?P<word>[^\s,"\']+))\s*(?:,|$)')


class UnreadablePath(ValueError):
    """A search_path value the reader cannot read statically."""


def search_path_change(text: str, kind: str) -> tuple[tuple[str, ...] | None, bool] | None:
    """For a SET / RESET / SELECT statement that changes search_path: (the new path, or None
    for the default; whether it is LOCAL). None when the statement leaves search_path alone.
    Raises UnreadablePath for a change the reader cannot follow."""
    text = text.strip()
    if kind == "reset":
        return (None, False) if _RESET.match(text) else None
    if kind == "set":
        match = _SEARCH_PATH_SET.match(text)
        if match is None:
            if _MENTIONS_SEARCH_PATH.search(text.split("=")[0].split(" to ")[0]):
                raise UnreadablePath("SET search_path with a value the reader cannot read")
            return None
        local = (match.group(1) or "").lower() == "local"
        if match.group("schema") is not None:
            return _set_items(match.group("schema")), local
        value = match.group("value").strip()
        if value.lower() == "default":
            return None, local
        if value.lower() == "from current":
            raise UnreadablePath("SET search_path FROM CURRENT")
        return _set_items(value), local
    if kind == "select":
        if not _MENTIONS_SEARCH_PATH.search(text):
            return None
        match = _SET_CONFIG.match(text)
        if match is None:
            raise UnreadablePath("a set_config('search_path', ...) call the reader cannot read")
        return _list_items(match.group("value").replace("''", "'")), match.group("local").lower() == "true"
    return None


def _set_items(value: str) -> tuple[str, ...]:
    """`SET search_path TO a, "B", 'c d'`: identifiers fold to lower case, quoted names and
    string literals are kept as written (each literal is one schema name)."""
    items = []
    i = 0
    value = value.strip()
    while i < len(value):
        match = _ITEM.match(value, i)
        if match is None or match.end() == i:
            raise UnreadablePath(f"SET search_path value {value!r}")
        if match.group("quoted") is not None:
            items.append(match.group("quoted").replace('""', '"'))
        elif match.group("string") is not None:
            items.append(match.group("string").replace("''", "'"))
        else:
            items.append(match.group("word").lower())
        i = match.end()
    return tuple(items)


def _list_items(value: str) -> tuple[str, ...]:
    """set_config's value is a list string (SplitIdentifierString): `a, "B"`."""
    if not value.strip():
        return ()
    items = []
    for piece in _split_list(value):
        piece = piece.strip()
        if piece.startswith('"') and piece.endswith('"') and len(piece) >= 2:
            items.append(piece[1:-1].replace('""', '"'))
        elif piece and '"' not in piece:
            items.append(piece.lower())
        else:
            raise UnreadablePath(f"search_path list {value!r}")
    return tuple(items)


def _split_list(value: str) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return pieces

"""Connecting to a live PostgreSQL with psycopg 3, an optional extra.

psycopg is imported here only, and only when a database is read: a `check` of files never
imports it. Every failure becomes a `DatabaseError` with one line that says what went wrong
and never contains the password (libpq echoes parts of a malformed connection string).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

INSTALL_HINT = "reading a database needs psycopg 3: pip install 'schemalint[postgres]'"
CONNECT_TIMEOUT = 10
"""Seconds to wait for the server to answer at all."""


class DatabaseError(Exception):
    """The database cannot be read as asked; the message is one line without the password."""


# `postgresql://user:secret@host`, `password=secret`, `password='se cret'`.
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)([^@\s]*)(@)")
_KEY_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.I)


def secrets_of(conninfo: str) -> list[str]:
    """The passwords written in `conninfo` (URL or key=value form), to keep out of messages."""
    found = [m.group(2) for m in _URL_PASSWORD.finditer(conninfo)]
    found += [m.group(2).strip("'") for m in _KEY_PASSWORD.finditer(conninfo)]
    return [s for s in found if s]


def redact(text: str, conninfo: str) -> str:
    text = _KEY_PASSWORD.sub(r"\1****", _URL_PASSWORD.sub(r"\1****\3", text))
    for secret in sorted(secrets_of(conninfo), key=len, reverse=True):
        text = text.replace(secret, "****")
    return text


def one_line(text: str) -> str:
    return "; ".join(part.strip() for part in text.splitlines() if part.strip())


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise DatabaseError(INSTALL_HINT) from None
    return psycopg


@contextmanager
def read_only_session(conninfo: str, timeout_seconds: float) -> Iterator[Any]:
    """A connection inside one READ ONLY transaction whose statements time out after
    `timeout_seconds`; rolled back at the end (there is nothing to commit). Empty parts of
    `conninfo` come from libpq's PG* variables and ~/.pgpass."""
    psycopg = _psycopg()
    try:
        conn = psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to the database: {redact(one_line(str(exc)), conninfo)}") from None
    try:
        conn.execute("BEGIN TRANSACTION READ ONLY ISOLATION LEVEL REPEATABLE READ")
        conn.execute("SELECT set_config('statement_timeout', %s, true)", (f"{int(timeout_seconds * 1000)}ms",))
        yield conn
    except psycopg.errors.QueryCanceled:
        raise DatabaseError(
            f"reading the database catalog took longer than {timeout_seconds:g}s (statement timeout); "
            "raise `database-timeout` or try when the server is less busy"
        ) from None
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot read the database catalog: {redact(one_line(str(exc)), conninfo)}") from None
    finally:
        try:
            conn.execute("ROLLBACK")
        except psycopg.Error:
            pass
        conn.close()

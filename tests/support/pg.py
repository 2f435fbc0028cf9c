"""A throwaway PostgreSQL server for the test session.

`start_server()` initdb's a cluster in a temporary directory, starts it on a free loopback
port (Unix socket in the same directory) and returns a `PgServer`; `PgServer.stop()` stops it
and deletes the directory. PostgreSQL refuses to run as root, so when the tests run as root
the data directory is owned by, and every server command runs as, the `postgres` OS user.
Authentication is `trust` on loopback only: the cluster lives for one test session.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SERVER_USER = "postgres"
"""Both the OS user that owns the cluster (when we are root) and the database superuser."""

_DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl (or PG_BIN_DIR)."""
    override = os.environ.get("PG_BIN_DIR")
    candidates = [override] if override else glob.glob("/usr/lib/postgresql/*/bin")
    usable = [Path(c) for c in candidates if (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists()]
    if not usable:
        where = override or "/usr/lib/postgresql/*/bin"
        raise PostgresUnavailable(f"no PostgreSQL server binaries (initdb, pg_ctl) in {where}")
    return max(usable, key=_version_key)


def _version_key(bin_dir: Path) -> tuple[int, ...]:
    version = bin_dir.parent.name
    return tuple(int(part) for part in re.findall(r"\d+", version)) or (0,)


def free_port() -> int:
    """A loopback port nobody listens on right now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PgServer:
    """A running cluster. Connect with `dsn(name)`; `create_database(name)` makes a fresh one."""

    bin_dir: Path
    base_dir: Path
    port: int
    host: str = "127.0.0.1"
    user: str = SERVER_USER
    _created: set[str] = field(default_factory=set)

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base_dir / "socket"

    def dsn(self, name: str = "postgres") -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={name}"

    def url(self, name: str = "postgres") -> str:
        """The same connection as a SQLAlchemy URL (psycopg 3 driver)."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        """Create an empty database (dropping a leftover of the same name) and return its DSN."""
        if not _DATABASE_NAME.match(name):
            raise ValueError(f"database name must be a lowercase identifier, got {name!r}")
        import psycopg  # a test dependency: imported only when a test needs a database

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        self._created.add(name)
        return self.dsn(name)

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            _run_as_server_user([str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "fast", "-w"])
        shutil.rmtree(self.base_dir, ignore_errors=True)


def _memory_backed_tmp() -> str | None:
    """/dev/shm when there is one: each database is ~300 files, and a session creates many; on
    a busy disk deleting the cluster took up to 90 s, in memory it takes well under one."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def start_server() -> PgServer:
    """initdb + pg_ctl start; raises PostgresUnavailable without binaries, RuntimeError on failure."""
    bin_dir = find_bin_dir()
    base_dir = Path(tempfile.mkdtemp(prefix="schemalint-pg-", dir=_memory_backed_tmp()))
    server = PgServer(bin_dir=bin_dir, base_dir=base_dir, port=free_port())
    try:
        server.socket_dir.mkdir()
        _hand_to_server_user(base_dir)
        _run_as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(server.data_dir),
                "-A",
                "trust",
                "-U",
                SERVER_USER,
                "--no-sync",
                "-E",
                "UTF8",
                "--locale",
                "C",
            ]
        )
        _start_on_a_free_port(server)
    except Exception:
        log = base_dir / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        server.stop()
        raise RuntimeError(f"could not start PostgreSQL in {base_dir}\n{detail}") from None
    return server


def _start_on_a_free_port(server: PgServer, attempts: int = 3) -> None:
    """pg_ctl start; another process may take the free port first, so retry on a new one."""
    for attempt in range(attempts):
        options = (
            f"-p {server.port} -k {server.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
        )
        try:
            _run_as_server_user(
                [
                    str(server.bin_dir / "pg_ctl"),
                    "start",
                    "-D",
                    str(server.data_dir),
                    "-w",
                    "-t",
                    "60",
                    "-l",
                    str(server.base_dir / "server.log"),
                    "-o",
                    options,
                ]
            )
            return
        except RuntimeError:
            if attempt == attempts - 1 or (server.data_dir / "postmaster.pid").exists():
                raise
            server.port = free_port()


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _hand_to_server_user(path: Path) -> None:
    """PostgreSQL will not run as root: give the cluster directory to the postgres user."""
    if not _running_as_root():
        return
    for directory in (path, path / "socket"):
        shutil.chown(directory, user=SERVER_USER, group=None)
    # mkdtemp makes the directory 0700; the server user must be able to enter it.
    path.chmod(0o700)


def _run_as_server_user(argv: list[str]) -> None:
    if _running_as_root():
        argv = ["runuser", "-u", SERVER_USER, "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, cwd="/")
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")

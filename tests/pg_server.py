"""A real PostgreSQL server for tests: ``initdb`` and ``pg_ctl`` on a temporary directory,
listening on a random loopback port, gone when the test session ends.

PostgreSQL refuses to run as root, so a root process (CI) makes and runs the cluster as the
``postgres`` system user that the Debian package creates. Tuned for tests, not for data:
fsync and synchronous commit are off, since the directory is thrown away (``durable=True``
keeps PostgreSQL's defaults: the bench's notebook rows use that).
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path
from types import TracebackType

from cockpit.store import Notebook
from cockpit.store.notebook import NotebookIntegrityError

INSTALL_HINT = "apt-get install postgresql"
ADMIN = "cockpit_admin"  # the superuser of the throw-away cluster, never a cockpit's role
ADMIN_PASSWORD = "admin-only-in-tests"
_BIN_DIRS = "/usr/lib/postgresql"
_SYSTEM_USER = "postgres"
_START_ATTEMPTS = 3


class PgServerError(Exception):
    """The test cluster could not be made or started; ``str()`` says why and what to do."""


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian keeps initdb off PATH)."""
    root = Path(_BIN_DIRS)
    found = []
    if root.is_dir():
        for version in root.iterdir():
            bin_dir = version / "bin"
            if (bin_dir / "initdb").is_file() and (bin_dir / "pg_ctl").is_file():
                found.append((_version_key(version.name), bin_dir))
    if found:
        return max(found)[1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(p) for p in name.split(".") if p.isdigit())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PgServer:
    """One running cluster. ``url`` connects as the cluster's superuser over TCP on
    loopback; ``database(name)`` makes an empty database and gives its URL."""

    def __init__(self, bin_dir: Path | None = None, *, durable: bool = False) -> None:
        found = bin_dir or find_bin_dir()
        if found is None:
            raise PgServerError(f"PostgreSQL is not installed ({INSTALL_HINT})")
        self.bin_dir = found
        self.root = Path(tempfile.mkdtemp(prefix="cockpit-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._as_root = os.geteuid() == 0
        self._running = False
        self._made = 0  # databases named by database()
        # A durable cluster syncs its commits to disk like a real server (the bench's
        # figures); the tests' cluster does not, since its directory is thrown away.
        self.durable = durable

    @property
    def url(self) -> str:
        return f"postgresql://{ADMIN}:{ADMIN_PASSWORD}@127.0.0.1:{self.port}/postgres"

    def start(self) -> PgServer:
        if self._as_root:
            shutil.chown(self.root, _SYSTEM_USER, _SYSTEM_USER)
        os.chmod(self.root, 0o700)
        # Passwords over TCP (scram), as on a real server, so tests can check where a
        # cockpit's password comes from; the admin's is in its URL.
        pwfile = self.root / "admin.pw"
        pwfile.write_text(ADMIN_PASSWORD + "\n")
        if self._as_root:
            shutil.chown(pwfile, _SYSTEM_USER, _SYSTEM_USER)
        self._run(
            "initdb", "-D", str(self.data), "-U", ADMIN, f"--pwfile={pwfile}",
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C",
            "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        for attempt in range(_START_ATTEMPTS):
            # Another process may take the port between the probe and the server's bind.
            self.port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} "
                f"-c unix_socket_directories={self.root}"
            )
            if not self.durable:
                options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            try:
                self._run(
                    "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                    "-o", options, "start",
                )  # fmt: skip
            except PgServerError:
                if attempt == _START_ATTEMPTS - 1:
                    raise
                continue
            self._running = True
            return self
        raise PgServerError("unreachable")  # pragma: no cover

    def database(self, name: str | None = None) -> str:
        """Create an empty database ``name`` (letters, digits, _; default a new
        ``notebook_N``) and return its URL; ``database_name(url)`` gives the name back."""
        if name is None:
            self._made += 1
            name = f"notebook_{self._made}"
        if not name.replace("_", "").isalnum():
            raise ValueError(f"database name {name!r}: letters, digits and _ only")
        self.psql(f"CREATE DATABASE {name}")
        return f"postgresql://{ADMIN}:{ADMIN_PASSWORD}@127.0.0.1:{self.port}/{name}"

    @staticmethod
    def database_name(url: str) -> str:
        return url.rsplit("/", 1)[1]

    def role(self, name: str, password: str, database: str, *, read_only: bool = False) -> str:
        """A login role for a cockpit, with the grants docs/team-notebook.md lists: the
        owner of ``database``'s schema (it runs the migrations), or, ``read_only``, SELECT
        on every table. Its URL, without the password."""
        self.psql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
        if read_only:
            for sql in (
                f"GRANT CONNECT ON DATABASE {database} TO {name}",
                f"GRANT USAGE ON SCHEMA public TO {name}",
                f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {name}",
            ):
                self.psql(sql, database)
        else:
            self.psql(f"GRANT CONNECT ON DATABASE {database} TO {name}")
            self.psql(f"ALTER SCHEMA public OWNER TO {name}", database)
        return f"postgresql://{name}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run one statement through psql as the superuser; its output, unaligned."""
        return self._run(
            "psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", str(self.root),
            "-p", str(self.port), "-U", ADMIN, "-d", database, "-c", sql,
        )  # fmt: skip

    def stop(self) -> None:
        if self._running:
            self._running = False
            with suppress(PgServerError):  # already gone; the directory goes anyway
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> str:
        command = [str(self.bin_dir / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", _SYSTEM_USER, "--", *command]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, cwd=self.root, check=False
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PgServerError(
                f"{tool} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
                + (f"\nserver log:\n{log}" if log else "")
            )
        return done.stdout

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def integrity_error(notebook: Notebook) -> type[Exception]:
    """What ``notebook``'s backend raises when a constraint or trigger refuses a write."""
    return sqlite3.IntegrityError if notebook.backend == "sqlite" else NotebookIntegrityError


def table_definition(notebook: Notebook, table: str) -> str:
    """The text of ``table``'s definition (columns and CHECK constraints), either backend."""
    if notebook.backend == "sqlite":
        row = notebook.connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
        return str(row[0])
    rows = notebook.connection.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ?::regclass",
        (table,),
    ).fetchall()
    return "\n".join(str(r[0]) for r in rows)

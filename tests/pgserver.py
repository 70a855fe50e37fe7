"""A throwaway PostgreSQL server for the tests, from the machine's own PostgreSQL.

One server per test session (``initdb`` into a temporary folder, then
``postgres`` listening on a unix socket in that folder only, no TCP port), and
a fresh database per test, dropped afterwards. Durability is switched off
(``fsync``, ``synchronous_commit``, ``full_page_writes``): what the tests
check is what PostgreSQL guarantees to every client whatever the disk does,
and a throwaway server has nothing to protect.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs
as Debian's unprivileged ``postgres`` user (created by the ``postgresql``
package), or ``nobody`` where there is none. The server is started with a
parent-death signal, so even a test run killed with SIGKILL leaves no server
behind (its folder is removed by a later run).

Without PostgreSQL or psycopg the tests that need the server skip, saying which
is missing.
"""

from __future__ import annotations

import ctypes
import glob
import itertools
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["PostgresServer", "unavailable_reason", "find_bindir"]

_START_TIMEOUT = 60.0
_PR_SET_PDEATHSIG = 1

# Settings for a server whose data does not matter and whose clients are tests.
_DURABILITY_OFF = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "'32MB'",
    # Client-side timing tests must not be disturbed by the checkpointer.
    "checkpoint_timeout": "'30min'",
}
_SETTINGS = {
    "listen_addresses": "''",
    "max_connections": "200",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
}


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path))


def find_bindir() -> Path | None:
    """The folder with ``initdb`` and ``postgres``: ``$PERFTUI_PG_BINDIR``, PATH, or Debian's place."""
    explicit = os.environ.get("PERFTUI_PG_BINDIR")
    if explicit:
        return Path(explicit)
    on_path = shutil.which("initdb")
    if on_path:
        return Path(os.path.realpath(on_path)).parent
    # Debian keeps the server programs off PATH, one folder per major version.
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    return Path(found[-1]).parent if found else None


def unavailable_reason() -> str | None:
    """Why the PostgreSQL tests cannot run here, or None when they can."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]' brings it)"
    bindir = find_bindir()
    if bindir is None or not (bindir / "postgres").exists():
        return "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin; apt-get install postgresql)"
    return None


def _server_account() -> pwd.struct_passwd | None:
    """The unprivileged account the server runs as, or None to run as ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    for name in (os.environ.get("PERFTUI_PG_USER"), "postgres", "nobody"):
        if not name:
            continue
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, and there is neither a 'postgres' nor a 'nobody' account to run PostgreSQL as")


def _remove_dead_servers(older_than: float = 3600.0) -> None:
    """Folders of servers whose test run was killed: no postmaster.pid, untouched for an hour."""
    now = time.time()
    for folder in glob.glob(os.path.join(tempfile.gettempdir(), "perftui-pg-*")):
        try:
            if now - os.stat(folder).st_mtime < older_than or os.path.exists(os.path.join(folder, "data", "postmaster.pid")):
                continue
        except OSError:
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _die_with_parent() -> None:
    # Runs in the child after it switched user, so the setting survives the
    # switch (a change of user clears it) and the exec of postgres.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGQUIT)


class PostgresServer:
    """One running server; :meth:`create_database` hands out fresh databases."""

    def __init__(self, bindir: Path | None = None, *, durable: bool = False) -> None:
        """``durable``: keep PostgreSQL's own defaults (fsync on), for benchmarks that time commits."""
        self.durable = durable
        _remove_dead_servers()
        bindir = bindir or find_bindir()
        if bindir is None:
            raise RuntimeError(unavailable_reason() or "PostgreSQL not found")
        self.bindir = bindir
        self.account = _server_account()
        # In /tmp itself, not pytest's private temp folder: the server's
        # account must be able to reach it, and a socket path must stay short.
        self.root = Path(tempfile.mkdtemp(prefix="perftui-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.superuser = "postgres"
        self._process: subprocess.Popen[bytes] | None = None
        self._names = itertools.count(1)
        self._templates: dict[str, str] = {}

    # -- running as the server's account ------------------------------------

    def _as_server(self) -> dict[str, object]:
        if self.account is None:
            return {}
        return {"user": self.account.pw_uid, "group": self.account.pw_gid, "extra_groups": []}

    def _env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env["LC_ALL"] = "C"
        if self.account is not None:
            env["HOME"] = str(self.root)
            env["USER"] = env["LOGNAME"] = self.account.pw_name
        return env

    def start(self) -> PostgresServer:
        if self.account is not None:
            os.chown(self.root, self.account.pw_uid, self.account.pw_gid)
        os.chmod(self.root, 0o700)
        result = subprocess.run(
            [
                str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.superuser,
                "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions",
            ],
            cwd=self.root, env=self._env(), capture_output=True, text=True, **self._as_server(),  # type: ignore[arg-type]
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr.strip() or result.stdout.strip()}")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# perftui tests\n")
            conf.write(f"unix_socket_directories = '{self.root}'\n")
            settings = _SETTINGS if self.durable else _SETTINGS | _DURABILITY_OFF
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")
        log = open(self.log, "ab")
        if self.account is not None:
            os.chown(self.log, self.account.pw_uid, self.account.pw_gid)
        self._process = subprocess.Popen(
            [str(self.bindir / "postgres"), "-D", str(self.data)],
            cwd=self.root, env=self._env(), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent, **self._as_server(),  # type: ignore[arg-type]
        )
        log.close()
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited at start: {self.log_tail()}")
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=5).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not accept connections in {_START_TIMEOUT:g} s: {self.log_tail()}")
                time.sleep(0.02)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # immediate shutdown: nothing here is worth keeping
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    # -- databases -----------------------------------------------------------

    def url(self, database: str, user: str | None = None) -> str:
        """A libpq URL for ``database`` on this server's socket."""
        return f"postgresql://{user or self.superuser}@/{database}?host={self.root}"

    def admin(self):
        """An autocommit superuser connection to the maintenance database (close it)."""
        import psycopg

        return psycopg.connect(self.url("postgres"), autocommit=True)

    def create_database(self, prefix: str = "test", *, template: str = "template0") -> str:
        """A new database, a copy of ``template`` (empty by default); returns its name."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        with self.admin() as conn:
            # From PostgreSQL 15 on, the default strategy logs every page of
            # the template to the WAL: ten times slower for a small database.
            version = int(conn.execute("SHOW server_version_num").fetchone()[0])
            strategy = " STRATEGY file_copy" if version >= 150000 else ""
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{strategy}')
        return name

    def prepared_database(self, key: str, prepare: Callable[[str], None]) -> str:
        """A new database set up as ``prepare(url)`` sets one up: run once per ``key``, then copied."""
        template = self._templates.get(key)
        if template is None:
            template = self.create_database("template")
            prepare(self.url(template))
            # Copying needs the template to have no connections left.
            with self.admin() as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    (template,),
                )
            self._templates[key] = template
        return self.create_database(template=template)

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

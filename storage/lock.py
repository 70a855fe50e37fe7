"""An inter-process write lock beside the database file.

Several operators' processes write one file. Atomic replacement keeps
the file whole, but two read-modify-write cycles running at once would still
lose one of the changes; the lock makes them take turns.

The lock is ``fcntl.flock`` on a sidecar ``<db>.lock`` rather than on the
database itself, because every save replaces the database with a new inode:
a lock held on the old inode would not stop a process that opened the new
one. The sidecar is never replaced or deleted, so everyone locks the same
inode. flock locks belong to an open file description, so two threads that
each use their own :class:`FileLock` exclude each other just like two
processes do; and the kernel drops the lock when its holder dies, even by
SIGKILL, so a crashed writer cannot wedge the others.

The holder writes who it is into the lock file (pid, user, host, since when),
so that a writer that times out can say who it waited for. The lock file must
never be deleted while in use: a writer that locked the deleted file and one
that locked its replacement would both think they hold the lock. Writes
therefore also check, right before they replace the database, that their
lock is still the lock file's (:meth:`FileLock.still_held`) and that the
database is still the file they read (see ``storage.atomic``).
"""

from __future__ import annotations

import errno
import fcntl
import os
import pwd
import time
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType


from .errors import LockTimeoutError, StorageWriteError
from .permissions import new_file_mode

__all__ = ["FileLock", "LockHolder", "lock_path_for", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 10.0
# Short enough that a waiting operator does not notice, long enough that
# eight waiting processes do not spin a CPU.
POLL_INTERVAL = 0.01


def lock_path_for(db_path: str | os.PathLike[str]) -> str:
    """The sidecar lock file for a database file."""
    return os.fspath(db_path) + ".lock"


def _user_name() -> str:
    # The effective uid's account, not $USER or $LOGNAME: anyone can set those.
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds a lock, as its holder wrote it into the lock file."""

    pid: int
    user: str
    host: str
    since: str  # local time, ISO 8601, seconds

    @classmethod
    def me(cls) -> LockHolder:
        import socket  # here: a process that only reads (a lookup) takes no lock

        return cls(os.getpid(), _user_name(), socket.gethostname(), datetime.now().astimezone().isoformat(timespec="seconds"))

    def encode(self) -> bytes:
        import orjson  # here: a lookup takes no lock, and need not load orjson for it

        return orjson.dumps({"pid": self.pid, "user": self.user, "host": self.host, "since": self.since}) + b"\n"

    @classmethod
    def decode(cls, raw: bytes) -> LockHolder | None:
        import orjson

        try:
            record = orjson.loads(raw)
            holder = cls(int(record["pid"]), str(record["user"]), str(record["host"]), str(record["since"]))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None
        # Text from a file others can write: keep it short and printable.
        if not all(_printable(text) for text in (holder.user, holder.host, holder.since)):
            return None
        return holder

    def describe(self) -> str:
        return f"{self.user} (pid {self.pid} on {self.host}, since {self.since})"


def _printable(text: str) -> bool:
    return len(text) <= 256 and text.isprintable()


def read_holder(path: str | os.PathLike[str]) -> LockHolder | None:
    """Who holds the lock at ``path`` now, when its holder said so and is alive; else None."""
    try:
        with open(path, "rb") as handle:
            holder = LockHolder.decode(handle.read(4096))
    except OSError:
        return None
    import socket

    if holder is not None and holder.host == socket.gethostname():
        # A holder that died left its record behind (the kernel released its
        # flock, but nobody erased the text): only a living process holds anything.
        try:
            os.kill(holder.pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
    return holder


class FileLock:
    """One exclusive flock on one lock file, for one operation.

    Not re-entrant and not shared between threads: create one per
    transaction. Polls with ``LOCK_NB`` instead of blocking so that the wait
    is bounded by ``timeout`` and ends with an error the operator can read.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = DEFAULT_TIMEOUT,
        mode: int | None = None,
        poll_interval: float = POLL_INTERVAL,
        subject: str | os.PathLike[str] | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self.timeout = timeout
        self.mode = mode
        self.poll_interval = poll_interval
        # What the lock protects, named in errors instead of the lock file.
        self.subject = os.fspath(subject) if subject is not None else self.path
        self._fd: int | None = None
        self._writable = False

    @property
    def locked(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            raise RuntimeError(f"{self.path}: FileLock is not re-entrant")
        deadline = time.monotonic() + self.timeout
        while True:
            fd = self._open()
            try:
                if self._try_lock(fd) and self._still_current(fd):
                    self._fd = fd
                    self._sign(fd)
                    return
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LockTimeoutError(self.subject, self.timeout, read_holder(self.path), self.path)
            time.sleep(min(self.poll_interval, remaining))

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            if self._writable:
                # Nobody holds it now; a stale name would mislead the next waiter.
                try:
                    os.ftruncate(fd, 0)
                except OSError:
                    pass
            # Closing drops the flock; an explicit LOCK_UN first would add
            # nothing but a second system call that could fail.
            os.close(fd)

    def still_held(self) -> bool:
        """Is our lock still on the file at the lock path (not deleted or replaced meanwhile)?"""
        return self._fd is not None and self._still_current(self._fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def _sign(self, fd: int) -> None:
        if not self._writable:
            return
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, LockHolder.me().encode(), 0)
        except OSError:
            pass  # who holds the lock is a courtesy to waiters, not a condition of holding it

    def _open(self) -> int:
        # Read-write, to write who holds it; read-only is enough for flock,
        # and lets an operator who may read but not write the lock file
        # still take turns.
        flags = os.O_CLOEXEC
        try:
            try:
                fd = os.open(self.path, flags | os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                try:
                    fd = os.open(self.path, flags | os.O_RDWR)
                    self._writable = True
                except OSError as error:
                    if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                        raise
                    self._writable = False
                    fd = os.open(self.path, flags | os.O_RDONLY)
                return fd
        except OSError as error:
            raise StorageWriteError(self.path, error) from error
        self._writable = True
        # We created it: give it the same mode rule as the database, without
        # the umask getting in the way.
        try:
            mode = new_file_mode(os.path.dirname(os.path.abspath(self.path))) if self.mode is None else self.mode
            os.fchmod(fd, mode)
        except OSError:
            pass
        return fd

    @staticmethod
    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _still_current(self, fd: int) -> bool:
        # If someone deleted or replaced the lock file while we waited, our
        # lock is on an orphaned inode that others no longer contend for.
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (mine.st_dev, mine.st_ino) == (current.st_dev, current.st_ino)

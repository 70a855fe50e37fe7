"""An inter-process write lock beside the database file.

Several operators' perftui processes write one file. Atomic replacement keeps
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
"""

from __future__ import annotations

import fcntl
import os
import time
from types import TracebackType

from .errors import LockTimeoutError, StorageWriteError
from .permissions import new_file_mode

__all__ = ["FileLock", "lock_path_for", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 10.0
# Short enough that a waiting operator does not notice, long enough that
# eight waiting processes do not spin a CPU.
POLL_INTERVAL = 0.01


def lock_path_for(db_path: str | os.PathLike[str]) -> str:
    """The sidecar lock file for a database file."""
    return os.fspath(db_path) + ".lock"


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
    ) -> None:
        self.path = os.fspath(path)
        self.timeout = timeout
        self.mode = mode
        self.poll_interval = poll_interval
        self._fd: int | None = None

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
                    return
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LockTimeoutError(self.path, self.timeout)
            time.sleep(min(self.poll_interval, remaining))

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            # Closing drops the flock; an explicit LOCK_UN first would add
            # nothing but a second system call that could fail.
            os.close(fd)

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

    def _open(self) -> int:
        # Read-only is enough for flock, and lets an operator who may read but
        # not write the lock file still take turns.
        flags = os.O_RDONLY | os.O_CLOEXEC
        try:
            try:
                fd = os.open(self.path, flags | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return os.open(self.path, flags)
        except OSError as error:
            raise StorageWriteError(self.path, error) from error
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

"""Errors raised by the storage layer.

Every error is a :class:`StorageError` so the app can catch one class at its
boundary, and every message is a single line that names the file: operators
read these in a terminal status bar, and the path is what they need to act
(restore a backup, fix a permission, ask a colleague to finish saving).

Storage knows no application, so its messages name no program and no command:
each error keeps its facts in attributes (``path``, ``errno``, ``reason``,
``holder``...) and the application words them for its operators, in their
language, with its own commands.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = [
    "StorageError",
    "DamagedFileError",
    "NewerSchemaError",
    "LockTimeoutError",
    "ConflictError",
    "ReadOnlyError",
    "StorageWriteError",
    "StorageReadError",
    "StaleWriteError",
    "BackupError",
]


def _one_line(text: str) -> str:
    # OS and JSON messages sometimes carry newlines; a status bar shows one line.
    return " ".join(str(text).split())


class StorageError(Exception):
    """Base class: something about the database file prevented the operation.

    ``path`` is kept separately from the message so callers can offer actions
    on the file (open the backup list, show permissions) without parsing text.
    """

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        self.path = os.fspath(path)
        super().__init__(_one_line(message))

    def __str__(self) -> str:
        return str(self.args[0])


class DamagedFileError(StorageError):
    """The file exists but is not a database we can trust.

    Raised instead of "starting fresh" because overwriting a damaged file
    would destroy the evidence and the data an operator could still recover.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.reason = _one_line(reason)
        super().__init__(
            path,
            f"Database file {os.fspath(path)} is damaged ({self.reason}); nothing was written to it.",
        )


class NewerSchemaError(DamagedFileError):
    """The file was written by a newer version of the application than this one.

    A subclass of :class:`DamagedFileError` because the consequence is the
    same (we must not write), but the remedy differs: upgrade, not restore.
    """

    def __init__(self, path: str | os.PathLike[str], found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        StorageError.__init__(
            self,
            path,
            f"Database file {os.fspath(path)} uses schema {found}, but this version "
            f"only understands schema {supported}; nothing was written to it.",
        )
        self.reason = f"newer schema {found}"


class LockTimeoutError(StorageError):
    """Another process held the write lock for longer than we were willing to wait.

    ``path`` is the database, not the lock file: naming the lock file invites
    deleting it, which is how two writers end up writing at once. ``holder``
    (a :class:`storage.lock.LockHolder`, or None when it could not be read)
    says who is writing: pid, user, host and since when.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        timeout: float,
        holder: Any = None,
        lock_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.timeout = timeout
        self.holder = holder
        self.lock_path = os.fspath(lock_path) if lock_path is not None else None
        who = f"; it is held by {holder.describe()}" if holder is not None else "; another process is writing"
        super().__init__(
            path,
            f"Timed out after {timeout:g} s waiting to write {os.fspath(path)}{who}. Try again in a moment.",
        )


class ConflictError(StorageError):
    """The stored document is not the one the caller based its change on.

    ``current`` is the stored document now (``None`` if it was deleted), so
    the UI can show the operator what the other side changed instead of
    silently discarding either version.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        table: str,
        doc_id: str,
        current: dict[str, Any] | None,
        message: str,
    ) -> None:
        self.table = table
        self.doc_id = doc_id
        self.current = current
        super().__init__(path, message)


class ReadOnlyError(StorageError):
    """The store was opened read-only, so no transaction may start."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(path, f"Database file {os.fspath(path)} is open read-only; nothing was written.")


class StorageWriteError(StorageError):
    """The operating system refused the write (disk full, read-only folder, permissions...).

    Unless ``unchanged`` is false, the previous file is untouched; ``errno`` is kept so the UI can
    phrase advice (e.g. "disk full") without string matching.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        error: BaseException | str,
        *,
        unchanged: bool = True,
    ) -> None:
        self.errno: int | None = getattr(error, "errno", None)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        outcome = (
            "nothing was changed"
            if unchanged
            # Only after os.replace succeeded: the new data is in place but
            # may not survive a power cut, and the operator should know.
            else "the new version is in place but may not be safely on disk"
        )
        super().__init__(path, f"Could not write {os.fspath(path)}: {reason}; {outcome}.")


class StorageReadError(StorageError):
    """The operating system refused to read the database or its backups (permissions, a path through a file...).

    ``errno`` is kept so the application can phrase advice without string matching.
    """

    def __init__(self, path: str | os.PathLike[str], error: OSError) -> None:
        self.errno: int | None = error.errno
        reason = error.strerror or str(error)
        super().__init__(path, f"Cannot read {os.fspath(path)}: {reason}.")


class StaleWriteError(StorageError):
    """The file was replaced after this write read it; the write was refused, nothing changed.

    Only possible when the write lock was broken (its file deleted while held,
    or a writer that does not lock): writing anyway would silently drop the
    other writer's committed change. The caller retries from a fresh read.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(
            path,
            f"Database file {os.fspath(path)} was replaced by another writer while this write was "
            "in progress; nothing was written. Read it again and retry.",
        )


class BackupError(StorageWriteError):
    """A backup could not be made or kept (``path`` names the backup folder or file).

    Raised by backup operations themselves. When the backup belonged to a
    write that went through anyway, it is not raised but reported in the
    transaction's ``warnings``: the change is committed, only its backup is missing.
    """

    def __init__(self, path: str | os.PathLike[str], error: BaseException | str) -> None:
        self.errno = getattr(error, "errno", None)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        StorageError.__init__(self, path, f"Could not keep a backup in {os.fspath(path)}: {reason}.")

"""Errors raised by the storage layer.

Every error is a :class:`StorageError` so the app can catch one class at its
boundary, and every message is a single line that names the file: operators
read these in a terminal status bar, and the path is what they need to act
(restore a backup, fix a permission, ask a colleague to close perftui).
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
            f"Database file {os.fspath(path)} is damaged ({self.reason}); "
            "nothing was written to it. Run `perftui backups` to restore a copy.",
        )


class NewerSchemaError(DamagedFileError):
    """The file was written by a newer perftui than this one.

    A subclass of :class:`DamagedFileError` because the consequence is the
    same (we must not write), but the remedy differs: upgrade, not restore.
    """

    def __init__(self, path: str | os.PathLike[str], found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        StorageError.__init__(
            self,
            path,
            f"Database file {os.fspath(path)} uses schema {found}, but this perftui "
            f"only understands schema {supported}; nothing was written to it. "
            "Upgrade perftui, or run `perftui backups` to restore an older copy.",
        )
        self.reason = f"newer schema {found}"


class LockTimeoutError(StorageError):
    """Another process held the write lock for longer than we were willing to wait."""

    def __init__(self, path: str | os.PathLike[str], timeout: float) -> None:
        self.timeout = timeout
        super().__init__(
            path,
            f"Timed out after {timeout:g} s waiting for the write lock {os.fspath(path)}; "
            "another perftui is saving. Try again in a moment.",
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

"""Backups of the database file, in a folder beside it: ``<db>.backups/``.

Why hard links: every save replaces the database with a new file
(:func:`storage.atomic.atomic_write`), so a hard link to the file about to be
replaced *is* a copy of the old version, made without reading or writing a
byte. That keeps the daily backup free even for a 25 MB database, and since
nothing ever writes the database in place, the linked version can never change
afterwards. Where the file system has no hard links (some network and FAT
mounts) we fall back to copying.

The one backup that must be a real copy is of the *current* file (see
:meth:`Backups.copy_current`): a link would share its inode, and whatever
damaged the live file in place (a truncation, an editor) would damage the
backup with it.

Backups are named ``YYYY-MM-DD_HH-MM-SS_<reason>.json`` (``_2``, ``_3`` on a
collision within one second), so ``ls`` sorts them by time and an operator can
tell at a glance what each one was taken before. Only names of that form are
ever listed or pruned: files an administrator puts in the folder are left alone.

Taking and pruning backups, and restoring one, must happen under the
database's write lock (the ``before_replace`` hook runs under it); only
:meth:`Backups.copy_current` is safe without it, because it never removes
anything but its own temporary file.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import time
import stat
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import fileformat
from .atomic import atomic_write, ensure_folder
from .errors import DamagedFileError, NewerSchemaError, StorageError, StorageWriteError
from .lock import DEFAULT_TIMEOUT, FileLock, lock_path_for
from .permissions import new_file_mode
from .store import DEFAULT_REVISIONED, JsonTransaction

__all__ = [
    "Backup",
    "Backups",
    "backup_folder",
    "DEFAULT_KEEP",
    "DAILY",
    "CREATED",
    "BEFORE_RESTORE",
]

DEFAULT_KEEP = 14

# Why a backup was taken: the last part of its name.
DAILY = "daily"  # before the first write of a day
CREATED = "created"  # the database as first written
BEFORE_RESTORE = "before-restore"  # the file a restore replaced

_NAME = re.compile(
    r"(?P<stamp>\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})_(?P<reason>[a-z][a-z0-9-]*?)(?:_(?P<serial>\d+))?\.json"
)
_STAMP = "%Y-%m-%d_%H-%M-%S"
_TEMP_SUFFIX = ".tmp"
# A copy still being written is younger than this; older temporary files were
# left by a process killed while copying and are removed when pruning.
_STALE_TEMP_SECONDS = 3600


def backup_folder(db_path: str | os.PathLike[str]) -> str:
    """The folder that holds the backups of ``db_path``."""
    return os.path.abspath(os.fspath(db_path)) + ".backups"


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file; ``taken_at`` is local time, from its name."""

    path: str
    taken_at: datetime
    reason: str
    serial: int = 1

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.taken_at, self.serial)

    @classmethod
    def parse(cls, folder: str, name: str) -> Backup | None:
        match = _NAME.fullmatch(name)
        if match is None:
            return None
        try:
            taken_at = datetime.strptime(match["stamp"], _STAMP)
        except ValueError:
            return None
        return cls(os.path.join(folder, name), taken_at, match["reason"], int(match["serial"] or 1))


class Backups:
    """The backups of one database file, and the rule for when to take one.

    Pass :meth:`before_replace` to :class:`storage.JsonFileStore` and a backup
    is taken before the first write of each day, and before any write made
    inside ``with backups.reason("import"):`` (in that thread).
    """

    def __init__(self, db_path: str | os.PathLike[str], *, keep: int = DEFAULT_KEEP) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self.db_path = os.path.abspath(os.fspath(db_path))
        self.folder = backup_folder(self.db_path)
        self.keep = keep
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.db_path!r}, keep={self.keep})"

    # -- listing -----------------------------------------------------------

    def list(self) -> list[Backup]:
        """The backups, newest first (empty when there is no folder yet)."""
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        except OSError as error:
            raise StorageError(self.folder, f"Cannot read the backup folder {self.folder}: {error.strerror}") from error
        found = [b for b in (Backup.parse(self.folder, name) for name in names) if b is not None]
        return sorted(found, key=lambda b: b.order, reverse=True)

    def taken_on(self, day: date) -> bool:
        return any(b.taken_at.date() == day for b in self.list())

    # -- taking ------------------------------------------------------------

    @contextmanager
    def reason(self, reason: str | None) -> Iterator[None]:
        """Writes in this block (in this thread) take a backup first, labelled ``reason``."""
        previous = getattr(self._local, "reason", None)
        self._local.reason = reason or previous
        try:
            yield
        finally:
            self._local.reason = previous

    def before_replace(self, path: str) -> None:
        """The ``before_replace`` hook: back up the file about to be replaced, if one is due.

        Runs under the write lock, after the new version is safely on disk and
        before the rename; raising here cancels the save, so a save never
        happens without the backup it was due.
        """
        try:
            reason = getattr(self._local, "reason", None)
            if reason is None and not self.taken_on(datetime.now().date()):
                reason = DAILY
            if reason is not None:
                self.take(reason, source=path)
        except StorageWriteError:
            raise
        except (StorageError, OSError) as error:
            # Reported as the failed write it causes, naming the backup folder.
            cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
            raise StorageWriteError(self.folder, cause) from error

    def take(self, reason: str, *, source: str | None = None, protect: frozenset[str] = frozenset()) -> Backup:
        """Keep the current version of the database (by hard link), then prune.

        The caller holds the write lock and will replace the file next (or has
        the lock and wants a snapshot of a file it is about to overwrite).
        """
        source = source or self.db_path
        self._ensure_folder()
        backup = self._new_name(reason, lambda target: _link_or_copy(source, target))
        self.prune(protect=protect | {backup.path})
        return backup

    def copy_current(self, reason: str = CREATED) -> Backup | None:
        """A real copy of the database as it is now (None if there is no file).

        Safe without the lock: the database is only ever replaced whole, so
        the file we open is one complete version, and we never prune here.
        """
        self._ensure_folder()
        try:
            return self._new_name(reason, lambda target: _copy(self.db_path, target))
        except StorageWriteError as error:
            if error.errno == errno.ENOENT:
                return None
            raise

    def prune(self, *, protect: frozenset[str] | set[str] = frozenset()) -> list[Backup]:
        """Remove the oldest backups beyond ``keep``; returns what was removed."""
        removed = []
        for backup in self.list()[self.keep :]:
            if backup.path in protect:
                continue
            try:
                os.unlink(backup.path)
            except FileNotFoundError:
                pass
            except OSError as error:
                raise StorageWriteError(backup.path, error) from error
            removed.append(backup)
        self._remove_stale_temp_files()
        return removed

    def _remove_stale_temp_files(self) -> None:
        try:
            names = [n for n in os.listdir(self.folder) if n.endswith(_TEMP_SUFFIX)]
        except OSError:
            return
        cutoff = time.time() - _STALE_TEMP_SECONDS
        for name in names:
            path = os.path.join(self.folder, name)
            try:
                if _NAME.match(name) and os.stat(path).st_mtime < cutoff:
                    os.unlink(path)
            except OSError:
                pass

    # -- restoring ---------------------------------------------------------

    def read(self, backup: Backup | str, *, revisioned: frozenset[str] = DEFAULT_REVISIONED) -> dict[str, Any]:
        """The parsed, validated content of a backup; raises :class:`DamagedFileError` if unusable."""
        path = backup.path if isinstance(backup, Backup) else os.fspath(backup)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as error:
            raise StorageError(path, f"Cannot read backup {path}: {error.strerror or error}") from error
        try:
            data = fileformat.decode(raw)
            fileformat.check(data, revisioned)
        except fileformat.NewerSchema as problem:
            raise NewerSchemaError(path, problem.found, fileformat.SCHEMA) from problem
        except fileformat.FormatProblem as problem:
            raise DamagedFileError(path, problem.reason) from problem
        result: dict[str, Any] = data
        return result

    def restore(
        self,
        backup: Backup,
        *,
        lock_timeout: float = DEFAULT_TIMEOUT,
        revisioned: frozenset[str] = DEFAULT_REVISIONED,
        log: Callable[[Backup | None], tuple[str, Mapping[str, Any]]] | None = None,
        check: Callable[[dict[str, Any]], None] | None = None,
    ) -> Backup | None:
        """Make ``backup`` the database again, in one atomic write under the write lock.

        The current file, damaged or not, is kept first as a backup
        (``before-restore``; returned, None if there was no file), because a
        restore is a change like any other and must be undoable. ``log(kept)``
        gives ``(table, entry)`` to append to a log table of the restored data
        in the same write (the history's note of the restore); ``check(data)``
        may raise to refuse a backup the application cannot use. Works when
        the current database is damaged: that is when it is needed.
        """
        with FileLock(lock_path_for(self.db_path), timeout=lock_timeout):
            data = self.read(backup, revisioned=revisioned)
            if check is not None:
                check(data)
            kept = None
            if os.path.lexists(self.db_path):
                kept = self.take(BEFORE_RESTORE, protect=frozenset({backup.path}))
            try:
                if log is not None:
                    table, entry = log(kept)
                    tx = JsonTransaction(self.db_path, data, revisioned)
                    tx.append(table, entry)
                    data = tx.data
                    tx.close()
                data[fileformat.META_TABLE] = fileformat.meta_table()
                fileformat.check(data, revisioned)
                atomic_write(self.db_path, fileformat.encode(data))
            except BaseException:
                # Not replaced: the link would share the live file's inode, and
                # damage to the live file in place would reach the backup too.
                if kept is not None:
                    _remove_quietly(kept.path)
                raise
        return kept

    # -- helpers -----------------------------------------------------------

    def _ensure_folder(self) -> None:
        """Create the folder private (0700), or group-shared (2770) in a setgid folder."""
        if os.path.isdir(self.folder):
            return
        ensure_folder(self.db_path)
        parent = os.path.dirname(self.folder)
        shared = new_file_mode(parent) & stat.S_IRWXG
        try:
            os.mkdir(self.folder, 0o700)
        except FileExistsError:
            return
        except OSError as error:
            cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
            raise StorageWriteError(self.folder, cause) from error
        try:
            # chmod, unlike mkdir's mode, is not cut by the umask.
            os.chmod(self.folder, (0o2770 if shared else 0o700))
        except OSError:
            pass

    def _new_name(self, reason: str, make: Callable[[str], None]) -> Backup:
        if not re.fullmatch(r"[a-z][a-z0-9-]*", reason):
            raise ValueError(f"bad backup reason {reason!r}")
        stamp = datetime.now().strftime(_STAMP)
        # The serial counts backups within one second whatever their reason,
        # so the listing's order is the order they were taken.
        same_second = [b.serial for b in self.list() if b.taken_at.strftime(_STAMP) == stamp]
        serial = max(same_second, default=0) + 1
        while True:
            name = f"{stamp}_{reason}.json" if serial == 1 else f"{stamp}_{reason}_{serial}.json"
            target = os.path.join(self.folder, name)
            try:
                make(target)
            except FileExistsError:
                serial += 1
                continue
            backup = Backup.parse(self.folder, name)
            assert backup is not None
            return backup


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
        return
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            raise StorageWriteError(target, error) from error
    _copy(source, target)


def _copy(source: str, target: str) -> None:
    """Copy ``source`` to ``target`` (which must not exist) with the source's mode.

    The name is reserved first (O_EXCL), so a backup of the same name is never
    replaced; the content arrives by rename, so the backup is never half there.
    """
    temp = f"{target}.{secrets.token_hex(4)}{_TEMP_SUFFIX}"
    reserved = False
    try:
        with open(source, "rb") as src:
            mode = stat.S_IMODE(os.fstat(src.fileno()).st_mode)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            try:
                os.fchmod(fd, mode)
                with open(fd, "wb", closefd=False) as dst:
                    shutil.copyfileobj(src, dst, 1024 * 1024)
                os.fsync(fd)
            finally:
                os.close(fd)
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
        reserved = True
        os.replace(temp, target)
    except FileExistsError:
        raise
    except OSError as error:
        if reserved:
            _remove_quietly(target)
        raise StorageWriteError(target, error) from error
    finally:
        _remove_quietly(temp)


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass

"""Backups of the database file, in a folder beside it: ``<db>.backups/``.

Why hard links: every save replaces the database with a new file
(:func:`storage.atomic.atomic_write`), so a hard link to the file about to be
replaced *is* a copy of the old version, made without writing a byte. Since
nothing ever writes the database in place, the linked version can never change
afterwards. Where the file system has no hard links (some network and FAT
mounts) we fall back to copying.

The one backup that must be a real copy is of the *current* file (see
:meth:`Backups.copy_current`): a link would share its inode, and whatever
damaged the live file in place (a truncation, an editor) would damage the
backup with it.

Backups are named ``YYYY-MM-DD_HH-MM-SS_<reason>.json`` (``_2``, ``_3`` on a
collision within one second), so ``ls`` sorts them by time and an operator can
tell at a glance what each one was taken before. Only the backups listed in
the folder's manifest (:mod:`storage.manifest`: each with its size and
SHA-256) are listed, pruned or restored: files others put in the folder are
left alone. Which backups are kept is :mod:`storage.retention`'s rule: a
count, a total size, and the oldest of each of the last days.

Keeping a backup is not free: each pins a whole old version on the disk. When
a write would not fit, :meth:`Backups.make_room` deletes the least valuable
backups first (never the newest), so a full disk never stops the database.

The folder never grants more than the database does: private beside a private
file, readable by the group beside a group-readable one, writable by the group
only where the group may write the database (and the folder holding it).

Taking and pruning backups, and restoring one, happen under the database's
write lock (the ``before_replace`` hook runs under it; the other entry points
take it).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import fileformat, retention
from .atomic import atomic_write, ensure_folder, make_folder
from .errors import (
    BackupError,
    DamagedFileError,
    NewerSchemaError,
    StorageError,
    StorageReadError,
    StorageWriteError,
)
from .lock import DEFAULT_TIMEOUT, FileLock, lock_path_for
from .backup_files import TEMP_SUFFIX, cause, copy, entry_of, free_space, inode, is_file, link_or_copy, remove_quietly
from .manifest import Entry, read_manifest, write_manifest
from .permissions import new_file_mode
from .store import JsonTransaction

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
# A copy still being written is younger than this; older temporary files were
# left by a process killed while copying and are removed when pruning.
_STALE_TEMP_SECONDS = 3600


def backup_folder(db_path: str | os.PathLike[str]) -> str:
    """The folder that holds the backups of ``db_path`` (beside the real file, through any symlink)."""
    return os.path.realpath(os.fspath(db_path)) + ".backups"


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file; ``taken_at`` is local time, from its name.

    ``size`` and ``sha256`` are what the manifest recorded when it was taken
    (None for a file outside the manifest, e.g. one an operator named by path).
    """

    path: str
    taken_at: datetime
    reason: str
    serial: int = 1
    size: int | None = None
    sha256: str | None = None

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.taken_at, self.serial)

    @property
    def day(self) -> date:
        return self.taken_at.date()

    @classmethod
    def parse(cls, folder: str, name: str, entry: Entry | None = None) -> Backup | None:
        match = _NAME.fullmatch(name)
        if match is None:
            return None
        try:
            taken_at = datetime.strptime(match["stamp"], _STAMP)
        except ValueError:
            return None
        size, sha256 = (entry.size, entry.sha256) if entry is not None else (None, None)
        return cls(os.path.join(folder, name), taken_at, match["reason"], int(match["serial"] or 1), size, sha256)


class Backups:
    """The backups of one database file, and the rule for when to take one.

    Pass :meth:`before_replace` and :meth:`make_room` to
    :class:`storage.JsonFileStore` and a backup is taken before the first
    write of each day, and before any write made inside
    ``with backups.reason("import"):`` (in that thread). ``app`` and
    ``revisioned`` are the database's (see :class:`storage.JsonFileStore`);
    backups are checked against them before they are restored.
    """

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        *,
        app: str,
        revisioned: Collection[str] = (),
        keep: int = DEFAULT_KEEP,
        max_bytes: int | None = None,
        lock_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        if max_bytes is not None and max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        self.db_path = os.path.realpath(os.fspath(db_path))
        self.folder = self.db_path + ".backups"
        self.app = app
        self.revisioned = frozenset(revisioned)
        self.keep = keep
        self.max_bytes = max_bytes
        self.lock_timeout = lock_timeout
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.db_path!r}, keep={self.keep}, max_bytes={self.max_bytes})"

    # -- listing -----------------------------------------------------------

    def list(self) -> list[Backup]:
        """The backups, newest first (empty when there is no folder yet)."""
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        except OSError as error:
            raise StorageReadError(self.folder, error) from error
        entries = read_manifest(self.folder)
        found = []
        for name in names:
            entry = entries.get(name) if entries is not None else None
            if entries is not None and entry is None:
                continue  # not written by us: never listed, pruned or restored
            backup = Backup.parse(self.folder, name, entry)
            if backup is not None and is_file(backup.path):
                found.append(backup)
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
        before the rename. Raises :class:`BackupError` when the backup cannot
        be taken: the store then commits the change all the same and reports
        the missing backup as a warning.
        """
        try:
            reason = getattr(self._local, "reason", None)
            if reason is None and not self.taken_on(datetime.now().date()):
                reason = DAILY
            if reason is not None:
                self.take(reason, source=path)
        except BackupError:
            raise
        except (StorageError, OSError) as error:
            cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
            raise BackupError(self.folder, cause) from error

    def take(self, reason: str, *, source: str | None = None, protect: frozenset[str] = frozenset()) -> Backup:
        """Keep the current version of the database (by hard link), record it, then prune.

        The caller holds the write lock and will replace the file next (or has
        the lock and wants a snapshot of a file it is about to overwrite).
        Raises :class:`BackupError`.
        """
        source = source or self.db_path
        entries = self._entries_for_change()
        backup = self._new_name(reason, lambda target: link_or_copy(source, target))
        try:
            entries[backup.name] = entry_of(backup.path)
            write_manifest(self.folder, entries)
        except (OSError, StorageError) as error:
            remove_quietly(backup.path)  # unrecorded, it would never be listed or pruned
            raise BackupError(self.folder, cause(error)) from error
        recorded = Backup.parse(self.folder, backup.name, entries[backup.name])
        assert recorded is not None
        self.prune(protect=protect | {recorded.path}, entries=entries)
        return recorded

    def copy_current(self, reason: str = CREATED) -> Backup | None:
        """A real copy of the database as it is now (None if there is no file).

        Takes the write lock, to record the copy in the manifest. Raises
        :class:`BackupError` (a change the caller just committed stays committed).
        """
        try:
            with FileLock(lock_path_for(self.db_path), timeout=self.lock_timeout, subject=self.db_path):
                entries = self._entries_for_change()
                try:
                    backup = self._new_name(reason, lambda target: copy(self.db_path, target))
                except StorageWriteError as error:
                    if error.errno == errno.ENOENT:
                        return None
                    raise
                try:
                    entries[backup.name] = entry_of(backup.path)
                    write_manifest(self.folder, entries)
                except (OSError, StorageError):
                    remove_quietly(backup.path)
                    raise
        except BackupError:
            raise
        except (StorageError, OSError) as error:
            raise BackupError(self.folder, cause(error)) from error
        return Backup.parse(self.folder, backup.name, entries[backup.name])

    def prune(
        self,
        *,
        protect: Collection[str] = frozenset(),
        entries: dict[str, Entry] | None = None,
    ) -> list[Backup]:
        """Remove what :func:`storage.retention.to_remove` says; returns what was removed.

        Under the write lock. Only backups of the manifest are considered.
        """
        entries = self._entries_for_change() if entries is None else entries
        doomed = retention.to_remove(self.list(), keep=self.keep, max_bytes=self.max_bytes, protect=protect)
        removed = self._remove(doomed, entries)
        self._remove_stale_temp_files()
        return removed

    def _remove_stale_temp_files(self) -> None:
        try:
            names = [n for n in os.listdir(self.folder) if n.endswith(TEMP_SUFFIX)]
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

    def make_room(self, needed: int) -> None:
        """Delete backups, least valuable first, until ``needed`` bytes are free (or none is left to delete).

        The store's ``make_room`` hook, run under the write lock before a
        write that would not fit. Never deletes the newest backup, nor one
        that shares the live file's inode (deleting it frees nothing).
        """
        try:
            entries = self._entries_for_change()
            backups = self.list()
            if len(backups) <= 1:
                return
            newest = backups[0].path
            try:
                live = os.stat(self.db_path)
                live_inode: tuple[int, int] | None = (live.st_dev, live.st_ino)
            except OSError:
                live_inode = None
            for backup in reversed(retention.ranked(backups, {newest})):
                if free_space(self.folder) >= needed:
                    return
                if backup.path == newest or inode(backup.path) == live_inode:
                    continue
                self._remove([backup], entries)
        except BackupError:
            raise
        except (StorageError, OSError) as error:
            raise BackupError(self.folder, cause(error)) from error

    def _remove(self, doomed: list[Backup], entries: dict[str, Entry]) -> list[Backup]:
        removed = []
        for backup in doomed:
            try:
                os.unlink(backup.path)
            except FileNotFoundError:
                pass
            except OSError as error:
                raise BackupError(backup.path, error) from error
            entries.pop(backup.name, None)
            removed.append(backup)
        if removed:
            write_manifest(self.folder, entries)
        return removed

    # -- restoring ---------------------------------------------------------

    def read(self, backup: Backup | str) -> dict[str, Any]:
        """The parsed, validated content of a backup; raises :class:`DamagedFileError` if unusable.

        A backup of the manifest must still be, byte for byte, what was
        taken (its SHA-256); anything else is not that backup any more.
        """
        path = backup.path if isinstance(backup, Backup) else os.fspath(backup)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as error:
            raise StorageReadError(path, error) from error
        if isinstance(backup, Backup) and backup.sha256 is not None:
            import hashlib  # here: a process that only reads does not load it

            if len(raw) != backup.size or hashlib.sha256(raw).hexdigest() != backup.sha256:
                raise DamagedFileError(path, "its content is not what was backed up (checksum differs)")
        try:
            data = fileformat.decode(raw)
            fileformat.check(data, self.app, self.revisioned)
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
        log: Callable[[Backup | None], tuple[str, Mapping[str, Any]]] | None = None,
        check: Callable[[dict[str, Any]], None] | None = None,
    ) -> Backup | None:
        """Make ``backup`` the database again, in one atomic write under the write lock.

        The current file, damaged or not, is kept first as a backup
        (``before-restore``; returned, None if there was no file), because a
        restore is a change like any other and must be undoable: if it cannot
        be kept, nothing is restored. ``log(kept)`` gives ``(table, entry)``
        to append to a log table of the restored data in the same write (the
        application's note of the restore); ``check(data)`` may raise to
        refuse a backup the application cannot use. Works when the current
        database is damaged: that is when it is needed.
        """
        with FileLock(lock_path_for(self.db_path), timeout=self.lock_timeout, subject=self.db_path):
            data = self.read(backup)
            if check is not None:
                check(data)
            kept = None
            if os.path.lexists(self.db_path):
                kept = self.take(BEFORE_RESTORE, protect=frozenset({backup.path}))
            try:
                if log is not None:
                    table, entry = log(kept)
                    tx = JsonTransaction(self.db_path, data, self.revisioned)
                    tx.append(table, entry)
                    data = tx.data
                    tx.close()
                data[fileformat.META_TABLE] = fileformat.meta_table(self.app)
                fileformat.check(data, self.app, self.revisioned)
                atomic_write(self.db_path, fileformat.encode(data))
            except BaseException:
                # Not replaced: the link would share the live file's inode, and
                # damage to the live file in place would reach the backup too.
                if kept is not None:
                    remove_quietly(kept.path)
                    entries = read_manifest(self.folder)
                    if entries is not None and entries.pop(kept.name, None) is not None:
                        try:
                            write_manifest(self.folder, entries)
                        except StorageError:
                            pass
                raise
        return kept

    # -- helpers -----------------------------------------------------------

    def folder_mode(self) -> int:
        """The mode the backup folder should have: never more than the database grants.

        Owner: everything. Group: read (and enter) if the database is
        group-readable, write if it is group-writable, and in both cases only
        as far as the folder holding the database grants the group too. The
        setgid bit is kept from that folder, so backups stay in its group.
        Others: nothing.
        """
        parent = os.path.dirname(self.folder)
        try:
            parent_mode = os.stat(parent).st_mode
        except OSError:
            parent_mode = 0
        try:
            db_mode = os.stat(self.db_path).st_mode
        except OSError:
            db_mode = new_file_mode(parent)
        group = 0
        if db_mode & stat.S_IRGRP:
            group |= stat.S_IRGRP | stat.S_IXGRP
        if db_mode & stat.S_IWGRP:
            group |= stat.S_IWGRP
        group &= parent_mode & stat.S_IRWXG
        return (parent_mode & stat.S_ISGID) | stat.S_IRWXU | group

    def _ensure_folder(self) -> None:
        mode = self.folder_mode()
        try:
            ensure_folder(self.db_path)
            make_folder(self.folder, lambda parent: mode)
            current = os.stat(self.folder)
            extra = stat.S_IMODE(current.st_mode) & ~mode & 0o777
            if extra and current.st_uid == os.geteuid():
                # A folder made looser by an older version (2770 under a 2750 folder).
                os.chmod(self.folder, stat.S_IMODE(current.st_mode) & ~extra)
        except StorageError as error:
            raise BackupError(self.folder, cause(error)) from error
        except OSError as error:
            raise BackupError(self.folder, error) from error

    def _entries_for_change(self) -> dict[str, Entry]:
        """The manifest's entries, to change and write back (under the lock).

        A folder without a manifest (from before manifests) has its backups
        adopted, each hashed as it is now.
        """
        self._ensure_folder()
        entries = read_manifest(self.folder)
        if entries is not None:
            return entries
        adopted: dict[str, Entry] = {}
        for backup in self.list():
            try:
                adopted[backup.name] = entry_of(backup.path)
            except OSError:
                continue
        try:
            write_manifest(self.folder, adopted)
        except StorageError as error:
            raise BackupError(self.folder, cause(error)) from error
        return adopted

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

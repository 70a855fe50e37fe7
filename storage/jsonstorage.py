"""A TinyDB storage that is safe to point at a file other processes also write.

Compared with TinyDB's JSONStorage it

* parses the file only when it changed, judged by the file's identity and
  stat (``st_dev, st_ino, st_size, st_mtime_ns``), because a 25 MB parse per
  read would make the UI sluggish, while a stale cache would lose updates;
* writes through :func:`storage.atomic.atomic_write`, never in place, and
  re-encodes only the documents that changed (:mod:`storage.lines`);
* validates what it reads and what it writes (:mod:`storage.fileformat`), and
  never writes over a file it could not read: the damaged file is what an
  operator needs to recover from;
* never replaces a file it did not read: right before the rename, the file at
  the path must still be the one the write was based on.

It does not lock: serialising writers is the job of :class:`storage.store.
JsonFileStore`, which takes the inter-process lock around read-modify-write
and calls :meth:`SafeJSONStorage.commit`.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from tinydb.storages import Storage

from . import fileformat, lines
from .atomic import BeforeReplace, atomic_write
from .errors import (
    BackupError,
    DamagedFileError,
    NewerSchemaError,
    ReadOnlyError,
    StaleWriteError,
    StorageError,
    StorageReadError,
    StorageWriteError,
)
from .gcpause import gc_paused
from .unparsed import Unparsed, ident_of, revision_of

__all__ = ["SafeJSONStorage", "StatKey", "stat_key", "current_key", "MakeRoom"]

StatKey = tuple[int, int, int, int]
Data = dict[str, dict[str, Any]]
# make_room(bytes): free about that much space (by pruning backups) before a write that would not fit.
MakeRoom = Callable[[int], None]

# Space a write leaves free on top of its own size, so the file system (and
# the next backup's directory entry) is never filled to the last block.
SPARE_BYTES = 1 << 20


def stat_key(st: os.stat_result) -> StatKey:
    """What must stay equal for a file to count as unchanged."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def current_key(path: str) -> StatKey | None:
    """The stat key of ``path`` now, or ``None`` if there is no file."""
    try:
        return stat_key(os.stat(path))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageReadError(path, error) from error


class SafeJSONStorage(Storage):
    """TinyDB storage: cached, validated reads and atomic, validated writes.

    ``read()`` returns the cached dict itself, as TinyDB expects, and TinyDB
    mutates it in place before calling ``write()``. So the cache is dropped
    whenever a write fails (and by the store when a transaction aborts):
    otherwise the next read would serve changes that never reached the disk.
    After a successful write the written dict becomes the cache, keyed by the
    new file's stat.

    While a parsed version is cached we keep a read-only descriptor of that
    file open. Saves replace the file and free the old inode, and a file
    system may hand the same inode number to the next save; if that save had
    the same size within the same mtime tick, the stat key would match and a
    stale cache would be mistaken for current. Holding the inode open makes
    its number unavailable for reuse, so an equal key really means the same
    file.

    ``app`` is written into and required in the file's ``_meta`` table.
    ``path`` is resolved once: a symbolic link is followed to the real file,
    which is the one read, replaced and backed up.

    Methods are guarded by a lock so one instance can serve several threads.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        app: str,
        revisioned: Iterable[str] = (),
        file_mode: int | None = None,
        before_replace: BeforeReplace | None = None,
        make_room: MakeRoom | None = None,
        read_only: bool = False,
        lazy: bool = False,
    ) -> None:
        super().__init__()
        if not isinstance(app, str) or not app:
            raise ValueError(f"app must be a non-empty string, not {app!r}")
        self.path = os.path.realpath(os.fspath(path))
        self.app = app
        self.revisioned = frozenset(revisioned)
        self.read_only = read_only
        self._file_mode = file_mode
        self._before_replace = before_replace
        self._make_room = make_room
        self._mutex = threading.RLock()
        self._loaded = False
        self._data: Data | None = None
        self._key: StatKey | None = None
        self._anchor: int | None = None
        # Each table and document as last read or written, with its lines: a
        # save encodes and checks only what changed since.
        self._image: lines.Image | None = None
        # Set by release(): keep documents as their lines (storage.unparsed), and
        # what to tell when a table object is swapped for its released twin.
        self._carry: Callable[[str, dict[str, Any], dict[str, Any]], None] | None = None
        # A lookup's: documents kept as their lines from the first read, only checked as
        # they are read (lines.parse's lazy); nothing is written from such a read.
        self._lazy = lazy

    # -- reading -----------------------------------------------------------

    def read(self) -> Data | None:
        """TinyDB's entry point: the current data, or ``None`` when there is no file yet."""
        return self.load()[1]

    def load(self) -> tuple[StatKey | None, Data | None]:
        """The current data together with the stat key of the file it came from.

        Returned together so callers can never pair data with the key of a
        file that replaced it in between.
        """
        with self._mutex:
            if self._loaded and current_key(self.path) == self._key:
                return self._key, self._data
            return self._reload()

    def invalidate(self) -> None:
        """Forget the cached data; the next read parses the file again."""
        with self._mutex:
            self._adopt(None, None, None, None, loaded=False)

    def close(self) -> None:
        self.invalidate()

    def release(self, carry: Callable[[str, dict[str, Any], dict[str, Any]], None]) -> None:
        """From now on keep each document as its line, not parsed (see :mod:`storage.unparsed`).

        ``carry(name, old_table, new_table)`` is told of every table swapped
        for its released twin (the store moves its indexes over).
        """
        with self._mutex:
            self._carry = carry
            self._data, self._image = self._released(self._data, self._image)

    def _reload(self) -> tuple[StatKey | None, Data | None]:
        # The version read or written last: its unchanged documents are taken over (see lines.parse).
        previous = self._image if self._loaded else None
        self.invalidate()
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            self._adopt(None, None, None, None)
            return None, None
        except OSError as error:
            raise StorageReadError(self.path, error) from error
        try:
            # The key comes from the descriptor we read, not from a separate
            # stat of the path, which could describe a newer file.
            key = stat_key(os.fstat(fd))
            # Read in large chunks: line by line through the default 8 KiB buffer is a system call per 8 KiB.
            with open(fd, "rb", buffering=1 << 20, closefd=False) as handle:
                data, image = self._parse(handle, previous)
        except OSError as error:
            os.close(fd)
            raise StorageReadError(self.path, error) from error
        except BaseException:
            os.close(fd)
            raise
        self._adopt(data, image, key, fd)
        return key, self._data  # as adopted: released, if the store was told to

    def _parse(self, handle: BinaryIO, previous: lines.Image | None = None) -> tuple[Data, lines.Image | None]:
        """The file open as ``handle``: line by line (see :mod:`storage.lines`) when it is in our
        layout, else read again from its start and parsed whole."""
        try:
            with gc_paused():
                keep_lines = self.revisioned if self._carry is not None or self._lazy else None
                parsed = lines.parse(handle, previous, keep_lines, self.path if self._lazy else None)
                if parsed is None:
                    handle.seek(0)
                    parsed = (fileformat.decode(handle.read()), None, None)
                data, image, reused = parsed
                fileformat.check(data, self.app, self.revisioned, checked=reused)
        except fileformat.NewerSchema as problem:
            raise NewerSchemaError(self.path, problem.found, fileformat.SCHEMA) from problem
        except fileformat.FormatProblem as problem:
            raise DamagedFileError(self.path, problem.reason) from problem
        return data, image

    # -- writing -----------------------------------------------------------

    def write(self, data: Data) -> None:
        """TinyDB's entry point: replace the file with ``data``, atomically.

        TinyDB edits documents in place, so nothing of the last version is
        trusted here: everything is checked and encoded again. Raises
        ``ValueError`` for data we would refuse to read back, and the storage
        errors of :meth:`commit`.
        """
        with self._mutex:
            try:
                if self.read_only:
                    raise ReadOnlyError(self.path)
                # Whatever is at the path must parse cleanly before we replace it.
                if not (self._loaded and current_key(self.path) == self._key):
                    self._reload()
            except BaseException:
                self.invalidate()
                raise
            self._image = None
            self.commit(data, based_on=self._key)

    def commit(
        self,
        data: Data,
        *,
        based_on: StatKey | None,
        still_locked: Callable[[], bool] | None = None,
        touched: lines.Touched | None = None,
    ) -> list[StorageError]:
        """Replace the file with ``data`` (stamped with our ``_meta``); returns warnings.

        ``based_on`` is the stat key of the file ``data`` was read from (None:
        there was no file): if the file at the path is another one right
        before the rename, :class:`StaleWriteError` is raised and nothing is
        replaced; so is it when ``still_locked()`` says the caller's lock was
        broken. Documents and tables are trusted to be unchanged when they
        are the very objects last read or written, and ``touched`` may say
        which documents of a table changed (see :mod:`storage.lines`).

        When free space is short, ``make_room`` is asked to free some first
        (and once more after a write that failed for want of space). A backup
        that ``before_replace`` could not take (:class:`BackupError`) does not
        stop the write; it is returned among the warnings, as is a failure to
        make room. On any failure the cache is dropped, because ``data`` is
        usually the cache itself, already modified by TinyDB.
        """
        with self._mutex:
            warnings: list[StorageError] = []
            try:
                if self.read_only:
                    raise ReadOnlyError(self.path)
                if self._lazy:
                    raise RuntimeError(f"{self.path}: a lazy read (a lookup's) is not written from")
                data[fileformat.META_TABLE] = fileformat.meta_table(self.app)
                try:
                    with gc_paused():
                        chunks, image = lines.encode(data, self._image, self.app, self.revisioned, touched)
                except fileformat.FormatProblem as problem:
                    raise ValueError(f"refusing to write {self.path}: {problem.reason}") from problem

                def precondition() -> None:
                    if still_locked is not None and not still_locked():
                        raise StaleWriteError(self.path)
                    if current_key(self.path) != based_on:
                        raise StaleWriteError(self.path)

                size = sum(len(chunk) for chunk in chunks)
                written = self._write_with_room(chunks, size, precondition, warnings)
            except BaseException:
                self.invalidate()
                raise
            only = None
            if self._carry is not None and touched is not None:
                # What the transaction wrote is released in place; of the other tables
                # only those that are not the ones read (and released) before need it.
                _release_touched(data, image, touched)
                before = self._data or {}
                only = {name for name, table in data.items() if name not in touched and before.get(name) is not table}
            self._adopt_written(data, image, stat_key(written), only=only)
            return warnings

    def _write_with_room(
        self,
        chunks: list[bytes],
        size: int,
        precondition: Callable[[], None],
        warnings: list[StorageError],
    ) -> os.stat_result:
        def before_replace(path: str) -> None:
            if self._before_replace is None:
                return
            try:
                self._before_replace(path)
            except BackupError as error:
                # The change goes in without its backup; the caller says so.
                warnings.append(error)

        if self._free_space() < size + SPARE_BYTES:
            self._room(size + SPARE_BYTES, warnings)
        try:
            return atomic_write(
                self.path, chunks, mode=self._file_mode, before_replace=before_replace, precondition=precondition
            )
        except StorageWriteError as error:
            if error.errno not in (errno.ENOSPC, errno.EDQUOT) or self._make_room is None:
                raise
        self._room(size + SPARE_BYTES, warnings)
        return atomic_write(
            self.path, chunks, mode=self._file_mode, before_replace=before_replace, precondition=precondition
        )

    def _free_space(self) -> float:
        if self._make_room is None:
            return float("inf")
        try:
            found = os.statvfs(os.path.dirname(self.path))
        except OSError:
            return float("inf")
        return found.f_bavail * found.f_frsize

    def _room(self, needed: int, warnings: list[StorageError]) -> None:
        if self._make_room is None:
            return
        try:
            self._make_room(needed)
        except StorageError as error:
            warnings.append(error)

    def _adopt_written(self, data: Data, image: lines.Image, key: StatKey, *, only: set[str] | None = None) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            self.invalidate()
            return
        if stat_key(os.fstat(fd)) != key:
            # Someone replaced the file after our rename; their version wins
            # and will be parsed on the next read.
            os.close(fd)
            self.invalidate()
            return
        self._adopt(data, image, key, fd, only=only)

    def _adopt(
        self,
        data: Data | None,
        image: lines.Image | None,
        key: StatKey | None,
        anchor: int | None,
        *,
        loaded: bool = True,
        only: set[str] | None = None,
    ) -> None:
        old, self._anchor = self._anchor, anchor
        if old is not None:
            _close_soon(old)
        if self._carry is not None and only != set():
            data, image = self._released(data, image, only)
        self._data = data
        self._image = image
        self._key = key
        self._loaded = loaded


    def _released(
        self, data: Data | None, image: lines.Image | None, only: set[str] | None = None
    ) -> tuple[Data | None, lines.Image | None]:
        """``data`` with the documents of every table ``image`` encodes (of ``only``, if given) kept as their lines."""
        if data is None or image is None or self._carry is None:
            return data, image
        released: Data = {}
        tables = dict(image.tables)
        for name, table in data.items():
            known = tables.get(name)
            if name == fileformat.META_TABLE or known is None or known[0] is not table or (only is not None and name not in only):
                released[name] = table
                continue
            encoded = known[1]
            # A document kept already is kept again unless its line is not the one of
            # this version of the file: the file read before must be freed.
            kept = [type(doc) is Unparsed and doc.line is encoded[doc_id] for doc_id, doc in table.items()]
            if all(kept):  # read in this mode (lines.parse): nothing to do
                released[name] = table
                continue
            twin = {
                doc_id: doc if keep
                else Unparsed(ident_of(doc), revision_of(doc), encoded[doc_id], len(doc_id) + 3, _version(doc))
                for keep, (doc_id, doc) in zip(kept, table.items())
            }
            released[name] = twin
            tables[name] = (twin, encoded)
            self._carry(name, table, twin)
        return released, lines.Image(tables)


def _release_touched(data: Data, image: lines.Image, touched: lines.Touched) -> None:
    """Keep the documents a transaction wrote as their new lines, in its tables themselves.

    Those tables are the transaction's own copies, seen by no snapshot yet, so
    they may be changed in place; this costs what the transaction changed,
    where a released twin of each table would cost every document in it, and
    the indexes the transaction kept stay those of the tables.
    """
    for name, (_, keys) in touched.items():
        table = data.get(name)
        known = image.tables.get(name)
        if table is None or known is None or known[0] is not table or name == fileformat.META_TABLE:
            continue
        encoded = known[1]
        for doc_id in keys:
            doc = table.get(doc_id)
            if doc is not None and type(doc) is not Unparsed:
                table[doc_id] = Unparsed(ident_of(doc), revision_of(doc), encoded[doc_id], len(doc_id) + 3, object())


def _version(doc: Any) -> object:
    # A document read or written just now is a new version; one kept already keeps its own.
    return doc.version if type(doc) is Unparsed else object()


def _close_soon(fd: int) -> None:
    """Close ``fd`` off the caller's path.

    The descriptor usually holds the last reference to a version a save just
    replaced: closing it frees the old file's blocks, about 7 ms at 20 MB,
    which a save need not wait for.
    """
    try:
        threading.Thread(target=_close_quietly, args=(fd,), name="storage-close", daemon=True).start()
    except RuntimeError:  # no new threads (interpreter shutting down)
        _close_quietly(fd)


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass

"""A TinyDB storage that is safe to point at a file other processes also write.

Compared with TinyDB's JSONStorage it

* parses the file only when it changed, judged by the file's identity and
  stat (``st_dev, st_ino, st_size, st_mtime_ns``), because a 25 MB parse per
  read would make the UI sluggish, while a stale cache would lose updates;
* writes through :func:`storage.atomic.atomic_write`, never in place;
* validates what it reads and what it writes (:mod:`storage.fileformat`), and
  never writes over a file it could not read: the damaged file is what an
  operator needs to recover from.

It does not lock: serialising writers is the job of :class:`storage.store.
JsonFileStore`, which takes the inter-process lock around read-modify-write.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from typing import Any

from tinydb.storages import Storage

from . import fileformat
from .atomic import BeforeReplace, atomic_write
from .errors import DamagedFileError, NewerSchemaError, ReadOnlyError, StorageError
from .gcpause import gc_paused

__all__ = ["SafeJSONStorage", "StatKey", "stat_key", "current_key"]

StatKey = tuple[int, int, int, int]
Data = dict[str, dict[str, Any]]


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
        raise StorageError(path, f"Cannot read database file {path}: {error.strerror or error}") from error


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

    Methods are guarded by a lock so one instance can serve several threads.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        revisioned: Iterable[str] = (),
        file_mode: int | None = None,
        before_replace: BeforeReplace | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.path = os.path.abspath(os.fspath(path))
        self.revisioned = frozenset(revisioned)
        self.read_only = read_only
        self._file_mode = file_mode
        self._before_replace = before_replace
        self._mutex = threading.RLock()
        self._loaded = False
        self._data: Data | None = None
        self._key: StatKey | None = None
        self._anchor: int | None = None
        # Keeps each written document's encoded line: a save re-encodes only what changed.
        self._encoder = fileformat.Encoder()

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
            self._adopt(None, None, None, loaded=False)

    def close(self) -> None:
        self.invalidate()

    def _reload(self) -> tuple[StatKey | None, Data | None]:
        self.invalidate()
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            self._adopt(None, None, None)
            return None, None
        except OSError as error:
            raise StorageError(self.path, f"Cannot read database file {self.path}: {error.strerror}") from error
        try:
            # The key comes from the descriptor we read, not from a separate
            # stat of the path, which could describe a newer file.
            key = stat_key(os.fstat(fd))
            with open(fd, "rb", closefd=False) as handle:
                raw = handle.read()
            data = self._parse(raw)
        except OSError as error:
            os.close(fd)
            raise StorageError(self.path, f"Cannot read database file {self.path}: {error.strerror}") from error
        except BaseException:
            os.close(fd)
            raise
        self._adopt(data, key, fd)
        return key, data

    def _parse(self, raw: bytes) -> Data:
        try:
            with gc_paused():
                data = fileformat.decode(raw)
                fileformat.check(data, self.revisioned)
        except fileformat.NewerSchema as problem:
            raise NewerSchemaError(self.path, problem.found, fileformat.SCHEMA) from problem
        except fileformat.FormatProblem as problem:
            raise DamagedFileError(self.path, problem.reason) from problem
        return data

    # -- writing -----------------------------------------------------------

    def write(self, data: Data) -> None:
        """Replace the file with ``data`` (stamped with our ``_meta``), atomically.

        Raises ``ValueError`` for data we would refuse to read back, and the
        storage errors of :func:`storage.atomic.atomic_write`. On any failure
        the cache is dropped, because ``data`` is usually the cache itself,
        already modified by TinyDB.
        """
        with self._mutex:
            try:
                if self.read_only:
                    raise ReadOnlyError(self.path)
                self._refuse_unread_target()
                data[fileformat.META_TABLE] = fileformat.meta_table()
                try:
                    fileformat.check(data, self.revisioned, self._encoder.known)
                except fileformat.FormatProblem as problem:
                    raise ValueError(f"refusing to write {self.path}: {problem.reason}") from problem
                with gc_paused():
                    encoded = self._encoder.encode(data)
                written = atomic_write(
                    self.path,
                    encoded,
                    mode=self._file_mode,
                    before_replace=self._before_replace,
                )
            except BaseException:
                self.invalidate()
                self._encoder.forget()
                raise
            self._adopt_written(data, stat_key(written))

    def _refuse_unread_target(self) -> None:
        # The store always reads (under its lock) right before writing, so
        # this is normally one stat. It matters for writes that skip the read
        # (TinyDB's drop_tables(), a caller using this storage directly):
        # whatever is at the path must parse cleanly before we replace it.
        if self._loaded and current_key(self.path) == self._key:
            return
        self._reload()

    def _adopt_written(self, data: Data, key: StatKey) -> None:
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
        self._adopt(data, key, fd)

    def _adopt(self, data: Data | None, key: StatKey | None, anchor: int | None, *, loaded: bool = True) -> None:
        old, self._anchor = self._anchor, anchor
        if old is not None:
            os.close(old)
        self._data = data
        self._key = key
        self._loaded = loaded

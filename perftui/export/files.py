"""Writing an export to a file: all of it or nothing, and never over a file by accident.

Why not :func:`storage.atomic.atomic_write`: it always replaces the target,
and without ``force`` an existing file must survive even if it appears
between our check and our write: the finished temporary file is hard-linked
to the name, which fails if the name exists. (Where the file system has no
hard links, the check just before the rename has to do.)

An export holds the same budget data as the database, so a new one is never
more open than a new database file would be (:func:`storage.permissions.new_file_mode`:
0600, or 0660 in a group's setgid folder), whatever the umask; a stricter
umask still makes it stricter. A replaced file keeps its mode.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from storage import StorageWriteError
from storage.permissions import new_file_mode

__all__ = ["TargetExists", "write"]


class TargetExists(Exception):
    """The file exists and replacing it was not asked for (``--force``)."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


def write(path: str | os.PathLike[str], data: bytes, *, force: bool = False) -> Path:
    """Make ``data`` the content of ``path``; returns the absolute path written.

    Raises :class:`TargetExists` (nothing written) or
    :class:`storage.StorageWriteError` (the OS refused; any old file unchanged).
    """
    target = Path(os.path.abspath(os.fspath(path)))
    if target.is_dir():
        raise StorageWriteError(target, OSError(errno.EISDIR, os.strerror(errno.EISDIR)))
    try:
        old_mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        old_mode = None
    except OSError as error:
        raise StorageWriteError(target, error) from error
    if old_mode is not None and not force:
        raise TargetExists(str(target))

    temp = None
    try:
        fd, temp = _create_temp(target)
        try:
            if old_mode is not None:
                os.fchmod(fd, old_mode)  # replacing a file keeps its permissions
            else:
                # Created 0666 less the umask; a loose umask (000) must not make it world-readable.
                os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) & new_file_mode(target.parent))
            view = memoryview(data)
            while view:  # os.write may write less than asked
                count = os.write(fd, view)
                if count == 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                view = view[count:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if force:
            os.replace(temp, target)
        else:
            _link_new(temp, target)
    except TargetExists:
        raise
    except OSError as error:
        raise StorageWriteError(target, error) from error
    finally:
        if temp is not None and os.path.lexists(temp):
            os.unlink(temp)
    _fsync_folder(target.parent)
    return target


def _create_temp(target: Path) -> tuple[int, str]:
    while True:
        temp = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            # 0o666 before the umask, as a shell redirect; capped once open (see write).
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), temp
        except FileExistsError:
            continue


def _link_new(temp: str, target: Path) -> None:
    try:
        os.link(temp, target)
    except FileExistsError:
        raise TargetExists(str(target)) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.lexists(target):  # no hard links here (FAT, some network shares)
            raise TargetExists(str(target)) from None
        os.replace(temp, target)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a folder; the data itself is on disk
    finally:
        os.close(fd)

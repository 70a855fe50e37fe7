"""File work for backups: linking or copying a version, and small facts about files and folders."""

from __future__ import annotations

import errno
import os
import shutil
import stat

from .errors import StorageWriteError
from .manifest import Entry, file_digest

__all__ = ["entry_of", "is_file", "inode", "free_space", "cause", "link_or_copy", "copy", "remove_quietly", "TEMP_SUFFIX"]

TEMP_SUFFIX = ".tmp"


def entry_of(path: str) -> Entry:
    size, digest = file_digest(path)
    return Entry(os.path.basename(path), size, digest)


def is_file(backup_path: str) -> bool:
    """A regular file, never a symlink; whether it is still what was taken is checked when it is read."""
    try:
        return stat.S_ISREG(os.lstat(backup_path).st_mode)
    except OSError:
        return False


def inode(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def free_space(folder: str) -> int:
    try:
        found = os.statvfs(folder)
    except OSError:
        return 0
    return found.f_bavail * found.f_frsize


def cause(error: BaseException) -> BaseException:
    """The operating system's error behind ``error``, when there is one."""
    cause = error.__cause__
    return cause if isinstance(cause, OSError) else error


def link_or_copy(source: str, target: str) -> None:
    try:
        # follow_symlinks: the backup is the file's content, never a link to a link.
        os.link(source, target, follow_symlinks=True)
        return
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            raise StorageWriteError(target, error) from error
    copy(source, target)


def copy(source: str, target: str) -> None:
    """Copy ``source`` to ``target`` (which must not exist) with the source's mode.

    The name is reserved first (O_EXCL), so a backup of the same name is never
    replaced; the content arrives by rename, so the backup is never half there.
    """
    import secrets  # here: a process that only reads does not load hashlib and random

    temp = f"{target}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
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
            remove_quietly(target)
        raise StorageWriteError(target, error) from error
    finally:
        remove_quietly(temp)


def remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass

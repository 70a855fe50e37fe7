"""Replace a file's whole content so that readers see either the old or the new bytes.

TinyDB's JSONStorage truncates and rewrites the database in place: a crash,
a full disk or a SIGKILL in the middle leaves half a file, and a reader in
another process can see a half-written one. Here every write goes to a fresh
temporary file in the same folder (``os.replace`` is only atomic within one
file system), is flushed and fsync'ed, and then renamed over the target. The
folder is fsync'ed last so the rename itself survives a power cut.

The last thing before the rename is the caller's ``precondition``: the store
checks there that the file it is about to replace is still the one it read.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterable

from .errors import StorageWriteError
from .permissions import new_file_mode, new_folder_mode

__all__ = ["atomic_write", "ensure_folder", "make_folder", "remove_stale_temp_files", "temp_file_pattern"]

BeforeReplace = Callable[[str], None]
Content = bytes | Iterable[bytes | memoryview]

# Directory fsync is not supported everywhere (some FUSE and network file
# systems); there it is a no-op we cannot improve on, not a failed write.
_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def temp_file_pattern(path: str | os.PathLike[str]) -> re.Pattern[str]:
    """Names of our temporary files for ``path``, and nothing else.

    Anchored and exact so that cleaning up after ``db.json`` can never touch
    the temporary file of a neighbouring ``db.json.old`` that another process
    is writing under a different lock.
    """
    name = os.path.basename(os.fspath(path))
    return re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{12}}\.tmp")


def ensure_folder(path: str | os.PathLike[str]) -> None:
    """Create the folder that will hold ``path``; a missing file is created on first write."""
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    try:
        make_folder(folder)
    except OSError as error:
        raise StorageWriteError(path, error) from error


def make_folder(folder: str, mode: Callable[[str], int] = new_folder_mode) -> None:
    """Create ``folder`` and missing parents, each with ``mode(parent)``, whatever the umask.

    ``os.makedirs`` gives parents 0777 minus the umask, which under umask 000
    is a folder anyone may write into. Raises ``OSError``.
    """
    if os.path.isdir(folder):
        return
    parent = os.path.dirname(folder)
    if parent != folder:
        make_folder(parent, mode)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        if os.path.isdir(folder):
            return
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), folder) from None
    # chmod, unlike mkdir's mode, is not cut by the umask: a group folder's
    # setgid bit and group access are set exactly, and nothing more.
    os.chmod(folder, mode(parent))


def atomic_write(
    path: str | os.PathLike[str],
    data: Content,
    *,
    mode: int | None = None,
    before_replace: BeforeReplace | None = None,
    precondition: Callable[[], None] | None = None,
) -> os.stat_result:
    """Make ``data`` (bytes, or chunks written in order) the complete content of ``path``, or change nothing.

    ``mode`` applies only to a file that does not exist yet (default: see
    :func:`storage.permissions.new_file_mode`); an existing file keeps its mode
    and, when we are allowed to set it, its group, because an administrator
    may have chosen them.

    ``before_replace(path)`` runs after the new content is safely on disk and
    just before the rename, only when an old version exists. It is the hook
    for backups: hard-linking the old file there costs no copy. If it raises,
    nothing is replaced. ``precondition()`` runs after it, immediately before
    the rename, whether or not an old version exists; it raises to refuse
    the write (its exception propagates as it is), and nothing is replaced.

    Returns the ``os.stat_result`` of the new file (identical to what
    ``os.stat(path)`` reports after the rename, since renaming keeps inode,
    size and mtime). Raises :class:`StorageWriteError` naming ``path`` when
    the operating system refuses; the old file is then byte-identical.
    """
    path = os.path.abspath(os.fspath(path))
    folder, name = os.path.split(path)
    ensure_folder(path)
    try:
        old: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        old = None
    except OSError as error:
        raise StorageWriteError(path, error) from error

    if old is not None:
        target_mode = stat.S_IMODE(old.st_mode)
    else:
        target_mode = new_file_mode(folder) if mode is None else mode

    temp: str | None = None
    try:
        fd, temp = _create_temp(folder, name)
        try:
            # fchmod, unlike the mode given to open(), ignores the umask, so the
            # file gets exactly the mode we decided on.
            os.fchmod(fd, target_mode)
            if old is not None:
                _keep_group(fd, old.st_gid)
            _write_all(fd, data)
            os.fsync(fd)
            written = os.fstat(fd)
        finally:
            os.close(fd)
        if before_replace is not None and old is not None:
            before_replace(path)
        if precondition is not None:
            precondition()
        os.replace(temp, path)
        temp = None
    except OSError as error:
        raise StorageWriteError(path, error) from error
    finally:
        if temp is not None:
            _remove_quietly(temp)

    _fsync_folder(folder, path)
    return written


def remove_stale_temp_files(path: str | os.PathLike[str]) -> list[str]:
    """Delete temporary files left by writers that were killed mid-write.

    Only safe while holding the database's write lock: then no live writer
    can own one of these files. Without this, every SIGKILL during a save of
    a 25 MB database would leave 25 MB behind. Returns the removed paths.
    """
    path = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(path)
    pattern = temp_file_pattern(path)
    removed: list[str] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for entry in names:
        if pattern.fullmatch(entry):
            stale = os.path.join(folder, entry)
            if _remove_quietly(stale):
                removed.append(stale)
    return removed


def _create_temp(folder: str, name: str) -> tuple[int, str]:
    # Our own naming (not tempfile's) so remove_stale_temp_files can recognise
    # exactly our files; O_EXCL makes a name collision an error, never a share.
    import secrets  # here: a process that only reads (a lookup) does not pay for hashlib and random

    while True:
        temp = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            continue
        return fd, temp


def _keep_group(fd: int, gid: int) -> None:
    # Without a setgid folder the new file would get our primary group and
    # could lock colleagues out of a file an administrator had shared.
    if os.fstat(fd).st_gid == gid:
        return
    try:
        os.fchown(fd, -1, gid)
    except PermissionError:
        pass


def _write_all(fd: int, data: Content) -> None:
    for chunk in [data] if isinstance(data, (bytes, bytearray, memoryview)) else data:
        # os.write may write less than asked (signals, some file systems).
        view = memoryview(chunk)
        while view:
            count = os.write(fd, view)
            if count == 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            view = view[count:]


def _fsync_folder(folder: str, path: str) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as error:
        if error.errno in _FSYNC_UNSUPPORTED:
            return
        raise StorageWriteError(path, error, unchanged=False) from error


def _remove_quietly(path: str) -> bool:
    try:
        os.unlink(path)
    except OSError:
        return False
    return True

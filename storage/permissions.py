"""File modes for the shared database.

The database holds government budget data shared by a few operators on one
server, so new files must not inherit a permissive umask. The group-sharing
convention is the classic Unix one: an administrator creates a folder owned by
the operators' group with the setgid bit set (``chmod 2770``); files created in
it then belong to that group, and we make them group-writable. Anywhere else a
new file is private to its owner.
"""

from __future__ import annotations

import os
import stat

__all__ = ["PRIVATE_MODE", "GROUP_MODE", "new_file_mode", "new_folder_mode", "world_accessible"]

PRIVATE_MODE = 0o600
GROUP_MODE = 0o660
PRIVATE_FOLDER_MODE = 0o700
GROUP_FOLDER_MODE = 0o2770


def new_file_mode(folder: str | os.PathLike[str]) -> int:
    """Mode for a file we are about to create in ``folder``.

    The setgid bit is the administrator's explicit statement that the folder
    is shared by a group; without it we have no evidence anyone else should
    read the data, so we stay private.
    """
    try:
        folder_mode = os.stat(folder).st_mode
    except OSError:
        return PRIVATE_MODE
    if not folder_mode & stat.S_ISGID:
        return PRIVATE_MODE
    # The group gets what the folder gives it, never more: in a 2750 folder
    # members may read the file but not change it.
    return PRIVATE_MODE | (folder_mode & (stat.S_IRGRP | stat.S_IWGRP))


def new_folder_mode(parent: str | os.PathLike[str]) -> int:
    """Mode for a folder we are about to create in ``parent``: 0700, or 2770 in a setgid folder.

    Never more than the parent grants its group: in a 2750 folder (members
    may read, not write) a new folder is 2750, so members can read what it
    holds but cannot put files into it.
    """
    try:
        parent_mode = os.stat(parent).st_mode
    except OSError:
        return PRIVATE_FOLDER_MODE
    if not parent_mode & stat.S_ISGID:
        return PRIVATE_FOLDER_MODE
    return stat.S_ISGID | stat.S_IRWXU | (parent_mode & stat.S_IRWXG)


def world_accessible(path: str | os.PathLike[str]) -> bool:
    """True when users outside the owner and group can read or change the database.

    Checked on the file itself (any "other" read/write bit) and on its folder:
    a world-writable folder without the sticky bit lets anyone replace or
    delete the file regardless of the file's own mode. A missing file only
    counts through its folder.
    """
    path = os.fspath(path)
    try:
        file_mode = os.stat(path).st_mode
    except OSError:
        # Missing, or not ours to see (a folder we may not enter, a path
        # through a file): opening it will say so, as a storage error.
        file_mode = 0
    if file_mode & (stat.S_IROTH | stat.S_IWOTH):
        return True
    try:
        folder_mode = os.stat(os.path.dirname(os.path.abspath(path))).st_mode
    except OSError:
        return False
    return bool(folder_mode & stat.S_IWOTH) and not folder_mode & stat.S_ISVTX

"""Where an export may not go: over the database, its lock, its backups or unsaved edits.

``perftui export summary -o "$PERFTUI_DB" --force`` would replace the live
database with a table, unlocked and without a backup. Every path an export
writes to is resolved first (symbolic links followed, ``..`` taken away) and
refused when it is, or lies inside, something perftui keeps: the database
file (and its temporary files), its lock, its backup folder, the folder of
unsaved edits (recovery files).
"""

from __future__ import annotations

import os
from pathlib import Path

from perftui.config import unsaved_folder
from perftui.i18n import gettext as _
from storage.backup import backup_folder
from storage.lock import lock_path_for

__all__ = ["OutputRefused", "check_output"]


class OutputRefused(ValueError):
    """An export aimed at one of perftui's own files; str() is one line for the operator."""


def _real(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.path.abspath(os.path.expanduser(os.fspath(path))))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_output(target: str | os.PathLike[str], db_path: str | os.PathLike[str]) -> Path:
    """The resolved ``target``; raises :class:`OutputRefused` if writing there would clobber our own files."""
    real = _real(target)
    # The database as named and as resolved: a lock or backup folder may sit beside either.
    for database in {os.path.abspath(os.path.expanduser(os.fspath(db_path))), _real(db_path)}:
        folder, name = os.path.split(_real(database))
        temporary = os.path.dirname(real) == folder and os.path.basename(real).startswith(f".{name}.")
        if temporary or real in (_real(database), _real(lock_path_for(database))):
            raise OutputRefused(_("不能导出到 {path}：这是数据库文件或它的锁文件").format(path=target))
        if _inside(real, _real(backup_folder(database))):
            raise OutputRefused(_("不能导出到 {path}：这是数据库的备份目录").format(path=target))
    if _inside(real, _real(unsaved_folder())):
        raise OutputRefused(_("不能导出到 {path}：这是备存未保存修改的目录").format(path=target))
    return Path(real)

"""One line, in the operator's language, for every error the operator can meet.

The storage layer raises typed errors with English text (it knows nothing of
perftui's catalogs); the CLI and the TUI show them through :func:`describe`.
"""

from __future__ import annotations

import errno as _errno

import storage
from perftui.core.conflict import Conflict
from perftui.core.history import HistoryError
from perftui.i18n import gettext as _


def describe(error: BaseException) -> str:
    """One line for ``error``: the CLI prints it after ``perftui:``, the app shows it in a notice."""
    if isinstance(error, Conflict):
        if error.theirs is None:
            return _("“{name}”已被他人删除，未作修改。").format(name=error.mine.name)
        return _("“{name}”刚被 {who} 修改过，未作修改；列表已更新，请再试一次。").format(
            name=error.mine.name, who=error.theirs.updated_by or _("他人")
        )
    if isinstance(error, HistoryError):
        return str(error)
    if isinstance(error, storage.NewerSchemaError):
        return _(
            "数据库文件 {path} 由更新版本的 perftui 写入（格式 {found}，本版本只认 {supported}），未作任何修改。"
            "请升级 perftui，或用 perftui backups 恢复旧副本。"
        ).format(path=error.path, found=error.found, supported=error.supported)
    if isinstance(error, storage.DamagedFileError):
        return _("数据库文件 {path} 已损坏（{reason}），未作任何修改。可用 perftui backups 查看并恢复备份。").format(
            path=error.path, reason=error.reason
        )
    if isinstance(error, storage.LockTimeoutError):
        holder = error.holder
        if holder is None:
            return _("等了 {timeout:g} 秒仍无法写入 {path}：另一个 perftui 正在保存。请稍后再试。").format(
                path=error.path, timeout=error.timeout
            )
        return _(
            "等了 {timeout:g} 秒仍无法写入 {path}：{user} 正在保存（进程 {pid}，主机 {host}，自 {since} 起）。请稍后再试。"
        ).format(
            path=error.path, timeout=error.timeout, user=holder.user, pid=holder.pid, host=holder.host,
            since=holder.since,
        )
    if isinstance(error, storage.StaleWriteError):
        return _("数据库 {path} 在写入期间被另一个程序替换，未作任何修改；请重新打开后再试。").format(path=error.path)
    if isinstance(error, storage.BackupError):
        return _("未能在 {path} 保留备份：{reason}。").format(path=error.path, reason=_os_reason(error))
    if isinstance(error, storage.StorageReadError):
        return _("无法读取 {path}：{reason}。").format(path=error.path, reason=_os_reason(error))
    if isinstance(error, storage.ReadOnlyError):
        return _("只读模式，未保存任何修改（{path}）。").format(path=error.path)
    if isinstance(error, storage.StorageWriteError):
        if error.errno in (_errno.EROFS, _errno.EACCES, _errno.EPERM):
            reason = _("没有写入权限")
        else:
            reason = _os_reason(error)
        return _("无法写入 {path}：{reason}；原文件未改动。").format(path=error.path, reason=reason)
    if isinstance(error, ArithmeticError):
        # str() of a decimal error is "[<class 'decimal.InvalidOperation'>]": say what it means.
        return _("有金额无法计算，可能是数据库中的金额已损坏；可用 perftui backups 查看并恢复备份。")
    return " ".join(str(error).split())


def describe_warning(error: BaseException) -> str:
    """One line for what went wrong beside a change that was committed (a success with a warning)."""
    return _("修改已保存，但：{problem}").format(problem=describe(error))


def _os_reason(error: storage.StorageError) -> str:
    """What the operating system said, in the operator's language for the usual cases."""
    number = getattr(error, "errno", None)
    if number in (_errno.ENOSPC, _errno.EDQUOT):
        return _("磁盘已满")
    if number in (_errno.EACCES, _errno.EPERM):
        return _("没有权限")
    if number == _errno.ENOTDIR:
        return _("路径中有一段不是目录")
    if number == _errno.EROFS:
        return _("文件系统只读")
    cause = error.__cause__
    return " ".join(str(getattr(cause, "strerror", None) or cause or error).split())

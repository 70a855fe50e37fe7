"""One line, in the operator's language, for every error the operator can meet.

The storage layer raises typed errors with English text (it knows nothing of
perftui's catalogs); the CLI and the TUI show them through :func:`describe`.
"""

from __future__ import annotations

import errno as _errno
import re

import storage
from perftui.core.conflict import Conflict
from perftui.core.history import HistoryError
from perftui.i18n import N_, gettext as _


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
    if storage.is_server_url(getattr(error, "path", None)):
        server = _describe_server(error)
        if server is not None:
            return server
    if isinstance(error, storage.NewerSchemaError):
        return _(
            "数据库文件 {path} 由更新版本的 perftui 写入（格式 {found}，本版本只认 {supported}），未作任何修改。"
            "请升级 perftui，或用 {backups} 恢复旧副本。"
        ).format(path=error.path, found=error.found, supported=error.supported, backups=backups_command(error.path))
    if isinstance(error, storage.DamagedFileError):
        return _("数据库文件 {path} 已损坏（{reason}），未作任何修改。可用 {backups} 查看并恢复备份。").format(
            path=error.path, reason=damage_text(error.reason), backups=backups_command(error.path)
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
        if error.errno == _errno.ENOENT:  # nothing was there to keep unchanged
            return _("无法写入 {path}：所在目录不存在（不会自动创建），未写入任何内容。").format(path=error.path)
        if error.errno in (_errno.EROFS, _errno.EACCES, _errno.EPERM):
            reason = _("没有写入权限")
        else:
            reason = _os_reason(error)
        return _("无法写入 {path}：{reason}；原文件未改动。").format(path=error.path, reason=reason)
    if isinstance(error, ArithmeticError):
        # str() of a decimal error is "[<class 'decimal.InvalidOperation'>]": say what it means.
        return _("有金额无法计算，可能是数据库中的金额已损坏；可用 perftui backups 查看并恢复备份。")
    return " ".join(str(error).split())


#: What the storage layer says of a damaged file (English: it knows no catalogs), as the
#: operator reads it: (pattern, message with the pattern's named groups). The usual kinds of
#: damage (a write cut short, an empty file, another program's file, text that is not JSON)
#: are named; a detail of the inner structure is kept as it is, after "数据结构不符".
_DAMAGE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"the file is cut short, as if a write was interrupted", N_("文件不完整，像是写入时被中断")),
        (r"the file is empty", N_("文件是空的")),
        (r"not UTF-8 text at byte (?P<at>\d+)", N_("从第 {at} 字节起不是 UTF-8 文本")),
        (r"not (?:valid JSON|a usable JSON file): .* at line (?P<line>\d+) column (?P<column>\d+)",
         N_("不是有效的 JSON（第 {line} 行第 {column} 列）")),
        (r"not valid JSON: nested too deeply", N_("不是有效的 JSON：嵌套过深")),
        (r"not valid JSON\b.*", N_("不是有效的 JSON")),
        (r"not a \S+ database\b.*|set up for .*", N_("不是 perftui 的数据库")),
        (r"its content is not what was backed up \(checksum differs\)", N_("内容与备份时不符（校验和不同）")),
        (r"unknown schema (?P<schema>.+)", N_("未知的格式版本 {schema}")),
    )
)


def damage_text(reason: str) -> str:
    """What is wrong with a damaged file, in the operator's language (see :data:`_DAMAGE`)."""
    for pattern, message in _DAMAGE:
        match = pattern.fullmatch(reason)
        if match is not None:
            return _(message).format(**match.groupdict())
    return _("数据结构不符：{detail}").format(detail=reason)


def backups_command(path: str) -> str:
    """The command that lists this database's backups, ready to paste: with its ``--db``, so that
    someone working on another database than the default is not sent to the default one's."""
    import shlex

    return f"perftui --db {shlex.quote(str(path))} backups"


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


def server_backup_advice(location: str) -> str:
    """What to do instead of perftui's backups, for a PostgreSQL database (one line)."""
    return _("PostgreSQL 数据库 {path} 不由 perftui 备份：请由管理员用 pg_dump 备份、pg_restore 恢复（见 README）。").format(
        path=storage.display_location(location)
    )


def _describe_server(error: BaseException) -> str | None:
    """Errors of a PostgreSQL database: the same situations, other remedies (no backups folder; pg_dump)."""
    path = getattr(error, "path", "")
    if isinstance(error, storage.UnreachableError):
        return _("无法连接数据库 {path}：{reason}；未作任何修改。").format(path=path, reason=error.reason)
    if isinstance(error, storage.NotInitializedError):
        return _("数据库 {path} 还没有 perftui 的表；请先执行 perftui db init --db 该地址。").format(path=path)
    if isinstance(error, storage.NeedsUpgradeError):
        return _("数据库 {path} 的格式（{found}）比本版本 perftui（{supported}）旧；请先执行 perftui db upgrade。未作任何修改。").format(
            path=path, found=error.found, supported=error.supported
        )
    if isinstance(error, storage.NewerSchemaError):
        return _("数据库 {path} 已由更新版本的 perftui 升级（格式 {found}，本版本只认 {supported}），未作任何修改。请升级 perftui。").format(
            path=path, found=error.found, supported=error.supported
        )
    if isinstance(error, storage.ServerReadOnlyError):
        return _("数据库 {path} 只允许这个账户查询，未保存任何修改。").format(path=path)
    if isinstance(error, storage.OutcomeUnknownError):
        return _("保存时与数据库 {path} 的连接中断，不确定是否已保存；请重新读取后再试。").format(path=path)
    if isinstance(error, storage.DriverMissingError):
        return _("未安装 PostgreSQL 驱动，无法打开 {path}；请安装：pip install 'perftui[postgres]'").format(path=path)
    from storage.migrate import DiffersError

    if isinstance(error, DiffersError):
        table, ident = error.differing[0]
        return _("{path} 里已有 {count} 项与数据库文件不同（如 {table} 中的 {id}），为免丢失修改，未复制任何内容。").format(
            path=path, count=len(error.differing), table=table, id=ident
        )
    if isinstance(error, storage.DamagedFileError):
        return _("数据库 {path} 中的数据已损坏（{reason}），未作任何修改。请管理员用 pg_dump 的备份恢复。").format(
            path=path, reason=damage_text(error.reason)
        )
    if isinstance(error, storage.LockTimeoutError):
        return _("等了 {timeout:g} 秒仍无法写入 {path}：另一个 perftui 正在保存。请稍后再试。").format(
            path=path, timeout=error.timeout
        )
    if isinstance(error, storage.ServerError):
        return _("数据库 {path} 出错：{reason}").format(path=path, reason=" ".join(str(error).split()))
    return None

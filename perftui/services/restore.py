"""Backups as operators see them: what each holds, and bringing one back.

The file mechanics (when a backup is taken, hard links, pruning, the atomic
restore under the write lock) are :mod:`storage.backup`; this module adds what
only perftui knows: how many forms a backup holds and their 年度财政拨款, a
backup named the way a person names it, and the history note of a restore.

Everything here works when the database itself is damaged, because that is
when backups are needed: nothing opens the live database through a
:class:`~perftui.services.repository.Repository` before the restore.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import storage
from perftui.config import Actor, current_actor
from perftui.core.history import BACKUP_RESTORED, entry_doc
from perftui.core.history_chain import sealed
from perftui.i18n import N_, gettext as _
from perftui.core.model import Form
from perftui.services.repository import FORMS, HISTORY, form_doc_problem, open_backups
from perftui.core.totals import totals
from storage.backup import DEFAULT_KEEP, Backup, Backups

__all__ = ["Contents", "BackupInfo", "contents_of", "describe_file", "list_backups", "find", "restore", "reason_label"]

REASON_LABELS = {
    "daily": N_("每日首次修改前"),
    "import": N_("导入前"),
    "created": N_("新建数据库时"),
    "before-restore": N_("恢复备份前"),
}


class BackupNotFound(LookupError):
    """No backup matches what the operator typed; str() is one line."""


@dataclass(frozen=True, slots=True)
class Contents:
    """What a database file (live or backup) holds, or why it cannot be read."""

    forms: int = 0
    deleted: int = 0
    indicators: int = 0
    fiscal: Decimal = Decimal(0)
    problem: str | None = None  # one line, already in the operator's language

    @property
    def usable(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, slots=True)
class BackupInfo:
    number: int  # 1 = newest, as listed
    backup: Backup
    contents: Contents


def reason_label(reason: str) -> str:
    label = REASON_LABELS.get(reason)
    return _(label) if label else reason


def _forms_of(data: dict[str, Any], path: str) -> tuple[list[Form], int]:
    live, deleted = [], 0
    for doc in (data.get(FORMS) or {}).values():
        problem = form_doc_problem(doc)
        if problem is not None:
            raise storage.DamagedFileError(path, problem)
        if doc.get("deleted_at"):
            deleted += 1
        else:
            live.append(Form.from_doc(doc))
    return live, deleted


def contents_of(data: dict[str, Any], path: str) -> Contents:
    """Counts and 年度财政拨款 of parsed database data (raises DamagedFileError for bad forms)."""
    live, deleted = _forms_of(data, path)
    sums = totals(live)
    return Contents(sums.forms, deleted, sums.indicators, sums.fiscal)


def describe_file(backups: Backups, file: Backup | str) -> Contents:
    """Read and count one database file; a damaged one gives its problem instead of raising.

    A :class:`Backup` is also checked against what was recorded when it was taken.
    """
    from perftui.text.errors import damage_text, describe

    path = file.path if isinstance(file, Backup) else file
    try:
        data = backups.read(file)
        return contents_of(data, path)
    except storage.NewerSchemaError as error:
        return Contents(problem=describe(error))
    except storage.DamagedFileError as error:
        # Said beside the file in the list of backups: not "see perftui backups", which this is.
        return Contents(problem=_("已损坏（{reason}）").format(reason=damage_text(error.reason)))
    except storage.StorageError as error:
        return Contents(problem=describe(error))


def list_backups(db_path: str | os.PathLike[str], *, keep: int = DEFAULT_KEEP) -> list[BackupInfo]:
    """Every backup of the database, newest first, each with what it holds."""
    backups = open_backups(db_path, keep=keep)
    return [
        BackupInfo(number, backup, describe_file(backups, backup))
        for number, backup in enumerate(backups.list(), start=1)
    ]


def find(db_path: str | os.PathLike[str], query: str) -> Backup:
    """The backup an operator means: its number in the listing, its file name (or a unique part), or a path."""
    backups = open_backups(db_path).list()
    query = query.strip()
    if query.isdigit() and 1 <= int(query) <= len(backups):
        return backups[int(query) - 1]
    exact = [b for b in backups if query in (b.name, b.path, b.name.removesuffix(".json"))]
    if exact:
        return exact[0]
    if os.sep in query and Path(query).is_file():
        chosen = Path(query).resolve()
        return Backup(str(chosen), datetime.fromtimestamp(chosen.stat().st_mtime), "file")
    partial = [b for b in backups if query and query in b.name]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise BackupNotFound(
            _("有 {n} 个备份符合“{query}”，请写完整的名称或序号").format(n=len(partial), query=query)
        )
    raise BackupNotFound(_("没有符合“{query}”的备份；用 perftui backups 查看").format(query=query))


def restore(
    db_path: str | os.PathLike[str],
    backup: Backup,
    *,
    actor: Actor | None = None,
    keep: int = DEFAULT_KEEP,
    max_bytes: int | None = None,
    read_only: bool = False,
    lock_timeout: float | None = None,
) -> Backup | None:
    """Bring ``backup`` back as the database; returns the backup that now holds the replaced file.

    One atomic write under the write lock. The restored database's history
    gains an entry saying who restored which backup, in the same write.
    Refuses a backup perftui cannot read (DamagedFileError, naming it).
    """
    if read_only:
        raise storage.ReadOnlyError(os.fspath(db_path))
    actor = actor or current_actor()
    backups = open_backups(db_path, keep=keep, max_bytes=max_bytes)
    if lock_timeout is not None:
        backups.lock_timeout = lock_timeout
    head = [""]  # the hash of the backup's newest history entry: the note chains onto it

    def note(kept: Backup | None) -> tuple[str, dict[str, Any]]:
        # "the file that was there (now kept as backup X) -> backup Y"
        entry = entry_doc(
            actor,
            BACKUP_RESTORED,
            at=datetime.now().astimezone().isoformat(timespec="seconds"),
            changes=[("backup", kept.name if kept else None, backup.name)],
        )
        return HISTORY, sealed(entry, head[0], None)

    def check(data: dict[str, Any]) -> None:
        _forms_of(data, backup.path)
        entries = list((data.get(HISTORY) or {}).values())
        head[0] = str(entries[-1].get("hash", "")) if entries and isinstance(entries[-1], dict) else ""

    return backups.restore(backup, log=note, check=check)

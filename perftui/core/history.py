"""The history of every change to a form: its entries, and going back in it.

Showing entries to people is :mod:`perftui.text.history_lines`.

Each change the repository makes appends one entry (who, when, from where,
which fields went from what to what) in the same atomic write as the change
itself. Entries carry the revision the change produced, so a form's history is
a gapless run of revisions 1..n, and any earlier version can be rebuilt from
the current form by undoing the recorded changes newest first. Nothing here
touches the store: :class:`~perftui.services.repository.Repository` reads and writes.

Field keys are the stored document's paths (``name``, ``funding.annual.fiscal``,
``goals.period``, ``indicators[3]``); values are as stored (amounts as the
canonical strings, indicator rows as ``[一级, 二级, 三级, 指标值]``, a missing
row as ``None``), so the history shows amounts exactly as they were entered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from perftui.config import Actor
from perftui.i18n import N_, gettext as _
from perftui.core.model import FIELD_LABELS, Form
from perftui.core.normalize import clean_text

# What a history entry says happened (the values are stored; never rename them).
CREATED, IMPORTED, SAVED, DELETED, RESTORED, COPIED, REVERTED = (
    "create", "import", "save", "delete", "restore", "copy", "revert",
)
#: A forced save that replaced someone else's newer revision ("keep mine").
OVERWRITTEN = "overwrite"
#: A whole backup was restored; not about one form (``form_id`` is empty).
BACKUP_RESTORED = "backup-restore"

ACTION_LABELS = {
    CREATED: N_("新建"),
    IMPORTED: N_("导入"),
    SAVED: N_("保存"),
    DELETED: N_("删除"),
    RESTORED: N_("撤销删除"),
    COPIED: N_("复制"),
    REVERTED: N_("回退"),
    OVERWRITTEN: N_("覆盖他人的修改"),
    BACKUP_RESTORED: N_("恢复备份"),
}

_ROW = re.compile(r"indicators\[(\d+)\]")


class HistoryError(LookupError):
    """A version that the history cannot give back; str() is one line for the operator."""


def _copied(value: Any) -> Any:
    # Copies of indicator rows (``doc`` may be the store's own, Snapshot.view),
    # cleaned as a form's text is: a hand-edited history is read like a hand-edited form.
    if isinstance(value, list):
        return [clean_text(cell) if isinstance(cell, str) else cell for cell in value]
    return clean_text(value, multiline=True) if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One recorded change. ``revision`` is the form's revision after the change."""

    id: str
    form_id: str
    form_name: str
    action: str
    at: str
    by: str
    client: str
    revision: int
    changes: tuple[tuple[str, Any, Any], ...] = ()

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> HistoryEntry:
        changes = doc.get("changes")
        changes = [] if changes is None else changes
        if not isinstance(changes, list) or not all(isinstance(c, list) and len(c) == 3 for c in changes):
            raise ValueError(f"history entry {doc.get('id')!r} has malformed changes")
        return cls(
            str(doc["id"]),
            str(doc.get("form_id", "")),
            clean_text(str(doc.get("form_name", ""))),
            str(doc.get("action", "")),
            clean_text(str(doc.get("at", ""))),
            clean_text(str(doc.get("by", ""))),
            clean_text(str(doc.get("client", ""))),
            int(doc.get("revision") or 0),
            tuple((str(key), _copied(old), _copied(new)) for key, old, new in changes),
        )

    @property
    def who(self) -> str:
        """The OS user, and over SSH the client address: ``alice@10.0.0.5``."""
        return f"{self.by}@{self.client}" if self.client else self.by

    @property
    def is_creation(self) -> bool:
        """Did this change bring the form into being (nothing before it)?"""
        return self.revision == 1


def entry_doc(
    actor: Actor,
    action: str,
    *,
    at: str,
    form_id: str = "",
    form_name: str = "",
    revision: int = 0,
    changes: Iterable[tuple[str, Any, Any]] = (),
    stamp: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """The stored form of a history entry (the ``id`` is added by the store).

    ``stamp`` is the form's last-change stamp when it is not this entry's own
    time and person (a form imported from an export keeps the export's), so
    that :mod:`perftui.core.history_chain` can rebuild the stored form exactly.
    """
    doc = {
        "form_id": form_id,
        "form_name": form_name,
        "action": action,
        "at": at,
        "by": actor.user,
        "client": actor.client,
        "revision": revision,
        "changes": [list(change) for change in changes],
    }
    if stamp is not None:
        doc["stamp"] = list(stamp)
    return doc


# -- going back ------------------------------------------------------------


def _set(doc: dict[str, Any], key: str, value: Any) -> None:
    """Set the stored field ``key`` of a form document (indicator rows: see :func:`apply_changes`)."""
    if key not in FIELD_LABELS or key == "indicators":
        raise HistoryError(_("历史记录中有无法识别的栏目：{key}").format(key=key))
    *path, last = key.split(".")
    target = doc
    for part in path:
        target = target.setdefault(part, {})
    target[last] = value


def apply_changes(doc: dict[str, Any], changes: Iterable[tuple[str, Any, Any]], *, undo: bool) -> None:
    """Apply recorded changes to a form document (new values), or undo them (old values).

    Indicator rows are recorded by position; a ``None`` side means the row did
    not exist, and rows only ever appear or vanish at the end, so dropping the
    ``None`` rows after setting them gives the table as it was.
    """
    rows: list[Any] = list(doc.get("indicators") or [])
    touched_rows = False
    for key, old, new in changes:
        value = old if undo else new
        match = _ROW.fullmatch(key)
        if match is None:
            _set(doc, key, value)
            continue
        index = int(match.group(1)) - 1
        if index < 0:
            raise HistoryError(_("历史记录中有无法识别的栏目：{key}").format(key=key))
        rows.extend([None] * (index + 1 - len(rows)))
        rows[index] = value
        touched_rows = True
    if touched_rows:
        doc["indicators"] = [row for row in rows if row is not None]


def _by_revision(entries: Iterable[HistoryEntry], form_id: str) -> dict[int, HistoryEntry]:
    return {entry.revision: entry for entry in entries if entry.form_id == form_id}


def _stamped(form: Form, entry: HistoryEntry | None, revision: int) -> Form:
    if entry is None:
        return form.evolve(revision=revision)
    return form.evolve(revision=revision, updated_at=entry.at, updated_by=entry.who)


def reconstruct(current: Form, entries: Iterable[HistoryEntry], revision: int) -> Form:
    """The form as it was at ``revision``: the current form with later changes undone.

    Raises :class:`HistoryError` for a revision the form never had, or when an
    entry between the two is missing (a database from before history was kept).
    """
    if not 1 <= revision <= current.revision:
        raise HistoryError(
            _("“{name}”没有修订 {revision}（现在是修订 {current}）").format(
                name=current.name, revision=revision, current=current.revision
            )
        )
    by_revision = _by_revision(entries, current.id)
    doc = current.to_doc()
    for step in range(current.revision, revision, -1):
        entry = by_revision.get(step)
        if entry is None:
            raise HistoryError(
                _("“{name}”修订 {step} 的历史记录缺失，无法还原更早的版本").format(name=current.name, step=step)
            )
        apply_changes(doc, entry.changes, undo=True)
    return _stamped(Form.from_doc(doc), by_revision.get(revision), revision)


def replay(current: Form, entries: Iterable[HistoryEntry]) -> list[Form]:
    """Every version of a form, rebuilt forwards: ``result[r - 1]`` is revision r.

    The first version is the current form with every later change undone
    (a creation records no fields); applying each change's new values from
    there must arrive at the current form again. That, and each version
    agreeing with :func:`reconstruct`, is what "the history agrees with the
    forms" means. Raises :class:`HistoryError` when a revision is missing.
    """
    entries = list(entries)
    by_revision = _by_revision(entries, current.id)
    first = reconstruct(current, entries, 1)
    doc = first.to_doc()
    versions = [first]
    for step in range(2, max(by_revision, default=1) + 1):
        entry = by_revision.get(step)
        if entry is None:
            raise HistoryError(_("修订 {step} 的历史记录缺失").format(step=step))
        apply_changes(doc, entry.changes, undo=False)
        versions.append(_stamped(Form.from_doc(doc), entry, step))
    return versions

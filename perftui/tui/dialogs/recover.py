"""Edits kept from a session that ended without saving: restore them, discard them, or ask again later.

``RecoverScreen(edits, stored)`` is dismissed with ``"restore"``, ``"discard"``
or ``"later"`` (Esc: nothing is lost by putting off the answer). It names the
form, when the edits were kept and what changed since: a form saved by someone
else meanwhile goes through the conflict dialog after restoring.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType

from perftui.core.model import Form
from perftui.i18n import N_, gettext as _
from perftui.services.unsaved import UnsavedEdits
from perftui.tui import keys
from perftui.tui.dialogs.choice import ChoiceDialog

RESTORE, DISCARD, LATER = "restore", "discard", "later"


def recover_text(edits: UnsavedEdits, stored: Form | None) -> str:
    """Which form, when, and whether it moved on since the edits began."""
    year = edits.texts.get("year", "").strip()
    lines = [
        _("{year}年度 · 修改记于 {at}").format(year=year or "?", at=edits.kept_at.replace("T", " ")[:16]),
    ]
    if edits.base is None:
        lines.append(_("这是一张新表（尚未保存过）。"))
    elif stored is None:
        lines.append(_("这张表此后已被删除；恢复后会先显示冲突，可选择保留你的版本。"))
    elif stored.revision != edits.base.revision:
        lines.append(
            _("这张表此后已被 {who} 保存（修订 {revision}，你的修改基于修订 {base}）；恢复后会先显示冲突。").format(
                who=stored.updated_by or _("另一位操作员"), revision=stored.revision, base=edits.base.revision
            )
        )
    lines += ["", _("恢复：在编辑器中打开这些修改，检查后保存。放弃：删除这些修改。")]
    return "\n".join(lines)


class RecoverScreen(ChoiceDialog):
    """Dismissed with ``"restore"``, ``"discard"`` or ``"later"``."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(keys.RECOVER)
    CHOICES = (
        ("recover.restore", RESTORE, N_("恢复")),
        ("recover.discard", DISCARD, N_("放弃这些修改")),
        ("recover.later", LATER, N_("下次再问")),
    )
    ESCAPE = LATER

    def __init__(self, edits: UnsavedEdits, stored: Form | None) -> None:
        super().__init__(
            _("上次有未保存的修改：“{name}”").format(name=edits.name or _("新表")),
            recover_text(edits, stored),
        )

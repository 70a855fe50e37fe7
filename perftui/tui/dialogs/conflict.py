"""Two operators, one form: what the other side changed, and what to do about it.

Shown when a save is refused because someone else saved the form since it was
opened (:class:`perftui.services.repository.Conflict`). It lists, field by field, what
they changed and what you changed, and asks: reload theirs, keep mine (the
caller asks once more before overwriting) or keep editing. Nothing is decided
without the operator.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import BindingType

from perftui.i18n import N_, gettext as _
from perftui.core.model import FIELD_LABELS, Form, fields_changed
from perftui.text.width import truncate
from perftui.tui import keys
from perftui.tui.dialogs.choice import ChoiceDialog

RELOAD, OVERWRITE, EDIT = "reload", "overwrite", "edit"

#: Long values (goals) are cut in the listing; the full text is in the form itself.
VALUE_WIDTH = 60


def describe_value(value: Any) -> str:
    """A stored field value as one short line: indicator rows joined, blanks named."""
    if isinstance(value, list):
        value = " / ".join(str(part) for part in value if part)
    text = " ".join(str(value if value is not None else "").split())
    return truncate(text, VALUE_WIDTH) if text else _("（空）")


def field_label(key: str) -> str:
    if key.startswith("indicators["):
        return _("第{row}行指标").format(row=key[len("indicators[") : -1])
    return _(FIELD_LABELS.get(key, key))


def change_lines(changes: list[tuple[str, Any, Any]], other: dict[str, Any] | None = None) -> list[str]:
    """One line per changed field: label, old → new; notes when the other side changed it too."""
    lines = []
    for key, old, new in changes:
        line = f"  {field_label(key)}：{describe_value(old)} → {describe_value(new)}"
        if other is not None and key in other:
            line += "  " + _("（你也改了：{mine}）").format(mine=describe_value(other[key]))
        lines.append(line)
    return lines


def conflict_text(original: Form | None, mine: Form, theirs: Form | None) -> str:
    """The body of the dialog: their changes, then yours, field by field."""
    base = original or Form(id=mine.id, layout=mine.layout)
    ours = fields_changed(base, mine)
    if theirs is None:
        lines = [_("对方已删除这张表。保留你的版本会把它恢复为你的内容。"), ""]
    else:
        who = theirs.updated_by or _("另一位操作员")
        lines = [
            _("{who}于{at}保存了这张表（修订 {revision}，你打开时是修订 {yours}）。").format(
                who=who, at=theirs.updated_at.replace("T", " ")[:16], revision=theirs.revision, yours=base.revision
            ),
            "",
            _("对方改动的字段："),
        ]
        theirs_changes = fields_changed(base, theirs)
        mine_by_key = {key: new for key, _old, new in ours}
        lines += change_lines(theirs_changes, mine_by_key) or ["  " + _("（没有内容改动）")]
        lines.append("")
    lines.append(_("你改动的字段："))
    lines += change_lines(ours) or ["  " + _("（没有）")]
    return "\n".join(lines)


class ConflictScreen(ChoiceDialog):
    """Dismissed with ``"reload"``, ``"overwrite"`` or ``"edit"``."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(keys.CONFLICT)
    CHOICES = (
        ("conflict.reload", RELOAD, N_("载入对方的版本")),
        ("conflict.keep-mine", OVERWRITE, N_("保留我的（覆盖）")),
        ("conflict.edit", EDIT, N_("继续编辑")),
    )
    ESCAPE = EDIT

    def __init__(self, original: Form | None, mine: Form, theirs: Form | None) -> None:
        super().__init__(
            _("“{name}”已被别人修改，你的修改尚未保存").format(name=mine.name or _("新表")),
            conflict_text(original, mine, theirs),
        )
        self.theirs = theirs

    def on_mount(self) -> None:
        if self.theirs is None:
            # Nothing to reload: the form is gone.
            self.query_one("#choice-reload").display = False

    def action_choose(self, answer: str) -> None:
        if answer == RELOAD and self.theirs is None:
            return
        self.dismiss(answer)

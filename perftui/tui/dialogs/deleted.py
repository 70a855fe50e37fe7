"""The deleted forms, to bring one back: ``DeletedFormsScreen(forms)`` dismisses with a form id, or None."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from perftui.i18n import gettext as _
from perftui.core.model import Form
from perftui.tui import keys


def describe_deleted(form: Form) -> str:
    when = form.updated_at.replace("T", " ")[:16]
    who = form.updated_by
    return _("{name}（{year}年度，{unit}）  删除于 {when} {who}").format(
        name=form.name or _("（未命名）"), year=form.year or "", unit=form.unit, when=when, who=who
    )


class DeletedFormsScreen(ModalScreen["str | None"]):
    """Enter (or y, ctrl+s) restores the highlighted form; ctrl+w, n or Esc closes."""

    # The focus is where keys typed ahead go (perftui.tui.type_ahead): set as the screen starts.
    AUTO_FOCUS = "#deleted"

    BINDINGS = keys.bindings(keys.MODAL)

    def __init__(self, forms: Sequence[Form]) -> None:
        super().__init__(classes="dialog")
        self.forms = list(forms)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Static(
                _("已删除的表：选中后按 Enter 恢复，{close} 关闭").format(close=keys.shown(self.app, "modal.cancel")),
                markup=False,
            )
            if self.forms:
                yield OptionList(*(Option(describe_deleted(f), id=f.id) for f in self.forms), id="deleted")
            else:
                yield Static(_("没有已删除的表。"), markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_confirm(self) -> None:
        if not self.forms:
            self.dismiss(None)
            return
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def action_cancel(self) -> None:
        self.dismiss(None)

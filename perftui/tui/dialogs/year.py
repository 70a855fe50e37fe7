"""Which year to copy a form into: ``YearPrompt(form)`` dismisses with the year, or None.

The year is read as the editor reads a 年度 (:func:`perftui.core.form_edit.parse_year`:
full-width digits, 2025年, 2025年度), and refused with the same message.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from perftui.core.form_edit import YearError, parse_year
from perftui.i18n import gettext as _
from perftui.core.model import Form
from perftui.tui import keys
from perftui.tui.type_ahead import after_typing
from perftui.tui.widgets.text_fields import TextField


class YearPrompt(ModalScreen["int | None"]):
    """Enter or ctrl+s goes on to the copy; ctrl+w or Esc cancels."""

    # The focus is where keys typed ahead go (perftui.tui.type_ahead): set as the screen starts.
    AUTO_FOCUS = "#year"

    BINDINGS = keys.bindings(keys.MODAL)

    def __init__(self, form: Form) -> None:
        super().__init__(classes="dialog")
        self.form = form

    def compose(self) -> ComposeResult:
        default = (self.form.year + 1) if self.form.year else ""
        with Vertical(classes="dialog-box"):
            yield Static(_("把“{name}”复制到哪一年度？").format(name=self.form.name or _("（未命名）")), markup=False)
            yield TextField(str(default), submit=self.action_confirm, id="year", max_length=8, compact=True)
            yield Static(
                _("复制全部内容和指标，在编辑器中打开副本；按 {save} 保存后才存入。Enter 继续 · {cancel} 取消").format(
                    save=keys.shown(self.app, "editor.save"), cancel=keys.shown(self.app, "modal.cancel")
                ),
                classes="hint",
                markup=False,
            )
            yield Static("", id="year-error", markup=False)

    def action_confirm(self) -> None:
        # ctrl+s is seen as it arrives: the digits typed before it reach the box first.
        after_typing(self, self._confirm_now)

    def _confirm_now(self) -> None:
        text = self.query_one(TextField).value
        try:
            year = parse_year(text)
        except YearError as error:
            self._refuse(str(error))
            return
        if year is None:
            self._refuse(_("请输入年度，例如 {year}。").format(year=(self.form.year or 2024) + 1))
            return
        self.dismiss(year)

    def _refuse(self, message: str) -> None:
        self.query_one("#year-error", Static).update(message)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Which year to copy a form into: ``YearPrompt(form)`` dismisses with the year, or None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from perftui.i18n import gettext as _
from perftui.model import Form
from perftui.normalize import fold
from perftui.tui import keys

EARLIEST, LATEST = 2000, 2100


def parse_year(text: str) -> int | None:
    """A four-digit year as typed (full-width digits too), or None."""
    text = fold(text).strip().removesuffix("年度").removesuffix("年").strip()
    if len(text) == 4 and text.isdigit() and EARLIEST <= int(text) <= LATEST:
        return int(text)
    return None


class YearPrompt(ModalScreen["int | None"]):
    """Enter or ctrl+s copies; ctrl+w or Esc cancels."""

    BINDINGS = keys.bindings(keys.MODAL)

    def __init__(self, form: Form) -> None:
        super().__init__(classes="dialog")
        keys.translate_bindings(self)
        self.form = form

    def compose(self) -> ComposeResult:
        default = (self.form.year + 1) if self.form.year else ""
        with Vertical(classes="dialog-box"):
            yield Static(_("把“{name}”复制到哪一年度？").format(name=self.form.name or _("（未命名）")), markup=False)
            yield Input(str(default), id="year", max_length=6, compact=True)
            yield Static(
                _("复制全部内容和指标，存为新表。Enter 复制 · {cancel} 取消").format(
                    cancel=keys.shown(self.app, "modal.cancel")
                ),
                classes="hint",
                markup=False,
            )
            yield Static("", id="year-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        year = parse_year(self.query_one(Input).value)
        if year is None:
            self.query_one("#year-error", Static).update(
                _("请输入{earliest}到{latest}之间的四位年份，例如 2025。").format(earliest=EARLIEST, latest=LATEST)
            )
            return
        self.dismiss(year)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""A yes/no question naming what is about to happen: ``ConfirmScreen(...)`` dismisses with True or False."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from perftui.i18n import gettext as _
from perftui.tui import keys


class ConfirmScreen(ModalScreen[bool]):
    """``y`` / Enter on the confirm button says yes; ``n``, ctrl+w or Esc says no."""

    # The focus is where keys typed ahead go (perftui.tui.type_ahead): set as the screen starts.
    AUTO_FOCUS = "#yes"

    BINDINGS = keys.bindings(keys.MODAL)

    def __init__(self, question: str, *, confirm: str | None = None) -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.confirm_label = confirm or _("确定")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.question, id="question", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.confirm_label} (y)", id="yes", variant="error", compact=True)
                yield Button(_("取消") + " (n)", id="no", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

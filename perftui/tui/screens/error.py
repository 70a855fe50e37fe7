"""When the database cannot be used at all (damaged, unreadable, newer format): say so and wait.

Nothing is written while this screen is up; the operator can fix the file
(or restore a backup) and press ``r`` to try again, or quit.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from perftui.i18n import gettext as _
from perftui.tui import keys


class ErrorScreen(Screen):
    KEY_SCOPES = (keys.ERROR,)
    BINDINGS = keys.bindings(keys.ERROR)

    def __init__(self, message: str) -> None:
        super().__init__(id="error-screen")
        keys.translate_bindings(self)
        self.message = message

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="error-box"):
            yield Static(_("无法打开数据库"), classes="error-title", markup=False)
            yield Static(self.message, id="error-message", markup=False)
            yield Static(
                _("按 {retry} 重试，{quit} 退出。").format(
                    retry=keys.shown(self.app, "error.retry"), quit=keys.shown(self.app, "app.quit")
                ),
                classes="hint",
                markup=False,
            )
        yield Footer()

    def show(self, message: str) -> None:
        self.message = message
        self.query_one("#error-message", Static).update(message)
        self.notify(_("仍然无法打开。"), severity="error")

    def action_retry(self) -> None:
        self.app.retry()

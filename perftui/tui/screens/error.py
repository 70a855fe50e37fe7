"""When the database cannot be used at all (damaged, unreadable, newer format): say so and wait.

Nothing is written while this screen is up; the operator can fix the file
and press ``r`` to try again, or quit, or press ``b`` for the backups
(the same list as ``perftui backups``) and bring one back after a confirmation.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from perftui.services.restore import BackupInfo
from perftui.i18n import gettext as _
from perftui.tui import keys
from perftui.config import is_database_url
from perftui.text.errors import server_backup_advice
from perftui.text.views import backup_contents_text
from perftui.tui.dialogs.backups import BackupsScreen
from perftui.tui.dialogs.confirm import ConfirmScreen
from perftui.tui.widgets.keys_footer import KeysFooter


class ErrorScreen(Screen):
    KEY_SCOPES = (keys.ERROR,)
    BINDINGS = keys.bindings(keys.ERROR)

    def __init__(self, message: str) -> None:
        super().__init__(id="error-screen")
        self.message = message

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="error-box"):
            yield Static(_("无法打开数据库"), classes="error-title", markup=False)
            yield Static(self.message, id="error-message", markup=False)
            yield Static(
                _("按 {retry} 重试，{backups} 查看并恢复备份，{quit} 退出。").format(
                    retry=keys.shown(self.app, "error.retry"),
                    backups=keys.shown(self.app, "error.backups"),
                    quit=keys.shown(self.app, "app.quit"),
                ),
                classes="hint",
                markup=False,
            )
        yield KeysFooter()

    def show(self, message: str) -> None:
        self.message = message
        self.query_one("#error-message", Static).update(message)
        self.notify(_("仍然无法打开。"), severity="error")

    def action_retry(self) -> None:
        self.app.retry()

    def action_backups(self) -> None:
        app = self.app
        if is_database_url(app.db_path):
            self.notify(server_backup_advice(app.db_path), severity="warning", markup=False, timeout=15)
            return

        def chosen(info: BackupInfo | None) -> None:
            if info is None or app.refuse_write(_("用备份恢复数据库")):
                return
            question = _("用备份 {backup}（{contents}）替换数据库 {path}？\n现在的文件会先另存为备份。").format(
                backup=info.backup.name, contents=backup_contents_text(info.contents), path=app.db_path
            )

            def answer(yes: bool | None) -> None:
                if yes:
                    app.restore_backup(info.backup)

            app.push_screen(ConfirmScreen(question, confirm=_("恢复")), answer)

        app.push_screen(BackupsScreen(app.db_path, app.settings.backups_keep), chosen)

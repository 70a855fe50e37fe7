"""The database's backups, for when it cannot be opened: ``BackupsScreen(db_path, keep)``.

Dismisses with the :class:`~perftui.services.restore.BackupInfo` the operator chose,
or None. Each backup is read in a worker (form count, 年度财政拨款, or why it
cannot be used), the same listing as ``perftui backups``; a backup that cannot
be read is listed with its problem and cannot be chosen. Restoring (after a
confirmation naming the backup) is the app's job: :meth:`PerftuiApp.restore_backup`.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from perftui.services.restore import BackupInfo, list_backups, reason_label
from perftui.i18n import gettext as _
from perftui.text.views import backup_contents_text
from perftui.text.errors import describe
from perftui.tui import keys
from storage.backup import backup_folder



def describe_backup(info: BackupInfo) -> str:
    """``1  2024-05-01 10:15:02  每日首次修改前  8 张表，年度财政拨款 3,127.56``"""
    when = info.backup.taken_at.strftime("%Y-%m-%d %H:%M:%S")
    return f"{info.number:>2}  {when}  {reason_label(info.backup.reason)}  {backup_contents_text(info.contents)}"


class BackupsScreen(ModalScreen["BackupInfo | None"]):
    """Enter (or y, ctrl+s) chooses the highlighted backup; ctrl+w, n or Esc closes."""

    # The focus is where keys typed ahead go (perftui.tui.type_ahead): set as the screen starts.
    AUTO_FOCUS = "#backups"

    BINDINGS = keys.bindings(keys.MODAL)

    def __init__(self, db_path: Path, keep: int) -> None:
        super().__init__(classes="dialog")
        self.db_path = db_path
        self.keep = keep
        self.infos: list[BackupInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Static(
                _("备份目录 {folder}，最新的在上：选中后按 Enter 恢复，{close} 关闭").format(
                    folder=backup_folder(self.db_path), close=keys.shown(self.app, "modal.cancel")
                ),
                markup=False,
            )
            yield Static(_("正在读取备份……"), id="backups-status", markup=False)
            yield OptionList(id="backups")

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="backups")
    def load(self) -> None:
        try:
            infos = list_backups(self.db_path, keep=self.keep)
        except Exception as error:  # the backup folder cannot be read
            self.app.call_from_thread(self._status, describe(error))
            return
        self.app.call_from_thread(self._show, infos)

    def _status(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#backups-status", Static).update(message)

    def _show(self, infos: list[BackupInfo]) -> None:
        if not self.is_attached:
            return
        self.infos = infos
        status = self.query_one("#backups-status", Static)
        if not infos:
            status.update(_("还没有备份（{folder}）。").format(folder=backup_folder(self.db_path)))
            return
        status.display = False
        options = self.query_one(OptionList)
        options.add_options(
            Option(describe_backup(info), id=info.backup.path, disabled=not info.contents.usable) for info in infos
        )
        usable = [n for n, info in enumerate(infos) if info.contents.usable]
        if usable:
            options.highlighted = usable[0]

    def _chosen(self) -> BackupInfo | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.infos) or not self.infos[index].contents.usable:
            return None
        return self.infos[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        info = self._chosen()
        if info is not None:
            self.dismiss(info)

    def action_cancel(self) -> None:
        self.dismiss(None)

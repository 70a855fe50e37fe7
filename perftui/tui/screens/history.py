"""A form's history: every recorded change, who made it from where, and what it changed.

Entries are listed oldest first, the order of a ledger and of
``perftui history``: an auditor reads a form's story from its creation
forwards, and revision numbers then count up down the screen. The cursor
starts on the newest entry (at the bottom), where the question usually is.
Enter on an entry shows the form as it was at that revision
(:class:`~perftui.tui.screens.version.VersionScreen`), from where it can be
brought back. The changes to the form's 监控 and 自评 are listed among them,
each under its record's name: they are part of the project's story, but only
the form itself has versions to show and bring back.

The history is read in a worker, and read again when another operator's
process writes the database while this screen is open.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from perftui.core.history import HistoryEntry
from perftui.text import history_lines
from perftui.i18n import gettext as _
from perftui.text.errors import describe
from perftui.core.model import Form
from perftui.text.width import pad, width
from perftui.tui import keys
from perftui.tui.events import DatabaseChanged
from perftui.tui.screens.version import VersionScreen
from perftui.tui.widgets.keys_footer import KeysFooter


def entry_texts(entries: Sequence[HistoryEntry], form: Form, line_width: int) -> list[Text]:
    """One block per entry: when, who, what, revision (aligned across entries), then its changes.

    The form's name is left out where it is the name in the title, and shown
    where the form was called something else at the time. An entry about the
    form's 监控 or 自评 (another id) names that record, as the history stored it.
    """
    headers = []
    for entry in entries:
        when, who, action, name, revision = history_lines.header_cells(entry)
        headers.append([when, who, action, revision, "" if name == form.name and entry.form_id == form.id else name])
    widths = [max((width(cells[i]) for cells in headers), default=0) for i in range(4)]
    texts = []
    for entry, cells in zip(entries, headers):
        head = "  ".join(pad(cell, widths[i]) for i, cell in enumerate(cells[:4]))
        text = Text(head, style="bold")
        if cells[4] and entry.form_id != form.id:
            text.append("  " + cells[4], style="bold")
        elif cells[4]:
            text.append("  " + _("（当时名为“{name}”）").format(name=cells[4]), style="bold")
        for line in history_lines.change_lines(entry, line_width=line_width):
            text.append("\n" + line)
        texts.append(text)
    return texts


class HistoryScreen(Screen):
    # The focus is where keys typed ahead go (perftui.tui.type_ahead): set as the screen starts.
    AUTO_FOCUS = "#history-entries"
    KEY_SCOPES = (keys.VIEW, keys.HISTORY)
    BINDINGS = keys.bindings(keys.VIEW, keys.HISTORY)

    def __init__(self, form: Form) -> None:
        super().__init__(id="history", classes="history")
        self.form = form  # as listed; replaced by the stored form once read
        self.entries: list[HistoryEntry] = []
        self._line_width = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("正在读取修改历史……"), id="history-status", markup=False)
        yield OptionList(id="history-entries")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = _("修改历史：{name}").format(name=self.form.name or _("（未命名）"))
        self.load()

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    # -- reading ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="history")
    def load(self, newest: bool = True) -> None:
        """Read the history; the cursor goes to the newest entry, or (``newest=False``) stays put."""
        database = self.app.database
        if database is None:
            return
        try:
            form, entries = database.history(self.form.id)
        except Exception as error:  # storage errors, a damaged history: one line
            self.app.call_from_thread(self._failed, describe(error))
            return
        self.app.call_from_thread(self._show, form, entries, newest)

    def _failed(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#history-status", Static).update(message)

    def _show(self, form: Form | None, entries: list[HistoryEntry], newest: bool = True) -> None:
        if not self.is_attached:
            return
        keep = None if newest or not self.entries else self.options.highlighted
        if form is not None:
            self.form = form
        self.entries = entries
        status = self.query_one("#history-status", Static)
        if not entries:
            status.update(_("这张表还没有修改记录。"))
        else:
            status.update(
                _("共 {n} 条，最早的在上；选中一条按 {preview} 查看当时的内容并可回退，{close} 返回。").format(
                    n=len(entries),
                    preview=keys.shown(self.app, "history.preview"),
                    close=keys.shown(self.app, "view.close"),
                )
            )
        self._fill(keep=keep)

    def _fill(self, keep: int | None) -> None:
        """(Re)build the list for the current width, the cursor on ``keep`` or on the newest entry."""
        options = self.options
        self._line_width = max(20, (options.size.width or self.app.size.width) - 4)
        texts = entry_texts(self.entries, self.form, self._line_width)
        options.clear_options()
        options.add_options(Option(text, id=entry.id) for text, entry in zip(texts, self.entries))
        if self.entries:
            newest = len(self.entries) - 1
            options.highlighted = newest if keep is None else min(keep, newest)

    def on_resize(self) -> None:
        if self.entries and max(20, self.options.size.width - 4) != self._line_width:
            self._fill(keep=self.options.highlighted)

    def on_database_changed(self, message: DatabaseChanged) -> None:
        self.load(newest=False)  # someone else's change: keep the operator's place

    # -- choosing ----------------------------------------------------------------------

    @property
    def chosen(self) -> HistoryEntry | None:
        index = self.options.highlighted
        return self.entries[index] if index is not None and 0 <= index < len(self.entries) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_preview()

    def action_preview(self) -> None:
        entry = self.chosen
        if entry is None:
            return
        if entry.form_id != self.form.id:
            self.app.notify(_("这一条是运行监控或绩效自评的修改，内容已列在上面；查看和回退只适用于绩效目标表本身。"))
            return

        def back(reverted: bool | None) -> None:
            if reverted:
                self.load()  # the revert is the newest entry now

        self.app.push_screen(VersionScreen(self.form, entry), back)

    def action_close(self) -> None:
        self.dismiss()

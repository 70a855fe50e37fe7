"""The app's side of unsaved edits: kept while editing, written when the session ends, offered back.

Editors hand their unsaved edits to the app's :class:`UnsavedKeeper` as they
change (see :class:`perftui.tui.editor.saving.SavingScreen`). This module
starts and stops the keeper, writes every editor's edits at once when the
terminal goes away or the app is told to stop (:class:`TerminalWatch`), and,
when the database has been read, offers the edits of an earlier session back
(:class:`RecoverScreen`): restored into the editor, where a form saved by
someone else meanwhile goes through the conflict dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from perftui.core.model import Form
from perftui.i18n import gettext as _
from perftui.services import unsaved
from perftui.services.unsaved import UnsavedEdits
from perftui.tui.dialogs.recover import DISCARD, RESTORE, RecoverScreen
from perftui.tui.editor.form_editor import FormEditorScreen
from perftui.tui.editor.saving import SavingScreen
from perftui.tui.state.unsaved import UnsavedKeeper
from perftui.tui.terminal import EXIT_CODES, TerminalWatch

#: Seconds the keys already typed get to reach their fields once the terminal is gone.
KEYS_GRACE = 2.0

if TYPE_CHECKING:
    from perftui.tui.app import PerftuiApp


class Recovery:
    def __init__(self, app: PerftuiApp) -> None:
        self.app = app
        self.keeper: UnsavedKeeper | None = None
        self.watch: TerminalWatch | None = None

    def start(self, *, watch_terminal: bool) -> None:
        app = self.app
        if not app.read_only and not app.demo:  # edits never to be saved (a demo's too) are not worth keeping
            self.keeper = UnsavedKeeper(unsaved.database_key(app.db_path), failed=self._failed)
        app.unsaved = self.keeper
        if watch_terminal:
            self.watch = TerminalWatch(self.terminal_gone)
            self.watch.start()

    def stop(self) -> None:
        if self.keeper is not None:
            self.keeper.stop()
        if self.watch is not None:
            self.watch.stop()

    def _failed(self, message: str) -> None:
        self.app.call_from_thread(
            self.app.notify,
            _("未保存的修改无法备存（连接中断时可能丢失）：{error}").format(error=message),
            severity="warning",
            timeout=10,
            markup=False,
        )

    # -- the session ends ----------------------------------------------------------------

    def editors(self) -> list[SavingScreen]:
        return [screen for screen in self.app.screen_stack if isinstance(screen, SavingScreen)]

    def flush(self) -> None:
        """Every editor's unsaved edits on disk now (the grid above its editor last, so its rows win)."""
        if self.keeper is None:
            return
        edits = [e for e in (editor.unsaved_edits() for editor in self.editors()) if e is not None]
        self.keeper.flush(edits)

    def terminal_gone(self, reason: str, waited: float = 0.0) -> None:
        # Keys that arrived before the connection dropped are the operator's work too: let them
        # reach their fields first (a moment; the terminal watch ends the process regardless).
        if self.app.keys_pending and waited < KEYS_GRACE:
            self.app.set_timer(0.02, lambda: self.terminal_gone(reason, waited + 0.02))
            return
        self.flush()
        self.app.exit(return_code=EXIT_CODES[reason])

    def forget_all(self) -> None:
        """Quitting with "discard": the edits go too."""
        for editor in self.editors():
            editor.forget_unsaved()

    # -- the next session ------------------------------------------------------------------

    def offer(self, found: list[UnsavedEdits]) -> None:
        """Ask about each kept set of edits in turn, newest first."""
        if not found or self.keeper is None:
            return
        edits, rest = found[0], found[1:]
        entry = self.app.catalog.get(edits.form_id)
        if entry is not None and entry.form is None:
            # The list holds this form as a server's columns: the form itself is read first.
            self.app.with_form(edits.form_id, lambda stored: self._ask(edits, rest, stored),
                               gone=lambda: self._ask(edits, rest, None))
            return
        self._ask(edits, rest, self._stored(edits))

    def _ask(self, edits: UnsavedEdits, rest: list[UnsavedEdits], stored: Form | None) -> None:
        def answered(answer: str | None) -> None:
            if answer == RESTORE:
                self.restore(edits, stored)
            elif answer == DISCARD:
                self.keeper.forget(edits.form_id)
            if rest and answer != RESTORE:
                self.offer(rest)

        self.app.push_screen(RecoverScreen(edits, stored), answered)

    def _stored(self, edits: UnsavedEdits) -> Form | None:
        entry = self.app.catalog.get(edits.form_id)
        return entry.form if entry is not None else None

    def restore(self, edits: UnsavedEdits, stored: Form | None) -> None:
        app = self.app
        if app.database is None:
            return
        if edits.base is None:
            editor = FormEditorScreen(app.database, None, template=Form(id=edits.form_id), action=edits.action,
                                      unsaved=edits)
        else:
            moved_on = stored is None or stored.revision != edits.base.revision
            editor = FormEditorScreen(app.database, edits.base, unsaved=edits, moved_on=moved_on, theirs=stored)
        app.push_screen(editor, app._edited)

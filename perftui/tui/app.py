"""The Textual app: the hub between the database (in worker threads) and the screens.

The app owns the data: a :class:`~perftui.tui.state.catalog.Catalog` read in a
worker, kept current by a :class:`~perftui.tui.state.watcher.Watcher` thread, and changed locally
when this operator saves, deletes or restores a form. Screens ask the app to
do things (:meth:`open_form`, :meth:`new_form`, :meth:`copy_form`,
:meth:`edit_indicators`, :meth:`delete_form`, :meth:`restore_form`,
:meth:`revert_form`, :meth:`restore_backup`) and the app tells the home screen
to redraw.

Forms are edited in :class:`FormEditorScreen` and :class:`IndicatorGridScreen`,
which save through the app's :class:`Database`. Every change goes through
:func:`perftui.tui.writes.run_write` (a worker; errors worded one way).

In read-only mode every write is refused by :meth:`refuse_write`, which says so
in one line: a key that silently does nothing looks like a broken key.

Editors talk to the app with the typed messages of
:mod:`perftui.tui.events`: ``FormSaved``, ``FormDeleted``, ``DraftChanged``;
their totals line asks with ``TotalsWanted``. Quitting with unsaved edits in an
editor asks first (save / discard / stay), as leaving the editor does.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input

import storage
from perftui.services import restore as backups
from perftui.services.access import permission_warning
from perftui.config import ConfigError, Settings, current_actor, is_database_url, load_settings
from perftui.i18n import gettext as _
from perftui.text.errors import describe, describe_warning
from perftui.core.history import HistoryError
from perftui.core.scoring import DEFAULT_RULES, rules_from_config
from perftui.core.tracking import EVALUATION
from perftui.core.model import Form
from perftui.core.conflict import Conflict
from perftui.tui import keys
from perftui.tui.state.catalog import Catalog, View, copy_for_year
from perftui.tui.commands import ActionCommands
from perftui.tui.state.database import Database, Reading
from perftui.tui.state.watcher import Watcher
from perftui.tui.editor.form_editor import FormEditorScreen
from perftui.tui.dialogs.choice import DISCARD, SAVE, UnsavedChangesScreen
from perftui.tui.editor.saving import SavingScreen
from perftui.tui.dialogs.export import ExportDialog, ExportDone
from perftui.tui.editor.indicator_grid import IndicatorGridScreen
from perftui.tui.events import DatabaseChanged, DraftChanged, FormDeleted, FormSaved, RecordSaved, TotalsWanted
from perftui.tui.dialogs.confirm import ConfirmScreen
from perftui.tui.screens.error import ErrorScreen
from perftui.tui.screens.help import HelpScreen
from perftui.tui.screens.history import HistoryScreen
from perftui.tui.screens.palette import Palette
from perftui.tui.screens.home import ProjectListScreen
from perftui.tui.widgets.summary import TotalsLine
from perftui.tui.writes import run_write
from perftui.tui.type_ahead import TypeAhead
from perftui.tui.recovery import Recovery
from perftui.tui.terminal import plain_terminal
from perftui.tui.theme import PLAIN
from perftui.tui.state.unsaved import UnsavedKeeper
from perftui.services import unsaved
from perftui.services.unsaved import UnsavedEdits
from storage.backup import Backup

#: How often the watcher asks whether another process wrote the file (seconds).
POLL_INTERVAL = 0.5
#: From a server, the first paint shows this many rows (more than a tall terminal's list shows)
#: before the whole list is read; and the rest is read once that is painted, or after this long.
PREVIEW_ROWS = 100
PREVIEW_PAINT_WAIT = 1.0


class PerftuiApp(TypeAhead, App[int]):
    TITLE = "perftui"
    CSS_PATH = "app.tcss"
    BINDINGS = keys.bindings(keys.APP)
    # Our own provider only: Textual's system commands are English-only.
    COMMANDS = {ActionCommands}

    def __init__(
        self,
        db_path: Path | str,
        *,
        read_only: bool = False,
        demo: bool = False,
        settings: Settings | None = None,
        poll_interval: float = POLL_INTERVAL,
        store_options: dict[str, Any] | None = None,
        watch_terminal: bool = False,
    ) -> None:
        """``watch_terminal``: leave (keeping unsaved edits) on SIGHUP, SIGTERM or a hung-up terminal."""
        # NO_COLOR, TERM=linux or vt100: the terminal's own colours (and with NO_COLOR none at all),
        # the cursor in reverse video (perftui.tui.theme). Decided before Textual reads NO_COLOR.
        self.plain = plain_terminal(os.environ.get("TERM"), "NO_COLOR" in os.environ)
        super().__init__(ansi_color=True if self.plain else None)
        # A PostgreSQL URL stays text: it is never a path.
        self.db_path: Path | str = db_path if is_database_url(db_path) else Path(db_path)
        self.read_only, self.demo = read_only, demo
        self.poll_interval = poll_interval
        self.store_options = store_options or {}  # e.g. lock_timeout, for tests
        self.config_problem = ""
        if settings is None:
            try:
                settings = load_settings()
            except ConfigError as error:
                settings, self.config_problem = Settings(), describe(error)
        self.settings = settings
        try:
            self.rules = rules_from_config(settings.scoring)
        except ConfigError as error:
            self.rules, self.config_problem = DEFAULT_RULES, self.config_problem or describe(error)
        self.database: Database | None = None
        self.catalog = Catalog()
        self.loaded = False
        self.draft: tuple[Form | None, Form | None] | None = None
        self.last_deleted: Form | None = None
        self.problem = ""  # what is wrong with the database now, shown in a banner
        self._generation = 0  # bumped by every local change; stale re-reads are dropped
        self._had_file = False
        self._warned_permissions = False
        self._stop = threading.Event()
        self._holding_for_load = False
        self.watcher: Watcher | None = None
        #: The operator's keys by id (``[keys]`` in the config), as given to :meth:`set_keymap`.
        self.keymap: dict[str, str] = {}
        self._asking_to_quit = False
        self.home = ProjectListScreen()
        #: Where editors keep their unsaved edits (None in read-only mode); see perftui.tui.recovery.
        self.unsaved: UnsavedKeeper | None = None
        self.recovery = Recovery(self)
        self.watch_terminal = watch_terminal

    # -- start and stop ------------------------------------------------------------

    def on_mount(self) -> None:
        if self.plain:
            self.register_theme(PLAIN)
            self.theme = PLAIN.name
        self.recovery.start(watch_terminal=self.watch_terminal)
        self._apply_keymap(self.settings.keys)
        self.update_title()
        self.push_screen(self.home)
        if self.config_problem:
            self.notify(self.config_problem, severity="error", timeout=10)
        self.load()

    def _apply_keymap(self, keymap: dict[str, str]) -> None:
        unknown = sorted(set(keymap) - set(keys.BY_ID))
        if unknown:
            self.notify(
                _("配置文件 [keys] 中有未知的编号：{ids}（按 ? 查看全部编号）").format(ids=", ".join(unknown)),
                severity="warning",
                timeout=10,
            )
        self.keymap = {k: v for k, v in keymap.items() if k in keys.BY_ID}
        self.set_keymap(self.keymap)

    def on_unmount(self) -> None:
        self._stop.set()
        self.recovery.stop()

    def load(self) -> None:
        """Open and read the database in a worker; the home screen shows it when done.

        Until the list is there (or cannot be), the keys typed wait: they are
        for the list, and go to it in order once it is whole (see
        :mod:`perftui.tui.type_ahead`; a load that takes longer than its
        LONGEST_HOLD lets them on, so ctrl+q is never held for long).
        """
        if not self._holding_for_load:
            self._holding_for_load = True
            self.hold_keys()
        self.run_worker(self._load, thread=True, group="load", exclusive=True, exit_on_error=False)

    def _release_keys_held_for_load(self) -> None:
        if self._holding_for_load:
            self._holding_for_load = False
            self.release_keys()

    def _load(self) -> None:
        try:
            # Backups as in the CLI: a daily one before the first save of each day.
            database = self.database or Database(
                self.db_path,
                read_only=self.read_only,
                demo=self.demo,
                backups_keep=self.settings.backups_keep,
                backups_max_bytes=self.settings.backups_max_bytes,
                **self.store_options,
            )
            # A change committed without its backup is a success: said as a warning, not an error.
            warn = functools.partial(self.notify, severity="warning", timeout=10, markup=False)
            database.repository.on_warning = lambda warning: self._from_thread(warn, describe_warning(warning))
            database.rules = self.rules
            database.prepare()
            if not self.loaded:
                self._preview(database, PREVIEW_ROWS)
            reading = database.read()
        except Exception as error:  # storage errors, and anything a damaged form could raise
            self._from_thread(self._fatal, self._describe(error))
            return
        kept = [] if self.loaded or self.read_only else unsaved.found(self.db_path)
        self._from_thread(self._loaded, database, reading, permission_warning(self.db_path), kept)

    def _preview(self, database: Database, rows: int) -> None:
        """From a server: paint the list's first rows and the totals before the whole list is read.

        The rest is read once that screen is on the terminal (or after a
        second at most), so reading it does not slow the first paint down.
        """
        preview = database.preview(rows)
        if preview is None:
            return
        painted = threading.Event()

        def show() -> None:
            if not self.loaded:
                self.home.show_preview(preview)
            self.call_after_refresh(painted.set)

        self._from_thread(show)
        painted.wait(PREVIEW_PAINT_WAIT)

    def _warm(self, catalog: Catalog) -> None:
        """Once the list is painted: check every form in a worker, then show the summary's incomplete forms."""

        def warm() -> None:
            with storage.gc_paused():
                catalog.warm()
            self._from_thread(self.refresh_views)

        self.run_worker(warm, thread=True, group="warm", exit_on_error=False)

    def _loaded(
        self, database: Database, reading: Reading, warning: str | None = None, kept: list[UnsavedEdits] = ()
    ) -> None:
        self.database = database
        self.loaded = True
        self.home.show_preview(None)
        # A server may allow this account to read only: then the app is read-only too.
        self.read_only = self.read_only or database.read_only
        if warning and not self._warned_permissions:
            self._warned_permissions = True  # once a session, not after every retry
            self.notify(warning, severity="warning", timeout=20, markup=False)
        self._adopt(reading, external=False, first=True)
        if not reading.catalog.warmed:
            self.call_after_refresh(self._warm, reading.catalog)
        if isinstance(self.screen, ErrorScreen):
            self.pop_screen()
        self._release_keys_held_for_load()  # after the list is whole: the keys typed meanwhile are its
        self._start_watching(database)
        if not reading.exists and not self.demo:
            self._ask_to_create(list(kept))
        else:
            self.recovery.offer(list(kept))  # edits from a session that ended unsaved

    def _ask_to_create(self, kept: list[UnsavedEdits]) -> None:
        """No database file at this path: a mistyped --db should not look like an empty database."""
        folder = self.db_path.parent
        if self.read_only:
            self._fatal(_("数据库文件 {path} 不存在（只读模式，不能新建）。").format(path=self.db_path))
            return
        question = _("数据库文件 {path} 不存在。新建一个空数据库吗？").format(path=self.db_path)
        if not folder.is_dir():
            question += "\n" + _("（文件夹 {folder} 也不存在，会一并新建。）").format(folder=folder)

        def answered(yes: bool | None) -> None:
            if not yes:
                self.exit(return_code=1)
                return
            if not folder.is_dir():
                from storage.atomic import make_folder

                try:
                    make_folder(str(folder))
                except OSError as error:
                    self._fatal(describe(error))
                    return
            self.recovery.offer(kept)

        self.push_screen(ConfirmScreen(question, confirm=_("新建")), answered)

    def _fatal(self, message: str) -> None:
        """The database cannot be used at all: say why instead of crashing."""
        if not self.loaded:
            self.home.show_preview(None)  # what it showed early is not the database now
        if isinstance(self.screen, ErrorScreen):
            self.screen.show(message)
        else:
            self.push_screen(ErrorScreen(message))
        self._release_keys_held_for_load()

    def retry(self) -> None:
        self.load()

    def _from_thread(self, callback: Callable[..., Any], *args: Any) -> None:
        """Hand a result to the UI thread; after quitting there is no UI to hand it to."""
        if self._stop.is_set():
            return
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:
            pass

    @staticmethod
    def _describe(error: BaseException) -> str:
        if isinstance(error, (storage.StorageError, Conflict, HistoryError)):
            return describe(error)
        return _("出错了：{error}").format(error=describe(error))

    # -- keeping current -------------------------------------------------------------

    def _start_watching(self, database: Database) -> None:
        self.watcher = Watcher(
            database,
            self.poll_interval,
            self._stop,
            catalog=lambda: self.catalog,
            generation=lambda: self._generation,
            read=lambda reading, generation: self._from_thread(self._reread, reading, generation),
            failed=lambda error: self._from_thread(self._set_problem, self._describe(error)),
        )
        self.run_worker(self.watcher.run, thread=True, group="watch", exclusive=True, exit_on_error=False)

    def _reread(self, reading: Reading, generation: int) -> None:
        if generation != self._generation:
            # Read while our own change was being written: it may or may not
            # include it, so drop it and have the watcher read again.
            if self.watcher is not None:
                self.watcher.read_again.set()
            return
        self._adopt(reading, external=True)

    def _adopt(self, reading: Reading, *, external: bool, first: bool = False) -> None:
        if reading.exists:
            self._had_file = True
        elif self._had_file:
            # Removed or moved underneath us: keep showing what we had, and say so.
            self._set_problem(
                _("数据库文件 {path} 已不存在（被删除或移走）；下面是最后读到的内容，未作任何修改。").format(
                    path=self.db_path
                )
            )
            return
        if not first and not self.problem and self.catalog.same_as(reading.catalog):
            return  # e.g. polling a database file that does not exist yet
        self.problem = ""
        self.catalog = reading.catalog
        self.refresh_views()
        if external:
            # The top screen, and every editor (under a dialog too): it says when its form was saved by someone else.
            for screen in self.screen_stack:
                if screen is self.screen or isinstance(screen, SavingScreen):
                    screen.post_message(DatabaseChanged())

    def _set_problem(self, message: str) -> None:
        if message != self.problem:
            self.problem = message
            self.refresh_views()

    def reload(self) -> None:
        if self.database is None:
            self.load()
            return
        database = self.database
        generation = self._generation

        def read() -> None:
            try:
                reading = database.read(self.catalog)
            except Exception as error:
                self._from_thread(self._set_problem, self._describe(error))
                return
            self._from_thread(self._reread, reading, generation)

        self.run_worker(read, thread=True, group="load", exit_on_error=False)

    def refresh_views(self) -> None:
        self.update_title()
        self.home.data_changed()
        self._show_totals()

    def _show_totals(self) -> None:
        """Fill in the editors' totals lines: their year's totals, with the draft if any."""
        if not self.loaded:
            return
        for screen in self.screen_stack:
            if screen is not self.home:
                for line in screen.query(TotalsLine):
                    line.show(self.catalog.select(View(year=line.year), self.draft))

    def on_totals_wanted(self, message: TotalsWanted) -> None:
        self._show_totals()

    def update_title(self) -> None:
        parts = [_shorten(self.db_path)]
        year = self.home.view.year
        parts.append(_("全部年度") if year is None else _("{year}年度").format(year=year))
        if self.read_only:
            parts.append(_("只读"))
        self.sub_title = " · ".join(parts)

    # -- what screens ask for ---------------------------------------------------------

    def refuse_write(self, what: str) -> bool:
        """In read-only mode: say in one line that ``what`` (an action's name) cannot be done.

        Every write asks this first, before any question or dialog, so a
        lookup account is never asked to confirm something that cannot happen.
        """
        if not self.read_only:
            return False
        self.notify(
            _("只读模式：不能“{what}”，数据库未作任何修改。").format(what=what), severity="warning", markup=False
        )
        return True

    def with_form(self, form_id: str, then: Callable[[Form], None], gone: Callable[[], None] | None = None) -> None:
        """``then(form)`` with the stored live form ``form_id``.

        At once when the catalog holds the form (read from a file, the forms
        are all read anyway); from a database server the list holds only
        columns, so the form is read now, in a worker, and the keys typed
        meanwhile wait for what ``then`` opens. A form deleted meanwhile:
        ``gone()`` (by default the list is read again, and shows it gone).
        """
        entry = self.catalog.get(form_id)
        form = entry.at_hand() if entry is not None else None
        if form is not None:
            then(form)
            return
        database = self.database
        if database is None:
            return
        self.hold_keys()

        def read() -> None:
            try:
                form = database.form(form_id)
            except Exception as error:  # a server gone, a damaged form: one line, the list stays
                self._from_thread(self._form_not_read, self._describe(error))
                return
            self._from_thread(self._form_read, form, then, gone)

        self.run_worker(read, thread=True, group="read-form", exit_on_error=False)

    def _form_read(self, form: Form | None, then: Callable[[Form], None], gone: Callable[[], None] | None) -> None:
        try:
            if form is not None:
                then(form)
            elif gone is not None:
                gone()
            else:
                self.reload()
        finally:
            self.release_keys()

    def _form_not_read(self, message: str) -> None:
        self.release_keys()
        self._error_line(message)

    def with_forms(self, form_ids: list[str], then: Callable[[list[Form]], None]) -> None:
        """``then(forms)`` with these stored forms, in this order: from the catalog, or read in a worker (see :meth:`with_form`)."""
        entries = [self.catalog.get(ident) for ident in form_ids]
        at_hand = [entry.at_hand() if entry is not None else None for entry in entries]
        if all(form is not None for form in at_hand):
            then(at_hand)  # type: ignore[arg-type]
            return
        database = self.database
        if database is None:
            return

        def read() -> None:
            try:
                forms = database.forms(form_ids)
            except Exception as error:
                self._from_thread(self._error_line, self._describe(error))
                return
            self._from_thread(then, forms)

        self.run_worker(read, thread=True, group="read-forms", exit_on_error=False)

    def open_form(self, form: Form) -> None:
        """Edit a stored form (Enter on the list)."""
        if self.database is not None:
            self.push_screen(FormEditorScreen(self.database, form), self._edited)

    def new_form(self, year: int | None) -> None:
        """A new form for ``year`` (the year the list shows; else this year); 主管部门 and
        实施单位 as on the operator's last saved form (most file for one unit)."""
        if self.database is not None and not self.refuse_write(keys.label("list.new")):
            last = self.catalog.last_saved_by(current_actor().user)
            self.push_screen(
                FormEditorScreen(
                    self.database, None, year=year or date.today().year,
                    department=last.department if last else "", unit=last.unit if last else "",
                ),
                self._edited,
            )

    def copy_form(self, form: Form, year: int) -> None:
        """Open the editor on an unsaved copy of ``form`` for ``year``; ctrl+s stores it (as a copy)."""
        if self.database is None or self.refuse_write(keys.label("list.copy")):
            return
        # Renamed if ``year`` has a form of this name and unit already: an import would take one for the other.
        name = copy_for_year(form, year, self.catalog, _("（副本{n}）")).name
        self.push_screen(FormEditorScreen.for_copy(self.database, form, year, name=name), self._edited)

    def edit_indicators(self, form: Form) -> None:
        """The indicator grid on its own (F2 on the list): it saves the form itself."""
        if self.database is not None:
            self.push_screen(IndicatorGridScreen(self.database, form), self._edited)

    def open_tracking(self, form: Form, kind: str) -> None:
        """The form's 监控 (``kind`` MONITORING) or 自评 (EVALUATION) screen, its record read in a worker."""
        database = self.database
        if database is None:
            return
        from perftui.tui.tracking.evaluation_screen import EvaluationScreen
        from perftui.tui.tracking.monitoring_screen import MonitoringScreen

        screen_class = EvaluationScreen if kind == EVALUATION else MonitoringScreen

        def read() -> None:
            try:
                stored = database.record(form, kind)
            except Exception as error:  # a damaged record: one line, the list stays
                self._from_thread(self._error_line, self._describe(error))
                return
            self._from_thread(lambda: self.push_screen(screen_class(database, form, stored, rules=self.rules)))

        self.run_worker(read, thread=True, group="read-record", exit_on_error=False)

    def on_record_saved(self, message: RecordSaved) -> None:
        self._generation += 1
        self.catalog = self.catalog.with_record(message.record)
        self.refresh_views()

    def _edited(self, saved: Form | None) -> None:
        """Back from an editor: the list's cursor goes to the form saved (a new form or copy too)."""
        if saved is not None and self.catalog.get(saved.id) is not None:
            self.home.focus_form(saved)

    def open_history(self, form: Form) -> None:
        self.push_screen(HistoryScreen(form))

    def export(self, forms: list[Form], current: Form | None) -> None:
        """The export dialog for ``forms`` (what the list shows), ``current`` as "this form"."""

        def done(result: ExportDone | None) -> None:
            if result is not None:
                self.notify(result.message(), markup=False)

        dialog = ExportDialog(forms, current, db_path=self.db_path, records=self.catalog.records, rules=self.rules)
        self.push_screen(dialog, done)

    def delete_form(self, form: Form) -> None:
        self._write(lambda db: db.delete(form), self._deleted)

    def restore_form(self, form_id: str) -> None:
        if self.refuse_write(_("恢复已删除的表")):
            return
        self._write(
            lambda db: db.restore(form_id),  # NotDeleted if brought back meanwhile: one line
            lambda restored: self._stored(restored, _("已恢复“{name}”。").format(name=restored.name)),
        )

    def undo_delete(self) -> None:
        if self.last_deleted is not None:
            self.restore_form(self.last_deleted.id)

    def revert_form(self, form: Form, revision: int, then: Callable[[Form], None] | None = None) -> None:
        """Make ``form`` (as the operator sees it) what it was at ``revision``: a new, recorded change.

        Refused with one line when the stored form moved on meanwhile
        (:class:`Conflict`) or the history cannot give that revision back.
        """
        if self.refuse_write(keys.label("version.revert")):
            return

        def done(reverted: Form) -> None:
            self._stored(
                reverted,
                _("已把“{name}”回退到修订 {revision}（现在是修订 {current}）。").format(
                    name=reverted.name, revision=revision, current=reverted.revision
                ),
            )
            if then is not None:
                then(reverted)

        self._write(lambda db: db.revert(form, revision), done)

    def restore_backup(self, backup: Backup) -> None:
        """Bring ``backup`` back as the database (the replaced file is kept as a backup), then read it."""
        if self.refuse_write(_("用备份恢复数据库")):
            return

        def change():
            return backups.restore(
                self.db_path, backup, keep=self.settings.backups_keep,
                max_bytes=self.settings.backups_max_bytes,
                lock_timeout=self.store_options.get("lock_timeout"),
            )

        def done(kept) -> None:
            message = _("已恢复备份 {backup}。").format(backup=backup.name)
            if kept is not None:
                message += _("原来的文件已另存为 {kept}。").format(kept=kept.name)
            self._backup_restored(message)

        run_write(self, change, done, self._error_line)

    def _backup_restored(self, message: str) -> None:
        self.notify(message, timeout=10, markup=False)
        self.database = None  # open afresh: the file was replaced
        self.load()

    def _write(self, change: Callable[[Database], Form], done: Callable[[Form], None]) -> None:
        """Run a change in a worker; errors become one line on screen, the data stays."""
        database = self.database
        if database is None or self.refuse_write(_("修改")):
            return
        self._generation += 1
        run_write(self, lambda: change(database), done, self._write_failed)

    def _error_line(self, message: str) -> None:
        self.notify(message, severity="error", timeout=10, markup=False)

    def _write_failed(self, message: str) -> None:
        self.notify(message, severity="error", timeout=10)
        self.reload()

    def _stored(self, form: Form, message: str) -> None:
        self._generation += 1
        if self.last_deleted is not None and self.last_deleted.id == form.id:
            self.last_deleted = None
        self.catalog = self.catalog.with_form(form)
        self.refresh_views()
        self.home.focus_form(form)
        self.notify(message)

    def _deleted(self, form: Form) -> None:
        self._generation += 1
        self.last_deleted = form
        self.catalog = self.catalog.without(form)
        self.refresh_views()
        self.notify(
            _("已删除“{name}”。按 {undo} 撤销，或在“已删除的表”（{deleted}）中恢复。").format(
                name=form.name, undo=keys.shown(self, "list.undo"), deleted=keys.shown(self, "list.deleted")
            )
        )

    # -- messages from editors ------------------------------------------------------------

    def on_form_saved(self, message: FormSaved) -> None:
        self._generation += 1
        self.catalog = self.catalog.with_form(message.form)
        if self.draft is not None and self.draft[1] is not None and self.draft[1].id == message.form.id:
            self.draft = None
        self.refresh_views()

    def on_form_deleted(self, message: FormDeleted) -> None:
        self._deleted(message.form)

    def on_draft_changed(self, message: DraftChanged) -> None:
        self.draft = None if message.draft is None else (message.original, message.draft)
        self.home.data_changed()
        self._show_totals()

    # -- typing ahead -------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Letters typed ahead of a text box go into it: ``/abc`` in one burst over SSH.

        Textual hands every key of a burst to the widget focused when the burst
        arrived; when ``/`` (or ``c``) moves the focus to a text box, the
        following letters still reach the list, which ignores them, and bubble
        up here. A text box stops the keys it takes, so a printable key that
        gets here while a text box has the focus was meant for it.
        """
        focused = self.focused
        if isinstance(focused, Input) and event.is_printable and event.character:
            event.stop()
            if focused.selection.is_empty:  # as the box itself would
                focused.insert_text_at_cursor(event.character)
            else:
                focused.replace(event.character, *focused.selection)

    # -- app-wide actions ---------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit; with unsaved edits in an editor, ask first: save, discard or stay."""
        editors = [screen for screen in self.screen_stack if isinstance(screen, SavingScreen)]
        if self._asking_to_quit:
            return  # the question is on screen: answer it (d quits without saving)
        if any(editor.saving for editor in editors):
            self.notify(_("正在保存，请稍候"), severity="warning")
            return
        if not any(editor.has_unsaved() for editor in editors):
            self._quit_now()
            return
        # The editor's grid keeps its rows until it returns them, so the top screen is asked to save;
        # the screen that stores the form (the editor below it, or the grid itself) quits once it has.
        top = editors[-1]
        owner = next(editor for editor in editors if editor.saves_itself)

        def answered(answer: str | None) -> None:
            self._asking_to_quit = False
            if answer == DISCARD:
                self.recovery.forget_all()
                self._quit_now()
            elif answer == SAVE:
                if top is owner:
                    owner.save_then(self._quit_now)
                else:
                    owner.when_saved(self._quit_now)
                    top.action_save()

        self._asking_to_quit = True
        self.push_screen(
            UnsavedChangesScreen(
                top.form_name,
                _("只读模式不能保存：放弃修改后退出，还是留下继续编辑？") if self.read_only
                else _("保存后退出、放弃修改后退出，还是留下继续编辑？"),
                can_save=not self.read_only,
            ),
            answered,
        )

    def _quit_now(self) -> None:
        # Like the CLI: 3 when the database could not be used.
        self._stop.set()
        self.exit(return_code=3 if isinstance(self.screen, ErrorScreen) else 0)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(tuple(getattr(self.screen, "KEY_SCOPES", ()))))

    def action_command_palette(self) -> None:
        if CommandPalette.is_open(self):
            self.screen.dismiss()
        elif self.use_command_palette:
            self.push_screen(Palette(placeholder=_("输入命令名称……"), id="--command-palette"))

    def actions_here(self, screen: Screen) -> Iterable[keys.Key]:
        """The actions the command palette offers on ``screen`` (those that apply now)."""
        scopes = {keys.APP} | set(getattr(screen, "KEY_SCOPES", ()))
        for key in keys.KEYS:
            if key.writes and self.read_only:
                continue  # refused anyway; the palette offers what can be done
            if key.palette and key.scope in scopes:
                target = self.key_target(key, screen)
                if target.check_action(key.action, ()) is not False:
                    yield key

    def key_target(self, key: keys.Key, screen: Screen) -> DOMNode:
        """Where ``key``'s action runs when chosen from the palette: the app, the screen or
        (``screen.key_target``) a widget of it, such as the indicator grid's table."""
        if key.scope == keys.APP:
            return self
        find = getattr(screen, "key_target", None)
        return find(key) if find is not None else screen


def _shorten(path: Path | str) -> str:
    """The database path as typed, with the home folder as ~ (headers are narrow); a URL without its password."""
    if isinstance(path, str):
        return storage.display_location(path)
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)

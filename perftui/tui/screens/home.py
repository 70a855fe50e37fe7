"""The home screen: every form in a list, a filter, a year selector, the live summary.

The screen keeps only what the operator chose (a :class:`~perftui.tui.state.catalog.View`:
year, filter text, sort); the forms come from the app's catalog. Whenever either
changes, :meth:`ProjectListScreen.data_changed` selects the rows and hands the
same :class:`~perftui.tui.state.catalog.Selection` to the list and to the summary, so
the totals are always those of the rows on screen.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Static

from perftui.i18n import gettext as _
from perftui.core.model import Form
from perftui.core.tracking import EVALUATION, MONITORING
from perftui.tui import keys
from perftui.tui.state.catalog import SORT_COLUMNS, Entry, View
from perftui.tui.dialogs.confirm import ConfirmScreen
from perftui.tui.dialogs.deleted import DeletedFormsScreen
from perftui.tui.dialogs.year import YearPrompt
from perftui.tui.widgets.form_table import FormTable
from perftui.tui.widgets.summary import SummaryPane
from perftui.tui.widgets.text_fields import TextField
from perftui.tui.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:
    from perftui.tui.state.database import Preview


#: The actions of this screen's write keys (read-only mode refuses them).
WRITE_ACTIONS = {keys.BY_ID[key_id].action: key_id for key_id in keys.WRITES if keys.BY_ID[key_id].scope == keys.LIST}



class FilterInput(TextField):
    """The filter box: Enter (or ↓) keeps the filter and returns to the list; Esc or ctrl+u clears it."""

    BINDINGS = keys.bindings(keys.FILTER, also=("list.clear_filter",))

    def __init__(self, **kwargs) -> None:
        # Enter returns to the list at once: the keys typed after it are the list's.
        super().__init__(submit=self.action_leave, **kwargs)

    def action_clear_filter(self) -> None:
        self.value = ""

    def action_clear_and_leave(self) -> None:
        self.value = ""
        self.screen.focus_list()

    def action_leave(self) -> None:
        self.screen.focus_list()


class ProjectListScreen(Screen):
    # The focus is where keys typed ahead go (perftui.tui.type_ahead): set as the screen starts.
    AUTO_FOCUS = "#forms"
    KEY_SCOPES = (keys.LIST,)
    BINDINGS = keys.bindings(keys.LIST)
    # The summary goes beside the list only where the list keeps 120 columns: below that it
    # goes under the list, so at 120 columns the units are readable beside the names.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (156, "-wide")]

    def __init__(self) -> None:
        super().__init__(id="home")
        self.view = View()
        self._focus_id: str | None = None  # the form to select when the list is next drawn
        self._preview: Preview | None = None  # the first screen from a server, until the whole list is read

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="list-column"):
                yield Static("", id="problem", markup=False)
                with Horizontal(id="bar"):
                    yield Static("", id="years", markup=False)
                    yield FilterInput(placeholder=_("/ 筛选：项目名称、单位、指标"), id="filter", compact=True)
                yield FormTable(id="forms")
                yield Static("", id="empty", markup=False)
            yield SummaryPane(id="summary")
        yield KeysFooter()

    def on_mount(self) -> None:
        # Read-only: the footer leaves the write keys out; pressed, they still say why (KeysFooter).
        self.data_changed()

    @property
    def table(self) -> FormTable:
        return self.query_one(FormTable)

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    # -- showing -----------------------------------------------------------------------

    def data_changed(self) -> None:
        """The catalog, the draft or the view changed: redraw list, summary and banners.

        Under a full screen (the editor, the grid, history) nothing of this
        shows, so it waits until this screen is shown again (on_screen_resume):
        an editor's every keystroke would otherwise redraw a hidden list.
        """
        if not self.is_mounted or not self.query(FormTable):
            return  # not built yet, or being taken down (the app quitting under an editor)
        if self._covered():
            return
        app = self.app
        if app.loaded and app.catalog.needs_search(self.view):
            self._search(app.catalog, self.view)  # drawn when the server has answered
            return
        preview = None if app.loaded else self._preview
        if preview is not None:
            years, selection = preview.years, preview.selection
            self.table.show(selection, preview.widths)
        else:
            years = app.catalog.years()
            if self.view.year is not None and self.view.year not in years:
                self.view = replace(self.view, year=None)
            selection = app.catalog.select(self.view, app.draft, quick=True)
        if app.loaded:
            self.table.show(selection, app.catalog.text_widths())
            if self._focus_id is not None:
                self.table.select_id(self._focus_id)
                self._focus_id = None
        self.query_one(SummaryPane).set_class(self.has_class("-narrow"), "-compact")
        self.query_one(SummaryPane).show(selection, keys.shown(self.app, "list.incomplete"))
        self._show_years(years)
        self._show_empty(len(selection.entries), app.loaded)
        problem = self.query_one("#problem", Static)
        problem.update(Text("⚠ " + app.problem, style="bold") if app.problem else "")
        problem.display = bool(app.problem)
        app.update_title()
        self.refresh_bindings()

    def show_preview(self, preview: Preview | None) -> None:
        """Show the first screen of the list (from a server) until the whole list is read; None: no more."""
        self._preview = preview
        if preview is not None:
            self.data_changed()

    def _search(self, catalog, view: View) -> None:
        """A list read as a server's columns: ask the server which forms the filter text matches (in a worker), then draw."""
        app = self.app

        def ask() -> None:
            try:
                catalog.run_search(view)
            except Exception as error:  # the server gone: said on screen, the list stays as it was
                app._from_thread(app._set_problem, app._describe(error))
                return
            app._from_thread(self.data_changed)

        self.run_worker(ask, thread=True, group="search", exit_on_error=False)

    def on_resize(self) -> None:
        summary = self.query_one(SummaryPane)
        if summary.has_class("-compact") != self.has_class("-narrow"):
            summary.set_class(self.has_class("-narrow"), "-compact")
            self.call_after_refresh(summary._redraw)

    def _show_years(self, years: list[int]) -> None:
        bar = self.query_one("#years", Static)
        if len(years) < 2 and self.view.year is None:
            bar.display = False
            return
        bar.display = True
        text = Text(_("年度") + " ")
        for year in [None, *years]:
            label = _("全部") if year is None else str(year)
            if year == self.view.year:
                text.append(f"[{label}]", style="reverse bold")
            else:
                text.append(f" {label} ")
        text.append(f" ({keys.shown(self.app, 'list.year')})", style="dim")
        bar.update(text)

    def _show_empty(self, shown: int, loaded: bool) -> None:
        empty = self.query_one("#empty", Static)
        if shown:
            empty.display = False
            return
        if not loaded:
            message = _("正在读取数据库……")
        elif self.view.needle.strip():
            message = _("没有符合“{needle}”的表。按 {key} 清除筛选。").format(
                needle=self.view.needle.strip(), key=keys.shown(self.app, "list.clear_filter")
            )
        elif len(self.app.catalog):
            message = _("这一年度没有表。按 {key} 切换年度。").format(key=keys.shown(self.app, "list.year"))
        else:
            message = _("还没有表。按 {key} 新建，或在命令行用 perftui import 文件 导入。").format(
                key=keys.shown(self.app, "list.new")
            )
        empty.update(message)
        empty.display = True

    def focus_list(self) -> None:
        # set_focus, not widget.focus(): the latter waits its turn in the
        # queue, so keys typed ahead (a slow link delivers them in a burst)
        # would go to the widget that had the focus before.
        self.set_focus(self.table)

    def focus_form(self, form: Form) -> None:
        """Show ``form`` (switching year or clearing the filter if it would be hidden) and select it."""
        if not self.view.shows(form):
            self.view = View(year=form.year if self.view.year is not None else None, sort=self.view.sort,
                             descending=self.view.descending)
            self.filter_input.value = ""
        # Selected when the list is next drawn: now, or when the editor above it has gone.
        self._focus_id = form.id
        self.data_changed()

    @property
    def current_entry(self) -> Entry | None:
        form_id = self.table.current_id
        return self.app.catalog.get(form_id) if form_id else None

    @property
    def current_form(self) -> Form | None:
        """The cursor's form when it is at hand: always from a file; from a server, only once read
        (:meth:`with_current_form` reads it)."""
        entry = self.current_entry
        return entry.at_hand() if entry else None

    def with_current_form(self, then) -> None:
        """``then(form)`` with the cursor's form, read first if the list holds only its columns."""
        entry = self.current_entry
        if entry is not None:
            self.app.with_form(entry.id, then)

    # -- the filter ------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "filter":
            return
        # Every keystroke: the list draws only visible rows and each form keeps
        # its search text, so ten thousand forms filter in about 10 ms.
        self.view = replace(self.view, needle=event.value)
        self.data_changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.focus_list()

    def on_form_table_chosen(self, event: FormTable.Chosen) -> None:
        self.action_open_form()

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        app = self.app
        if action in WRITE_ACTIONS and app.read_only:
            return True  # the action itself refuses, saying so
        if action in ("open_form", "copy_form", "delete_form", "history", "export", "indicators", "monitor", "evaluation"):
            return app.loaded and self.table.row_count > 0
        if action == "undo_delete":
            return app.last_deleted is not None
        if action == "deleted_forms":
            return bool(app.catalog.deleted)
        if action == "next_year":
            return len(app.catalog.years()) > 1 or self.view.year is not None
        if action == "next_incomplete":
            return any(not entry.complete for entry in app.catalog.entries)
        if action in ("new_form", "import_files"):
            return app.loaded
        return True

    def action_open_form(self) -> None:
        self.with_current_form(self.app.open_form)

    def action_filter(self) -> None:
        self.set_focus(self.filter_input)

    def action_clear_filter(self) -> None:
        self.filter_input.value = ""
        self.focus_list()

    def _refused(self, action: str) -> bool:
        return self.app.refuse_write(keys.label(WRITE_ACTIONS[action]))

    def action_history(self) -> None:
        self.with_current_form(self.app.open_history)

    def action_export(self) -> None:
        """Export what the list shows (this year, this filter, this order); the cursor's form is "this form"."""
        ids = [entry.id for entry in self.app.catalog.select(self.view).entries]
        current = self.table.current_id
        if not ids:
            return

        def export(forms: list[Form]) -> None:
            if forms:
                self.app.export(forms, next((form for form in forms if form.id == current), None))

        self.app.with_forms(ids, export)

    def action_import_files(self) -> None:
        """The import screen (shift+i): a unit's file from a folder tree, previewed, imported on confirmation."""
        if self._refused("import_files") or self.app.database is None:
            return
        from perftui.tui.dialogs.import_files import ImportScreen

        def done(result) -> None:
            if result is not None:
                self.app.notify(result.message(), markup=False)
                self.app.reload()

        self.app.push_screen(ImportScreen(self.app.database), done)

    def action_indicators(self) -> None:
        self.with_current_form(self.app.edit_indicators)

    def action_monitor(self) -> None:
        self.with_current_form(lambda form: self.app.open_tracking(form, MONITORING))

    def action_evaluation(self) -> None:
        self.with_current_form(lambda form: self.app.open_tracking(form, EVALUATION))

    def action_new_form(self) -> None:
        if self._refused("new_form"):
            return
        # The year the list shows; showing all years, the year of the form under the cursor.
        current = self.current_entry
        self.app.new_form(self.view.year or (current.year if current else None))

    def action_copy_form(self) -> None:
        if self._refused("copy_form"):
            return

        def ask(form: Form) -> None:
            def copy(year: int | None) -> None:
                if year is not None:
                    self.app.copy_form(form, year)

            self.app.push_screen(YearPrompt(form), copy)

        self.with_current_form(ask)

    def action_delete_form(self) -> None:
        if self._refused("delete_form"):
            return
        entry = self.current_entry
        if entry is None:
            return
        # Asked from the list's own columns at once (the keys typed after d answer it);
        # the form itself is read only if the answer is yes.
        question = _("删除“{name}”（{year}年度，{unit}）？\n删除后可按 {undo} 撤销，或在“已删除的表”中恢复。").format(
            name=entry.name or _("（未命名）"),
            year=entry.year or "",
            unit=entry.unit or _("未填实施单位"),
            undo=keys.shown(self.app, "list.undo"),
        )
        form_id, revision = entry.id, entry.revision

        def delete(yes: bool | None) -> None:
            if yes:
                # The revision the operator was shown: a change by someone else meanwhile is refused.
                self.app.with_form(form_id, lambda form: self.app.delete_form(form.evolve(revision=revision)))

        self.app.push_screen(ConfirmScreen(question, confirm=_("删除")), delete)

    def action_undo_delete(self) -> None:
        if self._refused("undo_delete"):
            return
        self.app.undo_delete()

    def action_deleted_forms(self) -> None:
        def restore(form_id: str | None) -> None:
            if form_id:
                self.app.restore_form(form_id)

        self.app.push_screen(DeletedFormsScreen(self.app.catalog.deleted), restore)

    def action_next_year(self) -> None:
        choices = [None, *self.app.catalog.years()]
        index = choices.index(self.view.year) if self.view.year in choices else 0
        self.view = replace(self.view, year=choices[(index + 1) % len(choices)])
        self.data_changed()

    def action_next_sort(self) -> None:
        index = SORT_COLUMNS.index(self.view.sort)
        self.view = replace(self.view, sort=SORT_COLUMNS[(index + 1) % len(SORT_COLUMNS)], descending=False)
        self.data_changed()

    def action_reverse_sort(self) -> None:
        self.view = replace(self.view, descending=not self.view.descending)
        self.data_changed()

    def action_next_incomplete(self) -> None:
        selection = self.app.catalog.select(self.view)
        incomplete = [entry.id for entry in selection.entries if not entry.complete]
        if not incomplete:
            # Hidden by the year or the filter: show every year, unfiltered.
            self.view = View(sort=self.view.sort, descending=self.view.descending)
            self.filter_input.value = ""
            self.data_changed()
            incomplete = [e.id for e in self.app.catalog.select(self.view).entries if not e.complete]
        if not incomplete:
            return
        current = self.table.current_id
        after = incomplete.index(current) + 1 if current in incomplete else 0
        if current not in incomplete:
            # The next incomplete form below the cursor, wrapping round.
            order = [entry.id for entry in self.app.catalog.select(self.view).entries]
            here = order.index(current) if current in order else -1
            later = [i for i in incomplete if order.index(i) > here]
            target = later[0] if later else incomplete[0]
        else:
            target = incomplete[after % len(incomplete)]
        self.table.select_id(target)
        self.focus_list()

    def action_reload(self) -> None:
        self.app.reload()

    def _covered(self) -> bool:
        """Is a full (not modal) screen above this one? A modal leaves this one in view."""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        above = stack[stack.index(self) + 1 :]
        return any(not isinstance(screen, ModalScreen) for screen in above)

    def on_screen_resume(self) -> None:
        self.data_changed()

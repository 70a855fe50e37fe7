"""The indicator grid screen: a form's 一级 / 二级 / 三级 / 指标值 rows, by keyboard.

Opened from the form editor it edits the editor's draft and is dismissed with
the new rows (None when nothing changed); the editor saves them with the rest
of the form. Opened on its own (from the list) it saves the form itself, with
the same save, conflict and leave rules as the editor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.dom import DOMNode
from textual.widgets import Static

from perftui.tui.styles import stylesheet
from perftui.core import findings as _findings
from perftui.core.form_edit import Draft, field_texts
from perftui.core.rows_edit import PasteError, RowsEdit
from perftui.core.findings import Finding
from perftui.i18n import N_, gettext as _
from perftui.core.model import Form, Indicator
from perftui.core.target import parse_target
from perftui.tui import keys
from perftui.services.unsaved import UnsavedEdits
from perftui.tui.editor.fields import message_content, show
from perftui.tui.editor.saving import FormStore, SavingScreen
from perftui.tui.editor.indicator_table import IndicatorTable
from perftui.tui.widgets.summary import TotalsLine
from perftui.tui.widgets.keys_footer import KeysFooter

if TYPE_CHECKING:
    from perftui.tui.editor.form_editor import FormEditorScreen

#: How a comparator reads, for the reading of a 指标值.
_COMPARATOR_WORDS = {
    "≥": N_("不低于"),
    "≤": N_("不高于"),
    ">": N_("高于"),
    "<": N_("低于"),
    "=": N_("等于"),
    None: N_("恰为"),
}


def target_reading(text: str) -> str:
    """What a 指标值 was read as: the comparator in words, the number, the unit; or 定性."""
    if not text.strip():
        return _("（未填写）")
    target = parse_target(text)
    if target.qualitative:
        return _("定性指标")
    words = _(_COMPARATOR_WORDS.get(target.comparator) or _COMPARATOR_WORDS[None])
    unit = target.unit or _("（无单位）")
    return _("{comparator} {number}，单位 {unit}").format(comparator=words, number=target.number, unit=unit)


class IndicatorGridScreen(SavingScreen):
    """Edit a form's indicator rows; see the module docstring for what it returns."""

    DEFAULT_CSS = stylesheet(__file__)

    KEY_SCOPES = (keys.GRID,)
    # The focus is where keys typed ahead go (perftui.tui.type_ahead): set as the screen starts.
    AUTO_FOCUS = "#grid-table"
    SAVE_KEY = "grid.save"
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(keys.GRID, exclude=keys.GRID_TABLE_KEYS)

    def __init__(
        self,
        repository: FormStore,
        form: Form,
        *,
        save: bool = True,
        original: Form | None = None,
        paste: str = "",
    ) -> None:
        """Edit ``form``'s rows; with ``save`` False, ``form`` is an editor's draft of ``original``.

        ``paste``: rows pasted in the editor, added below the last row as the grid opens
        (shown, and undone with one ``u``, like a paste in the grid).
        """
        super().__init__(repository, form if save else original)
        self.saves = save
        self._base = form
        self.edit = RowsEdit(form.indicators, form.layout)
        #: Set when ctrl+s was pressed in an editor's grid: the editor saves on return.
        self.save_requested = False
        self._found: list[Finding] = []
        self._typing: tuple[int, str] | None = None
        # Added before the grid is built, so that no key typed after the paste can come before it.
        self._pasted: range | PasteError = range(0)
        if paste:
            try:
                self._pasted = self.edit.paste(len(self.edit.rows), "name", paste)
            except PasteError as error:
                self._pasted = error
        #: The editor this grid was opened from (with ``save`` False), whose edits these rows are part of.
        self.editor: FormEditorScreen | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="grid-title", markup=False)
        yield IndicatorTable(self.edit, id="grid-table")
        yield Static(id="grid-detail")
        yield TotalsLine(self._base.year, id="grid-totals")
        yield KeysFooter()

    def key_target(self, key: keys.Key) -> DOMNode:
        """The table's keys act on the table when chosen from the command palette."""
        return self.table if key.id in keys.GRID_TABLE_KEYS else self

    @property
    def table(self) -> IndicatorTable:
        return self.query_one(IndicatorTable)

    def on_mount(self) -> None:
        if isinstance(self._pasted, PasteError):
            self.table.refuse(str(self._pasted))
        else:
            self.table.pasted(self._pasted)
        self.recheck()

    # -- the draft -----------------------------------------------------------------

    @property
    def rows(self) -> tuple[Indicator, ...]:
        return self.edit.rows

    @property
    def saves_itself(self) -> bool:
        return self.saves

    def has_unsaved(self) -> bool:
        return self.edit.changed or self.is_dirty()

    def current_draft(self) -> Draft:
        return Draft(self._base.evolve(indicators=self.edit.rows))

    def load_form(self, form: Form) -> None:
        self._base = form
        self.edit = self.table.edit = RowsEdit(form.indicators, form.layout)
        self.table.show(cursor=0)
        self.recheck()

    def after_save(self, saved: Form) -> None:
        self._base = saved
        self.recheck()

    def unsaved_id(self) -> str:
        return self._base.id

    def unsaved_edits(self) -> UnsavedEdits | None:
        if self.editor is not None:
            return self.editor.unsaved_edits(rows=self.rows)
        keeper = getattr(self.app, "unsaved", None)
        if keeper is None or not self.has_unsaved():
            return None
        return UnsavedEdits(keeper.database, self._base.id, self.original, field_texts(self._base), self.rows)

    def stored_changed(self) -> None:
        self._show_title(self.current_draft())

    def recheck(self) -> None:
        """Check the draft; flag rows, and show the title and the cursor row's details."""
        draft = self.current_draft()
        self._found = _findings.check(draft.form)
        marks: dict[int, Finding] = {}
        for finding in self._found:
            if finding.row is None:
                continue
            shown = marks.get(finding.row - 1)
            if shown is None or (finding.is_error and not shown.is_error):
                marks[finding.row - 1] = finding
        self.table.set_marks(marks)
        self._show_title(draft)
        self._show_detail()
        if self.saves:
            self.announce_draft(draft)
        self.keep_unsaved()

    def _show_title(self, draft: Draft) -> None:
        parts = [_("绩效指标"), draft.form.name or _("新表"), _("{count}行").format(count=len(self.rows))]
        if self.edit.changed or self.is_dirty():
            parts.append(_("未保存") if self.saves else _("未保存（返回编辑器后保存）"))
        if self.saves and self.repository.read_only:
            parts.append(_("只读，不能保存"))
        if self.saves and (note := self.stored_note()):
            parts.append(note)
        show(self.query_one("#grid-title", Static), " · ".join(parts))

    def _show_detail(self) -> None:
        lines: list[Content] = []
        if self.rows:
            index = self.table.cursor_row
            value = self.rows[index].value
            if self._typing is not None and self._typing[0] == index:
                value = self._typing[1]
            lines.append(
                Content(
                    _("第{row}行 · 指标值“{value}”：{reading}").format(
                        row=index + 1, value=value, reading=target_reading(value)
                    )
                )
            )
            row_findings = [f for f in self._found if f.row == index + 1]
            if row_findings:
                lines.append(message_content(None, row_findings))
        general = [f for f in self._found if f.field == "indicators" and f.row is None]
        if general:
            lines.append(message_content(None, general))
        show(self.query_one("#grid-detail", Static), Content("\n").join(lines))

    # -- messages from the table ---------------------------------------------------

    def on_indicator_table_rows_changed(self, event: IndicatorTable.RowsChanged) -> None:
        self.recheck()

    def on_indicator_table_cursor_moved(self, event: IndicatorTable.CursorMoved) -> None:
        self._show_detail()

    def on_indicator_table_typing(self, event: IndicatorTable.Typing) -> None:
        # The 指标值 is read as it is typed.
        self._typing = (event.row, event.value) if event.column == "value" and event.value is not None else None
        self._show_detail()

    # -- actions -------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saves:
            super().action_save()
            return
        self.save_requested = True
        self.dismiss(self.rows)

    def action_leave(self) -> None:
        if self.saves:
            super().action_leave()
            return
        self.dismiss(self.rows if self.edit.changed else None)

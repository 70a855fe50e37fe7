"""A table of a 监控 or 自评 (its funding rows, or its indicator rows), typed into by keyboard.

Behaves as the indicator grid does (:mod:`perftui.tui.editor.indicator_table`),
for the same reasons: rows grow to show their whole text, a cell is typed
into where it stands, and every key is handled here in :meth:`on_key`, in the
order it was typed, so a burst over a slow link (Enter, "90%", Tab, ...)
lands in the cells it was meant for. What the columns hold, which cells can
be typed into and how typed text is read is the
:class:`~perftui.core.tracking_edit.RecordEdit`'s, shared with the screen: a
text it cannot read is refused in one line and the cell stays open.

Keys: arrows move; Enter types into the cell (Enter again keeps it, Esc drops
it; leaving the table with Tab keeps it too); Delete empties a cell (a blank
分值 or 得分 is the rule's again); u undoes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalGroup
from textual.content import Content
from textual.message import Message

from perftui.core.findings import Finding
from perftui.core.rows_edit import CellEdit
from perftui.core.scoring import Scorecard
from perftui.core.tracking_edit import CHOICE, CHOICES, ROWS_SECTION, CellProblem, RecordEdit, choice_label
from perftui.i18n import gettext as _
from perftui.tui import keys
from perftui.tui.editor.fields import show
from perftui.tui.styles import stylesheet
from perftui.tui.widgets.cell_table import CellRow, CellTable


class ChoiceEdit(CellEdit):
    """A cell whose value is picked from a list (达成程度, 完成目标可能性): typing filters it."""

    @property
    def picks(self) -> bool:
        return True


class SheetTable(CellTable, VerticalGroup, can_focus=True):
    """One section (``"funding"`` or ``"rows"``) of a record, as a table with a cell cursor."""

    DEFAULT_CSS = stylesheet(__file__)

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(keys.TRACK, only=keys.TRACK_TABLE_KEYS)

    @dataclass
    class Changed(Message):
        """A cell changed (typed, emptied, or an undo)."""

        table: SheetTable

    @dataclass
    class CursorMoved(Message):
        table: SheetTable

    def __init__(self, edit: RecordEdit, section: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes=f"cell-table -{section}")
        self.edit = edit
        self.section = section
        self.keys = tuple(column.key for column in edit.columns(section))
        self.cursor_row = 0
        self.cursor_column = self._first_editable()
        self.editing: CellEdit | None = None
        self.marks: dict[int, Finding] = {}
        self.card: Scorecard | None = None
        self._row_widgets: list[CellRow] = []
        self._head: CellRow | None = None

    # -- what CellTable asks ------------------------------------------------------------

    @property
    def column_keys(self) -> tuple[str, ...]:
        return self.keys

    def row_count(self) -> int:
        return len(self._row_widgets)

    def _cursor_moved(self) -> None:
        self.post_message(self.CursorMoved(self))

    def _commit_key(self, key: str) -> bool:
        if key != "enter":
            return False
        self.commit_edit()
        return True

    def _scroller(self):
        return self.screen  # the screen scrolls both tables (funding and rows) as one page

    def _repaint(self, *indexes: int) -> None:
        for index in indexes:
            self._paint(index)

    def _first_editable(self) -> int:
        return next((n for n, key in enumerate(self.keys) if self.edit.editable(self.section, 0, key)), 0)

    def compose(self) -> ComposeResult:
        self._head = CellRow(-1, self.keys, classes="head")
        yield self._head
        self._row_widgets = [CellRow(index, self.keys) for index in range(self.edit.row_count(self.section))]
        yield from self._row_widgets

    def on_mount(self) -> None:
        self.show()

    # -- showing ------------------------------------------------------------------

    def show(self) -> None:
        """Paint every cell as the record is now (after a change, a reload, a save)."""
        if self._head is None:
            return
        months = self.edit.months
        for cell, column in zip(self._head.cells, self.edit.columns(self.section)):
            show(cell, column.heading(months))
        self.card = self.edit.card() if self.edit.kind == "evaluation" else None
        count = self.edit.row_count(self.section)
        while len(self._row_widgets) > count:
            self._row_widgets.pop().remove()
        new = [CellRow(index, self.keys) for index in range(len(self._row_widgets), count)]
        if new:
            self._row_widgets.extend(new)
            self.mount_all(new)
        self.cursor_row = max(0, min(self.cursor_row, count - 1))
        for index in range(count):
            self._paint(index)

    def set_marks(self, marks: dict[int, Finding]) -> None:
        self.marks = marks
        for index in range(len(self._row_widgets)):
            self._paint(index)

    def _paint(self, index: int) -> None:
        if not 0 <= index < len(self._row_widgets):
            return
        row = self._row_widgets[index]
        if self.section == ROWS_SECTION:
            rows = self.edit.record.rows
            level1 = rows[index].indicator.level1
            row.set_class(index > 0 and level1 != rows[index - 1].indicator.level1, "group-start")

        def content(column: int, key: str) -> str | Content:
            text, dim = self.edit.shown(self.section, index, key, self.card)
            return Content.styled(text, "dim") if dim and text else text

        self._paint_cells(index, row, content)

    def on_focus(self) -> None:
        self._scroll_to_cursor()
        self.post_message(self.CursorMoved(self))

    def on_blur(self) -> None:
        """Tab moved on (at once; this runs after the keys typed before it): keep what was typed.

        Text the cell cannot hold is dropped with its one-line reason, as Esc would drop it.
        """
        if self.editing is not None and not self.commit_edit():
            self.cancel_edit()

    # -- keys ------------------------------------------------------------------------

    def _binding(self, key: str):
        """(node, binding) for ``key`` among this table's keys and its screen's, after the keymap.

        Not the screen's ``active_bindings``: those follow the focus *now*, and a
        key typed before Tab is handled here after Tab has moved the focus on.
        """
        keymap = getattr(self.app, "keymap", None)
        for node in (self, self.screen):
            bindings = node._bindings.copy()
            if keymap:
                bindings.apply_keymap(keymap)
            found = bindings.key_to_bindings.get(key)
            if found:
                return node, found[0]
        return None

    async def on_key(self, event: events.Key) -> None:
        found = self._binding(event.key)
        if self.editing is not None:
            if self._edit_key(event) or found is None:
                event.stop()
                event.prevent_default()
                return
            # ctrl+s, ctrl+q and the like: keep what was typed first, then let the key do its work.
            if not self.commit_edit():
                event.stop()
                event.prevent_default()
                return
        if found is None:
            return  # app keys (quit, command palette) take their usual way
        node, binding = found
        event.stop()
        event.prevent_default()
        await self.app.run_action(binding.action, node)

    def on_paste(self, event: events.Paste) -> None:
        if self.editing is not None:
            event.stop()
            self.editing.insert(event.text)
            self._paint(self.editing.row)

    def clicked(self, row: int, column: int, *, double: bool) -> None:
        if row < 0 or column >= len(self.keys):
            return
        if self.editing is not None and not self.commit_edit():
            return
        self.move_to(row, column)
        if double:
            self.action_edit()

    # -- moving ------------------------------------------------------------------------

    @property
    def cursor_key(self) -> str:
        return self.keys[self.cursor_column]

    # -- changing ----------------------------------------------------------------------

    def _changed(self) -> None:
        self.show()
        self.post_message(self.Changed(self))

    def action_clear(self) -> None:
        """Empty the cell under the cursor (a 分值 or 得分 goes back to the rule's)."""
        if self.editing is not None or not self.edit.editable(self.section, self.cursor_row, self.cursor_key):
            return
        try:
            changed = self.edit.clear(self.section, self.cursor_row, self.cursor_key)
        except CellProblem as problem:  # pragma: no cover - every cell may be blank
            self.notify(str(problem), severity="warning", markup=False)
            return
        if changed:
            self._changed()

    def action_undo(self) -> None:
        if self.editing is None:
            self._undo(lambda step: self.post_message(self.Changed(self)))

    def start_edit(self, row: int, column: int) -> None:
        """Type into a cell; a cell that cannot change says so (the 三级指标 is the target form's)."""
        if self.editing is not None or not 0 <= row < len(self._row_widgets):
            return
        self.move_to(row, column)
        key = self.keys[column]
        if not self.edit.editable(self.section, row, key):
            self.notify(_("这一格不能在这里修改（指标和指标值在目标表中修改）"), severity="warning", timeout=4)
            return
        spec = self.edit.column(self.section, key)
        text = self.edit.text(self.section, row, key)
        if spec.kind == CHOICE:
            labels = tuple(choice_label(value) for value in spec.choices)
            self.editing = ChoiceEdit(row, key, "", labels, text)
        else:
            self.editing = CellEdit(row, key, text)
            if spec.kind == CHOICES:
                self.notify("／".join(choice_label(value) for value in spec.choices), title=_("可选"), timeout=6)
        self._paint(row)
        self._scroll_to_cursor()

    def commit_edit(self) -> bool:
        """Keep what was typed; False (and the cell stays open) when the text cannot be read."""
        editing = self.editing
        if editing is None:
            return True
        value = self._value_typed()
        if value is None:
            return False
        try:
            changed = self.edit.set(self.section, editing.row, editing.column, value)
        except CellProblem as problem:
            self.refuse(str(problem), "error", timeout=6)
            return False
        self.editing = None
        if changed:
            self._changed()
        else:
            self._paint(editing.row)
        return True

"""What the indicator grid and the 监控/自评 tables share: cells with a cursor, typed into in place.

Both tables (:class:`perftui.tui.editor.indicator_table.IndicatorTable` and
:class:`perftui.tui.tracking.sheet_table.SheetTable`) are rows of :class:`Cell`
that grow to show their whole text, with one cell under the cursor and at most
one being typed into (a :class:`~perftui.core.rows_edit.CellEdit`). Here is how
such a table paints its cells and flags, moves its cursor and applies the keys
typed into a cell; what a cell holds, which keys start or end an edit and
which bindings a key runs are each table's (the hooks of :class:`CellTable`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual import events
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from perftui.core.findings import Finding
from perftui.core.rows_edit import CellEdit
from perftui.i18n import gettext as _
from perftui.tui.editor.fields import show
from perftui.tui.styles import stylesheet

#: Keys that change the text of the cell being edited.
TEXT_KEYS = {
    "backspace": CellEdit.backspace,
    "delete": CellEdit.delete,
    "ctrl+d": CellEdit.delete,
    "ctrl+u": CellEdit.clear_left,
    "ctrl+k": CellEdit.clear_right,
    "home": CellEdit.home,
    "ctrl+a": CellEdit.home,
    "end": CellEdit.end,
    "ctrl+e": CellEdit.end,
}
#: Keys that move the text cursor in the cell being edited.
MOVES = {"left": -1, "right": 1}
#: Keys that move the highlight among a cell's choices (一级/二级, 达成程度...).
CHOICE_MOVES = {"up": -1, "down": 1, "pageup": -5, "pagedown": 5}
#: Keys that drop what was typed (Esc is never the only one).
CANCELS = ("escape", "ctrl+w")


class Cell(Static):
    """One cell; a click puts the cursor on it, a double click edits it.

    Its look (``cell_table.tcss``) is the same in every :class:`CellTable`.
    """

    # Not scoped: the rules are about a cell inside a table with the ``cell-table`` class.
    SCOPED_CSS = False
    DEFAULT_CSS = stylesheet(__file__)

    def __init__(self, row: int, column: int, classes: str) -> None:
        super().__init__("", classes=classes, markup=False)
        self.row, self.column = row, column

    def on_click(self, event: events.Click) -> None:
        event.stop()
        table = next(a for a in self.ancestors if isinstance(a, CellTable))
        table.focus()
        table.clicked(self.row, self.column, double=event.chain >= 2)


class CellRow(HorizontalGroup):
    """One row of a table: a cell per column (class ``c-<key>``), then a finding mark (``c-mark``)."""

    def __init__(self, row: int, keys: Sequence[str], classes: str | None = None) -> None:
        self.cells = [Cell(row, column, f"c-{key}") for column, key in enumerate(keys)]
        self.cells.append(Cell(row, len(keys), "c-mark"))
        super().__init__(*self.cells, classes=classes)


def editing_content(editing: CellEdit, no_match: str) -> Content:
    """The cell being typed into: the text with a cursor; for a cell with choices, the matching ones
    (``no_match`` when none does)."""
    text, cursor = editing.text, editing.cursor
    at = text[cursor] if cursor < len(text) else " "
    parts: list[str | tuple[str, str]] = [text[:cursor], (at, "reverse"), text[cursor + 1 :]]
    if editing.picks:
        if not text and editing.current:
            parts.append((editing.current, "dim"))
        matches = editing.matches
        if not matches:
            parts.append(("\n" + no_match, "$text-warning"))
        for index, choice in enumerate(matches):
            if index == min(editing.highlighted, len(matches) - 1):
                parts.append(("\n› " + choice, "bold reverse"))
            else:
                parts.append("\n  " + choice)
    return Content.assemble(*parts)


class CellTable:
    """Mixin of a table widget: the cursor, painting, typing.

    Not a widget itself: a widget base listed before the table's container
    class would take the container's place in Textual's CSS type names.
    The table adds the ``cell-table`` class for the shared look (``cell_table.tcss``).

    The table keeps ``cursor_row``, ``cursor_column``, ``editing``, ``marks``,
    ``_row_widgets`` (a :class:`CellRow` per row) and ``edit`` (what it changes,
    with ``undo()``), and implements the hooks:
    :attr:`column_keys`, :meth:`row_count`, :meth:`_repaint`,
    :meth:`_commit_key`, :meth:`_no_match`, :meth:`_cursor_moved` and
    :meth:`clicked` (and may extend :meth:`_typed` and :meth:`_edit_ended`).
    """

    cursor_row: int
    cursor_column: int
    editing: CellEdit | None
    marks: dict[int, Finding]
    _row_widgets: list[CellRow]

    # -- hooks -------------------------------------------------------------------------

    @property
    def column_keys(self) -> Sequence[str]:  # pragma: no cover - every table has columns
        raise NotImplementedError

    def row_count(self) -> int:  # pragma: no cover - every table counts its rows
        raise NotImplementedError

    def _repaint(self, *indexes: int) -> None:  # pragma: no cover - every table paints
        raise NotImplementedError

    def _commit_key(self, key: str) -> bool:  # pragma: no cover - every table ends an edit
        """Apply ``key`` if it ends the edit keeping what was typed; False if it does not."""
        raise NotImplementedError

    def _no_match(self) -> str:
        """What a cell with choices says when what was typed matches none."""
        return _("（没有匹配的一项）")

    def _not_a_choice(self, typed: str) -> str:
        """What a cell with choices says when it is left with text that matches none."""
        return _("“{typed}”不是可选的一项，请从列表中选").format(typed=typed)

    def _cursor_moved(self) -> None:  # pragma: no cover - every table says where its cursor is
        raise NotImplementedError

    def clicked(self, row: int, column: int, *, double: bool) -> None:  # pragma: no cover
        raise NotImplementedError

    def start_edit(self, row: int, column: int) -> None:  # pragma: no cover - every table edits
        raise NotImplementedError

    def _typed(self) -> None:
        """The text of the cell being edited changed."""
        assert self.editing is not None
        self._repaint(self.editing.row)

    def _edit_ended(self, editing: CellEdit) -> None:
        """An edit ended (kept or dropped)."""

    # -- painting -----------------------------------------------------------------------

    def _paint_cells(self, index: int, row: CellRow, content: Callable[[int, str], str | Content]) -> None:
        """Paint row ``index``: ``content(column, key)`` in each cell (the cell being typed into
        shows the typing), the cursor, and the row's finding mark."""
        for column, key in enumerate(self.column_keys):
            cell = row.cells[column]
            at_cursor = index == self.cursor_row and column == self.cursor_column
            editing = at_cursor and self.editing is not None
            if editing:
                assert self.editing is not None
                show(cell, editing_content(self.editing, self._no_match()))
            else:
                show(cell, content(column, key))
            cell.set_class(at_cursor and not editing, "-cursor")
            cell.set_class(editing, "-editing")
        mark = self.marks.get(index)
        flag = row.cells[len(self.column_keys)]
        show(flag, ("✗" if mark.is_error else "!") if mark else "")
        flag.set_class(bool(mark and mark.is_error), "-error")
        flag.set_class(bool(mark and not mark.is_error), "-warning")

    def _scroller(self) -> Widget:
        """What scrolls to show the cursor: the table itself, unless the screen scrolls it."""
        return self  # type: ignore[return-value]

    def _scroll_to_cursor(self) -> None:
        if self._row_widgets and self.cursor_row < len(self._row_widgets):
            cell = self._row_widgets[self.cursor_row].cells[self.cursor_column]
            self.call_after_refresh(self._scroller().scroll_to_widget, cell, animate=False)

    # -- keys while typing -----------------------------------------------------------------

    def _edit_key(self, event: events.Key) -> bool:
        """Apply a key to the cell being edited; False for keys that are not about typing."""
        editing = self.editing
        assert editing is not None
        key = event.key
        if self._commit_key(key):
            pass
        elif key in CANCELS:
            self.cancel_edit()
        elif key in TEXT_KEYS:
            TEXT_KEYS[key](editing)
            self._typed()
        elif key in MOVES:
            editing.move(MOVES[key])
            self._repaint(editing.row)
        elif key in CHOICE_MOVES:
            editing.choose(CHOICE_MOVES[key])
            self._repaint(editing.row)
        elif event.is_printable and event.character:
            editing.insert(event.character)
            self._typed()
        else:
            return False
        return True

    def refuse(self, message: str, severity: str = "warning", timeout: float | None = None) -> None:
        """A bell, and why what was typed cannot be kept (the cell stays open)."""
        self.app.bell()
        self.notify(message, severity=severity, markup=False, timeout=timeout)  # type: ignore[arg-type]

    def _value_typed(self) -> Any:
        """The value of the cell being edited; None (refused, with why) for a pick that matches nothing."""
        editing = self.editing
        assert editing is not None
        value = editing.value()
        if value is None:
            self.refuse(self._not_a_choice(editing.text))
        return value

    def cancel_edit(self) -> None:
        editing = self.editing
        if editing is not None:
            self.editing = None
            self._repaint(editing.row)
            self._edit_ended(editing)

    # -- moving ----------------------------------------------------------------------------

    def move_to(self, row: int, column: int) -> None:
        if self.editing is not None or not self.row_count():
            return
        previous = self.cursor_row
        self.cursor_row = max(0, min(row, self.row_count() - 1))
        self.cursor_column = max(0, min(column, len(self.column_keys) - 1))
        self._repaint(previous, self.cursor_row)
        self._scroll_to_cursor()
        self._cursor_moved()

    def action_cursor(self, rows: int, columns: int) -> None:
        self.move_to(self.cursor_row + rows, self.cursor_column + columns)

    def action_edge(self, which: str) -> None:
        self.move_to(0 if which == "first" else self.row_count() - 1, self.cursor_column)

    def action_edit(self) -> None:
        if self.editing is None and self.row_count():
            self.start_edit(self.cursor_row, self.cursor_column)

    # -- undo ---------------------------------------------------------------------------------

    def _undo(self, undone: Callable[[Any], None]) -> None:
        """Undo the table's last change (``self.edit.undo()``), ``undone(step)`` showing it; say so
        when there is nothing to undo."""
        step = self.edit.undo()
        if step is None:
            self.notify(_("没有可撤销的操作"), timeout=3)
            return
        undone(step)
        self.notify(_("已撤销：{what}").format(what=step.what), timeout=3)

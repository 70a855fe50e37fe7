"""The indicator table as on the paper form: a cell cursor, editing in place, undo.

Why not a DataTable: cells of this table hold long Chinese text (三级指标 of 20
characters and more). Here a row grows to show all of its text, as on the
paper form, at 80 columns too, and a cell is typed into where it stands.

Why every key is handled here, in :meth:`IndicatorTable.take_key`, rather than by
Textual's bindings and an Input that takes the focus: a binding runs after the
key has travelled up the widget tree, and a focus change takes effect later
still, so over a slow link a burst like ``a`` + name + Tab + value would land
in the wrong cell or trigger commands. Handled here, keys take effect strictly
in the order typed (:class:`perftui.tui.type_ahead.KeysInOrder`). The bindings
are still declared (with ids, so they can be remapped, and so the footer shows
them); :meth:`take_key` looks them up.

The rows are a :class:`perftui.core.rows_edit.RowsEdit` shared with the screen; the
table changes it and posts :class:`IndicatorTable.RowsChanged`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from perftui.core.pasted_rows import is_block
from perftui.tui.styles import stylesheet
from perftui.core.rows_edit import COLUMNS, LEVEL_COLUMNS, CellEdit, PasteError, RowsEdit, cell_problem
from perftui.core.findings import Finding
from perftui.i18n import gettext as _
from perftui.tui.widgets.cell_table import CellRow, CellTable
from perftui.tui import keys
from perftui.tui.type_ahead import KeysInOrder
from perftui.text.views import indicator_headers, indicator_rows

NAME_COLUMN = COLUMNS.index("name")


class TableRow(CellRow):
    """One row of the table: 一级, 二级, 三级, 指标值, and a finding mark."""

    def __init__(self, row: int, classes: str | None = None) -> None:
        super().__init__(row, COLUMNS, classes=classes)


#: Keys that end an edit keeping what was typed, and the cell typed into next (1 after, -1 before).
_COMMITS = {"tab": 1, "shift+tab": -1}


class IndicatorTable(KeysInOrder, CellTable, VerticalScroll, can_focus=True):
    """Indicator rows with a cell cursor; Enter edits the cell in place."""

    DEFAULT_CSS = stylesheet(__file__)

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(keys.GRID, only=keys.GRID_TABLE_KEYS)

    @dataclass
    class RowsChanged(Message):
        """The rows changed (an edit, an added, deleted or moved row, an undo)."""

        what: str

    @dataclass
    class CursorMoved(Message):
        row: int
        column: int

    @dataclass
    class Typing(Message):
        """The text of the cell being edited changed, or its edit ended (``value`` None)."""

        row: int
        column: str
        value: str | None

    def __init__(self, edit: RowsEdit, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="cell-table")
        self.edit = edit
        self.marks: dict[int, Finding] = {}
        self.cursor_row = 0
        self.cursor_column = NAME_COLUMN
        self.editing: CellEdit | None = None
        self._row_widgets: list[TableRow] = []

    def compose(self) -> ComposeResult:
        head = TableRow(-1, classes="head")
        for cell, label in zip(head.cells, indicator_headers()):
            cell.update(label)
        yield head
        yield Static(_("还没有指标。按 a 添加第一行。"), id="empty")

    def on_mount(self) -> None:
        self.show()

    @property
    def rows(self):
        return self.edit.rows

    # -- what CellTable asks ------------------------------------------------------------

    column_keys = COLUMNS

    def row_count(self) -> int:
        return len(self.rows)

    def _no_match(self) -> str:
        return _("（没有匹配的名称）")

    def _not_a_choice(self, typed: str) -> str:
        return _("“{typed}”不是可选的名称，请从列表中选").format(typed=typed)

    def _cursor_moved(self) -> None:
        self.post_message(self.CursorMoved(self.cursor_row, self.cursor_column))

    def _commit_key(self, key: str) -> bool:
        if key == "enter":
            self.commit_edit(0, advance=True)
        elif key in _COMMITS:
            self.commit_edit(_COMMITS[key])
        else:
            return False
        return True

    def _typed(self) -> None:
        super()._typed()
        editing = self.editing
        assert editing is not None
        self.post_message(self.Typing(editing.row, editing.column, editing.text))

    def _edit_ended(self, editing: CellEdit) -> None:
        self.post_message(self.Typing(editing.row, editing.column, None))

    # -- showing -----------------------------------------------------------------

    def show(self, cursor: int | None = None) -> None:
        """Show the rows as they are now, with the cursor at ``cursor`` (a row index)."""
        rows = self.rows
        if cursor is not None:
            self.cursor_row = cursor
        self.cursor_row = max(0, min(self.cursor_row, len(rows) - 1))
        while len(self._row_widgets) > len(rows):
            self._row_widgets.pop().remove()
        new = [TableRow(index) for index in range(len(self._row_widgets), len(rows))]
        self._row_widgets.extend(new)
        if new:
            # Painted below before they are mounted: keys typed meanwhile are not lost.
            self.mount_all(new)
        self._repaint(*range(len(rows)))
        self.query_one("#empty").display = not rows
        self._scroll_to_cursor()

    def set_marks(self, marks: dict[int, Finding]) -> None:
        """Flag rows with findings (0-based row -> the finding to flag it with)."""
        changed = set(marks) ^ set(self.marks) | {i for i in marks if self.marks.get(i) != marks[i]}
        self.marks = marks
        self._repaint(*changed)

    def _repaint(self, *indexes: int) -> None:
        shown = indicator_rows(self.rows)
        for index in set(indexes):
            if 0 <= index < len(self._row_widgets):
                self._paint_row(index, self._row_widgets[index], shown[index])

    def _paint_row(self, index: int, row: TableRow, shown: list[str]) -> None:
        indicator = self.rows[index]
        row.set_class(index > 0 and bool(shown[0]), "group-start")

        def content(column: int, name: str) -> str | Content:
            if index == self.cursor_row and column == self.cursor_column and not shown[column] and name in LEVEL_COLUMNS:
                # A spanned 一级/二级 is blank, as on paper; under the cursor, say what it is.
                return Content.styled(getattr(indicator, name), "dim")
            return shown[column]

        self._paint_cells(index, row, content)

    # -- keys ------------------------------------------------------------------

    async def take_key(self, event: events.Key) -> None:
        active = self.screen.active_bindings.get(event.key)
        ours = active is not None and active.enabled and active.node in (self, self.screen)
        if self.editing is not None:
            if self._edit_key(event) or active is None:
                # Typing, or a key that means nothing here: it stays in the cell.
                event.stop()
                event.prevent_default()
                return
            # ctrl+s, ctrl+q and the like: finish typing first, then let the key do its work.
            if not self.commit_edit(0):
                event.stop()
                event.prevent_default()
                return
        if not ours:
            if active is None and event.is_printable and event.character:
                self.type_over(event.character)  # typing on a cell edits it, as in a spreadsheet
                event.stop()
                event.prevent_default()
            return  # app keys (quit, help, command palette) take their usual way
        assert active is not None
        event.stop()
        event.prevent_default()
        await self.app.run_action(active.binding.action, active.node)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        if self.editing is not None and not is_block(event.text):
            self.editing.insert(event.text)
            self._typed()
            return
        self.cancel_edit()
        self.paste(event.text)

    def paste(self, text: str, *, below: bool = False) -> None:
        """Cells from a spreadsheet or a form's text, from the cursor on (see perftui.core.pasted_rows);
        ``below``: as new rows after the last one."""
        column = COLUMNS[self.cursor_column] if self.rows and not below else "name"
        at = len(self.rows) if below else (self.cursor_row if self.rows else 0)
        try:
            written = self.edit.paste(at, column, text)
        except PasteError as error:
            self.refuse(str(error))
            return
        self.pasted(written)

    def pasted(self, written: range) -> None:
        """Show rows just pasted (:meth:`RowsEdit.paste`), the cursor on the first, and how to undo them."""
        if not written:
            return
        self._changed("paste", written.start)
        self.notify(
            _("已粘贴{count}行（按 {undo} 撤销）").format(count=len(written), undo=keys.shown(self.app, "grid.undo")),
            timeout=4,
        )

    def clicked(self, row: int, column: int, *, double: bool) -> None:
        if row < 0 or column >= len(COLUMNS):
            return
        if self.editing is not None and (row, column) != (self.editing.row, self.cursor_column):
            if not self.commit_edit(0):
                return
        self.move_to(row, column)
        if double and self.editing is None:
            self.action_edit()

    # -- changing rows -------------------------------------------------------------

    def _changed(self, what: str, cursor: int | None = None) -> None:
        self.show(cursor)
        self.post_message(self.RowsChanged(what))

    def _typing_done(self) -> bool:
        """Finish the cell being typed before a row action (one chosen from the command palette)."""
        return self.commit_edit(0)

    def action_add(self) -> None:
        """A new row below the cursor, typed straight away from its 三级指标."""
        if not self._typing_done():
            return
        at = self.edit.add_below(self.cursor_row if self.rows else None)
        self.cursor_column = NAME_COLUMN
        self._changed("add", at)
        self.start_edit(at, NAME_COLUMN)

    def action_delete(self) -> None:
        if not self._typing_done() or not self.rows:
            return
        index = self.cursor_row
        removed = self.rows[index]
        cursor = self.edit.delete(index)
        self._changed("delete", max(cursor, 0))
        self.notify(
            _("已删除第{row}行“{name}”（按 u 撤销）").format(row=index + 1, name=removed.name or _("空行")),
            timeout=4,
        )

    def action_undo(self) -> None:
        if self._typing_done():
            self._undo(lambda step: self._changed("undo", step.cursor))

    def action_move(self, delta: int) -> None:
        if self._typing_done() and self.rows:
            self._changed("move", self.edit.move(self.cursor_row, delta))

    # -- editing -----------------------------------------------------------------

    def type_over(self, text: str) -> None:
        """Start editing the cursor's cell with ``text`` in place of what it holds
        (the first row of an empty table is added for it)."""
        if self.editing is None:
            if not self.rows:
                self.action_add()
            else:
                self.start_edit(self.cursor_row, self.cursor_column, clear=True)
        if self.editing is not None:
            self.editing.insert(text)
            self._typed()

    def start_edit(self, row: int, column: int, *, clear: bool = False) -> None:
        """Type into a cell: text cells start from their text (or empty, ``clear``), 一级/二级 from the list."""
        if self.editing is not None or not 0 <= row < len(self.rows):
            return
        self.move_to(row, column)
        name = COLUMNS[column]
        current = getattr(self.rows[row], name)
        if name in LEVEL_COLUMNS:
            self.editing = CellEdit(row, name, "", self.edit.choices(row, name), current)
        else:
            self.editing = CellEdit(row, name, "" if clear else current)
        self._repaint(row)
        self._scroll_to_cursor()

    def commit_edit(self, then: int, *, advance: bool = False) -> bool:
        """End the edit keeping what was typed or chosen; ``then`` 1/-1 edits the next/previous cell;
        ``advance`` (Enter) moves the cursor to the next cell to fill (:func:`next_to_fill`).

        Returns False (and keeps editing) when a 一级/二级 matches nothing typed.
        """
        editing = self.editing
        if editing is None:
            return True
        value = self._value_typed()
        if value is None:
            return False
        problem = cell_problem(editing.column, value)
        if problem is not None:
            self.refuse(problem)
            return False
        self.editing = None
        column = COLUMNS.index(editing.column)
        if self.edit.set_cell(editing.row, editing.column, value):
            self._changed("edit")
        else:
            self._repaint(editing.row)
        self.post_message(self.Typing(editing.row, editing.column, None))
        if editing.column == "level1" and self.rows[editing.row].level2 not in self.edit.choices(editing.row, "level2"):
            # The 二级 does not belong under the new 一级: choose one now.
            self.start_edit(editing.row, COLUMNS.index("level2"))
        elif then:
            flat = editing.row * len(COLUMNS) + column + then
            if 0 <= flat < len(self.rows) * len(COLUMNS):
                self.start_edit(*divmod(flat, len(COLUMNS)))
        elif advance:
            self.move_to(*next_to_fill(editing.row, column, len(self.rows)))
        return True


def next_to_fill(row: int, column: int, rows: int) -> tuple[int, int]:
    """Where Enter takes the cursor after a cell: along the row to its 指标值, then the next
    row's 三级指标 (the last row's 指标值 stays put: ``a`` adds a row)."""
    if column < len(COLUMNS) - 1:
        return row, column + 1
    if row + 1 < rows:
        return row + 1, NAME_COLUMN
    return row, column

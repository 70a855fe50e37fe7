"""The list of forms: one row per form, columns sized to the terminal.

The home screen talks to the list only through :meth:`FormTable.show`,
:attr:`FormTable.current_id` and :meth:`FormTable.select_id`, and hears from it
only :class:`FormTable.Chosen`; a virtualized list for tens of thousands of
forms can replace this DataTable behind the same four names.

Columns are given widths that fit the terminal, and long Chinese names are cut
by display width with an ellipsis, so the amounts and the status stay on screen
at 80 columns instead of scrolling off to the right.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from perftui import views
from perftui.i18n import N_, gettext as _, ngettext
from perftui.textwidth import truncate, width
from perftui.tui import keys
from perftui.tui.catalog import Entry, Selection


@dataclass(frozen=True)
class Column:
    key: str  # also the sort key of catalog.View
    label: str  # msgid
    width: int  # 0: shares the room left
    right: bool = False


COLUMNS = (
    Column("name", N_("项目名称"), 0),
    Column("year", N_("年度"), 4, right=True),
    Column("department", N_("主管部门"), 0),
    Column("unit", N_("实施单位"), 0),
    Column("fiscal", N_("年度财政拨款"), 12, right=True),
    Column("indicators", N_("指标数"), 6, right=True),
    Column("status", N_("状态"), 18),
)
# Below this many columns the status is written short ("3个错误").
NARROW = 100
SHORT_STATUS = 8
PADDING = 2  # DataTable's cell padding, one column on each side
SCROLLBAR = 2


def plan_widths(room: int) -> dict[str, int]:
    """Column widths for a table ``room`` columns wide.

    The name gets most of the free room; 主管部门 and 实施单位 (mostly the same
    long institute name in every row) at least the width of their heading.
    """
    fixed = {c.key: c.width for c in COLUMNS if c.width}
    if room < NARROW:
        fixed["status"] = SHORT_STATUS
    free = room - SCROLLBAR - PADDING * len(COLUMNS) - sum(fixed.values())
    heading = max(width(_(c.label)) for c in COLUMNS if c.key in ("department", "unit"))
    side = max(heading, free // 5)
    name = max(8, free - 2 * side)
    return fixed | {"name": name, "department": side, "unit": side}


def status_cell(entry: Entry, short: bool) -> Text:
    """The status in words (colour only repeats what the words say: NO_COLOR loses nothing)."""
    if short:
        if entry.errors:
            text = ngettext("{n}个错误", "{n}个错误", entry.errors).format(n=entry.errors)
        elif entry.warnings:
            text = ngettext("{n}个提醒", "{n}个提醒", entry.warnings).format(n=entry.warnings)
        else:
            text = _("完整")
    else:
        text = views.status_text(entry.findings)
    style = "bold red" if entry.errors else ("yellow" if entry.warnings else "green")
    return Text(text, style=style)


class FormTable(DataTable):
    """Forms as rows keyed by form id."""

    # Enter is the table's own key (DataTable binds it), so the footer shows
    # "Enter 打开" and a remapped list.open moves it here too.
    BINDINGS = keys.bindings(also=("list.open",))

    class Chosen(Message):
        """The operator chose a form (Enter or a click on its row)."""

        def __init__(self, form_id: str) -> None:
            super().__init__()
            self.form_id = form_id

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        keys.translate_bindings(self)
        self._selection: Selection | None = None
        self._widths: dict[str, int] = {}
        self._labels: list[Text] = []
        self._shown: tuple[Entry, ...] | None = None  # the entries the rows show now

    # -- the interface the home screen uses ----------------------------------

    def show(self, selection: Selection) -> None:
        """Show ``selection``'s rows, keeping the cursor on the same form if it is still listed."""
        current = self.current_id
        self._selection = selection
        self._render(keep=current)

    @property
    def current_id(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _column = self.coordinate_to_cell_key((self.cursor_row, 0))
        return row_key.value

    def select_id(self, form_id: str) -> bool:
        """Move the cursor to ``form_id``'s row; False if it is not listed."""
        try:
            row = self.get_row_index(form_id)
        except Exception:  # RowDoesNotExist
            return False
        self.move_cursor(row=row, animate=False)
        return True

    # -- rendering -----------------------------------------------------------

    def on_resize(self) -> None:
        if self._selection is not None and plan_widths(self.size.width) != self._widths:
            self._render(keep=self.current_id)

    def _render(self, keep: str | None) -> None:
        selection = self._selection
        assert selection is not None
        widths = plan_widths(self.size.width or 120)
        labels = [self._label(column, selection) for column in COLUMNS]
        if widths == self._widths and labels == self._labels and self._same_rows(selection.entries):
            self._update_changed_rows(selection.entries)
            return
        # DataTable measures every cell it is given, so a full rebuild costs
        # time in proportion to the number of forms: only when rows come, go or move.
        if widths != self._widths or labels != self._labels:
            self._widths, self._labels = widths, labels
            self.clear(columns=True)
            for column, label in zip(COLUMNS, labels):
                self.add_column(label, width=widths[column.key], key=column.key)
        else:
            self.clear()
        for entry in selection.entries:
            self.add_row(*self._cells(entry), key=entry.id)
        self._shown = selection.entries
        if keep is None or not self.select_id(keep):
            self.move_cursor(row=0, animate=False)
        self.refresh()

    def _same_rows(self, entries: tuple[Entry, ...]) -> bool:
        shown = self._shown
        return (
            shown is not None
            and len(shown) == len(entries)
            and all(old.id == new.id for old, new in zip(shown, entries))
        )

    def _update_changed_rows(self, entries: tuple[Entry, ...]) -> None:
        """Same forms in the same order: rewrite only the rows whose form changed."""
        assert self._shown is not None
        for old, new in zip(self._shown, entries):
            if old is not new:
                for column, value in zip(COLUMNS, self._cells(new)):
                    self.update_cell(new.id, column.key, value)
        self._shown = entries

    def _cells(self, entry: Entry) -> list[object]:
        widths, form = self._widths, entry.form
        return [
            truncate(form.name, widths["name"]),
            Text(str(form.year or ""), justify="right"),
            truncate(form.department, widths["department"]),
            truncate(form.unit, widths["unit"]),
            Text(views.amount(form.annual_funding.fiscal), justify="right"),
            Text(str(len(form.indicators)), justify="right"),
            status_cell(entry, widths["status"] == SHORT_STATUS),
        ]

    @staticmethod
    def _label(column: Column, selection: Selection) -> Text:
        label = _(column.label)
        view = selection.view
        if view.sort == column.key:
            label += " ▼" if view.descending else " ▲"
        if column.right:
            return Text(label, justify="right")
        return Text(label)

    def action_open_form(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Chosen(self.current_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Chosen(event.row_key.value))


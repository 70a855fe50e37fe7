"""The list of forms: one row per form, columns sized to the terminal, drawn only where visible.

A DataTable measures and stores every cell it is given: about a second per
ten thousand rows before the first paint, and again after every filter
keystroke or sort. This list is a Line API widget instead (a
:class:`~textual.scroll_view.ScrollView`): it keeps the selection's entries
and draws just the rows on screen when Textual asks for them, so showing ten
thousand forms costs what showing thirty does.

The home screen talks to the list only through :meth:`FormTable.show`,
:attr:`FormTable.current_id`, :meth:`FormTable.select_id` and
:attr:`FormTable.row_count`, and hears from it only :class:`FormTable.Chosen`.

Columns are given widths that fit the terminal, and long Chinese names are cut
by display width with an ellipsis, so the amounts and the status stay on
screen at 80 columns instead of scrolling off to the right.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from perftui.tui.styles import stylesheet
from perftui.text import views
from perftui.i18n import N_, gettext as _, ngettext
from perftui.text.width import pad, truncate, width
from perftui.tui.type_ahead import KeysInOrder
from perftui.tui.state.catalog import Entry, Selection


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
PADDING = 2  # one column of space on each side of a cell
SCROLLBAR = 2


#: The name column is never narrower than this (four Chinese characters).
MIN_NAME = 8
#: The other columns, in the order they get the room the name, the amount and the status leave.
SECONDARY = ("year", "unit", "indicators", "department")
#: While other columns wait for room, the name takes at most this share of it.
NAME_SHARE = 0.6
#: How wide the text columns would like to be when the data is not known (display columns).
DEFAULT_NATURAL = {"name": 40, "department": 26, "unit": 26}


def plan_widths(room: int, natural: dict[str, int] | None = None) -> dict[str, int]:
    """Column widths for a table ``room`` columns wide; a width of 0 hides the column.

    项目名称, 年度财政拨款 and the status come first: they are what the list is
    for. The name takes what its longest entry needs, up to :data:`NAME_SHARE`
    of the room; the other columns then get the room left, in the order of
    :data:`SECONDARY`, each its content's width (``natural``: display widths of
    the widest entries) or at least its heading's, or is left out. What is left
    over widens the name (and the units) again.
    """
    natural = DEFAULT_NATURAL | (natural or {})
    status = COLUMN["status"].width if room >= NARROW else SHORT_STATUS
    plan = dict.fromkeys((c.key for c in COLUMNS), 0)
    plan["fiscal"], plan["status"] = COLUMN["fiscal"].width, status
    left = room - SCROLLBAR - (plan["fiscal"] + PADDING) - (status + PADDING) - PADDING
    plan["name"] = max(MIN_NAME, min(natural["name"], int(left * NAME_SHARE)))
    left -= plan["name"]
    for key in SECONDARY:
        column = COLUMN[key]
        least = column.width or width(_(column.label))
        if left < least + PADDING:
            continue
        plan[key] = min(column.width or max(least, natural[key]), left - PADDING)
        left -= plan[key] + PADDING
    for key in ("name", "unit", "department"):
        if plan[key] and left > 0:
            grow = min(left, max(0, natural[key] - plan[key]))
            plan[key] += grow
            left -= grow
    plan["name"] += max(0, left)  # the row is filled
    return plan


COLUMN = {column.key: column for column in COLUMNS}


def status_text(entry: Entry, short: bool) -> str:
    """The status in words (colour only repeats what the words say: NO_COLOR loses nothing)."""
    if not short:
        return views.status_of_counts(entry.errors, entry.warnings)
    if entry.errors:
        return ngettext("{n}个错误", "{n}个错误", entry.errors).format(n=entry.errors)
    if entry.warnings:
        return ngettext("{n}个提醒", "{n}个提醒", entry.warnings).format(n=entry.warnings)
    return _("完整")


def row_cells(entry: Entry, widths: dict[str, int]) -> list[str]:
    """The text of each column for one form, cut to its column's width."""
    return [
        truncate(entry.name, widths["name"]),
        str(entry.year or ""),
        truncate(entry.department, widths["department"]),
        truncate(entry.unit, widths["unit"]),
        views.amount(entry.fiscal),
        str(entry.indicator_count),
        truncate(status_text(entry, widths["status"] == SHORT_STATUS), widths["status"]),
    ]


class FormTable(KeysInOrder, ScrollView, can_focus=True):
    """Forms as rows; row ``n`` of the selection is line ``n + 1`` (line 0 is the sticky heading)."""

    COMPONENT_CLASSES = {
        "form-table--header",
        "form-table--cursor",
        "form-table--even-row",
        "form-table--error",
        "form-table--warning",
        "form-table--complete",
    }
    DEFAULT_CSS = stylesheet(__file__)
    # Enter (list.open) is the screen's: it opens the form in the same step, so the keys
    # typed after it go to the editor (see perftui.tui.type_ahead). Moving keys are the usual ones.
    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "edge(0)", show=False),
        Binding("end", "edge(1)", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Chosen(Message):
        """The operator chose a form (Enter or a click on its row)."""

        def __init__(self, form_id: str) -> None:
            super().__init__()
            self.form_id = form_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._selection: Selection | None = None
        self._entries: tuple[Entry, ...] = ()
        self._natural: dict[str, int] = {}
        self._widths: dict[str, int] = plan_widths(120)

    # -- the interface the home screen uses ----------------------------------

    def show(self, selection: Selection, natural: dict[str, int] | None = None) -> None:
        """Show ``selection``'s rows, keeping the cursor on the same form if it is still listed;
        ``natural``: the display widths of the widest names and units (Catalog.text_widths)."""
        current = self.current_id
        self._selection = selection
        self._entries = selection.entries
        if natural is not None and natural != self._natural:
            self._natural = natural
            self._widths = plan_widths(self.size.width or 120, natural)
        self._size_virtually()
        if current is None or not self.select_id(current):
            self._move(min(self.cursor_row, max(0, self.row_count - 1)) if current else 0)
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self._entries)

    @property
    def current_id(self) -> str | None:
        if not self._entries:
            return None
        return self._entries[min(self.cursor_row, len(self._entries) - 1)].id

    def select_id(self, form_id: str) -> bool:
        """Move the cursor to ``form_id``'s row; False if it is not listed."""
        # A scan, not an index: it runs once per change of the list, and building
        # an index of ten thousand rows for it would cost more than the scan.
        row = next((n for n, entry in enumerate(self._entries) if entry.id == form_id), None)
        if row is None:
            return False
        self._move(row)
        return True

    # -- what tests and the help screen read ----------------------------------

    def listed_ids(self) -> list[str]:
        return [entry.id for entry in self._entries]

    def header_text(self, key: str) -> str:
        column = next(c for c in COLUMNS if c.key == key)
        return self._label(column)

    def row_texts(self, row: int) -> list[str]:
        return row_cells(self._entries[row], self._widths)

    # -- moving ----------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _move(self, row: int) -> None:
        if not self._entries:
            self.cursor_row = 0
            return
        row = max(0, min(row, len(self._entries) - 1))
        self.cursor_row = row
        top = round(self.scroll_offset.y)
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + self._page:
            self.scroll_to(y=row - self._page + 1, animate=False)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self._move(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        self._move(self.cursor_row + direction * self._page)

    def action_edge(self, end: int) -> None:
        self._move(len(self._entries) - 1 if end else 0)

    def action_open_form(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Chosen(self.current_id))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        row = round(self.scroll_offset.y) + event.y - 1
        if 0 <= row < len(self._entries):
            already = row == self.cursor_row
            self._move(row)
            if already or event.chain > 1:
                self.action_open_form()

    # -- drawing -----------------------------------------------------------------

    def on_resize(self) -> None:
        widths = plan_widths(self.size.width or 120, self._natural)
        if widths != self._widths:
            self._widths = widths
            self.refresh()
        self._size_virtually()

    def _size_virtually(self) -> None:
        total = sum(w + PADDING for w in self._widths.values() if w)
        # One line for the heading, which stays on screen (render_line draws it at 0).
        self.virtual_size = Size(total, len(self._entries) + 1)

    def _label(self, column: Column) -> str:
        """The heading, cut to its column keeping the sort mark (the mark is what says the order)."""
        label = _(column.label)
        view = self._selection.view if self._selection else None
        if view is not None and view.sort == column.key:
            mark = " ▼" if view.descending else " ▲"
            room = self._widths.get(column.key) or width(label + mark)
            return truncate(label, max(1, room - width(mark))) + mark
        return label

    def _line(self, texts: list[str], base: Style, status: Style | None = None) -> Strip:
        segments = []
        for column, text in zip(COLUMNS, texts):
            cell_width = self._widths[column.key]
            if not cell_width:
                continue  # hidden on a narrow screen
            cell = pad(truncate(text, cell_width), cell_width, "right" if column.right else "left")
            style = base + status if (status is not None and column.key == "status") else base
            segments.append(Segment(" " + cell + " ", style))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        width_now = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = base + self.get_component_rich_style("form-table--header")
            strip = self._line([self._label(c) for c in COLUMNS], header)
            return strip.crop(round(self.scroll_offset.x)).extend_cell_length(width_now, header).crop(0, width_now)
        row = round(self.scroll_offset.y) + y - 1
        if row >= len(self._entries):
            return Strip.blank(width_now, base)
        entry = self._entries[row]
        style = base
        if row % 2:
            style += self.get_component_rich_style("form-table--even-row")
        if row == self.cursor_row:
            style += self.get_component_rich_style("form-table--cursor")
        kind = "error" if entry.errors else ("warning" if entry.warnings else "complete")
        status = self.get_component_rich_style(f"form-table--{kind}", partial=True)
        strip = self._line(row_cells(entry, self._widths), style, status)
        return strip.crop(round(self.scroll_offset.x)).extend_cell_length(width_now, style).crop(0, width_now)

    def watch_cursor_row(self) -> None:
        self.refresh()

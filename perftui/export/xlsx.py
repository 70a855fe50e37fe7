"""xlsx exports for colleagues in Excel or WPS: a summary sheet and a sheet per form.

Amounts are numbers with the ``0.00`` format, so Excel can sum them; the total
row is a ``SUM`` formula over the rows above, so it stays right when someone
edits a figure. openpyxl is imported here only, and this module only when an
xlsx is asked for: it costs ~150 ms that lookups must not pay.

Text cells are forced to be text: openpyxl would otherwise store an indicator
value such as "=100%" as a formula, and Excel would run it.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from decimal import Decimal

from perftui.export import contents, sheet as layout
from perftui.export.contents import Amount, Cell, Table
from perftui.i18n import gettext as _
from perftui.core.model import Form
from perftui.core.normalize import escape_controls
from perftui.text.width import width

AMOUNT_FORMAT = "0.00"


def amount_format(amount: Decimal | None) -> str:
    """Two decimals, or as many as the amount was written with (153.5184 shows 153.5184)."""
    decimals = max(0, -amount.as_tuple().exponent) if amount is not None else 0
    return AMOUNT_FORMAT if decimals <= 2 else "0." + "0" * decimals


_FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def number(amount: Decimal) -> float:
    """An amount as the double Excel stores.

    Amounts have at most six decimals and stay below 10^8 (see
    :mod:`perftui.core.money`), so at most 14 significant digits: the nearest double
    prints back as exactly the same decimal (openpyxl writes 16 significant
    digits), and Excel reads back the amount that was stored.
    """
    return float(amount)  # correctly rounded; tests check the round trip for the seed amounts


def workbook(kind: str, forms: Sequence[Form]) -> bytes:
    """``summary``: the summary sheet; ``form``: it and a sheet per form; ``indicators``: one sheet."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    names: set[str] = set()
    if kind == "indicators":
        _table_sheet(book.create_sheet(_sheet_name(_("绩效指标"), names)), contents.indicators(forms))
    else:
        _table_sheet(book.create_sheet(_sheet_name(_("汇总"), names)), contents.summary(forms))
    if kind == "form":
        for form in forms:
            _form_sheet(book.create_sheet(_sheet_name(form.name or _("未命名"), names)), form)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    base = _FORBIDDEN_IN_SHEET_NAMES.sub("_", escape_controls(wanted)).strip("'") or "_"
    name, number = base[:31], 1
    while name.casefold() in taken:
        number += 1
        suffix = f"({number})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def _put(cell, value: Cell) -> None:
    if isinstance(value, Amount):
        if value.value is not None:
            cell.value = number(value.value)
        cell.number_format = amount_format(value.value)
    elif isinstance(value, int):
        cell.value = value
    elif value:
        # Escaped: openpyxl refuses control characters, and a sheet is an exit too.
        cell.value = escape_controls(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "bold": Font(bold=True),
        "title": Font(bold=True, size=16),
        "fill": PatternFill("solid", start_color="E7E6E6"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "top": Alignment(horizontal="left", vertical="top", wrap_text=True),
        "right": Alignment(horizontal="right", vertical="center"),
    }


def _table_sheet(ws, table: Table) -> None:
    from openpyxl.utils import get_column_letter

    style = _styles()
    ws.append(table.headers)
    for cell in ws[1]:
        cell.font, cell.fill, cell.border, cell.alignment = style["bold"], style["fill"], style["border"], style["center"]
    for values in table.rows:
        row = ws.max_row + 1
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column)
            _put(cell, value)
            cell.border = style["border"]
            cell.alignment = style["right"] if isinstance(value, Amount) else style["left"]
    last_data_row = ws.max_row
    if table.total is not None:
        row = last_data_row + 1
        for column, value in enumerate(table.total, start=1):
            cell = ws.cell(row=row, column=column)
            if isinstance(value, Amount):
                letter = get_column_letter(column)
                cell.value = f"=SUM({letter}2:{letter}{last_data_row})" if last_data_row >= 2 else 0
                cell.number_format = amount_format(value.value)
                cell.alignment = style["right"]
            else:
                _put(cell, value)
            cell.font, cell.border = style["bold"], style["border"]
    for column, header in enumerate(table.headers, start=1):
        texts = [header] + [_plain(row[column - 1]) for row in table.rows]
        ws.column_dimensions[get_column_letter(column)].width = min(60, max(width(t) for t in texts) + 4)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{last_data_row}"


def _plain(value: Cell) -> str:
    if isinstance(value, Amount):
        return "" if value.value is None else f"{value.value:,.2f}"
    return "" if value is None else str(value)


_WIDTHS = {"A": 18, "B": 22, "C": 16, "D": 18, "E": 22}


def _form_sheet(ws, form: Form) -> None:
    """The official table: its labels, merged cells and borders, ready to print on one page width."""
    grid = layout.form_sheet(form)
    _paint(ws, grid)
    for letter, size in _WIDTHS.items():
        ws.column_dimensions[letter].width = size
    for r, values in enumerate(grid.rows):
        if any(grid.roles.get((r, c)) == layout.GOAL for c in range(layout.COLUMNS)):
            # Excel does not grow a row for wrapped text in merged cells: size it for the longer goal.
            room = _WIDTHS["B"] + _WIDTHS["C"] - 2
            lines = max(_lines(str(values[1]), room), _lines(str(values[3]), room))
            ws.row_dimensions[r + 1].height = 15 * max(1, lines)
    _page(ws)


def _paint(ws, grid: layout.Sheet) -> None:
    """A grid's cells into a worksheet, styled by their roles, its merged cells merged."""
    style = _styles()
    table_starts = 3  # rows 0-2 are the title, the year and 单位
    for r, values in enumerate(grid.rows):
        for c, value in enumerate(values):
            cell = ws.cell(row=r + 1, column=c + 1)
            _put(cell, value)
            role = grid.roles.get((r, c))
            if r >= table_starts:
                cell.border = style["border"]
                cell.alignment = style["right"] if isinstance(value, Amount) else style["left"]
            if role == layout.TITLE:
                cell.font, cell.alignment = style["title"], style["center"]
            elif role == layout.SUBTITLE:
                cell.alignment = style["center"]
            elif role == layout.UNIT:
                cell.alignment = style["right"]
            elif role == layout.LABEL:
                cell.font, cell.alignment = style["bold"], style["center"]
            elif role == layout.HEADER:
                cell.font, cell.fill, cell.alignment = style["bold"], style["fill"], style["center"]
            elif role == layout.GOAL:
                cell.alignment = style["top"]
    for first_row, first_column, last_row, last_column in grid.merges:
        ws.merge_cells(
            start_row=first_row + 1, start_column=first_column + 1, end_row=last_row + 1, end_column=last_column + 1
        )


def _page(ws, orientation: str = "portrait") -> None:
    ws.row_dimensions[1].height = 24
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


#: Column widths of the wider grids (监控表, 自评表): labels, then the indicator columns.
_GRID_WIDTHS = {9: (12, 12, 14, 22, 14, 16, 9, 9, 26), 10: (12, 12, 14, 22, 14, 18, 18, 22, 12, 12)}


def sheets_workbook(sheets: Sequence[tuple[str, layout.Sheet]]) -> bytes:
    """A workbook of official tables laid out on grids (one sheet each, named after its form)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    names: set[str] = set()
    for wanted, grid in sheets:
        ws = book.create_sheet(_sheet_name(wanted or _("未命名"), names))
        _paint(ws, grid)
        widths = _GRID_WIDTHS.get(grid.columns) or (14,) * grid.columns
        for column, size in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = size
        starts = {(first_row, first_column): last_column for first_row, first_column, _r, last_column in grid.merges}
        for r, values in enumerate(grid.rows):
            lines = 1
            for c, value in enumerate(values):
                if grid.roles.get((r, c)) == layout.GOAL and value:
                    room = sum(widths[c : starts.get((r, c), c) + 1]) - 2
                    lines = max(lines, _lines(str(value), room))
            if lines > 1:  # Excel does not grow a row for wrapped text in merged cells
                ws.row_dimensions[r + 1].height = 15 * lines
        _page(ws, "landscape")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _lines(text: str, room: int) -> int:
    return sum(max(1, math.ceil(width(line) / room)) for line in text.splitlines() or [""])

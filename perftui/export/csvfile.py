"""CSV exports: tables for spreadsheets, and whole forms that import back.

Amounts are written as stored (``80.00``, ``98``), without grouping, so every
spreadsheet reads them as numbers and a re-import changes nothing. 一级/二级
are repeated on every row: a spreadsheet filters by them. A whole form uses the
five-column grid of :mod:`perftui.export.sheet`; forms follow each other with
a blank row between, each starting with its title row.

Lines end in CRLF as RFC 4180 says and Excel expects; the UTF-8 BOM Excel
needs to recognise UTF-8 is added by the caller (``--bom``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from perftui.core import money
from perftui.export.contents import Amount, Cell, Table
from perftui.export.sheet import form_sheet
from perftui.core.model import Form


def cell_text(cell: Cell | None) -> str:
    if isinstance(cell, Amount):
        return money.canonical(cell.value)
    return "" if cell is None else str(cell)


def table(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([cell_text(cell) for cell in row] for row in table.all_rows())
    return buffer.getvalue()


def forms(selected: Sequence[Form]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number, form in enumerate(selected):
        if number:
            writer.writerow([])
        writer.writerows([cell_text(cell) for cell in row] for row in form_sheet(form).rows)
    return buffer.getvalue()

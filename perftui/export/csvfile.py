"""CSV exports: tables for spreadsheets, and whole forms that import back.

Amounts are written as stored (``80.00``, ``98``), without grouping, so every
spreadsheet reads them as numbers and a re-import changes nothing. 一级/二级
are repeated on every row: a spreadsheet filters by them. A whole form uses the
five-column grid of :mod:`perftui.export.sheet`; forms follow each other with
a blank row between, each starting with its title row.

Lines end in CRLF as RFC 4180 says and Excel expects; the UTF-8 BOM Excel
needs to recognise UTF-8 is added by the caller (``--bom``).

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or CR) is
a formula to a spreadsheet, which runs it when the file is opened: such cells
get a leading ``'`` (:func:`neutralized`), which the spreadsheet shows as text
and our own import takes off again (:func:`restored`). Amounts are written
as numbers, never neutralized. ``raw`` writes cells as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from perftui.core import money
from perftui.export.contents import Amount, Cell, Table
from perftui.export.sheet import form_sheet
from perftui.core.model import Form


#: What makes a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralized(text: str) -> str:
    """``text`` as a spreadsheet will show it, never run it: a leading ``'`` before a formula.

    Text that already starts with quotes before a formula character gets one
    more, so that :func:`restored` gives back exactly ``text``.
    """
    return "'" + text if text.lstrip("'")[:1] in FORMULA_START else text


def restored(text: str) -> str:
    """The inverse of :func:`neutralized`, for reading our CSV back."""
    return text[1:] if text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_START else text


def cell_text(cell: Cell | None, raw: bool = False) -> str:
    if isinstance(cell, Amount):
        return money.canonical(cell.value)  # a number, even where a minus sign would lead
    text = "" if cell is None else str(cell)
    return text if raw or isinstance(cell, int) else neutralized(text)


def table(table: Table, raw: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([cell_text(cell, raw) for cell in row] for row in table.all_rows())
    return buffer.getvalue()


def forms(selected: Sequence[Form], raw: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number, form in enumerate(selected):
        if number:
            writer.writerow([])
        writer.writerows([cell_text(cell, raw) for cell in row] for row in form_sheet(form).rows)
    return buffer.getvalue()

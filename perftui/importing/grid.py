"""Every source as a grid of cells: text copied out of a table, .docx, .xlsx, text .pdf.

One convention for all of them, the one a copy of a table gives as text: a
merged cell's text stands in its top-left cell and the cells it covers are
blank. Word returns a merged cell once per grid column it spans (and a
vertically merged one as an empty "continue" cell), Excel keeps a merged
range's value in its top-left cell only, pdfplumber gives ``None`` for the
cells a merged one covers; each reader brings that to blanks.

Text around the tables (titles, the year line, 单位 lines) becomes rows of one
cell, in document order, so a document with several forms is one grid that
the recognizer splits. An .xlsx gives one grid per sheet.

Each row remembers where it came from, so a refusal can name the line, the
table row or the cell (:meth:`Grid.where`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from perftui.core.normalize import clean_text
from perftui.i18n import gettext as _
from perftui.importing.text import FormatError

TEXT, DOCX, XLSX, PDF = "text", "docx", "xlsx", "pdf"

_WORD = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Grid:
    """The cells of one source (or one sheet), row by row, with where each row came from.

    ``places[r]`` is the line number of a text row, or a description of a
    table row ("表2第5行", "第3页表1第4行"); for a sheet it is the row number
    and ``sheet`` names the sheet, so a cell is named as Excel names it.
    """

    source: str
    kind: str
    rows: tuple[tuple[str, ...], ...]
    places: tuple[int | str, ...]
    sheet: str = ""

    def where(self, row: int, column: int | None = None) -> int | str:
        """A row (or cell) as a refusal names it: a line number, ``Sheet1!C7``, ``表2第5行第3列``."""
        if not 0 <= row < len(self.places):
            return ""
        place = self.places[row]
        if self.kind == XLSX:
            if column is None:
                return _("工作表“{sheet}”第{row}行").format(sheet=self.sheet, row=place)
            return f"{self.sheet}!{column_letter(column)}{place}"
        if column is None or self.kind == TEXT:
            return place
        return _("{place}第{column}列").format(place=place, column=column + 1)


def column_letter(column: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def clean(text: str) -> str:
    """A cell's text as kept: escape sequences and control characters removed (the door:
    :func:`~perftui.core.normalize.clean_text`), outer space stripped."""
    return clean_text(text).strip()


def _clean_lines(text: str) -> str:
    """Like :func:`clean`, keeping the cell's own line breaks."""
    return "\n".join(clean(line) for line in _kept_lines(text).split("\n") if clean(line))


def _kept_lines(text: str) -> str:
    """A cell's own line breaks (paragraphs in Word, Alt+Enter in Excel) kept; blank lines dropped."""
    return "\n".join(line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip())


def _cell_lines(text: str) -> str:
    """Lines wrapped inside a cell joined again: with a space between two words, else without."""
    parts = [part.strip() for part in text.replace("\r", "\n").split("\n")]
    parts = [part for part in parts if part]
    if not parts:
        return ""
    joined = parts[0]
    for part in parts[1:]:
        # A line broken inside Chinese text or a number needs no space; between words it does.
        gap = " " if _WORD.match(joined[-1]) and _WORD.match(part[0]) else ""
        joined += gap + part
    return joined


# -- text ---------------------------------------------------------------------------------


def from_text(text: str, source: str) -> Grid:
    """One row per line, cells split at tabs (a copy of a table out of Word, Excel or a PDF)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    rows = tuple(tuple(clean(cell) for cell in line.split("\t")) for line in text.splitlines())
    return Grid(source, TEXT, rows, tuple(range(1, len(rows) + 1)))


# -- docx ---------------------------------------------------------------------------------


def from_docx(path: Path, source: str) -> Grid:
    """Paragraphs and table rows in document order; a merged cell's text once, in its first cell."""
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.table import Table, _Cell
    except ImportError:  # pragma: no cover - a dependency of the package
        raise FormatError(source, None, _("缺少 python-docx，无法读取 .docx 文件")) from None
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises many kinds for a damaged package
        raise FormatError(source, None, _("不是有效的 .docx 文件：{reason}").format(reason=_reason(error))) from None
    rows: list[tuple[str, ...]] = []
    places: list[int | str] = []
    paragraph_number = table_number = 0
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph_number += 1
            text = clean("".join(node.text or "" for node in element.iter(qn("w:t"))))
            rows.append((text,))
            places.append(_("第{number}段").format(number=paragraph_number))
        elif element.tag == qn("w:tbl"):
            table_number += 1
            table = Table(element, document)
            for number, tr in enumerate(element.tr_lst, start=1):
                cells: list[str] = [""] * _grid_before(tr, qn)
                for tc in tr.tc_lst:
                    merge = tc.vMerge
                    text = "" if merge == "continue" else _clean_lines(_Cell(tc, table).text)
                    cells.append(text)
                    cells.extend([""] * (max(1, tc.grid_span) - 1))
                rows.append(tuple(cells))
                places.append(_("表{table}第{row}行").format(table=table_number, row=number))
    return Grid(source, DOCX, tuple(rows), tuple(places))


def _grid_before(tr, qn) -> int:
    """Grid columns a row leaves empty before its first cell (w:gridBefore)."""
    pr = tr.find(qn("w:trPr"))
    before = pr.find(qn("w:gridBefore")) if pr is not None else None
    if before is None:
        return 0
    try:
        return int(before.get(qn("w:val")))
    except (TypeError, ValueError):
        return 0


# -- xlsx ---------------------------------------------------------------------------------


def from_xlsx(path: Path, source: str) -> list[Grid]:
    """One grid per visible sheet; a merged range's value stands in its top-left cell only."""
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - a dependency of the package
        raise FormatError(source, None, _("缺少 openpyxl，无法读取 .xlsx 文件")) from None
    try:
        # Not read_only: merged ranges are only known to a fully loaded sheet.
        book = load_workbook(str(path), data_only=True)
    except Exception as error:  # zipfile, XML and openpyxl errors for a damaged file
        raise FormatError(source, None, _("不是有效的 .xlsx 文件：{reason}").format(reason=_reason(error))) from None
    grids = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        rows: list[tuple[str, ...]] = []
        places: list[int | str] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            rows.append(tuple(_clean_lines(sheet_text(cell.value, cell.number_format)) for cell in row))
            places.append(number)
        grids.append(Grid(source, XLSX, tuple(rows), tuple(places), sheet=sheet.title))
    return grids


_DECIMALS = re.compile(r"0\.(0+)")


def sheet_text(value, number_format: str | None = "General") -> str:
    """A sheet cell as the operator sees it: numbers exactly, never in scientific notation.

    Excel stores 438.768 as a binary float; its shortest repr is the number
    that was typed. A fixed format ("0.00") shows at least that many decimals
    (80 shown as 80.00), but never fewer than the value has: 153.5184 under
    "0.00" reads 153.5184, not the 153.52 the cell displays.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        fmt = number_format or "General"
        percent = "%" in fmt
        if percent:
            number = (number * 100).normalize()
        match = _DECIMALS.search(fmt)
        wanted = len(match.group(1)) if match else 0
        text = format(number, "f")
        have = len(text.partition(".")[2])
        if have < wanted:
            text = format(number.quantize(Decimal(1).scaleb(-wanted)), "f")
        return text + ("%" if percent else "")
    return str(value)


# -- pdf ----------------------------------------------------------------------------------


def from_pdf(path: Path, source: str) -> Grid:
    """Tables by pdfplumber's ruling lines, the text between them as one-cell rows, page by page."""
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a dependency of the package
        raise FormatError(source, None, _("缺少 pdfplumber，无法读取 .pdf 文件")) from None
    rows: list[tuple[str, ...]] = []
    places: list[int | str] = []
    any_text = False
    try:
        with pdfplumber.open(str(path)) as pdf:
            for page_number, page in enumerate(pdf.pages, start=1):
                if page.chars:
                    any_text = True
                tables = page.find_tables()
                boxes = [table.bbox for table in tables]
                items: list[tuple[float, list[tuple[tuple[str, ...], int | str]]]] = []
                for number, table in enumerate(tables, start=1):
                    extracted = [
                        (
                            tuple(clean(_cell_lines(cell or "")) for cell in row),
                            _("第{page}页表{table}第{row}行").format(page=page_number, table=number, row=index),
                        )
                        for index, row in enumerate(table.extract(), start=1)
                    ]
                    items.append((table.bbox[1], extracted))
                outside = page.filter(lambda obj, boxes=boxes: not _inside(obj, boxes))
                for line in outside.extract_text_lines(return_chars=False):
                    text = clean(line["text"])
                    if text:
                        items.append((line["top"], [((text,), _("第{page}页").format(page=page_number))]))
                for _top, extracted in sorted(items, key=lambda item: item[0]):
                    for cells, place in extracted:
                        rows.append(cells)
                        places.append(place)
    except FormatError:
        raise
    except Exception as error:  # pdfminer raises many kinds for a damaged file
        raise FormatError(source, None, _("不是有效的 .pdf 文件：{reason}").format(reason=_reason(error))) from None
    if not any_text:
        raise FormatError(source, None, _("PDF 中没有文字（可能是扫描件），无法识别；请用文字版 PDF、Word 或 Excel 文件"))
    return Grid(source, PDF, tuple(rows), tuple(places))


def _inside(obj, boxes) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__

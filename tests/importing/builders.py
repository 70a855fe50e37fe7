"""Build .docx, .xlsx and .pdf files from a transcription, with the merges the official tables have.

A transcription is text as a copy of the table gives it: one row per line,
cells separated by tabs, merged cells left blank; lines without a tab are the
paragraphs around the tables (title, year line, 单位 line). The merges are put
back as the paper form has them, independently of the importer:

- in the indicator table (from the row naming 一级…), a 一级 or 二级 cell and a
  leading 绩效指标 column span down over the blank cells beneath them;
- above it, a label in the first column spans down over the blank cells
  beneath it (资金投入 over its three rows, 绩效目标 over its two), and a value
  followed by blank cells spans right over them up to the next filled cell
  (a 项目名称 spanning two columns).

Each paragraph becomes a Word paragraph, a sheet row merged across the
table's width, or a line of PDF text; each run of tab rows one table.
"""

from __future__ import annotations

import re
from pathlib import Path

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based, inclusive)


def blocks(text: str) -> list[str | list[list[str]]]:
    """Paragraphs (str) and tables (rows of cells, padded to the table's width), in order."""
    found: list[str | list[list[str]]] = []
    for line in text.splitlines():
        if "\t" in line:
            if not found or isinstance(found[-1], str):
                found.append([])
            found[-1].append([cell.strip() for cell in line.split("\t")])  # type: ignore[union-attr]
        elif line.strip():
            found.append(line.strip())
    for block in found:
        if isinstance(block, list):
            width = max(len(row) for row in block)
            for row in block:
                row.extend([""] * (width - len(row)))
    return found


def _is_level_header(cell: str) -> bool:
    return re.sub(r"\s+", "", cell).startswith(("一级", "二级"))


def merges(rows: list[list[str]]) -> list[Merge]:
    width = len(rows[0])
    header = next((r for r, row in enumerate(rows) if sum(_is_level_header(c) for c in row) >= 2), None)
    found: list[Merge] = []
    if header is not None:
        level_columns = [c for c, cell in enumerate(rows[header]) if _is_level_header(cell)]
        for column in range(0, max(level_columns[:2]) + 1):
            found += _down(rows, column, header, len(rows))
    top = header if header is not None else len(rows)
    found += _down(rows, 0, 0, top)
    taken = {(r, c) for r0, c0, r1, c1 in found for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r in range(top):
        row = rows[r]
        for c in range(1, width):
            if not row[c] or (r, c) in taken:
                continue
            end = c
            while end + 1 < width and not row[end + 1] and (r, end + 1) not in taken:
                end += 1
            if end > c and end + 1 < width:  # a filled cell follows: the blanks belong to this one
                found.append((r, c, r, end))
                taken |= {(r, k) for k in range(c, end + 1)}
    return found


def _down(rows: list[list[str]], column: int, start: int, stop: int) -> list[Merge]:
    found = []
    r = start
    while r < stop:
        if rows[r][column]:
            end = r
            while end + 1 < stop and not rows[end + 1][column] and any(rows[end + 1]):
                end += 1
            if end > r:
                found.append((r, column, end, column))
            r = end + 1
        else:
            r += 1
    return found


# -- docx -------------------------------------------------------------------------------------


def write_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for block in blocks(text):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=len(block[0]))
        for r, row in enumerate(block):
            for c, cell in enumerate(row):
                if cell:
                    table.cell(r, c).text = cell
        for r0, c0, r1, c1 in merges(block):
            table.cell(r0, c0).merge(table.cell(r1, c1))
    document.save(str(path))
    return path


# -- xlsx ---------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:\.(\d+))?")


def write_xlsx(text: str, path: Path, sheets: int = 1) -> Path:
    """Plain numbers are written as numbers (with a format showing their decimals), as Excel keeps them."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    row_number = 0
    found = blocks(text)
    width = max((len(b[0]) for b in found if isinstance(b, list)), default=1)
    for block in found:
        if isinstance(block, str):
            row_number += 1
            sheet.cell(row=row_number, column=1, value=block)
            if width > 1:
                sheet.merge_cells(start_row=row_number, start_column=1, end_row=row_number, end_column=width)
            continue
        first = row_number + 1
        for row in block:
            row_number += 1
            for c, cell in enumerate(row, start=1):
                if cell:
                    _put(sheet.cell(row=row_number, column=c), cell)
        for r0, c0, r1, c1 in merges(block):
            sheet.merge_cells(start_row=first + r0, start_column=c0 + 1, end_row=first + r1, end_column=c1 + 1)
    book.save(str(path))
    return path


def _put(cell, text: str) -> None:
    match = _NUMBER.fullmatch(text)
    if match is None:
        cell.value = text
        cell.data_type = "s"  # "=100%" is text, not a formula
        return
    decimals = len(match.group(1) or "")
    cell.value = float(text) if decimals else int(text)
    if decimals:
        cell.number_format = "0." + "0" * decimals


# -- pdf ---------------------------------------------------------------------------------------


def write_pdf(text: str, path: Path) -> Path:
    """A text PDF with ReportLab's built-in CJK font (STSong-Light: nothing to install)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")
    page = landscape(A4)
    usable = page[0] - 72
    story = []
    for block in blocks(text):
        if isinstance(block, str):
            story.append(Paragraph(_escape(block), style))
            continue
        width = len(block[0])
        cells = [[Paragraph(_escape(cell), style) if cell else "" for cell in row] for row in block]
        table = Table(cells, colWidths=[usable / width] * width)
        commands = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        commands += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in merges(block)]
        table.setStyle(TableStyle(commands))
        story.append(table)
    SimpleDocTemplate(str(path), pagesize=page).build(story)
    return path


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

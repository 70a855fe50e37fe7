"""One file -> its grids -> its forms, whatever the file is: text, .docx, .xlsx or .pdf.

The kind is told by the file's name, else by its first bytes (a .docx and an
.xlsx are zip packages, a PDF starts with ``%PDF``). Old binary Office files
(.doc, .xls) are refused with what to do instead.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from perftui.importing import text as importer
from perftui.i18n import gettext as _
from perftui.importing.text import FormatError
from perftui.importing import grid as grids
from perftui.importing.recognize import Recognized, recognize

SUFFIXES = {".docx": grids.DOCX, ".xlsx": grids.XLSX, ".xlsm": grids.XLSX, ".pdf": grids.PDF}
REFUSED = {
    ".doc": "doc",
    ".xls": "xls",
    ".wps": "doc",
    ".et": "xls",
}


@dataclass(frozen=True)
class FileForms:
    """What one file holds: its forms as recognized, and the encoding a text file was in."""

    path: str
    recognized: tuple[Recognized, ...]
    kind: str
    encoding: str = importer.UTF8

    @property
    def forms(self):
        return [item.form for item in self.recognized]


def kind_of(path: Path) -> str:
    """TEXT, DOCX, XLSX or PDF, by the name, else by the first bytes."""
    suffix = path.suffix.lower()
    source = str(path)
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if suffix in REFUSED:
        if REFUSED[suffix] == "doc":
            raise FormatError(source, None, _("不能读取旧版 Word (.doc) 文件；请在 Word 中另存为 .docx 后导入"))
        raise FormatError(source, None, _("不能读取旧版 Excel (.xls) 文件；请在 Excel 中另存为 .xlsx 后导入"))
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        return grids.TEXT  # the text reader names the problem
    if head.startswith(b"%PDF"):
        return grids.PDF
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError):
            return grids.TEXT
        if "word/document.xml" in names:
            return grids.DOCX
        if "xl/workbook.xml" in names:
            return grids.XLSX
    return grids.TEXT


def read_grids(path: str | Path) -> tuple[list[grids.Grid], str, str]:
    """The grids of a file, its kind and (text) encoding."""
    path = Path(path)
    source = str(path)
    kind = kind_of(path)
    if kind == grids.TEXT:
        text, encoding = importer.read_text(path)
        return [grids.from_text(text, source)], kind, encoding
    _check_size(path, source)
    if kind == grids.DOCX:
        return [grids.from_docx(path, source)], kind, importer.UTF8
    if kind == grids.XLSX:
        return grids.from_xlsx(path, source), kind, importer.UTF8
    return [grids.from_pdf(path, source)], kind, importer.UTF8


def read_forms(path: str | Path, year: int | None = None) -> FileForms:
    """Every form in a file, or a :class:`FormatError`: a file imports whole or not at all."""
    found_grids, kind, encoding = read_grids(path)
    found: list[Recognized] = []
    for one in found_grids:
        if _is_list_of_forms(one):
            continue  # the summary sheet of our own xlsx export: its forms follow, one to a sheet
        found.extend(recognize(one, year))
    if not found:
        raise FormatError(str(path), None, _("没有找到绩效目标表（缺少“项目名称”等栏目）"))
    return FileForms(str(path), tuple(found), kind, encoding)


def _is_list_of_forms(sheet: grids.Grid) -> bool:
    """Does the sheet start with the header of a summary or indicator list (ours, in any language)?"""
    if sheet.kind != grids.XLSX or not sheet.rows:
        return False
    from perftui.importing.readback import _is_table_export

    first = next((row for row in sheet.rows if any(row)), ())
    return bool(first) and _is_table_export(list(first))


def _check_size(path: Path, source: str) -> None:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise FormatError(source, None, _("无法读取文件：{reason}").format(reason=error.strerror or error)) from None
    if size > importer.MAX_FILE_BYTES:
        raise FormatError(
            source, None,
            _("文件过大（{size} MB，上限 {limit} MB）").format(
                size=size // (1024 * 1024), limit=importer.MAX_FILE_BYTES // (1024 * 1024)
            ),
        )

"""Forms from text files: a table copied out of Word, Excel or a PDF, cells separated by tabs.

The text becomes a grid (one row per line, merged cells blank) that the one
recognizer every source goes through reads by its labels
(:mod:`perftui.importing.recognize`). This module also reads files safely for
every importer: bounded in size, UTF-8, GB18030 or UTF-16/32 with a BOM, never binary.

A file either imports whole or not at all: :class:`FormatError` names the file,
the line (or the cell) and the reason.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from perftui.core.model import Form, clean_form, length_problem
from perftui.i18n import gettext as _

#: Refuse files above this size: a form is a few KB; 20 MB is thousands of them.
MAX_FILE_BYTES = 20 * 1024 * 1024


class FormatError(ValueError):
    """A file that cannot be read as forms: str() is "file:line: reason".

    ``line`` is a line number, or for a table or a sheet where in it
    ("Sheet1!C7", "表2第5行").
    """

    def __init__(self, source: str, line: int | str | None, reason: str):
        self.source, self.line, self.reason = source, line, reason
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")


def admitted(form: Form, source: str, where: int | str | None = None) -> Form:
    """The last step of every importer (text, .docx, .xlsx, .pdf, our JSON and CSV): ``form`` as it may be stored.

    Its text cleaned of anything a terminal would obey
    (:func:`~perftui.core.model.clean_form`); a field longer than the model
    allows is refused with a :class:`FormatError` naming the file and where
    the form is.
    """
    form = clean_form(form)
    problem = length_problem(form)
    if problem is not None:
        raise FormatError(source, where, problem)
    return form


def parse_text(text: str, source: str = "<text>", year: int | None = None) -> list[Form]:
    """The forms in ``text``; raises :class:`FormatError` if the text is not forms.

    Read by the one recognizer every source goes through (text, .docx, .xlsx,
    .pdf): :mod:`perftui.importing.recognize`.
    """
    from perftui.importing.grid import from_text
    from perftui.importing.recognize import recognize

    forms = [found.form for found in recognize(from_text(text, source), year)]
    if not forms:
        raise FormatError(source, None, _("没有找到绩效目标表（缺少“项目名称”等栏目）"))
    return forms


UTF8, GB18030 = "utf-8", "gb18030"


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def decode_detected(data: bytes, source: str) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-16/32 with a BOM, UTF-8 (with or without BOM), else GB18030.

    Windows Notepad and Excel's "Unicode text" save UTF-16 with a BOM, whose
    every other byte is NUL: the BOM is checked before the NULs that mean binary.
    """
    for bom, encoding in _BOMS:  # UTF-32 first: its little-endian BOM starts with UTF-16's
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                text = "\uffff"
            # Any bytes of even length decode as UTF-16; text does not hold NULs or noncharacters.
            if "\x00" in text or "\uffff" in text or "\ufffe" in text:
                raise FormatError(source, None, _("文件以 {encoding} 标记开头，内容却不是 {encoding} 编码").format(
                    encoding=encoding.upper()))
            return text, encoding
    if b"\x00" in data[:8192]:
        raise FormatError(source, None, _("这是二进制文件，不是文本格式的绩效目标表"))
    try:
        return data.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        return data.decode("gb18030"), GB18030
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise FormatError(source, line, _("文件既不是UTF-8也不是GB18030编码")) from None


def decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 as Chinese Windows saves it."""
    return decode_detected(data, source)[0]


@dataclass(frozen=True)
class SourceFile:
    """The forms read from one file, and the encoding it turned out to be in."""

    path: str
    forms: list[Form]
    encoding: str


def _too_big(source: str, size: int) -> FormatError:
    return FormatError(
        source,
        None,
        _("文件过大（{size} MB，上限 {limit} MB）").format(
            size=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024)
        ),
    )


def _read_bounded(path: Path, source: str) -> bytes:
    """At most MAX_FILE_BYTES of the file, or a refusal.

    Read through a limit rather than trusting the size stat reports: a pipe,
    a device (/dev/zero) or a file still growing reports a size that says
    nothing about how much a plain read() would pull into memory.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_big(source, size)
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise FormatError(source, None, _("无法读取文件：{reason}").format(reason=error.strerror or error)) from None
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(
            source, None, _("文件过大（超过上限 {limit} MB）").format(limit=MAX_FILE_BYTES // (1024 * 1024))
        )
    return data


def read_text(path: str | Path) -> tuple[str, str]:
    """A file's text and its encoding; refuses empty, binary, undecodable and oversized files.

    Every import path (text forms, our JSON and CSV exports) reads through here.
    """
    path = Path(path)
    source = str(path)
    data = _read_bounded(path, source)
    if not data.strip():
        raise FormatError(source, None, _("文件是空的"))
    return decode_detected(data, source)


def load(path: str | Path) -> SourceFile:
    """The forms in one file, with its encoding. Refuses binary, undecodable and oversized files."""
    text, encoding = read_text(path)
    return SourceFile(str(path), parse_text(text, str(path)), encoding)


def read_file(path: str | Path) -> list[Form]:
    """The forms in one file. Refuses binary, undecodable and oversized files."""
    return load(path).forms

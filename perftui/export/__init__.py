"""Exports: plain-text tables for mail and reports, and files for spreadsheets.

The core is pure: :func:`render` turns a list of forms and :class:`Options`
into text or bytes, and the CLI (``perftui export``) and the TUI's export
dialog both call it. It never imports textual; tabulate is imported only for
the text formats and openpyxl only for xlsx, so an export costs what its
format needs.

What can be exported (``kind``):

* ``summary``: one row per form and a total row;
* ``form``: whole forms in the layout of the official table;
* ``indicators``: the indicator rows, with the form's name when several forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from perftui.i18n import gettext as _

if TYPE_CHECKING:
    from perftui.core.model import Form

from perftui.export.formats import (  # noqa: F401  (re-exported: callers know them from here)
    BINARY_FORMATS,
    DEFAULT_FORMAT,
    DEFAULT_WIDTH,
    EXTENSIONS,
    FILE_FORMATS,
    FORM,
    FORMATS,
    INDICATORS,
    KINDS,
    MAX_WIDTH,
    MIN_WIDTH,
    SUMMARY,
    TEXT_FORMATS,
)


class ExportError(ValueError):
    """Options that cannot make an export; str() is a one-line message for the operator."""


@dataclass(frozen=True, slots=True)
class Options:
    """How to export: ``format`` (see :data:`FORMATS`), ``width`` for wrapping goals, ``bom`` for Excel,
    ``raw`` for CSV cells as they are (formula-like text is otherwise neutralized, see
    :mod:`perftui.export.csvfile`); ``cut``: a table read across (the summary) is cut to ``width``
    with … (asked for with --width, or shown on a terminal; a file keeps every character)."""

    format: str = DEFAULT_FORMAT
    width: int = DEFAULT_WIDTH
    bom: bool = False
    raw: bool = False
    cut: bool = False

    def check(self) -> Options:
        if self.format not in FORMATS:
            raise ExportError(
                _("未知的导出格式：{format}（可用：{formats}）").format(format=self.format, formats=", ".join(FORMATS))
            )
        if not MIN_WIDTH <= self.width <= MAX_WIDTH:
            raise ExportError(
                _("宽度应在 {low} 到 {high} 之间：{width}").format(low=MIN_WIDTH, high=MAX_WIDTH, width=self.width)
            )
        if self.bom and self.format in ("json", "xlsx"):
            raise ExportError(_("--bom 只用于文本和 CSV 导出（JSON 和 xlsx 不加 BOM）"))
        if self.raw and self.format != "csv":
            raise ExportError(_("--raw 只用于 CSV 导出"))
        return self


def parse_width(text: str) -> int:
    """A width typed by an operator (full-width digits too); raises :class:`ExportError`."""
    from perftui.core.normalize import fold

    folded = fold(str(text)).strip()
    if not folded.isdigit() or not MIN_WIDTH <= int(folded) <= MAX_WIDTH:
        raise ExportError(
            _("宽度应为 {low} 到 {high} 之间的整数：{width}").format(low=MIN_WIDTH, high=MAX_WIDTH, width=text)
        )
    return int(folded)


def render(kind: str, forms: Sequence[Form], options: Options = Options()) -> str | bytes:
    """The export of ``forms``: text for the text, CSV and JSON formats; bytes for xlsx.

    Raises :class:`ExportError` for an unknown kind or format, a bad width, or
    no forms at all (an empty table is never what was meant).
    """
    output = _render(kind, forms, options)
    if isinstance(output, bytes):
        return output  # xlsx: its cells are escaped as they are written
    # Forms are clean (text is cleaned where it comes in); this is the exit's
    # own guarantee that no export carries what a terminal would obey.
    from perftui.core.normalize import escape_controls

    return escape_controls(output, json=options.format == "json")


def _render(kind: str, forms: Sequence[Form], options: Options) -> str | bytes:
    options.check()
    if kind not in KINDS:
        raise ExportError(_("未知的导出内容：{kind}（可用：{kinds}）").format(kind=kind, kinds=", ".join(KINDS)))
    if not forms:
        raise ExportError(_("没有符合条件的表"))
    fmt = options.format
    if fmt == "xlsx":
        from perftui.export import xlsx

        return xlsx.workbook(kind, forms)
    from perftui.export import contents

    if fmt == "json":
        from perftui.export import jsonfile

        if kind == FORM:
            return jsonfile.forms(forms)
        return jsonfile.table(kind, contents.summary(forms) if kind == SUMMARY else contents.indicators(forms))
    if fmt == "csv":
        from perftui.export import csvfile

        if kind == FORM:
            return csvfile.forms(forms, options.raw)
        return csvfile.table(contents.summary(forms) if kind == SUMMARY else contents.indicators(forms), options.raw)
    from perftui.export import text

    if kind == FORM:
        return text.forms(forms, fmt, options.width) + "\n"
    table = contents.summary(forms) if kind == SUMMARY else contents.indicators(forms)
    return text.table(table, fmt, options.width, cut=options.cut) + "\n"


def encode(output: str | bytes, options: Options) -> bytes:
    """What goes into a file: UTF-8, with the BOM Excel needs to recognise it when asked."""
    if isinstance(output, bytes):
        return output
    data = output.encode("utf-8")
    return b"\xef\xbb\xbf" + data if options.bom else data


def export_bytes(kind: str, forms: Sequence[Form], options: Options = Options()) -> bytes:
    return encode(render(kind, forms, options), options)


def suggested_name(kind: str, forms: Sequence[Form], fmt: str) -> str:
    """A file name for the TUI to propose: what, which year, and the format's extension."""
    years = sorted({form.year for form in forms if form.year})
    year = f"-{years[0]}" if len(years) == 1 else ""
    what = {SUMMARY: "summary", INDICATORS: "indicators"}.get(kind, "forms")
    if kind == FORM and len(forms) == 1:
        what = "form-" + forms[0].id
    return f"perftui-{what}{year}{EXTENSIONS.get(fmt, '.txt')}"

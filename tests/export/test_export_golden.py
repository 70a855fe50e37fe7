"""Golden files: every format of the summary, and forms and indicators in several formats.

The golden files under tests/export/golden/ are the reviewed output for the
eight seed forms; see conftest.py for regenerating them on purpose.
"""

from __future__ import annotations

import io

import pytest

from perftui import export, i18n

WIDTH = 100


def xlsx_dump(data: bytes) -> str:
    """What matters in a workbook, as text: sheets, cells, number formats, merged cells."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    lines = []
    for sheet in book.worksheets:
        lines.append(f"== {sheet.title}")
        lines.append("merged: " + " ".join(sorted(str(r) for r in sheet.merged_cells.ranges)))
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                extra = f"  [{cell.number_format}]" if cell.number_format != "General" else ""
                lines.append(f"{cell.coordinate}: {cell.value!r}{extra}")
    return "\n".join(lines) + "\n"


def rendered(kind, forms, fmt, width=WIDTH):
    output = export.render(kind, forms, export.Options(fmt, width))
    return xlsx_dump(output) if fmt == "xlsx" else output


def golden_name(kind, fmt, suffix=""):
    extension = {"xlsx": ".xlsx.txt"}.get(fmt, export.EXTENSIONS.get(fmt, ".txt"))
    return f"{kind}{suffix}.{fmt}{extension}"


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_summary_in_every_format(sample_forms, golden, fmt):
    golden(golden_name("summary", fmt), rendered("summary", sample_forms, fmt))


@pytest.mark.parametrize("fmt", ["simple", "grid", "simple_grid", "rounded_grid", "github", "rst", "html", "tsv", "csv", "json", "xlsx"])
def test_whole_forms(sample_forms, golden, fmt):
    golden(golden_name("form", fmt), rendered("form", sample_forms, fmt))


@pytest.mark.parametrize("fmt", ["simple_grid", "simple"])
def test_one_form_at_80_columns(sample_forms, golden, fmt):
    # The widest form: long 三级 names wrap so the figure keeps to 80 columns.
    golden(golden_name("form", fmt, "-80"), rendered("form", sample_forms[6:7], fmt, 80))


@pytest.mark.parametrize("fmt", ["simple", "grid", "pipe", "csv", "json", "xlsx"])
def test_indicators_of_all_forms(sample_forms, golden, fmt):
    golden(golden_name("indicators", fmt), rendered("indicators", sample_forms, fmt))


def test_indicators_of_one_form_have_no_name_column(sample_forms, golden):
    golden(golden_name("indicators", "rounded_grid", "-one"), rendered("indicators", sample_forms[:1], "rounded_grid"))


def test_summary_in_english(sample_forms, golden):
    i18n.set_locale("en")
    golden(golden_name("summary", "simple", "-en"), rendered("summary", sample_forms, "simple"))

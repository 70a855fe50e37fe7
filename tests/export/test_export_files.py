"""Files for spreadsheets and for moving forms: xlsx sums, json/csv read back, safe writing."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import stat
from decimal import Decimal

import pytest

from perftui import export
from perftui.export import files
from perftui.importing import readback
from perftui.importing.text import FormatError
from perftui.services.repository import Repository

from tests.conftest import SEED_FISCAL_TOTAL, SEED_FORMS, SEED_INDICATORS


def workbook(kind, forms):
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(export.render(kind, forms, export.Options("xlsx"))))


# -- xlsx --------------------------------------------------------------------------


def test_xlsx_summary_amounts_are_numbers_that_sum_to_the_seed_total(sample_forms):
    sheet = workbook("summary", sample_forms).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for title in ("年度金额", "年度财政拨款"):
        column = header.index(title)
        cells = [row[column] for row in sheet.iter_rows(min_row=2)]
        numbers = [cell.value for cell in cells if isinstance(cell.value, (int, float))]
        assert len(numbers) == SEED_FORMS  # the total row is a formula, not a ninth number
        assert all(cell.number_format == "0.00" for cell in cells)
        assert math.fsum(numbers) == 3127.56
        assert sum(Decimal(repr(value)) for value in numbers) == SEED_FISCAL_TOTAL
        assert cells[-1].value.startswith("=SUM(")


def test_xlsx_amounts_read_back_as_the_stored_decimals(sample_forms):
    sheet = workbook("summary", sample_forms).worksheets[0]
    fiscal = [row[5].value for row in sheet.iter_rows(min_row=2, max_row=SEED_FORMS + 1)]
    expected = [form.annual_funding.fiscal for form in sample_forms]
    assert [Decimal(repr(value)) for value in fiscal] == [Decimal(value) for value in expected]


def test_xlsx_form_export_has_a_summary_sheet_and_a_sheet_per_form(sample_forms):
    book = workbook("form", sample_forms)
    assert book.sheetnames[0] == "汇总"
    assert book.sheetnames[1:] == [form.name for form in sample_forms]
    sheet = book[sample_forms[5].name]
    assert sheet["A1"].value == "本级预算项目绩效目标表" and sheet["A2"].value == "（2024年度）"
    assert sheet["C6"].value == 80 and sheet["C6"].number_format == "0.00"
    assert "A12:A15" in {str(r) for r in book[sample_forms[0].name].merged_cells.ranges}  # 产出指标 spans 4 rows


def test_xlsx_never_turns_text_into_a_formula(sample_forms):
    form = sample_forms[0].evolve(name="=HYPERLINK(\"http://x\")")
    sheet = workbook("summary", [form]).worksheets[0]
    assert sheet["A2"].data_type == "s"


def test_sheet_names_follow_excels_rules(sample_forms):
    long = sample_forms[0].evolve(id="a", name="名称[很长]:" + "长" * 40)
    twin = long.evolve(id="b")
    names = workbook("form", [long, twin]).sheetnames
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    assert len(set(names)) == 3


def test_xlsx_and_openpyxl_are_only_loaded_for_xlsx(sample_forms):
    import subprocess
    import sys

    code = (
        "import sys; from perftui.importing.text import read_file; from perftui.demo import SEED;"
        "from perftui import export; forms = read_file(SEED);"
        "[export.render(k, forms, export.Options(f)) for k in export.KINDS for f in export.FORMATS if f != 'xlsx'];"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'textual')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# -- json ---------------------------------------------------------------------------


def test_json_keeps_every_field_and_is_deterministic(sample_forms):
    text = export.render("form", sample_forms, export.Options("json"))
    assert text == export.render("form", list(sample_forms), export.Options("json"))
    document = json.loads(text)
    assert document["kind"] == "forms" and document["version"] == 1
    assert [doc for doc in document["forms"]] == [form.to_doc() for form in sample_forms]
    assert readback.parse_json(text, "x.json") == sample_forms


def test_json_round_trip_through_an_empty_database(sample_forms, tmp_path):
    first = export.render("form", sample_forms, export.Options("json"))
    path = tmp_path / "forms.json"
    path.write_text(first, encoding="utf-8")
    repository = Repository.open(tmp_path / "db.json")
    imported = readback.read_file(path)
    assert imported.keep_ids
    report = repository.import_forms(imported.forms, keep_ids=True)
    assert len(report.added) == SEED_FORMS
    again = export.render("form", repository.forms(), export.Options("json"))
    assert again == first
    # The history records the import, at the time it happened.
    assert {entry.action for entry in repository.history()} == {"import"}
    assert all(entry.at != "2024-01-15T09:30:00+08:00" for entry in repository.history())


def test_json_import_into_a_database_that_has_the_forms(sample_forms, tmp_path):
    repository = Repository.open(tmp_path / "db.json")
    repository.import_forms(sample_forms, keep_ids=True)
    changed = [sample_forms[0].evolve(annual_goal="新的年度目标"), *sample_forms[1:]]
    report = repository.import_forms(changed, keep_ids=True)
    assert [f.id for f in report.updated] == [sample_forms[0].id]
    assert len(report.unchanged) == SEED_FORMS - 1
    updated = repository.get(sample_forms[0].id)
    assert updated.annual_goal == "新的年度目标" and updated.revision == sample_forms[0].revision + 1


def test_store_insert_refuses_a_revision_below_one(tmp_path):
    import storage

    store = storage.JsonFileStore(tmp_path / "db.json", app="perftui", revisioned={"forms"})
    with pytest.raises(ValueError):
        with store.transaction() as tx:
            tx.insert("forms", {"id": "x"}, revision=0)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["forms"][0]["funding"]["annual"].update(fiscal="八十"), "forms[0].funding.annual.fiscal"),
        (lambda d: d["forms"][1].update(id=d["forms"][0]["id"]), "重复"),
        (lambda d: d["forms"][0].update(year="2024"), "forms[0].year"),
        (lambda d: d["forms"][0].update(indicators=[["a", "b"]]), "forms[0].indicators[0]"),
        (lambda d: d["forms"][0].update(id="../x"), "forms[0].id"),
        (lambda d: d.update(version=99), "更新版本"),
        (lambda d: d.update(kind="summary"), "不能导入"),
        (lambda d: d.update(format="other"), "不是 perftui"),
    ],
)
def test_a_bad_json_export_is_refused_whole_with_a_clear_reason(sample_forms, change, message):
    document = json.loads(export.render("form", sample_forms, export.Options("json")))
    change(document)
    with pytest.raises(FormatError) as raised:
        readback.parse_json(json.dumps(document, ensure_ascii=False), "bad.json")
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_broken_json_names_the_line():
    with pytest.raises(FormatError) as raised:
        readback.parse_json('{\n"format": "perftui",\n', "broken.json")
    assert str(raised.value).startswith("broken.json:")


# -- csv ------------------------------------------------------------------------------


def test_csv_of_whole_forms_reads_back_to_the_same_content(sample_forms):
    text = export.render("form", sample_forms, export.Options("csv"))
    forms = readback.parse_csv(text, "forms.csv")
    assert len(forms) == SEED_FORMS
    assert sum(len(form.indicators) for form in forms) == SEED_INDICATORS
    for original, back in zip(sample_forms, forms):
        assert back.evolve(id=original.id, revision=original.revision, updated_at=original.updated_at,
                           updated_by=original.updated_by) == original


def test_csv_keeps_amounts_as_stored_and_levels_on_every_row(sample_forms):
    text = export.render("form", sample_forms[5:6], export.Options("csv"))
    assert "实施期金额,80.00,年度金额,80.00" in text
    text = export.render("indicators", sample_forms, export.Options("csv"))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 1 + SEED_INDICATORS and all(len(row) == 6 for row in rows)
    assert all(row[0] and row[2] for row in rows)  # name and 一级 repeated: a spreadsheet filters by them
    assert "\r\n" in text


def test_csv_goals_with_line_breaks_and_commas_survive(sample_forms):
    form = sample_forms[0].evolve(period_goal="第一行，含逗号, \"引号\"\n第二行", annual_goal="")
    back = readback.parse_csv(export.render("form", [form], export.Options("csv")), "x.csv")[0]
    assert back.period_goal == form.period_goal and back.annual_goal == ""


def test_an_english_csv_reads_back_too(sample_forms):
    from perftui import i18n

    i18n.set_locale("en")
    text = export.render("form", sample_forms[:2], export.Options("csv"))
    i18n.set_locale("zh_CN")
    forms = readback.parse_csv(text, "en.csv")
    assert [f.name for f in forms] == [f.name for f in sample_forms[:2]]
    assert forms[0].annual_funding == sample_forms[0].annual_funding and forms[0].year == 2024


def test_a_csv_saved_again_by_excel_with_gb18030_and_no_trailing_cells_reads_back(sample_forms, tmp_path):
    text = export.render("form", sample_forms[:1], export.Options("csv"))
    trimmed = "\r\n".join(line.rstrip(",") for line in text.splitlines())
    path = tmp_path / "saved-by-excel.csv"
    path.write_bytes(trimmed.encode("gb18030"))
    forms = readback.read_file(path).forms
    assert forms[0].name == sample_forms[0].name and len(forms[0].indicators) == len(sample_forms[0].indicators)


@pytest.mark.parametrize("kind", ["summary", "indicators"])
def test_table_exports_are_refused_on_import_with_a_hint(sample_forms, kind):
    for fmt in ("csv", "json"):
        text = export.render(kind, sample_forms, export.Options(fmt))
        with pytest.raises(FormatError) as raised:
            (readback.parse_csv if fmt == "csv" else readback.parse_json)(text, f"x.{fmt}")
        assert "export form --all" in str(raised.value)


def test_a_bad_amount_in_a_csv_names_the_line(sample_forms):
    text = export.render("form", sample_forms[:1], export.Options("csv")).replace("年度金额,98", "年度金额,九十八")
    with pytest.raises(FormatError) as raised:
        readback.parse_csv(text, "bad.csv")
    assert str(raised.value).startswith("bad.csv:6: ")


def test_files_are_told_apart_by_extension_then_content(sample_forms, seed_text, tmp_path):
    json_text = export.render("form", sample_forms[:1], export.Options("json"))
    csv_text = export.render("form", sample_forms[:1], export.Options("csv"))
    assert readback.detect("a.json", "") == readback.JSON
    assert readback.detect("a.csv", "") == readback.CSV
    assert readback.detect("a.txt", json_text) == readback.JSON
    assert readback.detect("a.txt", csv_text) == readback.CSV
    assert readback.detect("a.txt", "\ufeff" + csv_text) == readback.CSV
    assert readback.detect("a.txt", seed_text) == readback.TEXT
    assert readback.detect("a.txt", "说明, 附件\n" + seed_text) == readback.TEXT
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(FormatError):
        readback.read_file(tmp_path / "x.xlsx")


# -- writing files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "umask, shared, expected",
    [(0o022, False, 0o600), (0o000, False, 0o600), (0o000, True, 0o660), (0o027, True, 0o640), (0o077, True, 0o600)],
)
def test_a_new_export_is_never_more_open_than_the_database_whatever_the_umask(tmp_path, umask, shared, expected):
    folder = tmp_path / "out"
    folder.mkdir()
    if shared:  # an administrator's group folder
        folder.chmod(0o2770)
    target = folder / "out.txt"
    old = os.umask(umask)
    try:
        files.write(target, b"hello")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"hello"
    assert stat.S_IMODE(target.stat().st_mode) == expected
    assert os.listdir(folder) == ["out.txt"]


def test_write_never_replaces_a_file_without_force(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"precious")
    os.chmod(target, 0o600)
    with pytest.raises(files.TargetExists):
        files.write(target, b"new")
    assert target.read_bytes() == b"precious"
    assert os.listdir(tmp_path) == ["out.txt"]
    files.write(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # replacing keeps the permissions


def test_write_refuses_a_file_that_appears_while_writing(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    real_link = os.link

    def racing_link(source, destination):
        target.write_bytes(b"someone else's")  # another process wins the race
        return real_link(source, destination)

    monkeypatch.setattr(os, "link", racing_link)
    with pytest.raises(files.TargetExists):
        files.write(target, b"mine")
    assert target.read_bytes() == b"someone else's"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_write_errors_are_storage_write_errors_that_name_the_file(tmp_path):
    import storage
    from perftui.text.errors import describe

    with pytest.raises(storage.StorageWriteError) as raised:
        files.write(tmp_path / "missing-folder" / "out.txt", b"x")
    assert "missing-folder" in describe(raised.value)
    with pytest.raises(storage.StorageWriteError):
        files.write(tmp_path, b"x")  # a folder


def test_a_json_form_matching_a_text_imported_form_updates_it_under_its_own_id(sample_forms, seed_forms, tmp_path):
    repository = Repository.open(tmp_path / "db.json")
    repository.import_forms(seed_forms)  # as from the text file: ids of this database
    own_id = repository.forms()[0].id
    changed = sample_forms[0].evolve(annual_goal="改过的年度目标")  # another database's id
    report = repository.import_forms([changed, *sample_forms[1:]], keep_ids=True)
    assert [f.id for f in report.updated] == [own_id] and len(report.unchanged) == SEED_FORMS - 1
    assert repository.get(own_id).annual_goal == "改过的年度目标"
    assert repository.get(sample_forms[0].id) is None


def test_a_kept_form_without_a_stamp_is_stamped_on_import(sample_forms, tmp_path):
    repository = Repository.open(tmp_path / "db.json")
    report = repository.import_forms([sample_forms[0].evolve(updated_at="", updated_by="")], keep_ids=True)
    assert report.added[0].updated_at and report.added[0].id == sample_forms[0].id

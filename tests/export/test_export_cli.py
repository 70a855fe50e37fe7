"""``perftui export`` and ``perftui import`` of exports, run in-process through main()."""

from __future__ import annotations

import subprocess
import sys

import pytest

from perftui.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
from perftui.text.width import width

from tests.conftest import SEED_FORMS


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded(capsys, db_path, seed_path):
    assert run(capsys, "--db", db_path, "import", seed_path)[0] == EXIT_OK
    return db_path


def test_summary_defaults_to_the_simple_format_with_a_total(capsys, seeded):
    code, out, err = run(capsys, "--db", seeded, "export", "summary")
    assert code == EXIT_OK and err == ""
    lines = out.splitlines()
    assert set(lines[1]) <= {"-", " "}  # simple: a rule under the headers
    assert lines[-1].split()[:4] == ["合计", "3,127.56", "3,127.56", "0.00"]
    assert "80.00" in out and len(lines) == 2 + SEED_FORMS + 1


@pytest.mark.parametrize("fmt", ["grid", "simple_grid", "rounded_grid"])
def test_box_formats_through_the_cli_have_one_width(capsys, seeded, fmt):
    for what in (["summary"], ["form", "--all"], ["indicators"]):
        code, out, _ = run(capsys, "--db", seeded, "export", *what, "--format", fmt, "--width", 90)
        assert code == EXIT_OK
        assert len({width(line) for line in out.splitlines() if line}) == 1


def test_selection_options(capsys, seeded, tmp_path):
    from tests.importing.test_text_import import OTHER_FORM

    other = tmp_path / "other.txt"
    other.write_text(OTHER_FORM, encoding="utf-8")
    run(capsys, "--db", seeded, "import", other)
    code, out, _ = run(capsys, "--db", seeded, "export", "summary", "--year", 2024, "-f", "tsv")
    assert len(out.splitlines()) == 1 + SEED_FORMS + 1
    code, out, _ = run(capsys, "--db", seeded, "export", "summary", "--name", "龙头分园", "-f", "tsv")
    assert [line.split("\t")[0] for line in out.splitlines()[1:-1]] == ["龙头分园工作业务经费", "龙头分园征迁补偿款"]
    assert out.splitlines()[-1].split("\t")[4] == "980.75"
    code, out, _ = run(capsys, "--db", seeded, "export", "summary", "--unit", "研究院", "--year", 2024, "-f", "tsv")
    assert len(out.splitlines()) == 1 + SEED_FORMS + 1
    code, out, _ = run(capsys, "--db", seeded, "export", "form", "征迁")
    assert code == EXIT_OK and "龙头分园征迁补偿款" in out and "研究院劳务派遣人员经费" not in out
    code, out, _ = run(capsys, "--db", seeded, "export", "indicators", "征迁", "-f", "tsv")
    assert out.splitlines()[0].split("\t")[0] == "一级指标"


def test_incomplete_selects_forms_with_errors(capsys, seeded, seed_text, tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text(seed_text.replace("研究院劳务派遣人员经费", "缺金额的表").replace(
        "实施期金额\t98\t年度金额\t98", "实施期金额\t98\t年度金额\t"), encoding="utf-8")
    run(capsys, "--db", seeded, "import", broken)
    code, out, err = run(capsys, "--db", seeded, "export", "summary", "--incomplete", "-f", "tsv")
    assert code == EXIT_OK, err
    names = [line.split("\t")[0] for line in out.splitlines()[1:-1]]
    assert names == ["缺金额的表"]


def test_the_locale_option_gives_english_headers(capsys, seeded):
    code, out, _ = run(capsys, "--db", seeded, "export", "summary", "--locale", "en")
    assert out.startswith("Project name") and out.splitlines()[-1].startswith("Total")


# -- errors: one line each, never a traceback ---------------------------------------------


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("perftui: "), err
    return lines[0]


def test_an_unknown_format_is_a_usage_error(capsys, seeded):
    code, out, err = run(capsys, "--db", seeded, "export", "summary", "--format", "docx")
    assert code == EXIT_USAGE and out == ""
    assert "docx" in one_line_error(err)


def test_a_selection_that_matches_nothing(capsys, seeded):
    for argv in (["summary", "--year", 2031], ["form", "--name", "没有这个"], ["indicators", "没有这个"]):
        code, out, err = run(capsys, "--db", seeded, "export", *argv)
        assert code == EXIT_FINDINGS and out == ""
        one_line_error(err)


def test_an_empty_database_has_nothing_to_export(capsys, db_path, seed_forms):
    from perftui.services.repository import Repository

    repository = Repository.open(db_path)
    repository.import_forms(seed_forms[:1])
    repository.delete(repository.forms()[0])  # a database whose only form was deleted
    code, out, err = run(capsys, "--db", db_path, "export", "summary")
    assert code == EXIT_FINDINGS and "还没有表" in one_line_error(err)


@pytest.mark.parametrize("bad", ["abc", "0", "29", "1001", "-5", "80.5"])
def test_a_bad_width_is_a_usage_error(capsys, seeded, bad):
    code, out, err = run(capsys, "--db", seeded, "export", "form", "--all", "--width", bad)
    assert code == EXIT_USAGE and out == ""
    assert bad in one_line_error(err)


def test_full_width_digits_are_a_fine_width(capsys, seeded):
    code, out, _ = run(capsys, "--db", seeded, "export", "form", "--all", "-f", "grid", "--width", "８０")
    assert code == EXIT_OK and {width(line) for line in out.splitlines() if line} == {80}


def test_form_needs_to_know_which_forms(capsys, seeded):
    code, _, err = run(capsys, "--db", seeded, "export", "form")
    assert code == EXIT_USAGE and "--all" in one_line_error(err)
    code, _, err = run(capsys, "--db", seeded, "export", "form", "征迁", "--all")
    assert code == EXIT_USAGE
    one_line_error(err)


def test_an_ambiguous_name_lists_the_candidates(capsys, seeded):
    code, _, err = run(capsys, "--db", seeded, "export", "form", "龙头分园")
    assert code == EXIT_USAGE and "龙头分园征迁补偿款" in err


def test_bom_is_refused_for_json_and_xlsx(capsys, seeded):
    code, _, err = run(capsys, "--db", seeded, "export", "summary", "-f", "json", "--bom")
    assert code == EXIT_USAGE
    one_line_error(err)


# -- files ----------------------------------------------------------------------------------


def test_output_file_is_written_and_never_replaced_without_force(capsys, seeded, tmp_path):
    target = tmp_path / "summary.csv"
    code, out, err = run(capsys, "--db", seeded, "export", "summary", "-f", "csv", "--bom", "-o", target)
    assert code == EXIT_OK and err == "" and str(target) in out
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "3127.56".encode() in data
    code, out, err = run(capsys, "--db", seeded, "export", "summary", "-f", "grid", "-o", target)
    assert code == EXIT_ERROR and "--force" in one_line_error(err)
    assert target.read_bytes() == data
    code, out, err = run(capsys, "--db", seeded, "export", "summary", "-f", "grid", "-o", target, "--force")
    assert code == EXIT_OK and target.read_text(encoding="utf-8").startswith("+")


def test_an_unwritable_output_is_one_line(capsys, seeded, tmp_path):
    code, _, err = run(capsys, "--db", seeded, "export", "summary", "-o", tmp_path / "no" / "such" / "dir" / "x.txt")
    assert code == EXIT_ERROR
    one_line_error(err)


def test_xlsx_goes_to_a_file_or_a_pipe_never_to_a_terminal(capsys, seeded, tmp_path, monkeypatch):
    target = tmp_path / "forms.xlsx"
    code, out, _ = run(capsys, "--db", seeded, "export", "form", "--all", "-f", "xlsx", "-o", target)
    assert code == EXIT_OK and target.read_bytes()[:2] == b"PK"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = run(capsys, "--db", seeded, "export", "summary", "-f", "xlsx")
    assert code == EXIT_USAGE
    one_line_error(err)


def test_xlsx_to_a_pipe(seeded):
    result = subprocess.run(
        [sys.executable, "-m", "perftui", "--db", str(seeded), "export", "summary", "-f", "xlsx"],
        capture_output=True,
    )
    assert result.returncode == 0 and result.stdout[:2] == b"PK"


def test_json_round_trip_through_the_cli_is_identical(capsys, seeded, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert run(capsys, "--db", seeded, "export", "form", "--all", "-f", "json", "-o", first)[0] == EXIT_OK
    empty = tmp_path / "empty-db.json"
    code, out, _ = run(capsys, "--db", empty, "import", first)
    assert code == EXIT_OK and f"新增 {SEED_FORMS}" in out.splitlines()[-1]
    assert run(capsys, "--db", empty, "export", "form", "--all", "-f", "json", "-o", second)[0] == EXIT_OK
    assert second.read_bytes() == first.read_bytes()
    code, out, _ = run(capsys, "--db", empty, "import", first)
    assert f"无变化 {SEED_FORMS}" in out.splitlines()[-1]


def test_csv_round_trip_through_the_cli(capsys, seeded, tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    run(capsys, "--db", seeded, "export", "form", "--all", "-f", "csv", "-o", first)
    code, out, _ = run(capsys, "--db", seeded, "import", first)
    assert f"无变化 {SEED_FORMS}" in out.splitlines()[-1]  # a CSV matches forms by 年度, 名称, 单位
    other = tmp_path / "other-db.json"
    run(capsys, "--db", other, "import", first)
    run(capsys, "--db", other, "export", "form", "--all", "-f", "csv", "-o", second)
    assert second.read_bytes() == first.read_bytes()


def test_importing_a_summary_export_is_refused_with_a_hint(capsys, seeded, tmp_path):
    target = tmp_path / "summary.json"
    run(capsys, "--db", seeded, "export", "summary", "-f", "json", "-o", target)
    code, out, err = run(capsys, "--db", seeded, "import", target)
    assert code == EXIT_FINDINGS and "export form --all" in one_line_error(err)


def test_export_loads_neither_textual_nor_openpyxl(seeded):
    code = (
        "import sys; from perftui.cli import main;"
        f"main(['--db', {str(seeded)!r}, 'export', 'form', '--all', '-f', 'grid']);"
        "sys.stdout.flush();"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'openpyxl'}), file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr.strip() == "[]"

"""The lookup CLI, run in-process through main() (plus real processes where it matters)."""

import subprocess
import sys

import pytest

from perftui.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main

from tests.importing.test_text_import import OTHER_FORM


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded(capsys, db_path, seed_path):
    code, out, _ = run(capsys, "--db", db_path, "import", seed_path)
    assert code == EXIT_OK
    return db_path


def test_import_reports_every_form_and_the_counts(capsys, db_path, seed_path):
    code, out, err = run(capsys, "--db", db_path, "import", seed_path)
    assert code == EXIT_OK and err == ""
    assert out.splitlines()[-1] == "导入 8 张表，66 条指标（新增 8，更新 0，无变化 0）"
    assert "≤292万元" in out and "2023.1.1-2023.12.31" in out


def test_importing_again_changes_nothing(capsys, seeded, seed_path):
    before = seeded.read_bytes()
    code, out, _ = run(capsys, "--db", seeded, "import", seed_path)
    assert out.splitlines()[-1] == "导入 8 张表，66 条指标（新增 0，更新 0，无变化 8）"
    assert seeded.read_bytes() == before  # not even rewritten


def test_reimport_of_a_changed_form_updates_it_in_place(capsys, seeded, seed_text, tmp_path):
    changed = tmp_path / "changed.txt"
    changed.write_text(seed_text.replace("98\t年度金额\t98", "98\t年度金额\t90").replace(
        "其中: 财政拨款\t98\t其中: 财政拨款\t98", "其中: 财政拨款\t98\t其中: 财政拨款\t90"), encoding="utf-8")
    code, out, _ = run(capsys, "--db", seeded, "import", changed)
    assert out.splitlines()[-1] == "导入 8 张表，66 条指标（新增 0，更新 1，无变化 7）"
    code, out, _ = run(capsys, "--db", seeded, "total")
    assert "3,119.56" in out


def test_total_shows_the_seed_figure(capsys, seeded):
    code, out, _ = run(capsys, "--db", seeded, "total")
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[2].split() == ["2024", "8", "3,127.56", "0.00", "3,127.56"]
    assert len(lines) == 3  # one year: no separate grand total line


def test_total_with_several_years_gives_a_line_per_year_and_the_total(capsys, seeded, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(OTHER_FORM, encoding="utf-8")
    run(capsys, "--db", seeded, "import", other)
    code, out, _ = run(capsys, "--db", seeded, "total")
    rows = [line.split() for line in out.splitlines()[2:]]
    assert rows == [
        ["2024", "8", "3,127.56", "0.00", "3,127.56"],
        ["2025", "1", "1,000.35", "20.00", "1,020.35"],
        ["合计", "9", "4,127.91", "20.00", "4,147.91"],
    ]
    code, out, _ = run(capsys, "--db", seeded, "total", "--year", "2025")
    assert out.splitlines()[2].split() == ["2025", "1", "1,000.35", "20.00", "1,020.35"]
    code, out, _ = run(capsys, "--db", seeded, "total", "--by", "实施单位", "--year", "2024")
    assert out.splitlines()[2].split() == ["大连高新技术产业发展研究院", "8", "3,127.56", "0.00", "3,127.56"]
    assert out.splitlines()[3].split()[0] == "合计"


def test_list(capsys, seeded):
    code, out, _ = run(capsys, "--db", seeded, "list", "--year", "2024")
    lines = out.splitlines()
    assert len(lines) == 2 + 8
    assert "研究院劳务派遣人员经费" in out and "98.00" in out and "1,595.00" in out
    row = next(line for line in lines if "数字赋能项目专项经费" in line)
    assert row.split()[-1] == "完整（1个提醒）"


def test_check_exits_0_and_strict_exits_1_naming_the_two_forms(capsys, seeded):
    code, out, _ = run(capsys, "--db", seeded, "check")
    assert code == EXIT_OK
    code, out, _ = run(capsys, "--db", seeded, "check", "--strict")
    assert code == EXIT_FINDINGS
    assert "龙头分园征迁补偿款" in out and "数字赋能项目专项经费" in out


def test_check_exits_1_on_an_incomplete_form(capsys, seeded, seed_text, tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text(seed_text.split("\n\n\n\n")[0].replace("研究院劳务派遣人员经费", "缺目标的表").replace(
        "以劳务派遣公司委派专业技能人员进驻的方式, 来提高行政效率、降低行政成本、弥补缺失岗位、完成部门年度既定工作目标。\t", ""
    ), encoding="utf-8")
    run(capsys, "--db", seeded, "import", broken)
    code, out, _ = run(capsys, "--db", seeded, "check")
    assert code == EXIT_FINDINGS
    assert "缺目标的表" in out and "不完整" in out


def test_show_by_name_part_and_by_id(capsys, seeded):
    code, out, _ = run(capsys, "--db", seeded, "show", "劳务派遣")
    assert code == EXIT_OK
    assert "研究院劳务派遣人员经费" in out and "≥7人" in out and "98.00" in out
    form_id = out.split("[")[1].split(",")[0]
    code, out2, _ = run(capsys, "--db", seeded, "show", form_id)
    assert out2 == out


def test_show_ambiguous_lists_and_exits_2(capsys, seeded):
    code, out, err = run(capsys, "--db", seeded, "show", "龙头")
    assert code == EXIT_USAGE
    assert "龙头分园工作业务经费" in err and "龙头分园征迁补偿款" in err


def test_show_unknown(capsys, seeded):
    code, out, err = run(capsys, "--db", seeded, "show", "不存在的项目")
    assert code == EXIT_FINDINGS and "不存在的项目" in err and "Traceback" not in err


def test_export_summary_has_a_total_row(capsys, seeded):
    code, out, _ = run(capsys, "--db", seeded, "export", "summary")
    assert code == EXIT_OK
    assert out.splitlines()[-1].split()[:4] == ["合计", "3,127.56", "3,127.56", "0.00"]
    assert "80.00" in out


def test_bad_import_file_names_file_and_line_and_imports_nothing_from_it(capsys, db_path, seed_path, seed_text, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(seed_text.replace("实施期金额\t262", "实施期金额\t二百六十二"), encoding="utf-8")
    code, out, err = run(capsys, "--db", db_path, "import", bad)
    assert code == EXIT_FINDINGS
    assert err.strip().startswith(f"perftui: {bad}:64: ")
    assert len(err.strip().splitlines()) == 1
    assert not db_path.exists()  # nothing imported, no database made for nothing
    code, out, err = run(capsys, "--db", db_path, "list")
    assert code == EXIT_ERROR and "不存在" in err


def test_damaged_database_is_one_line_and_untouched(capsys, tmp_path, seed_path):
    db = tmp_path / "damaged.json"
    db.write_text('{"forms": {"1": {"id": "x"', encoding="utf-8")
    before = db.read_bytes()
    for argv in (["total"], ["list"], ["import", seed_path]):
        code, out, err = run(capsys, "--db", db, *argv)
        assert code == EXIT_ERROR
        assert len(err.strip().splitlines()) == 1 and str(db) in err
    assert db.read_bytes() == before


def test_db_option_works_before_and_after_the_subcommand(capsys, seeded):
    assert "3,127.56" in run(capsys, "total", "--db", seeded)[1]
    assert "3,127.56" in run(capsys, "--db", seeded, "total")[1]


def test_db_from_environment(capsys, seeded, monkeypatch):
    monkeypatch.setenv("PERFTUI_DB", str(seeded))
    assert "3,127.56" in run(capsys, "total")[1]


def test_demo_always_starts_from_the_bundled_forms(capsys, tmp_path, monkeypatch):
    from tests.tui.helpers import EXTRA_FORM_TEXT

    extra = tmp_path / "extra.txt"
    extra.write_text(EXTRA_FORM_TEXT, encoding="utf-8")
    assert run(capsys, "--demo", "import", extra)[0] == 0  # a demo run that changes its forms
    code, out, _ = run(capsys, "--demo", "total")
    assert code == 0 and "3,127.56" in out  # the next demo run starts afresh
    assert not list((tmp_path / "data").rglob("*.json"))  # nothing left in the user's data folder


def test_english_locale(capsys, seeded):
    code, out, _ = run(capsys, "--db", seeded, "--locale", "en", "total")
    assert out.splitlines()[0].split()[0] == "Year"
    assert "3,127.56" in out


def test_read_only_refuses_writes(capsys, seeded, seed_path, monkeypatch):
    before = seeded.read_bytes()
    code, out, err = run(capsys, "--db", seeded, "--read-only", "import", seed_path)
    assert code == EXIT_ERROR and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("PERFTUI_READ_ONLY", "1")
    code, out, err = run(capsys, "--db", seeded, "import", seed_path)
    assert code == EXIT_ERROR
    assert "3,127.56" in run(capsys, "--db", seeded, "total")[1]  # lookups still work
    assert seeded.read_bytes() == before


def test_total_loads_no_textual_module(seeded):
    code = (
        "import sys; from perftui.cli import main; main(['--db', sys.argv[1], 'total']);"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'));"
        "print('LOADED', bad)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(seeded)], capture_output=True, text=True, check=True)
    assert "3,127.56" in result.stdout
    assert "LOADED []" in result.stdout


def test_console_script_runs_as_a_process(seeded):
    result = subprocess.run(
        [sys.executable, "-m", "perftui", "--db", str(seeded), "total"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "3,127.56" in result.stdout and result.stderr == ""


@pytest.mark.parametrize(
    "argv, lazy",
    [(["total"], True), (["show", "劳务"], True), (["list"], False), (["check"], False), (["import", "SEED"], False)],
)
def test_lookups_read_lazily_and_changes_do_not(capsys, seeded, seed_path, monkeypatch, argv, lazy):
    from perftui.services.repository import Repository

    opened = []
    real = Repository.open.__func__
    monkeypatch.setattr(Repository, "open", classmethod(lambda cls, *a, **k: opened.append(real(cls, *a, **k)) or opened[-1]))
    code, _out, _err = run(capsys, "--db", seeded, *[seed_path if a == "SEED" else a for a in argv])
    assert code in (EXIT_OK, EXIT_FINDINGS)
    assert opened and opened[0].store.lazy is lazy

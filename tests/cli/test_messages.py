"""Messages that say what is true: a missing database, an empty year, kept lines, argparse's words."""

from __future__ import annotations

import pytest

from perftui.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main


def run(capsys, *argv):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit:  # argparse's usage errors
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded(capsys, db_path, seed_path):
    assert run(capsys, "--db", db_path, "import", seed_path)[0] == EXIT_OK
    return db_path


@pytest.mark.parametrize(
    "argv",
    [["list"], ["total"], ["check"], ["show", "劳务"], ["export", "summary"], ["history"], ["deleted"]],
    ids=lambda argv: argv[0],
)
def test_a_mistyped_db_is_an_error_not_an_empty_database(capsys, tmp_path, argv):
    missing = tmp_path / "typo" / "froms.json"
    code, out, err = run(capsys, "--db", missing, *argv)
    assert code == EXIT_ERROR and out == ""
    (line,) = err.strip().splitlines()
    assert str(missing) in line and "不存在" in line
    assert not (tmp_path / "typo").exists()  # nothing created


def test_import_says_it_creates_the_database_and_never_creates_a_folder(capsys, tmp_path, seed_path):
    db = tmp_path / "new.json"
    code, out, _ = run(capsys, "--db", db, "import", seed_path)
    assert code == EXIT_OK and out.splitlines()[0] == f"新建数据库 {db}" and db.exists()
    elsewhere = tmp_path / "no-such-folder" / "forms.json"
    code, out, err = run(capsys, "--db", elsewhere, "import", seed_path)
    assert code == EXIT_ERROR and "文件夹" in err and "不存在" in err
    assert not elsewhere.parent.exists()


def test_the_default_database_folder_is_created_and_said(capsys, tmp_path, seed_path, monkeypatch):
    monkeypatch.delenv("PERFTUI_DB")
    folder = tmp_path / "data" / "perftui"
    assert not folder.exists()
    code, out, _ = run(capsys, "import", seed_path)
    assert code == EXIT_OK
    assert out.splitlines()[:2] == [f"已新建文件夹 {folder}", f"新建数据库 {folder / 'forms.json'}"]


@pytest.mark.parametrize("argv", [["list"], ["total"], ["check"]])
def test_an_empty_year_says_so_and_names_the_years_with_forms(capsys, seeded, argv):
    code, out, err = run(capsys, "--db", seeded, *argv, "--year", "1999")
    assert code == EXIT_OK
    assert out.strip() == "1999年度没有表。有表的年度：2024。"


def test_an_empty_year_in_an_export_too(capsys, seeded):
    code, out, err = run(capsys, "--db", seeded, "export", "summary", "--year", "1999")
    assert code == EXIT_FINDINGS and err.strip() == "perftui: 1999年度没有表。有表的年度：2024。"


def test_a_year_is_read_as_the_editor_reads_it(capsys, seeded):
    code, out, _ = run(capsys, "--db", seeded, "total", "--year", "２０２４年度")
    assert code == EXIT_OK and "3,127.56" in out
    code, out, err = run(capsys, "--db", seeded, "total", "--year", "24")
    assert code == EXIT_USAGE and "四位数" in err


def test_an_ambiguous_name_lists_its_candidates_one_a_line(capsys, seeded):
    code, out, err = run(capsys, "--db", seeded, "show", "研究院")
    assert code == EXIT_USAGE
    lines = err.splitlines()
    assert lines[0].startswith("perftui: 有 3 张表符合“研究院”")
    assert len(lines) == 4 and all("研究院" in line for line in lines[1:])


def test_argparse_speaks_chinese(capsys, seeded):
    code, out, err = run(capsys, "--db", seeded, "list", "--yaer", "2024")
    assert code == EXIT_USAGE
    assert err.startswith("用法：perftui") and "错误：不认识的参数：--yaer 2024" in err
    code, out, err = run(capsys, "show")
    assert "缺少参数：NAME|ID" in err
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = capsys.readouterr().out
    assert "显示这段帮助并退出" in help_text and "usage" not in help_text


def test_and_english_with_an_english_ui(capsys, seeded):
    code, out, err = run(capsys, "--locale", "en", "show")
    assert code == EXIT_USAGE
    assert err.startswith("usage: perftui show") and "error: the following arguments are required: NAME|ID" in err

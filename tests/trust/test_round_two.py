"""Issue 16, the application's side: formulas in CSV, exports over the database, numbers and sizes
at the door, exit codes that tell the truth, PERFTUI_READ_ONLY, history --limit, UTF-16 files.

Each test reproduces one failure the adversarial pass found and shows it gone.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from decimal import Decimal

import pytest

import storage
from perftui.core.model import Form, Indicator
from perftui.export import csvfile
from perftui.export.contents import Amount
from perftui.services.repository import Repository, open_backups
from storage.backup import Backups, backup_folder
from tests.trust.conftest import ROOT, run_cli


def _edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _first_form(data):
    return next(iter(data["forms"].values()))


@pytest.fixture
def seeded(capsys, db_path, seed_path):
    assert run_cli(capsys, "--db", db_path, "import", seed_path)[0] == 0
    return db_path


# -- 6. CSV formula injection -------------------------------------------------------------

FORMULAS = {"name": "=HYPERLINK(\"http://evil\",\"点击\")", "unit": "@SUM(1+1)*cmd|' /C calc'!A0",
            "department": "+1+1", "goal": "-2+3"}


@pytest.fixture
def formula_db(seeded):
    repository = Repository.open(seeded)
    form = repository.lookup("劳务派遣")[0]
    rows = (Indicator("产出指标", "数量指标", "=1+1", "-10%"),) + form.indicators[1:]
    repository.save(form.evolve(name=FORMULAS["name"], unit=FORMULAS["unit"], department=FORMULAS["department"],
                                annual_goal=FORMULAS["goal"], indicators=rows))
    return seeded


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


@pytest.mark.parametrize("what", ["summary", "form", "indicators"])
def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(capsys, formula_db, what):
    names = [] if what == "summary" else ["--all"]
    code, out, err = run_cli(capsys, "--db", formula_db, "export", what, *names, "-f", "csv")
    assert code == 0, err
    cells = _cells(out)
    runnable = [cell for cell in cells if cell[:1] in csvfile.FORMULA_START]
    amounts = [cell for cell in cells if cell.replace(".", "").isdigit()]
    assert runnable == [] and amounts, runnable  # amounts stay numbers
    assert "'" + FORMULAS["name"] in cells or what == "indicators"
    code, raw, _err = run_cli(capsys, "--db", formula_db, "export", what, *names, "-f", "csv", "--raw")
    assert code == 0 and any(cell[:1] in csvfile.FORMULA_START for cell in _cells(raw))


def test_a_neutralized_csv_imports_back_as_it_was(capsys, formula_db, tmp_path):
    target = tmp_path / "forms.csv"
    assert run_cli(capsys, "--db", formula_db, "export", "form", "--all", "-f", "csv", "-o", target)[0] == 0
    other = tmp_path / "other.json"
    code, out, err = run_cli(capsys, "--db", other, "import", target)
    assert code == 0, err
    form = Repository.open(other).lookup(FORMULAS["name"])[0]
    assert (form.name, form.unit, form.department, form.annual_goal) == (
        FORMULAS["name"], FORMULAS["unit"], FORMULAS["department"], FORMULAS["goal"])
    assert form.indicators[0][2:4] == ("=1+1", "-10%")


def test_neutralizing_is_reversible_and_leaves_amounts_alone():
    for text in ["=x", "'=x", "''=x", "'abc", "'", "-", "+1", "@a", "\tx", "abc", "", "中文"]:
        assert csvfile.restored(csvfile.neutralized(text)) == text
        assert csvfile.neutralized(text)[:1] not in csvfile.FORMULA_START
    assert csvfile.cell_text(Amount(Decimal("-5.00"))) == "-5.00"  # a number, even with a minus sign
    assert csvfile.cell_text("-5.00") == "'-5.00"  # text that looks like one is text


def test_raw_is_for_csv_only(capsys, seeded):
    code, out, err = run_cli(capsys, "--db", seeded, "export", "summary", "-f", "json", "--raw")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--raw" in err


def test_xlsx_strings_never_become_formulas(capsys, formula_db, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "forms.xlsx"
    assert run_cli(capsys, "--db", formula_db, "export", "form", "--all", "-f", "xlsx", "-o", target)[0] == 0
    book = load_workbook(target)
    texts = [cell for sheet in book for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    formulas = [cell.value for cell in texts if cell.data_type == "f"]
    assert all(value.startswith("=SUM(") for value in formulas)  # the totals, ours
    assert any(cell.value == FORMULAS["name"] and cell.data_type == "s" for cell in texts)
    with zipfile.ZipFile(target) as zipped:
        xml = "".join(zipped.read(n).decode() for n in zipped.namelist() if n.startswith("xl/worksheets/"))
    assert all(part.startswith("SUM(") for part in xml.split("<f>")[1:])


def test_an_xlsx_of_a_name_with_control_characters_is_written(capsys, seeded, tmp_path):
    """openpyxl refuses control characters (IllegalCharacterError); a hand-edited name had them."""
    _edit(seeded, lambda d: _first_form(d).update(name="控制\x01字\x1b[31m符"))
    target = tmp_path / "x.xlsx"
    code, out, err = run_cli(capsys, "--db", seeded, "export", "form", "--all", "-f", "xlsx", "-o", target)
    assert code == 0 and err == "" and target.exists()
    assert "\x1b" not in out


# -- 8. an export never lands on the database, its lock, a backup or a draft -------------------


def _targets(db_path):
    link = db_path.parent / "link-to-db.json"
    link.symlink_to(db_path)
    backup = open_backups(db_path).list()[0].path
    from perftui.config import unsaved_folder

    drafts = unsaved_folder()
    drafts.mkdir(parents=True, exist_ok=True)
    return {
        "the database": db_path,
        "the database through a symlink": link,
        "the database through ..": db_path.parent / "x" / ".." / db_path.name,
        "its lock": str(db_path) + ".lock",
        "a backup": backup,
        "a new file in the backup folder": os.path.join(backup_folder(db_path), "new.csv"),
        "a recovery file of unsaved edits": drafts / "edits.json",
    }


def test_an_export_over_the_database_or_its_files_is_refused(capsys, seeded, monkeypatch):
    monkeypatch.setenv("PERFTUI_DB", str(seeded))
    (seeded.parent / "x").mkdir()
    for what, target in _targets(seeded).items():
        before = seeded.read_bytes()
        code, out, err = run_cli(capsys, "export", "summary", "-f", "csv", "-o", target, "--force")
        assert code == 2, (what, err)
        assert len(err.strip().splitlines()) == 1 and "不能导出到" in err, what
        assert seeded.read_bytes() == before
    assert "3,127.56" in run_cli(capsys, "total")[1]


async def test_the_apps_export_dialog_refuses_the_database_too(seeded, tmp_path):
    from textual.app import App
    from textual.widgets import Input, Static

    from perftui.tui.dialogs.export import ExportDialog
    from tests.tui.helpers import wait_for

    forms = Repository.open(seeded).forms()
    before = seeded.read_bytes()

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ExportDialog(forms, None, folder=tmp_path, db_path=seeded))

    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(seeded)
        app.screen.query_one("#export-force").value = True
        app.screen.action_export()
        status = app.screen.query_one("#export-status", Static)
        await wait_for(pilot, lambda: "不能导出到" in str(status.render()), what="the refusal")
    assert seeded.read_bytes() == before


# -- 9, 11. numbers and sizes at the door ------------------------------------------------------


@pytest.mark.parametrize("amount", ["1e999", "9" * 26])
def test_a_stored_absurd_amount_is_damage_and_backups_restore_still_work(capsys, seeded, amount):
    _edit(seeded, lambda d: _first_form(d)["funding"]["annual"].update(fiscal=amount))
    for command in (["list"], ["total"], ["check"], ["export", "summary"]):
        code, out, err = run_cli(capsys, "--db", seeded, *command)
        assert code == 3 and len(err.strip().splitlines()) == 1 and "已损坏" in err and "not an amount" in err
    code, out, err = run_cli(capsys, "--db", seeded, "backups")
    assert code == 0 and "已损坏" in out and "3,127.56" in out and "Traceback" not in err
    code, out, err = run_cli(capsys, "--db", seeded, "restore", "1", "--yes")
    assert code == 0, err
    assert "3,127.56" in run_cli(capsys, "--db", seeded, "total")[1]


async def test_the_app_says_a_stored_absurd_amount_in_words(seeded, tmp_path):
    from perftui.config import Settings
    from perftui.tui.app import PerftuiApp
    from perftui.tui.screens.error import ErrorScreen
    from tests.tui.helpers import started

    _edit(seeded, lambda d: _first_form(d)["funding"]["annual"].update(fiscal="1e999"))
    app = PerftuiApp(seeded, settings=Settings(), poll_interval=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        assert isinstance(app.screen, ErrorScreen)
        message = str(app.screen.query_one("#error-message").render())
        assert "已损坏" in message and "InvalidOperation" not in message and "class" not in message


def test_a_decimal_error_reads_as_words():
    from decimal import InvalidOperation

    from perftui.text.errors import describe

    assert "InvalidOperation" not in describe(InvalidOperation()) and "金额" in describe(InvalidOperation())


@pytest.mark.parametrize(
    ("field", "edit"),
    [
        ("项目名称", lambda text: text.replace("研究院劳务派遣人员经费", "长" * 201, 1)),
        ("实施单位", lambda text: text.replace("实施单位\t", "实施单位\t" + "单" * 201, 1)),
        ("实施期目标", lambda text: text.replace("\t以劳务派遣公司", "\t" + "标" * 5001 + "以劳务派遣公司", 1)),
    ],
)
def test_a_field_too_long_is_refused_at_import_in_one_line(capsys, db_path, seed_text, tmp_path, field, edit):
    path = tmp_path / "long.txt"
    content = edit(seed_text)
    assert content != seed_text
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli(capsys, "--db", db_path, "import", path)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "太长" in err and str(path) in err, err
    assert not db_path.exists()


def test_an_indicator_too_long_is_refused_in_json_and_csv_too(capsys, seeded, tmp_path):
    for fmt in ("json", "csv"):
        code, out, _err = run_cli(capsys, "--db", seeded, "export", "form", "--all", "-f", fmt)
        long = out.replace("≥95%", "≥" + "9" * 600 + "%", 1)
        assert long != out
        path = tmp_path / f"long.{fmt}"
        path.write_text(long, encoding="utf-8")
        before = seeded.read_bytes()
        code, _out, err = run_cli(capsys, "--db", seeded, "import", path)
        assert code == 1 and "太长" in err and len(err.strip().splitlines()) == 1, (fmt, err)
        assert seeded.read_bytes() == before


def test_typing_past_a_limit_is_a_problem_of_the_field_and_never_saved():
    from perftui.core.form_edit import field_problem, parse_draft
    from perftui.core.rows_edit import cell_problem

    assert "太长" in field_problem("name", "长" * 201) and field_problem("name", "长" * 200) is None
    draft = parse_draft(Form(), {"name": "长" * 201, "goals.annual": "目标"})
    assert not draft.readable and "name" in draft.problems
    assert cell_problem("value", "9" * 501) and cell_problem("value", "9" * 500) is None


def test_a_name_far_too_long_is_damage_for_every_command_that_reads_names(capsys, seeded):
    """`total` reads only the amounts (and says the right total); every other command refuses."""
    _edit(seeded, lambda d: _first_form(d).update(name=_first_form(d)["name"] + "长" * 300_000))
    before = seeded.read_bytes()
    for command in (["list"], ["show", "劳务派遣"], ["check"], ["export", "summary"], ["history", "劳务派遣"],
                    ["revert", "劳务派遣", "1", "--yes"], ["deleted"]):
        code, out, err = run_cli(capsys, "--db", seeded, *command)
        assert code == 3 and len(err.strip().splitlines()) == 1 and "已损坏" in err, (command, err[:300])
        assert len(out) + len(err) < 2000
    assert "3,127.56" in run_cli(capsys, "--db", seeded, "total")[1]
    code, out, err = run_cli(capsys, "--db", seeded, "backups")
    assert code == 0 and "已损坏" in out and len(out) < 5000
    assert seeded.read_bytes() == before


def test_a_stored_name_of_19_megabytes_is_one_line_not_seconds_and_megabytes(seeded):
    """It made `list` take 4 s, 1.5 GB and print 265 MB."""
    _edit(seeded, lambda d: _first_form(d).update(name="项" * (19_500_000 // 3)))
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "perftui", "--db", str(seeded), "list"],
                            capture_output=True, env=env, timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 3
    assert len(result.stdout) + len(result.stderr) < 1000
    assert b"name is 6,500,000 characters long" in result.stderr
    assert elapsed < 20  # the file is 20 MB to parse; the point is: not the minutes of rendering it


# -- 11. two undeletes of one form at once ----------------------------------------------------


def test_an_undelete_that_another_got_to_first_is_one_line(capsys, monkeypatch, seeded):
    repository = Repository.open(seeded)
    form = repository.lookup("征迁")[0]
    repository.delete(form)
    seen = Repository.open(seeded).deleted_forms()  # what the second process saw before the first restored
    repository.restore(form.id)
    monkeypatch.setattr(Repository, "deleted_forms", lambda self: seen)
    code, out, err = run_cli(capsys, "--db", seeded, "undelete", "征迁")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "已不在已删除的表中" in err


def test_two_undelete_processes_at_once_each_end_in_one_line(seeded):
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    for _round in range(3):
        repository = Repository.open(seeded)
        repository.delete(repository.lookup("征迁")[0])
        processes = [subprocess.Popen([sys.executable, "-m", "perftui", "--db", str(seeded), "undelete", "征迁"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
                     for _ in range(2)]
        results = [(p.wait(timeout=60), *p.communicate()) for p in processes]
        assert sorted(code for code, _out, _err in results)[0] == 0
        for code, _out, err in results:
            assert code in (0, 1) and "Traceback" not in err and len(err.strip().splitlines()) <= 1
        assert len(Repository.open(seeded).lookup("征迁")) == 1


# -- 11. JSON files nested deep, integers of thousands of digits ---------------------------------


@pytest.mark.parametrize(
    "content",
    ['{"format": "perftui", "forms": ' + "[" * 100_000 + "]" * 100_000 + "}",
     '{"format": "perftui", "version": ' + "9" * 4400 + "}"],
    ids=["nested 100,000 deep", "an integer of 4,400 digits"],
)
def test_a_hostile_json_file_is_refused_in_one_line(capsys, seeded, tmp_path, content):
    path = tmp_path / "hostile.json"
    path.write_text(content, encoding="utf-8")
    before = seeded.read_bytes()
    code, out, err = run_cli(capsys, "--db", seeded, "import", path)
    assert code == 1 and len(err.strip().splitlines()) == 1 and str(path) in err
    assert seeded.read_bytes() == before


# -- 10. exit codes tell the truth ------------------------------------------------------------


def test_a_committed_import_whose_backup_failed_is_a_success_with_a_warning(capsys, monkeypatch, db_path, seed_path):
    """The forms were in; the disk was full only for the copy made after creating the database."""
    def full(self, reason="created"):
        raise storage.BackupError(self.folder, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))

    monkeypatch.setattr(Backups, "copy_current", full)
    code, out, err = run_cli(capsys, "--db", db_path, "import", seed_path)
    assert code == 0
    assert "新增 8" in out
    (line,) = err.strip().splitlines()
    assert "修改已保存" in line and "磁盘已满" in line
    assert len(Repository.open(db_path).forms()) == 8


# -- 12. PERFTUI_READ_ONLY fails closed --------------------------------------------------------


@pytest.fixture
def changed_seed(seed_text, tmp_path):
    path = tmp_path / "changed.txt"
    path.write_text(seed_text.replace("98\t年度金额\t98", "98\t年度金额\t90", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("value", ["1", "true", "YES", " on ", "ｏｎ"])
def test_read_only_values(capsys, monkeypatch, seeded, changed_seed, value):
    monkeypatch.setenv("PERFTUI_READ_ONLY", value)
    before = seeded.read_bytes()
    code, out, err = run_cli(capsys, "--db", seeded, "import", changed_seed)
    assert code == 3 and "只读" in err
    assert seeded.read_bytes() == before


@pytest.mark.parametrize("value", ["0", "false", "No", "off", ""])
def test_read_write_values(capsys, monkeypatch, seeded, changed_seed, value):
    monkeypatch.setenv("PERFTUI_READ_ONLY", value)
    code, out, err = run_cli(capsys, "--db", seeded, "import", changed_seed)
    assert code == 0 and "更新 1" in out


@pytest.mark.parametrize("value", ["y", "2", "enabled", "readonly", "是"])
def test_anything_else_is_an_error_not_read_write(capsys, monkeypatch, seeded, value):
    monkeypatch.setenv("PERFTUI_READ_ONLY", value)
    before = seeded.read_bytes()
    for command in (["list"], ["import", "/dev/null"], ["undelete", "征迁"], ["backups"], ["verify"]):
        code, out, err = run_cli(capsys, "--db", seeded, *command)
        assert code == 3 and len(err.strip().splitlines()) == 1 and "PERFTUI_READ_ONLY" in err
    assert seeded.read_bytes() == before


# -- 15. history --limit, UTF-16 files ----------------------------------------------------------


def test_history_limit_zero_shows_no_entries_and_a_negative_one_is_a_usage_error(capsys, seeded):
    code, out, err = run_cli(capsys, "--db", seeded, "history", "--limit", "0")
    assert code == 0 and out.strip() == "" and err == ""
    code, out, _err = run_cli(capsys, "--db", seeded, "history", "--limit", "２")
    assert code == 0 and out.count("导入") == 2
    with pytest.raises(SystemExit) as done:
        run_cli(capsys, "--db", seeded, "history", "--limit", "-1")
    assert done.value.code == 2 and "--limit" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_cli(capsys, "history", "--help")
    assert "0：一条也不显示" in capsys.readouterr().out


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_utf16_file_with_a_bom_is_read_not_called_binary(capsys, db_path, seed_text, tmp_path, encoding):
    path = tmp_path / "unicode.txt"
    data = seed_text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # as Windows writes them: with the BOM
        data = ("\ufeff" + seed_text).encode(encoding)
    path.write_bytes(data)
    code, out, err = run_cli(capsys, "--db", db_path, "import", path)
    assert code == 0, err
    assert "新增 8" in out
    assert "3,127.56" in run_cli(capsys, "--db", db_path, "total")[1]

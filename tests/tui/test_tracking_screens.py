"""The 监控 and 自评 screens as the operator reaches them, keys sent in bursts as a slow link delivers them.

In the real app on the seed forms: from the list (v, m) and from the editor
(F3, F4), the issue's worked example typed in and scored on screen, saved,
and the summary pane's new figures after it; bad input refused in one line;
leaving with unsaved changes; two operators saving one record (the second is
a real process); read-only mode.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from perftui.config import Actor
from perftui.core import evaluation
from perftui.services.repository import Repository
from perftui.services.tracking import Tracking
from perftui.tui.dialogs.choice import ConfirmOverwriteScreen, UnsavedChangesScreen
from perftui.tui.editor.form_editor import FormEditorScreen
from perftui.tui.tracking.evaluation_screen import EvaluationScreen
from perftui.tui.tracking.monitoring_screen import MonitoringScreen
from perftui.tui.tracking.record_screen import RecordConflictScreen
from tests.tui.editor_host import EditorHost

from .helpers import notifications, started, summary_text, wait_for

SIZE = (160, 40)  # the summary beside the list (from 156 columns)
LABOUR = "研究院劳务派遣人员经费"
ROOT = Path(__file__).resolve().parents[2]


def burst(app, *keys: str) -> None:
    """Keys at once, no pauses: a named key ("down", "ctrl+s") or text typed character by character."""
    from textual import events
    from textual.keys import _character_to_key

    for key in keys:
        if key in ("tab", "enter", "escape", "down", "up", "left", "right", "delete", "ctrl+s", "ctrl+w", "f3", "f4", "home", "end"):
            app.post_message(events.Key(key, None))
            continue
        for char in key:
            app.post_message(events.Key(char if char.isalnum() else _character_to_key(char), char))


def record_of(db_path, kind="evaluation"):
    repository = Repository.open(db_path)
    form = repository.lookup(LABOUR)[0]
    tracking = Tracking(repository)
    return tracking.evaluation(form) if kind == "evaluation" else tracking.monitoring(form)


def cell_text(screen, table_id: str, row: int, key: str) -> str:
    table = screen.query_one(f"#{table_id}")
    return str(table._row_widgets[row].cells[table.keys.index(key)].content)


def detail(screen) -> str:
    return str(screen.query_one("#track-detail").content)


async def open_labour_list(pilot) -> None:
    await pilot.press("slash", *"劳务派遣", "enter")
    await pilot.pause()


async def open_labour_evaluation(pilot) -> None:
    """From the app's start: the list filtered to 劳务派遣, then its form's 自评 (v)."""
    app = pilot.app
    await started(pilot)
    await open_labour_list(pilot)
    await pilot.press("v")
    await wait_for(pilot, lambda: isinstance(app.screen, EvaluationScreen), what="自评 screen")


#: The worked example, as typed: 全年执行数 95 in the funding table, then Tab past the three
#: fields to the indicator rows, 实际完成值 row by row (本科及以上学历比例 at 90%).
WORKED_EXAMPLE = (
    "right", "right", "enter", "95", "enter",
    "tab", "tab", "tab", "tab",
    "enter", "7人", "enter", "down",
    "enter", "95%", "enter", "down",
    "enter", "90%", "enter", "down",
    "enter", "1年", "enter", "down",
    "enter", "优秀", "enter", "down",
    "enter", "95%", "enter",
)


async def test_the_worked_example_typed_in_scores_on_screen_and_saves(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_labour_evaluation(pilot)
        screen = app.screen
        assert "绩效自评 · 研究院劳务派遣人员经费 · 2024年度 · 新建" in str(screen.query_one("#track-title").content)
        burst(app, *WORKED_EXAMPLE)
        await wait_for(pilot, lambda: "总分 99.03 · 等级 优" in detail(screen), what="the 总分")
        assert "执行率 96.94%" in detail(screen)
        assert cell_text(screen, "track-funding", 0, "score") == "9.69"
        assert cell_text(screen, "track-rows", 2, "score") == "11.84"  # 12.50 × 90/95, the rule's
        assert cell_text(screen, "track-rows", 2, "weight") == "12.50"
        assert "未保存" in str(screen.query_one("#track-title").content)
        burst(app, "ctrl+s")
        await wait_for(pilot, lambda: record_of(seeded_db) is not None, what="save")
        stored = record_of(seeded_db)
        assert stored.revision == 1 and stored.execution.total.spent == D(95)
        assert [row.actual for row in stored.rows] == ["7人", "95%", "90%", "1年", "优秀", "95%"]
        await wait_for(pilot, lambda: "修订 1" in str(screen.query_one("#track-title").content), what="title")
        burst(app, "escape")  # saved: leaves without asking
        await wait_for(pilot, lambda: app.screen is app.home, what="home")
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: "自评平均分" in summary_text(app) and "99.03" in summary_text(app), what="summary")
        summary = summary_text(app)
        assert "执行数                    95.00" in summary and "96.94%" in summary
        assert "未填监控                    8张" in summary and "未填自评                    7张" in summary
        assert "等级 优1 良0 中0 差0" in summary


async def test_monitoring_from_the_editor_with_f3(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await open_labour_list(pilot)
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, FormEditorScreen)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, MonitoringScreen), what="监控 screen")
        screen = app.screen
        # 1–7月执行数 40 of 98: 40.82% against 58.33% of the year, more than 10 points behind.
        burst(app, "right", "enter", "40", "enter")
        await wait_for(pilot, lambda: "40.82%" in detail(screen), what="the rate")
        assert "时间进度 58.33%（2024-07-31）" in detail(screen)
        assert "低于时间进度" in detail(screen)
        # A cause ticked for the money: the finding goes.
        burst(app, "right", "right", "enter", "经费", "enter")
        await wait_for(pilot, lambda: "低于时间进度" not in detail(screen), what="the reason")
        assert cell_text(screen, "track-funding", 0, "causes") == "经费保障"
        # Another day: the headings follow it.
        screen.set_focus(screen.query_one("#field-as_of"))
        await pilot.pause()
        burst(app, "6月30日")
        # Typed key by key: "6月3" already reads as a day, so wait for the whole of it.
        await wait_for(pilot, lambda: "时间进度 50.00%（2024-06-30）" in detail(screen), what="the day")
        assert "1–6月执行数" in str(screen.funding._head.cells[2].content)
        burst(app, "ctrl+s")
        await wait_for(pilot, lambda: record_of(seeded_db, "monitoring") is not None, what="save")
        stored = record_of(seeded_db, "monitoring")
        assert stored.execution.total.spent == D(40) and stored.causes == ("经费保障",)
        assert str(stored.as_of) == "2024-06-30"
        await wait_for(pilot, lambda: not screen.saving, what="the save to be done")
        burst(app, "ctrl+w")  # from a text field, where ctrl+w would delete a word
        await wait_for(pilot, lambda: app.screen is editor, what="back in the editor")


async def test_a_new_form_has_no_record_until_it_is_saved(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormEditorScreen)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, FormEditorScreen)
        assert "先保存" in notifications(app)


async def test_bad_input_is_one_line_and_changes_nothing(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_labour_evaluation(pilot)
        screen = app.screen
        before = screen.record
        burst(app, "tab", "tab", "tab", "tab", "right", "enter", "abc", "enter")  # 分值 of row 1
        await wait_for(pilot, lambda: "分数只能包含数字和小数点：abc" in notifications(app), what="the refusal")
        rows = screen.rows_table
        assert rows.editing is not None and rows.editing.text == "abc"  # still typing there
        burst(app, "escape")
        await pilot.pause()
        assert rows.editing is None and screen.record == before
        # A full-width figure is a figure; Delete gives the default back.
        burst(app, "enter", "２０", "enter")
        await wait_for(pilot, lambda: screen.record.rows[0].weight == D(20), what="20")
        assert "分值合计 107.50" in detail(screen)
        assert "✗" in str(screen.funding._row_widgets[0].cells[-1].content)  # the funding table flags the sum
        burst(app, "delete")
        await wait_for(pilot, lambda: screen.record.rows[0].weight is None, what="cleared")
        assert "分值合计 100.00" in detail(screen)


async def test_ctrl_w_drops_a_cell_that_cannot_be_kept_so_esc_is_not_the_only_way(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_labour_evaluation(pilot)
        screen = app.screen
        before = screen.record
        burst(app, "tab", "tab", "tab", "tab", "right", "enter", "abc", "ctrl+w")  # 分值 of row 1
        await wait_for(pilot, lambda: "已放弃" in notifications(app), what="the cell dropped")
        assert screen.rows_table.editing is None and app.screen is screen and screen.record == before
        burst(app, "ctrl+w")  # nothing changed: leaves without asking
        await wait_for(pilot, lambda: app.screen is app.home, what="back in the list")


async def test_the_target_columns_are_the_forms(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await open_labour_list(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MonitoringScreen), what="监控 screen")
        screen = app.screen
        assert [cell_text(screen, "track-rows", n, "value") for n in range(6)] == ["≥7人", "≥95%", "≥95%", "≥1年", "优秀", "≥95%"]
        burst(app, "tab", "tab", "tab", "left", "left", "enter")
        await wait_for(pilot, lambda: "指标和指标值在目标表中修改" in notifications(app), what="the refusal")
        assert screen.rows_table.editing is None


async def test_leaving_with_unsaved_changes_asks(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_labour_evaluation(pilot)
        burst(app, "right", "right", "enter", "95", "enter", "ctrl+w")
        await wait_for(pilot, lambda: isinstance(app.screen, UnsavedChangesScreen), what="the question")
        await pilot.press("c")  # stay
        await pilot.pause()
        assert isinstance(app.screen, EvaluationScreen)
        burst(app, "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, UnsavedChangesScreen), what="the question again")
        await pilot.press("d")  # discard
        await wait_for(pilot, lambda: app.screen is app.home, what="home")
        assert record_of(seeded_db) is None


async def test_quitting_with_an_unsaved_record_asks(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await open_labour_list(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MonitoringScreen), what="监控 screen")
        burst(app, "right", "enter", "40", "enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, UnsavedChangesScreen), what="the question")
        await pilot.press("s")  # save, then quit
        await wait_for(pilot, lambda: record_of(seeded_db, "monitoring") is not None, what="save")
    assert record_of(seeded_db, "monitoring").execution.total.spent == D(40)


CHILD = """
import sys
from decimal import Decimal
from perftui.config import Actor
from perftui.services.repository import Repository
from perftui.services.tracking import Tracking
repository = Repository.open(sys.argv[1]); repository.actor = Actor("bob")
tracking = Tracking(repository)
form = repository.lookup(sys.argv[2])[0]
record = tracking.evaluation(form)
print(tracking.save(record.evolve(notes="bob 写的说明")).revision)
"""


@pytest.fixture
def evaluated(seeded_db):
    repository = Repository.open(seeded_db)
    repository.actor = Actor("alice")
    form = repository.lookup(LABOUR)[0]
    Tracking(repository).save(evaluation.for_form(form))
    return seeded_db


async def test_a_record_saved_meanwhile_by_another_process(evaluated, make_app):
    app = make_app(evaluated)
    async with app.run_test(size=SIZE) as pilot:
        await open_labour_evaluation(pilot)
        screen = app.screen
        burst(app, "right", "right", "enter", "95", "enter")
        await pilot.pause()
        result = subprocess.run([sys.executable, "-c", CHILD, str(evaluated), LABOUR], cwd=ROOT, capture_output=True, text=True)
        assert result.stdout.strip() == "2", result.stderr
        burst(app, "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordConflictScreen), what="the conflict")
        await pilot.pause()
        body = str(app.screen.query_one("#dialog-text").content)
        assert "bob" in body and "其他需要说明事项" in body and "年度资金总额" in body
        await pilot.press("k")  # keep mine: asked once more
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmOverwriteScreen), what="the second question")
        await pilot.press("y")
        await wait_for(pilot, lambda: record_of(evaluated).revision == 3, what="overwrite")
        stored = record_of(evaluated)
        assert stored.execution.total.spent == D(95) and stored.notes == ""
        history = Tracking(Repository.open(evaluated)).history(stored)
        assert [entry.action for entry in history] == ["create", "save", "overwrite"]
        assert app.screen is screen


async def test_reload_theirs(evaluated, make_app):
    app = make_app(evaluated)
    async with app.run_test(size=SIZE) as pilot:
        await open_labour_evaluation(pilot)
        screen = app.screen
        burst(app, "right", "right", "enter", "95", "enter")
        await pilot.pause()
        subprocess.run([sys.executable, "-c", CHILD, str(evaluated), LABOUR], cwd=ROOT, check=True, capture_output=True)
        burst(app, "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordConflictScreen), what="the conflict")
        await pilot.press("r")
        await wait_for(pilot, lambda: app.screen is screen and screen.record.notes == "bob 写的说明", what="theirs")
        assert screen.record.execution.total.spent is None and not screen.is_dirty()
        assert screen.query_one("#field-notes").value == "bob 写的说明"


async def test_read_only_shows_but_does_not_save(evaluated, make_app):
    app = make_app(evaluated, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_labour_evaluation(pilot)
        assert "只读，不能保存" in str(app.screen.query_one("#track-title").content)
        burst(app, "right", "right", "enter", "95", "enter", "ctrl+s")
        await wait_for(pilot, lambda: "只读模式" in notifications(app), what="the refusal")
        assert record_of(evaluated).revision == 1


async def test_the_screen_fits_80_by_24(db_path, seed_forms):
    """At the smallest terminal the tables, the line under them and the footer are all there."""
    repository = Repository.open(db_path)
    repository.import_forms(seed_forms)
    form = repository.lookup(LABOUR)[0]
    tracking = Tracking(repository)
    app = EditorHost(lambda: EvaluationScreen(tracking, form))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#track-detail").region.bottom <= 23
        assert screen.funding.region.width <= 80 and screen.rows_table.region.width <= 80
        app.send_key_names("tab", "tab", "tab", "tab", "down", "down", "down", "down", "down")
        await wait_for(pilot, lambda: screen.rows_table.cursor_row == 5, what="the last row")
        cursor = screen.rows_table._row_widgets[5].cells[screen.rows_table.cursor_column]
        body = screen.query_one("#track-body")
        await wait_for(pilot, lambda: body.region.contains_region(cursor.region), what="scrolled into view")
        app.send_key_names("enter")
        app.send_keys("95%\r")
        app.send_key_names("ctrl+s")
        await wait_for(pilot, lambda: tracking.evaluation(form) is not None, what="save")
        assert tracking.evaluation(form).rows[5].actual == "95%"


async def test_a_published_evaluation_through_the_import_screen(seeded_db, make_app, tmp_path, monkeypatch):
    """Shift+I, the Yunnan 自评表: previewed with its two rows off the rule, imported on confirmation,
    its form created, and the summary pane counting it."""
    import shutil

    from perftui.tui.dialogs.confirm import ConfirmScreen
    from perftui.tui.dialogs.import_files import ImportScreen

    folder = tmp_path / "来件"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "importing" / "fixtures" / "yunnan-2022-evaluation.txt", folder / "自评表.txt")
    monkeypatch.chdir(folder)
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), what="the import screen")
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.query_one("#import-tree").root.children) == 1, what="the file")
        await pilot.press("down")
        preview = lambda: str(screen.query_one("#import-preview").render())  # noqa: E731
        await wait_for(pilot, lambda: "农村公路养护补助资金" in preview(), what="the preview")
        assert "自评" in preview() and "8 条指标" in preview()
        assert "第3行指标：得分 9.00 与按规则计算的 9.80 不符" in preview() and "第4行指标：得分 7.00" in preview()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is app.home and "已导入" in notifications(app), what="the import")
        await wait_for(pilot, lambda: "95.80" in summary_text(app), what="the summary's average score")
        assert "未填自评                    8张" in summary_text(app) and "等级 优1" in summary_text(app)
    repository = Repository.open(seeded_db)
    (form,) = [f for f in repository.forms() if f.name == "农村公路养护补助资金"]
    assert Tracking(repository).evaluation(form).rows[3].score == D(7)

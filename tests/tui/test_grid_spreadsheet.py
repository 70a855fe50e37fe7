"""The indicator grid works like a spreadsheet: type on a cell, Enter moves on, paste blocks."""

from __future__ import annotations

import pytest
from textual import events

from perftui.core.model import Indicator
from perftui.services.repository import Repository
from perftui.tui.editor.form_editor import FormEditorScreen
from perftui.tui.editor.indicator_grid import IndicatorGridScreen

from .editor_host import EditorHost
from .helpers import burst, notifications, wait_for

SIZE = (120, 36)
LABOUR = "研究院劳务派遣人员经费"
BLOCK = "产出指标\t数量指标\t培训人数\t≥100人\n\t\t培训天数\t≥5天\n效益指标\t社会效益指标\t就业率\t≥90%"


@pytest.fixture
def repo(db_path, seed_forms) -> Repository:
    repository = Repository.open(db_path)
    repository.import_forms(seed_forms)
    return repository


def cursor(screen) -> tuple[int, int]:
    return screen.table.cursor_row, screen.table.cursor_column


async def grid(pilot) -> IndicatorGridScreen:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, IndicatorGridScreen) and app.focused is app.screen.table,
                   what="the grid")
    return app.screen


async def test_typing_on_a_cell_edits_it_and_enter_moves_to_the_next_cell_to_fill(repo):
    form = repo.lookup(LABOUR)[0]
    app = EditorHost(lambda: IndicatorGridScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        screen = await grid(pilot)
        assert cursor(screen) == (0, 2)  # the first row's 三级指标
        burst(app, "派驻人数", "<enter>")  # typed over the cell, not appended
        await wait_for(pilot, lambda: cursor(screen) == (0, 3), what="Enter to move to 指标值")
        assert screen.rows[0].name == "派驻人数" and screen.table.editing is None
        burst(app, "≥8人", "<enter>")
        await wait_for(pilot, lambda: cursor(screen) == (1, 2), what="Enter to move to the next row's 三级")
        assert screen.rows[0].value == "≥8人"
        burst(app, "<f2>", "（本科）", "<enter>")  # F2 edits in place, keeping the text
        await wait_for(pilot, lambda: cursor(screen) == (1, 3), what="F2's edit committed")
        assert screen.rows[1].name == form.indicators[1].name + "（本科）"
        burst(app, "9", "<escape>", "7", "<ctrl+w>")  # cancelled both ways: nothing changes
        await pilot.pause(0.2)
        assert screen.rows[1].value == form.indicators[1].value and screen.table.editing is None


async def test_a_new_row_is_typed_without_losing_the_text_after_enter(repo):
    form = repo.lookup(LABOUR)[0]
    app = EditorHost(lambda: IndicatorGridScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        screen = await grid(pilot)
        burst(app, "<end>", "a", "新指标", "<enter>", "≥5人", "<enter>")
        await wait_for(pilot, lambda: len(screen.rows) == 7 and screen.rows[-1].value == "≥5人", what="the row")
        assert (screen.rows[-1].name, screen.rows[-1].value) == ("新指标", "≥5人")


async def test_a_pasted_three_by_four_block_adds_three_complete_rows_and_one_undo_removes_them(repo):
    form = repo.lookup(LABOUR)[0]
    app = EditorHost(lambda: IndicatorGridScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        screen = await grid(pilot)
        burst(app, "<end>", "a", "<escape>")  # an empty last row to paste onto
        await wait_for(pilot, lambda: len(screen.rows) == 7 and screen.table.editing is None, what="a new row")
        app.post_message(events.Paste(BLOCK))
        await wait_for(pilot, lambda: len(screen.rows) == 9, what="the pasted rows")
        assert screen.rows[6:] == (
            Indicator("产出指标", "数量指标", "培训人数", "≥100人"),
            Indicator("产出指标", "数量指标", "培训天数", "≥5天"),
            Indicator("效益指标", "社会效益指标", "就业率", "≥90%"),
        )
        assert "已粘贴3行" in notifications(app)
        burst(app, "u")
        await wait_for(pilot, lambda: len(screen.rows) == 7, what="the undo")
        assert screen.rows[:6] == form.indicators


async def test_a_block_pasted_in_the_editor_goes_below_its_indicator_rows(repo):
    form = repo.lookup(LABOUR)[0]
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: getattr(app.focused, "name", None) == "name", what="the editor")
        app.post_message(events.Paste(BLOCK))  # the focus is on 项目名称: a block is not its text
        screen = await grid(pilot)
        assert screen.rows[:6] == form.indicators and len(screen.rows) == 9
        assert app.screen_stack[-2].query_one("#field-name").value == LABOUR
        burst(app, "<ctrl+s>")  # saved from the grid, with the editor's draft
        await wait_for(pilot, lambda: repo.get(form.id).revision > form.revision, what="the save")
    assert repo.get(form.id).indicators[6:] == (
        Indicator("产出指标", "数量指标", "培训人数", "≥100人"),
        Indicator("产出指标", "数量指标", "培训天数", "≥5天"),
        Indicator("效益指标", "社会效益指标", "就业率", "≥90%"),
    )


async def test_one_line_of_text_pasted_into_a_cell_being_edited_is_typed_there(repo):
    form = repo.lookup(LABOUR)[0]
    app = EditorHost(lambda: IndicatorGridScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        screen = await grid(pilot)
        burst(app, "<f2>", "<ctrl+u>")
        await pilot.pause(0.1)
        app.post_message(events.Paste("粘贴的名称"))
        burst(app, "<enter>")
        await wait_for(pilot, lambda: screen.rows[0].name == "粘贴的名称", what="the cell")
        assert len(screen.rows) == 6

"""The indicator grid, by keyboard: move, edit in place, add, delete, undo, move rows, save."""

from __future__ import annotations


import pytest

from perftui.core.model import Indicator
from perftui.services.repository import Repository
from perftui.tui.editor.form_editor import FormEditorScreen
from tests.tui.editor_host import EditorHost
from perftui.tui.dialogs.choice import UnsavedChangesScreen
from perftui.tui.editor.indicator_grid import IndicatorGridScreen, target_reading
from perftui.tui.events import DraftChanged, FormSaved

SIZE = (120, 36)
LABOUR = "研究院劳务派遣人员经费"




@pytest.fixture
def repo(db_path, seed_forms) -> Repository:
    repository = Repository.open(db_path)
    repository.import_forms(seed_forms)
    return repository


def grid_on(repo: Repository, **options) -> EditorHost:
    form = repo.lookup(LABOUR)[0]
    return EditorHost(lambda: IndicatorGridScreen(repo, form, **options))


async def keys(pilot, text: str) -> None:
    """A burst of typed text (Tab and Enter as \\t and \\r)."""
    pilot.app.send_keys(text)
    await pilot.pause()


async def press(pilot, *names: str) -> None:
    """A burst of named keys: the grid must take them in order, however fast they come."""
    pilot.app.send_key_names(*names)
    await pilot.pause()


def names(screen) -> list[str]:
    return [row.name for row in screen.rows]


def cell_text(screen, row: int, column: int) -> str:
    return str(screen.table._row_widgets[row].cells[column].content)


def detail(screen) -> str:
    return str(screen.query_one("#grid-detail").content)


async def test_a_spans_once_and_the_cursor_reads_the_value(repo):
    app = grid_on(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert len(screen.rows) == 6
        assert cell_text(screen, 0, 0) == "产出指标" and cell_text(screen, 1, 0) == ""
        assert cell_text(screen, 2, 1) == ""  # 质量指标 spans rows 2 and 3
        assert "不低于 7，单位 人" in detail(screen)
        await press(pilot, "down", "down", "left")
        assert (screen.table.cursor_row, screen.table.cursor_column) == (2, 1)
        # Under the cursor, a spanned cell says what it is.
        assert cell_text(screen, 2, 1) == "质量指标"
        await press(pilot, "end")
        assert screen.table.cursor_row == 5 and "第6行" in detail(screen)


async def test_add_takes_the_levels_of_the_row_above_and_types_in_place(repo):
    app = grid_on(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await press(pilot, "down")  # on 质量指标 / 契合度
        # One burst, as over a slow link: nothing may land in the wrong cell.
        await keys(pilot, "a新指标\t≥3个\r")
        assert screen.rows[2] == Indicator("产出指标", "质量指标", "新指标", "≥3个")
        assert len(screen.rows) == 7 and screen.table.editing is None
        assert "未保存" in str(screen.query_one("#grid-title").content)


async def test_delete_undo_and_move(repo):
    app = grid_on(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        before = names(screen)
        await press(pilot, "down", "d")
        assert names(screen) == before[:1] + before[2:]
        assert any("按 u 撤销" in n.message for n in app._notifications)
        await press(pilot, "u")
        assert names(screen) == before and screen.table.cursor_row == 1
        await press(pilot, "J")
        assert names(screen)[2] == before[1] and screen.table.cursor_row == 2
        await press(pilot, "ctrl+up", "ctrl+up")
        assert names(screen)[0] == before[1] and screen.table.cursor_row == 0
        await press(pilot, "K")  # already at the top
        assert names(screen)[0] == before[1]
        await press(pilot, "ctrl+down", "u", "u", "u", "u")  # four moves back
        assert names(screen) == before


async def test_editing_a_cell_can_be_cancelled_with_escape_or_ctrl_w(repo):
    app = grid_on(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        before = screen.rows
        await keys(pilot, "\rXYZ")
        assert screen.table.editing is not None
        assert "按岗位需求派驻的劳务派遣人数XYZ" in cell_text(screen, 0, 2)
        await press(pilot, "escape")
        assert screen.rows == before and screen.table.editing is None
        assert isinstance(app.screen, IndicatorGridScreen)  # Esc ended the edit, not the screen
        await keys(pilot, "\rXYZ")
        await press(pilot, "ctrl+w")
        assert screen.rows == before and isinstance(app.screen, IndicatorGridScreen)
        await press(pilot, "enter", "ctrl+u")
        await keys(pilot, "派驻人数\r")
        assert screen.rows[0].name == "派驻人数"


async def test_levels_are_chosen_from_the_layout_and_typing_filters(repo):
    app = grid_on(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await press(pilot, "left", "enter")  # 二级 of row 1
        shown = cell_text(screen, 0, 1)
        assert all(name in shown for name in ("数量指标", "质量指标", "时效指标", "成本指标"))
        await keys(pilot, "时效")
        shown = cell_text(screen, 0, 1)
        assert "› 时效指标" in shown and "数量指标" not in shown
        await keys(pilot, "xyz\r")  # nothing matches: Enter is refused, the edit stays
        assert screen.table.editing is not None and screen.rows[0].level2 == "数量指标"
        await press(pilot, "ctrl+u", "down", "down", "enter")
        assert screen.rows[0].level2 == "时效指标"


async def test_the_target_is_read_as_typed_and_findings_are_flagged(repo):
    app = grid_on(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await press(pilot, "right", "enter", "ctrl+u")
        await keys(pilot, "≤２小时")
        await pilot.pause()
        assert "不高于 2，单位 小时" in detail(screen)
        await press(pilot, "ctrl+u")
        await keys(pilot, "120%\r")
        await pilot.pause()
        assert cell_text(screen, 0, 4) == "✗"
        # Enter went on to the next cell to fill: the next row's 三级指标.
        assert (screen.table.cursor_row, screen.table.cursor_column) == (1, 2)
        await press(pilot, "up")
        assert "超过100%" in detail(screen)


def test_target_reading_words():
    assert target_reading("≥95%") == "不低于 95，单位 %"
    assert target_reading("优秀") == "定性指标"
    assert target_reading("124套") == "恰为 124，单位 套"
    assert target_reading(" ") == "（未填写）"


async def test_opened_on_its_own_the_grid_saves_the_form(repo):
    form = repo.lookup(LABOUR)[0]
    app = grid_on(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("end", "d")
        await pilot.pause()
        assert isinstance(app.messages[-1], DraftChanged) and len(app.messages[-1].draft.indicators) == 5
        await keys(pilot, "\r（已改）")  # still typing in a cell when ctrl+s comes
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        stored = repo.get(form.id).indicators
        assert len(stored) == 5 and stored[-1].name.endswith("（已改）")
        assert isinstance(app.messages[-1], FormSaved)
        await pilot.press("q")
        await pilot.pause()
        assert app.results == [repo.get(form.id)]


async def test_opened_on_its_own_leaving_unsaved_rows_asks(repo):
    form = repo.lookup(LABOUR)[0]
    app = grid_on(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d", "escape")
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("c")
        assert isinstance(app.screen, IndicatorGridScreen)
        await pilot.press("q", "d")
        await pilot.pause()
        assert app.results == [None] and repo.get(form.id) == form


async def test_from_the_editor_the_rows_return_to_the_draft(repo):
    form = repo.lookup(LABOUR)[0]
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f2", "d", "escape")  # no question: the rows go back to the editor
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, FormEditorScreen)
        assert len(editor.current_draft().form.indicators) == 5
        assert "绩效指标（5行" in str(editor.query_one("#indicators-heading").content)
        assert repo.get(form.id) == form  # not saved yet
        await pilot.press("f2", "ctrl+s")  # ctrl+s in the grid saves the editor's draft
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FormEditorScreen)
        assert len(repo.get(form.id).indicators) == 5


async def test_cells_can_be_picked_with_a_mouse(repo):
    app = grid_on(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        target = screen.table._row_widgets[3].cells[3]
        await pilot.click(target)
        assert (screen.table.cursor_row, screen.table.cursor_column) == (3, 3)
        await pilot.double_click(target)
        assert screen.table.editing is not None and screen.table.editing.column == "value"


async def test_a_new_form_starts_with_an_empty_grid(repo):
    from perftui.core.model import Form

    app = EditorHost(lambda: IndicatorGridScreen(repo, Form(year=2025), save=False))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#empty").display
        await keys(pilot, "a第一行\t1项\r")
        assert screen.rows == (Indicator("产出指标", "数量指标", "第一行", "1项"),)
        assert not screen.query_one("#empty").display

"""The form editor, driven by keyboard through Textual's Pilot on a real database file."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import TextArea

from perftui.core import findings
from perftui.services.repository import COPIED, Repository
from perftui.core.totals import totals
from perftui.tui.editor.form_editor import DEBOUNCE, FormEditorScreen
from tests.tui.editor_host import EditorHost
from tests.tui.helpers import wait_for
from perftui.tui.dialogs.choice import UnsavedChangesScreen
from perftui.tui.editor.indicator_grid import IndicatorGridScreen
from perftui.tui.events import DraftChanged, FormSaved

SIZE = (120, 36)
LABOUR = "研究院劳务派遣人员经费"
#: From 项目名称 (where an existing form opens), Tab reaches 年度财政拨款 after seven fields.
TABS_TO_ANNUAL_FISCAL = 7


@pytest.fixture
def repo(db_path, seed_forms) -> Repository:
    repository = Repository.open(db_path)
    repository.import_forms(seed_forms)
    return repository




def labour(repo: Repository):
    return repo.lookup(LABOUR)[0]


async def settle(pilot) -> None:
    """Let the debounced re-check run."""
    await pilot.pause(DEBOUNCE + 0.05)


async def saved(pilot) -> None:
    """Let the save worker finish and its result reach the screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def field(app, key: str):
    return app.screen.query_one("#field-" + key.replace(".", "-"))


def message(app, key: str) -> str:
    return str(app.screen.query_one("#msg-" + key.replace(".", "-")).content)


async def type_text(pilot, text: str) -> None:
    """Type a burst of keys (see EditorHost.send_keys) and let them arrive."""
    pilot.app.send_keys(text)
    await pilot.pause()


async def type_into(pilot, key: str, text: str) -> None:
    """Focus a field and type over it (its text is selected on focus), as an operator would."""
    field(pilot.app, key).focus()
    await pilot.pause()
    await type_text(pilot, text)


async def test_opening_a_form_shows_its_amounts_and_goals(repo):
    form = labour(repo)
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert field(app, "name").value == LABOUR
        assert field(app, "funding.annual.fiscal").value == "98"  # as stored, exactly
        assert str(app.screen.query_one("#reading-funding-annual-fiscal").content) == "98.00"
        assert str(app.screen.query_one("#implied-annual").content) == "98.00"
        goal = field(app, "goals.annual")
        assert isinstance(goal, TextArea) and goal.text == form.annual_goal
        assert "以劳务派遣公司委派专业技能人员进驻" in goal.text
        assert "检查结果：完整" in str(app.screen.query_one("#editor-status").content)
        assert not app.messages  # nothing changed, nothing announced


async def test_tab_walks_the_fields_in_the_paper_form_reading_order(repo):
    from perftui.core.form_edit import READING_ORDER

    app = EditorHost(lambda: FormEditorScreen(repo, None))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        chain = [widget.name for widget in app.screen.focus_chain]
        assert tuple(chain[: len(READING_ORDER)]) == READING_ORDER
        assert app.focused.name == "year"
        await pilot.press("tab", "tab", "tab")
        assert app.focused.name == "period"
        await pilot.press("shift+tab")
        assert app.focused.name == "name"


async def test_f2_shows_the_six_indicator_rows(repo):
    app = EditorHost(lambda: FormEditorScreen(repo, labour(repo)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IndicatorGridScreen)
        assert len(screen.rows) == 6
        cells = [str(cell.content) for row in screen.table._row_widgets for cell in row.cells]
        assert "≥7人" in cells and "按岗位需求派驻的劳务派遣人数" in cells
        assert cells.count("产出指标") == 1  # a 一级 shows once for the rows it spans
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FormEditorScreen)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, IndicatorGridScreen)
        await pilot.press("q")
        await pilot.click("#edit-indicators")  # and with a mouse
        await pilot.pause()
        assert isinstance(app.screen, IndicatorGridScreen)


async def test_changing_the_annual_fiscal_amount_and_saving_stores_it(repo):
    form = labour(repo)
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*["tab"] * TABS_TO_ANNUAL_FISCAL)
        assert app.focused.name == "funding.annual.fiscal"
        await pilot.press(*"100")  # the field's text is selected on focus: typing replaces it
        await settle(pilot)
        # The unsaved figure reaches the app, and the mismatch with 金额 shows.
        announced = [m for m in app.messages if isinstance(m, DraftChanged)]
        assert announced[-1].original == form
        assert announced[-1].draft.annual_funding.fiscal == Decimal("100")
        assert "与金额" in message(app, "funding.annual.total")
        assert "≠" in str(app.screen.query_one("#implied-annual").content)
        assert "未保存" in str(app.screen.query_one("#editor-title").content)
        told = len(app.messages)
        app.screen.refresh_draft()  # the same figure again: not announced again
        assert len(app.messages) == told
        await pilot.press("ctrl+s")
        await saved(pilot)
        stored = repo.get(form.id)
        assert stored.annual_funding.fiscal == Decimal("100")
        assert stored.revision == form.revision + 1
        assert totals(repo.forms()).fiscal == Decimal("3129.56")
        assert isinstance(app.messages[-1], FormSaved) and app.messages[-1].form == stored
        assert app.messages[-2].draft is None  # the unsaved figure is withdrawn
        assert "未保存" not in str(app.screen.query_one("#editor-title").content)
        await pilot.press("ctrl+w")  # nothing unsaved: leaves without asking
        await pilot.pause()
        assert app.results == [stored]


BAD_AMOUNTS = [("9a8", "只能包含数字"), ("-98", "不能为负数"), ("98.1234567", "最多保留六位小数"), ("100000000", "金额过大")]


async def test_bad_amounts_are_refused_beside_the_field(repo):
    form = labour(repo)
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for typed, words in BAD_AMOUNTS:
            await type_into(pilot, "funding.annual.fiscal", typed)
            # Shown at once, before the findings' pause.
            assert words in message(app, "funding.annual.fiscal"), typed
            await pilot.press("end", "ctrl+u")
        await type_into(pilot, "funding.annual.fiscal", BAD_AMOUNTS[0][0])
        await settle(pilot)
        assert "1处输入无法识别" in str(app.screen.query_one("#editor-status").content)
        # Totals follow each keystroke that reads ("9"); "9a" and "9a8" are not announced.
        last = [m for m in app.messages if isinstance(m, DraftChanged)][-1]
        assert last.draft is None or last.draft.annual_funding.fiscal in (None, Decimal("9"))
        field(app, "name").focus()
        await pilot.press("ctrl+s")
        await saved(pilot)
        assert repo.get(form.id).revision == form.revision  # nothing saved
        assert app.focused.name == "funding.annual.fiscal"  # taken to the field to fix
        assert any("输入无法识别" in n.message for n in app._notifications)
        assert isinstance(app.screen, FormEditorScreen)
        await type_into(pilot, "year", "20")
        assert "四位数" in message(app, "year")
        await type_text(pilot, "２")  # 202: still not a year
        assert "四位数" in message(app, "year")
        await type_text(pilot, "５")
        assert message(app, "year") == ""  # 20２５ reads as 2025


async def test_full_width_amounts_are_accepted(repo):
    form = labour(repo)
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_into(pilot, "funding.annual.fiscal", "９８．５")
        await settle(pilot)
        assert message(app, "funding.annual.fiscal") == ""
        assert str(app.screen.query_one("#reading-funding-annual-fiscal").content) == "98.50"
        field(app, "funding.annual.total").focus()
        await pilot.pause()
        # Typed and saved in one burst, as over a slow link: ctrl+s saves what came before it.
        app.send_keys("１,０２０")
        app.send_key_names("ctrl+s")
        await saved(pilot)
        assert str(app.screen.query_one("#reading-funding-annual-total").content) == "1,020.00"
        stored = repo.get(form.id).annual_funding
        assert (stored.fiscal, stored.total) == (Decimal("98.5"), Decimal("1020"))


async def test_a_new_form_typed_by_keyboard_alone_saves_and_counts(repo):
    before = totals(repo.forms())
    app = EditorHost(lambda: FormEditorScreen(repo, None))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused.name == "year"
        # 年度 (full-width, as an IME in full-width mode types it), then past 指标体系.
        await type_text(pilot, "２０２５\t\t测试新项目\t2025年1月至2025年12月\t测试主管部门\t测试实施单位\t")
        await type_text(pilot, "20\t20\t20\t20\t\t\t实施期目标\t年度目标")
        await pilot.press("f2")
        assert isinstance(app.screen, IndicatorGridScreen)
        # a: a new row, typed from its 三级指标; Tab moves to 指标值; Enter commits.
        await type_text(pilot, "a培训人数\t≥50人\r")
        await type_text(pilot, "a社会影响\t较好\r")
        # Its 一级 is still 产出指标: choose 效益指标 by typing; the 二级 follows.
        await pilot.press("left", "left", "left", "enter")
        await type_text(pilot, "效益\r")
        await type_text(pilot, "社会\r")
        await type_text(pilot, "a满意度\t≥90%\r")
        await pilot.press("left", "left", "left", "enter")
        await type_text(pilot, "满意\r")
        await pilot.press("enter")  # its only 二级
        rows = app.screen.rows
        assert [(r.level1, r.level2, r.name, r.value) for r in rows] == [
            ("产出指标", "数量指标", "培训人数", "≥50人"),
            ("效益指标", "社会效益指标", "社会影响", "较好"),
            ("满意度指标", "服务对象满意度指标", "满意度", "≥90%"),
        ]
        await pilot.press("ctrl+s")  # back in the editor, which saves the whole form
        await saved(pilot)
        assert isinstance(app.screen, FormEditorScreen)
    new = repo.lookup("测试新项目")[0]
    assert new.year == 2025 and new.annual_funding.fiscal == Decimal("20")
    assert new.annual_goal == "年度目标" and len(new.indicators) == 3
    assert findings.is_complete(findings.check(new))
    after = totals(repo.forms())
    assert (after.forms, after.indicators) == (before.forms + 1, before.indicators + 3)
    assert repo.history(new.id)[-1].action == "create"


async def test_leaving_with_unsaved_changes_asks_stay_discard_or_save(repo):
    form = labour(repo)
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_into(pilot, "unit", "新的实施单位")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("c")  # stay
        await pilot.pause()
        assert isinstance(app.screen, FormEditorScreen)
        assert field(app, "unit").value == "新的实施单位"
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("d")  # discard
        await pilot.pause()
        assert not isinstance(app.screen, (FormEditorScreen, UnsavedChangesScreen))
        assert app.results == [None]
        assert repo.get(form.id) == form
        assert app.messages[-1].draft is None and app.messages[-1].original == form

    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_into(pilot, "unit", "新的实施单位")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")  # save, then leave
        await saved(pilot)
        assert repo.get(form.id).unit == "新的实施单位"
        assert app.results == [repo.get(form.id)]


async def test_the_unsaved_prompt_answers_by_button_too(repo):
    form = labour(repo)
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_into(pilot, "unit", "x")
        await pilot.press("ctrl+w")
        await pilot.pause()
        await pilot.click("#choice-stay")
        await pilot.pause()
        assert isinstance(app.screen, FormEditorScreen)


async def test_a_read_only_database_refuses_the_save_and_keeps_the_edits(db_path, repo):
    form = labour(repo)
    read_only = Repository.open(db_path, read_only=True)
    app = EditorHost(lambda: FormEditorScreen(read_only, form))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_into(pilot, "unit", "新的实施单位")
        await pilot.press("ctrl+s")
        await saved(pilot)
        assert isinstance(app.screen, FormEditorScreen)
        assert field(app, "unit").value == "新的实施单位"
        assert any("只读" in n.message for n in app._notifications)
        assert "只读" in str(app.screen.query_one("#editor-title").content)
        assert repo.get(form.id) == form


async def test_copy_into_a_new_year_opens_on_the_copy_and_saves_it_as_new(repo):
    form = labour(repo)
    app = EditorHost(lambda: FormEditorScreen.for_copy(repo, form, 2025))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert field(app, "year").value == "2025"
        assert field(app, "period").value == "2025年1月至2025年12月"
        assert field(app, "goals.annual").text == form.annual_goal
        notes = str(app.screen.query_one("#editor-notes").content)
        assert "项目实施期已由" in notes and "资金数额沿用原表" in notes
        assert "复制" in str(app.screen.query_one("#editor-title").content)
        await pilot.press("ctrl+s")
        await saved(pilot)
    copies = [f for f in repo.forms() if f.name == LABOUR]
    assert sorted(f.year for f in copies) == [2024, 2025]
    copy = next(f for f in copies if f.year == 2025)
    assert copy.id != form.id and copy.indicators == form.indicators
    assert (copy.period_goal, copy.annual_goal) == (form.period_goal, form.annual_goal)
    assert repo.get(form.id) == form  # the original is untouched
    assert repo.history(copy.id)[-1].action == COPIED


async def test_at_80x24_every_field_can_be_reached_and_is_scrolled_into_view(repo):
    app = EditorHost(lambda: FormEditorScreen(repo, labour(repo)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        await type_text(pilot, "\t" * 11)  # to 年度目标, the last field
        assert app.focused.name == "goals.annual"
        region = app.focused.region
        assert region.height > 0 and 0 <= region.y and region.bottom <= 24 - 2


async def test_a_huge_paste_keeps_the_title_and_the_message_to_a_line_at_80_columns(repo):
    from textual import events

    form = labour(repo)
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        field(app, "name").focus()
        await pilot.press("ctrl+u")
        app.post_message(events.Paste("长" * 10_000))
        field_year = field(app, "year")
        await pilot.pause()
        field_year.focus()
        await pilot.press("ctrl+u")
        app.post_message(events.Paste("年" * 10_000))
        await settle(pilot)
        title = app.screen.query_one("#editor-title")
        assert title.size.height <= 2 and "长" * 14 + "…" in str(title.content)  # it was 140 rows
        assert "四位数" in message(app, "year") and len(message(app, "year")) < 80
        assert app.screen.query_one("#msg-year").size.height <= 3  # it was 18 rows
        await pilot.press("ctrl+s")  # refused in one line, nothing saved
        await settle(pilot)
        assert repo.get(form.id).revision == form.revision
        await pilot.press("ctrl+w")  # the question names the form in a line, its answers on screen
        await wait_for(pilot, lambda: isinstance(app.screen, UnsavedChangesScreen), what="the question")
        await pilot.pause()
        assert app.screen.query_one("#dialog-title").size.height == 1
        assert app.screen.query_one("#choice-stay").region.bottom <= 24

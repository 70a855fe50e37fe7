"""The form editor and the indicator grid as the operator reaches them: from the home screen.

These are the issue's "done when", run in the real app on a database seeded
with the eight 2024 forms, keys pressed one at a time as a person types them.
"""

from __future__ import annotations

from decimal import Decimal

from textual import events
from textual.keys import _character_to_key

from perftui import cli

from perftui.core import findings
from perftui.services.repository import Repository
from perftui.tui.editor.form_editor import FormEditorScreen
from perftui.tui.dialogs.choice import UnsavedChangesScreen
from perftui.tui.editor.indicator_grid import IndicatorGridScreen
from perftui.tui.widgets.summary import TotalsLine

from .helpers import footer_keys, listed_names, notifications, started, summary_text, wait_for

SIZE = (120, 36)
LABOUR = "研究院劳务派遣人员经费"
#: From 项目名称 (where a stored form opens), Tab reaches 年度财政拨款 after seven fields.
TABS_TO_ANNUAL_FISCAL = 7
NAMED = {"\t": "tab", "\r": "enter"}


async def type_keys(pilot, text: str) -> None:
    """Type ``text`` (Tab and Enter as \\t and \\r) in one burst, as a terminal sends a
    fast typist's keys over a slow link, or an input method its word; then let it arrive.

    Not ``pilot.press``: it drops the character of keys it cannot name back
    (≥), which a terminal does send; and a key at a time is slow to test.
    """
    for char in text:
        if char in NAMED:
            pilot.app.post_message(events.Key(NAMED[char], None))
        else:
            pilot.app.post_message(events.Key(char if char.isalnum() else _character_to_key(char), char))
    await pilot.pause()


def field(app, key: str):
    return app.screen.query_one("#field-" + key.replace(".", "-"))


def totals_line(app) -> str:
    line = app.screen.query_one(TotalsLine)
    assert line.display, "the editor's totals line is hidden"
    return str(line.render())


async def settled(pilot) -> None:
    """Time for the editor's debounced re-check to run (where nothing should come of it)."""
    await pilot.pause(0.25)


async def shows(pilot, text, *parts: str) -> None:
    """Wait until ``text()`` (the totals line, the summary) shows every one of ``parts``:
    the re-check waits for typing to pause, and its figures reach the app as a message."""
    await wait_for(pilot, lambda: all(part in text() for part in parts), what=" and ".join(parts))


async def open_labour(pilot) -> None:
    """``/劳务派遣`` Enter (keep the filter), Enter (open the form)."""
    await pilot.press("slash", *"劳务派遣", "enter")
    await pilot.pause()
    assert listed_names(pilot.app) == [LABOUR]
    await pilot.press("enter")
    await pilot.pause()


async def test_slash_enter_enter_opens_the_editor_f2_shows_the_rows(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await open_labour(pilot)
        screen = app.screen
        assert isinstance(screen, FormEditorScreen)
        assert screen.repository is app.database  # saves go through the app's database and its lock
        assert field(app, "name").value == LABOUR
        assert str(screen.query_one("#reading-funding-annual-fiscal").content) == "98.00"
        assert "以劳务派遣公司委派专业技能人员进驻" in field(app, "goals.annual").text
        assert field(app, "goals.period").text
        assert "2024年度 · 8张表" in totals_line(app) and "3,127.56" in totals_line(app)
        assert "未保存" not in totals_line(app)
        await pilot.press("f2")
        await pilot.pause()
        grid = app.screen
        assert isinstance(grid, IndicatorGridScreen) and len(grid.rows) == 6
        cells = [str(cell.content) for row in grid.table._row_widgets for cell in row.cells]
        assert "≥7人" in cells
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is app.home and listed_names(app) == [LABOUR]  # the filter is kept
        # On the list, F2 or ctrl+g opens the grid on its own: it saves the form itself.
        for key in ("f2", "ctrl+g"):
            await pilot.press(key)
            await pilot.pause()
            grid = app.screen
            assert isinstance(grid, IndicatorGridScreen) and grid.saves_itself
            assert len(grid.rows) == 6 and "≥7人" in [row.value for row in grid.rows]
            await pilot.press("q")
            await pilot.pause()
            assert app.screen is app.home


async def test_an_unsaved_figure_shows_in_the_totals_and_saving_makes_it_the_total(seeded_db, make_app, capsys):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await open_labour(pilot)
        await pilot.press(*["tab"] * TABS_TO_ANNUAL_FISCAL)
        assert app.focused.name == "funding.annual.fiscal"
        await pilot.press(*"100")
        # In the editor, where it is typed: the year's total with the figure, marked unsaved.
        await shows(pilot, lambda: totals_line(app), "未保存", "3,129.56")
        # The home screen's summary is hidden under the editor; it is drawn again when shown
        # (below, after leaving), not on every keystroke in the editor.
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.catalog.get(app.screen.original.id).form.revision == 2, what="save")
        await pilot.pause()
        assert "未保存" not in totals_line(app) and "3,129.56" in totals_line(app)
        await pilot.press("ctrl+w")  # saved: leaves without asking
        await pilot.pause()
        assert app.screen is app.home
        assert "未保存" not in summary_text(app) and "100.00" in summary_text(app)
        await pilot.press("ctrl+u")  # the whole list: the saved total
        await pilot.pause()
        assert "3,129.56" in summary_text(app) and "全部年度 · 8张表" in summary_text(app)
        form_id = app.home.current_form.id
    capsys.readouterr()
    assert cli.main(["--db", str(seeded_db), "total"]) == 0
    assert "3,129.56" in capsys.readouterr().out
    assert Repository.open(seeded_db).history(form_id)[-1].action == "save"


async def test_leaving_without_saving_restores_the_total(seeded_db, make_app):
    before = seeded_db.read_bytes()
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("enter")  # the first form: 研究院劳务派遣人员经费, 98.00
        await pilot.pause()
        assert app.screen.original.name == LABOUR
        await pilot.press(*["tab"] * TABS_TO_ANNUAL_FISCAL, *"100")
        await shows(pilot, lambda: totals_line(app), "3,129.56", "未保存")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("d")  # discard
        await pilot.pause()
        assert app.screen is app.home
        assert "3,127.56" in summary_text(app) and "未保存" not in summary_text(app)
    assert seeded_db.read_bytes() == before


async def test_a_new_form_typed_from_n_by_keyboard_alone_saves_and_counts(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormEditorScreen) and app.screen.original is None
        # All years shown: the year of the form under the cursor; the units of my last saved form.
        assert app.focused.name == "year" and app.focused.value == "2024"
        assert app.screen.query_one("#field-unit").value == "大连高新技术产业发展研究院"
        # 年度 (full-width, as an IME types it) over the default, then past 指标体系.
        await type_keys(pilot, "２０２４\t\t测试新项目\t2024年1月至2024年12月\t测试主管部门\t测试实施单位\t")
        await type_keys(pilot, "20\t20\t20\t20\t\t\t实施期目标\t年度目标")
        await shows(pilot, lambda: totals_line(app), "2024年度", "3,147.56", "未保存")  # 3,127.56 + 20.00
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, IndicatorGridScreen) and not app.screen.rows
        await type_keys(pilot, "a培训人数\t≥50人\r")
        await type_keys(pilot, "a社会影响\t较好\r")
        await pilot.press("left", "left", "left", "enter")
        await type_keys(pilot, "效益\r社会\r")
        await type_keys(pilot, "a满意度\t≥90%\r")
        await pilot.press("left", "left", "left", "enter")
        await type_keys(pilot, "满意\r")
        await pilot.press("enter")  # its only 二级
        assert [(r.level1, r.name, r.value) for r in app.screen.rows] == [
            ("产出指标", "培训人数", "≥50人"),
            ("效益指标", "社会影响", "较好"),
            ("满意度指标", "满意度", "≥90%"),
        ]
        await pilot.press("ctrl+s")  # back in the editor, which saves the whole form
        await wait_for(pilot, lambda: len(app.catalog) == 9, what="save")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is app.home
        assert app.home.current_form.name == "测试新项目"  # the cursor follows the new form
        text = summary_text(app)
        assert "3,147.56" in text and "9张表" in text and "未保存" not in text and "全部完整" in text
    new = Repository.open(seeded_db).lookup("测试新项目")[0]
    assert new.year == 2024 and new.annual_funding.fiscal == Decimal("20") and len(new.indicators) == 3
    assert findings.is_complete(findings.check(new))
    assert Repository.open(seeded_db).history(new.id)[-1].action == "create"


async def test_n_starts_in_the_year_the_list_shows_and_untouched_leaves_without_asking(
    seeded_db, seed_forms, make_app
):
    Repository.open(seeded_db).save(seed_forms[0].evolve(id="next-year-form", revision=0, year=2025))
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("y", "n")  # 2025
        await settled(pilot)
        assert isinstance(app.screen, FormEditorScreen) and field(app, "year").value == "2025"
        # The year was filled in for the operator: nothing typed yet, nothing unsaved.
        assert "未保存" not in str(app.screen.query_one("#editor-title").content)
        assert "未保存" not in totals_line(app) and "未保存" not in summary_text(app)
        await pilot.press("f2", "q", "escape")
        await pilot.pause()
        assert app.screen is app.home


# -- ctrl+q with unsaved edits -------------------------------------------------------


async def _edit_unit(pilot) -> None:
    await pilot.press("enter")
    await pilot.pause()
    app = pilot.app
    field(app, "unit").focus()
    await pilot.pause()
    await pilot.press(*"新单位")


async def test_ctrl_q_with_unsaved_edits_asks_stay_keeps_them_discard_quits(seeded_db, make_app):
    before = seeded_db.read_bytes()
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await _edit_unit(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesScreen)
        assert "退出" in str(app.screen.query_one("#dialog-text").render())
        await pilot.press("ctrl+q")  # asked already: a second ctrl+q does not quit unasked
        await pilot.pause()
        await pilot.press("c")  # stay
        await pilot.pause()
        assert isinstance(app.screen, FormEditorScreen) and field(app, "unit").value == "新单位"
        assert app.return_code is None
        await pilot.press("ctrl+q", "d")  # discard
        await pilot.pause()
    assert app.return_code == 0
    assert seeded_db.read_bytes() == before


async def test_ctrl_q_then_save_saves_and_quits(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await _edit_unit(pilot)
        await pilot.press("ctrl+q", "s")
        await wait_for(pilot, lambda: app.return_code is not None, what="quit after saving")
    assert app.return_code == 0
    assert Repository.open(seeded_db).lookup(LABOUR)[0].unit == "新单位"


async def test_ctrl_q_in_the_editors_grid_saves_the_rows_through_the_editor(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("enter", "f2")
        await pilot.pause()
        await pilot.press("d")  # delete a row: only the grid knows, until it returns
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("s")
        await wait_for(pilot, lambda: app.return_code is not None, what="quit after saving")
    assert len(Repository.open(seeded_db).lookup(LABOUR)[0].indicators) == 5


async def test_ctrl_q_without_changes_quits_at_once(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("enter", "f2")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


# -- read-only, help, palette, remapped keys ---------------------------------------------


async def test_read_only_the_editor_and_the_grid_refuse_to_save_in_one_line(seeded_db, make_app):
    before = seeded_db.read_bytes()
    app = make_app(seeded_db, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await _edit_unit(pilot)
        await wait_for(pilot, lambda: "editor.indicators" in footer_keys(app), what="the editor's footer")
        assert "editor.save" not in footer_keys(app)  # out of the footer
        await pilot.press("ctrl+s")  # but it still answers
        await wait_for(pilot, lambda: notifications(app).count("只读模式") == 1, what="the refusal")
        assert "“保存”" in notifications(app)
        assert isinstance(app.screen, FormEditorScreen) and field(app, "unit").value == "新单位"
        await pilot.press("ctrl+w", "s")  # leave: no "save" is offered, so s answers nothing
        await wait_for(pilot, lambda: isinstance(app.screen, UnsavedChangesScreen), what="the question")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesScreen) and notifications(app).count("只读模式") == 1
        await pilot.press("c")  # stay: the edits stay
        await wait_for(pilot, lambda: isinstance(app.screen, FormEditorScreen), what="back in the editor")
        assert field(app, "unit").value == "新单位"
        await pilot.press("ctrl+w", "d")
        await pilot.press("f2", "d", "ctrl+s")  # the grid on its own
        await wait_for(pilot, lambda: notifications(app).count("只读模式") == 2, what="the grid's refusal")
        assert isinstance(app.screen, IndicatorGridScreen)
        offered = {key.id for key in app.actions_here(app.screen)}
        assert "grid.add" in offered and "grid.save" not in offered
    assert seeded_db.read_bytes() == before


async def test_help_from_the_editor_lists_its_keys(seeded_db, make_app):
    from perftui.tui.screens.help import HelpScreen

    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        await pilot.press("f1")  # ? is a character in a text field; F1 is not
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text Static").render())
        for key_id in ("editor.save", "grid.add", "unsaved.discard", "conflict.keep-mine", "overwrite.yes"):
            assert key_id in text
        assert text.splitlines()[0] == "表单编辑器"  # this screen's keys first
        assert "指标表格" in text and "^s" in text.split("editor.save")[0].splitlines()[-1]
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is editor
        await pilot.press("f2", "question_mark")  # in the grid (not typing), ? is help
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_the_palette_runs_grid_actions_on_the_table(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("f2")
        await pilot.pause()
        grid = app.screen
        await pilot.press("ctrl+p", *"添加")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(grid.rows) == 7, what="a row added from the palette")
        assert grid.table.editing is not None  # typed into straight away, as with a


async def test_editor_and_grid_keys_can_be_remapped_in_the_config(seeded_db, make_app):
    from perftui.config import Settings

    keymap = {"editor.save": "ctrl+o", "grid.add": "i", "unsaved.discard": "x"}
    app = make_app(seeded_db, settings=Settings(keys=keymap))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("enter", "f2", "i")  # i adds a row now
        await pilot.pause()
        assert len(app.screen.rows) == 7 and app.screen.table.editing is not None
        await pilot.press(*"新指标", "enter", "escape")  # back in the editor, the row in its draft
        await pilot.pause()
        assert isinstance(app.screen, FormEditorScreen)
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert "(x)" in str(app.screen.query_one("#choice-discard").label)  # the button names the key
        await pilot.press("c", "ctrl+o")
        await wait_for(pilot, lambda: app.screen.original.revision == 2, what="save with the remapped key")
    assert len(Repository.open(seeded_db).lookup(LABOUR)[0].indicators) == 7


async def test_a_save_refused_for_another_operators_save_asks_and_keep_mine_overwrites(seeded_db, make_app):
    """Through the app's database too, a stale save is refused, shown, and kept only when confirmed."""
    from perftui.services.repository import OVERWRITTEN
    from perftui.tui.dialogs.conflict import ConflictScreen
    from perftui.tui.dialogs.choice import ConfirmOverwriteScreen

    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("enter")
        await pilot.pause()
        other = Repository.open(seeded_db)  # another operator's process
        other.save(other.lookup(LABOUR)[0].evolve(unit="他们改的单位"))
        await pilot.press(*["tab"] * TABS_TO_ANNUAL_FISCAL, *"100", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="the conflict dialog")
        assert "他们改的单位" in str(app.screen.query_one("#dialog-text").render())
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmOverwriteScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, FormEditorScreen) and app.screen.original.revision == 3,
                       what="the overwrite")
        assert "3,129.56" in totals_line(app) and "未保存" not in totals_line(app)
    stored = Repository.open(seeded_db)
    form = stored.lookup(LABOUR)[0]
    assert form.annual_funding.fiscal == Decimal("100") and stored.history(form.id)[-1].action == OVERWRITTEN

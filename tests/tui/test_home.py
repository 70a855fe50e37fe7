"""The home screen in Pilot: the list, the filter, the year, sorting, the summary, the keys."""

from perftui.core.collation import pinyin_key
from perftui.services.repository import Repository
from perftui.tui.editor.form_editor import FormEditorScreen
from perftui.tui.screens.help import HelpScreen
from perftui.tui.widgets.form_table import FormTable

from .helpers import INCOMPLETE, listed_names, started, summary_text

SIZE = (120, 36)


async def test_home_shows_forms_total_and_names_the_incomplete_form(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.home.table.row_count == 9
        text = summary_text(app)
        assert "3,137.56" in text  # 3,127.56 + 10.00, exact
        assert "测试未完成项目" in text and "3个错误" in text
        assert "全部年度 · 9张表" in text
        assert str(with_incomplete) in app.sub_title


async def test_slash_filters_as_you_type_enter_keeps_it_escape_clears(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("slash", *"劳务")
        await pilot.pause()
        assert listed_names(app) == ["研究院劳务派遣人员经费"]
        assert "98.00" in summary_text(app) and "筛选“劳务”：1/9张表" in summary_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, FormTable)
        assert listed_names(app) == ["研究院劳务派遣人员经费"]  # Enter kept the filter
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert len(listed_names(app)) == 9
        assert isinstance(app.focused, FormTable)


async def test_ctrl_u_clears_the_filter_in_the_box_and_from_the_list(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("slash", *"龙头")
        await pilot.pause()
        assert len(listed_names(app)) == 2
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert len(listed_names(app)) == 9 and app.home.filter_input.value == ""
        await pilot.press(*"龙头", "down")  # ↓ leaves the box, keeping the filter
        await pilot.pause()
        assert isinstance(app.focused, FormTable) and len(listed_names(app)) == 2
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert len(listed_names(app)) == 9


async def test_filter_with_no_match_says_so(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("slash", *"没有这个")
        await pilot.pause()
        empty = app.home.query_one("#empty")
        assert empty.display and "没有符合“没有这个”的表" in str(empty.render())
        assert "0.00" in summary_text(app)


async def test_s_sorts_by_the_next_column_and_shift_s_reverses(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        stored = listed_names(app)
        await pilot.press("S")
        await pilot.pause()
        assert listed_names(app) == stored[::-1]
        await pilot.press("s")  # 项目名称, ascending
        await pilot.pause()
        assert app.home.view.sort == "name" and not app.home.view.descending
        assert listed_names(app) == sorted(stored, key=pinyin_key)  # 产业…, 龙头…, 七贤荟…, 研究院…
        assert "▲" in app.home.table.header_text("name")
        for _ in range(4):  # 年度, 主管部门, 实施单位, 年度财政拨款
            await pilot.press("s")
        await pilot.pause()
        assert app.home.view.sort == "fiscal"
        fiscal = [app.catalog.get(i).fiscal for i in app.home.table.listed_ids()]
        assert fiscal == sorted(fiscal)
        await pilot.press("S")
        await pilot.pause()
        fiscal = [app.catalog.get(i).fiscal for i in app.home.table.listed_ids()]
        assert fiscal == sorted(fiscal, reverse=True)
        assert "▼" in app.home.table.header_text("fiscal")


async def test_year_selector_appears_with_several_years_and_totals_follow(with_incomplete, seed_forms, make_app):
    Repository.open(with_incomplete).save(seed_forms[0].evolve(id="next-year-form", revision=0, year=2025))
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.home.query_one("#years").display
        assert app.home.table.row_count == 10 and "3,235.56" in summary_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert app.home.view.year == 2025
        assert listed_names(app) == ["研究院劳务派遣人员经费"]
        assert "2025年度 · 1张表" in summary_text(app) and "98.00" in summary_text(app)
        assert "2025年度" in app.sub_title
        await pilot.press("y")
        await pilot.pause()
        assert app.home.view.year == 2024 and "3,137.56" in summary_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert app.home.view.year is None


async def test_no_year_selector_for_one_year(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert not app.home.query_one("#years").display
        await pilot.press("y")
        await pilot.pause()
        assert app.home.view.year is None


async def test_enter_opens_the_form_in_the_editor_and_escape_ctrl_w_return(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        first = listed_names(app)[0]
        for close in ("escape", "ctrl+w"):  # q is a letter in the editor: it types
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, FormEditorScreen) and app.screen.original.name == first
            await pilot.press(close)
            await pilot.pause()
            assert app.screen is app.home


async def test_open_and_new_go_through_the_app(with_incomplete, make_app):
    """Screens ask the app to open forms (PerftuiApp.open_form / new_form), never each other."""
    opened, new = [], []
    app = make_app(with_incomplete)
    app.open_form = opened.append
    app.new_form = new.append
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("enter")
        await pilot.press("n")
        await pilot.pause()
        assert opened[0].name == listed_names(app)[0]
        assert new == [2024]  # every year shown: the year of the form under the cursor


async def test_i_jumps_to_the_incomplete_form(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("i")
        await pilot.pause()
        assert app.home.current_form.name == INCOMPLETE.name
        # Hidden by the filter: i clears the filter to reach it.
        await pilot.press("slash", *"劳务", "enter", "i")
        await pilot.pause()
        assert app.home.current_form.name == INCOMPLETE.name and app.home.view.needle == ""


async def test_help_lists_every_key_with_its_id(with_incomplete, make_app):
    from perftui.tui import keys

    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text Static").render())
        for key in keys.KEYS:
            assert key.id in text
        assert "筛选" in text and "ctrl" not in text.split("list.filter")[0].splitlines()[-1]
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is app.home
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")  # the same key closes it
        await pilot.pause()
        assert app.screen is app.home


async def test_footer_shows_the_keys_that_apply_now(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        shown = {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show and b.enabled}
        assert {"list.open", "list.filter", "list.new", "list.copy", "list.delete", "app.quit"} <= shown
        assert "list.undo" not in {b.binding.id for b in app.screen.active_bindings.values()}
        assert "list.year" not in {b.binding.id for b in app.screen.active_bindings.values()}


async def test_ctrl_q_quits(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_narrow_terminal_puts_the_summary_below_the_list(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        summary = app.home.query_one("#summary")
        table = app.home.table
        assert summary.has_class("-compact")
        assert summary.region.y > table.region.y and summary.region.width == 80
        text = summary_text(app)
        assert "3,137.56" in text and "测试未完成项目（3个错误）" in text
        # Status in words, short: the amounts and status fit in 80 columns.
        assert table.region.right <= 80
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        await pilot.pause()
        # At 120 the list keeps the whole width: the units are readable (大连高新技术产业发展研究院).
        assert summary.region.y > table.region.y and table.region.width == 120
        assert table.row_texts(0)[3] == "大连高新技术产业发展研究院"
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        await pilot.pause()
        assert not summary.has_class("-compact") and summary.region.x > table.region.x


async def test_empty_database_says_how_to_start(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        empty = app.home.query_one("#empty")
        assert empty.display and "还没有表" in str(empty.render())
        assert "0.00" in summary_text(app)
        assert not db_path.exists()  # reading creates nothing


async def test_demo_database_gets_the_seed_on_first_run(db_path, make_app):
    app = make_app(db_path, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.home.table.row_count == 8
        assert "3,127.56" in summary_text(app)
    assert len(Repository.open(db_path).forms()) == 8


async def test_keys_typed_ahead_of_the_filter_box_land_in_it(with_incomplete, make_app):
    """Over SSH ``/龙头<Enter>`` can arrive in one burst, before the box has the focus."""
    from textual import events

    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        for key, character in [("slash", "/"), ("龙", "龙"), ("头", "头"), ("enter", "\r")]:
            app.post_message(events.Key(key, character))  # no pause between keys: one burst
        await pilot.pause()
        await pilot.pause()
        assert app.home.filter_input.value == "龙头"
        assert len(listed_names(app)) == 2
        assert app.screen is app.home and isinstance(app.focused, FormTable)  # Enter kept the filter

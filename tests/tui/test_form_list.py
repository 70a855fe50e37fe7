"""The virtual form list: thousands of rows, drawn only where visible, moved by keyboard or mouse."""

from __future__ import annotations

import pytest

from benchmarks.synth import write_db
from perftui.services.repository import Repository
from perftui.tui.widgets.form_table import plan_widths

from .helpers import started, wait_for

FORMS = 2000


@pytest.fixture
def big_db(tmp_path):
    return write_db(tmp_path / "big.json", FORMS)


async def test_thousands_of_forms_scroll_and_keep_the_cursor_on_screen(big_db, make_app):
    app = make_app(big_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        table = app.home.table
        assert table.row_count == FORMS
        ids = table.listed_ids()
        await pilot.press("end")
        assert table.current_id == ids[-1]
        visible = table.scrollable_content_region.height - 1  # minus the heading
        assert table.scroll_offset.y >= FORMS - visible  # the last row is on screen
        await pilot.press("home", "pagedown")
        assert table.current_id == ids[visible]
        assert table.scroll_offset.y > 0
        await pilot.press("pageup", "up")
        assert table.current_id == ids[0] and table.scroll_offset.y == 0
        # The heading stays on line 0 whatever the scroll position.
        await pilot.press("end")
        assert "项目名称" in table.render_line(0).text


async def test_filtering_thousands_narrows_the_list(big_db, make_app):
    app = make_app(big_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        await pilot.press("slash", *"00042")  # in one form's name (and in a few hex ids)
        await wait_for(pilot, lambda: app.home.table.row_count < FORMS, what="the filtered list")
        names = [app.catalog.get(i).name for i in app.home.table.listed_ids()]
        assert 1 <= len(names) < 20
        assert sum(name.endswith("（00042）") for name in names) == 1


async def test_a_click_moves_the_cursor_and_a_second_click_opens(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        table = app.home.table
        ids = table.listed_ids()
        await pilot.click(type(table), offset=(5, 3))  # line 3: the third form
        assert table.current_id == ids[2]
        assert app.screen is app.home
        await pilot.click(type(table), offset=(5, 3))
        await pilot.pause()
        assert app.screen is not app.home


def test_name_amount_and_status_first_the_other_columns_get_the_room_left():
    seed = {"name": 34, "department": 26, "unit": 26}  # 七贤荟…服务费; 大连高新技术产业发展研究院
    for room in (40, 50, 64, 80, 100, 120, 200):
        plan = plan_widths(room, seed)
        assert sum(w + 2 for w in plan.values() if w) + 2 <= room, room
        assert plan["name"] >= 8 and plan["fiscal"] == 12 and plan["status"] >= 8, room
    narrow = plan_widths(50, seed)
    assert narrow["department"] == narrow["unit"] == narrow["indicators"] == 0
    at_80 = plan_widths(80, seed)
    assert at_80["name"] >= 28 and at_80["year"] and at_80["unit"]  # the unit cut, but there
    at_120 = plan_widths(120, seed)
    assert at_120["unit"] == 26 and at_120["name"] >= 34 and at_120["status"] == 18  # readable whole
    assert plan_widths(200, seed)["department"] == 26


async def test_on_a_file_the_list_holds_no_forms_and_opens_them_from_memory(seeded_db, make_app):
    # Ten thousand forms held whole were most of the app's memory: the entries hold what
    # the list shows, and a form is parsed from the snapshot when it is opened.
    app = make_app(seeded_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        assert app.catalog.entries and all(entry.form is None for entry in app.catalog.entries)
        stored = {form.id: form for form in Repository.open(seeded_db).forms()}
        assert app.home.current_form == stored[app.home.table.current_id]
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FormEditorScreen", what="the editor")
        assert app.screen.original == stored[app.home.table.current_id]

"""Keys sent in one burst, with no pause between them, land in order where they were typed.

A paste, type-ahead over SSH or a macro reaches the app as keys back to back:
``pilot.press`` waits for each key to be handled, so these tests post them all
at once (:func:`tests.tui.helpers.burst`). Every editable field of the editor
(text, amounts, the 指标体系 choice, the goals), the grid, the list's filter and
the dialogs; the stored form is compared field by field.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from perftui.core import taxonomy
from perftui.services.repository import Repository
from perftui.tui.dialogs.choice import UnsavedChangesScreen
from perftui.tui.editor.form_editor import FormEditorScreen
from perftui.tui.editor.indicator_grid import IndicatorGridScreen
from perftui.tui.screens.home import ProjectListScreen

from .editor_host import EditorHost
from .helpers import burst, started, wait_for

SIZE = (120, 36)
LABOUR = "研究院劳务派遣人员经费"


@pytest.fixture
def repo(db_path, seed_forms) -> Repository:
    repository = Repository.open(db_path)
    repository.import_forms(seed_forms)
    return repository


def labour(repo: Repository):
    return repo.lookup(LABOUR)[0]


async def stored_revision(pilot, repo: Repository, form_id: str, revision: int):
    await wait_for(pilot, lambda: repo.get(form_id).revision >= revision, what=f"revision {revision}")
    return repo.get(form_id)


async def test_editing_keys_and_characters_in_one_burst_over_every_field(repo):
    form = labour(repo)
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: getattr(app.focused, "name", None) == "name", what="the editor")
        burst(
            app,
            "<shift+tab>", "<shift+tab>", "<backspace>", "2025",   # 年度: selected on focus, erased, typed
            "<tab>", "<right>",                                   # 指标体系: the next choice
            "<tab>", "<end>", "（新）",                            # 项目名称: appended
            "<tab>", "<ctrl+u>", "2025年3月至2025年12月",           # 项目实施期: cleared, typed
            "<tab>", "<home>", "<delete>", "<delete>", "大连",      # 主管部门: edited at its start
            "<tab>", "<end>", "<backspace>", "<backspace>", "<backspace>", "研究院",
            "<tab>", "<home>", "1",                               # 实施期金额 98 -> 198
            "<tab>", "<ctrl+u>", "100",                           # 年度金额 98 -> 100
            "<tab>", "<backspace>", "198",                        # 实施期财政拨款
            "<tab>", "<end>", "<left>", "<left>", "1", "<end>", "<backspace>", "0",  # 年度财政拨款 98 -> 190
            "<tab>", "<tab>",                                     # 其他资金 untouched
            "<tab>", "<home>", "甲", "<left>", "<left>", "（",        # 实施期目标: typed at its start
            "<tab>", "<delete>", "乙",                              # 年度目标: its first character replaced
            "<ctrl+s>",
        )
        saved = await stored_revision(pilot, repo, form.id, form.revision + 1)
    assert saved.year == 2025
    assert saved.layout == taxonomy.GUIDELINE_2021
    assert saved.name == LABOUR + "（新）"
    assert saved.period_text == "2025年3月至2025年12月"
    assert saved.department == "大连" + form.department[2:]
    assert saved.unit == form.unit
    assert saved.period_funding.total == Decimal("198")
    assert saved.annual_funding.total == Decimal("100")
    assert saved.period_funding.fiscal == Decimal("198")
    # "98": End, ←, ← puts the cursor before 9; "1" -> "198"; End, Backspace, "0" -> "190".
    assert saved.annual_funding.fiscal == Decimal("190")
    assert saved.period_funding.other == form.period_funding.other
    assert saved.period_goal == "（甲" + form.period_goal
    assert saved.annual_goal == "乙" + form.annual_goal[1:]


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("<home>", "1"), "198"),  # the Home 1: "1" before, not instead of, the text
        (("<ctrl+u>", "100"), "100"),  # was left empty
        (("<backspace>", "44"), "44"),  # was "4"
        (("<left>", "<left>", "<delete>", "7"), "78"),
        (("5",), "5"),  # selected on focus: typing replaces
    ],
)
async def test_an_amount_tabbed_into_takes_the_keys_typed_with_the_tab(repo, keys, expected):
    form = labour(repo)
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: getattr(app.focused, "name", None) == "name", what="the editor")
        burst(app, "<tab>", "<tab>", "<tab>", "<tab>", *keys)  # to 实施期金额, and typed on at once
        field = app.screen.query_one("#field-funding-period-total")
        await wait_for(pilot, lambda: field.value == expected, what=f"the amount to read {expected}")
        await pilot.pause(0.2)
        assert field.value == expected


async def test_a_new_form_typed_in_one_burst_from_the_list(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        burst(
            app,
            "n",  # the editor opens on a new form at its 年度, the keys wait for it
            "<ctrl+u>", "2025", "<tab>", "<tab>", "一口气录入的项目",
            "<tab>", "2025年1月至2025年12月", "<tab>", "大连高新区", "<tab>", "大连高新区",
            "<tab>", "10", "<tab>", "10", "<tab>", "10", "<tab>", "10", "<tab>", "<tab>",
            "<tab>", "实施期目标", "<tab>", "年度目标", "<ctrl+s>",
        )
        repository = Repository.open(seeded_db)
        await wait_for(pilot, lambda: repository.lookup("一口气录入的项目"), what="the new form stored")
    form = repository.lookup("一口气录入的项目")[0]
    assert (form.year, form.period_text, form.department, form.unit) == (
        2025, "2025年1月至2025年12月", "大连高新区", "大连高新区"
    )
    assert form.annual_funding.fiscal == Decimal("10") and form.period_funding.total == Decimal("10")
    assert (form.period_goal, form.annual_goal) == ("实施期目标", "年度目标")


async def test_filter_open_edit_grid_row_save_in_one_burst(seeded_db, make_app):
    app = make_app(seeded_db)
    before = Repository.open(seeded_db).lookup(LABOUR)[0]
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        burst(
            app,
            "/劳务派遣", "<enter>",  # filter, back to the list
            "<enter>",  # open the editor
            "<tab>", "<tab>", "<tab>", "<tab>", "<home>", "1",  # 实施期金额 198
            "<f2>", "a", "新指标", "<tab>", "≥5人", "<enter>",  # the grid: a row typed in
            "<ctrl+w>",  # back to the editor
            "<ctrl+s>",
        )
        repository = Repository.open(seeded_db)
        after = await stored_revision(pilot, repository, before.id, before.revision + 1)
        assert isinstance(app.screen, FormEditorScreen)
    assert after.period_funding.total == Decimal("198")
    assert len(after.indicators) == len(before.indicators) + 1
    added = after.indicators[1]  # below the cursor's first row
    assert (added.level1, added.level2, added.name, added.value) == (
        before.indicators[0].level1, before.indicators[0].level2, "新指标", "≥5人"
    )


async def test_leaving_and_answering_discard_in_one_burst(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        burst(app, "<enter>", "改", "<ctrl+w>", "d", "<down>")
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectListScreen), what="back on the list")
        await wait_for(pilot, lambda: app.home.table.cursor_row == 1, what="the list's cursor moved")
    assert not Repository.open(seeded_db).lookup("改")


async def test_copy_year_prompt_and_save_in_one_burst(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        first = app.home.current_form
        burst(app, "c", "<ctrl+u>", "２０３０", "<enter>", "<ctrl+s>")
        repository = Repository.open(seeded_db)
        await wait_for(pilot, lambda: repository.forms(2030), what="the copy stored in 2030")
    (copy,) = repository.forms(2030)
    assert copy.name == first.name and copy.indicators == first.indicators


async def test_delete_question_answered_in_the_same_burst(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        first = app.home.current_form
        burst(app, "d", "y")
        repository = Repository.open(seeded_db)
        await wait_for(pilot, lambda: repository.get(first.id) is None, what="the form deleted")
        assert isinstance(app.screen, ProjectListScreen)


async def test_export_path_typed_and_written_in_one_burst(seeded_db, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(seeded_db)
    target = tmp_path / "一口气.csv"
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        burst(app, "e", "<tab>", "c", "<tab>", "<ctrl+u>", str(target), "<ctrl+s>")
        await wait_for(pilot, lambda: target.exists(), what="the export written")
    assert "研究院劳务派遣人员经费" in target.read_text(encoding="utf-8")


async def test_the_unsaved_question_takes_keys_typed_before_it_appeared(repo):
    form = labour(repo)
    app = EditorHost(lambda: FormEditorScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: getattr(app.focused, "name", None) == "name", what="the editor")
        burst(app, "<end>", "X", "<escape>", "s")  # Esc asks; s saves (and leaves)
        await wait_for(pilot, lambda: app.results, what="the editor to leave")
        assert not isinstance(app.screen, UnsavedChangesScreen)
    assert repo.get(form.id).name == LABOUR + "X"


async def test_grid_cells_edited_with_editing_keys_in_a_burst(repo):
    form = labour(repo)
    app = EditorHost(lambda: IndicatorGridScreen(repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.focused, type(app.screen.table)), what="the grid")
        burst(
            app,
            "<right>", "<enter>", "<home>", "<delete>", "约", "<enter>",  # 指标值 "≥7人" -> "约7人"
            "<down>", "<left>", "<enter>", "<end>", "<backspace>", "<backspace>", "（岗位）", "<escape>",  # cancelled
            "<ctrl+s>",
        )
        saved = await stored_revision(pilot, repo, form.id, form.revision + 1)
    assert saved.indicators[0].value == "约7人"
    assert saved.indicators[1] == form.indicators[1]


async def test_keys_typed_during_a_slow_save_apply_after_it(seeded_db, make_app, monkeypatch):
    # Over SSH "save, close, quit" arrives in one packet: the keys after ctrl+s must wait for the
    # save, not be refused while it runs ("正在保存，请稍候") and lost.
    import threading

    from perftui.tui.state.database import Database

    slow, real = threading.Event(), Database.save

    def save(self, *args, **kwargs):
        slow.wait(1.0)  # a disk that takes its time
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Database, "save", save)
    app = make_app(seeded_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        burst(app, "<enter>")
        await wait_for(pilot, lambda: isinstance(app.screen, FormEditorScreen), what="the editor")
        before = Repository.open(seeded_db).get(app.screen.original.id)
        burst(app, "<tab>", "<tab>", "<tab>", "<tab>", "<end>", "5", "<ctrl+s>", "<ctrl+w>", "<ctrl+q>")
        await wait_for(pilot, lambda: not app.is_running or isinstance(app.screen, ProjectListScreen), what="leaving")
        slow.set()
    after = Repository.open(seeded_db).get(before.id)
    assert after.revision == before.revision + 1
    assert not app.is_running  # ctrl+q after the save quit the app

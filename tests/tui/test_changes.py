"""Copying, deleting, restoring from the home screen, and the editor's messages."""

from decimal import Decimal

from perftui.core.model import Funding
from perftui.services.repository import Repository
from perftui.tui.events import DraftChanged, FormDeleted, FormSaved
from perftui.tui.dialogs.confirm import ConfirmScreen
from perftui.tui.dialogs.deleted import DeletedFormsScreen
from perftui.tui.editor.form_editor import FormEditorScreen
from perftui.tui.dialogs.year import YearPrompt
from perftui.tui.widgets.summary import TotalsLine

from .helpers import INCOMPLETE, listed_names, started, summary_text, wait_for

SIZE = (120, 36)


async def test_c_copies_the_form_into_the_year_asked(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        original = app.home.current_form
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, YearPrompt)
        assert app.screen.query_one("#year").value == "2025"  # next year by default
        await pilot.press("enter")
        await pilot.pause()
        # The editor opens on the copy; nothing is stored until ctrl+s.
        assert isinstance(app.screen, FormEditorScreen) and app.screen.original is None
        assert app.screen.query_one("#field-year").value == "2025"
        assert "复制" in str(app.screen.query_one("#editor-title").content)
        # The copy's figures already count in its year's totals, marked unsaved (shown whole on first paint).
        totals = str(app.screen.query_one(TotalsLine).render())
        assert "未保存" in totals and "2025年度 · 0张表" in totals and "98.00" in totals
        assert len(Repository.open(with_incomplete).forms()) == 9
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(app.catalog) == 10, what="copy")
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is app.home
        copy = app.home.current_form  # the cursor follows the copy
        assert copy.id != original.id and copy.year == 2025 and copy.name == original.name
        assert app.home.query_one("#years").display  # now there are two years
    stored = Repository.open(with_incomplete)
    saved = stored.get(copy.id)
    assert saved.indicators == original.indicators and saved.annual_goal == original.annual_goal
    assert saved.revision == 1 and stored.get(original.id).year == 2024
    assert [e.action for e in stored.history(copy.id)] == ["copy"]


async def test_copy_prompt_refuses_a_bad_year_and_cancels_without_esc(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("c", "ctrl+u", *"12", "enter")
        await pilot.pause()
        assert isinstance(app.screen, YearPrompt)
        assert "四位数的年份" in str(app.screen.query_one("#year-error").render())
        await pilot.press("ctrl+u", "enter")  # blank: asked for a year, not taken as "no year"
        await pilot.pause()
        assert isinstance(app.screen, YearPrompt) and "请输入年度" in str(app.screen.query_one("#year-error").render())
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is app.home
    assert len(Repository.open(with_incomplete).forms()) == 9


async def test_year_prompt_reads_what_an_ime_types(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("c", "ctrl+u", *"２０２６年度", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FormEditorScreen)
        assert app.screen.query_one("#field-year").value == "2026"


async def test_a_copy_into_the_same_year_is_renamed_and_says_so(with_incomplete, make_app):
    """An import tells forms apart by year, name and unit: a same-year copy must not share them."""
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        original = app.home.current_form
        await pilot.press("c", "ctrl+u", *"2024", "enter")
        await pilot.pause()
        assert app.screen.query_one("#field-name").value == original.name + "（副本）"
        assert "副本改名为" in str(app.screen.query_one("#editor-notes").content)


async def test_d_asks_naming_the_form_deletes_and_u_brings_it_back(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        form = app.home.current_form
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert form.name in str(app.screen.query_one("#question").render())
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert app.screen is app.home and len(app.catalog) == 9
        await pilot.press("d", "y")
        await wait_for(pilot, lambda: len(app.catalog) == 8, what="delete")
        assert form.name not in listed_names(app)
        assert "3,039.56" in summary_text(app)  # 3,137.56 - 98.00
        assert Repository.open(with_incomplete).get(form.id) is None
        await pilot.press("u")
        await wait_for(pilot, lambda: len(app.catalog) == 9, what="undo")
        assert form.name in listed_names(app) and "3,137.56" in summary_text(app)
        assert app.last_deleted is None
    assert Repository.open(with_incomplete).get(form.id) is not None


async def test_deleted_forms_list_restores_the_chosen_form(with_incomplete, make_app):
    repository = Repository.open(with_incomplete)
    gone = repository.lookup("龙头分园征迁补偿款")[0]
    repository.delete(gone)
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, DeletedFormsScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.catalog) == 9, what="restore")
        assert app.home.current_form.id == gone.id
    assert Repository.open(with_incomplete).get(gone.id) is not None


async def test_command_palette_offers_the_actions(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"倒序")
        await wait_for(pilot, lambda: "倒序" in _palette_options(app), what="palette hit")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.home.view.descending, what="action from the palette")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("ctrl+w")  # not only Esc closes it
        await pilot.pause()
        assert app.screen is app.home
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("ctrl+p")  # the key that opened it closes it
        await pilot.pause()
        assert app.screen is app.home


def _palette_options(app) -> str:
    from textual.command import CommandList

    try:
        options = app.screen.query_one(CommandList)
    except Exception:
        return ""
    return " ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))


async def test_editor_messages_update_list_and_summary(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        stored = app.catalog.entries[0].at_hand()  # 98.00
        draft = stored.evolve(annual_funding=Funding(Decimal("198"), Decimal("198"), None))
        app.post_message(DraftChanged(stored, draft))
        await pilot.pause()
        text = summary_text(app)
        assert "未保存" in text and "3,237.56" in text
        app.post_message(DraftChanged(stored, None))
        await pilot.pause()
        assert "未保存" not in summary_text(app) and "3,137.56" in summary_text(app)
        fixed = INCOMPLETE.evolve(id=app.catalog.entries[-1].id, revision=2, annual_goal="有了目标")
        app.post_message(FormSaved(fixed))
        await pilot.pause()
        assert app.catalog.get(fixed.id).errors == 2
        app.post_message(FormDeleted(fixed))
        await pilot.pause()
        assert fixed.name not in listed_names(app) and "3,127.56" in summary_text(app)
        assert "全部完整" in summary_text(app)


async def test_a_new_form_draft_counts_in_the_totals(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.post_message(DraftChanged(None, INCOMPLETE.evolve(id="new")))
        await pilot.pause()
        assert "3,147.56" in summary_text(app) and "未保存" in summary_text(app)


async def test_a_saved_form_rewrites_its_row_in_place(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("down", "down")
        here = app.home.table.current_id
        stored = app.catalog.entries[0].at_hand()
        changed = stored.evolve(revision=stored.revision + 1, annual_funding=Funding(Decimal("1234.5"), Decimal("1234.5"), None))
        app.post_message(FormSaved(changed))
        await pilot.pause()
        table = app.home.table
        assert table.row_texts(table.listed_ids().index(stored.id))[4] == "1,234.50"
        assert table.current_id == here and table.row_count == 9
        assert "4,274.06" in summary_text(app)  # 3,137.56 - 98.00 + 1,234.50

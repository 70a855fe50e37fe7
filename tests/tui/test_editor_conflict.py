"""Two operators, one form: two apps, each with its own Repository, on one database file."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perftui.services.repository import OVERWRITTEN, Repository
from perftui.tui.dialogs.conflict import ConflictScreen, conflict_text
from perftui.tui.editor.form_editor import FormEditorScreen
from tests.tui.editor_host import EditorHost
from perftui.tui.dialogs.choice import ConfirmOverwriteScreen
from perftui.tui.editor.indicator_grid import IndicatorGridScreen

SIZE = (120, 36)
LABOUR = "研究院劳务派遣人员经费"




@pytest.fixture
def two(db_path, seed_forms) -> tuple[Repository, Repository]:
    """Two operators' repositories on one file (as two processes would have)."""
    Repository.open(db_path).import_forms(seed_forms)
    return Repository.open(db_path), Repository.open(db_path)


def editor_app(repo: Repository) -> EditorHost:
    form = repo.lookup(LABOUR)[0]  # each operator opens the form from their own read
    return EditorHost(lambda: FormEditorScreen(repo, form))


async def type_over(pilot, key: str, text: str) -> None:
    pilot.app.screen.query_one("#field-" + key.replace(".", "-")).focus()
    await pilot.press("end", "ctrl+u")
    pilot.app.send_keys(text)
    await pilot.pause()


async def save(pilot) -> None:
    await pilot.press("ctrl+s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def value(app, key: str) -> str:
    return app.screen.query_one("#field-" + key.replace(".", "-")).value


async def theirs_saves_first(mine, theirs) -> None:
    """Both open the form; the other operator changes 实施单位 and saves first."""
    await type_over(theirs, "unit", "他们改的单位")
    await save(theirs)
    await type_over(mine, "funding.annual.fiscal", "100")
    await save(mine)


async def test_keep_editing_then_keep_mine_after_a_second_confirmation(two):
    mine_repo, theirs_repo = two
    mine_app, theirs_app = editor_app(mine_repo), editor_app(theirs_repo)
    async with mine_app.run_test(size=SIZE) as mine, theirs_app.run_test(size=SIZE) as theirs:
        await mine.pause()
        await theirs.pause()
        await theirs_saves_first(mine, theirs)
        dialog = mine_app.screen
        assert isinstance(dialog, ConflictScreen)
        text = str(dialog.query_one("#dialog-text").content)
        assert "实施单位：大连高新技术产业发展研究院 → 他们改的单位" in text
        assert "年度财政拨款：98 → 100" in text  # what I changed, listed too

        await mine.press("e")  # keep editing: nothing saved, nothing lost
        assert isinstance(mine_app.screen, FormEditorScreen)
        assert value(mine_app, "funding.annual.fiscal") == "100"
        stored = mine_repo.get(mine_app.screen.original.id)
        assert stored.unit == "他们改的单位" and stored.annual_funding.fiscal == Decimal("98")

        await save(mine)
        await mine.press("k")  # keep mine: asked once more
        assert isinstance(mine_app.screen, ConfirmOverwriteScreen)
        await mine.press("n")
        assert isinstance(mine_app.screen, FormEditorScreen)
        assert mine_repo.get(stored.id).revision == stored.revision

        await save(mine)
        await mine.press("k", "y")
        await mine_app.workers.wait_for_complete()
        await mine.pause()
        assert isinstance(mine_app.screen, FormEditorScreen)
        overwritten = mine_repo.get(stored.id)
        assert overwritten.annual_funding.fiscal == Decimal("100")
        assert overwritten.unit == "大连高新技术产业发展研究院"  # mine, as shown on my screen
        entry = mine_repo.history(stored.id)[-1]
        assert entry.action == OVERWRITTEN
        assert ("unit", "他们改的单位", "大连高新技术产业发展研究院") in entry.changes
        # Their version is still in the history, so nothing is lost.
        assert any(("unit", "大连高新技术产业发展研究院", "他们改的单位") in e.changes for e in mine_repo.history(stored.id))


async def test_reload_theirs_shows_their_version_and_saves_on_top_of_it(two):
    mine_repo, theirs_repo = two
    mine_app, theirs_app = editor_app(mine_repo), editor_app(theirs_repo)
    async with mine_app.run_test(size=SIZE) as mine, theirs_app.run_test(size=SIZE) as theirs:
        await mine.pause()
        await theirs.pause()
        await theirs_saves_first(mine, theirs)
        await mine.press("r")
        editor = mine_app.screen
        assert isinstance(editor, FormEditorScreen)
        assert value(mine_app, "unit") == "他们改的单位"
        assert value(mine_app, "funding.annual.fiscal") == "98"
        assert "修订 2" in str(editor.query_one("#editor-title").content)  # imported as 1, theirs is 2
        assert mine_app.messages[-1].draft is None  # my unsaved figure is withdrawn
        await type_over(mine, "funding.annual.fiscal", "100")
        await save(mine)
        stored = mine_repo.get(editor.original.id)
        assert (stored.unit, stored.annual_funding.fiscal) == ("他们改的单位", Decimal("100"))
        assert mine_repo.history(stored.id)[-1].action == "save"


async def test_a_form_deleted_meanwhile_can_be_kept_but_not_reloaded(two):
    mine_repo, theirs_repo = two
    mine_app = editor_app(mine_repo)
    async with mine_app.run_test(size=SIZE) as mine:
        await mine.pause()
        theirs_repo.delete(theirs_repo.lookup(LABOUR)[0])
        await type_over(mine, "funding.annual.fiscal", "100")
        await save(mine)
        dialog = mine_app.screen
        assert isinstance(dialog, ConflictScreen)
        assert "对方已删除这张表" in str(dialog.query_one("#dialog-text").content)
        assert not dialog.query_one("#choice-reload").display
        await mine.press("r")  # nothing to reload: ignored
        assert mine_app.screen is dialog
        await mine.press("k", "y")
        await mine_app.workers.wait_for_complete()
        await mine.pause()
        restored = mine_repo.lookup(LABOUR)
        assert len(restored) == 1 and restored[0].annual_funding.fiscal == Decimal("100")


async def test_the_grid_on_its_own_meets_conflicts_the_same_way(two):
    mine_repo, theirs_repo = two
    form = mine_repo.lookup(LABOUR)[0]
    app = EditorHost(lambda: IndicatorGridScreen(mine_repo, form))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        theirs_repo.save(theirs_repo.lookup(LABOUR)[0].evolve(unit="他们改的单位"))
        await pilot.press("d")
        await save(pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("r")
        grid = app.screen
        assert isinstance(grid, IndicatorGridScreen) and len(grid.rows) == 6
        await pilot.press("d")
        await save(pilot)
        stored = mine_repo.get(form.id)
        assert len(stored.indicators) == 5 and stored.unit == "他们改的单位"


def test_conflict_text_lists_both_sides_field_by_field(seed_forms):
    original = seed_forms[0].evolve(revision=2)
    theirs = original.evolve(revision=3, unit="他们的", updated_by="bob", updated_at="2024-05-01T09:30:00+08:00")
    mine = original.evolve(unit="我的", annual_goal="")
    text = conflict_text(original, mine, theirs)
    assert "bob于2024-05-01 09:30保存了这张表（修订 3，你打开时是修订 2）" in text
    assert "实施单位：大连高新技术产业发展研究院 → 他们的  （你也改了：我的）" in text
    assert "年度目标：" in text and "→ （空）" in text

"""The history of a form in the app: listing, a version as it was, reverting it (or not)."""

import json
from decimal import Decimal

import pytest
from textual.widgets import OptionList

from perftui.config import Actor
from perftui.core.history import HistoryEntry
from perftui.core import monitoring
from perftui.core.model import Form, Funding
from perftui.services.repository import Repository
from perftui.services.tracking import Tracking
from perftui.tui.dialogs.confirm import ConfirmScreen
from perftui.tui.screens.history import HistoryScreen, entry_texts
from perftui.tui.screens.version import VersionScreen

from .helpers import notifications, started, wait_for

SIZE = (120, 36)
NAME = "研究院劳务派遣人员经费"  # 98.00


@pytest.fixture
def edited_db(seeded_db):
    """The seed, and NAME changed twice by alice over SSH: revisions 1 (import), 2, 3."""
    alice = Repository(Repository.open(seeded_db).store, Actor("alice", "10.0.0.5"))
    form = alice.lookup(NAME)[0]
    form = alice.save(form.evolve(annual_goal="第二版目标"))
    alice.save(form.evolve(annual_funding=Funding(Decimal("120"), Decimal("120"), None)))
    return seeded_db


async def open_history(pilot):
    app = pilot.app
    await started(pilot)
    form = Repository.open(app.db_path).lookup(NAME)[0]
    assert app.home.table.select_id(form.id)
    await pilot.press("h")
    await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.entries, what="history")
    await pilot.pause()
    return app.screen


def option_text(screen, index):
    return str(screen.query_one(OptionList).get_option_at_index(index).prompt)


async def test_h_lists_the_changes_oldest_first_with_who_and_what(edited_db, make_app):
    app = make_app(edited_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        assert [entry.revision for entry in screen.entries] == [1, 2, 3]
        assert screen.query_one(OptionList).highlighted == 2  # the newest, at the bottom
        first, second, third = (option_text(screen, i) for i in range(3))
        assert "导入" in first and "修订 1" in first
        assert "alice@10.0.0.5" in second and "保存" in second and "修订 2" in second
        assert "年度目标" in second and "第二版目标" in second
        assert "年度财政拨款" in third and "98 → 120" in third  # amounts as entered
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is app.home


async def test_every_way_out_of_history_and_a_version(edited_db, make_app):
    app = make_app(edited_db)
    async with app.run_test(size=SIZE) as pilot:
        for key in ("q", "ctrl+w", "escape"):  # Esc is never the only way
            screen = await open_history(pilot)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, VersionScreen)
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is app.home


async def test_a_version_shows_what_differs_and_reverts_after_naming_form_and_revision(edited_db, make_app):
    app = make_app(edited_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        await pilot.press("up", "up", "enter")  # revision 1, as imported
        await wait_for(pilot, lambda: isinstance(app.screen, VersionScreen) and app.screen.earlier, what="version")
        version = app.screen
        assert version.revision == 1
        changed = str(version.query_one("#version-changes").render())
        assert "≠ " in changed and "年度目标" in changed and "120 → 98" in changed
        assert "98.00" in str(version.query_one("#version-text").render())  # the whole form, as it was
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#question").render())
        assert NAME in question and "修订 1" in question and "修订 3" in question
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen and len(screen.entries) == 4, what="reverted")
        assert screen.entries[-1].action == "revert" and screen.form.revision == 4
        assert "回退到修订 1" in notifications(app)
        assert app.catalog.get(screen.form.id).form.annual_funding.fiscal == Decimal("98")
    stored = Repository.open(edited_db)
    form = stored.lookup(NAME)[0]
    assert form.revision == 4 and form.annual_goal != "第二版目标"
    assert form.annual_funding.fiscal == Decimal("98")
    assert [e.action for e in stored.history(form.id)] == ["import", "save", "save", "revert"]


async def test_no_is_no_and_the_current_revision_needs_no_revert(edited_db, make_app):
    app = make_app(edited_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        await pilot.press("enter")  # revision 3: what is stored now
        await wait_for(pilot, lambda: isinstance(app.screen, VersionScreen) and app.screen.earlier, what="version")
        assert "内容相同" in str(app.screen.query_one("#version-head").render())
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, VersionScreen) and "无需回退" in notifications(app)
        await pilot.press("q", "up", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VersionScreen) and app.screen.earlier, what="version")
        await pilot.press("r", "n")
        await pilot.pause()
        assert isinstance(app.screen, VersionScreen)
        assert len(screen.entries) == 3
    assert Repository.open(edited_db).lookup(NAME)[0].revision == 3


async def test_a_revert_on_a_stale_form_is_refused(edited_db, make_app):
    app = make_app(edited_db, poll_interval=60)  # the app does not see the other change
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VersionScreen) and app.screen.earlier, what="version")
        other = Repository.open(edited_db)
        other.save(other.lookup(NAME)[0].evolve(annual_goal="别人刚改的"))
        await pilot.press("r", "y")
        await wait_for(pilot, lambda: "刚被" in notifications(app), what="the conflict message")
        assert isinstance(app.screen, VersionScreen)  # still there: nothing was changed
    form = Repository.open(edited_db).lookup(NAME)[0]
    assert form.revision == 4 and form.annual_goal == "别人刚改的"


async def test_a_revert_the_history_cannot_give_back_is_refused(edited_db, make_app):
    app = make_app(edited_db, poll_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("up", "up", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VersionScreen) and app.screen.earlier, what="version")
        # Meanwhile the entry of revision 2 is lost (a database edited by hand).
        data = json.loads(edited_db.read_text(encoding="utf-8"))
        form_id = app.screen.form.id
        data["history"] = {
            key: doc for key, doc in data["history"].items() if not (doc["form_id"] == form_id and doc["revision"] == 2)
        }
        edited_db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        await pilot.press("r", "y")
        await wait_for(pilot, lambda: "历史记录缺失" in notifications(app), what="the history message")
    assert Repository.open(edited_db).lookup(NAME)[0].revision == 3


def test_entry_texts_align_the_columns_and_name_a_form_renamed_since():
    entries = [
        HistoryEntry("1", "f", "旧名", "import", "2024-05-01T10:00:00+08:00", "bob", "", 1, (("name", "", "旧名"),)),
        HistoryEntry("2", "f", "新名", "save", "2024-05-02T10:00:00+08:00", "alice", "10.0.0.5", 2,
                     (("name", "旧名", "新名"),)),
    ]
    entries.append(HistoryEntry("3", "m", "新名（监控）", "create", "2024-05-03T10:00:00+08:00", "bob", "", 1, ()))
    first, second, third = (text.plain.splitlines()[0] for text in entry_texts(entries, Form(id="f", name="新名"), 80))
    assert "当时名为“旧名”" in first and "当时名为" not in second
    assert first.index("导入") == second.index("保存") == third.index("新建")  # aligned by display width
    assert third.endswith("新名（监控）") and "当时名为" not in third  # the record, named as stored


async def test_the_forms_monitoring_is_in_its_history_but_only_the_form_has_versions(edited_db, make_app):
    tracking = Tracking(Repository(Repository.open(edited_db).store, Actor("carol")))
    form = tracking.repository.lookup(NAME)[0]
    record = tracking.save(monitoring.for_form(form))
    tracking.save(record.evolve(goal_progress="按计划推进"))
    app = make_app(edited_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        assert [e.action for e in screen.entries] == ["import", "save", "save", "create", "save"]
        newest = option_text(screen, 4)
        assert "carol" in newest and NAME + "（监控）" in newest and "按计划推进" in newest
        await pilot.press("enter")  # on the 监控's change: no version of a form to show
        await wait_for(pilot, lambda: "只适用于绩效目标表" in notifications(app), what="the refusal")
        assert app.screen is screen
        await pilot.press("up", "up", "enter")  # the form's own revision 3 still shows
        await wait_for(pilot, lambda: isinstance(app.screen, VersionScreen) and app.screen.earlier, what="version")
        assert app.screen.revision == 3


async def test_a_change_by_someone_else_appears_in_the_open_history(edited_db, make_app):
    app = make_app(edited_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        await pilot.press("up")
        bob = Repository(Repository.open(edited_db).store, Actor("bob", "10.0.0.9"))
        bob.save(bob.lookup(NAME)[0].evolve(annual_goal="鲍勃的目标"))
        await wait_for(pilot, lambda: len(screen.entries) == 4, what="the new entry")
        assert "bob@10.0.0.9" in option_text(screen, 3) and screen.form.revision == 4
        assert screen.query_one(OptionList).highlighted == 1  # the operator's place is kept

"""Read-only sessions (--read-only, PERFTUI_READ_ONLY=1): every write key says no, in one line."""

import pytest

from perftui import cli
from perftui.services.repository import Repository
from perftui.tui import keys
from perftui.tui.dialogs.deleted import DeletedFormsScreen
from perftui.tui.screens.history import HistoryScreen
from perftui.tui.screens.version import VersionScreen

from .helpers import footer_keys, notifications, started, wait_for

SIZE = (120, 36)


@pytest.fixture
def with_deleted(seeded_db):
    """The seed with one form deleted and one saved again (so it has two revisions)."""
    repository = Repository.open(seeded_db)
    repository.delete(repository.lookup("龙头分园征迁补偿款")[0])
    form = repository.lookup("研究院劳务派遣人员经费")[0]
    repository.save(form.evolve(annual_goal="改过的目标"))
    return seeded_db


def refusals(app) -> int:
    return notifications(app).count("只读模式")


@pytest.mark.parametrize("key", ["n", "c", "d", "u"])
async def test_each_write_key_on_the_list_is_refused_with_a_message(with_deleted, make_app, key):
    before = with_deleted.read_bytes()
    app = make_app(with_deleted, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert "只读" in app.sub_title
        await pilot.press(key)
        await pilot.pause()
        assert app.screen is app.home  # no dialog: refused before asking anything
        assert refusals(app) == 1
        assert f"“{keys.label(_id_of(key))}”" in notifications(app)
    assert with_deleted.read_bytes() == before


def _id_of(key: str) -> str:
    return next(k.id for k in keys.KEYS if k.keys == key and k.scope == keys.LIST)


async def test_restoring_a_deleted_form_is_refused(with_deleted, make_app):
    before = with_deleted.read_bytes()
    app = make_app(with_deleted, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("D")  # looking is allowed
        await pilot.pause()
        assert isinstance(app.screen, DeletedFormsScreen)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert refusals(app) == 1 and len(app.catalog) == 7
    assert with_deleted.read_bytes() == before


async def test_reverting_from_the_history_is_refused_before_asking(with_deleted, make_app):
    before = with_deleted.read_bytes()
    app = make_app(with_deleted, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.home.table.select_id(Repository.open(with_deleted).lookup("研究院劳务派遣人员经费")[0].id)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.entries, what="history")
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VersionScreen) and app.screen.earlier, what="version")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, VersionScreen) and refusals(app) == 1
    assert with_deleted.read_bytes() == before


async def test_write_keys_are_out_of_the_footer_and_the_palette(with_deleted, make_app):
    app = make_app(with_deleted, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: "list.filter" in footer_keys(app), what="the footer")
        shown = set(footer_keys(app))
        assert "list.filter" in shown and not shown & keys.WRITES
        assert {"list.new", "list.delete"} <= {b.binding.id for b in app.screen.active_bindings.values()}  # still bound
        offered = {key.id for key in app.actions_here(app.screen)}
        assert "list.history" in offered and not offered & keys.WRITES


@pytest.mark.parametrize(
    "argv, env", [(["--read-only"], {}), ([], {"PERFTUI_READ_ONLY": "1"})], ids=["option", "environment"]
)
def test_the_command_line_opens_the_app_read_only(argv, env, monkeypatch, db_path):
    import perftui.tui

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    opened = {}
    monkeypatch.setattr(perftui.tui, "run", lambda path, **options: opened.update(options, path=path) or 0)
    monkeypatch.setattr("perftui.cli.parser.has_terminal", lambda: True)  # as from a terminal
    assert cli.main(["--db", str(db_path), *argv]) == 0
    assert opened["read_only"] is True and opened["path"] == db_path


async def test_restoring_a_backup_is_refused(db_path, seed_forms, make_app):
    from perftui.tui.dialogs.backups import BackupsScreen
    from perftui.tui.screens.error import ErrorScreen

    Repository.open(db_path).import_forms(seed_forms)  # the "created" backup
    db_path.write_text("not json", encoding="utf-8")
    app = make_app(db_path, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("b")  # looking at the backups is allowed
        await wait_for(pilot, lambda: isinstance(app.screen, BackupsScreen) and app.screen.infos, what="backups")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen) and refusals(app) == 1
    assert db_path.read_text(encoding="utf-8") == "not json"


async def test_the_monitoring_screens_save_key_is_out_of_the_footer_but_answers(with_deleted, make_app):
    from perftui.tui.tracking.monitoring_screen import MonitoringScreen

    before = with_deleted.read_bytes()
    app = make_app(with_deleted, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MonitoringScreen) and "track.leave" in footer_keys(app),
                       what="the 监控 screen's footer")
        assert "track.save" not in footer_keys(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: refusals(app) == 1, what="the refusal")
        assert isinstance(app.screen, MonitoringScreen)
    assert with_deleted.read_bytes() == before


async def test_leaving_unsaved_edits_offers_no_save(with_deleted, make_app):
    from textual.widgets import Button

    from perftui.tui.dialogs.choice import UnsavedChangesScreen
    from perftui.tui.editor.form_editor import FormEditorScreen

    before = with_deleted.read_bytes()
    app = make_app(with_deleted, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FormEditorScreen), what="the editor")
        await pilot.press("tab", "x", "ctrl+w")
        await wait_for(pilot, lambda: isinstance(app.screen, UnsavedChangesScreen), what="the question")
        dialog = app.screen
        assert [str(b.id) for b in dialog.query(Button)] == ["choice-discard", "choice-stay"]
        assert "只读模式不能保存" in str(dialog.query_one("#dialog-text").render())
        await pilot.press("s")  # the save key answers nothing here
        await pilot.pause()
        assert app.screen is dialog
        await pilot.press("d")
        await wait_for(pilot, lambda: app.screen is app.home, what="back in the list")
    assert with_deleted.read_bytes() == before

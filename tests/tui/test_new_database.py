"""The app on a database file that does not exist asks before creating it (a mistyped --db is not
an empty database), and never creates a folder without saying so."""

from __future__ import annotations

from perftui.services.repository import Repository
from perftui.tui.dialogs.confirm import ConfirmScreen
from perftui.tui.screens.error import ErrorScreen
from perftui.tui.screens.home import ProjectListScreen

from .helpers import burst, started, wait_for

SIZE = (100, 30)


def question(app) -> str:
    return str(app.screen.query_one("#question").render())


async def test_no_quits_and_creates_nothing(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        assert str(db_path) in question(app) and "不存在" in question(app)
        burst(app, "n")
        await wait_for(pilot, lambda: app.return_code is not None, what="quitting")
    assert app.return_code == 1 and not db_path.exists()


async def test_yes_goes_on_to_an_empty_list_and_the_first_save_creates_it(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        burst(app, "y")
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectListScreen), what="the list")
        burst(app, "n", "<ctrl+u>", "2025", "<tab>", "<tab>", "第一张表", "<ctrl+s>")
        await wait_for(pilot, lambda: db_path.exists() and Repository.open(db_path).lookup("第一张表"),
                       what="the first form saved")


async def test_a_missing_folder_is_named_and_created_only_when_asked(tmp_path, make_app):
    db = tmp_path / "new-folder" / "forms.json"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        assert "new-folder" in question(app) and "文件夹" in question(app)
        assert not db.parent.exists()
        burst(app, "y")
        await wait_for(pilot, lambda: db.parent.is_dir(), what="the folder")


async def test_read_only_cannot_create_and_says_so(db_path, make_app):
    app = make_app(db_path, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen), what="the error")
        assert "不存在" in str(app.screen.query_one("#error-message").render())
    assert not db_path.exists()

"""Long work in the app shows a progress bar while it runs: an export, an import."""

from __future__ import annotations

import threading

from perftui.services.repository import Repository
from perftui.tui.dialogs.confirm import ConfirmScreen
from perftui.tui.dialogs.export import ExportDialog
from perftui.tui.dialogs.import_files import ImportScreen
from perftui.tui.state.database import Database
from perftui.tui.widgets.work_bar import WorkBar

from .helpers import burst, notifications, started, wait_for
from .test_import_screen import folder_with_files, preview_text

SIZE = (120, 36)


def bar_label(screen) -> str:
    bar = screen.query_one(WorkBar)
    return str(bar.query_one(".work-label").render()) if bar.display else ""


async def test_an_export_shows_a_progress_bar_until_it_is_written(seeded_db, make_app, tmp_path, monkeypatch):
    import perftui.export as export

    monkeypatch.chdir(tmp_path)
    release = threading.Event()
    render = export.export_bytes

    def slow(*args, **kwargs):  # an xlsx of ten thousand forms, say
        release.wait(10)
        return render(*args, **kwargs)

    monkeypatch.setattr(export, "export_bytes", slow)
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        burst(app, "e", "<ctrl+s>")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog) and bar_label(app.screen),
                       what="the progress bar")
        assert "正在导出 8 张表" in bar_label(app.screen)
        release.set()
        await wait_for(pilot, lambda: "已导出" in notifications(app), what="the export")
    assert list(tmp_path.glob("perftui-summary*.txt"))


async def test_an_import_shows_a_progress_bar_until_it_is_stored(seeded_db, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(folder_with_files(tmp_path))
    release = threading.Event()
    store = Database.import_forms

    def slow(self, *args, **kwargs):  # a shared database on a slow disk
        release.wait(10)
        return store(self, *args, **kwargs)

    monkeypatch.setattr(Database, "import_forms", slow)
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), what="the import screen")
        screen = app.screen
        tree = screen.query_one("#import-tree")
        await wait_for(pilot, lambda: len(tree.root.children) == 2, what="the folder's files")
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: "社区养老服务补助" in preview_text(screen), what="the preview")
        assert not bar_label(screen)  # read: the bar is gone
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: bar_label(screen), what="the progress bar")
        assert "正在导入 b-养老.docx（1 份）" in bar_label(screen)
        release.set()
        await wait_for(pilot, lambda: "已导入" in notifications(app), what="the import")
    assert len(Repository.open(seeded_db).forms()) == 9

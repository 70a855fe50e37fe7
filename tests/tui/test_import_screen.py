"""The import screen from the list: a folder tree, a preview, an import on confirmation (Pilot)."""

from __future__ import annotations

from perftui.services.repository import Repository
from perftui.tui.dialogs.confirm import ConfirmScreen
from perftui.tui.dialogs.import_files import ImportScreen
from perftui.tui.screens.help import help_text
from tests.importing import builders
from tests.importing.test_layout_families import TEMPLATE_2015

from .helpers import notifications, started, wait_for

SIZE = (120, 36)


def folder_with_files(tmp_path):
    folder = tmp_path / "来件"
    folder.mkdir()
    (folder / "a-无年度.txt").write_text(TEMPLATE_2015.replace("（2019年度）\n", ""), encoding="utf-8")
    builders.write_docx(TEMPLATE_2015, folder / "b-养老.docx")
    (folder / "c-说明.png").write_bytes(b"\x89PNG")  # not importable: not listed
    return folder


async def open_import(pilot) -> None:
    """From the app's start: shift+i on the list."""
    await started(pilot)
    await pilot.press("I")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ImportScreen), what="the import screen")


def preview_text(screen) -> str:
    return str(screen.query_one("#import-preview").render())


async def test_shift_i_previews_a_file_and_imports_it_after_a_question(seeded_db, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(folder_with_files(tmp_path))
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot)
        screen = app.screen
        tree = screen.query_one("#import-tree")
        await wait_for(pilot, lambda: len(tree.root.children) == 2, what="the folder's files")
        await pilot.press("down")  # the first file: no year in it
        await wait_for(pilot, lambda: "不导入" in preview_text(screen), what="the refusal")
        assert "没有年度" in preview_text(screen) and "--year" in preview_text(screen)
        await pilot.press("down")  # the Word file
        await wait_for(pilot, lambda: "社区养老服务补助" in preview_text(screen), what="the preview")
        assert "绩效指标 8 条" in preview_text(screen)
        assert "年度金额 120.00，其中财政拨款 100.00，其他资金 20.00" in preview_text(screen)
        assert Repository.open(seeded_db).forms().__len__() == 8  # nothing written yet
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is app.home and "已导入" in notifications(app), what="the import")
        await wait_for(pilot, lambda: len(app.catalog.entries) == 9, what="the list to show it")
    names = [form.name for form in Repository.open(seeded_db).forms()]
    assert "社区养老服务补助" in names and len(names) == 9


async def test_a_year_typed_in_the_box_lets_a_yearless_file_in(seeded_db, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(folder_with_files(tmp_path))
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        # Keys sent without pauses: the tree reads the folder and the preview reads the file in workers.
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen), what="the import screen")
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.query_one("#import-tree").root.children) == 2, what="the files")
        await pilot.press("down", "tab", *"2020")
        await wait_for(pilot, lambda: "[2020]" in preview_text(screen), what="the preview with the year")
        assert "取自 --year" in preview_text(screen)
        await pilot.press("ctrl+s", "y")
        await wait_for(pilot, lambda: app.screen is app.home and "已导入" in notifications(app), what="the import")
    (form,) = [f for f in Repository.open(seeded_db).forms() if f.name == "社区养老服务补助"]
    assert form.year == 2020


async def test_files_elsewhere_are_reached_by_backspace_or_by_typing_their_folder(seeded_db, make_app, tmp_path, monkeypatch):
    folder = folder_with_files(tmp_path)
    started_in = tmp_path / "工作" / "子目录"
    started_in.mkdir(parents=True)
    monkeypatch.chdir(started_in)
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot)
        screen = app.screen
        tree = screen.query_one("#import-tree")
        await pilot.press("backspace", "backspace")  # up twice: tmp_path, where 来件 is
        await wait_for(pilot, lambda: screen.folder == tmp_path, what="two folders up")
        assert str(tree.path) == str(tmp_path)
        # A folder typed in the box, then keys for the tree in the same burst.
        await pilot.press("shift+tab", "ctrl+u", *str(folder), "enter", "down", "down")
        await wait_for(pilot, lambda: "社区养老服务补助" in preview_text(screen), what="the Word file's preview")
        assert screen.folder == folder
        await pilot.press("shift+tab", "ctrl+u", *"没有的地方", "enter")
        await wait_for(pilot, lambda: "没有这个文件夹或文件" in str(screen.query_one("#import-status").render()), what="one line")
        assert screen.folder == folder
        # A file typed, from another folder: its folder shown, the file previewed.
        await pilot.press("tab", "backspace")
        await wait_for(pilot, lambda: screen.folder == tmp_path, what="a folder up")
        await pilot.press("shift+tab", "ctrl+u", *str(folder / "a-无年度.txt"), "enter")
        await wait_for(pilot, lambda: "没有年度" in preview_text(screen), what="the typed file's preview")
        assert screen.folder == folder


async def test_nothing_is_imported_when_cancelled_or_nothing_is_chosen(seeded_db, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(folder_with_files(tmp_path))
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot)
        await pilot.press("ctrl+s")  # nothing chosen yet
        await pilot.pause()
        assert "请先选择" in str(app.screen.query_one("#import-status").render())
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: app.screen is app.home, what="the list")
    assert len(Repository.open(seeded_db).forms()) == 8


async def test_read_only_refuses_the_import_screen(seeded_db, make_app):
    app = make_app(seeded_db, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("I")
        await pilot.pause()
        assert app.screen is app.home and not isinstance(app.screen, ImportScreen)


def test_the_import_keys_are_in_the_help():
    text = help_text({}).plain
    for key_id in ("list.import", "import.run", "import.cancel", "import.escape", "import.parent"):
        assert key_id in text

"""The TUI export dialog, driven through Textual's Pilot in a tiny host app."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Button, Input, Static

from perftui.tui.widgets.check_field import CheckField
from perftui.tui.widgets.choice_field import ChoiceField

from perftui import export
from perftui.tui.dialogs.export import ExportDialog, ExportDone


class Host(App[None]):
    """Pushes the dialog and keeps what it was dismissed with."""

    def __init__(self, dialog: ExportDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[ExportDone | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


async def settle(pilot, app, until=lambda: True, tries=100):
    """Let workers and messages finish (the write happens in a thread)."""
    for _ in range(tries):
        await pilot.pause(0.02)
        if until():
            return
    raise AssertionError("the dialog did not finish")


@pytest.fixture
def host(sample_forms, tmp_path):
    def make(current=None, **options):
        return Host(ExportDialog(sample_forms, current, folder=tmp_path, **options))

    return make


async def test_exports_the_summary_to_the_proposed_file_in_a_worker(host, tmp_path):
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        path = app.screen.query_one("#export-path", Input).value
        assert path == str(tmp_path / "perftui-summary-2024.txt")
        await pilot.press("ctrl+s")
        await settle(pilot, app, lambda: app.results)
    done = app.results[0]
    assert done == ExportDone("summary", "simple", 8, path=tmp_path / "perftui-summary-2024.txt")
    assert "3,127.56" in done.path.read_text(encoding="utf-8")
    assert str(done.path) in done.message()


async def test_this_form_as_xlsx(host, sample_forms, tmp_path):
    app = host(current=sample_forms[5])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#export-what", ChoiceField).value = "form"
        screen.query_one("#export-format", ChoiceField).value = "xlsx"
        await pilot.pause()
        assert screen.query_one("#export-path", Input).value.endswith(f"perftui-form-{sample_forms[5].id}-2024.xlsx")
        assert screen.query_one("#export-copy", Button).disabled  # xlsx cannot be copied as text
        await pilot.click("#export-save")
        await settle(pilot, app, lambda: app.results)
    done = app.results[0]
    assert done.kind == "form" and done.forms == 1 and done.path.read_bytes()[:2] == b"PK"


async def test_a_typed_path_is_kept_when_the_format_changes(host, tmp_path):
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#export-path", Input).value = "mine.csv"
        screen.query_one("#export-format", ChoiceField).value = "csv"
        await pilot.pause()
        assert screen.query_one("#export-path", Input).value == "mine.csv"
        await pilot.press("ctrl+s")
        await settle(pilot, app, lambda: app.results)
    assert (tmp_path / "mine.csv").read_text(encoding="utf-8").startswith("项目名称,年度")


async def test_an_existing_file_is_not_replaced_unless_overwrite_is_ticked(host, tmp_path):
    target = tmp_path / "perftui-summary-2024.txt"
    target.write_text("precious", encoding="utf-8")
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        status = app.screen.query_one("#export-status", Static)
        await pilot.press("ctrl+s")
        await settle(pilot, app, lambda: "已存在" in str(status.render()))
        assert target.read_text(encoding="utf-8") == "precious" and not app.results
        app.screen.query_one("#export-force", CheckField).value = True
        await pilot.press("ctrl+s")
        await settle(pilot, app, lambda: app.results)
    assert "3,127.56" in target.read_text(encoding="utf-8")


async def test_copy_sends_the_plain_text_table_to_the_clipboard(host, sample_forms):
    app = host(current=sample_forms[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#export-what", ChoiceField).value = "indicators"
        app.screen.query_one("#export-format", ChoiceField).value = "rounded_grid"
        await pilot.pause()
        await pilot.press("ctrl+y")
        await settle(pilot, app, lambda: app.results)
    assert app.results == [ExportDone("indicators", "rounded_grid", 1, copied=True)]
    expected = export.render("indicators", sample_forms[:1], export.Options("rounded_grid"))
    assert app.clipboard == expected and app.clipboard.startswith("╭")


@pytest.mark.parametrize("key", ["ctrl+w", "escape"])
async def test_cancel_without_esc_too(host, tmp_path, key):
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await settle(pilot, app, lambda: app.results)
    assert app.results == [None]
    assert list(tmp_path.iterdir()) == []


async def test_the_dialog_fits_an_80_by_24_terminal(host):
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#export-box")
        assert box.region.height <= 24 and box.region.width <= 80
        for button in app.screen.query(Button):
            assert button.region.bottom <= 24 and button.region.right <= 80


async def test_a_choice_seen_after_the_path_box_was_emptied_leaves_it_to_the_operator(host, tmp_path):
    # In a burst (x, Tab, ctrl+u, a path), the format's change reaches the dialog after the
    # box was emptied: proposing a name then would put the typed path in front of it.
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        box = screen.query_one("#export-path", Input)
        box.focus()
        await pilot.pause()
        box.value = ""  # ctrl+u
        screen.query_one("#export-format", ChoiceField).value = "csv"
        await pilot.pause()
        assert box.value == ""
        box.blur()
        await pilot.pause()
        screen.query_one("#export-format", ChoiceField).value = "json"  # left empty, out of the box: proposed again
        await pilot.pause()
        assert box.value == str(tmp_path / "perftui-summary-2024.json")

"""The export dialog opened from the list: what it covers, its keys in the one key table."""

from perftui.config import Settings
from perftui.tui import keys
from perftui.tui.dialogs.export import ExportDialog
from perftui.tui.screens.help import help_text

from .helpers import notifications, started, wait_for

SIZE = (120, 36)


async def test_e_exports_the_listed_forms_and_says_where(seeded_db, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the dialog proposes a file in the working folder
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("down", "down")
        current = app.home.current_form
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert len(dialog.forms) == 8 and dialog.current == current
        await pilot.press("ctrl+s")
        written = tmp_path / "perftui-summary-2024.txt"
        # The notice follows the dialog's closing: under load it can come a frame later.
        await wait_for(
            pilot, lambda: app.screen is app.home and str(written) in notifications(app), what="the export's notice"
        )
    assert "3,127.56" in written.read_text(encoding="utf-8")


async def test_e_covers_only_what_the_filter_shows(seeded_db, make_app, tmp_path):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("slash", *"劳务", "enter", "e")
        await pilot.pause()
        assert [f.name for f in app.screen.forms] == ["研究院劳务派遣人员经费"]
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert app.screen is app.home and "已导出" not in notifications(app)


async def test_export_keys_are_remappable_and_listed(seeded_db, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(seeded_db, settings=Settings(keys={"export.save": "ctrl+o", "list.export": "x"}))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        assert "^o" in str(app.screen.query_one("#export-save").label)  # the button names the key in use
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.screen is app.home, what="the export")
    assert (tmp_path / "perftui-summary-2024.txt").exists()
    text = help_text({}).plain
    for key_id in ("export.save", "export.copy", "export.cancel", "export.escape", "list.export"):
        assert key_id in text
    assert {"export.save", "export.copy", "export.cancel"} <= {k.id for k in keys.KEYS if k.palette}


async def test_the_palette_on_the_dialog_offers_its_actions_in_english_too(seeded_db, make_app):
    from perftui import i18n

    i18n.set_locale("en")
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("e")
        await pilot.pause()
        commands = {name: shown for name, shown, _run in _palette_commands(app)}
        assert commands["Export to file"] == "^s" and commands["Copy to clipboard"] == "^y"
        bindings = {b.binding.id: b.binding.description for b in app.screen.active_bindings.values()}
        assert bindings["export.save"] == "Export to file"  # translated, not the msgid


def _palette_commands(app):
    from perftui.tui.commands import ActionCommands

    provider = ActionCommands(app.screen)
    return provider._commands()

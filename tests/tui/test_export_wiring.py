"""The export dialog opened from the list: what it covers, its keys in the one key table."""

import pytest

from perftui.config import Settings
from perftui.tui import keys
from perftui.tui.dialogs.export import ExportDialog
from perftui.tui.screens.help import help_text

from .helpers import burst, footer_keys, notifications, started, wait_for

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
        # The footer draws the bindings' msgids in the operator's language.
        await wait_for(pilot, lambda: footer_keys(app).get("list.open") == "Open", what="the English footer")
        await pilot.press("e")
        await pilot.pause()
        commands = {name: shown for name, shown, _run in _palette_commands(app)}
        assert commands["Export to file"] == "^s" and commands["Copy to clipboard"] == "^y"


def _palette_commands(app):
    from perftui.tui.commands import ActionCommands

    provider = ActionCommands(app.screen)
    return provider._commands()


# -- the 监控 and 自评 tables, as the CLI exports them -------------------------------------------

LABOUR = "研究院劳务派遣人员经费"


def _with_records(db_path):
    """The seed with a 监控 and a 自评 for 研究院劳务派遣人员经费 (the CLI tests' worked example)."""
    from decimal import Decimal as D

    from perftui.core import evaluation, monitoring
    from perftui.core.execution import Spending
    from perftui.services.repository import Repository
    from perftui.services.tracking import Tracking

    repository = Repository.open(db_path)
    form = repository.lookup(LABOUR)[0]
    record = evaluation.for_form(form)
    spent = Spending(D(98), D(98), D(95))
    actuals = ("7人", "95%", "90%", "1年", "优秀", "95%")
    Tracking(repository).save(
        record.evolve(
            execution=record.execution.with_row("total", spent).with_row("fiscal", spent),
            rows=tuple(row.evolve(actual=actual) for row, actual in zip(record.rows, actuals)),
            goal_actual="全部完成",
        )
    )
    record = monitoring.for_form(form)
    Tracking(repository).save(
        record.evolve(
            execution=record.execution.with_row("total", Spending(initial=D(98), spent=D(60))),
            rows=tuple(row.evolve(progress="按计划", likelihood="确定能") for row in record.rows),
        )
    )


def _cli_export(db_path, *argv) -> None:
    import contextlib
    import io

    from perftui.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--db", str(db_path), "export", *argv]) == 0


@pytest.mark.parametrize(
    "choice, kind, fmt_keys, fmt",
    [("4", "monitoring", ["c"], "csv"), ("5", "evaluation", ["j"], "json"), ("5", "evaluation", [], "simple")],
)
async def test_the_dialog_exports_a_forms_monitoring_and_evaluation_as_the_cli_does(
    seeded_db, make_app, tmp_path, choice, kind, fmt_keys, fmt
):
    _with_records(seeded_db)
    app = make_app(seeded_db)
    mine, theirs = tmp_path / f"dialog.{fmt}", tmp_path / f"cli.{fmt}"
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        # One burst, no pauses: filter to the form, open the dialog, choose what and the format, name the file, save.
        burst(app, "/", "劳务", "<enter>", "e", choice, "<tab>", *fmt_keys, "<tab>", "<ctrl+u>", str(mine), "<ctrl+s>")
        # The notice follows the dialog's closing: under load it can come a frame later.
        await wait_for(pilot, lambda: f"已导出 1 张表到 {mine}" in notifications(app), what="the export's notice")
    _cli_export(seeded_db, kind, LABOUR, "--format", fmt, "-o", str(theirs))
    assert mine.read_bytes() == theirs.read_bytes()
    assert LABOUR in mine.read_text(encoding="utf-8")


async def test_a_form_without_a_monitoring_says_so_and_writes_nothing(seeded_db, make_app, tmp_path):
    app = make_app(seeded_db)  # the seed has no 监控 or 自评
    target = tmp_path / "nothing.txt"
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        burst(app, "e", "4", "<tab>", "<tab>", "<ctrl+u>", str(target), "<ctrl+s>")


        def said() -> str:
            return str(app.screen.query_one("#export-status").content) if isinstance(app.screen, ExportDialog) else ""

        await wait_for(pilot, lambda: "还没有填写绩效运行监控表" in said(), what="the reason")
        assert isinstance(app.screen, ExportDialog)  # still open: another choice can be made
    assert not target.exists()


async def test_the_record_kinds_propose_their_own_file_name(seeded_db, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(seeded_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("e", "5")
        current = app.screen.current
        path = app.screen.query_one("#export-path").value
        assert path == str(tmp_path / f"perftui-evaluation-{current.id}-{current.year}.txt")

"""80x24 without colour (NO_COLOR): what an operator on a Linux console or a VT100 sees.

The cursor row is in reverse video, chosen options are marked by characters
((•), [x]), and notifications sit at the top, where they cover no figures.
Update with ``pytest tests/tui/test_plain_snapshots.py --snapshot-update``
after looking at the new pictures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from perftui.config import Actor
from perftui.services.repository import Repository
from perftui.tui.dialogs.export import ExportDialog
from perftui.tui.editor.form_editor import FormEditorScreen
from perftui.tui.editor.indicator_grid import IndicatorGridScreen
from perftui.tui.terminal import plain_terminal

from .helpers import INCOMPLETE, burst, started, wait_for

SIZE = (80, 24)


@pytest.fixture
def plain_app(tmp_path, monkeypatch, seed_forms, make_app):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    # Fixed ids, times and operator: the pictures are the same on every machine.
    import perftui.services.repository as repository_module

    monkeypatch.setattr(repository_module, "_now", lambda: "2024-03-05T10:20:30+08:00")
    repository = Repository(Repository.open(tmp_path / "forms.json").store, Actor("operator"))
    repository.import_forms([form.evolve(id=f"{n:012d}") for n, form in enumerate(seed_forms, start=2)], keep_ids=True)
    repository.save(INCOMPLETE.evolve(id="000000000001"))
    return make_app(Path("forms.json"))


async def _still(pilot) -> None:
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def test_plain_terminals_are_recognised():
    assert plain_terminal("linux", False) and plain_terminal("vt100", False) and plain_terminal("xterm", True)
    assert not plain_terminal("xterm-256color", False)


def test_the_list(plain_app, snap_compare):
    async def run_before(pilot):
        await started(pilot)
        burst(pilot.app, "<down>", "<down>")  # the cursor off the first row: it must show by itself
        await pilot.pause(0.2)
        await _still(pilot)

    assert snap_compare(plain_app, terminal_size=SIZE, run_before=run_before)


def test_a_notification_covers_no_figure(plain_app, snap_compare):
    async def run_before(pilot):
        await started(pilot)
        pilot.app.notify("已保存“研究院劳务派遣人员经费”（修订 2）")
        await pilot.pause(0.3)
        await _still(pilot)

    assert snap_compare(plain_app, terminal_size=SIZE, run_before=run_before)


def test_the_editor_marks_its_choice(plain_app, snap_compare):
    async def run_before(pilot):
        await started(pilot)
        burst(pilot.app, "<enter>", "<shift+tab>")  # 指标体系, focused
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormEditorScreen)
                       and getattr(pilot.app.focused, "name", None) == "layout", what="the editor")
        await _still(pilot)

    assert snap_compare(plain_app, terminal_size=SIZE, run_before=run_before)


def test_the_grid_cursor(plain_app, snap_compare):
    async def run_before(pilot):
        await started(pilot)
        burst(pilot.app, "<f2>", "<down>", "<right>")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, IndicatorGridScreen)
                       and pilot.app.screen.table.cursor_row == 1, what="the grid")
        await _still(pilot)

    assert snap_compare(plain_app, terminal_size=SIZE, run_before=run_before)


def test_the_export_dialog_marks_its_choices(plain_app, snap_compare):
    async def run_before(pilot):
        await started(pilot)
        # This form's table as xlsx, to a file named here (the proposed one names a random id and folder).
        burst(pilot.app, "e", "<down>", "<tab>", "x", "<tab>", "<ctrl+u>", "out.xlsx", "<tab>", "<space>")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportDialog)
                       and pilot.app.screen.query_one("#export-force").value, what="the dialog")
        await _still(pilot)

    assert snap_compare(plain_app, terminal_size=SIZE, run_before=run_before)

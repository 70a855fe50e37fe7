"""What the form editor looks like, at 80x24 (the smallest terminal we support) and 120x36."""

from __future__ import annotations

import pytest

from perftui.services.repository import Repository
from perftui.tui.dialogs.conflict import ConflictScreen
from perftui.tui.editor.form_editor import FormEditorScreen
from tests.tui.editor_host import EditorHost
from tests.tui.helpers import wait_for


@pytest.fixture
def labour(seed_forms):
    """The seed form with fixed id and stamps, so the screen is the same every run."""
    form = next(f for f in seed_forms if f.name == "研究院劳务派遣人员经费")
    return form.evolve(id="0123456789ab", revision=3, updated_at="2024-03-01T09:30:00+08:00", updated_by="operator")


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_editor(snap_compare, db_path, labour, size):
    repo = Repository.open(db_path)
    assert snap_compare(EditorHost(lambda: FormEditorScreen(repo, labour)), terminal_size=size)


def test_editor_with_a_bad_amount_and_a_mismatch(snap_compare, db_path, labour):
    repo = Repository.open(db_path)

    async def type_bad_amounts(pilot):
        pilot.app.screen.query_one("#field-funding-annual-fiscal").focus()
        await pilot.pause()
        pilot.app.send_keys("100")
        pilot.app.screen.query_one("#field-funding-period-other").focus()
        await pilot.pause()
        pilot.app.send_keys("9a8")
        # The findings are checked after a pause in typing: wait for them, not for a fixed time.
        await wait_for(pilot, lambda: "1个错误" in str(pilot.app.screen.query_one("#editor-status").content), what="the check")
        await pilot.pause()

    app = EditorHost(lambda: FormEditorScreen(repo, labour))
    assert snap_compare(app, terminal_size=(80, 24), run_before=type_bad_amounts)


def test_conflict_dialog(snap_compare, db_path, labour):
    repo = Repository.open(db_path)
    theirs = labour.evolve(revision=4, unit="另一个实施单位", updated_by="bob", updated_at="2024-03-01T10:05:00+08:00")
    mine = labour.evolve(annual_funding=labour.annual_funding.__class__(labour.annual_funding.total, None, None))

    async def conflict(pilot):
        pilot.app.push_screen(ConflictScreen(labour, mine, theirs))
        await pilot.pause()

    app = EditorHost(lambda: FormEditorScreen(repo, labour))
    assert snap_compare(app, terminal_size=(80, 24), run_before=conflict)

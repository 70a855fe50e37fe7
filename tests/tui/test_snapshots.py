"""What the home screen looks like, at the smallest supported terminal and a common one.

The database path is relative (the test runs in its folder) so the header is
the same on every machine. Update with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` after checking the new pictures by eye.
"""

from pathlib import Path

import pytest
from textual.widgets import Input

from perftui.services.repository import Repository

from .helpers import INCOMPLETE, started


@pytest.fixture
def home_app(tmp_path, monkeypatch, seed_forms, make_app):
    monkeypatch.chdir(tmp_path)
    repository = Repository.open(tmp_path / "forms.json")
    repository.import_forms(seed_forms)
    repository.save(INCOMPLETE.evolve(id="000000000001"))
    return make_app(Path("forms.json"))


async def _ready(pilot) -> None:
    await started(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def test_home_at_80x24(home_app, snap_compare):
    assert snap_compare(home_app, terminal_size=(80, 24), run_before=_ready)


def test_home_at_120x36(home_app, snap_compare):
    assert snap_compare(home_app, terminal_size=(120, 36), run_before=_ready)

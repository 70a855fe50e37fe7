"""What the indicator grid looks like, at 80x24 and 120x36, and with a 二级 being chosen."""

from __future__ import annotations

import pytest

from perftui.services.repository import Repository
from tests.tui.editor_host import EditorHost
from perftui.tui.editor.indicator_grid import IndicatorGridScreen


@pytest.fixture
def labour(seed_forms):
    form = next(f for f in seed_forms if f.name == "研究院劳务派遣人员经费")
    return form.evolve(id="0123456789ab", revision=3, updated_at="2024-03-01T09:30:00+08:00", updated_by="operator")


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_grid(snap_compare, db_path, labour, size):
    repo = Repository.open(db_path)
    assert snap_compare(EditorHost(lambda: IndicatorGridScreen(repo, labour)), terminal_size=size)


def test_grid_choosing_a_level2(snap_compare, db_path, labour):
    repo = Repository.open(db_path)
    app = EditorHost(lambda: IndicatorGridScreen(repo, labour))
    assert snap_compare(app, terminal_size=(80, 24), press=["down", "down", "down", "left", "enter", "时", "效"])

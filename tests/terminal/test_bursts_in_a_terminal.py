"""Keys typed ahead through a real terminal (tmux, 80x24) land where they were typed.

The same bursts as tests/tui/test_bursts.py, but as bytes on a pty: escape
sequences for Home and F2, the terminal's own key encoding, one write for the
whole burst. What counts is the form stored in the database afterwards.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

from perftui.services.repository import Repository

from .tmux import ROOT

LABOUR = "研究院劳务派遣人员经费"


def stored(db, name=LABOUR):
    return Repository.open(db).lookup(name)[0]


def wait_until(predicate, what, timeout=30.0):
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_amounts_and_editing_keys_typed_ahead_are_stored_as_typed(terminal, seeded_db):
    before = stored(seeded_db)
    app = terminal("--db", seeded_db)
    app.shows("3,127.56")  # the list and its summary
    app.keys(
        "/", "劳务派遣", "Enter", "Enter",  # filter, open
        "Tab", "Tab", "Tab", "Tab", "Home", "1",  # 实施期金额 98 -> 198
        "Tab", "C-u", "100",  # 年度金额 98 -> 100
        "Tab", "BSpace", "198",  # 实施期财政拨款
        "Tab", "100",  # 年度财政拨款 (selected on Tab: replaced)
        "C-s",
    )
    wait_until(lambda: stored(seeded_db).revision > before.revision, "the save")
    after = stored(seeded_db)
    assert after.period_funding.total == Decimal("198")
    assert after.annual_funding.total == Decimal("100")
    assert after.period_funding.fiscal == Decimal("198")
    assert after.annual_funding.fiscal == Decimal("100")
    app.keys("C-w", "C-q")
    app.wait_for(lambda _screen: app.dead(), "the app to quit")
    total = subprocess.run(
        [sys.executable, "-m", "perftui", "--db", str(seeded_db), "total"],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}, timeout=60,
    )
    assert "3,129.56" in total.stdout


def test_a_grid_row_typed_ahead_of_the_grid(terminal, seeded_db):
    before = stored(seeded_db)
    app = terminal("--db", seeded_db)
    app.shows("3,127.56")
    app.keys("/", "劳务派遣", "Enter", "F2", "a", "新指标", "Tab", "≥5人", "Enter", "C-s")
    wait_until(lambda: stored(seeded_db).revision > before.revision, "the save")
    rows = stored(seeded_db).indicators
    assert len(rows) == len(before.indicators) + 1
    assert (rows[1].name, rows[1].value) == ("新指标", "≥5人")


def test_a_three_by_four_block_pasted_into_the_grid_adds_three_complete_rows(terminal, seeded_db):
    before = stored(seeded_db)
    app = terminal("--db", seeded_db)
    app.shows("3,127.56")
    app.keys("/", "劳务派遣", "Enter", "F2", "End", "a", "Escape")
    app.shows("7行")  # the grid's title counts the new, empty row
    app.paste("产出指标\t数量指标\t培训人数\t≥100人\n\t\t培训天数\t≥5天\n效益指标\t社会效益指标\t就业率\t≥90%\n")
    app.shows("9行")
    app.keys("C-s")
    wait_until(lambda: stored(seeded_db).revision > before.revision, "the save")
    rows = stored(seeded_db).indicators
    assert [(row.level1, row.level2, row.name, row.value) for row in rows[6:]] == [
        ("产出指标", "数量指标", "培训人数", "≥100人"),
        ("产出指标", "数量指标", "培训天数", "≥5天"),
        ("效益指标", "社会效益指标", "就业率", "≥90%"),
    ]

"""Keystrokes in the app, timed inside it (Textual's run_test), from the key to the painted result.

    python benchmarks/tui.py DB RUNS     # prints JSON: median ms of each step, and the floor

Run by benchmarks/run.py with the installed perftui's interpreter and this
file's path (not ``-m``), so the package under test is the installed one, not
the source tree. Each step is timed from the keystroke to the moment the
screen's data shows the result, plus one refresh so it is painted. The floor
is the same filter keystroke on an empty database: what Textual itself costs.
(The start, another process's save and memory are measured on a real
terminal: benchmarks/screen.py.)
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

SIZE = (120, 36)


async def _until(pilot, predicate, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there")
        await asyncio.sleep(0.001)


async def _key(pilot, key: str, character: str | None = None) -> None:
    """Send one key the way a terminal does, without Pilot's waits for an idle CPU.

    Pilot.press waits until the process has been idle for a while, which
    would add its own tens of milliseconds to every figure.
    """
    from textual import events

    event = events.Key(key, character if character is not None else (key if len(key) == 1 else None))
    event.set_sender(pilot.app)
    pilot.app._driver.send_message(event)
    await asyncio.sleep(0)


async def _painted(pilot) -> None:
    """Every pending message handled, then one full update of the screen (what a frame does)."""
    await pilot._wait_for_screen()
    pilot.app.screen._on_timer_update()


def _app(db: Path):
    from perftui.config import Settings
    from perftui.tui.app import PerftuiApp

    return PerftuiApp(db, settings=Settings(), poll_interval=0.5)


async def session_ms(db: Path) -> dict[str, float]:
    """One session: a filter keystroke, opening a form, a typed digit."""
    from perftui.tui.widgets.summary import TotalsLine

    app = _app(db)
    figures: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app.loaded and app.home.table.row_count > 0)
        table = app.home.table
        before = table.row_count
        await pilot.press("slash")
        await pilot.pause()
        start = time.perf_counter()
        await _key(pilot, "9")
        await _until(pilot, lambda: table.row_count != before)
        await _painted(pilot)
        figures["filter keystroke"] = (time.perf_counter() - start) * 1000
        await pilot.press("ctrl+u", "enter")
        await _until(pilot, lambda: table.row_count == before)

        await pilot.pause()
        start = time.perf_counter()
        await _key(pilot, "enter")
        await _until(pilot, lambda: app.screen is not app.home and app.screen.is_mounted)
        await _painted(pilot)
        figures["open a form"] = (time.perf_counter() - start) * 1000

        field = app.screen.query_one("#field-funding-annual-fiscal")
        field.focus()
        await pilot.press("home")  # a digit in front keeps the amount valid
        await pilot.pause()
        # The summary the operator sees while editing: the editor's totals line.
        summary = app.screen.query_one(TotalsLine)
        await _until(pilot, lambda: summary.selection is not None)
        shown = summary.selection.totals.fiscal
        start = time.perf_counter()
        await _key(pilot, "1")
        await _until(pilot, lambda: summary.selection.totals.fiscal != shown)
        await _painted(pilot)
        figures["typed digit"] = (time.perf_counter() - start) * 1000
        await pilot.press("ctrl+w", "d")  # leave, discarding
        await _until(pilot, lambda: app.screen is app.home)
    return figures


async def keystroke_floor_ms(folder: Path) -> float:
    """The same filter keystroke on an empty database: what Textual itself costs per keystroke."""
    empty = folder / "empty.json"
    empty.unlink(missing_ok=True)
    app = _app(empty)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app.loaded)
        # No file there: the app asks before creating one.
        await _until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await _until(pilot, lambda: app.screen is app.home)
        await pilot.press("slash")
        await pilot.pause()
        start = time.perf_counter()
        await _key(pilot, "9")
        await _until(pilot, lambda: app.home.view.needle == "9")
        await _painted(pilot)
        return (time.perf_counter() - start) * 1000


async def measure(db: Path, runs: int) -> dict[str, float]:
    sessions = [await session_ms(db) for _ in range(runs)]
    figures = {name: statistics.median(s[name] for s in sessions) for name in sessions[0]}
    with tempfile.TemporaryDirectory() as folder:
        figures["keystroke floor"] = statistics.median([await keystroke_floor_ms(Path(folder)) for _ in range(runs)])
    return figures


if __name__ == "__main__":
    print(json.dumps(asyncio.run(measure(Path(sys.argv[1]), int(sys.argv[2])))))

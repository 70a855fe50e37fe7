"""TUI timings for benchmarks/run.py: the app headless (Textual's run_test), the clock around each step.

Each step is timed from the keystroke (or the other process's save) to the
moment the screen's data shows the result, plus one refresh so it is painted.
Peak memory is measured in a separate process, so the benchmark's own data
does not count.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from perftui.config import Settings

SIZE = (120, 36)


async def _until(pilot, predicate, timeout: float = 30.0) -> None:
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
    from perftui.tui.app import PerftuiApp

    return PerftuiApp(db, settings=Settings(), poll_interval=0.5)


async def start_ms(db: Path, *, empty: bool = False) -> float:
    app = _app(db)
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app.loaded and (empty or app.home.table.row_count > 0))
        await pilot.pause()
        return (time.perf_counter() - start) * 1000


async def session_ms(db: Path) -> dict[str, float]:
    """One session: a filter keystroke, opening a form, a typed digit, another process's save."""
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
        figures["TUI: filter keystroke to updated list"] = (time.perf_counter() - start) * 1000
        await pilot.press("ctrl+u", "enter")
        await _until(pilot, lambda: table.row_count == before)

        await pilot.pause()
        start = time.perf_counter()
        await _key(pilot, "enter")
        await _until(pilot, lambda: app.screen is not app.home and app.screen.is_mounted)
        await _painted(pilot)
        figures["TUI: open a form in the editor"] = (time.perf_counter() - start) * 1000

        field = app.screen.query_one("#field-funding-annual-fiscal")
        field.focus()
        await pilot.press("home")  # a digit in front keeps the amount valid (two decimals at most)
        await pilot.pause()
        # The summary the operator sees while editing: the editor's totals line.
        summary = app.screen.query_one(TotalsLine)
        await _until(pilot, lambda: summary.selection is not None)
        shown = summary.selection.totals.fiscal
        start = time.perf_counter()
        await _key(pilot, "1")
        await _until(pilot, lambda: summary.selection.totals.fiscal != shown)
        await _painted(pilot)
        figures["TUI: typed digit to updated summary"] = (time.perf_counter() - start) * 1000
        await pilot.press("ctrl+w", "d")  # leave, discarding
        await _until(pilot, lambda: app.screen is app.home)

        form = app.catalog.entries[-1].form
        saver = await asyncio.create_subprocess_exec(
            sys.executable, "-c", OTHER_SAVE, str(db), form.id, stdout=subprocess.PIPE
        )
        saved_at = float((await saver.communicate())[0])  # time.time() when the save was done
        await _until(pilot, lambda: app.catalog.get(form.id).form.revision > form.revision)
        await _painted(pilot)
        figures["TUI: another process's save to updated summary"] = (time.time() - saved_at) * 1000
    return figures


# Another operator's process: save one form, then say when (wall clock, shared by both processes).
OTHER_SAVE = """
import sys, time
from perftui.services.repository import Repository
repository = Repository.open(sys.argv[1])
form = repository.get(sys.argv[2])
repository.save(form.evolve(annual_goal=form.annual_goal + "。"))
print(time.time())
"""


async def keystroke_floor_ms(folder: Path) -> float:
    """The same filter keystroke on an empty database: what Textual itself costs per keystroke."""
    empty = folder / "empty.json"
    empty.unlink(missing_ok=True)
    app = _app(empty)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app.loaded)
        await pilot.press("slash")
        await pilot.pause()
        start = time.perf_counter()
        await _key(pilot, "9")
        await _until(pilot, lambda: app.home.view.needle == "9")
        await _painted(pilot)
        return (time.perf_counter() - start) * 1000


# A whole session, another process's save included: the app then holds the
# old data while it reads the new file, which is the high-water mark of a day.
# VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over exec, so a child
# of a big benchmark process would report the parent's peak.
PEAK = """
import asyncio, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from benchmarks.tui import session_ms
asyncio.run(session_ms(Path({db!r})))
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""


def peak_rss_mb(db: Path) -> float:
    root = str(Path(__file__).resolve().parent.parent)
    out = subprocess.run(
        [sys.executable, "-c", PEAK.format(root=root, db=str(db))], capture_output=True, text=True, check=True
    ).stdout
    return int(out.strip().splitlines()[-1]) / 1024


async def measure(size: int, db: Path, runs: int) -> list[list[object]]:
    work = db.with_name(f"tui-{size}.json")
    work.write_bytes(db.read_bytes())
    os.chmod(work, 0o600)
    rows: list[list[object]] = []
    starts = [await start_ms(work) for _ in range(runs)]
    empty = work.parent / "empty-start.json"
    bare = statistics.median([await start_ms(empty, empty=True) for _ in range(runs)])
    rows.append(["TUI: start to first painted list", size, statistics.median(starts), bare, statistics.median(starts) / bare])
    sessions = [await session_ms(work) for _ in range(runs)]
    floor = statistics.median([await keystroke_floor_ms(work.parent) for _ in range(runs)])
    for name in sessions[0]:
        ms = statistics.median(s[name] for s in sessions)
        keyed = "keystroke" in name or "digit" in name
        rows.append([name, size, ms, floor if keyed else None, ms / floor if keyed else None])
    file_mb = work.stat().st_size / 1e6
    peak = peak_rss_mb(work)
    rows.append([f"TUI: peak RSS MB (file {file_mb:.1f} MB)", size, peak, file_mb, peak / file_mb])
    return rows


if __name__ == "__main__":  # python -m benchmarks.tui DB
    print(json.dumps(asyncio.run(session_ms(Path(sys.argv[1]))), indent=1))

"""How fast perftui is on large databases, against the floor each operation is compared with.

    .venv/bin/python -m benchmarks.run [--sizes 1000,10000] [--runs 5]

Builds deterministic synthetic databases (benchmarks/synth.py) in a temporary
folder and prints one table: for each operation and size, the median of
several runs in ms, the floor, and the ratio. Floors: for the CLI, a python
process that only json.loads the file; for a save, json.dumps of the whole
database plus writing and fsyncing a file that size; for the TUI's start, the
same app starting on an empty database; for a keystroke, the same keystroke
in the filter of an empty database (what Textual itself costs); for memory,
the file's size. Not part of the test suite:
figures on a shared machine vary, so goals are read off this table, not
asserted by tests that would flake.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import write_db  # noqa: E402


def median_ms(action: Callable[[], object], runs: int, setup: Callable[[], object] | None = None) -> float:
    times = []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def process(*argv: str) -> Callable[[], object]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return lambda: subprocess.run([sys.executable, *argv], check=True, stdout=subprocess.DEVNULL, env=env)


def floor_json_load(db: Path) -> Callable[[], object]:
    return process("-c", f"import json; json.load(open({str(db)!r}, encoding='utf-8'))")


def floor_dump_write(db: Path) -> Callable[[], object]:
    data = json.loads(db.read_text(encoding="utf-8"))
    target = db.with_name("floor.json")

    def action() -> None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())

    return action


def save_one_form(db: Path) -> Callable[[], object]:
    from perftui.services.repository import Repository

    repository = Repository.open(db)
    state = {"form": repository.forms()[0], "n": 0}

    def action() -> None:
        # As the editor does: save the form it holds, and hold what was saved.
        form = state["form"]
        state["n"] += 1
        state["form"] = repository.save(form.evolve(annual_goal=f"{form.annual_goal[:60]}{state['n']}"))

    return action


def import_seed(db: Path) -> tuple[Callable[[], object], Callable[[], object]]:
    from perftui.demo import SEED

    pristine = db.with_name("pristine.json")
    shutil.copyfile(db, pristine)
    os.chmod(pristine, 0o600)
    work = db.with_name("import.json")

    def setup() -> None:
        shutil.copyfile(pristine, work)
        os.chmod(work, 0o600)

    return process("-m", "perftui", "--db", str(work), "import", str(SEED)), setup


def rows_for(size: int, db: Path, runs: int) -> list[list[object]]:
    rows: list[list[object]] = []
    load = median_ms(floor_json_load(db), runs)
    for name, argv in (
        ("perftui total", ["-m", "perftui", "--db", str(db), "total"]),
        ("perftui list", ["-m", "perftui", "--db", str(db), "list"]),
        ("perftui show NAME", ["-m", "perftui", "--db", str(db), "show", "000000000007"]),
    ):
        ms = median_ms(process(*argv), runs)
        rows.append([name, size, ms, load, ms / load])
    floor = median_ms(floor_dump_write(db), runs)
    ms = median_ms(save_one_form(db), runs)
    rows.append(["save one form (storage API)", size, ms, floor, ms / floor])
    action, setup = import_seed(db)
    ms = median_ms(action, runs, setup)
    rows.append(["import the 8 seed forms", size, ms, load, ms / load])
    rows.extend(tui_rows(size, db, runs))
    return rows


def tui_rows(size: int, db: Path, runs: int) -> list[list[object]]:
    """TUI timings; filled in once the app has the hooks (see benchmarks/tui.py)."""
    try:
        from benchmarks import tui
    except ImportError:
        return []
    return asyncio.run(tui.measure(size, db, runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="perftui-bench-") as folder:
        for size in sizes:
            db = write_db(Path(folder) / f"forms-{size}.json", size)
            print(f"# {size} forms: {db.stat().st_size / 1e6:.1f} MB", file=sys.stderr)
            rows.extend(rows_for(size, db, args.runs))
    from perftui.text.tables import render

    table = [
        [name, f"{size:,}", f"{ms:,.0f}", "" if floor is None else f"{floor:,.0f}", "" if ratio is None else f"{ratio:.2f}x"]
        for name, size, ms, floor, ratio in rows
    ]
    print(render(["operation", "forms", "median ms", "floor ms", "ratio"], table, ["left", "right", "right", "right", "right"], "github"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The speed benchmark's PostgreSQL column: the same operations on the same synthetic forms, file and server.

    .venv/bin/python -m benchmarks.postgres [--sizes 10000,50000] [--runs 3]

For each size, one synthetic database (benchmarks/synth.py) as a JSON file and,
moved over with ``perftui db migrate``'s copy, in a PostgreSQL database; then
each operation on both, median of ``--runs`` in ms (wall clock, from process
launch for the CLI and the TUI's start). A throwaway server from the
machine's PostgreSQL (tests/pgserver.py) with its durable defaults (fsync on),
so a save's commit is a real one. ``--url`` names a server database to use
instead; it must be empty (its perftui schema is dropped and set up again).

Not part of the test suite: figures on a shared machine vary.
"""

from __future__ import annotations

import argparse
import asyncio
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

from benchmarks.run import median_ms, process, save_one_form  # noqa: E402
from benchmarks.synth import write_db  # noqa: E402

SIZE = (120, 36)

#: The TUI session of benchmarks/tui.py in a separate process, with its peak memory (VmHWM).
PEAK = """
import asyncio, json, sys
sys.path.insert(0, {root!r})
from benchmarks.tui import session_ms
figures = asyncio.run(session_ms({db!r}))
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps([figures, int(peak) / 1024]))
"""

#: From process launch to the first painted list (imports included), in a separate process.
START = """
import asyncio, sys, time
sys.path.insert(0, {root!r})
launched = float(sys.argv[1])
from benchmarks.tui import _app, _until
async def main():
    app = _app({db!r})
    async with app.run_test(size=(120, 36)) as pilot:
        await _until(pilot, lambda: app.loaded and app.home.table.row_count > 0)
        await pilot.pause()
        print((time.time() - launched) * 1000)
asyncio.run(main())
"""


def tui_start_ms(db: str, runs: int) -> float:
    def once() -> float:
        out = subprocess.run(
            [sys.executable, "-c", START.format(root=str(ROOT), db=db), repr(time.time())],
            capture_output=True, text=True, check=True,
        ).stdout
        return float(out.strip().splitlines()[-1])

    return statistics.median(once() for _ in range(runs))


def session(db: str) -> tuple[dict[str, float], float]:
    import json

    out = subprocess.run(
        [sys.executable, "-c", PEAK.format(root=str(ROOT), db=db)], capture_output=True, text=True, check=True
    ).stdout
    figures, peak = json.loads(out.strip().splitlines()[-1])
    return figures, peak


def load_server(url: str, json_db: Path) -> float:
    """Set the database up and copy the file's forms into it, as ``perftui db migrate`` does; seconds."""
    import storage
    from perftui.services.repository import SPEC
    from storage.migrate import copy_documents
    from storage.postgres import init_database

    init_database(url, SPEC)
    started = time.perf_counter()
    target = storage.open_store(url, SPEC)
    copy_documents(storage.open_store(json_db, SPEC, read_only=True), target)
    target.close()
    return time.perf_counter() - started


def import_seed_server(server, template: str, runs: int) -> float:
    """``perftui import`` of the 8 seed forms into a fresh copy of the database each run."""
    from perftui.demo import SEED

    times = []
    for _ in range(runs):
        name = server.create_database("import", template=template)
        try:
            start = time.perf_counter()
            process("-m", "perftui", "--db", server.url(name), "import", str(SEED))()
            times.append((time.perf_counter() - start) * 1000)
        finally:
            server.drop_database(name)
    return statistics.median(times)


def import_seed_file(json_db: Path, runs: int) -> float:
    from perftui.demo import SEED

    work = json_db.with_name("import.json")

    def setup() -> None:
        shutil.copyfile(json_db, work)
        work.chmod(0o600)

    return median_ms(process("-m", "perftui", "--db", str(work), "import", str(SEED)), runs, setup)


def rows_for(size: int, json_db: Path, server, runs: int) -> list[list[object]]:
    database = server.create_database(f"bench{size}")
    url = server.url(database)
    copy_s = load_server(url, json_db)
    print(f"# {size} forms: copied into PostgreSQL in {copy_s:.1f} s", file=sys.stderr)
    rows: list[list[object]] = [["db migrate (copy every form and entry)", size, None, copy_s * 1000]]

    def both(name: str, measure: Callable[[str], float]) -> None:
        rows.append([name, size, measure(str(json_db)), measure(url)])

    for name, command in (("perftui total", ["total"]), ("perftui list", ["list"]), ("perftui show ID", ["show", "000000000007"])):
        both(name, lambda db, command=command: median_ms(process("-m", "perftui", "--db", db, *command), runs))
    both("save one form (storage API)", lambda db: median_ms(save_one_form(db), max(runs, 5)))
    rows.append(["import the 8 seed forms", size, import_seed_file(json_db, runs), import_seed_server(server, database, runs)])
    both("TUI: launch to first painted list", lambda db: tui_start_ms(db, runs))
    sessions = {db: [session(db) for _ in range(runs)] for db in (str(json_db), url)}
    for name in sessions[url][0][0]:
        rows.append([name, size, *(statistics.median(s[0][name] for s in sessions[db]) for db in (str(json_db), url))])
    rows.append(["TUI: peak RSS MB (whole session)", size, *(statistics.median(s[1] for s in sessions[db]) for db in (str(json_db), url))])
    server.drop_database(database)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from tests.pgserver import PostgresServer, unavailable_reason

    reason = unavailable_reason()
    if reason:
        print(f"benchmarks.postgres: {reason}", file=sys.stderr)
        return 1
    server = PostgresServer(durable=True).start()
    rows: list[list[object]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="perftui-bench-") as folder:
            for size in (int(s) for s in args.sizes.split(",")):
                json_db = write_db(Path(folder) / f"forms-{size}.json", size)
                print(f"# {size} forms: {json_db.stat().st_size / 1e6:.1f} MB as a file", file=sys.stderr)
                rows.extend(rows_for(size, json_db, server, args.runs))
    finally:
        server.stop()
    from perftui.text.tables import render

    def figure(value: object) -> str:
        return "" if value is None else f"{value:,.0f}"

    table = [[name, f"{size:,}", figure(file_ms), figure(server_ms)] for name, size, file_ms, server_ms in rows]
    print(render(["operation (median ms, or MB)", "forms", "JSON file", "PostgreSQL"], table, ["left", "right", "right", "right"], "github"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

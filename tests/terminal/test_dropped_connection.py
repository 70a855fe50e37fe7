"""A dropped connection loses no work, and leaves no process behind.

Killing the tmux server closes the terminal under the app, as a dropped SSH
link does: the app gets SIGHUP, keeps its unsaved edits in the operator's
data folder and exits. The next start offers them back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from perftui.services import unsaved
from perftui.services.repository import Repository

from .tmux import ROOT, perftui_env

LABOUR = "研究院劳务派遣人员经费"


def processes_of(db) -> list[int]:
    """perftui processes working on ``db`` (found by their command line)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                argv = cmdline.read().split(b"\0")
        except OSError:
            continue
        if b"perftui" in argv and str(db).encode() in argv:
            found.append(int(pid))
    return found


def _row(screen: str, label: str) -> str:
    return next((line.rstrip(" ▅▁▃▇█") .rstrip() for line in screen.splitlines() if line.strip().startswith(label)), "")


def wait_until(predicate, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_kill_the_session_start_again_restore_and_save(terminal, seeded_db, tmp_path, monkeypatch):
    app = terminal("--db", seeded_db)
    app.shows("3,127.56")
    # Both annual amounts typed in one burst; the connection drops once the app has them
    # (bytes still on the wire when a link drops are lost before any program sees them).
    app.keys("/", "劳务派遣", "Enter", "Enter", "Tab", "Tab", "Tab", "Tab", "Tab", "100", "Tab", "Tab", "100")
    app.wait_for(lambda screen: _row(screen, "其中：财政拨款").endswith("100.00"), "the typed amounts")
    app.kill()
    wait_until(lambda: not processes_of(seeded_db), "the app to exit")
    env = perftui_env(tmp_path / "home")
    for name in ("HOME", "XDG_DATA_HOME"):  # read the recovery file where the app wrote it
        monkeypatch.setenv(name, env[name])
    (kept,) = unsaved.found(seeded_db)
    assert kept.texts["funding.annual.total"] == "100" and kept.texts["funding.annual.fiscal"] == "100"
    assert Repository.open(seeded_db).lookup(LABOUR)[0].revision == kept.based_on  # nothing was saved

    again = terminal("--db", seeded_db)
    again.shows("上次有未保存的修改")
    screen = again.shows("恢复 (r)")
    assert LABOUR in screen
    again.keys("r")
    again.shows("未保存")
    again.keys("C-s")
    wait_until(lambda: Repository.open(seeded_db).lookup(LABOUR)[0].revision > kept.based_on, "the save")
    again.keys("C-w", "C-q")
    wait_until(lambda: not processes_of(seeded_db), "the app to quit")
    total = subprocess.run(
        [sys.executable, "-m", "perftui", "--db", str(seeded_db), "total"],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}, timeout=60,
    )
    assert "3,129.56" in total.stdout
    assert unsaved.found(seeded_db) == []  # saved: the recovery file is gone


def test_sigterm_keeps_the_edits_and_ends_the_app(terminal, seeded_db, tmp_path, monkeypatch):
    app = terminal("--db", seeded_db)
    app.shows("3,127.56")
    app.keys("/", "劳务派遣", "Enter", "Enter", "End", "（改）")
    app.shows("（改）")
    (pid,) = processes_of(seeded_db)
    os.kill(pid, signal.SIGTERM)
    wait_until(lambda: not processes_of(seeded_db), "the app to exit")
    assert app.dead()
    env = perftui_env(tmp_path / "home")
    for name in ("HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, env[name])
    (kept,) = unsaved.found(seeded_db)
    assert kept.texts["name"] == LABOUR + "（改）"

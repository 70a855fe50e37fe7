"""Terminal or nothing: without one, `perftui` says which commands work and exits 2 at once;
with one, the app leaves when it goes away."""

from __future__ import annotations

import asyncio
import os
import pty
import signal
import subprocess
import sys
import time

from perftui.tui.terminal import HANGUP, TERMINATED, TerminalWatch, terminal_alive

from .tmux import ROOT


def perftui(*argv, stdin=subprocess.DEVNULL, **options):
    env = {"PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "-m", "perftui", *map(str, argv)], stdin=stdin, capture_output=True, env=env, timeout=60,
        **options,
    )


def test_without_a_terminal_one_line_and_exit_2_at_once(seeded_db):
    started = time.monotonic()
    result = perftui("--db", seeded_db)  # stdin /dev/null, stdout and stderr pipes: `ssh -T`, cron, `| head`
    assert time.monotonic() - started < 20  # (a Python start-up; the app used to wait for ever)
    assert result.returncode == 2 and result.stdout == b""
    (line,) = result.stderr.decode("utf-8").splitlines()
    assert "终端" in line and "list" in line and "total" in line and "export" in line


def test_in_english_too(seeded_db):
    result = perftui("--db", seeded_db, "--locale", "en")
    assert result.returncode == 2 and "terminal" in result.stderr.decode("utf-8")


def test_a_pipe_for_stdout_is_not_a_terminal_either(seeded_db):
    """`perftui | head` with the keyboard still on stdin: stdout is a pipe."""
    main, secondary = pty.openpty()
    try:
        result = perftui("--db", seeded_db, stdin=secondary)
    finally:
        os.close(secondary)
        os.close(main)
    assert result.returncode == 2


def test_the_lookups_answer_without_a_terminal(seeded_db):
    result = perftui("--db", seeded_db, "total")
    assert result.returncode == 0 and "3,127.56" in result.stdout.decode("utf-8")


def test_a_hung_up_terminal_is_noticed_without_a_signal():
    """The watch thread asks the terminal: once it is hung up, the app is told to leave."""
    main, secondary = pty.openpty()
    told: list[str] = []

    async def run() -> None:
        left = asyncio.Event()
        watch = TerminalWatch(lambda reason: (told.append(reason), left.set()), fd=secondary)
        watch.start()
        assert terminal_alive(secondary)
        os.close(main)  # the other end goes away, as sshd's does
        await asyncio.wait_for(left.wait(), timeout=10)
        watch.stop()

    try:
        asyncio.run(run())
    finally:
        os.close(secondary)
    assert told == [HANGUP]


def test_signals_are_heard_on_the_event_loop():
    main, secondary = pty.openpty()
    told: list[str] = []

    async def run() -> None:
        left = asyncio.Event()
        watch = TerminalWatch(lambda reason: (told.append(reason), left.set()), fd=secondary)
        watch.start()
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(left.wait(), timeout=10)
        watch.stop()

    try:
        asyncio.run(run())
    finally:
        os.close(secondary)
        os.close(main)
    assert told == [TERMINATED]

"""The app leaves when its terminal goes away, keeping the unsaved edits first.

A dropped SSH connection closes the terminal under the app: the kernel sends
SIGHUP, and from then on reading the terminal returns end-of-file at once.
Textual's input thread takes that end-of-file for "no input yet" and polls it
for ever, at ~90% of a core, long after the operator has gone (adopted by
init). So:

- SIGHUP and SIGTERM run :meth:`TerminalWatch.gone` on the app's event loop;
- a thread asks the terminal every half second whether it is still there
  (``tcgetattr`` fails on a terminal that was hung up), for the cases where
  the signal went elsewhere (a wrapper that ignored it);
- :meth:`gone` lets the app keep its unsaved edits, then exits; if the exit
  has not finished a few seconds later (writes to a dead terminal), the
  process ends itself, and so does :func:`perftui.tui.run` once the app has
  exited this way (a worker thread still waiting on a lock does not keep it
  alive): nothing outlives its session.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import termios
import threading
from collections.abc import Callable

#: How often the watch thread asks whether the terminal is still there (seconds).
POLL = 0.5
#: How long an exit may take once the terminal is gone before the process ends itself.
LAST_CHANCE = 5.0
HANGUP, TERMINATED = "hangup", "terminated"
#: Set by :func:`perftui.tui.run`: the app is the whole process, so a stalled exit may end it.
OWNS_PROCESS = False
EXIT_CODES = {HANGUP: 128 + signal.SIGHUP, TERMINATED: 128 + signal.SIGTERM}


def terminal_alive(fd: int) -> bool:
    """Is ``fd`` a terminal that has not been hung up?"""
    try:
        termios.tcgetattr(fd)
    except (termios.error, OSError, ValueError):
        return False
    return True


class TerminalWatch:
    """Calls ``leave(reason)`` once, on the event loop, when the terminal goes or a stop is asked for."""

    def __init__(self, leave: Callable[[str], None], *, fd: int | None = None) -> None:
        self._leave = leave
        self._fd = sys.stdin.fileno() if fd is None else fd
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop = threading.Event()
        self._left = False
        self._last_chance: threading.Timer | None = None

    def start(self) -> None:
        """Called on the app's event loop (its on_mount)."""
        self._loop = asyncio.get_running_loop()
        self._loop.add_signal_handler(signal.SIGHUP, self.gone, HANGUP)
        self._loop.add_signal_handler(signal.SIGTERM, self.gone, TERMINATED)
        threading.Thread(target=self._watch, name="perftui-terminal", daemon=True).start()

    def stop(self) -> None:
        """The app has finished (its caller ends the process if the terminal was gone: see run)."""
        self._stop.set()
        # In a process of its own (perftui.tui.run) the timer stays once the terminal is gone: the
        # app is stopped before Textual closes its driver, and closing it can block for ever on a
        # writer thread that died writing to the dead terminal (seen: a full queue, no one to take
        # from it). run() exits first when it can. An app inside another program (tests) cancels it.
        if self._last_chance is not None and not OWNS_PROCESS:
            self._last_chance.cancel()
        if self._loop is not None and not self._loop.is_closed():
            for sig in (signal.SIGHUP, signal.SIGTERM):
                self._loop.remove_signal_handler(sig)

    def gone(self, reason: str) -> None:
        if self._left:
            return
        self._left = True
        # Whatever happens next (a dead terminal can make the exit itself fail), the process ends.
        self._last_chance = threading.Timer(LAST_CHANCE, os._exit, (EXIT_CODES[reason],))
        self._last_chance.daemon = True
        self._last_chance.start()
        self._leave(reason)

    def _watch(self) -> None:
        while not self._stop.wait(POLL):
            if not terminal_alive(self._fd):
                loop = self._loop
                if loop is not None and not loop.is_closed():
                    loop.call_soon_threadsafe(self.gone, HANGUP)
                return


#: Terminals whose colours cannot be relied on (or that have none): the Linux console's eight,
#: a VT100's none. With NO_COLOR set, these get the plain theme (see perftui.tui.theme).
PLAIN_TERMS = frozenset({"linux", "vt52", "vt100", "vt102", "vt220", "vt320", "dumb", "ansi", "cons25"})


def plain_terminal(term: str | None, no_color: bool) -> bool:
    """Should the app draw without relying on colour (NO_COLOR, TERM=linux, TERM=vt100)?"""
    term = (term or "").lower()
    return no_color or term in PLAIN_TERMS or term.endswith(("-mono", "-m"))

"""perftui in a real terminal: a detached tmux session of a given size, keys sent as a burst.

tmux writes the keys of one ``send-keys`` straight into the session's pty, back
to back, as a paste or type-ahead over SSH arrives; ``capture-pane`` reads the
screen. Killing the session closes the pty under the app, as a dropped SSH
connection does (the app gets SIGHUP). Each session has its own tmux server
(its own socket), so tests never meet each other or the developer's tmux.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")


def perftui_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment for a perftui process: its own config and data folders, UTF-8, a colour terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PERFTUI_", "TMUX"))}
    env |= {
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
    }
    return env | extra


class Session:
    """``perftui ARGS`` running in a tmux session of ``width`` x ``height``."""

    started = 0

    def __init__(self, tmp: Path, argv: Sequence[str], *, width: int = 80, height: int = 24, env: dict[str, str]):
        Session.started += 1
        self.socket = tmp / f"tmux{Session.started}.sock"
        self.name = "perftui"
        command = " ".join(_quote(part) for part in [sys.executable, "-m", "perftui", *map(str, argv)])
        # The pane stays after the app exits, so its last screen and exit can be read.
        self._tmux(
            "-f", "/dev/null", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
            command, env=env,
        )
        self._tmux("set-option", "-t", self.name, "remain-on-exit", "on")

    def _tmux(self, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
        assert TMUX is not None
        done = subprocess.run(
            [TMUX, "-S", str(self.socket), *args], capture_output=True, text=True, env=env, timeout=30
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name, check=False)

    def keys(self, *keys: str, literal: bool = False) -> None:
        """One ``send-keys``: tmux key names (``Tab``, ``Home``, ``C-u``, ``BSpace``, ``F2``) and text."""
        self._tmux("send-keys", "-t", self.name, *(("-l",) if literal else ()), *keys)

    def paste(self, text: str) -> None:
        """Paste ``text`` as a terminal does (bracketed paste, which Textual turns on)."""
        self._tmux("set-buffer", "-b", "paste", "--", text)
        self._tmux("paste-buffer", "-p", "-d", "-b", "paste", "-t", self.name)

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if predicate(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{screen}")
            time.sleep(0.05)

    def shows(self, text: str, timeout: float = 30.0) -> str:
        return self.wait_for(lambda screen: text in screen, repr(text), timeout)

    def pane_pid(self) -> int:
        return int(self._tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").strip())

    def dead(self) -> bool:
        return self._tmux("display-message", "-p", "-t", self.name, "#{pane_dead}", check=False).strip() == "1"

    def kill(self) -> None:
        """Kill the whole tmux server: the pty closes under the app, as when an SSH link drops."""
        self._tmux("kill-server", check=False)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)

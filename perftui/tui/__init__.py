"""The Textual app. Only this package imports textual.

Importing this package sets a longer escape delay before Textual is imported
(Textual reads ``ESCDELAY`` once, when ``textual.constants`` is first imported):
over a laggy SSH link the bytes of an arrow key's escape sequence can arrive
more than Textual's default 100 ms apart and would be taken for Esc followed by
letters. The price is that Esc alone takes a little longer to register, which
is harmless because every Esc in the app has a letter or ctrl key beside it.
Terminals that speak the kitty keyboard protocol (enabled by Textual) send an
unambiguous Esc and are not delayed at all. An operator's own ``ESCDELAY`` wins.
"""

from __future__ import annotations

import os
from pathlib import Path

ESCAPE_DELAY_MS = "400"
os.environ.setdefault("ESCDELAY", ESCAPE_DELAY_MS)


def run(db_path: Path | str, *, read_only: bool = False, demo: bool = False) -> int:
    from perftui.tui.app import PerftuiApp

    from perftui.tui import terminal
    from perftui.tui.terminal import EXIT_CODES

    terminal.OWNS_PROCESS = True
    app = PerftuiApp(db_path, read_only=read_only, demo=demo, watch_terminal=True)
    app.run()
    code = app.return_code or 0
    if code in EXIT_CODES.values():
        # The terminal went away (or we were told to stop) and the edits are kept: end now,
        # whatever thread is still waiting (a save on a held lock is atomic, or never happened).
        os._exit(code)
    return code

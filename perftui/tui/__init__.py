"""The Textual app. Only this package imports textual."""

from __future__ import annotations

from pathlib import Path


def run(db_path: Path, *, read_only: bool = False, demo: bool = False) -> int:
    from perftui.tui.app import PerftuiApp

    app = PerftuiApp(db_path, read_only=read_only, demo=demo)
    app.run()
    return app.return_code or 0

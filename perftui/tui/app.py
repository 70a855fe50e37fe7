"""Placeholder until the TUI issue lands: shows where the database is and quits."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static


class PerftuiApp(App[None]):
    TITLE = "perftui"
    BINDINGS = [Binding("ctrl+q", "quit", "退出", id="app.quit")]

    def __init__(self, db_path: Path, *, read_only: bool = False, demo: bool = False):
        super().__init__()
        self.db_path, self.read_only, self.demo = db_path, read_only, demo

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"perftui — {self.db_path}\n\n终端界面正在建设中；请先用 perftui list / show / total / check。")
        yield Footer()

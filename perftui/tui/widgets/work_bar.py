"""A progress bar for work that runs in a worker (an export, an import): shown while it runs.

The work is one call whose end cannot be foreseen (an xlsx of ten thousand
forms, one database write), so the bar moves without a percentage; what is
being done, and on how many forms, is said in words beside it, so NO_COLOR
and a slow link lose nothing.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import ProgressBar, Static

from perftui.tui.styles import stylesheet


class WorkBar(HorizontalGroup):
    """Hidden until :meth:`start`; :meth:`stop` hides it again."""

    DEFAULT_CSS = stylesheet(__file__)

    def compose(self) -> ComposeResult:
        yield Static("", classes="work-label", markup=False)
        yield ProgressBar(total=None, show_eta=False, show_percentage=False)

    def on_mount(self) -> None:
        self.display = False

    def start(self, label: str) -> None:
        self.query_one(".work-label", Static).update(label)
        self.display = True

    def stop(self) -> None:
        self.display = False

    @property
    def running(self) -> bool:
        return bool(self.display)

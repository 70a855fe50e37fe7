"""A bare app around the editor screens: for tests, and for trying them without the shell.

The real app (``perftui.tui.app``) opens the editor from its form list; this
host opens one screen straight away, records what the screens tell the app
(:class:`DraftChanged`, :class:`FormSaved`) and what the screen returned. It
does not answer :class:`TotalsWanted`, so the editors' totals line stays hidden.

    python -m tests.tui.editor_host DB [NAME]     # edit NAME, or a new form
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.keys import _character_to_key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from perftui.tui.events import DraftChanged, FormSaved
from perftui.tui.type_ahead import TypeAhead


class EditorHost(TypeAhead, App[None]):
    """Pushes ``open_screen()`` on start; records messages and the screen's result."""

    BINDINGS = [Binding("ctrl+q", "quit", "退出", id="app.quit")]

    def __init__(self, open_screen: Callable[[], Screen[Any]], *, blink: bool = False) -> None:
        super().__init__()
        self.open_screen = open_screen
        self.blink = blink
        if not blink:
            # Still: no blinking cursor, no animated scrolling (tests wait for animations).
            self.animation_level = "none"
        self.messages: list[Message] = []
        self.results: list[Any] = []

    def compose(self):
        yield Static("perftui", id="host-background")

    def on_mount(self) -> None:
        self.push_screen(self.open_screen(), self.results.append)

    #: Characters of :meth:`send_keys` that stand for named keys.
    NAMED_KEYS = {"\t": "tab", "\r": "enter", "\x1b": "escape"}

    def send_keys(self, text: str) -> None:
        """Send ``text`` as a terminal does, one key per character, all at once.

        This is a burst over a slow link, or an input method committing a word;
        and unlike ``Pilot.press`` it can send keys Textual has no name for
        (full-width "．", "≥"). Await ``pilot.pause()`` afterwards.
        """
        for char in text:
            named = self.NAMED_KEYS.get(char)
            if named:
                self.post_message(events.Key(named, None))
            else:
                key = char if char.isalnum() else _character_to_key(char)
                self.post_message(events.Key(key, char))

    def send_key_names(self, *names: str) -> None:
        """Send named keys ("down", "ctrl+u", "J") at once, like :meth:`send_keys`."""
        for name in names:
            self.post_message(events.Key(name, name if len(name) == 1 else None))

    def refuse_write(self, what: str) -> bool:
        """As :meth:`PerftuiApp.refuse_write`; the host has no read-only mode of its own
        (a read-only repository still refuses the save itself)."""
        return False

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Tests and snapshots need a still cursor.
        if not self.blink and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False  # type: ignore[attr-defined]

    def on_draft_changed(self, message: DraftChanged) -> None:
        self.messages.append(message)

    def on_form_saved(self, message: FormSaved) -> None:
        self.messages.append(message)


def main(argv: list[str] | None = None) -> int:
    from perftui.services.repository import Repository
    from perftui.tui.editor.form_editor import FormEditorScreen

    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m tests.tui.editor_host DB [NAME]", file=sys.stderr)
        return 2
    repository = Repository.open(args[0])
    found = repository.lookup(args[1]) if len(args) > 1 else []
    EditorHost(lambda: FormEditorScreen(repository, found[0] if found else None), blink=True).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

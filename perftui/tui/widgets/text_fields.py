"""Text fields that apply every key in the order it was typed.

Textual's ``Input`` and ``TextArea`` insert a typed character in their own
message queue, but their editing keys (Home, ctrl+u, Backspace, the arrows)
are bindings that Textual applies only once the key has bubbled up to the
app: in a burst, the characters typed after such a key were inserted before
it took effect (Home then ``1`` appended the 1; ctrl+u then ``100`` erased the
100; Backspace then ``44`` left ``4``). These fields apply every key as it
reaches them (:class:`perftui.tui.type_ahead.KeysInOrder`).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Input, TextArea

from perftui.tui.type_ahead import KeysInOrder, run_binding_here


class TextField(KeysInOrder, Input):
    """A one-line text field; keys take effect in the order typed.

    ``submit``: what Enter does, at once, in its turn among the keys typed (Textual's
    ``Input.Submitted`` is a message, handled a moment later: the keys typed after
    Enter would reach this field, not the screen Enter leads to).
    """

    def __init__(self, *args, submit: Callable[[], object] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._submit = submit

    def _on_paste(self, event: events.Paste) -> None:
        # Textual calls Input's own handler next, unless told not to.
        if "\t" in event.text and len(event.text.strip().splitlines()) > 1:
            # Rows of cells, not text for one line: not Input's (it would keep the first line),
            # but the screen's (the editor's indicator rows).
            event.prevent_default()

    async def action_submit(self) -> None:
        if self._submit is None:
            await super().action_submit()
        else:
            self._submit()

    async def take_key(self, event: events.Key) -> None:
        if event.is_printable:
            await Input._on_key(self, event)  # inserts, replacing a selection
            return
        self._restart_blink()
        await run_binding_here(self, event)


class TextBox(KeysInOrder, TextArea):
    """A text area; keys take effect in the order typed."""

    async def take_key(self, event: events.Key) -> None:
        key = event.key
        typed = not self.read_only and (
            event.is_printable or key == "enter" or (key == "tab" and self.tab_behavior == "indent")
        )
        await TextArea._on_key(self, event)  # characters and Enter (and Tab when it indents)
        if not typed:
            await run_binding_here(self, event)

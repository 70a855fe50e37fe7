"""One value out of a few, chosen by keyboard, with the chosen one marked by a character.

Textual's ``Select`` opens a list that takes the focus a moment later, so the
keys of a burst (``↓ Enter`` typed ahead over SSH) land beside it; its
``RadioSet`` marks the chosen button by colour alone, which NO_COLOR and
``TERM=linux``/``vt100`` terminals do not show. This field does neither:

- every option on its own line, the chosen one marked ``(•)`` and the others
  ``( )`` (``lines=True``); or, for a long list (export formats), the chosen
  option alone between ``‹ ›`` with its place, ``‹ csv › 3/14``;
- ←/→ (and ↑/↓ in the list) step through the options, space steps forward, a
  digit picks that option, a letter the next option starting with it; keys
  take effect in the order typed (:class:`perftui.tui.type_ahead.KeysInOrder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from perftui.tui.type_ahead import KeysInOrder, run_binding_here

CHOSEN, OTHER = "(•) ", "( ) "


class ChoiceField(KeysInOrder, Widget, can_focus=True):
    """``options`` are (label, value) pairs; :attr:`value` is the chosen value."""

    DEFAULT_CSS = """
    ChoiceField {
        height: auto;
        width: 1fr;
    }
    ChoiceField > .choice-field--chosen {
        text-style: bold;
    }
    ChoiceField:focus > .choice-field--chosen {
        text-style: bold reverse;
    }
    """
    COMPONENT_CLASSES = {"choice-field--chosen"}

    BINDINGS = [
        Binding("left", "step(-1)", show=False),
        Binding("right,space", "step(1)", show=False),
    ]

    value: reactive[str] = reactive("", init=False)

    @dataclass
    class Changed(Message):
        choice_field: ChoiceField
        value: str

        @property
        def control(self) -> ChoiceField:
            return self.choice_field

    def __init__(
        self,
        options: Sequence[tuple[str, str]],
        value: str | None = None,
        *,
        lines: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.options = list(options)
        self.lines = lines
        self.set_class(lines, "-lines")
        values = [v for _label, v in self.options]
        self.set_reactive(ChoiceField.value, value if value in values else values[0])

    @property
    def index(self) -> int:
        return next(n for n, (_label, v) in enumerate(self.options) if v == self.value)

    def choose(self, index: int) -> None:
        self.value = self.options[index % len(self.options)][1]

    def watch_value(self, value: str) -> None:
        self.refresh(layout=True)
        self.post_message(self.Changed(self, value))

    def action_step(self, delta: int) -> None:
        self.choose(self.index + delta)

    async def take_key(self, event: events.Key) -> None:
        key, char = event.key, event.character
        if self.lines and key in ("up", "down") and 0 <= self.index + (1 if key == "down" else -1) < len(self.options):
            self.choose(self.index + (1 if key == "down" else -1))
        elif char and char.isdigit() and 1 <= int(char) <= len(self.options):
            self.choose(int(char) - 1)
        elif char and char.isalpha() and len(char) == 1 and self._jump(char):
            pass
        else:
            await run_binding_here(self, event)
            return
        event.stop()
        event.prevent_default()

    def _jump(self, letter: str) -> bool:
        """The next option whose label starts with ``letter`` (after the chosen one, wrapping)."""
        count = len(self.options)
        for step in range(1, count + 1):
            index = (self.index + step) % count
            if self.options[index][0][:1].casefold() == letter.casefold():
                self.choose(index)
                return True
        return False

    def render(self) -> Content:
        chosen = self.get_visual_style("choice-field--chosen")
        if not self.lines:
            label = self.options[self.index][0]
            return Content.assemble((f"‹ {label} ›", chosen), f" {self.index + 1}/{len(self.options)}")
        parts: list[str | tuple[str, object]] = []
        for n, (label, value) in enumerate(self.options):
            if n:
                parts.append("\n")
            if value == self.value:
                parts.append((CHOSEN + label, chosen))
            else:
                parts.append(OTHER + label)
        return Content.assemble(*parts)  # type: ignore[arg-type]

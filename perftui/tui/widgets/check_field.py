"""A checkbox whose state is a character, ``[x]`` or ``[ ]``, not a colour alone.

Textual's ``Checkbox`` draws the same ``X`` ticked or not and tells them apart
by colour, which NO_COLOR and ``TERM=linux``/``vt100`` terminals do not show.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class CheckField(Checkbox):
    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    def render(self) -> Content:
        self.BUTTON_INNER = "x" if self.value else " "
        return super().render()

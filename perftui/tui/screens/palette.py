"""Textual's command palette with a way out that is not Esc alone (ctrl+w; ctrl+p again)."""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette

from perftui.tui import keys


class Palette(CommandPalette):
    BINDINGS = keys.bindings(keys.PALETTE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

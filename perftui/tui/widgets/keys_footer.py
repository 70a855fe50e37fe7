"""A footer that fits the terminal: the keys that matter most, the rest folded into ``?``.

Textual's footer lays every key of the screen out in one line and cuts what
does not fit, so at 80 columns the grid's footer lost its last keys halfway
through a word (``esc 返回  ^▏^p 命``). This one measures the keys by display
width (a Chinese description is two columns a character) and, when they do not
all fit, leaves out the least-used ones; ``?`` (help, which lists every key of
the screen) then says ``更多``.

It also shows each key's description in the operator's language (the bindings
hold the msgids: see :mod:`perftui.tui.keys`) and, in read-only mode, leaves
out the keys that would change the database: they stay bound, so pressing one
still says why nothing happens.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from perftui.i18n import gettext as _
from perftui.text.width import width
from perftui.tui import keys

#: Never folded: the way to the others, and the way out.
ALWAYS = ("app.help", "app.quit")
#: The rest, most used first; keys not listed come after these, in the screen's order.
PRIORITY = (
    "editor.save", "grid.save", "track.save", "export.save",
    "list.open", "list.filter", "list.new",
    "grid.edit", "grid.add", "editor.indicators", "editor.leave", "grid.leave",
    "list.copy", "list.delete", "grid.delete", "grid.undo", "list.sort", "list.year",
)


def item_width(key_display: str, description: str) -> int:
    """Columns a key takes in the footer: `` key `` then ``description ``."""
    return width(key_display) + 2 + (width(description) + 1 if description else 0)


def rank(binding_id: str | None, position: int) -> tuple[int, int]:
    """Lower ranks stay longest."""
    if binding_id in ALWAYS:
        return (0, position)
    if binding_id in PRIORITY:
        return (1, PRIORITY.index(binding_id))
    return (2, position)


class KeysFooter(Footer):
    """:class:`textual.widgets.Footer` that never cuts a key: it folds the least-used into ``?``."""

    def compose(self) -> ComposeResult:
        active = self.screen.active_bindings
        hidden = keys.WRITES if getattr(self.app, "read_only", False) else frozenset()
        widgets = []
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                binding = getattr(active.get(widget.key, None), "binding", None)
                if getattr(binding, "id", None) in hidden:
                    continue  # read-only: refused when pressed, so not offered
                widget.description = _(widget.description) if widget.description else ""
            widgets.append(widget)
        shown = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        palette = [w for w in widgets if isinstance(w, FooterKey) and w.has_class("-command-palette")]
        room = (self.size.width or self.app.size.width) - sum(
            item_width(w.key_display, w.description) + 2 for w in palette
        )
        ids = {w: getattr(active.get(w.key, None), "binding", None) for w in shown}
        ranked = sorted(shown, key=lambda w: rank(getattr(ids[w], "id", None), shown.index(w)))
        kept = list(ranked)
        while kept and sum(item_width(w.key_display, w.description) for w in kept) > room:
            dropped = next((w for w in reversed(kept) if getattr(ids[w], "id", None) not in ALWAYS), None)
            if dropped is None:
                break
            kept.remove(dropped)
        if len(kept) < len(shown):
            for widget in kept:
                if getattr(ids[widget], "id", None) == "app.help":
                    widget.description = _("更多")  # the help screen lists every key
        yield from (w for w in widgets if w in kept or w in palette or not isinstance(w, FooterKey))

    _laid_out_for = 0

    def on_resize(self) -> None:
        if self.size.width != self._laid_out_for:
            self._laid_out_for = self.size.width
            self.call_after_refresh(self.recompose)


__all__ = ["KeysFooter", "item_width"]

"""The command palette (ctrl+p): every action that applies on the current screen, by name.

Built from :data:`perftui.tui.keys.KEYS`, so a new key is in the palette as soon
as it exists; each hit shows the key that does the same, to teach it.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from perftui.i18n import gettext as _
from perftui.tui import keys


class ActionCommands(Provider):
    def _commands(self) -> list[tuple[str, str, object]]:
        app = self.app
        found = []
        for key in app.actions_here(self.screen):  # type: ignore[attr-defined]
            target = app.key_target(key, self.screen)  # type: ignore[attr-defined]
            shown = keys.display(keys.keys_for(key, getattr(app, "keymap", {})))
            found.append((_(key.description), shown, partial(app.run_action, key.action, target)))
        return found

    async def discover(self) -> Hits:
        for name, shown, run in self._commands():
            yield DiscoveryHit(name, run, help=shown)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, shown, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=shown)

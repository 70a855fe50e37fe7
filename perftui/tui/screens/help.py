"""Every key of the app, with the id to remap it in config.toml.

Generated from :data:`perftui.tui.keys.KEYS` and the operator's keymap, so it
lists the keys that really work, not the defaults. The keys of the screen it was
opened from come first: from the editor, the editor's keys are what was asked for.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from perftui.i18n import gettext as _
from perftui.text.width import pad, width
from perftui.tui import keys
from perftui.tui.widgets.keys_footer import KeysFooter


def help_text(keymap: dict[str, str], first: tuple[str, ...] = ()) -> Text:
    """Every key by scope (``first``'s scopes, then the rest in the usual order)."""
    rows: list[tuple[str, str, str, str]] = []
    for key in keys.KEYS:
        rows.append((key.scope, keys.display(keys.keys_for(key, keymap)), _(key.description), key.id))
    key_width = max(width(r[1]) for r in rows) + 2
    text_width = max(width(r[2]) for r in rows) + 2
    out = Text()
    order = [scope for scope in first if scope in keys.SCOPE_TITLES]
    order += [scope for scope in keys.SCOPE_TITLES if scope not in order]
    for scope in order:
        title = keys.SCOPE_TITLES[scope]
        out.append(_(title) + "\n", style="bold underline")
        for row_scope, shown, description, key_id in rows:
            if row_scope == scope:
                out.append("  " + pad(shown, key_width), style="bold")
                out.append(pad(description, text_width))
                out.append(key_id + "\n", style="dim")
        out.append("\n")
    out.append(_("列表中：↑ ↓ PgUp PgDn Home End 移动，Tab 在筛选框和列表之间切换。") + "\n")
    out.append(
        _("改键：在 config.toml 的 [keys] 中写 编号 = \"键\"，例如 \"list.filter\" = \"slash,ctrl+f\"。") + "\n"
    )
    return out


class HelpScreen(Screen):
    # The focus is where keys typed ahead go (perftui.tui.type_ahead): set as the screen starts.
    AUTO_FOCUS = "#help-text"
    KEY_SCOPES = (keys.VIEW,)
    BINDINGS = keys.bindings(keys.VIEW)

    def __init__(self, first: tuple[str, ...] = ()) -> None:
        """``first``: the key scopes of the screen help was asked for on."""
        super().__init__(id="help")
        self.first = first

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help-text"):
            yield Static(help_text(getattr(self.app, "keymap", {}), self.first), markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = _("按键")

    def action_close(self) -> None:
        self.dismiss()

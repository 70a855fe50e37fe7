"""Key descriptions of the editor screens, in the operator's language.

Binding descriptions are msgids marked with ``N_``: Textual merges a class's
``BINDINGS`` when the class is defined, which may be before the CLI chose the
language. Each screen translates its own copy when it is built.
(The shell's ``perftui.tui.keys.translate_bindings`` does the same for its keys.)
"""

from __future__ import annotations

import dataclasses

from textual.binding import BindingsMap
from textual.dom import DOMNode

from perftui.i18n import gettext as _


def translate_bindings(node: DOMNode) -> None:
    """Show ``node``'s binding descriptions in the current language (its own copy only)."""
    node._bindings = BindingsMap.from_keys(
        {
            key: [dataclasses.replace(b, description=_(b.description)) if b.description else b for b in bound]
            for key, bound in node._bindings.key_to_bindings.items()
        }
    )

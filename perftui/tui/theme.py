"""The plain theme: for NO_COLOR and terminals with few or no colours (TERM=linux, vt100).

There, the cursor row of a list looked like its zebra stripes and a chosen
option like the others: the differences were colours the terminal could not
show. This theme draws with the terminal's own colours (ANSI default) and
marks the cursor with reverse video, which every terminal has; chosen options
are marked by characters elsewhere ((•), [x]).
"""

from __future__ import annotations

from textual.theme import Theme

PLAIN = Theme(
    name="perftui-plain",
    ansi=True,
    primary="ansi_default",
    secondary="ansi_default",
    warning="ansi_default",
    error="ansi_default",
    success="ansi_default",
    accent="ansi_default",
    foreground="ansi_default",
    background="ansi_default",
    surface="ansi_default",
    panel="ansi_default",
    boost="ansi_default",
    dark=True,
    variables={
        "block-cursor-foreground": "ansi_default",
        "block-cursor-background": "ansi_default",
        "block-cursor-text-style": "bold reverse",
        "block-cursor-blurred-foreground": "ansi_default",
        "block-cursor-blurred-background": "ansi_default",
        "block-cursor-blurred-text-style": "reverse",
        "input-cursor-background": "ansi_default",
        "input-cursor-foreground": "ansi_default",
        "input-cursor-text-style": "reverse",
        "input-selection-background": "ansi_default",
        "input-selection-foreground": "ansi_default",
        "button-focus-text-style": "bold reverse",
        "footer-key-foreground": "ansi_default",
        "footer-description-foreground": "ansi_default",
        "ansi-background": "ansi_default",
        "ansi-foreground": "ansi_default",
        "border": "ansi_default",
        "border-blurred": "ansi_default",
        "scrollbar": "ansi_default",
        "scrollbar-background": "ansi_default",
        "scrollbar-hover": "ansi_default",
        "scrollbar-active": "ansi_default",
        "scrollbar-background-hover": "ansi_default",
        "scrollbar-background-active": "ansi_default",
        "scrollbar-corner-color": "ansi_default",
    },
)

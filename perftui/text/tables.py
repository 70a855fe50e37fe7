"""Plain-text tables that line up with Chinese text, through tabulate.

tabulate measures cells with wcwidth (installed as ``tabulate[widechars]``), but
it also parses anything that looks like a number: ``80.00`` would print as
``80``. So every cell is pre-formatted text and number parsing is off; amount
columns are right-aligned explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence

LEFT, RIGHT = "left", "right"


def render(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    aligns: Sequence[str] | None = None,
    fmt: str = "simple",
) -> str:
    """A table of text cells; ``aligns`` per column (default left)."""
    import tabulate as _tabulate  # ~60 ms to import: only commands that print tables pay it

    _tabulate.WIDE_CHARS_MODE = True  # decided at import from wcwidth; make sure it is on
    aligns = list(aligns or [LEFT] * len(headers))
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    return _tabulate.tabulate(
        cells,
        headers=list(headers),
        tablefmt=fmt,
        colalign=aligns,
        disable_numparse=True,
        preserve_whitespace=False,
    )

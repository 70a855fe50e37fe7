"""Plain-text tables that line up with Chinese text, through tabulate.

tabulate measures cells with wcwidth (installed as ``tabulate[widechars]``), but
it also parses anything that looks like a number: ``80.00`` would print as
``80``. So every cell is pre-formatted text and number parsing is off; amount
columns are right-aligned explicitly.

Given a ``width`` (the terminal's, or ``--width``), a table that is wider is
narrowed by cutting its text columns (left-aligned: names, units) by display
width with ``…``, the widest first; right-aligned columns (amounts, counts,
years) are never cut, so an amount is never split or shortened.
"""

from __future__ import annotations

from collections.abc import Sequence

from perftui.text.width import truncate, width as display_width

LEFT, RIGHT = "left", "right"
#: A text column is never cut below this many display columns (or its heading, if narrower).
MIN_TEXT = 8


def render(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    aligns: Sequence[str] | None = None,
    fmt: str = "simple",
    width: int | None = None,
    cut: Sequence[int] | None = None,
) -> str:
    """A table of text cells; ``aligns`` per column (default left); at most ``width`` wide where it can be.

    ``cut``: the text columns that give up room, in that order (each down to its
    floor before the next); default: every left-aligned column, the widest first.
    """
    aligns = list(aligns or [LEFT] * len(headers))
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    text = _draw(headers, cells, aligns, fmt)
    if width is None or measure(text) <= width:
        return text
    natural = [
        max([display_width(h)] + [display_width(row[i]) for row in cells]) for i, h in enumerate(headers)
    ]
    target = list(natural)
    columns = [i for i, a in enumerate(aligns) if a == LEFT] if cut is None else list(cut)
    floors = {i: min(natural[i], max(MIN_TEXT, display_width(headers[i]))) for i in columns}
    for _attempt in range(4):  # tabulate pads a column to its heading: measure again after each cut
        over = measure(text) - width
        if over <= 0:
            break
        narrowed = False
        while over > 0:
            if cut is None:
                column = max(floors, key=lambda i: target[i] - floors[i], default=None)
            else:
                column = next((i for i in columns if target[i] > floors[i]), None)
            if column is None or target[column] <= floors[column]:
                break  # as narrow as it can be and still be read: left wider
            target[column] -= 1
            over -= 1
            narrowed = True
        if not narrowed:
            break
        text = _draw(
            headers, [[truncate(c, target[i]) if i in floors else c for i, c in enumerate(row)] for row in cells],
            aligns, fmt,
        )
    return text


def measure(text: str) -> int:
    """The display width of the widest line of ``text``."""
    return max((display_width(line) for line in text.splitlines()), default=0)


def _draw(headers: Sequence[str], cells: list[list[str]], aligns: list[str], fmt: str) -> str:
    import tabulate as _tabulate  # ~60 ms to import: only commands that print tables pay it

    _tabulate.WIDE_CHARS_MODE = True  # decided at import from wcwidth; make sure it is on
    return _tabulate.tabulate(
        cells,
        headers=list(headers),
        tablefmt=fmt,
        colalign=aligns,
        disable_numparse=True,
        preserve_whitespace=False,
    )

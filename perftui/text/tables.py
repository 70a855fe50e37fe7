"""Plain-text tables that line up with Chinese text, as tabulate draws them.

tabulate measures cells with wcwidth (installed as ``tabulate[widechars]``), but
it also parses anything that looks like a number: ``80.00`` would print as
``80``. So every cell is pre-formatted text and number parsing is off; amount
columns are right-aligned explicitly.

Given a ``width`` (the terminal's, or ``--width``), a table that is wider is
narrowed by cutting its text columns (left-aligned: names, units) by display
width with ``…``, the widest first; right-aligned columns (amounts, counts,
years) are never cut, so an amount is never split or shortened.

tabulate is slow per row (tens of µs: it measures every cell several times)
and costs about 50 ms to import (it reads its version through
``importlib.metadata``). The "simple" format, which the lookups print, is
drawn by :func:`simple` instead, to the character as tabulate draws it, when
every cell is one line of text :func:`~perftui.text.width.plain_width` can
measure; any other table goes to tabulate.
"""

from __future__ import annotations

from collections.abc import Sequence

from perftui.text.width import plain_width, truncate, width as display_width

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


def simple(
    headers: Sequence[str], rows: Sequence[Sequence[str]], aligns: Sequence[str], *, strip: bool = True
) -> str | None:
    """tabulate's "simple" format with headers, number parsing off; None where tabulate must draw it.

    As tabulate lays it out: a column is as wide as its widest cell and at
    least two wider than its heading; cells (``strip``: stripped first, as
    tabulate does unless told to keep whitespace) and headings are padded to
    it by their alignment; columns are joined by two spaces, lines end at
    their last character, and a line of dashes goes under the headings. None (draw it with tabulate) for a table
    with no rows, ragged rows, an alignment other than left or right, or a
    cell or heading :func:`plain_width` cannot measure (several lines,
    control characters, text beyond ASCII and Chinese).
    """
    columns = len(headers)
    if not columns or len(aligns) != columns or any(a not in (LEFT, RIGHT) for a in aligns):
        return None
    if not rows:  # tabulate then aligns every heading left, whatever the columns' alignment
        aligns = [LEFT] * columns
    if any(len(row) != columns for row in rows):
        return None
    if strip:
        rows = [[cell.strip() for cell in row] for row in rows]
    heading_widths = [plain_width(h) for h in headers]
    if None in heading_widths:
        return None
    cells = list(zip(*rows)) or [()] * columns
    measured = []
    for column in cells:
        widths = [plain_width(cell) for cell in column]
        if None in widths:
            return None
        measured.append(widths)
    sizes = [max([h + 2, *widths]) for h, widths in zip(heading_widths, measured)]  # type: ignore[operator]
    padded = []
    for column, widths, size, align in zip(cells, measured, sizes, aligns):
        if align == LEFT:
            padded.append([cell + " " * (size - w) for cell, w in zip(column, widths)])
        else:
            padded.append([" " * (size - w) + cell for cell, w in zip(column, widths)])
    heading = [
        h + " " * (size - w) if align == LEFT else " " * (size - w) + h
        for h, w, size, align in zip(headers, heading_widths, sizes, aligns)  # type: ignore[operator]
    ]
    lines = ["  ".join(heading).rstrip(), "  ".join("-" * size for size in sizes)]
    lines += ["  ".join(row).rstrip() for row in zip(*padded)]  # tabulate ends every line at its last character
    return "\n".join(lines)


def _draw(headers: Sequence[str], cells: list[list[str]], aligns: list[str], fmt: str) -> str:
    if fmt == "simple":
        text = simple(headers, cells, aligns)
        if text is not None:
            return text
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

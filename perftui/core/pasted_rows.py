"""A block of indicator rows pasted from a spreadsheet (Excel, WPS) or a form's text.

Copying cells from a spreadsheet gives one line per row and a tab between
cells; merged 一级/二级 cells come out blank after their first row. A form's
extracted text (what ``perftui import`` reads) has the same shape, sometimes
with an empty column between 三级指标 and 指标值 where the paper form merges
two cells. :func:`read_block` reads either:

- **Whole rows**, when a line starts with a 一级 or 二级 name (or the block is
  pasted on the 一级 column): the levels are read as the importer reads them,
  a row without them continuing the 一级/二级 of the row above, then the
  三级指标 and the 指标值 (the last cell). A header line (一级指标 二级指标…)
  is skipped.
- **Cells**, otherwise: the block's columns fill the grid's columns from the
  one the cursor is on (a column of values pasted on 指标值; 三级 and 指标值
  pasted on 三级).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perftui.core import taxonomy
from perftui.core.normalize import fold

#: The grid's columns, as the paper form orders them (model attribute names).
COLUMNS = ("level1", "level2", "name", "value")

#: A header line names these columns (一级指标, or just 一级 in some layouts).
_HEADINGS = frozenset({"一级", "一级指标", "二级指标", "三级指标"})


@dataclass(frozen=True, slots=True)
class PastedBlock:
    """What a paste writes: per row, the cells it sets (column name -> text)."""

    rows: tuple[dict[str, str], ...]

    def __len__(self) -> int:
        return len(self.rows)


def is_block(text: str) -> bool:
    """Is ``text`` cells (a tab, or several lines) rather than text for one cell?"""
    return "\t" in text or len([line for line in text.splitlines() if line.strip()]) > 1


def _key(cell: str) -> str:
    return re.sub(r"\s+", "", fold(cell))


def _level(cell: str) -> str:
    return taxonomy.canonical_level_name(_key(cell))


def _lines(text: str) -> list[list[str]]:
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        cells = [cell.strip() for cell in line.split("\t")]
        if any(cells):
            lines.append(cells)
    return lines


def read_block(text: str, column: str, layout: str, level1: str = "", level2: str = "") -> PastedBlock:
    """The rows of a pasted block, for the cursor on ``column``.

    ``level1``/``level2``: those of the row above the first one written, which
    a first row without levels continues.
    """
    lines = _lines(text)
    known = taxonomy.all_level1() | taxonomy.all_level2()
    whole = column == "level1" or any(_level(next((c for c in cells if c), "")) in known for cells in lines)
    if not whole:
        start = COLUMNS.index(column)
        return PastedBlock(
            tuple(
                {name: cell for name, cell in zip(COLUMNS[start:], cells)}
                for cells in lines
            )
        )
    rows = []
    for cells in lines:
        if _HEADINGS & {_key(cell) for cell in cells}:
            continue
        level1, level2, rest = _levels([c for c in cells if c], layout, level1, level2)
        if len(rest) > 1:
            name, value = " ".join(rest[:-1]), rest[-1]
        else:
            name, value = (rest[0] if rest else ""), ""
        rows.append({"level1": level1, "level2": level2, "name": name, "value": value})
    return PastedBlock(tuple(rows))


def _levels(cells: list[str], layout: str, level1: str, level2: str) -> tuple[str, str, list[str]]:
    """The 一级 and 二级 a row names (or continues) and the cells after them."""
    rest = list(cells)
    head = _level(rest[0]) if rest else ""
    is_level1 = head in taxonomy.level1_names(layout) or (
        head in taxonomy.all_level1() and head not in taxonomy.all_level2()
    )
    if head == taxonomy.COST:
        # 成本指标 is a 一级 in the 2021 layout, a 二级 under 产出指标 in the older one.
        is_level1 = layout == taxonomy.GUIDELINE_2021
    if is_level1:
        if head != level1:
            level2 = ""  # a new group; the same 一级 written again keeps its 二级
        level1 = head
        rest.pop(0)
        head = _level(rest[0]) if rest else ""
    if head in taxonomy.all_level2() and head not in (taxonomy.all_level1() - {taxonomy.COST}):
        level2 = head
        rest.pop(0)
    return level1, level2, rest

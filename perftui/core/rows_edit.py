"""The indicator rows of a draft, edited row by row, with undo.

The indicator grid is a view of this: every key the operator presses becomes
one call here (add a row, delete one, move one, change a cell, undo), so the
rules (a new row takes the 一级/二级 of the row above; a deleted row can be
brought back; a pasted block is one change) hold without a terminal and are tested without one.

Rows are immutable tuples of :class:`~perftui.core.model.Indicator`; the undo
history keeps earlier tuples, which share their rows, so it costs little.
"""

from __future__ import annotations

from dataclasses import dataclass

from perftui.core import taxonomy
from perftui.i18n import gettext as _
from perftui.core.model import CELL_LIMITS, MAX_INDICATORS, Indicator
from perftui.core.normalize import clean_text, fold
from perftui.core.pasted_rows import COLUMNS, read_block

# COLUMNS: the grid's columns, as the paper form orders them (model attribute names).
LEVEL_COLUMNS = ("level1", "level2")


class PasteError(ValueError):
    """A pasted block that cannot go in (a cell too long, too many rows); str() says why. Nothing changed."""


@dataclass(frozen=True, slots=True)
class Step:
    """An earlier state: the rows and the cursor row, and what changed them."""

    rows: tuple[Indicator, ...]
    cursor: int
    what: str


class RowsEdit:
    """Indicator rows being edited; each change can be undone, newest first."""

    def __init__(self, rows: tuple[Indicator, ...], layout: str = taxonomy.LEGACY):
        self.initial = tuple(rows)
        self.rows = tuple(rows)
        self.layout = layout
        self._undo: list[Step] = []

    @property
    def changed(self) -> bool:
        return self.rows != self.initial

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def _push(self, cursor: int, what: str) -> None:
        self._undo.append(Step(self.rows, cursor, what))

    def add_below(self, index: int | None) -> int:
        """Add an empty row below ``index`` (at the end when None); returns its index.

        The new row takes the 一级 and 二级 of the row above, as the paper form
        continues a group; a first row starts the first group of the layout.
        """
        last = len(self.rows) - 1
        position = (last if index is None else max(-1, min(index, last))) + 1
        above = self.rows[position - 1] if position else None
        level1, level2 = (above.level1, above.level2) if above is not None else self._first_row()[:2]
        self._push(max(position - 1, 0), _("添加第{row}行").format(row=position + 1))
        rows = list(self.rows)
        rows.insert(position, Indicator(level1, level2))
        self.rows = tuple(rows)
        return position

    def delete(self, index: int) -> int:
        """Delete row ``index``; returns the row the cursor goes to (-1 when none is left)."""
        self._check(index)
        self._push(index, _("删除第{row}行").format(row=index + 1))
        self.rows = self.rows[:index] + self.rows[index + 1 :]
        return min(index, len(self.rows) - 1)

    def move(self, index: int, delta: int) -> int:
        """Move row ``index`` up (-1) or down (+1); returns where it is now."""
        self._check(index)
        target = index + delta
        if not 0 <= target < len(self.rows) or delta == 0:
            return index
        self._push(index, _("移动第{row}行").format(row=index + 1))
        rows = list(self.rows)
        rows.insert(target, rows.pop(index))
        self.rows = tuple(rows)
        return target

    def set_cell(self, index: int, column: str, value: str) -> bool:
        """Change one cell; returns False (and records nothing) when it is unchanged."""
        self._check(index)
        if column not in COLUMNS:
            raise KeyError(column)
        value = clean_text(value).strip()
        row = self.rows[index]
        if getattr(row, column) == value:
            return False
        self._push(index, _("修改第{row}行").format(row=index + 1))
        self.rows = self.rows[:index] + (row._replace(**{column: value}),) + self.rows[index + 1 :]
        return True

    def paste(self, index: int, column: str, text: str) -> range:
        """Fill cells from row ``index``, column ``column`` with a pasted block, adding rows
        as needed (see :mod:`perftui.core.pasted_rows`); one undo takes it all back.

        Returns the rows written (empty when the block held nothing).
        """
        if column not in COLUMNS:
            raise KeyError(column)
        index = max(0, min(index, len(self.rows)))
        above = self.rows[index - 1] if index else None
        block = read_block(text, column, self.layout, above.level1 if above else "", above.level2 if above else "")
        if not block:
            return range(index, index)
        rows = list(self.rows)
        for offset, cells in enumerate(block.rows):
            at = index + offset
            if at == len(rows):
                # A new row continues the group above it, as `a` does.
                previous = rows[at - 1] if at else None
                rows.append(Indicator(previous.level1, previous.level2) if previous else self._first_row())
            clean = {name: " ".join(clean_text(value).split()) for name, value in cells.items()}
            for name, value in clean.items():
                problem = cell_problem(name, value)
                if problem is not None:
                    raise PasteError(_("未粘贴：第{row}行 {problem}").format(row=at + 1, problem=problem))
            rows[at] = rows[at]._replace(**clean)
        if len(rows) > MAX_INDICATORS:
            raise PasteError(_("未粘贴：一张表最多 {limit} 行指标").format(limit=MAX_INDICATORS))
        written = range(index, index + len(block))
        if tuple(rows) != self.rows:
            self._push(index, _("粘贴{count}行").format(count=len(block)))
            self.rows = tuple(rows)
        return written

    def _first_row(self) -> Indicator:
        level1 = taxonomy.level1_names(self.layout)[0]
        return Indicator(level1, taxonomy.level2_names(self.layout, level1)[0])

    def undo(self) -> Step | None:
        """Go back one change; returns it (its cursor and description), None if none is left."""
        if not self._undo:
            return None
        step = self._undo.pop()
        self.rows = step.rows
        return step

    def choices(self, index: int, column: str) -> tuple[str, ...]:
        """The names allowed in a 一级 or 二级 cell of row ``index``."""
        if column == "level1":
            return taxonomy.level1_names(self.layout)
        if column == "level2":
            return taxonomy.level2_names(self.layout, self.rows[index].level1)
        return ()

    def _check(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            raise IndexError(index)


def cell_problem(column: str, value: str) -> str | None:
    """The refusal for a cell's text longer than the model allows (None when it fits)."""
    limit = CELL_LIMITS[COLUMNS.index(column)]
    if len(value.strip()) <= limit:
        return None
    return _("这一格最多 {limit} 字（现 {length} 字）").format(limit=limit, length=len(value.strip()))


def filter_choices(choices: tuple[str, ...] | list[str], typed: str) -> list[str]:
    """The choices that contain what was typed, those starting with it first.

    Typed text is folded (full-width, IME punctuation) and compared without
    spaces, so "数量", "数 量" and "数量指标" all find 数量指标.
    """
    needle = "".join(fold(typed).split()).casefold()
    if not needle:
        return list(choices)
    starts = [c for c in choices if c.casefold().startswith(needle)]
    contains = [c for c in choices if needle in c.casefold() and c not in starts]
    return starts + contains


class CellEdit:
    """One cell being typed into: its text, the cursor, and for 一级/二级 the choices.

    The grid keeps this state itself rather than moving the focus to an input
    widget: every key then arrives at one place, in the order it was typed,
    which is what keeps a burst of keys over a slow link (``a`` then a name,
    Tab, a value) from landing in the wrong cell.
    """

    def __init__(self, row: int, column: str, text: str = "", choices: tuple[str, ...] = (), current: str = ""):
        self.row, self.column = row, column
        self.text = text
        self.cursor = len(text)
        self.choices = tuple(choices)
        self.current = current
        self.highlighted = 0
        if current in self.choices:
            self.highlighted = self.choices.index(current)

    @property
    def picks(self) -> bool:
        """Is this a 一级/二级 cell, whose value is chosen from a list?"""
        return self.column in LEVEL_COLUMNS

    @property
    def matches(self) -> list[str]:
        return filter_choices(self.choices, self.text)

    def _typed(self) -> None:
        # What is typed filters the list; the best match is the one Enter takes.
        self.highlighted = 0

    def insert(self, text: str) -> None:
        text = clean_text(text)  # typed or pasted: the door for a cell's text (line breaks become spaces)
        self.text = self.text[: self.cursor] + text + self.text[self.cursor :]
        self.cursor += len(text)
        self._typed()

    def backspace(self) -> None:
        if self.cursor:
            self.text = self.text[: self.cursor - 1] + self.text[self.cursor :]
            self.cursor -= 1
            self._typed()

    def delete(self) -> None:
        if self.cursor < len(self.text):
            self.text = self.text[: self.cursor] + self.text[self.cursor + 1 :]
            self._typed()

    def clear_left(self) -> None:
        self.text, self.cursor = self.text[self.cursor :], 0
        self._typed()

    def clear_right(self) -> None:
        self.text = self.text[: self.cursor]
        self._typed()

    def move(self, delta: int) -> None:
        self.cursor = max(0, min(len(self.text), self.cursor + delta))

    def home(self) -> None:
        self.cursor = 0

    def end(self) -> None:
        self.cursor = len(self.text)

    def choose(self, delta: int) -> None:
        """Move the highlight in the list of choices."""
        if self.picks and self.matches:
            self.highlighted = max(0, min(len(self.matches) - 1, self.highlighted + delta))

    def value(self) -> str | None:
        """What Enter commits: the highlighted choice, or the text; None when no choice matches."""
        if not self.picks:
            return self.text
        matches = self.matches
        if not matches:
            return None
        return matches[min(self.highlighted, len(matches) - 1)]

"""Box-drawn tables joined into one figure, with merged cells, like the paper form.

tabulate draws each table as its own closed box. The official table is one
grid whose blocks (header, funding, goals, indicators) have different columns,
and whose 一级/二级 cells span several rows. Given blocks rendered to the same
width, :func:`join` fuses the bottom border of one with the top border of the
next (junctions pointing up and down where either block has a column border),
and :func:`merge_spans` removes the horizontal rule above a cell that continues
the one above it. Only the border lines are touched, never a cell's text, so
the display width of every line stays what tabulate measured.
"""

from __future__ import annotations

from collections.abc import Sequence

BOX_FORMATS = ("grid", "simple_grid", "rounded_grid")

# Light box-drawing characters by their arms: (up, down, left, right).
_LIGHT = {
    (1, 1, 1, 1): "┼",
    (1, 1, 0, 1): "├",
    (1, 1, 1, 0): "┤",
    (0, 1, 1, 1): "┬",
    (1, 0, 1, 1): "┴",
    (1, 1, 0, 0): "│",
    (0, 0, 1, 1): "─",
    (0, 1, 0, 1): "┌",
    (0, 1, 1, 0): "┐",
    (1, 0, 0, 1): "└",
    (1, 0, 1, 0): "┘",
}
_ARMS = {char: arms for arms, char in _LIGHT.items()}
_ARMS.update({"╭": (0, 1, 0, 1), "╮": (0, 1, 1, 0), "╰": (1, 0, 0, 1), "╯": (1, 0, 1, 0), " ": (0, 0, 0, 0)})


def _arms(char: str) -> tuple[int, int, int, int]:
    return _ARMS.get(char, (0, 0, 0, 0))


def join(blocks: Sequence[str], fmt: str) -> str:
    """One figure from boxes of equal width: each shared border drawn once."""
    lines: list[str] = []
    for block in blocks:
        block_lines = block.splitlines()
        if lines:
            bottom = lines.pop()
            block_lines[0] = _fuse(bottom, block_lines[0], fmt)
        lines.extend(block_lines)
    return "\n".join(lines)


def _fuse(bottom: str, top: str, fmt: str) -> str:
    if len(bottom) != len(top):  # never happens for blocks of equal width; stay correct anyway
        return bottom + "\n" + top
    if fmt == "grid":
        return "".join("+" if "+" in (a, b) else "-" for a, b in zip(bottom, top))
    out = []
    for a, b in zip(bottom, top):
        up, _, left_a, right_a = _arms(a)
        _, down, left_b, right_b = _arms(b)
        out.append(_LIGHT.get((up, down, left_a | left_b, right_a | right_b), a))
    return "".join(out)


def merge_spans(table: str, fmt: str, spanned: Sequence[Sequence[bool]], has_headers: bool = True) -> str:
    """Remove the rule above every cell that continues the cell above it.

    ``spanned[r][c]`` is True when data row ``r``'s cell in column ``c``
    continues row ``r - 1``'s (see :func:`perftui.export.contents.spans`).
    """
    lines = table.splitlines()
    left_char = "+" if fmt == "grid" else "├"
    separators = [i for i, line in enumerate(lines[1:-1], start=1) if line.startswith(left_char)]
    if has_headers:
        separators = separators[1:]  # the rule under the header row
    for k, index in enumerate(separators):
        row = k + 1
        if row < len(spanned) and any(spanned[row]):
            lines[index] = _open_rule(lines[index], spanned[row], fmt)
    return "\n".join(lines)


def _open_rule(rule: str, open_columns: Sequence[bool], fmt: str) -> str:
    junction = "+" if fmt == "grid" else None
    if junction:
        positions = [i for i, char in enumerate(rule) if char == "+"]
    else:
        positions = [i for i, char in enumerate(rule) if _arms(char)[0] and _arms(char)[1]]
    if len(positions) != len(open_columns) + 1:
        return rule  # not a rule of this table's columns
    chars = list(rule)
    for column, is_open in enumerate(open_columns):
        if is_open:
            for i in range(positions[column] + 1, positions[column + 1]):
                chars[i] = " "
    for number, i in enumerate(positions):
        left = number > 0 and not open_columns[number - 1]
        right = number < len(open_columns) and not open_columns[number]
        if fmt == "grid":
            chars[i] = "+" if left or right else "|"
        else:
            chars[i] = _LIGHT[(1, 1, int(left), int(right))]
    return "".join(chars)

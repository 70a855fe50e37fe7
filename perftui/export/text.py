"""Plain-text exports through tabulate: for mail, chat, reports and printing on a server.

Cells reach tabulate as finished text (amounts already ``3,127.56``, number
parsing off), so ``80.00`` stays ``80.00``; tabulate measures them with
wcwidth, so Chinese columns line up. What is added here:

* the whole form in the layout of the official table, its blocks drawn to one
  width; in the box formats they are fused into one figure with the 一级/二级
  cells merged over the rows they span (:mod:`perftui.export.boxes`);
* long goals wrapped by display width in the formats that can hold a cell of
  several lines; the others (markdown, org, rst, html, tsv) get one line per
  cell, because a line break there would start a new row;
* rst repeats 一级/二级 on every row: a blank first cell means "continuation
  line" in an rst simple table; tsv repeats them too, being data for a spreadsheet.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from perftui.text import views
from perftui.export import boxes, contents
from perftui.export.contents import Amount, Cell, Table
from perftui.core.model import Form
from perftui.text.tables import LEFT
from perftui.text.width import pad, truncate, width, wrap

#: Formats whose cells may hold several lines.
WRAPPING = frozenset({"plain", "simple", *boxes.BOX_FORMATS})
#: Formats that show a value once for the rows it spans (rst would read a blank first cell as a continuation).
SPANNING = WRAPPING | {"github", "pipe", "orgtbl", "html"}
#: Markdown tables must begin with a header row.
NEEDS_HEADERS = frozenset({"github", "pipe"})


def cell_text(cell: Cell | None, fmt: str) -> str:
    if isinstance(cell, Amount):
        return views.amount(cell.value)
    text = "" if cell is None else str(cell).strip()
    if "\n" in text and fmt not in WRAPPING:
        text = " ".join(line.strip() for line in text.splitlines() if line.strip())
    if "\t" in text:
        text = text.replace("\t", " ")
    return text


@dataclass
class Block:
    """One table of an export, before it is drawn to its final width."""

    headers: list[str]
    rows: list[list[Cell]]
    aligns: list[str]
    stretch: tuple[int, ...] = (0,)  # the columns that share any extra width
    wrap: tuple[int, ...] = ()  # the columns that wrap when the block is too wide
    spanned: list[list[bool]] = field(default_factory=list)
    raw: bool = False  # cells already laid out (the title box): no stripping
    cut: tuple[int, ...] = ()  # the columns cut with … when the block is too wide (a table read across)

    @classmethod
    def of(cls, table: Table, fmt: str, stretch: tuple[int, ...] = (0,)) -> Block:
        spanning = fmt in SPANNING and table.span_columns
        rows = table.display_rows() if spanning else [list(row) for row in table.rows]
        if table.total is not None:
            rows.append(list(table.total))
        spanned = table.spanned if spanning else []
        return cls(
            list(table.headers), rows, list(table.aligns), stretch=stretch, wrap=table.wrap_columns, spanned=spanned,
            cut=table.cut_columns,
        )


def draw(block: Block, fmt: str, min_width: int = 0) -> str:
    """The block as tabulate draws it, widened to ``min_width`` columns if narrower."""
    text_of = (lambda cell: "" if cell is None else str(cell)) if block.raw else (lambda cell: cell_text(cell, fmt))
    headers = [text_of(h) for h in block.headers]
    rows = [[text_of(c) for c in row] for row in block.rows]
    if not headers and fmt in NEEDS_HEADERS and rows:
        headers, rows = rows[0], rows[1:]
    text = _tabulate(headers, rows, block.aligns, fmt)
    short = min_width - measure(text) if min_width > 0 else 0  # (measuring ten thousand lines for nothing)
    target = headers if headers else (rows[0] if rows else None)
    if short > 0 and target is not None:
        columns = block.stretch
        original = {column: target[column] for column in columns}
        # tabulate keeps a column at least two wider than its header (MIN_PADDING).
        bonus = 2 if headers else 0
        natural = {
            column: max(
                [width(headers[column]) + bonus if headers else 0]
                + [width(line) for row in rows for line in row[column].splitlines() or [""]]
            )
            for column in columns
        }
        # Share the room out; then correct the first column by what tabulate's
        # own padding rules (a header's minimum padding, say) made of it.
        extra = {column: short // len(columns) + (i < short % len(columns)) for i, column in enumerate(columns)}
        for _attempt in range(4):
            for column in columns:
                first, *rest = original[column].split("\n")
                padded = pad(first, natural[column] + extra[column] - bonus, block.aligns[column])
                target[column] = "\n".join([padded, *rest])
            text = _tabulate(headers, rows, block.aligns, fmt)
            short = min_width - measure(text)
            if short == 0:
                break
            extra[columns[0]] += short
    if block.spanned and fmt in boxes.BOX_FORMATS:
        text = boxes.merge_spans(text, fmt, block.spanned, has_headers=bool(headers))
    if fmt == "tsv":
        # tabulate pads tsv cells to a column width: a spreadsheet would keep the spaces.
        text = "\n".join("\t".join(cell.strip() for cell in line.split("\t")) for line in text.splitlines())
    elif fmt == "html":
        text = _HTML_PADDING.sub(r"\1\2\3", text)  # the same padding, inside <td>
    return text


_HTML_PADDING = re.compile(r"(<t[dh](?:\s[^>]*)?>)\s*(.*?)\s*(</t[dh]>)", re.DOTALL)


def _tabulate(headers: Sequence[str], rows: Sequence[Sequence[str]], aligns: Sequence[str], fmt: str) -> str:
    import tabulate as _t  # ~60 ms: only exports that print tables pay it

    _t.WIDE_CHARS_MODE = True
    return _t.tabulate(
        [list(row) for row in rows],
        headers=list(headers),
        tablefmt=fmt,
        colalign=list(aligns),
        disable_numparse=True,
        # Cells are stripped in cell_text; kept whitespace is the padding draw() added.
        preserve_whitespace=True,
    )


def measure(text: str) -> int:
    return max((width(line) for line in text.splitlines()), default=0)


# -- tables -----------------------------------------------------------------------


def table(table: Table, fmt: str, limit: int, *, cut: bool = False) -> str:
    """A summary or indicator table in ``fmt``; long text wraps (or, with ``cut``, in a table read
    across, one line per row, is cut with …) to keep it within ``limit`` where it can."""
    block = fit(Block.of(table, fmt), fmt, limit)
    text = draw(cut_to(block, fmt, limit) if cut else block, fmt)
    return _html_document(text, None) if fmt == "html" else text


# -- whole forms --------------------------------------------------------------------


def _overhead(fmt: str, columns: int) -> int:
    """Columns a table of ``fmt`` spends on borders and padding (cells of width 1)."""
    return measure(_tabulate(["x"] * columns, [["x"] * columns], [LEFT] * columns, fmt)) - columns


MIN_WRAPPED_COLUMN = 12


def fit(block: Block, fmt: str, limit: int) -> Block:
    """Wrap the block's ``wrap`` columns (by display width) so it is at most ``limit`` wide.

    The widest of them gives up a column at a time, so long texts share the
    narrowing; none goes below :data:`MIN_WRAPPED_COLUMN`, and a block that
    still does not fit is left wider rather than made unreadable.
    """
    if fmt not in WRAPPING or not block.wrap:
        return block
    over = measure(draw(block, fmt)) - limit
    if over <= 0:
        return block
    rows = [list(row) for row in block.rows]
    texts = {column: [cell_text(row[column], fmt) for row in rows] for column in block.wrap}
    widths = {
        column: max((width(line) for text in cells for line in text.splitlines()), default=0)
        for column, cells in texts.items()
    }
    target = dict(widths)
    while over > 0:
        column = max(target, key=lambda c: target[c])
        if target[column] <= MIN_WRAPPED_COLUMN:
            break
        target[column] -= 1
        over -= 1
    for column, cells in texts.items():
        if target[column] < widths[column]:
            for row, text in zip(rows, cells):
                row[column] = "\n".join(wrap(text, target[column]))
    return dataclasses.replace(block, rows=rows)


#: A text column is not cut narrower than this (or its heading, if that is narrower).
MIN_CUT_COLUMN = 8


def cut_to(block: Block, fmt: str, limit: int) -> Block:
    """Cut the ``cut`` columns of a table read across (the summary) by display width with …, so it is
    at most ``limit`` wide: each in turn down to :data:`MIN_CUT_COLUMN`; amounts are never cut."""
    if fmt not in WRAPPING or not block.cut:
        return block
    over = measure(draw(block, fmt)) - limit
    if over <= 0:
        return block
    if block.headers:
        # First the headings wrap, between their two-character words, to their column's values
        # (年度财政/拨款 over amounts; 项目/名称 over names about to be cut): the rows stay one line each.
        headers = list(block.headers)
        for column, heading in enumerate(headers):
            values = max((width(cell_text(row[column], fmt)) for row in block.rows), default=0)
            room = MIN_CUT_COLUMN - 2 if column in block.cut else values
            if isinstance(heading, str) and width(heading) > max(room, 4):
                headers[column] = "\n".join(wrap(heading, max(4, room // 4 * 4)))
        block = dataclasses.replace(block, headers=headers)
        over = measure(draw(block, fmt)) - limit
        if over <= 0:
            return block
    texts = {column: [cell_text(row[column], fmt) for row in block.rows] for column in block.cut}
    widths = {column: max((width(text) for text in cells), default=0) for column, cells in texts.items()}
    floors = {column: min(widths[column], MIN_CUT_COLUMN) for column in block.cut}
    target = dict(widths)
    fitted = block
    for _attempt in range(4):  # a heading's padding can keep a column wider: measure again
        narrowed = False
        while over > 0:
            column = next((c for c in block.cut if target[c] > floors[c]), None)
            if column is None:
                break  # as narrow as it can be read: left wider
            target[column] -= 1
            over -= 1
            narrowed = True
        if not narrowed:
            break
        rows = [list(row) for row in block.rows]
        for column, cells in texts.items():
            for row, text in zip(rows, cells):
                row[column] = truncate(text, target[column])
        fitted = dataclasses.replace(block, rows=rows)
        over = measure(draw(fitted, fmt)) - limit
        if over <= 0:
            break
    return fitted


def _blocks(form: Form, fmt: str, goal_width: int, limit: int) -> list[Block]:
    header = Block([], contents.header_rows(form), [LEFT] * 4, stretch=(1, 3), wrap=(1, 3))
    funding = Block.of(contents.funding_table(form), fmt, stretch=(0, 1, 2))
    indicators = Block.of(contents.form_indicators(form), fmt, stretch=(2,))
    if fmt in WRAPPING:
        column = max(8, (goal_width - _overhead(fmt, 2)) // 2)
        goals = ["\n".join(wrap(text, column)) for text in (form.period_goal, form.annual_goal)]
    else:
        goals = [form.period_goal, form.annual_goal]
    goal_block = Block(contents.goal_headers(), [goals], [LEFT, LEFT], stretch=(0, 1))
    return [fit(header, fmt, limit), funding, goal_block, fit(indicators, fmt, limit)]


_GOALS = 2  # the index of the goals in _blocks()


def _natural_width(form: Form, fmt: str, requested: int) -> int:
    """How wide the form's figure must be: the widest block, fitted to ``requested`` where it can be.

    When another block stays wider than ``requested`` anyway, the goals may
    use that width too.
    """
    blocks = _blocks(form, fmt, requested, requested)
    widest_fixed = max(measure(draw(block, fmt)) for i, block in enumerate(blocks) if i != _GOALS)
    goals = _blocks(form, fmt, max(requested, widest_fixed), requested)[_GOALS]
    titles = max(width(contents.title()), width(contents.year_line(form)), width(contents.unit_line()))
    return max(widest_fixed, measure(draw(goals, fmt)), titles + _overhead(fmt, 1))


def forms(selected: Sequence[Form], fmt: str, requested_width: int) -> str:
    """Whole forms in the layout of the official table, one after the other.

    In the box formats every block of every form is drawn to one width, so
    the blocks fuse into one figure and every line is equally wide; in the
    other formats the width only centres the title and wraps long text.
    """
    figure_width = requested_width
    if fmt in WRAPPING:
        figure_width = max(_natural_width(form, fmt, requested_width) for form in selected)
    parts = [_form(form, fmt, figure_width, requested_width) for form in selected]
    if fmt == "html":
        return _html_document("\n".join(parts), contents.title())
    return "\n\n".join(parts)


def _form(form: Form, fmt: str, figure_width: int, requested_width: int) -> str:
    blocks = _blocks(form, fmt, figure_width, requested_width)
    return figure(blocks, contents.title(), contents.year_line(form), fmt, figure_width)


def figure(blocks: Sequence[Block], title: str, year: str, fmt: str, figure_width: int) -> str:
    """One table's blocks under its heading (``title``, ``year`` line, the unit): a form, a 监控表, a 自评表."""
    if fmt not in boxes.BOX_FORMATS:
        drawn = [draw(block, fmt) for block in blocks]
        return "\n".join(_heading(title, year, fmt, figure_width)) + "\n\n" + "\n\n".join(drawn)
    drawn = [draw(block, fmt, figure_width) for block in blocks]
    inner = figure_width - _overhead(fmt, 1)
    heading = [pad(title, inner, "center")]
    if year:
        heading.append(pad(year, inner, "center"))
    heading.append(pad(contents.unit_line(), inner, "right"))
    title_box = draw(Block([], [["\n".join(heading)]], [LEFT], raw=True), fmt, figure_width)
    return boxes.join([title_box, *drawn], fmt)


def _heading(title: str, year: str, fmt: str, figure_width: int) -> list[str]:
    unit = contents.unit_line()
    if fmt in ("github", "pipe"):
        return [f"## {title}{year}", "", unit]
    if fmt == "orgtbl":
        return [f"* {title}{year}", "", unit]
    if fmt == "rst":
        heading = f"{title}{year}"
        return [heading, "=" * width(heading), "", unit]
    if fmt == "html":
        return [f"<h2>{html.escape(title + year)}</h2>", f"<p>{html.escape(unit)}</p>"]
    if fmt == "tsv":
        return [line for line in (title, year, unit) if line]
    lines = [pad(title, figure_width, "center").rstrip()]
    if year:
        lines.append(pad(year, figure_width, "center").rstrip())
    lines.append(pad(unit, figure_width, "right"))
    return lines


def _html_document(body: str, title: str | None) -> str:
    """A page that opens right from a file: browsers guess the encoding of a bare fragment."""
    head = f"<title>{html.escape(title)}</title>\n" if title else ""
    return f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n{head}</head>\n<body>\n{body}\n</body>\n</html>'

"""The 监控表 and the 自评表 as plain text, drawn like the form (:mod:`perftui.export.text`).

The same blocks as the paper tables, one under the other: the header, the
funding rows, the 年度总体目标, the indicator rows with the new columns, and
for the 自评 the closing line with 总分 and 等级. In the box formats the blocks
are drawn to one width and fused into one figure with the 一级/二级 cells
merged; long texts wrap by display width where the format allows.
"""

from __future__ import annotations

from collections.abc import Sequence

from perftui.export import contents
from perftui.export import text as drawing
from perftui.export.text import WRAPPING, Block, draw, fit, measure
from perftui.export.tracking import (
    Filed,
    funding_reason_row,
    evaluation_footer,
    evaluation_funding,
    evaluation_goals,
    evaluation_indicators,
    monitoring_funding,
    monitoring_goals,
    monitoring_indicators,
    title,
    year_line,
)
from perftui.text.tables import LEFT, RIGHT
from perftui.text.width import width, wrap


def _goal_block(headers: list[str], texts: list[str], fmt: str, goal_width: int) -> Block:
    if fmt in WRAPPING:
        column = max(8, (goal_width - drawing._overhead(fmt, 2)) // 2)
        texts = ["\n".join(wrap(text, column)) for text in texts]
    return Block(headers, [texts], [LEFT, LEFT], stretch=(0, 1))


#: Indicator column headers wider than this wrap (in the formats that can), as the paper's do:
#: "偏差原因分析及改进措施" would otherwise keep its column 22 wide for cells of a few characters.
HEADER_WIDTH = 10
#: Where the long Chinese headers break, between their words.
_HEADER_BREAKS = ("分析", "原因", "预计", "目标", "月")


def narrow_header(header: str) -> str:
    """A long header on two lines, broken after a word where it has one (``全年预计`` / ``完成情况``)."""
    if width(header) <= HEADER_WIDTH:
        return header
    for word in _HEADER_BREAKS:
        at = header.find(word)
        if 0 < at and at + len(word) < len(header):
            first, rest = header[: at + len(word)], header[at + len(word) :]
            if max(width(first), width(rest)) <= 12:
                return f"{first}\n{rest}"
    return "\n".join(wrap(header, HEADER_WIDTH))


def _indicator_block(table, fmt: str) -> Block:
    block = Block.of(table, fmt, stretch=(2,))
    if fmt in WRAPPING:
        block.headers = [narrow_header(header) if column != 2 else header for column, header in enumerate(block.headers)]
    return block


def _blocks(filed: Filed, fmt: str, goal_width: int, limit: int) -> list[Block]:
    header = Block([], contents.header_rows(filed.form), [LEFT] * 4, stretch=(1, 3), wrap=(1, 3))
    reason = Block([], [funding_reason_row(filed)], [LEFT, LEFT], stretch=(1,), wrap=(1,))
    if filed.card is None:  # 监控
        funding = Block.of(monitoring_funding(filed), fmt, stretch=(0,))
        goals = _goal_block(*monitoring_goals(filed), fmt, goal_width)
        indicators = _indicator_block(monitoring_indicators(filed), fmt)
        return [fit(header, fmt, limit), funding, fit(reason, fmt, limit), goals, fit(indicators, fmt, limit)]
    funding = Block.of(evaluation_funding(filed), fmt, stretch=(0,))
    goals = _goal_block(*evaluation_goals(filed), fmt, goal_width)
    indicators = _indicator_block(evaluation_indicators(filed), fmt)
    footer = Block([], [evaluation_footer(filed)], [LEFT, LEFT, LEFT, RIGHT, RIGHT, LEFT], stretch=(1,), wrap=(1,))
    return [fit(header, fmt, limit), funding, fit(reason, fmt, limit), goals, fit(indicators, fmt, limit), fit(footer, fmt, limit)]


#: Where the goals are among the blocks: after the header, the funding and its reason.
_GOALS = 3


def _natural_width(filed: Filed, fmt: str, requested: int) -> int:
    blocks = _blocks(filed, fmt, requested, requested)
    goal = _GOALS
    widest_fixed = max(measure(draw(block, fmt)) for i, block in enumerate(blocks) if i != goal)
    goals = _blocks(filed, fmt, max(requested, widest_fixed), requested)[goal]
    titles = max(width(title(filed.kind)), width(year_line(filed)), width(contents.unit_line()))
    return max(widest_fixed, measure(draw(goals, fmt)), titles + drawing._overhead(fmt, 1))


def figures(items: Sequence[Filed], fmt: str, requested_width: int) -> str:
    """Every record's table, one after the other, as :func:`perftui.export.text.forms` draws forms."""
    figure_width = requested_width
    if fmt in WRAPPING:
        figure_width = max(_natural_width(filed, fmt, requested_width) for filed in items)
    parts = [_figure(filed, fmt, figure_width, requested_width) for filed in items]
    if fmt == "html":
        return drawing._html_document("\n".join(parts), title(items[0].kind))
    return "\n\n".join(parts)


def _figure(filed: Filed, fmt: str, figure_width: int, requested_width: int) -> str:
    blocks = _blocks(filed, fmt, figure_width, requested_width)
    return drawing.figure(blocks, title(filed.kind), year_line(filed), fmt, figure_width)

"""What each export contains, before any format is chosen.

A table here holds amounts as :class:`Amount` (a Decimal, or None for a blank),
not as text: the plain-text writers print them with babel (``3,127.56``), the
CSV writer as stored (``80.00``), the xlsx writer as numbers Excel can sum.
Deciding the rows once keeps every format showing the same forms, in the same
order, with the same total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from perftui.core import findings

from perftui.text import views
from perftui.i18n import N_, gettext as _
from perftui.core.model import Form
from perftui.core.totals import totals
from perftui.text.tables import LEFT, RIGHT


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount cell: the exact value, formatted by each writer in its own way."""

    value: Decimal | None


Cell = str | int | Amount | None


@dataclass(frozen=True)
class Table:
    """Headers, rows and alignments; ``total`` is kept apart so a spreadsheet can sum instead.

    ``span_columns`` are hierarchical columns (项目名称, 一级, 二级): a value equal
    to the one above (and all span columns to its left equal too) continues
    the cell above. :attr:`spanned` says which cells those are, so a writer can
    show each value once for the rows it spans, or merge the cells.
    """

    headers: list[str]
    rows: list[list[Cell]]
    aligns: list[str]
    total: list[Cell] | None = None
    span_columns: tuple[int, ...] = ()
    group_starts: frozenset[int] = frozenset()  # rows where a new form begins: no span crosses them
    #: Columns of long text that plain-text exports may wrap, first to last, to keep within a width.
    #: A summary has none: it is read across, one line per form.
    wrap_columns: tuple[int, ...] = ()
    #: Columns a table read across (the summary) cuts with …, first to last, to keep within a width.
    cut_columns: tuple[int, ...] = ()
    keys: list[str] = field(default_factory=list)  # stable names of the columns, for JSON
    row_ids: list[str] = field(default_factory=list)  # the id of each row's form, for JSON

    @property
    def spanned(self) -> list[list[bool]]:
        return spans(self.rows, self.span_columns, self.group_starts)

    def display_rows(self) -> list[list[Cell]]:
        """The rows with each spanned cell blank: every value shown once for its rows."""
        marks = self.spanned
        return [["" if marks[r][c] else cell for c, cell in enumerate(row)] for r, row in enumerate(self.rows)]

    def all_rows(self) -> list[list[Cell]]:
        return self.rows + ([self.total] if self.total is not None else [])


def spans(
    rows: Sequence[Sequence[Cell]], columns: Sequence[int], group_starts: frozenset[int] = frozenset()
) -> list[list[bool]]:
    """For each cell: does it continue the cell above (same value, same parents)?

    The same rule as :func:`perftui.text.views.indicator_rows`: a 二级 continues
    only while its 一级 does too. Nothing continues into a new group (form).
    """
    marks = [[False] * len(row) for row in rows]
    for r in range(1, len(rows)):
        if r in group_starts:
            continue
        for column in columns:
            if rows[r][column] != rows[r - 1][column]:
                break
            marks[r][column] = True
    return marks


# -- summary ----------------------------------------------------------------


def summary(forms: Sequence[Form]) -> Table:
    """One row per form (项目名称, 年度, 主管部门, 实施单位, the annual funding, status) and a total."""
    headers = [_("项目名称"), _("年度"), _("主管部门"), _("实施单位"), _("年度金额"), _("年度财政拨款"), _("其他资金"), _("状态")]
    rows: list[list[Cell]] = []
    for form in forms:
        annual = form.annual_funding
        rows.append(
            [
                form.name,
                form.year,
                form.department,
                form.unit,
                Amount(annual.total),
                Amount(annual.fiscal),
                Amount(annual.other),
                views.status_text(findings.check(form)),
            ]
        )
    sums = totals(forms)
    total: list[Cell] = [_("合计"), "", "", "", Amount(sums.total), Amount(sums.fiscal), Amount(sums.other), ""]
    return Table(
        headers,
        rows,
        [LEFT, RIGHT, LEFT, LEFT, RIGHT, RIGHT, RIGHT, LEFT],
        total=total,
        # Too wide for --width: 主管部门, then 实施单位, 项目名称 and last the status are cut with …;
        # amounts never are.
        cut_columns=(2, 3, 0, 7),
        keys=["name", "year", "department", "unit", "annual_total", "annual_fiscal", "annual_other", "status"],
        row_ids=[form.id for form in forms],
    )


# -- indicators ---------------------------------------------------------------


def indicators(forms: Sequence[Form]) -> Table:
    """Indicator rows; with the form's name (and year) as columns when they come from several forms."""
    several = len(forms) > 1
    headers = views.indicator_headers()
    keys = ["level1", "level2", "name", "value"]
    if several:
        headers = [_("项目名称"), _("年度"), *headers]
        keys = ["form", "year", *keys]
    rows: list[list[Cell]] = []
    starts = set()
    ids: list[str] = []
    for form in forms:
        prefix = [form.name, form.year] if several else []
        starts.add(len(rows))
        rows.extend([*prefix, row.level1, row.level2, row.name, row.value] for row in form.indicators)
        ids.extend([form.id] * len(form.indicators))
    span_columns = (0, 1, 2, 3) if several else (0, 1)
    return Table(
        headers,
        rows,
        [LEFT] * len(headers),
        span_columns=span_columns,
        group_starts=frozenset(starts),
        wrap_columns=(0, 4, 5, 3) if several else _INDICATOR_WRAP,
        keys=keys,
        row_ids=ids,
    )


#: 三级, 指标值 and 二级 may wrap; 一级 names are short.
_INDICATOR_WRAP = (2, 3, 1)


# -- one form -------------------------------------------------------------------


TITLE = N_("本级预算项目绩效目标表")


def title() -> str:
    return _(TITLE)


def year_line(form: Form) -> str:
    return _("（{year}年度）").format(year=form.year) if form.year else ""


def unit_line() -> str:
    return _("单位：万元")


def header_rows(form: Form) -> list[list[Cell]]:
    """项目名称 / 项目实施期, 主管部门 / 实施单位: label, value, label, value."""
    rows: list[list[Cell]] = [
        [_("项目名称"), form.name, _("项目实施期"), form.period_text],
        [_("主管部门"), form.department, _("实施单位"), form.unit],
    ]
    # An imported form's other header fields (项目属性, 项目负责人…), two to a row.
    extra = list(form.extra_fields)
    for index in range(0, len(extra), 2):
        pair = extra[index : index + 2]
        rows.append([cell for label, value in pair for cell in (label, value)] + ["", ""] * (2 - len(pair)))
    return rows


EXTRA_HEADER = N_("其他栏目")


def row_extra_text(row) -> str:
    """An indicator row's other columns (权重, 中期指标值…) in one cell: ``权重/分值：20；指标方向性：正向``."""
    from perftui.core.model import extra_label

    return "；".join(f"{extra_label(key)}：{text}" for key, text in row.extra)


def funding_table(form: Form) -> Table:
    period, annual = form.period_funding, form.annual_funding
    return Table(
        [_("资金投入（万元）"), _("实施期"), _("年度")],
        [
            [_("金额"), Amount(period.total), Amount(annual.total)],
            [_("其中：财政拨款"), Amount(period.fiscal), Amount(annual.fiscal)],
            [_("其他资金"), Amount(period.other), Amount(annual.other)],
        ],
        [LEFT, RIGHT, RIGHT],
    )


def goal_headers() -> list[str]:
    return [_("实施期目标"), _("年度目标")]


def form_indicators(form: Form) -> Table:
    """The indicator table of one form: 一级 and 二级 span their rows."""
    rows: list[list[Cell]] = [[row.level1, row.level2, row.name, row.value] for row in form.indicators]
    headers = views.indicator_headers()
    if any(row.extra for row in form.indicators):
        # Only a form that has them gets the column: others export as they always did.
        headers = [*headers, _(EXTRA_HEADER)]
        for cells, row in zip(rows, form.indicators):
            cells.append(row_extra_text(row))
        return Table(headers, rows, [LEFT] * 5, span_columns=(0, 1), wrap_columns=(4, *_INDICATOR_WRAP))
    return Table(headers, rows, [LEFT] * 4, span_columns=(0, 1), wrap_columns=_INDICATOR_WRAP)

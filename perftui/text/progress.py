"""Progress through the year as text: the ``perftui progress`` table and the year's figures.

Shared by the CLI and the TUI's summary pane, so both say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence

from perftui.core import scoring
from perftui.core.progress import Progress, ProgressTotals
from perftui.core.tracking import KIND_LABELS
from perftui.i18n import gettext as _
from perftui.text.tables import LEFT, RIGHT, render
from perftui.text.views import amount


def missing_text(row: Progress) -> str:
    return "、".join(_(KIND_LABELS[kind]) for kind in row.missing)


def grade_text(grade: str) -> str:
    return _(scoring.GRADE_LABELS[grade]) if grade else ""


def progress_headers() -> list[str]:
    return [_("项目名称"), _("年度"), _("年度财政拨款"), _("执行数"), _("执行率"), _("自评得分"), _("等级"), _("缺少")]


def progress_row(row: Progress) -> list[str]:
    form = row.form
    return [
        form.name,
        str(form.year or ""),
        amount(form.annual_funding.fiscal),
        amount(row.spent),
        scoring.format_rate(row.rate),
        scoring.format_points(row.score),
        grade_text(row.grade),
        missing_text(row),
    ]


def progress_table(rows: Sequence[Progress], totals: ProgressTotals, fmt: str = "simple") -> str:
    """One row per form and a 合计 row (执行率 across forms, the average 自评 score)."""
    lines = [progress_row(row) for row in rows]
    lines.append(
        [
            _("合计"),
            "",
            amount(totals.fiscal),
            amount(totals.spent),
            scoring.format_rate(totals.rate),
            scoring.format_points(totals.average_score),
            "",
            "",
        ]
    )
    return render(progress_headers(), lines, [LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, LEFT, LEFT], fmt)


def grade_counts_text(totals: ProgressTotals) -> str:
    """``优 3，良 1，中 0，差 0``."""
    return _("，").join(f"{grade_text(name)} {count}" for name, count in totals.grades.items())


def totals_lines(totals: ProgressTotals) -> list[str]:
    """The year's figures in a few lines: missing records, the average score, the grades."""
    return [
        _("{forms} 张表：未填监控 {monitoring} 张，未填自评 {evaluation} 张").format(
            forms=totals.forms, monitoring=totals.without_monitoring, evaluation=totals.without_evaluation
        ),
        _("自评平均分 {average}（{scored} 张）；等级：{grades}").format(
            average=scoring.format_points(totals.average_score, blank="—"),
            scored=totals.scored,
            grades=grade_counts_text(totals),
        ),
    ]

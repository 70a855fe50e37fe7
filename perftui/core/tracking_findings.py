"""What is wrong or doubtful in a 监控 or a 自评, as data: the same findings as a form's.

:func:`check_monitoring` and :func:`check_evaluation` return
:class:`~perftui.core.findings.Finding` lists, errors first, that the CLI
prints and the screens show beside the rows they concern (``row`` is the
1-based indicator row, in the form's order). An ``error`` leaves the record
incomplete; a ``warning`` asks for a look, mostly for a reason not given:

* 自评: 得分 above its 分值; 分值 not adding up to 100; 得分 below 分值 without a
  偏差原因; a written 得分 the rule does not give, without a reason; an
  实际完成值 in another unit than the target's.
* 监控: an 执行率 trailing the share of the year passed (7/12 at 7月31日) by
  more than the margin, without a reason; 完全不可能, or a 全年预计 short of
  the target, without a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from perftui.core import evaluation as _evaluation
from perftui.core import monitoring as _monitoring
from perftui.core import scoring
from perftui.core.evaluation import PARTLY, UNMET, Evaluation
from perftui.core.findings import ERROR, WARNING, Finding
from perftui.core.model import Form
from perftui.core.monitoring import IMPOSSIBLE, Monitoring
from perftui.core.scoring import DEFAULT_RULES, Rules, format_points, format_rate
from perftui.core.target import parse_target
from perftui.i18n import gettext as _


def _sorted(found: Iterable[Finding]) -> list[Finding]:
    found = list(found)
    return [f for f in found if f.is_error] + [f for f in found if not f.is_error]


def _gone(rows: int, from_form: int | None):
    if from_form is None:
        return
    for number in range(from_form + 1, rows + 1):
        yield Finding(WARNING, "indicator-gone", "rows", _("目标表中已没有这条指标"), number)


# -- 自评 -----------------------------------------------------------------------


def check_evaluation(record: Evaluation, form: Form | None = None, rules: Rules = DEFAULT_RULES) -> list[Finding]:
    """Every finding for a 自评; with its ``form``, the rows are first put in the form's order."""
    from_form = None
    layout = None
    if form is not None:
        record = _evaluation.for_form(form, record)
        from_form, layout = len(form.indicators), form.layout
    card = scoring.score(record, layout, rules)
    return _sorted([*_evaluation_funding(record, card), *_evaluation_rows(record, card), *_gone(len(record.rows), from_form)])


def _evaluation_funding(record: Evaluation, card: scoring.Scorecard):
    overall = record.execution.overall
    if overall.base is None:
        yield Finding(ERROR, "required", "funding", _("全年预算数未填写"))
    if overall.spent is None:
        yield Finding(ERROR, "required", "funding", _("全年执行数未填写"))
    if overall.base is not None and overall.spent is not None and overall.spent > overall.base:
        yield Finding(WARNING, "spent-above-budget", "funding", _("执行数超过预算数"))
    yield from _score_findings(card.execution, "execution_score", None, record.funding_reason.strip() != "")
    total = card.weight_total
    if total != scoring.HUNDRED:
        yield Finding(ERROR, "weights", "weights", _("分值合计 {total}，应为100").format(total=format_points(total)))


def _evaluation_rows(record: Evaluation, card: scoring.Scorecard):
    for number, (row, scored) in enumerate(zip(record.rows, card.rows), start=1):
        if not row.actual.strip() and not row.band and row.score is None:
            yield Finding(ERROR, "required", "rows", _("实际完成值未填写"), number)
            continue
        if scoring.units_differ(row.indicator.value, row.actual):
            yield Finding(
                WARNING, "unit", "rows",
                _("实际完成值“{actual}”的单位与指标值“{value}”不同").format(actual=row.actual, value=row.indicator.value),
                number,
            )
        yield from _score_findings(scored, "rows", number, row.has_reason)


def _score_findings(scored: scoring.Scored, field: str, row: int | None, has_reason: bool):
    weight, score, proposal = scored.weight, scored.score, scored.proposal
    if weight is None:
        yield Finding(ERROR, "weight", field, _("分值未填写"), row)
        return
    if score is None:
        if proposal.problem == scoring.NO_BAND:
            message = _("定性指标请选择达成程度（达成／部分达成／未达成）或填写得分")
        elif proposal.problem == scoring.UNIT_MISMATCH:
            message = _("单位不同，无法按规则计分，请填写得分")
        elif proposal.problem == scoring.NO_BUDGET:
            message = _("预算数或执行数缺失，无法计算预算执行得分")
        else:
            message = _("得分未填写")
        yield Finding(ERROR, "score", field, message, row)
        return
    if score > weight:
        yield Finding(
            ERROR, "score-above-weight", field,
            _("得分 {score} 超过分值 {weight}").format(score=format_points(score), weight=format_points(weight)),
            row,
        )
        return
    if has_reason:
        return
    if scored.off_rule:
        if proposal.banded:
            rule = _("{band}：{low}–{high}").format(
                band=_(_evaluation.BAND_LABELS[proposal.band]),
                low=format_points(proposal.low), high=format_points(proposal.high),
            )
        else:
            rule = format_points(proposal.score)
        yield Finding(
            WARNING, "off-rule", field,
            _("得分 {score} 与按规则计算的 {rule} 不符，未说明原因").format(score=format_points(score), rule=rule),
            row,
        )
    elif score < weight:
        yield Finding(
            WARNING, "reason", field,
            _("得分 {score} 低于分值 {weight}，未说明偏差原因").format(score=format_points(score), weight=format_points(weight)),
            row,
        )


# -- 监控 ---------------------------------------------------------------------------


def check_monitoring(record: Monitoring, form: Form | None = None, rules: Rules = DEFAULT_RULES) -> list[Finding]:
    """Every finding for a 监控; with its ``form``, the rows are first put in the form's order."""
    from_form = None
    if form is not None:
        record = _monitoring.for_form(form, record)
        from_form = len(form.indicators)
    return _sorted([*_monitoring_funding(record, rules), *_monitoring_rows(record), *_gone(len(record.rows), from_form)])


def _monitoring_funding(record: Monitoring, rules: Rules):
    day = record.day
    if record.as_of is not None and record.year is not None and record.as_of.year != record.year:
        yield Finding(
            WARNING, "as-of-year", "as_of",
            _("监控时点 {day} 不在{year}年度").format(day=record.as_of.isoformat(), year=record.year),
        )
    overall = record.execution.overall
    if overall.base is None:
        yield Finding(ERROR, "required", "funding", _("年初预算数未填写"))
    if overall.spent is None:
        yield Finding(ERROR, "required", "funding", _("执行数未填写"))
    rate, share = overall.rate, record.share
    if rate is None or share is None:
        return
    if rate > 1:
        yield Finding(WARNING, "spent-above-budget", "funding", _("执行数超过预算数"))
    if rate < share - rules.lag_margin and not record.has_funding_reason:
        yield Finding(
            WARNING, "lagging", "funding",
            _("执行率 {rate} 低于时间进度 {share}（{day}）超过 {margin} 个百分点，未说明偏差原因").format(
                rate=format_rate(rate),
                share=format_rate(share),
                day=day.isoformat() if day else "",
                margin=format((rules.lag_margin * scoring.HUNDRED).normalize(), "f"),
            ),
        )


def short_of_target(value: str, forecast: str) -> bool:
    """Does a 全年预计完成情况 fall short of the 年度指标值 (9 against ≥10; "部分完成")?"""
    target, expected = parse_target(value), parse_target(forecast)
    if target.number is not None and expected.number is not None:
        if scoring.units_differ(value, forecast):
            return False  # not comparable; nothing to say
        share = scoring.propose(value, forecast, Decimal(1)).exact
        return share is not None and share < 1
    return scoring.infer_band(value, forecast) in (PARTLY, UNMET)


def _monitoring_rows(record: Monitoring):
    months = _monitoring.months(record.day)
    for number, row in enumerate(record.rows, start=1):
        if not row.progress.strip():
            yield Finding(ERROR, "required", "rows", _("{months}执行情况未填写").format(months=months), number)
        if not row.likelihood:
            yield Finding(ERROR, "required", "rows", _("完成目标可能性未选择"), number)
        if row.has_reason:
            continue
        if row.likelihood == IMPOSSIBLE:
            yield Finding(WARNING, "impossible", "rows", _("完成目标“完全不可能”，未说明偏差原因"), number)
        elif row.forecast.strip() and short_of_target(row.indicator.value, row.forecast):
            yield Finding(
                WARNING, "forecast-short", "rows",
                _("全年预计“{forecast}”达不到指标值“{value}”，未说明偏差原因").format(
                    forecast=row.forecast, value=row.indicator.value
                ),
                number,
            )

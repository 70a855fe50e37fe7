"""What is wrong or doubtful in a form, as data.

:func:`check` returns a list of :class:`Finding`; the CLI prints them, the TUI
shows them beside the field or row they concern, exports carry the status. A
form with any ``error`` is *incomplete*; ``warning``\\s are worth a look but do
not stop a form from being filed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Iterable, NamedTuple

from perftui.core import money, taxonomy
from perftui.i18n import current_locale, gettext as _
from perftui.core.model import Form, Funding, Indicator

ERROR = "error"
WARNING = "warning"

#: A 满意度 target below this percentage is unusually low for a filed form.
SATISFACTION_FLOOR = Decimal(80)


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str  # ERROR or WARNING
    code: str  # stable, for tests and filters: "required", "sum", ...
    field: str  # a key of model.FIELD_LABELS, or "indicators"
    message: str  # for the operator, in the process's language
    row: int | None = None  # 1-based indicator row, when the finding is about one

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def where(self) -> str:
        from perftui.core.model import FIELD_LABELS
        from perftui.core.tracking import label

        if self.row is not None:
            return _("第{row}行指标").format(row=self.row)
        if self.field in FIELD_LABELS:
            return _(FIELD_LABELS[self.field])
        return label(self.field) or self.field


def check(form: Form) -> list[Finding]:
    """Every finding for ``form``, errors first, in the paper form's reading order."""
    found = [
        *_required(form),
        *_funding(form),
        *_indicators(form),
        *_period_covers_year(form),
    ]
    if not found:
        return found
    return [f for f in found if f.severity == ERROR] + [f for f in found if f.severity != ERROR]


def is_complete(findings: Iterable[Finding]) -> bool:
    return not any(f.is_error for f in findings)


def counts(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for finding in findings:
        if finding.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def _error(code: str, field: str, message: str, row: int | None = None) -> Finding:
    return Finding(ERROR, code, field, message, row)


def _warning(code: str, field: str, message: str, row: int | None = None) -> Finding:
    return Finding(WARNING, code, field, message, row)

#: The fields every form must fill (their findings have code "required").
REQUIRED_FIELDS = (
    "year", "name", "period", "department", "unit", "funding.annual.total", "funding.annual.fiscal", "goals.annual",
)


def _required(form: Form):
    if form.year is None:
        yield _error("required", "year", _("年度未填写"))
    if not form.name.strip():
        yield _error("required", "name", _("项目名称未填写"))
    if not form.period_text.strip():
        yield _error("required", "period", _("项目实施期未填写"))
    if not form.department.strip():
        yield _error("required", "department", _("主管部门未填写"))
    if not form.unit.strip():
        yield _error("required", "unit", _("实施单位未填写"))
    if form.annual_funding.total is None:
        yield _error("required", "funding.annual.total", _("年度金额未填写"))
    if form.annual_funding.fiscal is None:
        yield _error("required", "funding.annual.fiscal", _("年度财政拨款未填写"))
    if not form.annual_goal.strip():
        yield _error("required", "goals.annual", _("年度目标未填写"))


def _sum_mismatch(scope: str, funding: Funding):
    implied = funding.implied_total
    if funding.total is None or implied is None or implied == funding.total:
        return
    yield _error(
        "sum",
        f"funding.{scope}.total",
        _("财政拨款 {fiscal} + 其他资金 {other} = {implied}，与金额 {total} 不符").format(
            fiscal=money.format_amount(funding.fiscal or Decimal(0)),
            other=money.format_amount(funding.other or Decimal(0)),
            implied=money.format_amount(implied),
            total=money.format_amount(funding.total),
        ),
    )


def _amount_of(form: Form, field: str) -> Decimal | None:
    """funding.annual.fiscal -> form.annual_funding.fiscal."""
    _funding_word, scope, part = (field.split(".") + ["", "", ""])[:3]
    funding = form.annual_funding if scope == "annual" else form.period_funding
    return getattr(funding, part, None)


def _funding(form: Form):
    yield from _sum_mismatch("period", form.period_funding)
    yield from _sum_mismatch("annual", form.annual_funding)
    for field, note in form.amount_notes:
        if _amount_of(form, field) is None:
            # 参见附件1具体金额: words where the figure should be; no amount was read.
            yield _warning("amount-words", field, _("金额处写的是文字“{note}”，没有读到金额，请核对").format(note=note))
        else:
            # 854万(高标准农田建设400万元,…): the leading amount was read; the words may change it.
            yield _warning("amount-note", field, _("金额后还写有文字“{note}”，请核对金额").format(note=note))
    annual, period = form.annual_funding.total, form.period_funding.total
    if annual is not None and period is not None and annual > period:
        yield _error(
            "annual-above-period",
            "funding.annual.total",
            _("年度金额 {annual} 大于实施期金额 {period}").format(
                annual=money.format_amount(annual), period=money.format_amount(period)
            ),
        )


def _indicators(form: Form):
    layout = form.layout
    annual = form.annual_funding.total
    locale = current_locale()
    present: set[str] = set()
    row_findings: list[Finding] = []
    facts_of = _row_facts  # (locals: this loop runs for every row of every form a list checks)
    for number, row in enumerate(form.indicators, start=1):
        found, counts, cost = facts_of(layout, row, locale)
        if counts:
            present.add(row.level1)
        if found:
            row_findings += [Finding(severity, code, "indicators", message, number) for severity, code, message in found]
        if cost and annual is not None:
            row_findings.extend(_cost_check(annual, number, row))
    for level1 in taxonomy.REQUIRED_LEVEL1:
        if level1 not in present:
            yield _error("missing-level1", "indicators", _("缺少{level1}").format(level1=level1))
    yield from row_findings


class _RowFacts(NamedTuple):
    findings: tuple[tuple[str, str, str], ...]  # (severity, code, message)
    counts: bool  # the row counts as an indicator under its 一级 (it has a name or a value)
    cost: bool  # a cost indicator with a value: compared with the form's 年度金额


@lru_cache(maxsize=65536)
def _row_facts(layout: str, row: Indicator, locale: str) -> _RowFacts:
    """What is wrong with one row by itself, whatever form it is in.

    Cached: forms repeat the same rows (满意度 ≥90%, 提高高新区影响力 较好) year
    after year, and checking ten thousand forms row by row was most of the
    time the list took to appear. ``locale`` is part of the key because the
    messages are in the process's language.
    """
    found: list[tuple[str, str, str]] = []
    allowed = taxonomy.TAXONOMY[layout]
    if row.level1 not in allowed:
        found.append((ERROR, "level1", _("一级指标“{level1}”不在{layout}的指标体系中").format(
            level1=row.level1 or _("（空）"), layout=_(taxonomy.LAYOUT_NAMES[layout])
        )))
    elif row.level2 not in allowed[row.level1]:
        found.append((ERROR, "level2", _("二级指标“{level2}”不能列在“{level1}”之下").format(
            level2=row.level2 or _("（空）"), level1=row.level1
        )))
    if not row.name.strip():
        found.append((ERROR, "indicator-name", _("三级指标未填写")))
    counts = bool(row.name.strip() or row.value.strip())
    if not row.value.strip():
        found.append((ERROR, "indicator-value", _("指标值未填写")))
        return _RowFacts(tuple(found), counts, False)
    target = row.target
    if target.is_percentage and target.number is not None:
        if target.number > 100:
            found.append((ERROR, "percent", _("百分比指标值 {value} 超过100%").format(value=row.value)))
        if row.level1 == taxonomy.SATISFACTION and target.number < SATISFACTION_FLOOR:
            found.append((WARNING, "satisfaction-low", _("满意度指标值 {value} 低于80%").format(value=row.value)))
    return _RowFacts(tuple(found), counts, taxonomy.is_cost(layout, row.level1, row.level2))


def _cost_check(annual: Decimal, number: int, row: Indicator):
    target = row.target
    ceiling = target.in_wan_yuan()
    if ceiling is not None and target.is_ceiling and ceiling > annual:
        yield _warning(
            "cost-above-annual",
            "indicators",
            _("成本指标 {value} 高于年度金额 {annual} 万元").format(
                value=row.value, annual=money.format_amount(annual)
            ),
            number,
        )


def _period_covers_year(form: Form):
    period = form.period
    if form.year is None or not form.period_text.strip():
        return
    if not period.parsed:
        yield _warning("period-unparsed", "period", _("无法识别的日期范围“{text}”").format(text=form.period_text))
    elif not period.covers_year(form.year):
        yield _warning(
            "period-year",
            "period",
            _("{text} 不含{year}年度").format(text=form.period_text, year=form.year),
        )

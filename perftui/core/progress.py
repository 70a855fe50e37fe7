"""Where each form stands in its year: money spent, 自评 score and 等级, records missing.

One :class:`Progress` per form (``perftui progress``, the summary pane), and
:class:`ProgressTotals` across forms. The 执行数 is the latest known: the
自评's 全年执行数 once a 自评 reports one, else the 监控's 1–7月执行数; it is
the 财政拨款 row's when that row reports one (the figure the forms' totals are
about), else the 年度资金总额 row's. The 执行率 divides it by the same row's
全年预算数, else its 年初预算数.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from perftui.core import evaluation as _evaluation
from perftui.core import scoring
from perftui.core.evaluation import Evaluation
from perftui.core.execution import Execution, Spending
from perftui.core.model import Form
from perftui.core.monitoring import Monitoring
from perftui.core.scoring import DEFAULT_RULES, Rules
from perftui.core.tracking import EVALUATION, MONITORING

ZERO = Decimal(0)


def tracked_spending(execution: Execution) -> Spending:
    """The row a record's 执行数 is read from: 财政拨款 when it reports a 执行数, else the overall."""
    return execution.fiscal if execution.fiscal.spent is not None else execution.overall


@dataclass(frozen=True, slots=True)
class Progress:
    form: Form
    monitoring: Monitoring | None
    evaluation: Evaluation | None
    spending: Spending | None  # the row the 执行数 is from (None: no record reports one)
    score: Decimal | None  # the 自评's 总分 (None: no 自评, or a score missing)
    grade: str

    @property
    def spent(self) -> Decimal | None:
        return self.spending.spent if self.spending else None

    @property
    def rate(self) -> Decimal | None:
        return self.spending.rate if self.spending else None

    @property
    def missing(self) -> tuple[str, ...]:
        """The kinds of record the form has none of (MONITORING, EVALUATION)."""
        return tuple(
            kind for kind, record in ((MONITORING, self.monitoring), (EVALUATION, self.evaluation)) if record is None
        )


def progress_of(
    form: Form, monitoring: Monitoring | None, evaluation: Evaluation | None, rules: Rules = DEFAULT_RULES
) -> Progress:
    spending = None
    for record in (evaluation, monitoring):
        if record is not None and tracked_spending(record.execution).spent is not None:
            spending = tracked_spending(record.execution)
            break
    score, grade = None, ""
    if evaluation is not None:
        card = scoring.score(_evaluation.for_form(form, evaluation), form.layout, rules)
        if card.complete:
            score, grade = card.total, card.grade(rules)
    return Progress(form, monitoring, evaluation, spending, score, grade)


def progress(
    forms: Iterable[Form],
    monitorings: Mapping[str, Monitoring],
    evaluations: Mapping[str, Evaluation],
    rules: Rules = DEFAULT_RULES,
) -> list[Progress]:
    """One :class:`Progress` per form, in the forms' order."""
    return [progress_of(f, monitorings.get(f.id), evaluations.get(f.id), rules) for f in forms]


@dataclass(frozen=True)
class ProgressTotals:
    """The year at a glance: money spent, forms without records, how the 自评 came out."""

    forms: int = 0
    fiscal: Decimal = ZERO  # the forms' 年度财政拨款
    spent: Decimal = ZERO  # 执行数, over the forms that report one
    base: Decimal = ZERO  # what those forms' 执行率 divide by
    without_monitoring: int = 0
    without_evaluation: int = 0
    scored: int = 0  # forms with a complete 自评 score
    score_sum: Decimal = ZERO
    grades: Mapping[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> Decimal | None:
        """执行率 across the forms that report both figures."""
        return self.spent / self.base if self.base else None

    @property
    def average_score(self) -> Decimal | None:
        return self.score_sum / self.scored if self.scored else None

    @classmethod
    def of(cls, rows: Iterable[Progress], rules: Rules = DEFAULT_RULES) -> ProgressTotals:
        forms = without_monitoring = without_evaluation = scored = 0
        fiscal = spent = base = score_sum = ZERO
        grades: Counter[str] = Counter()
        for row in rows:
            forms += 1
            fiscal += row.form.annual_funding.fiscal or ZERO
            spending = row.spending
            if spending is not None and spending.spent is not None and spending.base:
                spent += spending.spent
                base += spending.base
            without_monitoring += row.monitoring is None
            without_evaluation += row.evaluation is None
            if row.score is not None:
                scored += 1
                score_sum += row.score
                grades[row.grade] += 1
        ordered = {name: grades[name] for _lowest, name in rules.grades}
        return cls(forms, fiscal, spent, base, without_monitoring, without_evaluation, scored, score_sum, ordered)

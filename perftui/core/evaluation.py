"""The 项目支出绩效自评表 of a form: what the year achieved against every target, scored.

After the year ends: 年初预算数, 全年预算数 (A) and 全年执行数 (B) per funding row,
scored 10 × min(B/A, 1); 预期目标 against 实际完成情况; and for each indicator
row its 实际完成值, 分值, 得分 and 偏差原因分析及改进措施; 其他需要说明事项; a
总分 out of 100 and a 等级.

Only what the operator decides is stored: a blank 分值 is the default weight
and a blank 得分 the rule's score (:mod:`perftui.core.scoring` computes both),
so that a form gaining a row re-splits the default weights by itself. A
qualitative row also stores the 达成 band the operator chose.

A record of its own (own id, revision, history), linked to its form by the
form's id and year. Checks are in :mod:`perftui.core.tracking_findings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from perftui.core import money
from perftui.core.execution import Execution, Spending
from perftui.core.model import Form
from perftui.core.normalize import fold
from perftui.core import tracking
from perftui.core.tracking import Record, RecordRow, check_choice, check_text, stored_indicator
from perftui.i18n import N_, gettext as _

#: The bands a qualitative target is judged in (the published 自评表 footnote's three).
MET, PARTLY, UNMET = "达成", "部分达成", "未达成"
BANDS = (MET, PARTLY, UNMET)
BAND_LABELS = {MET: N_("达成"), PARTLY: N_("部分达成"), UNMET: N_("未达成")}

#: The largest 分值 or 得分 anyone can mean: the whole table is 100.
MAX_POINTS = Decimal(100)
MAX_POINT_DECIMALS = 4

_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")


class PointsError(ValueError):
    """A typed 分值 or 得分 that is not one; str() is the message for the operator."""


def parse_points(text: str | None) -> Decimal | None:
    """A 分值 or 得分 as typed or imported (full-width too, a trailing 分 allowed); blank is None.

    Kept as written ("12" stays 12, "11.84" stays 11.84): a published score's
    places are how far it was rounded. Raises :class:`PointsError`.
    """
    if text is None:
        return None
    folded = fold(text).strip().replace(" ", "")
    if folded.endswith("分"):
        folded = folded[:-1]
    if not folded:
        return None
    shown = " ".join(text.split())
    if folded.startswith("-"):
        raise PointsError(_("分数不能为负数：{text}").format(text=shown))
    if not _NUMBER.fullmatch(folded):
        raise PointsError(_("分数只能包含数字和小数点：{text}").format(text=shown))
    try:
        points = Decimal(folded.rstrip(".") if not folded.startswith(".") else "0" + folded)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise PointsError(_("无法识别的分数：{text}").format(text=shown)) from None
    if -points.as_tuple().exponent > MAX_POINT_DECIMALS:
        raise PointsError(_("分数最多保留四位小数：{text}").format(text=shown))
    if points > MAX_POINTS:
        raise PointsError(_("分数不能超过100：{text}").format(text=shown))
    return points


@dataclass(frozen=True, slots=True)
class EvaluationRow(RecordRow):
    """One indicator row of the 自评表."""

    actual: str = ""  # 实际完成值, as written ("90%", "7人", "达成预期指标")
    weight: Decimal | None = None  # 分值; None: the default weight
    score: Decimal | None = None  # 得分; None: the rule's score
    band: str = ""  # for a qualitative target: one of BANDS, or blank
    reason: str = ""  # 偏差原因分析及改进措施

    @property
    def has_reason(self) -> bool:
        return bool(self.reason.strip())

    def to_doc(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator.to_doc(),
            "actual": self.actual,
            "weight": money.canonical(self.weight),
            "score": money.canonical(self.score),
            "band": self.band,
            "reason": self.reason,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> EvaluationRow:
        band = check_choice(doc.get("band", ""), "band", BANDS)
        return cls(
            stored_indicator(doc["indicator"]),
            check_text(doc.get("actual", ""), "actual"),
            money.from_stored(doc.get("weight")),
            money.from_stored(doc.get("score")),
            band,
            check_text(doc.get("reason", ""), "reason"),
        )


@dataclass(frozen=True, slots=True)
class Evaluation(Record):
    """The 项目支出绩效自评表 of one form for one year."""

    execution: Execution = Execution()  # 年初预算数, 全年预算数 (A), 全年执行数 (B) per funding row
    execution_weight: Decimal | None = None  # 预算执行's 分值; None: the default (10)
    execution_score: Decimal | None = None  # 预算执行's 得分; None: 分值 × min(B/A, 1)
    funding_reason: str = ""  # why the money was not all spent
    goal_expected: str = ""  # 年度总体目标: 预期目标
    goal_actual: str = ""  # 年度总体目标: 实际完成情况
    rows: tuple[EvaluationRow, ...] = ()
    notes: str = ""  # 其他需要说明事项

    def to_doc(self) -> dict[str, Any]:
        return {
            **tracking.head_doc(self),
            "funding": self.execution.to_doc(),
            "execution_weight": money.canonical(self.execution_weight),
            "execution_score": money.canonical(self.execution_score),
            "funding_reason": self.funding_reason,
            "goal_expected": self.goal_expected,
            "goal_actual": self.goal_actual,
            "rows": [row.to_doc() for row in self.rows],
            "notes": self.notes,
            **tracking.stamp_doc(self),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Evaluation:
        """Raises KeyError, TypeError, ValueError or ArithmeticError for what is not a 自评 record."""
        return cls(
            **tracking.read_head(doc),
            execution=Execution.from_doc(doc["funding"]),
            execution_weight=money.from_stored(doc.get("execution_weight")),
            execution_score=money.from_stored(doc.get("execution_score")),
            funding_reason=check_text(doc.get("funding_reason", ""), "funding_reason"),
            goal_expected=check_text(doc.get("goal_expected", ""), "goal_expected"),
            goal_actual=check_text(doc.get("goal_actual", ""), "goal_actual"),
            rows=tracking.read_rows(doc, EvaluationRow.from_doc),
            notes=check_text(doc.get("notes", ""), "notes"),
        )


def for_form(form: Form, existing: Evaluation | None = None) -> Evaluation:
    """The form's 自评, its rows in the form's order: ``existing`` aligned, or a new blank one.

    A new one starts from the form's 年度资金 as 年初预算数 and 全年预算数 and
    its 年度目标 as 预期目标.
    """
    if existing is None:
        annual = form.annual_funding
        existing = Evaluation(
            form_id=form.id,
            year=form.year,
            execution=Execution(
                total=Spending(initial=annual.total, budget=annual.total),
                fiscal=Spending(initial=annual.fiscal, budget=annual.fiscal),
                other=Spending(initial=annual.other, budget=annual.other),
            ),
            goal_expected=form.annual_goal,
        )
    return tracking.follow_form(existing, form, EvaluationRow)


#: What the history records of a save (:func:`perftui.core.tracking.record_changes`).
changes = tracking.record_changes

"""The 绩效运行监控表 of a form: how far the money and each target are, as of a day.

Filed in July (1–7月, as of 7月31日 unless another day is set): the
年初预算数 and 1–7月执行数 of each funding row, how far the 年度总体目标 is, and
for each indicator row its 1–7月执行情况, 全年预计完成情况, 偏差原因分析 (one or
more of the five causes the template lists, plus text), 完成目标可能性 and 备注.

A record of its own (own id, revision, history), linked to its form by the
form's id and year. Checks are in :mod:`perftui.core.tracking_findings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from perftui.core.execution import Execution, share_of_year
from perftui.core.model import Form
from perftui.core import tracking
from perftui.core.tracking import Record, RecordRow, check_choice, check_text, stored_indicator
from perftui.i18n import N_, gettext as _

#: 偏差原因分析: the causes the 财政部 template lists as columns to tick.
FUNDING, RULES, STAFF, EQUIPMENT, OTHER_CAUSE = "经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"
CAUSES = (FUNDING, RULES, STAFF, EQUIPMENT, OTHER_CAUSE)

#: 完成目标可能性.
CERTAIN, POSSIBLE, IMPOSSIBLE = "确定能", "有可能", "完全不可能"
LIKELIHOODS = (CERTAIN, POSSIBLE, IMPOSSIBLE)
LIKELIHOOD_LABELS = {CERTAIN: N_("确定能"), POSSIBLE: N_("有可能"), IMPOSSIBLE: N_("完全不可能")}
CAUSE_LABELS = {
    FUNDING: N_("经费保障"),
    RULES: N_("制度保障"),
    STAFF: N_("人员保障"),
    EQUIPMENT: N_("硬件条件保障"),
    OTHER_CAUSE: N_("其他"),
}

#: The month and day a 监控 is taken at unless set: the 1–7月 report.
DEFAULT_MONTH, DEFAULT_DAY = 7, 31


def default_day(year: int | None) -> date | None:
    return date(year, DEFAULT_MONTH, DEFAULT_DAY) if year else None


def months(day: date | None) -> str:
    """The months a 监控 covers, as its table heads its columns: ``1–7月``."""
    return _("1–{month}月").format(month=day.month if day else DEFAULT_MONTH)


def _causes(values: Any, what: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(type(v) is str for v in values):
        raise TypeError(f"{what} is a list of texts")
    return tuple(values)


def clean_causes(causes: Any) -> tuple[str, ...]:
    """Known causes only, each once, in the template's order."""
    chosen = set(causes)
    return tuple(cause for cause in CAUSES if cause in chosen)


@dataclass(frozen=True, slots=True)
class MonitoringRow(RecordRow):
    """One indicator row of the 监控表."""

    progress: str = ""  # 1–7月执行情况
    forecast: str = ""  # 全年预计完成情况
    causes: tuple[str, ...] = ()  # 偏差原因分析: of CAUSES
    reason: str = ""  # 偏差原因分析, in words
    likelihood: str = ""  # 完成目标可能性: one of LIKELIHOODS, or blank
    note: str = ""  # 备注

    @property
    def has_reason(self) -> bool:
        return bool(self.causes or self.reason.strip())

    def to_doc(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator.to_doc(),
            "progress": self.progress,
            "forecast": self.forecast,
            "causes": list(self.causes),
            "reason": self.reason,
            "likelihood": self.likelihood,
            "note": self.note,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> MonitoringRow:
        likelihood = check_choice(doc.get("likelihood", ""), "likelihood", LIKELIHOODS)
        return cls(
            stored_indicator(doc["indicator"]),
            check_text(doc.get("progress", ""), "progress"),
            check_text(doc.get("forecast", ""), "forecast"),
            _causes(doc.get("causes", []), "causes"),
            check_text(doc.get("reason", ""), "reason"),
            likelihood,
            check_text(doc.get("note", ""), "note"),
        )


@dataclass(frozen=True, slots=True)
class Monitoring(Record):
    """The 绩效运行监控表 of one form for one year."""

    as_of: date | None = None  # None: 7月31日 of ``year``
    execution: Execution = Execution()  # 年初预算数 and 1–7月执行数 per funding row
    causes: tuple[str, ...] = ()  # why the money lags, of CAUSES
    funding_reason: str = ""  # why the money lags, in words
    goal_progress: str = ""  # 年度总体目标: 1–7月执行情况
    rows: tuple[MonitoringRow, ...] = ()

    @property
    def day(self) -> date | None:
        """The day the 监控 is taken at."""
        return self.as_of or default_day(self.year)

    @property
    def share(self):
        """The share of the year passed at :attr:`day` (7/12 at 7月31日), None without a year."""
        day = self.day
        return share_of_year(day) if day else None

    @property
    def has_funding_reason(self) -> bool:
        return bool(self.causes or self.funding_reason.strip())

    def to_doc(self) -> dict[str, Any]:
        return {
            **tracking.head_doc(self),
            "as_of": self.as_of.isoformat() if self.as_of else "",
            "funding": self.execution.to_doc(),
            "causes": list(self.causes),
            "funding_reason": self.funding_reason,
            "goal_progress": self.goal_progress,
            "rows": [row.to_doc() for row in self.rows],
            **tracking.stamp_doc(self),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Monitoring:
        """Raises KeyError, TypeError, ValueError or ArithmeticError for what is not a 监控 record."""
        as_of = check_text(doc.get("as_of", ""), "as_of")
        return cls(
            **tracking.read_head(doc),
            as_of=date.fromisoformat(as_of) if as_of else None,
            execution=Execution.from_doc(doc["funding"]),
            causes=_causes(doc.get("causes", []), "causes"),
            funding_reason=check_text(doc.get("funding_reason", ""), "funding_reason"),
            goal_progress=check_text(doc.get("goal_progress", ""), "goal_progress"),
            rows=tracking.read_rows(doc, MonitoringRow.from_doc),
        )


def for_form(form: Form, existing: Monitoring | None = None) -> Monitoring:
    """The form's 监控, its rows in the form's order: ``existing`` aligned, or a new blank one.

    A new one starts from the form's year and its 年度资金 as 年初预算数.
    """
    if existing is None:
        from perftui.core.execution import Spending

        annual = form.annual_funding
        existing = Monitoring(
            form_id=form.id,
            year=form.year,
            execution=Execution(
                total=Spending(initial=annual.total),
                fiscal=Spending(initial=annual.fiscal),
                other=Spending(initial=annual.other),
            ),
        )
    return tracking.follow_form(existing, form, MonitoringRow)


#: What the history records of a save (:func:`perftui.core.tracking.record_changes`).
changes = tracking.record_changes

"""A 监控 or 自评 being edited, cell by cell, with undo: what the tracking screens are a view of.

The screens show two tables (the funding rows, the indicator rows) and a few
text fields; every cell is described here as data (:class:`Column`: what it
holds, whether it can be typed into, its choices), and every change is one
call to :meth:`RecordEdit.set`, which reads the typed text or refuses it with
a :class:`CellProblem` whose text is the one line the operator sees (nothing
changes then). So the record held here is always a valid record, the rules
are tested without a terminal, and the screens stay thin.

Blank cells have a meaning: a blank 分值 is the default weight and a blank
得分 the rule's score; :meth:`RecordEdit.shown` says what such a cell shows
(dimmed), from the scorecard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from perftui.core import evaluation as _evaluation
from perftui.core import monitoring as _monitoring
from perftui.core import money, scoring
from perftui.core.evaluation import BAND_LABELS, BANDS, Evaluation, PointsError, parse_points
from perftui.core.execution import ROW_LABELS, ROWS, Spending
from perftui.core.findings import Finding
from perftui.core.model import Form
from perftui.core.monitoring import CAUSE_LABELS, CAUSES, LIKELIHOOD_LABELS, LIKELIHOODS, Monitoring
from perftui.core.normalize import fold, quoted
from perftui.core.scoring import DEFAULT_RULES, Rules, Scorecard
from perftui.core.tracking import EVALUATION, MONITORING, doc_changes, label
from perftui.core.tracking_findings import check_evaluation, check_monitoring
from perftui.i18n import N_, gettext as _

# What a cell holds.
READ, TEXT, POINTS, AMOUNT, CHOICE, CHOICES = "read", "text", "points", "amount", "choice", "choices"
# The two tables of a record.
FUNDING, ROWS_SECTION = "funding", "rows"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # msgid; "{months}" is the 监控's months (1–7月)
    kind: str
    choices: tuple[str, ...] = ()  # stored values, for CHOICE and CHOICES
    total_only: bool = False  # a funding column only the 年度资金总额 row has

    def heading(self, months: str) -> str:
        return _(self.label).format(months=months)


_LABEL = Column("label", N_("项目资金（万元）"), READ)
_INITIAL = Column("initial", N_("年初预算数"), AMOUNT)
_NAME = Column("name", N_("三级指标"), READ)
_VALUE = Column("value", N_("年度指标值"), READ)
_RATE = Column("rate", N_("执行率"), READ)

EVALUATION_COLUMNS = {
    FUNDING: (
        _LABEL,
        _INITIAL,
        Column("budget", N_("全年预算数"), AMOUNT),
        Column("spent", N_("全年执行数"), AMOUNT),
        _RATE,
        Column("weight", N_("分值"), POINTS, total_only=True),
        Column("score", N_("得分"), POINTS, total_only=True),
        Column("reason", N_("偏差原因"), TEXT, total_only=True),
    ),
    ROWS_SECTION: (
        _NAME,
        _VALUE,
        Column("actual", N_("实际完成值"), TEXT),
        Column("weight", N_("分值"), POINTS),
        Column("score", N_("得分"), POINTS),
        Column("band", N_("达成程度"), CHOICE, BANDS),
        Column("reason", N_("偏差原因分析及改进措施"), TEXT),
    ),
}
MONITORING_COLUMNS = {
    FUNDING: (
        _LABEL,
        _INITIAL,
        Column("spent", N_("{months}执行数"), AMOUNT),
        _RATE,
        Column("causes", N_("偏差原因类别"), CHOICES, CAUSES, total_only=True),
        Column("reason", N_("偏差原因"), TEXT, total_only=True),
    ),
    ROWS_SECTION: (
        _NAME,
        _VALUE,
        Column("progress", N_("{months}执行情况"), TEXT),
        Column("forecast", N_("全年预计完成情况"), TEXT),
        Column("causes", N_("偏差原因类别"), CHOICES, CAUSES),
        Column("reason", N_("偏差原因分析"), TEXT),
        Column("likelihood", N_("完成目标可能性"), CHOICE, LIKELIHOODS),
        Column("note", N_("备注"), TEXT),
    ),
}
#: The text fields beside the tables, by record kind: (key, label).
FIELDS = {
    EVALUATION: (
        ("goal_expected", N_("年度总体目标：预期目标")),
        ("goal_actual", N_("年度总体目标：实际完成情况")),
        ("notes", N_("其他需要说明事项")),
    ),
    MONITORING: (
        ("as_of", N_("监控时点（默认7月31日）")),
        ("goal_progress", N_("年度总体目标：{months}执行情况")),
    ),
}
_CHOICE_LABELS = {**BAND_LABELS, **LIKELIHOOD_LABELS, **CAUSE_LABELS}


class CellProblem(ValueError):
    """Typed text a cell cannot hold; str() is the one line the operator reads."""


def choice_label(value: str) -> str:
    return _(_CHOICE_LABELS[value]) if value in _CHOICE_LABELS else value


def _choice(column: Column, text: str) -> str:
    """A typed choice as its stored value: the value, its label, or the one choice it starts."""
    typed = "".join(fold(text).split())
    if not typed:
        return ""
    for value in column.choices:
        if typed in (value, "".join(choice_label(value).split())):
            return value
    found = [value for value in column.choices if choice_label(value).startswith(typed) or value.startswith(typed)]
    if len(found) == 1:
        return found[0]
    raise CellProblem(
        _("“{typed}”不是可选的一项（{choices}）").format(
            typed=text.strip(), choices="／".join(choice_label(value) for value in column.choices)
        )
    )


_SEPARATORS = re.compile(r"[、,，;；/／\s]+")


def _choices(column: Column, text: str) -> tuple[str, ...]:
    """Several choices typed in one cell, separated by 、 or spaces ("经费 人员")."""
    picked = []
    for part in _SEPARATORS.split(fold(text)):
        if part:
            picked.append(_choice(column, part))
    return _monitoring.clean_causes(picked)


_DAY = re.compile(r"(?:(\d{4})\s*[年./-]\s*)?(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")


def parse_day(text: str, year: int | None) -> date | None:
    """A 监控时点 as typed ("2024-06-30", "6月30日", "6.30"); blank is the default. Raises CellProblem."""
    folded = "".join(fold(text).split())
    if not folded:
        return None
    match = _DAY.fullmatch(folded)
    try:
        if match is None:
            raise ValueError
        return date(int(match[1] or year or 0), int(match[2]), int(match[3]))
    except ValueError:
        raise CellProblem(_("无法识别的日期：{text}（例如 2024-07-31 或 7月31日）").format(text=quoted(text))) from None


def _amount(text: str) -> Decimal | None:
    try:
        return money.parse_amount(text)
    except money.AmountError as error:
        raise CellProblem(str(error)) from None


def _points(text: str) -> Decimal | None:
    try:
        return parse_points(text)
    except PointsError as error:
        raise CellProblem(str(error)) from None


@dataclass(frozen=True, slots=True)
class Step:
    record: Any
    section: str
    row: int
    what: str


class RecordEdit:
    """A record (aligned with its form) being edited; ``record`` is always valid."""

    def __init__(self, record: Monitoring | Evaluation, form: Form, rules: Rules = DEFAULT_RULES):
        self.form, self.rules = form, rules
        self.initial = self.record = record
        self._undo: list[Step] = []

    @property
    def kind(self) -> str:
        return EVALUATION if isinstance(self.record, Evaluation) else MONITORING

    @property
    def changed(self) -> bool:
        return self.record != self.initial

    @property
    def months(self) -> str:
        return _monitoring.months(self.record.day) if isinstance(self.record, Monitoring) else ""

    def columns(self, section: str) -> tuple[Column, ...]:
        return (EVALUATION_COLUMNS if self.kind == EVALUATION else MONITORING_COLUMNS)[section]

    def column(self, section: str, key: str) -> Column:
        return next(column for column in self.columns(section) if column.key == key)

    def row_count(self, section: str) -> int:
        return len(ROWS) if section == FUNDING else len(self.record.rows)

    def editable(self, section: str, row: int, key: str) -> bool:
        column = self.column(section, key)
        return column.kind != READ and (not column.total_only or row == 0)

    def fields(self) -> tuple[tuple[str, str], ...]:
        return tuple((key, _(label).format(months=self.months)) for key, label in FIELDS[self.kind])

    # -- reading cells ---------------------------------------------------------------

    def text(self, section: str, row: int, key: str) -> str:
        """A cell's text as typing starts from it (amounts and points as stored)."""
        value = self._value(section, row, key)
        if isinstance(value, Decimal):
            return money.canonical(value)
        if isinstance(value, tuple):
            return "、".join(choice_label(v) for v in value)
        column = self.column(section, key)
        if column.kind == CHOICE:
            return choice_label(value) if value else ""
        return "" if value is None else str(value)

    def _value(self, section: str, row: int, key: str) -> Any:
        record = self.record
        if section == FUNDING:
            spending = record.execution.row(ROWS[row])
            if key == "label":
                return _(ROW_LABELS[ROWS[row]])
            if key in ("initial", "budget", "spent"):
                return getattr(spending, key)
            if key == "rate":
                return scoring.format_rate(spending.rate)
            if key == "weight":
                return record.execution_weight
            if key == "score":
                return record.execution_score
            if key == "causes":
                return record.causes
            if key == "reason":
                return record.funding_reason
            raise KeyError(key)
        line = record.rows[row]
        if key == "name":
            return line.indicator.name
        if key == "value":
            return line.indicator.value
        return getattr(line, key)

    def shown(self, section: str, row: int, key: str, card: Scorecard | None = None) -> tuple[str, bool]:
        """What a cell shows, and whether dimmed (a default weight, a rule's score: not typed)."""
        if self.kind == EVALUATION and key in ("weight", "score") and self._value(section, row, key) is None:
            if section == FUNDING and row != 0:
                return "—", True
            card = card or self.card()
            scored = card.execution if section == FUNDING else card.rows[row]
            figure = scored.default_weight if key == "weight" else scored.proposal.score
            return (scoring.format_points(figure, blank="—"), True)
        if section == FUNDING and self.column(section, key).total_only and row != 0:
            return "—", True
        value = self._value(section, row, key)
        if isinstance(value, Decimal):
            return (scoring.format_points(value) if key in ("weight", "score") else money.format_amount(value)), False
        return self.text(section, row, key), False

    def field_text(self, key: str) -> str:
        if key == "as_of":
            day = self.record.as_of
            return day.isoformat() if day else ""
        return getattr(self.record, key)

    # -- changing ------------------------------------------------------------------------

    def set(self, section: str, row: int, key: str, text: str) -> bool:
        """Put typed ``text`` in a cell; False when nothing changed. Raises :class:`CellProblem`."""
        if not self.editable(section, row, key):
            raise CellProblem(_("这一格不能修改"))
        column = self.column(section, key)
        text = " ".join(text.split()) if column.kind != TEXT else text.strip()
        if column.kind == AMOUNT:
            value: Any = _amount(text)
        elif column.kind == POINTS:
            value = _points(text)
        elif column.kind == CHOICE:
            value = _choice(column, text)
        elif column.kind == CHOICES:
            value = _choices(column, text)
        else:
            value = text
        record = self.record
        if section == FUNDING:
            name = ROWS[row]
            if key in ("initial", "budget", "spent"):
                spending = record.execution.row(name)
                changed = record.evolve(execution=record.execution.with_row(name, _with(spending, key, value)))
            else:
                attribute = {"weight": "execution_weight", "score": "execution_score", "reason": "funding_reason"}.get(key, key)
                changed = record.evolve(**{attribute: value})
        else:
            rows = list(record.rows)
            rows[row] = rows[row].evolve(**{key: value})
            changed = record.evolve(rows=tuple(rows))
        return self._become(changed, section, row, _("修改第{row}行").format(row=row + 1))

    def clear(self, section: str, row: int, key: str) -> bool:
        return self.set(section, row, key, "")

    def set_field(self, key: str, text: str) -> bool:
        """A text field beside the tables (goals, notes, the 监控时点). Raises :class:`CellProblem`."""
        if key == "as_of":
            value: Any = parse_day(text, self.record.year)
        else:
            value = text.strip()
        return self._become(self.record.evolve(**{key: value}), "field", 0, _("修改{field}").format(field=label(key) or key))

    def _become(self, record, section: str, row: int, what: str) -> bool:
        if record == self.record:
            return False
        self._undo.append(Step(self.record, section, row, what))
        self.record = record
        return True

    def undo(self) -> Step | None:
        if not self._undo:
            return None
        step = self._undo.pop()
        self.record = step.record
        return step

    def reset(self, record) -> None:
        """Start again from ``record`` (after a save or a reload): no undo across it."""
        self.initial = self.record = record
        self._undo.clear()

    # -- what the record comes to -------------------------------------------------------------

    def card(self) -> Scorecard:
        assert isinstance(self.record, Evaluation)
        return scoring.score(self.record, self.form.layout, self.rules)

    def findings(self) -> list[Finding]:
        if isinstance(self.record, Evaluation):
            return check_evaluation(self.record, self.form, self.rules)
        return check_monitoring(self.record, self.form, self.rules)

    def changes_from(self, other) -> list[tuple[str, Any, Any]]:
        return doc_changes(other.to_doc(), self.record.to_doc(), skip=("id", "revision", "updated_at", "updated_by"))


def _with(spending: Spending, key: str, value: Decimal | None) -> Spending:
    return replace(spending, **{key: value})


def open_record(kind: str, form: Form, stored: Monitoring | Evaluation | None) -> Monitoring | Evaluation:
    """The record a screen opens: the stored one in the form's order, or a new one for the form."""
    if kind == EVALUATION:
        return _evaluation.for_form(form, stored)  # type: ignore[arg-type]
    return _monitoring.for_form(form, stored)  # type: ignore[arg-type]


def summary_line(edit: RecordEdit, card: Scorecard | None = None) -> str:
    """The record at a glance: 总分 and 等级 (自评), or 执行率 against the year's share (监控)."""
    record = edit.record
    overall = record.execution.overall
    if isinstance(record, Evaluation):
        card = card or edit.card()
        grade = card.grade(edit.rules)
        return _("执行率 {rate} · 分值合计 {weights} · 总分 {total} · 等级 {grade}").format(
            rate=scoring.format_rate(overall.rate, blank="—"),
            weights=scoring.format_points(card.weight_total),
            total=scoring.format_points(card.total),
            grade=_(scoring.GRADE_LABELS[grade]) if grade else "—",
        )
    share = record.share
    return _("执行率 {rate} · 时间进度 {share}（{day}）").format(
        rate=scoring.format_rate(overall.rate, blank="—"),
        share=scoring.format_rate(share, blank="—"),
        day=record.day.isoformat() if record.day else "—",
    )

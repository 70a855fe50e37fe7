"""A form being edited, as the text in its fields: read whole, problems per field.

The editor keeps what the operator typed as text, exactly; this module turns
that text into a :class:`~perftui.core.model.Form` (the *draft*) and says, field by
field, what cannot be read. Keeping it out of the UI lets the rules be tested
without a terminal, and lets the CLI or an import reuse them.

A field whose text cannot be read keeps no value in the draft (it reads as
blank) and has a *problem*: a one-line message shown beside the field. A draft
with problems is never saved; findings about a field with a problem are not
shown, because the problem says more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from perftui.core import money
from perftui.i18n import gettext as _
from perftui.core.model import FIELD_LABELS, Form, Funding, field_length_problem, fields_changed, new_id
from perftui.core.normalize import clean_text, fold, quoted
from perftui.core.taxonomy import LAYOUTS

#: Fields holding plain text, as the model spells them.
TEXT_FIELDS = {"name": "name", "period": "period_text", "department": "department", "unit": "unit"}
#: Amount fields: key -> (which funding, which part).
AMOUNT_FIELDS = {
    f"funding.{scope}.{part}": (scope, part)
    for scope in ("period", "annual")
    for part in ("total", "fiscal", "other")
}
GOAL_FIELDS = {"goals.period": "period_goal", "goals.annual": "annual_goal"}

#: Every field of the form in the paper form's reading order: the (年度) heading,
#: then the table row by row, left to right (the funding block row by row,
#: 实施期 before 年度), then the goals. Tab follows this order.
READING_ORDER = (
    "year",
    "layout",
    "name",
    "period",
    "department",
    "unit",
    "funding.period.total",
    "funding.annual.total",
    "funding.period.fiscal",
    "funding.annual.fiscal",
    "funding.period.other",
    "funding.annual.other",
    "goals.period",
    "goals.annual",
)

#: A 年度 outside this range is a typo, not a plan.
YEARS = range(1990, 2101)

_YEAR_TEXT = re.compile(r"(\d{4})\s*(?:年度?)?")


class YearError(ValueError):
    """A typed 年度 that is not a year; str() is the message for the operator."""


def parse_year(text: str) -> int | None:
    """A 年度 as typed: ``2024``, ``２０２４``, ``2024年``, ``2024年度``; blank is None."""
    folded = fold(text).strip()
    if not folded:
        return None
    match = _YEAR_TEXT.fullmatch(folded)
    if match is None:
        raise YearError(_("年度应是四位数的年份，如 2024：{text}").format(text=quoted(text)))
    year = int(match[1])
    if year not in YEARS:
        raise YearError(
            _("年度应在 {first} 至 {last} 之间：{text}").format(
                first=YEARS[0], last=YEARS[-1], text=text.strip()
            )
        )
    return year


@dataclass(frozen=True, slots=True)
class Draft:
    """The form as the fields now read, and what could not be read."""

    form: Form
    problems: Mapping[str, str] = field(default_factory=dict)

    @property
    def readable(self) -> bool:
        return not self.problems


def field_texts(form: Form) -> dict[str, str]:
    """The text each field of the editor starts with (amounts as stored: "80.00" stays)."""
    texts = {"year": "" if form.year is None else str(form.year), "layout": form.layout}
    for key, attribute in TEXT_FIELDS.items():
        texts[key] = getattr(form, attribute)
    for key, (scope, part) in AMOUNT_FIELDS.items():
        texts[key] = money.canonical(getattr(_funding(form, scope), part))
    for key, attribute in GOAL_FIELDS.items():
        texts[key] = getattr(form, attribute)
    return texts


def field_problem(key: str, text: str) -> str | None:
    """The message for one field's text, or None when it reads fine (called per keystroke)."""
    try:
        if key == "year":
            parse_year(text)
        elif key in AMOUNT_FIELDS:
            money.parse_amount(text)
    except (YearError, money.AmountError) as error:
        return str(error)
    return field_length_problem(key, _cleaned(key, text))


def _cleaned(key: str, text: str) -> str:
    """A text field as it will be kept: typed or pasted control characters gone (the door)."""
    if key in GOAL_FIELDS:
        return clean_text(text, multiline=True)
    return clean_text(text).strip()


def parse_draft(base: Form, texts: Mapping[str, str]) -> Draft:
    """``base`` with every field in ``texts`` replaced by what its text reads as.

    ``base`` supplies what the fields do not hold (id, revision, indicators).
    Text fields keep the operator's text unchanged except for stray spaces at
    the ends of one-line fields and control characters (typed or pasted; see
    :func:`~perftui.core.normalize.clean_text`); goals keep their lines. A
    field longer than the model allows is a problem, so it is never saved.
    """
    changes: dict[str, object] = {}
    problems: dict[str, str] = {}
    if "year" in texts:
        try:
            changes["year"] = parse_year(texts["year"])
        except YearError as error:
            changes["year"], problems["year"] = None, str(error)
    if texts.get("layout") in LAYOUTS:
        changes["layout"] = texts["layout"]
    for key, attribute in (TEXT_FIELDS | GOAL_FIELDS).items():
        if key in texts:
            changes[attribute] = _cleaned(key, texts[key])
            problem = field_length_problem(key, changes[attribute])
            if problem:
                problems[key] = problem
    amounts: dict[str, dict[str, object]] = {"period": {}, "annual": {}}
    for key, (scope, part) in AMOUNT_FIELDS.items():
        if key in texts:
            try:
                amounts[scope][part] = money.parse_amount(texts[key])
            except money.AmountError as error:
                amounts[scope][part], problems[key] = None, str(error)
    for scope, parts in amounts.items():
        if parts:
            funding = _funding(base, scope)
            changes[f"{scope}_funding"] = Funding(
                parts.get("total", funding.total),
                parts.get("fiscal", funding.fiscal),
                parts.get("other", funding.other),
            )
    return Draft(base.evolve(**changes), problems)


def blank_like(form: Form) -> Form:
    """An empty form with ``form``'s id: what a new form is compared with."""
    return Form(id=form.id)


def is_changed(original: Form | None, draft: Form) -> bool:
    """Does the draft differ, in anything stored, from the form as opened?"""
    return bool(fields_changed(original or blank_like(draft), draft))


@dataclass(frozen=True, slots=True)
class Copy:
    """A form copied into another year, and what the operator should look at."""

    form: Form
    notes: tuple[str, ...]


def copy_to_year(form: Form, year: int) -> Copy:
    """A new, unsaved form for ``year`` with everything of ``form`` kept.

    Indicators, goals and amounts are kept as they are. A 项目实施期 that is
    exactly the old year moves with the year; anything else is kept and
    mentioned, as are amounts (budgets change) and the old year written in a
    goal or an indicator: nothing is changed or cleared without a note.
    """
    if year not in YEARS:
        raise YearError(
            _("年度应在 {first} 至 {last} 之间：{text}").format(first=YEARS[0], last=YEARS[-1], text=year)
        )
    notes: list[str] = []
    period_text = form.period_text
    old = form.year
    if old is not None and old != year:
        period = form.period
        moved = _move_year(period_text, old, year)
        if period.parsed and period.start.year == period.end.year == old and moved != period_text:
            notes.append(
                _("项目实施期已由“{old}”改为“{new}”").format(old=period_text, new=moved)
            )
            period_text = moved
        elif period_text.strip():
            notes.append(_("项目实施期“{text}”未改动，请核对").format(text=period_text))
        mentions = _mentions_of_year(form, old)
        if mentions:
            notes.append(
                _("{fields}中仍写着{year}年，请核对").format(fields="、".join(mentions), year=old)
            )
    if any(
        amount is not None
        for funding in (form.period_funding, form.annual_funding)
        for amount in (funding.total, funding.fiscal, funding.other)
    ):
        notes.append(_("资金数额沿用原表，请按{year}年度预算核对").format(year=year))
    copy = form.evolve(
        id=new_id(), revision=0, year=year, period_text=period_text, updated_at="", updated_by=""
    )
    return Copy(copy, tuple(notes))


def _move_year(text: str, old: int, new: int) -> str:
    return re.sub(rf"(?<!\d){old}(?!\d)", str(new), text)


def _mentions_of_year(form: Form, year: int) -> list[str]:
    pattern = re.compile(rf"(?<!\d){year}(?!\d)")
    where = []
    for key, attribute in GOAL_FIELDS.items():
        if pattern.search(fold(getattr(form, attribute))):
            where.append(_(FIELD_LABELS[key]))
    for number, row in enumerate(form.indicators, start=1):
        if pattern.search(fold(row.name)) or pattern.search(fold(row.value)):
            where.append(_("第{row}行指标").format(row=number))
    return where


def _funding(form: Form, scope: str) -> Funding:
    return form.period_funding if scope == "period" else form.annual_funding

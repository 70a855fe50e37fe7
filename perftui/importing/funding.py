"""Which amounts of a form are the year's and which the period's, and what they add up to.

A form's amounts arrive as :class:`Slot`\\s: a label's role (金额, 财政拨款 or a
part of it, 其他资金 or a part of it), the scope its words name (当年/年度/本年:
the year's; 实施期/中期/项目/总: the period's; often neither), where it stood,
and what its cell read. The rules, in order:

- an unmarked amount takes the scope of the marked 金额 on its row, else of the
  marked 金额 above it in its column (a 其中:财政拨款 under 实施期金额 is the
  period's), else, when a row holds one amount per marked column, the column
  order; a form whose amounts are all unmarked gives its year's;
- 财政拨款 is its head label (财政拨款, 财政拨款小计), else the sum of its parts
  (中央/省级/市级资金, 一般公共预算…); 其他资金 likewise (自有资金小计 + 其他收入);
- a 金额 whose cell holds a caption (金额(万元)) or that has no row, while its
  parts are given, is their sum; one left blank stays blank;
- when the project's period lies within the form's year (or is not given), a
  figure given on one side only stands for both: a one-year 项目金额 164 is
  also its 年度金额. A side that has the label but leaves it blank stays blank.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from perftui.importing import labels
from perftui.importing.amounts import Reading
from perftui.core.model import Funding
from perftui.core.period import parse_period

PARTS = ("total", "fiscal", "other")


@dataclass
class Slot:
    role: str  # labels.TOTAL, FISCAL, FISCAL_PART, OTHER, OTHER_PART
    scope: str | None
    row: int
    column: int
    reading: Reading
    where: int | str = ""
    text: str = ""  # the cell as written
    unit_assumed: bool = False  # read in 万元 because nothing around it named a unit (yet)


@dataclass(frozen=True)
class Resolved:
    period: Funding
    annual: Funding
    notes: dict[str, str]  # field key (funding.annual.total) -> words written after the amount
    summed: tuple[str, ...]  # field keys whose figure is the sum of its parts (金额 left blank)
    copied: tuple[str, ...]  # field keys whose figure stands for the other side's too


def resolve(slots: list[Slot], period_text: str, year: int | None) -> Resolved:
    _scope_unmarked(slots)
    present: dict[str, set[str]] = {"period": set(), "annual": set()}
    values: dict[str, dict[str, Decimal | None]] = {"period": {}, "annual": {}}
    notes: dict[str, str] = {}
    summed: list[str] = []
    copied: list[str] = []
    for scope in ("period", "annual"):
        mine = [slot for slot in slots if slot.scope == scope]
        for part, head, piece in (("fiscal", labels.FISCAL, labels.FISCAL_PART), ("other", labels.OTHER, labels.OTHER_PART)):
            heads = [slot for slot in mine if slot.role == head]
            pieces = [slot for slot in mine if slot.role == piece]
            chosen = heads if heads else pieces
            if chosen:
                present[scope].add(part)
                values[scope][part] = _sum(slot.reading.amount for slot in chosen)
                _note(notes, f"funding.{scope}.{part}", chosen)
        totals = [slot for slot in mine if slot.role == labels.TOTAL]
        if totals:
            present[scope].add("total")
            values[scope]["total"] = next((s.reading.amount for s in totals if s.reading.amount is not None), None)
            _note(notes, f"funding.{scope}.total", totals)
        # A 金额 whose cell holds a caption (金额(万元)) or that has no row at all is the sum of
        # its parts; one left blank stays blank (the form is incomplete, and says so).
        no_figure = all(slot.reading.caption for slot in totals)
        if no_figure and values[scope].get("total") is None and (
            values[scope].get("fiscal") is not None or values[scope].get("other") is not None
        ):
            values[scope]["total"] = _sum((values[scope].get("fiscal"), values[scope].get("other")))
            present[scope].add("total")
            summed.append(f"funding.{scope}.total")
    if same_money(period_text, year):
        for scope, other in (("period", "annual"), ("annual", "period")):
            for part in PARTS:
                if part not in present[scope] and part in present[other]:
                    values[scope][part] = values[other].get(part)
                    if values[scope][part] is not None:
                        copied.append(f"funding.{scope}.{part}")
    return Resolved(
        Funding(*(values["period"].get(part) for part in PARTS)),
        Funding(*(values["annual"].get(part) for part in PARTS)),
        notes,
        tuple(summed),
        tuple(copied),
    )


def _sum(amounts) -> Decimal | None:
    found = [amount for amount in amounts if amount is not None]
    if not found:
        return None
    result = found[0]
    for amount in found[1:]:
        result += amount
    return result


def _note(notes: dict[str, str], key: str, slots: list[Slot]) -> None:
    words = [slot.reading.note for slot in slots if slot.reading.note and not slot.reading.caption]
    if words:
        notes[key] = "；".join(words)


def _scope_unmarked(slots: list[Slot]) -> None:
    marked = [slot for slot in slots if slot.role == labels.TOTAL and slot.scope]
    if not marked:
        for slot in slots:
            slot.scope = slot.scope or labels.ANNUAL_SCOPE
        return
    scopes = {slot.scope for slot in marked}
    if len(scopes) == 1:
        # 资金总额 | 300 | 年度资金总额 | 100: an unmarked 金额 beside the year's is the period's.
        (only,) = scopes
        other = labels.PERIOD_SCOPE if only == labels.ANNUAL_SCOPE else labels.ANNUAL_SCOPE
        for slot in slots:
            if slot.role == labels.TOTAL and not slot.scope:
                slot.scope = other
                marked.append(slot)
    by_row: dict[int, list[Slot]] = {}
    for slot in slots:
        by_row.setdefault(slot.row, []).append(slot)
    anchors = sorted({(slot.column, slot.row, slot.scope) for slot in marked})
    for row, in_row in by_row.items():
        unmarked = [slot for slot in in_row if not slot.scope]
        if not unmarked:
            continue
        on_row = sorted((slot.column, slot.scope) for slot in in_row if slot.role == labels.TOTAL and slot.scope)
        if on_row:
            # 项目总投资 | 20 | 中央补助安排 | 0 | 其他资金 | 20: the parts follow their 金额.
            for slot in unmarked:
                left = [scope for column, scope in on_row if column <= slot.column]
                slot.scope = left[-1] if left else on_row[0][1]
            continue
        scopes_in_order = []
        for _column, _row, scope in anchors:
            if scope not in scopes_in_order:
                scopes_in_order.append(scope)
        if len(unmarked) > 1 and len(unmarked) == len(scopes_in_order):
            # 其中:财政拨款 | 98 | 其中:财政拨款 | 98 under 实施期金额 | 年度金额, even when shifted.
            for slot, scope in zip(sorted(unmarked, key=lambda s: s.column), scopes_in_order):
                slot.scope = scope
            continue
        for slot in unmarked:
            # The nearest 金额 in its column, above it (当年年度预算 | 65 over 其中:财政资金 | 65).
            slot.scope = min(
                anchors,
                key=lambda anchor: (abs(anchor[0] - slot.column), anchor[1] > slot.row, abs(slot.row - anchor[1])),
            )[2]


def same_money(period_text: str, year: int | None) -> bool:
    """Does the period lie within the year (or say nothing), so that period money is the year's?"""
    text = " ".join(period_text.split())
    if not text:
        return True
    compact = text.replace(" ", "")
    if compact in ("1年", "一年", "1年期", "一年期", "当年", "本年", "本年度", "年度", "1", "一次性"):
        return True
    period = parse_period(text)
    if period.parsed and year is not None:
        assert period.start and period.end
        return period.start.year == period.end.year == year
    return False

"""预算执行: how much of a form's money is spent, as the 监控表 and the 自评表 report it.

Both report the same funding rows as the target form (年度资金总额, 其中：财政拨款,
其他资金) plus 上年结转资金, which the published 自评表 lists between them. Each
row holds 年初预算数, for the 自评 also 全年预算数 (A, the budget after the
year's adjustments), and the 执行数 (B: 1–7月 in the 监控, 全年 in the 自评).

Amounts are :class:`~decimal.Decimal` in 万元, stored as canonical strings like
the form's (:mod:`perftui.core.money`). An amount imported from a table in 元
is divided exactly, so it may carry more than two decimals; it is shown with two.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from perftui.core import money
from perftui.i18n import N_

ZERO = Decimal(0)

#: The funding rows, in the order of the published tables, with their labels.
TOTAL, FISCAL, CARRIED, OTHER = "total", "fiscal", "carried", "other"
ROWS = (TOTAL, FISCAL, CARRIED, OTHER)
ROW_LABELS = {
    TOTAL: N_("年度资金总额"),
    FISCAL: N_("其中：财政拨款"),
    CARRIED: N_("上年结转资金"),
    OTHER: N_("其他资金"),
}


@dataclass(frozen=True, slots=True)
class Spending:
    """One funding row: 年初预算数, 全年预算数 (A; 自评 only) and 执行数 (B)."""

    initial: Decimal | None = None  # 年初预算数
    budget: Decimal | None = None  # 全年预算数 (A): the adjusted budget the 自评 measures against
    spent: Decimal | None = None  # 执行数 (B)

    @property
    def base(self) -> Decimal | None:
        """What the 执行率 divides by: 全年预算数 when given, else 年初预算数."""
        return self.budget if self.budget is not None else self.initial

    @property
    def rate(self) -> Decimal | None:
        """执行率 = B / A as an exact fraction (0.9693… for 95 of 98); None without both or for A = 0."""
        base = self.base
        if base is None or self.spent is None or base == 0:
            return None
        return self.spent / base

    @property
    def blank(self) -> bool:
        return self.initial is None and self.budget is None and self.spent is None

    def to_doc(self) -> dict[str, str]:
        return {
            "initial": money.canonical(self.initial),
            "budget": money.canonical(self.budget),
            "spent": money.canonical(self.spent),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> Spending:
        """Raises ValueError/TypeError/ArithmeticError for what is not a funding row."""
        doc = {} if doc is None else doc
        if not isinstance(doc, dict):
            raise TypeError("a funding row is an object")
        return cls(
            money.from_stored(doc.get("initial")),
            money.from_stored(doc.get("budget")),
            money.from_stored(doc.get("spent")),
        )


@dataclass(frozen=True, slots=True)
class Execution:
    """The four funding rows of a 监控表 or 自评表."""

    total: Spending = Spending()
    fiscal: Spending = Spending()
    carried: Spending = Spending()
    other: Spending = Spending()

    def row(self, key: str) -> Spending:
        return getattr(self, key)

    def with_row(self, key: str, spending: Spending) -> Execution:
        if key not in ROWS:
            raise KeyError(key)
        return replace(self, **{key: spending})

    @property
    def overall(self) -> Spending:
        """The row the 执行率 and its score are about: 年度资金总额, or the sum of the parts
        when the total row is left blank (as published tables sometimes do)."""
        if self.total.base is not None or self.total.spent is not None:
            return self.total
        parts = (self.fiscal, self.carried, self.other)

        def added(values: list[Decimal | None]) -> Decimal | None:
            return None if all(v is None for v in values) else money.total(values)

        return Spending(
            added([p.initial for p in parts]),
            added([p.budget for p in parts]),
            added([p.spent for p in parts]),
        )

    def to_doc(self) -> dict[str, dict[str, str]]:
        return {key: self.row(key).to_doc() for key in ROWS}

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> Execution:
        doc = {} if doc is None else doc
        if not isinstance(doc, dict):
            raise TypeError("funding is an object")
        return cls(*(Spending.from_doc(doc.get(key)) for key in ROWS))


def share_of_year(day: date) -> Decimal:
    """How much of the year has passed at the end of ``day``: 7/12 at 7月31日.

    Counted in months, as budgets are planned: each month is a twelfth,
    and a day is its share of its month.
    """
    days = calendar.monthrange(day.year, day.month)[1]
    return (Decimal(day.month - 1) + Decimal(day.day) / Decimal(days)) / Decimal(12)

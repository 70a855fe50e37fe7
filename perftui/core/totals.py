"""Totals over forms: the figures the operators re-added by hand in spreadsheets.

All sums are Decimal sums of stored amounts, so the printed figure is exact.
:class:`Totals` is a value that can be added to and subtracted from, so a view
can keep totals current when one form changes without re-summing every form.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, NamedTuple

from perftui.core import findings as _findings
from perftui.core.model import Form

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Totals:
    """Annual funding summed over a set of forms, and how many of them are incomplete."""

    forms: int = 0
    indicators: int = 0
    fiscal: Decimal = ZERO  # 年度财政拨款
    other: Decimal = ZERO  # 年度其他资金
    total: Decimal = ZERO  # 年度金额
    incomplete: int = 0

    @classmethod
    def of(cls, form: Form, incomplete: bool | None = None) -> Totals:
        annual = form.annual_funding
        if incomplete is None:
            incomplete = not _findings.is_complete(_findings.check(form))
        return cls(
            1,
            len(form.indicators),
            annual.fiscal or ZERO,
            annual.other or ZERO,
            annual.total or ZERO,
            int(incomplete),
        )

    @classmethod
    def sum(cls, parts: Iterable[Totals]) -> Totals:
        """The sum of many totals at once: one pass, no intermediate records."""
        forms = indicators = incomplete = 0
        fiscal = other = total = ZERO
        for part in parts:
            forms += part.forms
            indicators += part.indicators
            fiscal += part.fiscal
            other += part.other
            total += part.total
            incomplete += part.incomplete
        return cls(forms, indicators, fiscal, other, total, incomplete)

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.forms + other.forms,
            self.indicators + other.indicators,
            self.fiscal + other.fiscal,
            self.other + other.other,
            self.total + other.total,
            self.incomplete + other.incomplete,
        )

    def __sub__(self, other: Totals) -> Totals:
        return Totals(
            self.forms - other.forms,
            self.indicators - other.indicators,
            self.fiscal - other.fiscal,
            self.other - other.other,
            self.total - other.total,
            self.incomplete - other.incomplete,
        )


def totals(forms: Iterable[Form]) -> Totals:
    """Sum of the annual funding of ``forms`` (the incomplete ones are not counted: no checks run).

    As :meth:`Totals.sum` of each form's :meth:`Totals.of`, in one pass without a record per form.
    """
    count = indicators = 0
    fiscal = other = total = ZERO
    for form in forms:
        annual = form.annual_funding
        count += 1
        indicators += len(form.indicators)
        fiscal += annual.fiscal or ZERO
        other += annual.other or ZERO
        total += annual.total or ZERO
    return Totals(count, indicators, fiscal, other, total)


class Funded(NamedTuple):
    """What a total needs of one form: what it is grouped by, and its annual funding.

    ``perftui total`` reads these straight from the stored documents
    (:meth:`perftui.services.repository.Repository.funded`): building whole forms,
    rows and all, for ten thousand forms only to add three amounts per form
    took longer than reading the file. From a database server they come
    already summed per year and unit (``forms`` then counts more than one).
    """

    year: int | None
    department: str
    unit: str
    indicators: int
    fiscal: Decimal
    other: Decimal
    total: Decimal
    #: How many forms the row stands for: a database server sums the forms
    #: of one year and unit itself, and hands over one row for all of them.
    forms: int = 1

    @classmethod
    def of(cls, form: Form) -> Funded:
        annual = form.annual_funding
        return cls(
            form.year, form.department, form.unit, len(form.indicators),
            annual.fiscal or ZERO, annual.other or ZERO, annual.total or ZERO,
        )

    @property
    def totals(self) -> Totals:
        return Totals(self.forms, self.indicators, self.fiscal, self.other, self.total)


def group_totals(rows: Iterable[Funded], key: Callable[[Funded], object]) -> dict[object, Totals]:
    """Totals per group (年度, 主管部门, 实施单位...), in first-seen order."""
    groups: dict[object, list[Funded]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return {k: _summed(members) for k, members in groups.items()}


def _summed(rows: list[Funded]) -> Totals:
    """The totals of ``rows``, column by column (in C: ten thousand rows, no record per row)."""
    _years, _departments, _units, indicators, fiscal, other, total, forms = zip(*rows)
    return Totals(sum(forms), sum(indicators), sum(fiscal, ZERO), sum(other, ZERO), sum(total, ZERO))

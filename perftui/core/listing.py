"""What a list of forms shows of each: a few fields and its status, without the form.

A list of fifty thousand forms needs of each only its name, year, units,
annual funding, how many indicators it has and how many problems
(:func:`perftui.core.findings.check`) it has. A database server keeps exactly
these as columns beside each form, the status counted when the form is
written, so a list is read without reading a single form; from a JSON file
they come from the forms themselves (:func:`listed`). Either way the list
gets the same :class:`Listed` values: a test holds the two to equality.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # findings are imported when a form is checked: a total from a server checks none
    from perftui.core.findings import Finding
    from perftui.core.model import Form

#: The columns a :class:`Listed` is read from, after the store's own ``id`` and
#: ``revision``, in the order of its fields.
COLUMNS = (
    "year", "name", "department", "unit", "indicators", "fiscal", "other", "total",
    "errors", "warnings", "updated_at", "updated_by",
)


class Listed(NamedTuple):
    """One stored form as a list shows it."""

    id: str
    revision: int
    year: int | None
    name: str
    department: str
    unit: str
    indicators: int  # how many rows (指标数)
    fiscal: Decimal | None  # 年度财政拨款, exact as written
    other: Decimal | None  # 年度其他资金
    total: Decimal | None  # 年度金额
    errors: int  # of findings.check(form)
    warnings: int
    updated_at: str
    updated_by: str

    @property
    def identity(self) -> tuple[int | None, str, str]:
        """As :attr:`Form.identity`: 年度, 项目名称, 实施单位."""
        return (self.year, " ".join(self.name.split()), " ".join(self.unit.split()))

    @classmethod
    def of_row(cls, row: tuple, texts: dict[str, str] | None = None) -> Listed:
        """From ``(id, revision, *COLUMNS)``; ``texts`` shares equal units among rows (one string each)."""
        ident, revision, year, name, department, unit, indicators, fiscal, other, total, errors, warnings, at, by = row[:14]
        department, unit, by = department or "", unit or "", by or ""
        if texts is not None:
            department = texts.setdefault(department, department)
            unit = texts.setdefault(unit, unit)
            by = texts.setdefault(by, by)
        return cls(
            ident, revision, year, name or "", department, unit, indicators or 0, fiscal, other, total,
            errors or 0, warnings or 0, at or "", by,
        )


def listed(form: Form, found: tuple[Finding, ...] | None = None) -> Listed:
    """What a list shows of ``form`` (``found``: its findings, when already checked)."""
    from perftui.core import findings as _findings

    if found is None:
        found = tuple(_findings.check(form))
    errors, warnings = _findings.counts(found)
    annual = form.annual_funding
    return Listed(
        form.id, form.revision, form.year, form.name, form.department, form.unit, len(form.indicators),
        annual.fiscal, annual.other, annual.total, errors, warnings, form.updated_at, form.updated_by,
    )

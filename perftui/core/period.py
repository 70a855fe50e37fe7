"""项目实施期: the text as written, and the dates it names where it parses.

Forms spell the period many ways: ``2024年1月至2024年12月``,
``2023.1.1-2023.12.31``, ``2024年1月1日至2024年12月31日``, ``2024-01-01~2024-12-31``,
``2024年``, ``2024年度``, whole years ``2019-2021``, ``202001-202012``. A month without a day means the whole month.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from perftui.core.normalize import fold

_POINT = r"(?P<{p}y>\d{{4}})\s*(?:年|[./-])\s*(?:(?P<{p}m>\d{{1,2}})\s*(?:月|[./-])?\s*(?:(?P<{p}d>\d{{1,2}})\s*日?)?)?"
_RANGE = re.compile(
    _POINT.format(p="a") + r"\s*(?:至|到|~|-|—)\s*" + _POINT.format(p="b") + r"\s*(?:止)?"
)
_YEAR = re.compile(r"(?P<y>\d{4})\s*年(?:度|全年)?|(?P<y2>\d{4})")
#: Months of one year: 2024年1月至12月, 2024年1-12月.
_MONTHS = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<am>\d{1,2})\s*月?\s*(?:至|到|~|-|—|－)\s*(?P<bm>\d{1,2})\s*月"
)
#: Months or days written without separators: 202001-202012, 20240101-20241231.
_COMPACT = re.compile(
    r"(?P<ay>\d{4})(?P<am>\d{2})(?P<ad>\d{2})?\s*(?:至|到|~|-|—|－)\s*(?P<by>\d{4})(?P<bm>\d{2})(?P<bd>\d{2})?"
)
#: Whole years: 2019-2021, 2023年—2023年, 2022年度至2024年度.
_YEARS = re.compile(r"(?P<a>\d{4})\s*(?:年度?)?\s*(?:至|到|~|-|—|－)\s*(?P<b>\d{4})\s*(?:年度?)?")


@dataclass(frozen=True, slots=True)
class Period:
    text: str
    start: date | None = None
    end: date | None = None

    @property
    def parsed(self) -> bool:
        return self.start is not None and self.end is not None

    def covers_year(self, year: int) -> bool:
        """Does the period include (part of) ``year``? Unparsed periods are not judged."""
        if not self.parsed:
            return True
        assert self.start and self.end
        return self.start.year <= year <= self.end.year


def _point(year: str, month: str | None, day: str | None, *, end: bool) -> date:
    y = int(year)
    m = int(month) if month else (12 if end else 1)
    if day:
        return date(y, m, int(day))
    return date(y, m, calendar.monthrange(y, m)[1] if end else 1)


def parse_period(text: str) -> Period:
    """Never raises: a period that does not parse keeps only its text."""
    folded = fold(text or "").strip().replace(" ", "")
    try:
        match = _RANGE.fullmatch(folded)
        if match:
            start = _point(match["ay"], match["am"], match["ad"], end=False)
            end = _point(match["by"], match["bm"], match["bd"], end=True)
            if start <= end:
                return Period(text, start, end)
            return Period(text)
        match = _MONTHS.fullmatch(folded)
        if match:
            start = _point(match["y"], match["am"], None, end=False)
            end = _point(match["y"], match["bm"], None, end=True)
            return Period(text, start, end) if start <= end else Period(text)
        match = _COMPACT.fullmatch(folded)
        if match and bool(match["ad"]) == bool(match["bd"]):
            start = _point(match["ay"], match["am"], match["ad"], end=False)
            end = _point(match["by"], match["bm"], match["bd"], end=True)
            return Period(text, start, end) if start <= end else Period(text)
        match = _YEARS.fullmatch(folded)
        if match:
            first, last = int(match["a"]), int(match["b"])
            if first <= last:
                return Period(text, date(first, 1, 1), date(last, 12, 31))
            return Period(text)
        match = _YEAR.fullmatch(folded)
        if match:
            year = int(match["y"] or match["y2"])
            return Period(text, date(year, 1, 1), date(year, 12, 31))
    except ValueError:  # 2024年13月, 2月30日: not a date
        pass
    return Period(text)

"""指标值: the target of an indicator row, parsed and kept exactly as written.

A target is quantitative (comparator, number, unit: ``≥7人``, ``≤2小时``,
``7.4万平方米``) or qualitative (``优秀``, ``年内全部完成``, ``2024年度``). The
checks need only a few facts from it: is it a percentage, what is it in 万元.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from perftui.i18n import gettext as _
from perftui.core.normalize import fold

_ALIASES = (
    (">=", "≥"),
    ("=>", "≥"),
    ("<=", "≤"),
    ("=<", "≤"),
    ("≮", "≥"),  # "not less than"
    ("≯", "≤"),
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("不小于", "≥"),
    ("大于等于", "≥"),
    ("不高于", "≤"),
    ("不超过", "≤"),
    ("不多于", "≤"),
    ("小于等于", "≤"),
    ("大于", ">"),
    ("小于", "<"),
    ("等于", "="),
)
_QUANTITY = re.compile(
    r"(?P<cmp>[≥≤><=])?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d≥≤<>=]{0,12}?)\s*(?P<tail>及?以上|及?以下)?"
)
# A value that is a date or a year ("2024年度", "2024年12月") names a period, not a quantity.
_DATE_LIKE = re.compile(r"\d{4}\s*年(?:度|底|末|\d{1,2}月(?:\d{1,2}日)?(?:前|底|末)?|前)?")

#: Multipliers to 万元 for the money units a cost target uses.
_MONEY_UNITS = {
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "万元": Decimal(1),
    "百万元": Decimal(100),
    "千万元": Decimal(1000),
    "亿元": Decimal(10000),
}


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed 指标值. ``text`` is the original, unchanged."""

    text: str
    comparator: str | None = None  # None with a number: an exact figure ("124套")
    number: Decimal | None = None
    unit: str = ""

    @property
    def qualitative(self) -> bool:
        return self.number is None

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"

    @property
    def is_ceiling(self) -> bool:
        """At most this much (≤, < or an exact figure)."""
        return self.number is not None and self.comparator in ("≤", "<", "=", None)

    def in_wan_yuan(self) -> Decimal | None:
        """The number in 万元 when the unit is money, else None."""
        factor = _MONEY_UNITS.get(self.unit)
        if factor is None or self.number is None:
            return None
        return self.number * factor

    def describe(self) -> str:
        """A short reading of the parse, for the indicator grid."""
        if self.qualitative:
            return _("定性")
        return f"{self.comparator or ''}{self.number}{self.unit}"


@lru_cache(maxsize=4096)
def parse_target(text: str) -> Target:
    """Parse a 指标值; never raises: anything that is not a quantity is qualitative."""
    folded = fold(text).strip()
    for alias, symbol in _ALIASES:
        if folded.startswith(alias):
            folded = symbol + folded[len(alias):]
            break
    if not folded or _DATE_LIKE.fullmatch(folded):
        return Target(text)
    match = _QUANTITY.fullmatch(folded)
    if match is None:
        return Target(text)
    comparator = match["cmp"]
    tail = match["tail"]
    if tail and comparator is None:
        comparator = "≥" if tail.endswith("以上") else "≤"
    return Target(text, comparator, Decimal(match["num"]), match["unit"].strip())

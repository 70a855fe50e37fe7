"""Amounts as units write them in their forms, brought to 万元 exactly.

``438.768``, ``2,279.048 万元``, ``164万元``, ``250万``, ``1,000,000`` under a
``(元)`` label, ``3,309,840.00元``: all read exactly (元 divided by 10,000 as a
Decimal, never a float). ``—``, ``/``, ``-`` and ``无`` mean blank. A cell whose
amount is followed by words (``854万(高标准农田建设400万元,…)``) gives the
leading amount and keeps the words as a note. A column caption where the
figure would be (``金额(万元)``) gives no amount; so do other words (``参见附件1具体
金额``), which are kept as the note; an amount in Chinese numerals is refused, and so
is one in scientific notation (``1.2E+03``, as a spreadsheet may show it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from perftui.core.money import MAX_DECIMALS, AmountError, parse_amount
from perftui.i18n import gettext as _
from perftui.core.normalize import fold, quoted

WAN, YUAN = "万元", "元"

BLANKS = frozenset({"", "-", "--", "/", "\\", "无", "空", "0-", "——", "—", "–", "－", "／", "N/A", "n/a", "/ /"})
_LEADING = re.compile(
    r"^\s*(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>亿元|亿|万元|万|元)?\s*(?P<rest>.*)$",
    re.DOTALL,
)
_EXPONENT = re.compile(r"[eE][+-]?\d")
_CURRENCY = re.compile(r"^\s*(?:¥|￥|RMB|人民币)\s*")  # ¥1,000,000.00
#: What a column caption is made of (金额(万元), 资金(元), 单位:万元).
_CAPTION = re.compile(r"金额|资金|万元|元|单位|[():\s]")
#: An amount written in Chinese numerals (二百六十二, 壹佰万元整).
_NUMERALS = re.compile(r"[零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟元圆角分整点]+")
_YUAN_PER_WAN = Decimal(10000)
_YI_IN_WAN = Decimal(10000)


@dataclass(frozen=True)
class Reading:
    """What an amount cell says: the amount in 万元 (None: blank), and any words after it."""

    amount: Decimal | None
    note: str = ""
    caption: bool = False  # a column caption standing where a figure should be
    unit: str | None = None  # the unit the cell itself named


def is_blank(text: str) -> bool:
    return fold(text).strip().replace(" ", "") in BLANKS


def read(text: str, unit: str = WAN) -> Reading:
    """Read one amount cell; ``unit`` is what the labels around it say (元 or 万元).

    Raises :class:`AmountError` for what cannot be an amount (negative, too many
    decimals, too large), with the operator's message.
    """
    folded = _CURRENCY.sub("", fold(text).strip())
    if folded.replace(" ", "") in BLANKS:
        return Reading(None)
    match = _LEADING.match(folded)
    if match is None or not match.group("number"):
        if folded.startswith(("-", "−")) and re.match(r"^[-−]\s*\d", folded):
            raise AmountError(_("金额不能为负数：{text}").format(text=quoted(text)))
        if not _CAPTION.sub("", folded):
            return Reading(None, caption=True)  # 金额(万元): a column caption where the figure would be
        if _NUMERALS.fullmatch(folded.replace(" ", "")):
            parse_amount(text)  # 二百六十二: money written in words is refused, never dropped
        # 参见附件1具体金额: words where the figure would be. No amount; the words are kept
        # (a warning says so), as words after a figure are.
        return Reading(None, note=" ".join(text.split()))
    written = match.group("unit")
    rest = match.group("rest").strip()
    if not written and _EXPONENT.match(rest):
        # 1e30, 1.2E+03 (a spreadsheet's scientific notation): not the leading figure and a note.
        raise AmountError(_("金额不能写成科学计数法，请写出完整的数字：{text}").format(text=quoted(text)))
    digits = match.group("number").replace(",", "")
    cell_unit = {"亿元": "亿元", "亿": "亿元", "万元": WAN, "万": WAN, "元": YUAN}.get(written or "", None)
    effective = cell_unit or unit
    if effective == WAN:
        amount = parse_amount(digits)
    else:
        converted = Decimal(digits) * _YI_IN_WAN if effective == "亿元" else Decimal(digits) / _YUAN_PER_WAN
        plain = _plain(converted)
        if len(plain.partition(".")[2]) > MAX_DECIMALS:
            raise AmountError(
                _("金额换算成万元后超过六位小数（元只能精确到分）：{text}").format(text=quoted(text))
            )
        amount = parse_amount(plain)
    return Reading(amount, note=rest, unit=cell_unit)


def _plain(amount: Decimal) -> str:
    """A converted amount without trailing zeros beyond what it needs (1,000,000元 -> 100)."""
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text

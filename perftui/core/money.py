"""Amounts in 万元: parsed exactly, stored as canonical strings, shown with babel.

An amount is a :class:`decimal.Decimal`, never a float. The precision the operator
entered is kept ("80.00" stays "80.00", "98" stays "98", "153.5184" stays
"153.5184"), because the official table is reproduced as it was filed. Up to six
decimals (one fen in 万元) are accepted; display shows at least two decimals and
every decimal that was written, so nothing is rounded on screen or in a total.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from perftui.i18n import gettext as _
from perftui.core.normalize import fold, quoted

#: The largest amount accepted, in 万元 (one trillion yuan): anything above is a typo.
MAX_AMOUNT = Decimal("100000000")
MAX_DECIMALS = 6  # one fen (0.01 元) is 0.000001 万元

_PLAIN = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_UNIT_SUFFIX = re.compile(r"\s*万元?$")




class AmountError(ValueError):
    """A typed or imported amount that cannot be an amount in 万元; str() is the message."""


def parse_amount(text: str | None) -> Decimal | None:
    """Parse an amount in 万元; blank means "not given" (None).

    Accepts full-width digits and punctuation, thousands separators (1,020.35)
    and a trailing 万元. Refuses letters, signs, more than six decimals and
    absurd sizes with an :class:`AmountError` whose text is shown to the operator.
    """
    if text is None:
        return None
    folded = _UNIT_SUFFIX.sub("", fold(text).strip()).replace(" ", "")
    if not folded:
        return None
    if folded.startswith(("-", "−")):
        raise AmountError(_("金额不能为负数：{text}").format(text=quoted(text)))
    if _GROUPED.fullmatch(folded):
        folded = folded.replace(",", "")
    elif "," in folded:
        raise AmountError(_("千位分隔符位置不对：{text}").format(text=quoted(text)))
    if not _PLAIN.fullmatch(folded):
        raise AmountError(_("金额只能包含数字和小数点：{text}").format(text=quoted(text)))
    if folded.endswith("."):
        folded = folded[:-1]
    if folded.startswith("."):
        folded = "0" + folded
    try:
        amount = Decimal(folded)
    except InvalidOperation:  # pragma: no cover - the regexes admit only valid decimals
        raise AmountError(_("无法识别的金额：{text}").format(text=quoted(text))) from None
    if -amount.as_tuple().exponent > MAX_DECIMALS:
        raise AmountError(
            _("金额最多保留六位小数（单位：万元，精确到分）：{text}").format(text=quoted(text))
        )
    if amount >= MAX_AMOUNT:
        raise AmountError(_("金额过大（单位是万元）：{text}").format(text=quoted(text)))
    return amount


def canonical(amount: Decimal | None) -> str:
    """The stored spelling of an amount: its digits as entered, "" for none."""
    if amount is None:
        return ""
    # A Decimal keeps the exponent it was parsed with, so "80.00" stays "80.00";
    # "f" avoids scientific notation for any exponent.
    return format(amount, "f")


def from_stored(text: str | None) -> Decimal | None:
    """The inverse of :func:`canonical`; raises ValueError for what canonical never writes."""
    if not text:
        return None
    if type(text) is not str:
        raise TypeError(f"a stored amount is text, not {type(text).__name__}")
    amount = Decimal(text)  # InvalidOperation (an ArithmeticError) for non-numbers
    # Bounded as a typed amount is: 1e999 or 26 digits pass as a Decimal and
    # failed later, in a sum or in babel, as a traceback. Decimals are counted
    # in the text (as_tuple() would cost more than the rest of the read), and
    # without a point the text is digits (canonical never writes an exponent).
    if not (amount.is_finite() and 0 <= amount < MAX_AMOUNT):
        raise ValueError(f"not an amount: {text[:40]!r}")
    point = text.find(".")
    if (len(text) - point - 1 > MAX_DECIMALS) if point >= 0 else not text.isdigit():
        raise ValueError(f"not an amount: {text[:40]!r}")
    return amount


#: How amounts are shown (babel's pattern syntax): grouped, at least two decimals, and up to
#: the six an amount may have, so 153.5184 shows as written.
PATTERN = "#,##0.00####"
#: One pattern per number of decimals shown (2 to 6), so an amount keeps the precision it was written with.
_PATTERNS = {places: "#,##0." + "0" * places for places in range(2, MAX_DECIMALS + 1)}


@lru_cache(maxsize=8)
def _formatter(locale: str, pattern_text: str = PATTERN):
    """A function formatting an amount exactly as babel's ``pattern.apply`` does, computed once per locale.

    babel's own formatter costs about 5 µs an amount, which is most of the
    work of a list or a summary of ten thousand forms. What the pattern means
    (grouping, decimals) and the locale's symbols are read from babel once;
    then Python's own decimal formatting (half-even rounding, as babel) does
    the digits, and the symbols are swapped in. Anything the fast path does
    not cover (negative amounts, other groupings) goes to babel itself.
    """
    # babel is imported on first use: a lookup that prints no amount pays nothing.
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol, parse_pattern

    parsed = Locale.parse(locale)
    pattern = parse_pattern(pattern_text)

    def slow(amount: Decimal) -> str:
        return pattern.apply(amount, parsed)

    low, high = pattern.frac_prec
    plain = pattern.prefix == ("", "-") and pattern.suffix == ("", "") and pattern.scale == 0 and not pattern.exp_prec
    if pattern.grouping != (3, 3) or pattern.int_prec[0] != 1 or not plain:
        return slow
    group, point = get_group_symbol(parsed), get_decimal_symbol(parsed)
    symbols = None if (group, point) == (",", ".") else str.maketrans({",": group, ".": point})

    def fast(amount: Decimal) -> str:
        if amount.is_signed() or not amount.is_finite():
            return slow(amount)
        text = format(amount, ",f")  # every decimal as written, grouped
        dot = text.find(".")
        decimals = 0 if dot < 0 else len(text) - dot - 1
        if decimals > high:  # rounded (half-even, as babel), then as below
            text = format(amount, f",.{high}f")
            decimals = high
        if decimals > low:  # babel drops trailing zeros down to the least it shows
            text = text.rstrip("0")
            decimals = len(text) - text.index(".") - 1
        if decimals < low:
            text += ("" if decimals or dot >= 0 and text.endswith(".") else ".") + "0" * (low - decimals)
        elif text.endswith("."):
            text = text[:-1]
        return text if symbols is None else text.translate(symbols)

    return fast


def format_amount(amount: Decimal | None, locale: str = "zh_CN", *, blank: str = "") -> str:
    """At least two decimals, with the locale's grouping: ``3,127.56``, ``153.5184``.

    Amounts are already in 万元, so this is a decimal format, not a currency one.
    Input never has more than six decimals and the pattern shows six, so babel's
    half-even rounding never applies to stored amounts or to sums of them.
    """
    if amount is None:
        return blank
    # As many decimals as the amount carries (153.5184; 3,683.3970 keeps its zero), never fewer than two.
    exponent = amount.as_tuple().exponent
    decimals = min(MAX_DECIMALS, max(2, -exponent)) if isinstance(exponent, int) else 2
    return _formatter(locale, _PATTERNS[decimals])(amount)


def total(amounts) -> Decimal:
    """Exact sum; None counts as zero (a blank 其他资金 is zero)."""
    result = Decimal(0)
    for amount in amounts:
        if amount is not None:
            result += amount
    return result

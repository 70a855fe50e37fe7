from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perftui.core.money import AmountError, canonical, format_amount, from_stored, parse_amount, total


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("98", "98"),
        ("80.00", "80.00"),
        ("1,020.35", "1020.35"),
        ("９８．５", "98.5"),  # full-width digits and point
        ("１，０２０", "1020"),  # full-width thousands separator
        ("98。5", "98.5"),  # the '.' key in Chinese punctuation mode
        (" 3 ", "3"),
        ("12万元", "12"),
        ("0.5", "0.5"),
        (".5", "0.5"),
        ("438.768", "438.768"),  # up to six decimals (one fen in 万元), as written
        ("153.5184", "153.5184"),
        ("0.000001", "0.000001"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_typed_amounts_are_understood_and_keep_their_precision(typed, stored):
    assert canonical(parse_amount(typed)) == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("abc", "只能包含数字"),
        ("9８x", "只能包含数字"),
        ("-5", "负数"),
        ("－5", "负数"),
        ("1.2345678", "六位小数"),
        ("1,02", "千位分隔符"),
        ("100000000", "过大"),
        ("1e5", "只能包含数字"),
        ("NaN", "只能包含数字"),
    ],
)
def test_bad_amounts_are_refused_with_a_message(typed, says):
    with pytest.raises(AmountError, match=says):
        parse_amount(typed)


def test_stored_precision_round_trips():
    for text in ("80.00", "98", "41.18", "0.10"):
        assert canonical(from_stored(text)) == text


def test_format_is_two_decimals_with_grouping():
    assert format_amount(Decimal("3127.56")) == "3,127.56"
    assert format_amount(Decimal("80")) == "80.00"
    assert format_amount(Decimal("80.00")) == "80.00"
    assert format_amount(Decimal("1595")) == "1,595.00"
    assert format_amount(None) == ""
    assert format_amount(Decimal("12345678.9"), "en") == "12,345,678.90"


def test_more_decimals_are_shown_as_written_and_never_rounded_in_a_total():
    assert format_amount(Decimal("153.5184")) == "153.5184"
    assert format_amount(Decimal("438.768")) == "438.768"
    assert format_amount(Decimal("2279.048")) == "2,279.048"
    assert format_amount(Decimal("0.000001")) == "0.000001"
    assert format_amount(total([Decimal("153.5184"), Decimal("438.768"), Decimal("80.00")])) == "672.2864"


def test_sum_is_exact_where_floats_are_not():
    amounts = [Decimal("0.1")] * 10
    assert total(amounts) == Decimal("1.0")
    assert sum([0.1] * 10) != 1.0  # why Decimal: floats would print 0.9999999999999999
    assert total([Decimal("98"), None]) == Decimal(98)


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_amount_error(text):
    try:
        result = parse_amount(text)
    except AmountError as error:
        assert str(error)
    else:
        assert result is None or (result >= 0 and -result.as_tuple().exponent <= 2)


@given(st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2))
def test_canonical_strings_round_trip(amount):
    assert parse_amount(canonical(amount)) == amount
    assert canonical(parse_amount(canonical(amount))) == canonical(amount)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("pattern", ["#,##0.00", "#,##0.00####"])
@given(
    digits=st.integers(min_value=0, max_value=10**14),
    exponent=st.integers(min_value=-8, max_value=2),
    negative=st.booleans(),
)
def test_amounts_are_formatted_exactly_as_babel_formats_them(locale, pattern, digits, exponent, negative):
    """The fast formatter (babel's pattern read once, Python's digits) agrees with babel's own, digit for digit."""
    from babel import Locale
    from babel.numbers import parse_pattern

    from perftui.core.money import _formatter

    amount = Decimal((int(negative), tuple(int(d) for d in str(digits)), exponent))
    fast = _formatter(locale, pattern)
    assert fast.__name__ == "fast"
    assert fast(amount) == parse_pattern(pattern).apply(amount, Locale.parse(locale))


def test_an_amount_is_shown_with_the_decimals_it_was_written_with():
    """3,683.3970 keeps its last zero: the precision the unit wrote is kept, beyond two decimals too."""
    from perftui.core.money import format_amount

    assert format_amount(Decimal("3683.3970")) == "3,683.3970"
    assert format_amount(Decimal("153.5184")) == "153.5184"
    assert format_amount(Decimal("80.00")) == "80.00"
    assert format_amount(Decimal("98")) == "98.00"
    assert format_amount(Decimal("80.00") + Decimal("153.5184")) == "233.5184"


def test_a_refused_amount_is_quoted_on_one_short_line():
    from perftui.core.normalize import QUOTED_LIMIT

    with pytest.raises(AmountError) as refused:
        parse_amount("9" * 10_000 + "x\x1b[2J\n")
    message = str(refused.value)
    assert "\x1b" not in message and "\n" not in message
    assert message.endswith("…") and message.count("9") == QUOTED_LIMIT - 1

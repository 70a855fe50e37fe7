from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perftui.core.target import parse_target


@pytest.mark.parametrize(
    ("text", "comparator", "number", "unit"),
    [
        ("≥7人", "≥", "7", "人"),
        ("≥95%", "≥", "95", "%"),
        ("≤2小时", "≤", "2", "小时"),
        ("≥86427.1平方米", "≥", "86427.1", "平方米"),
        ("≥1亿元", "≥", "1", "亿元"),
        ("7.4万平方米", None, "7.4", "万平方米"),
        ("124套", None, "124", "套"),
        (">=3次", "≥", "3", "次"),
        ("<=10%", "≤", "10", "%"),
        ("＞５次", ">", "5", "次"),
        ("＜１小时", "<", "1", "小时"),
        ("＝１００％", "=", "100", "%"),
        ("≥９８％", "≥", "98", "%"),  # full-width digits
        ("≥90%以上", "≥", "90", "%"),
        ("95%以上", "≥", "95", "%"),
        ("不低于90%", "≥", "90", "%"),
        ("≥5", "≥", "5", ""),
    ],
)
def test_quantitative_targets(text, comparator, number, unit):
    target = parse_target(text)
    assert (target.comparator, target.number, target.unit) == (comparator, Decimal(number), unit)
    assert target.text == text  # the original is kept exactly
    assert not target.qualitative


@pytest.mark.parametrize("text", ["优秀", "较好", "合规", "年内全部完成", "2024年度", "提升", "及时", ""])
def test_qualitative_targets(text):
    target = parse_target(text)
    assert target.qualitative and target.text == text and target.number is None


def test_money_units_convert_to_wan_yuan():
    assert parse_target("≤292万元").in_wan_yuan() == Decimal(292)
    assert parse_target("≥1亿元").in_wan_yuan() == Decimal(10000)
    assert parse_target("≤5000元").in_wan_yuan() == Decimal("0.5")
    assert parse_target("≥7人").in_wan_yuan() is None


@given(st.text(max_size=30))
def test_any_text_parses_and_keeps_its_text(text):
    assert parse_target(text).text == text

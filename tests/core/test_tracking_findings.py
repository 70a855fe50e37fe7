"""Findings of a 监控 and a 自评: each check, and that a reason given silences the ones that ask for it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from perftui.core import evaluation, monitoring
from perftui.core.execution import Spending
from perftui.core.findings import ERROR, WARNING
from perftui.core.model import Indicator
from perftui.core.scoring import rules_from_config
from perftui.core.tracking_findings import check_evaluation, check_monitoring, short_of_target

LABOUR = "研究院劳务派遣人员经费"
MET_ACTUALS = ("7人", "95%", "95%", "1年", "优秀", "95%")


@pytest.fixture
def labour(seed_forms):
    return next(f for f in seed_forms if f.name == LABOUR)


def scored(labour, actuals=MET_ACTUALS, spent="98", **rows):
    """A 自评 of the labour form; ``rows`` maps a 0-based row to the changes made to it."""
    record = evaluation.for_form(labour)
    built = [row.evolve(actual=actual) for row, actual in zip(record.rows, actuals)]
    for index, changes in rows.items():
        built[int(index.lstrip("r"))] = built[int(index.lstrip("r"))].evolve(**changes)
    return record.evolve(
        execution=record.execution.with_row("total", Spending(D(98), D(98), D(spent))), rows=tuple(built)
    )


def codes(found):
    return {(f.severity, f.code, f.row) for f in found}


def test_a_fully_met_evaluation_has_no_findings(labour):
    assert check_evaluation(scored(labour), labour) == []


def test_the_worked_example_asks_for_two_reasons(labour):
    record = scored(labour, actuals=("7人", "95%", "90%", "1年", "优秀", "95%"), spent="95")
    assert codes(check_evaluation(record, labour)) == {(WARNING, "reason", None), (WARNING, "reason", 3)}
    explained = record.evolve(funding_reason="节约开支", rows=tuple(
        row.evolve(reason="学历要求难满足") if n == 2 else row for n, row in enumerate(record.rows)
    ))
    assert check_evaluation(explained, labour) == []


def test_a_score_above_its_weight_is_an_error(labour):
    found = check_evaluation(scored(labour, r0={"score": D(13)}), labour)
    assert codes(found) == {(ERROR, "score-above-weight", 1)}
    assert "13.00" in found[0].message and "12.50" in found[0].message


def test_weights_must_add_up_to_100(labour):
    found = check_evaluation(scored(labour, r0={"weight": D(20), "score": D(20)}), labour)
    assert (ERROR, "weights", None) in codes(found)
    assert "107.50" in next(f.message for f in found if f.code == "weights")


def test_a_score_off_the_rule_without_a_reason(labour):
    # 时效 fully met but scored 7 of 12.50: both below the 分值 and off the rule; said once, as off the rule.
    found = check_evaluation(scored(labour, r3={"score": D(7)}), labour)
    assert codes(found) == {(WARNING, "off-rule", 4)}
    assert "7.00" in found[0].message and "12.50" in found[0].message
    assert check_evaluation(scored(labour, r3={"score": D(7), "reason": "延期"}), labour) == []


def test_a_band_score_outside_its_band(labour):
    record = scored(labour, r4={"actual": "良好", "band": "部分达成", "score": D(27)})
    found = check_evaluation(record, labour)
    assert codes(found) == {(WARNING, "off-rule", 5)}
    assert "18.00–24.00" in found[0].message
    inside = scored(labour, r4={"actual": "良好", "band": "部分达成", "score": D(20), "reason": "有待提高"})
    assert check_evaluation(inside, labour) == []


def test_a_qualitative_row_needs_a_band_or_a_score(labour):
    found = check_evaluation(scored(labour, r4={"actual": "良好"}), labour)
    assert codes(found) == {(ERROR, "score", 5)}
    assert check_evaluation(scored(labour, r4={"actual": "良好", "score": D(30)}), labour) == []


def test_an_actual_in_another_unit(labour):
    found = check_evaluation(scored(labour, r3={"actual": "12个月"}), labour)
    assert codes(found) == {(WARNING, "unit", 4), (ERROR, "score", 4)}
    assert codes(check_evaluation(scored(labour, r3={"actual": "12个月", "score": D("12.5")}), labour)) == {
        (WARNING, "unit", 4)
    }


def test_missing_actuals_and_funding(labour):
    record = evaluation.for_form(labour)
    found = codes(check_evaluation(record, labour))
    assert (ERROR, "required", None) in found  # 全年执行数
    assert {(ERROR, "required", n) for n in range(1, 7)} <= found


def test_execution_off_the_rule(labour):
    found = check_evaluation(scored(labour, spent="95").evolve(execution_score=D(10)), labour)
    assert codes(found) == {(WARNING, "off-rule", None)}
    assert found[0].where == "预算执行得分"


def test_a_row_no_longer_in_the_form(labour):
    record = scored(labour)
    fewer = labour.evolve(indicators=labour.indicators[:-1])
    found = check_evaluation(record, fewer)
    assert (WARNING, "indicator-gone", 6) in codes(found)


# -- 监控 -------------------------------------------------------------------------------------


def watched(labour, spent="60", **rows):
    record = monitoring.for_form(labour)
    built = [row.evolve(progress="按计划", forecast=row.indicator.value.lstrip("≥"), likelihood="确定能") for row in record.rows]
    for index, changes in rows.items():
        built[int(index.lstrip("r"))] = built[int(index.lstrip("r"))].evolve(**changes)
    return record.evolve(
        execution=record.execution.with_row("total", Spending(initial=D(98), spent=D(spent))), rows=tuple(built)
    )


def test_a_monitoring_on_track_has_no_findings(labour):
    assert check_monitoring(watched(labour), labour) == []


def test_execution_trailing_the_year(labour):
    # 7/12 = 58.33% at 7月31日; the margin is 10 points: 47.04% (46.1 of 98) trails by more.
    found = check_monitoring(watched(labour, spent="46.1"), labour)
    assert codes(found) == {(WARNING, "lagging", None)}
    assert "47.04%" in found[0].message and "58.33%" in found[0].message and "2024-07-31" in found[0].message
    assert check_monitoring(watched(labour, spent="47.5"), labour) == []  # 48.47%: within the margin
    assert check_monitoring(watched(labour, spent="46.1").evolve(funding_reason="资金下达晚"), labour) == []
    assert check_monitoring(watched(labour, spent="46.1").evolve(causes=("经费保障",)), labour) == []


def test_the_margin_and_the_day_are_settings(labour):
    strict = rules_from_config({"lag_margin": 5})
    assert codes(check_monitoring(watched(labour, spent="50"), labour, strict)) == {(WARNING, "lagging", None)}
    # As of 3月31日 a quarter of the year has passed: 30% spent is on track.
    early = watched(labour, spent="29.4").evolve(as_of=date(2024, 3, 31))
    assert check_monitoring(early, labour) == []


def test_impossible_and_short_forecasts_need_a_reason(labour):
    found = check_monitoring(watched(labour, r0={"likelihood": "完全不可能"}, r2={"forecast": "90%"}), labour)
    assert codes(found) == {(WARNING, "impossible", 1), (WARNING, "forecast-short", 3)}
    reasoned = watched(labour, r0={"likelihood": "完全不可能", "causes": ("人员保障",)}, r2={"forecast": "90%", "reason": "生源"})
    assert check_monitoring(reasoned, labour) == []


def test_monitoring_required_columns(labour):
    found = codes(check_monitoring(monitoring.for_form(labour), labour))
    assert (ERROR, "required", None) in found
    assert {(ERROR, "required", n) for n in range(1, 7)} <= found


def test_monitoring_progress_label_follows_the_day(labour):
    record = monitoring.for_form(labour).evolve(as_of=date(2024, 6, 30))
    messages = {f.message for f in check_monitoring(record, labour)}
    assert "1–6月执行情况未填写" in messages


@pytest.mark.parametrize(
    "value, forecast, short",
    [("≥7人", "6人", True), ("≥7人", "7人", False), ("≤2小时", "3小时", True), ("=100%", "98%", True),
     ("优秀", "部分完成", True), ("优秀", "优秀", False), ("≥7人", "1天", False), ("优秀", "良好", False)],
)
def test_short_of_target(value, forecast, short):
    assert short_of_target(value, forecast) is short


def test_findings_name_their_place_in_english(labour):
    from perftui import i18n

    i18n.set_locale("en")
    found = check_evaluation(scored(labour, spent="95"), labour)
    assert found and all(f.where for f in found)
    assert Indicator().level1 == ""

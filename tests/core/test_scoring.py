"""Scoring a 自评: the worked example of issue 12 and each rule (≥, ≤, =, bands, weights, grades)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from perftui.config import ConfigError
from perftui.core import evaluation, scoring
from perftui.core.evaluation import MET, PARTLY, UNMET, EvaluationRow, PointsError, parse_points
from perftui.core.execution import Spending
from perftui.core.model import Indicator
from perftui.core.scoring import Rules, default_weights, grade, propose, rules_from_config, split
from perftui.core.taxonomy import GUIDELINE_2021, LEGACY

LABOUR = "研究院劳务派遣人员经费"


def labour_evaluation(seed_forms, actuals=("7人", "95%", "90%", "1年", "优秀", "95%"), spent="95"):
    """The issue's example: B = 95 of A = 98, every target met but 本科及以上学历比例 at 90% (≥95%)."""
    form = next(f for f in seed_forms if f.name == LABOUR)
    record = evaluation.for_form(form)
    record = record.evolve(
        execution=record.execution.with_row("total", Spending(D(98), D(98), D(spent))),
        rows=tuple(row.evolve(actual=actual) for row, actual in zip(record.rows, actuals)),
    )
    return form, record


def test_the_worked_example_of_the_issue(seed_forms):
    form, record = labour_evaluation(seed_forms)
    card = scoring.score(record, form.layout)
    assert card.execution.weight == D(10)
    assert card.execution.score == D("9.69")  # 10 × 95/98 = 9.6938…
    assert [s.weight for s in card.rows] == [D("12.50")] * 4 + [D("30.00"), D("10.00")]
    assert card.rows[2].score == D("11.84")  # 12.50 × 90/95 = 11.842…
    assert [s.score for s in card.rows] == [D("12.50"), D("12.50"), D("11.84"), D("12.50"), D("30.00"), D("10.00")]
    assert card.weight_total == D(100)
    # The 总分 adds the scores as shown: 9.69 + 3 × 12.50 + 11.84 + 30 + 10.
    assert card.total == D("99.03")
    assert card.grade() == "优"


def test_the_same_scores_from_the_stored_record(seed_forms):
    """Scores come out the same after the record went through its stored document."""
    form, record = labour_evaluation(seed_forms)
    again = evaluation.Evaluation.from_doc(record.to_doc())
    assert scoring.score(again, form.layout) == scoring.score(record, form.layout)


# -- ≥ ≤ = ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, actual, weight, expected",
    [
        ("≥95%", "90%", "12.50", "11.84"),  # 12.50 × 90/95
        ("≥95%", "98%", "12.50", "12.50"),  # met: never above the 分值
        (">7人", "7人", "10", "10.00"),
        ("≥7人", "5", "10", "7.14"),  # no unit written: the target's
        ("≥0个", "0个", "10", "10.00"),
        ("≤2小时", "3小时", "10", "6.67"),  # 10 × 2/3
        ("≤2小时", "1小时", "10", "10.00"),
        ("<5%", "0%", "10", "10.00"),
        ("=100%", "98%", "10", "9.80"),  # 10 × (1 − 2/100): the published table wrote 9
        ("=100%", "102%", "10", "9.80"),
        ("=100%", "250%", "10", "0.00"),  # not below 0
        ("=0起", "0起", "10", "10.00"),
        ("=0起", "1起", "10", "0.00"),
        ("124套", "100套", "10", "8.06"),  # a bare figure is a floor
        ("50万元", "60万元", "10", "8.33"),  # a bare amount of money is a ceiling
        ("≤50万元", "400000元", "10", "10.00"),  # 40万元: money converts
        ("≥1年", "1年", "12.50", "12.50"),
    ],
)
def test_quantitative_rules(value, actual, weight, expected):
    proposal = propose(value, actual, D(weight))
    assert proposal.score == D(expected)
    assert not proposal.banded


def test_full_width_input_is_understood():
    assert propose("≥９５％", "９０％", D("12.5")).score == D("11.84")


def test_a_figure_in_another_unit_gets_no_rule_score():
    proposal = propose("≤2小时", "1天", D(10))
    assert proposal.score is None and proposal.problem == scoring.UNIT_MISMATCH
    assert scoring.units_differ("≤2小时", "1天")
    assert not scoring.units_differ("≤2小时", "1")


# -- qualitative bands ------------------------------------------------------------------------


@pytest.mark.parametrize("band, low, high", [(MET, "24.00", "30.00"), (PARTLY, "18.00", "24.00"), (UNMET, "0.00", "18.00")])
def test_a_band_bounds_the_score_and_proposes_its_top(band, low, high):
    proposal = propose("优秀", "良好", D(30), band)
    assert proposal.score == D(high)
    assert (proposal.low, proposal.high) == (D(low), D(high))
    assert proposal.agrees(D(low)) and proposal.agrees(D(high))
    assert not proposal.agrees(D(low) - D("0.01")) or band == UNMET
    assert not proposal.agrees(D(high) + D("0.01"))


@pytest.mark.parametrize(
    "actual, band",
    [
        ("优秀", MET),  # repeats the target
        ("达成预期指标", MET),
        ("部分达成预期指标并具有一定效果", PARTLY),
        ("基本完成", PARTLY),
        ("未达成预期指标且效果较差", UNMET),
        ("未完成", UNMET),
        ("良好", ""),  # says nothing the rule can read: the operator chooses
    ],
)
def test_a_band_read_from_the_words(actual, band):
    assert scoring.infer_band("优秀", actual) == band


def test_a_qualitative_row_without_a_band_gets_no_score():
    assert propose("较好", "一般", D(10)).problem == scoring.NO_BAND
    assert propose("较好", "", D(10)).problem == scoring.NO_ACTUAL


def test_band_bounds_are_configurable():
    rules = rules_from_config({"met": [90, 100], "partly": [70, 90]})
    assert propose("优秀", "达成", D(10), rules=rules).low == D(9)
    assert propose("优秀", "x", D(10), PARTLY, rules=rules).score == D("9.00")


# -- agreeing with the rule ---------------------------------------------------------------------


def test_a_written_score_agrees_when_it_is_the_rule_rounded_to_its_places():
    proposal = propose("≥95%", "90%", D("12.50"))  # 11.842…
    for written in ("11.84", "11.8", "11.842"):
        assert proposal.agrees(D(written)), written
    assert not proposal.agrees(D("11.85"))
    assert not proposal.agrees(D("12"))  # rounding to whole points hides 0.16
    assert propose("≥1年", "1年", D(10)).agrees(D(10))
    assert not propose("=100%", "98%", D(10)).agrees(D(9))  # the published 9 against 9.8
    assert not propose("≥1年", "1年", D(10)).agrees(D(7))  # a met target scored 7 of 10


# -- weights ------------------------------------------------------------------------------------


def test_split_adds_up_to_the_cent():
    assert split(D(50), 4) == [D("12.50")] * 4
    parts = split(D(30), 7)
    assert parts == [D("4.29")] * 4 + [D("4.28")] * 3
    assert sum(parts) == D(30)
    assert split(D(10), 3) == [D("3.34"), D("3.33"), D("3.33")]


def _rows(*level1s):
    return [Indicator(level1, "", f"指标{n}", "≥1") for n, level1 in enumerate(level1s)]


def test_default_weights_split_each_level_over_its_rows():
    rows = _rows("产出指标", "产出指标", "效益指标", "效益指标", "效益指标", "满意度指标")
    assert default_weights(rows, LEGACY) == [D(25), D(25), D(10), D(10), D(10), D(10)]


def test_cost_as_a_level_shares_output_unless_set():
    rows = _rows("产出指标", "产出指标", "产出指标", "成本指标", "效益指标", "满意度指标")
    assert default_weights(rows, GUIDELINE_2021)[:4] == [D("12.50")] * 4
    rules = rules_from_config({"cost": 20})
    assert default_weights(rows, GUIDELINE_2021, rules)[:4] == [D(10), D(10), D(10), D(20)]


def test_a_level_without_a_weight_gets_none():
    assert default_weights(_rows("产出指标", "不知道"), LEGACY) == [D(50), None]


def test_a_set_weight_wins_over_the_default(seed_forms):
    form, record = labour_evaluation(seed_forms)
    rows = list(record.rows)
    rows[0] = rows[0].evolve(weight=D(20))
    card = scoring.score(record.evolve(rows=tuple(rows)), form.layout)
    assert card.rows[0].weight == D(20) and card.rows[0].default_weight == D("12.50")
    assert card.weight_total == D("107.50")


def test_a_written_score_wins_over_the_rule(seed_forms):
    form, record = labour_evaluation(seed_forms)
    rows = list(record.rows)
    rows[2] = rows[2].evolve(score=D(9))
    card = scoring.score(record.evolve(rows=tuple(rows), execution_score=D(10)), form.layout)
    assert card.rows[2].score == D(9) and card.rows[2].written and card.rows[2].off_rule
    assert card.execution.score == D(10) and card.execution.off_rule
    assert card.total == D("10") + D("12.50") * 3 + D(9) + D(40)


def test_execution_scores_ten_times_the_rate_capped_at_ten():
    assert scoring.propose_execution(Spending(D(98), D(98), D(95)), D(10)).score == D("9.69")
    assert scoring.propose_execution(Spending(D(98), D(100), D(95)), D(10)).score == D("9.50")  # A: 全年预算数
    assert scoring.propose_execution(Spending(D(98), None, D(120)), D(10)).score == D("10.00")
    assert scoring.propose_execution(Spending(D(0), None, D(1)), D(10)).problem == scoring.NO_BUDGET


# -- grades -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "total, name",
    [("100", "优"), ("90", "优"), ("89.99", "良"), ("89.9", "良"), ("80", "良"), ("79.9", "中"), ("60", "中"), ("59.99", "差"), ("0", "差")],
)
def test_grades(total, name):
    assert grade(D(total)) == name


def test_no_grade_while_a_score_is_missing(seed_forms):
    form, record = labour_evaluation(seed_forms, actuals=("7人", "95%", "90%", "1年", "", "95%"))
    card = scoring.score(record, form.layout)
    assert not card.complete and card.grade() == ""


# -- config and typed points ------------------------------------------------------------------------


def test_rules_from_config_defaults_and_errors():
    assert rules_from_config({}) == Rules()
    assert rules_from_config({"execution": 20, "lag_margin": 5}).lag_margin == D("0.05")
    for bad in ({"output": "fifty"}, {"output": 150}, {"met": [100, 80]}, {"met": 80}, {"colour": 1}, {"cost": 60}):
        with pytest.raises(ConfigError):
            rules_from_config(bad)


def test_scoring_settings_come_from_config_toml(tmp_path):
    from perftui.config import load_settings

    path = tmp_path / "config.toml"
    path.write_text("[scoring]\noutput = 40\nbenefit = 40\n", encoding="utf-8")
    rules = rules_from_config(load_settings(path).scoring)
    assert rules.weights["产出指标"] == D(40) and rules.weights["效益指标"] == D(40)


@pytest.mark.parametrize("text, value", [("12.5", "12.5"), ("１１．８４", "11.84"), ("9分", "9"), ("", None), ("  ", None)])
def test_parse_points(text, value):
    assert parse_points(text) == (None if value is None else D(value))
    if value is not None:
        assert str(parse_points(text)) == value  # places as written


@pytest.mark.parametrize("text", ["-1", "abc", "101", "1.23456", "1,0"])
def test_parse_points_refuses(text):
    with pytest.raises(PointsError):
        parse_points(text)


def test_formatting_two_decimals():
    assert scoring.format_points(D("9.6938")) == "9.69"
    assert scoring.format_points(D(30)) == "30.00"
    assert scoring.format_rate(D(95) / D(98)) == "96.94%"
    assert EvaluationRow().score is None

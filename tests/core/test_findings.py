from decimal import Decimal

from perftui.core.findings import ERROR, WARNING, check, counts, is_complete
from perftui.core.model import Form, Funding, Indicator
from perftui.core.taxonomy import GUIDELINE_2021


def _form(**changes):
    base = Form(
        year=2024,
        name="测试项目",
        period_text="2024年1月至2024年12月",
        department="某局",
        unit="某中心",
        period_funding=Funding(Decimal(100), Decimal(100)),
        annual_funding=Funding(Decimal(100), Decimal(100)),
        annual_goal="完成任务",
        indicators=(
            Indicator("产出指标", "数量指标", "培训人数", "≥7人"),
            Indicator("效益指标", "社会效益指标", "影响力", "较好"),
            Indicator("满意度指标", "服务对象满意度指标", "满意度", "≥90%"),
        ),
    )
    return base.evolve(**changes)


def codes(form):
    return {(f.severity, f.code, f.field, f.row) for f in check(form)}


def test_a_complete_form_has_no_findings():
    assert check(_form()) == []


def test_seed_has_no_errors_and_exactly_the_two_known_warnings(seed_forms):
    found = {form.name: check(form) for form in seed_forms}
    assert all(is_complete(f) for f in found.values())
    warned = {name: [f.code for f in fs] for name, fs in found.items() if fs}
    assert warned == {"龙头分园征迁补偿款": ["period-year"], "数字赋能项目专项经费": ["cost-above-annual"]}
    assert "≤292万元" in found["数字赋能项目专项经费"][0].message


def test_required_fields():
    empty = Form()
    required = {f.field for f in check(empty) if f.code == "required"}
    assert required == {
        "name", "year", "period", "department", "unit",
        "funding.annual.total", "funding.annual.fiscal", "goals.annual",
    }
    assert all(f.severity == ERROR for f in check(empty) if f.code == "required")


def test_each_required_level1_needs_an_indicator():
    form = _form(indicators=_form().indicators[:1])
    missing = [f.message for f in check(form) if f.code == "missing-level1"]
    assert missing == ["缺少效益指标", "缺少满意度指标"]


def test_indicator_rows_need_name_and_value():
    rows = _form().indicators + (Indicator("产出指标", "质量指标", "", ""),)
    assert {(ERROR, "indicator-name", "indicators", 4), (ERROR, "indicator-value", "indicators", 4)} <= codes(
        _form(indicators=rows)
    )


def test_level2_must_belong_to_its_level1_in_the_forms_layout():
    cost_as_level2 = _form().indicators + (Indicator("产出指标", "成本指标", "总成本", "≤50万元"),)
    assert not any(f.code == "level2" for f in check(_form(indicators=cost_as_level2)))
    # In the 2021 guideline 成本指标 is a 一级, so the same row is wrong there...
    assert (ERROR, "level2", "indicators", 4) in codes(_form(indicators=cost_as_level2, layout=GUIDELINE_2021))
    # ...and 经济成本指标 under 成本指标 is right.
    rows = _form().indicators + (Indicator("成本指标", "经济成本指标", "总成本", "≤50万元"),)
    assert check(_form(indicators=rows, layout=GUIDELINE_2021)) == []
    assert (ERROR, "level1", "indicators", 4) in codes(_form(indicators=rows))
    wrong = _form().indicators + (Indicator("满意度指标", "数量指标", "x", "1"),)
    assert (ERROR, "level2", "indicators", 4) in codes(_form(indicators=wrong))


def test_fiscal_plus_other_must_equal_total():
    form = _form(annual_funding=Funding(Decimal(100), Decimal(60), Decimal(30)))
    (finding,) = [f for f in check(form) if f.code == "sum"]
    assert finding.field == "funding.annual.total" and "90.00" in finding.message
    # A blank 其他资金 counts as zero.
    assert not [f for f in check(_form(annual_funding=Funding(Decimal(100), Decimal(100), None))) if f.code == "sum"]
    assert not [
        f
        for f in check(_form(annual_funding=Funding(Decimal("100.00"), Decimal("60.5"), Decimal("39.50"))))
        if f.code == "sum"
    ]
    period = _form(period_funding=Funding(Decimal(200), Decimal(100)))
    assert (ERROR, "sum", "funding.period.total", None) in codes(period)


def test_annual_above_period_is_an_error():
    form = _form(period_funding=Funding(Decimal(50), Decimal(50)))
    assert (ERROR, "annual-above-period", "funding.annual.total", None) in codes(form)


def test_percentage_above_100_is_an_error():
    rows = _form().indicators + (Indicator("产出指标", "质量指标", "合格率", "≥１０５％"),)
    assert (ERROR, "percent", "indicators", 4) in codes(_form(indicators=rows))


def test_low_satisfaction_is_a_warning():
    rows = _form().indicators[:2] + (Indicator("满意度指标", "服务对象满意度指标", "满意度", "≥75%"),)
    assert codes(_form(indicators=rows)) == {(WARNING, "satisfaction-low", "indicators", 3)}


def test_cost_ceiling_above_annual_amount_is_a_warning():
    rows = _form().indicators + (Indicator("产出指标", "成本指标", "总成本", "≤1.5亿元"),)
    assert codes(_form(indicators=rows)) == {(WARNING, "cost-above-annual", "indicators", 4)}
    within = _form().indicators + (Indicator("产出指标", "成本指标", "总成本", "≤100万元"),)
    assert check(_form(indicators=within)) == []


def test_period_not_covering_the_year_is_a_warning():
    assert codes(_form(period_text="2023.1.1-2023.12.31")) == {(WARNING, "period-year", "period", None)}
    assert codes(_form(period_text="长期")) == {(WARNING, "period-unparsed", "period", None)}


def test_errors_come_before_warnings_and_counts():
    form = _form(name="", period_text="2023年", indicators=_form().indicators[:2])
    found = check(form)
    assert [f.severity for f in found] == sorted((f.severity for f in found), key=lambda s: s != ERROR)
    assert counts(found) == (2, 1)


def test_english_messages(monkeypatch):
    from perftui import i18n

    i18n.set_locale("en")
    found = check(Form())
    assert any("project name" in f.message.lower() for f in found)


def test_row_findings_follow_the_language_even_when_cached():
    from perftui import i18n

    rows = _form().indicators + (Indicator("产出指标", "质量指标", "", "≥7人"),)
    assert "三级指标未填写" in [f.message for f in check(_form(indicators=rows))]
    i18n.set_locale("en")
    assert "Level-3 indicator is empty" in [f.message for f in check(_form(indicators=rows))]

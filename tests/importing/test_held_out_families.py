"""What the held-out real forms (tests/fixtures/more-real-forms) taught the recognizer.

Each test is a small form in the layout a real one used, so that the rule is
checked apart from the file that showed the need for it: labels (data in
labels.py) and layout rules, never one file's special case.
"""

from __future__ import annotations

from decimal import Decimal

from perftui.importing.sources import read_forms
from tests.importing import builders

TABLE = """一级指标\t二级指标\t三级指标\t指标值
产出指标\t数量指标\t车辆数\t10辆
效益指标\t社会效益指标\t空气质量满意程度\t≥85%
满意度指标\t服务对象满意度指标\t市民满意度\t≥90%
"""


def read(text: str, tmp_path, kind: str = "txt", year: int | None = None):
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    if kind != "txt":
        path = getattr(builders, f"write_{kind}")(text, tmp_path / f"form.{kind}")
    (recognized,) = read_forms(path, year).recognized
    return recognized


def form(text: str, tmp_path, kind: str = "txt"):
    return read(text, tmp_path, kind).form


# -- amounts ------------------------------------------------------------------------------------


def test_this_levels_budget_and_the_transfer_beside_it_are_both_fiscal(tmp_path):
    # Hunan 2023: 年度本级预算金额 | 250万 | 该项目支出上级资金 | 30, no 财政拨款 line.
    text = f"""2023年项目支出绩效目标申报表
项目支出名称\t测试项目\t预算部门\t测试处
年度本级 预算金额\t250万\t该项目支出上级资金\t30
{TABLE}"""
    found = form(text, tmp_path)
    assert found.annual_funding.total == Decimal(250)
    assert found.annual_funding.fiscal == Decimal(280)


def test_a_bare_total_is_the_years_even_when_the_period_cannot_be_read(tmp_path):
    # Hunan 2024: 项目资金申请(万元) | 资金总额: 250, and a 项目起止时间 that lost its separators.
    text = f"""2024年项目绩效目标表
项目名称\t测试项目\t项目起止时间\t20246-202516
项目资金申请 (万元)\t资金总额: 250
\t一、预算资金:250
\t二、自有资金:0
\t三、其他:0
{TABLE}"""
    found = form(text, tmp_path)
    assert (found.annual_funding.total, found.annual_funding.fiscal, found.annual_funding.other) == (
        Decimal(250), Decimal(250), Decimal(0)
    )
    assert found.period_funding.total is None


def test_a_bare_total_beside_the_years_is_the_periods(tmp_path):
    text = f"""项目支出绩效目标表
（2024年度）
项目名称\t测试项目
项目资金（万元）\t资金总额\t300\t年度资金总额\t100
{TABLE}"""
    found = form(text, tmp_path)
    assert (found.period_funding.total, found.annual_funding.total) == (Decimal(300), Decimal(100))


def test_a_part_takes_the_scope_of_the_total_right_above_it(tmp_path):
    # Chongqing 审批表: 项目总预算, then 当年年度预算 with its 其中:财政资金 under it.
    def funding(first: str, second: str):
        text = f"""项目支出绩效目标审批表
（2023年度）
项目名称\t测试项目\t建设周期\t2023年4月-2024年2月
项目资金\t{first}
\t{second}
\t其中:财政资金\t65
{TABLE}"""
        found = form(text, tmp_path)
        return found.period_funding.fiscal, found.annual_funding.fiscal

    assert funding("项目总预算\t100", "当年年度预算\t65") == (None, Decimal(65))
    assert funding("当年年度预算\t65", "项目总预算\t100") == (Decimal(65), None)


def test_a_project_budget_amount_alone_is_the_years_for_a_one_year_project(tmp_path):
    # 抗疫特别国债项目绩效目标表: 主管预算部门 | … | 项目预算金额 (万元) | 5652 on one row.
    text = f"""抗疫特别国债项目绩效目标表(打捆项目)
(2020年度)
项目名称\t测试项目
主管预算部门\t测试城市管理委员\t项目预算金额 (万元)\t5652
{TABLE}"""
    found = form(text, tmp_path)
    assert found.department == "测试城市管理委员"
    assert found.annual_funding.total == found.period_funding.total == Decimal(5652)
    assert found.annual_funding.fiscal is None


def test_a_transfer_forms_labels(tmp_path):
    # 转移支付 绩效目标表: 主管部门 of each level, 资金使用单位, 下达资金总额, 中央财政补助, 地方资金.
    text = f"""2025年测试补助资金绩效目标表
项目名称\t测试补助资金
中央主管部门\t[120]住房城乡建设部
省级主管部门\t重庆市住房城乡建委
资金使用单位\t测试县住房城乡建委
资金情况(万元)\t下达资金总额\t120
\t其中:中央财政补助\t100
\t地方资金\t20
{TABLE}"""
    found = form(text, tmp_path)
    assert (found.department, found.unit) == ("重庆市住房城乡建委", "测试县住房城乡建委")
    assert (found.annual_funding.total, found.annual_funding.fiscal) == (Decimal(120), Decimal(120))


# -- header -------------------------------------------------------------------------------------


def test_a_code_after_the_departments_name_is_dropped(tmp_path):
    text = f"""2024年项目绩效目标表
项目名称\t测试项目
主管部门及其编码\t湘潭市城市管理和综合执法局 308001\t项目实施单位\t湘潭市环境卫生管理处
项目资金\t资金总额\t250
{TABLE}"""
    assert form(text, tmp_path).department == "湘潭市城市管理和综合执法局"


def test_an_unfilled_reporting_unit_line_names_nobody_and_its_unit_applies(tmp_path):
    # "填报单位:(盖章) 单位:万元" in one merged cell above the table.
    text = f"""2023年项目支出绩效目标申报表
填报单位:(盖章) 单位:元
项目支出名称\t测试项目
项目资金\t年度资金总额\t2,500,000
\t其中:财政拨款\t2,500,000
{TABLE}"""
    found = form(text, tmp_path)
    assert found.unit == ""
    assert found.annual_funding.total == Decimal(250)


def test_a_filled_reporting_unit_line_with_its_unit_names_the_unit(tmp_path):
    text = f"""2023年项目支出绩效目标申报表
填报单位:测试局 单位:万元
项目名称\t测试项目
项目资金\t年度资金总额\t250
{TABLE}"""
    assert form(text, tmp_path).unit == "测试局"


# -- goals and side tables ----------------------------------------------------------------------


def test_long_term_and_annual_goals_under_their_headings(tmp_path):
    text = f"""2024年项目绩效目标表
项目名称\t测试项目
项目资金\t资金总额\t250
项目绩效目标\t长期目标\t年度目标
\t持续改善空气质量\t2024年采购降尘服务
{TABLE}"""
    found = form(text, tmp_path)
    assert (found.period_goal, found.annual_goal) == ("持续改善空气质量", "2024年采购降尘服务")


def test_a_progress_plan_is_kept_under_its_own_headings(tmp_path):
    text = f"""2024年项目绩效目标表
项目名称\t测试项目
项目资金\t资金总额\t250
项目实施进度计划\t项目实施内容\t开始时间\t完成时间
\t采购降尘服务\t2024.6\t2025.1
项目绩效目标\t长期目标\t年度目标
\t持续改善空气质量\t采购降尘服务
{TABLE}"""
    recognized = read(text, tmp_path)
    extra = dict(recognized.form.extra_fields)
    assert (extra["项目实施内容"], extra["开始时间"], extra["完成时间"]) == ("采购降尘服务", "2024.6", "2025.1")
    assert not recognized.unknown
    assert recognized.form.annual_goal == "采购降尘服务"


# -- the indicator table ------------------------------------------------------------------------


def test_a_last_row_with_only_its_indicator_name_is_a_row(tmp_path):
    # A transfer form cut in its second 数量 row: only the 三级 cell is filled.
    text = """2025年测试补助资金绩效目标表
项目名称\t测试补助资金
资金情况(万元)\t下达资金总额\t120
\t一级指标\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t改造户数\t应改尽改
\t\t\t抗震改造户数\t
"""
    for kind in ("txt", "docx", "xlsx"):
        found = form(text, tmp_path, kind)
        assert [row.name for row in found.indicators] == ["改造户数", "抗震改造户数"], kind


MIDTERM_ONLY = """项目支出绩效目标申报表
( 2023 年度)
项目名称\t测试项目
项目属性\t常年项目\t项目期\t{period}
项目资金 (万元)\t中期资金总额:\t170.00\t年度资金总额:\t170.00
总 体 目 标\t中期目标(2023年—2023年)\t年度目标
\t保障执法车辆的维修及燃油\t
绩 效 指 标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t修理养护车辆数\t≥90辆\t数量指标\t\t
\t效益指标\t社会效益指标\t执法出勤保障\t程度较高\t社会效益指标\t\t
\t满意度指标\t服务对象满意度指标\t执法人员满意度\t≥90%\t服务对象满意度指标\t\t
"""


def test_a_one_year_project_filled_on_the_midterm_side_only_gives_the_years_too(tmp_path):
    recognized = read(MIDTERM_ONLY.format(period="1年"), tmp_path)
    found = recognized.form
    assert [row.value for row in found.indicators] == ["≥90辆", "程度较高", "≥90%"]
    assert all(dict(row.extra)["period_value"] == row.value for row in found.indicators)
    assert found.annual_goal == found.period_goal == "保障执法车辆的维修及燃油"
    assert any("中期" in note for note in recognized.notes)


def test_a_multi_year_project_filled_on_the_midterm_side_only_leaves_the_years_blank(tmp_path):
    found = read(MIDTERM_ONLY.format(period="2023-2025"), tmp_path).form
    assert [row.value for row in found.indicators] == ["", "", ""]
    assert [dict(row.extra)["period_value"] for row in found.indicators] == ["≥90辆", "程度较高", "≥90%"]
    assert found.annual_goal == ""


def test_a_caption_over_the_indicator_table_is_not_goal_text(tmp_path):
    # Wuhan: 总体目标 | 中期目标 | 年度目标, their texts, then a line "绩效项目指标表".
    text = f"""项目支出绩效目标表
2020年度)
项目名称\t测试项目
项目资金\t资金总额\t100\t当年资金总额:\t100
总体目标\t中期目标\t年度目标
\t优化教育布局\t完成重点项目建设
绩效项目指标表
{TABLE}"""
    for caption in ("绩效项目指标表", "年度绩效指标表", "项目绩效指标表"):
        found = form(text.replace("绩效项目指标表", caption), tmp_path)
        assert (found.year, found.period_goal, found.annual_goal) == (2020, "优化教育布局", "完成重点项目建设")
        assert (found.period_funding.total, found.annual_funding.total) == (Decimal(100), Decimal(100))
        assert len(found.indicators) == 3, caption


# -- several forms in one file --------------------------------------------------------------------


def forms_in(text: str, tmp_path):
    path = tmp_path / "forms.txt"
    path.write_text(text, encoding="utf-8")
    return read_forms(path).forms


def titled(title: str, name: str, amount: str, preamble: str = "") -> str:
    return f"""{title}
（2023年度）
{preamble}项目名称\t{name}
项目资金\t年度资金总额\t{amount}
{TABLE}"""


def test_a_unit_line_inside_a_titled_form_stays_with_that_form(tmp_path):
    # 审批表: "预算单位:…" and "金额单位:元" under the first form's title; the next form names neither.
    text = titled("项目支出绩效目标审批表", "第一项目", "650,000", "预算单位: 第一单位\n金额单位:元\n") + titled(
        "项目支出绩效目标表", "第二项目", "65"
    )
    first, second = forms_in(text, tmp_path)
    assert (first.unit, first.annual_funding.total) == ("第一单位", Decimal(65))
    assert (second.unit, second.annual_funding.total) == ("", Decimal(65))


def test_a_unit_line_under_a_title_applies_to_every_form_under_it(tmp_path):
    text = titled("项目支出绩效目标表", "第一项目", "650,000", "金额单位:元\n") + f"""项目名称\t第二项目
项目资金\t年度资金总额\t1,000,000
{TABLE}"""
    first, second = forms_in(text, tmp_path)
    assert (first.annual_funding.total, second.annual_funding.total) == (Decimal(65), Decimal(100))


def test_a_unit_line_before_the_first_title_applies_to_the_whole_document(tmp_path):
    text = "填报单位:测试局\n金额单位:元\n" + titled("项目支出绩效目标表", "第一项目", "650,000") + titled(
        "项目支出绩效目标表", "第二项目", "1,000,000"
    )
    first, second = forms_in(text, tmp_path)
    assert (first.unit, second.unit) == ("测试局", "测试局")
    assert (first.annual_funding.total, second.annual_funding.total) == (Decimal(65), Decimal(100))


def test_the_held_out_forms_in_one_file_give_what_each_gives_alone(tmp_path):
    from tests.importing.conftest import MORE_REAL_FORMS

    alone = [f.to_doc() | {"id": ""} for form in MORE_REAL_FORMS for f in read_forms(form.path).forms]
    together = forms_in("\n".join(form.text for form in MORE_REAL_FORMS), tmp_path)
    assert [f.to_doc() | {"id": ""} for f in together] == alone


# -- derived variants of the families: other synonyms, budget-system layouts ---------------------


BUDGET_SHEET = """2024年部门预算项目支出绩效目标表
部门名称\t项目支出名称\t年度预算数(万元)\t其中:财政拨款\t年度绩效目标\t一级指标\t二级指标\t三级指标\t计算符号\t目标值\t计量单位\t指标权重\t指标方向
测试局本级\t合计\t350\t350\t\t\t\t\t\t\t\t\t
测试局本级\t林长制工作经费\t50\t50\t保障林长制运行\t产出指标\t数量指标\t巡林次数\t≥\t120\t次\t20\t正向
\t\t\t\t\t\t质量指标\t问题整改率\t≥\t95\t%\t20\t正向
\t\t\t\t\t效益指标\t社会效益指标\t林区安全事故\t=\t0\t起\t30\t反向
\t\t\t\t\t满意度指标\t服务对象满意度指标\t群众满意度\t≥\t90\t%\t30\t正向
测试局本级\t义务植树\t300\t300\t完成植树任务\t产出指标\t数量指标\t植树株数\t≥\t5\t万株\t40\t正向
\t\t\t\t\t效益指标\t生态效益指标\t成活率\t≥\t85\t%\t30\t正向
\t\t\t\t\t满意度指标\t服务对象满意度指标\t群众满意度\t≥\t90\t%\t30\t正向
"""


def test_a_budget_sheet_with_a_computing_sign_column_folds_it_into_the_value(tmp_path):
    for kind in ("txt", "xlsx"):
        path = tmp_path / "sheet.txt"
        path.write_text(BUDGET_SHEET, encoding="utf-8")
        if kind == "xlsx":
            path = builders.write_xlsx(BUDGET_SHEET, tmp_path / "sheet.xlsx")
        first, second = read_forms(path).forms
        assert [(f.name, f.annual_funding.total, len(f.indicators)) for f in (first, second)] == [
            ("林长制工作经费", Decimal(50), 4), ("义务植树", Decimal(300), 3)
        ], kind
        assert [row.value for row in first.indicators] == ["≥120次", "≥95%", "=0起", "≥90%"]
        assert dict(first.indicators[2].extra)["direction"] == "反向"


def test_a_budget_system_form_with_section_headings_and_required_marks(tmp_path):
    text = """2025年项目支出绩效目标表
项目绩效目标
基本信息
项目名称:\t林长制工作经费\t项目编码:\t36022225T000000123456
部门编码:\t316\t部门名称:\t浮梁县林业局\t*联系人:\t王媛
*项目资金(万元)\t年度资金总额:\t20\t其中:财政拨款:\t20\t其他资金:\t0
年度绩效目标
*年度绩效总目标\t保障林长制工作正常开展,实现林长巡林全覆盖。
一级指标\t二级指标\t三级指标\t计算符号\t目标值\t度量单位\t指标值说明
产出指标\t数量指标\t林长巡林次数(次)\t≥\t120\t次\t该指标值数据合理
效益指标\t社会效益指标\t森林资源保护意识\t定性\t有所提升\t\t该指标值数据合理
满意度指标\t服务对象满意度指标\t群众满意度(%)\t≥\t90\t%\t该指标值数据合理
"""
    recognized = read(text, tmp_path)
    found = recognized.form
    assert (found.department, found.annual_goal, found.period_goal) == (
        "浮梁县林业局", "保障林长制工作正常开展,实现林长巡林全覆盖。", ""
    )
    assert [row.value for row in found.indicators] == ["≥120次", "有所提升", "≥90%"]
    assert ("联系人", "王媛") in found.extra_fields and not recognized.unknown


def test_amount_labels_in_a_row_with_their_figures_on_the_row_below(tmp_path):
    text = """项目支出绩效目标表
(2024年度)
项目名称\t测试项目\t实施单位\t测试局
项目资金(万元)\t年度资金总额\t其中:财政拨款\t其他资金
\t100\t80\t20
年度目标\t完成任务
""" + TABLE
    for kind in ("txt", "docx", "xlsx"):
        found = form(text, tmp_path, kind)
        funding = found.annual_funding
        assert (funding.total, funding.fiscal, funding.other) == (Decimal(100), Decimal(80), Decimal(20)), kind
        assert found.annual_goal == "完成任务"


def test_a_year_field_and_a_currency_sign(tmp_path):
    # 年度 | 2024 in the header instead of a (2024年度) line; ¥ before a figure in 元.
    text = """项目支出绩效目标表
年度\t2024
项目名称\t测试项目\t实施单位\t测试局
资金总额(元)\t¥1,000,000.00\t财政拨款(元)\t￥1,000,000.00
年度目标\t完成任务
""" + TABLE
    found = form(text, tmp_path)
    assert (found.year, found.annual_goal) == (2024, "完成任务")
    assert (found.annual_funding.total, found.annual_funding.fiscal) == (Decimal(100), Decimal(100))
    assert form(text.replace("年度\t2024", "预算年度\t2023年"), tmp_path).year == 2023


def test_older_level_names(tmp_path):
    # 效果指标 (transfer forms) for 效益指标; 环境效益指标 (older templates) for 生态效益指标.
    text = """项目支出绩效目标表
(2024年度)
项目名称\t测试项目
项目资金\t年度资金总额\t10
一级指标\t二级指标\t三级指标\t指标值
项目产出指标\t数量指标\t车辆数\t10辆
效果指标\t环境效益指标\t降尘面积\t≥10平方公里
\t社会公众满意度\t市民满意度\t≥90%
"""
    found = form(text, tmp_path)
    assert [(row.level1, row.level2) for row in found.indicators] == [
        ("产出指标", "数量指标"), ("效益指标", "生态效益指标"), ("满意度指标", "服务对象满意度指标")
    ]


def test_words_where_an_amount_should_be_leave_it_blank_and_are_shown(tmp_path):
    # Transfer form: 其中:中央财政补助 | 参见附件1具体金额. Money in Chinese numerals is still refused.
    from perftui.core import findings
    from perftui.importing import amounts

    text = """2025年测试补助资金绩效目标表
项目名称\t测试补助资金
资金情况(万元)\t下达资金总额\t
\t其中:中央财政补助\t参见附件1具体金额
""" + TABLE
    found = form(text, tmp_path)
    assert (found.annual_funding.total, found.annual_funding.fiscal) == (None, None)
    words = [f for f in findings.check(found) if f.code == "amount-words"]
    assert [(f.field, "参见附件1具体金额" in f.message) for f in words] == [("funding.annual.fiscal", True)]
    assert amounts.read("金额(万元)").caption and not amounts.read("详见附件").caption
    assert amounts.read("详见附件").note == "详见附件"


# -- a long-term table and a year's table, one after the other (佳县 / 宁乡 项目绩效目标表) -------

TWO_TABLES = """项目绩效目标表
(2021年度)
项目名称\t镇域内基础设施建设\t项目属性\t新增项目□延续项目√
主管部门\t测试镇\t主管部门编码\t
项目单位\t测试镇\t项目负责人\t张三
项目起止时间\t2021
年度资金总额及构成\t总额\t10606.7522万元
\t财政拨款:\t6923.3552万元(其中:上级财政资金:6923.3552万元;本级财政:0万元)
\t二、自有资金:\t0万元
\t三、其他:\t3683.3970万元
项目绩效目标\t长期目标\t年度目标
\t改善镇域内基础设施\t全面完成集镇立面改造
长期绩效指标\t一级指标\t二级指标\t指标内容\t指标值\t备注
\t产出指标\t数量指标\t道路硬化\t20公里\t
\t效益指标\t社会效益指标\t群众出行条件\t改善\t
\t社会公众或服务对象满意度指标\t\t群众满意度\t≥90%\t
年度绩效指标\t一级指标\t二级指标\t指标内容\t指标值\t备注
\t产出指标\t数量指标\t集镇立面改造\t1处\t
\t\t时效指标\t完成时间\t2021年底\t
\t效益指标\t社会效益指标\t群众出行条件\t改善\t
\t社会公众或服务对象满意度指标\t\t群众满意度\t≥95%\t
"""


def test_a_long_term_table_and_a_years_table_give_the_years_rows_and_keep_the_others(tmp_path):
    for kind in ("txt", "docx", "xlsx"):
        recognized = read(TWO_TABLES, tmp_path, kind)
        found = recognized.form
        assert [row.name for row in found.indicators] == ["集镇立面改造", "完成时间", "群众出行条件", "群众满意度"], kind
        # 社会公众或服务对象满意度指标 in the 一级 column, its 二级 cell blank: a 满意度 row.
        assert (found.indicators[-1].level1, found.indicators[-1].level2) == ("满意度指标", "服务对象满意度指标")
        kept = [value for label, value in found.extra_fields if "长期" in label]
        assert kept == [
            "产出指标 · 数量指标 · 道路硬化：20公里", "效益指标 · 社会效益指标 · 群众出行条件：改善",
            "满意度指标 · 服务对象满意度指标 · 群众满意度：≥90%",
        ]
        assert found.unit == "测试镇"
        assert (found.annual_funding.total, found.annual_funding.fiscal) == (Decimal("10606.7522"), Decimal("6923.3552"))

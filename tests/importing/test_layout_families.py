"""Each layout family units publish, written as a unit would (not copies of the real forms).

Every family is read from text and from a .docx or .xlsx with its merges,
and must give the same form.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from perftui.core import findings, taxonomy
from perftui.importing.sources import read_forms
from perftui.importing.text import FormatError
from tests.importing import builders


def forms_of(text: str, tmp_path, kind: str = "txt", year: int | None = None):
    path = tmp_path / f"form.{kind}"
    if kind == "txt":
        path.write_text(text, encoding="utf-8")
    else:
        getattr(builders, f"write_{kind}")(text, path)
    return read_forms(path, year).forms


def same_from_every_source(text: str, tmp_path, kinds=("docx", "xlsx"), year=None):
    base = forms_of(text, tmp_path, year=year)
    for kind in kinds:
        other = forms_of(text, tmp_path, kind, year=year)
        assert [f.to_doc() | {"id": ""} for f in other] == [f.to_doc() | {"id": ""} for f in base], kind
    return base


def levels(form):
    return [(row.level1, row.level2, row.name, row.value) for row in form.indicators]


# -- 财预〔2015〕88号: a leading 绩效指标 column, 中期 | 年度 side by side, 满意度 under 效益 --------

TEMPLATE_2015 = """项目支出绩效目标申报表
（2019年度）
项目名称\t社区养老服务补助
主管部门及代码\t[201]某市民政局\t实施单位\t某市养老服务中心
项目属性\t延续项目\t项目期\t2019年1月-2021年12月
项目资金（万元）\t中期资金总额：\t300\t年度资金总额：\t120
\t其中：财政拨款\t270\t其中：财政拨款\t100
\t其他资金\t30\t其他资金\t20
总体目标\t中期目标（2019年—2021年）\t\t年度目标
\t三年内建成社区养老服务站30个。\t\t建成社区养老服务站10个。
绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t建成服务站数量\t30个\t数量指标\t建成服务站数量\t10个
\t\t\t培训护理员人数\t≥300人\t\t培训护理员人数\t≥100人
\t\t质量指标\t服务站验收合格率\t100%\t质量指标\t服务站验收合格率\t100%
\t\t时效指标\t完成时间\t2021年底前\t时效指标\t完成时间\t2019年底前
\t\t成本指标\t单站建设补助\t≤9万元\t成本指标\t单站建设补助\t≤9万元
\t效益指标\t社会效益指标\t受益老人人数\t≥3000人\t社会效益指标\t受益老人人数\t≥1000人
\t\t可持续影响指标\t服务站持续运营年限\t≥5年\t可持续影响指标\t服务站持续运营年限\t≥5年
\t\t社会公众或服务对象满意度指标\t老人满意度\t≥90%\t社会公众或服务对象满意度指标\t老人满意度\t≥90%
"""


def test_the_2015_template_takes_the_years_indicators_and_keeps_the_midterm_values(tmp_path):
    (form,) = same_from_every_source(TEMPLATE_2015, tmp_path)
    assert (form.year, form.name, form.department, form.unit) == (2019, "社区养老服务补助", "某市民政局", "某市养老服务中心")
    assert (form.period_funding.total, form.period_funding.fiscal, form.period_funding.other) == (
        Decimal(300), Decimal(270), Decimal(30)
    )
    assert (form.annual_funding.total, form.annual_funding.fiscal, form.annual_funding.other) == (
        Decimal(120), Decimal(100), Decimal(20)
    )
    assert form.period_goal == "三年内建成社区养老服务站30个。"
    assert form.annual_goal == "建成社区养老服务站10个。"
    assert len(form.indicators) == 8
    assert levels(form)[0] == ("产出指标", "数量指标", "建成服务站数量", "10个")
    assert form.indicators[0].extra_value("period_value") == "30个"
    assert levels(form)[1] == ("产出指标", "数量指标", "培训护理员人数", "≥100人")
    # 满意度 as a 二级 under 效益指标 is the 满意度指标 of today's taxonomy.
    assert levels(form)[-1] == ("满意度指标", "服务对象满意度指标", "老人满意度", "≥90%")
    assert dict(form.extra_fields) == {"项目属性": "延续项目"}
    assert findings.is_complete(findings.check(form))


def test_the_2015_template_as_pdf(tmp_path):
    (form,) = forms_of(TEMPLATE_2015, tmp_path, "pdf")
    assert form.annual_funding.total == Decimal(120) and len(form.indicators) == 8
    assert levels(form)[-1][:2] == ("满意度指标", "服务对象满意度指标")


# -- 批复表: last year's actual value beside this year's target --------------------------------

APPROVAL = """2024年度项目支出绩效目标批复表
项目名称\t农田水利设施维护\t主管部门\t某县水利局
实施单位\t某县水利工程管理站\t项目期\t2024年
年度金额（万元）\t85.5\t其中：财政拨款\t85.5
年度绩效目标\t完成灌渠清淤40公里，保障灌溉面积5万亩。
一级指标\t二级指标\t三级指标\t上年实际完成值\t本年目标值
产出指标\t数量指标\t灌渠清淤长度\t38公里\t≥40公里
\t质量指标\t清淤验收合格率\t100%\t100%
\t时效指标\t完成时间\t2023年11月\t2024年11月底前
效益指标\t经济效益指标\t保障灌溉面积\t4.8万亩\t≥5万亩
满意度指标\t服务对象满意度指标\t受益农户满意度\t92%\t≥90%
"""


def test_an_approval_form_takes_this_years_targets_and_keeps_last_years_actuals(tmp_path):
    (form,) = same_from_every_source(APPROVAL, tmp_path)
    assert form.year == 2024 and form.annual_funding.total == form.annual_funding.fiscal == Decimal("85.5")
    # A one-year project: its year's money is its period's too.
    assert form.period_funding.total == Decimal("85.5")
    assert [row.value for row in form.indicators] == ["≥40公里", "100%", "2024年11月底前", "≥5万亩", "≥90%"]
    assert form.indicators[0].extra_value("last_value") == "38公里"
    assert form.annual_goal.startswith("完成灌渠清淤40公里")


# -- 审批表: 分值 columns and score ranges in the 一级 labels -----------------------------------

REVIEW = """项目支出绩效目标审批表
(2022)年度
项目名称\t乡村道路养护\t项目负责人\t张三
预算单位\t某镇人民政府\t项目起止时间\t2022.1.1-2022.12.31
当年年度预算\t164万元\t其中：财政拨款\t164万元
年度主要目标和成果\t养护乡村道路120公里。
一级指标\t分值\t二级指标\t三级指标\t分值\t指标值
产出指标(50分)\t50\t数量指标\t养护道路里程\t20\t≥120公里
\t\t质量指标\t道路完好率\t20\t≥95%
\t\t时效指标\t养护完成时间\t10\t2022年12月底前
成本指标(0-20)分\t20\t经济成本指标\t每公里养护成本\t20\t≤1.4万元
效益指标（20分）\t20\t社会效益指标\t群众出行条件改善\t20\t明显改善
满意度指标（10分）\t10\t服务对象满意度指标\t群众满意度\t10\t≥90%
"""


def test_a_review_form_keeps_its_scores_and_reads_score_ranges_as_level_names(tmp_path):
    (form,) = same_from_every_source(REVIEW, tmp_path)
    assert form.year == 2022 and form.unit == "某镇人民政府"
    assert form.annual_funding.total == form.annual_funding.fiscal == Decimal(164)
    assert [row.level1 for row in form.indicators] == ["产出指标"] * 3 + ["成本指标", "效益指标", "满意度指标"]
    assert form.layout == taxonomy.GUIDELINE_2021
    assert [row.extra_value("weight") for row in form.indicators] == ["20", "20", "10", "20", "20", "10"]
    assert form.indicators[0].extra_value("一级指标分值") == "50"
    assert form.annual_goal == "养护乡村道路120公里。"


# -- a vertically centred 一级 label in the middle of its block ------------------------------------

CENTRED = """项目支出绩效目标表
（2023年度）
项目名称\t全民健身活动经费
主管部门\t某区文化体育局\t实施单位\t某区全民健身中心
项目期\t2023年
项目资金（万元）\t年度资金总额：\t40
\t其中：财政拨款\t40
\t其他资金\t0
年度目标\t举办全民健身赛事12场。
一级指标\t二级指标\t三级指标\t指标值
\t数量指标\t举办赛事场次\t≥12场
产出指标\t质量指标\t赛事安全事故发生率\t0
\t时效指标\t全年完成\t2023年12月底前
\t经济效益指标\t带动消费\t≥50万元
效益指标\t社会效益指标\t参与群众人次\t≥2万人次
\t可持续影响指标\t全民健身氛围\t持续提升
满意度指标\t服务对象满意度指标\t参赛群众满意度\t≥90%
"""


def test_a_centred_level_label_belongs_to_the_rows_above_it_too(tmp_path):
    (form,) = forms_of(CENTRED, tmp_path)
    assert [row.level1 for row in form.indicators] == ["产出指标"] * 3 + ["效益指标"] * 3 + ["满意度指标"]
    assert findings.is_complete(findings.check(form))


def test_rows_above_the_first_centred_label_take_the_label_below(tmp_path):
    text = CENTRED.replace("\t数量指标\t举办赛事场次", "\t赛事数量\t举办赛事场次")
    (form,) = forms_of(text, tmp_path)
    assert (form.indicators[0].level1, form.indicators[0].level2) == ("产出指标", "赛事数量")


# -- budget-system sheets: one row per indicator, several projects, a unit's total --------------

SHEET_HEADER = ["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重", "指标方向性"]
SHEET_ROWS = [
    ["某区教育局", "合计", 230.5, "", "", "", "", "", "", "", "", ""],
    ["某区教育局", "校舍维修", 200, "完成3所学校校舍维修", "产出指标", "数量指标", "维修学校数", "=", 3, "所", 20, "正向"],
    [None, None, None, None, None, "质量指标", "验收合格率", "≥", 95, "%", 20, "正向"],
    [None, None, None, None, "效益指标", "社会效益指标", "改善办学条件", "定性", "明显", "", 30, "正向"],
    [None, None, None, None, "满意度指标", "服务对象满意度指标", "师生满意度", "≥", 90, "%", 30, "正向"],
    ["某区教育局", "教师培训", 30.5, "培训教师200人次", "产出指标", "数量指标", "培训人次", "≥", 200, "人次", 40, "正向"],
    [None, None, None, None, "效益指标", "社会效益指标", "教学能力提升", "定性", "提升", "", 30, "正向"],
    [None, None, None, None, "满意度指标", "服务对象满意度指标", "参训教师满意度", "≥", 90, "%", 30, "正向"],
]


def budget_sheet(path, title="2024年部门预算项目绩效目标表"):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SHEET_HEADER))
    sheet.append(SHEET_HEADER)
    for row in SHEET_ROWS:
        sheet.append(row)
    # 单位名称, 项目名称, 预算数 and 年度目标 merged down over each project's rows.
    for first, last in ((4, 7), (8, 10)):
        for column in range(1, 5):
            sheet.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
    book.save(str(path))
    return path


def test_a_budget_system_sheet_gives_one_form_per_project_and_skips_the_units_total(tmp_path):
    forms = read_forms(budget_sheet(tmp_path / "明细.xlsx")).forms
    assert [(f.name, f.unit, f.year, f.annual_funding.total) for f in forms] == [
        ("校舍维修", "某区教育局", 2024, Decimal(200)),
        ("教师培训", "某区教育局", 2024, Decimal("30.5")),
    ]
    repair = forms[0]
    assert repair.annual_goal == "完成3所学校校舍维修"
    assert [row.value for row in repair.indicators] == ["=3所", "≥95%", "明显", "≥90%"]
    assert [row.level1 for row in repair.indicators] == ["产出指标", "产出指标", "效益指标", "满意度指标"]
    assert repair.indicators[1].extra_value("weight") == "20"
    assert repair.indicators[1].extra_value("direction") == "正向"
    assert len(forms[1].indicators) == 3


def test_a_budget_system_sheet_without_a_year_needs_one(tmp_path):
    path = budget_sheet(tmp_path / "明细.xlsx", title="部门预算项目绩效目标表")
    with pytest.raises(FormatError, match="校舍维修.*没有年度"):
        read_forms(path)
    assert {f.year for f in read_forms(path, year=2025).forms} == {2025}


def test_a_form_without_a_year_line_takes_the_year_its_name_starts_with(seed_text, tmp_path):
    """Older templates carry the year only in the name ("2018年…"); the preview says where it came from."""
    first = seed_text.split("# 本级预算项目绩效目标表")[1]
    body = first.replace("(2024年度)", "").replace("研究院劳务派遣人员经费", "2023年研究院劳务派遣人员经费")
    path = tmp_path / "申报表.txt"
    path.write_text(body, encoding="utf-8")
    (read,) = read_forms(path).recognized
    assert read.form.year == 2023
    assert any("取项目名称中的 2023 年" in note for note in read.notes)
    assert read_forms(path, 2024).forms[0].year == 2024  # --year says otherwise: it wins
    # A name that only mentions a year somewhere is no year.
    path.write_text(body.replace("2023年研究院", "研究院2023年"), encoding="utf-8")
    with pytest.raises(FormatError, match="没有年度"):
        read_forms(path)


# -- several forms in one document ------------------------------------------------------------------


def test_several_forms_in_one_word_document_without_titles(seed_text, tmp_path):
    body = "\n".join(line for line in seed_text.splitlines() if "绩效目标表" not in line)
    forms = forms_of(body, tmp_path, "docx")
    assert len(forms) == 8 and {f.year for f in forms} == {2024}


def test_several_forms_on_one_sheet(tmp_path):
    text = APPROVAL + "\n" + APPROVAL.replace("农田水利设施维护", "小型水库巡查").replace("85.5", "12")
    forms = forms_of(text, tmp_path, "xlsx")
    assert [(f.name, f.annual_funding.total) for f in forms] == [("农田水利设施维护", Decimal("85.5")), ("小型水库巡查", Decimal(12))]


def test_forms_on_several_sheets(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for number, text in enumerate((APPROVAL, REVIEW)):
        sheet = book.active if number == 0 else book.create_sheet()
        for line in text.splitlines():
            sheet.append([cell or None for cell in line.split("\t")])
    path = tmp_path / "two.xlsx"
    book.save(str(path))
    assert [f.name for f in read_forms(path).forms] == ["农田水利设施维护", "乡村道路养护"]


# -- forms that are not target forms -----------------------------------------------------------------

SELF_EVALUATION = """项目支出绩效自评表
（2023年度）
项目名称\t全民健身活动经费
主管部门\t某区文化体育局\t实施单位\t某区全民健身中心
年度目标\t举办全民健身赛事12场。
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
产出指标\t数量指标\t举办赛事场次\t≥12场\t13场\t20\t20\t
"""


def test_a_self_evaluation_form_is_named_as_such_and_refused(tmp_path):
    path = tmp_path / "自评.txt"
    path.write_text(SELF_EVALUATION, encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_forms(path)
    assert str(caught.value) == f"{path}:1: “全民健身活动经费”是绩效自评表，不是项目绩效目标表；perftui 只导入项目绩效目标表"


def test_a_self_evaluation_table_without_its_title_is_still_recognized(tmp_path):
    path = tmp_path / "自评.txt"
    path.write_text(SELF_EVALUATION.replace("项目支出绩效自评表\n", ""), encoding="utf-8")
    with pytest.raises(FormatError, match="绩效自评表"):
        read_forms(path)


def test_a_monitoring_form_is_named_as_such_and_refused(tmp_path):
    path = tmp_path / "监控.docx"
    builders.write_docx(SELF_EVALUATION.replace("项目支出绩效自评表", "项目支出绩效目标执行监控表"), path)
    with pytest.raises(FormatError, match="是绩效监控表，不是项目绩效目标表"):
        read_forms(path)


def test_a_budget_sheet_with_other_column_names_and_project_codes(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["2025年项目支出绩效目标"])
    sheet.append(["序号", "项目代码", "预算单位", "项目支出名称", "本年预算数（万元）", "其中：财政拨款", "年度绩效目标",
                  "一级指标", "二级指标", "三级指标", "指标值", "计量单位", "指标方向"])
    sheet.append([1, "A-01", "某局", "道路养护", 12.5, 12.5, "养护道路10公里", "产出指标", "数量指标", "养护里程", "≥10", "公里", "正向"])
    sheet.append([None, None, None, None, None, None, None, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90", "%", "正向"])
    path = tmp_path / "明细.xlsx"
    book.save(str(path))
    (form,) = read_forms(path).forms
    assert (form.name, form.unit, form.year) == ("道路养护", "某局", 2025)
    assert form.annual_funding.total == form.annual_funding.fiscal == Decimal("12.5")
    assert form.annual_goal == "养护道路10公里"
    assert [row.value for row in form.indicators] == ["≥10公里", "≥90%"]
    assert dict(form.extra_fields) == {"序号": "1", "项目代码": "A-01"}
    assert form.indicators[0].extra_value("direction") == "正向"


def test_a_department_wide_form_is_named_as_such_and_refused(tmp_path):
    path = tmp_path / "整体.txt"
    path.write_text(SELF_EVALUATION.replace("项目支出绩效自评表", "部门整体支出绩效目标表"), encoding="utf-8")
    with pytest.raises(FormatError, match="是部门整体支出绩效目标表，不是项目绩效目标表"):
        read_forms(path)

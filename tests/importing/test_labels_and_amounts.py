"""Each label group, amounts as units write them, page furniture, the year, and every refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perftui.core import findings
from perftui.importing import amounts
from perftui.importing.sources import read_forms
from perftui.importing.text import FormatError
from perftui.core.money import AmountError

BASE = {
    "name": "项目名称",
    "department": "主管部门",
    "unit": "实施单位",
    "period": "项目实施期",
    "period_total": "实施期资金总额",
    "annual_total": "年度资金总额",
    "fiscal": "其中：财政拨款",
    "other": "其他资金",
    "goal": "年度目标",
    "name_column": "三级指标",
    "value_column": "指标值",
}


def form_text(**labels: str) -> str:
    label = BASE | labels
    return f"""项目支出绩效目标表
（2024年度）
{label["name"]}\t测试项目
{label["department"]}\t测试主管部门
{label["unit"]}\t测试实施单位
{label["period"]}\t2024年1月至2025年12月
项目资金（万元）\t{label["period_total"]}\t300\t{label["annual_total"]}\t100
\t{label.get("period_fiscal", label["fiscal"])}\t240\t{label["fiscal"]}\t80
\t{label.get("period_other", label["other"])}\t60\t{label["other"]}\t20
{label["goal"]}\t年度目标文字
一级指标\t二级指标\t{label["name_column"]}\t{label["value_column"]}
产出指标\t数量指标\t测试指标\t≥1个
效益指标\t社会效益指标\t测试效益\t良好
满意度指标\t服务对象满意度指标\t满意度\t≥90%
"""


def read_one(text: str, tmp_path, name: str = "form.txt", year: int | None = None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (form,) = read_forms(path, year).forms
    return form


@pytest.mark.parametrize("label", ["项目名称", "项目支出名称", "专项(项目)名称", "二级项目名称", "项目名称："])
def test_name_labels(label, tmp_path):
    assert read_one(form_text(name=label), tmp_path).name == "测试项目"


def test_the_second_level_project_name_wins_over_the_first(tmp_path):
    text = form_text().replace("项目名称\t测试项目", "一级项目名称\t专项资金总称\t二级项目名称\t测试项目")
    form = read_one(text, tmp_path)
    assert form.name == "测试项目" and ("一级项目名称", "专项资金总称") in form.extra_fields


@pytest.mark.parametrize(
    "label", ["主管部门", "项目主管部门", "主管部门及代码", "主管部门及编码", "业务主管部门", "预算部门"]
)
def test_department_labels(label, tmp_path):
    text = form_text(department=label).replace("测试主管部门", "[015001]测试主管部门")
    assert read_one(text, tmp_path).department == "测试主管部门"  # the code in brackets dropped


@pytest.mark.parametrize("label", ["实施单位", "预算单位", "项目执行单位", "项目实施单位"])
def test_unit_labels(label, tmp_path):
    assert read_one(form_text(unit=label), tmp_path).unit == "测试实施单位"


@pytest.mark.parametrize("label", ["项目实施期", "项目期", "项目起止时间", "建设周期", "项目支出实施期"])
def test_period_labels(label, tmp_path):
    assert read_one(form_text(period=label), tmp_path).period_text == "2024年1月至2025年12月"


def test_start_and_end_dates_make_the_period(tmp_path):
    text = form_text().replace("项目实施期\t2024年1月至2025年12月", "项目开始日期\t2024-01-01\t项目完成日期\t2025-12-31")
    assert read_one(text, tmp_path).period_text == "2024-01-01至2025-12-31"


@pytest.mark.parametrize(
    "label", ["实施期金额", "实施期资金总额", "资金总额", "中期资金总额", "项目资金总额", "项目总预算", "项目总投资", "项目金额"]
)
def test_period_total_labels(label, tmp_path):
    form = read_one(form_text(period_total=label), tmp_path)
    assert (form.period_funding.total, form.annual_funding.total) == (Decimal(300), Decimal(100))


@pytest.mark.parametrize(
    "label",
    ["年度金额", "年度资金总额", "当年资金总额", "年度资金申请总额", "当年年度预算", "年度本级预算金额", "预算申报数", "预算数"],
)
def test_annual_total_labels(label, tmp_path):
    form = read_one(form_text(annual_total=label), tmp_path)
    assert (form.period_funding.total, form.annual_funding.total) == (Decimal(300), Decimal(100))


@pytest.mark.parametrize(
    "label",
    ["财政拨款", "其中:财政拨款", "其中：当年财政拨款", "其中:财政资金", "财政拨款小计", "当年市级财政资金", "其中：上级资金"],
)
def test_fiscal_labels(label, tmp_path):
    # The label in the 年度 column; the 实施期 column keeps its own (当年… is the year's only).
    form = read_one(form_text(fiscal=label, period_fiscal=BASE["fiscal"]), tmp_path)
    assert (form.period_funding.fiscal, form.annual_funding.fiscal) == (Decimal(240), Decimal(80))


@pytest.mark.parametrize("label", ["其他资金", "其它资金", "当年其他资金", "自有资金小计"])
def test_other_labels(label, tmp_path):
    form = read_one(form_text(other=label, period_other=BASE["other"]), tmp_path)
    assert form.annual_funding.other == Decimal(20)


def test_fiscal_parts_add_up_when_no_fiscal_line_is_given(tmp_path):
    text = form_text().replace(
        "\t其中：财政拨款\t240\t其中：财政拨款\t80",
        "\t其中：中央财政资金\t200\t其中：中央财政资金\t50\n\t省级财政资金\t40\t省级财政资金\t30",
    )
    form = read_one(text, tmp_path)
    assert (form.period_funding.fiscal, form.annual_funding.fiscal) == (Decimal(240), Decimal(80))


def test_a_fiscal_subtotal_is_not_added_to_its_own_parts(tmp_path):
    text = form_text().replace(
        "\t其中：财政拨款\t240\t其中：财政拨款\t80",
        "\t（一）财政拨款小计\t240\t（一）财政拨款小计\t80\n\t1、一般公共预算\t240\t1、一般公共预算\t80",
    )
    assert read_one(text, tmp_path).annual_funding.fiscal == Decimal(80)


@pytest.mark.parametrize("label", ["实施期目标", "中期目标", "项目总目标"])
def test_period_goal_labels(label, tmp_path):
    text = form_text().replace("年度目标\t年度目标文字", f"{label}\t实施期目标文字\n年度目标\t年度目标文字")
    form = read_one(text, tmp_path)
    assert (form.period_goal, form.annual_goal) == ("实施期目标文字", "年度目标文字")


@pytest.mark.parametrize("label", ["年度目标", "年度总体目标", "本年度绩效目标", "年度绩效目标(文字)", "年度主要目标和成果"])
def test_annual_goal_labels(label, tmp_path):
    assert read_one(form_text(goal=label), tmp_path).annual_goal == "年度目标文字"


def test_a_goal_under_its_column_heading(tmp_path):
    text = form_text().replace("年度目标\t年度目标文字", "总体目标\t实施期目标\t年度目标\n\t实施期目标文字\t年度目标文字")
    form = read_one(text, tmp_path)
    assert (form.period_goal, form.annual_goal) == ("实施期目标文字", "年度目标文字")


@pytest.mark.parametrize("label", ["三级指标", "指标内容"])
def test_indicator_name_columns(label, tmp_path):
    assert [row.name for row in read_one(form_text(name_column=label), tmp_path).indicators][0] == "测试指标"


@pytest.mark.parametrize("label", ["指标值", "年度指标值", "指标值(年度)", "指标值及单位", "预期2024年实现值", "指标目标值"])
def test_indicator_value_columns(label, tmp_path):
    assert [row.value for row in read_one(form_text(value_column=label), tmp_path).indicators] == ["≥1个", "良好", "≥90%"]


def test_nature_and_measure_fold_into_the_value(tmp_path):
    text = form_text().replace("三级指标\t指标值", "三级指标\t指标性质\t指标值\t度量单位").replace(
        "测试指标\t≥1个", "测试指标\t≥ \t 95\t%"
    )
    assert read_one(text, tmp_path).indicators[0].value == "≥95%"


def test_other_header_fields_are_kept_and_unknown_labels_reported(tmp_path):
    text = form_text().replace("测试项目\n", "测试项目\n项目属性\t新增项目\t项目负责人\t李四\n某自创栏目\t自创内容\n")
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    (found,) = read_forms(path).recognized
    assert found.form.extra_fields == (("项目属性", "新增项目"), ("项目负责人", "李四"), ("某自创栏目", "自创内容"))
    assert found.unknown == ("某自创栏目",)


# -- amounts as units write them -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "unit", "amount", "note"),
    [
        ("3,309,840.00元", amounts.WAN, "330.984", ""),
        ("3,309,840.00", amounts.YUAN, "330.984", ""),
        ("1,000,000", amounts.YUAN, "100", ""),
        ("0.01", amounts.YUAN, "0.000001", ""),
        ("164万元", amounts.WAN, "164", ""),
        ("250万", amounts.WAN, "250", ""),
        ("2279.048 万元", amounts.WAN, "2279.048", ""),
        ("153.5184", amounts.WAN, "153.5184", ""),
        ("438.768", amounts.WAN, "438.768", ""),
        ("0.000001", amounts.WAN, "0.000001", ""),
        ("1.2亿元", amounts.WAN, "12000", ""),
        ("854万(高标准农田建设400万元,其他454万元)", amounts.WAN, "854", "(高标准农田建设400万元,其他454万元)"),
        ("—", amounts.WAN, None, ""),
        ("/", amounts.WAN, None, ""),
        ("-", amounts.WAN, None, ""),
        ("无", amounts.WAN, None, ""),
        ("金额(万元)", amounts.WAN, None, ""),
    ],
)
def test_amount_cells(cell, unit, amount, note):
    reading = amounts.read(cell, unit)
    assert (str(reading.amount) if reading.amount is not None else None, reading.note) == (amount, note)


@pytest.mark.parametrize(
    ("cell", "unit", "says"),
    [
        ("153.5184123", amounts.WAN, "六位小数"),
        ("0.001", amounts.YUAN, "精确到分"),
        ("-5", amounts.WAN, "负数"),
        ("二百六十二", amounts.WAN, "只能包含数字"),
        ("1e30", amounts.WAN, "科学计数法"),  # not 1.00 and a note "e30"
        ("1.2E+03", amounts.YUAN, "科学计数法"),
        ("５Ｅ－２", amounts.WAN, "科学计数法"),
    ],
)
def test_amounts_that_cannot_be_are_refused(cell, unit, says):
    with pytest.raises(AmountError, match=says):
        amounts.read(cell, unit)


def test_a_form_in_yuan_is_converted_exactly(tmp_path):
    text = form_text().replace("项目资金（万元）", "项目资金（元）").replace("\t300\t", "\t3,309,840.00\t").replace(
        "\t240\t", "\t3,000,000\t"
    ).replace("\t60\t", "\t309,840.00\t").replace("\t100\n", "\t1,000,000\n").replace("\t80\n", "\t800,000\n").replace(
        "\t20\n", "\t200,000\n"
    )
    form = read_one(text, tmp_path)
    assert form.period_funding.total == Decimal("330.984")
    assert (form.annual_funding.total, form.annual_funding.fiscal, form.annual_funding.other) == (
        Decimal(100), Decimal(80), Decimal(20)
    )
    assert findings.is_complete(findings.check(form))


def test_a_unit_line_in_yuan_applies_to_the_form_below(tmp_path):
    text = form_text().replace("项目资金（万元）", "项目资金").replace("（2024年度）", "（2024年度）\n金额单位：元")
    text = text.replace("\t100\n", "\t1,000,000\n")
    assert read_one(text, tmp_path).annual_funding.total == Decimal(100)


def test_blank_markers_leave_the_amount_blank(tmp_path):
    for marker in ("—", "/", "-", "无"):
        text = form_text().replace("\t其他资金\t60\t其他资金\t20", f"\t其他资金\t{marker}\t其他资金\t{marker}")
        text = text.replace("\t300\t", "\t240\t").replace("\t100\n", "\t80\n")
        form = read_one(text, tmp_path)
        assert form.annual_funding.other is None and form.period_funding.other is None


def test_six_decimals_are_kept_as_written_and_shown_as_written(tmp_path):
    from perftui.text import views

    text = form_text().replace("\t100\n", "\t100.123456\n").replace("\t80\n", "\t80.123456\n")
    form = read_one(text, tmp_path)
    assert str(form.annual_funding.total) == "100.123456"
    assert views.amount(form.annual_funding.total) == "100.123456"


def test_seven_decimals_are_refused_naming_the_line(tmp_path):
    path = tmp_path / "form.txt"
    path.write_text(form_text().replace("\t100\n", "\t100.1234567\n"), encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_forms(path)
    assert str(caught.value).startswith(f"{path}:7: ") and "六位小数" in str(caught.value)


def test_a_leading_amount_with_words_keeps_the_words_as_a_note_and_warns(tmp_path):
    text = form_text().replace("\t100\n", "\t100万(其中上级补助40万元)\n")
    form = read_one(text, tmp_path)
    assert form.annual_funding.total == Decimal(100)
    assert dict(form.amount_notes) == {"funding.annual.total": "(其中上级补助40万元)"}
    (warning,) = [f for f in findings.check(form) if f.code == "amount-note"]
    assert not warning.is_error and "其中上级补助40万元" in warning.message


def test_one_year_project_money_stands_for_both_sides(tmp_path):
    text = form_text().replace("2024年1月至2025年12月", "2024年1月至2024年12月").replace(
        "项目资金（万元）\t实施期资金总额\t300\t年度资金总额\t100", "项目金额\t164万元"
    ).replace("\t其中：财政拨款\t240\t其中：财政拨款\t80", "\t其中：财政拨款\t164万元").replace(
        "\t其他资金\t60\t其他资金\t20", "\t其他资金\t—"
    )
    form = read_one(text, tmp_path)
    assert form.annual_funding.total == form.period_funding.total == Decimal(164)
    assert form.annual_funding.fiscal == Decimal(164)


def test_a_multi_year_projects_period_money_is_not_its_years(tmp_path):
    text = form_text().replace("\t年度资金总额\t100", "").replace("\t其中：财政拨款\t80", "").replace("\t其他资金\t20", "")
    form = read_one(text, tmp_path)
    assert form.period_funding.total == Decimal(300) and form.annual_funding.total is None


# -- page furniture, the 填报单位 line and the year ------------------------------------------------


def test_page_furniture_around_and_inside_the_table_is_skipped(tmp_path):
    text = "公开14表\n" + form_text().replace(
        "效益指标\t社会效益指标", "- 2 -\n效益指标\t社会效益指标"
    ) + "财政部门审核意见\t\n填表人：张三\t联系电话：0000\t填报日期：2024年1月5日\n注：本表由项目单位填报。\n"
    form = read_one(text, tmp_path)
    assert [row.name for row in form.indicators] == ["测试指标", "测试效益", "满意度"]


def test_a_reporting_unit_line_names_the_unit_when_the_table_has_none(tmp_path):
    text = form_text().replace("实施单位\t测试实施单位\n", "").replace("（2024年度）", "（2024年度）\n填报单位：某县农业农村局")
    assert read_one(text, tmp_path).unit == "某县农业农村局"


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("2023年项目支出绩效目标申报表", 2023),
        ("项目支出绩效目标申报表\n(2020)年度", 2020),
        ("项目支出绩效目标申报表\n2020年度)", 2020),
        ("项目支出绩效目标申报表\n（2021 年度）", 2021),
    ],
)
def test_the_year_from_the_title_or_year_line(title, year, tmp_path):
    text = form_text().replace("项目支出绩效目标表\n（2024年度）", title)
    assert read_one(text, tmp_path).year == year


def test_a_form_without_a_year_is_refused_by_name_until_one_is_given(tmp_path):
    path = tmp_path / "form.txt"
    path.write_text(form_text().replace("（2024年度）\n", ""), encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_forms(path)
    assert str(caught.value) == (
        f"{path}:1: “测试项目”没有年度：文件中没有“（2024年度）”一行或带年度的标题；请用 --year 指定年度"
    )
    assert read_forms(path, year=2023).forms[0].year == 2023


# -- never a silent half-import ---------------------------------------------------------------------


def test_a_form_without_an_indicator_table_is_refused(tmp_path):
    path = tmp_path / "form.txt"
    text = form_text()
    path.write_text(text[: text.index("一级指标")], encoding="utf-8")
    with pytest.raises(FormatError, match="“测试项目”没有找到绩效指标表"):
        read_forms(path)


def test_goal_text_that_swallowed_the_indicator_rows_is_refused(tmp_path):
    path = tmp_path / "form.txt"
    text = form_text()
    head, table = text[: text.index("年度目标\t")], text[text.index("一级指标") :]
    swallowed = "年度目标\t年度目标文字 " + " ".join(table.replace("\t", " ").splitlines()[1:]) + "\n"
    path.write_text(head + swallowed, encoding="utf-8")
    with pytest.raises(FormatError, match="目标中混进了指标表的内容"):
        read_forms(path)


def test_a_second_form_refused_refuses_the_whole_file(tmp_path):
    path = tmp_path / "two.txt"
    second = form_text().replace("测试项目", "第二个项目").replace("\t100\n", "\t-100\n")
    path.write_text(form_text() + second, encoding="utf-8")
    with pytest.raises(FormatError, match="负数"):
        read_forms(path)


def test_indicator_rows_without_a_header_are_read_in_order(tmp_path):
    text = form_text().replace("一级指标\t二级指标\t三级指标\t指标值\n", "")
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    (found,) = read_forms(path).recognized
    assert [row.name for row in found.form.indicators] == ["测试指标", "测试效益", "满意度"]
    assert any("没有表头" in note for note in found.notes)


def test_old_office_files_and_scanned_pdfs_are_refused_in_one_line(tmp_path):
    for name, says in (("a.doc", "另存为 .docx"), ("a.xls", "另存为 .xlsx")):
        (tmp_path / name).write_bytes(b"\xd0\xcf\x11\xe0")
        with pytest.raises(FormatError, match=says):
            read_forms(tmp_path / name)
    from reportlab.pdfgen import canvas

    scanned = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(scanned))
    page.rect(50, 50, 300, 300, fill=1)  # a picture of a page: no text at all
    page.save()
    with pytest.raises(FormatError) as caught:
        read_forms(scanned)
    assert "没有文字（可能是扫描件）" in str(caught.value) and "\n" not in str(caught.value)


def test_a_next_form_that_starts_with_its_department_is_a_new_form(tmp_path):
    first = form_text()
    second = form_text(name="项目支出名称").replace("测试项目", "第二个项目")
    # The second form's rows in another order: its 主管部门 first, right after the first form's table.
    lines = second.splitlines()
    lines[2], lines[3] = lines[3], lines[2]
    path = tmp_path / "two.txt"
    path.write_text(first + "\n".join(lines[2:]) + "\n", encoding="utf-8")
    forms = read_forms(path).forms
    assert [f.name for f in forms] == ["测试项目", "第二个项目"]
    assert [len(f.indicators) for f in forms] == [3, 3]


def test_goal_words_on_a_line_of_their_own_are_not_a_title(tmp_path):
    text = form_text().replace(
        "年度目标\t年度目标文字", "年度目标\t\n\t年度目标文字\n\t完成全部绩效目标，按季度报送统计表。"
    )
    (form,) = read_forms_of(text, tmp_path)
    assert form.annual_goal == "年度目标文字\n完成全部绩效目标，按季度报送统计表。"


def test_a_value_column_under_a_heading_nobody_listed(tmp_path):
    (form,) = read_forms_of(form_text(value_column="目标标准"), tmp_path)
    assert [row.value for row in form.indicators] == ["≥1个", "良好", "≥90%"]


def read_forms_of(text: str, tmp_path):
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    return read_forms(path).forms


def test_a_budget_unit_line_above_the_title_names_the_unit(tmp_path):
    text = "预算单位：某县卫生健康局\n" + form_text().replace("实施单位\t测试实施单位\n", "")
    (form,) = read_forms_of(text, tmp_path)
    assert form.unit == "某县卫生健康局"


def test_an_indicator_named_like_a_label_stays_in_the_table(tmp_path):
    text = form_text().replace("产出指标\t数量指标\t测试指标\t≥1个\n", "产出指标\t数量指标\t测试指标\t≥1个\n\t成本指标\t项目金额\t≤100万元\n\t\t资金总额\t100万元\n")
    (form,) = read_forms_of(text, tmp_path)
    assert [row.name for row in form.indicators] == ["测试指标", "项目金额", "资金总额", "测试效益", "满意度"]


def test_a_unit_named_by_a_label_centred_in_its_block_applies_to_the_rows_above_it(tmp_path):
    text = form_text().replace(
        "项目资金（万元）\t实施期资金总额\t300\t年度资金总额\t100\n\t其中：财政拨款\t240\t其中：财政拨款\t80",
        "\t实施期资金总额\t3,000,000\t年度资金总额\t1,000,000\n项目资金（元）\t其中：财政拨款\t2,400,000\t其中：财政拨款\t800,000",
    ).replace("\t其他资金\t60\t其他资金\t20", "\t其他资金\t600,000\t其他资金\t200,000")
    (form,) = read_forms_of(text, tmp_path)
    assert (form.period_funding.total, form.annual_funding.total, form.annual_funding.fiscal, form.annual_funding.other) == (
        Decimal(300), Decimal(100), Decimal(80), Decimal(20)
    )

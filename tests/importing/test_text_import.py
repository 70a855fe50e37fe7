"""The importer reads the official-form text layout, as extraction really produces it."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perftui.importing.text import FormatError, parse_text, read_file
from perftui.core.money import total
from tests.conftest import SEED_FISCAL_TOTAL, SEED_FORMS, SEED_INDICATORS

# A form that is not in the seed, written the way a careless extraction writes it:
# full-width colons and spaces, a "项目名称：value" cell, doubled tabs, a shifted
# funding row, thousands separators, other funds present, a 2021-guideline cost
# indicator, a continuation row whose first cell is the 三级指标, and page furniture.
OTHER_FORM = (
    "\ufeff本级预算项目绩效目标表\r\n"
    "（２０２５年度）\r\n"
    "填报单位：某区科技局\r\n"
    "单位：万元\r\n"
    "项目名称：智慧园区平台建设\t\t\t项目实施期\t2025年1月1日至2026年12月31日\r\n"
    "主管部门\t\t某区科技局\t\t实施单位\t某区科技服务中心\r\n"
    "资金投入（万元）\t实施期金额\t\t2,040.70\t年度金额\t1,020.35\r\n"
    "\t其中：财政拨款\t2,000.70\t\t其中：财政拨款\t１,０００.３５\r\n"
    "\t其他资金\t40\t其他资金\t20\r\n"
    "绩效目标\t实施期目标\t\t年度目标\t\r\n"
    "\t建成智慧园区平台，覆盖全部企业。\t\t完成平台一期建设。\r\n"
    "一级指标\t二级指标\t三级指标\t\t年度指标值\r\n"
    "产出指标\t数量指标\t接入企业数\t\t≥200家\r\n"
    "\t\t数据接口\t\t≥１２个\r\n"
    "- 1 -\r\n"
    "\t质量指标\t系统可用率\t\t≥99.5%\r\n"
    "成本指标\t经济成本指标\t建设成本\t\t≤1020.35万元\r\n"
    "效益指标\t经济效益指标\t服务企业节约成本\t\t≥100万元\r\n"
    "项目上线时间\t2025年12月前\r\n"
    "满意度指标\t服务对象满意度指标\t企业满意度\t\t≥９０％\r\n"
)


def test_the_seed_imports_as_eight_forms_and_66_indicators(seed_path):
    forms = read_file(seed_path)
    assert len(forms) == SEED_FORMS
    assert sum(len(form.indicators) for form in forms) == SEED_INDICATORS
    assert total(form.annual_funding.fiscal for form in forms) == SEED_FISCAL_TOTAL
    assert {form.year for form in forms} == {2024}


def test_seed_fields_are_read_exactly(seed_forms):
    labour = seed_forms[0]
    assert labour.name == "研究院劳务派遣人员经费"
    assert labour.period_text == "2024年1月至2024年12月"
    assert labour.department == labour.unit == "大连高新技术产业发展研究院"
    assert labour.annual_funding.fiscal == Decimal("98") and labour.annual_funding.other is None
    assert labour.annual_goal.startswith("以劳务派遣公司委派专业技能人员进驻的方式")
    assert [row.value for row in labour.indicators][:2] == ["≥7人", "≥95%"]
    compensation = next(f for f in seed_forms if f.name == "龙头分园征迁补偿款")
    assert str(compensation.annual_funding.fiscal) == "80.00"  # precision kept
    assert compensation.period_text == "2023.1.1-2023.12.31"


def test_merged_cells_continue_the_row_above(seed_forms):
    last = seed_forms[-1]
    assert len(last.indicators) == 12
    # "经费保障设施服务时效\t\t1年" has no 一级/二级: it continues 产出指标 / 时效指标.
    row = last.indicators[6]
    assert (row.level1, row.level2, row.name, row.value) == ("产出指标", "时效指标", "经费保障设施服务时效", "1年")
    assert last.indicators[1].level2 == "数量指标"  # a blank 二级 continues too


def test_a_form_not_in_the_seed_with_extraction_noise():
    (form,) = parse_text(OTHER_FORM, "other.txt")
    assert form.year == 2025
    assert form.name == "智慧园区平台建设"
    assert form.period_text == "2025年1月1日至2026年12月31日"
    assert (form.department, form.unit) == ("某区科技局", "某区科技服务中心")
    assert form.period_funding.total == Decimal("2040.70")
    assert form.annual_funding.total == Decimal("1020.35")
    assert form.annual_funding.fiscal == Decimal("1000.35")
    assert form.annual_funding.other == Decimal("20")
    assert form.period_funding.other == Decimal("40")
    assert form.period_goal == "建成智慧园区平台，覆盖全部企业。"
    assert form.annual_goal == "完成平台一期建设。"
    assert form.layout == "2021"
    rows = [(r.level1, r.level2, r.name, r.value) for r in form.indicators]
    assert rows == [
        ("产出指标", "数量指标", "接入企业数", "≥200家"),
        ("产出指标", "数量指标", "数据接口", "≥１２个"),
        ("产出指标", "质量指标", "系统可用率", "≥99.5%"),
        ("成本指标", "经济成本指标", "建设成本", "≤1020.35万元"),
        ("效益指标", "经济效益指标", "服务企业节约成本", "≥100万元"),
        ("效益指标", "经济效益指标", "项目上线时间", "2025年12月前"),
        ("满意度指标", "服务对象满意度指标", "企业满意度", "≥９０％"),
    ]
    from perftui.core.findings import check

    assert check(form) == []


def test_several_forms_without_titles_split_on_the_project_name_row(seed_text):
    body = "\n".join(line for line in seed_text.splitlines() if "绩效目标表" not in line)
    forms = parse_text(body)
    assert len(forms) == SEED_FORMS and {f.year for f in forms} == {2024}


def test_half_width_labels_and_lf_or_crlf_agree(seed_text):
    crlf = parse_text(seed_text.replace("\n", "\r\n"))
    full_width = parse_text(seed_text.replace(": ", "：").replace(":", "："))
    assert [f.to_doc() | {"id": ""} for f in crlf] == [f.to_doc() | {"id": ""} for f in parse_text(seed_text)]
    assert [f.annual_funding for f in full_width] == [f.annual_funding for f in crlf]


def test_a_bad_amount_fails_the_whole_file_with_its_line(seed_text, tmp_path):
    broken = seed_text.replace("实施期金额\t41.18", "实施期金额\t-41.18")
    path = tmp_path / "broken.txt"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_file(path)
    assert caught.value.line == 38
    assert str(caught.value).startswith(f"{path}:38: ")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "空"),
        (b"\x00\x01\x02binary", "二进制"),
        ("随便一段文字\n没有表格\n".encode(), "没有找到"),
        (b"\xff\xfe\xfa\xfb\xff" * 10, "编码"),
    ],
)
def test_unreadable_files_fail_with_one_clear_reason(tmp_path, content, reason):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=reason) as caught:
        read_file(path)
    assert str(path) in str(caught.value)


def test_gb18030_files_are_read(seed_text, tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(seed_text.encode("gb18030"))
    assert len(read_file(path)) == SEED_FORMS


def test_oversized_files_are_refused_without_reading_them(tmp_path, monkeypatch):
    from perftui.importing import text as importer

    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("x" * 200)
    with pytest.raises(FormatError, match="过大"):
        read_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(FormatError, match="无法读取"):
        read_file(tmp_path / "nope.txt")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("项目名称实施期金额年度财政拨款其他资金一级指标产出效益满意度\t\n:：0123456789.,≥%本级预算项目绩效目标表(2024年度)")), max_size=400))
def test_any_text_imports_or_raises_format_error(text):
    try:
        parse_text(text)
    except FormatError:
        pass

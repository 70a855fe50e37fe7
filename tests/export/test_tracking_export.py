"""Exports of the 监控表 and the 自评表: golden files in every format, and what each format keeps.

The records are those of two seed forms: the issue's worked example (研究院劳务派遣人员经费)
and 研究院系统及软件运行维护费 with a qualitative band, a ≤ target and reasons given.
Regenerate on purpose with ``PERFTUI_UPDATE_GOLDEN=1`` (see conftest.py).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from perftui import export
from perftui.core import evaluation, monitoring
from perftui.core.execution import Execution, Spending
from perftui.export import tracking
from perftui.export.tracking import Filed
from tests.export.test_export_golden import xlsx_dump

STAMP = {"updated_at": "2024-08-02T10:00:00+08:00", "updated_by": "tester@server"}


@pytest.fixture
def forms(sample_forms):
    return sample_forms[0], sample_forms[1]  # 劳务派遣人员经费, 系统及软件运行维护费


@pytest.fixture
def evaluations(forms):
    labour, software = forms
    first = evaluation.for_form(labour)
    first = first.evolve(
        id="e00000000001",
        revision=1,
        execution=Execution(total=Spending(D(98), D(98), D(95)), fiscal=Spending(D(98), D(98), D(95))),
        rows=tuple(row.evolve(actual=a) for row, a in zip(first.rows, ("7人", "95%", "90%", "1年", "优秀", "95%"))),
        funding_reason="节约开支",
        goal_actual="按计划派驻7人，完成年度工作目标。",
        notes="无",
        **STAMP,
    )
    rows = list(first.rows)
    rows[2] = rows[2].evolve(reason="本科学历人员招聘难，下年度调整招聘条件")
    first = first.evolve(rows=tuple(rows))
    second = evaluation.for_form(software)
    actuals = ("12条", "1年", "3小时", "部分达成预期指标并具有一定效果", "较好", "95%", "92%")
    rows = [row.evolve(actual=a) for row, a in zip(second.rows, actuals)]
    rows[2] = rows[2].evolve(reason="高峰期响应慢，已增加值守人员")
    rows[3] = rows[3].evolve(band="部分达成", score=D(20), reason="操作指引待完善")
    second = second.evolve(
        id="e00000000002",
        revision=3,
        execution=Execution(total=Spending(D("41.18"), D("41.18"), D("41.18"))),
        rows=tuple(rows),
        goal_actual="平台全年正常运行。",
        **STAMP,
    )
    return [Filed.of(labour, first), Filed.of(software, second)]


@pytest.fixture
def monitorings(forms):
    labour, software = forms
    first = monitoring.for_form(labour)
    rows = [row.evolve(progress=row.indicator.value.lstrip("≥"), forecast=row.indicator.value.lstrip("≥"), likelihood="确定能") for row in first.rows]
    rows[2] = rows[2].evolve(progress="88%", forecast="90%", likelihood="有可能", causes=("人员保障",), reason="招聘难")
    first = first.evolve(
        id="m00000000001",
        revision=2,
        execution=Execution(total=Spending(initial=D(98), spent=D("57.17")), fiscal=Spending(initial=D(98), spent=D("57.17"))),
        goal_progress="已派驻7人，各项工作按计划推进。",
        rows=tuple(rows),
        **STAMP,
    )
    second = monitoring.for_form(software)
    rows = [row.evolve(progress="按计划", forecast="完成", likelihood="确定能") for row in second.rows]
    rows[0] = rows[0].evolve(note="已维护6条")
    second = second.evolve(
        id="m00000000002",
        revision=1,
        as_of=date(2024, 6, 30),
        execution=Execution(total=Spending(initial=D("41.18"), spent=D("10.00"))),
        causes=("经费保障", "其他"),
        funding_reason="合同款按季度支付",
        goal_progress="平台运行正常。",
        rows=tuple(rows),
        **STAMP,
    )
    return [Filed.of(labour, first), Filed.of(software, second)]


def rendered(kind, items, fmt, width=100):
    output = tracking.render(kind, items, export.Options(fmt, width))
    return xlsx_dump(output) if fmt == "xlsx" else output


def golden_name(kind, fmt):
    extension = {"xlsx": ".xlsx.txt"}.get(fmt, export.EXTENSIONS.get(fmt, ".txt"))
    return f"{kind}.{fmt}{extension}"


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_evaluations_in_every_format(evaluations, golden, fmt):
    golden(golden_name("evaluation", fmt), rendered("evaluation", evaluations, fmt))


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_monitorings_in_every_format(monitorings, golden, fmt):
    golden(golden_name("monitoring", fmt), rendered("monitoring", monitorings, fmt))


def test_the_worked_example_in_the_export(evaluations):
    text = rendered("evaluation", evaluations[:1], "simple")
    assert "96.94%" in text and "9.69" in text and "11.84" in text and "99.03" in text


def test_box_formats_fuse_into_one_figure_of_equal_lines(evaluations, monitorings):
    from perftui.text.width import width

    for kind, items in (("evaluation", evaluations), ("monitoring", monitorings)):
        figure = rendered(kind, items[:1], "rounded_grid").splitlines()
        assert len({width(line) for line in figure}) == 1, kind


def test_csv_keeps_amounts_as_stored_and_scores_to_the_cent(evaluations):
    text = rendered("evaluation", evaluations, "csv")
    assert ",年度资金总额,,41.18,41.18,41.18,10,100.00%,10.00" in text
    # 产出's 50 over three rows: 16.67, 16.67, 16.66; the ≤2小时 row at 3小时 scores 16.66 × 2/3.
    assert ",产出指标,时效指标,日常数据处理响应及时性,≤2小时,3小时,16.66,11.11," in text


def test_json_keeps_every_field_and_adds_the_scores(evaluations):
    document = json.loads(rendered("evaluation", evaluations, "json"))
    assert document["kind"] == "evaluations" and len(document["records"]) == 2
    first = document["records"][0]
    assert evaluation.Evaluation.from_doc(first["record"]) == evaluations[0].record
    assert first["form"]["name"] == "研究院劳务派遣人员经费"
    assert first["scores"]["execution"] == {"weight": "10", "score": "9.69", "by_rule": "9.69", "written": False}
    assert first["scores"]["total"] == "99.03" and first["scores"]["grade"] == "优"


def test_xlsx_merges_and_numbers(evaluations):
    import io

    import openpyxl

    data = tracking.render("evaluation", evaluations[:1], export.Options("xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.title == "研究院劳务派遣人员经费"
    assert sheet["A1"].value == "项目支出绩效自评表" and "A1:I1" in {str(r) for r in sheet.merged_cells.ranges}
    scores = [sheet.cell(row=r, column=8).value for r in range(15, 21)]
    assert scores == [12.5, 12.5, 11.84, 12.5, 30, 10]
    assert sheet.cell(row=15, column=8).number_format == "0.00"


def test_no_records_is_refused():
    with pytest.raises(export.ExportError):
        tracking.render("evaluation", [], export.Options("simple"))
    with pytest.raises(export.ExportError):
        tracking.render("summary", [], export.Options("simple"))

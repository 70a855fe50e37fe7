"""Published 自评表 and 监控表 read from a grid of cells, and imported into the form they belong to.

The 自评表 fixture is typed in the Yunnan 2022 layout of issue 12 (项目资金 in 元,
年度指标值 as 指标性质 | 指标值 | 度量单位, 其他需要说明事项 | 总分 | 100 | 96 | 优),
with the published scores: two of its rows score off the rule (98% against
=100% scored 9 where the rule gives 9.8; a fully met 时效 target scored 7 of
10). The 监控表 fixture is in the 财政部 layout, causes and likelihood ticked
in columns, for the seed's 研究院劳务派遣人员经费.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from perftui.cli import EXIT_FINDINGS, EXIT_OK, main
from perftui.core import scoring
from perftui.core.tracking_findings import check_evaluation, check_monitoring
from perftui.importing.text import FormatError
from perftui.importing.tracking_tables import is_tracking_table, read_text, recognize, rows_from_text, split_causes
from perftui.services.repository import Repository
from perftui.services.tracking import Tracking

FIXTURES = Path(__file__).parent / "fixtures"
YUNNAN = FIXTURES / "yunnan-2022-evaluation.txt"
MONITORING = FIXTURES / "monitoring-2024-labour.txt"
GOLDEN = Path(__file__).parents[1] / "export" / "golden"


def yunnan():
    (table,) = read_text(YUNNAN.read_text(encoding="utf-8"), str(YUNNAN))
    return table


def test_the_yunnan_table_is_read_whole():
    table = yunnan()
    form, record = table.form, table.record
    assert (form.year, form.name, form.department, form.unit) == (2022, "农村公路养护补助资金", "某县交通运输局", "某县公路养护中心")
    # 项目资金(元): exact 万元.
    assert record.execution.total.initial == D("120.00") and record.execution.total.spent == D("117.60")
    assert record.execution.fiscal.budget == D("120.00") and record.execution.carried.spent is None
    assert form.annual_funding.total == D("120.00") and form.annual_funding.fiscal == D("120.00")
    assert [row.value for row in form.indicators] == [
        "≥120公里", "≥3000平方米", "=100%", "≥100%", "≤10000元", "明显改善", "≥2年", "≥90%",
    ]
    assert [row.level1 for row in form.indicators].count("产出指标") == 5
    assert form.annual_goal.startswith("完成全县120公里") and record.goal_actual.startswith("全年养护农村公路120公里")
    assert [row.score for row in record.rows] == [D(10), D(10), D(9), D(7), D(10), D(15), D(15), D(10)]
    assert record.execution_weight == D(10) and record.execution_score == D("9.8")
    assert record.notes == "无" and table.stated_total == D(96) and table.stated_grade == "优"


def test_its_findings_name_the_two_rows_off_the_rule():
    table = yunnan()
    found = check_evaluation(table.record, table.form)
    off = [f for f in found if f.code == "off-rule"]
    assert [f.row for f in off] == [3, 4]
    assert off[0].message == "得分 9.00 与按规则计算的 9.80 不符，未说明原因"
    assert off[1].message == "得分 7.00 与按规则计算的 10.00 不符，未说明原因"
    assert all(f.row not in (1, 2, 5, 6, 7, 8) for f in found)
    card = scoring.score(table.record, table.form.layout)
    assert card.total == D("95.8") and card.grade() == "优" and card.weight_total == D(100)


def test_the_cli_imports_it_creating_the_target_form(capsys, db_path):
    code = main(["--db", str(db_path), "import", str(YUNNAN)])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "新增  自评  农村公路养护补助资金  [2022]（新建目标表）" in out
    assert "第3行指标：得分 9.00 与按规则计算的 9.80 不符" in out and "第4行指标：得分 7.00 与按规则计算的 10.00 不符" in out
    assert "表中总分 96.00（优），按各项得分合计为 95.80（优）" in out
    repository = Repository.open(db_path)
    (form,) = repository.forms()
    record = Tracking(repository).evaluation(form)
    assert record.revision == 1 and len(record.rows) == 8 and form.indicators == tuple(r.indicator for r in record.rows)
    # Again: nothing changes, nothing is written.
    before = db_path.read_bytes()
    assert main(["--db", str(db_path), "import", str(YUNNAN)]) == EXIT_OK
    assert capsys.readouterr().out.splitlines()[-1] == "导入 1 份监控、自评（新增 0，更新 0，无变化 1），新建目标表 0 张"
    assert db_path.read_bytes() == before


def test_a_monitoring_table_joins_its_form(capsys, db_path, seed_path):
    assert main(["--db", str(db_path), "import", str(seed_path)]) == EXIT_OK
    capsys.readouterr()
    assert main(["--db", str(db_path), "import", str(MONITORING)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "新增  监控  研究院劳务派遣人员经费  [2024]  完整" in out and "新建目标表" not in out.splitlines()[0]
    repository = Repository.open(db_path)
    assert len(repository.forms()) == 8  # no form created
    form = repository.lookup("劳务派遣")[0]
    record = Tracking(repository).monitoring(form)
    assert record.as_of == date(2024, 7, 31) and record.execution.total.spent == D(40)
    assert record.funding_reason == "资金按季度拨付"
    third = record.rows[2]
    assert (third.progress, third.forecast, third.causes, third.likelihood, third.note) == ("88%", "90%", ("人员保障",), "有可能", "招聘中")
    assert all(row.likelihood == "确定能" for n, row in enumerate(record.rows) if n != 2)
    assert check_monitoring(record, form) == []


@pytest.mark.parametrize("name", ["evaluation.csv.csv", "monitoring.csv.csv"])
def test_our_own_csv_exports_read_back(name):
    """perftui's exports of both tables import again (the scores shown become the table's scores)."""
    text = (GOLDEN / name).read_text(encoding="utf-8")
    first, second = read_text(text, name)
    assert first.form.name == "研究院劳务派遣人员经费" and second.form.name == "研究院系统及软件运行维护费"
    assert first.form.year == 2024 and first.form.unit == "大连高新技术产业发展研究院"
    if name.startswith("evaluation"):
        assert first.record.execution.total.spent == D(95) and first.stated_total == D("99.03")
        assert first.record.rows[2].score == D("11.84") and first.record.rows[2].reason.startswith("本科学历人员招聘难")
        assert second.record.rows[3].score == D(20)
        assert check_evaluation(first.record, first.form) == []
    else:
        assert second.record.as_of == date(2024, 6, 30)
        assert second.record.causes == ("经费保障", "其他") and second.record.funding_reason == "合同款按季度支付"
        assert first.record.rows[2].causes == ("人员保障",) and first.record.rows[2].reason == "招聘难"
        assert first.record.rows[2].likelihood == "有可能" and second.record.rows[0].note == "已维护6条"


def test_split_causes():
    assert split_causes("经费保障、人员保障：招聘难") == (("经费保障", "人员保障"), "招聘难")
    assert split_causes("人员保障") == (("人员保障",), "")
    assert split_causes("因人员保障不足，进度滞后") == (("人员保障",), "因人员保障不足，进度滞后")
    assert split_causes("") == ((), "")


def test_only_tracking_tables_are_taken():
    assert is_tracking_table(rows_from_text(YUNNAN.read_text(encoding="utf-8")))
    from perftui.demo import SEED

    assert not is_tracking_table(rows_from_text(SEED.read_text(encoding="utf-8")))


def _yunnan_rows() -> list[list[str]]:
    return rows_from_text(YUNNAN.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "rows, message",
    [
        (lambda: [row for row in _yunnan_rows() if row[0] != "项目名称"], "表中没有项目名称"),
        (lambda: [["2022年度项目支出绩效自评表"], ["项目名称", "某项目"]], "没有绩效指标"),
        (lambda: [["项目支出绩效自评表"], *_yunnan_rows()[1:]], "没有写明年度"),
    ],
    ids=["no-name", "no-indicators", "no-year"],
)
def test_what_cannot_be_read_is_refused_whole(rows, message):
    with pytest.raises(FormatError) as caught:
        recognize(rows(), "t.txt")
    assert message in str(caught.value) and str(caught.value).startswith("t.txt:1:")


def test_a_bad_figure_names_its_line(capsys, db_path, tmp_path):
    text = YUNNAN.read_text(encoding="utf-8").replace("1,176,000.00", "一百万", 1)
    bad = tmp_path / "bad.txt"
    bad.write_text(text, encoding="utf-8")
    code = main(["--db", str(db_path), "import", str(bad)])
    err = capsys.readouterr().err
    assert code == EXIT_FINDINGS and f"{bad}:5:" in err and len(err.strip().splitlines()) == 1
    assert not db_path.exists()


def test_dry_run_shows_the_table_and_changes_nothing(capsys, db_path):
    code = main(["--db", str(db_path), "import", "--dry-run", str(YUNNAN)])
    out = capsys.readouterr().out
    assert code == EXIT_OK and not db_path.exists()
    assert "自评  农村公路养护补助资金  [2022]  8 条指标" in out
    assert "第3行指标：得分 9.00 与按规则计算的 9.80 不符" in out and "第4行指标：得分 7.00" in out


def _yunnan_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in _yunnan_rows():
        sheet.append([cell or None for cell in row])
    book.save(path)


def _yunnan_docx(path: Path) -> None:
    import docx

    rows = _yunnan_rows()
    document = docx.Document()
    document.add_paragraph(rows[0][0])
    width = max(len(row) for row in rows[1:])
    table = document.add_table(rows=len(rows) - 1, cols=width)
    for r, row in enumerate(rows[1:]):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    document.save(path)


@pytest.mark.parametrize("suffix, write", [(".xlsx", _yunnan_xlsx), (".docx", _yunnan_docx)])
def test_the_same_table_from_excel_and_word(capsys, db_path, tmp_path, suffix, write):
    """Read through the importer's grids: the same table, the same record, the same two rows flagged."""
    path = tmp_path / f"自评表{suffix}"
    write(path)
    assert main(["--db", str(db_path), "import", str(path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "新增  自评  农村公路养护补助资金  [2022]（新建目标表）" in out
    assert "第3行指标：得分 9.00 与按规则计算的 9.80 不符" in out and "第4行指标：得分 7.00 与按规则计算的 10.00 不符" in out
    repository = Repository.open(db_path)
    (form,) = repository.forms()
    assert Tracking(repository).evaluation(form).rows == yunnan().record.rows


def test_a_table_without_a_year_takes_the_year_given(capsys, db_path, tmp_path):
    path = tmp_path / "no-year.txt"
    path.write_text(YUNNAN.read_text(encoding="utf-8").replace("2022年度项目支出绩效自评表", "项目支出绩效自评表"), encoding="utf-8")
    assert main(["--db", str(db_path), "import", str(path)]) == EXIT_FINDINGS
    assert "没有写明年度" in capsys.readouterr().err
    assert main(["--db", str(db_path), "import", "--year", "2022", str(path)]) == EXIT_OK
    assert Repository.open(db_path).forms()[0].year == 2022

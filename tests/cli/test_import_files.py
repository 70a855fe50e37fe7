"""``perftui import`` of units' files: --dry-run shows and changes nothing; --year; .docx/.xlsx; extras kept."""

from __future__ import annotations

import json
from decimal import Decimal

from perftui.cli import EXIT_FINDINGS, EXIT_OK, main
from perftui.core.model import Form
from perftui.importing import readback
from perftui.services.repository import Repository
from tests.importing import builders
from tests.importing.test_labels_and_amounts import form_text
from tests.importing.test_layout_families import REVIEW, TEMPLATE_2015, budget_sheet


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_shows_each_form_and_changes_nothing(capsys, db_path, tmp_path):
    word = builders.write_docx(TEMPLATE_2015, tmp_path / "养老.docx")
    text = tmp_path / "form.txt"
    text.write_text(form_text().replace("测试项目\n", "测试项目\n某自创栏目\t自创内容\n"), encoding="utf-8")
    code, out, err = run(capsys, "--db", db_path, "import", "--dry-run", word, text)
    assert code == EXIT_OK, err
    assert not db_path.exists()
    assert f"{word}（Word）：1 张表" in out
    assert "社区养老服务补助  [2019]" in out
    assert "年度金额 120.00，其中财政拨款 100.00，其他资金 20.00" in out
    assert "实施期金额 300.00，其中财政拨款 270.00，其他资金 30.00" in out
    assert "绩效指标 8 条" in out and "其他栏目：项目属性" in out
    assert "未识别的栏目（作为其他栏目保留）：某自创栏目" in out
    assert "将导入 2 张表，11 条指标" in out
    assert out.rstrip().endswith("（试导入：数据库未作任何修改）")


def test_dry_run_names_a_refused_file_and_its_reason(capsys, db_path, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(form_text().replace("（2024年度）\n", ""), encoding="utf-8")
    code, out, _err = run(capsys, "--db", db_path, "import", "--dry-run", bad)
    assert code == EXIT_FINDINGS and not db_path.exists()
    assert f"不导入：{bad}:1: “测试项目”没有年度" in out


def test_a_form_without_a_year_imports_with_year_and_not_without(capsys, db_path, tmp_path):
    path = tmp_path / "form.txt"
    path.write_text(form_text().replace("（2024年度）\n", ""), encoding="utf-8")
    code, out, err = run(capsys, "--db", db_path, "import", path)
    assert code == EXIT_FINDINGS and "请用 --year 指定年度" in err and "导入" not in out
    code, out, err = run(capsys, "--db", db_path, "import", "--year", 2023, path)
    assert code == EXIT_OK, err
    (form,) = Repository.open(db_path).forms()
    assert (form.name, form.year) == ("测试项目", 2023)


def test_a_budget_sheet_imports_through_the_command(capsys, db_path, tmp_path):
    code, out, err = run(capsys, "--db", db_path, "import", budget_sheet(tmp_path / "明细.xlsx"))
    assert code == EXIT_OK, err
    assert sorted(f.name for f in Repository.open(db_path).forms()) == sorted(["校舍维修", "教师培训"])


def test_a_refused_file_imports_nothing_of_itself_but_the_others_go_in(capsys, db_path, tmp_path):
    good = builders.write_xlsx(REVIEW, tmp_path / "审批.xlsx")
    bad = tmp_path / "bad.txt"
    bad.write_text(form_text() + form_text().replace("测试项目", "第二个").replace("\t100\n", "\t-100\n"), encoding="utf-8")
    code, out, err = run(capsys, "--db", db_path, "import", good, bad)
    assert code == EXIT_FINDINGS and f"{bad}:" in err and "负数" in err
    assert [f.name for f in Repository.open(db_path).forms()] == ["乡村道路养护"]


def test_extras_survive_the_database_and_a_json_export_and_import(capsys, db_path, tmp_path):
    text = tmp_path / "form.txt"
    text.write_text(
        form_text().replace("测试项目\n", "测试项目\n项目属性\t新增\n").replace("\t100\n", "\t100万(含结转20万)\n"),
        encoding="utf-8",
    )
    word = builders.write_docx(TEMPLATE_2015, tmp_path / "养老.docx")
    assert run(capsys, "--db", db_path, "import", text, word)[0] == EXIT_OK
    stored = {f.name: f for f in Repository.open(db_path).forms()}
    assert stored["测试项目"].extra_fields == (("项目属性", "新增"),)
    assert stored["测试项目"].amount_notes == (("funding.annual.total", "(含结转20万)"),)
    assert stored["社区养老服务补助"].indicators[0].extra_value("period_value") == "30个"
    exported = tmp_path / "all.json"
    code, _out, err = run(capsys, "--db", db_path, "export", "form", "--all", "-f", "json", "-o", exported)
    assert code == EXIT_OK, err
    back = {f.name: f for f in readback.read_file(exported).forms}
    assert {name: f.to_doc() for name, f in back.items()} == {name: f.to_doc() for name, f in stored.items()}
    other_db = tmp_path / "other.json"
    assert run(capsys, "--db", other_db, "import", exported)[0] == EXIT_OK
    again = tmp_path / "again.json"
    run(capsys, "--db", other_db, "export", "form", "--all", "-f", "json", "-o", again)
    assert json.loads(again.read_text(encoding="utf-8")) == json.loads(exported.read_text(encoding="utf-8"))


def test_extras_are_shown_and_exported(capsys, db_path, tmp_path):
    word = builders.write_docx(TEMPLATE_2015, tmp_path / "养老.docx")
    assert run(capsys, "--db", db_path, "import", word)[0] == EXIT_OK
    code, out, _err = run(capsys, "--db", db_path, "show", "养老")
    assert "项目属性" in out and "延续项目" in out
    assert "第1行 建成服务站数量：中期指标值：30个" in out
    code, out, _err = run(capsys, "--db", db_path, "export", "form", "养老", "-f", "csv")
    assert "项目属性,延续项目" in out and "中期指标值：30个" in out


def test_a_document_without_extras_is_stored_as_before():
    doc = Form(name="x", year=2024).to_doc()
    assert "extra_fields" not in doc and "amount_notes" not in doc
    old = doc | {"indicators": [["产出指标", "数量指标", "a", "1"]]}
    form = Form.from_doc(old)
    assert form.indicators[0].extra == () and form.to_doc()["indicators"] == [["产出指标", "数量指标", "a", "1"]]
    assert Form.from_doc(old | {"funding": {"period": {}, "annual": {"total": "153.5184"}}}).annual_funding.total == Decimal(
        "153.5184"
    )

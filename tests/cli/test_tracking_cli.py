"""``perftui progress``, ``show --monitor/--evaluation``, and ``check``/``export`` of the records."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D

import pytest

from perftui.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
from perftui.core import evaluation, monitoring
from perftui.core.execution import Spending
from perftui.services.repository import Repository
from perftui.services.tracking import Tracking

LABOUR = "研究院劳务派遣人员经费"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def labour_evaluation(form, actuals=("7人", "95%", "90%", "1年", "优秀", "95%")):
    record = evaluation.for_form(form)
    funding = record.execution.with_row("total", Spending(D(98), D(98), D(95))).with_row("fiscal", Spending(D(98), D(98), D(95)))
    rows = tuple(row.evolve(actual=actual) for row, actual in zip(record.rows, actuals))
    return record.evolve(execution=funding, rows=rows, goal_actual="全部完成")


def labour_monitoring(form, spent="60"):
    record = monitoring.for_form(form)
    rows = tuple(row.evolve(progress="按计划", forecast=row.indicator.value.lstrip("≥"), likelihood="确定能") for row in record.rows)
    return record.evolve(execution=record.execution.with_row("total", Spending(initial=D(98), spent=D(spent))), rows=rows)


@pytest.fixture
def seeded(capsys, db_path, seed_path):
    assert run(capsys, "--db", db_path, "import", seed_path)[0] == EXIT_OK
    return db_path


@pytest.fixture
def tracked(seeded):
    repository = Repository.open(seeded)
    form = repository.lookup(LABOUR)[0]
    tracking = Tracking(repository)
    tracking.save(labour_evaluation(form))
    tracking.save(labour_monitoring(form))
    return seeded


def test_progress_one_row_per_form_with_the_year_at_the_end(capsys, tracked):
    code, out, err = run(capsys, "--db", tracked, "progress", "--year", "2024")
    assert code == EXIT_OK and err == ""
    lines = out.splitlines()
    labour = next(line for line in lines if line.startswith(LABOUR))
    assert labour.split()[1:] == ["2024", "98.00", "95.00", "96.94%", "99.03", "优"]
    assert next(line for line in lines if line.startswith("研究院系统及软件运行维护费")).endswith("监控、自评")
    total = next(line for line in lines if line.startswith("合计"))
    assert total.split()[1:] == ["3,127.56", "95.00", "96.94%", "99.03"]
    assert "8 张表：未填监控 7 张，未填自评 7 张" in out
    assert "自评平均分 99.03（1 张）；等级：优 1，良 0，中 0，差 0" in out


def test_progress_of_a_year_without_forms(capsys, tracked):
    code, out, _ = run(capsys, "--db", tracked, "progress", "--year", "1999")
    assert code == EXIT_OK and "没有表" in out


def test_progress_before_any_record(capsys, seeded):
    code, out, _ = run(capsys, "--db", seeded, "progress")
    assert code == EXIT_OK
    assert "未填监控 8 张，未填自评 8 张" in out and "自评平均分 —（0 张）" in out


def test_progress_follows_the_scoring_settings(capsys, tracked, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("[scoring]\noutput = 40\nsatisfaction = 20\n", encoding="utf-8")
    monkeypatch.setenv("PERFTUI_CONFIG", str(config))
    out = run(capsys, "--db", tracked, "progress")[1]
    # 产出 40 over four rows: 10 each, the 学历 row 10 × 90/95 = 9.47; 满意度 20.
    assert "99.16" in next(line for line in out.splitlines() if line.startswith(LABOUR))  # 9.69 + 30 + 9.47 + 30 + 20


def test_a_bad_scoring_setting_is_one_line(capsys, tracked, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("[scoring]\noutput = \"much\"\n", encoding="utf-8")
    monkeypatch.setenv("PERFTUI_CONFIG", str(config))
    code, out, err = run(capsys, "--db", tracked, "progress")
    assert code != EXIT_OK and len(err.strip().splitlines()) == 1 and "output" in err


def test_show_evaluation(capsys, tracked):
    code, out, err = run(capsys, "--db", tracked, "show", "劳务派遣", "--evaluation")
    assert code == EXIT_OK and err == ""
    assert "项目支出绩效自评表" in out and "（2024年度）" in out
    assert "96.94%" in out and "9.69" in out and "11.84" in out
    assert "总分" in out and "99.03" in out and "优" in out
    assert "提醒  第3行指标：得分 11.84 低于分值 12.50，未说明偏差原因" in out


def test_show_monitor(capsys, tracked):
    code, out, _ = run(capsys, "--db", tracked, "show", "劳务派遣", "--monitor")
    assert code == EXIT_OK
    assert "项目支出绩效运行监控表" in out and "截至7月31日" in out and "1–7月执行数" in out
    assert "61.22%" in out and "检查结果：完整" in out


def test_show_a_record_not_filed_yet(capsys, tracked):
    code, out, err = run(capsys, "--db", tracked, "show", "运行维护", "--evaluation")
    assert code == EXIT_FINDINGS and out == ""
    assert err.strip() == "perftui: “研究院系统及软件运行维护费”还没有自评记录"


def test_show_takes_one_of_the_two(capsys, tracked):
    with pytest.raises(SystemExit) as caught:
        run(capsys, "--db", tracked, "show", "劳务派遣", "--evaluation", "--monitor")
    assert caught.value.code == EXIT_USAGE


def test_check_covers_the_records(capsys, tracked):
    code, out, _ = run(capsys, "--db", tracked, "check")
    assert code == EXIT_OK  # warnings only
    assert f"{LABOUR}  自评" in out and "第3行指标：得分 11.84 低于分值 12.50" in out
    assert out.splitlines()[-1] == "监控和自评共 2 份：0 份不完整，1 份有检查结果"
    assert run(capsys, "--db", tracked, "check", "--strict")[0] == EXIT_FINDINGS


def test_check_fails_on_an_incomplete_record(capsys, tracked):
    repository = Repository.open(tracked)
    form = repository.lookup(LABOUR)[0]
    tracking = Tracking(repository)
    record = tracking.evaluation(form)
    rows = list(record.rows)
    rows[0] = rows[0].evolve(score=D(13))
    tracking.save(record.evolve(rows=tuple(rows)))
    code, out, _ = run(capsys, "--db", tracked, "check")
    assert code == EXIT_FINDINGS
    assert "错误  第1行指标：得分 13.00 超过分值 12.50" in out
    assert out.splitlines()[-1] == "监控和自评共 2 份：1 份不完整，1 份有检查结果"


def test_check_without_records_says_nothing_more(capsys, seeded):
    out = run(capsys, "--db", seeded, "check")[1]
    assert out.splitlines()[-1] == "共 8 张表：0 张不完整，2 张有检查结果"


def test_export_evaluations_leaves_out_forms_without_one(capsys, tracked, tmp_path):
    target = tmp_path / "e.csv"
    code, out, _ = run(capsys, "--db", tracked, "export", "evaluation", "--all", "-f", "csv", "-o", target)
    assert code == EXIT_OK and "已导出 1 张表" in out
    text = target.read_text(encoding="utf-8")
    assert text.startswith("项目支出绩效自评表") and "其他需要说明事项,,,,,总分,100.00,99.03,优" in text


def test_export_of_a_form_without_a_record(capsys, tracked):
    code, out, err = run(capsys, "--db", tracked, "export", "monitoring", "运行维护")
    assert code == EXIT_FINDINGS and "没有符合条件的记录" in err


def test_export_monitoring_needs_a_choice(capsys, tracked):
    assert run(capsys, "--db", tracked, "export", "monitoring")[0] == EXIT_USAGE


def test_progress_and_show_load_no_textual(tracked):
    code = (
        "import sys; from perftui.cli import main; main(['--db', sys.argv[1], 'progress']);"
        "main(['--db', sys.argv[1], 'show', '劳务派遣', '--evaluation']);"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'));"
        "print('LOADED', bad)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tracked)], capture_output=True, text=True, check=True)
    assert "99.03" in result.stdout and "LOADED []" in result.stdout


def test_history_of_a_form_shows_its_records_too(capsys, tracked):
    code, out, err = run(capsys, "--db", tracked, "history", LABOUR)
    assert code == EXIT_OK and err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"{LABOUR}  [")
    heads = [line for line in lines if line[:4].isdigit()]
    assert [head.split()[3] for head in heads] == ["导入", "新建", "新建"]
    assert f"{LABOUR}（自评）" in heads[1] and f"{LABOUR}（监控）" in heads[2]
    code, out, _err = run(capsys, "--db", tracked, "history", LABOUR, "--limit", "1")
    assert f"{LABOUR}（监控）" in out and "导入" not in out

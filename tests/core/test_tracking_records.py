"""The 监控 and 自评 records: their stored documents, and rows that follow the form's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from perftui.core import evaluation, monitoring
from perftui.core.evaluation import Evaluation, EvaluationRow
from perftui.core.execution import Execution, Spending, share_of_year
from perftui.core.model import Indicator
from perftui.core.monitoring import Monitoring, MonitoringRow
from perftui.core.tracking import doc_changes

LABOUR = "研究院劳务派遣人员经费"


@pytest.fixture
def labour(seed_forms):
    return next(f for f in seed_forms if f.name == LABOUR)


def test_a_new_monitoring_starts_from_the_form(labour):
    record = monitoring.for_form(labour)
    assert record.form_id == labour.id and record.year == 2024
    assert record.day == date(2024, 7, 31) and record.as_of is None
    assert record.execution.total == Spending(initial=D(98))
    assert record.execution.fiscal.initial == D(98)
    assert [row.indicator for row in record.rows] == list(labour.indicators)


def test_a_new_evaluation_starts_from_the_form(labour):
    record = evaluation.for_form(labour)
    assert record.execution.total == Spending(D(98), D(98), None)
    assert record.goal_expected == labour.annual_goal
    assert [row.indicator for row in record.rows] == list(labour.indicators)


def test_monitoring_document_round_trip(labour):
    rows = list(monitoring.for_form(labour).rows)
    rows[0] = rows[0].evolve(progress="7人", forecast="7人", causes=("人员保障",), reason="招聘中", likelihood="有可能", note="x")
    record = monitoring.for_form(labour).evolve(
        as_of=date(2024, 6, 30),
        execution=Execution(total=Spending(initial=D("98.00"), spent=D("40.5"))),
        causes=("经费保障",),
        funding_reason="资金下达较晚",
        goal_progress="按计划推进",
        rows=tuple(rows),
    )
    doc = record.to_doc()
    assert doc["funding"]["total"] == {"initial": "98.00", "budget": "", "spent": "40.5"}
    assert doc["as_of"] == "2024-06-30"
    assert Monitoring.from_doc(doc) == record


def test_evaluation_document_round_trip(labour):
    rows = list(evaluation.for_form(labour).rows)
    rows[2] = rows[2].evolve(actual="90%", weight=D("12.50"), score=D("11.84"), reason="招聘难")
    rows[4] = rows[4].evolve(actual="良好", band="部分达成")
    record = evaluation.for_form(labour).evolve(
        execution=Execution(total=Spending(D(98), D(98), D("95.0000"))),
        execution_weight=D(10),
        execution_score=D("9.69"),
        rows=tuple(rows),
        notes="无",
    )
    doc = record.to_doc()
    assert doc["rows"][2]["score"] == "11.84" and doc["rows"][0]["score"] == ""
    assert doc["funding"]["total"]["spent"] == "95.0000"  # precision as written
    assert Evaluation.from_doc(doc) == record


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("rows"),
        lambda d: d.update(year="2024"),
        lambda d: d.update(rows=[{"indicator": ["a", "b", "c"]}]),
        lambda d: d["rows"][0].update(score="many"),
        lambda d: d["rows"][0].update(band="好"),
        lambda d: d["rows"][0].update(actual=5),
        lambda d: d["funding"].update(total={"spent": "-1"}),
        lambda d: d.update(funding=[]),
    ],
)
def test_a_damaged_evaluation_document_is_refused(labour, damage):
    doc = evaluation.for_form(labour).to_doc()
    damage(doc)
    with pytest.raises((KeyError, TypeError, ValueError, ArithmeticError)):
        Evaluation.from_doc(doc)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(as_of="7月"),
        lambda d: d["rows"][0].update(likelihood="大概"),
        lambda d: d["rows"][0].update(causes="经费保障"),
        lambda d: d.update(form_id=None),
    ],
)
def test_a_damaged_monitoring_document_is_refused(labour, damage):
    doc = monitoring.for_form(labour).to_doc()
    damage(doc)
    with pytest.raises((KeyError, TypeError, ValueError, ArithmeticError)):
        Monitoring.from_doc(doc)


def test_rows_follow_the_form_when_its_indicators_change(labour):
    record = evaluation.for_form(labour)
    rows = [row.evolve(actual=f"实际{n}") for n, row in enumerate(record.rows)]
    record = record.evolve(rows=tuple(rows))
    # The form's rows are reordered, one is retargeted, one removed and one added.
    first, second, third, fourth, fifth, sixth = labour.indicators
    changed = labour.evolve(
        indicators=(
            second,
            first._replace(value="≥8人"),
            fourth,
            third,
            Indicator("效益指标", "社会效益指标", "新指标", "较好"),
            sixth,
        )
    )
    aligned = evaluation.for_form(changed, record)
    assert [row.actual for row in aligned.rows] == ["实际1", "实际0", "实际3", "实际2", "", "实际5", "实际4"]
    assert aligned.rows[1].indicator.value == "≥8人"  # the form's target as it is now
    assert aligned.rows[-1].indicator == fifth  # left over: kept, at the end


def test_a_row_moved_to_another_level2_keeps_its_values(labour):
    record = monitoring.for_form(labour)
    record = record.evolve(rows=tuple(row.evolve(progress=f"p{n}") for n, row in enumerate(record.rows)))
    moved = labour.indicators[1]._replace(level2="数量指标")
    changed = labour.evolve(indicators=(labour.indicators[0], moved, *labour.indicators[2:]))
    aligned = monitoring.for_form(changed, record)
    assert [row.progress for row in aligned.rows] == [f"p{n}" for n in range(6)]
    assert aligned.rows[1].indicator == moved


def test_doc_changes_name_fields_and_rows():
    old = Evaluation(id="x", rows=(EvaluationRow(Indicator("a", "b", "c", "d")),))
    new = old.evolve(
        notes="n", execution=old.execution.with_row("total", Spending(spent=D(5))), rows=(*old.rows, EvaluationRow())
    )
    keys = [key for key, _old, _new in evaluation.changes(old, new)]
    assert keys == ["funding.total", "rows[2]", "notes"]
    assert doc_changes({"a": 1}, {"a": 1}) == []


def test_share_of_year():
    assert share_of_year(date(2024, 7, 31)) == D(7) / D(12)
    assert share_of_year(date(2024, 12, 31)) == 1
    assert share_of_year(date(2023, 2, 14)) == (D(1) + D(14) / D(28)) / D(12)


def test_the_overall_row_adds_the_parts_when_the_total_is_blank():
    execution = Execution(fiscal=Spending(D(90), D(90), D("89.97")), other=Spending(D(10), None, D(5)))
    overall = execution.overall
    assert overall.initial == D(100) and overall.budget == D(90) and overall.spent == D("94.97")
    assert Execution(total=Spending(D(1), None, D(1)), fiscal=Spending(D(5))).overall.initial == D(1)


def test_row_reasons():
    assert not MonitoringRow().has_reason
    assert MonitoringRow(causes=("其他",)).has_reason
    assert MonitoringRow(reason=" 说明 ").has_reason
    assert monitoring.clean_causes(["其他", "经费保障", "乱写", "其他"]) == ("经费保障", "其他")

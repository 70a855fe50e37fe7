"""Editing a 监控 or 自评 cell by cell: typed text read or refused in one line, undo, what blank cells show."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from perftui.core import evaluation
from perftui.core.tracking_edit import FUNDING, ROWS_SECTION, CellProblem, RecordEdit, open_record, parse_day, summary_line

LABOUR = "研究院劳务派遣人员经费"


@pytest.fixture
def labour(seed_forms):
    return next(f for f in seed_forms if f.name == LABOUR)


def test_the_worked_example_typed_cell_by_cell(labour):
    edit = RecordEdit(open_record("evaluation", labour, None), labour)
    assert edit.set(FUNDING, 0, "spent", "９５")  # full-width digits
    for row, actual in enumerate(("7人", "95%", "90%", "1年", "优秀", "95%")):
        edit.set(ROWS_SECTION, row, "actual", actual)
    card = edit.card()
    assert card.execution.score == D("9.69") and card.rows[2].score == D("11.84") and card.total == D("99.03")
    assert edit.shown(ROWS_SECTION, 2, "score", card) == ("11.84", True)  # the rule's, dimmed
    assert edit.shown(ROWS_SECTION, 2, "weight", card) == ("12.50", True)
    assert edit.shown(FUNDING, 0, "rate") == ("96.94%", False)
    assert summary_line(edit, card) == "执行率 96.94% · 分值合计 100.00 · 总分 99.03 · 等级 优"


def test_a_written_score_shows_undimmed_and_can_be_cleared(labour):
    edit = RecordEdit(open_record("evaluation", labour, None), labour)
    edit.set(ROWS_SECTION, 0, "score", "9")
    assert edit.shown(ROWS_SECTION, 0, "score") == ("9.00", False)
    assert edit.text(ROWS_SECTION, 0, "score") == "9"
    assert edit.clear(ROWS_SECTION, 0, "score")
    assert edit.record.rows[0].score is None


@pytest.mark.parametrize(
    "section, key, text, message",
    [
        (FUNDING, "spent", "九十五", "金额只能包含数字和小数点"),
        (FUNDING, "spent", "-5", "金额不能为负数"),
        (ROWS_SECTION, "weight", "abc", "分数只能包含数字和小数点"),
        (ROWS_SECTION, "score", "120", "分数不能超过100"),
        (ROWS_SECTION, "band", "大概", "不是可选的一项"),
    ],
)
def test_unreadable_text_is_refused_and_changes_nothing(labour, section, key, text, message):
    edit = RecordEdit(open_record("evaluation", labour, None), labour)
    before = edit.record
    with pytest.raises(CellProblem) as caught:
        edit.set(section, 0, key, text)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert edit.record == before and not edit.changed


def test_read_only_cells_and_total_only_columns(labour):
    edit = RecordEdit(open_record("evaluation", labour, None), labour)
    for section, row, key in ((ROWS_SECTION, 0, "name"), (ROWS_SECTION, 0, "value"), (FUNDING, 0, "rate"), (FUNDING, 1, "score")):
        assert not edit.editable(section, row, key)
        with pytest.raises(CellProblem):
            edit.set(section, row, key, "1")
    assert edit.editable(FUNDING, 0, "score") and edit.shown(FUNDING, 1, "score") == ("—", True)


def test_choices_by_value_label_or_start(labour):
    edit = RecordEdit(open_record("monitoring", labour, None), labour)
    edit.set(ROWS_SECTION, 0, "likelihood", "有可")
    edit.set(ROWS_SECTION, 0, "causes", "人员 经费、其他")
    row = edit.record.rows[0]
    assert row.likelihood == "有可能" and row.causes == ("经费保障", "人员保障", "其他")
    assert edit.text(ROWS_SECTION, 0, "causes") == "经费保障、人员保障、其他"
    with pytest.raises(CellProblem):
        edit.set(ROWS_SECTION, 0, "causes", "天气")
    edit.set(FUNDING, 0, "causes", "经费")
    assert edit.record.causes == ("经费保障",)


def test_undo_goes_back_one_change_at_a_time(labour):
    edit = RecordEdit(open_record("monitoring", labour, None), labour)
    edit.set(ROWS_SECTION, 1, "progress", "一半")
    edit.set(ROWS_SECTION, 1, "progress", "大半")
    assert not edit.set(ROWS_SECTION, 1, "progress", "大半")  # unchanged: nothing to undo
    assert edit.undo().row == 1 and edit.record.rows[1].progress == "一半"
    edit.undo()
    assert not edit.changed and edit.undo() is None


def test_fields_and_the_monitoring_day(labour):
    edit = RecordEdit(open_record("monitoring", labour, None), labour)
    assert [key for key, _label in edit.fields()] == ["as_of", "goal_progress"]
    edit.set_field("as_of", "6月30日")
    assert edit.record.as_of == date(2024, 6, 30) and edit.months == "1–6月"
    assert dict(edit.fields())["goal_progress"] == "年度总体目标：1–6月执行情况"
    assert edit.column(FUNDING, "spent").heading(edit.months) == "1–6月执行数"
    edit.set_field("as_of", "")
    assert edit.record.as_of is None and edit.record.day == date(2024, 7, 31)
    with pytest.raises(CellProblem):
        edit.set_field("as_of", "下个月")


@pytest.mark.parametrize("text, day", [("2024-06-30", date(2024, 6, 30)), ("６．３０", date(2024, 6, 30)), ("2023年12月31日", date(2023, 12, 31))])
def test_parse_day(text, day):
    assert parse_day(text, 2024) == day


def test_parse_day_refuses_what_is_not_a_day():
    for text in ("2月30日", "13.1", "明天"):
        with pytest.raises(CellProblem):
            parse_day(text, 2024)


def test_a_stored_record_opens_in_the_form_order(labour):
    stored = evaluation.for_form(labour)
    stored = stored.evolve(rows=tuple(reversed(stored.rows)))
    opened = open_record("evaluation", labour, stored)
    assert [row.indicator for row in opened.rows] == list(labour.indicators)
    fresh = open_record("monitoring", labour, None)
    assert fresh.revision == 0 and [row.indicator for row in fresh.rows] == list(labour.indicators)

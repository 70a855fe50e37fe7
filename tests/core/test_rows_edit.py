"""Editing indicator rows: add below, delete, move, change a cell, undo; choosing levels."""

from __future__ import annotations

import pytest

from perftui.core.rows_edit import RowsEdit, filter_choices
from perftui.core.model import Indicator
from perftui.core.taxonomy import GUIDELINE_2021, LEGACY

ROWS = (
    Indicator("产出指标", "数量指标", "人数", "≥7人"),
    Indicator("产出指标", "质量指标", "契合度", "≥95%"),
    Indicator("效益指标", "社会效益指标", "完成情况", "优秀"),
)


def test_a_row_added_below_continues_the_group_of_the_row_above():
    edit = RowsEdit(ROWS)
    at = edit.add_below(1)
    assert at == 2
    assert edit.rows[2] == Indicator("产出指标", "质量指标", "", "")
    assert len(edit.rows) == 4 and edit.rows[3] == ROWS[2]
    assert edit.changed


def test_the_first_row_starts_the_first_group_of_the_layout():
    assert RowsEdit((), LEGACY).rows == ()
    edit = RowsEdit((), GUIDELINE_2021)
    assert edit.add_below(None) == 0
    assert edit.rows == (Indicator("产出指标", "数量指标"),)
    assert RowsEdit(ROWS).add_below(None) == 3


def test_delete_then_undo_brings_the_row_back_where_it_was():
    edit = RowsEdit(ROWS)
    assert edit.delete(2) == 1
    assert edit.rows == ROWS[:2]
    step = edit.undo()
    assert step is not None and step.cursor == 2 and "删除第3行" in step.what
    assert edit.rows == ROWS
    assert not edit.changed
    assert edit.undo() is None


def test_deleting_the_last_row_leaves_no_cursor():
    edit = RowsEdit(ROWS[:1])
    assert edit.delete(0) == -1
    with pytest.raises(IndexError):
        edit.delete(0)


def test_move_swaps_with_the_neighbour_and_stops_at_the_ends():
    edit = RowsEdit(ROWS)
    assert edit.move(0, +1) == 1
    assert edit.rows == (ROWS[1], ROWS[0], ROWS[2])
    assert edit.move(0, -1) == 0  # already at the top: nothing happens
    assert edit.move(2, +1) == 2
    edit.undo()
    assert edit.rows == ROWS and not edit.can_undo


def test_set_cell_records_only_real_changes():
    edit = RowsEdit(ROWS)
    assert not edit.set_cell(0, "value", " ≥7人 ")
    assert not edit.can_undo
    assert edit.set_cell(0, "value", "≥8人")
    assert edit.rows[0].value == "≥8人"
    with pytest.raises(KeyError):
        edit.set_cell(0, "nonsense", "x")
    edit.undo()
    assert edit.rows == ROWS


def test_level_choices_follow_the_layout_and_the_row_level1():
    edit = RowsEdit(ROWS, LEGACY)
    assert edit.choices(0, "level1") == ("产出指标", "效益指标", "满意度指标")
    assert "成本指标" in edit.choices(0, "level2")
    assert edit.choices(2, "level2")[0] == "经济效益指标"
    assert edit.choices(0, "name") == ()


def test_typing_filters_choices_starts_first_and_through_an_ime():
    choices = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
    assert filter_choices(choices, "") == list(choices)
    assert filter_choices(choices, "社会") == ["社会效益指标"]
    assert filter_choices(choices, "效益")[0] == "经济效益指标"
    assert filter_choices(("数量指标", "质量指标"), "数 量") == ["数量指标"]
    assert filter_choices(("数量指标",), "xyz") == []


def test_a_text_cell_is_typed_like_a_line_editor():
    from perftui.core.rows_edit import CellEdit

    cell = CellEdit(0, "value", "≥7人")
    assert cell.cursor == 3
    cell.move(-1)
    cell.backspace()
    cell.insert("8")
    assert (cell.text, cell.cursor) == ("≥8人", 2)
    cell.home()
    cell.delete()
    cell.end()
    cell.insert("次\n以上")
    assert cell.value() == "8人次 以上"
    cell.clear_left()
    assert cell.value() == "" and not cell.picks


def test_a_level_cell_commits_the_highlighted_match():
    from perftui.core.rows_edit import CellEdit

    choices = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
    cell = CellEdit(0, "level2", "", choices, current="生态效益指标")
    assert cell.value() == "生态效益指标"  # Enter on an untouched list keeps the current name
    cell.insert("效益")
    assert cell.value() == "经济效益指标"
    cell.choose(+1)
    assert cell.value() == "社会效益指标"
    cell.choose(+10)
    assert cell.value() == "生态效益指标"
    cell.insert("xyz")
    assert cell.matches == [] and cell.value() is None

"""Blocks of indicator rows pasted from a spreadsheet or a form's text, into the rows being edited."""

from __future__ import annotations

import re

import pytest

from perftui.core import taxonomy
from perftui.core.model import Indicator
from perftui.core.pasted_rows import is_block, read_block
from perftui.core.rows_edit import RowsEdit

#: Three rows of four cells copied from Excel/WPS: merged 一级/二级 cells come out blank.
SPREADSHEET = "产出指标\t数量指标\t培训人数\t≥100人\n\t\t培训天数\t≥5天\n效益指标\t社会效益指标\t就业率\t≥90%\n"


def test_a_three_by_four_block_adds_three_complete_rows_and_one_undo_takes_them_back():
    edit = RowsEdit(())
    written = edit.paste(0, "name", SPREADSHEET)
    assert written == range(0, 3)
    assert edit.rows == (
        Indicator("产出指标", "数量指标", "培训人数", "≥100人"),
        Indicator("产出指标", "数量指标", "培训天数", "≥5天"),
        Indicator("效益指标", "社会效益指标", "就业率", "≥90%"),
    )
    step = edit.undo()
    assert step is not None and "粘贴3行" in step.what
    assert edit.rows == () and not edit.can_undo


def test_cells_fill_the_columns_from_the_cursor_and_rows_are_added_as_needed():
    rows = (Indicator("产出指标", "质量指标", "合格率", "≥90%"), Indicator("产出指标", "质量指标", "达标率", ""))
    edit = RowsEdit(rows)
    assert edit.paste(1, "value", "≥95%\n≥80%\r\n") == range(1, 3)
    assert edit.rows[0] == rows[0]  # above the cursor: untouched
    assert edit.rows[1] == rows[1]._replace(value="≥95%")
    # A new row continues the group above it.
    assert edit.rows[2] == Indicator("产出指标", "质量指标", "", "≥80%")
    edit.undo()
    assert edit.rows == rows


def test_name_and_value_pasted_on_the_third_level_column():
    edit = RowsEdit((Indicator("效益指标", "社会效益指标", "", ""),))
    edit.paste(0, "name", "受益人数\t≥500人\n覆盖村数\t≥70村")
    assert edit.rows == (
        Indicator("效益指标", "社会效益指标", "受益人数", "≥500人"),
        Indicator("效益指标", "社会效益指标", "覆盖村数", "≥70村"),
    )


def test_a_forms_text_pasted_gives_the_forms_rows(seed_text, seed_forms):
    """The indicator table of a form as extracted text (header, merged cells, the empty column)."""
    form = seed_forms[0]
    section = seed_text.split(form.name, 1)[1].split("一级指标", 1)[1]
    table = "一级指标" + re.split(r"\n\s*\n|\n#", section, maxsplit=1)[0]
    edit = RowsEdit((), form.layout)
    edit.paste(0, "name", table)
    assert edit.rows == form.indicators


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        (taxonomy.LEGACY, Indicator("产出指标", "成本指标", "人均成本", "≤2万元")),
        (taxonomy.GUIDELINE_2021, Indicator("成本指标", "经济成本指标", "人均成本", "≤2万元")),
    ],
)
def test_cost_rows_follow_the_layout(layout, expected):
    text = {
        taxonomy.LEGACY: "产出指标\t成本指标\t人均成本\t≤2万元",
        taxonomy.GUIDELINE_2021: "成本指标\t经济成本指标\t人均成本\t≤2万元",
    }[layout]
    edit = RowsEdit((), layout)
    edit.paste(0, "level1", text)
    assert edit.rows == (expected,)


def test_short_level_names_and_full_width_text_are_read():
    block = read_block("产出\t数量\t培训人数\t≥100人", "name", taxonomy.LEGACY)
    assert block.rows[0]["level1"] == "产出指标" and block.rows[0]["level2"] == "数量指标"


def test_what_counts_as_a_block():
    assert is_block("a\tb") and is_block("a\nb") and not is_block("一段文字") and not is_block("一行\n")


def test_an_empty_paste_changes_nothing():
    edit = RowsEdit((Indicator("产出指标", "数量指标", "x", "1"),))
    assert edit.paste(0, "name", "\n\t\n") == range(0, 0)
    assert not edit.can_undo


def test_pasted_text_is_cleaned_and_an_overlong_cell_refuses_the_whole_paste():
    from perftui.core.rows_edit import PasteError

    edit = RowsEdit(())
    edit.paste(0, "name", "培训\x1b[31m人数\t≥100人")
    assert edit.rows[0].name == "培训人数"  # the escape sequence went at the door
    with pytest.raises(PasteError, match="未粘贴"):
        edit.paste(1, "name", "好\t1\n" + "长" * 600 + "\t2")
    assert len(edit.rows) == 1 and len(edit._undo) == 1  # nothing of the refused paste

"""Reading a whole form from the editor's text fields, and copying a form into a new year."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perftui.core import findings
from perftui.core.form_edit import (
    READING_ORDER,
    YearError,
    copy_to_year,
    field_problem,
    field_texts,
    is_changed,
    parse_draft,
    parse_year,
)
from perftui.core.model import FIELD_LABELS, Form
from perftui.core.taxonomy import GUIDELINE_2021


@pytest.fixture
def labour(seed_forms) -> Form:
    return next(f for f in seed_forms if f.name == "研究院劳务派遣人员经费")


def test_reading_order_covers_every_field_but_the_indicators():
    # An imported form's other fields and amount notes are kept as they came, not typed field by field.
    assert set(READING_ORDER) == set(FIELD_LABELS) - {"indicators", "extra_fields", "amount_notes"}
    # The paper form's funding block is read row by row: 实施期 before 年度.
    order = list(READING_ORDER)
    assert order.index("funding.period.total") < order.index("funding.annual.total")
    assert order.index("funding.annual.total") < order.index("funding.period.fiscal")


def test_unchanged_texts_give_back_the_same_form(seed_forms):
    for form in seed_forms:
        draft = parse_draft(form, field_texts(form))
        assert draft.readable
        assert draft.form == form
        assert not is_changed(form, draft.form)


def test_amounts_keep_the_precision_typed(labour):
    texts = field_texts(labour) | {"funding.annual.fiscal": "100.00"}
    draft = parse_draft(labour, texts)
    assert draft.form.annual_funding.fiscal == Decimal("100.00")
    assert draft.form.to_doc()["funding"]["annual"]["fiscal"] == "100.00"
    assert is_changed(labour, draft.form)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("９８．５", Decimal("98.5")), ("1,020", Decimal("1020")), ("１，０２０.５", Decimal("1020.5")), ("98万元", Decimal("98"))],
)
def test_full_width_and_grouped_amounts_are_read(labour, typed, expected):
    draft = parse_draft(labour, {"funding.annual.total": typed})
    assert draft.readable
    assert draft.form.annual_funding.total == expected


@pytest.mark.parametrize(
    ("typed", "words"),
    [("9a8", "数字"), ("-98", "负数"), ("98.1234567", "六位小数"), ("100000000", "过大")],
)
def test_unreadable_amounts_are_problems_not_exceptions(labour, typed, words):
    draft = parse_draft(labour, field_texts(labour) | {"funding.annual.fiscal": typed})
    assert not draft.readable
    assert words in draft.problems["funding.annual.fiscal"]
    assert draft.form.annual_funding.fiscal is None
    assert field_problem("funding.annual.fiscal", typed) == draft.problems["funding.annual.fiscal"]


@pytest.mark.parametrize(("typed", "year"), [("2024", 2024), ("２０２５", 2025), ("2026年度", 2026), (" ", None)])
def test_years_are_read_as_typed_through_an_ime(typed, year):
    assert parse_year(typed) == year


@pytest.mark.parametrize("typed", ["24", "二〇二四", "1899", "2024.5"])
def test_bad_years_are_refused_with_a_message(typed):
    with pytest.raises(YearError, match="年度"):
        parse_year(typed)
    assert field_problem("year", typed)


def test_text_fields_are_trimmed_but_goals_are_kept_as_typed(labour):
    texts = {"name": "  新项目 ", "goals.annual": "第一行\n第二行\n"}
    form = parse_draft(labour, texts).form
    assert form.name == "新项目"
    assert form.annual_goal == "第一行\n第二行\n"


def test_an_unknown_layout_keeps_the_form_layout(labour):
    assert parse_draft(labour, {"layout": "nonsense"}).form.layout == labour.layout
    assert parse_draft(labour, {"layout": GUIDELINE_2021}).form.layout == GUIDELINE_2021


def test_a_new_form_is_changed_once_anything_is_typed():
    blank = Form()
    assert not is_changed(None, parse_draft(blank, field_texts(blank)).form)
    assert is_changed(None, parse_draft(blank, {"name": "x"}).form)


def test_copy_into_a_new_year_keeps_everything_and_says_what_to_check(labour):
    copy = copy_to_year(labour, 2025)
    form = copy.form
    assert form.id != labour.id and form.revision == 0 and form.year == 2025
    assert form.indicators == labour.indicators
    assert (form.period_goal, form.annual_goal) == (labour.period_goal, labour.annual_goal)
    assert form.annual_funding == labour.annual_funding
    assert form.period_text == "2025年1月至2025年12月"
    assert any("项目实施期已由" in note for note in copy.notes)
    assert any("资金数额沿用原表" in note for note in copy.notes)
    assert not any(f.code == "period-year" for f in findings.check(form))


def test_copy_keeps_a_multi_year_period_and_notes_old_years_in_goals(labour):
    form = labour.evolve(period_text="2023年1月至2025年12月", annual_goal="完成2024年度任务")
    copy = copy_to_year(form, 2025)
    assert copy.form.period_text == "2023年1月至2025年12月"
    assert copy.form.annual_goal == "完成2024年度任务"
    assert any("未改动" in note for note in copy.notes)
    assert any("年度目标" in note and "2024" in note for note in copy.notes)


def test_copy_refuses_an_absurd_year(labour):
    with pytest.raises(YearError):
        copy_to_year(labour, 20250)


def test_a_forced_save_over_a_newer_revision_is_recorded_as_an_overwrite(db_path, seed_forms):
    from perftui.services.repository import OVERWRITTEN, SAVED, Conflict, Repository

    mine_repo, theirs_repo = Repository.open(db_path), Repository.open(db_path)
    mine_repo.import_forms(seed_forms)
    opened = mine_repo.lookup("研究院劳务派遣人员经费")[0]
    theirs_repo.save(opened.evolve(unit="他们的单位"))
    mine = opened.evolve(name="我的名称")
    with pytest.raises(Conflict):
        mine_repo.save(mine)
    saved = mine_repo.save(mine, force=True)
    assert saved.name == "我的名称" and saved.unit == opened.unit
    actions = [entry.action for entry in mine_repo.history(opened.id)]
    assert actions[-2:] == [SAVED, OVERWRITTEN]
    overwrite = mine_repo.history(opened.id)[-1]
    assert ("unit", "他们的单位", opened.unit) in overwrite.changes
    # Forcing a save that conflicts with nothing is an ordinary save.
    assert mine_repo.save(saved.evolve(name="再改"), force=True)
    assert mine_repo.history(opened.id)[-1].action == SAVED

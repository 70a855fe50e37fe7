"""The home screen's data without a screen: selection, exact totals, drafts, local changes."""

from decimal import Decimal

from perftui.core.model import Funding
from perftui.core.totals import Totals
from perftui.tui.state.catalog import Catalog, Entry, View, copy_for_year

from .helpers import INCOMPLETE

SEED_FISCAL_TOTAL = Decimal("3127.56")


def catalog_of(forms):
    return Catalog.build(forms)


def test_totals_of_the_seed_are_exact(seed_forms):
    selection = catalog_of(seed_forms).select(View())
    assert selection.totals.fiscal == SEED_FISCAL_TOTAL
    assert str(selection.totals.fiscal) == "3127.56"
    assert selection.totals.forms == 8 and selection.totals.indicators == 66
    assert selection.incomplete == ()


def test_incomplete_forms_are_counted_with_their_errors(seed_forms):
    selection = catalog_of([*seed_forms, INCOMPLETE]).select(View())
    assert [(e.form.name, e.errors) for e in selection.incomplete] == [("测试未完成项目", 3)]
    assert selection.totals.incomplete == 1
    assert selection.totals.fiscal == SEED_FISCAL_TOTAL + 10


def test_filter_matches_name_unit_and_indicator_text_and_totals_follow(seed_forms):
    catalog = catalog_of(seed_forms)
    by_name = catalog.select(View(needle="劳务派遣"))
    assert [e.form.name for e in by_name.entries] == ["研究院劳务派遣人员经费"]
    assert by_name.totals.fiscal == Decimal("98")
    assert by_name.all_forms == 8
    indicator = seed_forms[0].indicators[0].name
    assert seed_forms[0] in [e.form for e in catalog.select(View(needle=indicator)).entries]
    assert len(catalog.select(View(needle="大连高新")).entries) == 8  # 主管部门 / 实施单位


def test_full_width_filter_text_is_folded(seed_forms):
    # An IME in full-width mode types ９８ for 98; indicator values are half-width.
    value_forms = catalog_of(seed_forms).select(View(needle="≥７人")).entries
    assert value_forms and all(any("≥7人" in i.value for i in e.form.indicators) for e in value_forms)


def test_year_selects_forms_and_totals(seed_forms):
    next_year = [f.evolve(id=f"n{i}", year=2025) for i, f in enumerate(seed_forms[:2])]
    catalog = catalog_of([*next_year, *seed_forms])
    assert catalog.years() == [2025, 2024]
    selected = catalog.select(View(year=2025))
    assert selected.totals.fiscal == Decimal("98") + Decimal("41.18")
    assert catalog.select(View(year=2024)).totals.fiscal == SEED_FISCAL_TOTAL
    assert catalog.select(View()).totals.fiscal == SEED_FISCAL_TOTAL + Decimal("139.18")


def test_sort_by_every_column_and_reverse(seed_forms):
    catalog = catalog_of([*seed_forms, INCOMPLETE])
    fiscal = [e.form.annual_funding.fiscal for e in catalog.select(View(sort="fiscal")).entries]
    assert fiscal == sorted(fiscal)
    down = [e.form.annual_funding.fiscal for e in catalog.select(View(sort="fiscal", descending=True)).entries]
    assert down == sorted(fiscal, reverse=True)
    status = catalog.select(View(sort="status", descending=True)).entries
    assert status[0].form.name == INCOMPLETE.name
    counts = [len(e.form.indicators) for e in catalog.select(View(sort="indicators")).entries]
    assert counts == sorted(counts)
    for column in ("name", "year", "department", "unit"):
        assert len(catalog.select(View(sort=column)).entries) == 9
    stored = [e.form.name for e in catalog.select(View()).entries]
    assert [e.form.name for e in catalog.select(View(descending=True)).entries] == stored[::-1]


def test_a_draft_replaces_its_original_in_the_totals(seed_forms):
    catalog = catalog_of(seed_forms)
    original = seed_forms[0]  # 98.00
    draft = original.evolve(annual_funding=Funding(Decimal("100.50"), Decimal("100.50"), None))
    selection = catalog.select(View(), (original, draft))
    assert selection.draft is draft
    assert selection.totals.fiscal == SEED_FISCAL_TOTAL - 98 + Decimal("100.50")
    assert selection.totals.forms == 8
    # A new form's draft adds to the totals; a draft the filter hides does not.
    new = INCOMPLETE
    assert catalog.select(View(), (None, new)).totals.fiscal == SEED_FISCAL_TOTAL + 10
    assert catalog.select(View(needle="劳务派遣"), (None, new)).totals.fiscal == Decimal("98")


def test_rereading_reuses_the_findings_of_unchanged_forms(seed_forms):
    first = catalog_of(seed_forms)
    first.warm()
    changed = seed_forms[1].evolve(revision=seed_forms[1].revision + 1, name="改名")
    reread = seed_forms[0].evolve()  # the same stored revision, read again: an equal, new record
    second = Catalog.build([reread, changed, *seed_forms[2:]], previous=first)
    assert second.entries[0].findings is first.entries[0].findings  # not checked again
    assert second.entries[0].haystack is first.entries[0].haystack
    # ...but it holds the form just read: the old one (and the old file's texts) can go.
    assert second.entries[0].form is reread
    assert second.entries[1].form.name == "改名" and second.entries[1]._findings is None


def test_a_quick_selection_checks_no_form_and_says_so(seed_forms):
    catalog = catalog_of([*seed_forms, INCOMPLETE])
    quick = catalog.select(View(), quick=True)
    assert not quick.checked and quick.incomplete == ()
    assert quick.totals.fiscal == SEED_FISCAL_TOTAL + 10 and len(quick.entries) == 9
    assert all(entry._findings is None for entry in catalog.entries)  # nothing checked yet
    assert quick.entries[-1].errors == 3  # a row on screen checks its own form when drawn
    catalog.warm()
    full = catalog.select(View(), quick=True)
    assert full.checked and [e.form.name for e in full.incomplete] == ["测试未完成项目"]
    assert full.totals == catalog.select(View()).totals and full.totals.incomplete == 1


def test_local_changes_give_new_catalogs(seed_forms):
    catalog = catalog_of(seed_forms)
    saved = INCOMPLETE.evolve(revision=1)
    added = catalog.with_form(saved)
    assert len(added) == 9 and len(catalog) == 8
    assert added.get(saved.id).errors == 3
    deleted = added.without(saved)
    assert deleted.get(saved.id) is None and deleted.deleted == (saved,)
    restored = deleted.with_form(saved.evolve(revision=3))
    assert restored.get(saved.id).form.revision == 3 and restored.deleted == ()
    assert restored.select(View()).totals == added.select(View()).totals


def test_entry_totals_add_up_like_summary_totals(seed_forms):
    entries = [Entry.of(f) for f in seed_forms]
    total = Totals()
    for entry in entries:
        total += entry.totals
    assert total.fiscal == SEED_FISCAL_TOTAL


def test_copy_into_a_year_gets_a_new_id_and_keeps_content(seed_forms):
    catalog = catalog_of(seed_forms)
    form = seed_forms[0].evolve(revision=4, updated_at="2024-01-01T00:00:00+08:00", updated_by="alice")
    copy = copy_for_year(form, 2025, catalog, "（副本{n}）")
    assert copy.id != form.id and copy.revision == 0 and copy.year == 2025
    assert copy.indicators == form.indicators and copy.annual_goal == form.annual_goal
    assert copy.name == form.name and copy.updated_by == ""
    # The same year already holds that form: the copy is named apart.
    same_year = copy_for_year(form, 2024, catalog, "（副本{n}）")
    assert same_year.name == form.name + "（副本）"
    twice = copy_for_year(form, 2024, catalog.with_form(same_year.evolve(revision=1)), "（副本{n}）")
    assert twice.name == form.name + "（副本2）"

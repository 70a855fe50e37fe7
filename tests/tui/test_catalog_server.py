"""The app's list read from a PostgreSQL server's columns: the same entries, filter and totals as from the forms.

On a server the catalog holds no form: each entry is the server's columns
(the status counted when the form was written, the search text fetched after
the first paint), and after another operator's save only what changed is
read. These tests hold the two ways of reading to the same answers.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from perftui.core import monitoring
from perftui.core.model import Funding
from perftui.services.repository import SPEC, Repository
from perftui.services.tracking import Tracking
from perftui.tui.state.catalog import View
from perftui.tui.state.database import Database

from .helpers import INCOMPLETE

pytest.importorskip("psycopg")

NEEDLES = ("", "劳务派遣", "大连高新", "≥７人", "ＡＢＣ", "满意度", "0000000000", "（00017）", "nothing like it")
SORTS = ("", "name", "year", "department", "unit", "fiscal", "indicators", "status")


@pytest.fixture
def forms(seed_forms):
    from benchmarks.synth import synthetic_forms

    many = synthetic_forms(40)
    many[3] = many[3].evolve(annual_funding=Funding(None, None, None))  # errors
    many[4] = many[4].evolve(indicators=many[4].indicators[:1], name="ＡＢＣ全角项目")
    return [*seed_forms, INCOMPLETE.evolve(id="incomplete01"), *many]


@pytest.fixture
def both(forms, tmp_path, pg_db):
    """The same forms (ids, revisions, stamps), a deletion and a 监控 record, in a file and on the server."""
    json_db = tmp_path / "forms.json"
    repository = Repository.open(json_db)
    repository.import_forms(forms, keep_ids=True)
    repository.delete(repository.get(forms[1].id))
    Tracking(repository).save(monitoring.for_form(repository.get(forms[0].id)))
    # Moved over as `perftui db migrate` does: every document as it is.
    import storage
    from storage.migrate import copy_documents

    with storage.open_store(pg_db, SPEC) as target:
        copy_documents(storage.open_store(json_db, SPEC, read_only=True), target)
    return json_db, pg_db


def warm(db) -> Database:
    database = Database(db)
    reading = database.read()
    reading.catalog.warm()
    return database, reading.catalog


def test_entries_from_the_servers_columns_equal_entries_from_the_forms(both):
    (_, from_file), (server, from_server) = warm(both[0]), warm(both[1])
    assert server.server and all(entry.form is None for entry in from_server.entries if not entry.has_records)
    assert [e.id for e in from_server.entries] == [e.id for e in from_file.entries]  # the repository's order
    for mine, theirs in zip(from_server.entries, from_file.entries):
        assert mine.as_listed() == theirs.as_listed()  # status, amounts as written, stamps
        assert mine.totals == theirs.totals and mine.stamp == theirs.stamp
    # The server's search column is the file's search text, form for form (no entry holds it).
    snapshot = server.repository.store.read()
    searched = {ident: text for ident, _revision, text in snapshot.rows("forms", ["search"], {"deleted": False})}
    assert searched == {entry.id: entry.haystack for entry in from_file.entries}
    assert all(entry._haystack is None for entry in from_server.entries if entry.form is None)
    assert from_server.deleted == from_file.deleted and len(from_server.deleted) == 1
    assert from_server.years() == from_file.years()
    assert from_server.text_widths() == from_file.text_widths()
    assert any(e.errors for e in from_server.entries) and any(e.warnings for e in from_server.entries)


def test_the_first_screen_from_the_server_is_the_lists_first_rows_and_its_totals(both):
    """What the app paints before the whole list is read: the rows the list starts with and the totals of all of it."""
    server = Database(both[1])
    preview = server.preview(5)
    whole = Database(both[0]).read().catalog  # from the file: the same answers
    full = whole.select(View())
    assert [e.id for e in preview.selection.entries] == [e.id for e in full.entries[:5]]
    assert [e.as_listed() for e in preview.selection.entries] == [e.as_listed() for e in full.entries[:5]]
    totals = preview.selection.totals
    assert (totals.forms, totals.indicators, totals.fiscal, totals.other, totals.total) == (
        full.totals.forms, full.totals.indicators, full.totals.fiscal, full.totals.other, full.totals.total
    )
    assert preview.selection.shown == len(full.entries) > 5 and not preview.selection.checked
    assert preview.years == whole.years()
    assert Database(both[0]).preview(5) is None  # a file is read whole anyway


def test_an_empty_server_database_has_no_first_screen(pg_db):
    assert Database(pg_db).preview(5) is None


def test_filter_sort_and_totals_are_the_same_on_both_backends(both):
    (_, from_file), (_, from_server) = warm(both[0]), warm(both[1])
    for needle in NEEDLES:
        for year in (None, 2024, 2021):
            for sort in SORTS:
                view = View(year=year, needle=needle, sort=sort, descending=sort == "fiscal")
                a, b = from_server.select(view), from_file.select(view)
                assert [e.id for e in a.entries] == [e.id for e in b.entries], view
                assert (a.totals, a.all_forms, a.progress) == (b.totals, b.all_forms, b.progress), view
                assert [e.id for e in a.incomplete] == [e.id for e in b.incomplete], view
    full_width = from_server.select(View(needle="≥７人")).entries
    assert full_width and len(from_server.select(View(needle="ＡＢＣ")).entries) == 1
    assert from_server.select(View()).progress.without_monitoring == len(from_server) - 1


def test_a_filter_asks_the_server_once_per_text_and_forms_read_since_match_their_own(both, forms):
    server = Database(both[1])
    catalog = server.read().catalog
    assert catalog.warmed  # the status came with the columns: nothing to check
    asked = []
    search = catalog.search
    object.__setattr__(catalog, "search", lambda needles: asked.append(needles) or search(needles))
    view = View(needle="劳务派遣")
    assert catalog.needs_search(view)
    catalog.run_search(view)  # what the home screen does in a worker
    shown = catalog.select(view).entries
    from_file = Database(both[0]).read().catalog.select(view).entries
    assert "研究院劳务派遣人员经费" in [e.name for e in shown] and [e.id for e in shown] == [e.id for e in from_file]
    catalog.select(replace(view, sort="name"))
    catalog.select(View(year=2024, needle=" 劳务派遣 "))
    assert asked == [("劳务派遣", "劳务派遣")]  # one question for the text, whatever the year and sort
    # A form saved here since: matched on its own text, the server's old answer kept for the rest.
    outsider = next(e for e in catalog.entries if e.id not in {s.id for s in shown})
    repository = Repository.open(both[1])
    renamed = repository.save(repository.get(outsider.id).evolve(name="劳务派遣（新）"))
    after = catalog.with_form(renamed)
    assert not after.needs_search(view) and renamed.id in [e.id for e in after.select(view).entries]
    assert len(after.select(view).entries) == len(shown) + 1


def test_another_operators_save_reads_only_what_changed(both, forms, monkeypatch):
    server = Database(both[1])
    first = server.read().catalog
    first.warm()
    other = Repository.open(both[1])
    target = other.get(forms[5].id)
    other.save(target.evolve(name="别人改的名字", annual_funding=Funding(Decimal("1.25"), Decimal("1.25"))))
    other.delete(other.get(forms[6].id))
    new = other.save(INCOMPLETE.evolve(id="othersnew001", revision=0, name="别人新建的表", year=2099))

    def everything(*args, **kwargs):
        raise AssertionError("every form's columns were read again")

    monkeypatch.setattr(Database, "_read_all", everything)
    assert server.changed()
    second = server.read(first).catalog
    assert second.get(target.id).name == "别人改的名字" and second.get(target.id).fiscal == Decimal("1.25")
    assert second.get(forms[6].id) is None and forms[6].id in [f.id for f in second.deleted]
    assert second.entries[0].id == new.id and second.entries[0].errors == 3  # newest year first
    assert second.get(target.id).haystack.startswith(target.id)  # its search text came with it
    unchanged = [e for e in second.entries if e.id not in (target.id, new.id)]
    assert all(e is first.get(e.id) for e in unchanged)  # nothing else was made again
    assert second.warmed
    monkeypatch.undo()
    again = Database(both[1]).read().catalog
    again.warm()
    assert [e.as_listed() for e in again.entries] == [e.as_listed() for e in second.entries]
    assert again.deleted == second.deleted
    assert second.select(View()).totals == again.select(View()).totals


def test_stored_status_counts_of_older_rules_are_refused_until_upgrade_counts_again(pg_url, forms):
    """A database whose error counts came from an older rule set never shows them: upgrade counts again."""
    import dataclasses

    import storage
    from perftui.core import findings
    from storage.postgres import init_database, upgrade_database

    def spec_with(rule: storage.Computed, version: int) -> storage.StoreSpec:
        def swapped(column):
            return dataclasses.replace(column, computed=rule) if column.name == "errors" else column

        tables = tuple(dataclasses.replace(t, columns=tuple(swapped(c) for c in t.columns)) for t in SPEC.tables)
        return storage.StoreSpec(SPEC.app, tables, version=version)

    today = SPEC.all_columns()["errors"].computed
    old_spec = spec_with(storage.Computed(today.name, today.version, lambda doc: 99), SPEC.version)  # rules of old
    new_spec = spec_with(storage.Computed(today.name, today.version + 1, today.function), SPEC.version + 1)
    init_database(pg_url, old_spec)
    with storage.open_store(pg_url, old_spec) as store, store.transaction() as tx:
        for form in forms[:12]:
            tx.insert("forms", form.to_doc(), revision=1)
    with pytest.raises(storage.NeedsUpgradeError):
        storage.open_store(pg_url, new_spec).read()  # never the old counts under the new rules
    done = upgrade_database(pg_url, new_spec)
    assert done.added == ["errors"]
    with storage.open_store(pg_url, new_spec) as store:
        counted = {ident: errors for ident, _revision, errors in store.read().rows("forms", ["errors"])}
    assert counted == {f.id: findings.counts(findings.check(f))[0] for f in forms[:12]}
    assert 99 not in counted.values() and any(counted.values())


def test_a_form_changed_in_place_and_a_new_record_make_only_their_entries_again(both, forms, monkeypatch):
    server = Database(both[1])
    first = server.read().catalog
    first.warm()
    other = Repository.open(both[1])
    target = other.get(forms[5].id)
    other.save(target.evolve(annual_funding=Funding(Decimal("2.50"), Decimal("2.50"))))
    Tracking(other).save(monitoring.for_form(other.get(forms[9].id)))

    def everything(*args, **kwargs):
        raise AssertionError("every form's columns were read again")

    monkeypatch.setattr(Database, "_read_all", everything)
    second = server.read(first).catalog
    assert second.token != first.token and second.get(target.id).fiscal == Decimal("2.50")
    tracked = second.get(forms[9].id)
    assert tracked.monitoring is not None and tracked.form is not None  # scoring needs the form: read with it
    assert all(e is first.get(e.id) for e in second.entries if e.id not in (target.id, forms[9].id))
    assert second.warmed and second.text_widths() == first.text_widths()
    monkeypatch.undo()
    assert server.read(second).catalog is second  # nothing changed since: the same catalog
    again = Database(both[1]).read().catalog
    again.warm()
    assert [e.as_listed() for e in again.entries] == [e.as_listed() for e in second.entries]
    for view in (View(), View(year=2024), View(needle="满意度")):
        assert (second.select(view).totals, second.select(view).progress) == (again.select(view).totals, again.select(view).progress)


def test_the_first_paint_has_the_status_and_leaves_measuring_every_name_to_the_worker(both, monkeypatch):
    from perftui.tui.state.catalog import Catalog

    monkeypatch.setattr(Catalog, "SAMPLE", 5)  # the list is "long": more entries than the sample
    catalog = Database(both[1]).read().catalog
    from_file = Database(both[0]).read().catalog
    from_file.warm()
    assert not catalog.warmed
    first = catalog.select(View(), quick=True)  # what the first paint asks for, on the UI thread
    assert first.checked and [e.id for e in first.incomplete] == [e.id for e in from_file.select(View()).incomplete]
    assert first.totals == from_file.select(View()).totals
    catalog.text_widths()
    assert "widths" not in catalog._selections  # a sample, not fifty thousand names measured there
    catalog.warm()  # the reading worker, after the paint
    assert catalog.warmed and catalog.text_widths() == from_file.text_widths()

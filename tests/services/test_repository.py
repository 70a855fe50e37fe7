"""Forms in a shared store: revisions, conflicts, deletion, history, imports.

Every test runs on a JSON file and on a PostgreSQL database (``db_location``).
"""

import os
import subprocess
import sys
from decimal import Decimal

import pytest

from perftui.config import Actor
from perftui.core.model import Funding
from perftui.services.repository import Conflict, Repository


@pytest.fixture
def repo(db_location, seed_forms):
    repository = Repository.open(db_location)
    repository.actor = Actor("alice", "10.0.0.5")
    repository.import_forms(seed_forms)
    return repository


def test_import_gives_forms_their_own_ids_and_revision_1(repo):
    forms = repo.forms()
    assert len(forms) == 8 and len({f.id for f in forms}) == 8
    assert {f.revision for f in forms} == {1}
    assert all(f.updated_by == "alice@10.0.0.5" for f in forms)


def test_save_bumps_the_revision_and_keeps_precision(repo):
    form = repo.lookup("劳务派遣")[0]
    saved = repo.save(form.evolve(annual_funding=Funding(Decimal("100.00"), Decimal("100.00"))))
    assert saved.revision == 2
    fresh = Repository.open(repo.path).get(form.id)
    assert str(fresh.annual_funding.fiscal) == "100.00" and fresh.revision == 2


def test_a_stale_save_is_refused_with_their_version(db_location, repo):
    mine = repo.lookup("劳务派遣")[0]
    other = Repository.open(db_location)
    other.actor = Actor("bob")
    theirs = other.save(other.get(mine.id).evolve(name="研究院劳务派遣人员经费（修订）"))
    with pytest.raises(Conflict) as caught:
        repo.save(mine.evolve(annual_goal="我的修改"))
    assert caught.value.theirs.name == "研究院劳务派遣人员经费（修订）"
    assert caught.value.theirs.revision == theirs.revision == 2
    assert Repository.open(db_location).get(mine.id).annual_goal != "我的修改"
    # The operator confirmed "keep mine": overwrite on purpose, recorded in the history.
    forced = repo.save(mine.evolve(annual_goal="我的修改"), force=True)
    assert forced.revision == 3 and forced.annual_goal == "我的修改"


def test_delete_and_restore(repo):
    form = repo.lookup("劳务派遣")[0]
    repo.delete(form)
    assert form.id not in {f.id for f in repo.forms()}
    assert [f.id for f in repo.deleted_forms()] == [form.id]
    restored = repo.restore(form.id)
    assert restored.revision == 3 and form.id in {f.id for f in repo.forms()}
    assert repo.deleted_forms() == []


def test_deleting_a_form_changed_meanwhile_is_refused(db_location, repo):
    form = repo.lookup("劳务派遣")[0]
    other = Repository.open(db_location)
    other.save(other.get(form.id).evolve(annual_goal="改过"))
    with pytest.raises(Conflict):
        repo.delete(form)


def test_history_records_who_changed_what(repo):
    form = repo.lookup("劳务派遣")[0]
    repo.save(form.evolve(annual_funding=Funding(Decimal("100"), Decimal("100"))))
    entries = repo.history(form.id)
    assert [e.action for e in entries] == ["import", "save"]
    save = entries[-1]
    assert (save.by, save.client, save.revision) == ("alice", "10.0.0.5", 2)
    assert ("funding.annual.fiscal", "98", "100") in save.changes
    assert ("funding.annual.total", "98", "100") in save.changes
    assert len(save.changes) == 2


def test_reimport_of_a_deleted_form_brings_it_back(repo, seed_forms):
    form = repo.lookup("劳务派遣")[0]
    repo.delete(form)
    report = repo.import_forms(seed_forms)
    assert (len(report.added), len(report.updated), len(report.unchanged)) == (0, 1, 7)
    assert len(repo.forms()) == 8


def test_read_only_repository_refuses_changes(db_location, repo):
    import storage

    reader = Repository.open(db_location, read_only=True)
    assert len(reader.forms()) == 8
    with pytest.raises(storage.StorageError):
        reader.save(reader.forms()[0].evolve(name="x"))


def test_another_process_write_is_seen_without_reopening(db_location, repo):
    repo.forms()
    assert not repo.changed()
    other = Repository.open(db_location)
    other.save(other.forms()[0].evolve(annual_goal="新的"))
    assert repo.changed()
    assert "新的" in {f.annual_goal for f in repo.forms()}


def test_eight_processes_importing_at_once_lose_nothing(tmp_path, seed_text, db_location):
    """Eight real `perftui import` processes, started together, each with one form."""
    db = db_location
    chunks = [c for c in seed_text.split("# 本级预算项目绩效目标表") if "项目名称" in c]
    assert len(chunks) == 8
    files = []
    for number, chunk in enumerate(chunks):
        path = tmp_path / f"form{number}.txt"
        path.write_text("# 本级预算项目绩效目标表" + chunk, encoding="utf-8")
        files.append(path)
    go = tmp_path / "go"
    starter = (
        "import os, sys, time\n"
        "while not os.path.exists(sys.argv[1]): time.sleep(0.001)\n"
        "from perftui.cli import main\n"
        "sys.exit(main(sys.argv[2:]))\n"
    )
    env = os.environ | {"PYTHONPATH": os.getcwd()}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", starter, str(go), "--db", str(db), "import", str(path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for path in files
    ]
    go.touch()
    results = [proc.communicate(timeout=60) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 8, results
    repository = Repository.open(db)
    assert len(repository.forms()) == 8
    assert sum(len(f.indicators) for f in repository.forms()) == 66
    assert len(repository.history()) == 8


def test_funded_rows_agree_with_the_forms(repo):
    from perftui.core.totals import Funded, Totals, group_totals

    # A file gives a row per form; a server sums each year and unit itself.
    rows = repo.funded()
    by_unit = lambda row: (row.year, row.department, row.unit)  # noqa: E731
    per_form = [Funded.of(form) for form in repo.forms()]
    assert list(group_totals(rows, by_unit).items()) == list(group_totals(per_form, by_unit).items())
    assert Totals.sum(row.totals for row in rows) == Totals.sum(row.totals for row in per_form)
    assert Totals.sum(row.totals for row in rows).fiscal == Decimal("3127.56")
    assert Totals.sum(row.totals for row in rows).forms == 8
    assert repo.funded(2023) == []
    repo.delete(repo.lookup("劳务派遣")[0])
    assert Totals.sum(row.totals for row in repo.funded(2024)).forms == 7


def test_an_import_matches_forms_by_year_name_and_unit(repo, seed_forms):
    form = seed_forms[0]
    stored = repo.lookup(form.name)[0]
    respaced = form.evolve(name=f"  {form.name} ", unit=f"{form.unit}  ", annual_goal="新的年度目标")
    renamed = form.evolve(name=form.name + "（二期）")
    report = repo.import_forms([respaced, renamed])
    assert [(f.id, f.revision, f.annual_goal) for f in report.updated] == [(stored.id, 2, "新的年度目标")]
    assert [f.name for f in report.added] == [renamed.name]
    assert len(repo.forms()) == 9


def test_history_of_one_form_and_its_versions(repo):
    form = repo.lookup("劳务派遣")[0]
    saved = repo.save(form.evolve(annual_goal="第二版"))
    repo.save(saved.evolve(annual_goal="第三版"))
    assert [e.revision for e in repo.history(form.id)] == [1, 2, 3]
    assert len(repo.history()) == 10
    assert repo.version_at(form.id, 2).annual_goal == "第二版"
    reverted = repo.revert(repo.get(form.id), 1)
    assert reverted.annual_goal == form.annual_goal and reverted.revision == 4


def test_after_another_save_the_unchanged_forms_are_not_built_again(db_location, repo):
    # Another operator saved one form: the others are the very records read
    # before (a shared file parses and builds only the changed form).
    before = {form.id: form for form in repo.forms()}
    other = Repository.open(db_location)
    changed = other.save(other.forms()[0].evolve(annual_goal="新的"))
    after = {form.id: form for form in repo.forms()}
    assert after[changed.id].annual_goal == "新的" and after[changed.id] is not before[changed.id]
    assert all(after[ident] is before[ident] for ident in before if ident != changed.id)


def test_listing_describes_each_stored_version_once_and_keeps_no_form(tmp_path, seed_forms, monkeypatch):
    # A long session on a file (the app) lists from Listed records and search texts: each
    # stored version of a form is read and described once; after another operator's
    # save only the form they changed is read again.
    from perftui.core.listing import listed

    path = tmp_path / "forms.json"
    Repository.open(path).import_forms(seed_forms)
    repo = Repository.open(path)
    repo.keep_records_only()
    forms = Repository.open(path).forms()
    built: list[str] = []
    real = Repository._form
    monkeypatch.setattr(Repository, "_form", lambda self, doc: built.append(doc["id"]) or real(self, doc))
    first = repo.listing()
    assert first.live == [listed(form) for form in forms]
    assert len(built) == len(forms) and repo._cache == ([], [])  # described, not kept
    other = Repository.open(path)
    changed = other.save(forms[2].evolve(annual_goal="新的"))
    built.clear()
    again = repo.listing()
    assert built == [changed.id]
    assert [row.revision for row in again.live if row.id == changed.id] == [2]
    assert repo.listing() is again  # nothing changed since: nothing read

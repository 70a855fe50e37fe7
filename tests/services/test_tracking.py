"""监控 and 自评 records in a shared store: revisions, conflicts (across processes too), history."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

import storage
from perftui.config import Actor
from perftui.core import evaluation, monitoring
from perftui.core.execution import Spending
from perftui.services.repository import Conflict, Repository
from perftui.services.tracking import FormGone, RecordConflict, Tracking

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def repo(db_location, seed_forms):
    """On each backend: a JSON file, and a PostgreSQL database when a server is at hand."""
    repository = Repository.open(db_location)
    repository.actor = Actor("alice", "10.0.0.5")
    repository.import_forms(seed_forms)
    return repository


@pytest.fixture
def labour(repo):
    return repo.lookup("劳务派遣")[0]


def other_session(db_path, user="bob"):
    repository = Repository.open(db_path)
    repository.actor = Actor(user)
    return Tracking(repository)


def test_a_new_evaluation_is_stored_with_revision_1_and_its_history(db_location, repo, labour):
    tracking = Tracking(repo)
    record = evaluation.for_form(labour)
    record = record.evolve(execution=record.execution.with_row("total", Spending(D("98.00"), D("98.00"), D("95.0000"))))
    saved = tracking.save(record)
    assert saved.revision == 1 and saved.updated_by == "alice@10.0.0.5"
    fresh = Tracking(Repository.open(db_location)).evaluation(labour)
    assert fresh == saved
    assert fresh.execution.total.spent.as_tuple() == D("95.0000").as_tuple()  # precision as written
    (entry,) = tracking.history(saved)
    assert entry.action == "create" and entry.form_name == "研究院劳务派遣人员经费（自评）" and entry.revision == 1
    assert ("funding.total", {"initial": "", "budget": "", "spent": ""}, {"initial": "98.00", "budget": "98.00", "spent": "95.0000"}) in entry.changes
    # The form's own history is the form's alone.
    assert [e.action for e in repo.history(labour.id)] == ["import"]


def test_a_change_is_recorded_field_by_field(repo, labour):
    tracking = Tracking(repo)
    saved = tracking.save(monitoring.for_form(labour))
    rows = list(saved.rows)
    rows[2] = rows[2].evolve(progress="85%", likelihood="有可能")
    again = tracking.save(saved.evolve(rows=tuple(rows), goal_progress="推进中"))
    assert again.revision == 2
    last = tracking.history(again)[-1]
    assert last.action == "save" and [key for key, *_ in last.changes] == ["goal_progress", "rows[3]"]


def test_a_stale_save_is_refused_with_theirs_and_can_be_forced(db_location, repo, labour):
    mine = Tracking(repo).save(evaluation.for_form(labour))
    bob = other_session(db_location)
    theirs = bob.save(bob.evaluation(labour).evolve(notes="bob 的说明"))
    with pytest.raises(RecordConflict) as caught:
        Tracking(repo).save(mine.evolve(notes="我的说明"))
    assert isinstance(caught.value, Conflict)  # handled wherever a form's conflict is
    assert caught.value.theirs == theirs and caught.value.theirs.updated_by == "bob"
    assert "研究院劳务派遣人员经费" in str(caught.value) and "自评" in str(caught.value)
    assert Tracking(Repository.open(db_location)).evaluation(labour).notes == "bob 的说明"
    forced = Tracking(repo).save(mine.evolve(notes="我的说明"), force=True)
    assert forced.revision == 3 and forced.notes == "我的说明"
    assert Tracking(repo).history(forced)[-1].action == "overwrite"


def test_two_new_records_for_one_form_are_one_record(db_location, repo, labour):
    """Both sessions open a form without a 监控 and save a new one: the second is told."""
    mine = monitoring.for_form(labour).evolve(goal_progress="我的")
    bob = other_session(db_location)
    bob.save(monitoring.for_form(labour).evolve(goal_progress="bob 的"))
    with pytest.raises(RecordConflict) as caught:
        Tracking(repo).save(mine)
    assert caught.value.theirs.goal_progress == "bob 的"
    kept = Tracking(repo).save(mine, force=True)
    assert kept.goal_progress == "我的" and kept.revision == 2
    assert len(Repository.open(db_location).store.read().documents("monitoring")) == 1


def test_a_stale_save_from_another_process_is_refused(db_location, repo, labour):
    """A real second process saves first; the save based on the older revision is refused."""
    mine = Tracking(repo).save(evaluation.for_form(labour))
    child = """
import sys
from perftui.config import Actor
from perftui.services.repository import Repository
from perftui.services.tracking import Tracking
repo = Repository.open(sys.argv[1]); repo.actor = Actor("carol")
tracking = Tracking(repo)
form = repo.get(sys.argv[2])
saved = tracking.save(tracking.evaluation(form).evolve(notes="carol"))
print(saved.revision)
"""
    result = subprocess.run(
        [sys.executable, "-c", child, str(db_location), labour.id], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "2"
    with pytest.raises(RecordConflict) as caught:
        Tracking(repo).save(mine.evolve(notes="mine"))
    assert caught.value.theirs.updated_by == "carol"


def test_records_of_deleted_forms_are_kept_but_not_listed(repo, labour):
    tracking = Tracking(repo)
    record = tracking.save(monitoring.for_form(labour))
    assert set(tracking.monitorings()) == {labour.id}
    repo.delete(labour)
    assert tracking.monitorings() == {}
    with pytest.raises(FormGone):
        tracking.save(record.evolve(goal_progress="x"))
    repo.restore(labour.id)
    assert tracking.monitorings()[labour.id] == record


def test_lists_by_year(repo, labour, seed_forms):
    tracking = Tracking(repo)
    tracking.save(evaluation.for_form(labour))
    assert set(tracking.evaluations(2024)) == {labour.id}
    assert tracking.evaluations(2023) == {}
    assert tracking.monitorings(2024) == {}


def test_a_damaged_record_is_a_damaged_file(db_path, seed_forms):
    repo = Repository.open(db_path)
    repo.import_forms(seed_forms)
    labour = repo.lookup("劳务派遣")[0]
    Tracking(repo).save(evaluation.for_form(labour))
    data = json.loads(db_path.read_text(encoding="utf-8"))
    (doc,) = data["evaluations"].values()
    doc["rows"] = "nonsense"
    db_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(storage.DamagedFileError) as caught:
        Tracking(Repository.open(db_path)).evaluations()
    assert "evaluations" in str(caught.value)


def test_the_tables_are_revisioned(db_path, seed_forms):
    repo = Repository.open(db_path)
    repo.import_forms(seed_forms)
    labour = repo.lookup("劳务派遣")[0]
    Tracking(repo).save(monitoring.for_form(labour))
    data = json.loads(db_path.read_text(encoding="utf-8"))
    (doc,) = data["monitoring"].values()
    del doc["revision"]
    db_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(storage.DamagedFileError):
        Repository.open(db_path).forms()


def test_import_replaces_the_stored_record(repo, labour):
    tracking = Tracking(repo)
    record = evaluation.for_form(labour).evolve(notes="首次")
    ((state, added),) = tracking.import_records([(labour, record)])
    assert state == "added" and added.revision == 1
    ((state, same),) = tracking.import_records([(labour, record.evolve(id="elsewhere"))])
    assert state == "unchanged" and same == added
    ((state, updated),) = tracking.import_records([(labour, record.evolve(notes="再次"))])
    assert state == "updated" and updated.revision == 2 and updated.id == added.id
    assert [e.action for e in tracking.history(updated)] == ["import", "import"]


def test_a_forms_history_holds_its_records_in_the_order_they_were_changed(repo, labour):
    tracking = Tracking(repo)
    monitored = tracking.save(monitoring.for_form(labour))
    repo.save(labour.evolve(unit="新单位"))
    evaluated = tracking.save(evaluation.for_form(repo.get(labour.id)))
    tracking.save(monitored.evolve(goal_progress="推进中"))
    other = next(form for form in repo.forms() if form.id != labour.id)
    tracking.save(monitoring.for_form(other))  # another form's record: not this form's history
    entries = tracking.form_history(labour)
    assert [(e.form_id, e.action) for e in entries] == [
        (labour.id, "import"),
        (monitored.id, "create"),
        (labour.id, "save"),
        (evaluated.id, "create"),
        (monitored.id, "save"),
    ]
    assert [entries[n].form_name for n in (1, 3)] == ["研究院劳务派遣人员经费（监控）", "研究院劳务派遣人员经费（自评）"]
    assert tracking.form_history(other)[-1].form_name.endswith("（监控）")
    assert [e.action for e in repo.history(labour.id)] == ["import", "save"]  # the form's own, as before

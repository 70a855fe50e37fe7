"""Every change is recorded (who, when, from where, what from what to what) and can be undone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perftui.core import history
from perftui.config import Actor, current_actor
from perftui.core.history import HistoryError, replay
from perftui.core.model import Form, Funding, Indicator
from perftui.services.repository import COPIED, Conflict, Repository, _content
from perftui.text.width import width
from perftui.text import history_lines
from tests.trust.conftest import run_cli


def _repo(path, user="alice", client="10.0.0.5"):
    repository = Repository.open(path)
    repository.actor = Actor(user, client)
    return repository


def _assert_history_agrees(repository: Repository) -> int:
    """Replaying each form's history from nothing gives the stored form, revision by revision."""
    checked = 0
    entries = repository.history()
    for form in repository.forms() + repository.deleted_forms():
        own = [e for e in entries if e.form_id == form.id]
        assert [e.revision for e in own] == list(range(1, form.revision + 1)), form.name
        versions = replay(form, own)
        assert _content(versions[-1]) == _content(form)
        for revision, version in enumerate(versions, start=1):
            assert _content(repository.version_at(form.id, revision)) == _content(version)
            checked += 1
    return checked


def test_the_actor_is_the_os_user_and_over_ssh_the_client_address(monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "192.168.7.21 52100 10.0.0.1 22")
    actor = current_actor()
    assert actor.client == "192.168.7.21" and actor.user
    monkeypatch.delenv("SSH_CONNECTION")
    assert current_actor().client == ""


def test_every_kind_of_change_is_recorded_with_who_when_and_what(db_path, seed_forms, seed_text, tmp_path):
    alice = _repo(db_path)
    alice.import_forms(seed_forms)
    form = alice.lookup("劳务派遣")[0]
    bob = _repo(db_path, "bob", "")
    saved = bob.save(form.evolve(annual_funding=Funding(Decimal("100.00"), Decimal("100.00"))))
    copy = bob.save(Form(year=2025, name="研究院劳务派遣人员经费（2025）", unit=form.unit), action=COPIED)
    bob.delete(saved)
    bob.restore(saved.id)
    reverted = bob.revert(bob.get(saved.id), 1)
    changed = seed_text.replace("98\t年度金额\t98", "98\t年度金额\t90")
    alice.import_forms(__import__("perftui.importing.text", fromlist=["parse_text"]).parse_text(changed))

    entries = alice.history(form.id)
    assert [e.action for e in entries] == ["import", "save", "delete", "restore", "revert", "import"]
    assert [e.revision for e in entries] == [1, 2, 3, 4, 5, 6]
    assert [e.who for e in entries] == ["alice@10.0.0.5", "bob", "bob", "bob", "bob", "alice@10.0.0.5"]
    assert all(e.at[:4].isdigit() and "T" in e.at for e in entries)
    assert ("funding.annual.fiscal", "98", "100.00") in entries[1].changes
    assert ("funding.annual.fiscal", "100.00", "98") in entries[4].changes
    assert entries[5].changes == (("funding.annual.total", "98", "90"),)
    assert reverted.annual_funding.fiscal == Decimal("98") and str(reverted.annual_funding.fiscal) == "98"
    (copied,) = [e for e in alice.history() if e.form_id == copy.id]
    # A creation records no fields (the first version is derived from the current one)...
    assert copied.action == "copy" and copied.changes == ()
    # ...and what it created is still there to see.
    assert alice.version_at(copy.id, 1).name == "研究院劳务派遣人员经费（2025）"
    assert _assert_history_agrees(alice) > 0


def test_indicator_rows_are_recorded_row_by_row_and_undone(seeded_db):
    repository = _repo(seeded_db)
    form = repository.lookup("劳务派遣")[0]
    rows = form.indicators
    edited = rows[:2] + (Indicator(rows[2].level1, rows[2].level2, rows[2].name, "≥99%"),) + rows[3:-1]
    saved = repository.save(form.evolve(indicators=edited))
    (entry,) = repository.history(form.id)[1:]
    keys = [key for key, _old, _new in entry.changes]
    assert keys == ["indicators[3]", f"indicators[{len(rows)}]"]
    assert entry.changes[1][2] is None  # the last row went away
    grown = repository.save(saved.evolve(indicators=edited + (Indicator("产出指标", "数量指标", "新增", "≥1个"),) * 3))
    assert len(grown.indicators) == len(rows) + 2
    assert repository.version_at(form.id, 1).indicators == rows
    assert repository.version_at(form.id, 2).indicators == edited
    _assert_history_agrees(repository)


def test_delete_records_the_stored_form_not_unsaved_edits(seeded_db):
    repository = _repo(seeded_db)
    form = repository.lookup("劳务派遣")[0]
    deleted = repository.delete(form.evolve(name="没保存的改名"))
    assert deleted.name == form.name
    assert repository.deleted_forms()[0].name == form.name
    _assert_history_agrees(repository)


def test_version_at_rebuilds_each_revision_and_refuses_unknown_ones(seeded_db):
    repository = _repo(seeded_db)
    form = repository.lookup("劳务派遣")[0]
    second = repository.save(form.evolve(annual_goal="第二版"))
    repository.save(second.evolve(annual_goal="第三版", name="改名"))
    assert repository.version_at(form.id, 1).annual_goal == form.annual_goal
    two = repository.version_at(form.id, 2)
    assert (two.annual_goal, two.name, two.revision) == ("第二版", form.name, 2)
    assert two.updated_by == "alice@10.0.0.5"
    with pytest.raises(HistoryError, match="没有修订 4"):
        repository.version_at(form.id, 4)
    with pytest.raises(HistoryError):
        repository.version_at(form.id, 0)
    with pytest.raises(HistoryError, match="没有编号"):
        repository.version_at("000000000000", 1)


def test_revert_is_a_new_recorded_change_refused_when_stale(seeded_db):
    alice, bob = _repo(seeded_db), _repo(seeded_db, "bob")
    form = alice.lookup("劳务派遣")[0]
    second = alice.save(form.evolve(annual_goal="错误的修改"))
    bob.save(bob.get(form.id).evolve(period_goal="bob 的修改"))
    with pytest.raises(Conflict) as caught:
        alice.revert(second, 1)  # alice looks at revision 2; bob made revision 3
    assert caught.value.theirs.revision == 3
    current = alice.get(form.id)
    reverted = alice.revert(current, 1)
    assert reverted.revision == 4 and reverted.annual_goal == form.annual_goal
    assert reverted.period_goal == form.period_goal  # revision 1 as a whole
    last = alice.history(form.id)[-1]
    assert (last.action, last.revision, last.who) == ("revert", 4, "alice@10.0.0.5")
    _assert_history_agrees(alice)


def test_revert_of_a_deleted_form_is_refused(seeded_db):
    repository = _repo(seeded_db)
    form = repository.lookup("劳务派遣")[0]
    deleted = repository.delete(form)
    with pytest.raises(Conflict):
        repository.revert(deleted, 1)


def test_a_history_gap_is_reported_not_guessed(seeded_db):
    repository = _repo(seeded_db)
    form = repository.lookup("劳务派遣")[0]
    saved = repository.save(form.evolve(annual_goal="x"))
    entries = [e for e in repository.history(form.id) if e.revision != 2]
    with pytest.raises(HistoryError, match="修订 2"):
        history.reconstruct(saved, entries, 1)


def test_describe_entry_aligns_labels_by_display_width_and_keeps_amounts_as_stored(seeded_db):
    repository = _repo(seeded_db)
    form = repository.lookup("劳务派遣")[0]
    repository.save(form.evolve(year=2025, annual_funding=Funding(Decimal("100.00"), Decimal("100.00"))))
    entry = repository.history(form.id)[-1]
    lines = history_lines.describe_entry(entry)
    assert lines[0].split()[2:] == ["alice@10.0.0.5", "保存", form.name, "修订", "2"]
    changes = lines[1:]
    assert changes == [
        "  年度          2024 → 2025",
        "  年度金额      98 → 100.00",
        "  年度财政拨款  98 → 100.00",
    ]
    # the old values start in one terminal column although the labels differ in characters
    assert len({width(line.rsplit("  ", 1)[0]) for line in changes}) == 1


def test_a_creation_is_one_line_unless_full(seeded_db):
    repository = _repo(seeded_db)
    entry = repository.history()[0]
    first = repository.version_at(entry.form_id, 1)
    assert history_lines.change_lines(entry) == ["  新表"]
    assert history_lines.change_lines(entry, created=first) == ["  新表：11 个栏目，6 条指标"]
    full = history_lines.change_lines(entry, full=True, created=first)
    labels = [line for line in full if line.startswith("  ") and not line.startswith("   ")]
    assert len(labels) == 11 + 6 and any("年度财政拨款" in line and "（空） → 98" in line for line in full)


def test_cli_history_of_one_form_and_of_all(capsys, seeded_db):
    repository = _repo(seeded_db, "bob")
    form = repository.lookup("劳务派遣")[0]
    repository.save(form.evolve(annual_funding=Funding(Decimal("100"), Decimal("100.00"))))
    code, out, err = run_cli(capsys, "--db", seeded_db, "history", "劳务派遣")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"{form.name}  [{form.id}, 修订 2]"
    assert "导入" in lines[1] and "alice@10.0.0.5" in lines[1]
    assert "  年度财政拨款  98 → 100.00" in lines
    # the header columns line up across entries, measured in terminal columns
    headers = [line for line in lines[1:] if not line.startswith(" ")]
    assert len({width(h[: h.index(form.name)]) for h in headers}) == 1
    code, out, _ = run_cli(capsys, "--db", seeded_db, "history")
    assert out.count("导入") == 8 and out.count("保存") == 1
    code, out, _ = run_cli(capsys, "--db", seeded_db, "history", "--limit", "1")
    assert out.splitlines()[0].split()[3] == "保存"
    code, out, _ = run_cli(capsys, "--db", seeded_db, "history", form.id, "--show", "1")
    assert "98.00" in out and "100.00" not in out


def test_cli_history_of_an_unknown_revision_is_one_line(capsys, seeded_db):
    code, out, err = run_cli(capsys, "--db", seeded_db, "history", "劳务派遣", "--show", "9")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "修订 9" in err


def test_cli_revert_asks_and_can_be_cancelled(capsys, monkeypatch, seeded_db):
    repository = _repo(seeded_db)
    form = repository.lookup("劳务派遣")[0]
    repository.save(form.evolve(annual_goal="错误的修改"))
    before = seeded_db.read_bytes()
    code, out, err = run_cli(capsys, "--db", seeded_db, "revert", "劳务派遣", "1", stdin="n\n", monkeypatch=monkeypatch)
    assert code == 1 and "已取消" in err and seeded_db.read_bytes() == before
    assert "年度目标" in out and "错误的修改" in out  # shows what would change before asking
    code, out, err = run_cli(capsys, "--db", seeded_db, "revert", "劳务派遣", "1", stdin="", monkeypatch=monkeypatch)
    assert code == 1 and seeded_db.read_bytes() == before  # no answer is no
    code, out, err = run_cli(capsys, "--db", seeded_db, "revert", "劳务派遣", "1", stdin="y\n", monkeypatch=monkeypatch)
    assert code == 0 and "修订 3" in out
    code, out, err = run_cli(capsys, "--db", seeded_db, "revert", "劳务派遣", "2", "--yes")
    assert code == 0 and Repository.open(seeded_db).get(form.id).annual_goal == "错误的修改"
    assert [e.action for e in Repository.open(seeded_db).history(form.id)] == ["import", "save", "revert", "revert"]


def test_cli_deleted_and_undelete(capsys, seeded_db):
    repository = _repo(seeded_db)
    form = repository.lookup("劳务派遣")[0]
    code, out, _ = run_cli(capsys, "--db", seeded_db, "deleted")
    assert "没有已删除的表" in out
    repository.delete(form)
    code, out, _ = run_cli(capsys, "--db", seeded_db, "deleted")
    assert form.name in out and form.id in out and "alice@10.0.0.5" in out
    code, out, err = run_cli(capsys, "--db", seeded_db, "undelete", "不存在")
    assert code == 1 and "已删除" in err
    code, out, err = run_cli(capsys, "--db", seeded_db, "undelete", "劳务派遣")
    assert code == 0 and form.name in out
    assert form.id in {f.id for f in Repository.open(seeded_db).forms()}
    assert Repository.open(seeded_db).history(form.id)[-1].action == "restore"


def test_importing_the_same_parsed_forms_under_new_names_gives_new_ids(db_path, seed_forms):
    """Parsed forms carry placeholder ids; a second batch built from them must not collide."""
    repository = _repo(db_path)
    repository.import_forms(seed_forms)
    renamed = [form.evolve(name=form.name + "（二）") for form in seed_forms]
    report = repository.import_forms(renamed)
    assert len(report.added) == 8 and len(repository.forms()) == 16
    assert len({f.id for f in repository.forms()}) == 16
    _assert_history_agrees(repository)

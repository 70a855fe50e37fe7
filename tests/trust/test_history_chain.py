"""Who is who, and a history that shows it was edited: `perftui verify`.

Forged names (``LOGNAME=alice`` by bob), a 年度金额 edited by hand to 9,000,
an entry's ``by`` changed, an entry removed: each is named by ``verify``
(form and entry), and ``history --show 1`` no longer presents a hand edit as
the original. A database written before the hashes is checked from where
they start, without a false alarm.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from perftui.config import Actor, current_actor
from perftui.core.history_chain import verify
from perftui.core.model import Form, Funding, Indicator
from perftui.services.repository import COPIED, Repository
from tests.trust.conftest import ROOT, run_cli


def _repo(path, user="alice", client="10.0.0.5"):
    repository = Repository.open(path)
    repository.actor = Actor(user, client)
    return repository


def _edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _form_doc(data, part):
    return next(doc for doc in data["forms"].values() if part in doc["name"])


def _entries(data, part=None):
    return [e for e in data["history"].values() if part is None or part in e.get("form_name", "")]


@pytest.fixture
def busy_db(db_path, seed_forms, seed_text):
    """The seed forms, then every kind of change: saves, a copy, a delete, an undelete, a revert, a re-import."""
    from perftui.importing.text import parse_text

    alice = _repo(db_path)
    alice.import_forms(seed_forms)
    form = alice.lookup("劳务派遣")[0]
    bob = _repo(db_path, "bob", "")
    saved = bob.save(form.evolve(annual_funding=Funding(Decimal("100.00"), Decimal("100.00"))))
    bob.save(Form(year=2025, name="研究院劳务派遣人员经费（2025）", unit=form.unit), action=COPIED)
    rows = saved.indicators
    grown = bob.save(saved.evolve(indicators=rows[:2] + (Indicator("产出指标", "数量指标", "新增", "≥1个"),) + rows[2:-1]))
    bob.delete(grown)
    bob.restore(grown.id)
    bob.revert(bob.get(grown.id), 1)
    alice.import_forms(parse_text(seed_text.replace("98\t年度金额\t98", "98\t年度金额\t90")))
    alice.delete(alice.lookup("征迁")[0])
    return db_path


def test_the_chain_holds_on_every_backend_and_a_changed_entry_is_found(db_location, seed_forms, seed_text):
    """JSON file and PostgreSQL: the hashes survive the server's jsonb, the head comes from one query."""
    from perftui.importing.text import parse_text

    repository = Repository.open(db_location)
    repository.actor = Actor("alice", "10.0.0.5")
    repository.import_forms(seed_forms)
    form = repository.lookup("劳务派遣")[0]
    saved = repository.save(form.evolve(annual_funding=Funding(Decimal("100.00"), Decimal("100.00"))))
    repository.delete(saved)
    repository.restore(saved.id)
    repository.revert(repository.get(saved.id), 1)
    repository.import_forms(parse_text(seed_text.replace("98\t年度金额\t98", "98\t年度金额\t90")))
    verdict = repository.verify()
    assert verdict.holds, verdict.first_break
    assert verdict.chain_start == 1 and verdict.versions == verdict.entries == 13
    with repository.store.transaction() as tx:  # an edit that bypasses perftui's history
        doc = tx.get("forms", saved.id)
        doc["goals"]["annual"] = "改过"
        tx.replace("forms", doc, doc["revision"])
    verdict = Repository.open(db_location).verify()
    assert not verdict.holds and verdict.first_break.form_id == saved.id


def test_the_entries_of_monitoring_and_evaluation_records_are_chained_too(db_location, seed_forms):
    """A 自评 saved between form changes: the chain runs through its entries; an edit to one is found."""
    from decimal import Decimal as D

    from perftui.core import evaluation
    from perftui.core.execution import Spending
    from perftui.services.tracking import Tracking

    repository = Repository.open(db_location)
    repository.import_forms(seed_forms)
    form = repository.lookup("劳务派遣")[0]
    record = evaluation.for_form(form)
    record = record.evolve(execution=record.execution.with_row("total", Spending(D("98.00"), D("98.00"), D("95.00"))))
    saved = Tracking(repository).save(record)
    repository.save(form.evolve(annual_goal="之后又改了表"))
    verdict = Repository.open(db_location).verify()
    assert verdict.holds, verdict.first_break
    assert verdict.entries == 10 and verdict.versions == 9  # the record's entry is chained, not replayed
    with repository.store.transaction() as tx:  # rewrite the record's entry outside perftui's own writes
        entries = [e for e in tx.view("history") if e.get("form_id") == saved.id]
        assert entries and "hash" in entries[0]
    if isinstance(db_location, Path):
        _edit(db_location, lambda d: next(e for e in d["history"].values() if e.get("record")).update(by="carol"))
        verdict = Repository.open(db_location).verify()
        assert not verdict.holds and "校验码不符" in verdict.first_break.reason


def test_verify_on_the_seed_database_says_the_chain_holds(capsys, db_path, seed_path):
    assert run_cli(capsys, "--db", db_path, "import", seed_path)[0] == 0
    code, out, err = run_cli(capsys, "--db", db_path, "verify")
    assert code == 0 and err == ""
    assert out.strip() == "历史记录完好：8 条记录的校验链完整，8 张表的 8 个版本都与记录一致。"


def test_every_kind_of_change_keeps_the_chain_and_replays_to_todays_forms(busy_db):
    verdict = _repo(busy_db).verify()
    assert verdict.holds, verdict.first_break
    assert verdict.chain_start == 1 and verdict.forms == 9 and verdict.versions == verdict.entries == 16


def test_fields_only_some_forms_have_replay_exactly(busy_db):
    """Extra fields and amount notes appear and vanish; indicator rows gain extra columns."""
    repository = _repo(busy_db)
    form = repository.lookup("产业扶持")[0]
    rows = (form.indicators[0]._replace(extra=(("weight", "10"),)),) + form.indicators[1:]
    form = repository.save(form.evolve(extra_fields=(("项目负责人", "张三"),), amount_notes=(("funding.annual.total", "其中…"),)))
    form = repository.save(form.evolve(indicators=rows, extra_fields=()))
    repository.save(form.evolve(amount_notes=()))
    verdict = _repo(busy_db).verify()
    assert verdict.holds, verdict.first_break
    assert _repo(busy_db).version_at(form.id, 2).extra_fields == (("项目负责人", "张三"),)


def test_a_hand_edited_amount_names_the_form_and_the_entry(capsys, busy_db):
    _edit(busy_db, lambda d: _form_doc(d, "产业扶持")["funding"]["annual"].update(total="9000"))
    code, out, err = run_cli(capsys, "--db", busy_db, "verify")
    assert code == 1 and err == ""
    (line,) = out.strip().splitlines()
    assert line.startswith("历史记录与数据库不符：第 ")
    assert "产业扶持专项资金" in line and "导入" in line and "修订 1" in line and "在 perftui 之外被改过" in line


def test_history_show_no_longer_presents_a_hand_edit_as_the_original(capsys, busy_db):
    """Revision 1 was rebuilt from the current form: a hand edit looked original. Now it is refused."""
    _edit(busy_db, lambda d: _form_doc(d, "劳务派遣人员经费")["funding"]["annual"].update(fiscal="9000"))
    name = "研究院劳务派遣人员经费"
    form_id = next(f.id for f in _repo(busy_db).forms() if f.name == name)
    code, out, err = run_cli(capsys, "--db", busy_db, "history", form_id, "--show", "1")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "无法如实还原" in err and "9,000" not in err
    code, out, err = run_cli(capsys, "--db", busy_db, "history", form_id, "--full")
    assert code == 0 and "历史与现在的表不符" in out and "9,000" not in out
    code, out, err = run_cli(capsys, "--db", busy_db, "revert", form_id, "1", "--yes")
    assert code != 0 and "无法如实还原" in err


@pytest.mark.parametrize(
    ("what", "edit", "says"),
    [
        ("an entry's who", lambda d: _entries(d, "产业扶持")[0].update(by="carol"), "校验码不符"),
        ("an old value", lambda d: next(e for e in _entries(d) if e["changes"])["changes"][0].__setitem__(1, "1"),
         "校验码不符"),
        ("an entry removed", lambda d: d["history"].pop(next(k for k, e in d["history"].items() if e["action"] == "save")),
         "校验码不符"),
        ("the newest entry removed", lambda d: d["history"].pop(list(d["history"])[-1]), "历史记录缺失"),
        ("a form added by hand", lambda d: d["forms"].update(
            {"999": {**_form_doc(d, "产业扶持"), "id": "0123456789ab", "name": "手工加入的表"}}), "没有任何修改记录"),
        ("a form removed by hand", lambda d: d["forms"].pop(
            next(k for k, doc in d["forms"].items() if "产业扶持" in doc["name"])), "已不在数据库中"),
        ("a deleted form brought back by hand", lambda d: _form_doc(d, "征迁").pop("deleted_at"), "在 perftui 之外被改过"),
        ("a form's last-change stamp", lambda d: _form_doc(d, "产业扶持").update(updated_by="carol"), "在 perftui 之外被改过"),
    ],
)
def test_each_kind_of_edit_outside_perftui_is_named(capsys, busy_db, what, edit, says):
    _edit(busy_db, edit)
    code, out, err = run_cli(capsys, "--db", busy_db, "verify")
    assert code == 1, (what, out, err)
    first = out.strip().splitlines()[0]
    assert says in first, (what, out)


def test_the_first_break_is_the_oldest_entry_that_disagrees(capsys, busy_db):
    def edit(data):
        _form_doc(data, "劳务派遣人员经费")["goals"]["annual"] = "改过"  # its newest entry is late
        _form_doc(data, "产业扶持")["name"] = "改名"  # its only entry is early
    _edit(busy_db, edit)
    verdict = _repo(busy_db).verify()
    assert not verdict.holds and verdict.breaks == 2
    assert verdict.first_break.form_name == "产业扶持专项资金"  # as its entry recorded it
    code, out, _err = run_cli(capsys, "--db", busy_db, "verify")
    assert code == 1 and "产业扶持专项资金" in out.splitlines()[0] and "另有 1 处不符" in out


def test_an_edited_entry_is_named_before_the_versions_it_throws_off(busy_db):
    """An old value changed in an entry makes earlier versions disagree too; the edited entry is the news."""
    def edit(data):
        entry = next(e for e in _entries(data) if e["action"] == "save")
        entry["changes"][0][1] = "1"
    _edit(busy_db, edit)
    verdict = _repo(busy_db).verify()
    assert "校验码不符" in verdict.first_break.reason and verdict.first_break.entry["action"] == "save"


def test_an_old_database_without_hashes_is_checked_from_where_the_chain_starts(capsys, busy_db):
    """Entries written before the hashes existed: no false alarm, and the output says where checking starts."""
    def strip(data):
        for entry in data["history"].values():
            entry.pop("hash", None), entry.pop("form_hash", None)
    _edit(busy_db, strip)
    code, out, _err = run_cli(capsys, "--db", busy_db, "verify")
    assert code == 0 and "没有校验码，无法核对" in out
    repository = _repo(busy_db)
    form = repository.lookup("研究院劳务派遣人员经费")[0]
    repository.save(form.evolve(annual_goal="升级后的修改"))
    code, out, _err = run_cli(capsys, "--db", busy_db, "verify")
    assert code == 0, out
    assert "从第 17 条起核对" in out and "第 1 至 16 条记录由旧版本 perftui 写入" in out
    assert "8 张表此后没有修改过" in out
    # and what is hashed is still checked
    _edit(busy_db, lambda d: next(doc for doc in d["forms"].values() if doc["id"] == form.id)["goals"].update(annual="又改了"))
    assert run_cli(capsys, "--db", busy_db, "verify")[0] == 1


def test_a_restored_backup_continues_the_chain(capsys, busy_db):
    from perftui.services.restore import restore
    from perftui.services.repository import open_backups

    backup = open_backups(busy_db).list()[-1]
    restore(busy_db, backup, actor=Actor("alice", ""))
    assert _repo(busy_db).verify().holds
    assert run_cli(capsys, "--db", busy_db, "verify")[0] == 0


def test_verify_help_is_honest_about_its_limit(capsys):
    code = None
    with pytest.raises(SystemExit) as done:
        run_cli(capsys, "verify", "--help")
    code = done.value.code
    out = capsys.readouterr().out
    assert code == 0
    assert "之外" in out and "重新计算" in out and "发现不了" in out


def test_verify_of_the_raw_documents_is_pure():
    """The check itself needs no store: documents in, a verdict out."""
    assert verify([], []).holds and verify([], []).chain_start is None


# -- who is who -----------------------------------------------------------------------


def test_the_recorded_user_is_the_effective_uid_not_the_environment(monkeypatch):
    monkeypatch.setenv("LOGNAME", "alice")
    monkeypatch.setenv("USER", "alice")
    monkeypatch.setenv("LNAME", "alice")
    monkeypatch.setenv("USERNAME", "alice")
    monkeypatch.setenv("SSH_CONNECTION", "10.9.9.9 1 2 3")
    actor = current_actor()
    assert actor.user == pwd.getpwuid(os.geteuid()).pw_name
    assert actor.client == "10.9.9.9"  # where the session says it comes from: an address, nothing else
    monkeypatch.setenv("SSH_CONNECTION", "\x1b]52;c;eA==\x07 1 2 3")
    assert current_actor().client == ""


def _other_user():
    if os.geteuid() != 0:
        return None
    for name in ("nobody", "daemon"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    return None


@pytest.mark.skipif(_other_user() is None, reason="needs root to act as a second OS user")
def test_a_second_os_user_with_forged_names_is_recorded_as_who_they_are(capsys, monkeypatch, request, seed_path):
    """bob (here: nobody) sets LOGNAME=alice USER=alice and SSH_CONNECTION: history says nobody.

    A real process under the other uid when this interpreter is open to it;
    else this process, with its effective uid switched for the import (the
    uid is what decides, not how the process was started).
    """
    other = _other_user()
    folder = Path(tempfile.mkdtemp(prefix="perftui-shared-"))  # pytest's own folders are closed to others
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    os.chmod(folder, 0o777)
    source = folder / "seed.txt"
    source.write_bytes(seed_path.read_bytes())
    os.chmod(source, 0o644)
    db = folder / "forms.json"
    forged = {"LOGNAME": "alice", "USER": "alice", "SSH_CONNECTION": "10.9.9.9 1 2 3"}

    def become_other():
        os.setgid(other.pw_gid)
        os.setuid(other.pw_uid)

    try:
        probe = subprocess.run([sys.executable, "-c", "import perftui"], preexec_fn=become_other,
                               capture_output=True, env={"PYTHONPATH": str(ROOT)}, cwd=folder).returncode
    except OSError:  # the interpreter is not open to the other user
        probe = None
    if probe == 0:
        env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "HOME": str(folder), "LANG": "C.UTF-8",
               "XDG_CONFIG_HOME": str(folder / "config"), "XDG_DATA_HOME": str(folder / "data"), **forged}
        result = subprocess.run(
            [sys.executable, "-m", "perftui", "--db", str(db), "import", str(source)],
            env=env, capture_output=True, text=True, preexec_fn=become_other, cwd=folder, timeout=60,
        )
        assert result.returncode == 0, result.stderr
    else:
        homes = {"XDG_CONFIG_HOME": str(folder / "config"), "XDG_DATA_HOME": str(folder / "data")}
        for name, value in (forged | homes).items():
            monkeypatch.setenv(name, value)
        # Once as ourselves first: the modules an import loads lazily live where the other user cannot read.
        assert run_cli(capsys, "--db", folder / "warm-up.json", "import", source)[0] == 0
        os.setegid(other.pw_gid)
        os.seteuid(other.pw_uid)
        try:
            code, _out, err = run_cli(capsys, "--db", db, "import", source)
        finally:
            os.seteuid(0)
            os.setegid(0)
        assert code == 0, err
    entries = Repository.open(db, backups_keep=None).history()
    assert {entry.who for entry in entries} == {f"{other.pw_name}@10.9.9.9"}
    assert os.stat(db).st_uid == other.pw_uid  # it really was the other user who wrote

"""Backups beside the database: when they are taken, what they hold, how many are kept, restoring one."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

import storage
from perftui.services import restore as perftui_backups
from perftui.core.model import Funding
from perftui.services.repository import Repository, open_backups
from storage import backup as backup_module
from storage.backup import backup_folder
from storage.lock import FileLock, lock_path_for
from tests.trust.conftest import run_cli


class Clock:
    """Stands in for datetime in storage.backup so a test can move to the next day."""

    def __init__(self, monkeypatch):
        self.now = datetime(2024, 5, 1, 9, 0, 0)
        clock = self

        class FakeDateTime(datetime):
            @classmethod
            def now(cls, tz=None):
                return clock.now

        monkeypatch.setattr(backup_module, "datetime", FakeDateTime)

    def next_day(self):
        self.now += timedelta(days=1)

    def tick(self, seconds=1):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def names(db_path):
    return [b.name for b in open_backups(db_path).list()]


def test_creating_the_database_keeps_a_real_copy(db_path, seed_forms, clock):
    Repository.open(db_path).import_forms(seed_forms)
    (only,) = open_backups(db_path).list()
    assert only.name == "2024-05-01_09-00-00_created.json"
    assert open(only.path, "rb").read() == db_path.read_bytes()
    # a copy, not a link: damage done to the live file in place must not reach it
    assert os.stat(only.path).st_ino != os.stat(db_path).st_ino
    assert stat.S_IMODE(os.stat(only.path).st_mode) == 0o600


def test_first_write_of_each_day_keeps_the_replaced_version_by_hard_link(db_path, seed_forms, clock):
    repository = Repository.open(db_path)
    repository.import_forms(seed_forms)
    clock.tick()
    form = repository.lookup("劳务派遣")[0]
    form = repository.save(form.evolve(annual_goal="当天第二次修改"))
    assert len(names(db_path)) == 1  # the day already has its backup
    clock.next_day()
    before, inode = db_path.read_bytes(), os.stat(db_path).st_ino
    form = repository.save(form.evolve(annual_goal="第二天第一次修改"))
    daily = open_backups(db_path).list()[0]
    assert daily.name == "2024-05-02_09-00-01_daily.json"
    assert open(daily.path, "rb").read() == before
    assert os.stat(daily.path).st_ino == inode  # no byte was copied
    clock.tick()
    repository.save(form.evolve(annual_goal="第二天第二次修改"))
    assert len(names(db_path)) == 2


def test_every_import_that_writes_backs_up_first(db_path, seed_forms, seed_text, clock):
    from perftui.importing.text import parse_text

    repository = Repository.open(db_path)
    repository.import_forms(seed_forms)
    clock.tick()
    assert repository.import_forms(seed_forms).unchanged  # nothing written, no backup
    assert len(names(db_path)) == 1
    before = db_path.read_bytes()
    repository.import_forms(parse_text(seed_text.replace("98\t年度金额\t98", "98\t年度金额\t90")))
    newest = open_backups(db_path).list()[0]
    assert newest.reason == "import" and open(newest.path, "rb").read() == before
    clock.tick()
    repository.import_forms(seed_forms)
    assert [b.reason for b in open_backups(db_path).list()] == ["import", "import", "created"]


def test_n_are_kept_the_day_s_first_among_them_and_other_files_are_left_alone(db_path, seed_forms, seed_text, clock):
    from perftui.importing.text import parse_text

    repository = Repository.open(db_path, backups_keep=3)
    repository.import_forms(seed_forms)
    folder = backup_folder(db_path)
    with open(os.path.join(folder, "notes.txt"), "w") as handle:
        handle.write("an administrator's own file")
    for amount in range(90, 96):
        clock.tick()
        repository.import_forms(parse_text(seed_text.replace("98\t年度金额\t98", f"98\t年度金额\t{amount}")))
    kept = open_backups(db_path).list()
    # The newest ones, and the oldest of the day (the day's starting point), not just the newest three.
    assert len(kept) == 3 and [b.taken_at.second for b in kept] == [6, 5, 0]
    assert os.path.exists(os.path.join(folder, "notes.txt"))


def test_the_number_kept_comes_from_config_toml(capsys, tmp_path, monkeypatch, db_path, seed_path, seed_text, clock):
    config = tmp_path / "config.toml"
    config.write_text("[backups]\nkeep = 2\n", encoding="utf-8")
    monkeypatch.setenv("PERFTUI_CONFIG", str(config))
    run_cli(capsys, "--db", db_path, "import", seed_path)
    for amount in (90, 91, 92):
        clock.tick()
        changed = tmp_path / f"changed{amount}.txt"
        changed.write_text(seed_text.replace("98\t年度金额\t98", f"98\t年度金额\t{amount}"), encoding="utf-8")
        assert run_cli(capsys, "--db", db_path, "import", changed)[0] == 0
    assert len(names(db_path)) == 2
    code, out, _ = run_cli(capsys, "--db", db_path, "backups")
    assert "保留最近 2 个" in out


def test_a_total_size_cap_comes_from_config_toml(capsys, tmp_path, monkeypatch, db_path, seed_path, seed_text, clock):
    config = tmp_path / "config.toml"
    run_cli(capsys, "--db", db_path, "import", seed_path)
    size = db_path.stat().st_size
    # Room for two backups of this size, whatever the count allows.
    config.write_text(f"[backups]\nkeep = 10\nmax_mb = {2.5 * size / 1e6}\n", encoding="utf-8")
    monkeypatch.setenv("PERFTUI_CONFIG", str(config))
    for amount in (90, 91, 92, 93):
        clock.tick()
        changed = tmp_path / f"changed{amount}.txt"
        changed.write_text(seed_text.replace("98\t年度金额\t98", f"98\t年度金额\t{amount}"), encoding="utf-8")
        assert run_cli(capsys, "--db", db_path, "import", changed)[0] == 0
    assert len(names(db_path)) == 2
    config.write_text("[backups]\nmax_mb = -1\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "--db", db_path, "list")
    assert code != 0 and "max_mb" in err


def test_backups_in_a_setgid_group_folder_are_group_readable(tmp_path, seed_forms, clock):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o2770)
    db = shared / "forms.json"
    repository = Repository.open(db)
    repository.import_forms(seed_forms)
    clock.next_day()
    repository.save(repository.forms()[0].evolve(annual_goal="改"))
    folder = backup_folder(db)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o2770
    assert {stat.S_IMODE(os.stat(b.path).st_mode) for b in open_backups(db).list()} == {0o660}
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o660


def test_a_private_database_has_private_backups_whatever_the_umask(db_path, seed_forms, clock):
    old = os.umask(0)
    try:
        repository = Repository.open(db_path)
        repository.import_forms(seed_forms)
        clock.next_day()
        repository.save(repository.forms()[0].evolve(annual_goal="改"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(backup_folder(db_path)).st_mode) == 0o700
    assert {stat.S_IMODE(os.stat(b.path).st_mode) for b in open_backups(db_path).list()} == {0o600}


def test_a_backup_that_cannot_be_taken_is_a_warning_and_the_save_goes_in(db_path, seed_forms, clock):
    repository = Repository.open(db_path)
    repository.import_forms(seed_forms)
    os.unlink(open_backups(db_path).list()[0].path)
    os.unlink(os.path.join(backup_folder(db_path), "manifest.json"))
    os.rmdir(backup_folder(db_path))
    with open(backup_folder(db_path), "w") as handle:  # a file where the folder should be
        handle.write("x")
    clock.next_day()
    saved = repository.save(repository.forms()[0].evolve(annual_goal="改"))
    # Committed: the change is in; only its backup is missing, and the caller is told.
    assert repository.get(saved.id).annual_goal == "改" and saved.revision == 2
    (warning,) = repository.warnings
    assert isinstance(warning, storage.BackupError) and warning.path == backup_folder(db_path)


def test_cli_reports_a_committed_import_whose_backup_failed_as_a_success_with_a_warning(
    capsys, db_path, seed_path, seed_text, tmp_path, clock
):
    run_cli(capsys, "--db", db_path, "import", seed_path)
    folder = backup_folder(db_path)
    os.chmod(folder, 0o500)  # the backup folder refuses new files (root: see below)
    changed = tmp_path / "changed.txt"
    changed.write_text(seed_text.replace("98\t年度金额\t98", "98\t年度金额\t90"), encoding="utf-8")
    clock.tick()
    try:
        if os.geteuid() == 0:  # root writes anyway: make the backup fail another way
            os.chmod(folder, 0o700)
            os.unlink(os.path.join(folder, "manifest.json"))
            os.mkdir(os.path.join(folder, "manifest.json"))  # the manifest cannot be written
        code, out, err = run_cli(capsys, "--db", db_path, "import", changed)
    finally:
        os.chmod(folder, 0o700)
    assert code == 0, err
    assert len(err.strip().splitlines()) == 1 and "修改已保存" in err and "备份" in err
    assert any(f.annual_funding.total == Decimal("90") for f in Repository.open(db_path).forms())


def test_cli_backups_lists_counts_and_fiscal_totals(capsys, db_path, seed_path, clock):
    run_cli(capsys, "--db", db_path, "import", seed_path)
    repository = Repository.open(db_path)
    clock.next_day()
    form = repository.lookup("劳务派遣")[0]
    repository.save(form.evolve(annual_funding=Funding(Decimal("100"), Decimal("100"))))
    code, out, err = run_cli(capsys, "--db", db_path, "backups")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"数据库 {db_path}：8 张表，年度财政拨款 3,129.56"
    daily = next(line for line in lines if "daily" in line).split()
    created = next(line for line in lines if "created" in line).split()
    assert daily[:5] == ["1", "2024-05-02", "09:00:00", "每日首次修改前", "8"] and daily[5] == "3,127.56"
    assert created[0] == "2" and created[5] == "3,127.56"


def test_cli_backups_without_any(capsys, db_path):
    code, out, _ = run_cli(capsys, "--db", db_path, "backups")
    assert code == 0 and "不存在" in out and "还没有备份" in out


def test_cli_restore_asks_keeps_the_current_file_and_notes_it_in_the_history(capsys, monkeypatch, db_path, seed_path, clock):
    run_cli(capsys, "--db", db_path, "import", seed_path)
    repository = Repository.open(db_path)
    for form in repository.forms()[:3]:
        repository.delete(form)
    assert len(Repository.open(db_path).forms()) == 5
    before = db_path.read_bytes()
    code, out, err = run_cli(capsys, "--db", db_path, "restore", "1", stdin="no\n", monkeypatch=monkeypatch)
    assert code == 1 and db_path.read_bytes() == before
    assert "8 张表，年度财政拨款 3,127.56" in out and "5 张表" in out
    clock.tick()
    code, out, err = run_cli(capsys, "--db", db_path, "restore", "created", "--yes")
    assert code == 0, err
    assert len(Repository.open(db_path).forms()) == 8
    kept = open_backups(db_path).list()[0]
    assert kept.reason == "before-restore" and open(kept.path, "rb").read() == before
    assert kept.name in out
    note = Repository.open(db_path).history()[-1]
    assert note.action == "backup-restore" and note.form_id == ""
    assert note.changes == (("backup", kept.name, "2024-05-01_09-00-00_created.json"),)
    code, out, _ = run_cli(capsys, "--db", db_path, "history", "--limit", "1")
    assert "恢复备份" in out and "created.json" in out
    # and the restore itself can be undone
    code, out, err = run_cli(capsys, "--db", db_path, "restore", kept.name, "--yes")
    assert code == 0 and len(Repository.open(db_path).forms()) == 5


def test_restore_refuses_unknown_damaged_and_read_only(capsys, monkeypatch, db_path, seed_path, clock):
    run_cli(capsys, "--db", db_path, "import", seed_path)
    before = db_path.read_bytes()
    code, out, err = run_cli(capsys, "--db", db_path, "restore", "nothing-like-it", "--yes")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "perftui backups" in err
    damaged = open_backups(db_path).list()[0]
    with open(damaged.path, "r+b") as handle:
        handle.truncate(100)
    code, out, err = run_cli(capsys, "--db", db_path, "restore", "1", "--yes")
    assert code == 3 and damaged.name in err and len(err.strip().splitlines()) == 1
    code, out, _ = run_cli(capsys, "--db", db_path, "backups")
    assert "已损坏" in out
    code, out, err = run_cli(capsys, "--db", db_path, "--read-only", "restore", "1", "--yes")
    assert code == 3 and "只读" in err
    assert db_path.read_bytes() == before


def test_restore_takes_the_write_lock(db_path, seed_forms, clock):
    Repository.open(db_path).import_forms(seed_forms)
    backup = open_backups(db_path).list()[0]
    before = db_path.read_bytes()
    with FileLock(lock_path_for(db_path)):
        with pytest.raises(storage.LockTimeoutError):
            perftui_backups.restore(db_path, backup, lock_timeout=0.2)
    assert db_path.read_bytes() == before
    assert len(open_backups(db_path).list()) == 1  # nothing kept either: nothing happened


def test_find_by_number_name_part_or_path(db_path, seed_forms, clock, tmp_path):
    repository = Repository.open(db_path)
    repository.import_forms(seed_forms)
    clock.next_day()
    repository.save(repository.forms()[0].evolve(annual_goal="改"))
    daily, created = open_backups(db_path).list()
    assert perftui_backups.find(db_path, "1") == daily
    assert perftui_backups.find(db_path, "2") == created
    assert perftui_backups.find(db_path, "daily") == daily
    assert perftui_backups.find(db_path, created.name.removesuffix(".json")) == created
    assert perftui_backups.find(db_path, created.path).path == created.path
    with pytest.raises(perftui_backups.BackupNotFound):
        perftui_backups.find(db_path, "2024")  # two match

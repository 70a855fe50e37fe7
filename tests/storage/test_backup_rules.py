"""Backups that cannot be planted or lose the originals, and that give way on a full disk."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from storage import DamagedFileError, JsonFileStore, atomic
from storage import backup as backup_module
from storage.backup import Backup, Backups
from storage.manifest import MANIFEST
from storage.retention import to_remove
from storage_testutil import APP, FORMAT


class Clock:
    def __init__(self, monkeypatch):
        self.now = datetime(2024, 5, 1, 9, 0, 0)
        clock = self

        class FakeDateTime(datetime):
            @classmethod
            def now(cls, tz=None):
                return clock.now

        monkeypatch.setattr(backup_module, "datetime", FakeDateTime)

    def tick(self, **delta):
        self.now += timedelta(**delta or {"seconds": 1})


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def backed_store(db: Path, **options) -> tuple[JsonFileStore, Backups]:
    backups = Backups(db, app=APP, revisioned={"forms"}, **options)
    store = JsonFileStore(db, before_replace=backups.before_replace, make_room=backups.make_room, **FORMAT)
    return store, backups


def save(store: JsonFileStore, ident: str, text: str = "x") -> None:
    with store.transaction() as tx:
        tx.insert("forms", {"id": ident, "text": text})


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_planted_file_is_never_listed_pruned_or_read_as_a_backup(db_path, clock):
    store, backups = backed_store(db_path, keep=2)
    save(store, "a")
    clock.tick(days=1)
    save(store, "b")  # the day's backup
    (real,) = backups.list()
    forged = Path(backups.folder) / "2099-01-01_00-00-00_daily.json"
    shutil.copyfile(db_path, forged)  # a well-formed database, and newer than anything
    assert [b.name for b in backups.list()] == [real.name]
    for day in range(3):
        clock.tick(days=1)
        save(store, f"c{day}")
    assert forged.exists() and forged.name not in [b.name for b in backups.list()]


def test_a_backup_changed_after_it_was_taken_is_reported_not_restored(db_path, clock):
    store, backups = backed_store(db_path)
    save(store, "a")
    clock.tick(days=1)
    save(store, "b")
    (taken,) = backups.list()
    content = Path(taken.path).read_bytes()
    os.unlink(taken.path)  # a hard link: rewrite it as another file with other forms
    Path(taken.path).write_bytes(content.replace(b'"id":"a"', b'"id":"z"'))
    with pytest.raises(DamagedFileError, match="checksum"):
        backups.read(backups.list()[0])
    with pytest.raises(DamagedFileError):
        backups.restore(backups.list()[0])


def test_the_backup_folder_grants_no_more_than_the_database(tmp_path, clock):
    for parent_mode, expected in ((0o2770, 0o2770), (0o2750, 0o2750), (0o700, 0o700), (0o755, 0o700)):
        parent = tmp_path / f"p{parent_mode:o}"
        parent.mkdir()
        parent.chmod(parent_mode)
        store, backups = backed_store(parent / "forms.json")
        save(store, "a")
        clock.tick(days=1)
        save(store, "b")
        assert mode(backups.folder) == expected, parent_mode
    # A folder an older version made too loose (2770 under a 2750 folder) is tightened.
    parent = tmp_path / "p2750"
    os.chmod(backups.folder.replace("p700", "p2750"), 0o2770)
    store, backups = backed_store(parent / "forms.json")
    clock.tick(days=1)
    save(store, "c")
    assert mode(backups.folder) == 0o2750


def test_backups_from_before_the_manifest_are_adopted_once(db_path, clock):
    store, backups = backed_store(db_path)
    save(store, "a")
    clock.tick(days=1)
    save(store, "b")
    os.unlink(os.path.join(backups.folder, MANIFEST))  # as an older version left the folder
    (old,) = backups.list()
    clock.tick(days=1)
    save(store, "c")
    assert [b.name for b in backups.list()][1] == old.name and backups.list()[1].sha256 is not None


def test_restores_in_a_row_never_prune_every_original(db_path, clock):
    store, backups = backed_store(db_path, keep=5)
    save(store, "v1")
    for day in range(3):  # three days of work, each with its daily backup
        clock.tick(days=1)
        save(store, f"d{day}")
    originals = {b.name for b in backups.list()}
    clock.tick(days=1)
    for _ in range(14):
        clock.tick()
        backups.restore(backups.list()[-1])
    kept = {b.name for b in backups.list()}
    assert len(kept) == 5
    assert originals <= kept  # the oldest of each earlier day survived fourteen restores


def test_retention_ranks_protected_then_each_day_s_first_then_the_newest():
    def b(day, second, size=10):
        return Backup(f"/b/{day}-{second}", datetime(2024, 5, day, 9, 0, second), "daily", size=size)

    backups = [b(1, 0), b(1, 5), b(2, 0), b(2, 1), b(2, 2), b(3, 0), b(3, 9)]
    removed = {x.path for x in to_remove(backups, keep=4, protect={"/b/3-9"})}
    assert removed == {"/b/1-5", "/b/2-1", "/b/2-2"}  # kept: 3-9, and 3-0, 2-0, 1-0
    # A size cap drops from the least valuable end, never what is protected.
    removed = {x.path for x in to_remove(backups, keep=10, max_bytes=25, protect={"/b/3-9"})}
    assert {x.path for x in backups} - removed == {"/b/3-9", "/b/3-0"}
    assert to_remove(backups, keep=1, max_bytes=0, protect={"/b/3-9"}) == [
        x for x in to_remove(backups, keep=1, protect={"/b/3-9"})
    ]


def test_a_size_cap_is_kept_with_the_count(db_path, clock):
    store, backups = backed_store(db_path, keep=10, max_bytes=1)
    save(store, "a")
    for day in range(3):
        clock.tick(days=1)
        save(store, f"d{day}", "数据" * 1000)
    assert len(backups.list()) == 1  # only the newest: nothing else fits in a byte


def test_a_full_disk_prunes_backups_then_writes(db_path, clock, monkeypatch):
    store, backups = backed_store(db_path)
    save(store, "a")
    for day in range(4):
        clock.tick(days=1)
        save(store, f"d{day}", "数据" * 2000)
    before = [b.name for b in backups.list()]
    assert len(before) == 4
    real = atomic._write_all
    failures = []

    def full_until_pruned(fd, data):
        # ENOSPC, until a backup has been deleted (the freed blocks are the space).
        if len(backups.list()) == len(before):
            failures.append(1)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data)

    monkeypatch.setattr(atomic, "_write_all", full_until_pruned)
    monkeypatch.setattr(backup_module, "free_space", lambda folder: 0)  # never enough: make_room frees what it may
    clock.tick()
    save(store, "after")
    assert failures == [1]
    assert "after" in {d["id"] for d in store.read().documents("forms")}
    left = [b.name for b in backups.list()]
    assert left == before[:1]  # the newest backup is never given up


@pytest.fixture
def small_disk(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("cannot mount a small tmpfs here")
    yield folder
    # Lazily: a store still holding its file open would make a plain umount fail.
    subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


def test_on_a_small_disk_old_backups_give_way_to_the_database(small_disk, clock):
    store, backups = backed_store(small_disk / "forms.json", keep=50)
    save(store, "a")
    for n in range(12):  # each version 400 kB, each pinned by its daily backup: 4.8 MB on a 3 MB disk
        clock.tick(days=1)
        with store.transaction() as tx:
            doc = tx.get("forms", "a")
            tx.replace("forms", doc | {"text": f"{n}" + "数据" * 70_000}, doc["revision"])
    assert store.read().get("forms", "a")["text"].startswith("11")
    assert 1 <= len(backups.list()) < 12
    store.close()

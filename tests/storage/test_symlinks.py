"""A symlinked database path is resolved once: writes, the lock and backups go to the real file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from storage import JsonFileStore
from storage.backup import Backups, backup_folder
from storage.lock import lock_path_for
from storage_testutil import APP, FORMAT


def ids(path: Path) -> list[str]:
    return sorted(doc["id"] for doc in JsonFileStore(path, **FORMAT).read().documents("forms"))


def test_writes_through_a_symlink_reach_the_shared_file_and_keep_the_link(tmp_path: Path) -> None:
    shared = tmp_path / "team" / "forms.json"
    with JsonFileStore(shared, **FORMAT).transaction() as tx:
        tx.insert("forms", {"id": "theirs"})
    link = tmp_path / "link.json"
    link.symlink_to(shared)

    via_link = JsonFileStore(link, **FORMAT)
    assert via_link.path == str(shared)
    with via_link.transaction() as tx:
        tx.insert("forms", {"id": "mine"})
    assert link.is_symlink() and os.readlink(link) == str(shared)  # not replaced by a private file
    assert ids(shared) == ["mine", "theirs"]
    assert os.path.exists(lock_path_for(shared)) and not os.path.exists(lock_path_for(link))


def test_a_backup_through_a_symlink_is_a_snapshot_of_the_real_file(tmp_path: Path) -> None:
    shared = tmp_path / "team" / "forms.json"
    with JsonFileStore(shared, **FORMAT).transaction() as tx:
        tx.insert("forms", {"id": "first"})
    first_version = shared.read_bytes()
    link = tmp_path / "link.json"
    link.symlink_to(shared)

    backups = Backups(link, app=APP, revisioned={"forms"})
    assert backups.folder == backup_folder(shared) == str(shared) + ".backups"
    store = JsonFileStore(link, before_replace=backups.before_replace, **FORMAT)
    with store.transaction() as tx:  # the day's first write: backs up the version it replaces
        tx.insert("forms", {"id": "second"})
    with store.transaction() as tx:
        tx.insert("forms", {"id": "third"})
    (daily,) = backups.list()
    assert stat.S_ISREG(os.lstat(daily.path).st_mode)  # a file, never a link to a link
    assert Path(daily.path).read_bytes() == first_version  # still the version it kept
    assert sorted(d["id"] for d in backups.read(daily)["forms"].values()) == ["first"]

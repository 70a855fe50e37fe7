"""File modes: private by default, group-shared in setgid folders, kept on replace."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import JsonFileStore, atomic_write, world_accessible
from storage.lock import lock_path_for
from storage_testutil import FORMAT


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(params=[0o022, 0o000, 0o077], ids=["umask022", "umask000", "umask077"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def save_one(path: Path) -> None:
    with JsonFileStore(path, **FORMAT).transaction() as tx:
        tx.insert("forms", {"id": "a"})


def test_new_database_and_lock_are_private_whatever_the_umask(db_path: Path, umask: int) -> None:
    save_one(db_path)
    assert mode(db_path) == 0o600
    assert mode(lock_path_for(db_path)) == 0o600


def test_setgid_folder_makes_them_group_writable(tmp_path: Path, umask: int) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o2770)
    db = shared / "perftui.json"
    save_one(db)
    assert mode(db) == 0o660
    assert mode(lock_path_for(db)) == 0o660
    assert os.stat(db).st_gid == os.stat(shared).st_gid


def test_replacing_keeps_the_existing_mode(db_path: Path) -> None:
    save_one(db_path)
    db_path.chmod(0o640)
    inode = os.stat(db_path).st_ino
    with JsonFileStore(db_path, **FORMAT).transaction() as tx:
        tx.insert("forms", {"id": "b"})
    assert os.stat(db_path).st_ino != inode  # really a new file
    assert mode(db_path) == 0o640


def test_file_mode_overrides_the_default_for_new_files(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    atomic_write(path, b"{}", mode=0o640)
    assert mode(path) == 0o640
    atomic_write(path, b"{}", mode=0o600)  # existing file: its mode wins
    assert mode(path) == 0o640


@pytest.mark.parametrize(
    ("file_mode", "folder_mode", "expected"),
    [
        (0o600, 0o700, False),
        (0o660, 0o2770, False),
        (0o604, 0o700, True),
        (0o602, 0o700, True),
        (0o600, 0o777, True),  # anyone may replace the file
        (0o600, 0o1777, False),  # sticky: only the owner may
    ],
)
def test_world_accessible(tmp_path: Path, file_mode: int, folder_mode: int, expected: bool) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    db = folder / "db.json"
    db.write_bytes(b"{}")
    db.chmod(file_mode)
    folder.chmod(folder_mode)
    try:
        assert world_accessible(db) is expected
    finally:
        folder.chmod(0o700)


def test_world_accessible_missing_file_in_private_folder(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)
    assert world_accessible(tmp_path / "missing.json") is False


def test_folders_created_for_the_database_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    # os.makedirs would give the parents 0777 minus the umask: 0777 under umask 000.
    db = tmp_path / "a" / "b" / "perftui.json"
    save_one(db)
    assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "b") == 0o700


def test_folders_created_in_a_group_folder_are_group_folders_never_looser(tmp_path: Path, umask: int) -> None:
    for parent_mode, folder_mode, file_mode in ((0o2770, 0o2770, 0o660), (0o2750, 0o2750, 0o640)):
        shared = tmp_path / f"shared-{parent_mode:o}"
        shared.mkdir()
        shared.chmod(parent_mode)
        db = shared / "team" / "perftui.json"
        save_one(db)
        # A 2750 folder lets members read, not write: what is made in it grants no more.
        assert mode(shared / "team") == folder_mode
        assert mode(db) == file_mode


def test_a_path_through_a_file_is_a_storage_error_naming_it(tmp_path: Path) -> None:
    from storage import StorageError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = JsonFileStore(blocker / "x.json", **FORMAT)
    with pytest.raises(StorageError) as reading:
        store.read()
    assert reading.value.errno == errno.ENOTDIR and str(blocker / "x.json") in str(reading.value)
    with pytest.raises(StorageError):
        save_one(blocker / "x.json")
    assert not world_accessible(blocker / "x.json")  # answers instead of raising NotADirectoryError

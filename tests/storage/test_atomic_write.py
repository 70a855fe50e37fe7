"""atomic_write: the target always holds a complete version, whatever fails."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from storage_testutil import temp_files
from storage import StorageWriteError, atomic_write
from storage.atomic import remove_stale_temp_files

OLD = "旧版本 old version\n".encode()


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "db.json"
    atomic_write(path, OLD)
    return path


def test_creates_missing_file_and_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "db.json"
    atomic_write(path, b"{}")
    assert path.read_bytes() == b"{}"
    assert temp_files(path.parent) == []


def test_every_write_leaves_a_complete_file_and_no_temp_files(target: Path) -> None:
    for size in [0, 1, 10, 100_000, 3, 1_000_000, 17]:
        content = bytes([size % 251]) * size
        atomic_write(target, content)
        assert target.read_bytes() == content
        assert os.listdir(target.parent) == [target.name]


def test_returned_stat_describes_the_new_file(target: Path) -> None:
    written = atomic_write(target, b"new content")
    now = os.stat(target)
    assert (written.st_ino, written.st_size, written.st_mtime_ns) == (now.st_ino, now.st_size, now.st_mtime_ns)


def test_file_and_folder_are_fsynced(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[bool] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    atomic_write(target, b"durable")
    assert synced == [False, True]  # the data first, then the rename


def _assert_untouched(target: Path, error: StorageWriteError, code: int) -> None:
    assert target.read_bytes() == OLD
    assert temp_files(target.parent) == []
    assert error.errno == code
    assert error.path == str(target)
    assert str(target) in str(error) and "\n" not in str(error)


def test_disk_full_at_fsync_keeps_old_file(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StorageWriteError) as caught:
        atomic_write(target, b"x" * 10_000)
    _assert_untouched(target, caught.value, errno.ENOSPC)


def test_disk_full_midway_through_writing_keeps_old_file(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    calls = 0

    def fills_up(fd: int, data: bytes) -> int:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, bytes(data)[:100])  # a short write first

    monkeypatch.setattr(os, "write", fills_up)
    with pytest.raises(StorageWriteError) as caught:
        atomic_write(target, b"y" * 10_000)
    _assert_untouched(target, caught.value, errno.ENOSPC)


def test_short_writes_are_completed(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data)[:7]))
    content = "绩效目标".encode() * 50
    atomic_write(target, content)
    assert target.read_bytes() == content


def test_read_only_file_system_keeps_old_file(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def read_only_fs(path: str, flags: int, *args: int, **kwargs: int) -> int:
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only_fs)
    with pytest.raises(StorageWriteError) as caught:
        atomic_write(target, b"z")
    _assert_untouched(target, caught.value, errno.EROFS)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_keeps_old_file(target: Path) -> None:
    target.parent.chmod(0o555)
    try:
        with pytest.raises(StorageWriteError) as caught:
            atomic_write(target, b"z")
    finally:
        target.parent.chmod(0o755)
    _assert_untouched(target, caught.value, errno.EACCES)


def test_failed_rename_keeps_old_file(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(src: str, dst: str) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(StorageWriteError) as caught:
        atomic_write(target, b"z")
    _assert_untouched(target, caught.value, errno.EACCES)


def test_before_replace_can_hard_link_the_old_version(target: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    seen: list[str] = []

    def backup(path: str) -> None:
        seen.append(path)
        os.link(path, backups / "1.json")

    atomic_write(target, b"new", before_replace=backup)
    assert seen == [str(target)]
    assert (backups / "1.json").read_bytes() == OLD
    assert target.read_bytes() == b"new"


def test_before_replace_is_not_called_for_a_new_file(tmp_path: Path) -> None:
    called: list[str] = []
    atomic_write(tmp_path / "new.json", b"{}", before_replace=called.append)
    assert called == []


def test_failing_before_replace_aborts_the_write(target: Path) -> None:
    def broken(path: str) -> None:
        raise RuntimeError("backup folder missing")

    with pytest.raises(RuntimeError):
        atomic_write(target, b"new", before_replace=broken)
    assert target.read_bytes() == OLD
    assert temp_files(target.parent) == []


def test_remove_stale_temp_files_only_touches_our_own(target: Path) -> None:
    folder = target.parent
    ours = folder / f".{target.name}.0123456789ab.tmp"
    neighbour = folder / f".{target.name}.old.0123456789ab.tmp"
    unrelated = folder / "notes.tmp"
    for path in (ours, neighbour, unrelated):
        path.write_bytes(b"partial")
    assert remove_stale_temp_files(target) == [str(ours)]
    assert not ours.exists() and neighbour.exists() and unrelated.exists()

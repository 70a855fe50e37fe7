"""FileLock in one process: threads take turns; a replaced lock file is not trusted."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from storage import FileLock, LockTimeoutError


def test_two_lock_objects_exclude_each_other_even_in_one_process(tmp_path: Path) -> None:
    path = tmp_path / "db.json.lock"
    with FileLock(path):
        with pytest.raises(LockTimeoutError) as caught:
            FileLock(path, timeout=0.05).acquire()
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    with FileLock(path, timeout=0):  # released on exit
        pass


def test_threads_take_turns(tmp_path: Path) -> None:
    path = tmp_path / "db.json.lock"
    inside = 0
    overlaps: list[int] = []

    def work() -> None:
        nonlocal inside
        for _ in range(5):
            with FileLock(path):
                inside += 1
                if inside > 1:
                    overlaps.append(inside)
                time.sleep(0.001)
                inside -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []


def test_a_lock_won_on_a_deleted_lock_file_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Race: we open the lock file, someone deletes it and another process
    # creates a new one and locks that; our flock on the orphaned inode then
    # succeeds but excludes nobody. The waiter must notice and keep waiting.
    path = tmp_path / "db.json.lock"
    path.touch()
    other = FileLock(path)
    real_try_lock = FileLock._try_lock
    raced: list[bool] = []

    def racing_try_lock(fd: int) -> bool:
        if not raced:
            raced.append(True)
            os.unlink(path)
            other.acquire()  # creates and locks a new lock file
        return real_try_lock(fd)

    monkeypatch.setattr(FileLock, "_try_lock", staticmethod(racing_try_lock))
    try:
        with pytest.raises(LockTimeoutError):
            FileLock(path, timeout=0.1).acquire()
    finally:
        other.release()
    assert raced


def test_not_reentrant(tmp_path: Path) -> None:
    lock = FileLock(tmp_path / "x.lock")
    with lock:
        with pytest.raises(RuntimeError):
            lock.acquire()
    assert not lock.locked

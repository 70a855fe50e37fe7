"""A write never replaces a file it did not read, even when the lock was broken.

The issue's scenario with real processes: a writer is stopped (SIGSTOP)
inside its write, holding the lock; another times out, and is told who holds
the lock; someone deletes the lock file; the other writer commits; the first
resumes. Before, it renamed its version over the other's commit and the
acknowledged change was gone. Now its write is refused as stale, and tried
again from a fresh read, so both changes are in.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from storage import JsonFileStore, LockTimeoutError, StaleWriteError, atomic_write, fileformat
from storage.lock import lock_path_for
from storage_testutil import APP, FORMAT, spawn_child, wait_for_line


def wait_until_stopped(pid: int) -> None:
    # WUNTRACED reports the stop without reaping the child.
    _, status = os.waitpid(pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status)


def ids(db_path: Path) -> list[str]:
    return sorted(doc["id"] for doc in JsonFileStore(db_path, **FORMAT).read().documents("forms"))


@pytest.fixture
def stopped_writer(db_path: Path):
    with JsonFileStore(db_path, **FORMAT).transaction() as tx:
        tx.insert("forms", {"id": "first"})
    child = spawn_child("stop-inside-write", str(db_path), "mine")
    wait_for_line(child, "stopping")
    wait_until_stopped(child.pid)
    yield child
    if child.poll() is None:
        child.send_signal(signal.SIGCONT)
        child.kill()
    child.communicate(timeout=10)


def test_a_deleted_lock_file_loses_no_acknowledged_write(db_path: Path, stopped_writer) -> None:
    theirs = JsonFileStore(db_path, lock_timeout=0.2, **FORMAT)
    with pytest.raises(LockTimeoutError) as caught:
        with theirs.transaction() as tx:
            tx.insert("forms", {"id": "theirs"})
    assert caught.value.holder.pid == stopped_writer.pid  # says who, not which file to delete
    os.unlink(lock_path_for(db_path))  # what the old message invited
    with theirs.transaction() as tx:
        tx.insert("forms", {"id": "theirs"})  # acknowledged
    assert ids(db_path) == ["first", "theirs"]

    stopped_writer.send_signal(signal.SIGCONT)
    out, err = stopped_writer.communicate(timeout=20)
    assert out.split() == ["refused", "committed"], err
    assert ids(db_path) == ["first", "mine", "theirs"]


def test_a_file_replaced_without_the_lock_is_not_overwritten(db_path: Path, stopped_writer) -> None:
    # A writer that does not lock at all (an editor, a script): the lock cannot
    # tell, but the file's identity can.
    data = JsonFileStore(db_path, **FORMAT).read()
    edited = {"_meta": fileformat.meta_table(APP), "forms": {"1": data.get("forms", "first"), "2": {"id": "edited", "revision": 1}}}
    atomic_write(db_path, fileformat.encode(edited))

    stopped_writer.send_signal(signal.SIGCONT)
    out, err = stopped_writer.communicate(timeout=20)
    assert out.split() == ["refused", "committed"], err
    assert ids(db_path) == ["edited", "first", "mine"]


def test_a_stale_commit_changes_nothing_and_says_so(db_path: Path) -> None:
    store = JsonFileStore(db_path, **FORMAT)
    with store.transaction() as tx:
        tx.insert("forms", {"id": "a"})

    raced: list[bool] = []

    def replace_underneath(path: str) -> None:
        if not raced:
            raced.append(True)
            atomic_write(db_path, db_path.read_bytes())  # same bytes, another file

    racing = JsonFileStore(db_path, before_replace=replace_underneath, **FORMAT)
    before = db_path.read_bytes()
    with pytest.raises(StaleWriteError) as caught:
        with racing.transaction() as tx:
            tx.insert("forms", {"id": "b"})
    assert caught.value.path == str(db_path) and "\n" not in str(caught.value)
    assert db_path.read_bytes() == before
    assert not [name for name in os.listdir(db_path.parent) if name.endswith(".tmp")]
    with racing.transaction() as tx:  # from a fresh read it goes through
        tx.insert("forms", {"id": "b"})
    assert ids(db_path) == ["a", "b"]

"""Real processes sharing one database: contention, SIGKILL, lock timeouts, write failures.

Children are separate interpreters (``storage_child.py``), not threads,
because flock, inode caching, server sessions and crash-safety are
process-level properties. Tests taking ``backend`` run on a JSON file and on
PostgreSQL; the others are about the file store's own machinery.
"""

from __future__ import annotations

import errno
import os
import pwd
import socket
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from storage import JsonFileStore, LockTimeoutError
from storage.lock import lock_path_for
from storage_testutil import spawn_child, temp_files, wait_for_line
from storage_testutil import FORMAT


def test_eight_processes_inserting_at_once_lose_nothing(backend, tmp_path: Path) -> None:
    start = tmp_path / "go"
    children = [spawn_child("insert-at-start", backend.location, str(start), f"p{n}") for n in range(8)]
    try:
        for child in children:
            wait_for_line(child, "ready")
        start.touch()
        for child in children:
            out, err = child.communicate(timeout=20)
            assert child.returncode == 0, err
            assert out.strip() == "done"
    finally:
        for child in children:
            child.kill()
    ids = sorted(doc["id"] for doc in backend.open().read().documents("forms"))
    assert ids == [f"p{n}" for n in range(8)]
    if backend.name == "json":
        assert temp_files(backend.path.parent) == []


def test_sigkill_mid_write_never_loses_acknowledged_commits(backend) -> None:
    # 5 MB, so that each save spends real time encoding and writing; about a
    # third of the kills land between creating the temporary file and the
    # rename (the test below covers that moment deterministically). On a
    # server, a killed client's open transaction is rolled back.
    store = backend.open()
    with store.transaction() as tx:
        for n in range(400):
            tx.append("padding", {"text": "本级预算项目绩效目标表" * 400})
    rng = random.Random(20240601)
    acknowledged: set[str] = set()
    next_id = 0
    for _ in range(5):
        child = spawn_child("writer", backend.location, str(next_id))
        wait_for_line(child, "ready")
        time.sleep(rng.uniform(0.05, 0.35))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=10)
        acks = [int(line.split()[1]) for line in out.splitlines() if line.startswith("ack ")]
        acknowledged.update(f"k{n}" for n in acks)

        stored = {doc["id"] for doc in backend.open().read().documents("forms")}
        assert acknowledged <= stored
        # At most the one commit that finished between its write and its ack.
        assert len(stored - acknowledged) <= 1
        acknowledged = stored
        # Skip the id that may have been committed without an ack.
        next_id = (max(acks) if acks else next_id - 1) + 2

    # A later commit clears the temporary files killed writers left behind.
    with store.transaction() as tx:
        tx.insert("forms", {"id": "after"})
    if backend.name == "json":
        assert temp_files(backend.path.parent) == []


def test_sigkill_between_write_and_rename_keeps_the_old_file(db_path: Path) -> None:
    store = JsonFileStore(db_path, **FORMAT)
    with store.transaction() as tx:
        tx.insert("forms", {"id": "kept"})
    before = db_path.read_bytes()
    child = spawn_child("stall-before-replace", str(db_path))
    wait_for_line(child, "replacing")  # new content fsynced, rename not done
    assert len(temp_files(db_path.parent)) == 1
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=10)

    assert db_path.read_bytes() == before
    assert [doc["id"] for doc in store.read().documents("forms")] == ["kept"]
    with store.transaction() as tx:  # the kernel released the dead child's lock
        tx.insert("forms", {"id": "next"})
    assert temp_files(db_path.parent) == []


def test_lock_held_by_another_process_times_out(db_path: Path) -> None:
    store = JsonFileStore(db_path, lock_timeout=0.3, **FORMAT)
    child = spawn_child("hold-lock", str(db_path), stdin=subprocess.PIPE)
    try:
        wait_for_line(child, "locked")
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as caught:
            with store.transaction() as tx:
                tx.insert("forms", {"id": "blocked"})
        waited = time.monotonic() - started
        assert 0.3 <= waited < 2
        # The message names the database and who holds its lock, never the lock file:
        # naming it invites deleting it, and two writers then write at once.
        error = caught.value
        assert error.path == str(db_path) and error.lock_path == lock_path_for(db_path)
        assert lock_path_for(db_path) not in str(error) and "delete" not in str(error).lower()
        assert error.holder is not None and error.holder.pid == child.pid
        assert error.holder.user == pwd.getpwuid(os.geteuid()).pw_name
        assert error.holder.host == socket.gethostname()
        assert f"pid {child.pid}" in str(error)
        assert not db_path.exists()
    finally:
        assert child.stdin is not None
        child.stdin.close()  # lets the child release the lock
        child.wait(timeout=10)
    with store.transaction() as tx:
        tx.insert("forms", {"id": "later"})


def test_a_writer_holding_its_transaction_makes_the_next_one_time_out(backend) -> None:
    store = backend.open(lock_timeout=0.3)
    child = spawn_child("hold-transaction", backend.location, stdin=subprocess.PIPE)
    try:
        wait_for_line(child, "locked")
        before = backend.state()
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as caught:
            with store.transaction() as tx:
                tx.insert("forms", {"id": "blocked"})
        waited = time.monotonic() - started
        assert 0.3 <= waited < 2
        assert caught.value.timeout == 0.3
        assert backend.state() == before
    finally:
        assert child.stdin is not None
        child.stdin.close()  # lets the child commit
        child.wait(timeout=10)
    with store.transaction() as tx:
        tx.insert("forms", {"id": "later"})
    assert [doc["event"] for doc in store.read().documents("log")] == ["holding"]


def test_another_process_write_is_seen_by_read_and_changed_since(backend) -> None:
    store = backend.open()
    with store.transaction() as tx:
        tx.insert("forms", {"id": "mine"})
    snapshot = store.read()
    assert not store.changed_since(snapshot.token)

    child = spawn_child("write-one", backend.location, "theirs")
    assert child.communicate(timeout=20)[0].strip() == "done"

    assert store.changed_since(snapshot.token)
    assert [doc["id"] for doc in store.read().documents("forms")] == ["mine", "theirs"]
    assert snapshot.get("forms", "theirs") is None


def test_a_real_write_failure_leaves_the_old_file(db_path: Path) -> None:
    store = JsonFileStore(db_path, **FORMAT)
    with store.transaction() as tx:
        tx.insert("forms", {"id": "small"})
    before = db_path.read_bytes()
    # RLIMIT_FSIZE makes write(2) fail for real (EFBIG), like a full disk would.
    child = spawn_child("write-beyond-limit", str(db_path), str(64 * 1024))
    out, err = child.communicate(timeout=20)
    assert out.startswith("StorageWriteError"), err
    assert f"errno={errno.EFBIG} " in out
    assert str(db_path) in out
    assert db_path.read_bytes() == before
    assert temp_files(db_path.parent) == []

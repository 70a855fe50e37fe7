"""Child process for the multi-process storage tests (run as a script, not collected).

Each command prints simple lines on stdout that the parent waits for;
everything is flushed immediately because the parent may SIGKILL us.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import time

from storage import FileLock, JsonFileStore, StaleWriteError, StorageWriteError, open_store
from storage.atomic import ensure_folder
from storage.lock import lock_path_for
from tests.store_backends import CONTRACT_SPEC

APP = "perftui"
FORMAT = {"app": APP, "revisioned": {"forms"}}


def say(text: str) -> None:
    print(text, flush=True)


def open_db(db: str):
    """The store at ``db``: a file path or a PostgreSQL URL."""
    return open_store(db, CONTRACT_SPEC)


def insert_at_start(db: str, start_file: str, ident: str) -> None:
    """Wait for the start file, then insert one document: maximises contention."""
    store = open_db(db)
    say("ready")
    deadline = time.monotonic() + 10
    while not os.path.exists(start_file):
        if time.monotonic() > deadline:
            raise SystemExit("start file never appeared")
        time.sleep(0.001)
    with store.transaction() as tx:
        tx.insert("forms", {"id": ident, "by": os.getpid()})
    say("done")


def hold_lock(db: str) -> None:
    """Hold the database's write lock until the parent closes our stdin."""
    ensure_folder(db)
    with FileLock(lock_path_for(db)):
        say("locked")
        sys.stdin.read()


def hold_transaction(db: str) -> None:
    """Hold a write transaction (so the writers' lock, on any backend) until stdin closes."""
    with open_db(db).transaction() as tx:
        tx.append("log", {"event": "holding"})
        say("locked")
        sys.stdin.read()


def writer(db: str, first: str) -> None:
    """Commit one insert after another, acknowledging each after it returned."""
    store = open_db(db)
    say("ready")
    n = int(first)
    while True:
        with store.transaction() as tx:
            tx.insert("forms", {"id": f"k{n}", "note": "确认" * 20})
        say(f"ack {n}")
        n += 1


def stall_before_replace(db: str) -> None:
    """Write, but stop with the new content on disk and the rename not yet done."""

    def hook(path: str) -> None:
        say("replacing")
        time.sleep(60)

    store = JsonFileStore(db, before_replace=hook, **FORMAT)
    with store.transaction() as tx:
        tx.insert("forms", {"id": "never", "note": "should not be visible"})


def write_beyond_limit(db: str, limit: str) -> None:
    """Insert a document larger than RLIMIT_FSIZE allows: a real write(2) failure."""
    # The kernel would kill us with SIGXFSZ; ignored, write() fails with EFBIG.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(limit), int(limit)))
    store = JsonFileStore(db, **FORMAT)
    try:
        with store.transaction() as tx:
            tx.insert("forms", {"id": "big", "blob": "数据" * int(limit)})
    except StorageWriteError as error:
        say(f"StorageWriteError errno={error.errno} {error}")
    else:
        say("written")


def write_one(db: str, ident: str) -> None:
    with open_db(db).transaction() as tx:
        tx.insert("forms", {"id": ident})
    say("done")


def stop_inside_write(db: str, ident: str) -> None:
    """Insert ``ident``, stopping ourselves (SIGSTOP) inside the write, after the new file is on disk.

    Prints "refused" when the write was refused as stale, then tries again
    from a fresh read as a caller should, and prints "committed".
    """
    stopped = []

    def hook(path: str) -> None:
        if not stopped:
            stopped.append(True)
            say("stopping")
            os.kill(os.getpid(), signal.SIGSTOP)

    store = JsonFileStore(db, before_replace=hook, **FORMAT)
    for _ in range(3):
        try:
            with store.transaction() as tx:
                tx.insert("forms", {"id": ident})
        except StaleWriteError:
            say("refused")
            continue
        say("committed")
        return


COMMANDS = {
    "insert-at-start": insert_at_start,
    "hold-lock": hold_lock,
    "hold-transaction": hold_transaction,
    "writer": writer,
    "stall-before-replace": stall_before_replace,
    "write-beyond-limit": write_beyond_limit,
    "write-one": write_one,
    "stop-inside-write": stop_inside_write,
}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](*sys.argv[2:])

"""JsonFileStore: what only a file store does (one write per commit, caching parses, no file created by reading).

The contract every store keeps (revisions, conflicts, snapshots, threads) is
tested on this store and on PostgreSQL in test_store_contract.py.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from storage import (
    DamagedFileError,
    JsonFileStore,
    ReadOnlyError,
    SafeJSONStorage,
    StorageWriteError,
    lines,
)
from storage.lock import lock_path_for
from storage_testutil import APP, FORMAT

FORM = {"id": "f1", "title": "本级预算项目绩效目标表", "rows": [{"name": "数量指标", "value": 3}]}


@pytest.fixture
def store(db_path: Path) -> JsonFileStore:
    return JsonFileStore(db_path, **FORMAT)


def seed(store: JsonFileStore, *docs: dict[str, Any]) -> None:
    with store.transaction() as tx:
        for doc in docs:
            tx.insert("forms", doc)


def test_abort_writes_nothing_and_forgets_the_changes(store: JsonFileStore, db_path: Path) -> None:
    seed(store, FORM)
    before = os.stat(db_path)
    with pytest.raises(KeyError):
        with store.transaction() as tx:
            tx.insert("forms", {"id": "f2"})
            tx.replace("forms", FORM, base_revision=1)
            raise KeyError("operator pressed Esc")
    after = os.stat(db_path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert store.read().documents("forms") == [{**FORM, "revision": 1}]


def test_read_only_transaction_writes_nothing(store: JsonFileStore, db_path: Path) -> None:
    seed(store, FORM)
    before = os.stat(db_path)
    with store.transaction() as tx:
        tx.documents("forms")
    assert os.stat(db_path).st_ino == before.st_ino


def test_several_operations_commit_in_one_write(store: JsonFileStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.jsonstorage

    writes: list[int] = []
    real = storage.jsonstorage.atomic_write

    def counting(*args: Any, **kwargs: Any) -> os.stat_result:
        writes.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(storage.jsonstorage, "atomic_write", counting)
    with store.transaction() as tx:
        for n in range(5):
            tx.insert("forms", {"id": f"f{n}"})
        tx.append("history", {"event": "bulk"})
    assert len(writes) == 1


def test_failed_commit_leaves_file_and_cache_at_the_last_good_state(
    store: JsonFileStore, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(store, FORM)
    before = db_path.read_bytes()
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left")))
    with pytest.raises(StorageWriteError):
        with store.transaction() as tx:
            tx.insert("forms", {"id": "f2"})
    monkeypatch.undo()
    assert db_path.read_bytes() == before
    assert [doc["id"] for doc in store.read().documents("forms")] == ["f1"]


def test_storage_drops_a_cache_that_tinydb_mutated_before_a_failed_write(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Plain TinyDB edits the dict read() returned, then calls write(); if the
    # write fails the cache must not keep the edit.
    db = TinyDB(db_path, storage=SafeJSONStorage, app=APP)
    db.table("notes").insert({"id": "n1"})
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(PermissionError(errno.EACCES, "denied")))
    with pytest.raises(StorageWriteError):
        db.table("notes").insert({"id": "n2"})
    monkeypatch.undo()
    assert [doc["id"] for doc in db.table("notes").all()] == ["n1"]


def test_unchanged_file_is_not_parsed_again(store: JsonFileStore, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(store, FORM)
    other = JsonFileStore(store.path, **FORMAT)
    other.read()
    parses: list[int] = []
    real = lines.parse
    monkeypatch.setattr(lines, "parse", lambda *args: parses.append(1) or real(*args))

    store.read()
    store.read()
    with store.transaction() as tx:  # our own write becomes the cache
        tx.insert("forms", {"id": "f2"})
    assert store.read().get("forms", "f2") is not None
    assert parses == []
    other.read()  # the other instance sees a new file: parsed once
    assert parses == [1]

    seed(other, {"id": "f3"})  # someone else's write: one parse for us
    assert parses == [1]  # (other had to parse our f2 write)
    store.read()
    store.read()
    assert parses == [1, 1]


def test_read_only_store_refuses_transactions_before_locking(db_path: Path) -> None:
    seed(JsonFileStore(db_path, **FORMAT), FORM)
    os.unlink(lock_path_for(db_path))
    store = JsonFileStore(db_path, read_only=True, **FORMAT)
    with pytest.raises(ReadOnlyError) as caught:
        with store.transaction():
            pass
    assert str(db_path) in str(caught.value)
    assert not os.path.exists(lock_path_for(db_path))
    assert store.read().get("forms", "f1") is not None


def test_read_only_store_never_creates_a_missing_file(tmp_path: Path) -> None:
    store = JsonFileStore(tmp_path / "none" / "db.json", read_only=True, **FORMAT)
    assert store.read().documents("forms") == []
    with pytest.raises(ReadOnlyError):
        store.transaction()
    assert not (tmp_path / "none").exists()




def test_after_another_save_only_the_changed_documents_are_parsed_again(store: JsonFileStore) -> None:
    # Another operator's save changes one form of many: reading it parses that
    # one line, and the old and new versions share every other document.
    seed(store, *({"id": f"f{n}", "name": "项目" * 20} for n in range(5)))
    other = JsonFileStore(store.path, **FORMAT)
    before = {doc["id"]: doc for doc in store.read().view("forms")}
    with other.transaction() as tx:
        tx.replace("forms", {"id": "f2", "name": "改了"}, 1)
        tx.insert("forms", {"id": "f9", "name": "新的"})
    after = {doc["id"]: doc for doc in store.read().view("forms")}
    assert after["f2"]["name"] == "改了" and after["f9"]["name"] == "新的"
    assert all(after[ident] is before[ident] for ident in ("f0", "f1", "f3", "f4"))
    assert after["f2"] is not before["f2"]


def test_a_changed_line_of_the_same_length_is_parsed_and_checked_again(store: JsonFileStore) -> None:
    seed(store, {"id": "f1", "name": "一"}, {"id": "f2", "name": "二"})
    store.read()
    raw = Path(store.path).read_bytes()
    # Same length, different bytes: "一" (3 bytes) becomes "三" in f1's line; f2 loses its id.
    damaged = raw.replace("一".encode(), "三".encode()).replace(b'"id":"f2"', b'"xx":"f2"')
    os.replace(_written(store.path, damaged), store.path)
    with pytest.raises(DamagedFileError, match="no id"):
        store.read()
    repaired = raw.replace("一".encode(), "三".encode())
    os.replace(_written(store.path, repaired), store.path)
    assert store.read().get("forms", "f1")["name"] == "三"


def _written(path: str, raw: bytes) -> str:
    temporary = path + ".new"
    Path(temporary).write_bytes(raw)
    return temporary


def test_a_released_store_keeps_documents_as_lines_and_writes_them_unchanged(store: JsonFileStore) -> None:
    # The app keeps its own records: the store keeps each document as its line,
    # parses it whenever it is read, and writes an unchanged one as it was.
    seed(store, *({"id": f"f{n}", "name": f"项目{n}", "rows": [{"v": "1.50"}]} for n in range(4)))
    store.release()
    from storage.unparsed import Unparsed

    assert all(type(doc) is Unparsed for doc in store._storage._data["forms"].values())
    before = Path(store.path).read_bytes().splitlines()
    with store.transaction() as tx:
        tx.replace("forms", {"id": "f1", "name": "改了"}, 1)
        assert tx.get("forms", "f2")["rows"] == [{"v": "1.50"}]
    after = Path(store.path).read_bytes().splitlines()
    changed = [n for n, (old, new) in enumerate(zip(before, after)) if old != new]
    assert len(before) == len(after) and changed == [n for n, line in enumerate(before) if b'"f1"' in line]
    snapshot = store.read()
    assert [doc["name"] for doc in snapshot.view("forms")] == ["项目0", "改了", "项目2", "项目3"]
    assert [(ident, stored.revision) for ident, _, stored in snapshot.versions("forms")] == [
        ("f0", 1), ("f1", 2), ("f2", 1), ("f3", 1)
    ]
    assert all(type(doc) is Unparsed for doc in store._storage._data["forms"].values())
    mine = snapshot.get("forms", "f0")
    mine["name"] = "only mine"
    assert store.read().get("forms", "f0")["name"] == "项目0"


def test_a_released_store_reads_another_operators_save(store: JsonFileStore) -> None:
    seed(store, *({"id": f"f{n}", "name": f"项目{n}"} for n in range(3)))
    store.release()
    store.read()
    other = JsonFileStore(store.path, **FORMAT)
    with other.transaction() as tx:
        tx.replace("forms", {"id": "f0", "name": "别人改的"}, 1)
        tx.remove("forms", "f2", 1)
    assert [(doc["id"], doc["name"]) for doc in store.read().view("forms")] == [("f0", "别人改的"), ("f1", "项目1")]
    with store.transaction() as tx:
        tx.replace("forms", {"id": "f1", "name": "我改的"}, 1)
    assert [doc["name"] for doc in other.read().view("forms")] == ["别人改的", "我改的"]


def test_a_released_store_does_not_hold_the_file_twice_after_another_operators_save(store: JsonFileStore) -> None:
    # The app's peak memory is when another operator saves: the new file is read
    # line by line, and each unchanged line is the very bytes object read before
    # (the one just read is dropped), so the old and new versions share them, and
    # nothing holds the whole new text (a line is not a view into it).
    seed(store, *({"id": f"f{n}", "name": "项目" * 50} for n in range(5)))
    store.release()
    store.read()
    kept = {ident: doc.line for ident, doc in store._storage._data["forms"].items()}
    other = JsonFileStore(store.path, **FORMAT)
    with other.transaction() as tx:
        tx.replace("forms", {"id": "f2", "name": "改了"}, 1)
    store.read()
    now = store._storage._data["forms"]
    assert [ident for ident in now if now[ident].line is not kept[ident]] == [ident for ident in now if b'"f2"' in now[ident].line]
    assert all(type(doc.line) is bytes for doc in now.values())
    assert [doc["name"] for doc in store.read().view("forms")][2] == "改了"


def test_a_released_store_still_refuses_a_damaged_document_when_it_reads(store: JsonFileStore) -> None:
    # Kept as lines, documents are still each checked as the file is read: damage is
    # found before anything builds on it, and a save never writes it back.
    seed(store, {"id": "f1", "name": "一"}, {"id": "f2", "name": "二"})
    store.release()
    store.read()
    raw = Path(store.path).read_bytes()
    damaged = raw.replace('"二","revision":1'.encode(), '"二","revision":"x"'.encode())
    assert damaged != raw
    os.replace(_written(store.path, damaged), store.path)
    with pytest.raises(DamagedFileError, match="revision"):
        store.read()
    with pytest.raises(DamagedFileError):
        with store.transaction() as tx:
            tx.insert("forms", {"id": "f3"})
    assert '"revision":"x"' in Path(store.path).read_text(encoding="utf-8")

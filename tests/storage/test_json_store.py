"""JsonFileStore: transactions, revisions, snapshots and caching in one process."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from storage import (
    ConflictError,
    JsonFileStore,
    ReadOnlyError,
    SafeJSONStorage,
    Snapshot,
    Store,
    StorageWriteError,
    Transaction,
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


def test_implements_the_interfaces(store: JsonFileStore) -> None:
    assert isinstance(store, Store)
    assert isinstance(store.read(), Snapshot)
    with store.transaction() as tx:
        assert isinstance(tx, Transaction)


def test_insert_sets_revision_one_and_reads_back(store: JsonFileStore) -> None:
    with store.transaction() as tx:
        stored = tx.insert("forms", FORM)
        assert tx.get("forms", "f1") == stored  # a transaction sees its own changes
    assert stored == {**FORM, "revision": 1}
    snapshot = store.read()
    assert snapshot.get("forms", "f1") == stored
    assert snapshot.documents("forms") == [stored]


def test_replace_bumps_revision(store: JsonFileStore) -> None:
    seed(store, FORM)
    with store.transaction() as tx:
        stored = tx.replace("forms", {**FORM, "title": "新标题", "revision": 99}, base_revision=1)
    assert stored["revision"] == 2 and stored["title"] == "新标题"
    assert store.read().get("forms", "f1") == stored


def test_remove(store: JsonFileStore) -> None:
    seed(store, FORM, {"id": "f2"})
    with store.transaction() as tx:
        tx.remove("forms", "f1", base_revision=1)
    assert [doc["id"] for doc in store.read().documents("forms")] == ["f2"]


def test_append_is_for_unrevisioned_logs(store: JsonFileStore) -> None:
    with store.transaction() as tx:
        first = tx.append("history", {"event": "创建"})
        second = tx.append("history", {"event": "保存", "id": "h2"})
        with pytest.raises(ValueError):
            tx.append("forms", {"id": "x"})
        with pytest.raises(ValueError):
            tx.replace("history", second, base_revision=1)
    assert "revision" not in first and first["id"]
    assert [doc["event"] for doc in store.read().documents("history")] == ["创建", "保存"]


def test_duplicate_id_is_a_conflict_carrying_the_existing_document(store: JsonFileStore) -> None:
    seed(store, FORM)
    with store.transaction() as tx:
        with pytest.raises(ConflictError) as caught:
            tx.insert("forms", {"id": "f1", "title": "copy"})
    assert caught.value.current == {**FORM, "revision": 1}


def test_stale_save_is_refused_and_leaves_the_file_alone(db_path: Path) -> None:
    alice, bob = JsonFileStore(db_path, **FORMAT), JsonFileStore(db_path, **FORMAT)
    seed(alice, FORM)
    alice_copy = alice.read().get("forms", "f1")
    bob_copy = bob.read().get("forms", "f1")
    assert alice_copy is not None and bob_copy is not None
    assert alice_copy["revision"] == bob_copy["revision"] == 1

    with alice.transaction() as tx:
        saved = tx.replace("forms", {**alice_copy, "title": "Alice 的版本"}, base_revision=1)
    before = db_path.read_bytes()

    with pytest.raises(ConflictError) as caught:
        with bob.transaction() as tx:
            tx.replace("forms", {**bob_copy, "title": "Bob 的版本"}, base_revision=1)
    assert caught.value.current == saved and saved["revision"] == 2
    assert caught.value.table == "forms" and caught.value.doc_id == "f1"
    assert str(db_path) in str(caught.value)
    assert db_path.read_bytes() == before
    assert bob.read().get("forms", "f1") == saved


def test_save_or_remove_of_a_deleted_document_is_a_conflict(db_path: Path) -> None:
    alice, bob = JsonFileStore(db_path, **FORMAT), JsonFileStore(db_path, **FORMAT)
    seed(alice, FORM)
    with alice.transaction() as tx:
        tx.remove("forms", "f1", base_revision=1)
    for attempt in (
        lambda tx: tx.replace("forms", FORM, base_revision=1),
        lambda tx: tx.remove("forms", "f1", base_revision=1),
    ):
        with pytest.raises(ConflictError) as caught:
            with bob.transaction() as tx:
                attempt(tx)
        assert caught.value.current is None


def test_other_instance_writes_are_seen_without_tinydb_cache_staleness(db_path: Path) -> None:
    alice, bob = JsonFileStore(db_path, **FORMAT), JsonFileStore(db_path, **FORMAT)
    seed(alice, FORM)
    token = alice.read().token
    with alice.transaction() as tx:
        assert tx.get("forms", "f1")["revision"] == 1  # type: ignore[index]
    assert not alice.changed_since(token)

    seed(bob, {"id": "f2"})
    with bob.transaction() as tx:
        tx.replace("forms", FORM, base_revision=1)

    assert alice.changed_since(token)
    assert [doc["id"] for doc in alice.read().documents("forms")] == ["f1", "f2"]
    with alice.transaction() as tx:
        # A cached query result or doc_id counter would show revision 1 here,
        # or make this insert collide with Bob's doc_id.
        assert tx.get("forms", "f1")["revision"] == 2  # type: ignore[index]
        tx.insert("forms", {"id": "f3"})
    assert [doc["id"] for doc in bob.read().documents("forms")] == ["f1", "f2", "f3"]


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


def test_uncommitted_changes_are_invisible_to_readers(store: JsonFileStore) -> None:
    seed(store, FORM)
    with store.transaction() as tx:
        tx.insert("forms", {"id": "f2"})
        tx.remove("forms", "f1", base_revision=1)
        during = store.read()  # e.g. the UI thread refreshing meanwhile
        assert [doc["id"] for doc in during.documents("forms")] == ["f1"]
    assert [doc["id"] for doc in store.read().documents("forms")] == ["f2"]
    assert [doc["id"] for doc in during.documents("forms")] == ["f1"]


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
    monkeypatch.setattr(lines, "parse", lambda raw: parses.append(1) or real(raw))

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


def test_snapshots_are_isolated_from_later_changes_and_from_callers(store: JsonFileStore) -> None:
    seed(store, FORM)
    old = store.read()
    mine = old.get("forms", "f1")
    assert mine is not None
    mine["rows"][0]["value"] = 999  # a UI editing its copy in place
    mine["title"] = "unsaved"
    assert old.get("forms", "f1") == {**FORM, "revision": 1}

    with store.transaction() as tx:
        tx.replace("forms", {**FORM, "title": "saved"}, base_revision=1)
        tx.insert("forms", {"id": "f2"})
    assert old.documents("forms") == [{**FORM, "revision": 1}]
    assert store.read().get("forms", "f1")["rows"][0]["value"] == 3  # type: ignore[index]


def test_documents_given_to_insert_are_copied(store: JsonFileStore) -> None:
    doc = {"id": "f1", "rows": [1]}
    with store.transaction() as tx:
        tx.insert("forms", doc)
        doc["rows"].append(2)
    assert store.read().get("forms", "f1") == {"id": "f1", "rows": [1], "revision": 1}


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


def test_invalid_use_is_refused(store: JsonFileStore) -> None:
    with store.transaction() as tx:
        with pytest.raises(ValueError):
            tx.insert("forms", {"title": "no id"})
        with pytest.raises(ValueError):
            tx.insert("_meta", {"id": "x"})
        with pytest.raises(TypeError):
            tx.replace("forms", FORM, base_revision="1")  # type: ignore[arg-type]
        with pytest.raises(RuntimeError):
            with store.transaction():
                pass
    with pytest.raises(RuntimeError):
        tx.get("forms", "f1")


def test_threads_sharing_one_store_or_not_lose_nothing(db_path: Path) -> None:
    shared = JsonFileStore(db_path, **FORMAT)
    errors: list[BaseException] = []

    def insert(ident: str, own_store: bool) -> None:
        try:
            store = JsonFileStore(db_path, **FORMAT) if own_store else shared
            with store.transaction() as tx:
                tx.insert("forms", {"id": ident})
            store.read()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=insert, args=(f"t{n}", n % 2 == 0)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(doc["id"] for doc in shared.read().documents("forms")) == sorted(f"t{n}" for n in range(12))

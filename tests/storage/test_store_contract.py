"""The Store contract, on every backend: transactions, revisions, conflicts, snapshots, threads.

Each test runs once on a JSON file and once on a PostgreSQL database (see
``backend`` in conftest.py); what only one backend has (files, stat caching,
SQL columns) is tested in its own module.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from storage import ConflictError, ReadOnlyError, Snapshot, Store, Transaction

FORM = {"id": "f1", "title": "本级预算项目绩效目标表", "rows": [{"name": "数量指标", "value": 3}]}


def seed(store: Store, *docs: dict[str, Any]) -> None:
    with store.transaction() as tx:
        for doc in docs:
            tx.insert("forms", doc)


def ids(store: Store, table: str = "forms") -> list[str]:
    return [doc["id"] for doc in store.read().documents(table)]


def test_implements_the_interfaces(backend) -> None:
    store = backend.open()
    assert isinstance(store, Store)
    assert isinstance(store.read(), Snapshot)
    with store.transaction() as tx:
        assert isinstance(tx, Transaction)


def test_an_empty_database_has_empty_tables(backend) -> None:
    snapshot = backend.open().read()
    assert snapshot.documents("forms") == [] and list(snapshot.view("history")) == []
    assert snapshot.get("forms", "f1") is None


def test_insert_sets_revision_one_and_reads_back(backend) -> None:
    store = backend.open()
    with store.transaction() as tx:
        stored = tx.insert("forms", FORM)
        assert tx.get("forms", "f1") == stored  # a transaction sees its own changes
        assert tx.documents("forms") == [stored]
    assert stored == {**FORM, "revision": 1}
    snapshot = store.read()
    assert snapshot.get("forms", "f1") == stored
    assert snapshot.documents("forms") == [stored]
    assert list(snapshot.view("forms")) == [stored]


def test_insert_keeps_a_given_revision(backend) -> None:
    store = backend.open()
    with store.transaction() as tx:
        assert tx.insert("forms", {"id": "f1"}, revision=7)["revision"] == 7
    assert store.read().get("forms", "f1") == {"id": "f1", "revision": 7}


def test_replace_bumps_revision_and_keeps_the_place(backend) -> None:
    store = backend.open()
    seed(store, FORM, {"id": "f2"})
    with store.transaction() as tx:
        stored = tx.replace("forms", {**FORM, "title": "新标题", "revision": 99}, base_revision=1)
    assert stored["revision"] == 2 and stored["title"] == "新标题"
    assert store.read().get("forms", "f1") == stored
    assert ids(store) == ["f1", "f2"]


def test_remove(backend) -> None:
    store = backend.open()
    seed(store, FORM, {"id": "f2"})
    with store.transaction() as tx:
        tx.remove("forms", "f1", base_revision=1)
    assert ids(store) == ["f2"]


def test_append_is_for_unrevisioned_logs(backend) -> None:
    store = backend.open()
    with store.transaction() as tx:
        first = tx.append("history", {"event": "创建"})
        second = tx.append("history", {"event": "保存", "id": "h2"})
        with pytest.raises(ValueError):
            tx.append("forms", {"id": "x"})
        with pytest.raises(ValueError):
            tx.replace("history", second, base_revision=1)
        with pytest.raises(ConflictError) as caught:
            tx.append("history", {"id": "h2", "event": "again"})
        assert caught.value.current == second
    assert "revision" not in first and first["id"]
    assert [doc["event"] for doc in store.read().documents("history")] == ["创建", "保存"]


def test_the_log_keeps_the_order_of_commits(backend) -> None:
    stores = [backend.open() for _ in range(3)]
    for n in range(9):
        with stores[n % 3].transaction() as tx:
            tx.append("history", {"n": n})
    assert [doc["n"] for doc in stores[0].read().documents("history")] == list(range(9))


def test_last_is_the_newest_entry_of_a_log_committed_or_in_this_transaction(backend) -> None:
    store = backend.open()
    with store.transaction() as tx:
        assert tx.last("history") is None
        tx.append("history", {"n": 1})
        assert tx.last("history")["n"] == 1  # its own appends too
    with store.transaction() as tx:
        assert tx.last("history")["n"] == 1
        tx.append("history", {"n": 2})
        tx.append("history", {"n": 3})
        assert tx.last("history")["n"] == 3
    with store.transaction() as tx:
        assert tx.last("history")["n"] == 3


def test_duplicate_id_is_a_conflict_carrying_the_existing_document(backend) -> None:
    store = backend.open()
    seed(store, FORM)
    with store.transaction() as tx:
        with pytest.raises(ConflictError) as caught:
            tx.insert("forms", {"id": "f1", "title": "copy"})
    assert caught.value.current == {**FORM, "revision": 1}
    assert caught.value.table == "forms" and caught.value.doc_id == "f1"


def test_stale_save_is_refused_and_changes_nothing(backend) -> None:
    alice, bob = backend.open(), backend.open()
    seed(alice, FORM)
    alice_copy = alice.read().get("forms", "f1")
    bob_copy = bob.read().get("forms", "f1")
    assert alice_copy is not None and bob_copy is not None
    assert alice_copy["revision"] == bob_copy["revision"] == 1

    with alice.transaction() as tx:
        saved = tx.replace("forms", {**alice_copy, "title": "Alice 的版本"}, base_revision=1)
    before = backend.state()

    with pytest.raises(ConflictError) as caught:
        with bob.transaction() as tx:
            tx.append("history", {"event": "Bob saves"})  # rolled back with the refused save
            tx.replace("forms", {**bob_copy, "title": "Bob 的版本"}, base_revision=1)
    assert caught.value.current == saved and saved["revision"] == 2
    assert caught.value.table == "forms" and caught.value.doc_id == "f1"
    assert backend.location in str(caught.value)
    assert backend.state() == before
    assert bob.read().get("forms", "f1") == saved


def test_save_or_remove_of_a_deleted_document_is_a_conflict(backend) -> None:
    alice, bob = backend.open(), backend.open()
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


def test_other_instance_writes_are_seen(backend) -> None:
    alice, bob = backend.open(), backend.open()
    seed(alice, FORM)
    token = alice.read().token
    with alice.transaction() as tx:
        assert tx.get("forms", "f1")["revision"] == 1  # type: ignore[index]
    assert not alice.changed_since(token)

    seed(bob, {"id": "f2"})
    with bob.transaction() as tx:
        tx.replace("forms", FORM, base_revision=1)

    assert alice.changed_since(token)
    assert ids(alice) == ["f1", "f2"]
    with alice.transaction() as tx:
        # A cached result would show revision 1 here, or make this insert collide.
        assert tx.get("forms", "f1")["revision"] == 2  # type: ignore[index]
        tx.insert("forms", {"id": "f3"})
    assert ids(bob) == ["f1", "f2", "f3"]


def test_abort_writes_nothing_and_forgets_the_changes(backend) -> None:
    store = backend.open()
    seed(store, FORM)
    token = store.read().token
    before = backend.state()
    with pytest.raises(KeyError):
        with store.transaction() as tx:
            tx.insert("forms", {"id": "f2"})
            tx.replace("forms", FORM, base_revision=1)
            tx.append("history", {"event": "never"})
            raise KeyError("operator pressed Esc")
    assert backend.state() == before
    assert not store.changed_since(token)
    assert store.read().documents("forms") == [{**FORM, "revision": 1}]
    assert store.read().documents("history") == []


def test_uncommitted_changes_are_invisible_to_readers(backend) -> None:
    store = backend.open()
    seed(store, FORM)
    with store.transaction() as tx:
        tx.insert("forms", {"id": "f2"})
        tx.remove("forms", "f1", base_revision=1)
        during = store.read()  # e.g. the UI thread refreshing meanwhile
        assert [doc["id"] for doc in during.documents("forms")] == ["f1"]
        assert not backend.open().changed_since(during.token)
    assert ids(store) == ["f2"]
    assert [doc["id"] for doc in during.documents("forms")] == ["f1"]


def test_a_transaction_that_changes_nothing_writes_nothing(backend) -> None:
    store = backend.open()
    seed(store, FORM)
    token = store.read().token
    before = backend.state()
    with store.transaction() as tx:
        tx.documents("forms")
    assert not store.changed_since(token)
    assert backend.state() == before


def test_snapshots_are_isolated_from_later_changes_and_from_callers(backend) -> None:
    store = backend.open()
    seed(store, FORM, {"id": "f0"})
    old = store.read()
    mine = old.get("forms", "f1")
    assert mine is not None
    mine["rows"][0]["value"] = 999  # a UI editing its copy in place
    mine["title"] = "unsaved"
    assert old.get("forms", "f1") == {**FORM, "revision": 1}

    with store.transaction() as tx:
        tx.replace("forms", {**FORM, "title": "saved"}, base_revision=1)
        tx.remove("forms", "f0", base_revision=1)
        tx.insert("forms", {"id": "f2"})
        tx.append("history", {"event": "later"})
    # Tables the old snapshot had not read yet are still as they were.
    assert old.documents("forms") == [{**FORM, "revision": 1}, {"id": "f0", "revision": 1}]
    assert old.documents("history") == []
    assert store.read().get("forms", "f1")["rows"][0]["value"] == 3  # type: ignore[index]


def test_a_snapshot_read_late_is_still_its_moment(backend) -> None:
    store = backend.open()
    seed(store, FORM)
    old = store.read()
    with backend.open().transaction() as tx:
        tx.replace("forms", {**FORM, "title": "later"}, base_revision=1)
    assert old.get("forms", "f1") == {**FORM, "revision": 1}
    assert store.changed_since(old.token)


def test_documents_given_to_insert_are_copied(backend) -> None:
    store = backend.open()
    doc = {"id": "f1", "rows": [1]}
    with store.transaction() as tx:
        tx.insert("forms", doc)
        doc["rows"].append(2)
    assert store.read().get("forms", "f1") == {"id": "f1", "rows": [1], "revision": 1}


def test_documents_keep_their_values(backend) -> None:
    store = backend.open()
    doc = {
        "id": "值-1",
        "text": "中文　全角，ＡＢＣ and emoji 🙂",
        "amounts": ["80.00", "153.5184", "0.10"],
        "numbers": [0, -1, 2**53, 1.5],
        "empty": {"list": [], "dict": {}, "text": ""},
        "none": None,
        "flags": [True, False],
    }
    with store.transaction() as tx:
        tx.insert("forms", doc)
    assert store.read().get("forms", "值-1") == {**doc, "revision": 1}


def test_read_only_store_refuses_transactions(backend) -> None:
    seed(backend.open(), FORM)
    before = backend.state()
    store = backend.open(read_only=True)
    assert store.read_only
    with pytest.raises(ReadOnlyError) as caught:
        store.transaction()
    assert backend.location in str(caught.value)
    assert store.read().get("forms", "f1") is not None
    assert backend.state() == before


def test_invalid_use_is_refused(backend) -> None:
    store = backend.open()
    with store.transaction() as tx:
        with pytest.raises(ValueError):
            tx.insert("forms", {"title": "no id"})
        with pytest.raises(ValueError):
            tx.insert("_meta", {"id": "x"})
        with pytest.raises(ValueError):
            tx.insert("", {"id": "x"})
        with pytest.raises(TypeError):
            tx.replace("forms", FORM, base_revision="1")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            tx.insert("forms", {"id": "f", "bad": float("nan")})
        with pytest.raises(RuntimeError):
            with store.transaction():
                pass
    with pytest.raises(RuntimeError):
        tx.get("forms", "f1")


def test_threads_sharing_one_store_or_not_lose_nothing(backend) -> None:
    shared = backend.open()
    errors: list[BaseException] = []

    def insert(ident: str, own_store: bool) -> None:
        try:
            store = backend.open() if own_store else shared
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
    assert sorted(ids(shared)) == sorted(f"t{n}" for n in range(12))

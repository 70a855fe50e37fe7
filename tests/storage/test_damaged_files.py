"""Damaged or foreign files are reported, never overwritten."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tinydb import TinyDB

from storage import (
    DamagedFileError,
    JsonFileStore,
    NewerSchemaError,
    SafeJSONStorage,
    StorageError,
    fileformat,
)
from storage_testutil import FORMAT

META = {"1": {"app": "perftui", "schema": 1}}


def dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def valid_bytes(title: str) -> bytes:
    return fileformat.encode({"_meta": META, "forms": {"1": {"id": "f1", "revision": 1, "title": title * 50}}})


def cut(content: bytes, at: int) -> bytes:
    return content[:at]


CASES: dict[str, tuple[bytes, type[StorageError], str]] = {
    "empty": (b"", DamagedFileError, "empty"),
    "truncated": (cut(valid_bytes("title"), 100), DamagedFileError, "cut short"),
    "truncated-mid-character": (
        cut(valid_bytes("目标表"), valid_bytes("目标表").index("目".encode()) + 1),
        DamagedFileError,
        "cut short",
    ),
    "truncated-at-last-brace": (cut(valid_bytes("x"), -2), DamagedFileError, "cut short"),
    "not-json": (b"hello, world\n", DamagedFileError, "not valid JSON"),
    "whitespace-only": (b"\n\n", DamagedFileError, "cut short"),
    "binary-garbage": (bytes(range(256)) * 4, DamagedFileError, "not UTF-8"),
    "json-array": (b"[1, 2, 3]", DamagedFileError, "not a perftui database"),
    "plain-tinydb": (dump({"_default": {"1": {"a": 1}}}), DamagedFileError, "no _meta"),
    "other-app": (dump({"_meta": {"1": {"app": "budgetool", "schema": 1}}}), DamagedFileError, "budgetool"),
    "meta-without-schema": (dump({"_meta": {"1": {"app": "perftui"}}}), DamagedFileError, "schema"),
    "newer-schema": (dump({"_meta": {"1": {"app": "perftui", "schema": 2}}}), NewerSchemaError, "schema 2"),
    "doc-without-id": (dump({"_meta": META, "history": {"1": {"event": "x"}}}), DamagedFileError, "no id"),
    "form-without-revision": (dump({"_meta": META, "forms": {"1": {"id": "f1"}}}), DamagedFileError, "revision"),
    "duplicate-id": (
        dump({"_meta": META, "forms": {"1": {"id": "f1", "revision": 1}, "2": {"id": "f1", "revision": 1}}}),
        DamagedFileError,
        "twice",
    ),
    "table-not-object": (dump({"_meta": META, "forms": [1]}), DamagedFileError, "not a JSON object"),
    "bad-doc-key": (dump({"_meta": META, "forms": {"x": {"id": "f1", "revision": 1}}}), DamagedFileError, "key"),
}


@pytest.fixture(params=sorted(CASES))
def damaged(request: pytest.FixtureRequest, db_path: Path) -> tuple[Path, bytes, type[StorageError], str]:
    content, error, fragment = CASES[request.param]
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(content)
    return db_path, content, error, fragment


def assert_reported(error: StorageError, path: Path, fragment: str) -> None:
    message = str(error)
    assert error.path == str(path)
    assert str(path) in message
    assert fragment in message
    assert "\n" not in message
    # Storage names no program or command: the application words the remedy (perftui.messages).
    assert "`" not in message


def test_reading_reports_the_damage(damaged: tuple[Path, bytes, type[StorageError], str]) -> None:
    path, _, error, fragment = damaged
    with pytest.raises(error) as caught:
        JsonFileStore(path, **FORMAT).read()
    assert type(caught.value) is error
    assert_reported(caught.value, path, fragment)


def test_a_transaction_never_overwrites_it(damaged: tuple[Path, bytes, type[StorageError], str]) -> None:
    path, content, error, fragment = damaged
    store = JsonFileStore(path, **FORMAT)
    with pytest.raises(error) as caught:
        with store.transaction() as tx:
            tx.insert("forms", {"id": "new"})
    assert_reported(caught.value, path, fragment)
    assert path.read_bytes() == content


def test_a_blind_tinydb_write_never_overwrites_it(damaged: tuple[Path, bytes, type[StorageError], str]) -> None:
    # drop_tables() writes without reading first: the storage must still look.
    path, content, error, _ = damaged
    db = TinyDB(path, storage=SafeJSONStorage, **FORMAT)
    with pytest.raises(error):
        db.drop_tables()
    assert path.read_bytes() == content


def test_damage_after_a_good_read_is_noticed(db_path: Path) -> None:
    store = JsonFileStore(db_path, **FORMAT)
    with store.transaction() as tx:
        tx.insert("forms", {"id": "f1"})
    token = store.read().token
    # Something other than perftui rewrites the file in place.
    with open(db_path, "r+b") as handle:
        handle.truncate(os.path.getsize(db_path) // 2)
    damaged = db_path.read_bytes()
    assert store.changed_since(token)
    with pytest.raises(DamagedFileError):
        store.read()
    with pytest.raises(DamagedFileError):
        with store.transaction() as tx:
            tx.insert("forms", {"id": "f2"})
    assert db_path.read_bytes() == damaged


def test_missing_file_reads_as_empty_and_is_created_on_first_write(db_path: Path) -> None:
    store = JsonFileStore(db_path, **FORMAT)
    snapshot = store.read()
    assert snapshot.documents("forms") == [] and snapshot.get("forms", "x") is None
    assert not db_path.exists() and not db_path.parent.exists()
    with store.transaction() as tx:
        tx.insert("forms", {"id": "f1"})
    assert store.read().get("forms", "f1") == {"id": "f1", "revision": 1}


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b'{"_meta":{"1":{"app":"perftui","schema":1}},"forms":' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested"),
        (b'{"_meta":{"1":{"app":"perftui","schema":1}},"n":' + b"7" * 4_400 + b"}", "digits"),
        (b'{"_meta":{"1":{"app":"perftui","schema":1}},"n":1e999}', "infinity"),
    ],
    ids=["nested-100000-deep", "integer-4400-digits", "number-beyond-double"],
)
def test_hostile_json_is_one_line_of_damage(db_path: Path, content: bytes, fragment: str) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(content)
    with pytest.raises(DamagedFileError) as caught:
        JsonFileStore(db_path, **FORMAT).read()
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400 and str(db_path) in message
    assert fragment in message

"""A lookup's read (``JsonFileStore(lazy=True)``): lines checked, not parsed; fields decoded as asked."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from storage import DamagedFileError, JsonFileStore, fileformat, resolve
from storage_testutil import FORMAT

META = {"1": {"app": "perftui", "schema": 1}}


class Named(msgspec.Struct):
    id: str
    title: str


def write(path: Path, forms: dict, history: dict | None = None) -> bytes:
    """A file in the line layout perftui writes (each document on its line): the lazy reader's."""
    content = fileformat.encode({"_meta": META, "forms": forms, "history": history or {}})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return content


def test_a_lazy_read_gives_the_same_documents(db_path: Path) -> None:
    write(
        db_path,
        {"1": {"id": "f1", "revision": 2, "title": "目标表", "rows": [["a", "b"]]}, "2": {"id": "f2", "revision": 1, "title": "x"}},
        {"1": {"id": "h1", "form_id": "f1"}},
    )
    eager, lazy = JsonFileStore(db_path, **FORMAT).read(), JsonFileStore(db_path, lazy=True, **FORMAT).read()
    for table in ("forms", "history"):
        assert lazy.documents(table) == eager.documents(table)
        assert list(lazy.view(table)) == list(eager.view(table))
    assert lazy.get("forms", "f2") == {"id": "f2", "revision": 1, "title": "x"}
    assert [(ident, type(stored).__name__ != "dict") for ident, _, stored in lazy.versions("forms")] == [("f1", True), ("f2", True)]


def test_project_decodes_only_the_fields_asked_for_and_says_which_to_read_whole(db_path: Path) -> None:
    write(db_path, {"1": {"id": "f1", "revision": 1, "title": "甲", "more": [1, 2]}, "2": {"id": "f2", "revision": 1, "title": 7}})
    snapshot = JsonFileStore(db_path, lazy=True, **FORMAT).read()
    projected = list(snapshot.project("forms", Named))
    assert projected[0][1] == Named("f1", "甲")
    assert projected[1][1] is None  # a title that is not text: the caller reads it whole
    assert resolve(projected[1][0])["title"] == 7
    # A full read parsed every document already: each is read as it is.
    parsed = list(JsonFileStore(db_path, **FORMAT).read().project("forms", Named))
    assert [(resolve(stored), fit) for stored, fit in parsed] == [(resolve(stored), None) for stored, _ in projected]


@pytest.mark.parametrize(
    "doc, fragment",
    [
        ({"revision": 1}, "no id"),
        ({"id": "", "revision": 1}, "no id"),
        ({"id": 5, "revision": 1}, "no id"),
        ({"id": "f1"}, "no valid revision"),
        ({"id": "f1", "revision": 0}, "no valid revision"),
        ({"id": "f1", "revision": True}, "no valid revision"),
        ({"id": "f1", "revision": 1.0}, "no valid revision"),
    ],
)
def test_a_lazy_read_refuses_what_a_full_read_refuses_with_the_same_words(db_path: Path, doc: dict, fragment: str) -> None:
    write(db_path, {"1": {"id": "f0", "revision": 1}, "2": doc})
    messages = []
    for lazy in (False, True):
        with pytest.raises(DamagedFileError) as caught:
            JsonFileStore(db_path, lazy=lazy, **FORMAT).read()
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and fragment in messages[1]


def test_a_lazy_read_refuses_a_duplicate_id(db_path: Path) -> None:
    write(db_path, {"1": {"id": "f1", "revision": 1}, "2": {"id": "f1", "revision": 3}})
    with pytest.raises(DamagedFileError, match="twice"):
        JsonFileStore(db_path, lazy=True, **FORMAT).read()


@pytest.mark.parametrize("hostile", [b"1e999", b"7" * 4_400, b'"\xff"'], ids=["beyond-double", "4400-digits", "not-utf-8"])
def test_a_line_checked_but_not_usable_is_one_line_of_damage_when_it_is_read(db_path: Path, hostile: bytes) -> None:
    content = write(db_path, {"1": {"id": "f1", "revision": 1, "n": 0}})
    content = content.replace(b'"n":0', b'"n":' + hostile)
    db_path.write_bytes(content)
    with pytest.raises(DamagedFileError):  # a full read refuses the file at once
        JsonFileStore(db_path, **FORMAT).read()
    snapshot = JsonFileStore(db_path, lazy=True, **FORMAT).read()
    # A lazy read checks what storage requires of each line (JSON, id, revision); the rest of a
    # document is checked when it is read: the command that reads it says the file is damaged.
    with pytest.raises(DamagedFileError) as caught:
        snapshot.documents("forms")
    message = str(caught.value)
    assert str(db_path) in message and "f1" in message and "\n" not in message
    assert caught.value.reason.startswith("not valid JSON")  # the words of any file that is not JSON
    assert db_path.read_bytes() == content


def test_what_the_line_check_sees_is_refused_at_once(db_path: Path) -> None:
    content = write(db_path, {"1": {"id": "f1", "revision": 1, "n": 0}}).replace(b'"n":0', b'"n":"\\ud800"')
    db_path.write_bytes(content)  # a lone surrogate escape: not text
    with pytest.raises(DamagedFileError, match="surrogate"):
        JsonFileStore(db_path, lazy=True, **FORMAT).read()
    assert db_path.read_bytes() == content


def test_a_lazy_store_writes_nothing(db_path: Path) -> None:
    content = write(db_path, {"1": {"id": "f1", "revision": 1}})
    store = JsonFileStore(db_path, lazy=True, **FORMAT)
    store.read()
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.insert("forms", {"id": "f2"})
    assert db_path.read_bytes() == content



def test_a_file_in_another_layout_is_read_whole_by_a_lazy_read_too(db_path: Path) -> None:
    import json

    db_path.parent.mkdir(parents=True)
    data = {"_meta": META, "forms": {"1": {"id": "f1", "revision": 1, "title": "甲"}}, "history": {}}
    db_path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")  # edited by hand
    snapshot = JsonFileStore(db_path, lazy=True, **FORMAT).read()
    assert snapshot.documents("forms") == [{"id": "f1", "revision": 1, "title": "甲"}]
    assert [fit for _, fit in snapshot.project("forms", Named)] == [None]  # parsed already: read as it is

"""A save encodes and checks only the documents it changed, and the file stays exactly right."""

import gc
import json

import pytest

from storage import JsonFileStore, fileformat, gc_paused, lines
from storage_testutil import FORMAT


def count_encoded(monkeypatch):
    """The ids of the documents encoded from now on."""
    encoded = []
    real = fileformat.dumps

    def counting(value):
        if isinstance(value, dict) and "id" in value:
            encoded.append(value["id"])
        return real(value)

    monkeypatch.setattr(fileformat, "dumps", counting)
    return encoded


def count_checked(monkeypatch):
    checked = []
    real = fileformat.check_document
    monkeypatch.setattr(
        fileformat, "check_document", lambda name, doc_id, doc, revisioned: checked.append(doc["id"]) or real(name, doc_id, doc, revisioned)
    )
    return checked


def test_a_save_re_encodes_and_checks_only_what_changed(tmp_path, monkeypatch):
    store = JsonFileStore(tmp_path / "db.json", **FORMAT)
    with store.transaction() as tx:
        for n in range(50):
            tx.insert("forms", {"id": f"f{n}", "name": f"表{n}"})
        tx.append("history", {"id": "h0"})
    encoded, checked = count_encoded(monkeypatch), count_checked(monkeypatch)
    with store.transaction() as tx:
        doc = tx.get("forms", "f7")
        tx.replace("forms", doc | {"name": "改过"}, doc["revision"])
    # The other 49 forms kept their lines; the history table was not even looked at.
    assert encoded.count("f7") >= 1 and set(encoded) == {"f7"}
    assert checked == ["f7"]
    on_disk = json.loads((tmp_path / "db.json").read_text(encoding="utf-8"))
    assert on_disk["forms"]["8"]["name"] == "改过" and on_disk["forms"]["9"]["name"] == "表8"
    assert fileformat.encode(on_disk) == (tmp_path / "db.json").read_bytes()


def test_the_first_save_after_reading_reuses_the_lines_read(tmp_path, monkeypatch):
    path = tmp_path / "db.json"
    with JsonFileStore(path, **FORMAT).transaction() as tx:
        for n in range(20):
            tx.insert("forms", {"id": f"f{n}", "name": f"表{n}"})
    fresh = JsonFileStore(path, **FORMAT)  # another process: knows only the file
    encoded = count_encoded(monkeypatch)
    with fresh.transaction() as tx:
        tx.insert("forms", {"id": "new"})
    assert set(encoded) == {"new"}
    assert fileformat.encode(json.loads(path.read_text(encoding="utf-8"))) == path.read_bytes()


def test_a_file_written_by_another_process_is_encoded_afresh(tmp_path):
    path = tmp_path / "db.json"
    first, second = JsonFileStore(path, **FORMAT), JsonFileStore(path, **FORMAT)
    with first.transaction() as tx:
        tx.insert("forms", {"id": "a", "name": "一"})
    with second.transaction() as tx:
        tx.insert("forms", {"id": "b", "name": "二"})
    with first.transaction() as tx:
        doc = tx.get("forms", "b")
        tx.replace("forms", doc | {"name": "贰"}, doc["revision"])
    names = {d["id"]: d["name"] for d in json.loads(path.read_text(encoding="utf-8"))["forms"].values()}
    assert names == {"a": "一", "b": "贰"}


def test_a_file_in_another_layout_is_read_whole_and_written_in_ours(tmp_path):
    path = tmp_path / "db.json"
    data = {"_meta": fileformat.meta_table(FORMAT["app"]), "forms": {"1": {"id": "a", "revision": 1, "name": "一"}}}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")  # as an editor might leave it
    assert lines.parse(path.read_bytes()) is None
    store = JsonFileStore(path, **FORMAT)
    assert store.read().get("forms", "a")["name"] == "一"
    with store.transaction() as tx:
        tx.insert("forms", {"id": "b"})
    parsed = lines.parse(path.read_bytes())
    assert parsed is not None and parsed[0]["forms"]["1"]["name"] == "一"


@pytest.mark.parametrize(
    "raw",
    [
        b'{\n"_meta":{\n"1":{"app":"x","schema":1}\n},\n"t":{\n"1":{"id":"a"},\n}\n}\n',  # trailing comma
        b'{\n"_meta":{\n"1":{"app":"x","schema":1}\n},\n"t":{\n"1":{"id":"a"}\n"2":{"id":"b"}\n}\n}\n',  # missing comma
        b'{\n"_meta":{\n"1":{"app":"x","schema":1}\n},\n"t":{\n"1":{"id":"a"},"2":{"id":"b"}\n}\n}\n',  # two on a line
        b'{\n"_meta":{\n"1":{"app":"x","schema":1}\n}\n}',  # no final newline
        b'{\n"_meta":{\n"1":{"app":"x","schema":1}\n},\n}\n',  # a comma before the end
    ],
)
def test_line_parsing_accepts_only_our_exact_layout(raw):
    # Anything else goes to the whole-text parser, which accepts valid JSON and reports the rest.
    assert lines.parse(raw) is None


def test_gc_paused_restores_the_collector_and_nests():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()

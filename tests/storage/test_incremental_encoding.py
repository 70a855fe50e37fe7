"""A save re-encodes only the documents it changed, and the file stays exactly right."""

import gc
import json

from storage import JsonFileStore, fileformat, gc_paused


def test_a_save_re_encodes_only_what_changed(tmp_path, monkeypatch):
    store = JsonFileStore(tmp_path / "db.json")
    with store.transaction() as tx:
        for n in range(50):
            tx.insert("forms", {"id": f"f{n}", "name": f"表{n}"})
    encoded = []
    real_line = fileformat._line
    monkeypatch.setattr(fileformat, "_line", lambda doc_id, doc: encoded.append(doc.get("id")) or real_line(doc_id, doc))
    with store.transaction() as tx:
        doc = tx.get("forms", "f7")
        tx.replace("forms", doc | {"name": "改过"}, doc["revision"])
    assert [i for i in encoded if i is not None] == ["f7"]  # the other 49 were reused (None: the fresh _meta line)
    on_disk = json.loads((tmp_path / "db.json").read_text(encoding="utf-8"))
    assert on_disk["forms"]["8"]["name"] == "改过" and on_disk["forms"]["9"]["name"] == "表8"
    assert fileformat.encode(on_disk) == (tmp_path / "db.json").read_bytes()


def test_a_file_written_by_another_process_is_encoded_afresh(tmp_path):
    path = tmp_path / "db.json"
    first, second = JsonFileStore(path), JsonFileStore(path)
    with first.transaction() as tx:
        tx.insert("forms", {"id": "a", "name": "一"})
    with second.transaction() as tx:
        tx.insert("forms", {"id": "b", "name": "二"})
    with first.transaction() as tx:
        doc = tx.get("forms", "b")
        tx.replace("forms", doc | {"name": "贰"}, doc["revision"])
    names = {d["id"]: d["name"] for d in json.loads(path.read_text(encoding="utf-8"))["forms"].values()}
    assert names == {"a": "一", "b": "贰"}


def test_gc_paused_restores_the_collector_and_nests():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()

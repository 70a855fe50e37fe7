"""The file format: readable UTF-8, one document per line, lossless round trip."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import JsonFileStore, fileformat, lines
from storage_testutil import APP, FORMAT

TITLE = "本级预算项目绩效目标表"

# orjson's range: 64-bit integers (signed and unsigned), doubles.
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
documents = st.dictionaries(st.text(), json_values, max_size=5).map(lambda d: {**d, "id": "x"})


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text(min_size=1).filter(lambda s: s != "_meta"), st.lists(documents, max_size=4), max_size=3))
def test_encode_decode_round_trip_one_document_per_line(tables: dict[str, list[dict[str, Any]]]) -> None:
    data: dict[str, Any] = {"_meta": fileformat.meta_table(APP)}
    data.update({name: {str(i + 1): doc for i, doc in enumerate(docs)} for name, docs in tables.items()})
    raw = fileformat.encode(data)
    assert fileformat.decode(raw) == data
    parsed = lines.parse(raw)  # line by line, as the storage reads its own files
    assert parsed is not None and parsed[0] == data
    # Newlines inside strings are escaped, so each document is exactly one line.
    documents_count = sum(len(table) for table in data.values())
    assert raw.count(b"\n") == 2 + documents_count + sum(2 if table else 1 for table in data.values())


def test_chinese_is_stored_readably(db_path: Path) -> None:
    with JsonFileStore(db_path, **FORMAT).transaction() as tx:
        tx.insert("forms", {"id": "f1", "title": TITLE, "rows": [{"指标": "产出指标"}]})
    text = db_path.read_bytes().decode("utf-8")
    assert TITLE in text and "产出指标" in text
    assert "\\u" not in text


def test_meta_comes_first_and_each_document_has_its_line(db_path: Path) -> None:
    with JsonFileStore(db_path, **FORMAT).transaction() as tx:
        tx.insert("forms", {"id": "f1", "title": TITLE})
        tx.insert("forms", {"id": "f2", "title": "第二"})
    lines = db_path.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["{", '"_meta":{', '"1":{"app":"perftui","schema":1}']
    assert sum(1 for line in lines if '"id":"f' in line) == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"id": "a", "x": math.nan},
        {"id": "a", "x": {1, 2}},
        {"id": "a", "x": "\udc80"},  # lone surrogate: not encodable as UTF-8
        {"id": "a", "x": [math.inf]},
        {"id": "a", "x": 2**64},  # beyond what the format keeps exactly
        {"id": "a", "x": {1: "a"}},  # JSON keys are strings: a silent conversion would change the document
    ],
    ids=["nan", "set", "surrogate", "infinity", "huge-int", "int-key"],
)
def test_normalize_refuses_what_cannot_be_stored(bad: dict[str, Any]) -> None:
    with pytest.raises((TypeError, ValueError)):
        fileformat.normalize(bad)


def test_normalize_returns_an_independent_json_copy() -> None:
    original = {"id": "a", "rows": [(1, 2)], "nested": {"k": [1]}}
    copy = fileformat.normalize(original)
    assert copy == {"id": "a", "rows": [[1, 2]], "nested": {"k": [1]}}
    copy["nested"]["k"].append(2)
    assert original["nested"]["k"] == [1]


def test_write_refuses_data_it_could_not_read_back(db_path: Path) -> None:
    from storage import SafeJSONStorage

    storage = SafeJSONStorage(db_path, revisioned={"forms"}, app=APP)
    with pytest.raises(ValueError, match="revision"):
        storage.write({"forms": {"1": {"id": "a"}}})
    assert not db_path.exists()
    storage.write({"forms": {"1": {"id": "a", "revision": 1}}})
    assert json.loads(db_path.read_text(encoding="utf-8"))["_meta"] == fileformat.meta_table(APP)

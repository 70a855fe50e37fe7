"""Inserting many documents in one transaction costs what it touches: linear, not quadratic.

TinyDB's own table update rebuilds the whole table on every insert, which made
importing 1k/2k/4k forms take 0.55/2.0/7.2 s and 50k never finish.
"""

from __future__ import annotations

import time
from pathlib import Path

from storage import JsonFileStore
from storage_testutil import FORMAT


def insert_cpu_seconds(path: Path, count: int) -> float:
    store = JsonFileStore(path, **FORMAT)
    started = time.process_time()  # CPU, not wall: other work on the machine does not count
    with store.transaction() as tx:
        for n in range(count):
            tx.insert("forms", {"id": f"f{n}", "name": "本级预算项目" * 4})
            tx.append("history", {"form_id": f"f{n}"})
    return time.process_time() - started


def test_ten_thousand_inserts_in_one_transaction_are_linear(tmp_path: Path) -> None:
    small = min(insert_cpu_seconds(tmp_path / f"small{n}.json", 2_500) for n in range(2))
    large = insert_cpu_seconds(tmp_path / "large.json", 10_000)
    # Four times the documents: about four times the work (quadratic would be sixteen).
    assert large < 8 * small + 0.05, (small, large)
    assert large < 5.0
    stored = JsonFileStore(tmp_path / "large.json", **FORMAT).read()
    assert len(stored.documents("forms")) == 10_000 and len(stored.documents("history")) == 10_000

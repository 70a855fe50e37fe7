"""Recovery files: unsaved edits kept in the operator's own data folder, one per database and form."""

from __future__ import annotations

import os
import stat
import time

from perftui.core.form_edit import field_texts
from perftui.services import unsaved
from perftui.services.unsaved import UnsavedEdits
from perftui.tui.state.unsaved import UnsavedKeeper


def edits_for(db_path, form, **texts) -> UnsavedEdits:
    return UnsavedEdits(
        unsaved.database_key(db_path), form.id, form, field_texts(form) | texts, form.indicators
    )


def test_kept_edits_come_back_exactly_as_typed(db_path, seed_forms, tmp_path):
    form = seed_forms[0]
    edits = edits_for(db_path, form, **{"funding.annual.fiscal": "9a8", "name": "改过的名称"})
    path = unsaved.keep(edits)
    assert path.is_relative_to(tmp_path / "data")  # the user's data folder, not the database's
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    (back,) = unsaved.found(db_path)
    assert back == edits and back.texts["funding.annual.fiscal"] == "9a8"
    assert back.name == "改过的名称" and back.based_on == form.revision
    unsaved.forget(back.database, back.form_id)
    assert unsaved.found(db_path) == []


def test_another_databases_edits_and_damaged_files_are_not_offered(db_path, seed_forms, tmp_path):
    form = seed_forms[0]
    unsaved.keep(edits_for(tmp_path / "other.json", form))
    path = unsaved.keep(edits_for(db_path, seed_forms[1]))
    damaged = path.with_name(path.name.replace(seed_forms[1].id, "broken"))
    damaged.write_text("{not json", encoding="utf-8")
    assert [e.form_id for e in unsaved.found(db_path)] == [seed_forms[1].id]


def test_a_new_form_has_no_base(db_path):
    edits = UnsavedEdits(unsaved.database_key(db_path), "abc123", None, {"name": "新表", "year": "2025"}, ())
    unsaved.keep(edits)
    (back,) = unsaved.found(db_path)
    assert back.base is None and back.based_on == 0 and back.name == "新表"


def wait_until(predicate, what: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_the_keeper_writes_the_newest_edits_off_the_calling_thread_and_forgets_them(db_path, seed_forms):
    form = seed_forms[0]
    keeper = UnsavedKeeper(unsaved.database_key(db_path), interval=0.05)
    try:
        for typed in ("1", "10", "100"):  # a burst of changes: the newest is what ends up on disk
            keeper.keep(edits_for(db_path, form, **{"funding.annual.fiscal": typed}))
        wait_until(lambda: [e.texts["funding.annual.fiscal"] for e in unsaved.found(db_path)] == ["100"], "the write")
        keeper.forget(form.id)
        wait_until(lambda: unsaved.found(db_path) == [], "the file removed")
    finally:
        keeper.stop()


def test_flush_writes_at_once_and_stop_writes_what_is_pending(db_path, seed_forms):
    form = seed_forms[0]
    keeper = UnsavedKeeper(unsaved.database_key(db_path), interval=60)  # the thread would wait a minute
    keeper.flush([edits_for(db_path, form, name="在挂断时")])
    assert unsaved.found(db_path)[0].name == "在挂断时"
    keeper.forget(form.id)
    keeper.stop()  # a save just before quitting removes its file
    assert unsaved.found(db_path) == []


def test_a_folder_that_cannot_be_written_is_said_once(db_path, seed_forms, tmp_path, monkeypatch):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    said = []
    keeper = UnsavedKeeper(unsaved.database_key(db_path), failed=said.append, interval=0.01)
    try:
        keeper.flush([edits_for(db_path, seed_forms[0])])
        keeper.flush([edits_for(db_path, seed_forms[1])])
    finally:
        keeper.stop()
    assert len(said) == 1 and said[0]

"""The app on a PostgreSQL database: another operator's save on screen at once, an account that may only read."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perftui.services.repository import Repository

from .helpers import EXTRA_FORM_TEXT, listed_names, notifications, started, summary_text, wait_for

pytest.importorskip("psycopg")

SIZE = (120, 36)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def seeded_pg(pg_db, seed_forms) -> str:
    Repository.open(pg_db).import_forms(seed_forms)
    return pg_db


async def test_another_operators_import_is_on_screen_within_half_a_second(seeded_pg, tmp_path, make_app):
    extra = tmp_path / "extra.txt"
    extra.write_text(EXTRA_FORM_TEXT, encoding="utf-8")
    app = make_app(seeded_pg, poll_interval=0.5)  # the real interval: the server's notice is what wakes the app
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert "3,127.56" in summary_text(app)
        assert "postgresql://postgres@/" in app.sub_title
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "perftui", "--db", seeded_pg, "import", str(extra),
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )
        assert await process.wait() == 0
        written = time.monotonic()
        await wait_for(pilot, lambda: "3,227.56" in summary_text(app), timeout=2.0, what="the new total")
        assert time.monotonic() - written < 0.5
        assert "外部导入的项目" in listed_names(app)


async def test_delete_and_undo_in_the_app_reach_the_server(seeded_pg, make_app):
    app = make_app(seeded_pg)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        form = app.home.current_entry  # the list holds columns; the form is read when deleted
        await pilot.press("d", "y")
        await wait_for(pilot, lambda: len(app.catalog) == 7, what="delete")
        assert [f.id for f in Repository.open(seeded_pg).deleted_forms()] == [form.id]
        assert "3,029.56" in summary_text(app)  # 3,127.56 - 98.00
        await pilot.press("u")
        await wait_for(pilot, lambda: len(app.catalog) == 8, what="undo")
        assert "3,127.56" in summary_text(app)
    assert Repository.open(seeded_pg).get(form.id) is not None


@pytest.fixture
def reader_db(seeded_pg):
    """The same database for a role the server lets only read (the README's grants)."""
    import psycopg

    role = "reader_" + psycopg.conninfo.conninfo_to_dict(seeded_pg)["dbname"]
    with psycopg.connect(seeded_pg, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'GRANT USAGE ON SCHEMA perftui TO "{role}"')
        conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA perftui TO "{role}"')
    yield seeded_pg.replace("://postgres@", f"://{role}@")
    with psycopg.connect(seeded_pg, autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{role}"')
        conn.execute(f'DROP ROLE "{role}"')


async def test_an_account_that_may_only_read_gets_a_read_only_app(reader_db, make_app):
    app = make_app(reader_db)  # not asked to be read-only: the server says so
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.home.table.row_count == 8 and "3,127.56" in summary_text(app)
        assert app.read_only and "只读" in app.sub_title
        await pilot.press("d")  # delete: refused at once, nothing asked
        await pilot.pause()
        assert "只读模式" in notifications(app)
    assert len(Repository.open(reader_db).forms()) == 8


async def test_a_form_is_read_when_opened_and_keys_typed_meanwhile_reach_it(seeded_pg, make_app):
    """The list holds the server's columns only; Enter reads the form (in a worker), and what is typed at once edits it."""
    from textual import events

    from perftui.tui.editor.form_editor import FormEditorScreen

    app = make_app(seeded_pg)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        entry = app.home.current_entry
        assert entry.form is None and entry.listed is not None  # no form in memory
        for key, character in (("enter", None), ("end", None), ("X", "X")):  # one burst, no pauses
            app.post_message(events.Key(key, character))
        await wait_for(pilot, lambda: isinstance(app.screen, FormEditorScreen), what="the editor")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.value.endswith("X"), what="the typed X")
        assert app.screen.original.id == entry.id and app.screen.original.name == entry.name
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.catalog.get(entry.id).name == entry.name + "X", what="the save")
        assert app.catalog.get(entry.id).revision == entry.revision + 1
    assert Repository.open(seeded_pg).get(entry.id).name == entry.name + "X"


async def test_the_filter_asks_the_server_and_shows_what_the_file_would(seeded_pg, make_app):
    app = make_app(seeded_pg)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert all(entry._haystack is None for entry in app.catalog.entries)  # no search text held
        await pilot.press("slash", *"劳务派遣")
        await wait_for(pilot, lambda: listed_names(app) == ["研究院劳务派遣人员经费"], what="the filtered list")
        assert "98.00" in summary_text(app)
        await pilot.press("ctrl+u", *"≥７人")  # full-width, as an input method types it
        await wait_for(pilot, lambda: 0 < app.home.table.row_count < 8, what="the folded filter")
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: app.home.table.row_count == 8, what="the whole list")


async def test_the_first_screen_comes_before_the_whole_list_and_keys_typed_meanwhile_reach_the_whole_list(
    seeded_pg, make_app, monkeypatch
):
    """From a server the app paints the list's first rows and the totals of every form, then reads the rest;
    keys typed before the whole list is there wait for it (End goes to its real end, Enter opens that form)."""
    import threading

    from textual import events

    import perftui.tui.app as app_module
    from perftui.tui import type_ahead
    from perftui.tui.editor.form_editor import FormEditorScreen
    from perftui.tui.state.catalog import View
    from perftui.tui.state.database import Database

    monkeypatch.setattr(app_module, "PREVIEW_ROWS", 3)  # 3 of the 8 forms come first
    # Keys wait at most LONGEST_HOLD (then go on, so ctrl+q is never held): on a loaded machine the
    # first screen alone can take that long, so the hold is lengthened here, where the waiting is tested.
    monkeypatch.setattr(type_ahead, "LONGEST_HOLD", 60.0)
    go_on = threading.Event()
    whole_read = Database.read

    def read_when_told(self, previous=None):  # the whole list, held back until the test says so
        assert go_on.wait(30), "the test never let the whole list be read"
        return whole_read(self, previous)

    monkeypatch.setattr(Database, "read", read_when_told)
    app = make_app(seeded_pg)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.home.table.row_count == 3, what="the first rows")
        assert not app.loaded  # the whole list is not read yet
        assert "3,127.56" in summary_text(app) and "8张表" in summary_text(app)  # the server's totals of all 8
        for key in ("end", "enter"):  # one burst, no pauses
            app.post_message(events.Key(key, None))
        await pilot.pause()
        assert app.keys_pending and app.home.table.row_count == 3 and not isinstance(app.screen, FormEditorScreen)
        go_on.set()
        await wait_for(pilot, lambda: isinstance(app.screen, FormEditorScreen), what="the editor")
        last = app.catalog.select(View()).entries[-1]
        assert app.loaded and len(app.catalog) == 8
        assert app.screen.original.id == last.id  # the whole list's last form, not the first screen's

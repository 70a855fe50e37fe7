"""What the screen does when the database changes or fails underneath it."""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from perftui.services.repository import Repository
from perftui.tui.screens.error import ErrorScreen
from storage.lock import FileLock, lock_path_for

from .helpers import EXTRA_FORM_TEXT, listed_names, notifications, started, summary_text, wait_for

SIZE = (120, 36)
ROOT = Path(__file__).resolve().parents[2]


async def test_another_process_importing_changes_the_total_within_two_seconds(with_incomplete, tmp_path, make_app):
    extra = tmp_path / "extra.txt"
    extra.write_text(EXTRA_FORM_TEXT, encoding="utf-8")
    app = make_app(with_incomplete, poll_interval=0.5)  # the real interval
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert "3,137.56" in summary_text(app)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "perftui", "--db", str(with_incomplete), "import", str(extra),
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )
        assert await process.wait() == 0
        written = time.monotonic()
        await wait_for(pilot, lambda: "3,237.56" in summary_text(app), timeout=2.0, what="the new total")
        assert time.monotonic() - written < 2.0
        assert "外部导入的项目" in listed_names(app)


async def test_a_damaged_database_at_start_shows_the_reason_and_quits_with_3(db_path, make_app):
    db_path.write_text('{"forms": {"1": ', encoding="utf-8")
    before = db_path.read_bytes()
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert isinstance(app.screen, ErrorScreen)
        message = str(app.screen.query_one("#error-message").render())
        assert "已损坏" in message and str(db_path) in message
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 3
    assert db_path.read_bytes() == before  # nothing overwritten


async def test_retry_after_the_file_is_repaired(db_path, seed_forms, make_app, tmp_path):
    good = tmp_path / "good.json"
    Repository.open(good).import_forms(seed_forms)
    db_path.write_text("not json", encoding="utf-8")
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert isinstance(app.screen, ErrorScreen)
        await pilot.press("r")  # still damaged: stays, says so
        await pilot.pause(0.2)
        assert isinstance(app.screen, ErrorScreen)
        os.replace(good, db_path)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.screen is app.home and app.loaded, what="home after retry")
        assert "3,127.56" in summary_text(app)


async def test_a_file_damaged_later_keeps_the_list_and_says_why(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        with_incomplete.write_text("{ broken", encoding="utf-8")  # someone edited it by hand
        problem = app.home.query_one("#problem")
        await wait_for(pilot, lambda: problem.display, what="the problem banner")
        assert "已损坏" in str(problem.render())
        assert app.home.table.row_count == 9 and "3,137.56" in summary_text(app)


async def test_a_file_removed_underneath_keeps_the_list_and_says_so(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        with_incomplete.unlink()
        problem = app.home.query_one("#problem")
        await wait_for(pilot, lambda: problem.display, what="the problem banner")
        assert "已不存在" in str(problem.render())
        assert app.home.table.row_count == 9
    assert not with_incomplete.exists()  # nothing written behind the operator's back


async def test_a_lock_held_too_long_leaves_the_form_and_says_so(with_incomplete, make_app):
    app = make_app(with_incomplete, store_options={"lock_timeout": 0.3})
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        form = app.home.current_form
        with FileLock(lock_path_for(with_incomplete), timeout=1):
            await pilot.press("d", "y")
            await wait_for(pilot, lambda: "仍无法写入" in notifications(app), what="the lock message")
        assert form.name in listed_names(app) and len(app.catalog) == 9
    assert Repository.open(with_incomplete).get(form.id) is not None


async def test_a_form_changed_by_someone_else_is_not_deleted(with_incomplete, make_app):
    app = make_app(with_incomplete, poll_interval=60)  # the app has not seen the change
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        form = app.home.current_form
        other = Repository.open(with_incomplete)
        other.save(other.get(form.id).evolve(annual_goal="别人改了"))
        await pilot.press("d", "y")
        await wait_for(pilot, lambda: "刚被" in notifications(app), what="the conflict message")
    assert Repository.open(with_incomplete).get(form.id).annual_goal == "别人改了"


def test_importing_the_tui_raises_the_escape_delay():
    code = "import perftui.tui, textual.constants as c; print(c.ESCAPE_DELAY)"
    env = {k: v for k, v in os.environ.items() if k != "ESCDELAY"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert float(out.stdout) == 0.4
    env["ESCDELAY"] = "900"  # the operator's own setting wins
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert float(out.stdout) == 0.9

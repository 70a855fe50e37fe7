"""The app under hostile conditions: backups, a damaged file, open permissions, resizing, locales."""

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from textual.widgets import OptionList

from perftui.config import Settings
from perftui.services.repository import Repository, open_backups
from perftui.tui.dialogs.backups import BackupsScreen
from perftui.tui.dialogs.confirm import ConfirmScreen
from perftui.tui.screens.error import ErrorScreen
from perftui.tui.screens.history import HistoryScreen
from perftui.tui.widgets.form_table import FormTable
from storage.backup import backup_folder

from .helpers import listed_names, notifications, started, summary_text, wait_for

SIZE = (120, 36)
ROOT = Path(__file__).resolve().parents[2]


def _old_backup(db: Path, days: int, reason: str = "daily") -> Path:
    """A backup of ``db`` as if taken ``days`` ago."""
    folder = Path(backup_folder(db))
    folder.mkdir(exist_ok=True)
    stamp = (datetime.now() - timedelta(days=days)).strftime("%Y-%m-%d_%H-%M-%S")
    target = folder / f"{stamp}_{reason}.json"
    shutil.copyfile(db, target)
    return target


async def test_a_save_from_the_app_takes_the_daily_backup_keeping_what_config_says(db_path, seed_forms, make_app):
    Repository.open(db_path, backups_keep=None).import_forms(seed_forms)
    yesterday = _old_backup(db_path, 1)
    app = make_app(db_path, settings=Settings(backups_keep=1))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("c", "enter")  # copy a form into 2025: the first change today
        await pilot.pause()
        await pilot.press("ctrl+s")  # the editor saves through the app's database, with its backups
        await wait_for(pilot, lambda: len(app.catalog) == 9, what="copy")
    (backup,) = open_backups(db_path).list()  # today's daily; yesterday's pruned (keep = 1)
    assert backup.reason == "daily" and backup.taken_at.date() == datetime.now().date()
    assert not yesterday.exists()
    assert len(json.loads(Path(backup.path).read_text(encoding="utf-8"))["forms"]) == 8  # before the copy


async def test_a_read_only_app_takes_no_backups(seeded_db, make_app):
    app = make_app(seeded_db, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.database.repository.backups is None


async def test_a_damaged_database_offers_its_backups_and_restores_one(db_path, seed_forms, make_app):
    Repository.open(db_path).import_forms(seed_forms)  # takes the "created" backup
    broken = Path(backup_folder(db_path)) / "2000-01-01_00-00-00_daily.json"
    broken.write_text("{ not json", encoding="utf-8")  # an old, damaged backup: listed, not offered
    (Path(backup_folder(db_path)) / "manifest.json").unlink()  # as an older perftui left the folder: all listed
    db_path.write_text('{"forms": {"1": ', encoding="utf-8")
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "backups" in str(app.screen.query_one("#error-message").render())
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BackupsScreen) and app.screen.infos, what="backups")
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2
        assert "3,127.56" in str(options.get_option_at_index(0).prompt)
        assert options.get_option_at_index(1).disabled and "已损坏" in str(options.get_option_at_index(1).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#question").render())
        assert "created" in question and "3,127.56" in question and str(db_path) in question
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is app.home and app.loaded, what="the restored database")
        assert "3,127.56" in summary_text(app) and "已恢复备份" in notifications(app)
    reasons = [backup.reason for backup in open_backups(db_path).list()]
    assert "before-restore" in reasons  # the damaged file is kept too
    assert [e.action for e in Repository.open(db_path).history()][-1] == "backup-restore"


async def test_cancelling_the_backups_changes_nothing(db_path, seed_forms, make_app):
    Repository.open(db_path).import_forms(seed_forms)
    db_path.write_text("not json", encoding="utf-8")
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BackupsScreen) and app.screen.infos, what="backups")
        await pilot.press("enter", "n")
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
    assert db_path.read_text(encoding="utf-8") == "not json"


async def test_a_world_readable_database_is_warned_about_once(seeded_db, make_app):
    os.chmod(seeded_db, 0o644)
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        assert notifications(app).count("chmod 600") == 1


async def test_a_private_database_gets_no_warning(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert "chmod" not in notifications(app)


async def test_resizing_keeps_rows_selection_filter_and_focus(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("slash", *"龙头", "enter", "down")
        names, current = listed_names(app), app.home.table.current_id
        assert len(names) == 2 and current == app.home.table.listed_ids()[1]
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.press("up", "down")  # keys still work at 40x12
        await pilot.pause()
        assert app.home.table.current_id == current
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert listed_names(app) == names and app.home.table.current_id == current
        assert app.home.filter_input.value == "龙头" and app.home.view.needle == "龙头"
        assert isinstance(app.focused, FormTable)


async def test_every_screen_survives_a_40_by_12_terminal(with_incomplete, make_app):
    app = make_app(with_incomplete)
    async with app.run_test(size=(40, 12)) as pilot:
        await started(pilot)
        assert app.home.table.row_count == 9
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.screen.entries, what="history")
        await pilot.press("enter")
        await pilot.pause(0.2)
        await pilot.press("q", "q", "e")
        await pilot.pause()
        await pilot.press("ctrl+w", "question_mark")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is app.home and app.home.table.row_count == 9


def test_a_terminal_that_cannot_show_chinese_never_starts_textual(tmp_path):
    """`perftui` alone, on a latin-1 stream: one line, a non-zero exit, and textual never imported."""
    code = "import sys; from perftui import cli; code = cli.main([]); print(code, 'textual' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k not in ("LANG", "PYTHONUTF8")}
    env |= {"PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "latin-1", "LANG": "C.UTF-8", "PERFTUI_DB": str(tmp_path / "f.json")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert result.stdout.decode("ascii").split() == ["3", "False"]
    (line,) = result.stderr.decode("ascii").strip().splitlines()
    assert "UTF-8" in line and "LANG=" in line


async def test_a_save_whose_backup_fails_is_saved_with_a_warning(db_path, seed_forms, make_app):
    Repository.open(db_path, backups_keep=None).import_forms(seed_forms)
    Path(backup_folder(db_path)).write_text("a file where the backup folder should be", encoding="utf-8")
    app = make_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("c", "enter")  # copy a form into 2025: the first change today, due its backup
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(app.catalog) == 9, what="copy")
        await wait_for(pilot, lambda: "修改已保存，但" in notifications(app), what="the warning")
    assert len(Repository.open(db_path, backups_keep=None).forms()) == 9

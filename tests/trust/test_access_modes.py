"""Lookup accounts (--read-only, PERFTUI_READ_ONLY=1), file modes, and the world-readable warning."""

from __future__ import annotations

import os
import stat

import pytest

from perftui import cli
from perftui.services.repository import Repository, open_backups
from storage.backup import backup_folder
from tests.trust.conftest import run_cli

# Every top-level subcommand, as a lookup or a write. A new subcommand must be
# added here (and, if it writes, to WRITES below) so that no write escapes the
# read-only test.
LOOKUPS = {"list", "show", "total", "check", "progress", "export", "history", "deleted", "backups", "verify"}
WRITES = {
    "import": ["import", "SEED"],
    "revert": ["revert", "劳务派遣", "1", "--yes"],
    "undelete": ["undelete", "征迁"],
    "restore": ["restore", "1", "--yes"],
    "db": ["db", "init"],  # and upgrade, migrate: PostgreSQL set-up (tests/cli/test_postgres_cli.py)
}


def _subcommands() -> set[str]:
    parser = cli.build_parser()
    (group,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return set(group.choices)


def _folder_state(folder):
    state = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            st = os.stat(path)
            state[path] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return state


def test_every_subcommand_is_classified_as_lookup_or_write():
    assert _subcommands() == LOOKUPS | set(WRITES)


@pytest.fixture
def prepared(capsys, db_path, seed_path):
    """A database where each write command would change something: an edit to revert, a deleted form."""
    assert run_cli(capsys, "--db", db_path, "import", seed_path)[0] == 0
    repository = Repository.open(db_path)
    form = repository.lookup("劳务派遣")[0]
    repository.save(form.evolve(annual_goal="改过"))
    repository.delete(repository.lookup("征迁")[0])
    return db_path


@pytest.mark.parametrize("how", ["flag before", "flag after", "environment"])
@pytest.mark.parametrize("command", list(WRITES))
def test_read_only_refuses_every_write_with_one_line(capsys, monkeypatch, prepared, seed_path, command, how):
    argv = [str(seed_path) if arg == "SEED" else arg for arg in WRITES[command]]
    if how == "flag before":
        argv = ["--read-only", *argv]
    elif how == "flag after":
        argv = [*argv, "--read-only"]
    else:
        monkeypatch.setenv("PERFTUI_READ_ONLY", "1")
    if command == "import":  # something that would otherwise change
        changed = prepared.parent / "changed.txt"
        changed.write_text(seed_path.read_text(encoding="utf-8").replace("98\t年度金额\t98", "98\t年度金额\t90"), encoding="utf-8")
        argv = [str(changed) if arg == str(seed_path) else arg for arg in argv]
    before = _folder_state(prepared.parent)
    code, out, err = run_cli(capsys, "--db", prepared, *argv)
    assert code == 3, (out, err)
    (line,) = err.strip().splitlines()
    assert "只读" in line and str(prepared) in line
    assert _folder_state(prepared.parent) == before  # not the database, not a backup, not a lock file


def test_the_same_writes_do_change_things_without_read_only(capsys, prepared, seed_path):
    """The read-only test above is only meaningful if each command would write."""
    for command in ("revert", "undelete"):
        before = prepared.read_bytes()
        code, out, err = run_cli(capsys, "--db", prepared, *WRITES[command])
        assert code == 0, err
        assert prepared.read_bytes() != before
    before = prepared.read_bytes()
    assert run_cli(capsys, "--db", prepared, *WRITES["restore"])[0] == 0
    assert prepared.read_bytes() != before


def test_lookups_work_read_only(capsys, monkeypatch, prepared):
    monkeypatch.setenv("PERFTUI_READ_ONLY", "1")
    for command in (["total"], ["list"], ["history", "劳务派遣"], ["deleted"], ["backups"], ["check"]):
        code, out, err = run_cli(capsys, "--db", prepared, *command)
        assert code in (0, 1) and err == "", (command, err)
    assert "征迁" in run_cli(capsys, "--db", prepared, "deleted")[1]


def test_files_are_private_whatever_the_umask(capsys, tmp_path, seed_path):
    db = tmp_path / "new" / "forms.json"
    db.parent.mkdir()  # perftui never creates the folder of a --db by itself
    old = os.umask(0)
    try:
        assert run_cli(capsys, "--db", db, "import", seed_path)[0] == 0
    finally:
        os.umask(old)
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)  # noqa: E731
    assert mode(db) == 0o600 and mode(f"{db}.lock") == 0o600
    assert mode(backup_folder(db)) == 0o700
    assert {mode(b.path) for b in open_backups(db).list()} == {0o600}


def test_files_are_group_shared_in_a_setgid_folder(capsys, tmp_path, seed_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o2770)
    db = shared / "forms.json"
    assert run_cli(capsys, "--db", db, "import", seed_path)[0] == 0
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)  # noqa: E731
    assert mode(db) == 0o660 and mode(f"{db}.lock") == 0o660
    assert mode(backup_folder(db)) == 0o2770
    assert {mode(b.path) for b in open_backups(db).list()} == {0o660}
    assert os.stat(db).st_gid == os.stat(shared).st_gid


def test_a_database_everyone_can_read_gets_a_one_line_warning(capsys, tmp_path, seed_path):
    db = tmp_path / "forms.json"
    run_cli(capsys, "--db", db, "import", seed_path)
    code, out, err = run_cli(capsys, "--db", db, "total")
    assert code == 0 and err == ""
    os.chmod(db, 0o644)
    code, out, err = run_cli(capsys, "--db", db, "total")
    assert code == 0 and "3,127.56" in out  # a warning, not an error
    (line,) = err.strip().splitlines()
    assert "警告" in line and str(db) in line and "chmod" in line
    os.chmod(db, 0o600)
    os.chmod(tmp_path, 0o777)  # a folder anyone may write: anyone may replace the file
    try:
        code, out, err = run_cli(capsys, "--db", db, "total")
        assert code == 0 and len(err.strip().splitlines()) == 1 and "警告" in err
    finally:
        os.chmod(tmp_path, 0o700)

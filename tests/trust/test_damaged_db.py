"""A damaged database, a full disk, a read-only folder: one clear line, nothing overwritten."""

from __future__ import annotations

import errno
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys

import pytest

import storage
from perftui.services.repository import Repository, open_backups
from tests.trust.conftest import ROOT, perftui_process, run_cli


def _truncate(path):
    size = path.stat().st_size
    with open(path, "r+b") as handle:  # in place, the way a full disk or a bad copy leaves it
        handle.truncate(size // 2)


def _rewrite(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _first_form(data):
    return next(iter(data["forms"].values()))


DAMAGE = {
    "truncated": _truncate,
    "empty": lambda p: p.write_bytes(b""),
    "not JSON": lambda p: p.write_text("这不是数据库\n", encoding="utf-8"),
    "another program's JSON": lambda p: p.write_text('{"settings": {"1": {"id": "x"}}}', encoding="utf-8"),
    "newer schema": lambda p: _rewrite(p, lambda d: d["_meta"]["1"].update(schema=99)),
    "form without revision": lambda p: _rewrite(p, lambda d: _first_form(d).pop("revision")),
    "form without funding": lambda p: _rewrite(p, lambda d: _first_form(d).pop("funding")),
    "indicators not rows": lambda p: _rewrite(p, lambda d: _first_form(d).update(indicators="≥7人")),
    "amount not a number": lambda p: _rewrite(p, lambda d: _first_form(d)["funding"]["annual"].update(fiscal="九十八")),
    "year as text": lambda p: _rewrite(p, lambda d: _first_form(d).update(year="2024")),
    # A Decimal, but no amount: each used to pass the read and fail later, as a traceback.
    "amount 1e999": lambda p: _rewrite(p, lambda d: _first_form(d)["funding"]["annual"].update(fiscal="1e999")),
    "amount of 26 digits": lambda p: _rewrite(p, lambda d: _first_form(d)["funding"]["annual"].update(total="9" * 26)),
}

# The usual damage, named in the operator's language (the storage layer's reasons are English).
SAID_IN_CHINESE = {
    "truncated": "文件不完整",
    "empty": "文件是空的",
    "not JSON": "不是有效的 JSON",
    "another program's JSON": "不是 perftui 的数据库",
}

# Every command that reads the database, with arguments that would otherwise work.
COMMANDS = [
    ["list"],
    ["show", "劳务派遣"],
    ["total"],
    ["check"],
    ["export", "summary"],
    ["import", "SEED"],
    ["history"],
    ["history", "劳务派遣"],
    ["deleted"],
    ["undelete", "劳务派遣"],
    ["revert", "劳务派遣", "1", "--yes"],
]


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_every_command_says_so_in_one_line_and_nothing_is_overwritten(capsys, db_path, seed_path, damage):
    assert run_cli(capsys, "--db", db_path, "import", seed_path)[0] == 0
    DAMAGE[damage](db_path)
    before = db_path.read_bytes()
    backups_before = [b.name for b in open_backups(db_path).list()]
    for command in COMMANDS:
        argv = [seed_path if arg == "SEED" else arg for arg in command]
        code, out, err = run_cli(capsys, "--db", db_path, *argv)
        lines = err.strip().splitlines()
        assert code == 3, (command, out, err)
        # The way out names this database: not the default one's backups.
        assert len(lines) == 1 and str(db_path) in lines[0] and f"perftui --db {db_path} backups" in lines[0], (command, err)
        if damage in SAID_IN_CHINESE:  # what an operator meets: no English inside the Chinese line
            assert SAID_IN_CHINESE[damage] in lines[0] and not re.search(r"[a-z]{3,} [a-z]{3,}", lines[0].replace(f"perftui --db {db_path} backups", "")), lines[0]
        assert "Traceback" not in err
    assert db_path.read_bytes() == before
    assert [b.name for b in open_backups(db_path).list()] == backups_before
    # the way out works on the damaged file: list the backups, restore one
    code, out, err = run_cli(capsys, "--db", db_path, "backups")
    assert code == 0 and "3,127.56" in out and err == ""
    code, out, err = run_cli(capsys, "--db", db_path, "restore", "1", "--yes")
    assert code == 0, err
    assert "3,127.56" in run_cli(capsys, "--db", db_path, "total")[1]
    kept = open_backups(db_path).list()[0]
    assert kept.reason == "before-restore" and open(kept.path, "rb").read() == before  # evidence kept


def test_a_broken_history_entry_is_reported_by_what_reads_the_history(capsys, db_path, seed_path):
    """Lookups need only the forms, which are intact; history and revert say what is wrong."""
    run_cli(capsys, "--db", db_path, "import", seed_path)
    _rewrite(db_path, lambda d: next(iter(d["history"].values())).update(changes="everything"))
    before = db_path.read_bytes()
    assert "3,127.56" in run_cli(capsys, "--db", db_path, "total")[1]
    for command in (["history"], ["history", "劳务派遣"], ["revert", "劳务派遣", "1", "--yes"]):
        code, out, err = run_cli(capsys, "--db", db_path, *command)
        assert code == 3 and len(err.strip().splitlines()) == 1 and "history" in err and str(db_path) in err
    assert db_path.read_bytes() == before


def test_from_a_fresh_state_truncate_then_total_backups_restore_with_real_processes(tmp_path, seed_path):
    """The issue's own scenario, command by command, as an operator would type it."""
    db = tmp_path / "fresh" / "forms.json"
    db.parent.mkdir()  # perftui never creates the folder of a --db by itself
    assert perftui_process("--db", db, "import", seed_path).returncode == 0
    _truncate(db)

    total = perftui_process("--db", db, "total")
    assert total.returncode == 3 and total.stdout == ""
    (line,) = total.stderr.strip().splitlines()
    assert str(db) in line and "已损坏（文件不完整，像是写入时被中断）" in line and f"perftui --db {db} backups" in line

    listing = perftui_process("--db", db, "backups")
    assert listing.returncode == 0, listing.stderr
    first = listing.stdout.splitlines()[0]
    assert "已损坏（文件不完整" in first and "backups" not in first  # not "see what you are reading"
    assert f"perftui --db {db} restore" in listing.stdout  # how to restore one, for this database
    row = next(line for line in listing.stdout.splitlines() if line.split()[:1] == ["1"])
    assert row.split()[4:6] == ["8", "3,127.56"]

    restore = perftui_process("--db", db, "restore", "1", stdin="y\n")
    assert restore.returncode == 0, restore.stderr
    total = perftui_process("--db", db, "total")
    assert total.returncode == 0 and "3,127.56" in total.stdout
    assert perftui_process("--db", db, "list").stdout.count("2024") == 8


def test_a_full_disk_fails_the_save_with_a_message_and_keeps_the_file(capsys, monkeypatch, db_path, seed_path, seed_text, tmp_path):
    from storage import atomic

    run_cli(capsys, "--db", db_path, "import", seed_path)
    before = db_path.read_bytes()
    changed = tmp_path / "changed.txt"
    changed.write_text(seed_text.replace("98\t年度金额\t98", "98\t年度金额\t90"), encoding="utf-8")

    def disk_full(fd, data):
        os.write(fd, (data if isinstance(data, bytes) else b"".join(data))[:100])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "_write_all", disk_full)
    code, out, err = run_cli(capsys, "--db", db_path, "import", changed)
    assert code == 3 and len(err.strip().splitlines()) == 1
    assert "磁盘已满" in err and str(db_path) in err and "原文件未改动" in err
    assert db_path.read_bytes() == before
    assert not [n for n in os.listdir(db_path.parent) if n.endswith(".tmp")]  # no half file left
    # the same repository works again once there is space
    repository = Repository.open(db_path)
    form = repository.lookup("劳务派遣")[0]
    with pytest.raises(storage.StorageWriteError):
        repository.save(form.evolve(annual_goal="满了"))
    assert repository.get(form.id).annual_goal == form.annual_goal
    monkeypatch.undo()
    assert repository.save(form.evolve(annual_goal="有空间了")).revision == 2


def test_a_file_size_limit_in_a_real_process_leaves_the_database_intact(tmp_path, seed_path, seed_text):
    db = tmp_path / "forms.json"
    assert perftui_process("--db", db, "import", seed_path).returncode == 0
    before = db.read_bytes()
    changed = tmp_path / "changed.txt"
    changed.write_text(seed_text.replace("98\t年度金额\t98", "98\t年度金额\t90"), encoding="utf-8")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    env = os.environ | {"PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "perftui", "--db", str(db), "import", str(changed)],
        capture_output=True, text=True, env=env, preexec_fn=limit, timeout=60,
    )
    assert result.returncode == 3 and len(result.stderr.strip().splitlines()) == 1
    assert str(db) in result.stderr and "原文件未改动" in result.stderr
    assert db.read_bytes() == before
    assert "3,127.56" in perftui_process("--db", db, "total").stdout


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder the process cannot create files in: chmod for users, chattr +i for root."""
    folder = tmp_path / "shared"
    folder.mkdir()

    def freeze():
        if os.geteuid() != 0:
            os.chmod(folder, 0o555)
            return "chmod"
        if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
            return "chattr"
        return None

    def thaw():
        if os.geteuid() != 0:
            os.chmod(folder, 0o755)
        else:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)

    yield folder, freeze
    thaw()


def test_a_read_only_folder_fails_the_save_with_a_message_and_keeps_the_file(read_only_folder, seed_path, seed_text, tmp_path):
    folder, freeze = read_only_folder
    db = folder / "forms.json"
    assert perftui_process("--db", db, "import", seed_path).returncode == 0
    changed = tmp_path / "changed.txt"
    changed.write_text(seed_text.replace("98\t年度金额\t98", "98\t年度金额\t90"), encoding="utf-8")
    before = db.read_bytes()
    how = freeze()
    if how is None:
        pytest.skip("root without chattr: no way to make a folder read-only for this process")
    result = perftui_process("--db", db, "import", changed)
    assert result.returncode == 3 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "没有写入权限" in result.stderr and "原文件未改动" in result.stderr
    assert db.read_bytes() == before
    lookup = perftui_process("--db", db, "total")  # reading still works
    assert lookup.returncode == 0 and "3,127.56" in lookup.stdout


@pytest.mark.parametrize("command", [["list"], ["total"], ["backups"], ["import", "SEED"]])
def test_a_database_path_through_a_file_is_one_line(capsys, tmp_path, seed_path, command):
    # `--db /etc/passwd/x.json`: a path whose folder is a file (NotADirectoryError).
    blocker = tmp_path / "passwd"
    blocker.write_text("root:x:0:0\n")
    argv = [seed_path if part == "SEED" else part for part in command]
    code, out, err = run_cli(capsys, "--db", blocker / "x.json", *argv)
    assert code in (0, 3), err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 1
    if code == 3:
        assert str(blocker / "x.json") in err or str(blocker) in err
    assert blocker.read_text() == "root:x:0:0\n"

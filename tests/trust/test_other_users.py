"""With real second OS users: a read-only member cannot plant backups; an outsider gets one line.

Needs root (to create the users and to run as them); skipped elsewhere.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from perftui.services.repository import Repository, open_backups
from tests.trust.conftest import ROOT

GROUP, MEMBER, OUTSIDER = "perftui-test-team", "perftui-test-member", "perftui-test-outsider"


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True)


@pytest.fixture(scope="module")
def users():
    if os.geteuid() != 0 or not (shutil.which("useradd") and shutil.which("groupadd") and shutil.which("setpriv")):
        pytest.skip("needs root, useradd and setpriv to act as other users")
    created = []
    if _run("getent", "group", GROUP).returncode != 0:
        if _run("groupadd", GROUP).returncode != 0:
            pytest.skip("cannot create a group here")
        created.append(("groupdel", GROUP))
    for user, extra in ((MEMBER, ["-G", GROUP]), (OUTSIDER, [])):
        if _run("id", user).returncode != 0:
            if _run("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", *extra, user).returncode != 0:
                pytest.skip("cannot create users here")
            created.insert(0, ("userdel", user))
    yield {name: pwd.getpwnam(name) for name in (MEMBER, OUTSIDER)} | {"group": grp.getgrnam(GROUP)}
    for command, name in created:
        _run(command, name)


@pytest.fixture
def team_folder(users):
    # Under /tmp, not pytest's tmp_path: other users must be able to reach it.
    base = Path(tempfile.mkdtemp(prefix="perftui-team-"))
    base.chmod(0o755)
    folder = base / "team"
    folder.mkdir()
    os.chown(folder, 0, users["group"].gr_gid)
    folder.chmod(0o2750)  # members may read, not write
    yield folder
    shutil.rmtree(base)


def as_user(user: pwd.struct_passwd, *argv: str) -> subprocess.CompletedProcess:
    return _run("setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups", *argv)


def test_a_read_only_member_cannot_plant_a_backup(users, team_folder, seed_forms):
    db = team_folder / "forms.json"
    Repository.open(db).import_forms(seed_forms)
    folder = Path(open_backups(db).folder)
    assert folder.stat().st_mode & 0o7777 == 0o2750 and db.stat().st_mode & 0o777 == 0o640
    member = users[MEMBER]
    assert as_user(member, "cat", str(db)).returncode == 0  # a member reads the database
    assert as_user(member, "ls", str(folder)).returncode == 0  # and the backups
    forged = folder / "2099-01-01_00-00-00_daily.json"
    planted = as_user(member, "cp", str(db), str(forged))
    assert planted.returncode != 0 and not forged.exists()


OUTSIDER_RUN = """
import os, sys
from perftui.cli import main
main(["--db", sys.argv[1], "list"])  # as root, so everything `list` imports is loaded
sys.stdout.flush()
print("---", flush=True)
os.setgroups([])
os.setegid(int(sys.argv[3]))
os.seteuid(int(sys.argv[2]))
sys.exit(main(["--db", sys.argv[4], "list"]))
"""


def test_a_user_outside_the_group_gets_one_line_not_a_traceback(users, team_folder, seed_forms, tmp_path):
    db = team_folder / "forms.json"
    Repository.open(db).import_forms(seed_forms)
    warm = tmp_path / "warm.json"
    Repository.open(warm).import_forms(seed_forms)
    outsider = users[OUTSIDER]
    result = subprocess.run(
        [sys.executable, "-c", OUTSIDER_RUN, str(warm), str(outsider.pw_uid), str(outsider.pw_gid), str(db)],
        capture_output=True, text=True, cwd=ROOT,
        # A config file the outsider may look for: this test's own is in a folder only root may enter.
        env=os.environ | {"PYTHONPATH": str(ROOT), "PERFTUI_CONFIG": str(team_folder.parent / "config.toml")},
    )
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert str(db) in result.stderr and "没有权限" in result.stderr

"""The issue's broken-lock scenario, with perftui itself: no acknowledged import is lost.

One perftui process is stopped (SIGSTOP) inside its import's write, holding
the lock. Another times out and is told who holds the lock; the lock file is
deleted anyway; a real `perftui import` then imports ("新增 1"). The first
resumes: its write is refused (the file is not the one it read) and the
repository runs the import again from a fresh read. Both imports end up in
the forms and in the history.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from perftui.services.repository import Repository, open_store
from storage import LockTimeoutError
from storage.lock import lock_path_for
from tests.trust.conftest import ROOT, perftui_process

STOPPED_IMPORT = """
import os, signal, sys
from perftui.importing.text import read_file
from perftui.services.repository import Repository

stopped = []

def stop_once(path):
    if not stopped:
        stopped.append(True)
        print("stopping", flush=True)
        os.kill(os.getpid(), signal.SIGSTOP)

repository = Repository.open(sys.argv[1], before_replace=stop_once)
report = repository.import_forms(read_file(sys.argv[2]))
print("added", len(report.added), flush=True)
"""


def one_form_file(tmp_path, seed_text, name):
    # The first seed form under another name: a form neither database has.
    first = seed_text.split("# 本级预算项目绩效目标表")[1]
    path = tmp_path / f"{name}.txt"
    path.write_text("# 本级预算项目绩效目标表" + first.replace("研究院劳务派遣人员经费", name, 1), encoding="utf-8")
    return path


def test_a_stopped_import_and_a_deleted_lock_lose_no_acknowledged_import(tmp_path, db_path, seed_forms, seed_text):
    Repository.open(db_path).import_forms(seed_forms)
    mine, theirs = one_form_file(tmp_path, seed_text, "甲方新增项目"), one_form_file(tmp_path, seed_text, "乙方新增项目")
    stopped = subprocess.Popen(
        [sys.executable, "-c", STOPPED_IMPORT, str(db_path), str(mine)],
        cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert stopped.stdout.readline().strip() == "stopping"
        _, status = os.waitpid(stopped.pid, os.WUNTRACED)
        assert os.WIFSTOPPED(status)

        try:
            with open_store(db_path, lock_timeout=0.2).transaction():
                pass
        except LockTimeoutError as error:
            assert error.holder.pid == stopped.pid and lock_path_for(db_path) not in str(error)
        else:
            raise AssertionError("the stopped import holds the lock")
        os.unlink(lock_path_for(db_path))
        result = perftui_process("--db", db_path, "import", theirs)
        assert result.returncode == 0 and "新增 1" in result.stdout, result.stderr

        stopped.send_signal(signal.SIGCONT)
        out, err = stopped.communicate(timeout=60)
        assert out.split() == ["added", "1"], err
    finally:
        if stopped.poll() is None:
            stopped.send_signal(signal.SIGCONT)
            stopped.kill()
            stopped.communicate()

    repository = Repository.open(db_path)
    names = {form.name for form in repository.forms()}
    assert {"甲方新增项目", "乙方新增项目"} <= names and len(names) == 10
    assert {"甲方新增项目", "乙方新增项目"} <= {entry.form_name for entry in repository.history()}
    listed = perftui_process("--db", db_path, "list")
    assert "甲方新增项目" in listed.stdout and "乙方新增项目" in listed.stdout

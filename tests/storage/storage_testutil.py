"""Helpers shared by the storage tests (a uniquely named module, unlike conftest).

Child processes run ``storage_child.py`` with the worktree first on
PYTHONPATH, so they exercise this checkout's ``storage`` package and not
whatever an editable install points at.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).resolve().parent / "storage_child.py"


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def spawn_child(*args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    """Start ``storage_child.py`` with ``args``; stdout is a text pipe."""
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        cwd=ROOT,
        env=child_env(),
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(proc: subprocess.Popen[str], expected: str) -> None:
    """Block until the child prints ``expected`` (fails with its stderr if it dies first)."""
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != expected:
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"child printed {line!r} instead of {expected!r}; stderr:\n{err}")


def temp_files(folder: Path) -> list[str]:
    """Leftover temporary files of the atomic writer in ``folder``."""
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))

# Storage knows no application: the tests name one, and the table they revision.
APP = "perftui"
FORMAT = {"app": APP, "revisioned": {"forms"}}

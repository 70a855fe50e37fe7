"""Locales that are not UTF-8: perftui works, or says in one line how to get a UTF-8 locale.

Run as real processes, because the behaviour under test is the interpreter's
own start-up: under LANG=C Python switches to UTF-8 mode (PEP 538/540), so the
usual SSH case simply works; a stream that really cannot encode Chinese
(PYTHONIOENCODING=latin-1, or an installed ISO-8859-1 locale) gets the hint.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

import pytest

from perftui.services.access import encoding_problem
from tests.trust.conftest import ROOT, perftui_process


def _clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k not in ("LANG", "PYTHONUTF8", "PYTHONIOENCODING")}
    return env | {"PYTHONPATH": str(ROOT)} | extra


@pytest.fixture
def seeded(tmp_path, seed_path):
    db = tmp_path / "forms.json"
    assert perftui_process("--db", db, "import", seed_path).returncode == 0
    return db


def _run(db, *argv, **env):
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "perftui", "--db", str(db), *argv],
        capture_output=True, env=_clean_env(**env), timeout=60,
    )


@pytest.mark.parametrize(
    "env",
    [{"LANG": "C"}, {"LC_ALL": "C"}, {"LANG": "POSIX"}, {"LANG": "en_US.ISO-8859-1"}, {}],
    ids=["LANG=C", "LC_ALL=C", "POSIX", "latin-1 locale not installed", "no LANG"],
)
def test_the_cli_works_under_c_and_missing_locales(seeded, env):
    result = _run(seeded, "list", **env)
    assert result.returncode == 0 and result.stderr == b""
    text = result.stdout.decode("utf-8")  # UTF-8 mode: the bytes are UTF-8
    assert "研究院劳务派遣人员经费" in text and "98.00" in text


def test_a_stream_that_cannot_show_chinese_gets_one_ascii_line(seeded):
    for argv in (["total"], ["list"], []):  # [] is the TUI entry
        result = _run(seeded, *argv, LANG="C.UTF-8", PYTHONIOENCODING="latin-1")
        assert result.returncode == 3 and result.stdout == b""
        (line,) = result.stderr.decode("ascii").strip().splitlines()
        assert "UTF-8" in line and "LANG=" in line and "8859" in line


def test_encoding_problem_checks_the_streams_given():
    import io

    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    gb = io.TextIOWrapper(io.BytesIO(), encoding="gb18030")  # a Chinese locale: shows Chinese fine
    latin = io.TextIOWrapper(io.BytesIO(), encoding="iso8859-1")
    assert encoding_problem(utf8, gb) is None
    assert "iso8859-1" in encoding_problem(utf8, latin)


def _drain(fd, seconds, until=None):
    """Read from the pty for up to ``seconds`` (the child blocks if nobody reads)."""
    data = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
            if until is not None and until(data):
                break
    return data


def test_the_tui_starts_under_lang_c_in_a_terminal_and_quits(seeded):
    env = _clean_env(LANG="C", TERM="xterm-256color", ESCDELAY="25")
    pid, fd = pty.fork()
    if pid == 0:  # the child: perftui on a real terminal of 80x24
        try:
            os.execve(sys.executable, [sys.executable, "-m", "perftui", "--db", str(seeded)], env)
        finally:
            os._exit(127)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        # Chinese text drawn as UTF-8 bytes means the terminal path works too
        shown = _drain(fd, 30, until=lambda d: any(0x4E00 <= ord(c) <= 0x9FFF for c in d.decode("utf-8", "ignore")))
        text = shown.decode("utf-8", "ignore")
        assert any(0x4E00 <= ord(c) <= 0x9FFF for c in text), shown[-500:]
        assert "UTF-8 locale" not in text
        os.write(fd, b"\x11")  # ctrl+q
        _drain(fd, 10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the app did not quit on ctrl+q")
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)

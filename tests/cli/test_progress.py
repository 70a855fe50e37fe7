"""A long import shows a progress line on a terminal, and nothing of it in a pipe."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from perftui.cli.progress import ProgressLine
from perftui.text.width import width

ROOT = Path(__file__).resolve().parents[2]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_line_is_redrawn_in_place_and_cleared():
    screen = Terminal()
    line = ProgressLine(40, screen, columns=100)
    line.reading(3, 120, "各单位\x1b[31m的表.docx")
    drawn = screen.getvalue()
    assert drawn.startswith("\r") and "\x1b" not in drawn  # a control character in a name is shown as ?
    assert "3/40" in drawn and "120 张表" in drawn and "张/秒" in drawn and "各单位?[31m的表" in drawn
    assert width(drawn.strip("\r")) <= 99
    narrow = Terminal()
    ProgressLine(40, narrow, columns=40).reading(3, 120, "x.docx")
    assert width(narrow.getvalue().strip("\r")) <= 39 and narrow.getvalue().rstrip().endswith("…")
    line.clear()
    assert screen.getvalue().endswith("\r")
    assert set(screen.getvalue()[len(drawn):].strip("\r")) == {" "}


def test_nothing_is_drawn_into_a_pipe():
    pipe = io.StringIO()
    line = ProgressLine(40, pipe)
    line.reading(0, 0, "a.txt")
    line.writing(10)
    line.clear()
    assert pipe.getvalue() == ""


def test_an_import_of_many_files_on_a_terminal(tmp_path, seed_text):
    files = []
    for n in range(25):
        path = tmp_path / f"unit-{n:02d}.txt"
        path.write_text(seed_text.replace("研究院劳务派遣人员经费", f"研究院劳务派遣人员经费{n}"), encoding="utf-8")
        files.append(path)
    db = tmp_path / "forms.json"
    main, secondary = pty.openpty()
    env = {"PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", "HOME": str(tmp_path), "COLUMNS": "100"}
    process = subprocess.Popen(
        [sys.executable, "-m", "perftui", "--db", str(db), "import", *map(str, files)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=secondary, env=env,
    )
    os.close(secondary)
    out, _ = process.communicate(timeout=120)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert process.returncode == 0
    terminal = seen.decode("utf-8")
    assert "读取 0/25 个文件" in terminal and "写入数据库" in terminal and "\x1b" not in terminal
    assert out.decode("utf-8").splitlines()[-1].startswith("导入 200 张表")  # the results go to stdout, unmixed

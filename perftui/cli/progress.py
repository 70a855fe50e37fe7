"""A progress line for long work on a terminal: rewritten in place, gone when the work is done.

``perftui import`` of a folder of Word, Excel or PDF files can read for
minutes; the line says how many files are read, how many forms they held, at
what rate, and which file is being read now. Only on a terminal (stderr): a
pipe or a log file gets the results, not a spinner's worth of lines. It is
drawn with a carriage return and spaces, no escape sequences, and a file
name's control characters are shown as ``?``.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from perftui.i18n import gettext as _
from perftui.text.width import truncate, width

#: Seconds between redraws (a folder of small text files reads faster than a terminal over SSH shows).
EVERY = 0.1


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)


class ProgressLine:
    def __init__(self, total: int, stream: TextIO | None = None, *, columns: int | None = None) -> None:
        self.stream = stream or sys.stderr
        self.shown = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total = total
        self.columns = columns
        self.started = time.monotonic()
        self._drawn = 0  # display width of the line on screen now
        self._last = 0.0

    def reading(self, done: int, forms: int, name: str) -> None:
        """``done`` of the files read, ``forms`` found so far; ``name`` is read now."""
        now = time.monotonic()
        if not self.shown or now - self._last < EVERY:
            return
        self._last = now
        elapsed = now - self.started
        rate = f"{forms / elapsed:.1f}" if elapsed >= 0.5 else "—"  # a rate needs some time to mean anything
        self._draw(
            _("读取 {done}/{total} 个文件 · {forms} 张表 · {rate} 张/秒 · 正在读：{file}").format(
                done=done, total=self.total, forms=forms, rate=rate, file=_printable(name)
            )
        )

    def writing(self, forms: int) -> None:
        if self.shown:
            self._draw(_("写入数据库：{forms} 张表…").format(forms=forms))

    def clear(self) -> None:
        """Take the line away (before other output, and at the end)."""
        if self.shown and self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
            self._drawn = 0

    def _draw(self, line: str) -> None:
        columns = self.columns or _terminal_columns(self.stream)
        line = truncate(line, max(10, columns - 1))
        self.stream.write("\r" + line + " " * max(0, self._drawn - width(line)))
        self.stream.flush()
        self._drawn = max(self._drawn, width(line))


def _terminal_columns(stream: TextIO) -> int:
    import os

    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        columns = 0
    return columns or 80  # a terminal that does not say its size

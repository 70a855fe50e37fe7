"""Conditions of the session that the operator should hear about before any work.

Both checks give one line or None, so the CLI and the TUI can show them the
same way: the CLI on stderr, the TUI in its status bar.
"""

from __future__ import annotations

import codecs
import os
import sys
from typing import TextIO

from perftui.i18n import gettext as _

# Text every screen of perftui shows; a stream that cannot encode it cannot show perftui.
_PROBE = "本级预算项目绩效目标表，年度财政拨款"


def permission_warning(db_path: str | os.PathLike[str]) -> str | None:
    """A warning when users outside the owner's group can read or change the database (a file; None for a server)."""
    import storage

    if storage.is_server_url(db_path) or not storage.world_accessible(db_path):
        return None
    return _(
        "警告：数据库 {path} 或其所在目录所有用户都可读写；请执行 chmod 600（多人共用时见 README：组目录 chmod 2770）"
    ).format(path=os.fspath(db_path))


def _encoding(stream: TextIO | None) -> str | None:
    return getattr(stream, "encoding", None) if stream is not None else None


def encoding_problem(*streams: TextIO | None) -> str | None:
    """One ASCII line saying how to get a UTF-8 locale, when a stream cannot show Chinese.

    Python's UTF-8 mode (on by itself under ``LANG=C``/``POSIX``) makes the
    usual SSH case work; this catches the rest: a real ISO-8859-1 or GBK-less
    locale, or ``PYTHONIOENCODING`` set to one. ASCII and English, because a
    terminal that cannot show Chinese cannot show a Chinese message either.
    """
    streams = streams or (sys.stdout, sys.stderr)
    for stream in streams:
        encoding = _encoding(stream)
        if not encoding:
            continue
        try:
            _PROBE.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            try:
                name = codecs.lookup(encoding).name
            except LookupError:
                name = encoding
            return (
                f"perftui: the terminal's character set is {name}, which cannot show Chinese; "
                "set a UTF-8 locale, e.g. `export LANG=C.UTF-8` (or zh_CN.UTF-8), and run perftui again."
            )
    return None

"""Display width of text on a terminal: a Chinese character takes two columns.

``len()`` counts code points, so every column of Chinese text measured with it
is misaligned. Everything that pads, cuts or wraps text for a terminal or a
plain-text export goes through here (wcwidth underneath).
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65536)
def _char_width(char: str) -> int:
    # Imported on first use (then cached per character): a command that measures no
    # Chinese (check, to a pipe) does not load wcwidth's tables.
    from wcwidth import wcwidth

    w = wcwidth(char)
    return 0 if w < 0 else w  # control characters take no column


def width(text: str) -> int:
    if text.isascii():
        # Printable ASCII is a column a character; only control characters (and DEL) take none.
        return len(text) if text.isprintable() else sum(1 for c in text if c >= " " and c != "\x7f")
    return sum(map(_char_width, text))  # (map, not a generator: a summary of ten thousand forms measures a million)


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut ``text`` to at most ``limit`` columns, marking the cut."""
    if width(text) <= limit:
        return text
    room = limit - width(ellipsis)
    out, used = [], 0
    for char in text:
        w = _char_width(char)
        if used + w > room:
            break
        out.append(char)
        used += w
    return "".join(out) + ellipsis


def pad(text: str, size: int, align: str = "left") -> str:
    """Pad with spaces to ``size`` columns (never cuts)."""
    gap = max(0, size - width(text))
    if align == "right":
        return " " * gap + text
    if align == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


def wrap(text: str, limit: int) -> list[str]:
    """Break ``text`` into lines of at most ``limit`` columns.

    Chinese has no spaces between words, so lines break between any two
    characters; an ASCII word is kept whole when it fits on a line. Existing
    line breaks are kept. A line never starts with closing punctuation
    (，。、；：）」』！？): the character before it moves down with it, so no
    line is ever wider than ``limit``.
    """
    limit = max(limit, 2)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(_wrap_paragraph(paragraph, limit))
    return lines


_NO_LINE_START = set("，。、；：）」』！？,.;:!?)”’》")


def _wrap_paragraph(text: str, limit: int) -> list[str]:
    lines: list[str] = []
    line, used = "", 0
    tokens = _tokens(text)
    for token in tokens:
        w = width(token)
        if used + w <= limit:
            line, used = line + token, used + w
            continue
        if token in _NO_LINE_START and len(line) > 1 and not line[-1].isascii():
            carried = line[-1]  # 避头尾: the last character keeps the punctuation company
            lines.append(line[:-1].rstrip(" "))
            line = carried + token
            used = width(line)
            continue
        if w > limit:  # a word longer than a line: cut it
            for char in token:
                cw = _char_width(char)
                if used + cw > limit and line:
                    lines.append(line)
                    line, used = "", 0
                line, used = line + char, used + cw
            continue
        if line:
            lines.append(line.rstrip(" "))
        token = token.lstrip(" ")
        line, used = token, width(token)
    lines.append(line.rstrip(" "))
    return lines


def _tokens(text: str) -> list[str]:
    """ASCII words (with their trailing spaces) stay together; other characters split."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if char.isascii() and not char.isspace():
            word += char
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(char)
    if word:
        tokens.append(word)
    return tokens

"""What operators type through Chinese input methods, brought to one spelling.

Pinyin IMEs in full-width mode produce ９８，１２３．５ and ＞＝; in Chinese-punctuation
mode the '.' key gives '。' and ',' gives '，'. Everything that parses typed or
extracted text runs it through :func:`fold` first, so the parsers only see ASCII
digits and punctuation. The original text is always kept beside the parsed value.
"""

from __future__ import annotations

import re
import unicodedata

# Characters NFKC leaves alone but that mean the same thing to an operator.
_EXTRA = str.maketrans(
    {
        "。": ".",  # Chinese full stop typed as a decimal point
        "，": ",",
        "、": ",",
        "≧": "≥",
        "≦": "≤",
        "⩾": "≥",
        "⩽": "≤",
        "—": "-",
        "–": "-",
        "－": "-",
        "～": "~",
        "\u3000": " ",  # ideographic space
        "\u00a0": " ",
    }
)


def fold(text: str) -> str:
    """Full-width to half-width (NFKC) plus the IME punctuation NFKC misses."""
    return unicodedata.normalize("NFKC", text).translate(_EXTRA)


# -- text at the door and at the exit ---------------------------------------------
#
# A form's text reaches every operator's terminal (lists, exports, history), so
# a control sequence stored in a name would be obeyed by each of them: OSC 52
# writes the clipboard, CSI moves the cursor or rewrites what was printed, and
# bidi overrides make text read differently from what it is. Whatever the
# source (a text, JSON or CSV file, Word, Excel, PDF, typing, pasting), text is
# cleaned by :func:`clean_text` on the way in; whatever is left (a hand-edited
# database, a file name, an error message) is made visible by
# :func:`escape_controls` on the way out.

# A whole escape sequence goes, not only its ESC: what follows ESC ] would
# otherwise stay behind as garbage text ("]52;c;cHduZWQ=").
#   ESC [ ... final / CSI (0x9b) ... final:        cursor, colour, erase
#   ESC ] P X ^ _ ... BEL or ST / OSC DCS SOS PM APC (0x9d 0x90 0x98 0x9e 0x9f):
#                                                  clipboard, titles, device strings
#   ESC intermediates final:                       resets, charsets
# An unterminated string sequence loses only its introducer (the text after
# it is the operator's, and without ESC it is harmless).
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]"
)
# What no text field keeps: C0 controls (tab and line breaks are handled
# first), DEL, C1 controls, the bidi embeddings, overrides, isolates and marks,
# interlinear annotation marks, lone surrogates (a JSON "\ud800": no encoder
# can write them) and the byte-order mark inside text.
_C0_BUT_BREAKS = "\x00-\x08\x0b\x0c\x0e-\x1f"  # all C0 but tab, LF and CR
_OTHER_UNSAFE = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff"
_UNSAFE = re.compile(f"[{_C0_BUT_BREAKS}{_OTHER_UNSAFE}]")
_SUSPECT = re.compile(f"[\t\n\r{_C0_BUT_BREAKS}{_OTHER_UNSAFE}\u2028\u2029]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def clean_text(text: str, *, multiline: bool = False) -> str:
    """``text`` without anything a terminal would obey or that reads as other text.

    Escape sequences go whole; other control characters, bidi controls and
    lone surrogates go. Line breaks (CR LF, CR, NEL, U+2028/9) become ``\\n``
    where the field allows several lines (``multiline``: the goals), else a
    space; a tab becomes a space everywhere (a tab inside a cell would split
    the cells of TSV exports and of the text import). Chinese, full-width and
    every other printable character are kept as they are. Cheap when there is
    nothing to clean, which is almost always.
    """
    if not text or _SUSPECT.search(text) is None:
        return text
    text = _SEQUENCE.sub("", text)
    text = _LINE_BREAK.sub("\n" if multiline else " ", text).replace("\t", " ")
    return _UNSAFE.sub("", text)


#: How much of what was typed or read a message quotes: enough to recognise it, never a screenful.
QUOTED_LIMIT = 30


def quoted(text: str, limit: int = QUOTED_LIMIT) -> str:
    """``text`` as a one-line message quotes it: cleaned, on one line, and cut at ``limit``
    characters with "…" (a 10,000-character paste must not fill the screen under a field)."""
    text = " ".join(clean_text(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_SUSPECT_IN_LINES = re.compile(f"[\\t\\r{_C0_BUT_BREAKS}{_OTHER_UNSAFE}\u2028\u2029]")


def needs_cleaning(text: str, *, multiline: bool = False) -> bool:
    """Might :func:`clean_text` change ``text``? One quick scan, for checking much stored text."""
    if multiline:
        return _SUSPECT_IN_LINES.search(text) is not None
    return _SUSPECT.search(text) is not None


# At the exit tab and newline stay (outputs are made of lines and cells), and
# CR only before LF (CSV lines end in CR LF).
_SHOWN_UNSAFE = re.compile(f"[{_C0_BUT_BREAKS}{_OTHER_UNSAFE}]|\r(?!\n)")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_controls(text: str, *, json: bool = False) -> str:
    """``text`` with every character a terminal could obey shown as ``\\x1b``, ``\\u202e``...

    For what reaches a terminal or a file without having come through
    :func:`clean_text`: nothing is obeyed and nothing disappears unseen. With
    ``json``, ``text`` is a JSON document and each such character becomes the
    JSON escape ``\\u001b`` (they occur only inside strings, so the document
    stays valid and reads back the same).
    """
    if _SHOWN_UNSAFE.search(text) is None:
        return text
    return _SHOWN_UNSAFE.sub(_json_escape if json else _visible, text)

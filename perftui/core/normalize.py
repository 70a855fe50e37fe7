"""What operators type through Chinese input methods, brought to one spelling.

Pinyin IMEs in full-width mode produce ９８，１２３．５ and ＞＝; in Chinese-punctuation
mode the '.' key gives '。' and ',' gives '，'. Everything that parses typed or
extracted text runs it through :func:`fold` first, so the parsers only see ASCII
digits and punctuation. The original text is always kept beside the parsed value.
"""

from __future__ import annotations

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

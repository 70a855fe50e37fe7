"""The lookups' tables are drawn without tabulate where that is sure to look the same: held to tabulate here."""

import subprocess
import sys

import tabulate
from hypothesis import given, settings
from hypothesis import strategies as st

from perftui.text.tables import LEFT, RIGHT, render, simple
from perftui.text.width import WIDE_RANGES, plain_width, width

# Text of the kinds forms hold: ASCII, CJK ideographs and punctuation, full-width forms,
# spaces at the ends; and now and then what simple() must hand to tabulate (…, ≤, a tab, a line break).
PLAIN = st.sampled_from(list("ab 12.,-%()") + list("研究院经费万元年度（）、，：；％。　") + ["\uff21", "\u3400"])
OTHER = st.sampled_from(["…", "≤", "\t", "\n", "é", "\u0301", "\x1b"])
PLAIN_CELL = st.lists(PLAIN, max_size=12).map("".join)
CELL = st.one_of(*[PLAIN_CELL] * 9, st.lists(st.one_of(PLAIN, OTHER), max_size=12).map("".join))


def tabulated(headers, rows, aligns, strip=True):
    tabulate.WIDE_CHARS_MODE = True
    return tabulate.tabulate(
        rows, headers=headers, tablefmt="simple", colalign=aligns, disable_numparse=True, preserve_whitespace=not strip
    )


@settings(max_examples=300, deadline=None)
@given(
    columns=st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.lists(CELL, min_size=n, max_size=n),
            st.lists(st.lists(CELL, min_size=n, max_size=n), min_size=0, max_size=6),
            st.lists(st.sampled_from([LEFT, RIGHT]), min_size=n, max_size=n),
        )
    ),
    strip=st.booleans(),
)
def test_simple_tables_are_drawn_as_tabulate_draws_them(columns, strip):
    headers, rows, aligns = columns
    drawn = simple(headers, rows, aligns, strip=strip)
    if drawn is not None:  # None: tabulate draws it
        assert drawn == tabulated(headers, rows, aligns, strip)
    assert render(headers, rows, aligns) == tabulated(headers, rows, aligns)


def test_a_table_of_chinese_text_is_drawn_without_tabulate():
    headers = ["项目名称", "年度", "年度财政拨款"]
    rows = [["研究院劳务派遣人员经费（00001）", "2024", "1,595.00"], ["产业扶持", "", "80.00"]]
    assert simple(headers, rows, [LEFT, RIGHT, RIGHT]) == tabulated(headers, rows, [LEFT, RIGHT, RIGHT])
    # What simple() cannot measure goes to tabulate.
    assert simple(headers, [["研究院…", "2024", "1.00"]], [LEFT, RIGHT, RIGHT]) is None
    assert simple(headers, [["两行\n文字", "2024", "1.00"]], [LEFT, RIGHT, RIGHT]) is None


def test_plain_width_agrees_with_wcwidth_on_every_character_it_measures():
    from wcwidth import wcwidth

    for low, high in WIDE_RANGES:
        for code in range(ord(low), ord(high) + 1):
            assert plain_width(chr(code)) == wcwidth(chr(code)) == 2, hex(code)
    for code in range(0x20, 0x7F):
        assert plain_width(chr(code)) == wcwidth(chr(code)) == 1
    assert plain_width("研究院 a（１）") == width("研究院 a（１）") == 14
    assert plain_width("≤") is None and width("≤") == 1


def test_a_lookup_of_chinese_text_imports_neither_tabulate_nor_wcwidth():
    code = (
        "import sys; from perftui.text import views; from perftui.core.totals import Totals;"
        "print(views.totals_table([views.totals_row('研究院', Totals())], '年度'));"
        "assert 'tabulate' not in sys.modules and 'wcwidth' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)

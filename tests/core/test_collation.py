"""Names sort by pinyin, as in a Chinese dictionary, not by code point."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from perftui.core.collation import _reading, pinyin_key
from perftui.core.model import Form
from perftui.tui.state.catalog import Catalog, View

SEED_NAMES = [
    "研究院劳务派遣人员经费", "研究院系统及软件运行维护费", "数字赋能项目专项经费", "七贤荟日常工作经费及品牌运营服务费",
    "龙头分园工作业务经费", "龙头分园征迁补偿款", "产业扶持专项资金", "产业发展研究院工作业务经费",
]


def test_pinyin_order():
    assert sorted(SEED_NAMES, key=pinyin_key) == [
        "产业发展研究院工作业务经费",  # chan3 ye4 fa1
        "产业扶持专项资金",  # chan3 ye4 fu2
        "龙头分园工作业务经费",  # long2 tou2 fen1 yuan2 gong1
        "龙头分园征迁补偿款",  # … zheng1
        "七贤荟日常工作经费及品牌运营服务费",  # qi1
        "数字赋能项目专项经费",  # shu4
        "研究院劳务派遣人员经费",  # yan2 jiu1 yuan4 lao2
        "研究院系统及软件运行维护费",  # … xi4
    ]
    assert sorted(SEED_NAMES) != sorted(SEED_NAMES, key=pinyin_key)  # code points disagree


def test_letters_and_digits_come_before_chinese_and_case_is_ignored():
    assert sorted(["项目", "b项目", "A项目", "2024项目"], key=pinyin_key) == ["2024项目", "A项目", "b项目", "项目"]


def test_the_list_sorts_names_and_units_by_pinyin():
    catalog = Catalog.build([Form(name=name, unit=name[:2]) for name in SEED_NAMES])
    by_name = [entry.form.name for entry in catalog.select(View(sort="name")).entries]
    assert by_name == sorted(SEED_NAMES, key=pinyin_key)
    by_unit = [entry.form.unit for entry in catalog.select(View(sort="unit", descending=True)).entries]
    assert by_unit == sorted((name[:2] for name in SEED_NAMES), key=pinyin_key, reverse=True)


def test_readings_are_those_of_pypinyin_with_its_phrase_dictionary():
    """Loaded without the phrases (fast), pypinyin reads every character as it does with them."""
    import subprocess
    import sys

    text = "".join(SEED_NAMES) + "行长重庆银行乐都会还差了着地得"  # heteronyms among them
    code = (
        "import sys; from pypinyin import Style, lazy_pinyin;"
        "print(' '.join(lazy_pinyin(c, style=Style.TONE3, neutral_tone_with_five=True)[0] for c in sys.argv[1]))"
    )
    with_phrases = subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True, check=True)
    ours = " ".join(_reading(char)[1] for char in text)
    assert ours == with_phrases.stdout.strip()
    no_phrases = "import sys; from perftui.core.collation import pinyin_key; pinyin_key('研'); assert not sys.modules['pypinyin.constants'].PHRASES_DICT"
    subprocess.run([sys.executable, "-c", no_phrases], check=True)


@given(st.lists(st.text(alphabet="aAbBsSß1 2研究院行长重庆银产业扶持七贤荟龙头an安按暗", max_size=6), max_size=12))
def test_the_key_orders_names_as_their_readings_do(names):
    """One string per name, ordered as the tuples of the characters' readings would order them."""
    readings = lambda text: tuple(_reading(char) for char in text.strip())
    assert sorted(names, key=pinyin_key) == sorted(names, key=readings)
    for a, b in zip(names, names[1:]):
        assert (pinyin_key(a) < pinyin_key(b)) == (readings(a) < readings(b))

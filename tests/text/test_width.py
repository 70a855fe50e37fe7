from hypothesis import given
from hypothesis import strategies as st

from perftui.text.width import pad, truncate, width, wrap


def test_chinese_characters_take_two_columns():
    assert width("项目名称") == 8
    assert width("≥95%") == 4
    assert width("ab中") == 4


def test_pad_and_truncate_by_display_width():
    assert pad("中", 4) == "中  "
    assert pad("中", 4, "right") == "  中"
    assert width(truncate("研究院劳务派遣人员经费", 9)) <= 9
    assert truncate("abc", 9) == "abc"


def test_wrap_never_starts_a_line_with_closing_punctuation():
    text = "保障政策兑现管理平台正常运营。对日常数据及时处理、人员及组织机构调整"
    for limit in range(4, 40):
        lines = wrap(text, limit)
        assert "".join(lines) == text
        assert all(width(line) <= limit for line in lines)
        assert not any(line[:1] in "，。、；：" for line in lines)


@given(st.text(max_size=200), st.integers(min_value=2, max_value=60))
def test_wrapped_lines_fit(text, limit):
    for line in wrap(text, limit):
        assert width(line) <= limit


@given(st.text(alphabet=st.characters(max_codepoint=0x9FFF), max_size=40))
def test_width_is_the_sum_of_each_characters_columns(text):
    # width() takes shortcuts (printable ASCII is its length): each must agree with measuring
    # character by character, control characters taking no column.
    from wcwidth import wcwidth

    assert width(text) == sum(max(0, wcwidth(char)) for char in text)


def test_control_characters_take_no_column():
    assert width("ab\x1bc\x7f") == 3 and width("表\x07") == 2

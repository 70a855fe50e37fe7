from datetime import date

import pytest

from perftui.core.period import parse_period


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024年1月至2024年12月", date(2024, 1, 1), date(2024, 12, 31)),
        ("2023.1.1-2023.12.31", date(2023, 1, 1), date(2023, 12, 31)),
        ("2024年1月1日至2024年12月31日", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-01-01~2024-12-31", date(2024, 1, 1), date(2024, 12, 31)),
        ("２０２４年１月至２０２５年６月", date(2024, 1, 1), date(2025, 6, 30)),
        ("2024年2月至2024年2月", date(2024, 2, 1), date(2024, 2, 29)),
        ("2024年", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024年度", date(2024, 1, 1), date(2024, 12, 31)),
        # Whole years, as held-out real forms write them (项目期 2019-2021, 中期目标(2023年—2023年)).
        ("2019-2021", date(2019, 1, 1), date(2021, 12, 31)),
        ("2023年—2023年", date(2023, 1, 1), date(2023, 12, 31)),
        ("2022年度至2024年度", date(2022, 1, 1), date(2024, 12, 31)),
        ("202001-202012", date(2020, 1, 1), date(2020, 12, 31)),
        ("20240301-20241130", date(2024, 3, 1), date(2024, 11, 30)),
        ("2021年1月-12月", date(2021, 1, 1), date(2021, 12, 31)),
        ("2024年3-10月", date(2024, 3, 1), date(2024, 10, 31)),
        ("2024年全年", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_periods_parse(text, start, end):
    period = parse_period(text)
    assert (period.text, period.start, period.end) == (text, start, end)


@pytest.mark.parametrize("text", ["", "长期", "2024年13月至2024年12月", "2025年至2024年", "2021-2019", "20246-202516", "202013-202112", "2024年12月-3月"])
def test_unparsable_periods_keep_their_text_only(text):
    period = parse_period(text)
    assert period.text == text and not period.parsed
    assert period.covers_year(2024)  # not judged


def test_covers_year():
    assert parse_period("2024年1月至2025年12月").covers_year(2025)
    assert not parse_period("2023.1.1-2023.12.31").covers_year(2024)

"""`perftui list` and `perftui total --by` print names by pinyin, as the app's list sorts them."""

from decimal import Decimal

import pytest

from perftui.cli import EXIT_OK, main
from perftui.core.model import Form, Funding
from perftui.services.repository import Repository

# Stored in this order: neither pinyin nor code-point order, and two years.
STORED = [
    (2024, "研究院劳务派遣人员经费", "研究院"),
    (2023, "数字赋能项目专项经费", "数字办"),
    (2024, "七贤荟日常工作经费", "七贤荟"),
    (2024, "产业扶持专项资金", "产业局"),
    (2023, "龙头分园征迁补偿款", "龙头分园"),
    (2024, "龙头分园工作业务经费", "龙头分园"),
]


@pytest.fixture
def stored(db_path):
    forms = [
        Form(year=year, name=name, department="高新区", unit=unit, annual_funding=Funding(Decimal(n + 1), Decimal(n + 1)))
        for n, (year, name, unit) in enumerate(STORED)
    ]
    Repository.open(db_path, backups_keep=None).import_forms(forms)
    return db_path


def lines(capsys, *argv):
    assert main([str(a) for a in argv]) == EXIT_OK
    return [line.split()[0:2] for line in capsys.readouterr().out.splitlines()[2:]]


def test_list_is_newest_year_first_then_by_pinyin(capsys, stored):
    assert [name for name, _year in lines(capsys, "--db", stored, "list")] == [
        "产业扶持专项资金",  # chan
        "龙头分园工作业务经费",  # long
        "七贤荟日常工作经费",  # qi
        "研究院劳务派遣人员经费",  # yan
        "龙头分园征迁补偿款",  # 2023: long
        "数字赋能项目专项经费",  # shu
    ]


def test_total_by_unit_is_by_pinyin_within_each_year(capsys, stored):
    assert lines(capsys, "--db", stored, "total", "--by", "unit", "--year", "2024") == [
        ["产业局", "1"], ["龙头分园", "1"], ["七贤荟", "1"], ["研究院", "1"], ["合计", "4"],
    ]
    assert [label for label, _count in lines(capsys, "--db", stored, "total", "--by", "unit")] == [
        "2023", "2023", "2024", "2024", "2024", "2024", "合计",
    ]
    out = main(["--db", str(stored), "total", "--by", "unit"]), capsys.readouterr().out
    assert [" ".join(line.split()[:2]) for line in out[1].splitlines()[2:-1]] == [
        "2023 龙头分园", "2023 数字办", "2024 产业局", "2024 龙头分园", "2024 七贤荟", "2024 研究院",
    ]


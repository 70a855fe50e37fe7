"""CLI tables fit --width or the terminal: text cut by display width with …, amounts never split."""

from __future__ import annotations

import pytest

from perftui.cli import main
from perftui.text.width import width


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded(capsys, db_path, seed_path):
    assert run(capsys, "--db", db_path, "import", seed_path)[0] == 0
    return db_path


def widest(text: str) -> int:
    return max(width(line) for line in text.splitlines())


AMOUNTS = ["98.00", "41.18", "262.00", "67.83", "900.75", "80.00", "1,595.00", "82.80"]


@pytest.mark.parametrize("argv", [["list"], ["total", "--by", "unit"], ["check"]], ids=lambda a: a[0])
def test_lookups_fit_the_width_asked_for(capsys, seeded, argv):
    code, out, _ = run(capsys, "--db", seeded, *argv, "--width", "80")
    assert code == 0 and widest(out) <= 80
    wide = run(capsys, "--db", seeded, *argv)[1]  # not a terminal, no --width: every character
    assert widest(wide) >= widest(out)


def test_list_cuts_names_with_an_ellipsis_and_keeps_every_amount_whole(capsys, seeded):
    out = run(capsys, "--db", seeded, "list", "--width", "80")[1]
    assert "…" in out and "七贤荟日常工作经费及品牌运营服务费" not in out
    for figure in AMOUNTS:
        assert f" {figure}" in out


@pytest.mark.parametrize("fmt", ["simple", "plain"])
def test_an_export_summary_fits_80_columns_and_keeps_its_amounts(capsys, seeded, fmt):
    code, out, _ = run(capsys, "--db", seeded, "export", "summary", "--width", "80", "--format", fmt)
    assert code == 0 and widest(out) <= 80
    for figure in [*AMOUNTS, "3,127.56"]:
        assert figure in out
    assert len(out.splitlines()) == 2 + 1 + 8 + 1 - (fmt == "plain")  # two heading lines, one line a form, the total


def test_an_export_to_a_file_keeps_every_character(capsys, seeded, tmp_path):
    target = tmp_path / "summary.txt"
    assert run(capsys, "--db", seeded, "export", "summary", "-o", target)[0] == 0
    assert "七贤荟日常工作经费及品牌运营服务费" in target.read_text(encoding="utf-8")

"""Plain-text exports: aligned by display width, amounts exact, goals wrapped, spans shown once."""

from __future__ import annotations

import pytest

from perftui import export

from perftui.text import views
from perftui.export import contents, text
from perftui.text.width import width

from tests.conftest import SEED_INDICATORS

BOXES = ("grid", "simple_grid", "rounded_grid")


def render(kind, forms, fmt="simple", width_=100):
    return export.render(kind, forms, export.Options(fmt, width_))


@pytest.mark.parametrize("fmt", BOXES)
@pytest.mark.parametrize("kind", export.KINDS)
def test_every_line_of_a_box_export_has_the_same_display_width(sample_forms, kind, fmt):
    for requested in (60, 80, 100, 140):
        lines = render(kind, sample_forms[:1] if kind == "form" else sample_forms, fmt, requested).splitlines()
        assert len({width(line) for line in lines}) == 1, (kind, fmt, requested)


@pytest.mark.parametrize("fmt", BOXES)
def test_several_forms_are_drawn_to_one_width(sample_forms, fmt):
    lines = render("form", sample_forms, fmt).splitlines()
    assert {width(line) for line in lines if line} == {100}
    assert lines.count("") == len(sample_forms) - 1  # one blank line between forms


@pytest.mark.parametrize("requested", [60, 80, 100])
def test_whole_forms_keep_to_the_requested_width_when_they_can(sample_forms, requested):
    for fmt in ("simple", *BOXES):
        for form in sample_forms:
            lines = render("form", [form], fmt, requested).splitlines()
            widest = max(width(line) for line in lines)
            assert widest <= requested, (fmt, form.name, widest)


def _cut(line: str, column: int) -> tuple[str, str]:
    """``line`` split at a display column."""
    used = 0
    for index, char in enumerate(line):
        if used >= column:
            return line[:index], line[index:]
        used += width(char)
    return line, ""


@pytest.mark.parametrize("requested", [40, 60, 100])
def test_the_goals_are_wrapped_by_display_width_and_nothing_is_lost(sample_forms, requested):
    form = sample_forms[6]
    lines = render("form", [form], "simple", requested).splitlines()
    header = lines.index(next(line for line in lines if line.startswith("实施期目标")))
    split_at = width(lines[header][: lines[header].index("年度目标")])
    goal_lines = lines[header + 2 : lines.index("", header)]
    assert len(goal_lines) > 1
    if requested >= 60:  # narrower than the other blocks need, the goals use their width
        assert all(width(line) <= requested for line in goal_lines)
    left = "".join(_cut(line, split_at)[0].strip() for line in goal_lines)
    right = "".join(_cut(line, split_at)[1].strip() for line in goal_lines)
    assert left == form.period_goal.replace(" ", "") or left.replace(" ", "") == form.period_goal.replace(" ", "")
    assert right.replace(" ", "") == form.annual_goal.replace(" ", "")


@pytest.mark.parametrize("fmt", export.TEXT_FORMATS)
def test_summary_amounts_are_exact_with_two_decimals(sample_forms, fmt):
    out = render("summary", sample_forms, fmt)
    assert "3,127.56" in out
    assert "80.00" in out and "1,595.00" in out and "82.80" in out
    assert "3127.56" not in out


def test_amounts_end_in_the_same_display_column(sample_forms):
    lines = render("summary", sample_forms, "simple").splitlines()
    fiscal_header = "年度财政拨款"
    header = lines[0]
    end = width(header[: header.index(fiscal_header)]) + width(fiscal_header)
    for line, form in zip(lines[2:], sample_forms):
        shown = views.amount(form.annual_funding.fiscal)
        # the fiscal figure is the second amount on the row
        first = line.index(shown)
        second = line.index(shown, first + len(shown))
        assert width(line[:second]) + width(shown) == end, line
    total = lines[-1]
    first = total.index("3,127.56")
    second = total.index("3,127.56", first + 1)
    assert width(total[:second]) + width("3,127.56") == end


def test_tabulate_does_not_reparse_amounts_or_years(sample_forms):
    out = render("summary", sample_forms, "plain")
    assert "80.00" in out and "2024" in out
    row = next(line for line in out.splitlines() if line.startswith("龙头分园征迁补偿款"))
    assert row.split()[-3:-1] == ["80.00", "80.00"]


def test_each_level1_and_level2_shows_once_for_the_rows_it_spans(sample_forms):
    form = sample_forms[0]
    table = contents.form_indicators(form)
    assert table.display_rows() == views.indicator_rows(form.indicators)
    out = render("form", [form], "simple")
    assert out.count("产出指标") == 1 and out.count("质量指标") == 1


def test_grid_formats_merge_the_cells_a_level_spans(sample_forms):
    out = render("form", sample_forms[:1], "simple_grid")
    lines = out.splitlines()
    after_first = lines[lines.index(next(l for l in lines if "按岗位需求派驻的劳务派遣人数" in l)) + 1]
    # Under 产出指标 (which continues) the rule is open; under 数量指标 (which ends) it is drawn.
    assert after_first.startswith("│            ├")
    out = render("form", sample_forms[:1], "grid")
    lines = out.splitlines()
    after_first = lines[lines.index(next(l for l in lines if "按岗位需求派驻的劳务派遣人数" in l)) + 1]
    assert after_first.startswith("|            +")


def test_the_blocks_of_a_box_export_are_one_figure(sample_forms):
    lines = render("form", sample_forms[:1], "rounded_grid").splitlines()
    assert lines[0].startswith("╭") and lines[-1].startswith("╰")
    assert sum(line.startswith("╭") for line in lines) == 1  # no box closes and reopens
    assert any("┴" in line and "┬" in line for line in lines)  # blocks with different columns fused


def test_rst_repeats_levels_because_a_blank_first_cell_continues_a_row(sample_forms):
    out = render("form", sample_forms[:1], "rst")
    indicator_lines = [line for line in out.splitlines() if "劳务派遣" in line and "≥" in line]
    assert all(line.startswith("产出指标") or line.startswith("满意度指标") for line in indicator_lines)


@pytest.mark.parametrize("fmt", ["github", "pipe", "orgtbl", "rst", "tsv"])
def test_formats_without_multiline_cells_keep_each_row_on_one_line(sample_forms, fmt):
    form = sample_forms[0].evolve(period_goal="实施期：第一段\n第二段", annual_goal="年度：" + sample_forms[0].annual_goal)
    out = render("form", [form], fmt)
    goal_lines = [line for line in out.splitlines() if "实施期：" in line or "年度：" in line]
    assert len(goal_lines) == 1  # one row, both goals whole on it
    assert "实施期：第一段 第二段" in goal_lines[0] and form.annual_goal in goal_lines[0]


def test_tsv_cells_are_not_padded(sample_forms):
    out = render("summary", sample_forms, "tsv")
    for line in out.splitlines():
        assert all(cell == cell.strip() for cell in line.split("\t"))
    assert out.splitlines()[1].split("\t")[:2] == ["研究院劳务派遣人员经费", "2024"]


def test_markdown_tables_start_with_a_header_row(sample_forms):
    out = render("form", sample_forms[:1], "github")
    first_table = [line for line in out.splitlines() if line.startswith("|")][:2]
    assert "项目名称" in first_table[0] and set(first_table[1]) <= set("|-:")


def test_html_is_escaped_and_declares_utf8(sample_forms):
    form = sample_forms[0].evolve(name="<b>A & B</b>")
    out = render("summary", [form], "html")
    assert '<meta charset="utf-8">' in out
    assert "&lt;b&gt;A &amp; B&lt;/b&gt;" in out and "<b>A" not in out


def test_indicators_of_several_forms_name_their_form_once(sample_forms):
    out = render("indicators", sample_forms, "simple", 300)
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["项目名称", "年度"]
    assert len(lines) == 2 + SEED_INDICATORS
    for form in sample_forms:
        assert sum(line.startswith(form.name + " ") for line in lines) == 1


@pytest.mark.parametrize("fmt", ["simple", *BOXES])
def test_long_indicator_text_wraps_to_the_width(sample_forms, fmt):
    wide = render("indicators", sample_forms, fmt, 300)
    assert max(width(line) for line in wide.splitlines()) > 120
    narrow = render("indicators", sample_forms, fmt, 120)
    assert max(width(line) for line in narrow.splitlines()) <= 120
    assert narrow.count("\n") > wide.count("\n")  # wrapped, not cut: rows grew lines


def test_indicators_of_one_form_have_no_name_column(sample_forms):
    out = render("indicators", sample_forms[:1], "simple")
    assert out.splitlines()[0].split()[0] == "一级指标"
    assert sample_forms[0].name not in out


def test_a_repeated_level_across_two_forms_is_shown_again(sample_forms):
    twins = [sample_forms[0], sample_forms[0].evolve(id="twin", unit="另一单位")]
    rows = contents.indicators(twins).display_rows()
    assert rows[len(sample_forms[0].indicators)][0] == sample_forms[0].name  # the second form starts afresh
    assert rows[len(sample_forms[0].indicators)][2] == "产出指标"


def test_english_headers_with_the_english_locale(sample_forms):
    from perftui import i18n

    i18n.set_locale("en")
    out = render("summary", sample_forms, "simple")
    assert out.splitlines()[0].split()[:2] == ["Project", "name"]
    assert out.splitlines()[-1].startswith("Total")
    out = render("form", sample_forms[:1], "simple")
    assert "Funding (10k yuan)" in out


def test_a_form_without_a_year_or_amounts_still_exports(sample_forms):
    from perftui.core.model import Form

    blank = Form(id="blank", name="空表")
    for fmt in export.FORMATS:
        output = export.render("form", [blank], export.Options(fmt))
        assert output
    assert "（" not in render("form", [blank], "simple").splitlines()[1]


def test_wide_characters_are_measured_by_display_width():
    assert text.measure("合计  1") == 7

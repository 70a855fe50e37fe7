"""The official table as a grid of five columns: the layout of CSV and xlsx form exports.

The grid follows the paper form (and the text that Word gives of it)::

    本级预算项目绩效目标表
    （2024年度）
                                                        单位：万元
    项目名称          | 名称 …          |   | 项目实施期     | 2024年…
    主管部门          | …               |   | 实施单位       | …
    资金投入（万元）  | 实施期金额      | 98 | 年度金额       | 98
                      | 其中：财政拨款  | 98 | 其中：财政拨款 | 98
                      | 其他资金        |    | 其他资金       |
    绩效目标          | 实施期目标      |    | 年度目标       |
                      | 目标 …          |    | 目标 …         |
    一级指标          | 二级指标        | 三级指标 |        | 指标值
    产出指标          | 数量指标        | …  |                | ≥7人

Every cell holds its value (a 一级 is repeated on each of its rows); ``merges``
says which cells the xlsx writer joins, so a spreadsheet shows the paper form
while a CSV stays a table that can be filtered and read back exactly
(:mod:`perftui.importing.readback`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perftui.text import views
from perftui.export import contents
from perftui.export.contents import Amount, Cell
from perftui.i18n import N_, gettext as _
from perftui.core.model import Form

COLUMNS = 5

# Cell roles, for the xlsx writer's styles.
TITLE, SUBTITLE, UNIT, LABEL, HEADER, TEXT, GOAL = "title", "subtitle", "unit", "label", "header", "text", "goal"


@dataclass
class Sheet:
    rows: list[list[Cell]] = field(default_factory=list)
    #: (first row, first column, last row, last column), 0-based and inclusive.
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    roles: dict[tuple[int, int], str] = field(default_factory=dict)
    #: How many columns the grid has (the 监控表 and 自评表 are wider than the form).
    columns: int = COLUMNS

    def add(self, cells: list[Cell], roles: dict[int, str] | None = None) -> int:
        row = len(self.rows)
        self.rows.append(cells + [""] * (self.columns - len(cells)))
        for column, role in (roles or {}).items():
            self.roles[(row, column)] = role
        return row

    def merge(self, row: int, column: int, last_row: int, last_column: int) -> None:
        if (row, column) != (last_row, last_column):
            self.merges.append((row, column, last_row, last_column))


#: The labels of the layout by what they stand for; the reader knows them in every language.
LABELS = {
    "name": N_("项目名称"),
    "period": N_("项目实施期"),
    "department": N_("主管部门"),
    "unit": N_("实施单位"),
    "funding": N_("资金投入（万元）"),
    "period_total": N_("实施期金额"),
    "annual_total": N_("年度金额"),
    "fiscal": N_("其中：财政拨款"),
    "other": N_("其他资金"),
    "goals": N_("绩效目标"),
    "period_goal": N_("实施期目标"),
    "annual_goal": N_("年度目标"),
    "level1": N_("一级指标"),
}


def labels() -> dict[str, str]:
    return {key: _(label) for key, label in LABELS.items()}


def form_sheet(form: Form) -> Sheet:
    label = labels()
    sheet = Sheet()
    row = sheet.add([contents.title()], {0: TITLE})
    sheet.merge(row, 0, row, 4)
    row = sheet.add([contents.year_line(form)], {0: SUBTITLE})
    sheet.merge(row, 0, row, 4)
    sheet.add(["", "", "", "", contents.unit_line()], {4: UNIT})

    for left, left_value, right, right_value in (
        (label["name"], form.name, label["period"], form.period_text),
        (label["department"], form.department, label["unit"], form.unit),
    ):
        row = sheet.add([left, left_value, "", right, right_value], {0: LABEL, 1: TEXT, 3: LABEL, 4: TEXT})
        sheet.merge(row, 1, row, 2)

    for extra_label_text, extra_value in form.extra_fields:
        # An imported form's other header fields (项目属性, 项目负责人…): kept, one to a row.
        row = sheet.add([extra_label_text, extra_value], {0: LABEL, 1: TEXT})
        sheet.merge(row, 1, row, 4)

    period, annual = form.period_funding, form.annual_funding
    first = sheet.add(
        [label["funding"], label["period_total"], Amount(period.total), label["annual_total"], Amount(annual.total)],
        {0: LABEL, 1: LABEL, 3: LABEL},
    )
    sheet.add(["", label["fiscal"], Amount(period.fiscal), label["fiscal"], Amount(annual.fiscal)], {1: LABEL, 3: LABEL})
    last = sheet.add(["", label["other"], Amount(period.other), label["other"], Amount(annual.other)], {1: LABEL, 3: LABEL})
    sheet.merge(first, 0, last, 0)

    first = sheet.add([label["goals"], label["period_goal"], "", label["annual_goal"], ""], {0: LABEL, 1: HEADER, 3: HEADER})
    sheet.merge(first, 1, first, 2)
    sheet.merge(first, 3, first, 4)
    last = sheet.add(["", form.period_goal, "", form.annual_goal, ""], {1: GOAL, 3: GOAL})
    sheet.merge(last, 1, last, 2)
    sheet.merge(last, 3, last, 4)
    sheet.merge(first, 0, last, 0)

    level1, level2, level3, value = views.indicator_headers()
    extras = any(row.extra for row in form.indicators)
    # Other columns of an imported form's rows go in a sixth column, which a read-back ignores.
    header = sheet.add(
        [level1, level2, level3, "", value] + ([_(contents.EXTRA_HEADER)] if extras else []),
        {0: HEADER, 1: HEADER, 2: HEADER, 4: HEADER, 5: HEADER},
    )
    sheet.merge(header, 2, header, 3)
    spanned = contents.form_indicators(form).spanned
    for indicator in form.indicators:
        row = sheet.add(
            [indicator.level1, indicator.level2, indicator.name, "", indicator.value]
            + ([contents.row_extra_text(indicator)] if extras else []),
            {0: TEXT, 1: TEXT, 2: TEXT, 4: TEXT, 5: TEXT},
        )
        sheet.merge(row, 2, row, 3)
    # A 一级 or 二级 cell is merged over the run of rows that continue it.
    base = header + 1
    for column in (0, 1):
        run_start = None
        for index in range(len(form.indicators) + 1):
            continues = index < len(form.indicators) and spanned[index][column]
            if continues and run_start is None:
                run_start = index - 1
            if not continues and run_start is not None:
                sheet.merge(base + run_start, column, base + index - 1, column)
                run_start = None
    return sheet

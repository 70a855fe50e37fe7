"""Sheets the budget systems export: one row per indicator, several projects in one sheet.

    单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重 | 指标方向性

A project's rows follow each other; its name, unit, amount and goal stand on
its first row (merged down, or repeated). A row with 合计/小计 (a unit's
total) or with an amount but no indicator and no project of its own is a
total, not a project.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perftui.core import taxonomy
from perftui.i18n import gettext as _
from perftui.importing.text import FormatError
from perftui.importing import amounts, labels
from perftui.importing import indicators as table_rules
from perftui.importing.drafts import Recognized, year_in
from perftui.importing.grid import Grid
from perftui.core.model import Form, Funding
from perftui.core.money import AmountError

_TOTAL_WORDS = ("合计", "小计", "总计", "单位合计", "部门合计")


@dataclass
class _Project:
    row: int
    name: str
    unit: str
    department: str = ""
    period: str = ""
    total: object = None
    fiscal: object = None
    other: object = None
    goal: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    table: table_rules.Table | None = None
    notes: dict[str, str] = field(default_factory=dict)


def read(grid: Grid, header_row: int, document_year: int | None, default_year: int | None):
    """The forms of a one-row-per-indicator sheet whose header is ``grid.rows[header_row]``."""
    year = document_year
    if year is None:
        for cells in grid.rows[:header_row]:
            for cell in cells:
                if cell:
                    year = year or year_in(cell, title=True)
    year_given = year is None
    year = year if year is not None else default_year
    header = grid.rows[header_row]
    roles: dict[int, str] = {}
    level_start = None
    for index, cell in enumerate(header):
        if not cell:
            continue
        role = labels.column(cell, year)
        if role == labels.LEVEL1 and level_start is None:
            level_start = index
        if level_start is None or role is None:
            sheet_role = labels.sheet_column(cell)
            if sheet_role is not None and (level_start is None or sheet_role != labels.UNIT):
                roles[index] = sheet_role
    # Columns before the 一级 that name nothing known (项目代码, 序号) are the project's other fields.
    project_columns = {
        index: cell for index, cell in enumerate(header)
        if cell and index not in roles and level_start is not None and index < level_start
    }
    indicator_header = tuple("" if i in roles or i in project_columns else c for i, c in enumerate(header))
    columns = table_rules.read_header(indicator_header, year, {})
    money_unit = amounts.YUAN if any(labels.label_key(header[i]).unit == amounts.YUAN for i in roles) else amounts.WAN
    projects: list[_Project] = []
    current: _Project | None = None
    last_unit = ""
    for r in range(header_row + 1, len(grid.rows)):
        cells = grid.rows[r]
        if not any(cells):
            continue
        if labels.SIGNATURE.search(" ".join(cells)):
            continue
        values = {role: cells[index] for index, role in roles.items() if index < len(cells) and cells[index]}
        name = values.get(labels.NAME, "")
        unit = values.get(labels.UNIT, "")
        if name in _TOTAL_WORDS or unit in _TOTAL_WORDS or (name or unit).endswith(_TOTAL_WORDS):
            continue  # a unit's (or the sheet's) total
        has_indicator = any(
            index < len(cells) and cells[index]
            for index in (columns.name, columns.value)
            if index is not None
        )
        if unit:
            last_unit = unit
        if name and (current is None or name != current.name or (unit and unit != current.unit)):
            current = _Project(r, name, unit or last_unit)
            current.table = table_rules.Table(columns)
            projects.append(current)
        elif not name and not has_indicator:
            continue  # a unit's total: an amount with no project and no indicator
        if current is None:
            continue
        for role, attribute in ((labels.TOTAL, "total"), (labels.FISCAL, "fiscal"), (labels.OTHER, "other")):
            text = values.get(role, "")
            if text and getattr(current, attribute) is None:
                index = next(i for i, rl in roles.items() if rl == role)
                try:
                    reading = amounts.read(text, money_unit)
                except AmountError as error:
                    raise FormatError(grid.source, grid.where(r, index), str(error)) from None
                setattr(current, attribute, reading.amount)
                if reading.note and not reading.caption:
                    current.notes[f"funding.annual.{attribute}"] = reading.note
        for index, label in project_columns.items():
            if index < len(cells) and cells[index] and label not in current.extra:
                current.extra[label] = cells[index]
        if values.get(labels.GOAL) and not current.goal:
            current.goal = values[labels.GOAL]
        for role, attribute in ((labels.DEPARTMENT, "department"), (labels.PERIOD, "period")):
            if values.get(role) and not getattr(current, attribute):
                setattr(current, attribute, values[role])
        if has_indicator or any(cells[i] for i in (columns.level1, columns.level2) if i is not None and i < len(cells)):
            assert current.table is not None
            current.table.feed(cells)
    found = []
    for project in projects:
        where = grid.where(project.row)
        if year is None:
            raise FormatError(
                grid.source, where,
                _("“{name}”没有年度：文件中没有“（2024年度）”一行或带年度的标题；请用 --year 指定年度").format(name=project.name),
            )
        rows = project.table.finish() if project.table is not None else []
        form = Form(
            year=year,
            name=" ".join(project.name.split()),
            period_text=project.period,
            department=labels.strip_code(project.department),
            unit=labels.strip_code(project.unit),
            annual_funding=Funding(project.total, project.fiscal, project.other),
            annual_goal=project.goal,
            indicators=tuple(rows),
            layout=taxonomy.infer_layout(row.level1 for row in rows),
            amount_notes=tuple(project.notes.items()),
            extra_fields=tuple(project.extra.items()),
        )
        found.append(Recognized(form, where, year_given=year_given))
    return found

"""Read published 项目支出绩效自评表 and 绩效运行监控表 from a grid of cells.

The input is what every source becomes: rows of cell texts, merged cells
blank, one row per table row (a text transcription with tabs between cells,
a CSV, a .docx or .xlsx table), so this plugs into a reader of any of them.
Tables are read by their labels, not by fixed positions, in the layouts the
provinces publish (Yunnan's 自评表 of 2022; the 财政部 监控表) and in perftui's
own exports of both:

    项目名称 | … ; 主管部门 | … | 实施单位 | …
    项目资金(元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
    年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金 (— where none)
    年度总体目标 | 预期目标 | 实际完成情况
    绩效指标 | 一级 | 二级 | 三级 | 年度指标值 (指标性质 | 指标值 | 度量单位) | 实际完成值 | 分值 | 得分 | 偏差原因…
    其他需要说明事项 | … | 总分 | 100 | 96 | 优

A table in 元 (``项目资金(元)``) is converted to 万元 exactly. Each table gives
a :class:`Published`: the target form as the table states it (年度, 项目名称,
主管部门, 实施单位, 年度资金, 预期目标 and every 年度指标值: enough to create the
form when it is not in the database yet) and the record. What cannot be read
refuses the whole file with a :class:`~perftui.importing.text.FormatError`
naming the row, as the target-form reader does.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from perftui.core import money, taxonomy
from perftui.core.evaluation import Evaluation, EvaluationRow, PointsError, parse_points
from perftui.core.execution import CARRIED, FISCAL, OTHER, TOTAL, Execution, Spending
from perftui.core.model import Form, Funding, Indicator
from perftui.core.monitoring import CAUSES, LIKELIHOODS, Monitoring, MonitoringRow, clean_causes
from perftui.core.normalize import fold, quoted
from perftui.core.tracking import EVALUATION, MONITORING
from perftui.i18n import gettext as _
from perftui.importing.text import FormatError

_TITLE = re.compile(r"(自评表|监控表|运行监控)")
_YEAR = re.compile(r"(\d{4})\s*年度?")
_DAY = re.compile(r"截[至止]\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTHS = re.compile(r"1\s*[-–—~至]\s*(\d{1,2})\s*月")
_POINTS_NOTE = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")
_NONE = {"", "—", "-", "--", "/", "／", "无", "——"}
_TICKS = {"√", "✓", "✔", "☑", "v", "V", "是", "■"}
_GRADES = ("优", "良", "中", "差")
_IN_YUAN = re.compile(r"[(（]\s*元\s*[)）]")


def key(cell: str) -> str:
    """A cell as a label: folded, no spaces, no trailing colon, no unit in brackets."""
    text = re.sub(r"\s+", "", fold(cell)).rstrip(":")
    return re.sub(r"[(（](?:万?元)[)）]$", "", text)


_HEADER_FIELDS = {"项目名称": "name", "主管部门": "department", "主管部门及代码": "department", "实施单位": "unit"}
_FUNDING_ROWS = {
    "年度资金总额": TOTAL,
    "资金总额": TOTAL,
    "其中:当年财政拨款": FISCAL,
    "当年财政拨款": FISCAL,
    "其中:财政拨款": FISCAL,
    "财政拨款": FISCAL,
    "其中:本年财政拨款": FISCAL,
    "本年财政拨款": FISCAL,
    "上年结转资金": CARRIED,
    "其他资金": OTHER,
}
# Funding header -> what the column holds.
_FUNDING_COLUMNS = {
    "年初预算数": "initial",
    "全年预算数": "budget",
    "调整后预算数": "budget",
    "全年执行数": "spent",
    "预算执行数": "spent",
    "执行数": "spent",
    "分值": "weight",
    "得分": "score",
    "偏差原因分析": "reason",
    "偏差原因": "reason",
}
# Indicator header -> what the column holds.
_ROW_COLUMNS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "年度指标值": "value",
    "指标值": "value",
    "实际完成值": "actual",
    "全年预计完成情况": "forecast",
    "分值": "weight",
    "得分": "score",
    "达成程度": "band",
    "偏差原因分析及改进措施": "reason",
    "偏差原因分析": "reason",
    "偏差原因": "reason",
    "完成目标可能性": "likelihood",
    "备注": "note",
}
_NATURES = {"正向": "≥", "反向": "≤", "定性": "", "定量": "", "≥": "≥", "≤": "≤", "=": "=", ">": ">", "<": "<"}


@dataclass
class Published:
    """One table read: the target form it states, its record, and its 总分 and 等级 as printed."""

    kind: str
    form: Form
    record: Monitoring | Evaluation
    stated_total: Decimal | None = None
    stated_grade: str = ""
    line: int | str = 0


@dataclass
class _Table:
    kind: str
    line: int | str
    year: int | None = None
    day: date | None = None
    fields: dict[str, str] = field(default_factory=dict)
    factor: Decimal = Decimal(1)
    funding_columns: dict[str, int] = field(default_factory=dict)
    funding: dict[str, dict[str, str]] = field(default_factory=dict)
    funding_line: dict[str, int] = field(default_factory=dict)
    goal_columns: list[int] = field(default_factory=list)
    goals: list[list[str]] = field(default_factory=lambda: [[], []])
    row_columns: dict[str, int] = field(default_factory=dict)
    value_parts: dict[str, int] = field(default_factory=dict)  # 指标性质 / 指标值 / 度量单位
    ticks: dict[int, str] = field(default_factory=dict)  # column -> cause or likelihood ticked there
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    notes: str = ""
    stated_total: str = ""
    stated_grade: str = ""
    section: str = "header"


def rows_from_text(text: str) -> list[list[str]]:
    """A text transcription as rows: one per line, cells between tabs (kept blank)."""
    return [[cell.strip() for cell in line.split("\t")] for line in text.splitlines()]


def rows_from_csv(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def is_tracking_table(rows: Sequence[Sequence[str]]) -> bool:
    """Does this grid hold a 自评表 or 监控表 (its title, within the first rows that have text)?"""
    seen = 0
    for cells in rows:
        text = "".join(cells)
        if not text.strip():
            continue
        if _TITLE.search(fold(text)) and len(key(text)) < 40:
            return True
        seen += 1
        if seen >= 5:
            return False
    return False


def recognize(
    rows: Sequence[Sequence[str]],
    source: str,
    *,
    places: Sequence[int | str] | None = None,
    year: int | None = None,
) -> list[Published]:
    """Every 自评表 and 监控表 in the grid, in order. Raises :class:`FormatError`.

    ``places`` names each row for a refusal (a grid's line numbers, or "表2第5行"
    for a .docx); by default the row's number. ``year`` is the 年度 of a table
    that names none (``--year``).
    """
    tables: list[_Table] = []
    pending_year: int | None = None
    for index, raw in enumerate(rows):
        cells = [str(cell or "").strip() for cell in raw]
        filled = [(column, cell) for column, cell in enumerate(cells) if cell]
        if not filled:
            continue
        line = places[index] if places is not None and index < len(places) else index + 1
        joined = fold("".join(cell for _column, cell in filled))
        if len(filled) == 1 and _TITLE.search(joined) and len(key(joined)) < 40:
            kind = EVALUATION if "自评" in joined else MONITORING
            named = _YEAR.search(joined)
            tables.append(_Table(kind, line, int(named.group(1)) if named else pending_year or year))
            pending_year = None
            continue
        if len(filled) == 1 and _YEAR.search(joined) and len(key(joined)) <= 20 and not _label_row(filled):
            found = int(_YEAR.search(joined).group(1))
            day = _DAY.search(joined)
            if tables and not tables[-1].fields:
                tables[-1].year = found
                if day:
                    tables[-1].day = _day(found, day)
            else:
                pending_year = found
            continue
        if not tables:
            continue
        _feed(tables[-1], line, cells, filled, source)
    return [_build(table, source) for table in tables]


def _label_row(filled: list[tuple[int, str]]) -> bool:
    return any(key(cell) in _HEADER_FIELDS for _column, cell in filled)


def _day(year: int, match: re.Match) -> date | None:
    try:
        return date(year, int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None


def _feed(table: _Table, line: int, cells: list[str], filled: list[tuple[int, str]], source: str) -> None:
    keys = [key(cell) for _column, cell in filled]
    first = keys[0]
    if first.startswith("单位:") or first.startswith("金额单位") or first.startswith("填报单位"):
        if "元" in first and "万元" not in first:
            table.factor = Decimal("0.0001")
        return
    if any(k in ("其他需要说明事项", "总分") for k in keys):
        _footer(table, filled)
        table.section = "footer"
        return
    if "一级指标" in keys and "三级指标" in keys:
        table.section = "rows"
        for column, cell in filled:
            name = _ROW_COLUMNS.get(key(cell))
            if name and name not in table.row_columns:
                table.row_columns[name] = column
            elif _MONTHS.search(fold(cell)) and "执行情况" in cell:
                table.row_columns["actual"] = column
        return
    if table.section == "rows" and not table.rows and _sub_header(table, filled):
        return
    if "年初预算数" in keys:
        table.section = "funding"
        if _IN_YUAN.search(fold("".join(cell for _column, cell in filled))):
            table.factor = Decimal("0.0001")
        for column, cell in filled:
            name = _FUNDING_COLUMNS.get(key(cell))
            if name is None and _MONTHS.search(fold(cell)) and "执行数" in cell:
                name = "spent"
            if name and name not in table.funding_columns:
                table.funding_columns[name] = column
        return
    if any(k in ("预期目标", "年初设定目标") for k in keys):
        table.section = "goals"
        table.goal_columns = [column for column, cell in filled if key(cell) not in ("年度总体目标",)][:2]
        return
    if table.section == "header" or (table.section != "rows" and first in _HEADER_FIELDS):
        _header(table, filled)
        return
    if table.section == "funding":
        _funding_row(table, line, cells, filled)
        return
    if table.section == "goals":
        texts = [(column, cell) for column, cell in filled if key(cell) != "年度总体目标"]
        for column, cell in texts:
            slot = 0 if len(table.goal_columns) < 2 or abs(column - table.goal_columns[0]) < abs(column - table.goal_columns[1]) else 1
            table.goals[slot].append(cell)
        return
    if table.section == "rows":
        table.rows.append((line, {name: cells[column] if column < len(cells) else "" for name, column in table.row_columns.items()}
                           | {f"#{column}": cells[column] for column in table.ticks if column < len(cells)}
                           | {f"@{part}": cells[column] for part, column in table.value_parts.items() if column < len(cells)}))


def _header(table: _Table, filled: list[tuple[int, str]]) -> None:
    for position, (column, cell) in enumerate(filled):
        name = _HEADER_FIELDS.get(key(cell))
        if name is None:
            continue
        following = filled[position + 1][1] if position + 1 < len(filled) else ""
        if following and key(following) not in _HEADER_FIELDS and key(following) != "项目实施期":
            table.fields.setdefault(name, following)


def _sub_header(table: _Table, filled: list[tuple[int, str]]) -> bool:
    """The second header row: 指标性质 | 指标值 | 度量单位, or the causes and likelihoods ticked in columns."""
    parts = {"指标性质": "nature", "指标值": "number", "度量单位": "unit", "计量单位": "unit"}
    names = [key(cell) for _column, cell in filled]
    if not all(name in parts or name in CAUSES or name in LIKELIHOODS for name in names):
        return False  # a row of indicators (whose 完成目标可能性 may read 确定能)
    for column, cell in filled:
        name = key(cell)
        if name in parts:
            table.value_parts[parts[name]] = column
        elif name in CAUSES or name in LIKELIHOODS:
            table.ticks[column] = name
    # A heading over columns of ticks (偏差原因分析, 完成目标可能性) is no column of text.
    for heading in ("reason", "likelihood"):
        if table.row_columns.get(heading) in table.ticks:
            del table.row_columns[heading]
    return True


def _funding_row(table: _Table, line: int, cells: list[str], filled: list[tuple[int, str]]) -> None:
    if key(filled[0][1]) in ("偏差原因", "偏差原因分析", "预算执行偏差原因") and len(filled) > 1:
        table.funding.setdefault(TOTAL, {})["reason"] = filled[1][1]
        table.funding_line.setdefault(TOTAL, line)
        return
    for column, cell in filled:
        row = _FUNDING_ROWS.get(key(cell))
        if row is not None:
            values = {name: (cells[c] if c < len(cells) else "") for name, c in table.funding_columns.items()}
            reason = table.funding.get(row, {}).get("reason")
            table.funding[row] = values if reason is None or values.get("reason") else values | {"reason": reason}
            table.funding_line[row] = line
            return


def _footer(table: _Table, filled: list[tuple[int, str]]) -> None:
    texts = [cell for _column, cell in filled]
    keys = [key(cell) for cell in texts]
    if "其他需要说明事项" in keys:
        at = keys.index("其他需要说明事项")
        following = texts[at + 1] if at + 1 < len(texts) else ""
        if following and key(following) != "总分":
            table.notes = following
    if "总分" in keys:
        after = texts[keys.index("总分") + 1 :]
        grades = [cell for cell in after if key(cell) in _GRADES]
        numbers = [cell for cell in after if key(cell) not in _GRADES]
        table.stated_total = numbers[-1] if numbers else ""
        table.stated_grade = key(grades[0]) if grades else ""


# -- building ----------------------------------------------------------------------------------


def _amount(text: str, factor: Decimal, source: str, line: int) -> Decimal | None:
    if key(text) in _NONE:
        return None
    try:
        if factor == 1:
            return money.parse_amount(text)
        folded = fold(text).replace(",", "").replace(" ", "").removesuffix("元")
        value = Decimal(folded)
        if not value.is_finite() or value < 0:
            raise ArithmeticError
    except (money.AmountError, ArithmeticError) as error:
        raise FormatError(source, line, str(error) if isinstance(error, money.AmountError) else _("无法识别的金额：{text}").format(text=quoted(text))) from None
    wan = value * factor
    # Exactly the yuan written, in 万元, without trailing zeros past two decimals.
    places = max(2, -wan.normalize().as_tuple().exponent)
    return wan.quantize(Decimal(1).scaleb(-places))


def _points(text: str, source: str, line: int) -> Decimal | None:
    if key(text) in _NONE:
        return None
    try:
        return parse_points(text)
    except PointsError as error:
        raise FormatError(source, line, str(error)) from None


def _level1(text: str) -> str:
    return taxonomy.canonical_level_name(_POINTS_NOTE.sub("", key(text)))


def _value(cells: dict[str, str]) -> str:
    if "@number" not in cells:
        return cells.get("value", "").strip()
    nature = key(cells.get("@nature", ""))
    number = cells.get("@number", "").strip()
    unit = cells.get("@unit", "").strip()
    comparator = _NATURES.get(nature, nature)
    if nature == "定性" or not re.match(r"^[\d.]+$", fold(number)):
        return number or cells.get("value", "").strip()
    return f"{comparator}{number}{unit}"


def split_causes(text: str) -> tuple[tuple[str, ...], str]:
    """偏差原因分析 in one cell, as perftui exports it ("经费保障、人员保障：招聘难"): the causes and the words.

    A cell that does not start with causes keeps its words; the causes it names are ticked.
    """
    text = text.strip()
    head, colon, rest = fold(text).partition(":")
    named = [part for part in re.split(r"[,、]", head) if part]
    if colon and named and all(part in CAUSES for part in named):
        return clean_causes(named), text[len(head) + 1 :].strip()
    if named and all(part in CAUSES for part in named) and not colon:
        return clean_causes(named), ""
    return clean_causes(cause for cause in CAUSES if cause in text), text


def _build(table: _Table, source: str) -> Published:
    where = table.line
    name = table.fields.get("name", "").strip()
    if not name:
        raise FormatError(source, where, _("表中没有项目名称"))
    if not table.rows:
        raise FormatError(source, where, _("“{name}”的表中没有绩效指标").format(name=name))
    if table.year is None:
        raise FormatError(source, where, _("“{name}”的表没有写明年度").format(name=name))
    spendings = {}
    for row, values in table.funding.items():
        line = table.funding_line[row]
        spendings[row] = Spending(
            _amount(values.get("initial", ""), table.factor, source, line),
            _amount(values.get("budget", ""), table.factor, source, line),
            _amount(values.get("spent", ""), table.factor, source, line),
        )
    execution = Execution(**{row: spending for row, spending in spendings.items()})
    indicators: list[Indicator] = []
    level1 = level2 = ""
    parsed_rows: list[tuple[int, Indicator, dict[str, str]]] = []
    for line, cells in table.rows:
        if cells.get("level1", "").strip():
            level1, level2 = _level1(cells["level1"]), ""
        if cells.get("level2", "").strip():
            level2 = taxonomy.canonical_level_name(cells["level2"])
        indicator_name = cells.get("name", "").strip()
        value = _value(cells)
        if not indicator_name and not value:
            continue
        indicator = Indicator(level1, level2, indicator_name, value)
        indicators.append(indicator)
        parsed_rows.append((line, indicator, cells))
    total = spendings.get(TOTAL, Spending())
    fiscal = spendings.get(FISCAL, Spending())
    other = spendings.get(OTHER, Spending())
    goals = ["\n".join(part) for part in table.goals]
    form = Form(
        year=table.year,
        name=name,
        department=table.fields.get("department", "").strip(),
        unit=table.fields.get("unit", "").strip(),
        annual_funding=Funding(total.initial, fiscal.initial, other.initial),
        annual_goal=goals[0],
        indicators=tuple(indicators),
        layout=taxonomy.infer_layout(row.level1 for row in indicators),
    )
    if table.kind == EVALUATION:
        funding = table.funding.get(TOTAL, {})
        line = table.funding_line.get(TOTAL, where)
        record: Monitoring | Evaluation = Evaluation(
            form_id=form.id,
            year=table.year,
            execution=execution,
            execution_weight=_points(funding.get("weight", ""), source, line),
            execution_score=_points(funding.get("score", ""), source, line),
            funding_reason=funding.get("reason", "").strip(),
            goal_expected=goals[0],
            goal_actual=goals[1],
            rows=tuple(
                EvaluationRow(
                    indicator,
                    actual=cells.get("actual", "").strip(),
                    weight=_points(cells.get("weight", ""), source, line),
                    score=_points(cells.get("score", ""), source, line),
                    reason=cells.get("reason", "").strip(),
                )
                for line, indicator, cells in parsed_rows
            ),
            notes=table.notes,
        )
    else:
        funding = table.funding.get(TOTAL, {})
        rows = []
        for _line, indicator, cells in parsed_rows:
            ticked = [table.ticks[int(k[1:])] for k, v in cells.items() if k.startswith("#") and v.strip() in _TICKS]
            likelihood = key(cells.get("likelihood", ""))
            likelihood = likelihood if likelihood in LIKELIHOODS else next((t for t in ticked if t in LIKELIHOODS), "")
            named, reason = split_causes(cells.get("reason", ""))
            rows.append(
                MonitoringRow(
                    indicator,
                    progress=cells.get("actual", "").strip(),
                    forecast=cells.get("forecast", "").strip(),
                    causes=clean_causes([t for t in ticked if t in CAUSES] + list(named)),
                    reason=reason,
                    likelihood=likelihood,
                    note=cells.get("note", "").strip(),
                )
            )
        causes, reason = split_causes(funding.get("reason", ""))
        record = Monitoring(
            form_id=form.id,
            year=table.year,
            as_of=table.day,
            execution=execution,
            causes=causes,
            funding_reason=reason,
            goal_progress=goals[1],
            rows=tuple(rows),
        )
    stated = None
    if table.stated_total:
        stated = _points(table.stated_total, source, where)
    return Published(table.kind, form, record, stated, table.stated_grade, where)


def read_text(text: str, source: str) -> list[Published]:
    """The tables of a text transcription (tabs between cells) or of a CSV."""
    rows = rows_from_csv(text) if "\t" not in text and text.count(",") > text.count("\n") else rows_from_text(text)
    return recognize(rows, source)


# -- files, and what they would bring in ------------------------------------------------------


def read_file(path, year: int | None = None) -> list[Published] | None:
    """The 自评表 and 监控表 in a file (text, .docx, .xlsx, .pdf, or perftui's CSV export), read
    through the same grids as the target forms; None when the file holds target forms instead."""
    from pathlib import Path

    from perftui.importing import sources
    from perftui.importing.text import read_text as read_text_file

    path = Path(path)
    name = str(path)
    if path.suffix.lower() == ".json":
        return None
    if path.suffix.lower() == ".csv":
        rows = rows_from_csv(read_text_file(path)[0])
        return recognize(rows, name, year=year) if is_tracking_table(rows) else None
    found: list[Published] = []
    for grid in sources.read_grids(path)[0]:
        if is_tracking_table(grid.rows):
            found.extend(recognize(grid.rows, name, places=grid.places, year=year))
    return found or None


def findings_of(table: Published, form: Form | None = None, rules=None) -> list:
    """The findings of a table's record, against ``form`` (by default the form the table states)."""
    from perftui.core.scoring import DEFAULT_RULES
    from perftui.core.tracking_findings import check_evaluation, check_monitoring

    check = check_evaluation if table.kind == EVALUATION else check_monitoring
    return check(table.record, form or table.form, rules or DEFAULT_RULES)


def total_note(table: Published, form: Form | None = None, record=None, rules=None) -> str | None:
    """When a 自评表's printed 总分 or 等级 is not what its scores add up to: one line saying both."""
    from perftui.core import evaluation as _evaluation
    from perftui.core import scoring

    if table.kind != EVALUATION or table.stated_total is None:
        return None
    form = form or table.form
    rules = rules or scoring.DEFAULT_RULES
    card = scoring.score(_evaluation.for_form(form, record or table.record), form.layout, rules)
    grade = card.grade(rules)
    if card.total == table.stated_total and (not table.stated_grade or table.stated_grade == grade):
        return None
    return _("表中总分 {stated}{grade}，按各项得分合计为 {total}（{computed}）").format(
        stated=scoring.format_points(table.stated_total),
        grade=f"（{table.stated_grade}）" if table.stated_grade else "",
        total=scoring.format_points(card.total),
        computed=grade or "—",
    )


def preview_lines(name: str, tables: Sequence[Published], rules=None) -> list[str]:
    """What a file of 自评表 or 监控表 would bring in, checked against each table's own targets
    (``perftui import --dry-run`` and the app's import screen)."""
    from perftui.core.tracking import KIND_LABELS
    from perftui.text import views

    lines: list[str] = []
    for table in tables:
        found = findings_of(table, rules=rules)
        lines.append(
            f"{name}  {_(KIND_LABELS[table.kind])}  {table.form.name}  [{table.form.year or ''}]  "
            + _("{rows} 条指标").format(rows=len(table.record.rows)) + f"  {views.status_text(found)}"
        )
        lines += views.finding_lines(found)
        note = total_note(table, rules=rules)
        if note:
            lines.append("  " + note)
    return lines

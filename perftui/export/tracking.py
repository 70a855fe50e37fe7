"""Exports of the 监控表 and the 自评表 in their official layouts, in every export format.

:func:`render` is to records what :func:`perftui.export.render` is to forms:
text formats draw the table as blocks (:mod:`perftui.export.tracking_text`),
CSV and xlsx lay it out on a grid with merged cells (:func:`monitoring_sheet`,
:func:`evaluation_sheet`, the paper layout: 财政部's 监控表, the published
自评表), JSON keeps every stored field and adds the scores.

A :class:`Filed` is a record with its form, its rows aligned with the form's
(:func:`perftui.core.evaluation.for_form`), and for a 自评 its scorecard.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from perftui.core import evaluation as _evaluation
from perftui.core import monitoring as _monitoring
from perftui.core import scoring
from perftui.core.evaluation import Evaluation
from perftui.core.execution import ROW_LABELS, ROWS, TOTAL
from perftui.core.model import Form
from perftui.core.monitoring import Monitoring
from perftui.core.scoring import DEFAULT_RULES, Rules, Scorecard, format_rate
from perftui.core.tracking import EVALUATION, MONITORING
from perftui.export import ExportError, Options, contents
from perftui.export.contents import Amount, Cell, Table
from perftui.export.sheet import GOAL, HEADER, LABEL, SUBTITLE, TEXT, TITLE, UNIT, Sheet
from perftui.i18n import N_, gettext as _
from perftui.text import views
from perftui.text.tables import LEFT, RIGHT

KINDS = (MONITORING, EVALUATION)
TITLES = {MONITORING: N_("项目支出绩效运行监控表"), EVALUATION: N_("项目支出绩效自评表")}
NOT_APPLICABLE = "—"


@dataclass(frozen=True)
class Filed:
    """A record ready to export: its form, its rows in the form's order, its scores (自评)."""

    form: Form
    record: Monitoring | Evaluation
    card: Scorecard | None = None

    @classmethod
    def of(cls, form: Form, record: Monitoring | Evaluation, rules: Rules = DEFAULT_RULES) -> Filed:
        if isinstance(record, Evaluation):
            aligned = _evaluation.for_form(form, record)
            return cls(form, aligned, scoring.score(aligned, form.layout, rules))
        return cls(form, _monitoring.for_form(form, record))

    @property
    def kind(self) -> str:
        return EVALUATION if isinstance(self.record, Evaluation) else MONITORING


def title(kind: str) -> str:
    return _(TITLES[kind])


def year_line(filed: Filed) -> str:
    year = filed.record.year or filed.form.year
    if not year:
        return ""
    if isinstance(filed.record, Monitoring):
        day = filed.record.day
        return _("（{year}年度，截至{month}月{day}日）").format(year=year, month=day.month, day=day.day) if day else ""
    return _("（{year}年度）").format(year=year)


def points(value) -> Amount:
    return Amount(value)


def _rate(spending) -> str:
    return format_rate(spending.rate)


def causes_text(causes: Sequence[str], reason: str) -> str:
    """偏差原因分析 in one cell: the causes ticked, then the words."""
    named = "、".join(_(_monitoring.CAUSE_LABELS.get(cause, cause)) for cause in causes)
    return "：".join(part for part in (named, reason.strip()) if part)


# -- the 监控表 --------------------------------------------------------------------------


def monitoring_funding(filed: Filed) -> Table:
    record = filed.record
    months = _monitoring.months(record.day)
    rows: list[list[Cell]] = []
    for key in ROWS:
        row = record.execution.row(key)
        rows.append([_(ROW_LABELS[key]), Amount(row.initial), Amount(row.spent), _rate(row)])
    return Table(
        [_("项目资金（万元）"), _("年初预算数"), _("{months}执行数").format(months=months), _("执行率")],
        rows,
        [LEFT, RIGHT, RIGHT, RIGHT],
    )


def monitoring_goals(filed: Filed) -> tuple[list[str], list[str]]:
    months = _monitoring.months(filed.record.day)
    return [_("年初设定目标"), _("{months}执行情况").format(months=months)], [filed.form.annual_goal, filed.record.goal_progress]


def monitoring_indicator_headers(filed: Filed) -> list[str]:
    months = _monitoring.months(filed.record.day)
    return [
        *views.indicator_headers()[:3],
        _("年度指标值"),
        _("{months}执行情况").format(months=months),
        _("全年预计完成情况"),
        _("偏差原因分析"),
        _("完成目标可能性"),
        _("备注"),
    ]


def monitoring_indicators(filed: Filed) -> Table:
    rows: list[list[Cell]] = []
    for row in filed.record.rows:
        level1, level2, name, value = row.indicator[:4]
        likelihood = _(_monitoring.LIKELIHOOD_LABELS[row.likelihood]) if row.likelihood else ""
        rows.append([level1, level2, name, value, row.progress, row.forecast, causes_text(row.causes, row.reason), likelihood, row.note])
    return Table(
        monitoring_indicator_headers(filed), rows, [LEFT] * 9, span_columns=(0, 1), wrap_columns=(6, 2, 4, 5, 8, 1, 3)
    )


# -- the 自评表 ----------------------------------------------------------------------------


def evaluation_funding(filed: Filed) -> Table:
    record, card = filed.record, filed.card
    assert card is not None
    rows: list[list[Cell]] = []
    for key in ROWS:
        row = record.execution.row(key)
        weight: Cell = points(card.execution.weight) if key == TOTAL else NOT_APPLICABLE
        score: Cell = points(card.execution.score) if key == TOTAL else NOT_APPLICABLE
        rows.append([_(ROW_LABELS[key]), Amount(row.initial), Amount(row.budget), Amount(row.spent), weight, _rate(row), score])
    return Table(
        [_("项目资金（万元）"), _("年初预算数"), _("全年预算数"), _("全年执行数"), _("分值"), _("执行率"), _("得分")],
        rows,
        [LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT],
    )


def funding_reason_row(filed: Filed) -> list[Cell]:
    """偏差原因 of the money, under the funding rows (the 自评表 has no column for it)."""
    record = filed.record
    text = causes_text(record.causes, record.funding_reason) if isinstance(record, Monitoring) else record.funding_reason
    return [_("偏差原因分析"), text]


def evaluation_goals(filed: Filed) -> tuple[list[str], list[str]]:
    return [_("预期目标"), _("实际完成情况")], [filed.record.goal_expected, filed.record.goal_actual]


def evaluation_indicator_headers() -> list[str]:
    return [
        *views.indicator_headers()[:3],
        _("年度指标值"),
        _("实际完成值"),
        _("分值"),
        _("得分"),
        _("偏差原因分析及改进措施"),
    ]


def evaluation_indicators(filed: Filed) -> Table:
    card = filed.card
    assert card is not None
    rows: list[list[Cell]] = []
    for row, scored in zip(filed.record.rows, card.rows):
        level1, level2, name, value = row.indicator[:4]
        rows.append([level1, level2, name, value, row.actual, points(scored.weight), points(scored.score), row.reason])
    return Table(
        evaluation_indicator_headers(),
        rows,
        [LEFT, LEFT, LEFT, LEFT, LEFT, RIGHT, RIGHT, LEFT],
        span_columns=(0, 1),
        wrap_columns=(7, 2, 4, 3, 1),
    )


def evaluation_footer(filed: Filed) -> list[Cell]:
    """其他需要说明事项 | notes | 总分 | 100 | total | 等级, as the published table ends."""
    card = filed.card
    assert card is not None
    grade = card.grade()
    return [
        _("其他需要说明事项"),
        filed.record.notes,
        _("总分"),
        points(card.weight_total),
        points(card.total),
        _(scoring.GRADE_LABELS[grade]) if grade else "",
    ]


# -- grids for CSV and xlsx ----------------------------------------------------------------


def _heading(sheet: Sheet, filed: Filed, columns: int) -> None:
    last = columns - 1
    row = sheet.add([title(filed.kind)], {0: TITLE})
    sheet.merge(row, 0, row, last)
    row = sheet.add([year_line(filed)], {0: SUBTITLE})
    sheet.merge(row, 0, row, last)
    sheet.add([""] * last + [contents.unit_line()], {last: UNIT})
    form = filed.form
    middle = columns // 2
    for left, left_value, right, right_value in (
        (_("项目名称"), form.name, _("项目实施期"), form.period_text),
        (_("主管部门"), form.department, _("实施单位"), form.unit),
    ):
        cells: list[Cell] = [left, left_value] + [""] * (middle - 2) + [right, right_value] + [""] * (columns - middle - 2)
        row = sheet.add(cells, {0: LABEL, 1: TEXT, middle: LABEL, middle + 1: TEXT})
        sheet.merge(row, 1, row, middle - 1)
        sheet.merge(row, middle + 1, row, last)


def _indicator_block(sheet: Sheet, label: str, table: Table) -> None:
    columns = len(table.headers) + 1
    header = sheet.add([label, *table.headers], {0: LABEL, **{c: HEADER for c in range(1, columns)}})
    for values in table.rows:
        sheet.add(["", *values], {c: TEXT for c in range(1, columns)})
    sheet.merge(header, 0, header + len(table.rows), 0)
    # A 一级 or 二级 cell is merged over the run of rows that continue it.
    spanned = table.spanned
    for column in (0, 1):
        run_start = None
        for index in range(len(table.rows) + 1):
            continues = index < len(table.rows) and spanned[index][column]
            if continues and run_start is None:
                run_start = index - 1
            if not continues and run_start is not None:
                sheet.merge(header + 1 + run_start, column + 1, header + index, column + 1)
                run_start = None


def _goal_block(sheet: Sheet, headers: list[str], texts: list[str], columns: int) -> None:
    middle = columns // 2
    first = sheet.add([_("年度总体目标"), headers[0]] + [""] * (middle - 2) + [headers[1]] + [""] * (columns - middle - 1),
                      {0: LABEL, 1: HEADER, middle: HEADER})
    last = sheet.add([""] + [texts[0]] + [""] * (middle - 2) + [texts[1]] + [""] * (columns - middle - 1), {1: GOAL, middle: GOAL})
    for row in (first, last):
        sheet.merge(row, 1, row, middle - 1)
        sheet.merge(row, middle, row, columns - 1)
    sheet.merge(first, 0, last, 0)


def monitoring_sheet(filed: Filed) -> Sheet:
    """The 监控表 on ten columns: 绩效指标 | 一级 … 备注."""
    columns = 10
    sheet = Sheet(columns=columns)
    _heading(sheet, filed, columns)
    funding = monitoring_funding(filed)
    reason = causes_text(filed.record.causes, filed.record.funding_reason)
    first = sheet.add([funding.headers[0], "", "", *funding.headers[1:], _("偏差原因分析"), "", "", ""],
                      {0: LABEL, 3: HEADER, 4: HEADER, 5: HEADER, 6: HEADER})
    sheet.merge(first, 1, first, 2)
    sheet.merge(first, 6, first, 9)
    for number, values in enumerate(funding.rows):
        row = sheet.add(["", values[0], "", *values[1:], reason if number == 0 else "", "", "", ""], {1: LABEL, 6: GOAL})
        sheet.merge(row, 1, row, 2)
    sheet.merge(first, 0, first + len(funding.rows), 0)
    sheet.merge(first + 1, 6, first + len(funding.rows), 9)
    _goal_block(sheet, *monitoring_goals(filed), columns)
    _indicator_block(sheet, _("绩效指标"), monitoring_indicators(filed))
    return sheet


def evaluation_sheet(filed: Filed) -> Sheet:
    """The 自评表 on nine columns, as Yunnan publishes it: 绩效指标 | 一级 … 偏差原因分析及改进措施."""
    columns = 9
    sheet = Sheet(columns=columns)
    _heading(sheet, filed, columns)
    funding = evaluation_funding(filed)
    first = sheet.add([funding.headers[0], "", "", *funding.headers[1:]], {0: LABEL, **{c: HEADER for c in range(3, 9)}})
    sheet.merge(first, 1, first, 2)
    for values in funding.rows:
        row = sheet.add(["", values[0], "", *values[1:]], {1: LABEL})
        sheet.merge(row, 1, row, 2)
    label, reason = funding_reason_row(filed)
    row = sheet.add(["", label, "", reason], {1: LABEL, 3: GOAL})
    sheet.merge(row, 1, row, 2)
    sheet.merge(row, 3, row, 8)
    sheet.merge(first, 0, row, 0)
    _goal_block(sheet, *evaluation_goals(filed), columns)
    _indicator_block(sheet, _("绩效指标"), evaluation_indicators(filed))
    label, notes, total_label, weights, total, grade = evaluation_footer(filed)
    row = sheet.add([label, notes, "", "", "", total_label, weights, total, grade], {0: LABEL, 1: GOAL, 5: LABEL, 8: LABEL})
    sheet.merge(row, 1, row, 4)
    return sheet


def sheet_of(filed: Filed) -> Sheet:
    return evaluation_sheet(filed) if filed.kind == EVALUATION else monitoring_sheet(filed)


# -- JSON ------------------------------------------------------------------------------------


def _scores_doc(card: Scorecard) -> dict[str, Any]:
    from perftui.core.money import canonical

    def line(scored: scoring.Scored) -> dict[str, Any]:
        return {
            "weight": canonical(scored.weight),
            "score": canonical(scored.score),
            "by_rule": canonical(scored.proposal.score),
            "written": scored.written,
        }

    return {
        "execution": line(card.execution),
        "rows": [line(scored) for scored in card.rows],
        "weight_total": canonical(card.weight_total),
        "total": canonical(card.total),
        "grade": card.grade(),
    }


def json_document(kind: str, items: Sequence[Filed]) -> str:
    """Every stored field of each record (as :meth:`to_doc` has it), its form's identity and, for a 自评, the scores."""
    from perftui.export import jsonfile

    records = []
    for filed in items:
        form = filed.form
        doc: dict[str, Any] = {
            "record": filed.record.to_doc(),
            "form": {"id": form.id, "year": form.year, "name": form.name, "department": form.department, "unit": form.unit},
        }
        if filed.card is not None:
            doc["scores"] = _scores_doc(filed.card)
        records.append(doc)
    name = "monitorings" if kind == MONITORING else "evaluations"
    return jsonfile.dumps({"format": jsonfile.FORMAT, "kind": name, "version": jsonfile.VERSION, "records": records})


# -- all formats -------------------------------------------------------------------------------


def render(kind: str, items: Sequence[Filed], options: Options = Options()) -> str | bytes:
    """The export of ``items`` (all of ``kind``): text, CSV or JSON as text; xlsx as bytes.

    Raises :class:`ExportError` for an unknown kind or format, a bad width or no records.
    Like every export, nothing in it is a terminal escape (see :func:`perftui.export.render`).
    """
    output = _render(kind, items, options)
    if isinstance(output, bytes):
        return output
    from perftui.core.normalize import escape_controls

    return escape_controls(output, json=options.format == "json")


def _render(kind: str, items: Sequence[Filed], options: Options) -> str | bytes:
    options.check()
    if kind not in KINDS:
        raise ExportError(_("未知的导出内容：{kind}（可用：{kinds}）").format(kind=kind, kinds=", ".join(KINDS)))
    if not items:
        raise ExportError(_("没有符合条件的记录"))
    fmt = options.format
    if fmt == "xlsx":
        from perftui.export import xlsx

        return xlsx.sheets_workbook([(filed.form.name, sheet_of(filed)) for filed in items])
    if fmt == "json":
        return json_document(kind, items)
    if fmt == "csv":
        import csv

        from perftui.export.csvfile import cell_text

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for number, filed in enumerate(items):
            if number:
                writer.writerow([])
            writer.writerows([cell_text(cell, options.raw) for cell in row] for row in sheet_of(filed).rows)
        return buffer.getvalue()
    from perftui.export import tracking_text

    return tracking_text.figures(items, fmt, options.width) + "\n"

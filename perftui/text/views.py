"""Forms as text for people: status words, summary rows, the whole form.

Shared by the CLI, the exports and the TUI, so a form reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from perftui.core import findings as _findings
from perftui.core.findings import Finding
from perftui.i18n import current_locale, gettext as _, ngettext
from perftui.core.listing import Listed, listed
from perftui.core.model import Form, Indicator
from perftui.core.money import format_amount
from perftui.core.totals import Totals
from perftui.text.tables import LEFT, RIGHT, render
from perftui.text.width import pad, width, wrap


def amount(value) -> str:
    return format_amount(value, current_locale())


def status_text(found: Sequence[Finding]) -> str:
    return status_of_counts(*_findings.counts(found))


def status_of_counts(errors: int, warnings: int) -> str:
    """:func:`status_text` from the counts alone (a list read as a server's columns has no findings)."""
    if errors:
        return ngettext("不完整（{n}个错误）", "不完整（{n}个错误）", errors).format(n=errors)
    if warnings:
        return ngettext("完整（{n}个提醒）", "完整（{n}个提醒）", warnings).format(n=warnings)
    return _("完整")


def severity_text(finding: Finding) -> str:
    return _("错误") if finding.is_error else _("提醒")


def finding_lines(found: Iterable[Finding], indent: str = "  ") -> list[str]:
    return [indent + _("{severity}  {where}：{message}").format(severity=severity_text(f), where=f.where, message=f.message) for f in found]


def list_table(forms: Sequence[Form | Listed], fmt: str = "simple", width: int | None = None) -> str:
    """The forms as ``perftui list`` prints them: from the forms, or what a server's columns say of them (:class:`Listed`)."""
    headers = [_("项目名称"), _("年度"), _("主管部门"), _("年度财政拨款"), _("指标数"), _("状态")]
    shown = [form if isinstance(form, Listed) else listed(form) for form in forms]
    rows = [
        [
            row.name,
            row.year or "",
            row.department,
            amount(row.fiscal),
            row.indicators,
            status_of_counts(row.errors, row.warnings),
        ]
        for row in shown
    ]
    # Narrowed, 主管部门 gives up its room first (mostly one institute's name), then 项目名称.
    return render(headers, rows, [LEFT, RIGHT, LEFT, RIGHT, RIGHT, LEFT], fmt, width, cut=(2, 0))


def totals_row(label: str, totals: Totals) -> list[str]:
    return [label, str(totals.forms), amount(totals.fiscal), amount(totals.other), amount(totals.total)]


def totals_table(rows: Sequence[Sequence[str]], first: str, fmt: str = "simple", width: int | None = None) -> str:
    headers = [first, _("表数"), _("年度财政拨款"), _("其他资金"), _("年度金额")]
    return render(headers, rows, [LEFT, RIGHT, RIGHT, RIGHT, RIGHT], fmt, width)


def indicator_rows(indicators: Sequence[Indicator]) -> list[list[str]]:
    """Rows of the indicator table with each 一级/二级 shown once for the rows it spans."""
    rows = []
    previous: tuple[str, str] | None = None
    for row in indicators:
        same1 = previous is not None and previous[0] == row.level1
        same2 = same1 and previous is not None and previous[1] == row.level2
        rows.append(["" if same1 else row.level1, "" if same2 else row.level2, row.name, row.value])
        previous = (row.level1, row.level2)
    return rows


def row_extra_lines(indicators: Sequence[Indicator]) -> list[str]:
    """The other columns an imported form had (权重, 中期指标值…), one line per row that has any."""
    from perftui.core.model import extra_label

    lines = []
    for number, row in enumerate(indicators, start=1):
        if row.extra:
            parts = "；".join(f"{extra_label(key)}：{text}" for key, text in row.extra)
            lines.append(_("  第{row}行 {name}：{parts}").format(row=number, name=row.name, parts=parts))
    return lines


def indicator_headers() -> list[str]:
    return [_("一级指标"), _("二级指标"), _("三级指标"), _("指标值")]


def form_text(form: Form, found: Sequence[Finding] | None = None, line_width: int = 100) -> str:
    """The whole form for a terminal, with its findings at the end."""
    found = _findings.check(form) if found is None else found
    labels = [
        (_("年度"), str(form.year or "")),
        (_("项目名称"), form.name),
        (_("项目实施期"), form.period_text),
        (_("主管部门"), form.department),
        (_("实施单位"), form.unit),
    ]
    labels += [(label, value) for label, value in form.extra_fields]
    label_width = min(24, max(width(label) for label, _value in labels) + 2)
    lines = [f"{form.name}  [{form.id}, {_('修订')} {form.revision}]", ""]
    for label, value in labels:
        shown = pad(label, label_width) if width(label) < label_width else label + "  "
        lines.append(shown + value)
    lines.append("")
    funding = render(
        [_("资金投入（万元）"), _("实施期"), _("年度")],
        [
            [_("金额"), amount(form.period_funding.total), amount(form.annual_funding.total)],
            [_("其中：财政拨款"), amount(form.period_funding.fiscal), amount(form.annual_funding.fiscal)],
            [_("其他资金"), amount(form.period_funding.other), amount(form.annual_funding.other)],
        ],
        [LEFT, RIGHT, RIGHT],
    )
    lines += [funding, ""]
    for label, goal in ((_("实施期目标"), form.period_goal), (_("年度目标"), form.annual_goal)):
        lines.append(label)
        lines += ["  " + line for line in wrap(goal, max(20, line_width - 2))]
        lines.append("")
    lines.append(render(indicator_headers(), indicator_rows(form.indicators)))
    lines += row_extra_lines(form.indicators)
    lines.append("")
    lines.append(f"{_('检查结果')}：{status_text(found)}")
    lines += finding_lines(found)
    return "\n".join(lines)


def backup_contents_text(contents) -> str:
    """What a backup (or the database file) holds, in one line: its forms and their 年度财政拨款."""
    if not contents.usable:
        return contents.problem or ""
    return _("{forms} 张表，年度财政拨款 {fiscal}").format(forms=contents.forms, fiscal=amount(contents.fiscal))

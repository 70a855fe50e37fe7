"""What an import would bring in, as lines of text: for ``perftui import --dry-run`` and the import screen.

For each form: its header, its funding, how many indicator rows, the labels
the reader did not recognize (kept as extra fields), how it read what it read,
and the findings; for a refused file, the one line that says why.
"""

from __future__ import annotations

from collections.abc import Sequence

from perftui.core import findings
from perftui.core.model import Form
from perftui.i18n import N_, gettext as _, ngettext
from perftui.importing import grid
from perftui.importing.readback import CSV, JSON, Imported
from perftui.text import views

KIND_NAMES = {
    grid.TEXT: N_("文本"),
    grid.DOCX: "Word",
    grid.XLSX: "Excel",
    grid.PDF: "PDF",
    JSON: "JSON",
    CSV: "CSV",
}


def file_lines(name: str, imported: Imported) -> list[str]:
    count = len(imported.forms)
    kind = _(KIND_NAMES.get(imported.kind, imported.kind))
    lines = [
        ngettext("{file}（{kind}）：{n} 张表", "{file}（{kind}）：{n} 张表", count).format(file=name, kind=kind, n=count)
    ]
    recognized = {id(item.form): item for item in imported.recognized}
    for form in imported.forms:
        lines += form_lines(form, recognized.get(id(form)))
    return lines


def form_lines(form: Form, recognized=None, indent: str = "  ") -> list[str]:
    """One form as a preview shows it."""
    found = findings.check(form)
    more = indent * 2
    lines = [f"{indent}{form.name}  [{form.year or ''}]  {views.status_text(found)}"]
    if recognized is not None and recognized.year_given:
        lines.append(more + _("年度 {year}：文件中没有写，取自 --year").format(year=form.year))
    for label, value in ((_("主管部门"), form.department), (_("实施单位"), form.unit), (_("项目实施期"), form.period_text)):
        if value:
            lines.append(more + _("{label}：{value}").format(label=label, value=value))
    annual, period = form.annual_funding, form.period_funding
    lines.append(
        more
        + _("年度金额 {total}，其中财政拨款 {fiscal}，其他资金 {other}").format(
            total=_shown(annual.total), fiscal=_shown(annual.fiscal), other=_shown(annual.other)
        )
    )
    if any(value is not None for value in (period.total, period.fiscal, period.other)):
        lines.append(
            more
            + _("实施期金额 {total}，其中财政拨款 {fiscal}，其他资金 {other}").format(
                total=_shown(period.total), fiscal=_shown(period.fiscal), other=_shown(period.other)
            )
        )
    lines.append(more + ngettext("绩效指标 {n} 条", "绩效指标 {n} 条", len(form.indicators)).format(n=len(form.indicators)))
    with_extra = sum(1 for row in form.indicators if row.extra)
    if with_extra:
        lines.append(more + _("{n} 条指标另有其他栏目（权重、中期指标值等），一并导入").format(n=with_extra))
    if form.extra_fields:
        lines.append(more + _("其他栏目：{labels}").format(labels=_("、").join(label for label, _v in form.extra_fields)))
    if recognized is not None:
        if recognized.unknown:
            lines.append(more + _("未识别的栏目（作为其他栏目保留）：{labels}").format(labels=_("、").join(recognized.unknown)))
        for note in recognized.notes:
            lines.append(more + _("读法：{note}").format(note=note))
    lines += views.finding_lines(found, indent=more)
    return lines


def _shown(amount) -> str:
    return views.amount(amount) if amount is not None else "—"


def summary_line(files: Sequence[Imported]) -> str:
    forms = sum(len(item.forms) for item in files)
    rows = sum(len(form.indicators) for item in files for form in item.forms)
    return _("将导入 {forms} 张表，{rows} 条指标").format(forms=forms, rows=rows)

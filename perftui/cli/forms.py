"""Lookups: ``list``, ``show``, ``total``, ``check`` (with the 监控 and 自评, :mod:`perftui.cli.tracking`).
They never import textual."""

from __future__ import annotations

import argparse

from perftui.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    fitted,
    no_forms,
    open_repository,
    output_width,
    resolve_one,
    select,
    terminal_width,
    width_argument,
    year_argument,
)
from perftui.cli import tracking
from perftui.i18n import gettext as _


def register(add) -> None:
    sub = add("list", cmd_list, _("列出所有表"))
    sub.add_argument("--year", type=year_argument, metavar=_("年度"), help=_("只看这一年度"))
    _width_option(sub)
    sub = add("show", cmd_show, _("显示一张表的全部内容和检查结果"))
    sub.add_argument("name", nargs="+", metavar="NAME|ID", help=_("项目名称的一部分，或表的编号"))
    tracking.add_show_options(sub)
    sub = add("total", cmd_total, _("年度财政拨款合计（及其他资金、年度金额）"))
    sub.add_argument("--year", type=year_argument, metavar=_("年度"), help=_("只算这一年度"))
    sub.add_argument("--by", choices=["主管部门", "实施单位", "department", "unit"], help=_("按主管部门或实施单位分组"))
    _width_option(sub)
    sub = add("check", cmd_check, _("检查所有表；有不完整的表时退出码为1"))
    sub.add_argument("--year", type=year_argument, metavar=_("年度"), help=_("只查这一年度"))
    sub.add_argument("--strict", action="store_true", help=_("有任何检查结果（含提醒）时退出码为1"))
    _width_option(sub)


def _width_option(sub) -> None:
    sub.add_argument(
        "--width", metavar="N", type=width_argument,
        help=_("表格宽度（默认为终端宽度；输出到管道或文件时不截断）"),
    )

def by_name(text: str) -> tuple:
    """Where a name (or a unit) sorts, as the app's list sorts it: by pinyin, blanks last."""
    from perftui.core.collation import pinyin_key

    return (text == "", pinyin_key(text))


def cmd_list(args: argparse.Namespace) -> int:
    from perftui.text import views

    repository = open_repository(args)
    # From a server, its columns (the status counted when each form was written): no form is read.
    rows = repository.listed(getattr(args, "year", None))
    if not rows:
        print(no_forms(repository, args.year))
        return EXIT_OK
    # Newest year first, as the forms are listed everywhere; within a year by name, by pinyin.
    rows.sort(key=lambda row: (-(row.year or 0), by_name(row.name)))
    print(views.list_table(rows, width=output_width(args)))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from perftui.text import views

    repository = open_repository(args)
    form = resolve_one(repository, " ".join(args.name))
    if args.monitor or args.evaluation:
        return tracking.show_record(args, repository, form)
    print(views.form_text(form, line_width=terminal_width()))
    return EXIT_OK


def cmd_total(args: argparse.Namespace) -> int:
    from perftui.text import views
    from perftui.core.totals import Totals, group_totals

    repository = open_repository(args)
    rows = repository.funded(args.year)
    if not rows:
        print(no_forms(repository, args.year))
        return EXIT_OK
    by_year = sorted(rows, key=lambda r: r.year or 0)
    several_years = len({r.year for r in rows}) > 1
    if args.by:
        by_department = args.by in ("主管部门", "department")
        first = _("主管部门") if by_department else _("实施单位")
        key_of = (lambda r: r.department) if by_department else (lambda r: r.unit)
        # Years in order, as without --by; within a year the units by pinyin, as the app sorts them
        # (the groups are sorted, not the forms: a few dozen names to read, not ten thousand).
        if several_years:
            groups = group_totals(by_year, lambda r: (r.year, key_of(r)))
            ordered = sorted(groups.items(), key=lambda item: (item[0][0] or 0, by_name(item[0][1])))
            lines = [views.totals_row(f"{year or '-'} {name}", t) for (year, name), t in ordered]
        else:
            groups = group_totals(by_year, key_of)
            ordered = sorted(groups.items(), key=lambda item: by_name(item[0]))
            lines = [views.totals_row(str(name), t) for name, t in ordered]
    else:
        first = _("年度")
        groups = group_totals(by_year, lambda r: r.year)
        lines = [views.totals_row(str(year or "-"), t) for year, t in groups.items()]
    if len(lines) != 1 or args.by:
        lines.append(views.totals_row(_("合计"), Totals.sum(groups.values())))
    print(views.totals_table(lines, first, width=output_width(args)))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from perftui.core import findings
    from perftui.text import views

    repository = open_repository(args)
    forms = select(repository, args)
    if not forms:
        print(no_forms(repository, args.year))
        return EXIT_OK
    incomplete = with_findings = 0
    width = output_width(args)
    lines = []  # printed at once: a print a line (through EscapedStream) was a tenth of a check
    for form in forms:
        found = findings.check(form)
        if not found:
            continue
        with_findings += 1
        incomplete += not findings.is_complete(found)
        lines.append(fitted(f"{form.name}  [{form.year or ''}, {form.id}]  {views.status_text(found)}", width))
        lines.append("\n".join(fitted(line, width) for line in views.finding_lines(found)))
    lines.append(
        _("共 {forms} 张表：{incomplete} 张不完整，{flagged} 张有检查结果").format(
            forms=len(forms), incomplete=incomplete, flagged=with_findings
        )
    )
    print("\n".join(lines))
    _records, records_incomplete, records_flagged = tracking.check_records(repository, forms)
    incomplete += records_incomplete
    with_findings += records_flagged
    if incomplete or (args.strict and with_findings):
        return EXIT_FINDINGS
    return EXIT_OK


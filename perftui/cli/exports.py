"""``perftui export``: tables and files, chosen by what, format and filters."""

from __future__ import annotations

import argparse
import sys

from perftui.cli.common import (
    year_argument,
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    db_path,
    no_forms,
    open_repository,
    resolve_one,
    terminal_width,
)
from perftui.i18n import gettext as _


def register(add, common: argparse.ArgumentParser) -> None:
    from perftui.export.formats import DEFAULT_FORMAT, FORMATS, MAX_WIDTH, MIN_WIDTH

    export = add("export", lambda a: export.print_help() or EXIT_USAGE, _("导出为纯文本表格，或 CSV、JSON、xlsx 文件"))
    what = export.add_subparsers(title=_("导出内容"), metavar="WHAT")

    def command(name: str, help_text: str, names: bool) -> argparse.ArgumentParser:
        sub = what.add_parser(name, help=help_text, description=help_text, parents=[common])
        sub.set_defaults(handler=cmd_export, what=name)
        if names:
            sub.add_argument("names", nargs="*", metavar="NAME|ID", help=_("项目名称的一部分，或表的编号"))
            sub.add_argument("--all", action="store_true", help=_("所有的表"))
        sub.add_argument("--year", type=year_argument, metavar=_("年度"), help=_("只导出这一年度"))
        sub.add_argument("--unit", metavar="TEXT", help=_("只导出实施单位含此文字的表"))
        sub.add_argument("--name", metavar="TEXT", help=_("只导出项目名称含此文字的表"))
        sub.add_argument("--incomplete", action="store_true", help=_("只导出不完整的表"))
        sub.add_argument(
            "--format", "-f", default=DEFAULT_FORMAT, metavar="FORMAT",
            help=_("格式（默认 {default}）：{formats}").format(default=DEFAULT_FORMAT, formats=", ".join(FORMATS)),
        )
        sub.add_argument("-o", "--output", metavar="FILE", help=_("写入文件（默认输出到屏幕）"))
        sub.add_argument("--force", action="store_true", help=_("覆盖已有的文件"))
        sub.add_argument("--bom", action="store_true", help=_("在文件开头加 UTF-8 BOM，让 Excel 认出中文"))
        sub.add_argument(
            "--raw", action="store_true",
            help=_("CSV 按原样写出以 = + - @ 开头的文字（默认在前面加 '，以免电子表格把它当公式执行）"),
        )
        sub.add_argument(
            "--width", metavar="N",
            help=_("折行宽度（{low}–{high}，默认为终端宽度，否则 100）").format(low=MIN_WIDTH, high=MAX_WIDTH),
        )
        return sub

    command("summary", _("每张表一行，末行合计"), names=False)
    command("form", _("整张表，按官方表格的版式"), names=True)
    command("indicators", _("绩效指标，多张表时带项目名称"), names=True)
    command("monitoring", _("绩效运行监控表，按官方表格的版式（只含已填监控的表）"), names=True)
    command("evaluation", _("绩效自评表，按官方表格的版式（只含已填自评的表）"), names=True)


def export_forms(repository, args: argparse.Namespace):
    """The forms an export is about: one named form, or all that pass the filters."""
    from perftui.core import findings
    from perftui.core.normalize import fold

    query = " ".join(getattr(args, "names", None) or []).strip()
    every = getattr(args, "all", False)
    filtered = args.year is not None or args.unit or args.name or args.incomplete
    if query and every:
        raise CommandError(_("不能同时给出表名和 --all"), EXIT_USAGE)
    if query:
        forms = [resolve_one(repository, query)]
    elif args.what in ("form", "monitoring", "evaluation") and not (every or filtered):
        raise CommandError(_("请说明导出哪些表：表名或编号，或 --all，或 --year/--unit/--name/--incomplete"), EXIT_USAGE)
    else:
        forms = repository.forms()

    def contains(text: str, needle: str | None) -> bool:
        return not needle or fold(needle).strip().casefold() in fold(text).casefold()

    forms = [
        form
        for form in forms
        if (args.year is None or form.year == args.year)
        and contains(form.unit, args.unit)
        and contains(form.name, args.name)
        and (not args.incomplete or not findings.is_complete(findings.check(form)))
    ]
    if not forms:
        if not (args.unit or args.name or args.incomplete):
            raise CommandError(no_forms(repository, args.year), EXIT_FINDINGS)  # which year has none
        raise CommandError(_("没有符合条件的表"), EXIT_FINDINGS)
    return forms


def cmd_export(args: argparse.Namespace) -> int:
    from perftui import export

    try:
        if args.width is not None:
            width = export.parse_width(args.width)
        elif args.output is None and sys.stdout.isatty():
            width = max(export.MIN_WIDTH, min(export.MAX_WIDTH, terminal_width()))
        else:
            width = export.DEFAULT_WIDTH  # a file or a pipe is not this terminal
        # A summary is cut to the width the operator asked for, or to the terminal it is shown on.
        cut = args.width is not None or (args.output is None and sys.stdout.isatty())
        options = export.Options(args.format.strip().lower(), width, args.bom, args.raw, cut).check()
    except export.ExportError as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    if options.format in export.BINARY_FORMATS and args.output is None and sys.stdout.isatty():
        raise CommandError(_("{format} 是二进制文件，不能显示在终端上；请用 -o 文件名").format(format=options.format), EXIT_USAGE)
    if args.output is not None:
        from perftui.services.outputs import OutputRefused, check_output

        try:
            check_output(args.output, db_path(args))
        except OutputRefused as error:
            raise CommandError(str(error), EXIT_USAGE) from None
    repository = open_repository(args)
    forms = export_forms(repository, args)
    count = len(forms)
    if args.what in ("monitoring", "evaluation"):
        from perftui.cli.tracking import export_records

        output, count = export_records(args, repository, forms, options)
    else:
        try:
            output = export.render(args.what, forms, options)
        except export.ExportError as error:
            raise CommandError(str(error), EXIT_USAGE) from None
    if args.output is None:
        if isinstance(output, str) and not options.bom:
            sys.stdout.write(output)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(export.encode(output, options))
        sys.stdout.flush()
        return EXIT_OK
    from perftui.export.files import TargetExists, write

    try:
        path = write(args.output, export.encode(output, options), force=args.force)
    except TargetExists as error:
        raise CommandError(_("{path} 已存在，未覆盖；要覆盖请加 --force").format(path=error.path)) from None
    print(_("已导出 {forms} 张表到 {path}").format(forms=count, path=path))
    return EXIT_OK


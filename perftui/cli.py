"""The ``perftui`` command: quick lookups, checks, imports and exports; no subcommand opens the TUI.

Lookups must answer fast, so this module imports nothing heavy at the top:
textual is imported only when the TUI opens, tabulate only when a table prints.

Exit codes: 0 fine; 1 ``check`` found incomplete forms (or, with ``--strict``,
any finding), or an import file was refused; 2 usage errors and ambiguous
names; 3 the database or a file could not be used.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from perftui import i18n
from perftui.i18n import gettext as _

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3


class CommandError(Exception):
    """A one-line message for stderr and an exit code; never a traceback."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


# -- opening the database ---------------------------------------------------


def db_path(args: argparse.Namespace) -> Path:
    from perftui import config

    if args.demo:
        return config.demo_db_path()
    return config.resolve_db_path(args.db)


def read_only(args: argparse.Namespace) -> bool:
    from perftui.config import env_flag

    return bool(args.read_only) or env_flag("PERFTUI_READ_ONLY")


def open_repository(args: argparse.Namespace):
    from perftui.repository import Repository

    path = db_path(args)
    repository = Repository.open(path, read_only=read_only(args))
    if args.demo:
        ensure_demo(repository)
    return repository


def ensure_demo(repository) -> None:
    """The demo database holds the bundled forms; it is created on first use."""
    if repository.forms() or repository.deleted_forms() or repository.read_only:
        return
    from perftui.demo import SEED
    from perftui.importer import read_file

    repository.import_forms(read_file(SEED))


def select(repository, args: argparse.Namespace):
    forms = repository.forms(getattr(args, "year", None))
    return forms


# -- commands ---------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    from perftui import views

    forms = select(open_repository(args), args)
    if not forms:
        print(_("没有表。用 perftui import 文件 导入。"))
        return EXIT_OK
    print(views.list_table(forms))
    return EXIT_OK


def resolve_one(repository, query: str):
    matches = repository.lookup(query)
    if not matches:
        raise CommandError(_("没有名称或编号含“{query}”的表").format(query=query), EXIT_FINDINGS)
    if len(matches) > 1:
        lines = [_("有 {n} 张表符合“{query}”，请说得更具体些（或用编号）：").format(n=len(matches), query=query)]
        lines += [f"  {form.id}  {form.year or ''}  {form.name}" for form in matches]
        raise CommandError("\n".join(lines), EXIT_USAGE)
    return matches[0]


def cmd_show(args: argparse.Namespace) -> int:
    from perftui import views

    form = resolve_one(open_repository(args), " ".join(args.name))
    print(views.form_text(form, line_width=terminal_width()))
    return EXIT_OK


def cmd_total(args: argparse.Namespace) -> int:
    from perftui import views
    from perftui.summary import group_totals, totals

    forms = select(open_repository(args), args)
    several_years = len({f.year for f in forms}) > 1
    if args.by:
        key_of = (lambda f: f.department) if args.by in ("主管部门", "department") else (lambda f: f.unit)
        first = _("主管部门") if args.by in ("主管部门", "department") else _("实施单位")
        if several_years:
            groups = group_totals(sorted(forms, key=lambda f: f.year or 0), lambda f: (f.year, key_of(f)))
            rows = [views.totals_row(f"{year or '-'} {name}", t) for (year, name), t in groups.items()]
        else:
            groups = group_totals(forms, key_of)
            rows = [views.totals_row(str(name), t) for name, t in groups.items()]
    else:
        first = _("年度")
        groups = group_totals(sorted(forms, key=lambda f: f.year or 0), lambda f: f.year)
        rows = [views.totals_row(str(year or "-"), t) for year, t in groups.items()]
    if len(rows) != 1 or args.by:
        rows.append(views.totals_row(_("合计"), totals(forms)))
    print(views.totals_table(rows, first))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from perftui import findings, views

    forms = select(open_repository(args), args)
    incomplete = with_findings = 0
    for form in forms:
        found = findings.check(form)
        if not found:
            continue
        with_findings += 1
        incomplete += not findings.is_complete(found)
        print(f"{form.name}  [{form.year or ''}, {form.id}]  {views.status_text(found)}")
        print("\n".join(views.finding_lines(found)))
    print(
        _("共 {forms} 张表：{incomplete} 张不完整，{flagged} 张有检查结果").format(
            forms=len(forms), incomplete=incomplete, flagged=with_findings
        )
    )
    if incomplete or (args.strict and with_findings):
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Text files, and our own JSON and CSV exports (JSON keeps ids and revisions)."""
    from perftui import findings, views
    from perftui.export.readback import read_file
    from perftui.importer import FormatError
    from perftui.repository import ImportReport

    parsed, kept, failed = [], [], 0
    for name in args.files:
        try:
            imported = read_file(name)
        except FormatError as error:
            failed += 1
            print(f"perftui: {error}", file=sys.stderr)
            continue
        (kept if imported.keep_ids else parsed).extend(imported.forms)
    report = None
    if parsed or kept:
        repository = open_repository(args)
        report = ImportReport()
        for forms, keep_ids in ((parsed, False), (kept, True)):
            if forms:
                part = repository.import_forms(forms, keep_ids=keep_ids)
                report.added += part.added
                report.updated += part.updated
                report.unchanged += part.unchanged
    if report is not None:
        states = {id(f): _("新增") for f in report.added}
        states |= {id(f): _("更新") for f in report.updated}
        states |= {id(f): _("无变化") for f in report.unchanged}
        for form in report.forms:
            found = findings.check(form)
            print(f"{states[id(form)]}  {form.name}  [{form.year or ''}]  {views.status_text(found)}")
            print("\n".join(views.finding_lines(found)) or "", end="\n" if found else "")
        print(
            _("导入 {forms} 张表，{indicators} 条指标（新增 {added}，更新 {updated}，无变化 {unchanged}）").format(
                forms=len(report.forms),
                indicators=report.indicators,
                added=len(report.added),
                updated=len(report.updated),
                unchanged=len(report.unchanged),
            )
        )
    return EXIT_FINDINGS if failed else EXIT_OK


# -- export -----------------------------------------------------------------


def export_forms(repository, args: argparse.Namespace):
    """The forms an export is about: one named form, or all that pass the filters."""
    from perftui import findings
    from perftui.normalize import fold

    query = " ".join(getattr(args, "names", None) or []).strip()
    every = getattr(args, "all", False)
    filtered = args.year is not None or args.unit or args.name or args.incomplete
    if query and every:
        raise CommandError(_("不能同时给出表名和 --all"), EXIT_USAGE)
    if query:
        forms = [resolve_one(repository, query)]
    elif args.what == "form" and not (every or filtered):
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
        options = export.Options(args.format.strip().lower(), width, args.bom).check()
    except export.ExportError as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    if options.format in export.BINARY_FORMATS and args.output is None and sys.stdout.isatty():
        raise CommandError(_("{format} 是二进制文件，不能显示在终端上；请用 -o 文件名").format(format=options.format), EXIT_USAGE)
    forms = export_forms(open_repository(args), args)
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
    print(_("已导出 {forms} 张表到 {path}").format(forms=len(forms), path=path))
    return EXIT_OK


def _add_export_commands(add, common: argparse.ArgumentParser) -> None:
    from perftui.export import DEFAULT_FORMAT, FORMATS, MAX_WIDTH, MIN_WIDTH

    export = add("export", lambda a: export.print_help() or EXIT_USAGE, _("导出为纯文本表格，或 CSV、JSON、xlsx 文件"))
    what = export.add_subparsers(title=_("导出内容"), metavar="WHAT")

    def command(name: str, help_text: str, names: bool) -> argparse.ArgumentParser:
        sub = what.add_parser(name, help=help_text, description=help_text, parents=[common])
        sub.set_defaults(handler=cmd_export, what=name)
        if names:
            sub.add_argument("names", nargs="*", metavar="NAME|ID", help=_("项目名称的一部分，或表的编号"))
            sub.add_argument("--all", action="store_true", help=_("所有的表"))
        sub.add_argument("--year", type=int, help=_("只导出这一年度"))
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
            "--width", metavar="N",
            help=_("折行宽度（{low}–{high}，默认为终端宽度，否则 100）").format(low=MIN_WIDTH, high=MAX_WIDTH),
        )
        return sub

    command("summary", _("每张表一行，末行合计"), names=False)
    command("form", _("整张表，按官方表格的版式"), names=True)
    command("indicators", _("绩效指标，多张表时带项目名称"), names=True)


def cmd_tui(args: argparse.Namespace) -> int:
    from perftui.tui import run

    return run(db_path(args), read_only=read_only(args), demo=args.demo)


# -- the parser -------------------------------------------------------------


def terminal_width() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return 100


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand.

    A subcommand's parser would otherwise reset what was given before it
    (``perftui --db X list`` would lose X), so there they default to SUPPRESS.
    """
    default = argparse.SUPPRESS if suppress else None
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=default, help=_("数据库文件（默认：$PERFTUI_DB，或用户数据目录下的 forms.json）"))
    common.add_argument("--demo", action="store_true", default=default or False, help=_("使用自带的示例表（2024年的8张表）"))
    common.add_argument("--locale", metavar="LOCALE", default=default, help=_("界面语言：zh_CN（默认）或 en"))
    common.add_argument("--read-only", action="store_true", default=default or False, help=_("只读：拒绝一切修改（也可设 PERFTUI_READ_ONLY=1）"))
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options(suppress=True)

    parser = argparse.ArgumentParser(
        prog="perftui",
        description=_("本级预算项目绩效目标表：查询、检查、导入、导出；不带子命令时打开终端界面。"),
        parents=[_common_options(suppress=False)],
    )
    from perftui import __version__

    parser.add_argument("--version", action="version", version=f"perftui {__version__}")
    parser.set_defaults(handler=cmd_tui)
    commands = parser.add_subparsers(title=_("子命令"), metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[common])
        sub.set_defaults(handler=handler)
        return sub

    sub = add("list", cmd_list, _("列出所有表"))
    sub.add_argument("--year", type=int, help=_("只看这一年度"))
    sub = add("show", cmd_show, _("显示一张表的全部内容和检查结果"))
    sub.add_argument("name", nargs="+", metavar="NAME|ID", help=_("项目名称的一部分，或表的编号"))
    sub = add("total", cmd_total, _("年度财政拨款合计（及其他资金、年度金额）"))
    sub.add_argument("--year", type=int, help=_("只算这一年度"))
    sub.add_argument("--by", choices=["主管部门", "实施单位", "department", "unit"], help=_("按主管部门或实施单位分组"))
    sub = add("check", cmd_check, _("检查所有表；有不完整的表时退出码为1"))
    sub.add_argument("--year", type=int, help=_("只查这一年度"))
    sub.add_argument("--strict", action="store_true", help=_("有任何检查结果（含提醒）时退出码为1"))
    sub = add("import", cmd_import, _("从文本文件或 perftui 导出的 json、csv 文件导入表（同年度、同名称、同实施单位的表会被更新）"))
    sub.add_argument("files", nargs="+", metavar="FILE")
    _add_export_commands(add, common)
    return parser


def _error_types() -> tuple[type[BaseException], ...]:
    import storage
    from perftui.config import ConfigError
    from perftui.importer import FormatError
    from perftui.repository import Conflict

    return (storage.StorageError, FormatError, ConfigError, Conflict, CommandError)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--locale")
    known, _rest = early.parse_known_args(argv)
    try:
        i18n.set_locale(known.locale or i18n.locale_from_environment())
    except OSError as error:  # the English catalog is missing from the install
        print(f"perftui: {error}", file=sys.stderr)
        return EXIT_ERROR
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except _error_types() as error:
        from perftui.messages import describe

        print(f"perftui: {describe(error)}", file=sys.stderr)
        return error.code if isinstance(error, CommandError) else EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `perftui list | head`
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

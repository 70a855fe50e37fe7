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
    writable = not read_only(args)
    repository = Repository.open(path, read_only=not writable, backups_keep=backups_keep() if writable else None)
    warn_about_permissions(path)
    if args.demo:
        from perftui.demo import ensure_demo

        ensure_demo(repository)
    return repository


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
    return resolve_among(repository.forms(), query)


def cmd_show(args: argparse.Namespace) -> int:
    from perftui import views

    form = resolve_one(open_repository(args), " ".join(args.name))
    print(views.form_text(form, line_width=terminal_width()))
    return EXIT_OK


def cmd_total(args: argparse.Namespace) -> int:
    from perftui import views
    from perftui.summary import Totals, group_totals

    rows = open_repository(args).funded(args.year)
    by_year = sorted(rows, key=lambda r: r.year or 0)
    several_years = len({r.year for r in rows}) > 1
    if args.by:
        by_department = args.by in ("主管部门", "department")
        first = _("主管部门") if by_department else _("实施单位")
        key_of = (lambda r: r.department) if by_department else (lambda r: r.unit)
        if several_years:
            groups = group_totals(by_year, lambda r: (r.year, key_of(r)))
            lines = [views.totals_row(f"{year or '-'} {name}", t) for (year, name), t in groups.items()]
        else:
            groups = group_totals(rows, key_of)
            lines = [views.totals_row(str(name), t) for name, t in groups.items()]
    else:
        first = _("年度")
        groups = group_totals(by_year, lambda r: r.year)
        lines = [views.totals_row(str(year or "-"), t) for year, t in groups.items()]
    if len(lines) != 1 or args.by:
        lines.append(views.totals_row(_("合计"), Totals.sum(groups.values())))
    print(views.totals_table(lines, first))
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
    from perftui.importer import GB18030, FormatError
    from perftui.repository import ImportReport

    parsed, kept, failed = [], [], 0
    for name in args.files:
        try:
            imported = read_file(name)
            if imported.encoding == GB18030:
                print(_("{file}：不是 UTF-8，已按 GB18030 编码读取").format(file=name))
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


# -- trust: history, deleted forms, backups ---------------------------------


def backups_keep() -> int:
    from perftui.config import load_settings

    return load_settings().backups_keep


#: Warnings for stderr once the command has done its work (see main()).
warnings: list[str] = []


def warn_about_permissions(path: Path) -> None:
    """Note a warning when everyone may read or change the database: one line, not an error."""
    from perftui.access import permission_warning

    warning = permission_warning(path)
    if warning and warning not in warnings:
        warnings.append(warning)


def confirm(question: str, assume_yes: bool) -> None:
    """Ask on the terminal; anything but yes (or no answer at all) cancels.

    Reads stdin even when it is not a terminal, so ``echo y | perftui ...``
    works; scripts say ``--yes``.
    """
    if assume_yes:
        return
    print(f"{question} [y/N] ", end="", flush=True)
    try:
        answer = input().strip().casefold()
    except EOFError:
        answer = ""
        print()
    if answer not in ("y", "yes", "是", "好", "确定"):
        raise CommandError(_("已取消，未作任何修改。"), EXIT_FINDINGS)


def resolve_among(forms, query: str, *, deleted: bool = False):
    """The one form ``query`` names among ``forms``; none or several is a one-line error."""
    from perftui.model import lookup

    matches = lookup(forms, query)
    if not matches:
        message = _("没有名称或编号含“{query}”的已删除的表") if deleted else _("没有名称或编号含“{query}”的表")
        raise CommandError(message.format(query=query), EXIT_FINDINGS)
    if len(matches) > 1:
        lines = [_("有 {n} 张表符合“{query}”，请说得更具体些（或用编号）：").format(n=len(matches), query=query)]
        lines += [f"  {form.id}  {form.year or ''}  {form.name}" for form in matches]
        raise CommandError("\n".join(lines), EXIT_USAGE)
    return matches[0]


def cmd_history(args: argparse.Namespace) -> int:
    from perftui import history, views
    from perftui.history import HistoryError

    repository = open_repository(args)
    live = repository.forms()  # also says so, like every command, when a form is damaged
    line_width = terminal_width()
    if not args.name:
        if args.show is not None:
            raise CommandError(_("--show 需要指定一张表"), EXIT_USAGE)
        entries = repository.history()
        if not entries:
            print(_("还没有任何修改记录。"))
            return EXIT_OK
    else:
        form = resolve_among(live + repository.deleted_forms(), " ".join(args.name))
        if args.show is not None:
            try:
                print(views.form_text(repository.version_at(form.id, args.show), line_width=line_width))
            except HistoryError as error:
                raise CommandError(str(error), EXIT_USAGE) from None
            return EXIT_OK
        entries = repository.history(form.id)
        deleted = _("（已删除）") if form in repository.deleted_forms() else ""
        print(f"{form.name}{deleted}  [{form.id}, {_('修订')} {form.revision}]")
    if args.limit:
        entries = entries[-args.limit :]
    # What each creation created: its form's first version, reconstructed from the
    # form as it is now (grouped once: per entry it would read the whole history again).
    current = {f.id: f for f in live + repository.deleted_forms()}
    own: dict[str, list] = {}
    for entry in repository.history() if not args.name else entries:
        own.setdefault(entry.form_id, []).append(entry)

    def created(entry):
        try:
            return history.reconstruct(current[entry.form_id], own[entry.form_id], 1)
        except (HistoryError, KeyError):
            return None  # history from before it was kept

    print("\n".join(history.history_lines(entries, line_width=line_width, full=args.full, created=created)))
    return EXIT_OK


def cmd_revert(args: argparse.Namespace) -> int:
    from perftui import history
    from perftui.history import REVERTED, HistoryEntry, HistoryError
    from perftui.model import fields_changed

    repository = open_repository(args)
    form = resolve_among(repository.forms(), " ".join(args.name))
    try:
        earlier = repository.version_at(form.id, args.revision)
    except HistoryError as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    changes = fields_changed(form, earlier)
    if not changes:
        print(_("“{name}”的修订 {revision} 与现在的内容相同，无需回退。").format(name=form.name, revision=args.revision))
        return EXIT_OK
    print(
        _("把“{name}”从修订 {current} 回退到修订 {revision}，将作如下修改：").format(
            name=form.name, current=form.revision, revision=args.revision
        )
    )
    preview = HistoryEntry("", form.id, form.name, REVERTED, "", "", "", form.revision + 1, tuple(changes))
    print("\n".join(history.change_lines(preview, line_width=terminal_width())))
    if repository.read_only:  # refused before asking, not after the operator said yes
        import storage

        raise storage.ReadOnlyError(repository.path)
    confirm(_("确定回退吗？"), args.yes)
    reverted = repository.revert(form, args.revision)
    print(
        _("已回退：“{name}”现在是修订 {new}，内容同修订 {revision}。").format(
            name=reverted.name, new=reverted.revision, revision=args.revision
        )
    )
    return EXIT_OK


def cmd_deleted(args: argparse.Namespace) -> int:
    from perftui.history import when_text
    from perftui.tables import LEFT, RIGHT, render

    forms = open_repository(args).deleted_forms()
    if not forms:
        print(_("没有已删除的表。"))
        return EXIT_OK
    headers = [_("项目名称"), _("年度"), _("编号"), _("删除时间"), _("删除人")]
    rows = [[f.name, f.year or "", f.id, when_text(f.updated_at), f.updated_by] for f in forms]
    print(render(headers, rows, [LEFT, RIGHT, LEFT, LEFT, LEFT]))
    print(_("用 perftui undelete 名称或编号 恢复。"))
    return EXIT_OK


def cmd_undelete(args: argparse.Namespace) -> int:
    repository = open_repository(args)
    form = resolve_among(repository.deleted_forms(), " ".join(args.name), deleted=True)
    restored = repository.restore(form.id)
    print(_("已恢复“{name}”（修订 {revision}）。").format(name=restored.name, revision=restored.revision))
    return EXIT_OK


def _contents_text(contents) -> str:
    from perftui import views

    if not contents.usable:
        return contents.problem
    return _("{forms} 张表，年度财政拨款 {fiscal}").format(forms=contents.forms, fiscal=views.amount(contents.fiscal))


def cmd_backups(args: argparse.Namespace) -> int:
    from perftui import views
    from perftui.backups import describe_file, list_backups, reason_label
    from perftui.tables import LEFT, RIGHT, render
    from storage.backup import Backups, backup_folder

    path = db_path(args)
    keep = backups_keep()
    if path.exists():
        print(_("数据库 {path}：{contents}").format(path=path, contents=_contents_text(describe_file(Backups(path), str(path)))))
    else:
        print(_("数据库 {path} 不存在。").format(path=path))
    infos = list_backups(path, keep=keep)
    folder = backup_folder(path)
    if not infos:
        print(_("还没有备份（{folder}）。每天第一次修改前和每次导入前会自动备份。").format(folder=folder))
        return EXIT_OK
    print(_("备份目录 {folder}，保留最近 {keep} 个：").format(folder=folder, keep=keep))
    headers = [_("序号"), _("时间"), _("原因"), _("表数"), _("年度财政拨款"), _("文件")]
    rows = []
    for info in infos:
        usable = info.contents.usable
        rows.append([
            str(info.number),
            info.backup.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
            reason_label(info.backup.reason),
            str(info.contents.forms) if usable else _("已损坏"),
            views.amount(info.contents.fiscal) if usable else "",
            info.backup.name,
        ])
    print(render(headers, rows, [RIGHT, LEFT, LEFT, RIGHT, RIGHT, LEFT]))
    for info in infos:
        if not info.contents.usable:
            print(f"  {info.number}: {info.contents.problem}")
    print(_("用 perftui restore 序号或文件名 恢复其中一个。"))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    import storage
    from perftui.backups import BackupNotFound, describe_file, find, restore
    from storage.backup import Backups

    path = db_path(args)
    if read_only(args):
        raise storage.ReadOnlyError(str(path))
    try:
        backup = find(path, args.backup)
    except BackupNotFound as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    contents = describe_file(Backups(path), backup.path)
    if not contents.usable:
        raise CommandError(contents.problem)
    now = _contents_text(describe_file(Backups(path), str(path))) if path.exists() else _("不存在")
    print(
        _("将用备份 {backup}（{contents}）替换数据库 {path}（现在：{now}）。现在的文件会先另存为备份。").format(
            backup=backup.name, contents=_contents_text(contents), path=path, now=now
        )
    )
    confirm(_("确定恢复吗？"), args.yes)
    kept = restore(path, backup, keep=backups_keep())
    print(_("已恢复备份 {backup}。").format(backup=backup.name))
    if kept is not None:
        print(_("原来的文件已另存为 {kept}。").format(kept=kept.name))
    return EXIT_OK


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
    sub = add("history", cmd_history, _("修改历史：谁在何时把哪些栏目从什么改成了什么"))
    sub.add_argument("name", nargs="*", metavar="NAME|ID", help=_("只看这张表（项目名称的一部分，或编号）"))
    sub.add_argument("--full", action="store_true", help=_("新建的表也逐项列出全部栏目"))
    sub.add_argument("--limit", type=int, metavar="N", help=_("只显示最近 N 条"))
    sub.add_argument("--show", type=int, metavar="REV", help=_("显示这张表在修订 REV 时的全部内容"))
    sub = add("revert", cmd_revert, _("把一张表恢复成以前某个修订的内容（作为一次新的修改记入历史）"))
    sub.add_argument("name", nargs="+", metavar="NAME|ID", help=_("项目名称的一部分，或表的编号"))
    sub.add_argument("revision", type=int, metavar="REV", help=_("修订号（见 perftui history）"))
    sub.add_argument("--yes", "-y", action="store_true", help=_("不再询问（用于脚本）"))
    add("deleted", cmd_deleted, _("列出已删除的表"))
    sub = add("undelete", cmd_undelete, _("恢复一张已删除的表"))
    sub.add_argument("name", nargs="+", metavar="NAME|ID", help=_("项目名称的一部分，或表的编号"))
    add("backups", cmd_backups, _("列出数据库的备份及其中的表数和年度财政拨款（数据库损坏时也可用）"))
    sub = add("restore", cmd_restore, _("用一个备份替换数据库；现在的文件先另存为备份"))
    sub.add_argument("backup", metavar="BACKUP", help=_("perftui backups 列出的序号或文件名"))
    sub.add_argument("--yes", "-y", action="store_true", help=_("不再询问（用于脚本）"))
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
    from perftui.access import encoding_problem

    problem = encoding_problem()
    if problem:  # before anything prints Chinese (argparse's help included)
        print(problem, file=sys.stderr)
        return EXIT_ERROR
    args = build_parser().parse_args(argv)
    warnings.clear()
    try:
        code = args.handler(args)
        for warning in warnings:  # after the output, and never on top of an error's one line
            print(f"perftui: {warning}", file=sys.stderr)
        return code
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

"""Trust: history, reverting, deleted forms, backups and restoring one."""

from __future__ import annotations

import argparse

from perftui.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    backup_settings,
    backups_keep,
    confirm,
    db_path,
    open_repository,
    read_only,
    refuse_for_server,
    resolve_among,
    terminal_width,
)
from perftui.i18n import gettext as _


def register(add) -> None:
    sub = add("history", cmd_history, _("修改历史：谁在何时把哪些栏目从什么改成了什么"))
    sub.add_argument("name", nargs="*", metavar="NAME|ID", help=_("只看这张表（项目名称的一部分，或编号）"))
    sub.add_argument("--full", action="store_true", help=_("新建的表也逐项列出全部栏目"))
    sub.add_argument("--limit", type=_count, metavar="N", help=_("只显示最近 N 条（0：一条也不显示）"))
    sub.add_argument("--show", type=int, metavar="REV", help=_("显示这张表在修订 REV 时的全部内容"))
    sub = add("revert", cmd_revert, _("把一张表恢复成以前某个修订的内容（作为一次新的修改记入历史）"))
    sub.add_argument("name", nargs="+", metavar="NAME|ID", help=_("项目名称的一部分，或表的编号"))
    sub.add_argument("revision", type=int, metavar="REV", help=_("修订号（见 perftui history）"))
    sub.add_argument("--yes", "-y", action="store_true", help=_("不再询问（用于脚本）"))
    add("deleted", cmd_deleted, _("列出已删除的表"))
    sub = add("undelete", cmd_undelete, _("恢复一张已删除的表"))
    sub.add_argument("name", nargs="+", metavar="NAME|ID", help=_("项目名称的一部分，或表的编号"))
    sub = add("verify", cmd_verify, _("核对修改历史：校验链是否完整、按历史重放能否得到现在的每张表，指出第一条不符的记录"))
    sub.epilog = _(
        "每条修改记录都带有校验码，与前一条记录相连，并记下修改后的表。verify 从现在的表出发，"
        "逐条撤销记录中的修改，每个版本都必须与当时的记录一致。它能发现在 perftui 之外对数据库文件的改动"
        "（手工改了金额、改了记录中的修改人、删去了记录）；但有写权限、又重新计算了全部校验码的人，它发现不了——"
        "那要靠服务器版数据库的权限。旧版本 perftui 写下的记录没有校验码，从第一条带校验码的记录起核对。"
        "历史与表一致时退出码为 0，不一致时为 1。"
    )
    add("backups", cmd_backups, _("列出数据库的备份及其中的表数和年度财政拨款（数据库损坏时也可用）"))
    sub = add("restore", cmd_restore, _("用一个备份替换数据库；现在的文件先另存为备份"))
    sub.add_argument("backup", metavar="BACKUP", help=_("perftui backups 列出的序号或文件名"))
    sub.add_argument("--yes", "-y", action="store_true", help=_("不再询问（用于脚本）"))

def _count(text: str) -> int:
    """A whole number, 0 or more (argparse turns the ValueError into a usage error)."""
    from perftui.core.normalize import fold

    folded = fold(text).strip()
    if not folded.isdigit():
        raise argparse.ArgumentTypeError(_("应为 0 或正整数：{text}").format(text=text))
    return int(folded)


def cmd_history(args: argparse.Namespace) -> int:
    from perftui.core import history
    from perftui.text import history_lines
    from perftui.text import views
    from perftui.core.history import HistoryError

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
        from perftui.cli.tracking import tracking_of

        entries = tracking_of(repository).form_history(form)  # with its 监控's and 自评's
        deleted = _("（已删除）") if form in repository.deleted_forms() else ""
        print(f"{form.name}{deleted}  [{form.id}, {_('修订')} {form.revision}]")
    every = entries
    if args.limit is not None:
        entries = entries[-args.limit :] if args.limit else []
    # What each creation created: its form's first version, reconstructed from the
    # form as it is now (grouped once: per entry it would read the whole history again),
    # unless the form was changed outside perftui: then that would not be its first version.
    current = {f.id: f for f in live + repository.deleted_forms()}
    own: dict[str, list] = {}
    for entry in every:
        own.setdefault(entry.form_id, []).append(entry)
    untrue = repository.unfaithful({e.form_id for e in entries if e.is_creation and not e.changes})

    def created(entry):
        if entry.form_id in untrue:
            return None
        try:
            return history.reconstruct(current[entry.form_id], own[entry.form_id], 1)
        except (HistoryError, KeyError):
            return None  # history from before it was kept

    print("\n".join(history_lines.history_lines(entries, line_width=line_width, full=args.full, created=created)))
    for form_id, reason in untrue.items():
        name = current[form_id].name if form_id in current else form_id
        print(_("注意：“{name}”的历史与现在的表不符（{reason}）；运行 perftui verify 查看。").format(name=name, reason=reason))
    return EXIT_OK


def cmd_revert(args: argparse.Namespace) -> int:
    from perftui.core.history import REVERTED, HistoryEntry, HistoryError
    from perftui.core.model import fields_changed
    from perftui.text import history_lines

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
    print("\n".join(history_lines.change_lines(preview, line_width=terminal_width())))
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
    from perftui.text.history_lines import when_text
    from perftui.text.tables import LEFT, RIGHT, render

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
    from perftui.services.repository import NotDeleted

    repository = open_repository(args)
    form = resolve_among(repository.deleted_forms(), " ".join(args.name), deleted=True)
    try:
        restored = repository.restore(form.id)
    except NotDeleted as error:  # another undelete got there first
        raise CommandError(str(error), EXIT_FINDINGS) from None
    print(_("已恢复“{name}”（修订 {revision}）。").format(name=restored.name, revision=restored.revision))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    verdict = open_repository(args).verify()
    problem = verdict.first_break
    if problem is not None:
        print(_("历史记录与数据库不符：{where}：{reason}").format(where=_break_place(problem), reason=problem.reason))
        if verdict.breaks > 1:
            print(_("另有 {n} 处不符（多由这一处引起）。").format(n=verdict.breaks - 1))
        return EXIT_FINDINGS
    if not verdict.entries:
        print(_("还没有任何修改记录，无需核对。"))
    elif verdict.chain_start is None:
        print(
            _("这 {n} 条修改记录都由旧版本 perftui 写入，没有校验码，无法核对；此后的修改会带上校验码。").format(
                n=verdict.entries
            )
        )
    else:
        print(
            _("历史记录完好：{entries} 条记录的校验链完整，{forms} 张表的 {versions} 个版本都与记录一致。").format(
                entries=verdict.entries, forms=verdict.forms, versions=verdict.versions
            )
        )
        if verdict.chain_start > 1:
            print(
                _("第 1 至 {last} 条记录由旧版本 perftui 写入，没有校验码：从第 {start} 条起核对。").format(
                    last=verdict.chain_start - 1, start=verdict.chain_start
                )
            )
        if verdict.unchecked_forms:
            print(_("{n} 张表此后没有修改过，没有可核对的记录。").format(n=verdict.unchecked_forms))
    return EXIT_OK


def _break_place(problem) -> str:
    """Where the history breaks, as the operator finds it in ``perftui history``."""
    from perftui.core.history import HistoryEntry
    from perftui.text import history_lines

    if problem.entry is None:
        return _("“{name}”（{id}）").format(name=problem.form_name, id=problem.form_id)
    try:
        entry = HistoryEntry.from_doc({"id": "", **problem.entry})
    except (KeyError, TypeError, ValueError):
        return _("第 {n} 条记录").format(n=problem.position)
    cells = [cell for cell in history_lines.header_cells(entry) if cell]
    return _("第 {n} 条记录（{entry}）").format(n=problem.position, entry="  ".join(cells))


def cmd_backups(args: argparse.Namespace) -> int:
    import shlex

    from perftui.text import views
    from perftui.text.views import backup_contents_text
    from perftui.services.restore import describe_file, list_backups, reason_label
    from perftui.text.tables import LEFT, RIGHT, render
    from perftui.services.repository import open_backups
    from storage.backup import backup_folder

    path = db_path(args)
    refuse_for_server(path)
    keep = backups_keep()
    if path.exists():
        print(_("数据库 {path}：{contents}").format(path=path, contents=backup_contents_text(describe_file(open_backups(path), str(path)))))
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
    print(_("用 {restore} 序号或文件名 恢复其中一个。").format(restore=f"perftui --db {shlex.quote(str(path))} restore"))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    import storage
    from perftui.services.restore import BackupNotFound, describe_file, find, restore
    from perftui.services.repository import open_backups
    from perftui.text.views import backup_contents_text

    path = db_path(args)
    refuse_for_server(path)
    if read_only(args):
        raise storage.ReadOnlyError(str(path))
    try:
        backup = find(path, args.backup)
    except BackupNotFound as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    contents = describe_file(open_backups(path), backup)
    if not contents.usable:
        raise CommandError(_("备份 {backup}：{problem}，未作任何修改。").format(backup=backup.name, problem=contents.problem))
    now = backup_contents_text(describe_file(open_backups(path), str(path))) if path.exists() else _("不存在")
    print(
        _("将用备份 {backup}（{contents}）替换数据库 {path}（现在：{now}）。现在的文件会先另存为备份。").format(
            backup=backup.name, contents=backup_contents_text(contents), path=path, now=now
        )
    )
    confirm(_("确定恢复吗？"), args.yes)
    settings = backup_settings()
    kept = restore(path, backup, keep=settings.backups_keep, max_bytes=settings.backups_max_bytes)
    print(_("已恢复备份 {backup}。").format(backup=backup.name))
    if kept is not None:
        print(_("原来的文件已另存为 {kept}。").format(kept=kept.name))
    return EXIT_OK


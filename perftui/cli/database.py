"""``perftui db``: set up a PostgreSQL database, upgrade it, and move a JSON file's forms into it.

    perftui db init --db postgresql://…                 # the tables, once (by an account that may create them)
    perftui db upgrade --db postgresql://…              # after installing a newer perftui
    perftui db migrate --from forms.json --to postgresql://…
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from perftui.cli.common import EXIT_OK, EXIT_USAGE, CommandError, db_path, read_only
from perftui.i18n import gettext as _


def _server_url(args: argparse.Namespace, location: Path | str, option: str = "--db") -> str:
    """``location`` as a database URL; a lookup account's (--read-only) changes nothing, a file is not one."""
    import storage
    from perftui.config import is_database_url

    if read_only(args):
        raise storage.ReadOnlyError(storage.display_location(str(location)) if is_database_url(location) else str(location))

    if not is_database_url(location):
        raise CommandError(
            _("{option} 要给 PostgreSQL 数据库的地址（postgresql://…），而不是文件 {path}；数据库文件在第一次保存时自动建立。").format(
                option=option, path=location
            ),
            EXIT_USAGE,
        )
    return str(location)


def _postgres(url: str):
    import storage

    try:
        import storage.postgres as postgres
    except ImportError:
        raise storage.DriverMissingError(storage.display_location(url)) from None
    return postgres


def cmd_init(args: argparse.Namespace) -> int:
    import storage
    from perftui.services.repository import SPEC

    url = _server_url(args, db_path(args))
    done = _postgres(url).init_database(url, SPEC)
    where = storage.display_location(url)
    if done.created:
        print(_("已在 {path} 建立 perftui 的表（格式 {version}）。").format(path=where, version=SPEC.version))
    else:
        print(_("{path} 已有 perftui 的表（格式 {version}），未作修改。").format(path=where, version=SPEC.version))
    return EXIT_OK


def cmd_upgrade(args: argparse.Namespace) -> int:
    import storage
    from perftui.services.repository import SPEC

    url = _server_url(args, db_path(args))
    done = _postgres(url).upgrade_database(url, SPEC)
    where = storage.display_location(url)
    if done.changed:
        print(_("已把 {path} 从格式 {found} 升级到格式 {now}。").format(path=where, found=done.found, now=done.now))
    else:
        print(_("{path} 已是格式 {version}，未作修改。").format(path=where, version=SPEC.version))
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace) -> int:
    import storage
    from perftui.services.repository import FORMS, SPEC
    from storage.migrate import copy_documents

    url = _server_url(args, args.target, "--to")
    source_path = Path(args.source).expanduser()
    if not source_path.exists():
        raise CommandError(_("没有数据库文件 {path}。").format(path=source_path), EXIT_USAGE)
    _postgres(url).init_database(url, SPEC)  # nothing changes when the tables are there
    source = storage.open_store(source_path, SPEC, read_only=True)
    target = storage.open_store(url, SPEC)
    try:
        report = copy_documents(source, target)
    finally:
        target.close()
    where = storage.display_location(url)
    forms = report.tables.get(FORMS)
    others = report.copied - (forms.copied if forms else 0)
    print(
        _("已从 {source} 复制到 {target}：{forms} 张表、{others} 条其他记录（历史等）；{already} 项已在，未改动。").format(
            source=source_path, target=where, forms=forms.copied if forms else 0, others=others, already=report.already
        )
    )
    return EXIT_OK


def register(add: Callable[..., argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    sub = add("db", _usage, _("PostgreSQL 数据库：建立表（init）、升级（upgrade）、从数据库文件迁入（migrate）"))
    commands = sub.add_subparsers(title=_("db 子命令"), metavar="ACTION")

    def action(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, description=help_text, parents=[common])
        parser.set_defaults(handler=handler)
        return parser

    action("init", cmd_init, _("在 --db 给出的 PostgreSQL 数据库里建立 perftui 的表（已有时不作修改）"))
    action("upgrade", cmd_upgrade, _("把旧版本 perftui 建立的 PostgreSQL 数据库升级到本版本的格式"))
    migrate = action(
        "migrate", cmd_migrate, _("把数据库文件里的全部表、历史和已删除的表原样复制到 PostgreSQL 数据库（再执行一次不会重复）")
    )
    migrate.add_argument("--from", dest="source", required=True, metavar="FILE", help=_("数据库文件（forms.json）"))
    migrate.add_argument("--to", dest="target", required=True, metavar="URL", help=_("postgresql://… 地址"))


def _usage(args: argparse.Namespace) -> int:
    raise CommandError(_("用法：perftui db init|upgrade|migrate（perftui db --help 查看说明）"), EXIT_USAGE)

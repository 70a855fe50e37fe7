"""What every command needs: the database, the one form a name means, a question, one-line errors.

Nothing heavy is imported at the top: a lookup must answer fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from perftui.i18n import gettext as _

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3

#: Commands that only read the database and print (export: when it prints rather than writes a file).
LOOKUPS = frozenset({"list", "show", "total", "check", "progress", "export", "history", "deleted", "verify"})


#: Lookups that read a few fields of every form (total) or a few forms (show): their file is read
#: lazily (storage.JsonFileStore's lazy), each form checked and decoded only where it is read.
#: The others build every form whole anyway: a full read (orjson alone) costs them less.
READ_LAZILY = frozenset({"total", "show"})


def is_lookup(args: argparse.Namespace) -> bool:
    return getattr(args, "command", None) in LOOKUPS and getattr(args, "output", None) is None


class CommandError(Exception):
    """A one-line message for stderr and an exit code; never a traceback."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


class EscapedStream:
    """stdout or stderr that shows control characters instead of sending them to the terminal.

    The last line of defence for "no output carries a terminal escape": form
    text is cleaned where it comes in, but a command also prints what the
    operator typed (a name, a path) and what the OS said. Everything printed
    passes :func:`~perftui.core.normalize.escape_controls`; binary output
    (an xlsx to a pipe) goes to ``buffer`` as it is.
    """

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from perftui.core.normalize import escape_controls

        return self._stream.write(escape_controls(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def year_argument(text: str) -> int:
    """``--year``, read as the editor reads a 年度: 2024, ２０２４, 2024年, 2024年度."""
    from perftui.core.form_edit import YearError, parse_year

    try:
        year = parse_year(text)
    except YearError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if year is None:
        raise argparse.ArgumentTypeError(_("请给出年度，如 2024"))
    return year


def db_path(args: argparse.Namespace) -> Path | str:
    """The database: a file's Path, or a PostgreSQL URL (a str: never a path)."""
    from perftui import config

    if args.demo:
        if "demo_db" not in args:
            args.demo_db = fresh_demo_database()
        return args.demo_db
    return config.resolve_db_path(args.db)


def fresh_demo_database() -> Path:
    """A database of the bundled forms for one command alone, removed when the process ends.

    ``--demo`` always starts from the eight bundled forms (年度财政拨款 3,127.56),
    whatever an earlier demo run changed, and two demo runs never share one.
    """
    import atexit
    import shutil
    import tempfile

    from perftui.demo import SEED
    from perftui.importing.text import read_file
    from perftui.services.repository import Repository

    folder = Path(tempfile.mkdtemp(prefix="perftui-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "demo.json"
    Repository.open(path, backups_keep=None).import_forms(read_file(SEED))
    return path


def read_only(args: argparse.Namespace) -> bool:
    from perftui.config import env_flag

    return bool(args.read_only) or env_flag("PERFTUI_READ_ONLY")



def open_repository(args: argparse.Namespace, *, create: bool = False):
    """The database the command works on; one that does not exist is an error (a mistyped
    --db is not an empty database), unless ``create`` (import), which says it creates one."""
    from perftui.services.repository import Repository

    from perftui.config import is_database_url

    path = db_path(args)
    if not is_database_url(path) and _missing(path):
        if not create:
            raise CommandError(
                _("数据库文件 {path} 不存在；请检查 --db（或 $PERFTUI_DB），或用 perftui import 文件 新建。").format(path=path)
            )
        prepare_new_database(path)
    writable = not read_only(args)
    settings = backup_settings()  # read by every command: a broken config file is said at once
    # A lookup writes nothing, so it takes no backups (the demo's first run imports).
    backed_up = writable and (args.demo or not is_lookup(args))
    repository = Repository.open(
        path,
        read_only=not writable,
        backups_keep=settings.backups_keep if backed_up else None,
        backups_max_bytes=settings.backups_max_bytes,
        # A lookup reads once and writes nothing: the store checks each form as it reads the
        # file and builds only what the command looks at (storage.JsonFileStore's lazy).
        lazy=is_lookup(args) and args.command in READ_LAZILY and not args.demo,
    )
    # A change committed without its backup succeeded: said after the output, and exit 0.
    repository.on_warning = lambda warning: note_warning(args, _describe_warning(warning))
    # Kept with the arguments while the command runs: parser.run() ends a lookup
    # without freeing what it read (see there).
    args.__dict__.setdefault("opened", []).append(repository)
    warn_about_permissions(args, path)
    if args.demo:
        from perftui.demo import ensure_demo

        ensure_demo(repository)
    return repository


def refuse_for_server(path: Path | str) -> None:
    """Backups of a server database are the administrator's (pg_dump): say so in one line instead of pretending."""
    from perftui.config import is_database_url

    if is_database_url(path):
        from perftui.text.errors import server_backup_advice

        raise CommandError(server_backup_advice(str(path)), EXIT_USAGE)


def _missing(path: Path) -> bool:
    """Is there no file at ``path``? (A folder we may not look into is for the store to report.)"""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def prepare_new_database(path: Path) -> None:
    """Say that ``path`` will be created; refuse when its folder does not exist.

    Folders are never created silently: a mistyped --db folder is an error. The
    operator's own data folder (the default database's) is perftui's to create.
    """
    from perftui import config

    folder = path.parent
    if not folder.is_dir():
        if path != config.default_db_path():
            raise CommandError(
                _("文件夹 {folder} 不存在，未新建数据库；请先建好这个文件夹，或检查 --db。").format(folder=folder)
            )
        from storage.atomic import make_folder

        make_folder(str(folder))
        print(_("已新建文件夹 {folder}").format(folder=folder))
    print(_("新建数据库 {path}").format(path=path))


def no_forms(repository, year: int | None) -> str:
    """What to say when a command finds no forms: which year has none, and which years have some."""
    if year is None:
        return _("数据库中还没有表。用 perftui import 文件 导入。")
    years = repository.years()
    if not years:
        return _("{year}年度没有表：数据库中还没有表。用 perftui import 文件 导入。").format(year=year)
    return _("{year}年度没有表。有表的年度：{years}。").format(year=year, years="、".join(map(str, years)))


def select(repository, args: argparse.Namespace):
    forms = repository.forms(getattr(args, "year", None))
    return forms


def resolve_one(repository, query: str):
    """The one live form ``query`` names; none or several is a one-line error."""
    return _the_one(repository.lookup(query), query)


def resolve_among(forms, query: str, *, deleted: bool = False):
    """The one form ``query`` names among ``forms``; none or several is a one-line error."""
    from perftui.core.model import lookup

    return _the_one(lookup(forms, query), query, deleted=deleted)


def _the_one(matches, query: str, *, deleted: bool = False):
    if not matches:
        message = _("没有名称或编号含“{query}”的已删除的表") if deleted else _("没有名称或编号含“{query}”的表")
        raise CommandError(message.format(query=query), EXIT_FINDINGS)
    if len(matches) > 1:
        lines = [_("有 {n} 张表符合“{query}”，请说得更具体些（或用编号）：").format(n=len(matches), query=query)]
        lines += [f"  {form.id}  {form.year or ''}  {form.name}" for form in matches]
        raise CommandError("\n".join(lines), EXIT_USAGE)
    return matches[0]


def backup_settings():
    from perftui.config import load_settings

    return load_settings()


def backups_keep() -> int:
    return backup_settings().backups_keep


def _describe_warning(error: BaseException) -> str:
    from perftui.text.errors import describe_warning

    return describe_warning(error)


def note_warning(args: argparse.Namespace, warning: str) -> None:
    """One line printed after the command's output (see :func:`warn_about_permissions`)."""
    notes = args.__dict__.setdefault("warnings", [])
    if warning not in notes:
        notes.append(warning)



def warn_about_permissions(args: argparse.Namespace, path: Path) -> None:
    """Note a warning when everyone may read or change the database: one line, not an error.

    Kept on ``args.warnings`` and printed by :func:`perftui.cli.parser.main`
    after the command's output, never on top of an error's one line.
    """
    from perftui.services.access import permission_warning

    warning = permission_warning(path)  # None for a server database
    if warning:
        note_warning(args, warning)


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


def width_argument(text: str) -> int:
    """``--width``: a whole number of display columns (full-width digits too)."""
    from perftui.core.normalize import fold

    folded = fold(text).strip()
    if not folded.isdigit() or not 30 <= int(folded) <= 1000:
        raise argparse.ArgumentTypeError(_("宽度应为 30 到 1000 之间的整数：{width}").format(width=text))
    return int(folded)


def output_width(args: argparse.Namespace) -> int | None:
    """How wide a table may be: ``--width``, else the terminal's; None when the output is not a
    terminal (a pipe or a file gets every character)."""
    if getattr(args, "width", None):
        return args.width
    if sys.stdout.isatty():
        return terminal_width()
    return None


def fitted(line: str, width: int | None) -> str:
    """``line`` wrapped by display width to ``width`` (None: as it is); wrapped lines keep its indent."""
    if width is None:
        return line
    from perftui.text.width import wrap

    indent = line[: len(line) - len(line.lstrip(" "))]
    lines = wrap(line[len(indent):], max(20, width - len(indent) - 2))
    return "\n".join(indent + (text if n == 0 else "  " + text) for n, text in enumerate(lines))


def terminal_width() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return 100


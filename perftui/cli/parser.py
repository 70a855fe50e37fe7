"""The ``perftui`` command: quick lookups, checks, imports and exports; no subcommand opens the TUI.

Lookups must answer fast, so nothing heavy is imported at the top: textual
only when the TUI opens, tabulate only when a table prints. Each command
group lives in its own module (forms, imports, exports, trust), which adds
its subcommands through ``register``.

Exit codes: 0 fine; 1 ``check`` found incomplete forms (or, with ``--strict``,
any finding), or an import file was refused; 2 usage errors and ambiguous
names; 3 the database or a file could not be used.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import NoReturn

from perftui import i18n
from perftui.cli import argparse_text, database, exports, forms, imports, tracking, trust
from perftui.cli.common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, CommandError, EscapedStream, db_path, is_lookup, read_only
from perftui.i18n import gettext as _

__all__ = ["main", "run", "build_parser"]


def has_terminal() -> bool:
    """Are stdin, stdout and stderr (where Textual draws) all a terminal?"""
    return all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout, sys.stderr))


def cmd_tui(args: argparse.Namespace) -> int:
    if not has_terminal():
        # `ssh host perftui` without -t, `perftui | head`, cron: there is nobody to draw for,
        # and without a terminal the app would wait for keys for ever.
        print(
            _("perftui：终端界面要在终端里运行（SSH 请加 -t）；不用终端的命令：{commands}（perftui 命令 --help）").format(
                commands="、".join(args.commands)
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    from perftui.tui import run

    return run(db_path(args), read_only=read_only(args), demo=args.demo)


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand.

    A subcommand's parser would otherwise reset what was given before it
    (``perftui --db X list`` would lose X), so there they default to SUPPRESS.
    """
    default = argparse.SUPPRESS if suppress else None
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", metavar="PATH|URL", default=default,
        help=_("数据库文件或 postgresql://… 地址（默认：$PERFTUI_DB，配置文件的 [database] url，或用户数据目录下的 forms.json）"),
    )
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

    parser.add_argument("--version", action="version", version=f"perftui {__version__}", help=_("显示版本号并退出"))
    parser.set_defaults(handler=cmd_tui)
    commands = parser.add_subparsers(title=_("子命令"), metavar="COMMAND", dest="command")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[common])
        sub.set_defaults(handler=handler)
        return sub

    forms.register(add)
    tracking.register(add)
    imports.register(add)
    exports.register(add, common)
    trust.register(add)
    database.register(add, common)
    parser.set_defaults(commands=tuple(commands.choices))
    return parser


def _error_types() -> tuple[type[BaseException], ...]:
    import storage
    from perftui.config import ConfigError
    from perftui.importing.text import FormatError
    from perftui.core.conflict import Conflict
    from perftui.services.tracking import FormGone

    return (storage.StorageError, FormatError, ConfigError, Conflict, FormGone, CommandError)


def main(argv: Sequence[str] | None = None, *, keep: list[object] | None = None) -> int:
    """Run one command; returns its exit code.

    ``keep`` (from :func:`run`) receives what a lookup read, so that it is
    still alive when the process exits without tearing it down. Whatever a
    command prints goes through :class:`EscapedStream`: no output carries a
    terminal escape.
    """
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapedStream(stdout), EscapedStream(stderr)
    try:
        return _main(list(sys.argv[1:] if argv is None else argv), stdout, stderr, keep)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _main(argv: list[str], stdout, stderr, keep: list[object] | None) -> int:
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--locale")
    known, _rest = early.parse_known_args(argv)
    try:
        i18n.set_locale(known.locale or i18n.locale_from_environment())
    except OSError as error:  # the English catalog is missing from the install
        print(f"perftui: {error}", file=sys.stderr)
        return EXIT_ERROR
    from perftui.services.access import encoding_problem

    problem = encoding_problem()
    if problem:  # before anything prints Chinese (argparse's help included)
        print(problem, file=sys.stderr)
        return EXIT_ERROR
    if any("\x00" in argument for argument in argv):
        # A real command line cannot carry one (execve's strings end at NUL); a caller of main() can.
        print("perftui: " + _("参数中不能有空字符（NUL）"), file=sys.stderr)
        return EXIT_USAGE
    argparse_text.install()  # usage, help headings and argparse's errors in the UI language
    args = build_parser().parse_args(argv)
    args.warnings = []
    if args.handler is cmd_tui:  # the app draws on the terminal itself
        sys.stdout, sys.stderr = stdout, stderr
    try:
        read_only(args)  # a PERFTUI_READ_ONLY that means nothing is refused by every command, first
        code = args.handler(args)
        for warning in args.warnings:  # after the output, and never on top of an error's one line
            print(f"perftui: {warning}", file=sys.stderr)
        if keep is not None and is_lookup(args):
            keep.append(args)  # holds the repository: see common.open_repository
        return code
    except _error_types() as error:
        from perftui.text.errors import describe

        # Our own messages keep their lines (the candidates of an ambiguous name, one a line).
        print(f"perftui: {str(error) if isinstance(error, CommandError) else describe(error)}", file=sys.stderr)
        return error.code if isinstance(error, CommandError) else EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `perftui list | head`
        sys.stderr.close()
        return EXIT_OK
    finally:
        if not (keep is not None and is_lookup(args)):
            # main() may run many times in one process (tests, scripts): the store keeps the
            # database file open while it is read. A lookup that run() ends does not need it.
            for repository in getattr(args, "opened", ()):
                repository.store.close()


def run() -> NoReturn:
    """The ``perftui`` command (and ``python -m perftui``).

    After a lookup, the process ends with ``os._exit`` once its output is
    flushed: freeing the millions of objects a large database parses into
    takes longer than summing them, and nothing is left to do. A lookup
    writes nothing but its output (no transaction, no file, no thread), so
    nothing is skipped; any other command, an error, or a thread still
    running ends the usual way.
    """
    kept: list[object] = []
    code = main(keep=kept)
    if not kept or threading.active_count() > 1:
        sys.exit(code)
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # `perftui list | head`: as main() answers it
        code = EXIT_OK
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # ValueError: closed by main() after a broken pipe
        pass
    os._exit(code)


if __name__ == "__main__":
    run()

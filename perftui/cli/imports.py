"""``perftui import``: forms from files into the database."""

from __future__ import annotations

import argparse
import sys

from perftui.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    open_repository,
)
from perftui.i18n import gettext as _


def register(add) -> None:
    sub = add(
        "import",
        cmd_import,
        _("从各单位的表（文本、Word .docx、Excel .xlsx、文字版 PDF）或 perftui 导出的 json、csv 文件导入表（同年度、同名称、同实施单位的表会被更新）"),
    )
    sub.add_argument("files", nargs="+", metavar="FILE")
    sub.add_argument("--dry-run", action="store_true", help=_("只显示将导入什么（表头、资金、指标数、检查结果、未识别的栏目），不作任何修改"))
    sub.add_argument("--year", type=int, metavar="YEAR", help=_("文件中没有写年度时，用这个年度"))

def cmd_import(args: argparse.Namespace) -> int:
    """Text files, and our own JSON and CSV exports (JSON keeps ids and revisions)."""
    from perftui.core import findings
    from perftui.text import views
    from perftui.importing.readback import read_file
    from perftui.importing.text import GB18030, FormatError
    from perftui.services.repository import ImportReport

    if args.dry_run:
        return _dry_run(args)
    parsed, kept, failed = [], [], 0
    for name in args.files:
        try:
            imported = read_file(name, args.year)
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



def _dry_run(args: argparse.Namespace) -> int:
    """What each file would bring in; the database is not even opened."""
    from perftui.importing import preview
    from perftui.importing.readback import read_file
    from perftui.importing.text import GB18030, FormatError

    read, failed = [], 0
    for name in args.files:
        try:
            imported = read_file(name, args.year)
        except FormatError as error:
            failed += 1
            print(_("不导入：{reason}").format(reason=error))
            continue
        if imported.encoding == GB18030:
            print(_("{file}：不是 UTF-8，已按 GB18030 编码读取").format(file=name))
        print("\n".join(preview.file_lines(name, imported)))
        read.append(imported)
    print(preview.summary_line(read))
    print(_("（试导入：数据库未作任何修改）"))
    return EXIT_FINDINGS if failed else EXIT_OK

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
    sub = add("import", cmd_import, _("从文本文件或 perftui 导出的 json、csv 文件导入表（同年度、同名称、同实施单位的表会被更新）"))
    sub.add_argument("files", nargs="+", metavar="FILE")

def cmd_import(args: argparse.Namespace) -> int:
    """Text files, and our own JSON and CSV exports (JSON keeps ids and revisions)."""
    from perftui.core import findings
    from perftui.text import views
    from perftui.importing.readback import read_file
    from perftui.importing.text import GB18030, FormatError
    from perftui.services.repository import ImportReport

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


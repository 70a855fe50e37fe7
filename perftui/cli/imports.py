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
    from perftui.cli.progress import ProgressLine
    from perftui.services.repository import ImportReport

    if args.dry_run:
        return _dry_run(args)
    parsed, kept, failed = [], [], 0
    published = []
    progress = ProgressLine(len(args.files))  # on a terminal: count, forms/s, the file read now
    for done, name in enumerate(args.files):
        progress.reading(done, len(parsed) + len(kept) + len(published), str(name))
        try:
            tables = read_tracking_tables(name, args.year)
            if tables is not None:
                published.extend(tables)
                continue
            imported = read_file(name, args.year)
            if imported.encoding == GB18030:
                progress.clear()
                print(_("{file}：不是 UTF-8，已按 GB18030 编码读取").format(file=name))
        except FormatError as error:
            failed += 1
            progress.clear()
            print(f"perftui: {error}", file=sys.stderr)
            continue
        (kept if imported.keep_ids else parsed).extend(imported.forms)
    progress.clear()
    report = None
    repository = open_repository(args, create=True) if (parsed or kept or published) else None
    if parsed or kept:
        progress.writing(len(parsed) + len(kept))
        report = ImportReport()
        for forms, keep_ids in ((parsed, False), (kept, True)):
            if forms:
                part = repository.import_forms(forms, keep_ids=keep_ids)
                report.added += part.added
                report.updated += part.updated
                report.unchanged += part.unchanged
    progress.clear()
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
    if published:
        import_tracking_tables(repository, published)
    return EXIT_FINDINGS if failed else EXIT_OK


def read_tracking_tables(name: str, year: int | None = None):
    from perftui.importing import tracking_tables

    return tracking_tables.read_file(name, year)


def import_tracking_tables(repository, published) -> None:
    """Store the tables' records on their forms (creating the forms missing) and say what each came to."""
    from perftui.cli.tracking import rules
    from perftui.core.tracking import EVALUATION, KIND_LABELS
    from perftui.core.tracking_findings import check_evaluation, check_monitoring
    from perftui.importing.tracking_tables import total_note
    from perftui.services.tracking import Tracking
    from perftui.text import views

    scoring_rules = rules()
    results = Tracking(repository).import_published(published)
    states = {"added": _("新增"), "updated": _("更新"), "unchanged": _("无变化")}
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    created = 0
    for table, (state, form, record, made) in zip(published, results):
        counts[state] += 1
        created += made
        check = check_evaluation if table.kind == EVALUATION else check_monitoring
        found = check(record, form, scoring_rules)
        note = _("（新建目标表）") if made else ""
        print(f"{states[state]}  {_(KIND_LABELS[table.kind])}  {form.name}  [{form.year or ''}]{note}  {views.status_text(found)}")
        if found:
            print("\n".join(views.finding_lines(found)))
        line = total_note(table, form, record, scoring_rules)
        if line:
            print("  " + line)
    print(
        _("导入 {records} 份监控、自评（新增 {added}，更新 {updated}，无变化 {unchanged}），新建目标表 {created} 张").format(
            records=len(results), created=created, **counts
        )
    )


def _dry_run_tables(name: str, tables) -> None:
    """What a file of 自评表 or 监控表 would bring in (checked against the table's own targets)."""
    from perftui.cli.tracking import rules
    from perftui.importing.tracking_tables import preview_lines

    print("\n".join(preview_lines(name, tables, rules())))


def _dry_run(args: argparse.Namespace) -> int:
    """What each file would bring in; the database is not even opened."""
    from perftui.importing import preview
    from perftui.importing.readback import read_file
    from perftui.importing.text import GB18030, FormatError

    read, failed = [], 0
    for name in args.files:
        try:
            tables = read_tracking_tables(name, args.year)
            if tables is not None:
                _dry_run_tables(name, tables)
                continue
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

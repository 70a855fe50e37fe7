"""监控 and 自评 on the command line: ``progress``, ``show --monitor/--evaluation``, and
what ``check`` and ``export`` add for them. Never imports textual.
"""

from __future__ import annotations

import argparse

from perftui.cli.common import EXIT_FINDINGS, EXIT_OK, CommandError, open_repository, select, terminal_width
from perftui.i18n import gettext as _


def register(add) -> None:
    sub = add("progress", cmd_progress, _("每张表的预算执行、自评得分和等级，以及缺少的监控、自评记录"))
    sub.add_argument("--year", type=int, help=_("只看这一年度"))


def add_show_options(sub: argparse.ArgumentParser) -> None:
    """``show NAME --monitor`` / ``--evaluation``: the form's 监控表 or 自评表 instead of the form."""
    which = sub.add_mutually_exclusive_group()
    which.add_argument("--monitor", action="store_true", help=_("显示这张表的绩效运行监控表"))
    which.add_argument("--evaluation", action="store_true", help=_("显示这张表的绩效自评表"))


def rules():
    """The scoring rules of config.toml's ``[scoring]`` (a bad one is a one-line error)."""
    from perftui.config import load_settings
    from perftui.core.scoring import rules_from_config

    return rules_from_config(load_settings().scoring)


def tracking_of(repository):
    from perftui.services.tracking import Tracking

    return Tracking(repository)


def cmd_progress(args: argparse.Namespace) -> int:
    from perftui.core.progress import ProgressTotals, progress
    from perftui.text.progress import progress_table, totals_lines

    repository = open_repository(args)
    forms = select(repository, args)
    if not forms:
        print(_("没有表。用 perftui import 文件 导入。"))
        return EXIT_OK
    tracking = tracking_of(repository)
    scoring_rules = rules()
    rows = progress(forms, tracking.monitorings(args.year), tracking.evaluations(args.year), scoring_rules)
    totals = ProgressTotals.of(rows, scoring_rules)
    print(progress_table(rows, totals))
    print()
    print("\n".join(totals_lines(totals)))
    return EXIT_OK


def show_record(args: argparse.Namespace, repository, form) -> int:
    """Print the form's 监控表 or 自评表 as the simple text export does, then its findings."""
    from perftui.core.tracking import EVALUATION, KIND_LABELS, MONITORING
    from perftui.core.tracking_findings import check_evaluation, check_monitoring
    from perftui.export import Options
    from perftui.export import tracking as exported
    from perftui.text import views

    kind = EVALUATION if args.evaluation else MONITORING
    tracking = tracking_of(repository)
    record = tracking.evaluation(form) if kind == EVALUATION else tracking.monitoring(form)
    if record is None:
        raise CommandError(
            _("“{name}”还没有{what}记录").format(name=form.name, what=_(KIND_LABELS[kind])), EXIT_FINDINGS
        )
    scoring_rules = rules()
    filed = exported.Filed.of(form, record, scoring_rules)
    width = max(60, min(terminal_width(), 1000))
    print(f"{form.name}  {_(KIND_LABELS[kind])}  [{record.id}, {_('修订')} {record.revision}]")
    print()
    print(exported.render(kind, [filed], Options("simple", width)), end="")
    check = check_evaluation if kind == EVALUATION else check_monitoring
    found = check(record, form, scoring_rules)
    print()
    print(f"{_('检查结果')}：{views.status_text(found)}")
    if found:
        print("\n".join(views.finding_lines(found)))
    return EXIT_OK


def check_records(repository, forms) -> tuple[int, int, int]:
    """Print the findings of the forms' 监控 and 自评; returns (records, incomplete, with findings)."""
    from perftui.core import findings
    from perftui.core.tracking import EVALUATION, KIND_LABELS, MONITORING
    from perftui.core.tracking_findings import check_evaluation, check_monitoring
    from perftui.text import views

    tracking = tracking_of(repository)
    monitorings, evaluations = tracking.monitorings(), tracking.evaluations()
    scoring_rules = rules()
    records = incomplete = flagged = 0
    for form in forms:
        for kind, record, check in (
            (MONITORING, monitorings.get(form.id), check_monitoring),
            (EVALUATION, evaluations.get(form.id), check_evaluation),
        ):
            if record is None:
                continue
            records += 1
            found = check(record, form, scoring_rules)
            if not found:
                continue
            flagged += 1
            incomplete += not findings.is_complete(found)
            print(f"{form.name}  {_(KIND_LABELS[kind])}  [{form.year or ''}, {record.id}]  {views.status_text(found)}")
            print("\n".join(views.finding_lines(found)))
    if records:
        print(
            _("监控和自评共 {records} 份：{incomplete} 份不完整，{flagged} 份有检查结果").format(
                records=records, incomplete=incomplete, flagged=flagged
            )
        )
    return records, incomplete, flagged


def export_records(args: argparse.Namespace, repository, forms, options):
    """The export of the 监控 or 自评 (``args.what``) of ``forms``; forms without one are left out."""
    from perftui.export import ExportError
    from perftui.export import tracking as exported
    from perftui.core.tracking import EVALUATION

    tracking = tracking_of(repository)
    records = tracking.evaluations() if args.what == EVALUATION else tracking.monitorings()
    scoring_rules = rules()
    items = [exported.Filed.of(form, records[form.id], scoring_rules) for form in forms if form.id in records]
    try:
        return exported.render(args.what, items, options), len(items)
    except ExportError as error:
        raise CommandError(str(error), EXIT_FINDINGS) from None

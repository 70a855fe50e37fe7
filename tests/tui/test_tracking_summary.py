"""The summary pane's 监控 and 自评 figures: from the catalog (no screen), and on screen as records change."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

from perftui.core import evaluation, monitoring
from perftui.core.execution import Spending
from perftui.tui.state.catalog import Catalog, Records, View

from .helpers import started, summary_text, wait_for

LABOUR = "研究院劳务派遣人员经费"
SOFTWARE = "研究院系统及软件运行维护费"
ROOT = Path(__file__).resolve().parents[2]


def scored(form, actuals, spent):
    record = evaluation.for_form(form)
    fiscal = form.annual_funding.fiscal
    funding = record.execution.with_row("fiscal", Spending(fiscal, fiscal, D(spent))).with_row(
        "total", Spending(fiscal, fiscal, D(spent))
    )
    return record.evolve(execution=funding, rows=tuple(row.evolve(actual=a) for row, a in zip(record.rows, actuals)))


def test_the_selection_counts_records_scores_and_grades(seed_forms):
    labour = next(f for f in seed_forms if f.name == LABOUR)
    software = next(f for f in seed_forms if f.name == SOFTWARE)
    records = Records(
        monitorings={labour.id: monitoring.for_form(labour)},
        evaluations={
            labour.id: scored(labour, ("7人", "95%", "90%", "1年", "优秀", "95%"), "95"),  # 99.03 优
            # 30 of 41.18 spent (7.29) and ≥10条 at 5条 (16.67 / 2 = 8.34), the rest met: 88.96, 良
            software.id: scored(software, ("5条", "1年", "2小时", "较好", "较好", "95%", "95%"), "30"),
        },
    )
    catalog = Catalog.build(seed_forms, records=records)
    progress = catalog.select(View(year=2024)).progress
    assert progress.forms == 8 and progress.without_monitoring == 7 and progress.without_evaluation == 6
    assert progress.spent == D(95) + D(30) and progress.base == D(98) + D("41.18")
    assert progress.rate == (D(125) / D("139.18"))
    card_software = catalog.get(software.id).progress
    assert card_software.score == D("7.29") + D("8.34") + D("16.67") + D("16.66") + D(15) + D(15) + D(5) + D(5)
    assert card_software.score == D("88.96") and card_software.grade == "良"
    assert progress.scored == 2 and progress.average_score == (D("99.03") + card_software.score) / 2
    assert progress.grades == {"优": 1, "良": 1, "中": 0, "差": 0}
    # The filter narrows the figures as it narrows the totals.
    only = catalog.select(View(year=2024, needle="劳务")).progress
    assert only.forms == 1 and only.without_monitoring == 0 and only.grades["优"] == 1


def test_a_saved_record_updates_its_entry_only(seed_forms):
    labour = next(f for f in seed_forms if f.name == LABOUR)
    catalog = Catalog.build(seed_forms)
    after = catalog.with_record(scored(labour, ("7人", "95%", "90%", "1年", "优秀", "95%"), "95"))
    assert after.get(labour.id).progress.score == D("99.03")
    assert [a.stamp == b.stamp for a, b in zip(catalog.entries, after.entries)].count(False) == 1
    # A re-read with the same records keeps what was computed (nothing checked or scored again) ...
    again = Catalog.build(seed_forms, previous=after, records=after.records)
    assert again.get(labour.id)._progress is after.get(labour.id)._progress
    assert all(a.stamp == b.stamp for a, b in zip(after.entries, again.entries))
    # ... and one whose record changed scores that entry again, the others not.
    for entry in after.entries:
        entry.progress
    changed = after.records.with_record(after.records.evaluations[labour.id].evolve(revision=2))
    rebuilt = Catalog.build(seed_forms, previous=after, records=changed)
    fresh = [entry.id for entry in rebuilt.entries if entry._progress is None]
    assert fresh == [labour.id]


CHILD = """
import sys
from decimal import Decimal
from perftui.core import evaluation
from perftui.core.execution import Spending
from perftui.services.repository import Repository
from perftui.services.tracking import Tracking
repository = Repository.open(sys.argv[1])
form = repository.lookup(sys.argv[2])[0]
record = evaluation.for_form(form)
record = record.evolve(
    execution=record.execution.with_row("total", Spending(Decimal(98), Decimal(98), Decimal(95))),
    rows=tuple(row.evolve(actual=a) for row, a in zip(record.rows, ("7人", "95%", "90%", "1年", "优秀", "95%"))),
)
Tracking(repository).save(record)
"""


async def test_a_record_saved_by_another_process_reaches_the_summary(seeded_db, make_app):
    app = make_app(seeded_db)
    async with app.run_test(size=(160, 40)) as pilot:
        await started(pilot)
        assert "未填自评                    8张" in summary_text(app)
        subprocess.run([sys.executable, "-c", CHILD, str(seeded_db), LABOUR], cwd=ROOT, check=True)
        await wait_for(pilot, lambda: "99.03" in summary_text(app), what="the watcher's re-read")
        summary = summary_text(app)
        assert "未填自评                    7张" in summary and "等级 优1 良0 中0 差0" in summary
        assert "执行数                    95.00" in summary and "96.94%" in summary


async def test_the_narrow_summary_has_the_figures_in_one_line(seeded_db, make_app):
    subprocess.run([sys.executable, "-c", CHILD, str(seeded_db), LABOUR], cwd=ROOT, check=True)
    app = make_app(seeded_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        lines = summary_text(app).splitlines()
        assert any(line.startswith("执行数 95.00（96.94%）· 未填监控8 未填自评7 · 自评均分 99.03") for line in lines), lines
        assert len(lines) <= 4

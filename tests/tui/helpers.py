"""Helpers for the TUI tests: waiting for workers, reading what the screen shows."""

from __future__ import annotations

import time
from decimal import Decimal

from textual import events
from textual.keys import _character_to_key

from perftui.core.model import Form, Funding, Indicator

#: An unfinished 2024 form: no 年度目标, no 效益/满意度 indicators (3 errors).
INCOMPLETE = Form(
    year=2024,
    name="测试未完成项目",
    period_text="2024年1月至2024年12月",
    department="大连高新技术产业发展研究院",
    unit="大连高新技术产业发展研究院",
    period_funding=Funding(Decimal("10"), Decimal("10"), None),
    annual_funding=Funding(Decimal("10"), Decimal("10"), None),
    period_goal="测试",
    indicators=(Indicator("产出指标", "数量指标", "测试数量", "≥7人"),),
)
INCOMPLETE_FISCAL = Decimal("10")

#: An import file that a second process brings in: one complete 2024 form, 财政拨款 100.
EXTRA_FORM_TEXT = """# 本级预算项目绩效目标表

(2024年度)

项目名称	外部导入的项目		项目实施期	2024年1月至2024年12月
主管部门	大连高新技术产业发展研究院		实施单位	另一个单位
资金投入 (万元)	实施期金额	100	年度金额	100
	其中: 财政拨款	100	其中: 财政拨款	100
	其他资金		其他资金
绩效目标	实施期目标		年度目标
	目标		目标
一级指标	二级指标	三级指标		年度指标值
产出指标	数量指标	数量		≥7人
效益指标	社会效益指标	效益		良好
满意度指标	服务对象满意度指标	满意度		≥95%
"""


async def wait_for(pilot, predicate, timeout: float = 30.0, what: str = "condition") -> None:
    """Let the app run until ``predicate()`` holds (workers finish on their own time).

    The timeout only ends a test that already failed; it is long because the
    suite runs four workers on two cores beside terminals and a server.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def started(pilot) -> None:
    """The database was read and the home screen shows it."""
    app = pilot.app
    await wait_for(pilot, lambda: app.loaded or type(app.screen).__name__ == "ErrorScreen", what="load")
    await pilot.pause()


def summary_text(app) -> str:
    from perftui.tui.widgets.summary import SummaryPane

    return str(app.home.query_one(SummaryPane).render())


def listed_names(app) -> list[str]:
    table = app.home.table
    return [app.catalog.get(form_id).name for form_id in table.listed_ids()]


def footer_keys(app) -> dict[str, str]:
    """What the screen's footer shows: each key's binding id and its description, as drawn."""
    from textual.widgets._footer import FooterKey

    active = app.screen.active_bindings
    shown = {}
    for widget in app.screen.query(FooterKey):
        binding = getattr(active.get(widget.key), "binding", None)
        if binding is not None and binding.id:
            shown[binding.id] = widget.description
    return shown


def notifications(app) -> str:
    """Every notification shown so far, one per line."""
    return "\n".join(n.message for n in app._notifications)


def burst(app, *parts: str) -> None:
    """Send keys all at once, as a terminal delivers a paste, a macro or type-ahead over SSH:
    no key waits for the one before it to be handled (``pilot.press`` does wait).

    ``"<tab>"``, ``"<ctrl+u>"``: a named key; any other string: its characters typed.
    """
    for part in parts:
        if part.startswith("<") and part.endswith(">") and len(part) > 2:
            name = part[1:-1]
            app.post_message(events.Key(name, name if len(name) == 1 else None))
            continue
        for char in part:
            app.post_message(events.Key(char if char.isalnum() else _character_to_key(char), char))

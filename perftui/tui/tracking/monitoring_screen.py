"""The 绩效运行监控 screen of a form: how far the money and each target are, as of a day.

Opened from the list (m, F3) or the editor (F3). The funding rows take the
年初预算数 and the 执行数 to the day of the 监控 (7月31日 unless another day is
typed), with the reasons when the money lags; each indicator row shows its
三级指标 and 年度指标值 beside the 执行情况, 全年预计完成情况, 偏差原因 (类别:
经费保障 / 制度保障 / 人员保障 / 硬件条件保障 / 其他, typed as "经费 人员"; and in
words), 完成目标可能性 and 备注. The line under the tables compares the 执行率
with the share of the year passed.
"""

from __future__ import annotations

from perftui.core.tracking import MONITORING
from perftui.i18n import N_
from perftui.tui.styles import stylesheet
from perftui.tui.tracking.record_screen import RecordScreen


class MonitoringScreen(RecordScreen):
    DEFAULT_CSS = stylesheet(__file__)
    KIND = MONITORING
    TITLE = N_("绩效运行监控")

"""The 绩效自评 screen of a form: 全年执行数 against the budget, 实际完成值 against every target, scored.

Opened from the list (v, F4) or the editor (F4). Each indicator row shows its
三级指标 and 年度指标值 beside 实际完成值, 分值, 得分, 达成程度 (for a qualitative
target) and 偏差原因分析及改进措施. A blank 分值 or 得分 shows, dimmed, the
default weight or the rule's score (:mod:`perftui.core.scoring`); typing one
overrides it, Delete gives the rule's back. The line under the tables keeps
the 执行率, the 分值's sum, the 总分 and the 等级 current as figures are typed.
"""

from __future__ import annotations

from perftui.core.tracking import EVALUATION
from perftui.i18n import N_
from perftui.tui.styles import stylesheet
from perftui.tui.tracking.record_screen import RecordScreen


class EvaluationScreen(RecordScreen):
    DEFAULT_CSS = stylesheet(__file__)
    KIND = EVALUATION
    TITLE = N_("绩效自评")

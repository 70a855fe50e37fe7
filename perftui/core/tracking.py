"""What the 监控 and the 自评 records share: their rows follow the form's indicator rows.

A 监控表 or 自评表 repeats the target form's indicator table and adds columns.
Each of their rows keeps the indicator it reports on (一级, 二级, 三级, 年度指标值),
so a record read alone (an export, an imported table) says what was measured.
The form stays the source of the targets: :func:`align` puts a record's rows in
the form's order with the form's current targets, and keeps rows whose
indicator the form no longer has at the end, where the findings point at them.

Also here: the labels of the records' stored fields, for findings and the
history, and the field-by-field comparison the history records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from perftui.core.model import Indicator
from perftui.i18n import N_, gettext as _
from perftui.core.normalize import clean_text

Row = TypeVar("Row")

#: Record kinds, as stored in the history and named in the CLI.
MONITORING, EVALUATION = "monitoring", "evaluation"
KIND_LABELS = {MONITORING: N_("监控"), EVALUATION: N_("自评")}

#: Labels of the records' stored fields (findings' ``field`` and history keys).
FIELD_LABELS = {
    "as_of": N_("监控时点"),
    "funding": N_("预算执行"),
    "funding.total": N_("年度资金总额"),
    "funding.fiscal": N_("财政拨款"),
    "funding.carried": N_("上年结转资金"),
    "funding.other": N_("其他资金"),
    "funding_reason": N_("预算执行偏差原因"),
    "causes": N_("预算执行偏差原因类别"),
    "goal_progress": N_("年度总体目标1–7月执行情况"),
    "goal_expected": N_("预期目标"),
    "goal_actual": N_("实际完成情况"),
    "execution_weight": N_("预算执行分值"),
    "execution_score": N_("预算执行得分"),
    "notes": N_("其他需要说明事项"),
    "weights": N_("分值"),
    "total": N_("总分"),
    "rows": N_("绩效指标"),
    "year": N_("年度"),
}


def label(field: str) -> str | None:
    """The translated label of a record field, None for a field not of a record."""
    found = FIELD_LABELS.get(field)
    return _(found) if found else None


def indicator_key(indicator: Indicator) -> tuple[str, str, str]:
    """What makes two rows report on the same indicator: its 一级, 二级 and 三级 (spaces ignored)."""
    return tuple(" ".join(part.split()) for part in indicator[:3])  # type: ignore[return-value]


def align(
    rows: Sequence[Row],
    indicators: Sequence[Indicator],
    indicator_of: Callable[[Row], Indicator],
    blank: Callable[[Indicator], Row],
    with_indicator: Callable[[Row, Indicator], Row],
) -> tuple[list[Row], int]:
    """The rows in the order of ``indicators``, each carrying the form's indicator as it is now.

    A row is matched by 一级/二级/三级, else by 三级 alone (a row moved to
    another 二级), else by position among the rows left; an indicator with no
    row gets ``blank(indicator)``. Rows left over (their indicator was removed
    from the form) follow, unchanged. Returns the rows and how many of them
    are from the form (the rest are left over).
    """
    free = list(range(len(rows)))
    chosen: list[int | None] = [None] * len(indicators)
    for matcher in (indicator_key, lambda i: " ".join(i.name.split())):
        for number, indicator in enumerate(indicators):
            if chosen[number] is not None:
                continue
            wanted = matcher(indicator)
            for index in free:
                if matcher(indicator_of(rows[index])) == wanted:
                    chosen[number] = index
                    free.remove(index)
                    break
    result: list[Row] = []
    for number, indicator in enumerate(indicators):
        index = chosen[number]
        if index is None:
            result.append(blank(indicator))
        else:
            row = rows[index]
            result.append(row if indicator_of(row) == indicator else with_indicator(row, indicator))
    result.extend(rows[index] for index in free)
    return result, len(indicators)


def doc_changes(before: dict[str, Any], after: dict[str, Any], skip: Sequence[str] = ()) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for every stored field of a record that differs.

    Nested objects are compared field by field (``funding.total``), lists of
    rows row by row (``rows[3]``, 1-based, a missing row as None), so the
    history shows what changed, not the whole record.
    """
    changes: list[tuple[str, Any, Any]] = []

    def walk(prefix: str, a: Any, b: Any) -> None:
        if a == b:
            return
        if isinstance(a, dict) and isinstance(b, dict) and prefix.count(".") < 1:
            for key in list(a) + [k for k in b if k not in a]:
                walk(f"{prefix}.{key}" if prefix else key, a.get(key), b.get(key))
            return
        if prefix == "rows" and isinstance(a, list) and isinstance(b, list):
            for index in range(max(len(a), len(b))):
                old = a[index] if index < len(a) else None
                new = b[index] if index < len(b) else None
                if old != new:
                    changes.append((f"rows[{index + 1}]", old, new))
            return
        changes.append((prefix, a, b))

    for key in list(before) + [k for k in after if k not in before]:
        if key in skip:
            continue
        walk(key, before.get(key), after.get(key))
    return changes


def stored_indicator(cells: Any) -> Indicator:
    """A record row's indicator as stored (the form's own row document: four texts, and any other
    columns an imported form had); raises TypeError or ValueError for anything else."""
    if type(cells) is not list or len(cells) not in (4, 5):
        raise ValueError("a row's indicator is four cells (and its other columns)")
    for cell in cells[:4]:
        check_text(cell, "an indicator cell")
    if len(cells) == 5 and (type(cells[4]) is not dict or not all(type(v) is str for v in cells[4].values())):
        raise TypeError("an indicator's other columns are texts")
    return Indicator.from_doc(cells)


def check_text(value: Any, what: str) -> str:
    """``value`` if it is text, cleaned; raises TypeError naming ``what`` otherwise (stored-document checks).

    Reading is a door too (as for forms, :meth:`perftui.core.model.Form.from_doc`):
    a record edited by hand may hold what a terminal would obey.
    """
    if type(value) is not str:
        raise TypeError(f"{what} is not text")
    return clean_text(value, multiline=True)

"""What the 监控 and the 自评 records share: their rows follow the form's indicator rows.

A 监控表 or 自评表 repeats the target form's indicator table and adds columns.
Each of their rows keeps the indicator it reports on (一级, 二级, 三级, 年度指标值),
so a record read alone (an export, an imported table) says what was measured.
The form stays the source of the targets: :func:`align` puts a record's rows in
the form's order with the form's current targets, and keeps rows whose
indicator the form no longer has at the end, where the findings point at them.

Also here what the two records have in common as records: the fields that
link them to their form and stamp their last change (:func:`head_doc`,
:func:`read_head`, :func:`read_rows`, :func:`stamp_doc`), following the form
(:func:`follow_form`), and what the history records of a save
(:func:`record_changes`); the labels of the records' stored fields, for
findings and the history.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Self, TypeVar

from perftui.core.model import Form, Indicator, new_id
from perftui.i18n import N_, gettext as _
from perftui.core.normalize import clean_text

Row = TypeVar("Row")


@dataclass(frozen=True, slots=True)
class RecordRow:
    """What every row of a 监控 or 自评 has: the indicator it reports on (the columns are its kind's)."""

    indicator: Indicator = Indicator()

    def evolve(self, **changes: Any) -> Self:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Record:
    """What every 监控 and 自评 has: its own id and revision, the form and year it is about, and
    when and by whom it was last changed. Each kind adds its columns, its ``rows`` (of
    :class:`RecordRow`) and ``to_doc``."""

    id: str = field(default_factory=new_id)
    revision: int = 0
    form_id: str = ""
    year: int | None = None
    updated_at: str = ""
    updated_by: str = ""

    def evolve(self, **changes: Any) -> Self:
        return replace(self, **changes)


R = TypeVar("R", bound=Record)

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


# -- what both records are as records ----------------------------------------------------

#: The stored fields that make a record a record rather than what it says; a save's history
#: leaves them out (the entry has its own revision, time and person).
_STAMP_FIELDS = ("id", "revision", "updated_at", "updated_by")


def head_doc(record: Record) -> dict[str, Any]:
    """The first stored fields of a record: its id and revision, and the form and year it is about."""
    return {"id": record.id, "revision": record.revision, "form_id": record.form_id, "year": record.year}


def stamp_doc(record: Record) -> dict[str, Any]:
    """The last stored fields of a record: when and by whom it was last changed."""
    return {"updated_at": record.updated_at, "updated_by": record.updated_by}


def read_head(doc: dict[str, Any]) -> dict[str, Any]:
    """The fields of :func:`head_doc` and :func:`stamp_doc` from a stored record, checked (keyword
    arguments for the record's class); raises KeyError or TypeError."""
    year, revision = doc["year"], doc.get("revision") or 0
    if (year is not None and type(year) is not int) or type(revision) is not int:
        raise TypeError("year and revision are whole numbers")
    return {
        "id": check_text(doc["id"], "id"),
        "revision": revision,
        "form_id": check_text(doc["form_id"], "form_id"),
        "year": year,
        "updated_at": check_text(doc.get("updated_at", ""), "updated_at"),
        "updated_by": check_text(doc.get("updated_by", ""), "updated_by"),
    }


def read_rows(doc: dict[str, Any], row: Callable[[dict[str, Any]], Row]) -> tuple[Row, ...]:
    """A stored record's rows, each read by ``row``; raises KeyError or TypeError (and what ``row`` raises)."""
    rows = doc["rows"]
    if type(rows) is not list:
        raise TypeError("rows is a list")
    return tuple(row(cells) for cells in rows)


def follow_form(record: R, form: Form, blank: Callable[[Indicator], Any]) -> R:
    """``record`` with its rows in ``form``'s order and carrying its current indicators (:func:`align`;
    ``blank`` makes the row of an indicator the record has none for), linked to the form and its year."""
    rows, _from_form = align(
        record.rows,
        form.indicators,
        lambda row: row.indicator,
        blank,
        lambda row, indicator: row.evolve(indicator=indicator),
    )
    return record.evolve(rows=tuple(rows), form_id=form.id, year=form.year)


def record_changes(old: Any, new: Any) -> list[tuple[str, Any, Any]]:
    """What the history records of a save: each changed field, old and new."""
    return doc_changes(old.to_doc(), new.to_doc(), skip=_STAMP_FIELDS)


def check_choice(value: Any, what: str, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices`` or blank, cleaned; raises TypeError or ValueError naming ``what``."""
    text = check_text(value, what)
    if text and text not in choices:
        raise ValueError(f"unknown {what} {text!r}")
    return text

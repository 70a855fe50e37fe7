"""The indicator table of a form: its header, then one :class:`Indicator` per row.

The header says which column is which (:func:`perftui.importing.labels.column`);
a template may add a leading merged 绩效指标 column, 指标性质 and 度量单位 (folded
into the value: ``≥ | 95 | %`` reads ``≥95%``), 权重/分值, 指标解释, 指标方向性,
last year's actual value (批复表), or a second block of 二级/三级/指标值 for the
中期 beside the 年度 (财预〔2015〕88号): the year's are taken, the 中期 values kept
on the row.

A 一级 or 二级 cell continues down its blank cells (merged cells give their text
once). A 一级 label may stand in the middle of its block (vertically centred in
the page's text): a row whose 二级 belongs to another 一级 takes that one, and
rows above the first 一级 label take the label below them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perftui.core import taxonomy
from perftui.importing import labels
from perftui.core.model import Indicator
from perftui.core.normalize import fold

_ANNUAL_MARKS = ("年度", "本年", "当年", "全年")
_PERIOD_MARKS = ("中期", "实施期")
_QUALITATIVE = {"定性", "定量", ""}
_ROW_KEYS = {labels.PERIOD_VALUE, labels.LAST_VALUE, labels.WEIGHT, labels.STANDARD, labels.DIRECTION, labels.NOTE}
_DIRECTIONS = {"正向", "反向", "正向指标", "反向指标"}


@dataclass
class Columns:
    """Which column holds what; ``period`` the 中期 block's 二级/三级/指标值 when there is one."""

    level1: int | None = None
    level2: int | None = None
    name: int | None = None
    value: int | None = None
    nature: int | None = None
    measure: int | None = None
    period: dict[str, int] = field(default_factory=dict)
    extras: dict[int, str] = field(default_factory=dict)  # column -> extra key (or header text)
    evaluation: list[str] = field(default_factory=list)  # headers only a 自评/监控 table has

    @property
    def first(self) -> int:
        known = [c for c in (self.level1, self.level2, self.name, self.value) if c is not None]
        return min(known) if known else 0


def is_header(cells: tuple[str, ...]) -> bool:
    """A row naming the indicator columns: 一级 and (二级 or 三级) at least."""
    roles = {labels.column(cell) for cell in cells if cell}
    return labels.LEVEL1 in roles and (labels.LEVEL2 in roles or labels.INDICATOR_NAME in roles)


def header_scope(cells: tuple[str, ...]) -> str | None:
    """Whose table a header heads, when a cell beside the columns says (长期绩效指标, 年度绩效指标)."""
    for cell in cells:
        if not cell or labels.column(cell) not in (None, labels.BLOCK):
            continue
        key = labels.label_key(cell).key
        if "指标" not in key:
            continue
        if any(mark in key for mark in _ANNUAL_MARKS):
            return labels.ANNUAL_SCOPE
        if any(mark in key for mark in (*_PERIOD_MARKS, "长期")):
            return labels.PERIOD_SCOPE
    return None


def read_header(cells: tuple[str, ...], year: int | None, goal_columns: dict[str, int]) -> Columns:
    columns = Columns()
    sets: list[dict[str, int]] = []
    texts: dict[int, str] = {}
    for index, cell in enumerate(cells):
        if not cell:
            continue
        role = labels.column(cell, year)
        texts[index] = cell
        if role == labels.LEVEL1:
            columns.level1 = index
        elif role in (labels.LEVEL2, labels.INDICATOR_NAME, labels.VALUE):
            if not sets or role in sets[-1] or (role == labels.LEVEL2 and sets[-1]):
                sets.append({})
            sets[-1][role] = index
        elif role == labels.NATURE:
            columns.nature = index
        elif role == labels.MEASURE:
            columns.measure = index
        elif role in (labels.PERIOD_VALUE, labels.LAST_VALUE, labels.WEIGHT, labels.STANDARD, labels.DIRECTION, labels.NOTE):
            columns.extras[index] = role
        elif role == labels.BLOCK:
            continue
        elif labels.EVALUATION_HEADERS.match(labels.label_key(cell).key):
            columns.evaluation.append(cell)
        else:
            columns.extras[index] = _header_text(cell)
    _name_weights(columns, sets)
    annual = _annual_set(sets, texts, goal_columns)
    for number, found in enumerate(sets):
        if number == annual:
            columns.level2 = found.get(labels.LEVEL2, columns.level2)
            columns.name = found.get(labels.INDICATOR_NAME, columns.name)
            columns.value = found.get(labels.VALUE, columns.value)
        else:
            columns.period.update(found)
    if columns.value is None and columns.name is not None:
        # A value column under a heading nobody listed (指标标准, 目标): the first unnamed one after 三级.
        unnamed = [i for i, key in sorted(columns.extras.items()) if i > columns.name and key not in _ROW_KEYS]
        if unnamed:
            columns.value = unnamed[0]
            del columns.extras[unnamed[0]]
    if columns.value is None and columns.extras:
        # Only a 中期 value column (指标值(中期)) or a year-named one: take the last value-like column.
        for index, key in sorted(columns.extras.items(), reverse=True):
            if key == labels.PERIOD_VALUE and not columns.period:
                columns.period[labels.VALUE] = index
                del columns.extras[index]
                break
    return columns


def _name_weights(columns: Columns, sets: list[dict[str, int]]) -> None:
    """A 审批表's 分值 beside its 一级 and 二级 too: each kept under what it scores."""
    named = {columns.level1: "一级指标分值"} if columns.level1 is not None else {}
    for found in sets:
        if labels.LEVEL2 in found:
            named[found[labels.LEVEL2]] = "二级指标分值"
        if labels.INDICATOR_NAME in found:
            named[found[labels.INDICATOR_NAME]] = labels.WEIGHT
    for index, key in list(columns.extras.items()):
        if key != labels.WEIGHT:
            continue
        left = [column for column in named if column < index]
        if left:
            columns.extras[index] = named[max(left)]


def _header_text(cell: str) -> str:
    return re.sub(r"\s+", "", fold(cell)).rstrip(":")


def _annual_set(sets: list[dict[str, int]], texts: dict[int, str], goal_columns: dict[str, int]) -> int:
    """Which block of 二级/三级/指标值 is the year's (the other one is the 中期)."""
    if len(sets) < 2:
        return 0
    for number, found in enumerate(sets):
        words = "".join(texts[index] for index in found.values())
        if any(mark in words for mark in _ANNUAL_MARKS):
            return number
    for number, found in enumerate(sets):
        words = "".join(texts[index] for index in found.values())
        if any(mark in words for mark in _PERIOD_MARKS):
            return 1 - number if len(sets) == 2 else len(sets) - 1
    if "annual" in goal_columns and "period" in goal_columns:
        return 0 if goal_columns["annual"] < goal_columns["period"] else len(sets) - 1
    return len(sets) - 1  # 中期 | 年度, as the 财预〔2015〕88号 template has them


def sub_header(cells: tuple[str, ...], columns: Columns, year: int | None) -> bool:
    """A second header row (指标值 split into 中期 | 年度 beneath): folded into ``columns``."""
    found = False
    for index, cell in enumerate(cells):
        if not cell:
            continue
        key = labels.label_key(cell).key
        role = labels.column(cell, year)
        if key in ("中期", "实施期") or role == labels.PERIOD_VALUE:
            columns.period[labels.VALUE] = index
            columns.extras.pop(index, None)
            found = True
        elif key in ("年度", "本年", "当年", "全年") or (role == labels.VALUE and index != columns.value):
            columns.value = index
            columns.extras.pop(index, None)
            found = True
        elif role is not None or key in ("", "指标值"):
            continue
        else:
            return False
    return found


@dataclass
class Table:
    """Rows being read under one header."""

    columns: Columns
    rows: list[Indicator] = field(default_factory=list)
    explicit: list[bool] = field(default_factory=list)  # did the row carry its own 一级 label?
    level1: str = ""
    level2: str = ""
    notes: list[str] = field(default_factory=list)

    def feed(self, cells: tuple[str, ...]) -> None:
        """One table row: a new indicator, a 一级/二级 heading, or nothing."""
        c = self.columns

        def get(index: int | None) -> str:
            return cells[index] if index is not None and index < len(cells) else ""

        level1_text, level2_text = get(c.level1), get(c.level2)
        if not level2_text:
            level2_text = get(c.period.get(labels.LEVEL2))  # the 年度 side left blank: the 中期 side's
        name, value = get(c.name), get(c.value)
        level1 = labels.level_name(level1_text) if level1_text else ""
        level2 = labels.level_name(level2_text) if level2_text else ""
        used = {c.level1, c.level2, c.name, c.value, c.nature, c.measure, *c.extras, *c.period.values()}
        stray = [cell for index, cell in enumerate(cells) if cell and index not in used and index >= c.first]
        if (level1_text and not level1 and level1 not in taxonomy.all_level1()) or (
            not name and not value and stray
        ) or (level2_text and not level2 and not name and not value):
            self._shifted(cells)
            return
        explicit = bool(level1)
        if level1:
            if level1 in taxonomy.all_level2() and level1 not in taxonomy.all_level1():
                level2, level1 = level1, ""  # a 二级 written in the 一级 column
                if not level2_text:
                    # 社会公众或服务对象满意度指标 | (blank) | 群众满意度: it is this row's 二级.
                    self.level2 = level2
            else:
                self.level1, self.level2 = level1, ""
        if level2 == taxonomy.SATISFACTION:
            level2 = labels.SATISFACTION_LEVEL2  # 满意度指标 | 满意度指标: the 一级's name repeated as its 二级
        if level2_text:
            self.level2 = level2 or " ".join(level2_text.split())
        elif level1:
            self.level2 = ""
        self._fit_levels(explicit)
        extra: list[tuple[str, str]] = []
        period_value = get(c.period.get(labels.VALUE))
        period_name = get(c.period.get(labels.INDICATOR_NAME))
        if not name and not value and period_name:
            name = period_name  # only the 中期 side is filled on this row
        if period_value:
            extra.append((labels.PERIOD_VALUE, period_value))
        if period_name and period_name != name:
            extra.append(("period_name", period_name))
        for index, key in c.extras.items():
            text = get(index)
            if text:
                extra.append((key, text))
        value = _fold_value(get(c.nature), value, get(c.measure), extra)
        if not name and not value and not period_value:
            return
        self._append(Indicator(self.level1, self.level2, name, value, tuple(extra)), explicit)

    def _shifted(self, cells: tuple[str, ...]) -> None:
        """A row whose cells do not stand under their headers: read them in order instead."""
        texts = [cell for index, cell in enumerate(cells) if cell and index >= self.columns.first]
        explicit = False
        cost_level2s = taxonomy.level2_names(taxonomy.GUIDELINE_2021, taxonomy.COST)
        while texts:
            level = labels.level_name(texts[0])
            if not level:
                break
            texts.pop(0)
            following = labels.level_name(texts[0]) if texts else ""
            # 成本指标 is a 一级 in the 2021 layout, a 二级 under 产出指标 in the older one.
            cost_is_level2 = level == taxonomy.COST and self.level1 == taxonomy.OUTPUT and following not in cost_level2s
            if level == taxonomy.SATISFACTION and explicit and self.level1 == level:
                self.level2 = labels.SATISFACTION_LEVEL2
            elif level in taxonomy.all_level1() and not cost_is_level2:
                self.level1, self.level2, explicit = level, "", True
            else:
                self.level2 = level
        self._fit_levels(explicit)
        if not texts:
            return
        name, value = (" ".join(texts[:-1]), texts[-1]) if len(texts) > 1 else (texts[0], "")
        self._append(Indicator(self.level1, self.level2, name, value), explicit)

    def _fit_levels(self, explicit: bool) -> None:
        """A 二级 that belongs to one 一级 only brings its 一级 (centred 一级 labels, 88号 满意度)."""
        owner = labels.owner(self.level2)
        if owner is None or owner == self.level1:
            return
        if self.level2 == labels.SATISFACTION_LEVEL2 or not explicit:
            self.level1 = owner

    def _append(self, row: Indicator, explicit: bool) -> None:
        self.rows.append(row)
        self.explicit.append(explicit)

    def finish(self) -> list[Indicator]:
        """Rows above the first 一级 label take the label below them (it was centred)."""
        rows = list(self.rows)
        following = ""
        for index in range(len(rows) - 1, -1, -1):
            if rows[index].level1:
                following = rows[index].level1
            elif following:
                rows[index] = rows[index]._replace(level1=following)
        return rows


def _fold_value(nature: str, value: str, measure: str, extra: list[tuple[str, str]]) -> str:
    """指标性质 and 度量单位 around the value, as one value: ``≥ | 95 | %`` -> ``≥95%``."""
    nature, value, measure = nature.strip(), value.strip(), measure.strip()
    if nature in _DIRECTIONS:
        extra.append((labels.DIRECTION, nature))
        nature = ""
    if nature in _QUALITATIVE:
        nature = ""
    if not value:
        return ""
    folded = fold(value)
    if nature and not folded.startswith(tuple("≥≤<>=≧≦")):
        value = nature + value
    if measure and measure not in ("/", "-", "无") and not value.endswith(measure):
        value = value + measure
    return value


def looks_like_indicator_row(cells: tuple[str, ...]) -> bool:
    """A 一级 and a 二级 name side by side: a row of an indicator table that has no header."""
    names = [labels.level_name(cell) for cell in cells if cell]
    for first, second in zip(names, names[1:]):
        if first in taxonomy.all_level1() and second in taxonomy.all_level2():
            return True
    return False


def implicit_header(cells: tuple[str, ...]) -> Columns:
    """Columns guessed from a first indicator row when the table has no header: 一级, 二级, 三级, 指标值."""
    filled = [index for index, cell in enumerate(cells) if cell]
    columns = Columns()
    for position, index in enumerate(filled):
        if labels.level_name(cells[index]) in taxonomy.all_level1():
            rest = filled[position:]
            columns.level1 = rest[0]
            columns.level2 = rest[1] if len(rest) > 1 else None
            columns.name = rest[2] if len(rest) > 2 else None
            columns.value = rest[-1] if len(rest) > 3 else None
            break
    return columns

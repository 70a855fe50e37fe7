"""A form being read (:class:`Draft`) and the form it makes (:func:`build`), or the refusal.

The reader (:mod:`perftui.importing.recognize`) fills a draft with what each
label said; :func:`build` applies the rules that need the whole form (which
amounts are whose, which goal is the year's) and refuses what cannot be a
form: a 自评表 or 监控表, no name, no year, no indicator table, or goal text
that swallowed the indicator rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perftui.core import taxonomy
from perftui.core.model import Form
from perftui.i18n import N_, gettext as _
from perftui.importing import funding as funding_rules
from perftui.importing import indicators as table_rules
from perftui.importing import labels
from perftui.importing.grid import Grid
from perftui.importing.text import FormatError, admitted

HEADER, GOALS, INDICATORS, AFTER = "header", "goals", "indicators", "after"

KIND_NAMES = {
    labels.SELF_EVALUATION: N_("绩效自评表"),
    labels.MONITORING: N_("绩效监控表"),
    labels.DEPARTMENT_WIDE: N_("部门整体支出绩效目标表"),
}


@dataclass(frozen=True)
class Recognized:
    """A form read from a grid, with what a preview shows besides the form."""

    form: Form
    where: int | str  # the line or table row the form starts at
    unknown: tuple[str, ...] = ()  # labels the reader did not recognize (kept as extra fields)
    notes: tuple[str, ...] = ()  # how it read what it read (a misspelt label, a derived amount)
    #: Which 年度 it is, when it came from --year rather than the document.
    year_given: bool = False


@dataclass
class Draft:
    row: int
    year: int | None = None
    kind: str | None = None
    header: dict[str, tuple[int, str]] = field(default_factory=dict)
    extra_fields: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    slots: list[funding_rules.Slot] = field(default_factory=list)
    goals: dict[str | None, list[str]] = field(default_factory=lambda: {None: [], "period": [], "annual": []})
    goal_columns: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    table: table_rules.Table | None = None
    table_row: int | None = None
    table_scope: str | None = None  # the table's header said 年度 (annual) or 长期/中期 (period)
    #: Earlier tables of another scope (a 长期绩效指标 table before the 年度绩效指标 one).
    other_tables: list[tuple[str | None, table_rules.Table]] = field(default_factory=list)
    section: str = HEADER
    block_unit: str | None = None
    unit_line: str = ""  # 填报单位 named above the table
    line_unit: str | None = None  # 元 or 万元, from a 单位 line above the table
    #: A row of amount labels without figures (年度资金总额 | 其中:财政拨款 | 其他资金): its row and
    #: (column, label) heads, whose figures may stand on the next row.
    amount_heads: tuple[int, list] | None = None
    ignored: list[str] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        return bool(self.header or self.slots or self.table is not None or self.extra_fields)

    def name(self) -> str:
        return self.header.get(labels.NAME, (0, ""))[1]


def build(draft: Draft, grid: Grid, default_year: int | None) -> Recognized:
    source, where = grid.source, grid.where(draft.row)
    name = " ".join(draft.name().split())
    if draft.kind is not None:
        raise FormatError(
            source, where,
            _("“{name}”是{kind}，不是项目绩效目标表；perftui 只导入项目绩效目标表").format(
                name=name or _("（无名称）"), kind=_(KIND_NAMES[draft.kind])
            ),
        )
    if not name:
        raise FormatError(source, where, _("这张表没有项目名称（“项目名称”一栏空着或没有找到）"))
    _refuse_swallowed(source, where, name, draft)
    if draft.table is None:
        raise FormatError(
            source, where,
            _("“{name}”没有找到绩效指标表（缺少“一级指标、二级指标、三级指标”表头）").format(name=name),
        )
    year = draft.year if draft.year is not None else default_year
    year_from_name = None
    if year is None:
        # Older templates (e.g. 绩效目标申报表 without a year line) carry the year only in the
        # project's own name: "2018年南岳镇资产收益扶贫项目". Taken, and said in the preview.
        year = year_from_name = name_year(name)
    if year is None:
        raise FormatError(
            source, where,
            _("“{name}”没有年度：文件中没有“（2024年度）”一行或带年度的标题；请用 --year 指定年度").format(name=name),
        )
    header = {key: value for key, (_priority, value) in draft.header.items()}
    period_text = header.get(labels.PERIOD, "")
    if not period_text and (header.get(labels.PERIOD_START) or header.get(labels.PERIOD_END)):
        period_text = _("{start}至{end}").format(
            start=header.get(labels.PERIOD_START, ""), end=header.get(labels.PERIOD_END, "")
        )
    unit = header.get(labels.UNIT) or header.get(labels.UNIT_FALLBACK) or draft.unit_line
    resolved = funding_rules.resolve(draft.slots, period_text, year)
    notes = list(draft.notes)
    table, extra_fields = _the_years_table(draft, notes)
    rows = table.finish()
    if year_from_name is not None:
        notes.append(_("文件中没有年度，取项目名称中的 {year} 年；如不对，请用 --year 指定").format(year=year_from_name))
    for key in resolved.summed:
        notes.append(_("{field}空着，取其中各项之和").format(field=_field_name(key)))
    if resolved.copied:
        notes.append(
            _("项目在本年度内（或未写实施期）：{fields}与另一栏相同").format(
                fields=_("、").join(_field_name(key) for key in resolved.copied)
            )
        )
    goals = draft.goals
    annual_goal = goals["annual"] or (goals[None] if not goals["annual"] else [])
    period_goal = goals["period"] + (goals[None] if goals["annual"] else [])
    if funding_rules.same_money(period_text, year):
        # A project within its year: what the form gives on the 中期 side only (its goal, its
        # indicator values) stands for the year's too, as its money does.
        if period_goal and not any(text.strip() for text in annual_goal):
            annual_goal = list(period_goal)
            notes.append(_("项目在本年度内：年度目标空着，取中期（实施期）目标"))
        filled = _annual_from_period(rows)
        if filled:
            rows = filled
            notes.append(_("项目在本年度内：年度指标值空着的，取中期（实施期）指标值"))
    form = Form(
        year=year,
        name=name,
        period_text=period_text,
        department=labels.strip_code(header.get(labels.DEPARTMENT, "")),
        unit=labels.strip_code(unit),
        period_funding=resolved.period,
        annual_funding=resolved.annual,
        period_goal="\n".join(period_goal),
        annual_goal="\n".join(annual_goal),
        indicators=tuple(rows),
        layout=taxonomy.infer_layout(row.level1 for row in rows),
        extra_fields=tuple(extra_fields),
        amount_notes=tuple(resolved.notes.items()),
    )
    return Recognized(
        admitted(form, source, where),
        where,
        tuple(dict.fromkeys(draft.unknown)),
        tuple(notes) + tuple(table.notes),
        year_given=draft.year is None,
    )



def _the_years_table(draft: Draft, notes: list[str]):
    """The year's indicator table of a form that has two (长期 and 年度); the other's rows are kept
    as extra fields, one per row, so nothing is lost."""
    assert draft.table is not None
    tables = [*draft.other_tables, (draft.table_scope, draft.table)]
    if len(tables) == 1:
        return draft.table, list(draft.extra_fields)
    chosen = next((t for scope, t in tables if scope == labels.ANNUAL_SCOPE), tables[-1][1])
    extra = list(draft.extra_fields)
    for scope, other in tables:
        if other is chosen:
            continue
        heading = _("长期（实施期）绩效指标") if scope == labels.PERIOD_SCOPE else _("其他绩效指标")
        for row in other.finish():
            extra.append((heading, " · ".join(p for p in (row.level1, row.level2, row.name) if p) + f"：{row.value}"))
    notes.append(_("表中另有长期（实施期）绩效指标表：取年度绩效指标，长期指标作为其他栏目保留"))
    return chosen, extra


def _annual_from_period(rows: list) -> list | None:
    """Rows whose 年度 value is blank take their 中期 value (None: no row had one)."""
    changed = False
    result = []
    for row in rows:
        period_value = dict(row.extra).get(labels.PERIOD_VALUE, "")
        if not row.value.strip() and period_value.strip():
            row = row._replace(value=period_value)
            changed = True
        result.append(row)
    return result if changed else None


def _field_name(key: str) -> str:
    from perftui.core.model import FIELD_LABELS

    return _(FIELD_LABELS.get(key, key))


def _refuse_swallowed(source: str, where, name: str, draft: Draft) -> None:
    """Goal or field text holding indicator rows: the table was not found where it began."""
    for scope, texts in draft.goals.items():
        for text in texts:
            levels = {labels.level_name(word) for word in re.split(r"[\s\t]+", text) if word}
            levels &= taxonomy.all_level1() | taxonomy.all_level2()
            if len(levels) >= 2:
                raise FormatError(
                    source, where,
                    _("“{name}”的目标中混进了指标表的内容（{levels}），没有找到指标表的开头").format(
                        name=name, levels=_("、").join(sorted(levels))
                    ),
                )


_NAME_YEAR = re.compile(r"^(20\d\d)年(?!度)")


def name_year(name: str) -> int | None:
    """The year a project's name starts with (``2018年市级专项…``), the last resort for a form's 年度."""
    match = _NAME_YEAR.match(name)
    return int(match.group(1)) if match else None


def year_in(text: str, title: bool = False) -> int | None:
    match = labels.YEAR_TEXT.search(text)
    if match:
        return int(next(group for group in match.groups() if group))
    if title:
        match = labels.TITLE_YEAR.search(text)
        if match:
            return int(match.group(1))
    return None

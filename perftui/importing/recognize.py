"""A grid of cells -> the forms in it, by the labels it carries (not by one layout).

The reader walks the rows once. Lines of one cell are titles (which start a
form and may carry its year), year lines (``(2024年度)``), unit lines
(``单位：元``), 填报单位 lines, or page furniture. Other rows are read by their
labels (:mod:`perftui.importing.labels`): a label's value is the next cell,
unless that cell is another label; a goal label without a value heads a column
whose text follows on the next rows. A row naming the indicator columns starts
the indicator table (:mod:`perftui.importing.indicators`), a row naming the
project together with the indicator columns a budget-system sheet
(:mod:`perftui.importing.sheets`). A second 项目名称 starts another form.

Nothing is guessed silently: a form without a name, a year or an indicator
table, a 自评表 or 监控表, or goal text that swallowed indicator rows is refused
(:func:`perftui.importing.drafts.build`) with a :class:`FormatError` naming the
file, the line or cell, and the reason, and then nothing of that file is imported.
"""

from __future__ import annotations

import re

from perftui.core.money import AmountError
from perftui.core.normalize import fold
from perftui.i18n import gettext as _
from perftui.importing import amounts, labels
from perftui.importing import funding as funding_rules
from perftui.importing import indicators as table_rules
from perftui.importing.drafts import AFTER, GOALS, HEADER, INDICATORS, Draft, Recognized, build, year_in
from perftui.importing.grid import Grid
from perftui.importing.text import FormatError

class _Reader:
    def __init__(self, grid: Grid, year: int | None):
        self.grid = grid
        self.default_year = year
        self.drafts: list[Draft] = []
        self.pending_year: int | None = None
        # A 单位 or 填报单位 line applies to the forms below it; one inside a titled form's
        # header (after its title) only to the forms under that title.
        self.doc_unit: str | None = None
        self.unit_line = ""
        self.local_unit: str | None = None
        self.local_unit_line = ""
        self.sheet_rows: list[Recognized] | None = None

    @property
    def draft(self) -> Draft | None:
        return self.drafts[-1] if self.drafts else None

    def start(self, row: int, titled: bool = False) -> Draft:
        if titled:
            self.local_unit, self.local_unit_line = None, ""
        draft = Draft(
            row=row, year=self.pending_year, unit_line=self.local_unit_line or self.unit_line,
            line_unit=self.local_unit or self.doc_unit,
        )
        self.drafts.append(draft)
        return draft

    # -- rows -----------------------------------------------------------------------------

    def read(self) -> None:
        rows = self.grid.rows
        for index, cells in enumerate(rows):
            if self.sheet_rows is not None:
                return
            self.feed(index, cells)

    def feed(self, r: int, cells: tuple[str, ...]) -> None:
        filled = [(index, cell) for index, cell in enumerate(cells) if cell]
        if not filled:
            return
        draft = self.draft
        heads = draft.amount_heads if draft is not None else None
        if draft is not None:
            draft.amount_heads = None  # figures under a row of amount labels stand on the very next row
        if len(filled) == 1 and self._line(r, filled[0][0], filled[0][1]):
            return
        if any(labels.SIGNATURE.search(cell) for _i, cell in filled):
            if draft is not None and draft.section == INDICATORS:
                draft.section = AFTER
            return
        if table_rules.is_header(cells):
            self._table_header(r, cells)
            return
        if draft is not None and draft.section in (INDICATORS, AFTER):
            if self._starts_form(cells, draft):
                draft = self.start(r)
            elif draft.section == AFTER:
                return
            else:
                self._indicator_row(r, cells, filled, draft)
                return
        if draft is not None and draft.table is None and table_rules.looks_like_indicator_row(cells):
            self._implicit_table(r, cells, draft)
            return
        if heads is not None and draft is not None and self._figures_under_heads(r, filled, draft, heads):
            return
        if draft is not None and draft.section == GOALS and not self._has_label(filled):
            self._goal_text(filled, draft)
            return
        self._header_row(r, cells, filled)

    def _line(self, r: int, column: int, text: str) -> bool:
        """A row of one cell: a title, year, unit or 填报单位 line, or furniture. False: read on."""
        folded = re.sub(r"\s+", "", fold(text))
        label, sep, value = folded.partition(":")
        if sep and value:
            found = labels.match(label)
            if found is not None and found.field in (labels.UNIT_FALLBACK, labels.UNIT):
                # 填报单位：… / 预算单位：… on a line of its own: the 实施单位 when the table names none.
                # The same line may declare the amounts' unit ("填报单位:(盖章) 单位:万元"); a
                # placeholder left unfilled ("(盖章)") names nobody.
                named = re.split("[:：]", text, maxsplit=1)[-1]
                unit = _TRAILING_UNIT.search(named)
                if unit:
                    self._unit_declared(unit.group(1))
                    named = named[: unit.start()]
                named = labels.strip_code(_PLACEHOLDER.sub("", named))
                if not named:
                    return True
                current = self.draft
                if current is not None and current.section not in (INDICATORS, AFTER):
                    self.local_unit_line = current.unit_line = named
                else:
                    self.unit_line = named
                return True
        unit = labels.UNIT_LINE.match(folded)
        if unit:
            self._unit_declared(unit.group(1))
            return True
        draft = self.draft
        if draft is not None and draft.has_content and draft.table is None and labels.TABLE_CAPTION.match(folded):
            return True  # 年度绩效指标表 over the form's own indicator table: a caption, not a next form
        if labels.TITLE.search(folded) and len(folded) <= 60 and labels.match(text) is None:
            kind = next((kind for pattern, kind in labels.OTHER_FORM_TYPES if pattern.search(folded)), None)
            year = year_in(folded, title=True)
            if year is not None:
                self.pending_year = year
            if draft is None or draft.has_content:
                draft = self.start(r, titled=True)
            draft.kind = kind or draft.kind
            if year is not None:
                draft.year = year
            return True
        year_match = labels.YEAR_TEXT.search(folded)
        if year_match and len(folded) <= 24:
            year = year_in(folded)
            self.pending_year = year
            if draft is not None and not draft.header and not draft.slots:
                draft.year = year
            return True
        if labels.LINE_FURNITURE.search(folded) or labels.TABLE_CAPTION.match(folded) or labels.SECTION_HEADING.match(folded):
            return True
        if draft is not None and draft.section == INDICATORS:
            if labels.level_name(text):
                return False  # a row naming only a 一级 or 二级
            if draft.table is not None and column > 0 and column in (
                draft.table.columns.name, draft.table.columns.period.get(labels.INDICATOR_NAME)
            ):
                return False  # a 三级 whose value was left blank: a row of the table
            draft.ignored.append(text)
            return True
        return False

    def _figures_under_heads(self, r: int, filled: list[tuple[int, str]], draft: Draft, heads_of) -> bool:
        """年度资金总额 | 其中:财政拨款 | 其他资金 over a row of figures: each figure is its head's."""
        heads_row, heads = heads_of
        by_column = dict(heads)
        if not filled or any(column not in by_column or self._has_label([(column, cell)]) for column, cell in filled):
            return False
        try:
            readings = {column: amounts.read(cell) for column, cell in filled}
        except AmountError:
            return False
        if any(reading.amount is None and not amounts.is_blank(cell) for (column, cell), reading in zip(filled, readings.values())):
            return False
        draft.slots = [slot for slot in draft.slots if slot.row != heads_row]
        for column, found in heads:
            cell = next((text for c, text in filled if c == column), "")
            self._amount(r, draft, found, cell, column)
        return True

    def _unit_declared(self, unit: str) -> None:
        current = self.draft
        if current is not None and current.section not in (INDICATORS, AFTER):
            self.local_unit = current.line_unit = unit
        else:
            self.doc_unit = unit

    def _has_label(self, filled: list[tuple[int, str]]) -> bool:
        return any(_split_label(cell)[0] is not None for _i, cell in filled)

    def _starts_form(self, cells: tuple[str, ...], draft: Draft) -> bool:
        """A second 项目名称; or, after a form's indicator table, a row led by a header label
        (a next form that starts with its 预算部门 or its 资金 rows)."""
        filled = [(index, cell) for index, cell in enumerate(cells) if cell]
        for _index, cell in filled:
            found = _split_label(cell)[0]
            if found is not None and found.kind == "header" and found.field == labels.NAME:
                return bool(draft.name()) or draft.section in (INDICATORS, AFTER)
        if draft.section in (INDICATORS, AFTER) and filled:
            # Only a row that starts where the table's 一级 column is (or further left): a 三级
            # named like a label (项目金额 | 5万元) under blank 一级/二级 cells is a row of the table.
            index, cell = filled[0]
            level1 = draft.table.columns.level1 if draft.table is not None else None
            if labels.level_name(cell) or index > (level1 or 0):
                return False
            found = _split_label(cell)[0]
            return found is not None and found.kind in ("header", "amount")
        return False

    # -- header ---------------------------------------------------------------------------

    def _header_row(self, r: int, cells: tuple[str, ...], filled: list[tuple[int, str]]) -> None:
        tokens: list[tuple[int, str, labels.Match | None]] = []
        for index, cell in filled:
            found, label_text, value = _split_label(cell)
            if found is not None and value:
                tokens += [(index, label_text, found), (index, value, None)]
            else:
                tokens.append((index, cell, found))
        draft = self.draft
        if draft is None or (draft.name() and self._starts_form(cells, draft)):
            if not any(found is not None and found.kind in ("header", "amount", "goal") for _i, _t, found in tokens):
                if draft is None:
                    return  # text before the first form
            else:
                draft = self.start(r)
        assert draft is not None
        if draft.section == GOALS:
            draft.section = HEADER
            # A sub-table (项目实施进度计划) ends where a row of labels begins.
            draft.goal_columns = {c: v for c, v in draft.goal_columns.items() if v[0] != "subtable"}
        heads = [(column, found) for column, _text, found in tokens if found is not None and found.kind == "amount"]
        only_labels = all(found is not None and found.kind in ("amount", "block") for _c, _t, found in tokens)
        draft.amount_heads = (r, heads) if len(heads) >= 2 and only_labels else None
        k = 0
        while k < len(tokens):
            column, text, found = tokens[k]
            following = tokens[k + 1] if k + 1 < len(tokens) else None
            value = following[1] if following is not None and following[2] is None and not _labelish(following[1]) else None
            if value is None and following is not None and _takes_text(found) and _is_text_value(tokens, k + 1):
                value = following[1]  # 资金性质 | 一般公共预算: a label's words as a value
            value_column = following[0] if value is not None else None
            adjacent = following is not None and value is None and following[0] <= column + 1
            step = 2 if value is not None else 1
            if found is None:
                if value is not None:
                    draft.extra_fields.append((_label_text(text), value))
                    draft.unknown.append(_label_text(text))
                elif text.rstrip().endswith((":", "：")):
                    draft.extra_fields.append((_label_text(text), ""))
                    draft.unknown.append(_label_text(text))
                else:
                    draft.ignored.append(text)
                k += step
                continue
            if found.misspelt:
                draft.notes.append(_("“{written}”按“{known}”读取").format(written=_label_text(text), known=found.misspelt))
            year_value = labels.BARE_YEAR.match(fold(value)) if value is not None else None
            if year_value and (found.field == labels.YEAR or (found.kind == "goal" and found.scope == labels.ANNUAL_SCOPE)):
                # 预算年度 | 2024, or 年度 | 2024: the form's year, not a goal.
                draft.year = draft.year or int(year_value.group(1))
            elif found.kind == "header":
                if value is not None:
                    old = draft.header.get(found.field)
                    if old is None or found.priority > old[0]:
                        draft.header[found.field] = (found.priority, value)
            elif found.kind == "amount":
                if adjacent:
                    self._block_unit(r, draft, found.unit)  # a heading: 项目金额(万元) | 年度资金总额
                else:
                    self._amount(r, draft, found, value or "", value_column if value_column is not None else column + 1)
            elif found.kind == "goal":
                following_goal = following is not None and following[2] is not None and following[2].kind == "goal"
                if value is not None:
                    draft.goals[found.scope].append(value)
                elif not (found.scope is None and adjacent and following_goal):
                    draft.goal_columns[column] = ("goal", found.scope)
                    draft.section = GOALS
            elif found.kind == "block":
                self._block_unit(r, draft, found.unit)
                if value is not None:
                    draft.extra_fields.append((_label_text(text), value))
            elif found.kind == "extra" and found.field in labels.SUBTABLES and len(tokens) - k > 2:
                # 项目实施进度计划 | 项目实施内容 | 开始时间 | 完成时间: column headings of a small
                # table whose rows follow; each of its cells is kept under its heading.
                for heading_column, heading, _found in tokens[k + 1 :]:
                    draft.goal_columns[heading_column] = ("subtable", _label_text(heading))
                draft.section = GOALS
                break
            elif found.kind == "extra":
                if value is not None:
                    draft.extra_fields.append((_label_text(text), value))
                elif draft.section == GOALS or draft.goal_columns:
                    draft.goal_columns[column] = ("extra", _label_text(text))
            k += step

    def _block_unit(self, r: int, draft: Draft, unit: str | None) -> None:
        """The funding block's unit; a label centred in its block names it after the rows above it."""
        if unit is None:
            return
        draft.block_unit = unit
        rows = {slot.row for slot in draft.slots}
        run, row = set(), r - 1
        while row in rows:
            run.add(row)
            row -= 1
        for slot in draft.slots:
            if slot.row in run and slot.unit_assumed and unit != amounts.WAN:
                slot.reading = self._read(slot.row, slot.column, slot.text, unit)
                slot.unit_assumed = False
                self._yuan_note(draft, slot.text, slot.reading, unit)

    def _read(self, r: int, column: int, value: str, unit: str) -> amounts.Reading:
        try:
            return amounts.read(value, unit)
        except AmountError as error:
            raise FormatError(self.grid.source, self.grid.where(r, column), str(error)) from None

    @staticmethod
    def _yuan_note(draft: Draft, value: str, reading: amounts.Reading, unit: str) -> None:
        if reading.amount and (reading.unit == amounts.YUAN or (unit == amounts.YUAN and reading.unit is None)):
            note = _("金额以元填写，已换算为万元（如“{value}”为 {amount} 万元）").format(value=value, amount=reading.amount)
            if not any(n.startswith(note[:8]) for n in draft.notes):
                draft.notes.append(note)

    def _amount(self, r: int, draft: Draft, found: labels.Match, value: str, column: int) -> None:
        unit = found.unit or draft.block_unit or draft.line_unit or amounts.WAN
        assumed = not (found.unit or draft.block_unit or draft.line_unit)
        reading = self._read(r, column, value, unit)
        self._yuan_note(draft, value, reading, unit)
        roles = [found.field] + ([labels.FISCAL_PART] if found.also_fiscal else [])
        for role in roles:
            draft.slots.append(
                funding_rules.Slot(
                    role, found.scope, r, column, reading, self.grid.where(r, column), value, assumed and not reading.unit
                )
            )

    # -- goals --------------------------------------------------------------------------

    def _goal_text(self, filled: list[tuple[int, str]], draft: Draft) -> None:
        for column, text in filled:
            nearest = min(draft.goal_columns, key=lambda c: (abs(c - column), -c))
            kind, scope = draft.goal_columns[nearest]
            if kind == "goal":
                draft.goals[scope].append(text)
            elif text:
                draft.extra_fields.append((scope or "", text))

    # -- indicators -----------------------------------------------------------------------

    def _table_header(self, r: int, cells: tuple[str, ...]) -> None:
        roles = {labels.sheet_column(cell) for cell in cells if cell}
        if labels.NAME in roles:
            from perftui.importing import sheets

            self.sheet_rows = sheets.read(self.grid, r, self.pending_year, self.default_year)
            return
        draft = self.draft
        if draft is None:
            draft = self.start(r)
        scope = table_rules.header_scope(cells)
        if draft.table is not None and draft.table.rows:
            if scope is None or draft.table_scope is None or scope == draft.table_scope:
                return  # the header repeated at the top of the next page
            # 长期绩效指标 | 一级指标 … then 年度绩效指标 | 一级指标 …: a second table, of the other scope.
            draft.other_tables.append((draft.table_scope, draft.table))
        draft.table_scope = scope
        year = draft.year or self.default_year
        goal_columns = {scope: column for column, (kind, scope) in draft.goal_columns.items() if kind == "goal" and scope}
        columns = table_rules.read_header(cells, year, goal_columns)
        if columns.evaluation and draft.kind is None:
            draft.kind = labels.SELF_EVALUATION if any("得分" in cell for cell in columns.evaluation) else labels.MONITORING
        draft.table = table_rules.Table(columns)
        draft.table_row = r
        draft.section = INDICATORS

    def _implicit_table(self, r: int, cells: tuple[str, ...], draft: Draft) -> None:
        draft.table = table_rules.Table(table_rules.implicit_header(cells))
        draft.table_row = r
        draft.section = INDICATORS
        draft.notes.append(_("指标表没有表头，按“一级指标、二级指标、三级指标、指标值”的顺序读取"))
        draft.table.feed(cells)

    def _indicator_row(self, r: int, cells: tuple[str, ...], filled, draft: Draft) -> None:
        table = draft.table
        assert table is not None
        year = draft.year or self.default_year
        if not table.rows and table_rules.sub_header(cells, table.columns, year):
            return
        if table_rules.is_header(cells):
            return
        table.feed(cells)

    # -- forms ------------------------------------------------------------------------------

    def recognized(self) -> list[Recognized]:
        if self.sheet_rows is not None:
            return self.sheet_rows
        found = []
        for draft in self.drafts:
            if not draft.has_content:
                continue
            found.append(build(draft, self.grid, self.default_year))
        return found

_TRAILING_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)\s*$")
_PLACEHOLDER = re.compile(r"[(（]\s*(?:盖章|签章|签字|公章)\s*[)）]|_{2,}")


def _split_label(cell: str) -> tuple[labels.Match | None, str, str]:
    """A cell that is a label, or "label:value" in one cell; (match, label, value)."""
    found = labels.match(cell)
    if found is not None:
        return found, cell, ""
    for sep in (":", "："):
        label, mark, value = cell.partition(sep)
        if mark and value.strip() and label.strip():
            found = labels.match(label)
            if found is not None:
                return found, label, value.strip()
    return None, cell, ""


def _takes_text(found: labels.Match | None) -> bool:
    """A label whose value is words (资金性质, 项目名称), not an amount or a goal heading."""
    return found is None or found.kind in ("header", "extra")


def _is_text_value(tokens, index: int) -> bool:
    """Is tokens[index], an amount's label, a value here: nothing follows it but labels?"""
    _column, text, found = tokens[index]
    if found is None or found.kind != "amount" or _split_label(text)[2]:
        return False
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    return after is None or after[2] is not None


def _labelish(text: str) -> bool:
    return labels.match(text) is not None or (text.rstrip().endswith((":", "：")) and len(text) <= 20)


def _label_text(text: str) -> str:
    """A label as a field's name: without its required-field mark (*联系人) or colon."""
    return " ".join(text.split()).rstrip(":：").strip().lstrip("*＊★").strip()


def recognize(grid: Grid, year: int | None = None) -> list[Recognized]:
    """The forms in ``grid``; ``year`` for forms whose document names none (``--year``)."""
    reader = _Reader(grid, year)
    reader.read()
    return reader.recognized()

"""Read 本级预算项目绩效目标表 from the text that Word, Excel or PDF extraction gives.

The layout: a title line (``本级预算项目绩效目标表``), the year line
(``(2024年度)``), page furniture (填报单位, 单位: 万元, page numbers), then the
table with tabs between cells and merged cells left blank. Extraction is
sloppy, so the reader goes by labels, not by column positions: cells are
stripped, blank cells dropped, labels compared without spaces and with
full-width colons folded. A row of the indicator table whose first cell is not
a 一级 or 二级 name continues the 一级/二级 of the row above.

A file either imports whole or not at all: :class:`FormatError` names the file,
the line and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from perftui.core import money, taxonomy
from perftui.i18n import gettext as _
from perftui.core.model import Form, Funding, Indicator
from perftui.core.normalize import fold

#: Refuse files above this size: a form is a few KB; 20 MB is thousands of them.
MAX_FILE_BYTES = 20 * 1024 * 1024

_TITLE = re.compile(r"^#*\s*(?:\d{4}\s*年度?)?\s*(?:本级)?预算项目(?:支出)?绩效目标(?:申报)?表")
_YEAR = re.compile(r"[(（]\s*(\d{4})\s*年度?\s*[)）]|(\d{4})\s*年度")
_YEAR_LINE = re.compile(r"[(（]\s*\d{4}\s*年度?\s*[)）]|\d{4}\s*年度")
_PAGE_FURNITURE = re.compile(
    r"^(?:填报单位|单位[:：]|金额单位|[-—–]?\s*\d+\s*[-—–]?$|第\s*\d+\s*页|共\s*\d+\s*页|page\s*\d+)",
    re.IGNORECASE,
)
# Control characters (tab aside, the cell separator) carry nothing a form needs,
# and an escape sequence stored in a name would be replayed on every terminal
# that lists it.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_PERIOD_TOTAL, _FISCAL, _OTHER, _ANNUAL_TOTAL = "period-total", "fiscal", "other", "annual-total"


class FormatError(ValueError):
    """A file that cannot be read as forms: str() is "file:line: reason"."""

    def __init__(self, source: str, line: int | None, reason: str):
        self.source, self.line, self.reason = source, line, reason
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")


def _key(cell: str) -> str:
    """A cell as a label to compare: folded, without spaces or trailing colon."""
    return re.sub(r"\s+", "", fold(cell)).rstrip(":")


_SIMPLE_LABELS = {"项目名称": "name", "项目实施期": "period", "主管部门": "department", "实施单位": "unit"}
_FUNDING_LABELS = {
    "实施期金额": _PERIOD_TOTAL,
    "实施期资金总额": _PERIOD_TOTAL,
    "年度金额": _ANNUAL_TOTAL,
    "年度资金总额": _ANNUAL_TOTAL,
    "其中:财政拨款": _FISCAL,
    "财政拨款": _FISCAL,
    "其中:财政资金": _FISCAL,
    "其他资金": _OTHER,
    "其中:其他资金": _OTHER,
}


def _is_label(cell: str) -> bool:
    key = _key(cell)
    return (
        key in _SIMPLE_LABELS
        or key in _FUNDING_LABELS
        or key.startswith("资金投入")
        or key in ("绩效目标", "实施期目标", "年度目标")
    )


@dataclass
class _Draft:
    """A form being read; turned into a :class:`Form` when its table ends."""

    line: int
    year: int | None = None
    fields: dict[str, str] = field(default_factory=dict)
    amounts: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    fiscal_seen: int = 0
    other_seen: int = 0
    goals: dict[str, list[str]] = field(default_factory=lambda: {"period": [], "annual": []})
    goal_columns: dict[str, int] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    section: str = "header"  # header -> goals -> indicators
    value_column: int | None = None
    name_column: int | None = None

    def build(self, source: str) -> Form:
        def amount(scope: str, part: str):
            text, line = self.amounts.get((scope, part), ("", self.line))
            try:
                return money.parse_amount(text)
            except money.AmountError as error:
                raise FormatError(source, line, str(error)) from None

        period = Funding(amount("period", "total"), amount("period", "fiscal"), amount("period", "other"))
        annual = Funding(amount("annual", "total"), amount("annual", "fiscal"), amount("annual", "other"))
        return Form(
            year=self.year,
            name=self.fields.get("name", ""),
            period_text=self.fields.get("period", ""),
            department=self.fields.get("department", ""),
            unit=self.fields.get("unit", ""),
            period_funding=period,
            annual_funding=annual,
            period_goal="\n".join(self.goals["period"]),
            annual_goal="\n".join(self.goals["annual"]),
            indicators=tuple(self.indicators),
            layout=taxonomy.infer_layout(row.level1 for row in self.indicators),
        )


class _Reader:
    """One pass over the lines of one file."""

    def __init__(self, source: str):
        self.source = source
        self.drafts: list[_Draft] = []
        self.pending_year: int | None = None
        self.level1 = ""
        self.level2 = ""

    @property
    def draft(self) -> _Draft | None:
        return self.drafts[-1] if self.drafts else None

    def start(self, number: int) -> _Draft:
        draft = _Draft(line=number, year=self.pending_year)
        self.drafts.append(draft)
        self.level1 = self.level2 = ""
        return draft

    def feed(self, number: int, line: str) -> None:
        if not line.strip():
            return
        raw_cells = [cell.strip() for cell in line.split("\t")]
        cells = [cell for cell in raw_cells if cell]
        first = _key(cells[0])
        if _TITLE.match(fold(line).strip()):
            self.pending_year = self._year_in(line)
            self.start(number)
            return
        if len(cells) == 1 and _YEAR_LINE.fullmatch(fold(cells[0]).strip()):
            year = self._year_in(line)
            self.pending_year = year
            if self.draft is not None and not self.draft.fields:
                self.draft.year = year
            return
        if len(cells) == 1 and _PAGE_FURNITURE.match(fold(cells[0]).strip()):
            return
        if first.startswith("项目名称") and self.draft is not None and "name" in self.draft.fields:
            self.start(number)  # a second form without a title of its own
        draft = self.draft
        if draft is None:
            if not any(_is_label(cell) for cell in cells):
                return  # text before the first form
            draft = self.start(number)
        if first == "一级指标" or (len(cells) > 2 and _key(cells[0]) == "一级指标"):
            draft.section = "indicators"
            self._indicator_header(draft, raw_cells)
            return
        if draft.section == "indicators":
            if _PAGE_FURNITURE.match(fold(cells[0]).strip()) and len(cells) == 1:
                return
            self._indicator_row(draft, raw_cells, cells)
            return
        if any(_key(cell) in ("实施期目标", "年度目标") for cell in cells):
            draft.section = "goals"
            self._goal_header(draft, raw_cells)
            return
        if draft.section == "goals":
            self._goal_row(draft, raw_cells)
            return
        self._header_row(draft, number, cells)

    @staticmethod
    def _year_in(line: str) -> int | None:
        match = _YEAR.search(fold(line))
        return int(match.group(1) or match.group(2)) if match else None

    def _header_row(self, draft: _Draft, number: int, cells: list[str]) -> None:
        # Split "项目名称：XXX" cells that extraction merged into label and value.
        split: list[str] = []
        for cell in cells:
            folded = fold(cell)
            label, sep, rest = folded.partition(":")
            if sep and rest.strip() and _key(label) in _SIMPLE_LABELS:
                split.extend([cell[: len(label)], cell[len(label) + 1 :].strip()])
            else:
                split.append(cell)
        index = 0
        while index < len(split):
            key = _key(split[index])
            following = split[index + 1] if index + 1 < len(split) else ""
            value = "" if (not following or _is_label(following)) else following
            if key in _SIMPLE_LABELS:
                draft.fields.setdefault(_SIMPLE_LABELS[key], value)
                index += 2 if value else 1
            elif key in _FUNDING_LABELS:
                self._amount(draft, _FUNDING_LABELS[key], value, number)
                index += 2 if value else 1
            else:
                index += 1

    @staticmethod
    def _amount(draft: _Draft, kind: str, value: str, number: int) -> None:
        # 财政拨款 and 其他资金 appear twice per row group: the 实施期 column, then the 年度.
        if kind == _PERIOD_TOTAL:
            slot = ("period", "total")
        elif kind == _ANNUAL_TOTAL:
            slot = ("annual", "total")
        elif kind == _FISCAL:
            slot = ("period" if draft.fiscal_seen == 0 else "annual", "fiscal")
            draft.fiscal_seen += 1
        else:
            slot = ("period" if draft.other_seen == 0 else "annual", "other")
            draft.other_seen += 1
        draft.amounts[slot] = (value, number)

    @staticmethod
    def _goal_header(draft: _Draft, raw_cells: list[str]) -> None:
        for column, cell in enumerate(raw_cells):
            key = _key(cell)
            if key == "实施期目标":
                draft.goal_columns["period"] = column
            elif key == "年度目标":
                draft.goal_columns["annual"] = column

    @staticmethod
    def _goal_row(draft: _Draft, raw_cells: list[str]) -> None:
        texts = [(column, cell) for column, cell in enumerate(raw_cells) if cell]
        if len(texts) >= 2:
            draft.goals["period"].append(texts[0][1])
            draft.goals["annual"].append(" ".join(cell for _, cell in texts[1:]))
            return
        column, text = texts[0]
        # One text only: it belongs to the goal whose header column is nearest.
        period_col = draft.goal_columns.get("period", 0)
        annual_col = draft.goal_columns.get("annual", period_col + 2)
        nearest = "period" if abs(column - period_col) <= abs(column - annual_col) else "annual"
        draft.goals[nearest].append(text)

    @staticmethod
    def _indicator_header(draft: _Draft, raw_cells: list[str]) -> None:
        for column, cell in enumerate(raw_cells):
            key = _key(cell)
            if key == "三级指标":
                draft.name_column = column
            elif key.endswith("指标值"):
                draft.value_column = column

    def _indicator_row(self, draft: _Draft, raw_cells: list[str], cells: list[str]) -> None:
        rest = list(cells)
        head = taxonomy.canonical_level_name(_key(rest[0]))
        cost_level2s = taxonomy.level2_names(taxonomy.GUIDELINE_2021, taxonomy.COST)
        is_level1 = head in taxonomy.all_level1()
        if head == taxonomy.COST:
            # 成本指标 is a 一级 in the 2021 layout, a 二级 under 产出指标 in the older one.
            next_key = taxonomy.canonical_level_name(_key(rest[1])) if len(rest) > 1 else ""
            is_level1 = next_key in cost_level2s or self.level1 != taxonomy.OUTPUT
        if is_level1:
            self.level1, self.level2 = head, ""
            rest.pop(0)
            head = taxonomy.canonical_level_name(_key(rest[0])) if rest else ""
        if rest and head in taxonomy.all_level2() and head not in taxonomy.all_level1() | {""} or (
            rest and head == taxonomy.COST and self.level1 == taxonomy.OUTPUT
        ):
            self.level2 = head
            rest.pop(0)
        if not rest:
            return  # a row that only names a 一级/二级; its 三级 rows follow
        if len(rest) == 1:
            name, value = self._lone_cell(draft, raw_cells, rest[0])
        else:
            name, value = " ".join(rest[:-1]), rest[-1]
        draft.indicators.append(Indicator(self.level1, self.level2, name, value))

    @staticmethod
    def _lone_cell(draft: _Draft, raw_cells: list[str], text: str) -> tuple[str, str]:
        # Which column did the one remaining cell come from: the 三级指标 or the value?
        column = raw_cells.index(text)
        if draft.value_column is not None and draft.name_column is not None:
            if abs(column - draft.value_column) < abs(column - draft.name_column):
                return "", text
        return text, ""

    def forms(self) -> list[Form]:
        if not self.drafts:
            raise FormatError(self.source, None, _("没有找到绩效目标表（缺少“项目名称”等栏目）"))
        forms = []
        for draft in self.drafts:
            if not draft.fields and not draft.indicators:
                continue  # a title with nothing after it (a repeated page heading)
            forms.append(draft.build(self.source))
        if not forms:
            raise FormatError(self.source, None, _("没有找到绩效目标表（缺少“项目名称”等栏目）"))
        return forms


def parse_text(text: str, source: str = "<text>", year: int | None = None) -> list[Form]:
    """The forms in ``text``; raises :class:`FormatError` if the text is not forms.

    Read by the one recognizer every source goes through (text, .docx, .xlsx,
    .pdf): :mod:`perftui.importing.recognize`.
    """
    from perftui.importing.grid import from_text
    from perftui.importing.recognize import recognize

    forms = [found.form for found in recognize(from_text(text, source), year)]
    if not forms:
        raise FormatError(source, None, _("没有找到绩效目标表（缺少“项目名称”等栏目）"))
    return forms


UTF8, GB18030 = "utf-8", "gb18030"


def decode_detected(data: bytes, source: str) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without BOM), else GB18030."""
    if b"\x00" in data[:8192]:
        raise FormatError(source, None, _("这是二进制文件，不是文本格式的绩效目标表"))
    try:
        return data.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        return data.decode("gb18030"), GB18030
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise FormatError(source, line, _("文件既不是UTF-8也不是GB18030编码")) from None


def decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 as Chinese Windows saves it."""
    return decode_detected(data, source)[0]


@dataclass(frozen=True)
class SourceFile:
    """The forms read from one file, and the encoding it turned out to be in."""

    path: str
    forms: list[Form]
    encoding: str


def _too_big(source: str, size: int) -> FormatError:
    return FormatError(
        source,
        None,
        _("文件过大（{size} MB，上限 {limit} MB）").format(
            size=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024)
        ),
    )


def _read_bounded(path: Path, source: str) -> bytes:
    """At most MAX_FILE_BYTES of the file, or a refusal.

    Read through a limit rather than trusting the size stat reports: a pipe,
    a device (/dev/zero) or a file still growing reports a size that says
    nothing about how much a plain read() would pull into memory.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_big(source, size)
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise FormatError(source, None, _("无法读取文件：{reason}").format(reason=error.strerror or error)) from None
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(
            source, None, _("文件过大（超过上限 {limit} MB）").format(limit=MAX_FILE_BYTES // (1024 * 1024))
        )
    return data


def read_text(path: str | Path) -> tuple[str, str]:
    """A file's text and its encoding; refuses empty, binary, undecodable and oversized files.

    Every import path (text forms, our JSON and CSV exports) reads through here.
    """
    path = Path(path)
    source = str(path)
    data = _read_bounded(path, source)
    if not data.strip():
        raise FormatError(source, None, _("文件是空的"))
    return decode_detected(data, source)


def load(path: str | Path) -> SourceFile:
    """The forms in one file, with its encoding. Refuses binary, undecodable and oversized files."""
    text, encoding = read_text(path)
    return SourceFile(str(path), parse_text(text, str(path)), encoding)


def read_file(path: str | Path) -> list[Form]:
    """The forms in one file. Refuses binary, undecodable and oversized files."""
    return load(path).forms

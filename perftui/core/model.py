"""The 本级预算项目绩效目标表 as plain immutable records.

Records hold data only; checks live in :mod:`perftui.core.findings`, sums in
:mod:`perftui.core.totals`. Amounts are :class:`~decimal.Decimal` in 万元 and are
stored as the strings the operator entered (see :mod:`perftui.core.money`).

A form's identity is its own ``id`` (never TinyDB's doc_id). ``revision`` is the
stored revision the record was read at (0: never saved); the store refuses a save
whose revision is stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import chain
from typing import Any, Iterable, NamedTuple

from perftui.core import money
from perftui.core.normalize import clean_text, needs_cleaning
from perftui.i18n import N_, gettext as _
from perftui.core.period import Period, parse_period
from perftui.core.target import Target, parse_target
from perftui.core.taxonomy import LAYOUTS, LEGACY


@dataclass(frozen=True, slots=True)
class Funding:
    """资金投入 for the 实施期 or the 年度: 金额, of which 财政拨款 and 其他资金."""

    total: Decimal | None = None
    fiscal: Decimal | None = None
    other: Decimal | None = None

    @property
    def implied_total(self) -> Decimal | None:
        """财政拨款 + 其他资金 (a blank 其他资金 counts as zero)."""
        if self.fiscal is None and self.other is None:
            return None
        return money.total((self.fiscal, self.other))

    def to_doc(self) -> dict[str, str]:
        return {
            "total": money.canonical(self.total),
            "fiscal": money.canonical(self.fiscal),
            "other": money.canonical(self.other),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, str] | None) -> Funding:
        """Raises ValueError/TypeError/ArithmeticError for a document that is not funding."""
        doc = doc or {}
        if type(doc) is not dict:  # a damaged file, said as such (not an AttributeError below)
            raise TypeError("funding is an object")
        return cls(
            money.from_stored(doc.get("total")),
            money.from_stored(doc.get("fiscal")),
            money.from_stored(doc.get("other")),
        )


#: What an indicator row may carry besides its four cells, as the import finds it in
#: other templates (kept for the 自评 to come, shown and exported). Any other column a
#: form has is kept under its own header text.
ROW_EXTRA_LABELS = {
    "period_value": N_("中期指标值"),
    "period_name": N_("中期三级指标"),
    "last_value": N_("上年实际值"),
    "weight": N_("权重/分值"),
    "standard": N_("指标解释"),
    "direction": N_("指标方向性"),
    "note": N_("备注"),
}


class Indicator(NamedTuple):
    """One row of the indicator table: 一级 / 二级 / 三级 / 指标值 (as written).

    A named tuple rather than a frozen dataclass: a database of ten thousand
    forms holds a hundred thousand rows, and a tuple is built three times
    faster. Change a row with ``row._replace(value=...)``.

    ``extra`` holds the other columns an imported form had for this row, as
    (key, text) pairs: a key of :data:`ROW_EXTRA_LABELS` (权重, 中期指标值…) or
    the column's own header. Stored as a fifth element (an object) only when
    there is any, so documents without extras keep their four-cell rows.
    """

    level1: str = ""
    level2: str = ""
    name: str = ""
    value: str = ""
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def target(self) -> Target:
        return parse_target(self.value)

    def extra_value(self, key: str) -> str:
        for name, text in self.extra:
            if name == key:
                return text
        return ""

    def to_doc(self) -> list[Any]:
        cells: list[Any] = [self.level1, self.level2, self.name, self.value]
        if self.extra:
            cells.append(dict(self.extra))
        return cells

    @classmethod
    def from_doc(cls, row: list[Any]) -> Indicator:
        if len(row) == 5:
            return cls(row[0], row[1], row[2], row[3], tuple(row[4].items()))
        return cls._make((*row, ()))


_new_row = tuple.__new__  # Indicator(*cells) without the named tuple's own __new__ (its defaults, its checks)


def extra_label(key: str) -> str:
    """The label of a row's or form's extra field (translated), or the key as written."""
    from perftui.i18n import gettext as _

    label = ROW_EXTRA_LABELS.get(key)
    return _(label) if label else key


def new_id() -> str:
    """A form id: 12 hex digits, short enough to type, unique in practice (48 bits)."""
    import secrets  # here: a lookup, which creates no form, does not pay for hashlib and random

    return secrets.token_hex(6)


@dataclass(frozen=True, slots=True)
class Form:
    """One 本级预算项目绩效目标表."""

    id: str = field(default_factory=new_id)
    revision: int = 0
    year: int | None = None  # 年度: the fiscal year the form is filed for
    name: str = ""  # 项目名称
    period_text: str = ""  # 项目实施期, as written
    department: str = ""  # 主管部门
    unit: str = ""  # 实施单位
    period_funding: Funding = Funding()  # 实施期资金
    annual_funding: Funding = Funding()  # 年度资金
    period_goal: str = ""  # 实施期目标
    annual_goal: str = ""  # 年度目标
    indicators: tuple[Indicator, ...] = ()
    layout: str = LEGACY
    updated_at: str = ""  # ISO time of the last save, set by the repository
    updated_by: str = ""
    #: Header fields of the unit's template that have no place above (项目属性, 项目负责人…),
    #: as (label as written, value): kept, shown and exported, never dropped.
    extra_fields: tuple[tuple[str, str], ...] = ()
    #: Words written after an amount ("854万(其中…)"): field key (funding.annual.total) -> words.
    amount_notes: tuple[tuple[str, str], ...] = ()

    @property
    def period(self) -> Period:
        return _period(self.period_text)

    @property
    def identity(self) -> tuple[int | None, str, str]:
        """What makes two forms "the same form" on import: 年度, 项目名称, 实施单位."""
        return (self.year, " ".join(self.name.split()), " ".join(self.unit.split()))

    def evolve(self, **changes: Any) -> Form:
        return replace(self, **changes)

    def to_doc(self) -> dict[str, Any]:
        """The stored document: JSON types only, amounts as canonical strings."""
        return {
            "id": self.id,
            "revision": self.revision,
            "year": self.year,
            "name": self.name,
            "period": self.period_text,
            "department": self.department,
            "unit": self.unit,
            "funding": {
                "period": self.period_funding.to_doc(),
                "annual": self.annual_funding.to_doc(),
            },
            "goals": {"period": self.period_goal, "annual": self.annual_goal},
            "layout": self.layout,
            "indicators": [row.to_doc() for row in self.indicators],
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
        } | self._optional_doc()

    def _optional_doc(self) -> dict[str, Any]:
        # Only when present: a form without them is stored (and exported) as before.
        extra: dict[str, Any] = {}
        if self.extra_fields:
            extra["extra_fields"] = [list(pair) for pair in self.extra_fields]
        if self.amount_notes:
            extra["amount_notes"] = dict(self.amount_notes)
        return extra

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Form:
        """The form a stored document holds.

        Strict but cheap (it runs for every form on every read): a document
        that is not a form raises KeyError, TypeError, ValueError or
        ArithmeticError, which the repository reports as a damaged file.
        """
        texts, suspect = check_doc_shape(doc)
        rows = doc["indicators"]
        try:  # nearly every row is its four cells: built as tuples directly, twice as fast as _make
            indicators = tuple([_new_row(Indicator, (a, b, c, d, ())) for a, b, c, d in rows])
        except ValueError:  # a row with its extra columns (five elements)
            indicators = tuple(Indicator._make((*row, ())) if len(row) == 4 else Indicator.from_doc(row) for row in rows)
        funding = doc["funding"]
        year, revision = doc["year"], doc.get("revision") or 0
        layout = doc.get("layout") or LEGACY
        form = cls(
            id=doc["id"],
            revision=revision,
            year=year,
            name=texts[0],
            period_text=texts[1],
            department=texts[2],
            unit=texts[3],
            period_funding=Funding.from_doc(funding["period"]),
            annual_funding=Funding.from_doc(funding["annual"]),
            period_goal=texts[4],
            annual_goal=texts[5],
            indicators=indicators,
            layout=layout if layout in LAYOUTS else LEGACY,
            updated_at=texts[6],
            updated_by=texts[7],
            extra_fields=tuple((label, value) for label, value in doc.get("extra_fields") or ()),
            amount_notes=tuple((doc.get("amount_notes") or {}).items()),
        )
        # Text is cleaned at the door (clean_form); a file edited by hand may
        # still hold what a terminal would obey, so reading is a door too.
        return clean_form(form) if suspect else form


#: The longest text each field may hold, in characters: several times the
#: longest in real forms, far below what would make a list or an export
#: choke. Longer text is refused where it comes in (import, typing) and is
#: damage where it is found stored.
TEXT_LIMITS = {
    "name": 200,
    "period": 100,
    "department": 200,
    "unit": 200,
    "goals.period": 5000,
    "goals.annual": 5000,
}
#: 一级, 二级, 三级指标, 指标值.
CELL_LIMITS = (100, 100, 500, 500)
MAX_INDICATORS = 500
#: A label or value a unit's template had beyond the official table (项目属性, 权重, 备注…).
EXTRA_LIMIT = 5000
_STAMP_LIMIT = 200  # updated_at, updated_by: written by perftui, never long
_LIST, _FOUR = {list}, {4}


def check_doc_shape(doc: dict[str, Any], *, scan: bool = True) -> tuple[tuple[str, ...], bool]:
    """Check a stored form's fields have the types and sizes a form needs; cheap, for every read.

    Returns the text fields (name, period, department, unit, the two goals,
    updated_at, updated_by) and, with ``scan``, whether any text may need
    cleaning. Raises KeyError, TypeError or ValueError for a document that is
    not a form (the amounts are checked where they are read, by
    :meth:`Funding.from_doc`).
    """
    goals, rows = doc["goals"], doc["indicators"]
    extras: list[str] = []
    # (Sets of the rows' types and lengths: two passes in C instead of a generator per form.)
    if type(rows) is not list or {*map(type, rows)} - _LIST or {*map(len, rows)} - _FOUR:
        if type(rows) is not list or not all(type(row) is list and _row_with_extra(row) for row in rows):
            raise ValueError("indicator rows are lists of four cells (and their extra columns)")
        extras = [text for row in rows if len(row) == 5 for pair in row[4].items() for text in pair]
        rows = [row[:4] for row in rows]
    if len(rows) > MAX_INDICATORS:
        raise ValueError(f"{len(rows):,} indicator rows (at most {MAX_INDICATORS})")
    cells = "".join(chain.from_iterable(rows))  # TypeError unless every cell is text
    extra_fields, notes = doc.get("extra_fields") or [], doc.get("amount_notes") or {}
    if type(extra_fields) is not list or not all(
        type(pair) is list and len(pair) == 2 and type(pair[0]) is str and type(pair[1]) is str for pair in extra_fields
    ):
        raise ValueError("extra fields are [label, value] pairs of text")
    if type(notes) is not dict or not all(type(k) is str and type(v) is str for k, v in notes.items()):
        raise ValueError("amount notes map a field to text")
    if extra_fields or notes:  # rare: what an imported template had beyond the official table
        extras += [text for pair in extra_fields for text in pair] + [text for item in notes.items() for text in item]
    texts = (
        doc["name"], doc["period"], doc["department"], doc["unit"],
        goals["period"], goals["annual"], doc.get("updated_at", ""), doc.get("updated_by", ""),
    )
    joined = "".join(texts)  # TypeError unless every field is text
    year, revision = doc["year"], doc.get("revision") or 0
    if (year is not None and type(year) is not int) or type(revision) is not int:
        raise TypeError("year and revision are whole numbers")
    # One scan of what the type checks joined anyway; a line break counts as
    # harmless here (goals hold them; elsewhere one only breaks a table's line).
    suspect = scan and (
        needs_cleaning(joined + cells, multiline=True)
        or bool(extras and needs_cleaning("".join(extras), multiline=True))
    )
    if len(joined) + len(cells) > _READ_GUARD:
        _check_lengths(texts, rows, suspect)  # rarely: only a form larger than a big real one
    if extras and max(map(len, extras)) > EXTRA_LIMIT:
        raise ValueError(f"an extra field is {max(map(len, extras)):,} characters long (at most {EXTRA_LIMIT:,})")
    return texts, suspect


# Reading checks each field's length only when a form's text is this long in
# all (the single-line limits together, and more than any real form): measuring
# each field of ten thousand forms on every read costs more than a field a
# little over its limit could. Exact limits are enforced where text comes in
# (length_problem); reading is for damage like a 19.5 MB name.
_READ_GUARD = sum(TEXT_LIMITS.values()) + _STAMP_LIMIT * 2


def _check_lengths(texts: tuple[str, ...], rows: list[list[str]], suspect: bool) -> None:
    # Measured as the text will be kept: an escape sequence is cleaned away, not counted.
    measure = (lambda text: len(clean_text(text, multiline=True))) if suspect else len
    keys = ("name", "period", "department", "unit", "goals.period", "goals.annual", "updated_at", "updated_by")
    for key, text in zip(keys, texts):
        limit = TEXT_LIMITS.get(key, _STAMP_LIMIT)
        if len(text) > limit and measure(text) > limit:
            raise ValueError(f"{key} is {len(text):,} characters long (at most {limit:,})")
    for number, row in enumerate(rows, start=1):
        for cell, limit in zip(row, CELL_LIMITS):
            if len(cell) > limit and measure(cell) > limit:
                raise ValueError(f"indicator row {number} has a cell {len(cell):,} characters long (at most {limit:,})")


def clean_form(form: Form) -> Form:
    """``form`` with every text field through :func:`~perftui.core.normalize.clean_text`.

    The one door for text into a form, whatever its source: importers call it
    on what they read, the editor's draft on what was typed or pasted, the
    repository on everything it stores, and :meth:`Form.from_doc` on what it
    finds stored. Goals keep their line breaks; the other fields are one line
    (a line break becomes a space, and spaces at the ends of a cleaned field
    go). Returns ``form`` itself when nothing needed cleaning.
    """
    lines = "".join((form.name, form.period_text, form.department, form.unit, form.updated_at, form.updated_by))
    extras = [text for row in form.indicators for pair in row.extra for text in pair]
    extras += [text for pairs in (form.extra_fields, form.amount_notes) for pair in pairs for text in pair]
    if not (
        needs_cleaning(lines)
        or needs_cleaning("".join(cell for row in form.indicators for cell in row[:4]))
        or needs_cleaning(form.period_goal + form.annual_goal, multiline=True)
        or bool(extras and needs_cleaning("".join(extras), multiline=True))
    ):
        return form  # one scan: nearly every form, on every save and import
    single = ("name", "period_text", "department", "unit", "updated_at", "updated_by")
    changes: dict[str, Any] = {}
    for attribute in single:
        value = getattr(form, attribute)
        cleaned = clean_text(value).strip()
        if cleaned != value:
            changes[attribute] = cleaned
    for attribute in ("period_goal", "annual_goal"):
        value = getattr(form, attribute)
        cleaned = clean_text(value, multiline=True)
        if cleaned != value:
            changes[attribute] = cleaned
    rows = tuple(
        Indicator(*(clean_text(cell).strip() for cell in row[:4]), _clean_pairs(row.extra)) for row in form.indicators
    )
    if rows != form.indicators:
        changes["indicators"] = rows
    for attribute in ("extra_fields", "amount_notes"):
        pairs = _clean_pairs(getattr(form, attribute))
        if pairs != getattr(form, attribute):
            changes[attribute] = pairs
    return form.evolve(**changes) if changes else form


def _clean_pairs(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    # Labels are one line; a value keeps its lines (a template's 备注 may have several).
    return tuple((clean_text(label).strip(), clean_text(value, multiline=True)) for label, value in pairs)


def length_problem(form: Form) -> str | None:
    """One line naming the first field longer than it may be, or None (for importers and the editor)."""
    return doc_length_problem(form.to_doc())


def doc_length_problem(doc: dict[str, Any]) -> str | None:
    """:func:`length_problem` of a form document whose fields have their types."""
    goals = doc.get("goals") or {}
    texts = {
        "name": doc.get("name", ""), "period": doc.get("period", ""),
        "department": doc.get("department", ""), "unit": doc.get("unit", ""),
        "goals.period": goals.get("period", ""), "goals.annual": goals.get("annual", ""),
    }
    for key, text in texts.items():
        message = field_length_problem(key, text)
        if message:
            return message
    rows = doc.get("indicators") or []
    extras = [text for row in rows if len(row) == 5 for pair in row[4].items() for text in pair]
    extras += [text for pair in doc.get("extra_fields") or () for text in pair]
    extras += [text for item in (doc.get("amount_notes") or {}).items() for text in item]
    longest = max(extras, key=len, default="")
    if len(longest) > EXTRA_LIMIT:
        return _("“{text}…”太长（{length} 字，最多 {limit} 字）").format(
            text=longest[:10], length=len(longest), limit=EXTRA_LIMIT
        )
    if len(rows) > MAX_INDICATORS:
        return _("绩效指标最多 {limit} 条（现有 {count} 条）").format(limit=MAX_INDICATORS, count=len(rows))
    for number, row in enumerate(rows, start=1):
        for cell, limit in zip(row, CELL_LIMITS):
            if len(cell) > limit:
                return _("第{row}行指标有一格太长（{length} 字，最多 {limit} 字）").format(
                    row=number, length=len(cell), limit=limit
                )
    return None


def field_length_problem(key: str, text: str) -> str | None:
    """The refusal for one field's text when it is longer than :data:`TEXT_LIMITS` allows."""
    limit = TEXT_LIMITS.get(key)
    if limit is None or len(text) <= limit:
        return None
    return _("{field}太长（{length} 字，最多 {limit} 字）").format(
        field=_(FIELD_LABELS[key]), length=len(text), limit=limit
    )


def _row_with_extra(row: list[Any]) -> bool:
    """A stored row with a fifth element: its extra columns, text by key."""
    if len(row) == 4:
        return True
    return (
        len(row) == 5
        and type(row[4]) is dict
        and all(type(key) is str and type(text) is str for key, text in row[4].items())
    )


#: The label of each stored field, as the paper form names it (translated at display).
FIELD_LABELS = {
    "year": N_("年度"),
    "name": N_("项目名称"),
    "period": N_("项目实施期"),
    "department": N_("主管部门"),
    "unit": N_("实施单位"),
    "layout": N_("指标体系"),
    "funding.period.total": N_("实施期金额"),
    "funding.period.fiscal": N_("实施期财政拨款"),
    "funding.period.other": N_("实施期其他资金"),
    "funding.annual.total": N_("年度金额"),
    "funding.annual.fiscal": N_("年度财政拨款"),
    "funding.annual.other": N_("年度其他资金"),
    "goals.period": N_("实施期目标"),
    "goals.annual": N_("年度目标"),
    "indicators": N_("绩效指标"),
    "extra_fields": N_("其他栏目"),
    "amount_notes": N_("金额说明"),
}


def _period(text: str, _cache: dict[str, Period] = {}) -> Period:
    # Parsed periods are shared: thousands of forms spell it the same few ways.
    period = _cache.get(text)
    if period is None:
        if len(_cache) > 4096:
            _cache.clear()
        period = _cache[text] = parse_period(text)
    return period


def sort_key(form: Form) -> int:
    """The order lists show forms in: newest year first, then as entered.

    Sorting Chinese names by code point orders them by nothing a person would
    recognise; the order forms were entered in is the order they were filed in.
    Used with a stable sort over the store's (insertion-ordered) documents.
    """
    return -(form.year or 0)


def lookup(forms: Iterable[Form], query: str) -> list[Form]:
    """The forms a person means by ``query``: the id or the whole name, else the start of
    an id (4 characters or more), else a part of the name."""
    query = query.strip()
    pool = list(forms)
    exact = [f for f in pool if f.id == query or f.name == query]
    if exact:
        return exact
    by_id = [f for f in pool if len(query) >= 4 and f.id.startswith(query.lower())]
    if by_id:
        return by_id
    needle = query.casefold()
    return [f for f in pool if needle in f.name.casefold()]


def search_text(form: Form) -> str:
    """Everything a filter looks in, casefolded, one field per line (a needle never spans two).

    Lists keep it beside each form, so a keystroke in a filter over ten
    thousand forms is ten thousand substring tests, not a million.
    """
    parts = [form.id, form.name, form.department, form.unit]
    parts.extend(text for row in form.indicators for text in (row.name, row.value))
    return "\n".join(parts).casefold()


def matches(form: Form, needle: str, haystack: str | None = None) -> bool:
    """Does free text occur in the form's id, name, units or indicator text?"""
    needle = needle.strip().casefold()
    if not needle:
        return True
    return needle in (search_text(form) if haystack is None else haystack)


def fields_changed(old: Form, new: Form) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for every stored field that differs; indicators row by row."""
    changes: list[tuple[str, Any, Any]] = []
    before, after = old.to_doc(), new.to_doc()
    for key in ("year", "name", "period", "department", "unit", "layout"):
        if before[key] != after[key]:
            changes.append((key, before[key], after[key]))
    for scope in ("period", "annual"):
        for part in ("total", "fiscal", "other"):
            a, b = before["funding"][scope][part], after["funding"][scope][part]
            if a != b:
                changes.append((f"funding.{scope}.{part}", a, b))
        if before["goals"][scope] != after["goals"][scope]:
            changes.append((f"goals.{scope}", before["goals"][scope], after["goals"][scope]))
    for key in ("extra_fields", "amount_notes"):
        if before.get(key) != after.get(key):
            changes.append((key, before.get(key), after.get(key)))
    rows_a, rows_b = before["indicators"], after["indicators"]
    for index in range(max(len(rows_a), len(rows_b))):
        a = rows_a[index] if index < len(rows_a) else None
        b = rows_b[index] if index < len(rows_b) else None
        if a != b:
            changes.append((f"indicators[{index + 1}]", a, b))
    return changes


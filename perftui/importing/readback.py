"""``perftui import`` of our own exports: JSON (lossless) and CSV (the official grid).

A JSON forms export carries each form's id, revision and last-change stamp;
those are the database's own, so its forms are imported with ``keep_ids``
(see :meth:`perftui.services.repository.Repository.import_forms`). A CSV carries the
content only and is imported like a text file: by 年度, 项目名称 and 实施单位.

Everything read is validated as a text file is: a bad amount, a wrong type or
a duplicate id makes the whole file refused with a :class:`FormatError` that
names the file and the line (CSV) or the field (JSON).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perftui.importing import text as importer

from perftui.core import money, taxonomy
from perftui.export import contents, csvfile, jsonfile
from perftui.export.sheet import LABELS
from perftui.i18n import N_, gettext as _, load_translations
from perftui.importing.text import FormatError
from perftui.core.model import Form, Funding, Indicator, doc_length_problem
from perftui.core.normalize import clean_text, fold

JSON, CSV, TEXT = "json", "csv", "text"
_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


@dataclass
class Imported:
    """The forms of one file; ``keep_ids`` when their ids and revisions are a database's own.

    ``recognized`` holds, for a unit's form (text, .docx, .xlsx, .pdf), what a
    preview shows besides each form: labels not recognized, how things were read.
    """

    forms: list[Form]
    keep_ids: bool = False
    encoding: str = importer.UTF8
    recognized: tuple = ()
    kind: str = TEXT


def read_file(path: str | Path, year: int | None = None) -> Imported:
    """The forms in a file: a unit's form (text, .docx, .xlsx, .pdf) or our own JSON or CSV export.

    Told apart by extension, else by content. ``year`` is the 年度 of forms whose
    document names none (``--year``).
    """
    from perftui.importing import grid, sources
    from perftui.importing.recognize import recognize

    path = Path(path)
    source = str(path)
    kind = sources.kind_of(path)
    if kind != grid.TEXT:
        found = sources.read_forms(path, year)
        return Imported(found.forms, recognized=found.recognized, kind=kind)
    text, encoding = importer.read_text(path)
    kind = detect(path.name, text)
    if kind == JSON:
        return Imported(parse_json(text, source), keep_ids=True, encoding=encoding, kind=JSON)
    if kind == CSV:
        return Imported(parse_csv(text, source), encoding=encoding, kind=CSV)
    recognized = tuple(recognize(grid.from_text(text, source), year))
    if not recognized:
        raise FormatError(source, None, _("没有找到绩效目标表（缺少“项目名称”等栏目）"))
    return Imported([item.form for item in recognized], encoding=encoding, recognized=recognized)


def detect(name: str, text: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return JSON
    if suffix == ".csv":
        return CSV
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("{"):
        return JSON
    first = body.split("\n", 1)[0]
    if "\t" in first or "," not in first:
        return TEXT
    # Our CSV starts with the title row (or a table export with its header row).
    cells = next(csv.reader([first]), [""])
    return CSV if _spelling(cells[0]) in ("title", "name", "level1") else TEXT


# -- JSON -----------------------------------------------------------------------------


def parse_json(text: str, source: str) -> list[Form]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(source, error.lineno, _("不是有效的 JSON：{reason}").format(reason=error.msg)) from None
    except RecursionError:
        raise FormatError(source, None, _("不是 perftui 导出的 JSON 文件：嵌套过深")) from None
    except ValueError:  # an integer of thousands of digits (Python refuses to convert it)
        raise FormatError(source, None, _("不是 perftui 导出的 JSON 文件：数字过长")) from None
    if not isinstance(document, dict) or document.get("format") != jsonfile.FORMAT:
        raise FormatError(source, None, _("不是 perftui 导出的 JSON 文件"))
    version = document.get("version")
    if not isinstance(version, int) or version > jsonfile.VERSION:
        raise FormatError(source, None, _("这个 JSON 文件由更新版本的 perftui 导出（版本 {version}），请升级 perftui").format(version=version))
    if document.get("kind") != jsonfile.FORMS:
        raise FormatError(source, None, _not_forms_message())
    docs = document.get("forms")
    if not isinstance(docs, list):
        raise FormatError(source, None, _("JSON 文件中缺少 forms 列表"))
    forms, seen = [], set()
    for index, doc in enumerate(docs):
        form = _form_from_json(doc, f"forms[{index}]", source)
        if form.id in seen:
            raise FormatError(source, None, _("{where}：编号 {id} 重复").format(where=f"forms[{index}]", id=form.id))
        seen.add(form.id)
        forms.append(form)
    return forms


def _not_forms_message() -> str:
    return _("这是汇总或指标的导出，不含完整的表，不能导入；请导入 perftui export form --all 的 json 或 csv 导出")


def _form_from_json(doc: Any, where: str, source: str) -> Form:
    def fail(field: str, problem: str) -> FormatError:
        return FormatError(source, None, f"{where}.{field}：{problem}")

    if not isinstance(doc, dict):
        raise FormatError(source, None, _("{where}：应为对象").format(where=where))
    ident = doc.get("id")
    if not isinstance(ident, str) or not _ID.fullmatch(ident):
        raise fail("id", _("编号无效：{value}").format(value=ident))
    revision = doc.get("revision", 0)
    if type(revision) is not int or revision < 0:
        raise fail("revision", _("修订号应为非负整数：{value}").format(value=revision))
    year = doc.get("year")
    if year is not None and (type(year) is not int or not 1900 <= year <= 2200):
        raise fail("year", _("年度无效：{value}").format(value=year))
    for field in ("name", "period", "department", "unit", "layout", "updated_at", "updated_by"):
        if not isinstance(doc.get(field, ""), str):
            raise fail(field, _("应为文本"))
    if doc.get("layout", taxonomy.LEGACY) not in taxonomy.LAYOUTS:
        raise fail("layout", _("未知的指标体系：{value}").format(value=doc.get("layout")))
    funding = doc.get("funding") or {}
    goals = doc.get("goals") or {}
    if not isinstance(funding, dict) or not isinstance(goals, dict):
        raise fail("funding", _("应为对象"))
    clean_funding = {}
    for scope in ("period", "annual"):
        parts = funding.get(scope) or {}
        if not isinstance(parts, dict):
            raise fail(f"funding.{scope}", _("应为对象"))
        clean_funding[scope] = {}
        for part in ("total", "fiscal", "other"):
            value = parts.get(part, "")
            if not isinstance(value, str):
                raise fail(f"funding.{scope}.{part}", _("金额应写成文本，如 \"80.00\""))
            try:
                clean_funding[scope][part] = money.canonical(money.parse_amount(value))
            except money.AmountError as error:
                raise fail(f"funding.{scope}.{part}", str(error)) from None
        if not isinstance(goals.get(scope, ""), str):
            raise fail(f"goals.{scope}", _("应为文本"))
    rows = doc.get("indicators") or []
    if not isinstance(rows, list):
        raise fail("indicators", _("应为列表"))
    for number, row in enumerate(rows):
        if not (isinstance(row, list) and len(row) in (4, 5) and all(isinstance(cell, str) for cell in row[:4])):
            raise fail(f"indicators[{number}]", _("每条指标应为四段文本：一级、二级、三级、指标值"))
        if len(row) == 5 and not (
            isinstance(row[4], dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in row[4].items())
        ):
            raise fail(f"indicators[{number}]", _("指标的其他栏目应为“栏目: 文本”"))
    extra_fields = doc.get("extra_fields") or []
    if not isinstance(extra_fields, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(text, str) for text in pair) for pair in extra_fields
    ):
        raise fail("extra_fields", _("其他栏目应为 [栏目, 内容] 文本对的列表"))
    notes = doc.get("amount_notes") or {}
    if not isinstance(notes, dict) or not all(
        isinstance(key, str) and key.startswith("funding.") and isinstance(text, str) for key, text in notes.items()
    ):
        raise fail("amount_notes", _("金额说明应为“金额栏目: 文本”"))
    # The door first (clean_text), then the lengths: an escape sequence is not text that counts.
    single = ("name", "period", "department", "unit", "updated_at", "updated_by")
    texts = {key: clean_text(doc.get(key, "")).strip() for key in single}
    goals = {scope: clean_text(goals.get(scope, ""), multiline=True) for scope in ("period", "annual")}
    rows = [[*(clean_text(cell).strip() for cell in row[:4]), *row[4:]] for row in rows]
    doc = {**doc, **texts, "funding": clean_funding, "goals": goals, "indicators": rows, "revision": revision}
    problem = doc_length_problem(doc)  # before from_doc, which would call it damage
    if problem is not None:
        raise FormatError(source, None, f"{where}：{problem}")
    return importer.admitted(Form.from_doc(doc), source)


# -- CSV ----------------------------------------------------------------------------------


def _spellings() -> dict[str, str]:
    """Every spelling of a layout label (Chinese, English, the current locale) -> its key."""
    try:
        english = load_translations("en")
    except OSError:  # no English catalog installed: Chinese labels still work
        english = None
    found: dict[str, str] = {}
    for key, label in {**LABELS, "title": contents.TITLE, "year": N_("年度")}.items():
        for spelling in (label, _(label), english.gettext(label) if english else label):
            found[_normal(spelling)] = key
    return found


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", fold(text)).rstrip(":").casefold()


_SPELLINGS: dict[str, str] | None = None


def _spelling(cell: str) -> str | None:
    global _SPELLINGS
    if _SPELLINGS is None:
        _SPELLINGS = _spellings()
    return _SPELLINGS.get(_normal(cell)) if cell.strip() else None


_FUNDING_ROWS = {"period_total": "total", "annual_total": "total", "fiscal": "fiscal", "other": "other"}
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


class _CsvDraft:
    def __init__(self, line: int) -> None:
        self.line = line
        self.year: int | None = None
        self.fields: dict[str, str] = {}
        self.amounts: dict[tuple[str, str], Any] = {}
        self.goals = ("", "")
        self.indicators: list[Indicator] = []
        self.section = "header"

    def build(self, source: str) -> Form:
        def funding(scope: str) -> Funding:
            return Funding(*(self.amounts.get((scope, part)) for part in ("total", "fiscal", "other")))

        form = Form(
            year=self.year,
            name=self.fields.get("name", ""),
            period_text=self.fields.get("period", ""),
            department=self.fields.get("department", ""),
            unit=self.fields.get("unit", ""),
            period_funding=funding("period"),
            annual_funding=funding("annual"),
            period_goal=self.goals[0],
            annual_goal=self.goals[1],
            indicators=tuple(self.indicators),
            layout=taxonomy.infer_layout(row.level1 for row in self.indicators),
        )
        return importer.admitted(form, source, self.line)


def parse_csv(text: str, source: str) -> list[Form]:
    """Forms from the grid :func:`perftui.export.csvfile.forms` writes (or Excel saved again)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    drafts: list[_CsvDraft] = []
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise FormatError(source, reader.line_num, _("CSV 格式错误：{reason}").format(reason=error)) from None
    if rows and _is_table_export(rows[0][1]):
        raise FormatError(source, 1, _not_forms_message())
    for line, row in rows:
        # Each cell through the door first: a label with a control character in it is still the label.
        cells = [*(clean_text(csvfile.restored(cell), multiline=True) for cell in row), *[""] * (5 - len(row))]
        if not any(cell.strip() for cell in cells):
            continue
        first, second = _spelling(cells[0]), _spelling(cells[1])
        if first == "title":
            drafts.append(_CsvDraft(line))
            continue
        if not drafts:
            if first is None and second is None:
                continue  # text above the first form
            drafts.append(_CsvDraft(line))
        draft = drafts[-1]
        if draft.section == "indicators":
            name = cells[2] if cells[2].strip() else cells[3]
            draft.indicators.append(Indicator(cells[0].strip(), cells[1].strip(), name, cells[4]))
        elif draft.section == "goals":
            draft.goals = (cells[1], cells[3])
            draft.section = "header"
        elif first == "level1":
            draft.section = "indicators"
        elif first == "goals" or second == "period_goal":
            draft.section = "goals"
        elif first in ("name", "department"):
            draft.fields[first] = cells[1]
            draft.fields["period" if first == "name" else "unit"] = cells[4]
        elif second in _FUNDING_ROWS:
            part = _FUNDING_ROWS[second]
            for scope, column in (("period", 2), ("annual", 4)):
                try:
                    draft.amounts[(scope, part)] = money.parse_amount(cells[column])
                except money.AmountError as error:
                    raise FormatError(source, line, str(error)) from None
        elif draft.year is None and not draft.fields and (match := _YEAR.search(fold(cells[0]))):
            draft.year = int(match.group(1))
    if not drafts:
        raise FormatError(source, None, _("没有找到绩效目标表（缺少“项目名称”等栏目）"))
    return [draft.build(source) for draft in drafts]


def _is_table_export(header: list[str]) -> bool:
    """The header row of a summary or indicators CSV (they hold no whole form)."""
    keys = [_spelling(cell) for cell in header[:2]]
    return keys[:1] == ["level1"] or keys == ["name", "year"]

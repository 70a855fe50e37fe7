"""Pieces of the form editor: a labelled field with its message line, the indicator preview.

A field's message line sits right under it and shows, in order, why its text
cannot be read (typed now, per keystroke) or the findings about it (after a
short pause). Empty message lines take no room.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.table import Table
from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from perftui.tui.styles import stylesheet
from perftui.core.findings import Finding
from perftui.i18n import gettext as _
from perftui.core.model import Indicator
from perftui.text.views import indicator_headers, indicator_rows

ERROR_STYLE, WARNING_STYLE = "$text-error", "$text-warning"


def _same(a: object, b: object) -> bool:
    # Content compares its text only; a moved cursor or a new colour is a change too.
    if isinstance(a, Content) and isinstance(b, Content):
        return a.plain == b.plain and a.spans == b.spans
    return type(a) is type(b) and a == b


def show(widget: Static, content: str | Content) -> None:
    """Update ``widget`` only when what it shows changes: every update lays the screen out again."""
    if not _same(widget.content, content):
        widget.update(content)


def finding_mark(finding: Finding) -> str:
    return "✗" if finding.is_error else "!"


def message_content(
    problem: str | None, found: Iterable[Finding], *, where: bool = False, prefix: str = ""
) -> Content:
    """The lines of a message: the reading problem first, then findings.

    ``where`` names the place of each finding (for lists of rows); ``prefix``
    names the field, for messages not directly under it.
    """
    parts: list[str | tuple[str, str]] = []
    label = prefix.rstrip("：:")

    def lead(text: str) -> str:
        # "年度金额未填写" names its field already; "与金额 98.00 不符" does not say which.
        return "" if label and text.startswith(label) else prefix

    if problem:
        parts.append((f"✗ {lead(problem)}{problem}", ERROR_STYLE))
    for finding in found:
        if parts:
            parts.append("\n")
        text = f"{finding.where}：{finding.message}" if where else finding.message
        style = ERROR_STYLE if finding.is_error else WARNING_STYLE
        parts.append((f"{finding_mark(finding)} {lead(text)}{text}", style))
    return Content.assemble(*parts)


class FieldMessage(Static):
    """The line(s) under a field; hidden while there is nothing to say."""

    DEFAULT_CSS = stylesheet(__file__)

    def __init__(self, *, prefix: str = "", id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.prefix = prefix

    def show(self, problem: str | None, found: Sequence[Finding] = (), *, where: bool = False) -> None:
        content = message_content(problem, found, where=where, prefix=self.prefix)
        show(self, content)
        self.set_class(bool(content.plain), "-shown")


def indicator_preview(rows: Sequence[Indicator], found: Sequence[Finding]) -> Table | Text:
    """The indicator table as on the paper form, compact; a mark on rows with findings."""
    if not rows:
        return Text(_("（还没有指标。按 F2 添加。）"), style="dim")
    marks: dict[int, Finding] = {}
    for finding in found:
        if finding.row is None:
            continue
        shown = marks.get(finding.row)
        if shown is None or (finding.is_error and not shown.is_error):
            marks[finding.row] = finding
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False, padding=(0, 1))
    level1, level2, name, value = indicator_headers()
    table.add_column(level1, ratio=2, overflow="fold")
    table.add_column(level2, ratio=3, overflow="fold")
    table.add_column(name, ratio=6, overflow="fold")
    table.add_column(value, ratio=2, overflow="fold")
    table.add_column("", width=1)
    for number, cells in enumerate(indicator_rows(rows), start=1):
        mark = marks.get(number)
        flag = Text(finding_mark(mark), style="bold red" if mark.is_error else "yellow") if mark else Text("")
        table.add_row(*cells, flag)
    return table

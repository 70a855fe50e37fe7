"""The live summary: how much the listed forms add up to, and which are not finished.

It shows a :class:`~perftui.tui.state.catalog.Selection`, so its totals are always
those of the rows on screen (the year and the filter are named, since a total
without its scope is a wrong number waiting to be copied). While an editor has
unsaved changes the totals include them and say so, in words as well as in
reverse video, so a monochrome terminal shows it too.

Beside the list it is a column of figures; below the list (narrow terminals)
it packs the same facts into three or four lines.

The editors cover the home screen, so they carry a :class:`TotalsLine`: the
same figures in one line, for the year of the form being edited, so the effect
of an unsaved figure is seen where it is typed.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from perftui.core import scoring
from perftui.core.progress import ProgressTotals
from perftui.tui.styles import stylesheet
from perftui.text import views
from perftui.i18n import gettext as _, ngettext
from perftui.text.width import pad, truncate, width
from perftui.tui.state.catalog import Selection
from perftui.tui import keys
from perftui.tui.events import TotalsWanted


def scope_text(selection: Selection) -> str:
    """Which forms the totals cover: the year and, when filtering, the filter."""
    view = selection.view
    year = _("全部年度") if view.year is None else _("{year}年度").format(year=view.year)
    shown = selection.shown
    if view.needle.strip():
        return _("{year} · 筛选“{needle}”：{shown}/{all}张表").format(
            year=year, needle=view.needle.strip(), shown=shown, all=selection.all_forms
        )
    return ngettext("{year} · {shown}张表", "{year} · {shown}张表", shown).format(year=year, shown=shown)


def errors_text(errors: int) -> str:
    return ngettext("{n}个错误", "{n}个错误", errors).format(n=errors)


class SummaryPane(Static):
    """Totals of the selection on screen; call :meth:`show` when it changes."""

    DEFAULT_CSS = stylesheet(__file__)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.selection: Selection | None = None
        self.jump_key = "i"

    def show(self, selection: Selection, jump_key: str | None = None) -> None:
        self.selection = selection
        if jump_key:
            self.jump_key = jump_key
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    @property
    def compact(self) -> bool:
        return self.has_class("-compact")

    def _redraw(self) -> None:
        if self.selection is None:
            self.update(_("正在读取……"))
            return
        inner = max(20, self.size.width - 2)
        lines = self._compact_lines(inner) if self.compact else self._lines(inner)
        self.update(Text("\n").join(lines))

    # -- beside the list -----------------------------------------------------

    def _lines(self, inner: int) -> list[Text]:
        selection = self.selection
        assert selection is not None
        totals = selection.totals
        lines: list[Text] = []
        title = Text(_("合计（万元）"), style="bold")
        if selection.draft is not None:
            title.append("  ")
            title.append(_("未保存"), style="reverse bold")
        lines.append(title)
        lines.append(Text(truncate(scope_text(selection), inner), style="italic"))
        if selection.draft is not None:
            lines.append(Text(truncate(_("含正在编辑的“{name}”").format(name=selection.draft.name), inner)))
        figures = [
            (_("年度财政拨款"), views.amount(totals.fiscal)),
            (_("其他资金"), views.amount(totals.other)),
            (_("年度金额"), views.amount(totals.total)),
        ]
        for label, figure in figures:
            line = Text(pad(label, inner - width(figure)))
            line.append(figure, style="bold" if label == figures[0][0] else "")
            lines.append(line)
        lines.append(Text(_("指标 {indicators} 条").format(indicators=totals.indicators)))
        lines.append(Text(""))
        if not selection.checked:
            lines.append(Text(_("正在检查各表……"), style="dim"))
            return lines
        lines += progress_lines(selection.progress, inner, self._tracking_keys())
        lines.append(Text(""))
        incomplete = selection.incomplete
        if not incomplete:
            lines.append(Text(_("全部完整"), style="green"))
            return lines
        heading = Text(ngettext("不完整的表：{n}张", "不完整的表：{n}张", len(incomplete)).format(n=len(incomplete)), style="bold red")
        lines.append(heading)
        room = max(1, (self.size.height or 24) - len(lines) - 2)
        for entry in incomplete[:room]:
            count = errors_text(entry.errors)
            name = truncate(entry.name or _("（未命名）"), max(4, inner - width(count) - 3))
            lines.append(Text("• " + pad(name, inner - width(count) - 2) + count))
        if len(incomplete) > room:
            lines.append(Text(_("……另有{n}张").format(n=len(incomplete) - room)))
        lines.append(Text(_("按 {key} 跳到下一张").format(key=self.jump_key), style="dim"))
        return lines

    def _tracking_keys(self) -> str:
        """The keys that open the 监控 and the 自评 (after the operator's keymap), e.g. ``m / v``."""
        if not self.is_attached:
            return ""
        first = lambda key_id: keys.first_shown(self.app, key_id)  # noqa: E731
        return f"{first('list.monitor')} / {first('list.evaluation')}"

    # -- below the list --------------------------------------------------------

    def _compact_lines(self, inner: int) -> list[Text]:
        selection = self.selection
        assert selection is not None
        totals = selection.totals
        first = Text(_("合计（万元）"), style="bold")
        if selection.draft is not None:
            first.append(" ")
            first.append(_("未保存"), style="reverse bold")
        first.append(" " + truncate(scope_text(selection), max(10, inner - width(first.plain) - 1)), style="italic")
        figures = Text()
        figures.append(_("年度财政拨款") + " ")
        figures.append(views.amount(totals.fiscal), style="bold")
        figures.append("  " + _("其他资金") + " " + views.amount(totals.other))
        figures.append("  " + _("年度金额") + " " + views.amount(totals.total))
        lines = [first, figures]
        if not selection.checked:
            lines.append(Text(_("正在检查各表……"), style="dim"))
            return lines
        lines.append(Text(truncate(progress_text(selection.progress), inner)))
        incomplete = selection.incomplete
        if not incomplete:
            lines.append(Text(_("全部完整"), style="green"))
            return lines
        names = "、".join(f"{entry.name or _('（未命名）')}（{errors_text(entry.errors)}）" for entry in incomplete)
        head = ngettext("不完整{n}张：", "不完整{n}张：", len(incomplete)).format(n=len(incomplete))
        tail = "  " + _("按 {key} 跳转").format(key=self.jump_key)
        line = Text(head, style="bold red")
        line.append(truncate(names, max(8, inner - width(head) - width(tail))))
        line.append(tail, style="dim")
        lines.append(line)
        return lines


def progress_lines(progress: ProgressTotals, inner: int, open_keys: str = "") -> list[Text]:
    """The shown forms' 监控 and 自评: money spent, records missing, the scores; ``open_keys`` opens them."""
    figures = [
        (_("执行数"), views.amount(progress.spent)),
        (_("执行率"), scoring.format_rate(progress.rate, blank="—")),
        (_("未填监控"), _("{n}张").format(n=progress.without_monitoring)),
        (_("未填自评"), _("{n}张").format(n=progress.without_evaluation)),
        (_("自评平均分"), scoring.format_points(progress.average_score, blank="—")),
    ]
    heading = Text(_("监控与自评"), style="bold")
    if open_keys:
        heading.append(f"（{open_keys}）", style="dim")
    lines = [heading]
    for label, figure in figures:
        line = Text(pad(label, inner - width(figure)))
        line.append(figure)
        lines.append(line)
    lines.append(Text(truncate(_("等级") + " " + grade_counts(progress), inner)))
    return lines


def grade_counts(progress: ProgressTotals) -> str:
    """``优1 良0 中0 差0``: how many shown forms' 自评 came out at each 等级."""
    return " ".join(f"{_(scoring.GRADE_LABELS[name])}{count}" for name, count in progress.grades.items())


def progress_text(progress: ProgressTotals) -> str:
    """The same in one line, for the summary below the list."""
    return _("执行数 {spent}（{rate}）· 未填监控{monitoring} 未填自评{evaluation} · 自评均分 {average} · {grades}").format(
        spent=views.amount(progress.spent),
        rate=scoring.format_rate(progress.rate, blank="—"),
        monitoring=progress.without_monitoring,
        evaluation=progress.without_evaluation,
        average=scoring.format_points(progress.average_score, blank="—"),
        grades=grade_counts(progress),
    )


class TotalsLine(Widget):
    """The summary in one line, for the year of the form an editor shows (``year``; None: every year).

    Hidden until the app fills it in (:class:`TotalsWanted` asks for that). The
    year's totals, not the list's filtered ones: while editing a form the number
    that matters is what the year adds up to with this form as typed; the scope
    is named, as in the summary pane. Drawn in :meth:`render`, so what fits is
    decided at the width it is painted at (a line shown for the first time has
    no width yet).
    """

    DEFAULT_CSS = stylesheet(__file__, "totals_line.tcss")

    def __init__(self, year: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.year = year
        self.selection: Selection | None = None

    def on_mount(self) -> None:
        self.post_message(TotalsWanted())

    def follow_year(self, year: int | None) -> None:
        """The form's year changed (typed in the editor): ask for that year's totals."""
        if year != self.year:
            self.year = year
            self.post_message(TotalsWanted())

    def show(self, selection: Selection) -> None:
        self.selection = selection
        self.display = True
        self.refresh()

    def render(self) -> Text:
        if self.selection is None:
            return Text("")
        return totals_line(self.selection, max(20, self.content_size.width))


def totals_line(selection: Selection, room: int) -> Text:
    """合计（万元） [未保存] · scope · 年度财政拨款 x · 年度金额 y, the later parts only if they fit."""
    totals = selection.totals
    line = Text(_("合计（万元）"), style="bold")
    if selection.draft is not None:
        line.append(" ")
        line.append(_("未保存"), style="reverse bold")
    parts = [
        Text(" · " + scope_text(selection), style="italic"),
        Text.assemble(" · " + _("年度财政拨款") + " ", (views.amount(totals.fiscal), "bold")),
        Text(" · " + _("年度金额") + " " + views.amount(totals.total)),
    ]
    for part in parts:
        if width(line.plain) + width(part.plain) > room:
            break
        line.append_text(part)
    return line

"""What the 监控 and 自评 screens share: two tables and a few fields, saved like a form.

A :class:`RecordScreen` shows one form's record (its rows in the form's
order, the form's targets beside them): the funding rows, the text fields
(goals, notes; for the 监控 its day), the indicator rows with the new columns.
It edits a :class:`~perftui.core.tracking_edit.RecordEdit`, shows the record's
findings beside the rows they concern and the record at a glance under the
tables (总分 and 等级; 执行率 against the year's share), and saves with the
editor's rules (:class:`~perftui.tui.editor.saving.SavingScreen`): ctrl+s in
a worker, a stale save opens the conflict dialog, leaving with unsaved
changes asks. Keyboard only: Tab moves between the tables and the fields.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from perftui.core.conflict import Conflict
from perftui.core.findings import Finding
from perftui.core.form_edit import Draft
from perftui.core.model import Form
from perftui.core.scoring import DEFAULT_RULES, Rules
from perftui.core.tracking import KIND_LABELS, doc_changes
from perftui.core.tracking_edit import FUNDING, ROWS_SECTION, CellProblem, RecordEdit, open_record, summary_line
from perftui.i18n import gettext as _
from perftui.text.history_lines import field_label
from perftui.tui import keys
from perftui.tui.widgets.text_fields import TextField
from perftui.tui.dialogs.choice import ChoiceDialog
from perftui.tui.dialogs.conflict import ConflictScreen, describe_value
from perftui.tui.editor.fields import FieldMessage, message_content, show
from perftui.tui.editor.saving import SavingScreen
from perftui.tui.events import RecordSaved
from perftui.tui.styles import stylesheet
from perftui.tui.tracking.sheet_table import SheetTable
from perftui.tui.widgets.keys_footer import KeysFooter

_SKIP = ("id", "revision", "updated_at", "updated_by")


class RecordStore(Protocol):
    """Where a record screen saves: the app's Database (or a Tracking, in tests)."""

    @property
    def read_only(self) -> bool: ...

    def save_record(self, record: Any, *, force: bool = False) -> Any: ...


def record_changes(before, after) -> list[tuple[str, Any, Any]]:
    return doc_changes(before.to_doc(), after.to_doc(), skip=_SKIP)


class RecordConflictScreen(ConflictScreen):
    """The conflict dialog for a record: what they changed, what you changed, field by field."""

    def __init__(self, name: str, base, mine, theirs) -> None:
        lines: list[str] = []
        if theirs is None:
            lines += [_("对方已删除这张表。"), ""]
        else:
            lines += [
                _("{who}于{at}保存了它（修订 {revision}）。").format(
                    who=theirs.updated_by or _("另一位操作员"), at=theirs.updated_at.replace("T", " ")[:16],
                    revision=theirs.revision,
                ),
                "",
                _("对方改动的栏目："),
            ]
            lines += [f"  {field_label(k)}：{describe_value(_flat(o))} → {describe_value(_flat(n))}" for k, o, n in record_changes(base, theirs)] or ["  " + _("（没有）")]
            lines.append("")
        lines.append(_("你改动的栏目："))
        lines += [f"  {field_label(k)}：{describe_value(_flat(o))} → {describe_value(_flat(n))}" for k, o, n in record_changes(base, mine)] or ["  " + _("（没有）")]
        ChoiceDialog.__init__(self, _("“{name}”已被别人修改，你的修改尚未保存").format(name=name), "\n".join(lines))
        self.theirs = theirs


def _flat(value: Any) -> Any:
    """A stored row or funding row as one list of its non-blank cells, for one line."""
    if isinstance(value, dict):
        return [cell for item in value.values() for cell in (item if isinstance(item, list) else [item]) if cell != ""]
    return value


class RecordScreen(SavingScreen):
    """A form's 监控 or 自评 (``KIND``); dismissed with the record as last saved (None if never)."""

    DEFAULT_CSS = stylesheet(__file__)
    KIND: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    KEY_SCOPES = (keys.TRACK,)
    SAVE_KEY = "track.save"
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(keys.TRACK, exclude=keys.TRACK_TABLE_KEYS)

    def __init__(self, store: RecordStore, form: Form, stored: Any = None, *, rules: Rules = DEFAULT_RULES) -> None:
        record = open_record(self.KIND, form, stored)
        super().__init__(store, stored)  # type: ignore[arg-type]
        self.form = form
        self.edit = RecordEdit(record, form, rules)
        #: The record as stored, in the form's order: what "unsaved changes" are measured against.
        self.baseline = record
        self.problems: dict[str, str] = {}
        self._found: list[Finding] = []

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="track-title", markup=False)
        with VerticalScroll(id="track-body", can_focus=False):
            yield Static(_("预算执行（万元）"), classes="track-heading")
            yield SheetTable(self.edit, FUNDING, id="track-funding")
            for key, label in self.edit.fields():
                yield Static(label, id=f"label-{key}", classes="track-label", markup=False)
                yield TextField(self.edit.field_text(key), id=f"field-{key}", compact=True)
                yield FieldMessage(id=f"msg-{key}")
            yield Static(_("绩效指标"), classes="track-heading")
            yield SheetTable(self.edit, ROWS_SECTION, id="track-rows")
        yield Static(id="track-detail", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.set_focus(self.funding)
        self.recheck()

    @property
    def funding(self) -> SheetTable:
        return self.query_one("#track-funding", SheetTable)

    @property
    def rows_table(self) -> SheetTable:
        return self.query_one("#track-rows", SheetTable)

    def key_target(self, key: keys.Key):
        """The tables' keys act on the focused table when chosen from the command palette."""
        if key.id in keys.TRACK_TABLE_KEYS:
            return self.focused if isinstance(self.focused, SheetTable) else self.rows_table
        return self

    # -- SavingScreen ----------------------------------------------------------------

    @property
    def record(self):
        return self.edit.record

    @property
    def form_name(self) -> str:
        return f"{self.form.name}（{_(KIND_LABELS[self.KIND])}）"

    def current_draft(self) -> Draft:
        return Draft(self.edit.record, dict(self.problems))  # type: ignore[arg-type]

    def differs(self, record) -> bool:  # type: ignore[override]
        return bool(record_changes(self.baseline, record))

    def store(self, item, *, action: str | None, force: bool):  # type: ignore[override]
        return self.repository.save_record(item, force=force)  # type: ignore[attr-defined]

    def announce_saved(self, saved) -> None:  # type: ignore[override]
        self.app.post_message(RecordSaved(saved))

    def saved_notice(self, saved) -> str:  # type: ignore[override]
        return _("已保存“{name}”（修订 {revision}）").format(name=self.form_name, revision=saved.revision)

    def conflict_screen(self, conflict: Conflict) -> Screen:
        return RecordConflictScreen(self.form_name, self.baseline, conflict.mine, conflict.theirs)

    def load_form(self, form) -> None:  # type: ignore[override]
        """Start again from the record as stored now (after "reload theirs")."""
        self._restart(form)

    def after_save(self, saved) -> None:  # type: ignore[override]
        self._restart(saved)

    def _restart(self, stored) -> None:
        record = open_record(self.KIND, self.form, stored)
        self.baseline = record
        self.edit.reset(record)
        self.problems.clear()
        for key, _label in self.edit.fields():
            field = self.query_one(f"#field-{key}", Input)
            with field.prevent(Input.Changed):
                field.value = self.edit.field_text(key)
        self.funding.show()
        self.rows_table.show()
        self.recheck()

    def show_problem(self, key: str) -> None:
        self.set_focus(self.query_one(f"#field-{key}", Input))

    def action_leave(self) -> None:
        """Esc, or ctrl+w (a priority key, so a text field cannot take it as "delete word"):
        leave once the keys typed before it have arrived, keeping a cell typed into but not
        yet entered (Esc in a cell being typed into drops it, and never gets here).

        A cell whose text cannot be kept is dropped instead, and the screen stays: ctrl+w
        is then what Esc is, so Esc is never the only way out of a cell (a second ctrl+w leaves).
        """
        (self.focused or self).call_later(self._leave_now)

    def _leave_now(self) -> None:
        for table in (self.funding, self.rows_table):
            if table.editing is not None and not table.commit_edit():
                table.cancel_edit()  # commit_edit said why in one line
                self.notify(_("这一格的输入不能保留，已放弃；再按 {close} 返回。").format(close=keys.shown(self.app, "track.close")))
                return
        super().action_leave()

    def action_next_field(self) -> None:
        # At once (a priority key): the keys typed after Tab belong to the next table or field,
        # while those typed before it still reach the one they were typed into.
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    # -- changes ------------------------------------------------------------------------

    def on_sheet_table_changed(self, event: SheetTable.Changed) -> None:
        # Both tables: a 分值 typed in one moves the rule's scores shown in the other.
        self.funding.show()
        self.rows_table.show()
        self.recheck()

    def on_sheet_table_cursor_moved(self, event: SheetTable.CursorMoved) -> None:
        self._show_detail()

    def on_input_changed(self, event: Input.Changed) -> None:
        key = str(event.input.id).removeprefix("field-")
        try:
            self.edit.set_field(key, event.value)
        except CellProblem as problem:
            self.problems[key] = str(problem)
        else:
            self.problems.pop(key, None)
        self.query_one(f"#msg-{key}", FieldMessage).show(self.problems.get(key))
        if key == "as_of":  # the months in the headings follow the day
            for label_key, label in self.edit.fields():
                show(self.query_one(f"#label-{label_key}", Static), label)
            self.funding.show()
            self.rows_table.show()
        self.recheck()

    def recheck(self) -> None:
        self._found = self.edit.findings()
        rows: dict[int, Finding] = {}
        funding: dict[int, Finding] = {}
        for finding in self._found:
            target = rows if finding.row is not None else funding if finding.field in _FUNDING_FIELDS else None
            if target is None:
                continue
            index = (finding.row or 1) - 1
            shown = target.get(index)
            if shown is None or (finding.is_error and not shown.is_error):
                target[index] = finding
        self.rows_table.set_marks(rows)
        self.funding.set_marks(funding)
        self._show_title()
        self._show_detail()

    def _show_title(self) -> None:
        parts = [_(self.TITLE), self.form.name, _("{year}年度").format(year=self.form.year or "—")]
        if self.record.revision:
            parts.append(_("修订 {revision}").format(revision=self.record.revision))
        else:
            parts.append(_("新建"))
        if self.is_dirty():
            parts.append(_("未保存"))
        if self.repository.read_only:
            parts.append(_("只读，不能保存"))
        show(self.query_one("#track-title", Static), " · ".join(parts))

    def _show_detail(self) -> None:
        table = self.focused if isinstance(self.focused, SheetTable) else None
        lines: list[Content] = [Content(summary_line(self.edit))]
        if table is not None and table.section == ROWS_SECTION and self.record.rows:
            row = self.record.rows[table.cursor_row]
            level1, level2, name, value = row.indicator[:4]
            lines.append(Content(_("第{row}行 · {level1} / {level2} / {name} · 指标值 {value}").format(
                row=table.cursor_row + 1, level1=level1, level2=level2, name=name, value=value)))
            found = [f for f in self._found if f.row == table.cursor_row + 1]
        elif table is not None:
            found = [f for f in self._found if f.row is None and f.field in _FUNDING_FIELDS]
        else:
            found = [f for f in self._found if f.row is None]
        if found:
            lines.append(message_content(None, found))
        else:
            count = len(self._found)
            if count:
                lines.append(Content.styled(_("共{count}条检查结果（在有标记的行上查看）").format(count=count), "dim"))
        show(self.query_one("#track-detail", Static), Content("\n").join(lines))


#: Findings shown on the funding table: about the money and its score, and the 分值's sum.
_FUNDING_FIELDS = frozenset({"funding", "execution_score", "weights", "as_of"})

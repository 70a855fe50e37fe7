"""The form editor: one 本级预算项目绩效目标表, laid out like the paper form.

Fields follow the paper form's reading order (:data:`perftui.core.form_edit.READING_ORDER`),
so Tab walks the form as the operator reads the original beside the keyboard.
What is typed stays exactly as typed; :mod:`perftui.core.form_edit` reads it. An amount
that cannot be read says so beside the field at once; findings
(:func:`perftui.core.findings.check` on the draft) follow a moment after typing
stops. F2 (or ctrl+g) opens the indicator grid on the draft.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import HorizontalGroup, VerticalGroup, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Input, Static, TextArea

from perftui.tui.styles import stylesheet
from perftui.core import findings as _findings
from perftui.core.normalize import clean_text
from perftui.core.form_edit import Draft, copy_to_year, field_problem, field_texts, parse_draft
from perftui.core.conflict import Conflict
from perftui.core.findings import REQUIRED_FIELDS, Finding
from perftui.core.pasted_rows import is_block
from perftui.i18n import N_, gettext as _
from perftui.core.model import FIELD_LABELS, Form, Indicator
from perftui.core.tracking import EVALUATION, MONITORING
from perftui.core.money import AmountError, parse_amount
from perftui.services.repository import COPIED
from perftui.services.unsaved import UnsavedEdits
from perftui.core.taxonomy import LAYOUT_NAMES, LAYOUTS
from perftui.tui import keys
from perftui.tui.editor.fields import ERROR_STYLE, FieldMessage, indicator_preview, show
from perftui.tui.editor.saving import FormStore, SavingScreen
from perftui.tui.type_ahead import after_typing
from perftui.tui.widgets.choice_field import ChoiceField
from perftui.tui.widgets.summary import TotalsLine
from perftui.tui.widgets.text_fields import TextBox, TextField
from perftui.tui.widgets.keys_footer import KeysFooter
from perftui.text.views import amount, status_text
from perftui.text.width import truncate

#: Seconds of quiet typing before the findings are re-checked.
DEBOUNCE = 0.15
#: Display columns of the form's name in the title line (the rest says what state the form is in).
TITLE_NAME_WIDTH = 30
#: Below this width the paired fields of the paper form stack.
NARROW = 100

_PLACEHOLDERS = {
    "year": N_("待填，例如 2024"),
    "period": N_("待填，例如 2024年1月至2024年12月"),
}
#: What an empty required field says in itself (its error waits until it has been left).
TO_FILL = N_("待填")


def widget_id(key: str) -> str:
    return "field-" + key.replace(".", "-")


def message_id(key: str) -> str:
    return "msg-" + key.replace(".", "-")


def reading_id(key: str) -> str:
    return "reading-" + key.replace(".", "-")


def amount_reading(text: str) -> str:
    """How an amount field reads, as people see amounts ("98" -> "98.00"); "" if it does not."""
    try:
        return amount(parse_amount(text)) if text.strip() else ""
    except AmountError:
        return ""


class FormBody(VerticalScroll, can_focus=False):
    """The fields, scrolling; not a Tab stop itself (page up/down still scroll it)."""


class FormEditorScreen(SavingScreen):
    """Edit one form (or a new one, or a copy); dismissed with the form as last saved."""

    DEFAULT_CSS = stylesheet(__file__)

    # The editor's own keys are priority bindings: they are seen in the order typed,
    # before the keys that follow reach a field. Each waits for the keys typed
    # before it to reach their field (see _after_typing), so a burst over a slow
    # link ("98", Tab, "100", ctrl+s) fills and saves exactly what was typed.
    KEY_SCOPES = (keys.EDITOR,)
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(keys.EDITOR)

    def __init__(
        self,
        repository: FormStore,
        form: Form | None,
        *,
        year: int | None = None,
        department: str = "",
        unit: str = "",
        template: Form | None = None,
        notes: tuple[str, ...] = (),
        action: str | None = None,
        unsaved: UnsavedEdits | None = None,
        moved_on: bool = False,
        theirs: Form | None = None,
    ) -> None:
        """Edit ``form`` as stored; or, with ``form`` None, a new form (from ``template`` if given).

        ``unsaved``: edits kept from an earlier session, typed back into the fields as the
        editor opens; ``moved_on``: the form was saved (as ``theirs``) or deleted (``theirs``
        None) since they were made, which the conflict dialog then shows at once.
        """
        super().__init__(repository, form, action=action)
        self._unsaved = unsaved
        self._moved_on, self._theirs = moved_on, theirs
        # A form never stored starts calm: an empty required field is 待填 (to fill), not an
        # error, until the operator has left it or tries to save (see _pending).
        self._calm = form is None
        self._left: set[str] = set()
        self._save_tried = False
        self._base = form or template or Form(year=year, department=department, unit=unit)
        if form is None and template is None:
            # What it was opened with (the year, the usual units) is not something to save or ask about.
            self.pristine = self._base
        self._indicators: tuple[Indicator, ...] = self._base.indicators
        self._notes = notes
        self._timer: Timer | None = None
        self._fields: dict[str, Widget] = {}
        self._messages: dict[str, FieldMessage] = {}
        self._readings: dict[str, Static] = {}
        self._found: list[Finding] = []
        self._preview_of: tuple[object, ...] | None = None
        # A new form starts at its year, a stored one at its name; set as the screen starts,
        # so keys typed ahead (perftui.tui.type_ahead) go there.
        self.AUTO_FOCUS = "#" + widget_id("year" if form is None else "name")

    @classmethod
    def for_copy(
        cls, repository: FormStore, form: Form, year: int, *, name: str | None = None
    ) -> FormEditorScreen:
        """An editor on an unsaved copy of ``form`` for ``year`` (indicators, goals and amounts kept).

        ``name``: the copy's name when it must differ (the app gives one when
        ``year`` already has a form of this name and unit, which an import
        would mistake for this copy); the change is noted, like every other.
        """
        copy = copy_to_year(form, year)
        notes = [_("这是“{name}”{old}年度的副本，保存后才会存入。").format(name=form.name, old=form.year or "")]
        template = copy.form
        if name and name != form.name:
            template = template.evolve(name=name)
            notes.append(_("{year}年度已有同名同单位的表，副本改名为“{name}”").format(year=year, name=name))
        return cls(repository, None, template=template, notes=(*notes, *copy.notes), action=COPIED)

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        texts = field_texts(self._base)
        yield Static(id="editor-title", markup=False)
        with FormBody(id="editor-body"):
            if self._notes:
                yield Static("\n".join(self._notes), id="editor-notes", markup=False)
            for left, right in (("year", "layout"), ("name", "period"), ("department", "unit")):
                with HorizontalGroup(classes="pair"):
                    yield self._field(left, texts, "-left")
                    yield self._field(right, texts)
            yield from self._funding(texts)
            with HorizontalGroup(classes="pair goals"):
                yield self._goal("goals.period", texts, "-left")
                yield self._goal("goals.annual", texts)
            yield Static(id="indicators-heading", classes="section", markup=False)
            yield Static(id="indicators-table")
            yield self._message("indicators")
            yield Button(_("编辑指标 (F2)"), id="edit-indicators", compact=True)
        yield TotalsLine(self._base.year, id="editor-totals")
        yield Static(id="editor-status")
        yield KeysFooter()

    def _message(self, key: str, *, prefix: str = "", classes: str | None = None) -> FieldMessage:
        message = FieldMessage(id=message_id(key), prefix=prefix, classes=classes)
        self._messages[key] = message
        return message

    def _input(self, key: str, text: str) -> Widget:
        widget: Widget
        if key == "layout":
            widget = ChoiceField(
                [(_(LAYOUT_NAMES[layout]), layout) for layout in LAYOUTS],
                value=text,
                name=key,
                id=widget_id(key),
            )
        else:
            widget = TextField(
                text,
                placeholder=_(_PLACEHOLDERS[key]) if key in _PLACEHOLDERS else _(TO_FILL) if key in REQUIRED_FIELDS else "",
                compact=True,
                name=key,
                id=widget_id(key),
            )
        self._fields[key] = widget
        return widget

    def _field(self, key: str, texts: dict[str, str], side: str = "") -> Widget:
        return VerticalGroup(
            HorizontalGroup(Static(_(FIELD_LABELS[key]), classes="field-label"), self._input(key, texts[key])),
            self._message(key),
            classes=f"field {side}",
        )

    def _funding(self, texts: dict[str, str]) -> ComposeResult:
        yield Static(_("资金投入（万元）"), classes="section")
        yield HorizontalGroup(
            Static("", classes="funding-label"),
            Static(_("实施期"), classes="funding-head -left"),
            Static(_("年度"), classes="funding-head"),
        )
        labels = {"total": _("金额"), "fiscal": _("其中：财政拨款"), "other": _("其他资金")}
        for part, label in labels.items():
            cells, messages = [], []
            for scope in ("period", "annual"):
                key = f"funding.{scope}.{part}"
                # What was typed, and beside it how it reads: "９８．５" reads 98.50.
                reading = Static(id=reading_id(key), classes="reading")
                self._readings[key] = reading
                cells.append(
                    HorizontalGroup(
                        self._input(key, texts[key]),
                        reading,
                        classes="funding-cell" + (" -left" if scope == "period" else ""),
                    )
                )
                # Messages span the row: two amount columns are too narrow for a sentence.
                messages.append(self._message(key, prefix=_(FIELD_LABELS[key]) + "：", classes="funding-message"))
            yield HorizontalGroup(Static(label, classes="funding-label"), *cells, classes="funding-row")
            yield from messages
        yield HorizontalGroup(
            Static(_("财政拨款＋其他资金"), classes="funding-label"),
            Static(id="implied-period", classes="implied -left"),
            Static(id="implied-annual", classes="implied"),
        )

    def _goal(self, key: str, texts: dict[str, str], side: str = "") -> Widget:
        area = TextBox(
            texts[key], soft_wrap=True, tab_behavior="focus", compact=True, name=key, id=widget_id(key),
            placeholder=_(TO_FILL) if key in REQUIRED_FIELDS else "",
        )
        self._fields[key] = area
        return VerticalGroup(
            Static(_(FIELD_LABELS[key]), classes="field-label"),
            area,
            self._message(key),
            classes=f"field goal {side}",
        )

    def on_mount(self) -> None:
        if self._unsaved is not None:
            self._type_back(self._unsaved)
        self.refresh_draft()
        if self._moved_on:
            self._conflict(Conflict(self.current_draft().form, self._theirs), False)

    def _type_back(self, edits: UnsavedEdits) -> None:
        """The fields as they were typed in the session that ended (a dropped connection)."""
        for key, text in edits.texts.items():
            widget = self._fields.get(key)
            if isinstance(widget, Input):
                widget.value = text
            elif isinstance(widget, TextArea):
                widget.load_text(text)
            elif isinstance(widget, ChoiceField) and text in (value for _label, value in widget.options):
                widget.value = text
        self._indicators = tuple(edits.indicators)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    # -- the draft --------------------------------------------------------------

    def texts(self) -> dict[str, str]:
        texts = {}
        for key, widget in self._fields.items():
            if isinstance(widget, Input):
                texts[key] = widget.value
            elif isinstance(widget, TextArea):
                texts[key] = widget.text
            elif isinstance(widget, ChoiceField):
                texts[key] = widget.value
        return texts

    def current_draft(self) -> Draft:
        return parse_draft(self._base.evolve(indicators=self._indicators), self.texts())

    def load_form(self, form: Form) -> None:
        self._base = form
        self._indicators = form.indicators
        for key, text in field_texts(form).items():
            widget = self._fields[key]
            with widget.prevent(Input.Changed, TextArea.Changed, ChoiceField.Changed):
                if isinstance(widget, Input):
                    widget.value = text
                elif isinstance(widget, TextArea):
                    widget.load_text(text)
                elif isinstance(widget, ChoiceField):
                    widget.value = text
        self.refresh_draft()

    def after_save(self, saved: Form) -> None:
        # The next save is based on the revision just stored.
        self._base = saved.evolve(indicators=self._indicators)
        self.refresh_draft()

    def show_problem(self, key: str) -> None:
        widget = self._fields.get(key)
        if widget is not None:
            self.set_focus(widget)
            self.query_one(FormBody).scroll_to_widget(widget)

    # -- reacting to typing -----------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        cleaned = clean_text(event.value)
        if cleaned != event.value:
            # Pasted escapes or control characters: gone before the field shows them (the door).
            event.input.value = cleaned
            return
        key = event.input.name or ""
        if key in self._messages:
            # The reading of this one field is shown per keystroke; findings wait.
            problem = field_problem(key, event.value)
            self._messages[key].show(problem, [] if problem else self._field_findings(key))
        if key in self._readings:
            show(self._readings[key], amount_reading(event.value))
            # Totals follow every keystroke in an amount (findings still wait for a pause).
            self.announce_draft()
        self._schedule()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        area = event.text_area
        cleaned = clean_text(area.text, multiline=True)
        if cleaned != area.text:
            area.text = cleaned
            return
        self._schedule()

    def on_choice_field_changed(self, event: ChoiceField.Changed) -> None:
        self._schedule()

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.refresh_draft)

    def _field_findings(self, key: str) -> list[Finding]:
        return [f for f in self._found if f.field == key and not self._pending(f)]

    def _pending(self, finding: Finding) -> bool:
        """Is ``finding`` a required field of a new form still to fill, not yet an error?"""
        if not self._calm or self._save_tried:
            return False
        if finding.code == "required":
            return finding.field not in self._left
        return finding.code == "missing-level1" and "indicators" not in self._left

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        key = event.widget.name
        if self._calm and key in self._fields and key not in self._left:
            self._left.add(key)  # left once: from now on an empty required field is an error
            self.refresh_draft()

    def unsaved_id(self) -> str:
        return self._base.id

    def unsaved_edits(self, rows: tuple[Indicator, ...] | None = None) -> UnsavedEdits | None:
        """The fields as typed and the indicator rows (``rows``: the grid's, while it is open)."""
        keeper = getattr(self.app, "unsaved", None)
        if keeper is None:
            return None
        rows = self._indicators if rows is None else tuple(rows)
        texts = self.texts()
        draft = parse_draft(self._base.evolve(indicators=rows), texts)
        if not draft.problems and not self.differs(draft.form):
            return None
        return UnsavedEdits(keeper.database, self._base.id, self.original, texts, rows, action=self.save_action)

    def refresh_draft(self) -> Draft:
        """Read the whole draft, re-check it, and show the results everywhere."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        draft = self.current_draft()
        if self.gone:  # a field's blur as the editor is taken down: nothing left to show
            return draft
        self._found = [f for f in _findings.check(draft.form) if f.field not in draft.problems]
        for key, message in self._messages.items():
            if key == "indicators":
                # Each with its row: "第3行指标：指标值未填写".
                message.show(None, [f for f in self._found if f.field == key and not self._pending(f)], where=True)
            else:
                message.show(draft.problems.get(key), self._field_findings(key))
        self._show_implied(draft)
        self._show_indicators(draft)
        self._show_title(draft)
        self._show_status(draft)
        if draft.form.year is not None:  # a year half typed keeps the totals of the last one
            self.query_one(TotalsLine).follow_year(draft.form.year)
        self.announce_draft(draft)
        self.keep_unsaved()
        return draft

    def _show_implied(self, draft: Draft) -> None:
        texts = self.texts()
        for key, reading in self._readings.items():
            show(reading, amount_reading(texts[key]))
        for scope, funding in (("period", draft.form.period_funding), ("annual", draft.form.annual_funding)):
            implied = funding.implied_total
            label = self.query_one(f"#implied-{scope}", Static)
            mismatch = implied is not None and funding.total is not None and implied != funding.total
            text = amount(implied) if implied is not None else ""
            if mismatch:
                text = _("{implied} ≠ 金额").format(implied=text)
            show(label, text)
            label.set_class(mismatch, "-mismatch")

    def _show_indicators(self, draft: Draft) -> None:
        rows = draft.form.indicators
        show(
            self.query_one("#indicators-heading", Static),
            _("绩效指标（{count}行；F2 或 ctrl+g 编辑）").format(count=len(rows)),
        )
        row_findings = [f for f in self._found if f.row is not None]
        key = (rows, tuple(row_findings))
        if key != self._preview_of:  # a table is rebuilt only when its rows or marks change
            self._preview_of = key
            self.query_one("#indicators-table", Static).update(indicator_preview(rows, row_findings))

    def _show_title(self, draft: Draft) -> None:
        if self.original is None:
            title = _("新建绩效目标表") if self.save_action != COPIED else _("复制绩效目标表")
        else:
            title = _("编辑绩效目标表")
        parts = [title]
        if draft.form.name:
            # Cut: the title is one line of an 80-column screen, whatever was pasted into the name.
            parts.append(truncate(" ".join(draft.form.name.split()), TITLE_NAME_WIDTH))
        if bool(draft.problems) or self.differs(draft.form):
            parts.append(_("未保存"))
        if self.repository.read_only:
            parts.append(_("只读，不能保存"))
        if note := self.stored_note():
            parts.append(note)
        if self.original is not None:
            stamp = _("修订 {revision}").format(revision=self.original.revision)
            if self.original.updated_by:
                stamp += " · " + self.original.updated_by
            if self.original.updated_at:
                stamp += " " + self.original.updated_at.replace("T", " ")[:16]
            parts.append(stamp)
        show(self.query_one("#editor-title", Static), " · ".join(parts))

    def stored_changed(self) -> None:
        self._show_title(self.current_draft())

    def _show_status(self, draft: Draft) -> None:
        pending = [f for f in self._found if self._pending(f)]
        found = [f for f in self._found if not self._pending(f)]
        if pending and not any(f.is_error for f in found):
            status = Content(_("检查结果：") + _("待填 {count} 项").format(count=len(pending)))
        else:
            status = Content(_("检查结果：") + status_text(found))
            if pending:
                status += Content("  " + _("另有待填 {count} 项").format(count=len(pending)))
        if draft.problems:
            status += Content.styled(
                "  " + _("{count}处输入无法识别").format(count=len(draft.problems)), ERROR_STYLE
            )
        show(self.query_one("#editor-status", Static), status)

    # -- actions ----------------------------------------------------------------

    def _after_typing(self, then) -> None:
        """Run ``then`` once the keys already sent to the focused field have reached it
        (the keys typed after it wait, and go to the screen ``then`` leaves on top)."""
        after_typing(self, then)

    def action_next_field(self) -> None:
        # At once (not after typing): the keys that follow belong to the next field.
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    def action_save(self) -> None:
        self._after_typing(self._save_now)

    def _save_now(self) -> None:
        self._save_tried = True  # everything still empty is an error now
        self.refresh_draft()
        super().action_save()

    def action_leave(self) -> None:
        self._after_typing(self._leave_now)

    def _leave_now(self) -> None:
        self.refresh_draft()
        super().action_leave()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "edit-indicators":
            event.stop()
            self.action_indicators()

    def action_indicators(self) -> None:
        self._after_typing(self._open_indicators)

    def action_monitor(self) -> None:
        self._after_typing(lambda: self._open_tracking(MONITORING))

    def action_evaluation(self) -> None:
        self._after_typing(lambda: self._open_tracking(EVALUATION))

    def _open_tracking(self, kind: str) -> None:
        """The form's 监控 or 自评, against its targets as stored (a form never saved has none yet)."""
        if self.original is None:
            self.notify(_("这张表还没有保存：先保存（ctrl+s），再填写监控或自评"), severity="warning")
            return
        if self.is_dirty():
            self.notify(_("目标表有未保存的修改；监控和自评按已保存的指标填写"), severity="warning")
        open_tracking = getattr(self.app, "open_tracking", None)
        if open_tracking is not None:
            open_tracking(self.original, kind)

    def on_paste(self, event: events.Paste) -> None:
        """Rows copied from a spreadsheet or a form's text (a field takes text for itself; a block
        of cells comes here): they go below the indicator rows, in the grid, where ``u`` undoes them."""
        if is_block(event.text):
            event.stop()
            self._open_indicators(paste=event.text)

    def _open_indicators(self, paste: str = "") -> None:
        """Open the indicator grid on the draft; its rows come back into the draft."""
        from perftui.tui.editor.indicator_grid import IndicatorGridScreen

        draft = self.refresh_draft()
        grid = IndicatorGridScreen(self.repository, draft.form, save=False, original=self.original, paste=paste)
        grid.pristine = self.pristine
        grid.editor = self  # its rows are this editor's unsaved edits too

        def returned(rows: tuple[Indicator, ...] | None) -> None:
            self._left.add("indicators")  # the rows were looked at: what is missing is an error now
            if rows is not None:
                self._indicators = tuple(rows)
            self.refresh_draft()
            if grid.save_requested:
                self._save_now()

        self.app.push_screen(grid, returned)


__all__ = ["FormEditorScreen"]

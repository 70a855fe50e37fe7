"""The export dialog: what to export, the format and a file; or the table to the clipboard.

``ExportDialog(forms, current=form, records=...)`` dismisses with an
:class:`ExportDone` (what was written or copied), or None when cancelled. The
export itself is :mod:`perftui.export` (:mod:`perftui.export.tracking` for the
监控 and 自评 tables), the same code as ``perftui export``, given the same
forms and records; rendering and writing run in a worker thread, so a large
xlsx or a slow network folder never freezes the screen.

Copying goes through the terminal (OSC 52, :meth:`App.copy_to_clipboard`),
so it reaches the operator's own clipboard even over SSH, where no clipboard
program on the server could; terminals that do not support OSC 52 ignore it,
which the hint says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from perftui import export
from perftui.core.scoring import DEFAULT_RULES, Rules
from perftui.core.tracking import EVALUATION, MONITORING
from perftui.tui.styles import stylesheet
from perftui.i18n import gettext as _
from perftui.core.model import Form
from perftui.tui.state.catalog import Records
from perftui.tui import keys
from perftui.tui.type_ahead import after_typing
from perftui.tui.widgets.check_field import CheckField
from perftui.tui.widgets.choice_field import ChoiceField
from perftui.tui.widgets.text_fields import TextField
from perftui.tui.widgets.work_bar import WorkBar


#: What the dialog can export: the forms' tables, then their 监控 and 自评 (``perftui export monitoring|evaluation``).
KINDS = (*export.KINDS, MONITORING, EVALUATION)
RECORD_KINDS = (MONITORING, EVALUATION)


@dataclass(frozen=True)
class ExportDone:
    """What the dialog did: ``path`` written, or the text ``copied`` to the clipboard."""

    kind: str
    format: str
    forms: int
    path: Path | None = None
    copied: bool = False

    def message(self) -> str:
        if self.copied:
            return _("已复制到剪贴板（{forms} 张表）").format(forms=self.forms)
        return _("已导出 {forms} 张表到 {path}").format(forms=self.forms, path=self.path)


class ExportDialog(ModalScreen["ExportDone | None"]):
    """ctrl+s writes the file, ctrl+y copies the text; ctrl+w or Esc cancels."""

    DEFAULT_CSS = stylesheet(__file__)

    # From the one key table, so operators can remap them (config.toml [keys]),
    # the help screen lists them and the palette offers them; Esc is never the only way out.
    KEY_SCOPES = (keys.EXPORT,)
    # The focus is where keys typed ahead go (perftui.tui.type_ahead): set as the screen starts.
    AUTO_FOCUS = "#export-what"
    BINDINGS = keys.bindings(keys.EXPORT)

    def __init__(
        self,
        forms: Sequence[Form],
        current: Form | None = None,
        *,
        folder: Path | None = None,
        width: int = export.DEFAULT_WIDTH,
        db_path: Path | None = None,
        records: Records | None = None,
        rules: Rules = DEFAULT_RULES,
    ) -> None:
        super().__init__()
        self.forms = list(forms)
        self.current = current
        self.records = records or Records()  # the forms' 监控 and 自评, by form id
        self.rules = rules  # the 自评's scoring rules (config.toml [scoring]), as the CLI's
        self.folder = folder or Path.cwd()
        self.db_path = db_path  # never exported over (nor over its lock, backups, drafts)
        self.width = width
        self._suggested = ""  # the path we proposed last; once the operator edits it, it is theirs
        self._busy = False

    # -- what the choices mean ------------------------------------------------

    def selection(self, kind: str) -> list[Form]:
        """The forms an export of ``kind`` covers: this form's, or all of them for the summary."""
        if kind == export.SUMMARY or self.current is None:
            return self.forms
        return [self.current]

    @property
    def kind(self) -> str:
        return self.query_one("#export-what", ChoiceField).value

    @property
    def format(self) -> str:
        return self.query_one("#export-format", ChoiceField).value

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        name = self.current.name if self.current else None
        with Vertical(id="export-box"):
            yield Static(_("导出"), markup=False)
            with Horizontal(classes="row"):
                yield Label(_("内容"), classes="field")
                labels = (
                    _("汇总表（{forms} 张表，带合计）").format(forms=len(self.forms)),
                    _("这张表：{name}").format(name=name) if name else _("所有表（整张表）"),
                    _("绩效指标：{name}").format(name=name) if name else _("所有表的绩效指标"),
                    _("绩效运行监控表：{name}").format(name=name) if name else _("所有表的绩效运行监控表"),
                    _("绩效自评表：{name}").format(name=name) if name else _("所有表的绩效自评表"),
                )
                yield ChoiceField(list(zip(labels, KINDS)), export.SUMMARY, id="export-what")
            with Horizontal(classes="row"):
                yield Label(_("格式"), classes="field")
                # Fourteen formats: one line, ←/→ or the first letter ("c" csv, "x" xlsx).
                yield ChoiceField(
                    [(fmt, fmt) for fmt in export.FORMATS], export.DEFAULT_FORMAT, lines=False, id="export-format"
                )
            with Horizontal(classes="row"):
                yield Label(_("文件"), classes="field")
                yield TextField(submit=self.action_export, id="export-path", compact=True)
            yield CheckField(_("覆盖已有的文件"), id="export-force", compact=True)
            yield Static(
                _("复制经终端（OSC 52）送到你的剪贴板，SSH 下也可用；少数终端不支持。"),
                classes="hint",
                markup=False,
            )
            yield Static("", id="export-status", markup=False)
            yield WorkBar(id="export-progress")
            with Horizontal(id="export-buttons"):
                # The keys as the operator's keymap has them, not the defaults.
                yield Button(self._label(_("导出到文件"), "export.save"), id="export-save", variant="primary", compact=True)
                yield Button(self._label(_("复制"), "export.copy"), id="export-copy", compact=True)
                yield Button(self._label(_("取消"), "export.cancel"), id="export-cancel", compact=True)

    def _label(self, text: str, key_id: str) -> str:
        return f"{text} {keys.shown(self.app, key_id)}"

    def on_mount(self) -> None:
        self._suggest_path()

    def _suggest_path(self) -> None:
        self.query_one("#export-copy", Button).disabled = self.format in export.BINARY_FORMATS
        path_input = self.query_one("#export-path", Input)
        if path_input.value != self._suggested and (path_input.value or path_input.has_focus):
            # The operator's path: typed, or emptied to type one. A choice typed just before
            # (in the same burst) is seen here after the keys that followed it: they win.
            return
        suggestion = str(self.folder / suggested_name(self.kind, self.selection(self.kind), self.format))
        self._suggested = suggestion
        path_input.value = suggestion
        path_input.cursor_position = len(suggestion)  # keys typed next go after it, as on entering the box

    def on_choice_field_changed(self, event: ChoiceField.Changed) -> None:
        self._suggest_path()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"export-save": self.action_export, "export-copy": self.action_copy, "export-cancel": self.action_cancel}
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def _status(self, text: str) -> None:
        self.query_one("#export-status", Static).update(text)

    # -- actions ----------------------------------------------------------------

    def _options(self) -> export.Options | None:
        try:
            return export.Options(self.format, self.width, bom=False).check()
        except export.ExportError as error:
            self._status(str(error))
            return None

    def action_export(self) -> None:
        # ctrl+s and ctrl+y are seen as they arrive: a path typed before them reaches its box first.
        after_typing(self, self._export_now)

    def action_copy(self) -> None:
        after_typing(self, self._copy_now)

    def _export_now(self) -> None:
        if self._busy:
            return
        options = self._options()
        text = self.query_one("#export-path", Input).value.strip()
        if options is None:
            return
        if not text:
            self._status(_("请填写文件名"))
            return
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        force = self.query_one("#export-force", CheckField).value
        forms = self._begin(_("正在导出 {forms} 张表…"))
        if forms:
            self._write(self.kind, forms, options, path, force)

    def _copy_now(self) -> None:
        if self._busy:
            return
        options = self._options()
        if options is None:
            return
        if options.format in export.BINARY_FORMATS:
            self._status(_("{format} 是二进制文件，不能复制；请选文本格式").format(format=options.format))
            return
        forms = self._begin(_("正在准备 {forms} 张表…"))
        if forms:
            self._copy(self.kind, forms, options)

    def _begin(self, doing: str) -> list[Form]:
        """The forms to export, the work bar saying ``doing`` about them; none: nothing starts."""
        forms = self._exported(self.kind)
        if forms:
            self._busy = True
            self._status("")
            self.query_one(WorkBar).start(doing.format(forms=len(forms)))
        return forms

    def _exported(self, kind: str) -> list[Form]:
        """The forms the export will hold: for a 监控 or 自评, those that have one (as the CLI
        leaves the others out); none says why on the status line."""
        forms = self.selection(kind)
        if kind not in RECORD_KINDS:
            return forms
        filed = self._records(kind)
        having = [form for form in forms if form.id in filed]
        if not having:
            what = _("绩效运行监控表") if kind == MONITORING else _("绩效自评表")
            if len(forms) == 1:
                self._status(_("“{name}”还没有填写{what}，没有可导出的内容").format(name=forms[0].name, what=what))
            else:
                self._status(_("这些表都还没有填写{what}，没有可导出的内容").format(what=what))
        return having

    def _records(self, kind: str):
        return self.records.evaluations if kind == EVALUATION else self.records.monitorings

    def _output(self, kind: str, forms: list[Form], options: export.Options) -> str | bytes:
        """The export, as ``perftui export`` renders it for the same forms (and records)."""
        if kind not in RECORD_KINDS:
            return export.render(kind, forms, options)
        from perftui.export import tracking as exported

        filed = self._records(kind)
        return exported.render(kind, [exported.Filed.of(form, filed[form.id], self.rules) for form in forms], options)

    def _file_bytes(self, kind: str, forms: list[Form], options: export.Options) -> bytes:
        """What the file holds (as ``perftui export -o``)."""
        if kind not in RECORD_KINDS:
            return export.export_bytes(kind, forms, options)
        return export.encode(self._output(kind, forms, options), options)

    def action_cancel(self) -> None:
        self.dismiss(None)

    # -- workers: off the UI thread ---------------------------------------------------

    @work(thread=True, exclusive=True, group="export")
    def _write(self, kind: str, forms: list[Form], options: export.Options, path: Path, force: bool) -> None:
        from perftui.export.files import TargetExists, write
        from perftui.services.outputs import OutputRefused, check_output

        try:
            if self.db_path is not None:
                check_output(path, self.db_path)
            written = write(path, self._file_bytes(kind, forms, options), force=force)
        except OutputRefused as error:
            self.app.call_from_thread(self._failed, str(error))
        except TargetExists as error:
            self.app.call_from_thread(self._failed, _("{path} 已存在；勾选“覆盖已有的文件”后再导出").format(path=error.path))
        except Exception as error:  # noqa: BLE001 - one line for the operator, whatever the OS said
            self.app.call_from_thread(self._failed, _describe(error))
        else:
            self.app.call_from_thread(self.dismiss, ExportDone(kind, options.format, len(forms), path=written))

    @work(thread=True, exclusive=True, group="export")
    def _copy(self, kind: str, forms: list[Form], options: export.Options) -> None:
        try:
            output = self._output(kind, forms, options)
        except Exception as error:  # noqa: BLE001
            self.app.call_from_thread(self._failed, _describe(error))
            return
        self.app.call_from_thread(self._copied, str(output), ExportDone(kind, options.format, len(forms), copied=True))

    def _copied(self, text: str, done: ExportDone) -> None:
        self.app.copy_to_clipboard(text)
        self.dismiss(done)

    def _failed(self, message: str) -> None:
        self._busy = False
        self.query_one(WorkBar).stop()
        self._status(message)


def suggested_name(kind: str, forms: Sequence[Form], fmt: str) -> str:
    """A file name to propose (:func:`perftui.export.suggested_name`); a 监控 or 自评 is named by its
    kind: ``perftui-monitoring-<form id>-2024.txt``, ``perftui-evaluation-2024.csv``."""
    if kind not in RECORD_KINDS:
        return export.suggested_name(kind, forms, fmt)
    name = export.suggested_name(export.FORM, forms, fmt)  # "perftui-form-<id>…" or "perftui-forms…"
    return name.replace("-form-", f"-{kind}-", 1) if len(forms) == 1 else name.replace("-forms", f"-{kind}", 1)


def _describe(error: BaseException) -> str:
    from perftui.text.errors import describe

    return describe(error)

"""A form, read only: what Enter opens until the form editor replaces it.

The app opens forms in one place (``PerftuiApp.open_form``), so swapping this
screen for the editor is a one-line change there.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from perftui import views
from perftui.i18n import gettext as _
from perftui.model import Form
from perftui.tui import keys


class FormScreen(Screen):
    KEY_SCOPES = (keys.VIEW,)
    BINDINGS = keys.bindings(keys.VIEW)

    def __init__(self, form: Form) -> None:
        super().__init__(classes="form-view")
        keys.translate_bindings(self)
        self.form = form

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form-text"):
            if self.form.revision == 0 and not self.form.name:
                yield Static(_("新建表：表单编辑器尚未接入，这里暂时只能查看。"), classes="hint", markup=False)
            yield Static(views.form_text(self.form), markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.form.name or _("新表")
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss()

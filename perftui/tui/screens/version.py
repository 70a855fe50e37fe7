"""A form as it was at one revision, what differs from now, and a way to bring it back.

``VersionScreen(form, entry)``: ``form`` is the form as the history screen read
it (the base the revert is checked against, like any save), ``entry`` the
history entry whose revision to show. The earlier version is rebuilt from the
history in a worker. The fields that differ from now come first, marked, so
the operator sees what a revert would change before being asked; the whole
form at that revision follows.

Dismissed with True when the form was reverted, so the history can be re-read.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static


from perftui.text import views
from perftui.core.history import REVERTED, HistoryEntry
from perftui.text import history_lines
from perftui.i18n import gettext as _, ngettext
from perftui.text.errors import describe
from perftui.core.model import Form, fields_changed
from perftui.tui import keys
from perftui.tui.dialogs.confirm import ConfirmScreen
from perftui.tui.widgets.keys_footer import KeysFooter

#: Marks a changed field in words as well as colour (NO_COLOR loses nothing).
MARK = "≠ "


def differences(current: Form, earlier: Form, line_width: int) -> list[str]:
    """``≠ label  now → then`` for every field a revert to ``earlier`` would change.

    Long values continue on indented lines beneath their label; only the
    label's line carries the mark.
    """
    changes = fields_changed(current, earlier)
    if not changes:
        return []
    preview = HistoryEntry("", current.id, current.name, REVERTED, "", "", "", current.revision + 1, tuple(changes))
    lines = history_lines.change_lines(preview, line_width=line_width, indent="  ")
    return [line if line.startswith("    ") else MARK + line[2:] for line in lines]


class VersionScreen(Screen["bool"]):
    # The focus is where keys typed ahead go (perftui.tui.type_ahead): set as the screen starts.
    AUTO_FOCUS = "#version-scroll"
    KEY_SCOPES = (keys.VIEW, keys.VERSION)
    BINDINGS = keys.bindings(keys.VIEW, keys.VERSION)

    def __init__(self, form: Form, entry: HistoryEntry) -> None:
        super().__init__(classes="version")
        self.form = form
        self.entry = entry
        self.earlier: Form | None = None
        self.changes: list[tuple] = []

    @property
    def revision(self) -> int:
        return self.entry.revision

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="version-scroll"):
            yield Static(_("正在还原修订 {revision}……").format(revision=self.revision), id="version-head", markup=False)
            yield Static("", id="version-changes", markup=False)
            yield Static("", id="version-text", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = _("{name}：修订 {revision}").format(name=self.form.name or _("（未命名）"), revision=self.revision)
        self.load()

    @work(thread=True, exclusive=True, group="version")
    def load(self) -> None:
        database = self.app.database
        if database is None:
            return
        try:
            earlier = database.version_at(self.form.id, self.revision)
        except Exception as error:  # HistoryError, storage errors: one line
            self.app.call_from_thread(self._failed, describe(error))
            return
        self.app.call_from_thread(self._show, earlier)

    def _failed(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#version-head", Static).update(message)

    def _show(self, earlier: Form) -> None:
        if not self.is_attached:
            return
        self.earlier = earlier
        self.changes = fields_changed(self.form, earlier)
        line_width = max(40, self.size.width - 4)
        entry = self.entry
        head = Text(
            _("修订 {revision}：{when} {who} {action}").format(
                revision=self.revision,
                when=history_lines.when_text(entry.at),
                who=entry.who,
                action=history_lines.action_label(entry.action),
            ),
            style="bold",
        )
        head.append("\n")
        if not self.changes:
            head.append(_("与现在（修订 {current}）的内容相同。").format(current=self.form.revision))
        else:
            head.append(
                ngettext(
                    "与现在（修订 {current}）不同的栏目有 {n} 个（现在 → 当时）；按 {revert} 回退到这个修订。",
                    "与现在（修订 {current}）不同的栏目有 {n} 个（现在 → 当时）；按 {revert} 回退到这个修订。",
                    len(self.changes),
                ).format(
                    current=self.form.revision, n=len(self.changes), revert=keys.shown(self.app, "version.revert")
                )
            )
        self.query_one("#version-head", Static).update(head)
        changed = self.query_one("#version-changes", Static)
        changed.update("\n".join(differences(self.form, earlier, line_width)))
        changed.display = bool(self.changes)
        self.query_one("#version-text", Static).update(views.form_text(earlier, line_width=line_width))

    # -- actions -------------------------------------------------------------------------

    def action_revert(self) -> None:
        if self.app.refuse_write(keys.label("version.revert")):
            return
        earlier = self.earlier
        if earlier is None:
            return  # still being rebuilt (or could not be)
        name = self.form.name or _("（未命名）")
        if not self.changes:
            self.notify(
                _("“{name}”的修订 {revision} 与现在的内容相同，无需回退。").format(name=name, revision=self.revision),
                markup=False,
            )
            return
        question = ngettext(
            "把“{name}”从修订 {current} 回退到修订 {revision}？\n将改动 {n} 个栏目；回退作为一次新的修改记入历史。",
            "把“{name}”从修订 {current} 回退到修订 {revision}？\n将改动 {n} 个栏目；回退作为一次新的修改记入历史。",
            len(self.changes),
        ).format(name=name, current=self.form.revision, revision=self.revision, n=len(self.changes))

        def reverted(_form: Form) -> None:
            if self.is_current:  # the operator may have left meanwhile
                self.dismiss(True)

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.revert_form(self.form, self.revision, then=reverted)

        self.app.push_screen(ConfirmScreen(question, confirm=_("确定回退")), answer)

    def action_close(self) -> None:
        self.dismiss(False)

"""Typed messages between the app's screens and widgets.

Screens never reach into each other: an editor that saved a form posts
:class:`FormSaved`; the app refreshes the list and the summary pane. While the
operator types, the editor posts :class:`DraftChanged` so the summary pane can
show the effect of the unsaved figures, marked as unsaved.
"""

from __future__ import annotations

from textual.message import Message

from perftui.core.evaluation import Evaluation
from perftui.core.model import Form
from perftui.core.monitoring import Monitoring


class FormSaved(Message):
    """A form was stored (created, edited, copied, restored); ``form`` is as stored now."""

    def __init__(self, form: Form) -> None:
        super().__init__()
        self.form = form


class FormDeleted(Message):
    """A form was marked deleted (it can be restored)."""

    def __init__(self, form: Form) -> None:
        super().__init__()
        self.form = form


class DraftChanged(Message):
    """The form being edited differs from the stored one (``draft``), or no longer does (None).

    ``original`` is the form as it was opened (None for a new form), so the
    summary can subtract it and add the draft without re-summing every form.
    """

    def __init__(self, original: Form | None, draft: Form | None) -> None:
        super().__init__()
        self.original = original
        self.draft = draft


class DatabaseChanged(Message):
    """The database file changed on disk (another operator's process wrote it)."""


class TotalsWanted(Message):
    """A :class:`~perftui.tui.widgets.summary.TotalsLine` appeared or changed its year: fill it in.

    Posted by the line itself, so a screen that shows one needs no wiring, and
    without the app (the editor's test host) the line simply stays hidden.
    """


class RecordSaved(Message):
    """A form's 监控 or 自评 was stored; ``record`` is as stored now."""

    def __init__(self, record: Monitoring | Evaluation) -> None:
        super().__init__()
        self.record = record

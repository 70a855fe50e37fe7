"""Saving and leaving, the same way in the form editor and the indicator grid.

A screen that edits a form is a :class:`SavingScreen`: it says what its draft
is now (:meth:`current_draft`) and how to show a form (:meth:`load_form`); this
class does the rest:

- ctrl+s saves through the store's ``save`` in a thread worker, so a slow
  disk or a held lock never freezes the screen; errors are shown in one line
  (:func:`perftui.text.errors.describe`) and the edits stay on screen. In the app
  the store is its :class:`~perftui.tui.state.database.Database`, whose lock keeps a
  save from running beside the watcher's reads; a bare :class:`Repository` does
  as well where nothing else shares it (tests, ``editor_host``). In read-only
  mode the app refuses the save in one line before anything is tried.
- A save refused because someone else saved first opens the conflict dialog:
  reload theirs, keep mine (asked twice, recorded as an overwrite), or keep editing.
- Leaving with unsaved changes asks: save, discard or stay.
- While the draft differs from the stored form the app hears
  :class:`DraftChanged`; after a save, :class:`FormSaved`.

The screen is dismissed with the form as last saved (None if it never was).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol

from textual.screen import Screen

from perftui.core.form_edit import Draft, is_changed
from perftui.i18n import gettext as _
from perftui.core.model import Form
from perftui.core.conflict import Conflict
from perftui.tui import keys
from perftui.tui.dialogs.conflict import OVERWRITE, RELOAD, ConflictScreen
from perftui.tui.type_ahead import TypeAhead
from perftui.tui.writes import run_write
from perftui.tui.dialogs.choice import DISCARD, SAVE, ConfirmOverwriteScreen, UnsavedChangesScreen
from perftui.services.unsaved import UnsavedEdits
from perftui.tui.events import DatabaseChanged, DraftChanged, FormSaved

#: Seconds between keeping the unsaved edits on disk while nothing changes.
KEEP_EVERY = 5.0

_CURRENT = object()


class FormStore(Protocol):
    """Where an editor saves: a :class:`~perftui.services.repository.Repository`, or the app's
    :class:`~perftui.tui.state.database.Database` (the same calls, under its lock)."""

    @property
    def read_only(self) -> bool: ...

    def save(self, form: Form, *, action: str | None = None, force: bool = False) -> Form: ...


class SavingScreen(Screen):
    """The save, conflict and leave rules; subclasses supply the draft."""

    #: The id of this screen's save key: its name is what read-only mode says cannot be done.
    SAVE_KEY: ClassVar[str] = "editor.save"

    def __init__(self, repository: FormStore, original: Form | None, *, action: str | None = None) -> None:
        super().__init__()
        self.repository = repository
        #: The form as stored when opened or last saved (None: never stored).
        self.original = original
        #: The history action for the first save ("copy" for a copied form).
        self.save_action = action
        #: A form never stored, as it was opened (a new form with its year filled in): until
        #: something else is typed it is not a change, so leaving it asks nothing. None: a
        #: blank form (a copy, never stored either, is a change from the moment it opens).
        self.pristine: Form | None = None
        self.last_saved: Form | None = None
        self.saving = False
        #: Left (dismissed): what its fields still do as they are taken down (a blur re-checks
        #: the draft) must neither show anything nor keep the edits again.
        self.gone = False
        self._holding_keys = False  # the app keeps the keys typed while a save runs (see _hold_keys)
        self._draft_posted: Form | None = None
        #: Run once after the next successful save (quitting after "save" was chosen).
        self._after_next_save: Callable[[], None] | None = None
        #: The form as another operator stored it since it was opened here (None: not known to have moved).
        self.stored_since: Form | None = None
        self._told_about: tuple[int, bool] | None = None

    def on_mount(self) -> None:
        # Read-only: the footer leaves the save key out; pressed, it still says why (KeysFooter).
        # Besides every change: a connection can drop between two changes, too.
        self.set_interval(KEEP_EVERY, self.keep_unsaved)

    # -- what subclasses supply ----------------------------------------------

    def current_draft(self) -> Draft:
        raise NotImplementedError

    def load_form(self, form: Form) -> None:
        """Show ``form`` as the starting point of the edit (after reloading theirs)."""
        raise NotImplementedError

    def show_problem(self, key: str) -> None:
        """Bring the first field that cannot be read into view (optional)."""

    def after_save(self, saved: Form) -> None:
        """The stored form changed (saved or reloaded): refresh what shows it."""

    # -- what a screen that saves something else than a form changes -----------
    # (the 监控 and 自评 screens, :mod:`perftui.tui.tracking.record_screen`)

    def store(self, item: Form, *, action: str | None, force: bool) -> Form:
        """Store ``item`` (runs in a worker thread); raises :class:`Conflict` for a stale one."""
        return self.repository.save(item, action=action, force=force)

    def announce_saved(self, saved: Form) -> None:
        self.app.post_message(FormSaved(saved))

    def saved_notice(self, saved: Form) -> str:
        return _("已保存“{name}”（修订 {revision}）").format(name=saved.name, revision=saved.revision)

    def conflict_screen(self, conflict: Conflict) -> Screen:
        return ConflictScreen(self.original, conflict.mine, conflict.theirs)

    def unsaved_edits(self) -> UnsavedEdits | None:
        """What a recovery file should hold now (None: nothing unsaved)."""
        return None

    def unsaved_id(self) -> str | None:
        """The id a recovery file of this screen's edits is kept under (None: it keeps none)."""
        return None

    # -- someone else's save ---------------------------------------------------

    def on_database_changed(self, message: DatabaseChanged) -> None:
        """Another process wrote the database: say at once if it was this form (saved or deleted)."""
        original = self.original
        catalog = getattr(self.app, "catalog", None)
        if not isinstance(original, Form) or catalog is None or not self.saves_itself:
            return  # (a 监控/自评 record is not a form of the catalog)
        entry = catalog.get(original.id)
        if entry is not None and entry.revision == original.revision:
            return
        if entry is not None and entry.form is None:
            # The list holds this form as a server's columns: the form itself is read now.
            self.app.with_form(original.id, self._stored_moved, gone=lambda: self._stored_moved(None))
            return
        self._stored_moved(entry.form if entry is not None else None)

    def _stored_moved(self, theirs: Form | None) -> None:
        """The stored form is now ``theirs`` (None: deleted), not the revision this editor started from."""
        original = self.original
        if theirs is not None and theirs.revision == original.revision:
            return
        about = (theirs.revision if theirs else 0, theirs is None)
        if about == self._told_about:
            return
        self._told_about = about
        self.stored_since = theirs
        if theirs is None:
            text = _("“{name}”刚被他人删除；你的修改还在，保存时会先问你怎么办。").format(name=original.name)
        else:
            text = _("{who}刚保存了“{name}”（修订 {revision}，你打开的是修订 {base}）；保存时会先显示双方的改动。").format(
                who=theirs.updated_by or _("另一位操作员"), name=theirs.name, revision=theirs.revision,
                base=original.revision,
            )
        self.notify(text, severity="warning", timeout=20, markup=False)
        self.stored_changed()

    def stored_changed(self) -> None:
        """:attr:`stored_since` changed: show it (the title says so)."""

    def stored_note(self) -> str:
        """For a title: someone else saved or deleted this form since it was opened here."""
        if self._told_about is None or self.original is None:
            return ""
        if self.stored_since is None:
            return _("已被他人删除")
        if self.stored_since.revision == self.original.revision:
            return ""
        return _("他人已保存修订 {revision}").format(revision=self.stored_since.revision)

    # -- unsaved edits on disk -------------------------------------------------

    def keep_unsaved(self) -> None:
        """Hand the unsaved edits to the app's keeper (written off the UI thread), or say there are none."""
        keeper = getattr(self.app, "unsaved", None)
        form_id = self.unsaved_id()
        if keeper is None or form_id is None or self.gone:
            return
        edits = self.unsaved_edits()
        if edits is not None:
            keeper.keep(edits)
        else:
            keeper.forget(form_id)

    def forget_unsaved(self) -> None:
        """The edits were discarded on purpose: no recovery file."""
        keeper = getattr(self.app, "unsaved", None)
        form_id = self.unsaved_id()
        if keeper is not None and form_id is not None:
            keeper.forget(form_id)

    # -- state ---------------------------------------------------------------

    @property
    def form_name(self) -> str:
        return self.current_draft().form.name

    def differs(self, form: Form) -> bool:
        """Is ``form`` a change from what is stored (or, for a new form, from how it opened)?"""
        return is_changed(self.original if self.original is not None else self.pristine, form)

    def is_dirty(self) -> bool:
        draft = self.current_draft()
        return bool(draft.problems) or self.differs(draft.form)

    def has_unsaved(self) -> bool:
        """Would quitting now lose anything typed here? (The grid adds rows not yet in a draft.)"""
        return self.is_dirty()

    @property
    def saves_itself(self) -> bool:
        """False for a screen whose edits are saved by the screen below it (the editor's grid)."""
        return True

    def announce_draft(self, draft: Draft | None = None) -> None:
        """Tell the app about the unsaved figures (or that there are none any more).

        A draft with unreadable fields is not announced: it has no figure yet,
        and the summary keeps the last readable one.
        """
        draft = draft or self.current_draft()
        if draft.problems:
            return
        if self.differs(draft.form):
            if draft.form != self._draft_posted:  # said once per different figure
                self.app.post_message(DraftChanged(self.original, draft.form))
                self._draft_posted = draft.form
        elif self._draft_posted is not None:
            self.withdraw_draft()

    def withdraw_draft(self, original: Form | None | object = _CURRENT) -> None:
        """Tell the app the unsaved figures are gone (saved, reloaded or discarded)."""
        if self._draft_posted is not None:
            self.app.post_message(DraftChanged(self.original if original is _CURRENT else original, None))  # type: ignore[arg-type]
            self._draft_posted = None

    # -- saving --------------------------------------------------------------

    def action_save(self) -> None:
        self.save_draft()

    def save_then(self, then: Callable[[], None]) -> None:
        """Save as ctrl+s does, and run ``then`` if (and only if) the save succeeds."""
        self.when_saved(then)
        self.action_save()

    def when_saved(self, then: Callable[[], None]) -> None:
        """Run ``then`` after the next save if it succeeds (a refused or failed save forgets it)."""
        self._after_next_save = then

    def save_draft(self, *, leave: bool = False, force: bool = False) -> None:
        if self.app.refuse_write(keys.label(self.SAVE_KEY)):
            self._after_next_save = None
            return
        if self.saving:
            self._after_next_save = None
            self.notify(_("正在保存，请稍候"), severity="warning")
            return
        draft = self.current_draft()
        if draft.problems:
            key, message = next(iter(draft.problems.items()))
            self.notify(
                _("有{count}处输入无法识别，未保存：{message}").format(count=len(draft.problems), message=message),
                severity="error",
                timeout=8,
            )
            self._after_next_save = None
            self.show_problem(key)
            return
        if not self.differs(draft.form) and not force:
            if leave:
                self.leave()
            elif self._after_next_save is not None:
                self._run_after_save()
            else:
                self.notify(_("没有需要保存的修改"))
            return
        self.saving = True
        self.set_class(True, "-saving")
        self._hold_keys()
        self._store(draft.form, leave=leave, force=force)

    def _store(self, form: Form, *, leave: bool, force: bool) -> None:
        action = self.save_action if form.revision == 0 else None
        run_write(
            self,
            lambda: self.store(form, action=action, force=force),
            lambda saved: self._saved(saved, leave),
            self._failed,
            conflict=lambda conflict: self._conflict(conflict, leave),
        )

    def _hold_keys(self) -> None:
        """Keep the keys typed while the save runs for when it is done.

        Over SSH "save, close, quit" can arrive in one packet: refused while the
        save ran ("正在保存"), the keys after ctrl+s were lost. Held, they go on
        once the save is answered, to whatever it left on screen.
        """
        if isinstance(self.app, TypeAhead) and not self._holding_keys:
            self._holding_keys = True
            self.app.hold_keys()

    def _done(self) -> None:
        self.saving = False
        self.set_class(False, "-saving")
        if self._holding_keys:
            # Sent on by messages: they arrive after what this save's answer does now.
            self._holding_keys = False
            self.app.release_keys()  # type: ignore[attr-defined]

    def _saved(self, saved: Form, leave: bool) -> None:
        self._done()
        previous = self.original
        self.original = self.last_saved = saved
        self.withdraw_draft(previous)
        self.announce_saved(saved)
        self.after_save(saved)
        self.keep_unsaved()  # nothing left unsaved: the recovery file goes
        self.notify(self.saved_notice(saved))
        if leave:
            self.gone = True
            self.dismiss(saved)
        self._run_after_save()

    def _run_after_save(self) -> None:
        then, self._after_next_save = self._after_next_save, None
        if then is not None:
            then()

    def _failed(self, message: str) -> None:
        self._done()
        self._after_next_save = None  # not saved: whatever waited for the save does not happen
        self.notify(message, title=_("未保存"), severity="error", timeout=12)

    def _conflict(self, conflict: Conflict, leave: bool) -> None:
        self._done()
        self._after_next_save = None

        def answered(answer: str | None) -> None:
            if answer == RELOAD and conflict.theirs is not None:
                self.reload(conflict.theirs)
            elif answer == OVERWRITE:
                self._confirm_overwrite(conflict, leave)

        self.app.push_screen(self.conflict_screen(conflict), answered)

    def _confirm_overwrite(self, conflict: Conflict, leave: bool) -> None:
        theirs = conflict.theirs
        who = (theirs.updated_by if theirs else "") or _("对方")

        def confirmed(answer: str | None) -> None:
            if answer == "yes":
                self.save_draft(leave=leave, force=True)

        self.app.push_screen(ConfirmOverwriteScreen(self.form_name, who), confirmed)

    def reload(self, theirs: Form) -> None:
        """Drop the edits and start again from the form as stored now."""
        previous = self.original
        self.original = theirs
        self.withdraw_draft(previous)
        self.load_form(theirs)
        self.after_save(theirs)
        self.notify(_("已载入对方保存的版本"))

    # -- leaving -------------------------------------------------------------

    def action_leave(self) -> None:
        if self.saving:
            self.notify(_("正在保存，请稍候"), severity="warning")
            return
        if not self.is_dirty():
            self.leave()
            return

        def answered(answer: str | None) -> None:
            if answer == SAVE:
                self.save_draft(leave=True)
            elif answer == DISCARD:
                self.leave()

        self.app.push_screen(UnsavedChangesScreen(self.form_name, can_save=not getattr(self.app, "read_only", False)), answered)

    def leave(self) -> None:
        self.gone = True
        self.withdraw_draft()
        if self.saves_itself:
            self.forget_unsaved()
        self.dismiss(self.last_saved)


"""Forms in a store: the operations the CLI and the TUI perform, each with its history.

The store (:mod:`storage`) deals in JSON documents; this module turns them into
:class:`~perftui.model.Form` records and back, and records who changed what in
the ``history`` table in the same atomic write as the change itself, so the
history can never disagree with the forms.

A deleted form stays in the ``forms`` table, marked ``deleted_at``, so it can be
listed and brought back; lookups and totals skip it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import storage
from perftui.config import Actor, current_actor
from perftui.model import Form, fields_changed, sort_key

FORMS = "forms"
HISTORY = "history"

# What a history entry says happened.
CREATED, IMPORTED, SAVED, DELETED, RESTORED, COPIED, REVERTED = (
    "create", "import", "save", "delete", "restore", "copy", "revert",
)
#: A forced save that replaced someone else's newer revision ("keep mine").
OVERWRITTEN = "overwrite"


class Conflict(Exception):
    """The form changed (or vanished) in the database since it was read.

    ``theirs`` is the form as stored now (None if it was deleted); the caller
    decides: reload theirs, keep editing, or overwrite on purpose.
    """

    def __init__(self, mine: Form, theirs: Form | None):
        self.mine, self.theirs = mine, theirs
        if theirs is None:
            message = f"“{mine.name}” was deleted by someone else"
        else:
            who = theirs.updated_by or "someone else"
            message = f"“{mine.name}” was changed by {who} (revision {theirs.revision}, yours is {mine.revision})"
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    id: str
    form_id: str
    form_name: str
    action: str
    at: str
    by: str
    client: str
    revision: int
    changes: tuple[tuple[str, Any, Any], ...] = ()

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> HistoryEntry:
        return cls(
            doc["id"],
            doc.get("form_id", ""),
            doc.get("form_name", ""),
            doc.get("action", ""),
            doc.get("at", ""),
            doc.get("by", ""),
            doc.get("client", ""),
            int(doc.get("revision") or 0),
            tuple(tuple(change) for change in doc.get("changes") or ()),  # type: ignore[misc]
        )


@dataclass
class ImportReport:
    """What an import did, form by form."""

    added: list[Form] = field(default_factory=list)
    updated: list[Form] = field(default_factory=list)
    unchanged: list[Form] = field(default_factory=list)

    @property
    def forms(self) -> list[Form]:
        return [*self.added, *self.updated, *self.unchanged]

    @property
    def indicators(self) -> int:
        return sum(len(form.indicators) for form in self.forms)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _content(form: Form) -> dict[str, Any]:
    """A form's document without what the store and the repository set themselves."""
    doc = form.to_doc()
    for key in ("id", "revision", "updated_at", "updated_by"):
        doc.pop(key)
    return doc


def _is_live(doc: dict[str, Any]) -> bool:
    return not doc.get("deleted_at")


class Repository:
    """Forms in one store, changed on behalf of one actor."""

    def __init__(self, store: storage.Store, actor: Actor | None = None):
        self.store = store
        self.actor = actor or current_actor()
        self._cache_token: Hashable | None = None
        self._cache: tuple[list[Form], list[Form]] = ([], [])

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, **store_options: Any) -> Repository:
        return cls(storage.JsonFileStore(path, read_only=read_only, **store_options))

    @property
    def path(self) -> str:
        return getattr(self.store, "path", "")

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    # -- reading ---------------------------------------------------------

    def _load(self) -> tuple[list[Form], list[Form]]:
        snapshot = self.store.read()
        if snapshot.token != self._cache_token:
            live, deleted = [], []
            for doc in snapshot.documents(FORMS):
                (live if _is_live(doc) else deleted).append(Form.from_doc(doc))
            live.sort(key=sort_key)
            deleted.sort(key=sort_key)
            self._cache_token, self._cache = snapshot.token, (live, deleted)
        return self._cache

    @property
    def token(self) -> Hashable | None:
        """The snapshot the last read came from; see :meth:`changed`."""
        return self._cache_token

    def changed(self) -> bool:
        """Has the database changed since the last read (one stat, no parsing)?"""
        return self._cache_token is None or self.store.changed_since(self._cache_token)

    def forms(self, year: int | None = None) -> list[Form]:
        """Live forms, newest year first, then by name."""
        live = self._load()[0]
        return [f for f in live if f.year == year] if year is not None else list(live)

    def deleted_forms(self) -> list[Form]:
        return list(self._load()[1])

    def years(self) -> list[int]:
        return sorted({f.year for f in self.forms() if f.year is not None}, reverse=True)

    def get(self, form_id: str) -> Form | None:
        for form in self.forms():
            if form.id == form_id:
                return form
        return None

    def lookup(self, query: str, *, include_deleted: bool = False) -> list[Form]:
        """Forms a person means by ``query``: an id (or its start), else a part of the name."""
        query = query.strip()
        pool = self.forms() + (self.deleted_forms() if include_deleted else [])
        exact = [f for f in pool if f.id == query or f.name == query]
        if exact:
            return exact
        by_id = [f for f in pool if len(query) >= 4 and f.id.startswith(query.lower())]
        if by_id:
            return by_id
        needle = query.casefold()
        return [f for f in pool if needle in f.name.casefold()]

    def history(self, form_id: str | None = None) -> list[HistoryEntry]:
        entries = [HistoryEntry.from_doc(doc) for doc in self.store.read().documents(HISTORY)]
        if form_id is not None:
            entries = [e for e in entries if e.form_id == form_id]
        return sorted(entries, key=lambda e: e.at)

    # -- changing --------------------------------------------------------

    def _stamp(self, form: Form) -> Form:
        return form.evolve(updated_at=_now(), updated_by=self.actor.describe())

    def _record(self, tx: storage.Transaction, action: str, old: Form | None, new: Form, revision: int) -> None:
        changes = fields_changed(old or Form(id=new.id, layout=new.layout), new) if action != DELETED else []
        tx.append(
            HISTORY,
            {
                "form_id": new.id,
                "form_name": new.name,
                "action": action,
                "at": new.updated_at or _now(),
                "by": self.actor.user,
                "client": self.actor.client,
                "revision": revision,
                "changes": [list(change) for change in changes],
            },
        )

    def _stored(self, tx: storage.Transaction, form_id: str) -> Form | None:
        doc = tx.get(FORMS, form_id)
        return Form.from_doc(doc) if doc else None

    def _replace(self, tx: storage.Transaction, form: Form, base: int, **extra: Any) -> Form:
        try:
            doc = tx.replace(FORMS, form.to_doc() | extra, base)
        except storage.ConflictError as error:
            current = error.current
            theirs = Form.from_doc(current) if current and _is_live(current) else None
            raise Conflict(form, theirs) from None
        return Form.from_doc(doc)

    def save(self, form: Form, *, action: str | None = None, force: bool = False) -> Form:
        """Store ``form``: a new one (revision 0) or a change based on ``form.revision``.

        Raises :class:`Conflict` when the stored form is not the revision the
        edit started from; with ``force`` (the operator confirmed "keep mine"),
        it overwrites whatever is stored now, and the history says so.
        """
        with self.store.transaction() as tx:
            stamped = self._stamp(form)
            if form.revision == 0:
                saved = Form.from_doc(tx.insert(FORMS, stamped.to_doc()))
                self._record(tx, action or CREATED, None, saved, saved.revision)
                return saved
            old = self._stored(tx, form.id)
            base = form.revision
            if force and old is not None and old.revision != base:
                base = old.revision
                action = action or OVERWRITTEN
            saved = self._replace(tx, stamped, base)
            self._record(tx, action or SAVED, old, saved, saved.revision)
            return saved

    def delete(self, form: Form) -> Form:
        """Mark ``form`` deleted (it can be restored); refuses if it changed meanwhile."""
        with self.store.transaction() as tx:
            stamped = self._stamp(form)
            deleted = self._replace(tx, stamped, form.revision, deleted_at=stamped.updated_at)
            self._record(tx, DELETED, form, deleted, deleted.revision)
            return deleted

    def restore(self, form_id: str) -> Form:
        """Bring a deleted form back."""
        with self.store.transaction() as tx:
            doc = tx.get(FORMS, form_id)
            if doc is None or _is_live(doc):
                raise KeyError(form_id)
            old = Form.from_doc(doc)
            restored = self._replace(tx, self._stamp(old), old.revision)
            self._record(tx, RESTORED, old, restored, restored.revision)
            return restored

    def import_forms(self, forms: Iterable[Form]) -> ImportReport:
        """Add new forms, update changed ones, leave identical ones alone, in one write.

        A form is "the same form" when its 年度, 项目名称 and 实施单位 are; a deleted
        form imported again comes back. Nothing is written when nothing changed.
        """
        report = ImportReport()
        with self.store.transaction() as tx:
            existing: dict[tuple, dict[str, Any]] = {}
            for doc in tx.documents(FORMS):
                existing.setdefault(Form.from_doc(doc).identity, doc)
            for incoming in forms:
                doc = existing.get(incoming.identity)
                if doc is None:
                    saved = Form.from_doc(tx.insert(FORMS, self._stamp(incoming).to_doc()))
                    self._record(tx, IMPORTED, None, saved, saved.revision)
                    existing[saved.identity] = saved.to_doc()
                    report.added.append(saved)
                    continue
                old = Form.from_doc(doc)
                if _is_live(doc) and _content(old) == _content(incoming.evolve(id=old.id)):
                    report.unchanged.append(old)
                    continue
                updated = self._stamp(incoming.evolve(id=old.id, revision=old.revision))
                saved = Form.from_doc(tx.replace(FORMS, updated.to_doc(), old.revision))
                self._record(tx, IMPORTED, old, saved, saved.revision)
                existing[saved.identity] = saved.to_doc()
                report.updated.append(saved)
        return report

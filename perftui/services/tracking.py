"""监控 and 自评 records in the store: read, saved with their history, stale saves refused.

Each record is a document of its own in its own revisioned table
(``monitoring``, ``evaluations``) of the forms' database, linked to its form by
the form's id and year; a form has at most one of each. Saving works as for
forms (:class:`~perftui.services.repository.Repository`): a save based on a
revision that is no longer the stored one raises :class:`RecordConflict`
carrying theirs, ``force`` overwrites on purpose, and every change appends a
history entry in the same atomic write. History entries of a record carry the
record's id as ``form_id`` (so a form's own history never mixes with them),
``record`` (its kind) and ``record_form`` (its form's id).

Records of deleted forms stay stored and come back with their form; the
lists here hold the records of live forms only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import storage
from perftui.core import evaluation as _evaluation
from perftui.core import monitoring as _monitoring
from perftui.core.evaluation import Evaluation
from perftui.core.history import CREATED, IMPORTED, OVERWRITTEN, SAVED, HistoryEntry, entry_doc
from perftui.core.model import Form
from perftui.core.monitoring import Monitoring
from perftui.core.tracking import EVALUATION, KIND_LABELS, MONITORING
from perftui.i18n import gettext as _
from perftui.core.conflict import Conflict
from perftui.services.repository import EVALUATIONS, FORMS, MONITORINGS, Repository, _retrying_stale

Record = TypeVar("Record", Monitoring, Evaluation)


@dataclass(frozen=True)
class Kind(Generic[Record]):
    """What differs between the two kinds of record: table, class, how changes are listed."""

    key: str  # MONITORING or EVALUATION
    table: str
    record: type
    changes: Callable[[Any, Any], list[tuple[str, Any, Any]]]

    @property
    def label(self) -> str:
        return _(KIND_LABELS[self.key])


MONITORING_KIND: Kind[Monitoring] = Kind(MONITORING, MONITORINGS, Monitoring, _monitoring.changes)
EVALUATION_KIND: Kind[Evaluation] = Kind(EVALUATION, EVALUATIONS, Evaluation, _evaluation.changes)
KINDS = {MONITORING: MONITORING_KIND, EVALUATION: EVALUATION_KIND}


def kind_of(record: Monitoring | Evaluation) -> Kind:
    return MONITORING_KIND if isinstance(record, Monitoring) else EVALUATION_KIND


class RecordConflict(Conflict):
    """The record changed (or its form vanished) since it was read; ``theirs`` is the stored one.

    A :class:`Conflict`, so that everything that handles a form's conflict
    handles this one too.
    """

    def __init__(self, mine: Monitoring | Evaluation, theirs: Monitoring | Evaluation | None, form_name: str):
        self.mine, self.theirs = mine, theirs  # type: ignore[assignment]
        self.form_name = form_name
        what = kind_of(mine).label
        if theirs is None:
            message = _("“{name}”的{what}已被他人删除").format(name=form_name, what=what)
        else:
            message = _("“{name}”的{what}已被 {who} 修改（修订 {theirs}，你的是修订 {mine}）").format(
                name=form_name, what=what, who=theirs.updated_by or _("他人"), theirs=theirs.revision, mine=mine.revision
            )
        Exception.__init__(self, message)

    @property
    def name(self) -> str:
        return self.form_name


class FormGone(LookupError):
    """The record's form is not (or no longer) a live form; str() is one line."""


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def history_name(form: Form, kind: Kind) -> str:
    """How the history names a record: its form's name and, untranslated as stored data, its kind."""
    return f"{form.name}（{KIND_LABELS[kind.key]}）"


class Tracking:
    """The 监控 and 自评 records of a :class:`Repository`'s forms, changed on behalf of its actor."""

    def __init__(self, repository: Repository):
        self.repository = repository
        self._token: Hashable | None = None
        self._cache: dict[str, dict[str, Any]] = {}

    @property
    def read_only(self) -> bool:
        return self.repository.read_only

    # -- reading ------------------------------------------------------------------

    def _record(self, kind: Kind, doc: dict[str, Any]):
        try:
            return kind.record.from_doc(doc)
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise storage.DamagedFileError(self.repository.path, f"{kind.table} {doc.get('id')!r}: {error}") from None

    def _all(self, kind: Kind) -> dict[str, Any]:
        """Every stored record of ``kind`` by its form's id (deleted forms' too)."""
        snapshot = self.repository.store.read()
        if snapshot.token != self._token:
            self._cache, self._token = {}, snapshot.token
        records = self._cache.get(kind.key)
        if records is None:
            records = {}
            for doc in snapshot.view(kind.table):
                record = self._record(kind, dict(doc))
                records.setdefault(record.form_id, record)
            self._cache[kind.key] = records
        return records

    def stored(self) -> tuple[dict[str, Monitoring], dict[str, Evaluation]]:
        """Every stored 监控 and 自评 by form id, deleted forms' too (for a caller that knows the live forms)."""
        return self._all(MONITORING_KIND), self._all(EVALUATION_KIND)

    def _live(self, kind: Kind, year: int | None) -> dict[str, Any]:
        forms = {form.id for form in self.repository.forms(year)}
        return {form_id: record for form_id, record in self._all(kind).items() if form_id in forms}

    def monitorings(self, year: int | None = None) -> dict[str, Monitoring]:
        """The 监控 of each live form (of ``year``), by form id."""
        return self._live(MONITORING_KIND, year)

    def evaluations(self, year: int | None = None) -> dict[str, Evaluation]:
        """The 自评 of each live form (of ``year``), by form id."""
        return self._live(EVALUATION_KIND, year)

    def monitoring(self, form: Form) -> Monitoring | None:
        """The form's stored 监控 (rows as stored; :func:`perftui.core.monitoring.for_form` aligns them)."""
        return self._all(MONITORING_KIND).get(form.id)

    def evaluation(self, form: Form) -> Evaluation | None:
        """The form's stored 自评 (rows as stored; :func:`perftui.core.evaluation.for_form` aligns them)."""
        return self._all(EVALUATION_KIND).get(form.id)

    def history(self, record: Monitoring | Evaluation) -> list[HistoryEntry]:
        return self.repository.history(record.id)

    def form_history(self, form: Form) -> list[HistoryEntry]:
        """The form's history with its 监控's and 自评's, in the order the changes were made: what
        an operator asking for a project's history means (``perftui history NAME``)."""
        records = (self._all(kind).get(form.id) for kind in (MONITORING_KIND, EVALUATION_KIND))
        return self.repository.history_of([form.id, *(record.id for record in records if record is not None)])

    # -- changing ---------------------------------------------------------------------

    @_retrying_stale
    def save(self, record: Record, *, force: bool = False, action: str | None = None) -> Record:
        """Store a 监控 or 自评: a new one (revision 0) or a change based on ``record.revision``.

        Raises :class:`RecordConflict` when the stored record is not the
        revision the edit started from, or when someone else created the
        form's record meanwhile; ``force`` overwrites theirs (the history
        says so). Raises :class:`FormGone` when the form is deleted.
        """
        kind = kind_of(record)
        with self.repository._writing() as tx:
            form = self._live_form(tx, record.form_id)
            saved = self._store(tx, kind, form, record, force=force, action=action)
        return saved

    def save_record(self, record: Record, *, force: bool = False) -> Record:
        """:meth:`save`, by the name the tracking screens call (the app's Database has it too)."""
        return self.save(record, force=force)

    def save_monitoring(self, record: Monitoring, *, force: bool = False) -> Monitoring:
        return self.save(record, force=force)

    def save_evaluation(self, record: Evaluation, *, force: bool = False) -> Evaluation:
        return self.save(record, force=force)

    def import_records(self, pairs: Iterable[tuple[Form, Monitoring | Evaluation]]) -> list[tuple[str, Any]]:
        """Records read from published tables, each onto its form's (replacing what is stored).

        One write for all. Returns ("added" | "updated" | "unchanged", record)
        per record. A record for a form that is not live raises :class:`FormGone`.
        """
        return self._import_records(list(pairs))

    @_retrying_stale  # a retry reads afresh, so the pairs are a list it can go through again
    def _import_records(self, pairs: list[tuple[Form, Monitoring | Evaluation]]) -> list[tuple[str, Any]]:
        results: list[tuple[str, Any]] = []
        with self.repository._writing(IMPORTED) as tx:
            for form, record in pairs:
                kind = kind_of(record)
                live = self._live_form(tx, form.id)
                stored = self._stored_for(tx, kind, live.id)
                incoming = record.evolve(form_id=live.id, year=live.year)
                if stored is None:
                    results.append(("added", self._store(tx, kind, live, incoming.evolve(revision=0), action=IMPORTED)))
                    continue
                based = incoming.evolve(id=stored.id, revision=stored.revision)
                if not kind.changes(stored, based):
                    results.append(("unchanged", stored))
                    continue
                results.append(("updated", self._store(tx, kind, live, based, action=IMPORTED)))
        return results

    def import_published(self, tables: Iterable[Any]) -> list[tuple[str, Form, Any, bool]]:
        """Published 自评表 and 监控表 (:class:`perftui.importing.tracking_tables.Published`) into the
        forms of the same 年度, 项目名称 and 实施单位.

        A form not in the database yet is created from the table (its 年度指标值,
        年度资金 and 预期目标) first, in a write of its own, so an import that
        fails after it leaves a form without its record, and importing again
        adds the record. Returns (state, form, record, form created) per table.
        """
        tables = list(tables)
        live = {form.identity: form for form in self.repository.forms()}
        missing: dict[tuple, Form] = {}
        for table in tables:
            if table.form.identity not in live:
                missing.setdefault(table.form.identity, table.form)
        if missing:
            self.repository.import_forms(missing.values())
            live = {form.identity: form for form in self.repository.forms()}
        results = self.import_records((live[table.form.identity], table.record) for table in tables)
        return [
            (state, live[table.form.identity], record, table.form.identity in missing)
            for table, (state, record) in zip(tables, results)
        ]

    # -- helpers ---------------------------------------------------------------------------

    def _live_form(self, tx: storage.Transaction, form_id: str) -> Form:
        doc = tx.get(FORMS, form_id)
        if doc is None or doc.get("deleted_at"):
            raise FormGone(_("这张表已被删除，未保存"))
        return self.repository._form(doc)

    def _stored_for(self, tx: storage.Transaction, kind: Kind, form_id: str):
        for doc in tx.documents(kind.table):
            if doc.get("form_id") == form_id:
                return self._record(kind, doc)
        return None

    def _store(self, tx: storage.Transaction, kind: Kind, form: Form, record, *, force: bool = False, action: str | None = None):
        stamped = record.evolve(
            form_id=form.id, year=form.year, updated_at=_now(), updated_by=self.repository.actor.describe()
        )
        if record.revision == 0:
            existing = self._stored_for(tx, kind, form.id)
            if existing is not None:
                if not force:
                    raise RecordConflict(record, existing, form.name)
                # "Keep mine" over a record someone else created meanwhile: mine replaces theirs.
                stamped = stamped.evolve(id=existing.id)
                saved = self._replace(tx, kind, form, stamped, existing.revision)
                self._log(tx, kind, form, OVERWRITTEN, existing, saved)
                return saved
            saved = self._record(kind, tx.insert(kind.table, stamped.to_doc()))
            self._log(tx, kind, form, action or CREATED, None, saved)
            return saved
        old_doc = tx.get(kind.table, record.id)
        old = self._record(kind, old_doc) if old_doc else None
        base = record.revision
        if force and old is not None and old.revision != base:
            base, action = old.revision, action or OVERWRITTEN
        saved = self._replace(tx, kind, form, stamped, base)
        self._log(tx, kind, form, action or SAVED, old, saved)
        return saved

    def _replace(self, tx: storage.Transaction, kind: Kind, form: Form, record, base: int):
        try:
            return self._record(kind, tx.replace(kind.table, record.to_doc(), base))
        except storage.ConflictError as error:
            theirs = self._record(kind, error.current) if error.current else None
            raise RecordConflict(record, theirs, form.name) from None

    def _log(self, tx: storage.Transaction, kind: Kind, form: Form, action: str, old, new) -> None:
        # A record's creation lists what it was created with: records are few and
        # small, and there is no reconstruction of their earlier versions to lean on.
        blank = kind.record(id=new.id, form_id=new.form_id, year=new.year)
        entry = entry_doc(
            self.repository.actor,
            action,
            at=new.updated_at or _now(),
            form_id=new.id,
            form_name=history_name(form, kind),
            revision=new.revision,
            changes=kind.changes(old if old is not None else blank, new),
        )
        entry |= {"record": kind.key, "record_form": form.id}
        self.repository.append_history(tx, entry)  # chained with the forms' entries (perftui verify)

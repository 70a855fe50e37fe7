"""The app's access to the database: every call is made from a worker thread.

Textual's UI thread must never wait for the disk (a shared file on a slow
server, a lock held by another operator's save), so the app calls these from
``run_worker(..., thread=True)`` and hands the results back with
``call_from_thread``. One lock serialises this process's own calls: the watcher
polls twice a second while a save may be running in another worker.

No Textual here: the functions are tested directly.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import storage
from perftui.core.history import HistoryEntry
from perftui.core.model import Form
from perftui.core.evaluation import Evaluation
from perftui.core.monitoring import Monitoring
from perftui.core.scoring import DEFAULT_RULES, Rules
from perftui.core.tracking import EVALUATION
from perftui.core.listing import COLUMNS as LISTED_COLUMNS
from perftui.core.listing import Listed
from perftui.services.repository import FORMS, Repository
from perftui.services.tracking import Tracking
from perftui.core.totals import Totals
from perftui.tui.state.catalog import Catalog, Entry, Records, Selection, View


@dataclass(frozen=True)
class Reading:
    """What one read of the database produced."""

    catalog: Catalog
    exists: bool  # False: there is no file (a new database, or it was removed); a server database always exists


@dataclass(frozen=True)
class Preview:
    """The first screen of the list from a server, before the whole list is read.

    ``selection``: the first rows of the list in its own order (all years,
    no filter, no sort) with the server's totals over every live form, as
    not yet checked (the summary says the status is still coming);
    ``years``: every year that has forms; ``widths``: the rows' text widths.
    """

    selection: Selection
    years: list[int]
    widths: dict[str, int]


class Database:
    """A :class:`Repository` shared by the app's worker threads."""

    def __init__(
        self,
        path: Path | str,
        *,
        read_only: bool = False,
        demo: bool = False,
        backups_keep: int | None = None,
        **store_options: Any,
    ) -> None:
        """``backups_keep``: keep that many backups (a daily one before the first save of a day),
        as the CLI does; None takes none (read-only sessions write nothing to back up)."""
        self.path = path
        self.demo = demo
        self.repository = Repository.open(
            path, read_only=read_only, backups_keep=None if read_only else backups_keep, **store_options
        )
        self.repository.keep_records_only()  # the catalog keeps the forms: see Repository.keep_records_only
        self.tracking = Tracking(self.repository)
        #: How the 自评 are scored (``[scoring]`` in config.toml); the app sets it.
        self.rules: Rules = DEFAULT_RULES
        self.lock = threading.Lock()
        #: On a database server: the token of the last reading (the forms are never all read,
        #: so the repository's own token says nothing).
        self._server_token: Hashable | None = None
        self._server: bool | None = None

    @property
    def read_only(self) -> bool:
        return self.repository.read_only

    def prepare(self) -> None:
        """First use of the demo database: import the bundled forms."""
        if self.demo:
            from perftui.demo import ensure_demo

            with self.lock:
                ensure_demo(self.repository)

    @property
    def server(self) -> bool:
        """Does the store answer queries on its columns (a database server)? Then the forms are never all read."""
        if self._server is None:
            self._server = hasattr(self.repository.store, "wait_for_change")
        return self._server

    def _token(self) -> Hashable | None:
        return self._server_token if self.server else self.repository.token

    def changed(self) -> bool:
        with self.lock:
            if self.server:
                token = self._server_token
                return token is None or self.repository.store.changed_since(token)
            return self.repository.changed()

    def wait_for_change(self, timeout: float) -> bool | None:
        """Block until the server says someone committed (True) or ``timeout`` passes (False).

        None when the store cannot tell (a file): then poll :meth:`changed`.
        Does not hold :attr:`lock`: this process's saves go on meanwhile.
        """
        wait = getattr(self.repository.store, "wait_for_change", None)
        token = self._token()
        if wait is None or token is None:
            return None
        return wait(token, timeout)

    def read(self, previous: Catalog | None = None) -> Reading:
        """Every form with its 监控 and 自评; forms unchanged since ``previous`` are not checked again.

        A re-read (``previous`` given) comes back checked. The first read
        does not: the app shows it at once and checks the forms afterwards
        (:meth:`Catalog.warm`, in its worker).
        """
        if self.server:
            return self._read_server(previous)
        # A file: every form is read, checked and described once per stored version and
        # let go (Repository.listing), the entries hold only what the list shows; the
        # forms with 监控 or 自评 are read again by id (scoring needs them).
        with self.lock:
            listing = self.repository.listing()
            exists = self.repository.token is not None
            snapshot = self.repository.store.read()
            monitorings, evaluations = self.tracking.stored()
            rows = listing.live
            records = self._records((row.id for row in rows), monitorings, evaluations)
            forms = self._forms_for_records(snapshot, rows, records, previous)
        with storage.gc_paused():  # ten thousand entries: many objects, no cycles
            catalog = Catalog.of_listed(
                rows, listing.deleted, records, self.rules, forms=forms, previous=previous,
                loader=functools.partial(self._live_form_in, snapshot),
            )
            if previous is not None:
                catalog.warm()
        return Reading(catalog, exists)

    # -- on a database server: the list from columns ------------------------------

    def preview(self, rows: int) -> Preview | None:
        """On a server: the list's first ``rows`` rows and the totals of all forms, in two small queries.

        What the app paints first, while :meth:`read` reads the rest (fifty
        thousand rows take most of a second). None from a file (it is read
        whole anyway) or an empty database (there is nothing to show early).
        """
        if not self.server:
            return None
        with self.lock:
            snapshot = self.repository.store.read()
            try:
                where = {"deleted": False}
                groups = snapshot.sums(FORMS, ["year"], ["indicators", "fiscal", "other", "total"], where)
                first = snapshot.rows(FORMS, LISTED_COLUMNS, where, newest_first="year", limit=rows)
            finally:
                snapshot.close()
        if not first:
            return None
        totals = Totals.sum(Totals(count, indicators, fiscal, other, total) for _year, count, indicators, fiscal, other, total in groups)
        texts: dict[str, str] = {}
        entries = tuple(Entry(rules=self.rules, listed=Listed.of_row(row, texts)) for row in first)
        selection = Selection(View(), entries, totals, totals.forms, checked=False, count=totals.forms)
        years = sorted((year for year, *_sums in groups if year is not None), reverse=True)
        return Preview(selection, years, Catalog(entries).text_widths())

    def _read_server(self, previous: Catalog | None) -> Reading:
        """The catalog from the server's columns: no form read but those with 监控 or 自评 (scoring needs them).

        After a first reading, only what changed since ``previous`` is asked
        for (the columns of the forms written since, the ids removed, and the
        order), so another operator's save costs a few rows, not fifty thousand.
        """
        with self.lock, storage.gc_paused():  # fifty thousand entries: many objects, no cycles
            snapshot = self.repository.store.read()
            try:
                token = snapshot.token
                monitorings, evaluations = self.tracking.stored()
                catalog = None
                if previous is not None and isinstance(previous.token, int) and previous.token <= token:
                    catalog = self._changed_since(snapshot, previous, monitorings, evaluations)
                if catalog is None:
                    catalog = self._read_all(snapshot, previous, monitorings, evaluations)
            finally:
                snapshot.close()
            self._server_token = token
        return Reading(catalog, True)

    def _records(self, live: Iterable[str], monitorings: dict, evaluations: dict) -> Records:
        live = set(live)
        return Records(
            {k: v for k, v in monitorings.items() if k in live}, {k: v for k, v in evaluations.items() if k in live}
        )

    def _forms_for_records(self, snapshot, rows: Iterable[Listed], records: Records, previous: Catalog | None) -> dict[str, Form]:
        """The forms of the rows with 监控 or 自评 (kept from ``previous`` when the same revision)."""
        wanted: dict[str, int] = {
            row.id: row.revision for row in rows if row.id in records.monitorings or row.id in records.evaluations
        }
        forms: dict[str, Form] = {}
        if previous is not None:
            for ident, revision in list(wanted.items()):
                old = previous.get(ident)
                if old is not None and old.form is not None and old.form.revision == revision:
                    forms[ident] = old.form
                    del wanted[ident]
        for doc in snapshot.some(FORMS, wanted):
            forms[doc["id"]] = self.repository._form(doc)
        return forms

    def _deleted(self, snapshot) -> list[Form]:
        from perftui.core.model import sort_key

        deleted = [self.repository._form(doc) for doc in snapshot.select(FORMS, {"deleted": True})]
        deleted.sort(key=sort_key)
        return deleted

    def _catalog(self, rows, deleted, records, forms, previous, token, haystacks=None) -> Catalog:
        return Catalog.of_listed(
            rows, deleted, records, self.rules, forms=forms, haystacks=haystacks, previous=previous, token=token,
            search=self.search, carry_found=haystacks is not None,
        )

    def _read_all(self, snapshot, previous: Catalog | None, monitorings: dict, evaluations: dict) -> Catalog:
        texts: dict[str, str] = {}
        rows = [
            Listed.of_row(row, texts)
            for row in snapshot.rows(FORMS, LISTED_COLUMNS, {"deleted": False})
        ]
        records = self._records((row.id for row in rows), monitorings, evaluations)
        forms = self._forms_for_records(snapshot, rows, records, previous)
        return self._catalog(rows, self._deleted(snapshot), records, forms, previous, snapshot.token)

    def _changed_since(self, snapshot, previous: Catalog, monitorings: dict, evaluations: dict) -> Catalog | None:
        """``previous`` brought up to ``snapshot`` with only what changed; None when that does not add up."""
        changed, removed = snapshot.changed_rows(FORMS, (*LISTED_COLUMNS, "deleted", "search"), previous.token)
        records = self._records((e.id for e in previous.entries), monitorings, evaluations)
        if not changed and not removed and previous.token == snapshot.token and records == previous.records:
            return previous
        fresh = {row[0]: row for row in changed}
        if not removed and all(
            not row[-2] and (old := previous.get(row[0])) is not None and old.year == row[2] for row in changed
        ):
            # Forms changed in place (the usual save): the order stands, only those entries are made again.
            return self._replaced(snapshot, previous, fresh, records)
        rows: list[Listed] = []
        haystacks: dict[str, str] = {}
        texts: dict[str, str] = {}
        for ident, revision, gone in snapshot.rows(FORMS, ["deleted"]):
            if gone:
                continue
            row = fresh.get(ident)
            if row is not None:
                rows.append(Listed.of_row(row, texts))
                haystacks[ident] = row[-1]
                continue
            old = previous.get(ident)
            if old is None or old.revision != revision:
                return None  # a change the rows did not say: read everything again
            rows.append(old.as_listed() if old.listed is None else old.listed)
        deleted_changed = removed or any(row[-2] for row in changed) or any(
            previous.get(row[0]) is None for row in changed
        )
        deleted = self._deleted(snapshot) if deleted_changed else list(previous.deleted)
        records = self._records((row.id for row in rows), monitorings, evaluations)
        forms = self._forms_for_records(snapshot, rows, records, previous)
        return self._catalog(rows, deleted, records, forms, previous, snapshot.token, haystacks)

    def _replaced(self, snapshot, previous: Catalog, fresh: dict[str, tuple], records: Records) -> Catalog:
        """``previous`` with the entries of the forms in ``fresh`` (changed in place) and of the forms whose records changed made again."""
        texts: dict[str, str] = {}
        entries = list(previous.entries)
        for ident, row in fresh.items():
            index = previous.index_of(ident)
            entries[index] = Entry.of_listed(Listed.of_row(row, texts), records, self.rules, haystack=row[-1])
        moved = [
            n for n, entry in enumerate(entries)
            if entry.id not in fresh and previous.records.of(entry.id) != records.of(entry.id)
        ] if records != previous.records else []
        for index in moved:
            entries[index] = entries[index].with_records(records)
        needs_form = [entries[n] for n in (*moved, *(previous.index_of(i) for i in fresh))
                      if entries[n].has_records and entries[n].form is None]
        if needs_form:
            read = {doc["id"]: self.repository._form(doc) for doc in snapshot.some(FORMS, [e.id for e in needs_form])}
            for n, entry in enumerate(entries):
                form = read.get(entry.id)
                if form is not None and entry.form is None:
                    entries[n] = entry.with_form(form)
        return previous.replaced(entries, records, snapshot.token)

    def search(self, needles) -> list[str]:
        """The ids of the live forms whose search text (model.search_text, kept by the server) contains any of ``needles``."""
        with self.lock:
            snapshot = self.repository.store.read()
            try:
                return snapshot.containing(FORMS, "search", needles, {"deleted": False})
            finally:
                snapshot.close()

    def _live_form_in(self, snapshot, form_id: str) -> Form | None:
        """The live form ``form_id`` as ``snapshot`` holds it (a file's snapshot: in memory, no disk)."""
        doc = snapshot.get(FORMS, form_id)
        return None if doc is None or doc.get("deleted_at") else self.repository._form(doc)

    def form(self, form_id: str) -> Form | None:
        """The live form ``form_id`` as stored now (None: gone or deleted), read alone."""
        with self.lock:
            snapshot = self.repository.store.read()
            try:
                doc = snapshot.get(FORMS, form_id)
            finally:
                getattr(snapshot, "close", lambda: None)()
            return None if doc is None or doc.get("deleted_at") else self.repository._form(doc)

    def forms(self, form_ids: list[str]) -> list[Form]:
        """These live forms as stored now, in this order (those gone left out): one query on a server."""
        with self.lock:
            if self.server:
                snapshot = self.repository.store.read()
                try:
                    docs = snapshot.some(FORMS, form_ids)
                finally:
                    snapshot.close()
                found = {doc["id"]: self.repository._form(doc) for doc in docs if not doc.get("deleted_at")}
            else:
                docs = self.repository.store.read().some(FORMS, form_ids)
                found = {doc["id"]: self.repository._form(doc) for doc in docs if not doc.get("deleted_at")}
        return [found[ident] for ident in form_ids if ident in found]

    # -- 监控 and 自评 -------------------------------------------------------------

    def record(self, form: Form, kind: str) -> Monitoring | Evaluation | None:
        """The form's stored 监控 (``kind`` MONITORING) or 自评 (EVALUATION), None if it has none."""
        with self.lock:
            return self.tracking.evaluation(form) if kind == EVALUATION else self.tracking.monitoring(form)

    def import_tables(self, tables: list) -> list:
        """Published 自评表 and 监控表 onto their forms (see :meth:`Tracking.import_published`)."""
        with self.lock:
            return self.tracking.import_published(tables)

    def save_record(self, record: Monitoring | Evaluation, *, force: bool = False) -> Monitoring | Evaluation:
        """Store a 监控 or 自评 (see :meth:`Tracking.save`); its screen saves through this."""
        with self.lock:
            return self.tracking.save(record, force=force)

    def save(self, form: Form, action: str | None = None, *, force: bool = False) -> Form:
        """Store ``form`` (see :meth:`Repository.save`); the editors save through this too."""
        with self.lock:
            return self.repository.save(form, action=action, force=force)

    def import_forms(self, forms: list[Form], *, keep_ids: bool = False):
        """Add or update imported forms in one write (see :meth:`Repository.import_forms`)."""
        with self.lock:
            return self.repository.import_forms(forms, keep_ids=keep_ids)

    def delete(self, form: Form) -> Form:
        with self.lock:
            return self.repository.delete(form)

    def restore(self, form_id: str) -> Form:
        with self.lock:
            return self.repository.restore(form_id)

    def revert(self, form: Form, revision: int) -> Form:
        with self.lock:
            return self.repository.revert(form, revision)

    # -- history --------------------------------------------------------------

    def history(self, form_id: str) -> tuple[Form | None, list[HistoryEntry]]:
        """The form as stored now (deleted or not; None if unknown) and its history with its
        监控's and 自评's, oldest first: a project's story, as ``perftui history NAME`` tells it."""
        with self.lock:
            form = self.repository.find(form_id)
            if form is None:
                return None, self.repository.history(form_id)
            return form, self.tracking.form_history(form)

    def version_at(self, form_id: str, revision: int) -> Form:
        with self.lock:
            return self.repository.version_at(form_id, revision)

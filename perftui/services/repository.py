"""Forms in a store: the operations the CLI and the TUI perform, each with its history.

The store (:mod:`storage`) deals in JSON documents; this module turns them into
:class:`~perftui.core.model.Form` records and back, and records who changed what in
the ``history`` table in the same atomic write as the change itself, so the
history can never disagree with the forms.

A deleted form stays in the ``forms`` table, marked ``deleted_at``, so it can be
listed and brought back; lookups and totals skip it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import storage
from perftui.config import APP, Actor, current_actor
from perftui.core.history import (  # noqa: F401  (re-exported: callers know them from here)
    COPIED,
    CREATED,
    DELETED,
    IMPORTED,
    OVERWRITTEN,
    RESTORED,
    REVERTED,
    SAVED,
    HistoryEntry,
    HistoryError,
    entry_doc,
    reconstruct,
)
from perftui.i18n import gettext as _
from perftui.core.conflict import Conflict  # noqa: F401  (re-exported)
from perftui.core.listing import COLUMNS as LISTED_COLUMNS
from perftui.core.listing import Listed, listed
from perftui.services.import_matching import StoredForms
from perftui.core.model import Form, clean_form, fields_changed, lookup, new_id, sort_key
from perftui.core.stored_shape import form_doc_problem  # noqa: F401  (re-exported)
from perftui.core.money import from_stored
from perftui.core.totals import ZERO, Funded
from storage.backup import DEFAULT_KEEP, Backups

if TYPE_CHECKING:
    from perftui.core.history_chain import Verdict

from perftui.services.tables import (  # noqa: F401  (re-exported: callers know them from here)
    EVALUATIONS,
    FINDINGS_VERSION,
    FORMS,
    HISTORY,
    MONITORINGS,
    REVISIONED,
    SEARCH_VERSION,
    SPEC,
)
# A write refused because the file was replaced underneath a broken lock is
# run again from a fresh read; a few times is plenty, as each try re-locks.
_STALE_TRIES = 3


def open_backups(path: str | os.PathLike[str], *, keep: int = DEFAULT_KEEP, max_bytes: int | None = None) -> Backups:
    """The backups of the database at ``path``, as perftui keeps them."""
    return Backups(path, app=APP, revisioned=REVISIONED, keep=keep, max_bytes=max_bytes)


def open_store(path: str | os.PathLike[str], **options: Any) -> storage.JsonFileStore:
    """The store of perftui's database at ``path`` (options as :class:`storage.JsonFileStore`)."""
    return storage.JsonFileStore(path, app=APP, revisioned=REVISIONED, **options)


def _retrying_stale(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a write again, from a fresh read, when the storage refused it as stale."""

    @functools.wraps(method)
    def run(self: Repository, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(_STALE_TRIES):
            try:
                return method(self, *args, **kwargs)
            except storage.StaleWriteError:
                if attempt == _STALE_TRIES - 1:
                    raise
        raise AssertionError("unreachable")

    return run




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


class NotDeleted(LookupError):
    """An undelete of a form that is not deleted (any more: someone else brought it back)."""

    def __init__(self, form: Form | None, form_id: str):
        self.form, self.form_id = form, form_id
        name = form.name if form is not None else form_id
        super().__init__(_("“{name}”已不在已删除的表中（可能刚被别人恢复），未作修改。").format(name=name))


def _last_hash(tx: storage.Transaction) -> str:
    """The ``hash`` of the newest history entry in ``tx`` ("" for none, or one from before hashes)."""
    last = tx.last(HISTORY)  # one entry: a server need not send the whole log
    return str(last.get("hash", "")) if last else ""


class _Named(NamedTuple):
    """A stored form as :func:`perftui.core.model.lookup` sees it: its id and name (and where it sorts)."""

    id: str
    name: str
    newest: int  # sort_key's order: newest year first
    doc: Mapping[str, Any]

    def order(self) -> int:
        return self.newest


def _funded(doc: dict[str, Any]) -> Funded:
    """What a total needs of a stored form; raises as :meth:`Form.from_doc` would for the fields it reads."""
    year, department, unit, rows = doc["year"], doc["department"], doc["unit"], doc["indicators"]
    if (year is not None and type(year) is not int) or type(rows) is not list:
        raise TypeError("year is a whole number and indicators a list")
    if type(department) is not str or type(unit) is not str:
        raise TypeError("units are text")
    annual = doc["funding"]["annual"] or {}
    if type(annual) is not dict:
        raise TypeError("funding is an object")
    return Funded(
        year, department, unit, len(rows),
        from_stored(annual.get("fiscal")) or ZERO,
        from_stored(annual.get("other")) or ZERO,
        from_stored(annual.get("total")) or ZERO,
    )


class Listing(NamedTuple):
    """Every form as the app's list needs it (:meth:`Repository.listing`)."""

    live: list[Listed]  # each live form as a list shows it, in forms()' order
    deleted: list[Form]


class Repository:
    """Forms in one store, changed on behalf of one actor."""

    def __init__(self, store: storage.Store, actor: Actor | None = None, *, backups: Backups | None = None):
        self.store = store
        self.actor = actor or current_actor()
        self.backups = backups
        self._cache_token: Hashable | None = None
        # The snapshot the last read (forms or listing) came from: see token.
        self._seen_token: Hashable | None = None
        # listing(): by form id, (the stored version described, live?, (Listed, search text) or the deleted Form).
        self._described: dict[str, tuple[object, bool, Any]] = {}
        self._listing: tuple[Hashable, Listing] | None = None
        self._cache: tuple[list[Form], list[Form]] = ([], [])
        # Each form of the last read by id: (the stored version it was built from, live?, form).
        self._built: dict[str, tuple[object, bool, Form]] = {}
        self._head: tuple[storage.Transaction, str] | None = None  # (transaction, hash of its newest entry)
        # What went wrong beside the last write, which was committed all the
        # same (a backup that could not be kept): a success with a warning.
        self.warnings: list[storage.StorageError] = []
        self.on_warning: Callable[[storage.StorageError], None] | None = None

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        backups_keep: int | None = DEFAULT_KEEP,
        backups_max_bytes: int | None = None,
        **store_options: Any,
    ) -> Repository:
        """The forms in the database file ``path``, or in the PostgreSQL database a ``postgresql://`` URL names.

        Unless ``backups_keep`` is None (or the repository is read-only), the
        file is backed up into ``<path>.backups/`` before the first write of
        each day and before every import, keeping the last ``backups_keep``
        (see :mod:`storage.backup`); the backup is a hard link to the version
        a save replaces, so it costs no copying. A server database is backed
        up by its administrator (pg_dump), not by perftui.
        """
        if storage.is_server_url(path):
            store_options.pop("lazy", None)  # a server sends what a lookup asks for anyway
            return cls(storage.open_store(str(path), SPEC, read_only=read_only, **store_options))
        backups = None
        if backups_keep and not read_only:
            backups = open_backups(path, keep=backups_keep, max_bytes=backups_max_bytes)
            store_options.setdefault("before_replace", backups.before_replace)
            store_options.setdefault("make_room", backups.make_room)
        return cls(open_store(path, read_only=read_only, **store_options), backups=backups)

    def keep_records_only(self) -> None:
        """For a long session (the app), which keeps the forms it built: the store need not keep
        its parsed documents beside them, only their lines (``JsonFileStore.release``; about a
        third of the app's memory at ten thousand forms). A server's store keeps none anyway."""
        release = getattr(self.store, "release", None)
        if release is not None:
            release()

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
            with storage.gc_paused():  # tens of thousands of new records, no cycles among them
                cache = self._load_changes(snapshot) if self._cache_token is not None else None
                if cache is None:
                    live, deleted = [], []
                    # view(), not documents(): Form.from_doc copies what it keeps into
                    # immutable records, so the store's copy would be wasted work.
                    # A server streams them, so the documents are never all in memory.
                    versions = getattr(snapshot, "versions", None)
                    if versions is not None:
                        # A file's store keeps the same version for every form
                        # nobody changed since the last read (storage.lines.parse):
                        # such a form is the one built last time, not parsed and built again.
                        built, known = {}, self._built
                        for ident, version, stored in versions(FORMS):
                            old = known.get(ident)
                            if old is None or old[0] is not version:
                                doc = storage.resolve(stored)
                                old = (version, _is_live(doc), self._form(doc))
                            built[ident] = old
                            (live if old[1] else deleted).append(old[2])
                        self._built = built
                    else:
                        for doc in getattr(snapshot, "stream", snapshot.view)(FORMS):
                            (live if _is_live(doc) else deleted).append(self._form(doc))
                    cache = live, deleted
            cache[0].sort(key=sort_key)
            cache[1].sort(key=sort_key)
            self._cache_token, self._cache = snapshot.token, cache
            self._seen_token = snapshot.token
        return self._cache

    def _load_changes(self, snapshot: Any) -> tuple[list[Form], list[Form]] | None:
        """The cached forms brought up to ``snapshot`` with only what changed, where the store can say.

        A server answers "what changed since" and "in which order are they" from
        its columns: another operator's save costs one form, not all of them.
        None when the store cannot (a file), or the answer does not add up.
        """
        if not hasattr(snapshot, "changes"):
            return None
        docs, removed = snapshot.changes(FORMS, self._cache_token)
        known = {form.id: form for part in self._cache for form in part}
        for ident in removed:
            known.pop(ident, None)
        for doc in docs:
            known[doc["id"]] = self._form(doc)
        live, deleted = [], []
        for ident, revision, gone in snapshot.rows(FORMS, ["deleted"]):
            form = known.get(ident)
            if form is None or form.revision != revision:
                return None
            (deleted if gone else live).append(form)
        return live, deleted

    @property
    def token(self) -> Hashable | None:
        """The snapshot the last read came from; see :meth:`changed`."""
        return self._seen_token

    def changed(self) -> bool:
        """Has the database changed since the last read (one stat, no parsing)?"""
        return self._seen_token is None or self.store.changed_since(self._seen_token)

    def forms(self, year: int | None = None) -> list[Form]:
        """Live forms, newest year first, then by name."""
        live = self._load()[0]
        return [f for f in live if f.year == year] if year is not None else list(live)

    def funded(self, year: int | None = None) -> list[Funded]:
        """Each live form's year, units, indicator count and annual funding, read straight from the documents.

        Only what a total prints is read, and each of it is checked for its
        type as :meth:`Form.from_doc` checks it: a document whose year, units
        or amounts cannot be read is a damaged file. The rest of a document
        (its goals, every indicator's text) is not looked at: that is the
        work of the commands that show it.
        """
        snapshot = self.store.read()
        if isinstance(snapshot, storage.Queryable):
            return self._funded_by_query(snapshot, year)
        rows = []
        project = getattr(snapshot, "project", None)
        with storage.gc_paused():
            if project is None:
                pairs: Iterable[tuple[Any, Any]] = ((doc, None) for doc in snapshot.view(FORMS))
            else:  # only the fields a total reads are decoded (see perftui.services.projections)
                from perftui.services.projections import FundedDoc

                pairs = project(FORMS, FundedDoc)
            for stored, fit in pairs:
                if fit is not None:
                    if fit.deleted_at or (year is not None and fit.year != year):
                        continue
                    annual = fit.funding.annual
                    try:
                        row = Funded(
                            fit.year, fit.department, fit.unit, len(fit.indicators),
                            (from_stored(annual.fiscal) or ZERO) if annual else ZERO,
                            (from_stored(annual.other) or ZERO) if annual else ZERO,
                            (from_stored(annual.total) or ZERO) if annual else ZERO,
                        )
                    except (TypeError, ValueError, ArithmeticError):
                        self._form(storage.resolve(stored))  # says what is wrong, as a damaged file
                        raise
                    rows.append(row)
                    continue
                doc = storage.resolve(stored)
                if not _is_live(doc) or (year is not None and doc.get("year") != year):
                    continue
                try:
                    row = _funded(doc)
                except (KeyError, TypeError, ValueError, ArithmeticError):
                    self._form(doc)  # says what is wrong, as a damaged file
                    raise
                rows.append(row)
        return rows

    @staticmethod
    def _funded_by_query(snapshot: Any, year: int | None) -> list[Funded]:
        # Summed by the server, exactly (numeric), one row per year and unit:
        # the groups any total is made of, in the order their first form was stored.
        where: dict[str, Any] = {"deleted": False}
        if year is not None:
            where["year"] = year
        groups = snapshot.sums(FORMS, ["year", "department", "unit"], ["indicators", "fiscal", "other", "total"], where)
        return [
            Funded(year, department or "", unit or "", indicators, fiscal, other, total, forms)
            for year, department, unit, forms, indicators, fiscal, other, total in groups
        ]

    def listed(self, year: int | None = None) -> list[Listed]:
        """What a list shows of each live form (of ``year``), in :meth:`forms`' order.

        From a database server, its columns (the status counted when each
        form was written): no form is read. From a file, the forms checked.
        """
        snapshot = self.store.read()
        if not isinstance(snapshot, storage.Queryable):
            return [listed(form) for form in self.forms(year)]
        where: dict[str, Any] = {"deleted": False}
        if year is not None:
            where["year"] = year
        texts: dict[str, str] = {}
        rows = [Listed.of_row(row, texts) for row in snapshot.rows(FORMS, LISTED_COLUMNS, where)]
        rows.sort(key=lambda row: -(row.year or 0))  # sort_key's order, stable: as stored within a year
        return rows

    def listing(self) -> Listing:
        """What a list needs of every form, for a long session on a file: no form kept.

        The app's list needs of each live form only what :class:`Listed` holds
        (its search text is found after the first paint, from the snapshot);
        keeping every form besides (the texts of all their
        goals and indicators) was most of the app's memory. Each stored version
        of a form is read, checked and described once, then let go; after
        another operator's save only the forms they changed are read again
        (the store keeps a version for every unchanged document). Deleted forms
        are kept whole: the list of deleted forms shows them.
        """
        snapshot = self.store.read()
        if self._listing is not None and self._listing[0] == snapshot.token:
            return self._listing[1]
        versions = getattr(snapshot, "versions", None)
        if versions is None:  # a server lists from its columns (listed()); this is for completeness
            return Listing(self.listed(), self.deleted_forms())
        built, known = {}, self._described
        live, deleted = [], []
        with storage.gc_paused():  # ten thousand records, no cycles among them
            for ident, version, stored in versions(FORMS):
                old = known.get(ident)
                if old is None or old[0] is not version:
                    doc = storage.resolve(stored)
                    form = self._form(doc)
                    old = (version, True, listed(form)) if _is_live(doc) else (version, False, form)
                built[ident] = old
                (live if old[1] else deleted).append(old[2])
        live.sort(key=lambda row: -(row.year or 0))  # sort_key's order, stable: as stored within a year
        deleted.sort(key=sort_key)
        self._described = built
        result = Listing(live, deleted)
        self._listing = (snapshot.token, result)
        self._seen_token = snapshot.token
        return result

    def deleted_forms(self) -> list[Form]:
        return list(self._load()[1])

    def years(self) -> list[int]:
        snapshot = self.store.read()
        if isinstance(snapshot, storage.Queryable):
            groups = snapshot.sums(FORMS, ["year"], [], {"deleted": False})
            return sorted((year for year, _count in groups if year is not None), reverse=True)
        return sorted({f.year for f in self.forms() if f.year is not None}, reverse=True)

    def get(self, form_id: str) -> Form | None:
        for form in self.forms():
            if form.id == form_id:
                return form
        return None

    def lookup(self, query: str, *, include_deleted: bool = False) -> list[Form]:
        """Forms a person means by ``query`` (see :func:`perftui.core.model.lookup`).

        Matched on the stored ids and names, in the order :meth:`forms` lists
        them; only the matches become forms, so ``perftui show`` of one form
        among ten thousand builds one. (A document whose id, name or year
        cannot be read is reported as :meth:`forms` reports it.)
        """
        snapshot = self.store.read()
        if snapshot.token == self._cache_token:
            return lookup(self.forms() + (self.deleted_forms() if include_deleted else []), query)
        live: list[_Named] = []
        deleted: list[_Named] = []
        if isinstance(snapshot, storage.Queryable):
            # A server: matched on its columns, and only the matches read.
            for ident, _revision, name, year, gone in snapshot.rows(FORMS, ["name", "year", "deleted"]):
                (deleted if gone else live).append(_Named(ident, name or "", -(year or 0), {}))
            live.sort(key=_Named.order)
            deleted.sort(key=_Named.order)
            found = lookup(live + deleted if include_deleted else live, query)
            return [self._form(snapshot.get(FORMS, named.id)) for named in found]
        project = getattr(snapshot, "project", None)
        if project is None:
            pairs: Iterable[tuple[Any, Any]] = ((doc, None) for doc in snapshot.view(FORMS))
        else:  # only the id, name, year and deletion are decoded (see perftui.services.projections)
            from perftui.services.projections import NamedDoc

            pairs = project(FORMS, NamedDoc)
        for stored, fit in pairs:
            if fit is not None:
                (deleted if fit.deleted_at else live).append(_Named(fit.id, fit.name, -(fit.year or 0), stored))
                continue
            doc = storage.resolve(stored)
            ident, name, year = doc.get("id"), doc.get("name"), doc.get("year")
            if type(ident) is not str or type(name) is not str or (year is not None and type(year) is not int):
                self._load()  # raises DamagedFileError, naming the form
            (live if _is_live(doc) else deleted).append(_Named(ident, name, -(year or 0), stored))
        live.sort(key=_Named.order)
        deleted.sort(key=_Named.order)
        found = lookup(live + deleted if include_deleted else live, query)
        return [self._form(storage.resolve(named.doc)) for named in found]

    def _form(self, doc: dict[str, Any]) -> Form:
        try:
            return Form.from_doc(doc)
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            # Only now spell out what is wrong: the detailed check costs as much as the conversion.
            problem = form_doc_problem(doc) or f"form {doc.get('id')!r}: {error}"
            raise storage.DamagedFileError(self.path, problem) from None

    def _entries(self, docs: Iterable[dict[str, Any]]) -> list[HistoryEntry]:
        try:
            return [HistoryEntry.from_doc(doc) for doc in docs]
        except (KeyError, TypeError, ValueError) as error:
            raise storage.DamagedFileError(self.path, f"history: {error}") from None

    def history(self, form_id: str | None = None) -> list[HistoryEntry]:
        """Entries in the order the changes were made (oldest first).

        Storage order, not the ``at`` times: writes are serialised by the lock,
        so the log's order is the true order, while clocks and time zones of
        the operators' sessions may disagree.
        """
        snapshot = self.store.read()
        if form_id is not None:
            return self._entries(self._history_of(snapshot, form_id))
        return self._entries(snapshot.view(HISTORY))

    def history_of(self, ids: Collection[str]) -> list[HistoryEntry]:
        """The entries about any of ``ids`` (a form and its 监控 and 自评 records), in the order the
        changes were made, as :meth:`history` has them."""
        snapshot = self.store.read()
        if isinstance(snapshot, storage.Queryable):
            # An indexed query per id; the log's order from the entries' ids alone (no documents read).
            order = {row[0]: position for position, row in enumerate(snapshot.rows(HISTORY, ()))}
            docs = sorted(
                (doc for one in dict.fromkeys(ids) for doc in snapshot.select(HISTORY, {"form_id": one})),
                key=lambda doc: order.get(doc["id"], len(order)),
            )
            return self._entries(docs)
        wanted = set(ids)
        return self._entries(doc for doc in snapshot.view(HISTORY) if doc.get("form_id") in wanted)

    @staticmethod
    def _history_of(source: Any, form_id: str) -> Iterable[dict[str, Any]]:
        """One form's history entries from a snapshot or a transaction (by a query where the store has one)."""
        if isinstance(source, storage.Queryable):
            return source.select(HISTORY, {"form_id": form_id})
        return [doc for doc in source.view(HISTORY) if doc.get("form_id") == form_id]

    def find(self, form_id: str) -> Form | None:
        """The form with this id, deleted or not."""
        doc = self.store.read().get(FORMS, form_id)
        return self._form(doc) if doc else None

    def version_at(self, form_id: str, revision: int) -> Form:
        """The form as it was at ``revision``, rebuilt from its history.

        Raises :class:`HistoryError` for an unknown form or revision.
        """
        snapshot = self.store.read()
        doc = snapshot.get(FORMS, form_id)
        if doc is None:
            raise HistoryError(_("没有编号为 {id} 的表").format(id=form_id))
        return self._version(doc, list(self._history_of(snapshot, form_id)), revision)

    def _version(self, doc: dict[str, Any], own: list[Any], revision: int) -> Form:
        """Revision ``revision`` of the stored form ``doc`` from its history entries ``own``.

        Refused with :class:`HistoryError` when an entry on the way recorded a
        different version than undoing arrives at: the file was edited outside
        perftui, and what would be shown as "revision 1" is not what it was.
        """
        current = self._form(doc)
        entries = self._entries(own)  # a malformed entry is a damaged file, said as such
        if 1 <= revision <= current.revision:
            from perftui.core.history_chain import walk_back

            problem = walk_back(doc, list(enumerate(own, start=1)), down_to=revision)
            if problem is not None:
                raise HistoryError(
                    _("“{name}”的修订 {revision} 无法如实还原：{reason}（详见 perftui verify）").format(
                        name=current.name, revision=revision, reason=problem.reason
                    )
                )
        return reconstruct(current, entries, revision)

    def unfaithful(self, form_ids: Iterable[str]) -> dict[str, str]:
        """Of these forms, those whose history does not replay to the form stored today, with why.

        For showing history: an earlier version rebuilt from a form edited
        outside perftui would show the edit as if it had always been there.
        """
        wanted = set(form_ids)
        if not wanted:
            return {}
        snapshot = self.store.read()
        own: dict[str, list[tuple[int, Any]]] = {}
        for position, entry in enumerate(snapshot.view(HISTORY), start=1):
            if entry.get("form_id") in wanted:
                own.setdefault(entry["form_id"], []).append((position, entry))
        from perftui.core.history_chain import walk_back

        found = {}
        for form_id, entries in own.items():
            doc = snapshot.get(FORMS, form_id)
            problem = walk_back(doc, entries) if doc is not None else None
            if problem is not None:
                found[form_id] = problem.reason
        return found

    def verify(self) -> Verdict:
        """Check the history's chain and that replaying it gives today's forms (see :mod:`perftui.core.history_chain`)."""
        from perftui.core.history_chain import verify as verify_history

        snapshot = self.store.read()
        return verify_history(snapshot.view(FORMS), list(snapshot.view(HISTORY)))

    # -- changing --------------------------------------------------------

    def _stamp(self, form: Form) -> Form:
        # The repository's own door: whatever a caller built, stored text is clean
        # (clean_form returns the form itself when it is, which is almost always).
        return clean_form(form).evolve(updated_at=_now(), updated_by=self.actor.describe())

    @contextmanager
    def _writing(self, backup_reason: str | None = None) -> Iterator[storage.Transaction]:
        """A store transaction, with the backups this write is due.

        ``backup_reason`` asks for a backup before this write (imports); the
        daily one is decided by the hook itself. A write that creates the
        database is followed by a real copy of it, so that even a database
        damaged on its first day has a backup with its forms.
        """
        self.warnings = []
        backups = self.backups
        if backups is None:
            with self.store.transaction() as tx:
                yield tx
            self._warn(getattr(tx, "warnings", ()))
            return
        with backups.reason(backup_reason):
            with self.store.transaction() as tx:
                # Under the write lock: nobody else can create the file meanwhile.
                creating = not os.path.lexists(self.path)
                yield tx
        self._warn(getattr(tx, "warnings", ()))
        if creating and os.path.exists(self.path):
            try:
                backups.copy_current()
            except storage.BackupError as error:
                # The forms are in: this is a success with a warning, not a failure.
                self._warn([error])

    def _warn(self, warnings: Iterable[storage.StorageError]) -> None:
        for warning in warnings:
            self.warnings.append(warning)
            if self.on_warning is not None:
                self.on_warning(warning)

    def _record(
        self,
        tx: storage.Transaction,
        action: str,
        old: Form | None,
        new: Form,
        stored: dict[str, Any],
        *,
        at: str | None = None,
        stamp: tuple[str, str] | None = None,
    ) -> None:
        """Append the history entry of a change whose stored form document is ``stored``.

        A change records each field's old and new value. A new form records
        none: what it was created with is the current form with every later
        change undone (history.reconstruct), and storing it again would make
        the history as big as the forms and every read of the file twice as
        slow. The entry's hashes (:mod:`perftui.core.history_chain`) make that
        undoing checkable: each version must be the one its entry recorded.
        """
        changes = fields_changed(old, new) if old is not None else []
        entry = entry_doc(
            self.actor,
            action,
            at=at or new.updated_at or _now(),
            form_id=new.id,
            form_name=new.name,
            revision=new.revision,
            changes=changes,
            stamp=stamp,
        )
        self.append_history(tx, entry, stored)

    def append_history(self, tx: storage.Transaction, entry: dict[str, Any], stored: Any = None) -> None:
        """Append ``entry`` to the history in ``tx``, chained to the entry before it.

        ``stored`` is the form document the change produced (its hash goes into
        the entry, for :meth:`verify`'s replay); None for an entry about
        something else (a 监控 or 自评 record): it is chained, not replayed.
        """
        # The chain's head: read from the log once per transaction, then carried
        # (an import of ten thousand forms appends ten thousand entries).
        previous = self._head[1] if self._head is not None and self._head[0] is tx else _last_hash(tx)
        from perftui.core.history_chain import sealed  # here: hashlib is for writes; a lookup does not pay for it

        entry = sealed(entry, previous, stored)
        tx.append(HISTORY, entry)
        self._head = (tx, entry["hash"])

    def _stored(self, tx: storage.Transaction, form_id: str) -> Form | None:
        doc = tx.get(FORMS, form_id)
        return self._form(doc) if doc else None

    def _replace(self, tx: storage.Transaction, form: Form, base: int, **extra: Any) -> tuple[Form, dict[str, Any]]:
        """Store ``form`` over revision ``base``: the form and the document as stored."""
        try:
            doc = tx.replace(FORMS, form.to_doc() | extra, base)
        except storage.ConflictError as error:
            current = error.current
            theirs = Form.from_doc(current) if current and _is_live(current) else None
            raise Conflict(form, theirs) from None
        return Form.from_doc(doc), doc

    def _insert(self, tx: storage.Transaction, form: Form, revision: int = 1) -> tuple[Form, dict[str, Any]]:
        doc = tx.insert(FORMS, form.to_doc(), revision=revision)
        return Form.from_doc(doc), doc

    @_retrying_stale
    def save(self, form: Form, *, action: str | None = None, force: bool = False) -> Form:
        """Store ``form``: a new one (revision 0) or a change based on ``form.revision``.

        Raises :class:`Conflict` when the stored form is not the revision the
        edit started from; with ``force`` (the operator confirmed "keep mine"),
        it overwrites whatever is stored now, and the history says so.
        """
        with self._writing() as tx:
            stamped = self._stamp(form)
            if form.revision == 0:
                saved, doc = self._insert(tx, stamped)
                self._record(tx, action or CREATED, None, saved, doc)
                return saved
            old = self._stored(tx, form.id)
            base = form.revision
            if force and old is not None and old.revision != base:
                base = old.revision
                action = action or OVERWRITTEN
            saved, doc = self._replace(tx, stamped, base)
            self._record(tx, action or SAVED, old, saved, doc)
            return saved

    @_retrying_stale
    def delete(self, form: Form) -> Form:
        """Mark ``form`` deleted (it can be restored); refuses if it changed meanwhile.

        What is deleted is the stored form, never the caller's copy: unsaved
        edits in ``form`` must not slip into the database unrecorded.
        """
        with self._writing() as tx:
            doc = tx.get(FORMS, form.id)
            if doc is None or doc.get("revision") != form.revision or not _is_live(doc):
                theirs = self._form(doc) if doc and _is_live(doc) else None
                raise Conflict(form, theirs)
            stored = self._stamp(self._form(doc))
            deleted, new_doc = self._replace(tx, stored, form.revision, deleted_at=stored.updated_at)
            self._record(tx, DELETED, self._form(doc), deleted, new_doc)
            return deleted

    @_retrying_stale
    def restore(self, form_id: str) -> Form:
        """Bring a deleted form back; :class:`NotDeleted` if it is not deleted (any more)."""
        with self._writing() as tx:
            doc = tx.get(FORMS, form_id)
            if doc is None or _is_live(doc):
                raise NotDeleted(self._form(doc) if doc else None, form_id)
            old = self._form(doc)
            restored, new_doc = self._replace(tx, self._stamp(old), old.revision)
            self._record(tx, RESTORED, old, restored, new_doc)
            return restored

    def import_forms(self, forms: Iterable[Form], *, keep_ids: bool = False) -> ImportReport:
        """Add new forms, update changed ones, leave identical ones alone, in one write.

        A form is "the same form" when its 年度, 项目名称 and 实施单位 are; a deleted
        form imported again comes back. Nothing is written when nothing changed.

        ``keep_ids`` is for forms read back from our own JSON export: a form is
        then first matched by its id, and a new one keeps its id, revision and
        last-change stamp, so that importing an export into an empty database
        and exporting again gives the same file. (The history still records the
        import, at the time it happened.)
        """
        return self._import_forms(list(forms), keep_ids=keep_ids)

    @_retrying_stale
    def _import_forms(self, forms: list[Form], *, keep_ids: bool = False) -> ImportReport:
        report = ImportReport()
        with self._writing(IMPORTED) as tx:
            known = StoredForms(self, tx)
            for incoming in forms:
                doc = known.by_id(incoming.id) if keep_ids else None
                if doc is None:
                    doc = known.by_identity(incoming.identity)
                if doc is None:
                    if keep_ids:
                        kept = clean_form(incoming) if incoming.updated_at else self._stamp(incoming)
                        saved, stored = self._insert(tx, kept, max(1, incoming.revision))
                        stamp = (saved.updated_at, saved.updated_by)
                        self._record(tx, IMPORTED, None, saved, stored, at=_now(), stamp=stamp)
                    else:
                        # A parsed form's id is only a placeholder: a new form never takes a stored one's.
                        fresh = incoming if not known.has_id(incoming.id) else incoming.evolve(id=new_id())
                        saved, stored = self._insert(tx, self._stamp(fresh))
                        self._record(tx, IMPORTED, None, saved, stored)
                    known.remember(saved)
                    report.added.append(saved)
                    continue
                old = self._form(doc)
                if _is_live(doc) and _content(old) == _content(incoming.evolve(id=old.id)):
                    report.unchanged.append(old)
                    continue
                updated = self._stamp(incoming.evolve(id=old.id, revision=old.revision))
                stored = tx.replace(FORMS, updated.to_doc(), old.revision)
                saved = Form.from_doc(stored)
                self._record(tx, IMPORTED, old, saved, stored)
                known.remember(saved)
                report.updated.append(saved)
        return report

    @_retrying_stale
    def revert(self, form: Form, revision: int) -> Form:
        """Make the form what it was at ``revision``, as a new change (recorded as a revert).

        ``form`` is the version the operator is looking at: like every save,
        the revert is refused with :class:`Conflict` if the stored form has
        moved on since (or was deleted). Raises :class:`HistoryError` for a
        revision the history cannot give back.
        """
        with self._writing() as tx:
            doc = tx.get(FORMS, form.id)
            if doc is None or doc.get("revision") != form.revision or not _is_live(doc):
                theirs = self._form(doc) if doc and _is_live(doc) else None
                raise Conflict(form, theirs)
            current = self._form(doc)
            earlier = self._version(doc, list(self._history_of(tx, form.id)), revision)
            target = self._stamp(earlier.evolve(revision=current.revision))
            reverted, new_doc = self._replace(tx, target, current.revision)
            self._record(tx, REVERTED, current, reverted, new_doc)
            return reverted

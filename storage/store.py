"""The store: what the app uses to read and change shared documents.

:class:`Store` is deliberately small so that a database-server backend can
implement it later; :class:`JsonFileStore` implements it on one TinyDB JSON
file shared by several processes.

Reading never locks: :meth:`Store.read` returns an immutable
:class:`Snapshot`, and :meth:`Store.changed_since` tells a UI (polling about
twice a second) whether to read again. Changing always goes through
:meth:`Store.transaction`, which serialises writers across processes and
commits all of its operations in one atomic write. Lost updates are refused
with revisions: a save names the revision it was based on, and
:class:`ConflictError` reports the stored document when that is stale.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Hashable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, runtime_checkable

from . import fileformat
from .atomic import BeforeReplace, ensure_folder, remove_stale_temp_files
from .errors import ReadOnlyError
from .jsonstorage import MakeRoom, SafeJSONStorage, current_key
from .lock import DEFAULT_TIMEOUT, FileLock, lock_path_for
from .document import check_table_name, copy_document
from .transaction import Indexes, JsonTransaction
from .unparsed import Unparsed, decoder, ident_of, resolve, version_of

__all__ = [
    "Snapshot",
    "Transaction",
    "Store",
    "JsonSnapshot",
    "JsonTransaction",
    "JsonFileStore",
]

Doc = dict[str, Any]
Data = dict[str, dict[str, Any]]


# -- the interface ---------------------------------------------------------


@runtime_checkable
class Snapshot(Protocol):
    """The database as it was at one moment.

    Returned documents are the caller's own copies: editing them changes
    nothing until they are saved through a transaction.
    """

    @property
    def token(self) -> Hashable:
        """Changes whenever the stored data changed; pass it to ``changed_since``."""
        ...

    def documents(self, table: str) -> list[Doc]:
        """All documents of ``table`` in storage order (empty if the table does not exist)."""
        ...

    def get(self, table: str, id: str) -> Doc | None:
        """The document whose ``id`` is ``id``, or ``None``."""
        ...

    def view(self, table: str) -> Iterable[Mapping[str, Any]]:
        """The documents of ``table`` without copying them: read them, never change them.

        For callers that turn documents into their own immutable records at
        once: copying a 20 MB table first would double the cost of reading it.
        """
        ...


@runtime_checkable
class Transaction(Protocol):
    """Operations that commit together or not at all.

    Reads see the transaction's own earlier changes. Every document has a
    string ``id`` chosen by the caller (TinyDB's doc_id is not an identity);
    documents of revisioned tables also carry ``revision``, set by the store.
    """

    warnings: list[Exception]
    """After the commit: what failed beside a change that was committed all the same.

    Today a backup that could not be taken (:class:`~storage.errors.BackupError`):
    the change is in, only its backup is missing. An exception out of the
    transaction means nothing was committed.
    """

    def get(self, table: str, id: str) -> Doc | None: ...

    def documents(self, table: str) -> list[Doc]: ...

    def view(self, table: str) -> Iterable[Mapping[str, Any]]:
        """The documents as they are in this transaction, without copying: read them, never change them."""
        ...

    def last(self, table: str) -> Mapping[str, Any] | None:
        """The newest document of ``table`` in this transaction (None when it is empty): read it, never change it.

        For a log whose entries each name the one before (a hash chain): only
        the newest is needed, not the whole log.
        """
        ...

    def insert(self, table: str, doc: Mapping[str, Any], *, revision: int = 1) -> Doc:
        """Add a document with a new ``id``; revisioned tables get ``revision`` 1.

        A document restored from an export keeps the revision it had there
        (``revision``), so exporting the restored database gives the same file.
        Raises :class:`ConflictError` (carrying the existing document) if the
        ``id`` is taken. Returns the stored document.
        """
        ...

    def replace(self, table: str, doc: Mapping[str, Any], base_revision: int) -> Doc:
        """Store ``doc`` in place of the document with its ``id``, as revision ``base_revision + 1``.

        Raises :class:`ConflictError` if the stored revision is not
        ``base_revision`` or the document is gone.
        """
        ...

    def remove(self, table: str, id: str, base_revision: int) -> None:
        """Delete a document, under the same conflict rule as :meth:`replace`."""
        ...

    def append(self, table: str, doc: Mapping[str, Any]) -> Doc:
        """Add an entry to an append-only, unrevisioned log (e.g. history).

        A missing ``id`` is generated, since log entries rarely have a natural one.
        """
        ...


@runtime_checkable
class Store(Protocol):
    """A shared collection of tables of JSON documents."""

    read_only: bool

    def read(self) -> Snapshot: ...

    def changed_since(self, token: Hashable) -> bool:
        """Cheap check (no parsing) whether :meth:`read` would return different data."""
        ...

    def transaction(self) -> AbstractContextManager[Transaction]:
        """Exclusive access to change documents; commits on normal exit, discards on exception.

        Raises :class:`ReadOnlyError` for a read-only store,
        :class:`LockTimeoutError` if another writer does not finish in time
        (naming who holds the lock), and :class:`StaleWriteError` when the
        data changed underneath a broken lock: nothing was written, and the
        caller runs the transaction again from a fresh read.
        """
        ...

    def close(self) -> None: ...


# -- the JSON file implementation ----------------------------------------


class JsonSnapshot:
    """Snapshot over data parsed by :class:`SafeJSONStorage`.

    Holds its own top-level dict: commits replace whole tables in the cache,
    never edit them, so this keeps seeing the tables of its moment at no
    copying cost. Documents are copied on the way out.
    """

    __slots__ = ("_token", "_tables", "_indexes")

    def __init__(self, token: Hashable, data: Data | None, indexes: Indexes | None = None) -> None:
        self._token = token
        self._tables: Data = {
            name: table for name, table in (data or {}).items() if name != fileformat.META_TABLE
        }
        self._indexes = indexes or Indexes()

    @property
    def token(self) -> Hashable:
        return self._token

    def tables(self) -> list[str]:
        return list(self._tables)

    def documents(self, table: str) -> list[Doc]:
        return [_own(doc) for doc in self._tables.get(table, {}).values()]

    def view(self, table: str) -> Iterable[Mapping[str, Any]]:
        # Released documents (JsonFileStore.release) are parsed one at a time, as they are looked at.
        return map(resolve, self._tables.get(table, {}).values())

    def get(self, table: str, id: str) -> Doc | None:
        found = self._tables.get(table, {})
        doc_id = self._indexes.of(table, found).get(id)
        return None if doc_id is None else _own(found[doc_id])

    def some(self, table: str, ids: Iterable[str]) -> list[Doc]:
        """The documents of ``table`` with these ids (those that exist), in storage order."""
        found = self._tables.get(table, {})
        index = self._indexes.of(table, found)
        keys = {index[ident] for ident in ids if ident in index}
        return [_own(doc) for key, doc in found.items() if key in keys] if keys else []

    def project(self, table: str, kind: type) -> Iterator[tuple[Any, Any]]:
        """``(stored, document as kind)`` for each document of ``table``, in storage order.

        ``kind`` is a :class:`msgspec.Struct` type declaring the fields a reader
        needs: a document kept as its line (a lazy read's, see
        :meth:`storage.store.JsonSnapshot.project`) is decoded straight into it, the rest
        of the line skipped. ``(stored, None)`` says "read it whole"
        (:func:`storage.resolve`): the document does not fit ``kind`` (the
        caller, which knows what its fields mean, says what is wrong), or it
        is parsed already (a full read's), which is read as it is.
        """
        found = self._tables.get(table, {}).values()
        decode = None
        for doc in found:
            if type(doc) is not Unparsed:
                yield doc, None
                continue
            if decode is None:
                decode = decoder(kind).decode  # (once: this runs for every form of a total)
            try:
                yield doc, decode(doc.line[doc.start :])
            except ValueError:  # msgspec's ValidationError and DecodeError
                yield doc, None

    def versions(self, table: str) -> list[tuple[str, object, Any]]:
        """``(id, version, stored)`` of each document, in storage order, without parsing any.

        ``version`` is the very same object for as long as the stored document
        is byte for byte the same, across re-reads and saves, so a reader that
        keeps records built from documents rebuilds only those whose version
        changed; :func:`storage.resolve` turns ``stored`` into the document
        (shared: never change it).
        """
        return [(ident_of(doc), version_of(doc), doc) for doc in self._tables.get(table, {}).values()]


def _own(doc: Any) -> Doc:
    """The caller's own copy: a released document's fresh parse is one already."""
    return doc.parse() if type(doc) is Unparsed else copy_document(doc)



class JsonFileStore:
    """:class:`Store` on one TinyDB JSON file, shared by processes on one machine.

    ``app`` names the application whose file this is: written into the
    file's ``_meta`` table and required there when reading (a file of another
    application is refused as damaged, never overwritten). ``revisioned``
    names the tables whose documents carry a ``revision`` and support
    replace/remove with conflict detection; the others are append-only logs.
    ``file_mode`` overrides the mode of files we create (see
    :mod:`storage.permissions`); ``before_replace`` is passed to
    :func:`storage.atomic.atomic_write` (the hook for backups), and
    ``make_room(bytes)`` is asked to free space when a write would not fit
    (see :class:`storage.backup.Backups`). ``lazy``: for a process that reads
    and prints (a lookup), never writes: documents are kept as their lines,
    checked but not parsed as the file is read, and parsed (or projected,
    :meth:`JsonSnapshot.project`) when looked at (see :mod:`storage.unparsed`).

    ``path`` is resolved once, here: through a symbolic link, the real file
    is read, replaced and locked, so every name for it shares one database.

    One instance may be shared by threads; nested transactions in one thread
    are refused, as they would wait for their own lock.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        app: str,
        read_only: bool = False,
        lock_timeout: float = DEFAULT_TIMEOUT,
        file_mode: int | None = None,
        revisioned: Iterable[str] = (),
        before_replace: BeforeReplace | None = None,
        make_room: MakeRoom | None = None,
        lazy: bool = False,
    ) -> None:
        self.path = os.path.realpath(os.fspath(path))
        self.app = app
        self.read_only = read_only
        self.lock_timeout = lock_timeout
        self.file_mode = file_mode
        self.revisioned = frozenset(revisioned)
        self.lazy = lazy
        for table in self.revisioned:
            check_table_name(table)
        self._storage = SafeJSONStorage(
            self.path,
            app=app,
            revisioned=self.revisioned,
            file_mode=file_mode,
            before_replace=before_replace,
            make_room=make_room,
            read_only=read_only,
            lazy=lazy,
        )
        self._indexes = Indexes()
        self._local = threading.local()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"{type(self).__name__}({self.path!r}, {mode})"

    def read(self) -> JsonSnapshot:
        token, data = self._storage.load()
        return JsonSnapshot(token, data, self._indexes)

    def changed_since(self, token: Hashable) -> bool:
        return current_key(self.path) != token

    def transaction(self) -> AbstractContextManager[JsonTransaction]:
        # Checked here, not inside the generator, so the error is raised by
        # transaction() itself, before any lock file or folder is created.
        if self.read_only:
            raise ReadOnlyError(self.path)
        if self.lazy:
            raise RuntimeError(f"{self.path}: opened for a lookup (lazy), not for changes")
        return self._transaction()

    @contextmanager
    def _transaction(self) -> Iterator[JsonTransaction]:
        if getattr(self._local, "active", False):
            raise RuntimeError(f"{self.path}: transactions cannot be nested")
        ensure_folder(self.path)
        self._local.active = True
        try:
            lock = FileLock(lock_path_for(self.path), timeout=self.lock_timeout, mode=self.file_mode, subject=self.path)
            with lock:
                # Under the lock, so nobody can change the file between this
                # read and our write; parses only if someone else wrote.
                key, data = self._storage.load()
                tx = JsonTransaction(self.path, data, self.revisioned, self._indexes)
                try:
                    yield tx
                except BaseException:
                    self._storage.invalidate()
                    raise
                finally:
                    tx.close()
                if tx.changed:
                    remove_stale_temp_files(self.path)
                    # The file must still be the one read above, and the lock
                    # still ours, right up to the rename: see StaleWriteError.
                    tx.warnings = list(
                        self._storage.commit(tx.data, based_on=key, still_locked=lock.still_held, touched=tx.touched)
                    )
                    tx.hand_over_indexes()
        finally:
            self._local.active = False

    def release(self) -> None:
        """Stop keeping the documents parsed between reads; keep each as its line of the file.

        For a caller that keeps its own records of the documents (an app's
        session): see :mod:`storage.unparsed`. Reads parse what they return;
        a save still writes unchanged documents' lines as they are.
        """
        self._storage.release(self._indexes.carry)

    def close(self) -> None:
        self._storage.close()

    def __enter__(self) -> JsonFileStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

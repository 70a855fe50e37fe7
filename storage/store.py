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
import uuid
from collections.abc import Hashable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, runtime_checkable

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from . import fileformat
from .atomic import BeforeReplace, ensure_folder, remove_stale_temp_files
from .errors import ConflictError, ReadOnlyError
from .jsonstorage import SafeJSONStorage, current_key
from .lock import DEFAULT_TIMEOUT, FileLock, lock_path_for

__all__ = [
    "Snapshot",
    "Transaction",
    "Store",
    "JsonSnapshot",
    "JsonTransaction",
    "JsonFileStore",
    "DEFAULT_REVISIONED",
]

DEFAULT_REVISIONED = frozenset({"forms"})

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

    def get(self, table: str, id: str) -> Doc | None: ...

    def documents(self, table: str) -> list[Doc]: ...

    def insert(self, table: str, doc: Mapping[str, Any]) -> Doc:
        """Add a document with a new ``id``; revisioned tables get ``revision`` 1.

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

        Raises :class:`ReadOnlyError` for a read-only store and
        :class:`LockTimeoutError` if another writer does not finish in time.
        """
        ...

    def close(self) -> None: ...


# -- the JSON file implementation ----------------------------------------


def _copy(value: Any) -> Any:
    # A JSON-shaped deep copy, about 3x faster than copy.deepcopy: the
    # snapshot's documents are shared with the storage cache, and a UI that
    # edits a returned form in place must not edit the cache.
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _check_table_name(table: str) -> None:
    if not isinstance(table, str) or not table:
        raise ValueError(f"table name must be a non-empty string, not {table!r}")
    if table == fileformat.META_TABLE:
        raise ValueError(f"table {table!r} is reserved for the storage layer")


def _check_id(doc: Mapping[str, Any]) -> str:
    ident = doc.get("id")
    if not isinstance(ident, str) or not ident:
        raise ValueError(f"a document needs a non-empty string 'id', got {ident!r}")
    return ident


class JsonSnapshot:
    """Snapshot over data parsed by :class:`SafeJSONStorage`.

    Holds its own top-level dict: commits replace whole tables in the cache,
    never edit them, so this keeps seeing the tables of its moment at no
    copying cost. Documents are copied on the way out.
    """

    __slots__ = ("_token", "_tables", "_indexes")

    def __init__(self, token: Hashable, data: Data | None) -> None:
        self._token = token
        self._tables: Data = {
            name: table for name, table in (data or {}).items() if name != fileformat.META_TABLE
        }
        self._indexes: dict[str, dict[str, Doc]] = {}

    @property
    def token(self) -> Hashable:
        return self._token

    def tables(self) -> list[str]:
        return list(self._tables)

    def documents(self, table: str) -> list[Doc]:
        return [_copy(doc) for doc in self._tables.get(table, {}).values()]

    def view(self, table: str) -> Iterable[Mapping[str, Any]]:
        return self._tables.get(table, {}).values()

    def get(self, table: str, id: str) -> Doc | None:
        index = self._indexes.get(table)
        if index is None:
            # Built lazily once per table; safe because the snapshot never changes.
            index = {doc["id"]: doc for doc in self._tables.get(table, {}).values()}
            self._indexes[table] = index
        doc = index.get(id)
        return None if doc is None else _copy(doc)


class _WorkingCopy(Storage):
    """TinyDB storage for one transaction: buffers writes in memory until commit.

    TinyDB writes after every operation; we want one atomic write per
    transaction and nothing at all on abort. The top-level dict is copied so
    TinyDB's in-place table replacement never touches the storage cache.
    """

    def __init__(self, data: Data | None) -> None:
        super().__init__()
        self.data: Data = dict(data) if data is not None else {}
        self.changed = False

    def read(self) -> Data:
        return self.data

    def write(self, data: Data) -> None:
        self.data = data
        self.changed = True


class _Table(Table):
    """TinyDB table that can swap a whole document.

    TinyDB's own update() mutates the stored dict in place, which would also
    change any snapshot sharing it; storing a new dict leaves old ones intact
    and keeps the document in its slot (and its line in the file).
    """

    def put(self, doc_id: int, document: Doc) -> None:
        def updater(table: dict[int, Any]) -> None:
            if doc_id not in table:
                raise KeyError(doc_id)
            table[doc_id] = document

        self._update_table(updater)


class _TinyDB(TinyDB):
    table_class = _Table


class JsonTransaction:
    """Transaction over one :class:`_WorkingCopy`, through fresh TinyDB tables.

    A new TinyDB instance per transaction, with query caching off, because
    TinyDB tables cache query results and the next free doc_id, and both go
    stale as soon as another process writes. Inside one transaction nobody
    else can write (we hold the lock), so the tables may remember both.
    """

    def __init__(self, path: str, data: Data | None, revisioned: frozenset[str]) -> None:
        self._path = path
        self._revisioned = revisioned
        self._working = _WorkingCopy(data)
        working = self._working
        self._db = _TinyDB(storage=lambda: working)
        self._open = True
        # id -> TinyDB doc_id per table, built on first use. Looking ids up
        # with a TinyDB query scans the whole table, which made a bulk import
        # quadratic (minutes for ten thousand forms).
        self._ids: dict[str, dict[str, int]] = {}

    @property
    def changed(self) -> bool:
        return self._working.changed

    @property
    def data(self) -> Data:
        return self._working.data

    def close(self) -> None:
        self._open = False

    # -- reading -------------------------------------------------------

    def get(self, table: str, id: str) -> Doc | None:
        found = self._find(table, id)
        return None if found is None else _copy(found)

    def documents(self, table: str) -> list[Doc]:
        return [_copy(doc) for doc in self._table(table).all()]

    # -- changing ------------------------------------------------------

    def insert(self, table: str, doc: Mapping[str, Any]) -> Doc:
        new = fileformat.normalize(doc)
        ident = _check_id(new)
        existing = self._find(table, ident)
        if existing is not None:
            raise ConflictError(
                self._path, table, ident, _copy(existing),
                f"{table} document {ident!r} already exists in {self._path}",
            )
        if table in self._revisioned:
            new["revision"] = 1
        self._index(table)[ident] = self._table(table).insert(new)
        return _copy(new)

    def replace(self, table: str, doc: Mapping[str, Any], base_revision: int) -> Doc:
        self._require_revisioned(table)
        new = fileformat.normalize(doc)
        current = self._check_base(table, _check_id(new), base_revision)
        new["revision"] = base_revision + 1
        self._table(table).put(current.doc_id, new)
        return _copy(new)

    def remove(self, table: str, id: str, base_revision: int) -> None:
        self._require_revisioned(table)
        current = self._check_base(table, id, base_revision)
        self._table(table).remove(doc_ids=[current.doc_id])
        del self._index(table)[id]

    def append(self, table: str, doc: Mapping[str, Any]) -> Doc:
        if table in self._revisioned:
            raise ValueError(f"table {table!r} is revisioned; use insert()")
        new = fileformat.normalize(doc)
        if "id" in new:
            ident = _check_id(new)
            existing = self._find(table, ident)
            if existing is not None:
                raise ConflictError(
                    self._path, table, ident, _copy(existing),
                    f"{table} entry {ident!r} already exists in {self._path}",
                )
        else:
            # Random, so unique without consulting the log.
            new["id"] = uuid.uuid4().hex
        doc_id = self._table(table).insert(new)
        if table in self._ids:
            self._ids[table][new["id"]] = doc_id
        return _copy(new)

    # -- helpers -------------------------------------------------------

    def _table(self, table: str) -> _Table:
        if not self._open:
            raise RuntimeError("the transaction is over")
        _check_table_name(table)
        found: _Table = self._db.table(table, cache_size=0)  # type: ignore[assignment]
        return found

    def _index(self, table: str) -> dict[str, int]:
        index = self._ids.get(table)
        if index is None:
            index = {doc["id"]: doc.doc_id for doc in self._table(table)}
            self._ids[table] = index
        return index

    def _find(self, table: str, ident: str) -> Document | None:
        doc_id = self._index(table).get(ident)
        if doc_id is None:
            return None
        found: Document | None = self._table(table).get(doc_id=doc_id)
        return found

    def _require_revisioned(self, table: str) -> None:
        if table not in self._revisioned:
            raise ValueError(f"table {table!r} is not revisioned; revisioned tables: {sorted(self._revisioned)}")

    def _check_base(self, table: str, ident: str, base_revision: int) -> Document:
        if type(base_revision) is not int:
            raise TypeError(f"base_revision must be an int, not {type(base_revision).__name__}")
        current = self._find(table, ident)
        if current is None:
            raise ConflictError(
                self._path, table, ident, None,
                f"{table} document {ident!r} was deleted by someone else in {self._path}",
            )
        if current.get("revision") != base_revision:
            raise ConflictError(
                self._path, table, ident, _copy(current),
                f"{table} document {ident!r} was changed by someone else in {self._path} "
                f"(stored revision {current.get('revision')}, yours is based on {base_revision})",
            )
        return current


class JsonFileStore:
    """:class:`Store` on one TinyDB JSON file, shared by processes on one machine.

    ``revisioned`` names the tables whose documents carry a ``revision`` and
    support replace/remove with conflict detection; the others are
    append-only logs. ``file_mode`` overrides the mode of files we create
    (see :mod:`storage.permissions`); ``before_replace`` is passed to
    :func:`storage.atomic.atomic_write` (the hook for backups).

    One instance may be shared by threads; nested transactions in one thread
    are refused, as they would wait for their own lock.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        lock_timeout: float = DEFAULT_TIMEOUT,
        file_mode: int | None = None,
        revisioned: Iterable[str] = DEFAULT_REVISIONED,
        before_replace: BeforeReplace | None = None,
    ) -> None:
        self.path = os.path.abspath(os.fspath(path))
        self.read_only = read_only
        self.lock_timeout = lock_timeout
        self.file_mode = file_mode
        self.revisioned = frozenset(revisioned)
        for table in self.revisioned:
            _check_table_name(table)
        self._storage = SafeJSONStorage(
            self.path,
            revisioned=self.revisioned,
            file_mode=file_mode,
            before_replace=before_replace,
            read_only=read_only,
        )
        self._local = threading.local()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"{type(self).__name__}({self.path!r}, {mode})"

    def read(self) -> JsonSnapshot:
        token, data = self._storage.load()
        return JsonSnapshot(token, data)

    def changed_since(self, token: Hashable) -> bool:
        return current_key(self.path) != token

    def transaction(self) -> AbstractContextManager[JsonTransaction]:
        # Checked here, not inside the generator, so the error is raised by
        # transaction() itself, before any lock file or folder is created.
        if self.read_only:
            raise ReadOnlyError(self.path)
        return self._transaction()

    @contextmanager
    def _transaction(self) -> Iterator[JsonTransaction]:
        if getattr(self._local, "active", False):
            raise RuntimeError(f"{self.path}: transactions cannot be nested")
        ensure_folder(self.path)
        self._local.active = True
        try:
            with FileLock(lock_path_for(self.path), timeout=self.lock_timeout, mode=self.file_mode):
                # Under the lock, so nobody can change the file between this
                # read and our write; parses only if someone else wrote.
                _, data = self._storage.load()
                tx = JsonTransaction(self.path, data, self.revisioned)
                try:
                    yield tx
                except BaseException:
                    self._storage.invalidate()
                    raise
                finally:
                    tx.close()
                if tx.changed:
                    remove_stale_temp_files(self.path)
                    self._storage.write(tx.data)
        finally:
            self._local.active = False

    def close(self) -> None:
        self._storage.close()

    def __enter__(self) -> JsonFileStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

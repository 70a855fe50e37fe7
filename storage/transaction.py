"""Transactions on the JSON file store: TinyDB tables over a working copy, changed in place.

TinyDB stays the engine of a transaction (its tables insert, remove and hand
out doc_ids), through its own extension points: a :class:`~tinydb.storages.
Storage` that buffers the transaction in memory (:class:`_WorkingCopy`) and a
:class:`~tinydb.table.Table` subclass whose updates cost what they touch.
What a transaction changed (tables, keys) is what the save encodes and checks
(:mod:`storage.lines`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from . import fileformat
from .document import check_id, check_table_name, copy_document
from .errors import ConflictError
from .unparsed import ident_of, resolve

__all__ = ["JsonTransaction", "Indexes"]

Doc = dict[str, Any]
Data = dict[str, dict[str, Any]]



class Indexes:
    """Each table's ``{id: doc_id}`` and next free doc_id, kept for as long as the table object is current.

    Building either takes a pass over the table (a few ms at ten thousand
    documents); tables are never changed in place once stored, so what was
    built for a table object stays right for it, and a transaction that
    changed the table hands over what it kept up to date.
    """

    def __init__(self) -> None:
        self._ids: dict[str, tuple[dict[str, Any], dict[str, str]]] = {}
        self._next: dict[str, tuple[dict[str, Any], int]] = {}

    def of(self, name: str, table: dict[str, Any]) -> dict[str, str]:
        """The index of ``table`` (shared: read it, never change it)."""
        known = self._ids.get(name)
        if known is not None and known[0] is table:
            return known[1]
        index = {ident_of(doc): doc_id for doc_id, doc in table.items()}
        self._ids[name] = (table, index)
        return index

    def next_id(self, name: str, table: dict[str, Any]) -> int:
        known = self._next.get(name)
        if known is not None and known[0] is table:
            return known[1]
        next_id = max((int(doc_id) for doc_id in table), default=0) + 1
        self._next[name] = (table, next_id)
        return next_id

    def carry(self, name: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        """``new`` holds the documents of ``old`` under the same keys (released, see storage.unparsed)."""
        known = self._ids.get(name)
        if known is not None and known[0] is old:
            self._ids[name] = (new, known[1])
        following = self._next.get(name)
        if following is not None and following[0] is old:
            self._next[name] = (new, following[1])

    def adopt(self, name: str, table: dict[str, Any], index: dict[str, str] | None, next_id: int | None) -> None:
        if index is not None:
            self._ids[name] = (table, index)
        if next_id is not None:
            self._next[name] = (table, next_id)


class _IntKeys(MutableMapping[int, Any]):
    """One stored table as TinyDB's updaters see it: int doc_ids over the file's string keys.

    TinyDB's own ``_update_table`` converts the whole table to int keys and
    back on every insert, which made a bulk import quadratic (minutes for ten
    thousand forms). Through this view an operation costs what it touches.
    """

    __slots__ = ("_table", "_touched")

    def __init__(self, table: dict[str, Any], touched: dict[str, None]) -> None:
        self._table = table
        self._touched = touched  # the keys changed, in the order first changed

    def __getitem__(self, doc_id: int) -> Any:
        return self._table[str(doc_id)]

    def __setitem__(self, doc_id: int, doc: Any) -> None:
        key = str(doc_id)
        self._table[key] = doc
        self._touched[key] = None

    def __delitem__(self, doc_id: int) -> None:
        key = str(doc_id)
        del self._table[key]
        self._touched[key] = None

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self._table

    def __iter__(self) -> Iterator[int]:
        return (int(doc_id) for doc_id in self._table)

    def __len__(self) -> int:
        return len(self._table)


class _WorkingCopy(Storage):
    """TinyDB storage for one transaction: buffers writes in memory until commit.

    TinyDB writes after every operation; we want one atomic write per
    transaction and nothing at all on abort. The top-level dict is copied, and
    each table is copied before its first change in this transaction (by
    :meth:`table_to_change`), so the storage cache and every snapshot sharing
    its tables never see a change, and a table nobody changed stays the very
    object it was: the next save knows it is unchanged without looking.
    """

    def __init__(self, data: Data | None, indexes: Indexes) -> None:
        super().__init__()
        self.data: Data = dict(data) if data is not None else {}
        self.changed = False
        self.indexes = indexes
        # For each table changed here: the table it was copied from, and the
        # keys changed since (what the save encodes and checks).
        self.touched: dict[str, tuple[dict[str, Any], dict[str, None]]] = {}

    def read(self) -> Data:
        return self.data

    def write(self, data: Data) -> None:
        self.data = data
        self.changed = True
        self.touched = {}  # a whole new data: nothing known about what changed

    def table_to_change(self, name: str) -> _IntKeys:
        touched = self.touched.get(name)
        if touched is None:
            base = self.data.get(name) or {}
            self.data[name] = dict(base)
            touched = self.touched[name] = (base, {})
        self.changed = True
        return _IntKeys(self.data[name], touched[1])


class _Table(Table):
    """TinyDB table whose changes cost what they touch, and that swaps documents whole.

    TinyDB's own update() mutates the stored dict in place, which would also
    change any snapshot sharing it; storing a new dict (:meth:`put`) leaves
    old ones intact and keeps the document in its slot (and its line in the
    file). update() and upsert() are refused for that reason.
    """

    _storage: _WorkingCopy

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        # TinyDB's extension point for every change (insert, insert_multiple,
        # remove, truncate, put): here it edits this transaction's own copy of
        # the table in place instead of rebuilding the whole table each time.
        updater(self._storage.table_to_change(self.name))  # type: ignore[arg-type]
        self.clear_cache()

    def _get_next_id(self) -> int:
        # TinyDB finds the first free doc_id with a pass over the whole table
        # once per Table object; the store remembers it across transactions.
        if self._next_id is None:
            self._next_id = self._storage.indexes.next_id(self.name, self._read_table())
        next_id: int = super()._get_next_id()
        return next_id

    def put(self, doc_id: int, document: Doc) -> None:
        def updater(table: dict[int, Any]) -> None:
            if doc_id not in table:
                raise KeyError(doc_id)
            table[doc_id] = document

        self._update_table(updater)

    def update(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("documents are replaced whole (put), never changed in place")

    update_multiple = upsert = update


class _TinyDB(TinyDB):
    table_class = _Table


class JsonTransaction:
    """Transaction over one :class:`_WorkingCopy`, through fresh TinyDB tables.

    A new TinyDB instance per transaction, with query caching off, because
    TinyDB tables cache query results and the next free doc_id, and both go
    stale as soon as another process writes. Inside one transaction nobody
    else can write (we hold the lock), so the tables may remember both.

    ``warnings`` is filled at commit: what went wrong beside a change that
    was committed all the same (a backup that could not be taken).
    """

    def __init__(
        self,
        path: str,
        data: Data | None,
        revisioned: frozenset[str],
        indexes: Indexes | None = None,
    ) -> None:
        self._path = path
        self._revisioned = revisioned
        self._shared = indexes or Indexes()
        self._working = _WorkingCopy(data, self._shared)
        working = self._working
        self._db = _TinyDB(storage=lambda: working)
        self._open = True
        # id -> doc_id for the tables this transaction changed (its own copies).
        self._ids: dict[str, dict[str, str]] = {}
        self.warnings: list[Exception] = []

    @property
    def changed(self) -> bool:
        return self._working.changed

    @property
    def data(self) -> Data:
        return self._working.data

    @property
    def touched(self) -> dict[str, tuple[dict[str, Any], dict[str, None]]]:
        """For each table changed, the table it was copied from and the doc_ids changed since."""
        return self._working.touched

    def close(self) -> None:
        self._open = False

    def hand_over_indexes(self) -> None:
        """After a commit: what was kept up to date here describes the committed tables."""
        for name in self._working.touched:
            table = self._db.table(name, cache_size=0)
            self._shared.adopt(name, self._working.data[name], self._ids.get(name), table._next_id)

    # -- reading -------------------------------------------------------

    def get(self, table: str, id: str) -> Doc | None:
        found = self._find(table, id)
        return None if found is None else copy_document(found)

    def documents(self, table: str) -> list[Doc]:
        return [copy_document(doc) for doc in self.view(table)]

    def view(self, table: str) -> Iterable[Mapping[str, Any]]:
        """The documents of ``table`` as they are in this transaction, without copying: never change them."""
        self._check_open(table)
        return [resolve(doc) for doc in (self._working.data.get(table) or {}).values()]

    def last(self, table: str) -> Mapping[str, Any] | None:
        """The newest document of ``table``: a table keeps the order documents were stored in."""
        self._check_open(table)
        docs = self._working.data.get(table) or {}
        return resolve(next(reversed(docs.values()))) if docs else None

    # -- changing ------------------------------------------------------

    def insert(self, table: str, doc: Mapping[str, Any], *, revision: int = 1) -> Doc:
        if type(revision) is not int or revision < 1:
            raise ValueError(f"a new document's revision must be an int >= 1, not {revision!r}")
        new = fileformat.normalize(doc)
        ident = check_id(new)
        existing = self._find(table, ident)
        if existing is not None:
            raise ConflictError(
                self._path, table, ident, copy_document(existing),
                f"{table} document {ident!r} already exists in {self._path}",
            )
        if table in self._revisioned:
            new["revision"] = revision
        index = self._own_index(table)
        index[ident] = str(self._table(table).insert(new))
        return copy_document(new)

    def replace(self, table: str, doc: Mapping[str, Any], base_revision: int) -> Doc:
        self._require_revisioned(table)
        new = fileformat.normalize(doc)
        ident = check_id(new)
        self._check_base(table, ident, base_revision)
        new["revision"] = base_revision + 1
        self._table(table).put(int(self._own_index(table)[ident]), new)
        return copy_document(new)

    def remove(self, table: str, id: str, base_revision: int) -> None:
        self._require_revisioned(table)
        self._check_base(table, id, base_revision)
        index = self._own_index(table)
        self._table(table).remove(doc_ids=[int(index[id])])
        del index[id]

    def append(self, table: str, doc: Mapping[str, Any]) -> Doc:
        if table in self._revisioned:
            raise ValueError(f"table {table!r} is revisioned; use insert()")
        new = fileformat.normalize(doc)
        if "id" in new:
            ident = check_id(new)
            existing = self._find(table, ident)
            if existing is not None:
                raise ConflictError(
                    self._path, table, ident, copy_document(existing),
                    f"{table} entry {ident!r} already exists in {self._path}",
                )
        else:
            # Random, so unique without consulting the log.
            new["id"] = uuid.uuid4().hex
        index = self._own_index(table)
        index[new["id"]] = str(self._table(table).insert(new))
        return copy_document(new)

    # -- helpers -------------------------------------------------------

    def _check_open(self, table: str) -> None:
        if not self._open:
            raise RuntimeError("the transaction is over")
        check_table_name(table)

    def _table(self, table: str) -> _Table:
        self._check_open(table)
        found: _Table = self._db.table(table, cache_size=0)  # type: ignore[assignment]
        return found

    def _index(self, table: str) -> dict[str, str]:
        """``{id: doc_id}`` of the table as it is in this transaction (read only)."""
        own = self._ids.get(table)
        if own is not None:
            return own
        self._check_open(table)
        return self._shared.of(table, self._working.data.get(table) or {})

    def _own_index(self, table: str) -> dict[str, str]:
        """The index of a table this transaction changes, its own copy, to keep up to date.

        Taken before the first change, while the table is still the shared
        one the shared index describes.
        """
        own = self._ids.get(table)
        if own is None:
            own = self._ids[table] = dict(self._index(table))
        return own

    def _find(self, table: str, ident: str) -> Doc | None:
        doc_id = self._index(table).get(ident)
        if doc_id is None:
            return None
        found: Doc | None = resolve((self._working.data.get(table) or {}).get(doc_id))
        return found

    def _require_revisioned(self, table: str) -> None:
        if table not in self._revisioned:
            raise ValueError(f"table {table!r} is not revisioned; revisioned tables: {sorted(self._revisioned)}")

    def _check_base(self, table: str, ident: str, base_revision: int) -> Doc:
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
                self._path, table, ident, copy_document(current),
                f"{table} document {ident!r} was changed by someone else in {self._path} "
                f"(stored revision {current.get('revision')}, yours is based on {base_revision})",
            )
        return current

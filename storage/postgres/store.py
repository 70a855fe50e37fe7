""":class:`PostgresStore`: the :class:`~storage.store.Store` interface on a PostgreSQL server.

The same contract as the JSON file, kept by the server instead of a file lock:

* **Snapshots** are REPEATABLE READ transactions: :meth:`PostgresStore.read`
  begins one and reads the change number in it, and everything the snapshot
  returns comes from that moment, however late it is asked for. The
  snapshot holds its connection until it is dropped (or closed).
* **Writers take turns**, as with the file lock: a transaction first takes
  one advisory lock (waiting at most ``lock_timeout``, then
  :class:`LockTimeoutError`), so it sees no other writer's half-made changes
  and its reads stay true until it commits. A stale save is still refused by
  its revision: ``UPDATE … WHERE id = … AND revision = base``.
* **Commits** set the change number one higher in the same transaction, and
  ``NOTIFY`` listeners with it, so other processes learn of the change at
  once (:meth:`PostgresStore.wait_for_change`) or with one cheap query
  (:meth:`PostgresStore.changed_since`).
* **Access** is the server's: an account without write privileges gets
  :class:`ServerReadOnlyError` (a :class:`ReadOnlyError`) before anything is
  locked, and ``read_only`` says so once the store has connected.

Beyond the interface, snapshots and transactions answer queries on the
declared columns (:meth:`PostgresSnapshot.select`, ``rows``, ``sums``)
without reading documents, and snapshots say what changed since an earlier
change number (:meth:`PostgresSnapshot.changes`).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
import weakref
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg
import psycopg.adapt

from .. import fileformat
from ..errors import ConflictError, NewerSchemaError, ReadOnlyError
from ..lock import DEFAULT_TIMEOUT
from ..locations import display_location
from ..servererrors import OutcomeUnknownError, ServerReadOnlyError
from ..spec import StoreSpec
from . import schema
from .connections import Pool, translate

__all__ = ["PostgresStore", "PostgresSnapshot", "PostgresTransaction"]

Doc = dict[str, Any]

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)

try:  # the store's documents are parsed by the fastest parser at hand
    from orjson import loads as _parse  # takes the driver's buffer as it is
except ImportError:  # pragma: no cover - orjson is optional here

    def _parse(data: Any) -> Any:
        return json.loads(str(data, "utf-8"))


class _JsonbLoader(psycopg.adapt.Loader):
    """jsonb from the server: one call of the parser per document, nothing else.

    The driver's own loader took twice as long as fetching the text and
    parsing it (50,000 forms: 6.5 s against 3.3 s).
    """

    def load(self, data: Any) -> Any:
        return _parse(data)


def _copy(value: Any) -> Any:
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


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.adapters.register_loader("jsonb", _JsonbLoader)


class _Queries:
    """SQL on the declared columns, shared by snapshots and transactions."""

    def __init__(self, store: PostgresStore) -> None:
        self._store = store

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _where(self, table: str, where: Mapping[str, Any] | None) -> tuple[str, list[Any]]:
        _check_table_name(table)
        known = {column.name for column in self._store.spec.columns(table)}
        clauses, params = ['"table" = %s'], [table]
        for name, value in (where or {}).items():
            if name not in known:
                raise ValueError(f"{name!r} is not a declared column of table {table!r}")
            if value is None:
                clauses.append(f'"{name}" IS NULL')
            else:
                clauses.append(f'"{name}" = %s')
                params.append(value)
        return " AND ".join(clauses), params

    def _columns(self, table: str, names: Iterable[str]) -> list[str]:
        known = {column.name for column in self._store.spec.columns(table)}
        names = list(names)
        for name in names:
            if name not in known:
                raise ValueError(f"{name!r} is not a declared column of table {table!r}")
        return names

    def select(self, table: str, where: Mapping[str, Any] | None = None) -> list[Doc]:
        """The documents whose columns equal ``where`` (None: no value), in storage order."""
        clause, params = self._where(table, where)
        sql = f"SELECT doc FROM {self._store.names.documents} WHERE {clause} ORDER BY seq"
        return [doc for (doc,) in self._run(sql, params)]

    def rows(self, table: str, columns: Sequence[str], where: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """``(id, revision, *columns)`` of each matching document, in storage order; no documents read."""
        names = self._columns(table, columns)
        clause, params = self._where(table, where)
        wanted = "".join(f', "{name}"' for name in names)
        sql = f"SELECT id, revision{wanted} FROM {self._store.names.documents} WHERE {clause} ORDER BY seq"
        return self._run(sql, params)

    def sums(
        self,
        table: str,
        group_by: Sequence[str],
        sums: Sequence[str],
        where: Mapping[str, Any] | None = None,
    ) -> list[tuple[Any, ...]]:
        """``(*group, count, *sums)`` per group of equal ``group_by`` values.

        Groups come in the order their first document was stored, as a
        caller grouping documents one by one in storage order would meet them.

        Sums of numeric columns are exact (Decimal); a group where a column
        has no value at all sums to 0.
        """
        groups = self._columns(table, group_by)
        summed = self._columns(table, sums)
        clause, params = self._where(table, where)
        keys = ", ".join(f'"{name}"' for name in groups)
        totals = "".join(f', coalesce(sum("{name}"), 0)' for name in summed)
        sql = f"SELECT {keys + ', ' if keys else ''}count(*){totals} FROM {self._store.names.documents} WHERE {clause}"
        if keys:
            sql += f" GROUP BY {keys} ORDER BY min(seq)"
        result = self._run(sql, params)
        return [row for row in result if row[len(groups)]]  # no rows: no group, not a group of none


class PostgresSnapshot(_Queries):
    """The database as it was when :meth:`PostgresStore.read` returned this.

    Tables are read when first asked for and kept; other questions are asked
    in the snapshot's own transaction. Returned documents are the caller's
    copies, except from :meth:`view`.
    """

    def __init__(self, store: PostgresStore, conn: psycopg.Connection[Any], token: int) -> None:
        super().__init__(store)
        self._conn: psycopg.Connection[Any] | None = conn
        self._token = token
        self._tables: dict[str, dict[str, Doc]] = {}
        self._mutex = threading.Lock()
        self._release = weakref.finalize(self, store._pool.give_back, conn)

    @property
    def token(self) -> Hashable:
        return self._token

    def close(self) -> None:
        """End the snapshot's transaction now (tables already read stay readable)."""
        with self._mutex:
            self._conn = None
            self._release()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._mutex:
            if self._conn is None:
                raise RuntimeError("the snapshot is closed")
            try:
                return self._conn.execute(sql, params).fetchall()
            except psycopg.Error as error:
                raise translate(error, self._store.location) from None

    def _load(self, table: str) -> dict[str, Doc]:
        loaded = self._tables.get(table)
        if loaded is None:
            _check_table_name(table)
            rows = self._run(f'SELECT id, doc FROM {self._store.names.documents} WHERE "table" = %s ORDER BY seq', (table,))
            loaded = self._tables[table] = dict(rows)
        return loaded

    def stream(self, table: str, batch: int = 1000) -> Iterator[Mapping[str, Any]]:
        """The documents of ``table`` in storage order, fetched in batches and not kept.

        For callers that turn each document into their own record at once:
        the table is never in memory as documents all at the same time.
        """
        loaded = self._tables.get(table)
        if loaded is not None:
            yield from loaded.values()
            return
        _check_table_name(table)
        with self._mutex:
            if self._conn is None:
                raise RuntimeError("the snapshot is closed")
            cursor = self._conn.cursor(name=f"stream_{uuid.uuid4().hex}")
        try:
            sql = f'SELECT doc FROM {self._store.names.documents} WHERE "table" = %s ORDER BY seq'
            with self._mutex:
                try:
                    cursor.execute(sql, (table,))
                except psycopg.Error as error:
                    raise translate(error, self._store.location) from None
            while True:
                with self._mutex:
                    try:
                        rows = cursor.fetchmany(batch)
                    except psycopg.Error as error:
                        raise translate(error, self._store.location) from None
                if not rows:
                    return
                for (doc,) in rows:
                    yield doc
        finally:
            with self._mutex:
                try:
                    cursor.close()
                except psycopg.Error:
                    pass

    def tables(self) -> list[str]:
        rows = self._run(f'SELECT "table" FROM {self._store.names.documents} GROUP BY "table" ORDER BY min(seq)')
        return [name for (name,) in rows]

    def documents(self, table: str) -> list[Doc]:
        return [_copy(doc) for doc in self._load(table).values()]

    def view(self, table: str) -> Iterable[Mapping[str, Any]]:
        return self._load(table).values()

    def get(self, table: str, id: str) -> Doc | None:
        loaded = self._tables.get(table)
        if loaded is not None:
            doc = loaded.get(id)
            return None if doc is None else _copy(doc)
        _check_table_name(table)
        rows = self._run(f'SELECT doc FROM {self._store.names.documents} WHERE "table" = %s AND id = %s', (table, id))
        return rows[0][0] if rows else None

    def changes(self, table: str, since: Hashable) -> tuple[list[Doc], list[str]]:
        """What changed in ``table`` after the snapshot whose token is ``since``: (documents now, ids removed).

        Apply the removals first: an id removed and added again is in both.
        """
        if not isinstance(since, int) or since > self._token:
            raise ValueError(f"{since!r} is not the token of an earlier snapshot")
        _check_table_name(table)
        names = self._store.names
        docs = self._run(
            f'SELECT doc FROM {names.documents} WHERE "table" = %s AND changed > %s ORDER BY seq', (table, since)
        )
        removed = self._run(f'SELECT id FROM {names.removed} WHERE "table" = %s AND changed > %s', (table, since))
        return [doc for (doc,) in docs], [ident for (ident,) in removed]


class PostgresTransaction(_Queries):
    """One server transaction, under the writers' lock; see :class:`storage.store.Transaction`."""

    def __init__(self, store: PostgresStore, conn: psycopg.Connection[Any], change: int) -> None:
        super().__init__(store)
        self._conn = conn
        self._change = change  # the number this commit will have
        self._open = True
        self.changed = False

    def close(self) -> None:
        self._open = False

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self._execute(sql, params)
        return cursor.fetchall() if cursor.description else []

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        if not self._open:
            raise RuntimeError("the transaction is over")
        try:
            return self._conn.execute(sql, params)
        except psycopg.Error as error:
            raise translate(error, self._store.location, lock_timeout=self._store.lock_timeout) from None

    # -- reading -------------------------------------------------------

    def get(self, table: str, id: str) -> Doc | None:
        _check_table_name(table)
        rows = self._run(f'SELECT doc FROM {self._store.names.documents} WHERE "table" = %s AND id = %s', (table, id))
        return rows[0][0] if rows else None

    def documents(self, table: str) -> list[Doc]:
        _check_table_name(table)
        rows = self._run(f'SELECT doc FROM {self._store.names.documents} WHERE "table" = %s ORDER BY seq', (table,))
        return [doc for (doc,) in rows]

    # -- changing ------------------------------------------------------

    def _encode(self, table: str, doc: Doc) -> tuple[str, list[Any]]:
        values = self._store.spec.values(table, doc)
        text = _ENCODER.encode(doc)
        return text, list(values.values())

    def insert(self, table: str, doc: Mapping[str, Any], *, revision: int = 1) -> Doc:
        if type(revision) is not int or revision < 1:
            raise ValueError(f"a new document's revision must be an int >= 1, not {revision!r}")
        _check_table_name(table)
        new = fileformat.normalize(doc)
        ident = _check_id(new)
        revisioned = table in self._store.spec.revisioned
        if revisioned:
            new["revision"] = revision
        self._add(table, ident, new, revision if revisioned else None, "already exists")
        return _copy(new)

    def _add(self, table: str, ident: str, new: Doc, revision: int | None, clash: str) -> None:
        text, values = self._encode(table, new)
        names = self._store.names
        columns = "".join(f', "{c.name}"' for c in self._store.spec.columns(table))
        marks = ", %s" * len(values)
        cursor = self._execute(
            f'INSERT INTO {names.documents} ("table", id, revision, changed, doc{columns}) '
            f"VALUES (%s, %s, %s, %s, %s::jsonb{marks}) ON CONFLICT (\"table\", id) DO NOTHING",
            (table, ident, revision, self._change, text, *values),
        )
        if cursor.rowcount == 0:
            location = self._store.location
            raise ConflictError(
                location, table, ident, self.get(table, ident), f"{table} document {ident!r} {clash} in {location}"
            )
        self.changed = True

    def replace(self, table: str, doc: Mapping[str, Any], base_revision: int) -> Doc:
        self._require_revisioned(table)
        new = fileformat.normalize(doc)
        ident = _check_id(new)
        self._check_base_type(base_revision)
        new["revision"] = base_revision + 1
        text, values = self._encode(table, new)
        assignments = "".join(f', "{c.name}" = %s' for c in self._store.spec.columns(table))
        cursor = self._execute(
            f"UPDATE {self._store.names.documents} SET revision = %s, changed = %s, doc = %s::jsonb{assignments} "
            'WHERE "table" = %s AND id = %s AND revision = %s',
            (base_revision + 1, self._change, text, *values, table, ident, base_revision),
        )
        if cursor.rowcount == 0:
            self._conflict(table, ident, base_revision)
        self.changed = True
        return _copy(new)

    def remove(self, table: str, id: str, base_revision: int) -> None:
        self._require_revisioned(table)
        self._check_base_type(base_revision)
        names = self._store.names
        cursor = self._execute(
            f'DELETE FROM {names.documents} WHERE "table" = %s AND id = %s AND revision = %s', (table, id, base_revision)
        )
        if cursor.rowcount == 0:
            self._conflict(table, id, base_revision)
        self._execute(f'INSERT INTO {names.removed} ("table", id, changed) VALUES (%s, %s, %s)', (table, id, self._change))
        self.changed = True

    def append(self, table: str, doc: Mapping[str, Any]) -> Doc:
        _check_table_name(table)
        if table in self._store.spec.revisioned:
            raise ValueError(f"table {table!r} is revisioned; use insert()")
        new = fileformat.normalize(doc)
        if "id" in new:
            ident = _check_id(new)
        else:
            ident = new["id"] = uuid.uuid4().hex  # random, so unique without consulting the log
        self._add(table, ident, new, None, "entry already exists")
        return _copy(new)

    # -- helpers -------------------------------------------------------

    def _require_revisioned(self, table: str) -> None:
        _check_table_name(table)
        revisioned = self._store.spec.revisioned
        if table not in revisioned:
            raise ValueError(f"table {table!r} is not revisioned; revisioned tables: {sorted(revisioned)}")

    @staticmethod
    def _check_base_type(base_revision: int) -> None:
        if type(base_revision) is not int:
            raise TypeError(f"base_revision must be an int, not {type(base_revision).__name__}")

    def _conflict(self, table: str, ident: str, base_revision: int) -> None:
        location = self._store.location
        current = self.get(table, ident)
        if current is None:
            raise ConflictError(
                location, table, ident, None, f"{table} document {ident!r} was deleted by someone else in {location}"
            )
        raise ConflictError(
            location, table, ident, current,
            f"{table} document {ident!r} was changed by someone else in {location} "
            f"(stored revision {current.get('revision')}, yours is based on {base_revision})",
        )


class PostgresStore:
    """:class:`~storage.store.Store` on one PostgreSQL database, shared by processes on many machines.

    ``url`` is a libpq URL (``postgresql://user@host/dbname``); ``spec`` says
    which tables are revisioned and which fields are columns, and names the
    schema the tables live in (``spec.app``). The database must have been
    set up for ``spec`` (:func:`storage.postgres.init_database`).

    Connects on first use, not here. One instance may be shared by threads;
    nested transactions in one thread are refused.
    """

    def __init__(
        self,
        url: str,
        spec: StoreSpec,
        *,
        read_only: bool = False,
        lock_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.url = url
        self.location = self.path = display_location(url)
        self.spec = spec
        self.names = schema.Names(spec.app)
        self.lock_timeout = lock_timeout
        self._read_only = read_only
        self._server_writable: bool | None = None
        self._pool = Pool(url, self.location, configure=_configure)
        self._checked = False
        self._check_mutex = threading.Lock()
        self._local = threading.local()
        self._listener: psycopg.Connection[Any] | None = None
        self._listen_mutex = threading.Lock()

    def __repr__(self) -> str:
        mode = "read-only" if self._read_only else "read-write"
        return f"{type(self).__name__}({self.location!r}, {mode})"

    @property
    def read_only(self) -> bool:
        """Opened read-only, or (once connected) the server lets this account only read."""
        return self._read_only or self._server_writable is False

    # -- connecting ----------------------------------------------------

    def _ensure_checked(self, conn: psycopg.Connection[Any]) -> None:
        if self._checked:
            return
        with self._check_mutex:
            if self._checked:
                return
            try:
                schema.check(conn, self.spec, self.location)
                row = conn.execute(
                    "SELECT has_table_privilege(%s, 'INSERT, UPDATE, DELETE') AND has_table_privilege(%s, 'UPDATE')",
                    (self.names.documents, self.names.meta),
                ).fetchone()
            except psycopg.Error as error:
                raise translate(error, self.location) from None
            self._server_writable = bool(row and row[0])
            self._checked = True

    def _state(self, conn: psycopg.Connection[Any]) -> int:
        """The change number, after making sure nobody upgraded the database under us."""
        row = conn.execute(f"SELECT change, layout, spec->'version' FROM {self.names.meta}").fetchone()
        if row is None:
            raise translate(psycopg.errors.NoData("the meta row is gone"), self.location)
        change, layout, version = row
        if layout != schema.LAYOUT or version != self.spec.version:
            newer = layout > schema.LAYOUT or (isinstance(version, int) and version > self.spec.version)
            if newer:
                raise NewerSchemaError(self.location, version, self.spec.version)
            self._checked = False
            self._ensure_checked(conn)
        return int(change)

    # -- reading -------------------------------------------------------

    def read(self) -> PostgresSnapshot:
        conn = self._pool.take()
        try:
            self._ensure_checked(conn)
            try:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                token = self._state(conn)
            except psycopg.Error as error:
                raise translate(error, self.location) from None
        except BaseException:
            self._pool.give_back(conn)
            raise
        return PostgresSnapshot(self, conn, token)

    def changed_since(self, token: Hashable) -> bool:
        with self._pool.connection() as conn:
            self._ensure_checked(conn)
            try:
                return self._state(conn) != token
            except psycopg.Error as error:
                raise translate(error, self.location) from None

    def wait_for_change(self, token: Hashable, timeout: float) -> bool:
        """Block until a commit after ``token`` (True) or ``timeout`` seconds pass (False).

        Woken by the server (LISTEN/NOTIFY), so another process's save is
        seen at once without polling: while the listening connection stays
        open, waiting asks the server nothing. One waiting thread at a time.
        """
        deadline = time.monotonic() + timeout
        with self._listen_mutex:
            try:
                fresh = self._listener is None or self._listener.closed
                conn = self._listening()
                # A commit between ``token`` and a new LISTEN sent its
                # notification to nobody: ask once. Later ones queue up here.
                if fresh and self._state(conn) != token:
                    return True
                while (left := deadline - time.monotonic()) > 0:
                    for note in conn.notifies(timeout=left, stop_after=1):
                        if not note.payload.isdigit() or not isinstance(token, int) or int(note.payload) > token:
                            return True
                return False
            except psycopg.Error as error:
                self._drop_listener()
                raise translate(error, self.location) from None

    def _listening(self) -> psycopg.Connection[Any]:
        if self._listener is None or self._listener.closed:
            conn = self._pool.connect()
            try:
                self._ensure_checked(conn)
                conn.execute(f'LISTEN "{self.names.channel}"')
            except BaseException:
                conn.close()
                raise
            self._listener = conn
        return self._listener

    def _drop_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()

    # -- changing ------------------------------------------------------

    def transaction(self) -> AbstractContextManager[PostgresTransaction]:
        if self._read_only:
            raise ReadOnlyError(self.location)
        if self._server_writable is False:
            raise ServerReadOnlyError(self.location)
        return self._transaction()

    @contextmanager
    def _transaction(self) -> Iterator[PostgresTransaction]:
        if getattr(self._local, "active", False):
            raise RuntimeError(f"{self.location}: transactions cannot be nested")
        self._local.active = True
        conn = self._pool.take()
        try:
            self._ensure_checked(conn)
            if self._server_writable is False:
                raise ServerReadOnlyError(self.location)
            try:
                conn.execute("BEGIN")
                conn.execute(f"SET LOCAL lock_timeout = {max(1, int(self.lock_timeout * 1000))}")
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.names.lock_name,))
                change = self._state(conn) + 1
            except psycopg.Error as error:
                raise translate(error, self.location, lock_timeout=self.lock_timeout) from None
            tx = PostgresTransaction(self, conn, change)
            try:
                yield tx
            finally:
                tx.close()
            self._commit(conn, tx, change)
        finally:
            self._local.active = False
            self._pool.give_back(conn)  # rolls back whatever was not committed

    def _commit(self, conn: psycopg.Connection[Any], tx: PostgresTransaction, change: int) -> None:
        try:
            if tx.changed:
                conn.execute(f"UPDATE {self.names.meta} SET change = %s", (change,))
                conn.execute("SELECT pg_notify(%s, %s)", (self.names.channel, str(change)))
        except psycopg.Error as error:
            raise translate(error, self.location, lock_timeout=self.lock_timeout) from None
        try:
            conn.execute("COMMIT")
        except psycopg.Error as error:
            if getattr(error, "sqlstate", None) is None:
                raise OutcomeUnknownError(self.location, str(error)) from None
            raise translate(error, self.location) from None

    def close(self) -> None:
        with self._listen_mutex:
            self._drop_listener()
        self._pool.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

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

import threading
import time
from collections.abc import Hashable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg

from ..errors import NewerSchemaError, ReadOnlyError
from ..lock import DEFAULT_TIMEOUT
from ..locations import display_location
from ..servererrors import OutcomeUnknownError, ServerReadOnlyError
from ..spec import StoreSpec
from . import schema
from .connections import Pool, translate
from .documents import configure
from .snapshot import PostgresSnapshot
from .transaction import PostgresTransaction

__all__ = ["PostgresStore", "PostgresSnapshot", "PostgresTransaction"]


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
        self._pool = Pool(url, self.location, configure=configure)
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

    def refresh_statistics(self) -> None:
        """After a bulk load: the server's statistics and visibility map brought up to date now.

        Until autovacuum comes round (a minute or more after tens of thousands
        of rows arrive), the planner takes the tables for empty: a total then
        sorts every row on disk instead of summing them from the columns' index
        (50,000 forms: 0.1 s instead of 0.025 s). ``VACUUM`` cannot run inside
        a transaction, so this is its own statement, after the copy committed;
        an account that does not own the tables is skipped by the server (a
        warning, not an error).
        """
        if self.read_only:
            return
        conn = self._pool.connect()
        try:
            conn.execute(f"VACUUM (ANALYZE) {self.names.documents}, {self.names.removed}")
        except psycopg.Error as error:
            raise translate(error, self.location) from None
        finally:
            conn.close()

    def close(self) -> None:
        with self._listen_mutex:
            self._drop_listener()
        self._pool.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

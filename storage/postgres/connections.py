"""Connections to the server: opening, pooling, and turning driver errors into storage errors.

psycopg (3) is the driver. Connections are in autocommit mode and every
transaction is begun explicitly, so a connection handed back to the pool is
never left inside one by accident (the pool rolls back whatever is open).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pgerrors
from psycopg.pq import TransactionStatus

from ..errors import ConflictError, LockTimeoutError, StorageError
from ..servererrors import ServerError, ServerReadOnlyError, UnreachableError

__all__ = ["Pool", "translate", "CONNECT_TIMEOUT"]

CONNECT_TIMEOUT = 10
_IDLE_KEPT = 4


def _one_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())


def translate(error: BaseException, location: str, *, lock_timeout: float = 0.0) -> BaseException:
    """The storage error (or ValueError) for a driver error; others are returned unchanged."""
    if isinstance(error, (StorageError, ConflictError)):
        return error
    if isinstance(error, pgerrors.LockNotAvailable):
        return LockTimeoutError(location, lock_timeout)
    if isinstance(error, pgerrors.InsufficientPrivilege):
        return ServerReadOnlyError(location)
    if isinstance(error, (pgerrors.UntranslatableCharacter, pgerrors.CharacterNotInRepertoire)):
        # e.g. "\u0000": PostgreSQL text cannot hold NUL characters.
        return ValueError(f"the database cannot store this text: {_one_line(error)}")
    if isinstance(error, psycopg.Error):
        sqlstate = getattr(error, "sqlstate", None)
        if sqlstate is None or sqlstate.startswith(("08", "57P")):  # the connection is gone
            return UnreachableError(location, _one_line(error))
        return ServerError(location, f"The database {location} refused the operation: {_one_line(error)}", sqlstate=sqlstate)
    return error


class Pool:
    """A few idle connections kept for reuse; any number in use at once.

    A store is shared by the threads of one process (the UI's workers, a
    watcher), and a snapshot keeps its connection inside a transaction for as
    long as it lives, so connections are handed out one per user and taken
    back afterwards, rather than shared.
    """

    def __init__(self, url: str, location: str, *, configure: Any = None) -> None:
        self.url = url
        self.location = location
        self._configure = configure
        self._idle: list[psycopg.Connection[Any]] = []
        self._mutex = threading.Lock()
        self._closed = False

    def connect(self) -> psycopg.Connection[Any]:
        """A new connection (not from the pool): the caller closes it."""
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as error:
            raise UnreachableError(self.location, _one_line(error)) from None
        if self._configure is not None:
            self._configure(conn)
        return conn

    def take(self) -> psycopg.Connection[Any]:
        with self._mutex:
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed and conn.info.transaction_status == TransactionStatus.IDLE:
                    return conn
                conn.close()
        return self.connect()

    def give_back(self, conn: psycopg.Connection[Any]) -> None:
        """Return ``conn`` for reuse, rolling back whatever it left open (broken ones are closed)."""
        try:
            status = conn.info.transaction_status
            if status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
                conn.execute("ROLLBACK")
            usable = not conn.closed and conn.info.transaction_status == TransactionStatus.IDLE
        except psycopg.Error:
            usable = False
        with self._mutex:
            if usable and not self._closed and len(self._idle) < _IDLE_KEPT:
                self._idle.append(conn)
                return
        conn.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        conn = self.take()
        try:
            yield conn
        finally:
            self.give_back(conn)

    def close(self) -> None:
        with self._mutex:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

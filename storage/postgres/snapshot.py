"""Snapshots of a PostgreSQL store: one REPEATABLE READ transaction each."""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import psycopg

from .connections import translate
from .documents import Doc, Queries, check_table_name, copy_document

if TYPE_CHECKING:
    from .store import PostgresStore

__all__ = ["PostgresSnapshot"]


class PostgresSnapshot(Queries):
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
            check_table_name(table)
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
        check_table_name(table)
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
        return [copy_document(doc) for doc in self._load(table).values()]

    def view(self, table: str) -> Iterable[Mapping[str, Any]]:
        return self._load(table).values()

    def get(self, table: str, id: str) -> Doc | None:
        loaded = self._tables.get(table)
        if loaded is not None:
            doc = loaded.get(id)
            return None if doc is None else copy_document(doc)
        check_table_name(table)
        rows = self._run(f'SELECT doc FROM {self._store.names.documents} WHERE "table" = %s AND id = %s', (table, id))
        return rows[0][0] if rows else None

    def some(self, table: str, ids: Iterable[str]) -> list[Doc]:
        """The documents of ``table`` with these ids (those that exist), in storage order: one query."""
        check_table_name(table)
        wanted = list(ids)
        if not wanted:
            return []
        rows = self._run(
            f'SELECT doc FROM {self._store.names.documents} WHERE "table" = %s AND id = ANY(%s) ORDER BY seq',
            (table, wanted),
        )
        return [doc for (doc,) in rows]

    def changed_rows(
        self, table: str, columns: Sequence[str], since: Hashable
    ) -> tuple[list[tuple[Any, ...]], list[str]]:
        """:meth:`changes` as columns: ``(id, revision, *columns)`` of what changed after ``since``, and the ids removed.

        What a list kept from columns needs to follow other processes' commits
        without reading a document.
        """
        if not isinstance(since, int) or since > self._token:
            raise ValueError(f"{since!r} is not the token of an earlier snapshot")
        names = self._columns(table, columns)
        check_table_name(table)
        wanted = "".join(f', "{name}"' for name in names)
        documents = self._store.names.documents
        rows = self._run(
            f'SELECT id, revision{wanted} FROM {documents} WHERE "table" = %s AND changed > %s ORDER BY seq',
            (table, since),
        )
        removed = self._run(
            f'SELECT id FROM {self._store.names.removed} WHERE "table" = %s AND changed > %s', (table, since)
        )
        return rows, [ident for (ident,) in removed]

    def changes(self, table: str, since: Hashable) -> tuple[list[Doc], list[str]]:
        """What changed in ``table`` after the snapshot whose token is ``since``: (documents now, ids removed).

        Apply the removals first: an id removed and added again is in both.
        """
        if not isinstance(since, int) or since > self._token:
            raise ValueError(f"{since!r} is not the token of an earlier snapshot")
        check_table_name(table)
        names = self._store.names
        docs = self._run(
            f'SELECT doc FROM {names.documents} WHERE "table" = %s AND changed > %s ORDER BY seq', (table, since)
        )
        removed = self._run(f'SELECT id FROM {names.removed} WHERE "table" = %s AND changed > %s', (table, since))
        return [doc for (doc,) in docs], [ident for (ident,) in removed]

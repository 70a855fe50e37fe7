"""Write transactions of a PostgreSQL store: under the writers' lock, stale revisions refused by the UPDATE itself."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import psycopg

from .. import fileformat
from ..errors import ConflictError
from .connections import translate
from .documents import ENCODER, Doc, Queries, check_id, check_table_name, copy_document

if TYPE_CHECKING:
    from .store import PostgresStore

__all__ = ["PostgresTransaction"]


class PostgresTransaction(Queries):
    """One server transaction, under the writers' lock; see :class:`storage.store.Transaction`."""

    def __init__(self, store: PostgresStore, conn: psycopg.Connection[Any], change: int) -> None:
        super().__init__(store)
        self._conn = conn
        self._change = change  # the number this commit will have
        self._open = True
        self.changed = False
        #: Nothing fails beside a commit here (no backups to take): always empty.
        self.warnings: list[Exception] = []

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
        check_table_name(table)
        rows = self._run(f'SELECT doc FROM {self._store.names.documents} WHERE "table" = %s AND id = %s', (table, id))
        return rows[0][0] if rows else None

    def view(self, table: str) -> Iterable[Mapping[str, Any]]:
        # Fresh from the server each time: already the caller's own.
        return self.documents(table)

    def documents(self, table: str) -> list[Doc]:
        check_table_name(table)
        rows = self._run(f'SELECT doc FROM {self._store.names.documents} WHERE "table" = %s ORDER BY seq', (table,))
        return [doc for (doc,) in rows]

    def last(self, table: str) -> Doc | None:
        check_table_name(table)
        rows = self._run(
            f'SELECT doc FROM {self._store.names.documents} WHERE "table" = %s ORDER BY seq DESC LIMIT 1', (table,)
        )
        return rows[0][0] if rows else None

    # -- changing ------------------------------------------------------

    def _encode(self, table: str, doc: Doc) -> tuple[str, list[Any]]:
        values = self._store.spec.values(table, doc)
        text = ENCODER.encode(doc)
        return text, list(values.values())

    def insert(self, table: str, doc: Mapping[str, Any], *, revision: int = 1) -> Doc:
        if type(revision) is not int or revision < 1:
            raise ValueError(f"a new document's revision must be an int >= 1, not {revision!r}")
        check_table_name(table)
        new = fileformat.normalize(doc)
        ident = check_id(new)
        revisioned = table in self._store.spec.revisioned
        if revisioned:
            new["revision"] = revision
        self._add(table, ident, new, revision if revisioned else None, "already exists")
        return copy_document(new)

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

    def insert_many(self, table: str, docs: Iterable[Mapping[str, Any]], *, batch: int = 5000) -> int:
        """Add documents as they are (revisioned ones keeping their ``revision``), in a few round trips.

        For copying a whole store over (``storage.migrate``): ``COPY`` instead
        of one ``INSERT`` per document, fifty thousand forms in seconds. An id
        the table holds already fails the whole transaction (the caller has
        left those out); returns how many were added.
        """
        check_table_name(table)
        revisioned = table in self._store.spec.revisioned
        columns = self._store.spec.columns(table)
        names = "".join(f', "{c.name}"' for c in columns)
        sql = f'COPY {self._store.names.documents} ("table", id, revision, changed, doc{names}) FROM STDIN'
        added = 0
        pending: list[tuple[Any, ...]] = []

        def flush() -> None:
            if not self._open:
                raise RuntimeError("the transaction is over")
            try:
                with self._conn.cursor() as cursor, cursor.copy(sql) as copy:
                    for row in pending:
                        copy.write_row(row)
            except psycopg.Error as error:
                raise translate(error, self._store.location, lock_timeout=self._store.lock_timeout) from None
            pending.clear()

        for doc in docs:
            new = fileformat.normalize(doc)
            if revisioned:
                revision = new.get("revision")
                if type(revision) is not int or revision < 1:
                    raise ValueError(f"{table} document {new.get('id')!r}: revision must be an int >= 1, not {revision!r}")
            else:
                revision = None
                if "id" not in new:
                    new["id"] = uuid.uuid4().hex
            ident = check_id(new)
            text, values = self._encode(table, new)
            pending.append((table, ident, revision, self._change, text, *values))
            added += 1
            if len(pending) >= batch:
                flush()
        if pending:
            flush()
        if added:
            self.changed = True
        return added

    def replace(self, table: str, doc: Mapping[str, Any], base_revision: int) -> Doc:
        self._require_revisioned(table)
        new = fileformat.normalize(doc)
        ident = check_id(new)
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
        return copy_document(new)

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
        check_table_name(table)
        if table in self._store.spec.revisioned:
            raise ValueError(f"table {table!r} is revisioned; use insert()")
        new = fileformat.normalize(doc)
        if "id" in new:
            ident = check_id(new)
        else:
            ident = new["id"] = uuid.uuid4().hex  # random, so unique without consulting the log
        self._add(table, ident, new, None, "entry already exists")
        return copy_document(new)

    # -- helpers -------------------------------------------------------

    def _require_revisioned(self, table: str) -> None:
        check_table_name(table)
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

"""What snapshots and transactions share: documents in and out, and queries on the declared columns."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import psycopg
import psycopg.adapt
from orjson import loads as _parse  # takes the driver's buffer as it is

from ..document import check_id, check_table_name, copy_document

if TYPE_CHECKING:
    from .store import PostgresStore

__all__ = ["Doc", "ENCODER", "copy_document", "check_table_name", "check_id", "configure", "Queries"]

Doc = dict[str, Any]

ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class _JsonbLoader(psycopg.adapt.Loader):
    """jsonb from the server: one call of the parser per document, nothing else.

    The driver's own loader took twice as long as fetching the text and
    parsing it (50,000 forms: 6.5 s against 3.3 s).
    """

    def load(self, data: Any) -> Any:
        return _parse(data)


def configure(conn: psycopg.Connection[Any]) -> None:
    conn.adapters.register_loader("jsonb", _JsonbLoader)


class Queries:
    """SQL on the declared columns, shared by snapshots and transactions."""

    def __init__(self, store: PostgresStore) -> None:
        self._store = store

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _where(self, table: str, where: Mapping[str, Any] | None) -> tuple[str, list[Any]]:
        check_table_name(table)
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

    def rows(
        self,
        table: str,
        columns: Sequence[str],
        where: Mapping[str, Any] | None = None,
        *,
        newest_first: str | None = None,
        limit: int | None = None,
    ) -> list[tuple[Any, ...]]:
        """``(id, revision, *columns)`` of each matching document, in storage order; no documents read.

        ``newest_first``: a numeric column to order by first, highest first
        (no value counting as 0), then in storage order; ``limit``: at most
        that many rows. Together, the first screen of a long list, read
        before the rest of it.
        """
        names = self._columns(table, columns)
        clause, params = self._where(table, where)
        wanted = "".join(f', "{name}"' for name in names)
        order = "seq"
        if newest_first is not None:
            (first,) = self._columns(table, [newest_first])
            kind = next(column.type for column in self._store.spec.columns(table) if column.name == first)
            if kind not in ("integer", "numeric", "length"):
                raise ValueError(f"{first!r} is a {kind} column: newest_first orders by a number")
            order = f'coalesce("{first}", 0) DESC, seq'
        sql = f"SELECT id, revision{wanted} FROM {self._store.names.documents} WHERE {clause} ORDER BY {order}"
        if limit is not None:
            if type(limit) is not int or limit < 0:
                raise ValueError(f"limit must be a whole number >= 0, not {limit!r}")
            sql += f" LIMIT {limit}"
        return self._run(sql, params)

    def containing(
        self, table: str, column: str, texts: Iterable[str], where: Mapping[str, Any] | None = None
    ) -> list[str]:
        """The ids of the documents whose text ``column`` contains any of ``texts`` (exactly, case and all), in storage order.

        For a filter over many documents without sending their texts: the
        server looks (a substring of code points, as Python's ``in``).
        """
        (name,) = self._columns(table, [column])
        wanted = [text for text in dict.fromkeys(texts) if isinstance(text, str)]
        if not wanted:
            return []
        clause, params = self._where(table, where)
        found = " OR ".join(f'strpos("{name}", %s) > 0' for _ in wanted)
        sql = f"SELECT id FROM {self._store.names.documents} WHERE {clause} AND ({found}) ORDER BY seq"
        return [ident for (ident,) in self._run(sql, [*params, *wanted])]

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

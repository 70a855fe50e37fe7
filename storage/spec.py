"""What the caller tells a store about its tables: a small declarative spec.

The storage layer knows no table or app names. The caller says, once, when
it opens a store:

* how it names itself (``app``): the database is marked with it, and
  messages that ask the operator to run a command name that command;
* which tables are *revisioned* (documents carry ``revision``; saves name
  the revision they are based on and stale ones are refused); the other
  tables are append-only logs;
* which document fields are *columns*: values a database server keeps beside
  each document so that queries (sums, filters, lists) need not read the
  documents. A JSON file has no use for them; the PostgreSQL store keeps
  them up to date in the same statement that writes the document.

A column can also be *computed*: the caller gives a function of the whole
document (:class:`Computed`, named and versioned), and the store calls it
whenever it writes a document, so a derived figure (say, how many problems a
document has) is a column like any other. The database records the
function's name and version; a caller whose function gives other answers
than before bumps the function's version (and ``version`` below), and
upgrading the database computes the column again for every document.

``version`` numbers the columns: a caller that changes its columns bumps it,
so that a database set up for newer columns is refused by an older program
(which would leave those columns stale) instead of quietly drifting apart.

Example::

    StoreSpec(
        app="myapp",
        version=1,
        tables=(
            TableSpec("orders", revisioned=True, columns=(
                Column("year", ("year",), "integer", index=True),
                Column("amount", ("totals", "amount"), "numeric"),
                Column("lines", ("lines",), "length"),
                Column("cancelled", ("cancelled_at",), "flag"),
                Column("problems", (), "integer", computed=Computed("checks", 1, count_problems)),
            )),
            TableSpec("log", columns=(Column("order_id", ("order_id",), "text", index=True),)),
        ),
    )
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, runtime_checkable

__all__ = ["Column", "Computed", "TableSpec", "StoreSpec", "Queryable", "COLUMN_TYPES", "RESERVED_COLUMNS"]

#: What a column can hold, and how a document's value becomes it:
#: ``text`` a string; ``integer`` an int; ``numeric`` an exact decimal from an
#: amount written as text (or an int), the empty string counting as none;
#: ``length`` the number of items of a list; ``flag`` whether the field holds
#: a non-empty value. A missing field (or null) is always none (SQL NULL),
#: except for ``length`` (0) and ``flag`` (false).
COLUMN_TYPES = ("text", "integer", "numeric", "length", "flag")

#: Names the store uses for its own columns.
RESERVED_COLUMNS = frozenset({"table", "id", "seq", "revision", "doc", "changed"})

_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class Computed:
    """A column's value computed from the whole document by the caller's ``function``.

    ``name`` and ``version`` are what the database records of it: the store
    cannot compare functions, so a function that now gives other answers
    must come with a higher ``version`` (its old values are then computed
    again by an upgrade). The function returns what the column's type holds
    (a string for ``text``, an int for ``integer``...), or None.
    """

    name: str
    version: int
    function: Callable[[Mapping[str, Any]], Any] = field(compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"a computed column's function needs a name, not {self.name!r}")
        if type(self.version) is not int or self.version < 1:
            raise ValueError(f"{self.name}: version must be a whole number >= 1, not {self.version!r}")
        if not callable(self.function):
            raise ValueError(f"{self.name}: function must be callable")

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version}


@dataclass(frozen=True)
class Column:
    """A document field kept as a column: ``path`` is the keys leading to it.

    With ``computed``, the value is the caller's function of the whole
    document instead (``path`` is then empty). ``listed``: kept in the
    table's index of columns, which lists and sums read without touching the
    rows; False for a bulky column (a long text) that only some queries need.
    """

    name: str
    path: tuple[str, ...]
    type: str
    index: bool = False
    computed: Computed | None = None
    listed: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise ValueError(f"column name {self.name!r} must be lower-case letters, digits and _")
        if self.name in RESERVED_COLUMNS:
            raise ValueError(f"column name {self.name!r} is reserved for the store")
        if self.computed is not None:
            if not isinstance(self.computed, Computed):
                raise ValueError(f"column {self.name!r}: computed must be a Computed, not {self.computed!r}")
            if self.path:
                raise ValueError(f"column {self.name!r}: a computed column has no path")
        elif isinstance(self.path, str) or not self.path or not all(isinstance(k, str) and k for k in self.path):
            raise ValueError(f"column {self.name!r}: path must be a non-empty tuple of keys, not {self.path!r}")
        object.__setattr__(self, "path", tuple(self.path))
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"column {self.name!r}: type must be one of {', '.join(COLUMN_TYPES)}")

    def value(self, doc: Mapping[str, Any]) -> Any:
        """This column's value for ``doc``; ``ValueError`` when the field cannot be one."""
        if self.computed is not None:
            return self._computed(doc)
        found: Any = doc
        for key in self.path:
            found = found.get(key) if isinstance(found, Mapping) else None
            if found is None:
                break
        return self._convert(found)

    def _computed(self, doc: Mapping[str, Any]) -> Any:
        found = self.computed.function(doc)  # type: ignore[union-attr]
        kind = self.type
        if found is None or kind in ("text", "numeric"):
            return self._convert(found)
        if kind == "flag":
            if type(found) is not bool:
                raise ValueError(self._problem("is not true or false"))
            return found
        if type(found) is not int:  # integer, length
            raise ValueError(self._problem("is not a whole number"))
        return found

    def _convert(self, found: Any) -> Any:
        kind = self.type
        if kind == "flag":
            return found not in (None, "", False, 0, [], {})
        if kind == "length":
            if found is None:
                return 0
            if not isinstance(found, list):
                raise ValueError(self._problem("is not a list"))
            return len(found)
        if found is None:
            return None
        if kind == "text":
            if not isinstance(found, str):
                raise ValueError(self._problem("is not text"))
            return found
        if kind == "integer":
            if type(found) is not int:
                raise ValueError(self._problem("is not a whole number"))
            return found
        # numeric: exact, so never from a float
        if type(found) is int:
            return Decimal(found)
        if not isinstance(found, str):
            raise ValueError(self._problem("is not an amount written as text"))
        if not found:
            return None
        try:
            amount = Decimal(found)
        except InvalidOperation:
            raise ValueError(self._problem("is not an amount")) from None
        if not amount.is_finite():
            raise ValueError(self._problem("is not an amount"))
        return amount

    def _problem(self, what: str) -> str:
        if self.computed is not None:
            return f"{self.computed.name} (column {self.name}) {what}"
        return f"field {'.'.join(self.path)} (column {self.name}) {what}"

    def describe(self) -> dict[str, Any]:
        """How the column is kept, as stored in a database's description of itself."""
        described: dict[str, Any] = {"name": self.name, "path": list(self.path), "type": self.type, "index": self.index}
        # Only when set: a database described before these existed stays equal to its spec.
        if self.computed is not None:
            described["computed"] = self.computed.describe()
        if not self.listed:
            described["listed"] = False
        return described


@dataclass(frozen=True)
class TableSpec:
    """One table: revisioned or an append-only log, and its columns."""

    name: str
    revisioned: bool = False
    columns: tuple[Column, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"table name must be a non-empty string, not {self.name!r}")
        object.__setattr__(self, "columns", tuple(self.columns))
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name!r} declares a column twice")


@dataclass(frozen=True)
class StoreSpec:
    """Everything a store is told about its caller's data (see the module docstring)."""

    app: str
    tables: tuple[TableSpec, ...] = ()
    version: int = 1
    _by_name: dict[str, TableSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.app, str) or not _NAME.fullmatch(self.app):
            raise ValueError(f"app name {self.app!r} must be lower-case letters, digits and _")
        if type(self.version) is not int or self.version < 1:
            raise ValueError(f"spec version must be a whole number >= 1, not {self.version!r}")
        tables = tuple(self.tables)
        object.__setattr__(self, "tables", tables)
        by_name = {table.name: table for table in tables}
        if len(by_name) != len(tables):
            raise ValueError("a table is declared twice")
        object.__setattr__(self, "_by_name", by_name)
        # Tables share one SQL table, so a column name means one thing everywhere.
        kinds: dict[str, str] = {}
        for table in tables:
            for column in table.columns:
                if kinds.setdefault(column.name, column.type) != column.type:
                    raise ValueError(f"column {column.name!r} is declared with two types")

    @classmethod
    def simple(cls, app: str, revisioned: Iterable[str] = ()) -> StoreSpec:
        """A spec with revisioned tables and no columns (what a JSON file needs)."""
        return cls(app, tuple(TableSpec(name, revisioned=True) for name in revisioned))

    @property
    def revisioned(self) -> frozenset[str]:
        return frozenset(table.name for table in self.tables if table.revisioned)

    def columns(self, table: str) -> tuple[Column, ...]:
        spec = self._by_name.get(table)
        return spec.columns if spec is not None else ()

    def all_columns(self) -> dict[str, Column]:
        """Every column by name (a name declared by several tables once)."""
        found: dict[str, Column] = {}
        for table in self.tables:
            for column in table.columns:
                found.setdefault(column.name, column)
        return found

    def values(self, table: str, doc: Mapping[str, Any]) -> dict[str, Any]:
        """The columns of ``table`` for ``doc`` (``ValueError`` for a field that cannot be one)."""
        return {column.name: column.value(doc) for column in self.columns(table)}

    def describe(self) -> dict[str, Any]:
        """The columns per table, as a database records what it was set up for."""
        return {
            "version": self.version,
            "tables": {
                table.name: {"revisioned": table.revisioned, "columns": [c.describe() for c in table.columns]}
                for table in self.tables
            },
        }


@runtime_checkable
class Queryable(Protocol):
    """What a store's snapshots and transactions answer from the columns, when they can.

    The PostgreSQL store's do (the server keeps the columns); a JSON file's
    do not, and callers then read the documents themselves. ``where`` maps
    column names to the value they must equal (None: no value).

    Such a store's snapshots also say what changed since an earlier one
    (``changes(table, since_token) -> (documents, removed ids)``) and hand
    a table over in batches without keeping it (``stream(table)``).
    """

    def select(self, table: str, where: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """The matching documents, in storage order."""
        ...

    def rows(
        self,
        table: str,
        columns: Sequence[str],
        where: Mapping[str, Any] | None = None,
        *,
        newest_first: str | None = None,
        limit: int | None = None,
    ) -> list[tuple[Any, ...]]:
        """``(id, revision, *columns)`` of each matching document, in storage order
        (``newest_first``: by that column first, highest first; at most ``limit`` rows)."""
        ...

    def sums(
        self, table: str, group_by: Sequence[str], sums: Sequence[str], where: Mapping[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """``(*group, count, *sums)`` per group, in the order each group's first document was stored."""
        ...

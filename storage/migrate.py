"""Copy every document of one store into another, as it is: the move from a JSON file to a server.

Every table of the source is copied in storage order, each document with its
own id, and in revisioned tables with its revision; everything else a
document holds (who changed it and when, a deletion mark) is part of the
document and comes along untouched. It is all one transaction in the target:
either everything is copied or nothing is.

Copying again changes nothing: a document the target already holds, equal,
is left alone. One the target holds *differently* (changed there since the
first copy) stops the copy before anything is written: overwriting it would
lose that change, and keeping it would make the target disagree with the
source without anyone having decided so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import StorageError

__all__ = ["copy_documents", "CopyReport", "TableCopy", "DiffersError"]


@dataclass
class TableCopy:
    """What happened to one table's documents."""

    copied: int = 0
    already: int = 0


@dataclass
class CopyReport:
    tables: dict[str, TableCopy] = field(default_factory=dict)

    @property
    def copied(self) -> int:
        return sum(table.copied for table in self.tables.values())

    @property
    def already(self) -> int:
        return sum(table.already for table in self.tables.values())


class DiffersError(StorageError):
    """The target holds other versions of documents with the same ids; nothing was copied."""

    def __init__(self, path: str, differing: list[tuple[str, str]]) -> None:
        self.differing = differing
        table, ident = differing[0]
        super().__init__(
            path,
            f"{path} already holds {len(differing)} document(s) that differ from the source "
            f"(first: {table} {ident!r}); nothing was copied.",
        )


def copy_documents(source, target, *, tables: Iterable[str] | None = None) -> CopyReport:
    """Copy the documents of ``source`` (all its tables, or ``tables``) into ``target``.

    Raises :class:`DiffersError` when the target holds a different document
    under an id the source uses; the target is then unchanged. Needs
    ``source.read()`` to list its tables (``tables()``) unless they are given.
    """
    snapshot = source.read()
    names = list(tables) if tables is not None else snapshot.tables()
    revisioned = _revisioned(target)
    report = CopyReport()
    location = getattr(target, "path", "")
    with target.transaction() as tx:
        differing: list[tuple[str, str]] = []
        for table in names:
            counts = report.tables[table] = TableCopy()
            present = {doc["id"]: doc for doc in tx.documents(table)}
            fresh = []
            for doc in snapshot.view(table):
                held = present.get(doc["id"])
                if held is not None:
                    if held == doc:
                        counts.already += 1
                    else:
                        differing.append((table, doc["id"]))
                    continue
                fresh.append(doc)
            if differing:
                continue  # nothing will be written: no use sending it
            many = getattr(tx, "insert_many", None)
            if many is not None:
                # A server takes them in batches (COPY), not one statement per document.
                counts.copied += many(table, fresh)
                continue
            for doc in fresh:
                if table in revisioned:
                    tx.insert(table, doc, revision=doc["revision"])
                else:
                    tx.append(table, doc)
                counts.copied += 1
        if differing:
            raise DiffersError(location, differing)
    refresh = getattr(target, "refresh_statistics", None)
    if refresh is not None and report.copied:
        refresh()  # a server plans its queries on the copied rows at once (see PostgresStore)
    return report


def _revisioned(store) -> frozenset[str]:
    spec = getattr(store, "spec", None)
    if spec is not None:
        return spec.revisioned
    return frozenset(getattr(store, "revisioned", ()))

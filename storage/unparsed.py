"""A stored document kept as its line of the file, parsed again whenever it is read.

An app that builds its own records from the documents once (and keeps those for
the session) has no use for the store's parsed copies beside them, yet they are
most of its memory: Python's dicts and strings for a JSON file take about five
times the file. :meth:`storage.JsonFileStore.release` swaps them for these: the
document's line (as read from the file, which the next save writes again
as it is, see :mod:`storage.lines`) and what the store needs without parsing:
the id (its index) and the revision (which versions a reader already holds).
Whatever reads the document parses the line: a fresh dict, the reader's own.
"""

from __future__ import annotations

from typing import Any

import orjson

__all__ = ["Unparsed", "resolve", "ident_of", "revision_of", "version_of"]


class Unparsed:
    __slots__ = ("ident", "revision", "line", "start", "version")

    def __init__(self, ident: str, revision: Any, line: bytes, start: int, version: object) -> None:
        self.ident = ident
        self.revision = revision
        self.line = line  # '"<key>":{...}', as in the file
        self.start = start  # where the document begins in it
        #: The same object for as long as the document is byte for byte the same
        #: (across re-reads and saves): what a reader's records of it are keyed by.
        self.version = version

    def parse(self) -> dict[str, Any]:
        parsed: dict[str, Any] = orjson.loads(self.line[self.start :])
        return parsed


def resolve(doc: Any) -> Any:
    """The document itself: parsed from its line if it is kept as one."""
    return doc.parse() if type(doc) is Unparsed else doc


def ident_of(doc: Any) -> Any:
    return doc.ident if type(doc) is Unparsed else doc["id"]


def revision_of(doc: Any) -> Any:
    return doc.revision if type(doc) is Unparsed else doc.get("revision")


def version_of(doc: Any) -> object:
    """Identifies the stored document's content: a kept document is its own version."""
    return doc.version if type(doc) is Unparsed else doc

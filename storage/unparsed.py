"""A stored document kept as its line of the file, parsed again whenever it is read.

An app that builds its own records from the documents once (and keeps those for
the session) has no use for the store's parsed copies beside them, yet they are
most of its memory: Python's dicts and strings for a JSON file take about five
times the file. :meth:`storage.JsonFileStore.release` swaps them for these: the
document's line (as read from the file, which the next save writes again
as it is, see :mod:`storage.lines`) and what the store needs without parsing:
the id (its index) and the revision (which versions a reader already holds).
Whatever reads the document parses the line: a fresh dict, the reader's own.

A lookup (a process that reads once, prints and ends) keeps them too, from the
first read (``JsonFileStore(lazy=True)``): each line is only checked as it is
read (:mod:`storage.lines`), and what the lookup reads of a document is
decoded from its line straight into the caller's type (:meth:`storage.store.JsonSnapshot.project`),
which costs a fraction of building every dict and string of the file. A line
that passed that check but does not parse whole (a number beyond a double in
a field nobody checked) is then a damaged file, said as such (``source``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .errors import DamagedFileError

__all__ = ["Unparsed", "resolve", "decoder", "ident_of", "revision_of", "version_of"]


class Unparsed:
    __slots__ = ("ident", "revision", "line", "start", "version", "source")

    def __init__(
        self,
        ident: str,
        revision: Any,
        line: bytes,
        start: int,
        version: object,
        source: str | None = None,
    ) -> None:
        self.ident = ident
        self.revision = revision
        self.line = line  # '"<key>":{...}', as in the file
        self.start = start  # where the document begins in it
        #: The same object for as long as the document is byte for byte the same
        #: (across re-reads and saves): what a reader's records of it are keyed by.
        self.version = version
        #: The file's path when the line was only checked, not parsed, as it was read (a lookup's).
        self.source = source

    def parse(self) -> dict[str, Any]:
        import orjson  # (here: a total decodes its fields with msgspec and never loads orjson)

        try:
            parsed: dict[str, Any] = orjson.loads(self.line[self.start :])
        except orjson.JSONDecodeError as error:
            if self.source is None:  # parsed whole when read: cannot happen
                raise
            raise DamagedFileError(self.source, f"not valid JSON in document {self.ident!r}: {error.msg}") from None
        return parsed


def resolve(doc: Any) -> Any:
    """The document itself: parsed from its line if it is kept as one."""
    return doc.parse() if type(doc) is Unparsed else doc


@lru_cache(maxsize=None)
def decoder(kind: type) -> Any:
    """The JSON decoder into ``kind``, made once per type (msgspec is loaded by lazy reads alone)."""
    import msgspec

    return msgspec.json.Decoder(kind)


def ident_of(doc: Any) -> Any:
    return doc.ident if type(doc) is Unparsed else doc["id"]


def revision_of(doc: Any) -> Any:
    return doc.revision if type(doc) is Unparsed else doc.get("revision")


def version_of(doc: Any) -> object:
    """Identifies the stored document's content: a kept document is its own version."""
    return doc.version if type(doc) is Unparsed else doc

"""One document per line: reading a file line by line, and saving only the lines that changed.

A save changes one form in a file of ten thousand. Encoding and checking all
of them again was most of a save's time (about 0.2 s at 20 MB), so the storage
keeps an :class:`Image` of the file: for each table the table object that was
written or read, and for each document its line. Tables are never changed in
place once stored (a transaction copies a table before its first change, see
``storage.store``) and documents are swapped whole, never edited, so a table
that is the very object of the image is unchanged, and so is a document that is
the very object the image's table holds: its line is reused as it is.

Reading builds the image for free: a file in the layout we write
(:mod:`storage.fileformat`) is read and parsed line by line, each document by
itself, which is even a little faster than parsing the whole text at once,
and each line is kept as it was read. A file in any other layout (edited by
hand, pretty-printed) is parsed as a whole and simply has no image yet: its
first save encodes everything.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Collection, Iterator
from functools import lru_cache
from typing import Annotated, Any, BinaryIO

from . import fileformat
from .fileformat import FormatProblem
from .unparsed import Unparsed, ident_of, resolve, revision_of

__all__ = ["Image", "Touched", "Reused", "parse", "encode"]

Data = dict[str, dict[str, Any]]
Line = bytes | memoryview  # a line read from the file, or (a lookup's lazy read) a view of the text read
# For each changed table: the table object it was copied from, and the keys changed since.
Touched = dict[str, tuple[dict[str, Any], dict[str, None]]]
# For each table: the keys whose documents a parse took over from the previous version.
Reused = dict[str, set[str]]


class Image:
    """The tables as encoded in one version of the file: ``{name: (table, {doc_id: line})}``."""

    __slots__ = ("tables",)

    def __init__(self, tables: dict[str, tuple[dict[str, Any], dict[str, Line]]] | None = None) -> None:
        self.tables = tables if tables is not None else {}

    def holds(self, name: str, table: Any) -> bool:
        """Is ``table`` the very table object this image encoded (and so checked)?"""
        known = self.tables.get(name)
        return known is not None and known[0] is table


def parse(
    source: bytes | BinaryIO,
    previous: Image | None = None,
    keep_lines: Collection[str] | None = None,
    lazy: str | None = None,
) -> tuple[Data, Image, Reused] | None:
    """``source`` parsed line by line, with its image; ``None`` unless it is exactly in our layout.

    ``source``: the file's bytes, or the file itself (read from where it
    stands), which is read a line at a time: the whole text is never in memory
    at once, and after another operator's save each unchanged line is dropped
    as soon as it is read (the version before holds the same bytes), so the
    app never holds two copies of the file.

    Strict: any deviation (a space, a missing or extra comma, two documents on
    a line) gives ``None`` and the caller parses the whole text, which accepts
    any valid JSON and reports invalid JSON as such.

    ``previous``: the image of the version read or written before. A document
    whose line is byte for byte the line it had there is not parsed again: it
    is that version's very document (documents are never changed in place), so
    after another operator's save only what they changed is parsed, and the
    old and new versions share everything else in memory. The third value
    names, per table, the keys so reused: they were checked when first read.

    ``keep_lines``: the documents are kept as their lines (:mod:`storage.unparsed`),
    each checked as it is parsed (``keep_lines`` names the revisioned tables)
    and then dropped, so the whole file is never in memory as Python objects;
    every key is then in the third value, as checked.

    ``lazy`` (with ``keep_lines``; the file's path): each line is checked
    without being parsed into Python objects: its id and revision decoded
    into a two-field type (:mod:`msgspec`, which skips the rest of the line,
    still checking it is JSON). For a process that reads once and looks at a
    few fields of each document (see :meth:`storage.store.JsonSnapshot.project`).
    Whatever fails that check is parsed and checked as above, which says
    what is wrong as it always did. orjson is not loaded for such a read
    (the ``_meta`` line is decoded with msgspec too): a total never needs it.
    """
    try:
        if lazy is not None and keep_lines is not None:
            # Read once and let go (a lookup's): the whole text at once, each line a view of it.
            return _parse_lazy(source if isinstance(source, (bytes, bytearray)) else source.read(), keep_lines, lazy)
        lines = iter(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
        return _parse(lines, previous, keep_lines)
    except _NotOurLayout:
        return None
    except ValueError as error:
        if _is_json_error(error):
            return None  # parsed whole by the caller, which says what is wrong
        raise


def _is_json_error(error: ValueError) -> bool:
    """Is ``error`` orjson's or msgspec's "not JSON" (without loading either to ask)?"""
    orjson, msgspec = sys.modules.get("orjson"), sys.modules.get("msgspec")
    return (orjson is not None and isinstance(error, orjson.JSONDecodeError)) or (
        msgspec is not None and isinstance(error, msgspec.DecodeError)
    )


@lru_cache(maxsize=None)
def _checks() -> dict[bool, Any]:
    """msgspec decoders of what storage requires of every document (fileformat.check_document), and
    nothing else, for unrevisioned and revisioned tables. Made (and msgspec loaded) by the first lazy read."""
    import msgspec

    ident = ("id", Annotated[str, msgspec.Meta(min_length=1)])
    # (defstruct: this module's annotations are strings, which msgspec would look up at module level)
    document = msgspec.defstruct("Document", [ident, ("revision", Any, None)])  # revision kept as it is
    revisioned = msgspec.defstruct("Revisioned", [ident, ("revision", Annotated[int, msgspec.Meta(ge=1)])])
    return {False: msgspec.json.Decoder(document), True: msgspec.json.Decoder(revisioned)}


def _orjson_loads() -> Any:
    import orjson

    return orjson.loads


class _NotOurLayout(Exception):
    pass


def _parse(lines: Iterator[bytes], previous: Image | None, keep_lines: Collection[str] | None) -> tuple[Data, Image, Reused]:
    loads = _orjson_loads()
    known_tables = previous.tables if previous is not None else {}
    reused: Reused = {}
    if _next(lines) != b"{":
        raise _NotOurLayout
    data: Data = {}
    tables: dict[str, tuple[dict[str, Any], dict[str, Line]]] = {}
    more_tables = True
    while more_tables:
        line = _next(lines)
        if line.endswith(b":{},") or line.endswith(b":{}"):
            more_tables = line.endswith(b",")
            name = _table_name(line[: line.rindex(b":{}")], loads)
            data[name], tables[name] = {}, ({}, {})
            continue
        if not line.endswith(b":{"):
            raise _NotOurLayout
        name = _table_name(line[:-2], loads)
        table: dict[str, Any] = {}
        encoded: dict[str, Line] = {}
        old_table, old_lines = known_tables.get(name, ({}, {}))
        taken = reused[name] = set()
        unparsed = keep_lines is not None and name != fileformat.META_TABLE
        revisioned = unparsed and name in keep_lines  # type: ignore[operator]
        more_docs = True
        while more_docs:
            line = _next(lines)
            more_docs = line.endswith(b",")
            if more_docs:
                line = line[:-1]
            # '"<digits>":{...}'
            split = line.find(b'":', 1)
            key = line[1:split]
            if line[:1] != b'"' or split < 0 or not key.isdigit():
                raise _NotOurLayout
            doc_id = key.decode("ascii")
            old = old_lines.get(doc_id)
            if old is not None and old == line:
                line = old  # the new copy is dropped at once: the file is not held twice
                doc = old_table[doc_id]
                if unparsed:  # the same document, now kept as its line in this file
                    version = doc.version if type(doc) is Unparsed else object()
                    doc = Unparsed(ident_of(doc), revision_of(doc), line, split + 2, version)
                taken.add(doc_id)
            else:
                doc = loads(memoryview(line)[split + 2 :])
                if unparsed:
                    ident = fileformat.check_document(name, doc_id, doc, revisioned)
                    doc = Unparsed(ident, doc.get("revision"), line, split + 2, object())
                    taken.add(doc_id)
            encoded[doc_id] = line
            table[doc_id] = doc
        closer = _next(lines)
        if closer not in (b"}", b"},"):
            raise _NotOurLayout
        more_tables = closer == b"},"
        data[name], tables[name] = table, (table, encoded)
    if _next(lines) != b"}" or next(lines, None) is not None:
        raise _NotOurLayout
    return data, Image(tables), reused


def _parse_lazy(raw: bytes, keep_lines: Collection[str], source: str) -> tuple[Data, Image, Reused]:
    """:func:`_parse` for a lazy read: every document kept as its line, a view of ``raw``, and only checked.

    Written out over positions in ``raw`` rather than a line at a time from
    the file: ten thousand forms are twenty thousand lines, and a line's
    copy and the calls around it were a good part of a total's time. A
    lookup holds the text it read until it ends; the app never reads this way.
    """
    import msgspec

    view, find = memoryview(raw), raw.find
    if not raw.startswith(b"{\n"):
        raise _NotOurLayout
    pos = 2
    data: Data = {}
    tables: dict[str, tuple[dict[str, Any], dict[str, Line]]] = {}
    reused: Reused = {}
    more_tables = True
    while more_tables:
        end = find(b"\n", pos)
        if end < 0:
            raise _NotOurLayout
        line, pos = raw[pos:end], end + 1
        if line.endswith(b":{},") or line.endswith(b":{}"):
            more_tables = line.endswith(b",")
            name = _table_name(line[: line.rindex(b":{}")], msgspec.json.decode)
            data[name], tables[name] = {}, ({}, {})
            continue
        if not line.endswith(b":{"):
            raise _NotOurLayout
        name = _table_name(line[:-2], msgspec.json.decode)
        revisioned = name in keep_lines
        meta = name == fileformat.META_TABLE
        check = msgspec.json.decode if meta else _checks()[revisioned].decode
        table: dict[str, Any] = {}
        encoded: dict[str, Line] = {}
        more_docs = True
        while more_docs:
            end = find(b"\n", pos)
            if end < 0:
                raise _NotOurLayout
            start, pos = pos, end + 1
            more_docs = raw[end - 1] == 0x2C  # ","
            stop = end - 1 if more_docs else end
            # '"<digits>":{...}'
            split = find(b'":', start + 1, stop)
            key = raw[start + 1 : split]
            if raw[start] != 0x22 or split < 0 or not key.isdigit():
                raise _NotOurLayout
            doc_id = key.decode("ascii")
            line = encoded[doc_id] = view[start:stop]  # type: ignore[assignment]
            if meta:  # checked as a whole by fileformat.check
                table[doc_id] = check(view[split + 2 : stop])
                continue
            try:
                checked = check(view[split + 2 : stop])
                table[doc_id] = Unparsed(checked.id, checked.revision, line, split + 2 - start, object(), source)
            except msgspec.DecodeError:  # parsed and checked in full, to say what is wrong
                doc = _orjson_loads()(view[split + 2 : stop])
                ident = fileformat.check_document(name, doc_id, doc, revisioned)
                table[doc_id] = Unparsed(ident, doc.get("revision"), line, split + 2 - start, object(), source)
        end = find(b"\n", pos)
        closer, pos = raw[pos:end], end + 1
        if end < 0 or closer not in (b"}", b"},"):
            raise _NotOurLayout
        more_tables = closer == b"},"
        data[name], tables[name] = table, (table, encoded)
        reused[name] = set() if meta else set(table)
    if raw[pos:] != b"}\n":
        raise _NotOurLayout
    return data, Image(tables), reused


def _next(lines: Iterator[bytes]) -> bytes:
    """The next line without its newline; every line, the last too, must end with one."""
    found = next(lines, None)
    if found is None or not found.endswith(b"\n"):
        raise _NotOurLayout
    return found[:-1]


def _table_name(encoded: bytes, loads: Any) -> str:
    if not encoded.startswith(b'"'):
        raise _NotOurLayout
    try:
        name = loads(encoded)
    except ValueError:  # not JSON text
        raise _NotOurLayout from None
    if not isinstance(name, str):
        raise _NotOurLayout
    return name


def encode(
    data: Data,
    image: Image | None,
    app: str,
    revisioned: Collection[str],
    touched: Touched | None = None,
) -> tuple[list[bytes], Image]:
    """``data`` as the file's chunks (to be written in order), and its image.

    Checks what it encodes, as :func:`storage.fileformat.check` would, but
    only what is not in ``image`` (raising :class:`FormatProblem`): a table
    of the image is reused whole, and in a changed table each document the
    image already held keeps its line and is not checked again; only its
    id's uniqueness is. When ``touched`` says which keys of a table changed
    since the image's version of it, only those are looked at, and the ids'
    uniqueness is the transaction's to keep (it indexes them).
    """
    if not isinstance(data, dict):
        raise FormatProblem(f"not a {app} database: the top level is not a JSON object")
    fileformat.check_meta(data.get(fileformat.META_TABLE), app)
    image = image or Image()
    fresh: dict[str, tuple[dict[str, Any], dict[str, Line]]] = {}
    chunks: list[bytes] = []
    names = sorted(data, key=lambda name: name != fileformat.META_TABLE)
    for number, name in enumerate(names):
        table = data[name]
        known = image.tables.get(name)
        if known is not None and known[0] is table:
            encoded = known[1]
        elif name == fileformat.META_TABLE:  # checked above, as a whole
            encoded = {doc_id: _line(doc_id, doc) for doc_id, doc in table.items()}
        else:
            change = touched.get(name) if touched is not None else None
            patched = None
            if change is not None and known is not None and known[0] is change[0]:
                patched = _patch_table(name, table, known[1], change[1], name in revisioned)
            encoded = patched if patched is not None else _encode_table(name, table, known, name in revisioned)
        fresh[name] = (table, encoded)
        head = fileformat.dumps(name)
        separator = b"" if number == len(names) - 1 else b","
        # Separate chunks, not one joined bytes: the file is written chunk by
        # chunk, and one more copy of a 20 MB table would be one more 20 MB.
        if encoded:
            chunks += [head + b":{\n", b",\n".join(encoded.values()), b"\n}" + separator + b"\n"]
        else:
            chunks.append(head + b":{}" + separator + b"\n")
    return [b"{\n", *chunks, b"}\n"], Image(fresh)


def _line(doc_id: str, doc: Any) -> bytes:
    return fileformat.dumps(doc_id) + b":" + fileformat.dumps(doc)


def _patch_table(
    name: str,
    table: Any,
    old_lines: dict[str, Line],
    keys: dict[str, None],
    revisioned: bool,
) -> dict[str, Line] | None:
    """The lines of ``table``: ``old_lines`` with the ``keys`` that changed encoded again.

    ``None`` if the result would not list the documents in the table's own
    order (a key removed and added again moves to the end of a dict): the
    caller then walks the whole table.
    """
    encoded = dict(old_lines)
    for doc_id in keys:
        doc = table.get(doc_id, _GONE)
        if doc is _GONE:
            encoded.pop(doc_id, None)
            continue
        doc = resolve(doc)
        fileformat.check_document(name, doc_id, doc, revisioned)
        encoded[doc_id] = _line(doc_id, doc)
    if len(encoded) != len(table) or list(encoded) != list(table):
        return None
    return encoded


_GONE = object()


def _encode_table(
    name: str,
    table: Any,
    known: tuple[dict[str, Any], dict[str, Line]] | None,
    revisioned: bool,
) -> dict[str, Line]:
    if not isinstance(table, dict):
        raise FormatProblem(f"table {name!r} is not a JSON object")
    old_table, old_lines = known if known is not None else ({}, {})
    encoded: dict[str, Line] = {}
    seen: set[str] = set()
    for doc_id, doc in table.items():
        if old_table.get(doc_id) is doc and doc_id in old_lines:
            ident = ident_of(doc)
            line = old_lines[doc_id]
        else:
            doc = resolve(doc)
            ident = fileformat.check_document(name, doc_id, doc, revisioned)
            line = _line(doc_id, doc)
        if ident in seen:
            raise FormatProblem(f"table {name!r} holds id {ident!r} twice")
        seen.add(ident)
        encoded[doc_id] = line
    return encoded

"""The database file format: TinyDB's layout plus a marker that says whose file it is.

Layout (UTF-8 JSON, readable Chinese, one document per line)::

    {
    "_meta":{
    "1":{"app":"perftui","schema":1}
    },
    "forms":{
    "1":{"id":"f-3a9c…","revision":4,"title":"本级预算项目绩效目标表",…},
    "2":{…}
    }
    }

``{table: {doc_id: document}}`` is exactly what TinyDB reads and writes, so
TinyDB stays the engine. TinyDB's ``doc_id`` is a storage slot, not an
identity: every document in a user table carries its own non-empty string
``id``, unique within its table, and documents in revisioned tables carry an
integer ``revision`` >= 1 used to refuse stale saves.

The ``_meta`` table holds one document ``{"app": "perftui", "schema": N}``.
Without it we cannot tell our file from any other JSON file that happens to
sit at the configured path, and must not overwrite it; ``schema`` lets an
older perftui refuse a file written by a newer one instead of silently
dropping fields it does not know.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from typing import Any

__all__ = [
    "APP",
    "SCHEMA",
    "META_TABLE",
    "FormatProblem",
    "NewerSchema",
    "meta_table",
    "encode",
    "Encoder",
    "decode",
    "check",
    "normalize",
]

APP = "perftui"
SCHEMA = 1
META_TABLE = "_meta"
_META_DOC_ID = "1"

Data = dict[str, dict[str, dict[str, Any]]]

# One shared encoder: building a JSONEncoder per document would cost more
# than encoding a small document. indent=None keeps CPython's C encoder (any
# indent falls back to the pure-Python one, about 3x slower on a 17 MB file);
# we get readability back by putting each document on its own line instead,
# which costs nothing measurable and keeps the file greppable, diffable, and
# obviously cut short when truncated. ensure_ascii=False keeps Chinese text
# readable in the file; allow_nan=False because NaN is not JSON and other
# tools would reject the file.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class FormatProblem(ValueError):
    """The data does not follow the format; ``reason`` is a short phrase for messages."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class NewerSchema(FormatProblem):
    """The data carries a schema number newer than :data:`SCHEMA`."""

    def __init__(self, found: int) -> None:
        self.found = found
        super().__init__(f"schema {found} is newer than {SCHEMA}")


def meta_table() -> dict[str, dict[str, Any]]:
    """A fresh ``_meta`` table for this version (fresh so callers may mutate it)."""
    return {_META_DOC_ID: {"app": APP, "schema": SCHEMA}}


def encode(data: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Serialize ``data`` as UTF-8, ``_meta`` first so a human sees it on top."""
    return Encoder().encode(data)


def _line(doc_id: Any, doc: Any) -> bytes:
    # str.encode raises UnicodeEncodeError (a ValueError) on lone surrogates,
    # which is right: they cannot be stored as UTF-8.
    return f"{_ENCODER.encode(str(doc_id))}:{_ENCODER.encode(doc)}".encode("utf-8")


class Encoder:
    """Serializes databases, re-encoding only the documents that changed since its last call.

    A save changes one form in a file of ten thousand; encoding all of them
    again is most of a save's time (about 0.4 s at 20 MB). Stored documents
    are never changed in place (commits swap whole dicts, see
    ``storage.store._Table.put``), so a document object encoded last time
    encodes to the same bytes now and its line is reused. Keyed by the
    object's identity, with the object itself kept so the identity cannot be
    reused by another object while the line is cached.
    """

    def __init__(self) -> None:
        self._lines: dict[int, tuple[Any, Any, bytes]] = {}

    def known(self, doc: Any) -> bool:
        """Was this very object encoded (and so checked) by the last call?"""
        hit = self._lines.get(id(doc))
        return hit is not None and hit[0] is doc

    def forget(self) -> None:
        self._lines = {}

    def encode(self, data: Mapping[str, Mapping[str, Any]]) -> bytes:
        previous, fresh = self._lines, {}
        names = sorted(data, key=lambda name: name != META_TABLE)
        parts: list[bytes] = []
        for name in names:
            table = data[name]
            lines = []
            for doc_id, doc in table.items():
                hit = previous.get(id(doc))
                if hit is not None and hit[0] is doc and hit[1] == doc_id:
                    line = hit[2]
                else:
                    line = _line(doc_id, doc)
                fresh[id(doc)] = (doc, doc_id, line)
                lines.append(line)
            head = _ENCODER.encode(name).encode("utf-8")
            parts.append(head + b":{\n" + b",\n".join(lines) + b"\n}" if lines else head + b":{}")
        self._lines = fresh
        return b"{\n" + b",\n".join(parts) + b"\n}\n"


def normalize(document: Mapping[str, Any]) -> dict[str, Any]:
    """A private, JSON-clean copy of ``document``: what storing and reading it back gives.

    Callers keep their dict (later edits to it must not leak into the
    database), tuples become lists, and anything that cannot be stored (sets,
    NaN, lone surrogates) is refused here with ``TypeError``/``ValueError``,
    at the call that introduced it, instead of failing the whole commit.
    """
    if not isinstance(document, Mapping):
        raise TypeError(f"a document must be a mapping, not {type(document).__name__}")
    text = _ENCODER.encode(dict(document))
    text.encode("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def decode(raw: bytes) -> Any:
    """Parse file bytes; raises :class:`FormatProblem` for anything that is not JSON text."""
    if not raw:
        # We never create an empty file (the first write brings the content
        # with it), so an empty file means something else truncated it.
        raise FormatProblem("the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.end == len(raw) and error.reason == "unexpected end of data":
            raise FormatProblem(_TRUNCATED) from error
        raise FormatProblem(f"not UTF-8 text at byte {error.start}") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # Running out of text is the signature of a half-written or cut file;
        # saying so tells the operator more than "Expecting ',' delimiter".
        # Strings cannot span lines in strict JSON, so an unterminated one ran
        # into the end of the file.
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise FormatProblem(_TRUNCATED) from error
        raise FormatProblem(f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from error
    except (ValueError, RecursionError) as error:
        raise FormatProblem(f"not valid JSON: {error}") from error


_TRUNCATED = "the file is cut short, as if a write was interrupted"


def check(data: Any, revisioned: Collection[str], trusted: Callable[[Any], bool] | None = None) -> None:
    """Raise :class:`FormatProblem` unless ``data`` is a complete perftui database.

    Used on every parsed file (so damage is noticed before anything builds on
    it) and on every dict about to be written (so we never write a file we
    would refuse to read back). ``trusted(doc)`` says a document object was
    already checked (it was written before and is never changed in place);
    only its id's uniqueness is checked again.
    """
    if not isinstance(data, dict):
        raise FormatProblem("not a perftui database: the top level is not a JSON object")
    _check_meta(data.get(META_TABLE))
    for name, table in data.items():
        if name == META_TABLE:
            continue
        if not isinstance(table, dict):
            raise FormatProblem(f"table {name!r} is not a JSON object")
        _check_table(name, table, name in revisioned, trusted)


def _check_meta(table: Any) -> None:
    if table is None:
        raise FormatProblem(f"not a perftui database: no {META_TABLE} table")
    if not isinstance(table, dict) or len(table) != 1:
        raise FormatProblem(f"the {META_TABLE} table must hold exactly one document")
    (meta,) = table.values()
    if not isinstance(meta, dict) or meta.get("app") != APP:
        found = meta.get("app") if isinstance(meta, dict) else None
        raise FormatProblem(f"not a perftui database (app is {found!r})")
    schema = meta.get("schema")
    if type(schema) is not int:
        raise FormatProblem(f"the {META_TABLE} table has no schema number")
    # Checked before any field, because a newer schema may legitimately lay
    # documents out differently; the operator needs "upgrade", not "damaged".
    if schema > SCHEMA:
        raise NewerSchema(schema)
    if schema < 1:
        raise FormatProblem(f"unknown schema {schema}")


def _check_table(name: str, table: dict[Any, Any], revisioned: bool, trusted: Callable[[Any], bool] | None) -> None:
    seen: set[str] = set()
    for doc_id, doc in table.items():
        if trusted is not None and trusted(doc):
            ident = doc["id"]
            if ident in seen:
                raise FormatProblem(f"table {name!r} holds id {ident!r} twice")
            seen.add(ident)
            continue
        # TinyDB turns keys back into ints with int(); only ASCII digits
        # survive that round trip unchanged.
        if not (isinstance(doc_id, str) and doc_id.isascii() and doc_id.isdigit()):
            raise FormatProblem(f"table {name!r} has a bad document key {doc_id!r}")
        if not isinstance(doc, dict):
            raise FormatProblem(f"table {name!r}, document {doc_id} is not a JSON object")
        ident = doc.get("id")
        if not isinstance(ident, str) or not ident:
            raise FormatProblem(f"table {name!r}, document {doc_id} has no id")
        if ident in seen:
            raise FormatProblem(f"table {name!r} holds id {ident!r} twice")
        seen.add(ident)
        if revisioned:
            revision = doc.get("revision")
            if type(revision) is not int or revision < 1:
                raise FormatProblem(f"table {name!r}, document {ident!r} has no valid revision")

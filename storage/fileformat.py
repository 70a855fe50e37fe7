"""The database file format: TinyDB's layout plus a marker that says whose file it is.

Layout (UTF-8 JSON, readable Chinese, one document per line)::

    {
    "_meta":{
    "1":{"app":"<app>","schema":1}
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

The ``_meta`` table holds one document ``{"app": <app>, "schema": N}``. The
application that owns the file names itself (storage knows no application):
without the marker we cannot tell its file from any other JSON file that
happens to sit at the configured path, and must not overwrite it. ``schema``
lets an older program refuse a file written by a newer one instead of silently
dropping fields it does not know.

Documents are encoded and decoded with orjson (about 5x faster than the
standard library here). Its limits become the format's: JSON nested deeper
than 1,024 levels and integers outside 64 bits are refused when writing, and
reported as damage when reading. The line layout is what makes saves cheap:
see :mod:`storage.lines`. orjson is imported where it is first used: a
lookup's read (:mod:`storage.lines`' lazy) checks and decodes lines with
msgspec, and a total never loads orjson at all.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Mapping
from typing import Any

from .unparsed import ident_of, resolve

__all__ = [
    "SCHEMA",
    "META_TABLE",
    "FormatProblem",
    "NewerSchema",
    "meta_table",
    "dumps",
    "encode",
    "decode",
    "check",
    "check_meta",
    "check_table",
    "check_document",
    "normalize",
]

SCHEMA = 1
META_TABLE = "_meta"
META_DOC_ID = "1"

Data = dict[str, dict[str, dict[str, Any]]]


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


def meta_table(app: str) -> dict[str, dict[str, Any]]:
    """A fresh ``_meta`` table for a file of ``app`` (fresh so callers may mutate it)."""
    return {META_DOC_ID: {"app": app, "schema": SCHEMA}}


def dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON (Chinese kept readable), or ``TypeError``/``ValueError``.

    orjson writes NaN and infinities as ``null``, silently; they are not JSON,
    so they are refused here, as the standard library's ``allow_nan=False`` did.
    The check walks the value only when orjson's own output does not read back
    equal to it, which for a JSON-clean document never happens.
    """
    import orjson

    try:
        raw = orjson.dumps(value)
    except orjson.JSONEncodeError as error:
        raise TypeError(str(error)) from None
    if b"null" in raw and orjson.loads(raw) != value:
        _refuse_non_finite(value)
    return raw


def _refuse_non_finite(value: Any) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not JSON")
    if isinstance(value, Mapping):
        for item in value.values():
            _refuse_non_finite(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_non_finite(item)


def normalize(document: Mapping[str, Any]) -> dict[str, Any]:
    """A private, JSON-clean copy of ``document``: what storing and reading it back gives.

    Callers keep their dict (later edits to it must not leak into the
    database), tuples become lists, and anything that cannot be stored (sets,
    NaN, lone surrogates, integers beyond 64 bits, nesting beyond 1,024 levels)
    is refused here with ``TypeError``/``ValueError``, at the call that
    introduced it, instead of failing the whole commit.
    """
    if not isinstance(document, Mapping):
        raise TypeError(f"a document must be a mapping, not {type(document).__name__}")
    import orjson

    result: dict[str, Any] = orjson.loads(dumps(dict(document)))
    return result


def encode(data: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Serialize ``data`` as UTF-8, ``_meta`` first so a human sees it on top, one document per line."""
    names = sorted(data, key=lambda name: name != META_TABLE)
    parts: list[bytes] = []
    for name in names:
        table = data[name]
        head = dumps(name)
        if table:
            body = b",\n".join(dumps(str(doc_id)) + b":" + dumps(resolve(doc)) for doc_id, doc in table.items())
            parts.append(head + b":{\n" + body + b"\n}")
        else:
            parts.append(head + b":{}")
    return b"{\n" + b",\n".join(parts) + b"\n}\n"


def decode(raw: bytes) -> Any:
    """Parse file bytes; raises :class:`FormatProblem` for anything that is not JSON text we accept."""
    if not raw:
        # We never create an empty file (the first write brings the content
        # with it), so an empty file means something else truncated it.
        raise FormatProblem("the file is empty")
    import orjson

    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise diagnose(raw, error) from None


def diagnose(raw: bytes, error: orjson.JSONDecodeError) -> FormatProblem:
    """Why ``raw`` could not be parsed, in words an operator can act on.

    Only on failure, so the standard library's slower parser (whose messages
    and positions are better known) may look again.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        if bad.end == len(raw) and bad.reason == "unexpected end of data":
            return FormatProblem(_TRUNCATED)
        return FormatProblem(f"not UTF-8 text at byte {bad.start}")
    if not text.strip():
        return FormatProblem(_TRUNCATED)
    try:
        json.loads(text)
    except json.JSONDecodeError as bad:
        # Running out of text is the signature of a half-written or cut file;
        # saying so tells the operator more than "Expecting ',' delimiter".
        # Strings cannot span lines in strict JSON, so an unterminated one ran
        # into the end of the file.
        if bad.pos >= len(text.rstrip()) or bad.msg.startswith("Unterminated string"):
            return FormatProblem(_TRUNCATED)
        return FormatProblem(f"not valid JSON: {bad.msg} at line {bad.lineno} column {bad.colno}")
    except RecursionError:
        return FormatProblem("not valid JSON: nested too deeply")
    except ValueError as bad:
        # e.g. an integer of more digits than Python converts (4,300 by default).
        return FormatProblem(f"not valid JSON: {' '.join(str(bad).split())[:120]}")
    # Valid JSON that orjson refuses: nesting beyond 1,024 levels, a number
    # beyond a double's range, a lone surrogate escape.
    return FormatProblem(f"not a usable JSON file: {error.msg} at line {error.lineno} column {error.colno}")


_TRUNCATED = "the file is cut short, as if a write was interrupted"


def check(
    data: Any,
    app: str,
    revisioned: Collection[str],
    trusted: Callable[[str, Any], bool] | None = None,
    checked: Mapping[str, Collection[str]] | None = None,
) -> None:
    """Raise :class:`FormatProblem` unless ``data`` is a complete database of ``app``.

    Used on every parsed file (so damage is noticed before anything builds on
    it) and on every dict about to be written (so we never write a file we
    would refuse to read back). ``trusted(name, table)`` says a table object
    was already checked as it is (tables are never changed in place once
    stored, see :mod:`storage.store`), so it is skipped; ``checked`` names,
    per table, the keys of documents already checked (taken over unchanged
    from a version read before): of those only the id's uniqueness is.
    """
    if not isinstance(data, dict):
        raise FormatProblem(f"not a {app} database: the top level is not a JSON object")
    check_meta(data.get(META_TABLE), app)
    for name, table in data.items():
        if name == META_TABLE or (trusted is not None and trusted(name, table)):
            continue
        known = checked.get(name) if checked is not None else None
        if known:
            check_table(name, table, name in revisioned, docs={key for key in table if key not in known})
        else:
            check_table(name, table, name in revisioned)


def check_meta(table: Any, app: str) -> None:
    if table is None:
        raise FormatProblem(f"not a {app} database: no {META_TABLE} table")
    if not isinstance(table, dict) or len(table) != 1:
        raise FormatProblem(f"the {META_TABLE} table must hold exactly one document")
    (meta,) = table.values()
    if not isinstance(meta, dict) or meta.get("app") != app:
        found = meta.get("app") if isinstance(meta, dict) else None
        raise FormatProblem(f"not a {app} database (app is {found!r})")
    schema = meta.get("schema")
    if type(schema) is not int:
        raise FormatProblem(f"the {META_TABLE} table has no schema number")
    # Checked before any field, because a newer schema may legitimately lay
    # documents out differently; the operator needs "upgrade", not "damaged".
    if schema > SCHEMA:
        raise NewerSchema(schema)
    if schema < 1:
        raise FormatProblem(f"unknown schema {schema}")


def check_table(name: str, table: Any, revisioned: bool, docs: Collection[str] | None = None) -> None:
    """Check a table's documents (only the keys ``docs`` for those; ids are always checked unique)."""
    if not isinstance(table, dict):
        raise FormatProblem(f"table {name!r} is not a JSON object")
    seen: set[str] = set()
    for doc_id, doc in table.items():
        if docs is not None and doc_id not in docs:
            ident = ident_of(doc)
        else:
            ident = check_document(name, doc_id, resolve(doc), revisioned)
        if ident in seen:
            raise FormatProblem(f"table {name!r} holds id {ident!r} twice")
        seen.add(ident)


def check_document(name: str, doc_id: Any, doc: Any, revisioned: bool) -> str:
    # TinyDB turns keys back into ints with int(); only ASCII digits
    # survive that round trip unchanged.
    if not (isinstance(doc_id, str) and doc_id.isascii() and doc_id.isdigit()):
        raise FormatProblem(f"table {name!r} has a bad document key {doc_id!r}")
    if not isinstance(doc, dict):
        raise FormatProblem(f"table {name!r}, document {doc_id} is not a JSON object")
    ident = doc.get("id")
    if not isinstance(ident, str) or not ident:
        raise FormatProblem(f"table {name!r}, document {doc_id} has no id")
    if revisioned:
        revision = doc.get("revision")
        if type(revision) is not int or revision < 1:
            raise FormatProblem(f"table {name!r}, document {ident!r} has no valid revision")
    return ident

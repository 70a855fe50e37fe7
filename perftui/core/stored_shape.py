"""What a stored form document must look like, said in one place.

:func:`~perftui.core.model.check_doc_shape` is the fast check every read makes
(it raises); :func:`form_doc_problem` says in one line what is wrong with a
document that failed it, for the damaged-file message of every command, the
backups listing and the app. Both hold one rule set: this function runs the
fast check last, so nothing it accepts can fail a read.
"""

from __future__ import annotations

from typing import Any

from perftui.core import money
from perftui.core.model import check_doc_shape


_TEXT_FIELDS = ("name", "period", "department", "unit")


def form_doc_problem(doc: dict[str, Any]) -> str | None:
    """Why a stored form document cannot be a form (None when it can).

    The storage layer checks the file's shape (ids, revisions); this checks
    what only perftui knows, so that a hand-edited or half-damaged file is
    reported as damaged in one line instead of failing somewhere later with a
    traceback. Keys added to forms after this was written are not required.
    """
    for key in ("year", *_TEXT_FIELDS, "funding", "goals", "indicators"):
        if key not in doc:
            return f"form {doc.get('id')!r} has no {key!r}"
    year = doc["year"]
    if year is not None and (type(year) is not int):
        return f"form {doc['id']!r}: year is not a number"
    for key in (*_TEXT_FIELDS, "layout", "updated_at", "updated_by", "deleted_at"):
        if key in doc and doc[key] is not None and not isinstance(doc[key], str):
            return f"form {doc['id']!r}: {key} is not text"
    funding, goals = doc["funding"], doc["goals"]
    if not isinstance(funding, dict) or not isinstance(goals, dict):
        return f"form {doc['id']!r}: funding or goals is not an object"
    for scope in ("period", "annual"):
        amounts = funding.get(scope) or {}
        if not isinstance(amounts, dict):
            return f"form {doc['id']!r}: funding.{scope} is not an object"
        for part in ("total", "fiscal", "other"):
            value = amounts.get(part) or ""
            if not isinstance(value, str):
                return f"form {doc['id']!r}: funding.{scope}.{part} is not text"
            try:
                money.from_stored(value)
            except (ValueError, ArithmeticError):
                return f"form {doc['id']!r}: funding.{scope}.{part} is not an amount ({value[:40]!r})"
        if not isinstance(goals.get(scope) or "", str):
            return f"form {doc['id']!r}: goals.{scope} is not text"
    rows = doc["indicators"]
    if not isinstance(rows, list):
        return f"form {doc['id']!r}: indicators is not a list"
    for number, row in enumerate(rows, start=1):
        if not (isinstance(row, list) and len(row) in (4, 5) and all(isinstance(cell, str) for cell in row[:4])):
            return f"form {doc['id']!r}: indicator row {number} is not four texts"
        if len(row) == 5 and not (
            isinstance(row[4], dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in row[4].items())
        ):
            return f"form {doc['id']!r}: indicator row {number} has extra columns that are not text"
    extra_fields = doc.get("extra_fields") or []
    if not isinstance(extra_fields, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(text, str) for text in pair) for pair in extra_fields
    ):
        return f"form {doc['id']!r}: extra_fields is not a list of [label, value] texts"
    notes = doc.get("amount_notes") or {}
    if not isinstance(notes, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in notes.items()):
        return f"form {doc['id']!r}: amount_notes is not text by field"
    try:
        check_doc_shape(doc)  # sizes, and anything else a read would refuse
    except (KeyError, TypeError, ValueError) as error:
        return f"form {doc['id']!r}: {error}"
    return None

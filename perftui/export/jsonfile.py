"""JSON exports: every field of every form, and the summary and indicator tables as data.

The forms document is lossless (ids, revisions, last-change stamps included)
and deterministic (keys sorted, forms in the database's order), so that
exporting, importing into an empty database and exporting again gives the
same bytes; :mod:`perftui.importing.readback` reads it back. Amounts are strings
as stored ("80.00"): a JSON number would become a float in most readers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from perftui.core import money
from perftui.export.contents import Amount, Cell, Table
from perftui.core.model import Form

FORMAT = "perftui"
VERSION = 1
FORMS, SUMMARY, INDICATORS = "forms", "summary", "indicators"


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def forms(selected: Sequence[Form]) -> str:
    return dumps({"format": FORMAT, "kind": FORMS, "version": VERSION, "forms": [form.to_doc() for form in selected]})


def _value(cell: Cell | None) -> Any:
    if isinstance(cell, Amount):
        return money.canonical(cell.value)
    return cell  # text, a year, or None (null)


def table(kind: str, table: Table) -> str:
    """Rows as objects keyed by the table's stable column names (never translated)."""
    rows = []
    for index, row in enumerate(table.rows):
        record = {key: _value(cell) for key, cell in zip(table.keys, row)}
        if index < len(table.row_ids):
            record["form_id"] = table.row_ids[index]
        rows.append(record)
    document: dict[str, Any] = {"format": FORMAT, "kind": kind, "version": VERSION, "rows": rows}
    if table.total is not None:
        document["total"] = {
            key: _value(cell) for key, cell in zip(table.keys, table.total) if isinstance(cell, Amount)
        }
    return dumps(document)

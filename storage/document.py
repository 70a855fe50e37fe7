"""What every store checks of a document and a table name, and how it hands a document out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import fileformat

__all__ = ["copy_document", "check_table_name", "check_id"]


def copy_document(value: Any) -> Any:
    # A JSON-shaped deep copy, about 3x faster than copy.deepcopy: a snapshot's
    # documents are shared (with the file store's cache), and a UI that edits a
    # returned document in place must not edit them.
    if isinstance(value, dict):
        return {key: copy_document(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_document(item) for item in value]
    return value


def check_table_name(table: str) -> None:
    if not isinstance(table, str) or not table:
        raise ValueError(f"table name must be a non-empty string, not {table!r}")
    if table == fileformat.META_TABLE:
        raise ValueError(f"table {table!r} is reserved for the storage layer")


def check_id(doc: Mapping[str, Any]) -> str:
    ident = doc.get("id")
    if not isinstance(ident, str) or not ident:
        raise ValueError(f"a document needs a non-empty string 'id', got {ident!r}")
    return ident

"""Unsaved edits kept on disk, so a dropped connection loses no work.

While a form is edited, the app keeps what its fields say (exactly as typed,
unreadable amounts included), its indicator rows and the form as it was
opened, in a *recovery file*: ``unsaved/`` in the operator's own data folder
(``~/.local/share/perftui/unsaved/`` on Linux), never beside the shared
database, where other operators would see half-typed work. The next start of
the app on the same database offers the edits back (restore or discard).

One file per database and form (the database's path is hashed into the name,
so two databases never mix), replaced atomically, readable only by its owner.
A file that cannot be read is left alone and skipped: it never stops the app.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import storage
from perftui.config import unsaved_folder
from perftui.core.model import Form, Indicator

#: The format of a recovery file; another number is skipped, not misread.
VERSION = 1
SUFFIX = ".json"


def folder() -> Path:
    """Where this operator's recovery files live (created when the first one is written)."""
    return unsaved_folder()


def database_key(db_path: str | os.PathLike[str]) -> str:
    """The database as recovery files name it: a file's absolute, resolved path; a server's
    URL without its password (the file is plain JSON)."""
    text = os.fspath(db_path)
    if "://" in str(text):
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(str(text))
        host = parts.hostname or ""
        netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return str(Path(text).expanduser().resolve())


@dataclass(frozen=True)
class UnsavedEdits:
    """What an editor held that was not saved yet.

    ``base`` is the form as it was opened (its revision is what the edits are
    based on); None for a form never stored, whose id is ``form_id``.
    ``texts`` are the editor's fields as typed (:func:`perftui.core.form_edit.field_texts`).
    """

    database: str
    form_id: str
    base: Form | None
    texts: Mapping[str, str]
    indicators: tuple[Indicator, ...]
    kept_at: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))
    action: str | None = None  # the history action of the first save ("copy")

    @property
    def name(self) -> str:
        return (self.texts.get("name") or "").strip() or (self.base.name if self.base else "")

    @property
    def based_on(self) -> int:
        """The stored revision the edits start from (0: a new form)."""
        return self.base.revision if self.base is not None else 0

    def same_edits(self, other: UnsavedEdits | None) -> bool:
        """Do both hold the same work (whenever they were kept)?"""
        return other is not None and (
            (self.database, self.form_id, self.base, dict(self.texts), self.indicators, self.action)
            == (other.database, other.form_id, other.base, dict(other.texts), other.indicators, other.action)
        )

    def to_json(self) -> bytes:
        doc: dict[str, Any] = {
            "version": VERSION,
            "database": self.database,
            "form_id": self.form_id,
            "base": self.base.to_doc() if self.base is not None else None,
            "texts": dict(self.texts),
            "indicators": [row.to_doc() for row in self.indicators],
            "kept_at": self.kept_at,
            "action": self.action,
        }
        return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> UnsavedEdits:
        """Raises ValueError (KeyError, TypeError, ArithmeticError) for anything but a recovery file of this version."""
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("version") != VERSION:
            raise ValueError("not a perftui recovery file of this version")
        texts = doc["texts"]
        if not isinstance(texts, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in texts.items()):
            raise TypeError("texts")
        return cls(
            database=str(doc["database"]),
            form_id=str(doc["form_id"]),
            base=Form.from_doc(doc["base"]) if doc.get("base") is not None else None,
            texts=texts,
            indicators=tuple(Indicator.from_doc(row) for row in doc["indicators"]),
            kept_at=str(doc["kept_at"]),
            action=doc.get("action"),
        )


def path_for(database: str, form_id: str) -> Path:
    digest = hashlib.sha256(database.encode("utf-8")).hexdigest()[:16]
    safe_id = "".join(c for c in form_id if c.isalnum() or c in "-_")[:64]
    return folder() / f"{digest}-{safe_id}{SUFFIX}"


def keep(edits: UnsavedEdits) -> Path:
    """Write ``edits`` to their recovery file (atomically; the owner alone may read it).

    Raises :class:`storage.StorageError` when the folder or file cannot be written.
    """
    path = path_for(edits.database, edits.form_id)
    storage.atomic_write(path, edits.to_json(), mode=0o600)
    return path


def forget(database: str, form_id: str) -> None:
    """The edits were saved or discarded: remove their file (if any)."""
    try:
        path_for(database, form_id).unlink()
    except FileNotFoundError:
        pass


def found(db_path: str | os.PathLike[str]) -> list[UnsavedEdits]:
    """The unsaved edits kept for this database, newest first (unreadable files skipped)."""
    database = database_key(db_path)
    digest = hashlib.sha256(database.encode("utf-8")).hexdigest()[:16]
    try:
        candidates = sorted(folder().glob(f"{digest}-*{SUFFIX}"))
    except OSError:
        return []
    edits = []
    for path in candidates:
        try:
            one = UnsavedEdits.from_json(path.read_bytes())
        except (OSError, ValueError, KeyError, TypeError, ArithmeticError):
            continue
        if one.database == database:
            edits.append(one)
    return sorted(edits, key=lambda e: e.kept_at, reverse=True)

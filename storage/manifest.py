"""The list of backups the storage itself wrote: name, size and SHA-256 of each.

A file dropped into the backup folder by someone else (a forged
``2099-01-01_…_daily.json`` listed first and restored by "restore 1") must not
count as a backup, and must not push the real ones out when pruning. Only the
backups in the manifest are listed, pruned and restored, and a backup whose
size or content no longer matches its entry is reported as damaged.

The manifest is rewritten whole (atomically) under the database's write lock.
It limits what outsiders can plant; it is no defence against someone who may
write the database itself, and it does not try to be.

A folder from before manifests existed has none: its well-named backups are
listed as before, and adopted into a new manifest (hashed as they are then)
the first time a backup is taken.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


from .atomic import atomic_write
from .permissions import new_file_mode

__all__ = ["Entry", "MANIFEST", "read_manifest", "write_manifest", "file_digest"]

MANIFEST = "manifest.json"
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    size: int
    sha256: str


def file_digest(path: str) -> tuple[int, str]:
    """Size and SHA-256 of the file at ``path`` (raises ``OSError``)."""
    import hashlib  # here: a process that only reads does not load it

    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def read_manifest(folder: str) -> dict[str, Entry] | None:
    """The manifest's entries by name; ``None`` when there is none (or it cannot be read as one)."""
    import orjson  # here: a lookup opens no backups, and need not load orjson for them

    try:
        with open(os.path.join(folder, MANIFEST), "rb") as handle:
            record = orjson.loads(handle.read())
        entries = {}
        for item in record["backups"]:
            entry = Entry(str(item["name"]), int(item["size"]), str(item["sha256"]))
            entries[entry.name] = entry
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    return entries


def write_manifest(folder: str, entries: dict[str, Entry]) -> None:
    """Replace the manifest (raises :class:`storage.errors.StorageWriteError`)."""
    import orjson

    items = sorted(entries.values(), key=lambda e: e.name)
    body = b",\n".join(orjson.dumps({"name": e.name, "size": e.size, "sha256": e.sha256}) for e in items)
    data = b'{"backups":[\n' + body + b"\n]}\n" if items else b'{"backups":[]}\n'
    atomic_write(os.path.join(folder, MANIFEST), data, mode=new_file_mode(folder))

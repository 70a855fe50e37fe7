"""Persistence only: safe, shared, JSON-file storage for perftui's documents.

Nothing here imports textual or any of perftui: the store deals in plain JSON
documents, so it can be tested, reused and later swapped for a database
server backend without touching the UI.

The app uses :class:`JsonFileStore` through the :class:`Store` interface::

    store = JsonFileStore(path)
    snapshot = store.read()                  # cheap when nothing changed
    with store.transaction() as tx:          # inter-process lock, one atomic write
        tx.replace("forms", form, base_revision=form["revision"])
"""

from .atomic import atomic_write
from .errors import (
    ConflictError,
    DamagedFileError,
    LockTimeoutError,
    NewerSchemaError,
    ReadOnlyError,
    StorageError,
    StorageWriteError,
)
from .fileformat import APP, SCHEMA
from .gcpause import gc_paused
from .jsonstorage import SafeJSONStorage
from .lock import FileLock
from .permissions import world_accessible
from .store import DEFAULT_REVISIONED, JsonFileStore, Snapshot, Store, Transaction

__all__ = [
    "APP",
    "SCHEMA",
    "DEFAULT_REVISIONED",
    "Store",
    "Snapshot",
    "Transaction",
    "JsonFileStore",
    "SafeJSONStorage",
    "FileLock",
    "atomic_write",
    "world_accessible",
    "gc_paused",
    "StorageError",
    "DamagedFileError",
    "NewerSchemaError",
    "LockTimeoutError",
    "ConflictError",
    "ReadOnlyError",
    "StorageWriteError",
]

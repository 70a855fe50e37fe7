"""Persistence only: safe, shared, JSON-file storage for an application's documents.

Nothing here imports textual or any application code, and nothing names one:
the store deals in plain JSON documents of tables the caller names, so it can
be tested, reused and later swapped for a database server backend without
touching the UI. The caller says whose files these are (``app``, written into
and required in every file) and which tables are revisioned.

The app uses :class:`JsonFileStore` through the :class:`Store` interface::

    store = JsonFileStore(path, app="perftui", revisioned={"forms"})
    snapshot = store.read()                  # cheap when nothing changed
    with store.transaction() as tx:          # inter-process lock, one atomic write
        tx.replace("forms", form, base_revision=form["revision"])
"""

from .atomic import atomic_write
from .errors import (
    BackupError,
    ConflictError,
    DamagedFileError,
    LockTimeoutError,
    NewerSchemaError,
    ReadOnlyError,
    StorageError,
    StaleWriteError,
    StorageReadError,
    StorageWriteError,
)
from .fileformat import SCHEMA
from .gcpause import gc_paused
from .jsonstorage import SafeJSONStorage
from .locations import display_location, is_server_url
from .lock import FileLock, LockHolder
from .opening import DriverMissingError, open_store
from .permissions import world_accessible
from .servererrors import (
    NeedsUpgradeError,
    NotInitializedError,
    OutcomeUnknownError,
    ServerError,
    ServerReadOnlyError,
    UnreachableError,
)
from .spec import Column, Computed, Queryable, StoreSpec, TableSpec
from .store import JsonFileStore, Snapshot, Store, Transaction
from .unparsed import resolve

__all__ = [
    "SCHEMA",
    "Store",
    "Snapshot",
    "Transaction",
    "JsonFileStore",
    "SafeJSONStorage",
    "FileLock",
    "LockHolder",
    "atomic_write",
    "world_accessible",
    "gc_paused",
    "resolve",
    "StorageError",
    "DamagedFileError",
    "NewerSchemaError",
    "LockTimeoutError",
    "ConflictError",
    "ReadOnlyError",
    "StorageWriteError",
    "StorageReadError",
    "StaleWriteError",
    "BackupError",
    # database servers (the PostgreSQL store itself is storage.postgres: it needs psycopg)
    "StoreSpec",
    "TableSpec",
    "Column",
    "Computed",
    "Queryable",
    "open_store",
    "is_server_url",
    "display_location",
    "DriverMissingError",
    "ServerError",
    "UnreachableError",
    "NotInitializedError",
    "NeedsUpgradeError",
    "ServerReadOnlyError",
    "OutcomeUnknownError",
]

"""Open the store a location names: a JSON file, or a PostgreSQL database by its URL."""

from __future__ import annotations

import os
from typing import Any

from .errors import StorageError
from .lock import DEFAULT_TIMEOUT
from .locations import display_location, is_server_url
from .spec import StoreSpec

__all__ = ["open_store", "DriverMissingError"]


class DriverMissingError(StorageError):
    """A database URL was given, but the PostgreSQL driver (psycopg) is not installed."""

    def __init__(self, path: str) -> None:
        super().__init__(path, f"Cannot open {path}: the PostgreSQL driver psycopg is not installed.")


def open_store(
    location: str | os.PathLike[str],
    spec: StoreSpec,
    *,
    read_only: bool = False,
    lock_timeout: float = DEFAULT_TIMEOUT,
    **file_options: Any,
):
    """A :class:`~storage.store.Store` for ``location``.

    A ``postgresql://`` URL opens :class:`~storage.postgres.PostgresStore`
    (the database must have been set up for ``spec``); anything else is a
    file path for :class:`~storage.store.JsonFileStore`, which also takes
    ``file_options`` (``file_mode``, ``before_replace``).
    """
    if is_server_url(location):
        if file_options:
            raise TypeError(f"options {sorted(file_options)} are for database files, not for {display_location(str(location))}")
        try:
            from .postgres import PostgresStore
        except ImportError:
            raise DriverMissingError(display_location(str(location))) from None
        return PostgresStore(str(location), spec, read_only=read_only, lock_timeout=lock_timeout)
    from .store import JsonFileStore

    return JsonFileStore(
        location, app=spec.app, read_only=read_only, lock_timeout=lock_timeout, revisioned=spec.revisioned, **file_options
    )

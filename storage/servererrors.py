"""Errors of a database-server store (PostgreSQL), beside those every store raises.

Like the others they are :class:`~storage.errors.StorageError`, one line each,
and name the database, here by its URL with any password removed (``path``
is that text). ``app`` is the caller's name for itself (see
:class:`storage.spec.StoreSpec`), for messages that name a command to run.
"""

from __future__ import annotations

from .errors import ReadOnlyError, StorageError

__all__ = [
    "ServerError",
    "UnreachableError",
    "NotInitializedError",
    "NeedsUpgradeError",
    "ServerReadOnlyError",
    "OutcomeUnknownError",
]


class ServerError(StorageError):
    """The database server refused or failed an operation (``sqlstate`` says which, when it said)."""

    def __init__(self, path: str, message: str, *, sqlstate: str | None = None) -> None:
        self.sqlstate = sqlstate
        super().__init__(path, message)


class UnreachableError(ServerError):
    """No connection to the server (down, wrong address, refused login); nothing was changed."""

    def __init__(self, path: str, reason: str) -> None:
        self.reason = " ".join(reason.split())
        super().__init__(path, f"Cannot connect to the database {path}: {self.reason}; nothing was changed.")


class NotInitializedError(ServerError):
    """The database exists but was never set up for this app."""

    def __init__(self, path: str, app: str) -> None:
        self.app = app
        super().__init__(path, f"The database {path} is not set up for {app}; run `{app} db init` first.")


class NeedsUpgradeError(ServerError):
    """The database was set up by an older version of the app: ``<app> db upgrade`` brings it up to date.

    Nothing is read or written until then: columns the older version did not
    keep would be missing from queries.
    """

    def __init__(self, path: str, app: str, found: int, supported: int) -> None:
        self.app = app
        self.found = found
        self.supported = supported
        super().__init__(
            path,
            f"The database {path} uses schema {found}, older than this {app}'s {supported}; "
            f"run `{app} db upgrade` first. Nothing was changed.",
        )


class ServerReadOnlyError(ReadOnlyError):
    """The server refused a write: the account may only read (a role with SELECT only)."""

    def __init__(self, path: str) -> None:
        StorageError.__init__(self, path, f"The database {path} refuses changes from this account (read-only); nothing was written.")


class OutcomeUnknownError(ServerError):
    """The connection broke while committing: the change may or may not have been saved."""

    def __init__(self, path: str, reason: str) -> None:
        self.reason = " ".join(reason.split())
        super().__init__(
            path,
            f"The connection to {path} broke while saving ({self.reason}); the change may or may not "
            "have been saved: read again before retrying.",
        )

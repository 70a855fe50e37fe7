"""The app's one way to change the database: in a worker thread, every error worded the same way.

Saves from the editors, deletes and restores from the list, reverts from
history, restoring a backup, imports and the tracking screens all change the
database through :func:`run_write`, so a refused or failed change reads the
same wherever it happened (:func:`perftui.text.errors.describe`) and the UI
thread never waits for the disk's lock or fsync.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode

import storage
from perftui.core.conflict import Conflict
from perftui.core.history import HistoryError
from perftui.services.repository import NotDeleted
from perftui.text.errors import describe

T = TypeVar("T")

#: What a change may raise that the operator should read about (anything else is a bug, and shows as one).
WRITE_ERRORS = (storage.StorageError, Conflict, HistoryError, NotDeleted, OSError)


def run_write(
    node: DOMNode,
    change: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[str], None],
    *,
    conflict: Callable[[Conflict], None] | None = None,
) -> None:
    """Run ``change`` in a worker; hand its result to ``done`` on the UI thread, or one line to ``failed``.

    A :class:`Conflict` goes to ``conflict`` when the caller can resolve it (an
    editor opens the conflict dialog); otherwise it is one line like any error.
    """
    app = node.app

    def hand(callback: Callable[..., None], *args: object) -> None:
        try:
            app.call_from_thread(callback, *args)
        except RuntimeError:  # the app quit while the change ran: nobody to tell
            pass

    def work() -> None:
        try:
            result = change()
        except Conflict as error:
            if conflict is not None:
                hand(conflict, error)
            else:
                hand(failed, describe(error))
            return
        except WRITE_ERRORS as error:
            hand(failed, describe(error))
            return
        hand(done, result)

    node.run_worker(work, thread=True, group="write", exit_on_error=False)

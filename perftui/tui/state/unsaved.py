"""Keeping editors' unsaved edits on disk, off the UI thread.

Editors hand their edits over whenever they change (and every few seconds);
a writer thread writes the newest of each form at most once a
:data:`MIN_INTERVAL`, so a burst of typing costs one write, and the UI never
waits for the disk. When the terminal goes away (SIGHUP) or the app is told
to stop (SIGTERM), :meth:`UnsavedKeeper.flush` writes what is pending at once,
on the calling thread, before the app exits.

No Textual here: the app owns one keeper and the editors reach it through it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

import storage
from perftui.services import unsaved
from perftui.services.unsaved import UnsavedEdits

#: At most one write per form this often (seconds): typing is kept within a second.
MIN_INTERVAL = 1.0


class UnsavedKeeper:
    """Recovery files for one database; ``failed`` hears (once) when they cannot be written."""

    def __init__(self, database: str, *, failed: Callable[[str], None] | None = None, interval: float = MIN_INTERVAL):
        self.database = database
        self.interval = interval
        self._failed = failed
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._pending: dict[str, UnsavedEdits | None] = {}  # form id -> edits, or None: remove the file
        self._written: dict[str, UnsavedEdits] = {}
        self._stopped = False
        self._stopping = threading.Event()
        self._complained = False
        self._thread = threading.Thread(target=self._run, name="perftui-unsaved", daemon=True)
        self._thread.start()

    def keep(self, edits: UnsavedEdits) -> None:
        """Write ``edits`` soon (a newer call for the same form replaces it)."""
        with self._lock:
            if edits.same_edits(self._written.get(edits.form_id)) and edits.form_id not in self._pending:
                return  # on disk already
            self._pending[edits.form_id] = edits
            self._wake.notify()

    def forget(self, form_id: str) -> None:
        """The edits of ``form_id`` were saved or discarded: remove their file."""
        with self._lock:
            self._pending[form_id] = None
            self._wake.notify()

    def flush(self, current: Iterable[UnsavedEdits] = ()) -> None:
        """Write ``current`` and everything pending now, on this thread (the app is about to exit)."""
        with self._lock:
            for edits in current:
                self._pending[edits.form_id] = edits
            pending, self._pending = self._pending, {}
        self._write(pending)

    def stop(self) -> None:
        """Write what is pending (a save just made removes its file) and end the thread."""
        self.flush()
        with self._lock:
            self._stopped = True
            self._stopping.set()
            self._wake.notify()

    # -- the writer thread --------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._pending and not self._stopped:
                    self._wake.wait()
                if self._stopped:
                    return
            # Let a burst of typing settle: the newest edits are what gets written.
            self._stopping.wait(self.interval)
            with self._lock:
                pending, self._pending = self._pending, {}
            self._write(pending)

    def _write(self, pending: dict[str, UnsavedEdits | None]) -> None:
        for form_id, edits in pending.items():
            try:
                if edits is None:
                    unsaved.forget(self.database, form_id)
                    with self._lock:
                        self._written.pop(form_id, None)
                else:
                    unsaved.keep(edits)
                    with self._lock:
                        self._written[form_id] = edits
            except (storage.StorageError, OSError) as error:
                self._complain(error)

    def _complain(self, error: Exception) -> None:
        if self._complained or self._failed is None:
            return
        self._complained = True
        from perftui.text.errors import describe

        self._failed(describe(error))

"""Keeping the app current while other operators write: wait or poll, and read again off the UI thread.

A PostgreSQL database notifies (LISTEN/NOTIFY): the watcher waits for the
server to say that someone committed, so another operator's save is read at
once. A shared file can only be polled (one stat twice a second through
:meth:`Database.changed`), which is what any filesystem allows.
The watcher knows nothing of the UI: it hands each fresh :class:`Reading`, with
the generation of local changes it was read under, to a callback the app
passes, which moves it to the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from perftui.tui.state.catalog import Catalog
from perftui.tui.state.database import Database, Reading


class Watcher:
    def __init__(
        self,
        database: Database,
        interval: float,
        stop: threading.Event,
        *,
        catalog: Callable[[], Catalog],
        generation: Callable[[], int],
        read: Callable[[Reading, int], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self.database, self.interval, self.stop = database, interval, stop
        self._catalog, self._generation, self._read, self._failed = catalog, generation, read, failed
        #: Set when a reading raced a local change and must be taken again.
        self.read_again = threading.Event()

    def run(self) -> None:
        """Until ``stop``: read again whenever another process wrote the database (or asked to)."""
        while not self.stop.is_set():
            try:
                if not self._changed() and not self.read_again.is_set():
                    continue
                self.read_again.clear()
                generation = self._generation()
                reading = self.database.read(self._catalog())
            except Exception as error:  # a damaged or vanished file, a server gone: said on screen, watching goes on
                self._failed(error)
                self.stop.wait(self.interval)
                continue
            self._read(reading, generation)

    def _changed(self) -> bool:
        """Wait (at most one interval) for a change: told by the server, or seen by polling."""
        told = self.database.wait_for_change(self.interval)
        if told is not None:
            return told
        if self.stop.wait(self.interval):
            return False
        return self.database.changed()

"""Keeping the app current while other operators write: poll, and read again off the UI thread.

Polling (one stat twice a second through :meth:`Database.changed`) is what a
shared file on any filesystem allows; a server database could notify instead.
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
        while not self.stop.wait(self.interval):
            try:
                if not self.database.changed() and not self.read_again.is_set():
                    continue
                self.read_again.clear()
                generation = self._generation()
                reading = self.database.read(self._catalog())
            except Exception as error:  # a damaged or vanished file: said on screen, watching goes on
                self._failed(error)
                continue
            self._read(reading, generation)

"""The app's access to the database: every call is made from a worker thread.

Textual's UI thread must never wait for the disk (a shared file on a slow
server, a lock held by another operator's save), so the app calls these from
``run_worker(..., thread=True)`` and hands the results back with
``call_from_thread``. One lock serialises this process's own calls: the watcher
polls twice a second while a save may be running in another worker.

No Textual here: the functions are tested directly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import storage
from perftui.core.history import HistoryEntry
from perftui.core.model import Form
from perftui.core.evaluation import Evaluation
from perftui.core.monitoring import Monitoring
from perftui.core.scoring import DEFAULT_RULES, Rules
from perftui.core.tracking import EVALUATION
from perftui.services.repository import Repository
from perftui.services.tracking import Tracking
from perftui.tui.state.catalog import Catalog, Records


@dataclass(frozen=True)
class Reading:
    """What one read of the database produced."""

    catalog: Catalog
    exists: bool  # False: there is no file (a new database, or it was removed); a server database always exists


class Database:
    """A :class:`Repository` shared by the app's worker threads."""

    def __init__(
        self,
        path: Path | str,
        *,
        read_only: bool = False,
        demo: bool = False,
        backups_keep: int | None = None,
        **store_options: Any,
    ) -> None:
        """``backups_keep``: keep that many backups (a daily one before the first save of a day),
        as the CLI does; None takes none (read-only sessions write nothing to back up)."""
        self.path = path
        self.demo = demo
        self.repository = Repository.open(
            path, read_only=read_only, backups_keep=None if read_only else backups_keep, **store_options
        )
        self.repository.keep_records_only()  # the catalog keeps the forms: see Repository.keep_records_only
        self.tracking = Tracking(self.repository)
        #: How the 自评 are scored (``[scoring]`` in config.toml); the app sets it.
        self.rules: Rules = DEFAULT_RULES
        self.lock = threading.Lock()

    @property
    def read_only(self) -> bool:
        return self.repository.read_only

    def prepare(self) -> None:
        """First use of the demo database: import the bundled forms."""
        if self.demo:
            from perftui.demo import ensure_demo

            with self.lock:
                ensure_demo(self.repository)

    def changed(self) -> bool:
        with self.lock:
            return self.repository.changed()

    def wait_for_change(self, timeout: float) -> bool | None:
        """Block until the server says someone committed (True) or ``timeout`` passes (False).

        None when the store cannot tell (a file): then poll :meth:`changed`.
        Does not hold :attr:`lock`: this process's saves go on meanwhile.
        """
        wait = getattr(self.repository.store, "wait_for_change", None)
        token = self.repository.token
        if wait is None or token is None:
            return None
        return wait(token, timeout)

    def read(self, previous: Catalog | None = None) -> Reading:
        """Every form with its 监控 and 自评; forms unchanged since ``previous`` are not checked again.

        A re-read (``previous`` given) comes back checked. The first read
        does not: the app shows it at once and checks the forms afterwards
        (:meth:`Catalog.warm`, in its worker).
        """
        with self.lock:
            forms = self.repository.forms()
            deleted = self.repository.deleted_forms()
            exists = self.repository.token is not None
            records = Records(self.tracking.monitorings(), self.tracking.evaluations())
        with storage.gc_paused():  # findings and search text for every form: many objects, no cycles
            catalog = Catalog.build(forms, deleted, previous, records, self.rules)
            if previous is not None:
                catalog.warm()
        return Reading(catalog, exists)

    # -- 监控 and 自评 -------------------------------------------------------------

    def record(self, form: Form, kind: str) -> Monitoring | Evaluation | None:
        """The form's stored 监控 (``kind`` MONITORING) or 自评 (EVALUATION), None if it has none."""
        with self.lock:
            return self.tracking.evaluation(form) if kind == EVALUATION else self.tracking.monitoring(form)

    def import_tables(self, tables: list) -> list:
        """Published 自评表 and 监控表 onto their forms (see :meth:`Tracking.import_published`)."""
        with self.lock:
            return self.tracking.import_published(tables)

    def save_record(self, record: Monitoring | Evaluation, *, force: bool = False) -> Monitoring | Evaluation:
        """Store a 监控 or 自评 (see :meth:`Tracking.save`); its screen saves through this."""
        with self.lock:
            return self.tracking.save(record, force=force)

    def save(self, form: Form, action: str | None = None, *, force: bool = False) -> Form:
        """Store ``form`` (see :meth:`Repository.save`); the editors save through this too."""
        with self.lock:
            return self.repository.save(form, action=action, force=force)

    def import_forms(self, forms: list[Form], *, keep_ids: bool = False):
        """Add or update imported forms in one write (see :meth:`Repository.import_forms`)."""
        with self.lock:
            return self.repository.import_forms(forms, keep_ids=keep_ids)

    def delete(self, form: Form) -> Form:
        with self.lock:
            return self.repository.delete(form)

    def restore(self, form_id: str) -> Form:
        with self.lock:
            return self.repository.restore(form_id)

    def revert(self, form: Form, revision: int) -> Form:
        with self.lock:
            return self.repository.revert(form, revision)

    # -- history --------------------------------------------------------------

    def history(self, form_id: str) -> tuple[Form | None, list[HistoryEntry]]:
        """The form as stored now (deleted or not; None if unknown) and its history, oldest first."""
        with self.lock:
            return self.repository.find(form_id), self.repository.history(form_id)

    def version_at(self, form_id: str, revision: int) -> Form:
        with self.lock:
            return self.repository.version_at(form_id, revision)

"""perftui's tables, as the store is told about them: names, revisions and a server's columns.

The storage layer knows no app (:mod:`storage.spec`): this is where perftui says
which tables it keeps, which of them are revisioned, and which columns a
database server keeps beside each form (some computed by perftui's own
functions: a form's status and search text), so that totals, the list and an
import's matching need not read whole forms. A JSON file ignores the columns.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import storage
from perftui.config import APP
from perftui.core.model import Form, search_text
from perftui.core.stored_shape import form_doc_problem

FORMS = "forms"
HISTORY = "history"
#: The 监控 and 自评 records (:mod:`perftui.services.tracking`), one document each.
MONITORINGS = "monitoring"
EVALUATIONS = "evaluations"

#: The version of the rules :func:`perftui.core.findings.check` applies, as the
#: server's ``errors`` and ``warnings`` columns were computed with. A change to
#: the rules that gives any form other counts bumps it (and ``SPEC.version``):
#: a database whose counts are older is then refused until ``perftui db
#: upgrade`` has counted again, rather than showing forms with a stale status.
FINDINGS_VERSION = 1
#: The version of :func:`perftui.core.model.search_text` the ``search`` column holds.
SEARCH_VERSION = 1


class _LastForm:
    """The form of the document the store is writing, built once for its computed columns."""

    def __init__(self) -> None:
        self._doc: Any = None
        self._form: Form | None = None
        self._counts: tuple[int, int] = (0, 0)

    def form(self, doc: Mapping[str, Any]) -> Form:
        if doc is not self._doc:
            try:
                form = Form.from_doc(dict(doc))
            except (KeyError, TypeError, ValueError, ArithmeticError) as error:
                raise ValueError(form_doc_problem(dict(doc)) or f"form {doc.get('id')!r}: {error}") from None
            from perftui.core import findings  # here: a lookup that writes nothing does not pay for it

            self._doc, self._form, self._counts = doc, form, findings.counts(findings.check(form))
        return self._form  # type: ignore[return-value]

    def counts(self, doc: Mapping[str, Any]) -> tuple[int, int]:
        self.form(doc)
        return self._counts


_last = _LastForm()
_last_lock = threading.Lock()


def _errors(doc: Mapping[str, Any]) -> int:
    with _last_lock:
        return _last.counts(doc)[0]


def _warnings(doc: Mapping[str, Any]) -> int:
    with _last_lock:
        return _last.counts(doc)[1]


def _search(doc: Mapping[str, Any]) -> str:
    with _last_lock:
        return search_text(_last.form(doc))


#: What the store is told about perftui's tables. The columns are what a
#: database server keeps beside each form so that totals, the list and an
#: import's matching need not read whole forms (a JSON file ignores them).
#: Changing them means a new ``version`` (and ``perftui db upgrade``).
#: Version 2: the 监控 and 自评 records, in tables of their own.
#: Version 3: the app's list from columns: each form's status (its findings
#: counted when it is written), its search text, and who saved it when.
SPEC = storage.StoreSpec(
    app=APP,
    version=3,
    tables=(
        storage.TableSpec(
            FORMS,
            revisioned=True,
            columns=(
                storage.Column("year", ("year",), "integer", index=True),
                storage.Column("name", ("name",), "text"),
                storage.Column("department", ("department",), "text"),
                storage.Column("unit", ("unit",), "text"),
                storage.Column("indicators", ("indicators",), "length"),
                storage.Column("fiscal", ("funding", "annual", "fiscal"), "numeric"),
                storage.Column("other", ("funding", "annual", "other"), "numeric"),
                storage.Column("total", ("funding", "annual", "total"), "numeric"),
                storage.Column("deleted", ("deleted_at",), "flag"),
                storage.Column("updated_at", ("updated_at",), "text"),
                storage.Column("updated_by", ("updated_by",), "text"),
                storage.Column("errors", (), "integer", computed=storage.Computed("perftui.findings.errors", FINDINGS_VERSION, _errors)),
                storage.Column("warnings", (), "integer", computed=storage.Computed("perftui.findings.warnings", FINDINGS_VERSION, _warnings)),
                # Read by the app's filter only, never by a list or a sum: kept out of the columns' index.
                storage.Column("search", (), "text", computed=storage.Computed("perftui.search_text", SEARCH_VERSION, _search), listed=False),
            ),
        ),
        storage.TableSpec(HISTORY, columns=(storage.Column("form_id", ("form_id",), "text", index=True),)),
        # A form's 监控 and 自评 are found by its id (the same column as the history's).
        storage.TableSpec(MONITORINGS, revisioned=True, columns=(storage.Column("form_id", ("form_id",), "text", index=True),)),
        storage.TableSpec(EVALUATIONS, revisioned=True, columns=(storage.Column("form_id", ("form_id",), "text", index=True),)),
    ),
)
REVISIONED = SPEC.revisioned  # the tables whose documents carry revisions (storage knows no tables)

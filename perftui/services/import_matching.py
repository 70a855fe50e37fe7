"""Which stored form an imported one is: by id, else by identity (年度, 项目名称, 实施单位).

An import matches every incoming form against the stored ones. From a file
that means looking at every stored form, so only the three fields of an
identity are read; from a server only its columns are, and a form's document
only when an incoming form matches it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import storage
from perftui.core.model import Form
from perftui.services.tables import FORMS

if TYPE_CHECKING:
    from perftui.services.repository import Repository


def _identity(repository: Repository, doc: dict[str, Any]) -> tuple:
    """:attr:`Form.identity` of a stored form, read from the three fields it is made of.

    Building every form of a file to match one import against was a third of
    the import's time. Text a read would clean (control characters) and
    fields of the wrong type go the long way: the form is built, and says
    what is wrong with it as a damaged file.
    """
    year, name, unit = doc.get("year"), doc.get("name"), doc.get("unit")
    if (year is None or type(year) is int) and type(name) is str and type(unit) is str \
            and name.isprintable() and unit.isprintable():
        return (year, " ".join(name.split()), " ".join(unit.split()))
    return repository._form(doc).identity


class StoredForms:
    """The stored forms an import matches against, by id and by identity (年度, 项目名称, 实施单位).

    From a store that answers queries, only the columns of the identity are
    read, and a form's document only when an incoming form matches it: an
    import of one form into fifty thousand reads one form. Otherwise every
    document is read, as from a file.
    """

    def __init__(self, repository: Repository, tx: storage.Transaction) -> None:
        self._tx = tx
        self._docs: dict[str, dict[str, Any]] = {}
        self._identities: dict[tuple, str] = {}
        self._ids: set[str] = set()
        self._query = isinstance(tx, storage.Queryable)
        if self._query:
            for ident, _revision, year, name, unit in tx.rows(FORMS, ["year", "name", "unit"]):
                key = (year, " ".join((name or "").split()), " ".join((unit or "").split()))
                self._identities.setdefault(key, ident)
                self._ids.add(ident)
        else:
            for doc in tx.view(FORMS):
                self._identities.setdefault(_identity(repository, doc), doc["id"])
                self._ids.add(doc["id"])
                self._docs[doc["id"]] = doc

    def has_id(self, ident: str) -> bool:
        return ident in self._ids

    def by_id(self, ident: str) -> dict[str, Any] | None:
        if ident not in self._ids:
            return None
        doc = self._docs.get(ident)
        if doc is None:
            doc = self._docs[ident] = self._tx.get(FORMS, ident)
        return doc

    def by_identity(self, key: tuple) -> dict[str, Any] | None:
        ident = self._identities.get(key)
        return None if ident is None else self.by_id(ident)

    def remember(self, saved: Form) -> None:
        self._docs[saved.id] = saved.to_doc()
        self._identities[saved.identity] = saved.id
        self._ids.add(saved.id)

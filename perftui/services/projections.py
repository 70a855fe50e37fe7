"""What a lookup reads of a stored form, declared as types the store decodes each form's line into.

A lookup over ten thousand forms that builds every form's dict (each goal,
every indicator's text) only to add three amounts spends most of its time on
strings it never looks at. These :mod:`msgspec` types name the fields a
lookup needs; decoding a stored line into one builds only those (the rest of
the line is skipped, still checked to be JSON; see
:meth:`storage.JsonFileStore.project`), and checks their types as it goes, as
:meth:`perftui.core.model.Form.from_doc` checks them. A document that does not
fit is read whole by the caller, which says what is wrong as it always did.

Unknown fields are ignored and absent optional ones take their default, as
``Form.from_doc`` does; a field ``from_doc`` requires is required here.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Annual(msgspec.Struct):
    """A form's annual funding: amounts as stored (text), read by :func:`perftui.core.money.from_stored`."""

    fiscal: Any = None
    other: Any = None
    total: Any = None


class FundingDoc(msgspec.Struct):
    annual: Annual | None  # required, as _funded reads it; a falsy non-object goes the long way


class FundedDoc(msgspec.Struct):
    """What ``perftui total`` reads of a form (:class:`perftui.core.totals.Funded`)."""

    year: int | None
    department: str
    unit: str
    indicators: list[msgspec.Raw]  # counted, not read: each stays a slice of the line
    funding: FundingDoc
    deleted_at: Any = None


class NamedDoc(msgspec.Struct):
    """What a lookup by name or id reads of a form (:meth:`perftui.services.repository.Repository.lookup`)."""

    id: str
    name: str
    year: int | None = None
    deleted_at: Any = None

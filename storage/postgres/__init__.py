"""The PostgreSQL store: documents as jsonb rows, with the caller's columns beside them.

Needs psycopg 3 (an optional dependency); nothing else in :mod:`storage`
imports this package, so the JSON store works without it.

    spec = StoreSpec("myapp", (TableSpec("orders", revisioned=True),))
    init_database(url, spec)            # once, by an administrator
    store = PostgresStore(url, spec)    # then like any other Store
"""

from __future__ import annotations

from ..locations import display_location
from ..spec import StoreSpec
from . import schema
from .connections import Pool, translate
from .schema import LAYOUT, SetUp
from .store import PostgresSnapshot, PostgresStore, PostgresTransaction

__all__ = [
    "PostgresStore",
    "PostgresSnapshot",
    "PostgresTransaction",
    "init_database",
    "upgrade_database",
    "SetUp",
    "LAYOUT",
]


def _admin(url: str, spec: StoreSpec, work) -> SetUp:
    import psycopg

    location = display_location(url)
    pool = Pool(url, location)
    conn = pool.connect()
    try:
        return work(conn, spec, location)
    except psycopg.Error as error:
        raise translate(error, location) from None
    finally:
        conn.close()


def init_database(url: str, spec: StoreSpec) -> SetUp:
    """Create the schema for ``spec`` (nothing is changed when it exists and is current)."""
    return _admin(url, spec, schema.init)


def upgrade_database(url: str, spec: StoreSpec) -> SetUp:
    """Bring a database set up by an older version up to ``spec`` (see :func:`schema.upgrade`)."""
    return _admin(url, spec, schema.upgrade)

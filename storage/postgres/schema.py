"""The tables in the server, and setting them up and bringing them up to date.

Everything lives in one PostgreSQL schema named after the app (so a database
can hold other things too, and one ``GRANT ... IN SCHEMA`` covers access)::

    <app>.meta       one row: app, layout, spec (the columns it was set up for), change
    <app>.documents  one row per document: table, id, seq, revision, changed, doc (jsonb),
                     and one column per declared column (year, unit, amounts...); per table
                     with columns, an index holding them (queries never read the documents)
    <app>.removed    table, id, changed: documents removed, for readers that follow changes

``seq`` is the storage order (insertion order; a replaced document keeps its
place, as in the JSON file). ``change`` counts commits: every commit that
changed something sets it one higher and stamps the rows it wrote with that
number (``changed``), so a reader can ask what changed since the number it
last saw.

``layout`` numbers this module's own tables; the spec's ``version`` numbers
the caller's columns. A database with a higher number of either was set up
by a newer program and is refused; a lower one must be upgraded first
(:func:`upgrade`), because queries would miss columns.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import psycopg

from ..errors import DamagedFileError, NewerSchemaError
from ..servererrors import NeedsUpgradeError, NotInitializedError
from ..spec import Column, StoreSpec, TableSpec

__all__ = ["LAYOUT", "Names", "check", "init", "upgrade", "SetUp"]

LAYOUT = 1

_SQL_TYPES = {"text": "text", "integer": "bigint", "numeric": "numeric", "length": "integer", "flag": "boolean"}


class Names:
    """Quoted SQL names for one app's schema (the app name is checked by StoreSpec)."""

    def __init__(self, app: str) -> None:
        self.schema = f'"{app}"'
        self.meta = f'"{app}".meta'
        self.documents = f'"{app}".documents'
        self.removed = f'"{app}".removed'
        self.channel = f"{app}_changed"
        # Writers take this transaction-level advisory lock, in turn.
        self.lock_name = f"{app}.documents"


class SetUp:
    """What :func:`init` or :func:`upgrade` did, for the command to report."""

    def __init__(self, created: bool = False, added: list[str] | None = None, dropped: list[str] | None = None,
                 found: int | None = None, now: int | None = None) -> None:
        self.created = created
        self.added = added or []
        self.dropped = dropped or []
        self.found = found
        self.now = now

    @property
    def changed(self) -> bool:
        return self.created or bool(self.added or self.dropped) or self.found != self.now


def _installed(conn: psycopg.Connection[Any], names: Names) -> tuple[str, int, dict[str, Any]] | None:
    """(app, layout, spec) as recorded, or None when the schema or its meta table is missing."""
    try:
        with conn.transaction():
            row = conn.execute(f"SELECT app, layout, spec FROM {names.meta}").fetchone()
    except (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName):
        return None
    if row is None:
        return None
    app, layout, spec = row
    return app, layout, spec if isinstance(spec, dict) else json.loads(spec)


def _spec_version(described: dict[str, Any]) -> int:
    version = described.get("version")
    return version if type(version) is int else 0


def _not_newer(conn: psycopg.Connection[Any], names: Names, spec: StoreSpec, location: str) -> tuple[int, int, dict]:
    """``(layout, version, description)`` of a database set up for ``spec``'s app by this or an older version.

    Raises when it is not set up, is another app's, or a newer program set it up.
    """
    found = _installed(conn, names)
    if found is None:
        raise NotInitializedError(location, spec.app)
    app, layout, described = found
    if app != spec.app:
        raise DamagedFileError(location, f"set up for {app!r}, not {spec.app!r}")
    version = _spec_version(described)
    if layout > LAYOUT:
        raise NewerSchemaError(location, layout, LAYOUT)
    if version > spec.version:
        raise NewerSchemaError(location, version, spec.version)
    return layout, version, described


def check(conn: psycopg.Connection[Any], spec: StoreSpec, location: str) -> None:
    """Raise unless the database is set up exactly for ``spec`` at this layout."""
    layout, version, described = _not_newer(conn, Names(spec.app), spec, location)
    if layout < LAYOUT or version < spec.version:
        raise NeedsUpgradeError(location, spec.app, version, spec.version)
    if described != spec.describe():
        # Same version, other columns: two programs disagree on what the
        # columns are. Writing would leave some of them wrong.
        raise NeedsUpgradeError(location, spec.app, version, spec.version)


def _column_ddl(column: Column) -> str:
    return f'"{column.name}" {_SQL_TYPES[column.type]}'


def _index_ddl(names: Names, column: Column) -> str:
    return f'CREATE INDEX IF NOT EXISTS "documents_{column.name}_idx" ON {names.documents} ("table", "{column.name}")'


def _columns_index_ddl(conn: psycopg.Connection[Any], names: Names, table: TableSpec) -> str:
    """One index per table holding its columns, in storage order.

    Sums, lists and "what changed" read only this index (an index-only
    scan), never the rows with their documents: at fifty thousand forms
    that is 10 MB instead of 100.
    """
    digest = hashlib.sha1(table.name.encode()).hexdigest()[:10]
    included = ", ".join(["id", "revision", *(f'"{c.name}"' for c in table.columns if c.listed)])
    where = psycopg.sql.Literal(table.name).as_string(conn)
    return (
        f'CREATE INDEX IF NOT EXISTS "documents_columns_{digest}" ON {names.documents} (seq) '
        f'INCLUDE ({included}) WHERE "table" = {where}'
    )


def _drop_columns_indexes(conn: psycopg.Connection[Any], names: Names) -> None:
    rows = conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND indexname LIKE 'documents_columns_%%'",
        (names.schema.strip('"'),),
    ).fetchall()
    for (index,) in rows:
        conn.execute(f'DROP INDEX {names.schema}."{index}"')


def init(conn: psycopg.Connection[Any], spec: StoreSpec, location: str) -> SetUp:
    """Create the schema for ``spec`` if there is none; an existing one is checked, not changed."""
    names = Names(spec.app)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (names.lock_name,))
        if _installed(conn, names) is not None:
            check(conn, spec, location)
            return SetUp(created=False, found=spec.version, now=spec.version)
        columns = "".join(f",\n    {_column_ddl(c)}" for c in spec.all_columns().values())
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {names.schema}")
        conn.execute(
            f"""CREATE TABLE {names.meta} (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    app text NOT NULL,
    layout integer NOT NULL,
    spec jsonb NOT NULL,
    change bigint NOT NULL DEFAULT 0
)"""
        )
        conn.execute(
            f"""CREATE TABLE {names.documents} (
    "table" text NOT NULL,
    id text NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    revision integer,
    changed bigint NOT NULL,
    doc jsonb NOT NULL{columns},
    PRIMARY KEY ("table", id)
)"""
        )
        conn.execute(f'CREATE INDEX documents_seq_idx ON {names.documents} ("table", seq)')
        conn.execute(f'CREATE INDEX documents_changed_idx ON {names.documents} (changed)')
        conn.execute(f'CREATE TABLE {names.removed} ("table" text NOT NULL, id text NOT NULL, changed bigint NOT NULL)')
        conn.execute(f"CREATE INDEX removed_changed_idx ON {names.removed} (changed)")
        for column in spec.all_columns().values():
            if column.index:
                conn.execute(_index_ddl(names, column))
        for table in spec.tables:
            if table.columns:
                conn.execute(_columns_index_ddl(conn, names, table))
        conn.execute(
            f"INSERT INTO {names.meta} (app, layout, spec) VALUES (%s, %s, %s)",
            (spec.app, LAYOUT, psycopg.types.json.Jsonb(spec.describe())),
        )
    return SetUp(created=True, added=list(spec.all_columns()), found=None, now=spec.version)


def _installed_columns(conn: psycopg.Connection[Any], names: Names) -> dict[str, str]:
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = %s AND table_name = 'documents'",
        (names.schema.strip('"'),),
    ).fetchall()
    return {name: kind for name, kind in rows}


def upgrade(conn: psycopg.Connection[Any], spec: StoreSpec, location: str, *, batch: int = 2000) -> SetUp:
    """Bring a database set up by an older version to ``spec``: columns added, changed or dropped, then filled.

    Refuses a database of a newer version (:class:`NewerSchemaError`).
    Runs in one transaction under the writers' lock: readers and writers
    wait for it, and a failure leaves the database as it was.
    """
    names = Names(spec.app)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (names.lock_name,))
        layout, version, described = _not_newer(conn, names, spec, location)
        if described == spec.describe() and layout == LAYOUT:
            return SetUp(found=version, now=version)
        old_columns = {
            column["name"]: column
            for table in (described.get("tables") or {}).values()
            for column in table.get("columns", [])
        }
        wanted = spec.all_columns()
        present = _installed_columns(conn, names)
        ours = {"table", "id", "seq", "revision", "changed", "doc"}
        dropped = [name for name in present if name not in ours and name not in wanted]
        _drop_columns_indexes(conn, names)  # made again below, with the columns of now
        for name in dropped:
            conn.execute(f'ALTER TABLE {names.documents} DROP COLUMN "{name}"')
        added = []
        for name, column in wanted.items():
            if name in present and old_columns.get(name) == column.describe():
                continue
            if name in present:
                conn.execute(f'ALTER TABLE {names.documents} DROP COLUMN "{name}"')
            conn.execute(f"ALTER TABLE {names.documents} ADD COLUMN {_column_ddl(column)}")
            added.append(name)
        for column in wanted.values():
            if column.index:
                conn.execute(_index_ddl(names, column))
        for table in spec.tables:
            if table.columns:
                conn.execute(_columns_index_ddl(conn, names, table))
        # Every table's columns are filled again: a column may now come from another field.
        if added:
            _fill(conn, names, spec, added, batch)
        conn.execute(
            f"UPDATE {names.meta} SET layout = %s, spec = %s",
            (LAYOUT, psycopg.types.json.Jsonb(spec.describe())),
        )
    return SetUp(added=added, dropped=dropped, found=version, now=spec.version)


def _fill(conn: psycopg.Connection[Any], names: Names, spec: StoreSpec, added: list[str], batch: int) -> None:
    for table in spec.tables:
        columns = [c for c in table.columns if c.name in added]
        if not columns:
            continue
        assignments = ", ".join(f'"{c.name}" = %s' for c in columns)
        update = f'UPDATE {names.documents} SET {assignments} WHERE "table" = %s AND id = %s'
        with conn.cursor(name="fill") as cursor:
            cursor.execute(f'SELECT id, doc FROM {names.documents} WHERE "table" = %s', (table.name,))
            while rows := cursor.fetchmany(batch):
                with conn.cursor() as writer:
                    writer.executemany(
                        update,
                        [(*(c.value(doc) for c in columns), table.name, ident) for ident, doc in rows],
                    )

"""Where the tests keep a store: a JSON file, or a database on the test PostgreSQL server.

The storage contract is one set of tests run against each backend; a
:class:`Backend` opens stores on one database (as many as a test wants, like
several operators' processes) and shows everything stored, so a test can
check that a refused change changed nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from storage import Column, JsonFileStore, StoreSpec, TableSpec, open_store

BACKENDS = ("json", "json-released", "postgresql")

#: The storage tests' own tables: "forms" is revisioned, every other table is a log.
CONTRACT_SPEC = StoreSpec.simple("contract", ["forms"])


class Backend:
    name: str
    location: str
    spec: StoreSpec

    def open(self, **options: Any):
        return open_store(self.location, self.spec, **options)

    def state(self) -> Any:
        """Everything stored, as a value to compare before and after."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"


class JsonBackend(Backend):
    name = "json"

    def __init__(self, path: Path, spec: StoreSpec = CONTRACT_SPEC) -> None:
        self.path = path
        self.location = str(path)
        self.spec = spec

    def open(self, **options: Any) -> JsonFileStore:
        return JsonFileStore(self.path, app=self.spec.app, revisioned=self.spec.revisioned, **options)

    def state(self) -> Any:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None


class ReleasedJsonBackend(JsonBackend):
    """A JSON file whose stores keep documents as their lines (JsonFileStore.release), as the app's does."""

    name = "json-released"

    def open(self, **options: Any) -> JsonFileStore:
        store = super().open(**options)
        store.release()
        return store


class PostgresBackend(Backend):
    name = "postgresql"

    def __init__(self, server, database: str, spec: StoreSpec = CONTRACT_SPEC) -> None:
        self.server = server
        self.database = database
        self.location = server.url(database)
        self.spec = spec

    def state(self) -> Any:
        import psycopg

        with psycopg.connect(self.location) as conn:
            schema = f'"{self.spec.app}"'
            rows = conn.execute(f'SELECT "table", id, seq, revision, changed, doc::text FROM {schema}.documents ORDER BY seq').fetchall()
            removed = conn.execute(f"SELECT * FROM {schema}.removed ORDER BY changed").fetchall()
            (change,) = conn.execute(f"SELECT change FROM {schema}.meta").fetchone()
        return rows, removed, change


def make_backend(request, name: str, tmp_path: Path, spec: StoreSpec = CONTRACT_SPEC) -> Backend:
    """A fresh, empty database of backend ``name`` for one test (dropped after it)."""
    if name == "json":
        return JsonBackend(tmp_path / "data" / f"{spec.app}.json", spec)
    if name == "json-released":
        return ReleasedJsonBackend(tmp_path / "data" / f"{spec.app}.json", spec)
    server = request.getfixturevalue("postgres_server")
    from storage.postgres import init_database

    database = server.prepared_database(repr(spec), lambda url: init_database(url, spec))
    request.addfinalizer(lambda: server.drop_database(database))
    return PostgresBackend(server, database, spec)


def child_location(backend: Backend) -> str:
    """What a child process is told to open (a path or a URL)."""
    return os.fspath(backend.location)


#: A spec with columns, for the PostgreSQL store's own tests (queries, upgrades).
LEDGER_SPEC = StoreSpec(
    "ledger",
    (
        TableSpec(
            "forms",
            revisioned=True,
            columns=(
                Column("year", ("year",), "integer", index=True),
                Column("unit", ("unit",), "text"),
                Column("fiscal", ("funding", "annual", "fiscal"), "numeric"),
                Column("rows", ("rows",), "length"),
                Column("deleted", ("deleted_at",), "flag"),
            ),
        ),
        TableSpec("log", columns=(Column("form_id", ("form_id",), "text", index=True),)),
    ),
)

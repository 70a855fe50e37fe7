"""What only the PostgreSQL store does: columns and queries, set-up and upgrades, server-side access, notifications.

The contract it shares with the JSON file is in test_store_contract.py.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from decimal import Decimal

import pytest

from storage import (
    Column,
    ConflictError,
    NeedsUpgradeError,
    NewerSchemaError,
    NotInitializedError,
    Queryable,
    ReadOnlyError,
    ServerError,
    ServerReadOnlyError,
    StoreSpec,
    TableSpec,
    UnreachableError,
    display_location,
    is_server_url,
    open_store,
)
from storage_testutil import child_env, wait_for_line

psycopg = pytest.importorskip("psycopg")
from storage.postgres import PostgresStore, init_database, upgrade_database  # noqa: E402

from tests.store_backends import LEDGER_SPEC as SPEC  # noqa: E402

COLUMNS = SPEC.tables[0].columns


def form(ident: str, year: int | None, unit: str, fiscal: str, rows: int = 0, **extra) -> dict:
    return {"id": ident, "year": year, "unit": unit, "funding": {"annual": {"fiscal": fiscal}}, "rows": [["r"]] * rows, **extra}


@pytest.fixture
def url(pg_url: str) -> str:
    init_database(pg_url, SPEC)
    return pg_url


def admin(url: str):
    return psycopg.connect(url, autocommit=True)


# -- columns and queries --------------------------------------------------------


def test_sums_are_exact_and_grouped_in_the_order_groups_first_appear(url: str) -> None:
    store = PostgresStore(url, SPEC)
    with store.transaction() as tx:
        tx.insert("forms", form("a", 2024, "二中", "80.00", 3))
        tx.insert("forms", form("b", 2024, "一中", "153.5184", 2))
        tx.insert("forms", form("c", 2023, "二中", "0.10"))
        tx.insert("forms", form("d", 2024, "二中", "", 1))
        tx.insert("forms", form("e", 2024, "二中", "1", deleted_at="2024-05-01"))
    snapshot = store.read()
    assert isinstance(snapshot, Queryable)  # callers then ask the server instead of reading documents
    assert snapshot.sums("forms", ["year", "unit"], ["fiscal", "rows"], {"deleted": False}) == [
        (2024, "二中", 2, Decimal("80.00"), 4),
        (2024, "一中", 1, Decimal("153.5184"), 2),
        (2023, "二中", 1, Decimal("0.10"), 0),
    ]
    assert snapshot.sums("forms", [], ["fiscal"], {"deleted": False}) == [(4, Decimal("233.6184"))]
    assert snapshot.sums("forms", [], ["fiscal"], {"year": 1999}) == []
    assert snapshot.rows("forms", ["unit", "fiscal"], {"year": 2023}) == [("c", 1, "二中", Decimal("0.10"))]
    assert [doc["id"] for doc in snapshot.select("forms", {"unit": "二中", "deleted": False})] == ["a", "c", "d"]


def test_the_first_rows_of_a_list_newest_first_then_as_stored(url: str) -> None:
    """What a long list's first screen is read from: by year, newest first (none counting as 0), then as stored."""
    store = PostgresStore(url, SPEC)
    with store.transaction() as tx:
        for ident, year in (("a", 2023), ("b", 2024), ("c", None), ("d", 2024), ("e", 2023)):
            tx.insert("forms", form(ident, year, "二中", "1.00"))
        tx.insert("forms", form("f", 2025, "二中", "1.00", deleted_at="2024-05-01"))
    snapshot = store.read()
    newest = snapshot.rows("forms", ["year"], {"deleted": False}, newest_first="year")
    assert [row[0] for row in newest] == ["b", "d", "a", "e", "c"]
    assert snapshot.rows("forms", ["year"], {"deleted": False}, newest_first="year", limit=3) == newest[:3]
    assert [row[0] for row in snapshot.rows("forms", [], limit=2)] == ["a", "b"]  # storage order, cut short
    with pytest.raises(ValueError, match="number"):
        snapshot.rows("forms", ["unit"], newest_first="unit")
    with pytest.raises(ValueError, match="limit"):
        snapshot.rows("forms", [], limit=-1)


def test_a_copy_leaves_the_server_planning_on_the_copied_rows(url: str, tmp_path) -> None:
    """After a bulk copy the server's statistics count the copied rows at once, not when autovacuum
    comes round: the sums then come from the columns' index instead of a sort of every row on disk."""
    from storage.migrate import copy_documents

    def planned_on() -> float:
        with admin(url) as conn:
            return conn.execute("SELECT reltuples FROM pg_class WHERE oid = 'ledger.documents'::regclass").fetchone()[0]

    assert planned_on() <= 0  # as set up: the server knows nothing of the rows yet
    source = open_store(tmp_path / "forms.json", SPEC)
    with source.transaction() as tx:
        for n in range(300):
            tx.insert("forms", form(f"f{n}", 2024, "二中", "1.00"))
    target = PostgresStore(url, SPEC)
    assert copy_documents(source, target, tables=["forms"]).copied == 300
    target.close()
    assert planned_on() == 300


def test_columns_follow_saves_and_removals(url: str) -> None:
    store = PostgresStore(url, SPEC)
    with store.transaction() as tx:
        tx.insert("forms", form("a", 2024, "二中", "80.00"))
        tx.insert("forms", form("b", 2024, "二中", "20.00"))
    with store.transaction() as tx:
        tx.replace("forms", form("a", 2025, "一中", "81.50"), base_revision=1)
        tx.remove("forms", "b", base_revision=1)
        assert [doc["id"] for doc in tx.select("forms", {"year": 2025})] == ["a"]  # inside the transaction too
    assert store.read().sums("forms", ["year", "unit"], ["fiscal"]) == [(2025, "一中", 1, Decimal("81.50"))]


def test_a_field_that_cannot_be_its_column_is_refused_and_nothing_is_written(url: str) -> None:
    store = PostgresStore(url, SPEC)
    for bad in (form("x", 2024, "u", "十万"), form("x", 2024, "u", 1.5), form("x", "2024", "u", "1"),
                form("x", 2024, ["u"], "1"), {"id": "x", "rows": "not a list"}):
        with pytest.raises(ValueError):
            with store.transaction() as tx:
                tx.insert("forms", bad)
    with pytest.raises(ValueError, match="cannot store"):
        with store.transaction() as tx:
            tx.insert("forms", {"id": "nul", "text": "a\u0000b"})
    assert store.read().documents("forms") == []


def test_queries_name_only_declared_columns(url: str) -> None:
    snapshot = PostgresStore(url, SPEC).read()
    with pytest.raises(ValueError):
        snapshot.select("forms", {"doc": 1})
    with pytest.raises(ValueError):
        snapshot.sums("forms", ["form_id"], ["fiscal"])  # a column of another table
    with pytest.raises(ValueError):
        snapshot.rows("forms", ['year" FROM x; --'])


def test_changes_since_an_earlier_snapshot(url: str) -> None:
    store = PostgresStore(url, SPEC)
    with store.transaction() as tx:
        for ident in "abc":
            tx.insert("forms", form(ident, 2024, "u", "1"))
    before = store.read().token
    with store.transaction() as tx:
        tx.replace("forms", form("b", 2024, "u", "2"), base_revision=1)
        tx.remove("forms", "c", base_revision=1)
        tx.insert("forms", form("d", 2024, "u", "3"))
        tx.append("log", {"form_id": "b"})
    now = store.read()
    docs, removed = now.changes("forms", before)
    assert [(doc["id"], doc["revision"]) for doc in docs] == [("b", 2), ("d", 1)]
    assert removed == ["c"]
    assert now.changes("forms", now.token) == ([], [])
    with pytest.raises(ValueError):
        now.changes("forms", now.token + 1)


def test_several_operations_are_one_change(url: str) -> None:
    store = PostgresStore(url, SPEC)
    first = store.read().token
    with store.transaction() as tx:
        for n in range(5):
            tx.insert("forms", {"id": f"f{n}"})
        tx.append("log", {"event": "bulk"})
    assert store.read().token == first + 1


# -- set-up, upgrades, versions -----------------------------------------------------


def test_a_database_not_set_up_is_refused_with_the_command_to_run(pg_url: str) -> None:
    store = PostgresStore(pg_url, SPEC)
    for attempt in (store.read, store.transaction().__enter__, lambda: store.changed_since(0)):
        with pytest.raises(NotInitializedError) as caught:
            attempt()
        assert "`ledger db init`" in str(caught.value)
    with admin(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'ledger'").fetchone() == (0,)


def test_init_twice_changes_nothing(url: str) -> None:
    with PostgresStore(url, SPEC).transaction() as tx:
        tx.insert("forms", form("a", 2024, "u", "1"))
    again = init_database(url, SPEC)
    assert not again.created and not again.changed
    assert [doc["id"] for doc in PostgresStore(url, SPEC).read().documents("forms")] == ["a"]


def test_a_newer_database_is_refused(url: str) -> None:
    newer = StoreSpec(SPEC.app, SPEC.tables, version=2)
    upgrade_database(url, newer)
    with pytest.raises(NewerSchemaError) as caught:
        PostgresStore(url, SPEC).read()
    assert (caught.value.found, caught.value.supported) == (2, 1)
    with pytest.raises(NewerSchemaError):
        upgrade_database(url, SPEC)  # an upgrade never goes back


def test_an_older_database_must_be_upgraded_and_the_upgrade_fills_new_columns(url: str) -> None:
    with PostgresStore(url, SPEC).transaction() as tx:
        tx.insert("forms", form("a", 2024, "二中", "80.00", note="甲"))
        tx.insert("forms", form("b", 2023, "一中", "1.5", note="乙"))
    note = Column("note", ("note",), "text", index=True)
    newer = StoreSpec(SPEC.app, (TableSpec("forms", True, (*COLUMNS[:2], note)), SPEC.tables[1]), version=2)
    with pytest.raises(NeedsUpgradeError) as caught:
        PostgresStore(url, newer).read()
    assert "`ledger db upgrade`" in str(caught.value) and (caught.value.found, caught.value.supported) == (1, 2)

    done = upgrade_database(url, newer)
    assert done.added == ["note"] and sorted(done.dropped) == ["deleted", "fiscal", "rows"]
    store = PostgresStore(url, newer)
    assert store.read().rows("forms", ["note", "year"]) == [("a", 1, "甲", 2024), ("b", 1, "乙", 2023)]
    assert not upgrade_database(url, newer).changed


def test_a_running_program_notices_an_upgrade_by_a_newer_one(url: str) -> None:
    store = PostgresStore(url, SPEC)
    store.read()
    upgrade_database(url, StoreSpec(SPEC.app, SPEC.tables, version=2))
    with pytest.raises(NewerSchemaError):
        with store.transaction() as tx:
            tx.insert("forms", {"id": "late"})
    with pytest.raises(NewerSchemaError):
        store.read()


# -- access ----------------------------------------------------------------------------


@pytest.fixture
def reader_url(url: str, postgres_server) -> str:
    """The same database for a role that may only read (the grants the README shows)."""
    role = "reader_" + psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with admin(url) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'GRANT USAGE ON SCHEMA ledger TO "{role}"')
        conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA ledger TO "{role}"')
    yield url.replace("://postgres@", f"://{role}@")
    with admin(url) as conn:
        conn.execute(f'DROP OWNED BY "{role}"')
        conn.execute(f'DROP ROLE "{role}"')


def test_a_read_only_role_reads_and_the_server_refuses_its_writes(url: str, reader_url: str) -> None:
    with PostgresStore(url, SPEC).transaction() as tx:
        tx.insert("forms", form("a", 2024, "u", "1"))
    store = PostgresStore(reader_url, SPEC)  # not opened read-only: the server decides
    snapshot = store.read()
    assert [doc["id"] for doc in snapshot.documents("forms")] == ["a"]
    assert snapshot.sums("forms", [], ["fiscal"]) == [(1, Decimal("1"))]
    assert store.read_only
    with pytest.raises(ServerReadOnlyError) as caught:
        store.transaction()
    assert isinstance(caught.value, ReadOnlyError) and "read-only" in str(caught.value)


def test_a_write_the_server_refuses_midway_is_a_read_only_error(url: str, reader_url: str) -> None:
    store = PostgresStore(reader_url, SPEC)
    store._server_writable = True  # as if the grants were taken away after it connected
    store._checked = True
    with pytest.raises(ServerReadOnlyError):
        with store.transaction() as tx:
            tx.insert("forms", {"id": "a"})
    assert PostgresStore(url, SPEC).read().documents("forms") == []


def test_an_unreachable_server_is_one_line_without_the_password(tmp_path) -> None:
    url = f"postgresql://clerk:s3cret@/budget?host={tmp_path}&connect_timeout=2"
    store = open_store(url, SPEC)
    with pytest.raises(UnreachableError) as caught:
        store.read()
    message = str(caught.value)
    assert "s3cret" not in message and "\n" not in message
    assert caught.value.path == f"postgresql://clerk:***@/budget?host={tmp_path}&connect_timeout=2"


def test_locations() -> None:
    assert is_server_url("postgresql://h/db") and is_server_url("POSTGRES://h/db")
    assert not is_server_url("forms.json") and not is_server_url("/srv/postgresql://x")
    assert display_location("postgresql://u:p@h:5432/db?password=x&sslmode=require") == (
        "postgresql://u:***@h:5432/db?password=***&sslmode=require"
    )


# -- other processes --------------------------------------------------------------


def child(code: str, url: str) -> subprocess.Popen[str]:
    """A separate interpreter running ``code`` on the ledger database at ``url``."""
    preamble = (
        "import sys\n"
        "from storage.postgres import PostgresStore\n"
        "from tests.store_backends import LEDGER_SPEC\n"
        "store = PostgresStore(sys.argv[1], LEDGER_SPEC)\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", preamble + code, url],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(),
    )


def test_another_process_save_wakes_a_waiting_reader_at_once(url: str) -> None:
    store = PostgresStore(url, SPEC)
    token = store.read().token
    assert store.wait_for_change(token, 0.05) is False  # nothing happened: times out
    woke: list[float] = []

    def wait() -> None:
        changed = store.wait_for_change(token, 20)
        woke.extend([changed, time.monotonic()])

    waiter = threading.Thread(target=wait)
    waiter.start()
    writer = child(
        "with store.transaction() as tx:\n"
        "    tx.insert('forms', {'id': 'theirs'})\n"
        "print('done', flush=True)\n"
        "sys.stdin.read()\n",
        url,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "done"
        committed = time.monotonic()
        waiter.join(timeout=20)
    finally:
        writer.communicate(timeout=30)
    assert woke and woke[0] is True
    assert woke[1] - committed < 0.5
    assert store.changed_since(token)


def test_a_client_killed_inside_its_transaction_leaves_nothing_behind(url: str) -> None:
    holder = child(
        "with store.transaction() as tx:\n"
        "    tx.append('log', {'event': 'holding'})\n"
        "    print('locked', flush=True)\n"
        "    sys.stdin.read()\n",
        url,
    )
    wait_for_line(holder, "locked")
    holder.kill()
    holder.communicate()
    store = PostgresStore(url, SPEC, lock_timeout=5)
    with store.transaction() as tx:  # the lock went with the killed session
        tx.insert("forms", {"id": "next"})
    assert store.read().documents("log") == []


def test_a_connection_lost_before_commit_changes_nothing(url: str) -> None:
    store = PostgresStore(url, SPEC)
    with store.transaction() as tx:
        tx.insert("forms", {"id": "a"})
    with pytest.raises((UnreachableError, ConflictError)) as caught:
        with store.transaction() as tx:
            tx.replace("forms", {"id": "a", "v": 2}, base_revision=1)
            pid = tx._conn.info.backend_pid
            with admin(url) as conn:
                conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert "\n" not in str(caught.value)
    assert PostgresStore(url, SPEC).read().get("forms", "a") == {"id": "a", "revision": 1}
    with store.transaction() as tx:  # the store recovers with a new connection
        tx.replace("forms", {"id": "a", "v": 3}, base_revision=1)


# -- computed columns ---------------------------------------------------------------


def _rows_rule(factor: int):
    """A caller's function of the whole document: its rows times ``factor`` (a rule that may change)."""
    return lambda doc: len(doc.get("rows") or []) * factor


def _computed_spec(version: int, factor: int) -> StoreSpec:
    from storage import Computed

    weight = Column("weight", (), "integer", computed=Computed("ledger.weight", version, _rows_rule(factor)))
    summary = Column("summary", (), "text", computed=Computed("ledger.summary", 1, lambda doc: f"{doc['id']}:{doc.get('unit', '')}"), listed=False)
    return StoreSpec(SPEC.app, (TableSpec("forms", True, (*COLUMNS, weight, summary)), SPEC.tables[1]), version=1 + version)


def test_a_computed_column_is_computed_by_the_callers_function_on_every_write(url: str) -> None:
    spec = _computed_spec(1, 10)
    upgrade_database(url, spec)
    store = PostgresStore(url, spec)
    with store.transaction() as tx:
        tx.insert("forms", form("a", 2024, "u", "1", rows=2))
    assert store.read().rows("forms", ["weight", "summary"]) == [("a", 1, 20, "a:u")]
    with store.transaction() as tx:
        tx.replace("forms", form("a", 2024, "v", "1", rows=3), base_revision=1)
    assert store.read().rows("forms", ["weight", "summary"]) == [("a", 2, 30, "a:v")]
    with admin(url) as conn:
        described = conn.execute("SELECT spec FROM ledger.meta").fetchone()[0]
        index = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname LIKE 'documents_columns_%'").fetchone()[0]
    weight = next(c for c in described["tables"]["forms"]["columns"] if c["name"] == "weight")
    assert weight["computed"] == {"name": "ledger.weight", "version": 1}
    assert "weight" in index and "summary" not in index  # a bulky column is kept out of the lists' index


def test_a_computed_column_of_an_older_rule_is_refused_until_the_upgrade_computes_it_again(url: str) -> None:
    old = _computed_spec(1, 10)
    upgrade_database(url, old)
    with PostgresStore(url, old).transaction() as tx:
        tx.insert("forms", form("a", 2024, "u", "1", rows=2))
        tx.insert("forms", form("b", 2024, "u", "1", rows=1))
    new = _computed_spec(2, 100)  # the rule changed: its version with it
    with pytest.raises(NeedsUpgradeError):
        PostgresStore(url, new).read()  # never the old figures under the new rule
    done = upgrade_database(url, new)
    assert done.added == ["weight"]
    assert PostgresStore(url, new).read().rows("forms", ["weight"]) == [("a", 1, 200), ("b", 1, 100)]
    with pytest.raises(NewerSchemaError):
        PostgresStore(url, old).read()


def test_a_computed_value_of_the_wrong_type_is_refused_and_nothing_is_written(url: str) -> None:
    from storage import Computed

    bad = Column("weight", (), "integer", computed=Computed("ledger.weight", 1, lambda doc: "many"))
    spec = StoreSpec(SPEC.app, (TableSpec("forms", True, (*COLUMNS, bad)), SPEC.tables[1]), version=2)
    upgrade_database(url, spec)
    store = PostgresStore(url, spec)
    with pytest.raises(ValueError, match="ledger.weight"):
        with store.transaction() as tx:
            tx.insert("forms", form("a", 2024, "u", "1"))
    assert store.read().documents("forms") == []


def test_bulk_inserts_keep_revisions_and_fill_columns_in_one_change(url: str) -> None:
    store = PostgresStore(url, SPEC)
    first = store.read().token
    docs = [dict(form(f"f{n}", 2024, "u", f"{n}.50"), revision=n + 1) for n in range(7)]
    with store.transaction() as tx:
        assert tx.insert_many("forms", docs, batch=3) == 7
        assert tx.insert_many("log", [{"form_id": "f1"}, {"id": "e2", "form_id": "f2"}]) == 2
    snapshot = store.read()
    assert snapshot.token == first + 1
    assert snapshot.documents("forms") == docs
    assert snapshot.sums("forms", [], ["fiscal"]) == [(7, Decimal("24.50"))]
    assert [doc["form_id"] for doc in snapshot.documents("log")] == ["f1", "f2"]
    with pytest.raises(ValueError, match="revision"):
        with store.transaction() as tx:
            tx.insert_many("forms", [form("g", 2024, "u", "1")])
    with pytest.raises(ServerError):  # an id held already: the whole transaction fails
        with store.transaction() as tx:
            tx.insert_many("forms", [dict(form("f0", 2024, "u", "1"), revision=1)])
    assert len(store.read().documents("forms")) == 7


def test_changed_rows_and_some_documents_without_reading_the_table(url: str) -> None:
    store = PostgresStore(url, SPEC)
    with store.transaction() as tx:
        for n in range(3):
            tx.insert("forms", form(f"f{n}", 2024, "u", "1"))
    before = store.read().token
    with store.transaction() as tx:
        tx.replace("forms", form("f1", 2025, "u", "2"), base_revision=1)
        tx.remove("forms", "f2", base_revision=1)
    now = store.read()
    assert now.changed_rows("forms", ["year", "fiscal"], before) == ([("f1", 2, 2025, Decimal("2"))], ["f2"])
    assert [doc["id"] for doc in now.some("forms", ["f1", "f0", "gone"])] == ["f0", "f1"]
    with pytest.raises(ValueError):
        now.changed_rows("forms", ["nope"], before)


def test_containing_finds_documents_whose_text_column_holds_a_needle(url: str) -> None:
    from storage import Computed

    words = Column("words", (), "text", computed=Computed("ledger.words", 1, lambda doc: doc.get("text", "")), listed=False)
    spec = StoreSpec(SPEC.app, (TableSpec("forms", True, (*COLUMNS, words)), SPEC.tables[1]), version=2)
    upgrade_database(url, spec)
    store = PostgresStore(url, spec)
    with store.transaction() as tx:
        for ident, text in (("a", "≥7人\n满意度"), ("b", "100%"), ("c", "abc_%"), ("d", "Ａbc")):
            tx.insert("forms", {"id": ident, "year": 2024, "text": text})
    snapshot = store.read()
    assert snapshot.containing("forms", "words", ["7人"]) == ["a"]
    assert snapshot.containing("forms", "words", ["%"]) == ["b", "c"]  # no pattern characters: text as typed
    assert snapshot.containing("forms", "words", ["_", "满意"]) == ["a", "c"]
    assert snapshot.containing("forms", "words", ["bc"], {"year": 2024}) == ["c", "d"]
    assert snapshot.containing("forms", "words", ["人\n满"]) == ["a"] and snapshot.containing("forms", "words", []) == []
